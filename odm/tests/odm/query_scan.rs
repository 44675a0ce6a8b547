//! Query and scan builders: typed key conditions per index, filters,
//! limit, start_at, projection, count, consistency, direction, parallel
//! scans, and `all()` as a Stream.

use crate::common::setup;
use ddb_odm::{Model, ModelHandle, Odm};
use futures::{StreamExt, TryStreamExt};

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "events")]
struct Event {
    #[key]
    #[index(name = "by_device_kind", projection = "keys_only")]
    device: String,
    #[range_key]
    #[index(name = "by_seq_local", local)]
    at: i64,
    #[index(name = "by_kind")]
    #[index(name = "by_device_kind", range)]
    kind: String,
    #[index(name = "by_kind", range)]
    seq: i64,
    level: Option<u8>,
    message: String,
}

async fn seeded(odm: &Odm) -> ModelHandle<Event> {
    let events = odm.model::<Event>().await.unwrap();
    let mut all = Vec::new();
    for d in 0..3 {
        for i in 0..20i64 {
            all.push(Event {
                device: format!("d{d}"),
                at: i,
                kind: if i % 2 == 0 { "even".into() } else { "odd".into() },
                seq: 100 - i,
                level: if i % 5 == 0 { None } else { Some((i % 4) as u8) },
                message: format!("event {i} of d{d}"),
            });
        }
    }
    events.batch_put(&all).await.unwrap();
    events
}

#[tokio::test]
async fn key_conditions_on_table_and_indexes() {
    let (_db, odm) = setup().await;
    let events = seeded(&odm).await;
    let all: Vec<Event> = events.query(Event::query_by_device("d1")).all().try_collect().await.unwrap();
    assert_eq!(all.len(), 20);
    assert!(all.windows(2).all(|w| w[0].at < w[1].at));
    let f = Event::fields();
    let between: Vec<Event> =
        events.query(Event::query_by_device("d1").sort_between(5, 9)).all().try_collect().await.unwrap();
    assert_eq!(between.iter().map(|e| e.at).collect::<Vec<_>>(), vec![5, 6, 7, 8, 9]);
    assert_eq!(events.query(Event::query_by_device("d1").sort_lt(3)).count().await.unwrap(), 3);
    assert_eq!(events.query(Event::query_by_device("d1").sort_le(3)).count().await.unwrap(), 4);
    assert_eq!(events.query(Event::query_by_device("d1").sort_gt(17)).count().await.unwrap(), 2);
    assert_eq!(events.query(Event::query_by_device("d1").sort_ge(17)).count().await.unwrap(), 3);
    assert_eq!(events.query(Event::query_by_device("d1").sort_eq(4)).count().await.unwrap(), 1);
    // descending, limit and start_at
    let page = events.query(Event::query_by_device("d2")).descending().limit(3).send().await.unwrap();
    assert_eq!(page.items.iter().map(|e| e.at).collect::<Vec<_>>(), vec![19, 18, 17]);
    let next = events
        .query(Event::query_by_device("d2"))
        .descending()
        .limit(3)
        .start_at(page.last_key.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(next.items[0].at, 16);
    // global index chosen automatically from the attribute, with a typed sort key
    let odd: Vec<Event> =
        events.query(Event::query_by_kind("odd").sort_ge(95)).all().try_collect().await.unwrap();
    assert_eq!(odd.len(), 9); // seq 95, 97, 99 on three devices
    // explicit index selection; begins_with on a string sort key
    let n =
        events.query(Event::query_index_by_device_kind("d0").sort_begins_with("ev")).count().await.unwrap();
    assert_eq!(n, 10);
    // local index with a consistent read
    let lsi =
        events.query(Event::query_index_by_seq_local("d0").sort_gt(15)).consistent().count().await.unwrap();
    assert_eq!(lsi, 4);
    // filters: and / or / not / in / exists / contains / between
    let filtered: Vec<Event> = events
        .query(Event::query_by_device("d0"))
        .filter(f.level.exists() & f.level.is_in([1u8, 2u8]))
        .filter(!f.kind.eq("never") | f.message.contains("zzz"))
        .all()
        .try_collect()
        .await
        .unwrap();
    assert!(filtered.iter().all(|e| matches!(e.level, Some(1) | Some(2))));
    assert_eq!(filtered.len(), 8);
    let none_level =
        events.query(Event::query_by_device("d0")).filter(f.level.not_exists()).count().await.unwrap();
    assert_eq!(none_level, 4);
    let between =
        events.query(Event::query_by_device("d0")).filter(f.seq.between(90, 95)).count().await.unwrap();
    assert_eq!(between, 6);
}

#[tokio::test]
async fn pages_stream_and_projection() {
    let (_db, odm) = setup().await;
    let events = seeded(&odm).await;
    let pages: Vec<_> =
        events.query(Event::query_by_device("d0")).limit(6).pages().try_collect().await.unwrap();
    assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), 20);
    assert!(pages.len() >= 4);
    // projection: the model decodes when the missing attributes are optional
    let dynamic = ddb_odm::schema::Schema::clone(events.schema());
    let raw = odm.dynamic(dynamic).await.unwrap();
    let items: Vec<_> = raw.scan().project(["device", "at", "kind"]).all().try_collect().await.unwrap();
    assert_eq!(items.len(), 60);
    assert!(items.iter().all(|i: &ddb_odm::DynamicItem| i.0.len() == 3));
}

#[tokio::test]
async fn scans_plain_filtered_indexed_and_parallel() {
    let (_db, odm) = setup().await;
    let events = seeded(&odm).await;
    let f = Event::fields();
    assert_eq!(events.scan().count().await.unwrap(), 60);
    assert_eq!(events.scan().filter(f.kind.eq("odd")).count().await.unwrap(), 30);
    let items: Vec<Event> = events.scan().parallel(4).all().try_collect().await.unwrap();
    assert_eq!(items.len(), 60);
    let mut keys: Vec<_> = items.iter().map(|e| (e.device.clone(), e.at)).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 60);
    assert_eq!(events.scan().parallel(3).filter(f.at.lt(10)).count().await.unwrap(), 30);
    let seg: usize = futures::stream::iter(0..2)
        .then(|s| {
            let events = events.clone();
            async move { events.scan().segment(s, 2).count().await.unwrap() }
        })
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .sum();
    assert_eq!(seg, 60);
    assert_eq!(events.scan().index("by_kind").count().await.unwrap(), 60);
    assert!(events.scan().index("nope").count().await.is_err());
    let first = events.scan().limit(7).send().await.unwrap();
    assert_eq!(first.items.len(), 7);
    assert!(first.last_key.is_some());
}
