//! BatchGetItem and BatchWriteItem: several tables in one call, the limits,
//! whole-request validation (a bad request writes nothing), projections,
//! consumed capacity, index maintenance and item collection metrics.
//!
//! Also home of the small table / item helpers the batch, transaction,
//! concurrency and model modules share.
//!
//! Sources: the BatchGetItem / BatchWriteItem API references ("Too many items
//! requested for the BatchGetItem call", the reasons a BatchWriteItem is
//! rejected as a whole: more than 25 requests, an unknown table, key
//! mismatches, two operations on one item), the API model (`KeyList` max 100,
//! `WriteRequests` max 25 per table), and texts quoted from the service:
//! "Provided list of item keys contains duplicates" for BatchGetItem
//! (boto/boto3#4131, scanamo/scanamo#50) and BatchWriteItem (mirrorfm/core#8),
//! "Too many items requested for the BatchWriteItem call" (zio/zio-dynamodb#77),
//! the per-table 25 limit as `... at 'RequestItems' failed to satisfy
//! constraint: Map value must satisfy constraint: [Member must have length
//! less than or equal to 25, ...]` (dtan4/valec#46).

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue as AV, BillingMode, DeleteRequest, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, KeysAndAttributes, LocalSecondaryIndex, Projection, ProjectionType,
    PutRequest, ReturnConsumedCapacity, ReturnItemCollectionMetrics, ScalarAttributeType, WriteRequest,
};
use aws_sdk_dynamodb::Client;
use ddb_conformance::{expect_err, TestEnv};
use std::collections::HashMap;

/// An item as the SDK represents it.
pub type Item = HashMap<String, AV>;

/// A string value.
pub fn s(v: &str) -> AV {
    AV::S(v.to_string())
}

/// A number value.
pub fn n(v: impl ToString) -> AV {
    AV::N(v.to_string())
}

/// An item from name / value pairs.
pub fn item(pairs: &[(&str, AV)]) -> Item {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// The key of a table with string `pk` and number `sk`.
pub fn key2(pk: &str, sk: i64) -> Item {
    item(&[("pk", s(pk)), ("sk", n(sk))])
}

/// The key of a table with only string `pk`.
pub fn key1(pk: &str) -> Item {
    item(&[("pk", s(pk))])
}

fn attr(name: &str, t: ScalarAttributeType) -> AttributeDefinition {
    AttributeDefinition::builder().attribute_name(name).attribute_type(t).build().unwrap()
}

fn kse(name: &str, t: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder().attribute_name(name).key_type(t).build().unwrap()
}

/// Creates an on-demand table: string `pk`, a number `sk` when `with_sort`,
/// one GSI per `(index, hash attribute)` in `gsis` and one LSI per
/// `(index, range attribute)` in `lsis` (index attributes are strings,
/// projections ALL).
pub async fn create_table(
    client: &Client,
    name: &str,
    with_sort: bool,
    gsis: &[(&str, &str)],
    lsis: &[(&str, &str)],
) {
    let mut req = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr("pk", ScalarAttributeType::S))
        .key_schema(kse("pk", KeyType::Hash));
    if with_sort {
        req = req
            .attribute_definitions(attr("sk", ScalarAttributeType::N))
            .key_schema(kse("sk", KeyType::Range));
    }
    let mut defined: Vec<&str> = Vec::new();
    for (index, a) in gsis {
        if !defined.contains(a) {
            req = req.attribute_definitions(attr(a, ScalarAttributeType::S));
            defined.push(a);
        }
        req = req.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(*index)
                .key_schema(kse(a, KeyType::Hash))
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .unwrap(),
        );
    }
    for (index, a) in lsis {
        if !defined.contains(a) {
            req = req.attribute_definitions(attr(a, ScalarAttributeType::S));
            defined.push(a);
        }
        req = req.local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name(*index)
                .key_schema(kse("pk", KeyType::Hash))
                .key_schema(kse(a, KeyType::Range))
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .unwrap(),
        );
    }
    req.send().await.expect("create table");
}

/// Puts `it` into `table`.
pub async fn put(client: &Client, table: &str, it: Item) {
    client.put_item().table_name(table).set_item(Some(it)).send().await.expect("put item");
}

/// Reads the item with `key` from `table` (strongly consistent).
pub async fn get(client: &Client, table: &str, key: Item) -> Option<Item> {
    client
        .get_item()
        .table_name(table)
        .set_key(Some(key))
        .consistent_read(true)
        .send()
        .await
        .expect("get item")
        .item
}

/// Every item of `table` (one consistent Scan, following pagination), sorted by key.
pub async fn scan_all(client: &Client, table: &str) -> Vec<Item> {
    let mut out = Vec::new();
    let mut start: Option<Item> = None;
    loop {
        let page = client
            .scan()
            .table_name(table)
            .consistent_read(true)
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .expect("scan");
        out.extend(page.items.unwrap_or_default());
        match page.last_evaluated_key {
            Some(k) if !k.is_empty() => start = Some(k),
            _ => break,
        }
    }
    sort_items(&mut out);
    out
}

/// A sortable rendering of an item's key (`pk`, then numeric `sk`).
pub fn key_order(it: &Item) -> (String, i128) {
    let pk = match it.get("pk") {
        Some(AV::S(v)) => v.clone(),
        other => format!("{other:?}"),
    };
    let sk = match it.get("sk") {
        Some(AV::N(v)) => v.parse::<i128>().unwrap_or(i128::MIN),
        _ => i128::MIN,
    };
    (pk, sk)
}

/// Sorts items by key.
pub fn sort_items(items: &mut [Item]) {
    items.sort_by_key(key_order);
}

fn put_req(it: Item) -> WriteRequest {
    WriteRequest::builder().put_request(PutRequest::builder().set_item(Some(it)).build().unwrap()).build()
}

fn del_req(key: Item) -> WriteRequest {
    WriteRequest::builder()
        .delete_request(DeleteRequest::builder().set_key(Some(key)).build().unwrap())
        .build()
}

fn keys_of(keys: Vec<Item>) -> KeysAndAttributes {
    KeysAndAttributes::builder().set_keys(Some(keys)).build().unwrap()
}

/// Two plain tables: `tab1` (pk, sk) and `tab2` (pk).
async fn two_tables(c: &Client) {
    create_table(c, "tab1", true, &[], &[]).await;
    create_table(c, "tab2", false, &[], &[]).await;
}

// ---- BatchGetItem -------------------------------------------------------------

#[tokio::test]
async fn batch_get_reads_two_tables_and_omits_missing_keys() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    for (pk, sk) in [("a", 1), ("a", 2), ("b", 1)] {
        let mut it = key2(pk, sk);
        it.insert("v".into(), s(&format!("{pk}{sk}")));
        put(c, "tab1", it).await;
    }
    put(c, "tab2", item(&[("pk", s("x")), ("w", n(1))])).await;
    put(c, "tab2", item(&[("pk", s("y")), ("w", n(2))])).await;

    let out = c
        .batch_get_item()
        .request_items("tab1", keys_of(vec![key2("a", 1), key2("b", 1), key2("c", 9)]))
        .request_items("tab2", keys_of(vec![key1("y"), key1("zz")]))
        .send()
        .await
        .unwrap();
    let responses = out.responses.clone().expect("Responses");
    let mut t1 = responses["tab1"].clone();
    sort_items(&mut t1);
    assert_eq!(
        t1,
        vec![
            item(&[("pk", s("a")), ("sk", n(1)), ("v", s("a1"))]),
            item(&[("pk", s("b")), ("sk", n(1)), ("v", s("b1"))]),
        ],
        "the missing key (c, 9) is simply absent"
    );
    assert_eq!(responses["tab2"], vec![item(&[("pk", s("y")), ("w", n(2))])]);
    assert!(out.unprocessed_keys.as_ref().is_none_or(|u| u.is_empty()), "UnprocessedKeys is empty");
    assert!(out.consumed_capacity.is_none(), "no ConsumedCapacity unless asked for");
}

#[tokio::test]
async fn batch_get_table_with_no_matches_still_has_a_response_entry() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    put(c, "tab2", item(&[("pk", s("x"))])).await;
    let out = c
        .batch_get_item()
        .request_items("tab1", keys_of(vec![key2("nope", 1)]))
        .request_items("tab2", keys_of(vec![key1("x")]))
        .send()
        .await
        .unwrap();
    let responses = out.responses.expect("Responses");
    assert_eq!(responses.get("tab1").map(Vec::len), Some(0), "t1 is present with no items: {responses:?}");
    assert_eq!(responses["tab2"].len(), 1);
}

#[tokio::test]
async fn batch_get_projection_per_table() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    put(c, "tab1", item(&[("pk", s("a")), ("sk", n(1)), ("name", s("n")), ("size", n(3)), ("z", s("zz"))]))
        .await;
    put(c, "tab2", item(&[("pk", s("x")), ("name", s("m")), ("extra", s("o"))])).await;
    let out = c
        .batch_get_item()
        .request_items(
            "tab1",
            KeysAndAttributes::builder()
                .keys(key2("a", 1))
                // `name` and `size` are reserved words: they need placeholders.
                .projection_expression("#n, #s, absent")
                .expression_attribute_names("#n", "name")
                .expression_attribute_names("#s", "size")
                .consistent_read(true)
                .build()
                .unwrap(),
        )
        .request_items(
            "tab2",
            KeysAndAttributes::builder().keys(key1("x")).projection_expression("extra").build().unwrap(),
        )
        .send()
        .await
        .unwrap();
    let responses = out.responses.unwrap();
    assert_eq!(responses["tab1"], vec![item(&[("name", s("n")), ("size", n(3))])]);
    assert_eq!(responses["tab2"], vec![item(&[("extra", s("o"))])]);
}

#[tokio::test]
async fn batch_get_consumed_capacity_per_table() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    put(c, "tab1", key2("a", 1)).await;
    put(c, "tab1", key2("a", 2)).await;
    put(c, "tab2", key1("x")).await;
    let out = c
        .batch_get_item()
        .request_items(
            "tab1",
            KeysAndAttributes::builder()
                .keys(key2("a", 1))
                .keys(key2("a", 2))
                .consistent_read(true)
                .build()
                .unwrap(),
        )
        .request_items("tab2", keys_of(vec![key1("x")]))
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    let mut caps: Vec<(String, f64)> = out
        .consumed_capacity
        .expect("ConsumedCapacity when TOTAL is asked for")
        .into_iter()
        .map(|cc| (cc.table_name.unwrap_or_default(), cc.capacity_units.unwrap_or(-1.0)))
        .collect();
    caps.sort_by(|a, b| a.0.cmp(&b.0));
    // Each item is read as a GetItem: one unit per started 4 KB, strongly
    // consistent; half of that for an eventually consistent read.
    assert_eq!(caps, vec![("tab1".to_string(), 2.0), ("tab2".to_string(), 0.5)]);
}

#[tokio::test]
async fn batch_get_rejects_duplicate_keys() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    let (code, msg) = expect_err!(
        c.batch_get_item()
            .request_items("tab1", keys_of(vec![key2("a", 1), key2("b", 1), key2("a", 1)]))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Provided list of item keys contains duplicates");
    // The same key in two different tables is not a duplicate.
    c.batch_get_item()
        .request_items("tab1", keys_of(vec![key2("a", 1)]))
        .request_items("tab2", keys_of(vec![key1("a")]))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn batch_get_rejects_more_than_100_keys() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    // 60 + 41 keys: each table's list is within the model's 100, the total is not.
    let t1: Vec<Item> = (0..60).map(|i| key2("a", i)).collect();
    let t2: Vec<Item> = (0..41).map(|i| key1(&format!("k{i}"))).collect();
    let (code, msg) = expect_err!(
        c.batch_get_item().request_items("tab1", keys_of(t1)).request_items("tab2", keys_of(t2)).send().await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Too many items requested for the BatchGetItem call");
    // Exactly 100 is fine.
    let t1: Vec<Item> = (0..60).map(|i| key2("a", i)).collect();
    let t2: Vec<Item> = (0..40).map(|i| key1(&format!("k{i}"))).collect();
    c.batch_get_item()
        .request_items("tab1", keys_of(t1))
        .request_items("tab2", keys_of(t2))
        .send()
        .await
        .unwrap();
    // 101 keys for one table break the API model's KeyList limit.
    let t1: Vec<Item> = (0..101).map(|i| key2("a", i)).collect();
    let (code, msg) = expect_err!(c.batch_get_item().request_items("tab1", keys_of(t1)).send().await);
    assert_eq!(code, "ValidationException");
    assert!(
        msg.contains("at 'RequestItems.tab1.member.Keys' failed to satisfy constraint: Member must have length less than or equal to 100"),
        "{msg}"
    );
}

#[tokio::test]
async fn batch_get_unknown_table() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    let (code, msg) = expect_err!(
        c.batch_get_item()
            .request_items("tab1", keys_of(vec![key2("a", 1)]))
            .request_items("nope", keys_of(vec![key1("a")]))
            .send()
            .await
    );
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(msg, "Requested resource not found");
}

#[tokio::test]
async fn batch_get_rejects_a_key_that_does_not_match_the_schema() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    let (code, msg) = expect_err!(
        c.batch_get_item().request_items("tab1", keys_of(vec![key2("a", 1), key1("b")])).send().await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "The provided key element does not match the schema");
}

// ---- BatchWriteItem -----------------------------------------------------------

#[tokio::test]
async fn batch_write_25_puts_and_deletes_over_two_tables() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    for i in 0..5 {
        put(c, "tab2", item(&[("pk", s(&format!("old{i}"))), ("v", n(i))])).await;
    }
    let t1: Vec<WriteRequest> =
        (0..15).map(|i| put_req(item(&[("pk", s("p")), ("sk", n(i)), ("v", n(i * 10))]))).collect();
    let mut t2: Vec<WriteRequest> =
        (0..5).map(|i| put_req(item(&[("pk", s(&format!("new{i}"))), ("v", n(i))]))).collect();
    t2.extend((0..5).map(|i| del_req(key1(&format!("old{i}")))));
    let out = c.batch_write_item().request_items("tab1", t1).request_items("tab2", t2).send().await.unwrap();
    assert!(
        out.unprocessed_items.as_ref().is_none_or(|u| u.is_empty()),
        "UnprocessedItems is empty: {out:?}"
    );
    assert!(out.item_collection_metrics.is_none_or(|m| m.is_empty()));

    let all1 = scan_all(c, "tab1").await;
    assert_eq!(all1.len(), 15);
    assert_eq!(all1[7], item(&[("pk", s("p")), ("sk", n(7)), ("v", n(70))]));
    let all2 = scan_all(c, "tab2").await;
    let names: Vec<String> = all2.iter().map(|i| key_order(i).0).collect();
    assert_eq!(names, ["new0", "new1", "new2", "new3", "new4"]);
}

#[tokio::test]
async fn batch_write_put_replaces_whole_item_and_delete_of_missing_is_fine() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    put(c, "tab2", item(&[("pk", s("a")), ("old", s("gone"))])).await;
    c.batch_write_item()
        .request_items(
            "tab2",
            vec![put_req(item(&[("pk", s("a")), ("new", n(1))])), del_req(key1("never-there"))],
        )
        .send()
        .await
        .unwrap();
    assert_eq!(get(c, "tab2", key1("a")).await, Some(item(&[("pk", s("a")), ("new", n(1))])));
}

#[tokio::test]
async fn batch_write_maintains_a_gsi() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, "gtab", true, &[("byCat", "cat")], &[]).await;
    put(c, "gtab", item(&[("pk", s("a")), ("sk", n(1)), ("cat", s("red"))])).await;
    put(c, "gtab", item(&[("pk", s("a")), ("sk", n(2)), ("cat", s("red"))])).await;
    put(c, "gtab", item(&[("pk", s("b")), ("sk", n(1)), ("cat", s("blue"))])).await;
    c.batch_write_item()
        .request_items(
            "gtab",
            vec![
                // moves (a, 1) from red to blue
                put_req(item(&[("pk", s("a")), ("sk", n(1)), ("cat", s("blue"))])),
                // leaves the index: no `cat`
                put_req(item(&[("pk", s("a")), ("sk", n(2)), ("other", s("x"))])),
                // removed from the index by the delete
                del_req(key2("b", 1)),
                // new index entries
                put_req(item(&[("pk", s("c")), ("sk", n(1)), ("cat", s("red"))])),
                put_req(item(&[("pk", s("d")), ("sk", n(5)), ("cat", s("blue"))])),
            ],
        )
        .send()
        .await
        .unwrap();
    let query = |cat: &str| {
        c.query()
            .table_name("gtab")
            .index_name("byCat")
            .key_condition_expression("cat = :c")
            .expression_attribute_values(":c", s(cat))
            .send()
    };
    let mut red = query("red").await.unwrap().items.unwrap_or_default();
    sort_items(&mut red);
    assert_eq!(red, vec![item(&[("pk", s("c")), ("sk", n(1)), ("cat", s("red"))])]);
    let mut blue = query("blue").await.unwrap().items.unwrap_or_default();
    sort_items(&mut blue);
    assert_eq!(
        blue,
        vec![
            item(&[("pk", s("a")), ("sk", n(1)), ("cat", s("blue"))]),
            item(&[("pk", s("d")), ("sk", n(5)), ("cat", s("blue"))]),
        ]
    );
}

#[tokio::test]
async fn batch_write_rejects_two_requests_for_one_item() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    put(c, "tab1", item(&[("pk", s("a")), ("sk", n(1)), ("v", n(0))])).await;
    // A put and a delete of the same item.
    let (code, msg) = expect_err!(
        c.batch_write_item()
            .request_items("tab2", vec![put_req(key1("fresh"))])
            .request_items(
                "tab1",
                vec![put_req(item(&[("pk", s("a")), ("sk", n(1)), ("v", n(1))])), del_req(key2("a", 1))]
            )
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Provided list of item keys contains duplicates");
    // Two puts of the same key (differing only in other attributes).
    let (code, msg) = expect_err!(
        c.batch_write_item()
            .request_items(
                "tab1",
                vec![
                    put_req(item(&[("pk", s("a")), ("sk", n(1)), ("v", n(2))])),
                    put_req(item(&[("pk", s("a")), ("sk", n(1)), ("v", n(3))])),
                ]
            )
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Provided list of item keys contains duplicates");
    // Nothing was written by either call.
    assert_eq!(get(c, "tab1", key2("a", 1)).await, Some(item(&[("pk", s("a")), ("sk", n(1)), ("v", n(0))])));
    assert_eq!(get(c, "tab2", key1("fresh")).await, None);
}

#[tokio::test]
async fn batch_write_rejects_more_than_25_requests() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    // 13 + 13 over two tables: each list is within the model's 25, the call is not.
    let t1: Vec<WriteRequest> = (0..13).map(|i| put_req(key2("a", i))).collect();
    let t2: Vec<WriteRequest> = (0..13).map(|i| put_req(key1(&format!("k{i}")))).collect();
    let (code, msg) =
        expect_err!(c.batch_write_item().request_items("tab1", t1).request_items("tab2", t2).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Too many items requested for the BatchWriteItem call");
    // 26 for one table break the API model's WriteRequests limit.
    let t1: Vec<WriteRequest> = (0..26).map(|i| put_req(key2("a", i))).collect();
    let (code, msg) = expect_err!(c.batch_write_item().request_items("tab1", t1).send().await);
    assert_eq!(code, "ValidationException");
    // The value holds attribute values: not printed (issue 15).
    assert!(msg.starts_with("1 validation error detected: Value at 'RequestItems'"), "{msg}");
    assert!(
        msg.ends_with(
            "at 'RequestItems' failed to satisfy constraint: Map value must satisfy constraint: \
             [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]"
        ),
        "{msg}"
    );
    assert!(scan_all(c, "tab1").await.is_empty(), "nothing written");
    assert!(scan_all(c, "tab2").await.is_empty(), "nothing written");
    // Exactly 25 is fine.
    let t1: Vec<WriteRequest> = (0..12).map(|i| put_req(key2("a", i))).collect();
    let t2: Vec<WriteRequest> = (0..13).map(|i| put_req(key1(&format!("k{i}")))).collect();
    c.batch_write_item().request_items("tab1", t1).request_items("tab2", t2).send().await.unwrap();
    assert_eq!(scan_all(c, "tab1").await.len() + scan_all(c, "tab2").await.len(), 25);
}

#[tokio::test]
async fn batch_write_bad_request_writes_nothing() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    put(c, "tab1", item(&[("pk", s("keep")), ("sk", n(1)), ("v", n(1))])).await;
    let good_t1 =
        || vec![put_req(key2("new", 1)), put_req(item(&[("pk", s("keep")), ("sk", n(1)), ("v", n(2))]))];
    let unchanged = |c: &Client| {
        let c = c.clone();
        async move {
            assert_eq!(
                scan_all(&c, "tab1").await,
                vec![item(&[("pk", s("keep")), ("sk", n(1)), ("v", n(1))])],
                "t1 unchanged"
            );
            assert!(scan_all(&c, "tab2").await.is_empty(), "t2 unchanged");
        }
    };

    // A put in the second table that lacks its key: the valid puts in t1 are not applied.
    let (code, msg) = expect_err!(
        c.batch_write_item()
            .request_items("tab1", good_t1())
            .request_items("tab2", vec![put_req(key1("ok")), put_req(item(&[("other", s("x"))]))])
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "One or more parameter values were invalid: Missing the key pk in the item");
    unchanged(c).await;

    // A key of the wrong type.
    let (code, msg) = expect_err!(
        c.batch_write_item()
            .request_items("tab1", good_t1())
            .request_items("tab2", vec![put_req(item(&[("pk", n(1))]))])
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"
    );
    unchanged(c).await;

    // A delete whose key does not match the schema.
    let (code, msg) = expect_err!(
        c.batch_write_item()
            .request_items("tab1", good_t1())
            .request_items("tab2", vec![del_req(key2("x", 1))])
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "The provided key element does not match the schema");
    unchanged(c).await;

    // An unknown table.
    let (code, msg) = expect_err!(
        c.batch_write_item()
            .request_items("tab1", good_t1())
            .request_items("nope", vec![put_req(key1("x"))])
            .send()
            .await
    );
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(msg, "Requested resource not found");
    unchanged(c).await;

    // An item over 400 KB.
    let (code, msg) = expect_err!(
        c.batch_write_item()
            .request_items("tab1", good_t1())
            .request_items(
                "tab2",
                vec![put_req(item(&[("pk", s("big")), ("blob", s(&"x".repeat(400 * 1024)))]))]
            )
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Item size has exceeded the maximum allowed size");
    unchanged(c).await;
}

#[tokio::test]
async fn batch_write_item_collection_metrics_on_an_lsi_table() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, "lsi", true, &[], &[("byLocal", "lsk")]).await;
    create_table(c, "plain", false, &[], &[]).await;
    put(c, "lsi", item(&[("pk", s("b")), ("sk", n(9)), ("lsk", s("q"))])).await;
    let out = c
        .batch_write_item()
        .request_items(
            "lsi",
            vec![
                put_req(item(&[("pk", s("a")), ("sk", n(1)), ("lsk", s("x"))])),
                put_req(item(&[("pk", s("a")), ("sk", n(2))])),
                del_req(key2("b", 9)),
            ],
        )
        .request_items("plain", vec![put_req(key1("p"))])
        .return_item_collection_metrics(ReturnItemCollectionMetrics::Size)
        .send()
        .await
        .unwrap();
    let metrics = out.item_collection_metrics.expect("ItemCollectionMetrics when SIZE is asked for");
    assert!(
        metrics.get("plain").is_none_or(|m| m.is_empty()),
        "a table without LSIs has no item collections"
    );
    let lsi = &metrics["lsi"];
    assert!(!lsi.is_empty());
    let mut partitions: Vec<Item> = Vec::new();
    for m in lsi {
        let k = m.item_collection_key.clone().expect("ItemCollectionKey");
        assert_eq!(k.len(), 1, "the collection key is the partition key only: {k:?}");
        let range = m.size_estimate_range_gb.clone().expect("SizeEstimateRangeGB");
        assert_eq!(range.len(), 2);
        assert!(range[0] >= 0.0 && range[0] <= range[1], "{range:?}");
        if !partitions.contains(&k) {
            partitions.push(k);
        }
    }
    sort_items(&mut partitions);
    assert_eq!(partitions, vec![key1("a"), key1("b")], "both written collections are reported");

    // Without the parameter: no metrics.
    let out = c.batch_write_item().request_items("lsi", vec![put_req(key2("c", 1))]).send().await.unwrap();
    assert!(out.item_collection_metrics.is_none_or(|m| m.is_empty()));
}

#[tokio::test]
async fn batch_write_index_key_of_the_wrong_type_rejects_the_batch() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, "gtab", true, &[("byCat", "cat")], &[]).await;
    let (code, msg) = expect_err!(
        c.batch_write_item()
            .request_items(
                "gtab",
                vec![
                    put_req(item(&[("pk", s("a")), ("sk", n(1)), ("cat", s("red"))])),
                    put_req(item(&[("pk", s("b")), ("sk", n(1)), ("cat", n(7))])),
                ]
            )
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Type mismatch for Index Key cat Expected: S Actual: N IndexName: byCat"
    );
    assert!(scan_all(c, "gtab").await.is_empty(), "nothing written");
}

#[tokio::test]
async fn batch_write_consumed_capacity_counts_index_writes() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, "gtab", true, &[("byCat", "cat")], &[]).await;
    let writes = |p: &str| {
        vec![
            put_req(item(&[("pk", s(p)), ("sk", n(1)), ("cat", s("red"))])),
            put_req(item(&[("pk", s(p)), ("sk", n(2)), ("cat", s("blue"))])),
            // Not in the index: no `cat`.
            put_req(item(&[("pk", s(p)), ("sk", n(3))])),
        ]
    };
    let out = c
        .batch_write_item()
        .request_items("gtab", writes("a"))
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    let caps = out.consumed_capacity.expect("ConsumedCapacity");
    assert_eq!(caps.len(), 1);
    assert_eq!(caps[0].table_name.as_deref(), Some("gtab"));
    // Three 1 KB table writes plus two index writes.
    assert_eq!(caps[0].capacity_units, Some(5.0), "{caps:?}");

    let out = c
        .batch_write_item()
        .request_items("gtab", writes("b"))
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .send()
        .await
        .unwrap();
    let caps = out.consumed_capacity.expect("ConsumedCapacity");
    assert_eq!(caps[0].capacity_units, Some(5.0), "{caps:?}");
    assert_eq!(
        caps[0].table.as_ref().and_then(|t| t.capacity_units),
        Some(3.0),
        "the table's share: {caps:?}"
    );
    let gsis = caps[0].global_secondary_indexes.as_ref().expect("per-GSI capacity with INDEXES");
    assert_eq!(gsis["byCat"].capacity_units, Some(2.0), "{caps:?}");
}

#[tokio::test]
async fn batch_get_response_is_capped_at_16_mb_and_the_rest_is_unprocessed() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    // 100 items of exactly 300 KB (attribute names and values: 2 + 3 + 4 + 307191 bytes).
    const ITEM_BYTES: usize = 300 * 1024;
    let blob = "x".repeat(ITEM_BYTES - 9);
    for i in 0..100 {
        put(c, "tab2", item(&[("pk", s(&format!("k{i:02}"))), ("blob", s(&blob))])).await;
    }
    let all: Vec<Item> = (0..100).map(|i| key1(&format!("k{i:02}"))).collect();
    let out = c.batch_get_item().request_items("tab2", keys_of(all.clone())).send().await.unwrap();
    let returned = out.responses.unwrap().remove("tab2").unwrap_or_default();
    let unprocessed = out.unprocessed_keys.unwrap_or_default();
    let left = unprocessed.get("tab2").map(|k| k.keys.clone()).unwrap_or_default();
    // The API reference's example: 100 items of 300 KB give 52 items and
    // UnprocessedKeys for the rest. Whatever the exact count, the items
    // returned stay within 16 MB and every key is either returned or left.
    assert!(!returned.is_empty() && !left.is_empty(), "{} returned, {} left", returned.len(), left.len());
    assert!(
        returned.len() * ITEM_BYTES <= 16 * 1024 * 1024,
        "{} items of 300 KB exceed 16 MB",
        returned.len()
    );
    assert_eq!(returned.len() + left.len(), 100);
    let mut seen: Vec<Item> = returned.iter().map(|it| key1(it["pk"].as_s().unwrap())).collect();
    seen.extend(left);
    sort_items(&mut seen);
    assert_eq!(seen, all, "each key exactly once, returned or unprocessed");
    // UnprocessedKeys can be sent back as is.
    let mut pending = unprocessed;
    let mut fetched = returned.len();
    for _ in 0..10 {
        if pending.is_empty() {
            break;
        }
        let out = c.batch_get_item().set_request_items(Some(pending)).send().await.unwrap();
        fetched += out.responses.unwrap().get("tab2").map_or(0, Vec::len);
        pending = out.unprocessed_keys.unwrap_or_default();
    }
    assert!(pending.is_empty());
    assert_eq!(fetched, 100);
}

#[tokio::test]
async fn equal_numbers_in_different_spellings_are_the_same_key() {
    let env = TestEnv::new().await;
    let c = &env.client;
    two_tables(c).await;
    let k = |sk: &str| item(&[("pk", s("a")), ("sk", AV::N(sk.to_string()))]);
    let (code, msg) =
        expect_err!(c.batch_get_item().request_items("tab1", keys_of(vec![k("1"), k("1.0")])).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Provided list of item keys contains duplicates");
    let (code, msg) = expect_err!(
        c.batch_write_item().request_items("tab1", vec![put_req(k("10")), del_req(k("1E1"))]).send().await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Provided list of item keys contains duplicates");
    // A key spelled differently finds the stored item.
    put(c, "tab1", item(&[("pk", s("a")), ("sk", n(100)), ("v", s("hundred"))])).await;
    let out = c.batch_get_item().request_items("tab1", keys_of(vec![k("1.00E2")])).send().await.unwrap();
    assert_eq!(
        out.responses.unwrap()["tab1"],
        vec![item(&[("pk", s("a")), ("sk", n(100)), ("v", s("hundred"))])]
    );
}

/// Fault injection: with `unprocessed_probability` the emulator leaves part
/// of each batch unprocessed, as a throttled service does; what it reports
/// as unprocessed is exactly what it did not apply, and retrying it gets
/// everything through.
#[tokio::test]
async fn injected_unprocessed_requests_are_reported_and_retryable() {
    use aws_sdk_dynamodb::types::{KeysAndAttributes, PutRequest, WriteRequest};
    let emu = ddb_emulator::Emulator::builder().unprocessed_probability(0.5).start().await.unwrap();
    let c = ddb_conformance::client_for(&emu.endpoint());
    c.create_table()
        .table_name("faulty")
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .attribute_definitions(
            aws_sdk_dynamodb::types::AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(aws_sdk_dynamodb::types::ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            aws_sdk_dynamodb::types::KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(aws_sdk_dynamodb::types::KeyType::Hash)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let mut pending: Vec<WriteRequest> = (0..25)
        .map(|i| {
            WriteRequest::builder()
                .put_request(
                    PutRequest::builder()
                        .item("pk", aws_sdk_dynamodb::types::AttributeValue::S(format!("k{i}")))
                        .build()
                        .unwrap(),
                )
                .build()
        })
        .collect();
    let mut rounds = 0;
    let mut saw_unprocessed = false;
    while !pending.is_empty() {
        rounds += 1;
        assert!(rounds < 200, "retries never finished");
        let out = c.batch_write_item().request_items("faulty", pending.clone()).send().await.unwrap();
        let left = out.unprocessed_items.unwrap_or_default().remove("faulty").unwrap_or_default();
        saw_unprocessed |= !left.is_empty();
        // Everything not reported back was applied.
        for done in pending.iter().filter(|r| !left.contains(r)) {
            let key = done.put_request().unwrap().item()["pk"].clone();
            let got = c.get_item().table_name("faulty").key("pk", key).send().await.unwrap();
            assert!(got.item.is_some());
        }
        pending = left;
    }
    assert!(saw_unprocessed, "with probability 0.5 some of 25 requests are left unprocessed");
    let count = c.scan().table_name("faulty").send().await.unwrap().count();
    assert_eq!(count, 25);

    // BatchGetItem: unprocessed keys come back with the request's options.
    let keys: Vec<_> = (0..25)
        .map(|i| {
            std::collections::HashMap::from([(
                "pk".to_string(),
                aws_sdk_dynamodb::types::AttributeValue::S(format!("k{i}")),
            )])
        })
        .collect();
    let mut pending =
        KeysAndAttributes::builder().set_keys(Some(keys)).consistent_read(true).build().unwrap();
    let mut found = 0;
    for _ in 0..200 {
        let out = c.batch_get_item().request_items("faulty", pending.clone()).send().await.unwrap();
        found += out.responses.unwrap_or_default().remove("faulty").unwrap_or_default().len();
        match out.unprocessed_keys.unwrap_or_default().remove("faulty") {
            Some(rest) if !rest.keys().is_empty() => {
                assert_eq!(rest.consistent_read(), Some(true));
                pending = rest;
            }
            _ => break,
        }
    }
    assert_eq!(found, 25);
}
