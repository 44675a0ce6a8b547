//! Transactions across models: all-or-nothing, refused before sending
//! when too large or naming one item twice, cancellation reasons per action.

use crate::common::setup;
use ddb_odm::{CancellationCode, Error, Limit, Model, Request};

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "accounts")]
struct Account {
    #[key]
    id: String,
    balance: i64,
    #[odm(version)]
    version: u64,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "ledger")]
struct Entry {
    #[key]
    account: String,
    #[range_key]
    seq: u32,
    amount: i64,
}

#[tokio::test]
async fn write_and_read_across_models() {
    let (db, odm) = setup().await;
    let accounts = odm.model::<Account>().await.unwrap();
    let ledger = odm.model::<Entry>().await.unwrap();
    let a = accounts.create(&Account { id: "a".into(), balance: 100, version: 0 }).await.unwrap();
    accounts.create(&Account { id: "b".into(), balance: 0, version: 0 }).await.unwrap();
    let f = Account::fields();
    db.clear_operations();
    odm.transact_write()
        .update(
            accounts
                .update("a".to_string())
                .add(&f.balance, -30i64)
                .condition(f.balance.ge(30))
                .expect_version(a.version),
        )
        .update(accounts.update("b".to_string()).add(&f.balance, 30i64))
        .put(ledger.create(&Entry { account: "a".into(), seq: 1, amount: -30 }))
        .check(ledger.check(("a".to_string(), 0), Entry::fields().amount.not_exists()))
        .send()
        .await
        .unwrap();
    if db.emulator.is_some() {
        assert_eq!(crate::common::ops(&db), vec!["TransactWriteItems"]);
    }
    let out = odm
        .transact_get()
        .get(accounts.get("a".to_string()))
        .get(accounts.get("b".to_string()))
        .get(ledger.get(("a".to_string(), 1)))
        .get(ledger.get(("a".to_string(), 2)))
        .send()
        .await
        .unwrap();
    assert_eq!(out.len(), 4);
    assert_eq!(out.get::<Account>(0).unwrap().unwrap().balance, 70);
    assert_eq!(out.get::<Account>(0).unwrap().unwrap().version, 2);
    assert_eq!(out.get::<Account>(1).unwrap().unwrap().balance, 30);
    assert_eq!(out.get::<Entry>(2).unwrap().unwrap().amount, -30);
    assert_eq!(out.get::<Entry>(3).unwrap(), None);
}

#[tokio::test]
async fn cancellation_reasons_are_decoded_per_action() {
    let (_db, odm) = setup().await;
    let accounts = odm.model::<Account>().await.unwrap();
    accounts.create(&Account { id: "a".into(), balance: 10, version: 0 }).await.unwrap();
    let stale = accounts.create(&Account { id: "c".into(), balance: 10, version: 0 }).await.unwrap();
    accounts.save(&stale).await.unwrap(); // version 2 now
    let f = Account::fields();
    let err = odm
        .transact_write()
        .put(accounts.create(&Account { id: "new".into(), balance: 1, version: 0 }))
        .update(accounts.update("a".to_string()).add(&f.balance, -50i64).condition(f.balance.ge(50)))
        .delete(accounts.delete_item(&stale))
        .send()
        .await
        .unwrap_err();
    let Error::TransactionCancelled { reasons } = err else { panic!("{err:?}") };
    assert_eq!(reasons.len(), 3);
    assert_eq!(reasons[0].code, CancellationCode::None);
    assert_eq!(reasons[1].code, CancellationCode::ConditionalCheckFailed);
    assert_eq!(reasons[2].code, CancellationCode::ConditionalCheckFailed);
    assert_eq!(reasons[2].index, 2);
    // nothing was applied
    assert!(accounts.get("new".to_string()).await.unwrap().is_none());
    assert_eq!(accounts.get("a".to_string()).await.unwrap().unwrap().balance, 10);
}

#[tokio::test]
async fn refused_before_sending() {
    let (db, odm) = setup().await;
    let accounts = odm.model::<Account>().await.unwrap();
    let f = Account::fields();
    db.clear_operations();
    let mut tx = odm.transact_write();
    for i in 0..101 {
        tx = tx.update(accounts.update(format!("id{i}")).add(&f.balance, 1i64));
    }
    match tx.send().await {
        Err(Error::LimitExceeded { limit: Limit::TransactionActions, actual: 101, max: 100 }) => {}
        other => panic!("{other:?}"),
    }
    let err = odm
        .transact_write()
        .update(accounts.update("x".to_string()).add(&f.balance, 1i64))
        .delete(accounts.delete("y".to_string()))
        .delete(accounts.delete("x".to_string()))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::DuplicateItemInTransaction { actions: (0, 2), .. }), "{err:?}");
    let err =
        odm.transact_get().get(accounts.get("x".to_string())).get(accounts.get("x".to_string())).send().await;
    assert!(matches!(err, Err(Error::DuplicateItemInTransaction { .. })));
    if db.emulator.is_some() {
        assert!(crate::common::ops(&db).is_empty());
    }
    // 100 actions are fine
    let mut tx = odm.transact_write();
    for i in 0..100 {
        tx = tx.update(accounts.update(format!("id{i}")).add(&f.balance, 1i64));
    }
    assert!(matches!(tx.dry_run().unwrap(), Request::TransactWriteItems(_)));
    tx.send().await.unwrap();
    assert_eq!(accounts.scan().count().await.unwrap(), 100);
}
