//! Failures that lose nothing (issue 19, section 5): versioned batch puts,
//! updates that would create undecodable items, failed conditions and
//! cancellation reasons decoded into the model with table and key,
//! validators' own messages (nested paths too), and the service limits
//! refused before sending.

use crate::common::setup;
use ddb_odm::{AttributeValue, CancellationCode, Document, Error, Limit, Model};

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "accounts")]
struct Account {
    #[key]
    id: String,
    #[index(name = "by_email")]
    email: String,
    balance: i64,
    note: Option<String>,
    #[odm(version)]
    version: u64,
}

fn account(id: &str, balance: i64) -> Account {
    Account { id: id.into(), email: format!("{id}@example.com"), balance, note: None, version: 0 }
}

#[tokio::test]
async fn batch_put_of_a_versioned_model_is_refused_unless_unchecked_then_bumps_the_version() {
    let (db, odm) = setup().await;
    let accounts = odm.model::<Account>().await.unwrap();
    accounts.create(&account("a", 1)).await.unwrap(); // version 1
    db.clear_operations();
    let stale = account("a", 99); // version 0: a save would be refused
    let err = accounts.batch_put([&stale, &account("b", 2)]).await.unwrap_err();
    assert!(matches!(err, Error::Request(ref m) if m.contains("unchecked_versions")), "{err:?}");
    assert!(crate::common::ops(&db).is_empty(), "refused before sending");
    // deletes carry no version: not refused
    accounts.batch_delete(["nobody".to_string()]).await.unwrap();

    let mut loaded = accounts.get("a".to_string()).await.unwrap().unwrap();
    loaded.balance = 5;
    accounts.batch_put([&loaded, &account("b", 2)]).unchecked_versions().await.unwrap();
    let a = accounts.get("a".to_string()).consistent().await.unwrap().unwrap();
    let b = accounts.get("b".to_string()).consistent().await.unwrap().unwrap();
    assert_eq!((a.balance, a.version), (5, 2), "loaded version 1, written as 2");
    assert_eq!((b.balance, b.version), (2, 1));
    // the bumped version is what optimistic locking sees next
    let mut stale_a = a.clone();
    stale_a.version = 1;
    assert!(accounts.save(&stale_a).await.unwrap_err().is_condition_failed());
    accounts.save(&a).await.unwrap();
}

#[tokio::test]
async fn an_update_that_would_create_an_undecodable_item_is_refused_or_upserted() {
    let (db, odm) = setup().await;
    let accounts = odm.model::<Account>().await.unwrap();
    let f = Account::fields();

    // certainly creates (expected version 0) and lacks email and balance:
    // refused before sending
    db.clear_operations();
    let err = accounts.update("x".to_string()).set(&f.note, "hi").expect_version(0).await.unwrap_err();
    match &err {
        Error::IncompleteUpsert { table, missing } => {
            assert_eq!(table, "accounts");
            assert_eq!(missing, &["email", "balance"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(crate::common::ops(&db).is_empty());

    // may create: applies only to an existing item; nothing is created
    let err = accounts.update("x".to_string()).add(&f.balance, 5).await.unwrap_err();
    assert!(matches!(err, Error::IncompleteUpsert { ref missing, .. } if missing == &["email"]), "{err:?}");
    assert_eq!(accounts.scan().count().await.unwrap(), 0);
    let raw = db.client.scan().table_name("accounts").send().await.unwrap();
    assert_eq!(raw.count, 0, "no undecodable item was written");

    // an update that writes every required attribute may create
    let created =
        accounts.update("y".to_string()).set(&f.email, "y@example.com").add(&f.balance, 3).await.unwrap();
    assert_eq!(created.map(|a| (a.balance, a.version)), Some((3, 1)));

    // explicit upsert: the record's values for what the update leaves out
    let up = accounts.update("x".to_string()).add(&f.balance, 5).upsert(&account("x", 100)).await.unwrap();
    assert_eq!(up.map(|a| (a.email, a.balance, a.version)), Some(("x@example.com".into(), 5, 1)));
    let again = accounts.update("x".to_string()).add(&f.balance, 5).upsert(&account("x", 100)).await.unwrap();
    assert_eq!(again.map(|a| (a.balance, a.version)), Some((10, 2)), "existing values are kept");

    // an existing item takes any update; must_exist sends no guard of its own
    let set = accounts.update("x".to_string()).set(&f.note, "n").await.unwrap().unwrap();
    assert_eq!(set.note.as_deref(), Some("n"));
    assert!(
        accounts
            .update("z".to_string())
            .set(&f.note, "n")
            .must_exist()
            .await
            .unwrap_err()
            .is_condition_failed()
    );

    // inside a transaction the guard holds too
    let err = odm
        .transact_write()
        .update(accounts.update("w".to_string()).set(&f.note, "n"))
        .send()
        .await
        .unwrap_err();
    let Error::TransactionCancelled { reasons } = err else { panic!() };
    assert_eq!(reasons[0].code, CancellationCode::ConditionalCheckFailed);
    assert_eq!(accounts.scan().count().await.unwrap(), 2);
}

#[tokio::test]
async fn failed_conditions_decode_into_the_model_with_table_and_key() {
    let (_db, odm) = setup().await;
    let accounts = odm.model::<Account>().await.unwrap();
    let f = Account::fields();
    accounts.create(&account("a", 7)).await.unwrap();

    // put
    let err = accounts.create(&account("a", 1)).await.unwrap_err();
    let Error::ConditionFailed { table, key, .. } = &err else { panic!("{err:?}") };
    assert_eq!(table, "accounts");
    assert_eq!(key.as_ref().unwrap()["id"], AttributeValue::S("a".into()));
    assert_eq!(err.item_as::<Account>().unwrap().unwrap().balance, 7);
    assert!(err.to_string().contains("table `accounts`, key {id: \"a\"}"), "{err}");

    // update
    let err =
        accounts.update("a".to_string()).add(&f.balance, 1).condition(f.balance.gt(100)).await.unwrap_err();
    assert!(matches!(&err, Error::ConditionFailed { table, .. } if table == "accounts"));
    assert_eq!(
        err.item_as::<Account>().unwrap().unwrap(),
        accounts.get("a".to_string()).await.unwrap().unwrap()
    );

    // delete
    let err = accounts.delete("a".to_string()).expect_version(9).await.unwrap_err();
    let Error::ConditionFailed { key, .. } = &err else { panic!("{err:?}") };
    assert_eq!(key.as_ref().unwrap()["id"], AttributeValue::S("a".into()));
    assert_eq!(err.item_as::<Account>().unwrap().unwrap().version, 1);

    // a missing item: no item, still table and key
    let err = accounts.delete("gone".to_string()).must_exist().await.unwrap_err();
    assert!(matches!(&err, Error::ConditionFailed { item: None, key: Some(_), .. }), "{err:?}");
    assert!(err.item_as::<Account>().unwrap().is_none());

    // transaction: each reason carries its action's table and key
    accounts.create(&account("b", 2)).await.unwrap();
    let err = odm
        .transact_write()
        .update(accounts.update("b".to_string()).add(&f.balance, 1))
        .delete(accounts.delete("a".to_string()).expect_version(5))
        .send()
        .await
        .unwrap_err();
    let Error::TransactionCancelled { reasons } = err else { panic!() };
    assert_eq!(reasons[0].code, CancellationCode::None);
    assert_eq!(reasons[0].key.as_ref().unwrap()["id"], AttributeValue::S("b".into()));
    assert_eq!(reasons[1].code, CancellationCode::ConditionalCheckFailed);
    assert_eq!(reasons[1].table.as_deref(), Some("accounts"));
    assert_eq!(reasons[1].key.as_ref().unwrap()["id"], AttributeValue::S("a".into()));
    let stored = reasons[1].item_as::<Account>().unwrap().unwrap();
    assert_eq!((stored.id.as_str(), stored.balance), ("a", 7));
    assert!(reasons[0].item_as::<Account>().unwrap().is_none());
}

#[allow(clippy::ptr_arg)] // a field validator takes `&T`
fn sku(code: &String) -> Result<(), String> {
    if code.starts_with("SKU-") { Ok(()) } else { Err(format!("`{code}` is not a SKU")) }
}

fn positive(v: &u32) -> bool {
    *v > 0
}

#[allow(clippy::ptr_arg)]
fn short(v: &String) -> Result<(), &'static str> {
    if v.len() <= 10 { Ok(()) } else { Err("longer than 10 characters") }
}

#[derive(Document, Debug, Clone, PartialEq)]
struct Line {
    #[odm(validate = "sku")]
    code: String,
    #[odm(validate = "positive")]
    qty: u32,
}

#[derive(Document, Debug, Clone, PartialEq)]
struct Shipping {
    #[odm(validate = "short", rename = "c")]
    city: String,
    #[odm(regex = "^[0-9]{4}$")]
    zip: Option<String>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "carts")]
struct Cart {
    #[key]
    id: String,
    main: Line,
    lines: Vec<Line>,
    shipping: Option<Shipping>,
}

#[tokio::test]
async fn validators_return_their_own_messages_and_run_on_nested_paths() {
    let (db, odm) = setup().await;
    let carts = odm.model::<Cart>().await.unwrap();
    let good = Line { code: "SKU-1".into(), qty: 1 };
    let cart = Cart { id: "c".into(), main: good.clone(), lines: vec![good.clone()], shipping: None };
    carts.create(&cart).await.unwrap();

    // on save: the validator's own message, the field's path
    let mut bad = cart.clone();
    bad.main.code = "X".into();
    let err = carts.save(&bad).await.unwrap_err();
    assert_eq!(err.to_string(), "validation failed for `main.code`: `X` is not a SKU");
    bad.main = good.clone();
    bad.lines[0].qty = 0;
    let err = carts.save(&bad).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation { field, reason } if field == "lines[0].qty" && reason == "rejected by the validator"),
        "{err:?}"
    );

    // nested-path updates run the nested attribute's validators
    db.clear_operations();
    let f = Cart::fields();
    let err = carts.update("c".to_string()).set(&f.main.fields().code, "nope").await.unwrap_err();
    assert_eq!(err.to_string(), "validation failed for `main.code`: `nope` is not a SKU");
    let err = carts.update("c".to_string()).set(&f.main.fields().qty, 0).await.unwrap_err();
    assert!(matches!(&err, Error::Validation { field, .. } if field == "main.qty"), "{err:?}");
    let err =
        carts.update("c".to_string()).set(&f.shipping.fields().city, "a very long city").await.unwrap_err();
    assert_eq!(err.to_string(), "validation failed for `shipping.city`: longer than 10 characters");
    let err = carts.update("c".to_string()).set(&f.shipping.fields().zip, "12a").await.unwrap_err();
    assert!(matches!(&err, Error::Validation { field, .. } if field == "shipping.zip"), "{err:?}");
    assert!(crate::common::ops(&db).is_empty(), "refused before sending");

    // a nested update of a missing item would create it without `main`
    let err = carts.update("nobody".to_string()).set(&f.shipping.fields().city, "Oslo").await.unwrap_err();
    assert!(matches!(&err, Error::IncompleteUpsert { missing, .. } if missing[0] == "main"), "{err:?}");
    assert_eq!(carts.scan().count().await.unwrap(), 1);

    // valid nested writes go through (the parent map is created)
    let out = carts
        .update("c".to_string())
        .set(&f.shipping.fields().city, "Oslo")
        .set(&f.main.fields().qty, 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(out.main.qty, 3);
    assert_eq!(out.shipping.map(|s| s.city), Some("Oslo".to_string()));
}

#[tokio::test]
async fn in_operands_and_empty_key_values_are_refused_before_sending() {
    let (db, odm) = setup().await;
    let accounts = odm.model::<Account>().await.unwrap();
    let f = Account::fields();
    accounts.create(&account("a", 1)).await.unwrap();
    db.clear_operations();

    let many: Vec<i64> = (0..101).collect();
    let err = accounts.scan().filter(f.balance.is_in(many.clone())).send().await.unwrap_err();
    assert!(
        matches!(err, Error::LimitExceeded { limit: Limit::InOperands, actual: 101, max: 100 }),
        "{err:?}"
    );
    let err = accounts
        .update("a".to_string())
        .add(&f.balance, 1)
        .condition(f.balance.is_in(many))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::LimitExceeded { limit: Limit::InOperands, .. }), "{err:?}");

    let empty = |e: &Error, attr: &str| matches!(e, Error::EmptyKeyValue { attribute } if attribute == attr);
    assert!(empty(&accounts.get(String::new()).await.unwrap_err(), "id"));
    assert!(empty(&accounts.delete(String::new()).await.unwrap_err(), "id"));
    assert!(empty(&accounts.update(String::new()).set(&f.note, "x").await.unwrap_err(), "id"));
    assert!(empty(&accounts.create(&account("", 1)).await.unwrap_err(), "id"));
    let mut no_email = account("b", 1);
    no_email.email = String::new(); // the by_email index's key
    assert!(empty(&accounts.create(&no_email).await.unwrap_err(), "email"));
    let batch = accounts.batch_put([&account("c", 1), &no_email]).unchecked_versions().await.unwrap_err();
    assert!(empty(&batch, "email"), "{batch:?}");
    assert!(empty(&accounts.batch_get([String::new()]).await.unwrap_err(), "id"));
    let q = accounts.query(Account::query_by_email("")).send().await.unwrap_err();
    assert!(empty(&q, "email"), "{q:?}");
    assert!(crate::common::ops(&db).is_empty(), "nothing was sent");

    // 100 operands are fine
    let hundred: Vec<i64> = (0..100).collect();
    assert_eq!(accounts.scan().filter(f.balance.is_in(hundred)).count().await.unwrap(), 1);
}
