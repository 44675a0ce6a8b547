//! Tables from models: create (keys, GSIs, LSIs, billing, TTL, tags,
//! stream, class), wait for active, update to match, single-table design.

use crate::common::setup;
use aws_sdk_dynamodb::types::{StreamViewType, TableClass, TimeToLiveStatus};
use ddb_odm::{Billing, Model, OdmOptions, Table, TableOptions, TableUpdates};
use std::collections::BTreeMap;

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "sessions", expires = 3600)]
struct Session {
    #[key]
    user: String,
    #[range_key]
    #[index(name = "by_started", local)]
    id: String,
    #[index(name = "by_token", projection = "include", include = "user")]
    token: String,
    #[odm(ttl)]
    expires_at: Option<time::OffsetDateTime>,
}

#[tokio::test]
async fn create_table_from_a_model() {
    let (db, odm) = setup().await;
    let options = TableOptions {
        billing: Billing::Provisioned { read: 5, write: 3 },
        tags: BTreeMap::from([("team".to_string(), "core".to_string())]),
        table_class: Some(TableClass::StandardInfrequentAccess),
        stream: Some(StreamViewType::NewAndOldImages),
        ..Default::default()
    };
    let table = odm.table_for(Session::schema().unwrap()).options(options);
    let input = table.create_request().unwrap();
    assert_eq!(input.key_schema().len(), 2);
    assert_eq!(input.global_secondary_indexes().len(), 1);
    assert_eq!(input.local_secondary_indexes().len(), 1);
    assert!(table.create().await.unwrap());
    assert!(!table.create().await.unwrap(), "a second create finds the table");
    table.wait_for_active().await.unwrap();
    let desc = table.describe().await.unwrap().unwrap();
    assert_eq!(desc.global_secondary_indexes().len(), 1);
    assert_eq!(desc.local_secondary_indexes().len(), 1);
    assert_eq!(desc.provisioned_throughput().and_then(|p| p.read_capacity_units()), Some(5));
    assert_eq!(
        desc.stream_specification().and_then(|s| s.stream_view_type().cloned()),
        Some(StreamViewType::NewAndOldImages)
    );
    assert_eq!(
        desc.table_class_summary().and_then(|c| c.table_class().cloned()),
        Some(TableClass::StandardInfrequentAccess)
    );
    let ttl = db.client.describe_time_to_live().table_name(table.name()).send().await.unwrap();
    let ttl = ttl.time_to_live_description().unwrap();
    assert_eq!(ttl.attribute_name(), Some("expires_at"));
    assert!(matches!(
        ttl.time_to_live_status(),
        Some(TimeToLiveStatus::Enabled) | Some(TimeToLiveStatus::Enabling)
    ));
    let tags =
        db.client.list_tags_of_resource().resource_arn(desc.table_arn().unwrap()).send().await.unwrap();
    assert_eq!(tags.tags()[0].key(), "team");

    // TTL `expires`: items get an expiry in epoch seconds
    let sessions = odm.handle::<Session>().unwrap();
    let s = sessions
        .create(&Session { user: "u".into(), id: "1".into(), token: "t".into(), expires_at: None })
        .await
        .unwrap();
    let exp = s.expires_at.unwrap();
    let now = time::OffsetDateTime::now_utc();
    assert!(exp > now + time::Duration::minutes(59) && exp < now + time::Duration::minutes(61));
    let raw = sessions.get(("u".to_string(), "1".to_string())).send_raw().await.unwrap().unwrap();
    let ddb_odm::AttributeValue::N(secs) = &raw["expires_at"] else { panic!() };
    assert_eq!(secs.len(), 10, "epoch seconds");
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "people")]
struct PersonV1 {
    #[key]
    id: String,
    #[index(name = "by_name")]
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "people")]
struct PersonV2 {
    #[key]
    id: String,
    name: String,
    #[index(name = "by_city")]
    city: String,
    #[odm(ttl)]
    gone: Option<i64>,
}

#[tokio::test]
async fn update_table_to_match_the_model() {
    let (db, odm) = setup().await;
    let opts = TableOptions {
        tags: BTreeMap::from([("a".to_string(), "1".to_string()), ("b".to_string(), "2".to_string())]),
        ..Default::default()
    };
    odm.table_for(PersonV1::schema().unwrap()).options(opts).initialize().await.unwrap();
    let opts = TableOptions {
        update: TableUpdates::all(),
        tags: BTreeMap::from([("a".to_string(), "changed".to_string())]),
        ..Default::default()
    };
    let table = odm.table_for(PersonV2::schema().unwrap()).options(opts);
    db.clear_operations();
    let changes = table.update().await.unwrap();
    assert_eq!(changes.created_indexes, vec!["by_city".to_string()]);
    assert_eq!(changes.deleted_indexes, vec!["by_name".to_string()]);
    assert_eq!(changes.ttl, Some(true));
    assert_eq!(changes.tagged, vec!["a".to_string()]);
    assert_eq!(changes.untagged, vec!["b".to_string()]);
    let desc = table.describe().await.unwrap().unwrap();
    let names: Vec<_> = desc.global_secondary_indexes().iter().filter_map(|i| i.index_name()).collect();
    assert_eq!(names, vec!["by_city"]);
    if db.emulator.is_some() {
        let allowed = ddb_odm::permissions::actions(ddb_odm::permissions::OdmOperation::UpdateTable);
        for op in crate::common::ops(&db) {
            assert!(allowed.contains(&op.as_str()), "{op} is not documented for table update");
        }
    }
    // nothing left to change
    let again = table.update().await.unwrap();
    assert_eq!(again, ddb_odm::TableChanges::default());
    // the new index works
    let people = odm.handle::<PersonV2>().unwrap();
    people
        .create(&PersonV2 { id: "1".into(), name: "n".into(), city: "Oslo".into(), gone: None })
        .await
        .unwrap();
    assert_eq!(people.query(PersonV2::query_by_city("Oslo")).count().await.unwrap(), 1);
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "app")]
struct Customer {
    #[key]
    #[odm(rename = "pk")]
    id: String,
    #[range_key]
    #[odm(rename = "sk", constant = "PROFILE")]
    kind: String,
    #[index(name = "gsi1")]
    #[odm(rename = "gsi1pk")]
    email: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "app")]
struct Order {
    #[key]
    #[odm(rename = "pk")]
    customer: String,
    #[range_key]
    #[odm(rename = "sk")]
    order: String,
    #[index(name = "gsi2")]
    status: String,
}

#[tokio::test]
async fn one_table_for_several_models() {
    let (_db, odm) = setup().await;
    let table = odm.table("app").model::<Customer>().unwrap().model::<Order>().unwrap();
    let input = table.create_request().unwrap();
    assert_eq!(input.global_secondary_indexes().len(), 2);
    assert_eq!(input.attribute_definitions().len(), 4);
    table.initialize().await.unwrap();
    let customers = odm.handle::<Customer>().unwrap();
    let orders = odm.handle::<Order>().unwrap();
    customers
        .create(&Customer { id: "c1".into(), kind: "anything".into(), email: "e@x".into() })
        .await
        .unwrap();
    orders
        .create(&Order { customer: "c1".into(), order: "ORDER#1".into(), status: "open".into() })
        .await
        .unwrap();
    // the constant forced the sort key
    let c = customers.get(("c1".to_string(), "PROFILE".to_string())).await.unwrap().unwrap();
    assert_eq!(c.kind, "PROFILE");
    let n = orders.query(Order::query_by_customer("c1").sort_begins_with("ORDER#")).count().await.unwrap();
    assert_eq!(n, 1);
    assert_eq!(customers.query(Customer::query_by_email("e@x")).count().await.unwrap(), 1);
    // mismatched keys are refused
    let bad = odm.table("app").model::<Customer>().unwrap().model::<PersonV1>().unwrap();
    assert!(matches!(bad.create_request(), Err(ddb_odm::Error::Schema(_))));
}

#[tokio::test]
async fn production_options_make_no_control_plane_calls() {
    let (db, odm0) = setup().await;
    let odm = ddb_odm::Odm::with_options(
        odm0.client().clone(),
        OdmOptions { prefix: db.prefix.clone(), table: TableOptions::production(), ..Default::default() },
    );
    db.clear_operations();
    let _s = odm.model::<Session>().await.unwrap();
    let _p = odm.model::<PersonV2>().await.unwrap();
    let _t: Table = odm.table("app").model::<Customer>().unwrap();
    _t.initialize().await.unwrap();
    if db.emulator.is_some() {
        assert!(crate::common::ops(&db).is_empty());
    }
}
