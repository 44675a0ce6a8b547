//! Composite uniqueness (`#[odm(unique(fields = "tenant, email"))]`): one
//! marker per constraint, written, moved and removed in the item's own
//! transaction; a violation names the fields and their values.

use crate::common::setup;
use ddb_odm::{AttributeValue, Error, Model};
use futures::TryStreamExt;

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "members", unique(fields = "tenant, email"), unique(fields = "tenant, badge"))]
struct Member {
    #[key]
    id: String,
    tenant: String,
    email: String,
    badge: Option<u32>,
    #[odm(unique)]
    login: String,
}

fn member(id: &str, tenant: &str, email: &str) -> Member {
    Member { id: id.into(), tenant: tenant.into(), email: email.into(), badge: None, login: id.into() }
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

fn pair(tenant: &str, email: &str) -> (String, AttributeValue) {
    ("tenant, email".to_string(), AttributeValue::L(vec![s(tenant), s(email)]))
}

#[tokio::test]
async fn the_combination_is_unique_not_each_part() {
    let (_db, odm) = setup().await;
    let members = odm.model::<Member>().await.unwrap();
    members.create(&member("m1", "acme", "ada@example.com")).await.unwrap();
    // Either part alone may repeat.
    members.create(&member("m2", "acme", "bob@example.com")).await.unwrap();
    members.create(&member("m3", "globex", "ada@example.com")).await.unwrap();
    // The combination may not.
    let err = members.create(&member("m4", "acme", "ada@example.com")).await.unwrap_err();
    assert_eq!(violation(err), pair("acme", "ada@example.com"));
    assert!(members.get("m4".to_string()).await.unwrap().is_none(), "nothing of m4 was written");
    // Values that would run together in a naive key do not collide.
    members.create(&member("m5", "a#b", "c")).await.unwrap();
    members.create(&member("m6", "a", "b#c")).await.unwrap();
    // A second constraint is checked at its own position; a missing part
    // (no badge) means no value to share.
    let mut with_badge = member("m7", "acme", "carl@example.com");
    with_badge.badge = Some(7);
    members.create(&with_badge).await.unwrap();
    let mut same_badge = member("m8", "acme", "dan@example.com");
    same_badge.badge = Some(7);
    let (field, value) = violation(members.create(&same_badge).await.unwrap_err());
    assert_eq!(
        (field.as_str(), value),
        ("tenant, badge", AttributeValue::L(vec![s("acme"), AttributeValue::N("7".into())]))
    );
    // The single-attribute constraint still reports itself.
    let mut same_login = member("m9", "initech", "eve@example.com");
    same_login.login = "m1".into();
    assert_eq!(violation(members.create(&same_login).await.unwrap_err()), ("login".to_string(), s("m1")));
    assert_eq!(members.scan().count().await.unwrap(), 6, "scans never return markers");
}

#[tokio::test]
async fn of_concurrent_creates_with_one_combination_exactly_one_succeeds() {
    let (_db, odm) = setup().await;
    let members = odm.model::<Member>().await.unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let members = members.clone();
            tokio::spawn(async move {
                members.create(&member(&format!("m{i}"), "acme", "same@example.com")).await
            })
        })
        .collect();
    let (mut ok, mut violations) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(Error::UniqueViolation { field, .. }) => {
                assert_eq!(field, "tenant, email");
                violations += 1;
            }
            // Transactions racing on one marker may also be cancelled as a conflict.
            Err(Error::TransactionCancelled { .. }) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(ok, 1);
    assert!(violations >= 1);
    assert_eq!(members.scan().count().await.unwrap(), 1);
}

#[tokio::test]
async fn save_update_tracked_save_and_delete_move_the_composite_marker() {
    let (_db, odm) = setup().await;
    let members = odm.model::<Member>().await.unwrap();
    let f = Member::fields();
    let mut m1 = members.create(&member("m1", "acme", "a@example.com")).await.unwrap();
    members.create(&member("m2", "acme", "b@example.com")).await.unwrap();

    // save: (acme, a@) -> (acme, c@) frees (acme, a@)
    m1.email = "c@example.com".into();
    let m1 = members.save(&m1).await.unwrap();
    members.create(&member("m3", "acme", "a@example.com")).await.unwrap();
    // save onto a taken combination: refused, item unchanged
    let mut taken = m1.clone();
    taken.email = "b@example.com".into();
    assert_eq!(violation(members.save(&taken).await.unwrap_err()), pair("acme", "b@example.com"));
    assert_eq!(members.get("m1".to_string()).await.unwrap().unwrap().email, "c@example.com");

    // update of one part moves the marker: (acme, c@) -> (globex, c@)
    members.update("m1".to_string()).set(&f.tenant, "globex").await.unwrap();
    members.create(&member("m4", "acme", "c@example.com")).await.unwrap();
    let err = members.update("m1".to_string()).set(&f.tenant, "acme").await.unwrap_err();
    assert_eq!(violation(err), pair("acme", "c@example.com"));

    // a tracked save moves it too: (globex, c@) -> (globex, d@)
    let mut tracked = members.get_tracked("m1".to_string()).await.unwrap().unwrap();
    tracked.email = "d@example.com".into();
    assert!(members.save_tracked(&mut tracked).await.unwrap());
    members.create(&member("m5", "globex", "c@example.com")).await.unwrap();
    let err = members.create(&member("m6", "globex", "d@example.com")).await.unwrap_err();
    assert_eq!(violation(err), pair("globex", "d@example.com"));

    // delete frees the combination
    members.delete("m1".to_string()).await.unwrap();
    members.create(&member("m6", "globex", "d@example.com")).await.unwrap();
    let all: Vec<Member> = members.scan().all().try_collect().await.unwrap();
    assert_eq!(all.len(), 5);
}

#[tokio::test]
async fn batch_put_of_a_composite_unique_model_is_refused_unless_opted_out() {
    #[derive(Model, Debug, Clone, PartialEq)]
    #[odm(table = "seats", unique(fields = "flight, seat"))]
    struct Seat {
        #[key]
        id: String,
        flight: String,
        seat: String,
    }
    let (_db, odm) = setup().await;
    let seats = odm.model::<Seat>().await.unwrap();
    let s1 = Seat { id: "s1".into(), flight: "LH1".into(), seat: "1A".into() };
    assert!(matches!(seats.batch_put([&s1]).await, Err(Error::Request(_))));
    seats.batch_put([&s1]).skip_unique_markers().await.unwrap();
    assert_eq!(seats.scan().count().await.unwrap(), 1);
}
