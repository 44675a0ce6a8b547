//! Foreign types through per-field adapters (`#[odm(with = "...")]`):
//! uuid, chrono, url and std Duration round trips, as keys too.

use crate::common::setup;
use ddb_odm::{AttributeValue, Model};
use futures::TryStreamExt;
use std::time::Duration;

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "sessions_with")]
struct Session {
    #[key]
    #[odm(with = "ddb_odm::with::uuid")]
    id: uuid::Uuid,
    #[index(name = "by_user")]
    user: String,
    #[index(name = "by_user", range)]
    #[odm(with = "ddb_odm::with::chrono")]
    started: chrono::DateTime<chrono::Utc>,
    #[odm(with = "ddb_odm::with::chrono::millis")]
    seen: Option<chrono::DateTime<chrono::Utc>>,
    #[odm(with = "ddb_odm::with::duration_secs")]
    ttl: Duration,
    #[odm(with = "ddb_odm::with::url")]
    origin: url::Url,
}

fn session(n: u128, secs: i64) -> Session {
    Session {
        id: uuid::Uuid::from_u128(n),
        user: "ada".into(),
        started: chrono::DateTime::from_timestamp(1_700_000_000 + secs, 123_456_789).unwrap(),
        seen: None,
        ttl: Duration::from_secs(3600),
        origin: url::Url::parse("https://example.com/login").unwrap(),
    }
}

#[tokio::test]
async fn uuid_chrono_url_and_duration_round_trip() {
    let (db, odm) = setup().await;
    let sessions = odm.model::<Session>().await.unwrap();
    let mut s1 = session(1, 0);
    s1.seen = Some(chrono::DateTime::from_timestamp_millis(1_700_000_500_250).unwrap());
    sessions.create(&s1).await.unwrap();
    sessions.create(&session(2, 60)).await.unwrap();
    sessions.create(&session(3, 120)).await.unwrap();
    // As stored.
    let raw = db
        .client
        .get_item()
        .table_name(odm.table_name("sessions_with"))
        .key("id", AttributeValue::S(uuid::Uuid::from_u128(1).to_string()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert_eq!(raw["started"], AttributeValue::S("2023-11-14T22:13:20.123456789Z".into()));
    assert_eq!(raw["seen"], AttributeValue::N("1700000500250".into()));
    assert_eq!(raw["ttl"], AttributeValue::N("3600".into()));
    assert_eq!(raw["origin"], AttributeValue::S("https://example.com/login".into()));
    // Back, by a uuid key.
    assert_eq!(sessions.get(uuid::Uuid::from_u128(1)).await.unwrap(), Some(s1.clone()));
    assert_eq!(sessions.get(uuid::Uuid::from_u128(2)).await.unwrap().unwrap().seen, None);
    // Conditions and key conditions take the foreign types.
    let f = Session::fields();
    let cutoff = chrono::DateTime::from_timestamp(1_700_000_030, 0).unwrap();
    let later: Vec<Session> =
        sessions.query(Session::query_by_user("ada").sort_gt(cutoff)).all().try_collect().await.unwrap();
    assert_eq!(later.iter().map(|s| s.id.as_u128()).collect::<Vec<_>>(), vec![2, 3]);
    let long: Vec<Session> =
        sessions.scan().filter(f.ttl.ge(Duration::from_secs(3600))).all().try_collect().await.unwrap();
    assert_eq!(long.len(), 3);
    sessions.update(uuid::Uuid::from_u128(2)).set(&f.ttl, Duration::from_secs(5)).await.unwrap();
    assert_eq!(sessions.get(uuid::Uuid::from_u128(2)).await.unwrap().unwrap().ttl, Duration::from_secs(5));
    sessions.delete(uuid::Uuid::from_u128(3)).must_exist().await.unwrap();
    assert_eq!(sessions.scan().count().await.unwrap(), 2);
}

#[tokio::test]
async fn a_bad_stored_value_is_a_validation_error_naming_the_field() {
    let (db, odm) = setup().await;
    let sessions = odm.model::<Session>().await.unwrap();
    sessions.create(&session(1, 0)).await.unwrap();
    db.client
        .update_item()
        .table_name(odm.table_name("sessions_with"))
        .key("id", AttributeValue::S(uuid::Uuid::from_u128(1).to_string()))
        .update_expression("SET origin = :v")
        .expression_attribute_values(":v", AttributeValue::S("not a url".into()))
        .send()
        .await
        .unwrap();
    let err = sessions.get(uuid::Uuid::from_u128(1)).await.unwrap_err();
    assert!(matches!(&err, ddb_odm::Error::Validation { field, .. } if field == "origin"), "{err:?}");
}
