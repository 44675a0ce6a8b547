//! Typed projections: `#[derive(Projection)]` and `project_into::<P>()`
//! build the ProjectionExpression from the fields, decode into the
//! projection only (never into the model), work through include indexes,
//! and are refused for indexes named at run time that lack an attribute
//! (the compile-time refusals are the ui tests).

use crate::common::setup;
use ddb_odm::{Error, Model, ModelHandle, Odm, Projection, Request};
use futures::TryStreamExt;
use std::sync::atomic::{AtomicUsize, Ordering};

static FULL_DECODES: AtomicUsize = AtomicUsize::new(0);

/// The schema-level `get` hook decodes the whole model: counted, so that
/// a test can see that a projected read never does.
fn count_full(u: User) -> User {
    FULL_DECODES.fetch_add(1, Ordering::SeqCst);
    u
}

fn shout(s: String) -> String {
    s.to_uppercase()
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "users", get = "count_full")]
struct User {
    #[key]
    id: String,
    #[odm(rename = "n", get = "shout")]
    #[index(name = "by_name", include = "email")]
    name: String,
    #[index(name = "by_email", projection = "keys_only")]
    email: String,
    #[index(name = "by_team")]
    team: String,
    bio: String,
    age: u32,
    nick: Option<String>,
}

/// Reads `id` and `name` (renamed, with a `get` transform).
#[derive(Projection, Debug, Clone, PartialEq)]
#[odm(model = User)]
struct UserCard {
    id: String,
    name: String,
}

/// What the include index `by_name` projects: its keys and `email`.
#[derive(Projection, Debug, Clone, PartialEq)]
#[odm(model = User)]
struct Contact {
    name: String,
    email: String,
}

/// Needs `age`, which only the table and `by_team` (ALL) project.
#[derive(Projection, Debug, Clone, PartialEq)]
#[odm(model = User)]
struct Ages {
    id: String,
    age: u32,
    nick: Option<String>,
}

fn user(i: u32) -> User {
    User {
        id: format!("u{i:02}"),
        name: format!("name {i}"),
        email: format!("u{i}@example.com"),
        team: if i.is_multiple_of(2) { "red".into() } else { "blue".into() },
        bio: "x".repeat(200),
        age: 20 + i,
        nick: i.is_multiple_of(3).then(|| format!("n{i}")),
    }
}

async fn seeded(odm: &Odm) -> ModelHandle<User> {
    let users = odm.model::<User>().await.unwrap();
    users.batch_put(&(0..12).map(user).collect::<Vec<_>>()).await.unwrap();
    users
}

#[tokio::test]
async fn projection_expression_is_built_from_the_fields_and_the_keys() {
    let (_db, odm) = setup().await;
    let users = seeded(&odm).await;
    let Request::Query(r) = users.query(User::query_by_team("red")).project_into::<Ages>().dry_run().unwrap()
    else {
        panic!()
    };
    let names = r.expression_attribute_names().unwrap();
    let mut projected: Vec<&str> =
        r.projection_expression().unwrap().split(", ").map(|p| names[p].as_str()).collect();
    projected.sort();
    // the fields, plus the table's and the index's keys (for cursors)
    assert_eq!(projected, ["age", "id", "nick", "team"]);
    let Request::Scan(r) = users.scan().project_into::<UserCard>().dry_run().unwrap() else { panic!() };
    let names = r.expression_attribute_names().unwrap();
    let mut projected: Vec<&str> =
        r.projection_expression().unwrap().split(", ").map(|p| names[p].as_str()).collect();
    projected.sort();
    assert_eq!(projected, ["id", "n"]); // `name` is stored as `n`
}

#[tokio::test]
async fn a_projected_read_never_decodes_into_the_model() {
    let (_db, odm) = setup().await;
    let users = seeded(&odm).await;
    FULL_DECODES.store(0, Ordering::SeqCst);
    let mut cards: Vec<UserCard> = users.scan().project_into::<UserCard>().all().try_collect().await.unwrap();
    cards.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(cards.len(), 12);
    // the attribute's `get` transform ran, the model's hook did not
    assert_eq!(cards[3], UserCard { id: "u03".into(), name: "NAME 3".into() });
    assert_eq!(FULL_DECODES.load(Ordering::SeqCst), 0);
    // the same read into the model fails: `bio`, `age`, ... were not read
    assert!(users.scan().project(["id", "name"]).send().await.is_err());
    // and a full read decodes through the hook
    let _: Vec<User> = users.scan().all().try_collect().await.unwrap();
    assert_eq!(FULL_DECODES.load(Ordering::SeqCst), 12);
}

#[tokio::test]
async fn projections_through_indexes_and_with_cursors() {
    let (_db, odm) = setup().await;
    let users = seeded(&odm).await;
    let f = User::fields();
    // The include index projects `name`'s keys and `email`.
    let c: Vec<Contact> = users
        .query(User::query_by_name("name 4"))
        .project_into::<Contact>()
        .all()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(c, [Contact { name: "NAME 4".into(), email: "u4@example.com".into() }]);
    // An ALL index, an optional field, a filter, a cap and a cursor.
    let q = users.query(User::query_by_team("red")).filter(f.age.ge(22)).project_into::<Ages>().limit(2);
    let first = q.clone().max_items(3).fetch().await.unwrap();
    let rest = q.clone().after(first.cursor.as_ref().unwrap()).fetch().await.unwrap();
    let mut ages: Vec<u32> = first.items.iter().chain(&rest.items).map(|a| a.age).collect();
    ages.sort();
    assert_eq!(ages, [22, 24, 26, 28, 30]);
    assert!(first.items.iter().chain(&rest.items).any(|a| a.nick.is_some()));
    // The cursor of the projected read is refused by the unprojected one.
    let plain =
        users.query(User::query_by_team("red")).filter(f.age.ge(22)).after(first.cursor.as_ref().unwrap());
    assert!(matches!(plain.fetch().await, Err(Error::Cursor(_))));
}

#[tokio::test]
async fn an_index_named_at_run_time_is_checked_before_sending() {
    let (db, odm) = setup().await;
    let users = seeded(&odm).await;
    db.clear_operations();
    // `by_email` is keys-only: it has no `name`.
    let err = users.scan().index("by_email").project_into::<UserCard>().fetch().await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation { field, reason } if field == "name" && reason.contains("by_email")),
        "{err}"
    );
    let err =
        users.scan().index("by_name").project_into::<Ages>().all().try_collect::<Vec<_>>().await.unwrap_err();
    assert!(matches!(&err, Error::Validation { field, .. } if field == "age"), "{err}");
    assert!(crate::common::ops(&db).iter().all(|op| op != "Scan"), "refused before sending");
    // What the index does project is read.
    #[derive(Projection, Debug)]
    #[odm(model = User)]
    struct Key {
        id: String,
        email: String,
    }
    let keys: Vec<Key> =
        users.scan().index("by_email").project_into::<Key>().all().try_collect().await.unwrap();
    assert_eq!(keys.len(), 12);
    assert!(keys.iter().all(|k| k.email.starts_with(&k.id[..1])));
    // Named at the type level, the index is checked at compile time (a
    // projection it lacks does not compile: tests/ui/projection_of_scanned_index.rs).
    let typed: Vec<Key> = users
        .scan()
        .on_index(User::scan_index_by_email())
        .project_into::<Key>()
        .all()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(typed.len(), 12);
    // The generated query function of the keys-only index carries it at
    // the type level; reading `Key` through it compiles and works.
    let one: Vec<Key> = users
        .query(User::query_by_email("u7@example.com"))
        .project_into::<Key>()
        .all()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(one[0].id, "u07");
}
