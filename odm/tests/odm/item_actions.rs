//! Item actions run in Dynamoose's documented order. These tests pin the
//! order by what each step can observe of the others.

use crate::common::setup;
use ddb_odm::schema::{AttrType, AttributeDef, Direction, ITEM_ACTIONS, Schema, Step};
use ddb_odm::{AttributeValue, DateStorage, Error, Item, Model};
use std::sync::{Arc, Mutex};

#[test]
fn the_documented_order() {
    assert_eq!(
        ITEM_ACTIONS,
        [
            Step::AliasToDynamo,
            Step::TypeCheck,
            Step::Defaults,
            Step::CustomTypes,
            Step::Sets,
            Step::Combine,
            Step::AttributeGetSet,
            Step::SchemaGetSet,
            Step::AttributeValidation,
            Step::SchemaValidation,
            Step::Required,
            Step::EnumCheck,
            Step::AliasFromDynamo,
        ]
    );
    assert_eq!(
        Schema::steps(Direction::FromDynamo),
        vec![
            Step::TypeCheck,
            Step::CustomTypes,
            Step::AttributeGetSet,
            Step::SchemaGetSet,
            Step::AliasFromDynamo
        ]
    );
}

static LOG: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

fn log(s: &'static str) {
    LOG.lock().unwrap().push(s);
}

fn default_level() -> String {
    log("default");
    "basic".into()
}

fn shout(s: String) -> String {
    log("attribute set");
    s.to_uppercase()
}

fn unshout(s: String) -> String {
    log("attribute get");
    s.to_lowercase()
}

#[allow(clippy::ptr_arg)] // validators take the field's type by reference
fn long_enough(s: &String) -> bool {
    log("attribute validation");
    s.len() >= 3
}

fn schema_set(mut a: Account) -> Account {
    log("schema set");
    // runs after the attribute set transform: sees the shouted name
    a.note = Some(format!("set saw {}", a.name));
    a
}

fn schema_get(mut a: Account) -> Account {
    log("schema get");
    a.note = Some(format!("get saw {}", a.name));
    a
}

fn schema_validate(a: &Account) -> Result<(), String> {
    log("schema validation");
    if a.name == "FORBIDDEN" { Err("forbidden name".into()) } else { Ok(()) }
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "accounts", set = "schema_set", get = "schema_get", validate = "schema_validate")]
struct Account {
    #[key]
    id: String,
    #[odm(rename = "n", set = "shout", get = "unshout", validate = "long_enough")]
    name: String,
    #[odm(default_fn = "default_level")]
    level: Option<String>,
    note: Option<String>,
}

#[tokio::test]
async fn typed_model_runs_steps_in_order() {
    let (_db, odm) = setup().await;
    let accounts = odm.model::<Account>().await.unwrap();
    LOG.lock().unwrap().clear();
    let stored =
        accounts.to_stored(&Account { id: "a".into(), name: "ada".into(), level: None, note: None }).unwrap();
    assert_eq!(
        *LOG.lock().unwrap(),
        vec!["default", "attribute set", "schema set", "attribute validation", "schema validation"]
    );
    // alias mapping to DynamoDB came first: the stored item uses `n`
    assert_eq!(stored.get("n"), Some(&AttributeValue::S("ADA".into())));
    assert_eq!(stored.get("note"), Some(&AttributeValue::S("set saw ADA".into())));
    assert_eq!(stored.get("level"), Some(&AttributeValue::S("basic".into())));

    LOG.lock().unwrap().clear();
    let saved = accounts
        .create(&Account { id: "b".into(), name: "bob".into(), level: None, note: None })
        .await
        .unwrap();
    LOG.lock().unwrap().clear();
    let read = accounts.get("b".to_string()).await.unwrap().unwrap();
    assert_eq!(*LOG.lock().unwrap(), vec!["attribute get", "schema get"]);
    // the schema-level get ran after the attribute get, then alias mapping back
    assert_eq!(read.name, "bob");
    assert_eq!(read.note.as_deref(), Some("get saw bob"));
    assert_eq!(saved.name, read.name);

    // attribute validation runs before schema validation
    LOG.lock().unwrap().clear();
    let err = accounts
        .to_stored(&Account { id: "c".into(), name: "x".into(), level: None, note: None })
        .unwrap_err();
    assert!(matches!(&err, Error::Validation { field, .. } if field == "name"), "{err:?}");
    assert!(!LOG.lock().unwrap().contains(&"schema validation"));
    let err =
        accounts.to_stored(&Account { id: "c".into(), name: "forbidden".into(), level: None, note: None });
    assert!(matches!(err, Err(Error::Validation { reason, .. }) if reason == "forbidden name"));
}

fn dynamic_schema(calls: Arc<Mutex<Vec<String>>>) -> Schema {
    let c1 = calls.clone();
    let c2 = calls.clone();
    let c3 = calls.clone();
    let c4 = calls.clone();
    Schema::builder("Thing")
        .table("things")
        .attribute(AttributeDef::new("id", AttrType::String))
        .attribute(AttributeDef::new("count", AttrType::Number).default_fn(move || {
            c1.lock().unwrap().push("default".into());
            Ok(AttributeValue::N("1".into()))
        }))
        .attribute(AttributeDef::new("when", AttrType::Date(DateStorage::Iso8601)))
        .attribute(AttributeDef::new("labels", AttrType::StringSet).set(move |v| {
            c2.lock().unwrap().push(format!("labels set saw {}", ddb_odm::item::type_name(&v)));
            Ok(v)
        }))
        .attribute(AttributeDef::new("label", AttrType::String).combine(["when", "id"], "|").set(move |v| {
            c3.lock().unwrap().push(format!("label set saw {v:?}"));
            Ok(v)
        }))
        .attribute(AttributeDef::new("size", AttrType::Number).validate(move |_| {
            c4.lock().unwrap().push("validate".into());
            Err("too big".into())
        }))
        .attribute(AttributeDef::new("owner", AttrType::String).alias("o").required())
        .attribute(AttributeDef::new("kind", AttrType::Enum(vec!["a".into(), "b".into()])))
        .hash_key("id")
        .build()
        .unwrap()
}

fn item(pairs: &[(&str, AttributeValue)]) -> Item {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

#[test]
fn type_check_runs_before_defaults() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let schema = dynamic_schema(calls.clone());
    let err = schema
        .apply(
            Direction::ToDynamo,
            item(&[("id", AttributeValue::S("x".into())), ("when", AttributeValue::Bool(true))]),
        )
        .unwrap_err();
    assert!(matches!(&err, Error::Validation { field, .. } if field == "when"), "{err:?}");
    assert!(calls.lock().unwrap().is_empty(), "no default ran before the type check failed");
}

#[test]
fn custom_types_and_sets_run_before_combine_and_transforms() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let schema = dynamic_schema(calls.clone());
    let out = schema
        .apply(
            Direction::ToDynamo,
            item(&[
                ("id", AttributeValue::S("x".into())),
                ("when", AttributeValue::N("0".into())),
                (
                    "labels",
                    AttributeValue::L(vec![AttributeValue::S("p".into()), AttributeValue::S("p".into())]),
                ),
                ("owner", AttributeValue::S("me".into())),
            ]),
        )
        .unwrap();
    // the date was converted to its ISO storage before combine read it
    assert_eq!(out.get("label"), Some(&AttributeValue::S("1970-01-01T00:00:00Z|x".into())));
    // the list became a set (de-duplicated) before the set transform saw it
    assert_eq!(out.get("labels"), Some(&AttributeValue::Ss(vec!["p".into()])));
    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls[0], "default");
    assert!(calls.contains(&"labels set saw SS".to_string()));
    assert!(calls.contains(&"label set saw S(\"1970-01-01T00:00:00Z|x\")".to_string()));
    // alias mapping to DynamoDB: `owner` is stored as `o`
    assert_eq!(out.get("o"), Some(&AttributeValue::S("me".into())));
    assert!(!out.contains_key("owner"));
}

#[test]
fn validation_then_required_then_enum() {
    let schema = dynamic_schema(Arc::new(Mutex::new(Vec::new())));
    // a failing validator wins over a missing required attribute and a bad enum
    let err = schema
        .apply(
            Direction::ToDynamo,
            item(&[
                ("id", AttributeValue::S("x".into())),
                ("size", AttributeValue::N("5".into())),
                ("kind", AttributeValue::S("zzz".into())),
            ]),
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { field, reason } if field == "size" && reason == "too big"),
        "{err:?}"
    );
    // the required check wins over the enum check
    let err = schema
        .apply(
            Direction::ToDynamo,
            item(&[("id", AttributeValue::S("x".into())), ("kind", AttributeValue::S("zzz".into()))]),
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::Validation { field, reason } if field == "owner" && reason == "is required"),
        "{err:?}"
    );
    // and the enum check runs last
    let err = schema
        .apply(
            Direction::ToDynamo,
            item(&[
                ("id", AttributeValue::S("x".into())),
                ("owner", AttributeValue::S("me".into())),
                ("kind", AttributeValue::S("zzz".into())),
            ]),
        )
        .unwrap_err();
    assert!(matches!(&err, Error::Validation { field, .. } if field == "kind"), "{err:?}");
}

#[test]
fn alias_mapping_from_dynamo_runs_last_on_read() {
    let schema = dynamic_schema(Arc::new(Mutex::new(Vec::new())));
    let out = schema
        .apply(
            Direction::FromDynamo,
            item(&[
                ("id", AttributeValue::S("x".into())),
                ("o", AttributeValue::S("me".into())),
                ("junk", AttributeValue::N("1".into())),
            ]),
        )
        .unwrap();
    assert_eq!(out.get("owner"), Some(&AttributeValue::S("me".into())));
    assert!(!out.contains_key("junk"), "unknown attributes are dropped without a catch-all");
}
