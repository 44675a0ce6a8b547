//! The dynamic (runtime) schema: items whose shape is known at run time.

use crate::common::setup;
use ddb_odm::expr::{Field, Path};
use ddb_odm::schema::{AttrType, AttributeDef, IndexDef, Schema};
use ddb_odm::{AttributeValue, DynamicItem, Error, KeyQuery, SortKey};
use futures::TryStreamExt;

fn schema() -> Schema {
    Schema::builder("Metric")
        .table("metrics")
        .attribute(AttributeDef::new("host", AttrType::String))
        .attribute(AttributeDef::new("ts", AttrType::Number))
        .attribute(AttributeDef::new("value", AttrType::Number).required())
        .attribute(AttributeDef::new(
            "labels",
            AttrType::Map(vec![AttributeDef::new("env", AttrType::String)]),
        ))
        .attribute(AttributeDef::new("region", AttrType::String).alias("r"))
        .hash_key("host")
        .range_key("ts")
        .index(IndexDef::global("by_region", "region").range("ts"))
        .build()
        .unwrap()
}

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.into())
}

#[tokio::test]
async fn dynamic_items_round_trip_and_query() {
    let (_db, odm) = setup().await;
    let metrics = odm.dynamic(schema()).await.unwrap();
    for ts in 0..5 {
        let labels = AttributeValue::M(
            [("env".to_string(), s("prod")), ("junk".to_string(), s("dropped"))].into_iter().collect(),
        );
        let item = DynamicItem::new()
            .with("host", s("h1"))
            .with("ts", n(ts))
            .with("value", n(ts * 10))
            .with("labels", labels)
            .with("region", s("eu"))
            .with("unknown", s("dropped"));
        metrics.create(&item).await.unwrap();
    }
    let key = [("host".to_string(), s("h1")), ("ts".to_string(), n(3))].into_iter().collect();
    let got = metrics.get(key).await.unwrap().unwrap();
    assert_eq!(got.get("value"), Some(&n(30)));
    assert_eq!(got.get("region"), Some(&s("eu")));
    assert!(got.get("unknown").is_none(), "strict conformance drops unknown attributes");
    let AttributeValue::M(labels) = got.get("labels").unwrap() else { panic!() };
    assert_eq!(labels.len(), 1, "nested maps keep only their declared attributes");
    let region: Field<DynamicItem, String> = Field::new(Path::attr("r"));
    let host: Field<DynamicItem, String> = Field::new(Path::attr("host"));
    let ts: Field<DynamicItem, i64> = Field::new(Path::attr("ts"));
    let q = KeyQuery::<DynamicItem, SortKey<DynamicItem, i64>>::with_sort(
        Some("by_region"),
        &region,
        "eu",
        ts.clone(),
    )
    .sort_ge(2);
    let items: Vec<DynamicItem> = metrics.query(q).all().try_collect().await.unwrap();
    assert_eq!(items.len(), 3);
    let q = KeyQuery::<DynamicItem, SortKey<DynamicItem, i64>>::with_sort(None, &host, "h1", ts).sort_lt(2);
    assert_eq!(metrics.query(q).count().await.unwrap(), 2);
    // required attribute
    let err = metrics.create(&DynamicItem::new().with("host", s("h2")).with("ts", n(1))).await.unwrap_err();
    assert!(matches!(err, Error::Validation { ref field, .. } if field == "value"), "{err:?}");
}

#[test]
fn maps_without_a_sub_schema_are_refused_at_definition_and_open_values_accepted() {
    for ty in [AttrType::Map(vec![]), AttrType::List(Box::new(AttrType::Map(vec![])))] {
        let err = Schema::builder("Bad")
            .attribute(AttributeDef::new("id", AttrType::String))
            .attribute(AttributeDef::new("x", ty))
            .hash_key("id")
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Schema(_)), "{err:?}");
    }
    // Open values (`AttributeValue`, `Json`, serde types) are allowed at any depth.
    for ty in
        [AttrType::Any, AttrType::List(Box::new(AttrType::Any)), AttrType::Dict(Box::new(AttrType::Any))]
    {
        Schema::builder("Open")
            .attribute(AttributeDef::new("id", AttrType::String))
            .attribute(AttributeDef::new("x", ty))
            .hash_key("id")
            .build()
            .unwrap();
    }
    let err =
        Schema::builder("NoKey").attribute(AttributeDef::new("id", AttrType::String)).build().unwrap_err();
    assert!(matches!(err, Error::Schema(_)));
    let err = Schema::builder("BadKey")
        .attribute(AttributeDef::new("id", AttrType::Boolean))
        .hash_key("id")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Schema(_)));
}
