//! DynamoDB Streams through `aws-sdk-dynamodbstreams`, on the emulator's
//! one endpoint: every operation and iterator type, every view type, every
//! write path (single items, each BatchWriteItem request, each
//! TransactWriteItems action in commit order, TTL deletions), writes that
//! change nothing, the stream lifecycle, iterator expiry and trimming on
//! the emulator's clock (advanced, never slept), shard rollover lineage,
//! limits and errors; the in-process embedding API; and a property test:
//! replaying a stream from TRIM_HORIZON onto an empty table reproduces the
//! table.
//!
//! Sources: the Streams API reference and the API model (operations,
//! `Limit` upper limits 100 / 100 / 1000, GetRecords' 1 MB, SequenceNumber
//! 21 to 40 characters, ShardId 28 to 65, iterators valid 15 minutes,
//! records kept 24 hours, `Identity` of TTL deletions Type "Service" and
//! PrincipalId "dynamodb.amazonaws.com", ApproximateCreationDateTime
//! rounded down to the second); the Developer Guide's Streams chapters (a
//! write that changes no data writes no record; a disabled stream stays
//! readable 24 hours; re-enabling creates a new stream; a parent shard is
//! read before its child); the Lambda / Streams documentation's record
//! examples for SizeBytes (INSERT 26, MODIFY 59, REMOVE 38 for the item
//! {Id: 101, Message: ...}); errors seen from the live service
//! ("Requested resource not found: Shard does not exist", "The data you
//! are trying to access has been trimmed").

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue as AV, BillingMode, ConditionCheck, Delete, DeleteRequest,
    KeySchemaElement, KeyType, Put, PutRequest, ScalarAttributeType, StreamSpecification,
    StreamViewType as DdbView, TimeToLiveSpecification, TransactWriteItem, Update, WriteRequest,
};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodbstreams::types::{
    AttributeValue as SAV, OperationType, Record, ShardFilter, ShardFilterType, ShardIteratorType,
    StreamStatus, StreamViewType,
};
use aws_sdk_dynamodbstreams::Client as StreamsClient;
use ddb_conformance::{client_for, expect_err};
use ddb_emulator::streams::{ChangeFeed, ChangeStream, GetRecords, GetShardIterator, ListStreams, StartAt};
use ddb_emulator::Emulator;
use std::collections::HashMap;
use std::time::Duration;

type Item = HashMap<String, AV>;

const HOUR: Duration = Duration::from_secs(3600);
/// A fixed start for the manual clock: 2026-11-27T00:00:00Z.
const T0: u64 = 1_795_737_600_000;

struct Env {
    emu: Emulator,
    ddb: Client,
    streams: StreamsClient,
}

impl Env {
    /// An emulator on a manual clock standing at `T0`.
    async fn new() -> Env {
        let emu = Emulator::builder().ttl_sweep_interval(Duration::ZERO).start().await.unwrap();
        emu.service().clock.set_ms(T0);
        let ddb = client_for(&emu.endpoint());
        let streams = streams_client(&emu.endpoint());
        Env { emu, ddb, streams }
    }

    fn advance(&self, by: Duration) {
        self.emu.service().clock.advance(by);
    }

    async fn create(&self, table: &str, view: Option<DdbView>, range: bool) -> Option<String> {
        let mut req = self
            .ddb
            .create_table()
            .table_name(table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr("pk", ScalarAttributeType::S))
            .key_schema(key_elem("pk", KeyType::Hash));
        if range {
            req = req
                .attribute_definitions(attr("sk", ScalarAttributeType::N))
                .key_schema(key_elem("sk", KeyType::Range));
        }
        if let Some(v) = view {
            req = req.stream_specification(
                StreamSpecification::builder().stream_enabled(true).stream_view_type(v).build().unwrap(),
            );
        }
        let out = req.send().await.unwrap();
        out.table_description().and_then(|d| d.latest_stream_arn()).map(str::to_string)
    }

    async fn set_stream(&self, table: &str, view: Option<DdbView>) -> Option<String> {
        let spec = match view {
            Some(v) => StreamSpecification::builder().stream_enabled(true).stream_view_type(v),
            None => StreamSpecification::builder().stream_enabled(false),
        };
        let out = self
            .ddb
            .update_table()
            .table_name(table)
            .stream_specification(spec.build().unwrap())
            .send()
            .await
            .unwrap();
        out.table_description().and_then(|d| d.latest_stream_arn()).map(str::to_string)
    }

    async fn put(&self, table: &str, it: Item) {
        self.ddb.put_item().table_name(table).set_item(Some(it)).send().await.unwrap();
    }

    async fn shards(&self, arn: &str) -> Vec<aws_sdk_dynamodbstreams::types::Shard> {
        let out = self.streams.describe_stream().stream_arn(arn).send().await.unwrap();
        out.stream_description().unwrap().shards().to_vec()
    }

    async fn iterator(&self, arn: &str, shard: &str, kind: ShardIteratorType, seq: Option<&str>) -> String {
        let mut req =
            self.streams.get_shard_iterator().stream_arn(arn).shard_id(shard).shard_iterator_type(kind);
        if let Some(seq) = seq {
            req = req.sequence_number(seq);
        }
        req.send().await.unwrap().shard_iterator().unwrap().to_string()
    }

    /// Every record of every shard of the stream, parents before children,
    /// from TRIM_HORIZON.
    async fn all_records(&self, arn: &str) -> Vec<Record> {
        let mut out = Vec::new();
        for shard in self.shards(arn).await {
            let mut it = Some(
                self.iterator(arn, shard.shard_id().unwrap(), ShardIteratorType::TrimHorizon, None).await,
            );
            while let Some(i) = it {
                let page = self.streams.get_records().shard_iterator(i).send().await.unwrap();
                let empty = page.records().is_empty();
                out.extend(page.records().iter().cloned());
                it = page.next_shard_iterator().map(str::to_string);
                if empty {
                    break; // an open shard read to its end
                }
            }
        }
        out
    }
}

fn streams_client(endpoint: &str) -> StreamsClient {
    use aws_sdk_dynamodbstreams::config::{BehaviorVersion, Credentials, Region};
    let config = aws_sdk_dynamodbstreams::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_dynamodbstreams::config::retry::RetryConfig::disabled())
        .build();
    StreamsClient::from_conf(config)
}

fn attr(name: &str, ty: ScalarAttributeType) -> AttributeDefinition {
    AttributeDefinition::builder().attribute_name(name).attribute_type(ty).build().unwrap()
}

fn key_elem(name: &str, ty: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder().attribute_name(name).key_type(ty).build().unwrap()
}

fn s(v: &str) -> AV {
    AV::S(v.to_string())
}

fn n(v: impl ToString) -> AV {
    AV::N(v.to_string())
}

fn item(pairs: &[(&str, AV)]) -> Item {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// A Streams attribute value as a DynamoDB one (same wire shape).
fn from_stream(v: &SAV) -> AV {
    match v {
        SAV::S(x) => AV::S(x.clone()),
        SAV::N(x) => AV::N(x.clone()),
        SAV::B(x) => AV::B(x.clone()),
        SAV::Ss(x) => AV::Ss(x.clone()),
        SAV::Ns(x) => AV::Ns(x.clone()),
        SAV::Bs(x) => AV::Bs(x.clone()),
        SAV::Bool(x) => AV::Bool(*x),
        SAV::Null(x) => AV::Null(*x),
        SAV::L(x) => AV::L(x.iter().map(from_stream).collect()),
        SAV::M(x) => AV::M(x.iter().map(|(k, v)| (k.clone(), from_stream(v))).collect()),
        other => panic!("unexpected attribute value {other:?}"),
    }
}

fn image(m: Option<&HashMap<String, SAV>>) -> Option<Item> {
    m.map(|m| m.iter().map(|(k, v)| (k.clone(), from_stream(v))).collect())
}

/// (event, keys, new image, old image) of a record.
fn parts(r: &Record) -> (OperationType, Item, Option<Item>, Option<Item>) {
    let d = r.dynamodb().unwrap();
    (r.event_name().unwrap().clone(), image(d.keys()).unwrap(), image(d.new_image()), image(d.old_image()))
}

fn seq_of(r: &Record) -> u128 {
    r.dynamodb().unwrap().sequence_number().unwrap().parse().unwrap()
}

#[tokio::test]
async fn list_and_describe_streams() {
    let env = Env::new().await;
    let arn = env.create("orders", Some(DdbView::NewAndOldImages), true).await.unwrap();
    let other = env.create("other", Some(DdbView::KeysOnly), false).await.unwrap();
    env.create("plain", None, false).await;
    assert!(arn
        .starts_with("arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2026-11-27T00:00:00.000"));

    let all = env.streams.list_streams().send().await.unwrap();
    let arns: Vec<&str> = all.streams().iter().map(|s| s.stream_arn().unwrap()).collect();
    assert_eq!(arns, vec![arn.as_str(), other.as_str()]);
    assert_eq!(all.streams()[0].table_name(), Some("orders"));
    assert_eq!(all.streams()[0].stream_label(), Some("2026-11-27T00:00:00.000"));
    assert_eq!(all.last_evaluated_stream_arn(), None);
    // Paging with Limit and ExclusiveStartStreamArn.
    let first = env.streams.list_streams().limit(1).send().await.unwrap();
    assert_eq!(first.streams().len(), 1);
    assert_eq!(first.last_evaluated_stream_arn(), Some(arn.as_str()));
    let second = env.streams.list_streams().limit(1).exclusive_start_stream_arn(&arn).send().await.unwrap();
    assert_eq!(second.streams()[0].stream_arn(), Some(other.as_str()));
    assert_eq!(second.last_evaluated_stream_arn(), None);
    // The TableName filter.
    let only = env.streams.list_streams().table_name("other").send().await.unwrap();
    assert_eq!(only.streams().len(), 1);
    assert_eq!(only.streams()[0].stream_arn(), Some(other.as_str()));
    assert!(env.streams.list_streams().table_name("plain").send().await.unwrap().streams().is_empty());

    let d = env.streams.describe_stream().stream_arn(&arn).send().await.unwrap();
    let d = d.stream_description().unwrap();
    assert_eq!(d.stream_arn(), Some(arn.as_str()));
    assert_eq!(d.stream_status(), Some(&StreamStatus::Enabled));
    assert_eq!(d.stream_view_type(), Some(&StreamViewType::NewAndOldImages));
    assert_eq!(d.table_name(), Some("orders"));
    assert_eq!(d.creation_request_date_time().unwrap().secs(), (T0 / 1000) as i64);
    let keys: Vec<(&str, &str)> =
        d.key_schema().iter().map(|k| (k.attribute_name(), k.key_type().as_str())).collect();
    assert_eq!(keys, vec![("pk", "HASH"), ("sk", "RANGE")]);
    assert_eq!(d.shards().len(), 1);
    let shard = &d.shards()[0];
    let id = shard.shard_id().unwrap();
    assert!(id.starts_with("shardId-") && (28..=65).contains(&id.len()), "{id}");
    assert_eq!(shard.parent_shard_id(), None);
    let range = shard.sequence_number_range().unwrap();
    assert!((21..=40).contains(&range.starting_sequence_number().unwrap().len()));
    assert_eq!(range.ending_sequence_number(), None, "an open shard has no ending sequence number");
    assert_eq!(d.last_evaluated_shard_id(), None);

    // The table reports the same stream.
    let t = env.ddb.describe_table().table_name("orders").send().await.unwrap();
    assert_eq!(t.table().unwrap().latest_stream_arn(), Some(arn.as_str()));
}

#[tokio::test]
async fn every_write_path_records_its_changes_in_commit_order() {
    let env = Env::new().await;
    let arn = env.create("writes", Some(DdbView::NewAndOldImages), false).await.unwrap();
    let k = |pk: &str| item(&[("pk", s(pk))]);
    let a1 = item(&[("pk", s("a")), ("v", n(1))]);
    let a2 = item(&[("pk", s("a")), ("v", n(2))]);
    // PutItem: INSERT, then MODIFY; the same item again changes nothing.
    env.put("writes", a1.clone()).await;
    env.put("writes", a2.clone()).await;
    env.put("writes", a2.clone()).await;
    // UpdateItem: MODIFY; setting the value it has changes nothing; creating: INSERT.
    env.ddb
        .update_item()
        .table_name("writes")
        .set_key(Some(k("a")))
        .update_expression("SET v = :v")
        .expression_attribute_values(":v", n(3))
        .send()
        .await
        .unwrap();
    env.ddb
        .update_item()
        .table_name("writes")
        .set_key(Some(k("a")))
        .update_expression("SET v = :v")
        .expression_attribute_values(":v", n(3))
        .send()
        .await
        .unwrap();
    env.ddb
        .update_item()
        .table_name("writes")
        .set_key(Some(k("b")))
        .update_expression("SET v = :v")
        .expression_attribute_values(":v", n(1))
        .send()
        .await
        .unwrap();
    // A failed condition and a delete of a missing item change nothing.
    let failed = env
        .ddb
        .put_item()
        .table_name("writes")
        .set_item(Some(a1.clone()))
        .condition_expression("attribute_not_exists(pk)")
        .send()
        .await;
    assert!(failed.is_err());
    env.ddb.delete_item().table_name("writes").set_key(Some(k("zz"))).send().await.unwrap();
    // DeleteItem: REMOVE.
    env.ddb.delete_item().table_name("writes").set_key(Some(k("b"))).send().await.unwrap();
    // BatchWriteItem: one record per request that changes something.
    let batch = vec![
        WriteRequest::builder()
            .put_request(PutRequest::builder().set_item(Some(item(&[("pk", s("c"))]))).build().unwrap())
            .build(),
        WriteRequest::builder()
            .put_request(PutRequest::builder().set_item(Some(item(&[("pk", s("d"))]))).build().unwrap())
            .build(),
        WriteRequest::builder()
            .delete_request(DeleteRequest::builder().set_key(Some(k("a"))).build().unwrap())
            .build(),
        WriteRequest::builder()
            .delete_request(DeleteRequest::builder().set_key(Some(k("nope"))).build().unwrap())
            .build(),
    ];
    env.ddb.batch_write_item().request_items("writes", batch).send().await.unwrap();
    // TransactWriteItems: one record per changing action, in request order;
    // a condition check records nothing.
    env.ddb
        .transact_write_items()
        .transact_items(
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name("writes")
                        .set_key(Some(k("d")))
                        .update_expression("SET x = :x")
                        .expression_attribute_values(":x", s("y"))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .transact_items(
            TransactWriteItem::builder()
                .condition_check(
                    ConditionCheck::builder()
                        .table_name("writes")
                        .set_key(Some(k("zz")))
                        .condition_expression("attribute_not_exists(pk)")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .transact_items(
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name("writes")
                        .set_item(Some(item(&[("pk", s("e"))])))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .transact_items(
            TransactWriteItem::builder()
                .delete(Delete::builder().table_name("writes").set_key(Some(k("c"))).build().unwrap())
                .build(),
        )
        .send()
        .await
        .unwrap();
    // A cancelled transaction records nothing.
    let cancelled = env
        .ddb
        .transact_write_items()
        .transact_items(
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name("writes")
                        .set_item(Some(item(&[("pk", s("f"))])))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .transact_items(
            TransactWriteItem::builder()
                .condition_check(
                    ConditionCheck::builder()
                        .table_name("writes")
                        .set_key(Some(k("missing")))
                        .condition_expression("attribute_exists(pk)")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await;
    assert!(cancelled.is_err());

    let records = env.all_records(&arn).await;
    let got: Vec<(OperationType, Item, Option<Item>, Option<Item>)> = records.iter().map(parts).collect();
    let a3 = item(&[("pk", s("a")), ("v", n(3))]);
    let b1 = item(&[("pk", s("b")), ("v", n(1))]);
    let c = item(&[("pk", s("c"))]);
    let d = item(&[("pk", s("d"))]);
    let dx = item(&[("pk", s("d")), ("x", s("y"))]);
    let e = item(&[("pk", s("e"))]);
    use OperationType::{Insert, Modify, Remove};
    let want = vec![
        (Insert, k("a"), Some(a1.clone()), None),
        (Modify, k("a"), Some(a2.clone()), Some(a1)),
        (Modify, k("a"), Some(a3.clone()), Some(a2)),
        (Insert, k("b"), Some(b1.clone()), None),
        (Remove, k("b"), None, Some(b1)),
        (Insert, k("c"), Some(c.clone()), None),
        (Insert, k("d"), Some(d.clone()), None),
        (Remove, k("a"), None, Some(a3)),
        (Modify, k("d"), Some(dx), Some(d)),
        (Insert, k("e"), Some(e), None),
        (Remove, k("c"), None, Some(c)),
    ];
    assert_eq!(got, want);
    // Common fields; sequence numbers strictly increase.
    let mut last = 0;
    for r in &records {
        assert_eq!(r.event_source(), Some("aws:dynamodb"));
        assert_eq!(r.event_version(), Some("1.1"));
        assert_eq!(r.aws_region(), Some("us-east-1"));
        assert_eq!(r.event_id().map(str::len), Some(32));
        assert!(r.user_identity().is_none());
        let dd = r.dynamodb().unwrap();
        assert_eq!(dd.stream_view_type(), Some(&StreamViewType::NewAndOldImages));
        assert_eq!(dd.approximate_creation_date_time().unwrap().secs(), (T0 / 1000) as i64);
        let seq = dd.sequence_number().unwrap();
        assert!((21..=40).contains(&seq.len()) && seq.bytes().all(|b| b.is_ascii_digit()), "{seq}");
        assert!(seq_of(r) > last);
        last = seq_of(r);
    }
    let ids: std::collections::HashSet<_> =
        records.iter().map(|r| r.event_id().unwrap().to_string()).collect();
    assert_eq!(ids.len(), records.len());
}

#[tokio::test]
async fn size_bytes_and_creation_time_follow_the_service() {
    let env = Env::new().await;
    env.advance(Duration::from_millis(1_999)); // creation times round down to the second
    let arn = env.create("sizes", Some(DdbView::NewAndOldImages), false).await.unwrap();
    // The documentation's example item, with "Id" as the key.
    env.ddb
        .create_table()
        .table_name("doc")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr("Id", ScalarAttributeType::N))
        .key_schema(key_elem("Id", KeyType::Hash))
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(DdbView::NewAndOldImages)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let doc_arn = env
        .ddb
        .describe_table()
        .table_name("doc")
        .send()
        .await
        .unwrap()
        .table()
        .unwrap()
        .latest_stream_arn()
        .unwrap()
        .to_string();
    env.put("doc", item(&[("Id", n(101)), ("Message", s("New item!"))])).await;
    env.put("doc", item(&[("Id", n(101)), ("Message", s("This item has changed"))])).await;
    env.ddb.delete_item().table_name("doc").key("Id", n(101)).send().await.unwrap();
    let sizes: Vec<i64> =
        env.all_records(&doc_arn).await.iter().map(|r| r.dynamodb().unwrap().size_bytes().unwrap()).collect();
    assert_eq!(sizes, vec![26, 59, 38]);
    env.put("sizes", item(&[("pk", s("a"))])).await;
    let r = &env.all_records(&arn).await[0];
    assert_eq!(
        r.dynamodb().unwrap().approximate_creation_date_time().unwrap().secs(),
        (T0 / 1000 + 1) as i64
    );
    assert_eq!(r.dynamodb().unwrap().approximate_creation_date_time().unwrap().subsec_nanos(), 0);
}

#[tokio::test]
async fn each_view_type_shows_its_images() {
    let env = Env::new().await;
    let views = [
        (DdbView::KeysOnly, StreamViewType::KeysOnly, false, false),
        (DdbView::NewImage, StreamViewType::NewImage, true, false),
        (DdbView::OldImage, StreamViewType::OldImage, false, true),
        (DdbView::NewAndOldImages, StreamViewType::NewAndOldImages, true, true),
    ];
    for (i, (view, sview, new, old)) in views.into_iter().enumerate() {
        let table = format!("view{i}");
        let arn = env.create(&table, Some(view), true).await.unwrap();
        let v1 = item(&[("pk", s("p")), ("sk", n(1)), ("a", s("one"))]);
        let v2 = item(&[("pk", s("p")), ("sk", n(1)), ("a", s("two"))]);
        env.put(&table, v1.clone()).await;
        env.put(&table, v2.clone()).await;
        env.ddb.delete_item().table_name(&table).key("pk", s("p")).key("sk", n(1)).send().await.unwrap();
        let records = env.all_records(&arn).await;
        let key = item(&[("pk", s("p")), ("sk", n(1))]);
        let expect =
            [(None, Some(v1.clone())), (Some(v1.clone()), Some(v2.clone())), (Some(v2.clone()), None)];
        for (r, (before, after)) in records.iter().zip(expect) {
            let (_, keys, new_image, old_image) = parts(r);
            assert_eq!(keys, key, "{sview:?}");
            assert_eq!(new_image, after.filter(|_| new), "{sview:?}");
            assert_eq!(old_image, before.filter(|_| old), "{sview:?}");
            assert_eq!(r.dynamodb().unwrap().stream_view_type(), Some(&sview));
        }
        assert_eq!(records.len(), 3);
    }
}

#[tokio::test]
async fn every_iterator_type() {
    let env = Env::new().await;
    let arn = env.create("iter", Some(DdbView::KeysOnly), false).await.unwrap();
    for i in 0..5 {
        env.put("iter", item(&[("pk", s(&format!("k{i}")))])).await;
        env.advance(Duration::from_secs(10));
    }
    let shard = env.shards(&arn).await[0].shard_id().unwrap().to_string();
    let read = |it: String, limit: Option<i32>| {
        let req = env.streams.get_records().shard_iterator(it).set_limit(limit);
        async move { req.send().await.unwrap() }
    };
    let pks = |records: &[Record]| -> Vec<String> {
        records
            .iter()
            .map(|r| match &parts(r).1["pk"] {
                AV::S(x) => x.clone(),
                _ => unreachable!(),
            })
            .collect()
    };
    // TRIM_HORIZON, paged with Limit and NextShardIterator.
    let page = read(env.iterator(&arn, &shard, ShardIteratorType::TrimHorizon, None).await, Some(2)).await;
    assert_eq!(pks(page.records()), ["k0", "k1"]);
    let page2 = read(page.next_shard_iterator().unwrap().to_string(), None).await;
    assert_eq!(pks(page2.records()), ["k2", "k3", "k4"]);
    let page3 = read(page2.next_shard_iterator().unwrap().to_string(), None).await;
    assert!(page3.records().is_empty());
    assert!(page3.next_shard_iterator().is_some(), "an open shard always gives a next iterator");
    // LATEST: only what comes after.
    let latest = env.iterator(&arn, &shard, ShardIteratorType::Latest, None).await;
    assert!(read(latest.clone(), None).await.records().is_empty());
    env.put("iter", item(&[("pk", s("k5"))])).await;
    assert_eq!(pks(read(latest, None).await.records()), ["k5"]);
    // ... and the iterator continues where the last page ended.
    env.put("iter", item(&[("pk", s("k6"))])).await;
    assert_eq!(
        pks(read(page3.next_shard_iterator().unwrap().to_string(), None).await.records()),
        ["k5", "k6"]
    );
    // AT_ and AFTER_SEQUENCE_NUMBER.
    let seq = page.records()[1].dynamodb().unwrap().sequence_number().unwrap();
    let at = env.iterator(&arn, &shard, ShardIteratorType::AtSequenceNumber, Some(seq)).await;
    assert_eq!(pks(read(at, Some(2)).await.records()), ["k1", "k2"]);
    let after = env.iterator(&arn, &shard, ShardIteratorType::AfterSequenceNumber, Some(seq)).await;
    assert_eq!(pks(read(after, Some(2)).await.records()), ["k2", "k3"]);
    // AT_TIMESTAMP: the first record at or after the time (records are 10 s apart).
    let at_time = aws_sdk_dynamodbstreams::primitives::DateTime::from_secs((T0 / 1000 + 15) as i64);
    let it = env
        .streams
        .get_shard_iterator()
        .stream_arn(&arn)
        .shard_id(&shard)
        .shard_iterator_type(ShardIteratorType::AtTimestamp)
        .timestamp(at_time)
        .send()
        .await
        .unwrap();
    assert_eq!(pks(read(it.shard_iterator().unwrap().to_string(), Some(1)).await.records()), ["k2"]);
    let future = aws_sdk_dynamodbstreams::primitives::DateTime::from_secs((T0 / 1000 + 3600) as i64);
    let (code, _) = expect_err!(
        env.streams
            .get_shard_iterator()
            .stream_arn(&arn)
            .shard_id(&shard)
            .shard_iterator_type(ShardIteratorType::AtTimestamp)
            .timestamp(future)
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn ttl_deletions_name_the_service() {
    let env = Env::new().await;
    let arn = env.create("ttl", Some(DdbView::NewAndOldImages), false).await.unwrap();
    env.ddb
        .update_time_to_live()
        .table_name("ttl")
        .time_to_live_specification(
            TimeToLiveSpecification::builder().enabled(true).attribute_name("exp").build().unwrap(),
        )
        .send()
        .await
        .unwrap();
    let now = T0 / 1000;
    env.put("ttl", item(&[("pk", s("soon")), ("exp", n(now + 60))])).await;
    env.put("ttl", item(&[("pk", s("later")), ("exp", n(now + 7200))])).await;
    env.put("ttl", item(&[("pk", s("user")), ("exp", n(now + 7200))])).await;
    env.ddb.delete_item().table_name("ttl").key("pk", s("user")).send().await.unwrap();
    env.advance(Duration::from_secs(120));
    let svc = env.emu.service();
    assert_eq!(ddb_emulator::ttl::expire(&svc.store, svc.clock.now_secs_f64()), 1);
    let records = env.all_records(&arn).await;
    let removes: Vec<&Record> =
        records.iter().filter(|r| r.event_name() == Some(&OperationType::Remove)).collect();
    assert_eq!(removes.len(), 2);
    // The user's delete has no identity; the TTL deletion names the service.
    assert!(removes[0].user_identity().is_none());
    let ttl = removes[1];
    assert_eq!(parts(ttl).1, item(&[("pk", s("soon"))]));
    let who = ttl.user_identity().unwrap();
    assert_eq!(who.r#type(), Some("Service"));
    assert_eq!(who.principal_id(), Some("dynamodb.amazonaws.com"));
    assert_eq!(parts(ttl).3, Some(item(&[("pk", s("soon")), ("exp", n(now + 60))])));
    assert_eq!(ttl.dynamodb().unwrap().approximate_creation_date_time().unwrap().secs(), (now + 120) as i64);
}

#[tokio::test]
async fn lifecycle_enable_disable_reenable_delete() {
    let env = Env::new().await;
    env.create("life", None, false).await;
    assert!(env.streams.list_streams().send().await.unwrap().streams().is_empty());
    // Enable.
    let first = env.set_stream("life", Some(DdbView::NewImage)).await.unwrap();
    env.put("life", item(&[("pk", s("a"))])).await;
    // Disable: the shard closes, the stream stays readable (DISABLED).
    env.advance(Duration::from_millis(5));
    assert_eq!(env.set_stream("life", None).await.as_deref(), Some(first.as_str()));
    env.put("life", item(&[("pk", s("not recorded"))])).await;
    let d = env.streams.describe_stream().stream_arn(&first).send().await.unwrap();
    let d = d.stream_description().unwrap();
    assert_eq!(d.stream_status(), Some(&StreamStatus::Disabled));
    let shard = &d.shards()[0];
    let range = shard.sequence_number_range().unwrap();
    assert_eq!(range.ending_sequence_number(), range.starting_sequence_number(), "one record");
    let it = env.iterator(&first, shard.shard_id().unwrap(), ShardIteratorType::TrimHorizon, None).await;
    let page = env.streams.get_records().shard_iterator(it).send().await.unwrap();
    assert_eq!(page.records().len(), 1);
    assert_eq!(page.next_shard_iterator(), None, "a closed shard read to its end has no next iterator");
    // Re-enable at once: a new stream, with a new ARN.
    let second = env.set_stream("life", Some(DdbView::KeysOnly)).await.unwrap();
    assert_ne!(second, first);
    env.put("life", item(&[("pk", s("b"))])).await;
    let listed: Vec<String> = env
        .streams
        .list_streams()
        .table_name("life")
        .send()
        .await
        .unwrap()
        .streams()
        .iter()
        .map(|s| s.stream_arn().unwrap().to_string())
        .collect();
    assert_eq!(listed, vec![first.clone(), second.clone()]);
    let new_records = env.all_records(&second).await;
    assert_eq!(new_records.iter().map(|r| parts(r).1).collect::<Vec<_>>(), vec![item(&[("pk", s("b"))])]);
    assert_eq!(env.all_records(&first).await.len(), 1);
    // Delete the table: its stream stays readable, DISABLED, for 24 hours.
    env.advance(HOUR);
    env.ddb.delete_table().table_name("life").send().await.unwrap();
    let d = env.streams.describe_stream().stream_arn(&second).send().await.unwrap();
    assert_eq!(d.stream_description().unwrap().stream_status(), Some(&StreamStatus::Disabled));
    assert!(d.stream_description().unwrap().shards()[0]
        .sequence_number_range()
        .unwrap()
        .ending_sequence_number()
        .is_some());
    assert_eq!(env.all_records(&second).await.len(), 1);
    // 24 hours after it was disabled the first stream is gone; the second
    // (disabled an hour later) is still there for an hour.
    env.advance(Duration::from_secs(23 * 3600));
    let (code, msg) = expect_err!(env.streams.describe_stream().stream_arn(&first).send().await);
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(msg, format!("Requested resource not found: Stream: {first} not found"));
    let listed = env.streams.list_streams().send().await.unwrap();
    assert_eq!(
        listed.streams().iter().map(|s| s.stream_arn().unwrap()).collect::<Vec<_>>(),
        vec![second.as_str()]
    );
    env.advance(HOUR);
    assert!(env.streams.list_streams().send().await.unwrap().streams().is_empty());
    let (code, _) = expect_err!(env.streams.describe_stream().stream_arn(&second).send().await);
    assert_eq!(code, "ResourceNotFoundException");
}

#[tokio::test]
async fn iterators_expire_and_records_are_trimmed_by_the_clock() {
    let env = Env::new().await;
    let arn = env.create("old", Some(DdbView::KeysOnly), false).await.unwrap();
    env.put("old", item(&[("pk", s("a"))])).await;
    let shard = env.shards(&arn).await[0].shard_id().unwrap().to_string();
    let it = env.iterator(&arn, &shard, ShardIteratorType::TrimHorizon, None).await;
    // Valid for 15 minutes.
    env.advance(Duration::from_secs(14 * 60 + 59));
    let page = env.streams.get_records().shard_iterator(&it).send().await.unwrap();
    assert_eq!(page.records().len(), 1);
    env.advance(Duration::from_secs(1));
    let (code, msg) = expect_err!(env.streams.get_records().shard_iterator(&it).send().await);
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("ExpiredIteratorException", "The provided iterator exceeds the maximum age allowed.")
    );
    // The next iterator of a page is fresh.
    let next = page.next_shard_iterator().unwrap().to_string();
    assert!(env.streams.get_records().shard_iterator(&next).send().await.is_ok());

    // Records are kept 24 hours.
    let seq = page.records()[0].dynamodb().unwrap().sequence_number().unwrap().to_string();
    env.advance(Duration::from_secs(23 * 3600 + 40 * 60)); // "a" is 23 h 55 min old
    env.put("old", item(&[("pk", s("b"))])).await;
    let held = env.iterator(&arn, &shard, ShardIteratorType::TrimHorizon, None).await;
    env.advance(Duration::from_secs(10 * 60)); // "a" is past 24 h; the iterator 10 min old
    let (code, msg) = expect_err!(env.streams.get_records().shard_iterator(&held).send().await);
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("TrimmedDataAccessException", "The data you are trying to access has been trimmed")
    );
    let (code, _) = expect_err!(
        env.streams
            .get_shard_iterator()
            .stream_arn(&arn)
            .shard_id(&shard)
            .shard_iterator_type(ShardIteratorType::AtSequenceNumber)
            .sequence_number(&seq)
            .send()
            .await
    );
    assert_eq!(code, "TrimmedDataAccessException");
    // TRIM_HORIZON now starts after the trimmed record.
    let records = env.all_records(&arn).await;
    assert_eq!(records.iter().map(|r| parts(r).1).collect::<Vec<_>>(), vec![item(&[("pk", s("b"))])]);
    // The sweep frees them (nothing visible changes).
    let svc = env.emu.service();
    ddb_emulator::ttl::expire(&svc.store, svc.clock.now_secs_f64());
    assert_eq!(env.all_records(&arn).await.len(), 1);
}

#[tokio::test]
async fn shards_roll_over_to_children() {
    let env = Env::new().await;
    let arn = env.create("roll", Some(DdbView::KeysOnly), false).await.unwrap();
    env.put("roll", item(&[("pk", s("a"))])).await;
    env.advance(4 * HOUR);
    env.put("roll", item(&[("pk", s("b"))])).await;
    env.advance(4 * HOUR);
    env.put("roll", item(&[("pk", s("c"))])).await;
    let shards = env.shards(&arn).await;
    assert_eq!(shards.len(), 3);
    for pair in shards.windows(2) {
        assert_eq!(pair[1].parent_shard_id(), pair[0].shard_id());
        let parent_end: u128 =
            pair[0].sequence_number_range().unwrap().ending_sequence_number().unwrap().parse().unwrap();
        let child_start: u128 =
            pair[1].sequence_number_range().unwrap().starting_sequence_number().unwrap().parse().unwrap();
        assert!(child_start > parent_end);
    }
    assert!(shards[2].sequence_number_range().unwrap().ending_sequence_number().is_none());
    // Parents before children: the records in write order.
    let keys: Vec<Item> = env.all_records(&arn).await.iter().map(|r| parts(r).1).collect();
    assert_eq!(keys, vec![item(&[("pk", s("a"))]), item(&[("pk", s("b"))]), item(&[("pk", s("c"))])]);
    // Paging shards, and the CHILD_SHARDS filter.
    let page = env.streams.describe_stream().stream_arn(&arn).limit(2).send().await.unwrap();
    let page = page.stream_description().unwrap();
    assert_eq!(page.shards().len(), 2);
    assert_eq!(page.last_evaluated_shard_id(), shards[1].shard_id());
    let rest = env
        .streams
        .describe_stream()
        .stream_arn(&arn)
        .exclusive_start_shard_id(shards[1].shard_id().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.stream_description().unwrap().shards()[0].shard_id(), shards[2].shard_id());
    let children = env
        .streams
        .describe_stream()
        .stream_arn(&arn)
        .shard_filter(
            ShardFilter::builder()
                .r#type(ShardFilterType::ChildShards)
                .shard_id(shards[0].shard_id().unwrap())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let children: Vec<_> = children
        .stream_description()
        .unwrap()
        .shards()
        .iter()
        .map(|s| s.shard_id().unwrap().to_string())
        .collect();
    assert_eq!(children, vec![shards[1].shard_id().unwrap().to_string()]);
    // A wrong shard for a sequence number.
    let seq = env.all_records(&arn).await[0].dynamodb().unwrap().sequence_number().unwrap().to_string();
    let (code, _) = expect_err!(
        env.streams
            .get_shard_iterator()
            .stream_arn(&arn)
            .shard_id(shards[1].shard_id().unwrap())
            .shard_iterator_type(ShardIteratorType::AtSequenceNumber)
            .sequence_number(&seq)
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn get_records_stops_at_1000_records_and_1_mb() {
    let env = Env::new().await;
    let arn = env.create("big", Some(DdbView::NewImage), false).await.unwrap();
    let svc = env.emu.service().clone();
    for i in 0..1001 {
        let it: ddb_emulator::value::Item =
            [("pk".to_string(), ddb_emulator::value::AttributeValue::S(format!("k{i:04}")))].into();
        svc.put_item(ddb_emulator::PutItem::new("big", it)).unwrap();
    }
    let shard = env.shards(&arn).await[0].shard_id().unwrap().to_string();
    let it = env.iterator(&arn, &shard, ShardIteratorType::TrimHorizon, None).await;
    let page = env.streams.get_records().shard_iterator(&it).send().await.unwrap();
    assert_eq!(page.records().len(), 1000);
    let page =
        env.streams.get_records().shard_iterator(page.next_shard_iterator().unwrap()).send().await.unwrap();
    assert_eq!(page.records().len(), 1);
    // Three items of 350 KB: two fit in 1 MB.
    let latest = env.iterator(&arn, &shard, ShardIteratorType::Latest, None).await;
    for i in 0..3 {
        env.put("big", item(&[("pk", s(&format!("large{i}"))), ("blob", s(&"x".repeat(350 * 1024)))])).await;
    }
    let page = env.streams.get_records().shard_iterator(&latest).send().await.unwrap();
    assert_eq!(page.records().len(), 2);
    let page =
        env.streams.get_records().shard_iterator(page.next_shard_iterator().unwrap()).send().await.unwrap();
    assert_eq!(page.records().len(), 1);
}

#[tokio::test]
async fn limits_and_errors() {
    let env = Env::new().await;
    let arn = env.create("err", Some(DdbView::KeysOnly), false).await.unwrap();
    let shard = env.shards(&arn).await[0].shard_id().unwrap().to_string();
    let it = env.iterator(&arn, &shard, ShardIteratorType::TrimHorizon, None).await;
    let (code, msg) = expect_err!(env.streams.get_records().shard_iterator(&it).limit(1001).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "1 validation error detected: Value '1001' at 'Limit' failed to satisfy constraint: Member must have value less than or equal to 1000");
    let (_, msg) = expect_err!(env.streams.get_records().shard_iterator(&it).limit(0).send().await);
    assert_eq!(msg, "1 validation error detected: Value '0' at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
    let (_, msg) = expect_err!(env.streams.describe_stream().stream_arn(&arn).limit(101).send().await);
    assert!(msg.ends_with("Member must have value less than or equal to 100"), "{msg}");
    let (_, msg) = expect_err!(env.streams.list_streams().limit(101).send().await);
    assert!(msg.ends_with("Member must have value less than or equal to 100"), "{msg}");
    // The model's constraints: StreamArn of 37 characters at least.
    let (code, msg) = expect_err!(env.streams.describe_stream().stream_arn("arn:short").send().await);
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("at 'StreamArn' failed to satisfy constraint: Member must have length greater than or equal to 37"), "{msg}");
    // Unknown stream, unknown shard.
    let missing = arn.replace("table/err/", "table/nope/");
    let (code, msg) = expect_err!(env.streams.describe_stream().stream_arn(&missing).send().await);
    assert_eq!(
        (code.as_str(), msg),
        ("ResourceNotFoundException", format!("Requested resource not found: Stream: {missing} not found"))
    );
    let (code, msg) = expect_err!(
        env.streams
            .get_shard_iterator()
            .stream_arn(&arn)
            .shard_id("shardId-00000000000000000000-00000000")
            .shard_iterator_type(ShardIteratorType::TrimHorizon)
            .send()
            .await
    );
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("ResourceNotFoundException", "Requested resource not found: Shard does not exist")
    );
    // A sequence number is needed, and must be one of the shard's.
    let (code, _) = expect_err!(
        env.streams
            .get_shard_iterator()
            .stream_arn(&arn)
            .shard_id(&shard)
            .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    let (code, _) = expect_err!(
        env.streams
            .get_shard_iterator()
            .stream_arn(&arn)
            .shard_id(&shard)
            .shard_iterator_type(ShardIteratorType::AtSequenceNumber)
            .sequence_number("999999999999999999999")
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    // An iterator the emulator did not issue.
    let (code, _) =
        expect_err!(env.streams.get_records().shard_iterator(format!("{arn}|1|AAAA")).send().await);
    assert_eq!(code, "ValidationException");
    // An unknown Streams operation, and a Streams operation under the DynamoDB prefix.
    let http = reqwest::Client::new();
    for target in [
        "DynamoDBStreams_20120810.PutRecord",
        "DynamoDB_20120810.ListStreams",
        "DynamoDBStreams_20120810.ListTables",
    ] {
        let resp = http
            .post(env.emu.endpoint())
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", target)
            .header("authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261127/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{target}");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["__type"], "com.amazon.coral.service#UnknownOperationException", "{target}");
    }
}

#[tokio::test]
async fn embedding_api_reads_changes_in_process() {
    let env = Env::new().await;
    let arn = env.create("emb", Some(DdbView::NewAndOldImages), false).await.unwrap();
    let svc = env.emu.service().clone();
    // The typed calls on Service answer as the wire does.
    let listed = svc.list_streams(ListStreams::default()).unwrap();
    assert_eq!(listed.streams[0].stream_arn, arn);
    let d = svc.describe_stream(ddb_emulator::streams::DescribeStream::new(&arn)).unwrap();
    let shard = d.stream_description.shards[0].shard_id.clone();
    let it = svc
        .get_shard_iterator(GetShardIterator::new(
            &arn,
            &shard,
            ddb_emulator::streams::ShardIteratorType::TrimHorizon,
        ))
        .unwrap()
        .shard_iterator;
    env.put("emb", item(&[("pk", s("a"))])).await;
    let page = svc.get_records(GetRecords::new(&it)).unwrap();
    assert_eq!(page.records.len(), 1);
    assert_eq!(page.records[0].event_name.as_str(), "INSERT");
    assert_eq!(
        page.records[0].sequence_number,
        env.all_records(&arn).await[0].dynamodb().unwrap().sequence_number().unwrap()
    );

    // A polling feed and an async stream, following rollovers.
    let mut feed = ChangeFeed::new("emb", StartAt::TrimHorizon);
    let mut changes = ChangeStream::new(svc.clone(), "emb", StartAt::TrimHorizon);
    assert_eq!(feed.poll(&svc).unwrap().len(), 1);
    assert!(feed.poll(&svc).unwrap().is_empty());
    env.advance(5 * HOUR);
    env.put("emb", item(&[("pk", s("b"))])).await;
    env.ddb.delete_item().table_name("emb").key("pk", s("a")).send().await.unwrap();
    let names: Vec<&str> = feed.poll(&svc).unwrap().iter().map(|r| r.event_name.as_str()).collect();
    assert_eq!(names, ["INSERT", "REMOVE"]);
    let mut got = Vec::new();
    for _ in 0..3 {
        let r = tokio::time::timeout(Duration::from_secs(5), changes.next()).await.unwrap().unwrap().unwrap();
        got.push((r.event_name.as_str(), r.keys.clone()));
    }
    let key = |pk: &str| -> ddb_emulator::value::Item {
        [("pk".to_string(), ddb_emulator::value::AttributeValue::S(pk.into()))].into()
    };
    assert_eq!(got, vec![("INSERT", key("a")), ("INSERT", key("b")), ("REMOVE", key("a"))]);
    // It waits for the next change.
    let waiter = tokio::spawn(async move { changes.next().await.unwrap().unwrap().keys });
    tokio::time::sleep(Duration::from_millis(20)).await;
    env.put("emb", item(&[("pk", s("c"))])).await;
    assert_eq!(tokio::time::timeout(Duration::from_secs(5), waiter).await.unwrap().unwrap(), key("c"));
}

mod replay {
    //! The property: for random sequences of writes (single items,
    //! batches, transactions, TTL expiry), replaying the stream from
    //! TRIM_HORIZON onto an empty table reproduces the table exactly.
    //! In process (the same service the endpoint serves), so that many
    //! cases run quickly.

    use ddb_emulator::streams::{ChangeFeed, StartAt};
    use ddb_emulator::{Config, Service};
    use proptest::prelude::*;
    use serde_json::{json, Value};
    use std::collections::BTreeMap;

    #[derive(Clone, Debug)]
    enum Write {
        Put(u8, Option<u8>, Option<u8>),
        Update(u8, u8),
        Delete(u8),
        Batch(Vec<(u8, Option<u8>)>),
        Transact(Vec<(u8, Option<u8>)>),
        Expire(u8),
    }

    fn write() -> impl Strategy<Value = Write> {
        let key = 0u8..6;
        prop_oneof![
            (key.clone(), proptest::option::of(0u8..3), proptest::option::of(0u8..4))
                .prop_map(|(k, v, e)| Write::Put(k, v, e)),
            (key.clone(), 0u8..3).prop_map(|(k, v)| Write::Update(k, v)),
            key.clone().prop_map(Write::Delete),
            proptest::collection::vec((key.clone(), proptest::option::of(0u8..3)), 1..4)
                .prop_map(Write::Batch),
            proptest::collection::vec((key.clone(), proptest::option::of(0u8..3)), 1..4)
                .prop_map(Write::Transact),
            (0u8..4).prop_map(Write::Expire),
        ]
    }

    fn create(svc: &Service, name: &str, stream: bool) {
        let mut body = json!({"TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]});
        if stream {
            body["StreamSpecification"] =
                json!({"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"});
        }
        svc.call("CreateTable", &body).unwrap();
    }

    fn item(k: u8, v: Option<u8>, exp: Option<u8>) -> Value {
        let mut it = json!({"pk": {"S": format!("k{k}")}});
        if let Some(v) = v {
            it["v"] = json!({"N": v.to_string()});
        }
        if let Some(e) = exp {
            // Expiry times 1..4 minutes after the start.
            it["exp"] = json!({"N": (1_795_737_600 + 60 * (u64::from(e) + 1)).to_string()});
        }
        it
    }

    fn scan(svc: &Service, table: &str) -> BTreeMap<String, Value> {
        let out: Value =
            serde_json::from_slice(&svc.call("Scan", &json!({"TableName": table})).unwrap()).unwrap();
        out["Items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|it| (it["pk"]["S"].as_str().unwrap().to_string(), it.clone()))
            .collect()
    }

    fn apply(svc: &Service, w: &Write) {
        // Errors (a transaction naming an item twice) are part of the game:
        // they must record nothing.
        let _ = match w {
            Write::Put(k, v, e) => svc.call("PutItem", &json!({"TableName": "src", "Item": item(*k, *v, *e)})),
            Write::Update(k, v) => svc.call(
                "UpdateItem",
                &json!({"TableName": "src", "Key": {"pk": {"S": format!("k{k}")}},
                    "UpdateExpression": "SET v = :v", "ExpressionAttributeValues": {":v": {"N": v.to_string()}}}),
            ),
            Write::Delete(k) => svc.call("DeleteItem", &json!({"TableName": "src", "Key": {"pk": {"S": format!("k{k}")}}})),
            Write::Batch(reqs) => {
                let mut seen = std::collections::HashSet::new();
                let reqs: Vec<Value> = reqs
                    .iter()
                    .filter(|(k, _)| seen.insert(*k))
                    .map(|(k, v)| match v {
                        Some(v) => json!({"PutRequest": {"Item": item(*k, Some(*v), None)}}),
                        None => json!({"DeleteRequest": {"Key": {"pk": {"S": format!("k{k}")}}}}),
                    })
                    .collect();
                svc.call("BatchWriteItem", &json!({"RequestItems": {"src": reqs}}))
            }
            Write::Transact(actions) => {
                let actions: Vec<Value> = actions
                    .iter()
                    .map(|(k, v)| match v {
                        Some(v) => json!({"Put": {"TableName": "src", "Item": item(*k, Some(*v), None)}}),
                        None => json!({"Delete": {"TableName": "src", "Key": {"pk": {"S": format!("k{k}")}}}}),
                    })
                    .collect();
                svc.call("TransactWriteItems", &json!({"TransactItems": actions}))
            }
            Write::Expire(minutes) => {
                svc.clock.advance(std::time::Duration::from_secs(60 * u64::from(*minutes)));
                ddb_emulator::ttl::expire(&svc.store, svc.clock.now_secs_f64());
                Ok(Vec::new())
            }
        };
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn replaying_the_stream_reproduces_the_table(writes in proptest::collection::vec(write(), 0..40)) {
            let svc = Service::new(Config::default());
            svc.clock.set_ms(super::T0);
            create(&svc, "src", true);
            create(&svc, "copy", false);
            svc.call("UpdateTimeToLive", &json!({"TableName": "src",
                "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}})).unwrap();
            for w in &writes {
                apply(&svc, w);
            }
            let mut feed = ChangeFeed::new("src", StartAt::TrimHorizon);
            for r in feed.poll(&svc).unwrap() {
                let keys = serde_json::to_value(&r.keys).unwrap();
                match r.event_name.as_str() {
                    "REMOVE" => { svc.call("DeleteItem", &json!({"TableName": "copy", "Key": keys})).unwrap(); }
                    _ => {
                        let new = serde_json::to_value(r.new_image.as_ref().unwrap()).unwrap();
                        svc.call("PutItem", &json!({"TableName": "copy", "Item": new})).unwrap();
                    }
                }
            }
            prop_assert_eq!(scan(&svc, "copy"), scan(&svc, "src"));
        }
    }
}
