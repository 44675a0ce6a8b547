//! Batches: any number of keys/items, split into 100s / 25s, unprocessed
//! keys retried (the emulator caps BatchGetItem responses at 16 MB).

use crate::common::setup;
use ddb_odm::{Model, Request};

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "blobs")]
struct Blob {
    #[key]
    id: u32,
    data: String,
}

#[tokio::test]
async fn batch_put_get_delete_split_into_chunks() {
    let (db, odm) = setup().await;
    let blobs = odm.model::<Blob>().await.unwrap();
    let items: Vec<Blob> = (0..260).map(|i| Blob { id: i, data: format!("d{i}") }).collect();
    let Request::BatchWriteItem(reqs) = blobs.batch_put(&items).dry_run().unwrap() else { panic!() };
    assert_eq!(reqs.len(), 11); // 10 x 25 + 10
    db.clear_operations();
    blobs.batch_put(&items).await.unwrap();
    if db.emulator.is_some() {
        assert_eq!(crate::common::ops(&db).iter().filter(|o| *o == "BatchWriteItem").count(), 11);
    }
    let Request::BatchGetItem(reqs) = blobs.batch_get(0..260).dry_run().unwrap() else { panic!() };
    assert_eq!(reqs.len(), 3);
    let mut got = blobs.batch_get((0..260).chain(0..10).chain(1000..1005)).await.unwrap();
    got.sort_by_key(|b| b.id);
    assert_eq!(got, items);
    blobs.batch_delete(0..250).await.unwrap();
    assert_eq!(blobs.scan().count().await.unwrap(), 10);
    let rest = blobs.batch_get(0..260).consistent().await.unwrap();
    assert_eq!(rest.len(), 10);
}

#[tokio::test]
async fn unprocessed_keys_are_retried() {
    let (db, odm) = setup().await;
    let blobs = odm.model::<Blob>().await.unwrap();
    // 100 items of ~300 KB: 30 MB, more than one 16 MB BatchGetItem response
    let items: Vec<Blob> = (0..100).map(|i| Blob { id: i, data: "x".repeat(300 * 1024) }).collect();
    blobs.batch_put(&items).await.unwrap();
    db.clear_operations();
    let got = blobs.batch_get(0..100).await.unwrap();
    assert_eq!(got.len(), 100);
    if db.emulator.is_some() {
        let n = crate::common::ops(&db).iter().filter(|o| *o == "BatchGetItem").count();
        assert!(n >= 2, "unprocessed keys needed further requests ({n})");
    }
}

#[tokio::test]
async fn unprocessed_keys_are_reported_not_dropped() {
    let db = ddb_odm::testing::TestDb::start().await;
    let odm = ddb_odm::Odm::with_options(
        db.client.clone(),
        ddb_odm::OdmOptions {
            prefix: db.prefix.clone(),
            retry: ddb_odm::RetryPolicy { max_attempts: 1, ..Default::default() },
            ..Default::default()
        },
    );
    let blobs = odm.model::<Blob>().await.unwrap();
    let items: Vec<Blob> = (0..100).map(|i| Blob { id: i, data: "x".repeat(300 * 1024) }).collect();
    blobs.batch_put(&items).await.unwrap();
    match blobs.batch_get(0..100).await {
        Err(ddb_odm::Error::BatchIncomplete { unprocessed_keys, read, .. }) => {
            assert!(!unprocessed_keys.is_empty());
            assert_eq!(unprocessed_keys.len() + read.len(), 100);
        }
        other => panic!("{:?}", other.map(|v| v.len())),
    }
}

#[test]
fn backoff_is_capped_and_jittered() {
    let p = ddb_odm::RetryPolicy::default();
    assert_eq!(p.ceiling(0), p.base);
    assert_eq!(p.ceiling(1), p.base * 2);
    assert_eq!(p.ceiling(40), p.cap);
    let delays: Vec<_> = (0..50).map(|_| p.delay(6)).collect();
    assert!(delays.iter().all(|d| *d <= p.ceiling(6)));
    assert!(delays.windows(2).any(|w| w[0] != w[1]), "jitter varies the delay");
}

/// The emulator's fault injection leaves about half of every batch
/// unprocessed; batch_put / batch_get / batch_delete retry until everything
/// is through, and nothing is lost or duplicated.
#[tokio::test]
async fn injected_unprocessed_writes_and_reads_are_retried() {
    if std::env::var("DDB_ODM_ENDPOINT").is_ok() {
        return; // fault injection is an emulator option
    }
    let emu = ddb_emulator::Emulator::builder().unprocessed_probability(0.5).start().await.unwrap();
    let odm = ddb_odm::Odm::new(ddb_odm::testing::client_for(&emu.endpoint()));
    let blobs = odm.model::<Blob>().await.unwrap();
    let items: Vec<Blob> = (0..120).map(|i| Blob { id: i, data: format!("d{i}") }).collect();
    emu.clear_operations();
    blobs.batch_put(&items).await.unwrap();
    let writes = emu.operations().iter().filter(|o| o.operation == "BatchWriteItem").count();
    assert!(writes > 5, "5 chunks of 25 need retries when half is unprocessed ({writes} calls)");
    let mut got = blobs.batch_get(0..120).await.unwrap();
    got.sort_by_key(|b| b.id);
    assert_eq!(got, items);
    blobs.batch_delete(0..120).await.unwrap();
    assert!(blobs.batch_get(0..120).await.unwrap().is_empty());
}

#[tokio::test]
async fn duplicate_keys_in_a_batch_write_keep_the_last_write() {
    let (_db, odm) = setup().await;
    let blobs = odm.model::<Blob>().await.unwrap();
    // 3000 writes of 1000 keys: one request entry per key (DynamoDB refuses
    // a key twice in one request), the last value of each.
    let items: Vec<Blob> = (0..3000).map(|i| Blob { id: i % 1000, data: format!("v{}", i / 1000) }).collect();
    let Request::BatchWriteItem(reqs) = blobs.batch_put(&items).dry_run().unwrap() else { panic!() };
    assert_eq!(reqs.len(), 40); // 1000 / 25
    blobs.batch_put(&items).await.unwrap();
    let mut got = blobs.batch_get((0..1000).chain(0..1000)).await.unwrap();
    assert_eq!(got.len(), 1000);
    got.sort_by_key(|b| b.id);
    assert!(got.iter().all(|b| b.data == "v2"));
}
