//! Serde types as fields (`#[odm(serde)]`, `Serde<T>`), open `Json` and
//! `AttributeValue` values at any depth, and a nested catch-all in a
//! `Document` that keeps the keys it does not declare.

use crate::common::setup;
use ddb_odm::{AttributeValue, Document, Error, Item, Json, Model, Serde};
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
enum Plan {
    Free,
    Paid { seats: u32, until: Option<String> },
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Prefs {
    theme: String,
    sizes: Vec<u16>,
    plan: Plan,
    limits: HashMap<u32, bool>,
    nick: Option<String>,
}

#[derive(Document, Debug, Clone, PartialEq)]
struct Profile {
    city: String,
    raw: AttributeValue,
    tags: Vec<Serde<Plan>>,
    #[odm(catch_all)]
    rest: HashMap<String, AttributeValue>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "accounts_serde")]
struct Account {
    #[key]
    id: String,
    #[odm(serde)]
    prefs: Prefs,
    #[odm(serde)]
    backup: Option<Prefs>,
    extra: Json,
    profile: Profile,
    history: Vec<AttributeValue>,
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: &str) -> AttributeValue {
    AttributeValue::N(v.into())
}

fn account(id: &str) -> Account {
    Account {
        id: id.into(),
        prefs: Prefs {
            theme: "dark".into(),
            sizes: vec![10, 12],
            plan: Plan::Paid { seats: 3, until: None },
            limits: HashMap::from([(7, true)]),
            nick: Some("ada".into()),
        },
        backup: None,
        extra: serde_json::json!({"beta": true, "score": 1.5, "deep": {"list": [1, "two", null, {"x": -3}]}}),
        profile: Profile {
            city: "Oslo".into(),
            raw: AttributeValue::Ss(vec!["a".into()]),
            tags: vec![Serde(Plan::Free), Serde(Plan::Paid { seats: 1, until: Some("2030".into()) })],
            rest: HashMap::new(),
        },
        history: vec![
            s("x"),
            n("2"),
            AttributeValue::M(Item::from([("k".to_string(), AttributeValue::Bool(true))])),
        ],
    }
}

async fn raw(db: &ddb_odm::testing::TestDb, table: &str, id: &str) -> Item {
    db.client.get_item().table_name(table).key("id", s(id)).send().await.unwrap().item.unwrap()
}

#[tokio::test]
async fn serde_fields_and_open_values_round_trip_as_serde_dynamo_maps_them() {
    let (db, odm) = setup().await;
    let accounts = odm.model::<Account>().await.unwrap();
    let a = account("a1");
    accounts.create(&a).await.unwrap();
    assert_eq!(accounts.get("a1".to_string()).await.unwrap(), Some(a.clone()));

    let stored = raw(&db, &odm.table_name("accounts_serde"), "a1").await;
    let AttributeValue::M(prefs) = &stored["prefs"] else { panic!("{stored:?}") };
    assert_eq!(prefs["theme"], s("dark"));
    assert_eq!(prefs["sizes"], AttributeValue::L(vec![n("10"), n("12")]));
    // Externally tagged enum, None as NULL, integer map keys as text.
    let AttributeValue::M(plan) = &prefs["plan"] else { panic!() };
    let AttributeValue::M(paid) = &plan["Paid"] else { panic!() };
    assert_eq!((paid["seats"].clone(), paid["until"].clone()), (n("3"), AttributeValue::Null(true)));
    assert_eq!(
        prefs["limits"],
        AttributeValue::M(Item::from([("7".to_string(), AttributeValue::Bool(true))]))
    );
    // An absent Option<serde type> is no attribute.
    assert!(!stored.contains_key("backup"));
    // Json at any depth.
    let AttributeValue::M(extra) = &stored["extra"] else { panic!() };
    assert_eq!(extra["score"], n("1.5"));
    let AttributeValue::M(deep) = &extra["deep"] else { panic!() };
    let AttributeValue::L(list) = &deep["list"] else { panic!() };
    assert_eq!(list[..3], [n("1"), s("two"), AttributeValue::Null(true)]);
    // Serde<T> inside a Document's Vec; a raw value in a Document.
    let AttributeValue::M(profile) = &stored["profile"] else { panic!() };
    let AttributeValue::L(tags) = &profile["tags"] else { panic!() };
    assert_eq!(tags[0], s("Free"));
    assert_eq!(profile["raw"], AttributeValue::Ss(vec!["a".into()]));
}

#[tokio::test]
async fn conditions_and_updates_reach_into_serde_and_json_values() {
    let (_db, odm) = setup().await;
    let accounts = odm.model::<Account>().await.unwrap();
    accounts.create(&account("a1")).await.unwrap();
    let mut other = account("a2");
    other.extra = serde_json::json!({"beta": false});
    accounts.create(&other).await.unwrap();
    let f = Account::fields();

    // A filter on a path inside a Json value and inside a serde value.
    let beta: Vec<Account> =
        accounts.scan().filter(f.extra.child::<bool>("beta").eq(true)).all().try_collect().await.unwrap();
    assert_eq!(beta.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["a1"]);
    let dark = accounts.scan().filter(f.prefs.child::<String>("theme").eq("dark")).count().await.unwrap();
    assert_eq!(dark, 2);

    // Whole-value updates are typed on the field's type.
    let mut prefs = account("x").prefs;
    prefs.plan = Plan::Free;
    prefs.nick = None;
    accounts
        .update("a2".to_string())
        .set(&f.prefs, prefs.clone())
        .set(&f.backup, prefs.clone())
        .set(&f.extra, serde_json::json!([1, 2]))
        .await
        .unwrap();
    let got = accounts.get("a2".to_string()).await.unwrap().unwrap();
    assert_eq!((got.prefs, got.backup, got.extra), (prefs.clone(), Some(prefs), serde_json::json!([1, 2])));
    // A condition on a whole serde value.
    let refused = accounts
        .update("a1".to_string())
        .set(&f.extra, Json::Null)
        .condition(f.prefs.eq(account("zz").prefs.clone()).not())
        .await;
    assert!(refused.unwrap_err().is_condition_failed());
}

#[tokio::test]
async fn a_nested_catch_all_keeps_unknown_keys_on_read_and_writes_them_back() {
    let (db, odm) = setup().await;
    let accounts = odm.model::<Account>().await.unwrap();
    let table = odm.table_name("accounts_serde");
    accounts.create(&account("a1")).await.unwrap();
    // Another writer adds keys this program does not know, inside `profile`.
    let mut stored = raw(&db, &table, "a1").await;
    let AttributeValue::M(profile) = stored.get_mut("profile").unwrap() else { panic!() };
    profile.insert("floor".into(), n("3"));
    profile.insert("geo".into(), AttributeValue::M(Item::from([("lat".to_string(), n("59.9"))])));
    db.client.put_item().table_name(&table).set_item(Some(stored)).send().await.unwrap();

    let mut a = accounts.get("a1".to_string()).await.unwrap().unwrap();
    assert_eq!(a.profile.rest.get("floor"), Some(&n("3")));
    assert!(a.profile.rest.contains_key("geo"));
    a.profile.city = "Bergen".into();
    accounts.save(&a).await.unwrap();

    let back = raw(&db, &table, "a1").await;
    let AttributeValue::M(profile) = &back["profile"] else { panic!() };
    assert_eq!(profile["city"], s("Bergen"));
    assert_eq!(profile["floor"], n("3"), "unknown nested keys are written back");
    assert_eq!(profile["geo"], AttributeValue::M(Item::from([("lat".to_string(), n("59.9"))])));
}

#[tokio::test]
async fn a_stored_value_of_the_wrong_shape_is_a_validation_error_naming_the_field() {
    let (db, odm) = setup().await;
    let accounts = odm.model::<Account>().await.unwrap();
    let table = odm.table_name("accounts_serde");
    accounts.create(&account("a1")).await.unwrap();
    let mut stored = raw(&db, &table, "a1").await;
    let AttributeValue::M(prefs) = stored.get_mut("prefs").unwrap() else { panic!() };
    prefs.insert("sizes".into(), s("not a list"));
    db.client.put_item().table_name(&table).set_item(Some(stored)).send().await.unwrap();
    let err = accounts.get("a1".to_string()).await.unwrap_err();
    assert!(matches!(err, Error::Validation { ref field, .. } if field.starts_with("prefs")), "{err:?}");
    // Numbers a serde type cannot hold are refused on write, not rounded.
    #[derive(Model, Debug, Clone)]
    #[odm(table = "floats_serde")]
    struct Reading {
        #[key]
        id: String,
        #[odm(serde)]
        values: Vec<f64>,
    }
    let readings = odm.model::<Reading>().await.unwrap();
    let err = readings.create(&Reading { id: "r".into(), values: vec![f64::NAN] }).await.unwrap_err();
    assert!(matches!(err, Error::Validation { ref field, .. } if field.starts_with("values")), "{err:?}");
}
