//! Issue 15, consumed capacity: every read path against the documented
//! rules (Developer Guide, "Capacity unit consumption for read operations")
//! and the live service's Scan figure the issue records (a Scan of one tiny
//! item: 4.0 strongly consistent, 2.0 eventually consistent).
//!
//! The rule the emulator follows (see `ops::read::Walk`): Query and Scan
//! charge for the items read (not just returned), sizes summed per
//! partition and rounded up to 4 KB, every partition the page passes
//! through at least one unit; a new table has 4 partitions (its reported
//! warm throughput of 12,000 reads / 4,000 writes, at 3,000 / 1,000 per
//! partition). Eventually consistent reads cost half.

use super::batches::{create_table, item, key1, n, s};
use aws_sdk_dynamodb::types::ReturnConsumedCapacity;
use aws_sdk_dynamodb::Client;
use ddb_conformance::TestEnv;

const T: &str = "capacity";

async fn scan_units(
    c: &Client,
    consistent: bool,
    f: impl FnOnce(
        aws_sdk_dynamodb::operation::scan::builders::ScanFluentBuilder,
    ) -> aws_sdk_dynamodb::operation::scan::builders::ScanFluentBuilder,
) -> f64 {
    let req = c
        .scan()
        .table_name(T)
        .consistent_read(consistent)
        .return_consumed_capacity(ReturnConsumedCapacity::Total);
    let out = f(req).send().await.expect("scan");
    out.consumed_capacity().and_then(|cc| cc.capacity_units()).expect("CapacityUnits")
}

async fn query_units(c: &Client, pk: &str, consistent: bool) -> f64 {
    let out = c
        .query()
        .table_name(T)
        .key_condition_expression("pk = :p")
        .expression_attribute_values(":p", s(pk))
        .consistent_read(consistent)
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .expect("query");
    out.consumed_capacity().and_then(|cc| cc.capacity_units()).expect("CapacityUnits")
}

#[tokio::test]
async fn a_scan_of_one_tiny_item_costs_one_unit_per_partition() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    c.put_item().table_name(T).set_item(Some(key1("a"))).send().await.unwrap();
    assert_eq!(scan_units(c, true, |r| r).await, 4.0, "strongly consistent");
    assert_eq!(scan_units(c, false, |r| r).await, 2.0, "eventually consistent");
    // A Query reads one partition: the item rounded up to 4 KB.
    assert_eq!(query_units(c, "a", true).await, 1.0);
    assert_eq!(query_units(c, "a", false).await, 0.5);
    // A Query that finds nothing still reads its partition.
    assert_eq!(query_units(c, "nothing", false).await, 0.5);
}

#[tokio::test]
async fn scan_capacity_counts_items_read_per_partition_filter_or_not() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    // 40 items of ~3 KB spread over the partitions: 120 KB read in all.
    let blob = "x".repeat(3000);
    for i in 0..40 {
        let it = item(&[("pk", s(&format!("k{i:02}"))), ("blob", s(&blob)), ("n", n(i))]);
        c.put_item().table_name(T).set_item(Some(it)).send().await.unwrap();
    }
    let all = scan_units(c, true, |r| r).await;
    // At least the 4 KB rounding of 120 KB, at most one extra unit per partition.
    assert!((30.0..=34.0).contains(&all), "{all}");
    // A filter does not change what was read.
    let filtered =
        scan_units(c, true, |r| r.filter_expression("n < :z").expression_attribute_values(":z", n(0))).await;
    assert_eq!(filtered, all);
    assert_eq!(scan_units(c, false, |r| r).await, all / 2.0);
    // A page cut short by Limit pays for the partitions it passed through only.
    let one = scan_units(c, true, |r| r.limit(1)).await;
    assert_eq!(one, 1.0, "one ~3 KB item in the first partition");
}

#[tokio::test]
async fn each_parallel_scan_segment_pays_for_its_own_partitions() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    c.put_item().table_name(T).set_item(Some(key1("a"))).send().await.unwrap();
    let mut total = 0.0;
    for seg in 0..4 {
        let u = scan_units(c, true, |r| r.segment(seg).total_segments(4)).await;
        assert_eq!(u, 1.0, "segment {seg} of 4 spans one partition");
        total += u;
    }
    assert_eq!(total, 4.0);
    // Two segments: two partitions each.
    assert_eq!(scan_units(c, true, |r| r.segment(1).total_segments(2)).await, 2.0);
}

#[tokio::test]
async fn an_empty_table_scan_still_reads_every_partition() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    assert_eq!(scan_units(c, true, |r| r).await, 4.0);
    assert_eq!(scan_units(c, false, |r| r).await, 2.0);
}

/// "For index queries that read attributes that are not projected, [...]
/// you are charged for read capacity units for every base table item
/// fetched. This charge is for reading each entire item from the table"
/// (Developer Guide, local secondary indexes, provisioned throughput
/// considerations).
#[tokio::test]
async fn an_lsi_read_of_unprojected_attributes_pays_for_the_table_fetch() {
    use super::query_scan::{create_table as create, key_schema, lsi, projection};
    use aws_sdk_dynamodb::types::{ProjectionType, ScalarAttributeType as Ty, Select};
    let env = TestEnv::new().await;
    let c = &env.client;
    create(
        c,
        "lsicap",
        &[("pk", Ty::S), ("sk", Ty::S), ("l", Ty::S)],
        key_schema(&["pk"], &["sk"]),
        vec![],
        vec![lsi("byl", "pk", "l", projection(ProjectionType::KeysOnly, &[]))],
    )
    .await;
    let blob = "x".repeat(5000);
    let it = item(&[("pk", s("p")), ("sk", s("a")), ("l", s("L")), ("blob", s(&blob))]);
    c.put_item().table_name("lsicap").set_item(Some(it)).send().await.unwrap();
    let query = |select: Select| {
        c.query()
            .table_name("lsicap")
            .index_name("byl")
            .key_condition_expression("pk = :p")
            .expression_attribute_values(":p", s("p"))
            .consistent_read(true)
            .select(select)
            .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
            .send()
    };
    // The index entry alone: one unit on the index, nothing on the table.
    let out = query(Select::AllProjectedAttributes).await.unwrap();
    let cc = out.consumed_capacity().unwrap();
    assert_eq!(cc.capacity_units(), Some(1.0), "{cc:?}");
    assert_eq!(cc.table().and_then(|t| t.capacity_units()), Some(0.0), "{cc:?}");
    // Every attribute: the ~5 KB item is fetched from the table (2 units).
    let out = query(Select::AllAttributes).await.unwrap();
    assert!(out.items()[0].contains_key("blob"));
    let cc = out.consumed_capacity().unwrap();
    assert_eq!(cc.capacity_units(), Some(3.0), "{cc:?}");
    assert_eq!(cc.table().and_then(|t| t.capacity_units()), Some(2.0), "{cc:?}");
    assert_eq!(cc.local_secondary_indexes().unwrap()["byl"].capacity_units(), Some(1.0), "{cc:?}");
}

/// Non-transactional operations report `CapacityUnits` alone (the API
/// model's own PutItem / DeleteItem examples: `{"CapacityUnits": 1,
/// "TableName": "Music"}`); transactions add the read / write split.
#[tokio::test]
async fn only_transactions_split_capacity_into_read_and_write_units() {
    use aws_sdk_dynamodb::types::{Get, Put, TransactGetItem, TransactWriteItem};
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[("byn", "g")], &[]).await;
    let it = item(&[("pk", s("a")), ("g", s("G"))]);
    let no_split = |cc: &aws_sdk_dynamodb::types::ConsumedCapacity, what: &str| {
        assert!(cc.capacity_units().is_some(), "{what}: {cc:?}");
        assert_eq!((cc.read_capacity_units(), cc.write_capacity_units()), (None, None), "{what}: {cc:?}");
        if let Some(t) = cc.table() {
            assert_eq!((t.read_capacity_units(), t.write_capacity_units()), (None, None), "{what}: {cc:?}");
        }
        for g in cc.global_secondary_indexes().into_iter().flat_map(|m| m.values()) {
            assert_eq!((g.read_capacity_units(), g.write_capacity_units()), (None, None), "{what}: {cc:?}");
        }
    };
    for mode in [ReturnConsumedCapacity::Total, ReturnConsumedCapacity::Indexes] {
        let out = c
            .put_item()
            .table_name(T)
            .set_item(Some(it.clone()))
            .return_consumed_capacity(mode.clone())
            .send()
            .await
            .unwrap();
        no_split(out.consumed_capacity().unwrap(), "PutItem");
        let out = c
            .get_item()
            .table_name(T)
            .key("pk", s("a"))
            .return_consumed_capacity(mode.clone())
            .send()
            .await
            .unwrap();
        no_split(out.consumed_capacity().unwrap(), "GetItem");
        let out = c.scan().table_name(T).return_consumed_capacity(mode.clone()).send().await.unwrap();
        no_split(out.consumed_capacity().unwrap(), "Scan");
        let out = c
            .query()
            .table_name(T)
            .index_name("byn")
            .key_condition_expression("g = :g")
            .expression_attribute_values(":g", s("G"))
            .return_consumed_capacity(mode.clone())
            .send()
            .await
            .unwrap();
        no_split(out.consumed_capacity().unwrap(), "Query");
    }
    let put = Put::builder().table_name(T).set_item(Some(item(&[("pk", s("b"))]))).build().unwrap();
    let out = c
        .transact_write_items()
        .transact_items(TransactWriteItem::builder().put(put).build())
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    let cc = &out.consumed_capacity()[0];
    assert_eq!((cc.capacity_units(), cc.write_capacity_units()), (Some(2.0), Some(2.0)), "{cc:?}");
    let get = Get::builder().table_name(T).key("pk", s("b")).build().unwrap();
    let out = c
        .transact_get_items()
        .transact_items(TransactGetItem::builder().get(get).build())
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    let cc = &out.consumed_capacity()[0];
    assert_eq!((cc.capacity_units(), cc.read_capacity_units()), (Some(2.0), Some(2.0)), "{cc:?}");
}

/// The partition count follows the warm throughput the table reports: at
/// 3,000 reads per partition, 24,000 warm reads are 8 partitions.
#[tokio::test]
async fn a_warmer_table_has_more_partitions_to_scan() {
    use aws_sdk_dynamodb::types::WarmThroughput;
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    c.put_item().table_name(T).set_item(Some(key1("a"))).send().await.unwrap();
    c.update_table()
        .table_name(T)
        .warm_throughput(WarmThroughput::builder().read_units_per_second(24_000).build())
        .send()
        .await
        .unwrap();
    let desc = c.describe_table().table_name(T).send().await.unwrap();
    assert_eq!(
        desc.table().and_then(|t| t.warm_throughput()).and_then(|w| w.read_units_per_second()),
        Some(24_000)
    );
    assert_eq!(scan_units(c, true, |r| r).await, 8.0);
}
