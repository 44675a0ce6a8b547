//! Tagged enums with data (`#[derive(Enum)] #[odm(tag = "...")]`): stored
//! as one map with the tag, read back as the variant; filters and
//! conditions on the tag and on a variant's fields; unknown tags refused
//! with a clear error.

use crate::common::setup;
use ddb_odm::{AttributeValue, Document, Enum, Error, Item, Model};
use futures::TryStreamExt;

#[derive(Document, Debug, Clone, PartialEq)]
struct Corners {
    width: f64,
    height: f64,
    #[odm(rename = "lbl")]
    label: Option<String>,
}

#[derive(Enum, Debug, Clone, PartialEq)]
#[odm(tag = "type")]
enum Shape {
    Dot,
    Circle {
        radius: f64,
        #[odm(rename = "c")]
        center: Option<Vec<String>>,
    },
    #[odm(rename = "rect")]
    Rect(Corners),
}

#[derive(Enum, Debug, Clone, Copy, PartialEq)]
enum Color {
    Red,
    Blue,
}

#[derive(Enum, Debug, Clone, PartialEq)]
#[odm(tag = "kind")]
enum Layer {
    Fill { color: Color },
    Stroke { color: Color, width: u8 },
    // Field names the generated code also uses.
    Named { item: String, v: u8, inner: bool },
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "drawings_tagged")]
struct Drawing {
    #[key]
    id: String,
    shape: Shape,
    previous: Option<Shape>,
    layers: Vec<Layer>,
}

fn drawing(id: &str, shape: Shape) -> Drawing {
    Drawing {
        id: id.into(),
        shape,
        previous: None,
        layers: vec![
            Layer::Fill { color: Color::Red },
            Layer::Stroke { color: Color::Blue, width: 2 },
            Layer::Named { item: "i".into(), v: 1, inner: true },
        ],
    }
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn circle(r: f64) -> Shape {
    Shape::Circle { radius: r, center: None }
}

fn rect() -> Shape {
    Shape::Rect(Corners { width: 2.0, height: 3.0, label: Some("box".into()) })
}

async fn raw(db: &ddb_odm::testing::TestDb, odm: &ddb_odm::Odm, id: &str) -> Item {
    let table = odm.table_name("drawings_tagged");
    db.client.get_item().table_name(table).key("id", s(id)).send().await.unwrap().item.unwrap()
}

#[tokio::test]
async fn every_variant_round_trips_as_one_tagged_map() {
    let (db, odm) = setup().await;
    let drawings = odm.model::<Drawing>().await.unwrap();
    let mut d1 = drawing("d1", Shape::Circle { radius: 1.5, center: Some(vec!["0".into(), "1".into()]) });
    d1.previous = Some(Shape::Dot);
    let d2 = drawing("d2", rect());
    drawings.create(&d1).await.unwrap();
    drawings.create(&d2).await.unwrap();
    assert_eq!(drawings.get("d1".to_string()).await.unwrap(), Some(d1));
    assert_eq!(drawings.get("d2".to_string()).await.unwrap(), Some(d2));

    let stored = raw(&db, &odm, "d1").await;
    let AttributeValue::M(shape) = &stored["shape"] else { panic!("{stored:?}") };
    assert_eq!(shape["type"], s("Circle"));
    assert_eq!(shape["radius"], AttributeValue::N("1.5".into()));
    assert!(shape.contains_key("c"), "variant fields are stored under their renamed names");
    assert_eq!(stored["previous"], AttributeValue::M(Item::from([("type".to_string(), s("Dot"))])));
    let AttributeValue::L(layers) = &stored["layers"] else { panic!() };
    let AttributeValue::M(stroke) = &layers[1] else { panic!() };
    assert_eq!((stroke["kind"].clone(), stroke["color"].clone()), (s("Stroke"), s("Blue")));
    // A one-value variant stores its document's fields beside the tag.
    let stored = raw(&db, &odm, "d2").await;
    let AttributeValue::M(shape) = &stored["shape"] else { panic!() };
    assert_eq!((shape["type"].clone(), shape["lbl"].clone()), (s("rect"), s("box")));
}

#[tokio::test]
async fn filters_and_conditions_on_the_tag_and_a_variants_fields() {
    let (_db, odm) = setup().await;
    let drawings = odm.model::<Drawing>().await.unwrap();
    drawings.create(&drawing("d1", circle(1.0))).await.unwrap();
    drawings.create(&drawing("d2", circle(5.0))).await.unwrap();
    drawings.create(&drawing("d3", rect())).await.unwrap();
    drawings.create(&drawing("d4", Shape::Dot)).await.unwrap();
    let f = Drawing::fields();

    let mut circles: Vec<String> = drawings
        .scan()
        .filter(f.shape.tag().eq("Circle"))
        .all()
        .map_ok(|d| d.id)
        .try_collect()
        .await
        .unwrap();
    circles.sort();
    assert_eq!(circles, ["d1", "d2"]);
    let big = drawings
        .scan()
        .filter(f.shape.tag().eq("Circle").and(f.shape.child::<f64>("radius").gt(2.0)))
        .count()
        .await
        .unwrap();
    assert_eq!(big, 1);

    // A write conditional on the stored variant.
    let err = drawings
        .update("d3".to_string())
        .set(&f.shape, Shape::Dot)
        .condition(f.shape.tag().eq("Circle"))
        .await
        .unwrap_err();
    assert!(err.is_condition_failed(), "{err:?}");
    drawings
        .update("d3".to_string())
        .set(&f.shape, circle(9.0))
        .set(&f.previous, rect())
        .condition(f.shape.tag().eq("rect"))
        .await
        .unwrap();
    let d3 = drawings.get("d3".to_string()).await.unwrap().unwrap();
    assert_eq!((d3.shape, d3.previous), (circle(9.0), Some(rect())));
    // A whole-value comparison.
    assert_eq!(drawings.scan().filter(f.shape.eq(Shape::Dot)).count().await.unwrap(), 1);
}

#[tokio::test]
async fn an_unknown_or_missing_tag_is_a_clear_error() {
    let (db, odm) = setup().await;
    let drawings = odm.model::<Drawing>().await.unwrap();
    drawings.create(&drawing("d1", Shape::Dot)).await.unwrap();
    let table = odm.table_name("drawings_tagged");
    for (id, shape, expected) in [
        ("x1", Item::from([("type".to_string(), s("Hexagon"))]), "`Hexagon` is not a variant"),
        (
            "x2",
            Item::from([("radius".to_string(), AttributeValue::N("1".into()))]),
            "needs its tag attribute `type`",
        ),
    ] {
        let mut item = raw(&db, &odm, "d1").await;
        item.insert("id".into(), s(id));
        item.insert("shape".into(), AttributeValue::M(shape));
        db.client.put_item().table_name(&table).set_item(Some(item)).send().await.unwrap();
        let err = drawings.get(id.to_string()).await.unwrap_err();
        assert!(matches!(err, Error::Validation { ref field, .. } if field.starts_with("shape")), "{err:?}");
        assert!(err.to_string().contains(expected), "{err}");
    }
}
