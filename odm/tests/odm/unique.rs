//! Guaranteed uniqueness of non-key attributes: marker items written,
//! moved and removed in the same transaction as the item.

use crate::common::setup;
use ddb_odm::{AttributeValue, Error, Model};
use futures::TryStreamExt;

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "users")]
struct User {
    #[key]
    id: String,
    #[odm(unique)]
    email: String,
    #[odm(unique)]
    nick: Option<String>,
    #[odm(version)]
    version: u64,
}

fn user(id: &str, email: &str) -> User {
    User { id: id.into(), email: email.into(), nick: None, version: 0 }
}

fn violation(e: Error) -> (String, AttributeValue) {
    match e {
        Error::UniqueViolation { field, value } => (field, value),
        other => panic!("expected a unique violation, got {other:?}"),
    }
}

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.into())
}

#[tokio::test]
async fn a_taken_value_is_a_unique_violation() {
    let (_db, odm) = setup().await;
    let users = odm.model::<User>().await.unwrap();
    users.create(&user("u1", "ada@example.com")).await.unwrap();
    let err = users.create(&user("u2", "ada@example.com")).await.unwrap_err();
    assert_eq!(violation(err), ("email".to_string(), s("ada@example.com")));
    assert!(users.get("u2".to_string()).await.unwrap().is_none(), "nothing of u2 was written");
    // The second unique attribute is checked on its own, at its position.
    let mut with_nick = user("u3", "bob@example.com");
    with_nick.nick = Some("bob".into());
    users.create(&with_nick).await.unwrap();
    let mut same_nick = user("u4", "carl@example.com");
    same_nick.nick = Some("bob".into());
    assert_eq!(violation(users.create(&same_nick).await.unwrap_err()), ("nick".to_string(), s("bob")));
    // An existing key is still a failed condition, not a violation.
    assert!(users.create(&user("u1", "new@example.com")).await.unwrap_err().is_condition_failed());
}

#[tokio::test]
async fn of_concurrent_creates_with_one_email_exactly_one_succeeds() {
    let (_db, odm) = setup().await;
    let users = odm.model::<User>().await.unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let users = users.clone();
            tokio::spawn(async move { users.create(&user(&format!("u{i}"), "same@example.com")).await })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(Error::UniqueViolation { .. }) | Err(Error::TransactionCancelled { .. }) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(users.scan().count().await.unwrap(), 1, "scans never return markers");
}

#[tokio::test]
async fn save_update_and_tracked_saves_move_the_marker() {
    let (_db, odm) = setup().await;
    let users = odm.model::<User>().await.unwrap();
    let mut u1 = users.create(&user("u1", "a@example.com")).await.unwrap();
    users.create(&user("u2", "b@example.com")).await.unwrap();
    // save: a@ -> c@ frees a@
    u1.email = "c@example.com".into();
    let u1 = users.save(&u1).await.unwrap();
    users.create(&user("u3", "a@example.com")).await.unwrap();
    // save onto a taken value: refused, item unchanged
    let mut taken = u1.clone();
    taken.email = "b@example.com".into();
    assert_eq!(violation(users.save(&taken).await.unwrap_err()).0, "email");
    assert_eq!(users.get("u1".to_string()).await.unwrap().unwrap().email, "c@example.com");
    // update: c@ -> d@ frees c@; onto a taken value is refused
    let f = User::fields();
    users.update("u1".to_string()).set(&f.email, "d@example.com").await.unwrap();
    users.create(&user("u4", "c@example.com")).await.unwrap();
    let err = users.update("u1".to_string()).set(&f.email, "b@example.com").await.unwrap_err();
    assert_eq!(violation(err), ("email".to_string(), s("b@example.com")));
    // removing an optional unique value frees it
    users.update("u1".to_string()).set(&f.nick, "dee").await.unwrap();
    users.update("u1".to_string()).remove(&f.nick).await.unwrap();
    let mut dee = user("u5", "e@example.com");
    dee.nick = Some("dee".into());
    users.create(&dee).await.unwrap();
    // a tracked save moves it too
    let mut tracked = users.get_tracked("u1".to_string()).await.unwrap().unwrap();
    tracked.email = "f@example.com".into();
    assert!(users.save_tracked(&mut tracked).await.unwrap());
    users.create(&user("u6", "d@example.com")).await.unwrap();
    let all: Vec<User> = users.scan().all().try_collect().await.unwrap();
    assert_eq!(all.len(), 6);
}

#[tokio::test]
async fn delete_removes_the_markers() {
    let (_db, odm) = setup().await;
    let users = odm.model::<User>().await.unwrap();
    users.create(&user("u1", "a@example.com")).await.unwrap();
    let gone = users.delete("u1".to_string()).await.unwrap();
    assert_eq!(gone.map(|u| u.email), Some("a@example.com".to_string()));
    users.create(&user("u2", "a@example.com")).await.unwrap();
    // deleting a missing item is fine
    assert!(users.delete("nobody".to_string()).await.unwrap().is_none());
}

#[tokio::test]
async fn batch_puts_and_transactions_of_unique_models_are_refused_unless_opted_out() {
    let (_db, odm) = setup().await;
    let users = odm.model::<User>().await.unwrap();
    let u = user("u1", "a@example.com");
    assert!(matches!(users.batch_put([&u]).await, Err(Error::Request(_))));
    let tx = odm.transact_write().put(users.create(&u)).send().await;
    assert!(matches!(tx, Err(Error::Request(_))), "{tx:?}");
    users.batch_put([&u]).skip_unique_markers().unchecked_versions().await.unwrap();
    assert_eq!(users.scan().count().await.unwrap(), 1);
}
