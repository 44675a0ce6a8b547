//! get / create / save / update / delete, conditions, optimistic locking,
//! typed errors, dry runs, limits.

use crate::common::setup;
use ddb_odm::ops::update::Returning;
use ddb_odm::{Error, Limit, Model, Request};
use std::collections::{BTreeSet, HashMap};

#[derive(Model, Debug, Clone, PartialEq, Default)]
#[odm(table = "users")]
struct User {
    #[key]
    id: String,
    #[index(name = "by_email")]
    email: String,
    age: u32,
    nick: Option<String>,
    tags: BTreeSet<String>,
    #[odm(version)]
    version: u64,
}

fn user(id: &str) -> User {
    User { id: id.into(), email: format!("{id}@example.com"), age: 30, ..Default::default() }
}

#[tokio::test]
async fn create_get_save_delete() {
    let (_db, odm) = setup().await;
    let users = odm.model::<User>().await.unwrap();
    let created = users.create(&user("u1")).await.unwrap();
    assert_eq!(created.version, 1);
    let got = users.get("u1".to_string()).await.unwrap().unwrap();
    assert_eq!(got, created);
    assert!(users.get("nobody".to_string()).await.unwrap().is_none());
    let err = users.get("nobody".to_string()).required().await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");

    // create fails when the item exists
    let err = users.create(&user("u1")).await.unwrap_err();
    assert!(err.is_condition_failed(), "{err:?}");

    // save of the loaded item bumps the version
    let mut u = got.clone();
    u.age = 31;
    u.tags.insert("admin".into());
    let saved = users.save(&u).await.unwrap();
    assert_eq!(saved.version, 2);
    assert_eq!(users.get("u1".to_string()).consistent().await.unwrap().unwrap().tags.len(), 1);

    // a stale copy is refused (optimistic locking)
    let err = users.save(&got).await.unwrap_err();
    match err {
        Error::ConditionFailed { item, .. } => {
            let item = item.expect("the stored item comes back");
            assert_eq!(item.get("version"), Some(&ddb_odm::AttributeValue::N("2".into())));
        }
        other => panic!("{other:?}"),
    }

    // delete of a stale copy is refused, of the current one works
    assert!(users.delete_item(&got).await.unwrap_err().is_condition_failed());
    let deleted = users.delete_item(&saved).await.unwrap().unwrap();
    assert_eq!(deleted.age, 31);
    assert!(users.get("u1".to_string()).await.unwrap().is_none());
    assert!(users.delete("u1".to_string()).await.unwrap().is_none());
    assert!(users.delete("u1".to_string()).must_exist().await.unwrap_err().is_condition_failed());
}

#[tokio::test]
async fn save_with_condition_and_overwrite_off() {
    let (_db, odm) = setup().await;
    let users = odm.model::<User>().await.unwrap();
    let f = User::fields();
    let u = users.create(&user("u2")).await.unwrap();
    let err = users.save(&u).condition(f.age.gt(40)).await.unwrap_err();
    assert!(err.is_condition_failed());
    let ok = users.save(&u).condition(f.age.lt(40) & f.email.begins_with("u2")).await.unwrap();
    assert_eq!(ok.version, 2);
    let err = users.save(&ok).overwrite(false).await.unwrap_err();
    assert!(err.is_condition_failed());
}

#[tokio::test]
async fn typed_update_builder() {
    let (_db, odm) = setup().await;
    let users = odm.model::<User>().await.unwrap();
    let f = User::fields();
    users.create(&user("u3")).await.unwrap();
    let after = users
        .update("u3".to_string())
        .set(&f.nick, "ace")
        .add(&f.age, 2)
        .add(&f.tags, BTreeSet::from(["a".to_string(), "b".to_string()]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((after.nick.as_deref(), after.age, after.tags.len(), after.version), (Some("ace"), 32, 2, 2));
    let after = users
        .update("u3".to_string())
        .remove(&f.nick)
        .delete(&f.tags, BTreeSet::from(["a".to_string()]))
        .condition(f.age.eq(32))
        .expect_version(2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((after.nick, after.tags.len(), after.version), (None, 1, 3));
    // an empty set removes the attribute
    let after = users.update("u3".to_string()).set(&f.tags, BTreeSet::new()).await.unwrap().unwrap();
    assert!(after.tags.is_empty());
    // version mismatch and failed condition
    assert!(
        users
            .update("u3".to_string())
            .add(&f.age, 1)
            .expect_version(1)
            .await
            .unwrap_err()
            .is_condition_failed()
    );
    assert!(
        users
            .update("u3".to_string())
            .add(&f.age, 1)
            .condition(f.age.gt(100))
            .await
            .unwrap_err()
            .is_condition_failed()
    );
    // return values
    let old = users
        .update("u3".to_string())
        .set(&f.age, 50u32)
        .returning(Returning::AllOld)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.age, 32);
    let updated = users
        .update("u3".to_string())
        .set(&f.age, 51u32)
        .returning(Returning::UpdatedNew)
        .send_raw()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.get("age"), Some(&ddb_odm::AttributeValue::N("51".into())));
    // must_exist refuses to create
    assert!(
        users
            .update("ghost".to_string())
            .set(&f.age, 1u32)
            .must_exist()
            .await
            .unwrap_err()
            .is_condition_failed()
    );
    // key attributes cannot be updated; the version is managed
    assert!(matches!(users.update("u3".to_string()).set(&f.id, "x").await, Err(Error::Validation { .. })));
    assert!(matches!(
        users.update("u3".to_string()).set(&f.version, 9u64).await,
        Err(Error::Validation { .. })
    ));
}

#[derive(ddb_odm::Document, Debug, Clone, PartialEq, Default)]
struct Address {
    city: Option<String>,
    #[odm(rename = "zip_code")]
    zip: Option<String>,
    geo: Option<Geo>,
}

#[derive(ddb_odm::Document, Debug, Clone, PartialEq, Default)]
struct Geo {
    lat: f64,
    lon: Option<f64>,
}

#[derive(Model, Debug, Clone, PartialEq, Default)]
struct Profile {
    #[key]
    id: String,
    address: Option<Address>,
    scores: Vec<i64>,
    prefs: HashMap<String, String>,
}

#[tokio::test]
async fn nested_paths_work_when_parents_are_missing() {
    let (db, odm) = setup().await;
    let profiles = odm.model::<Profile>().await.unwrap();
    let f = Profile::fields();
    profiles.create(&Profile { id: "p".into(), ..Default::default() }).await.unwrap();
    db.clear_operations();
    let p = profiles
        .update("p".to_string())
        .set(&f.address.fields().geo.fields().lat, 1.5)
        .set(&f.address.fields().zip, "12345")
        .set(&f.prefs.key("theme"), "dark")
        .append(&f.scores, vec![7, 8])
        .await
        .unwrap()
        .unwrap();
    let addr = p.address.unwrap();
    assert_eq!(addr.zip.as_deref(), Some("12345"));
    assert_eq!(addr.geo.unwrap().lat, 1.5);
    assert_eq!(p.prefs.get("theme").map(String::as_str), Some("dark"));
    assert_eq!(p.scores, vec![7, 8]);
    if db.emulator.is_some() {
        assert!(crate::common::ops(&db).iter().all(|o| o == "UpdateItem"));
    }
    // the stored name of an aliased nested attribute is used
    let raw = profiles.get("p".to_string()).send_raw().await.unwrap().unwrap();
    let ddb_odm::AttributeValue::M(address) = &raw["address"] else { panic!() };
    assert!(address.contains_key("zip_code"));
    // a nested condition
    let f2 = Profile::fields();
    profiles
        .update("p".to_string())
        .append(&f2.scores, vec![9])
        .condition(f2.address.fields().city.not_exists())
        .await
        .unwrap();
    assert_eq!(profiles.get("p".to_string()).await.unwrap().unwrap().scores, vec![7, 8, 9]);
}

#[tokio::test]
async fn dry_run_returns_the_request_and_sends_nothing() {
    let (db, odm) = setup().await;
    let users = odm.model::<User>().await.unwrap();
    db.clear_operations();
    let f = User::fields();
    let Request::PutItem(put) = users.create(&user("d")).dry_run().unwrap() else { panic!() };
    assert_eq!(put.table_name(), Some(users.table_name()));
    assert!(put.condition_expression().unwrap().contains("attribute_not_exists"));
    let Request::UpdateItem(upd) = users.update("d".to_string()).set(&f.age, 3u32).dry_run().unwrap() else {
        panic!()
    };
    assert!(upd.update_expression().unwrap().starts_with("SET"));
    let Request::Query(q) = users.query(User::query_by_email("x")).dry_run().unwrap() else { panic!() };
    assert_eq!(q.index_name(), Some("by_email"));
    assert!(matches!(users.get("d".to_string()).dry_run().unwrap(), Request::GetItem(_)));
    assert!(matches!(users.delete("d".to_string()).dry_run().unwrap(), Request::DeleteItem(_)));
    assert!(matches!(users.scan().dry_run().unwrap(), Request::Scan(_)));
    if db.emulator.is_some() {
        assert!(crate::common::ops(&db).is_empty());
    }
}

#[tokio::test]
async fn limits_are_checked_before_sending() {
    let (db, odm) = setup().await;
    let users = odm.model::<User>().await.unwrap();
    db.clear_operations();
    let mut big = user("big");
    big.nick = Some("x".repeat(410 * 1024));
    match users.save(&big).await {
        Err(Error::LimitExceeded { limit: Limit::ItemSize, actual, max }) => assert!(actual > max),
        other => panic!("{other:?}"),
    }
    match users.get("k".repeat(2049)).await {
        Err(Error::LimitExceeded { limit: Limit::KeySize, actual: 2049, max: 2048 }) => {}
        other => panic!("{other:?}"),
    }
    let mut tx = odm.transact_write();
    for i in 0..11 {
        let mut u = user(&format!("t{i}"));
        u.nick = Some("x".repeat(390 * 1024));
        tx = tx.put(users.save(&u));
    }
    match tx.send().await {
        Err(Error::LimitExceeded { limit: Limit::TransactionSize, .. }) => {}
        other => panic!("{other:?}"),
    }
    let f = User::fields();
    let values: Vec<String> = (0..1000).map(|i| format!("v{i}")).collect();
    match users.scan().filter(f.email.is_in(values)).send().await {
        Err(Error::LimitExceeded { limit: Limit::InOperands, actual: 1000, max: 100 }) => {}
        other => panic!("{other:?}"),
    }
    let long = (1..500).fold(f.email.eq("v0"), |c, i| c.or(f.email.eq(format!("v{i}"))));
    match users.scan().filter(long).send().await {
        Err(Error::LimitExceeded { limit: Limit::ExpressionLength, .. }) => {}
        other => panic!("{other:?}"),
    }
    if db.emulator.is_some() {
        assert!(crate::common::ops(&db).is_empty());
    }
}
