//! PutItem / GetItem / UpdateItem / DeleteItem options: the ReturnValues
//! modes, upserts, the item size limit after an update, index key types,
//! ReturnConsumedCapacity (TOTAL / INDEXES) with the service's rounding,
//! ConsistentRead, ReturnItemCollectionMetrics, and the legacy parameters
//! (Expected, ConditionalOperator, AttributesToGet, AttributeUpdates).
//!
//! Sources: the PutItem / UpdateItem / DeleteItem / GetItem API references
//! (ReturnValues: PutItem and DeleteItem "do not recognize any values other
//! than NONE or ALL_OLD", UPDATED_OLD / UPDATED_NEW "return only the updated
//! attributes"; UpdateItem "adds a new item to the table if it does not
//! already exist"; ItemCollectionMetrics only for tables with local secondary
//! indexes, SizeEstimateRangeGB a two-element [lower, upper] array);
//! `AttributeValueUpdate` in the API model (PUT / ADD / DELETE semantics, ADD
//! of a missing number starts from 0); Developer Guide "DynamoDB read and
//! write operations" (one write unit per started 1 KB, one read unit per
//! started 4 KB for a strongly consistent read and half of it for an
//! eventually consistent one, a write is charged for the larger of the item
//! before and after it), "Global secondary indexes: provisioned throughput
//! considerations" (a write that changes an index key costs the index a
//! delete and a put), "Legacy conditional parameters" and
//! `ExpectedAttributeValue` (ValidationException for Exists true without a
//! Value and for Exists false with one).
//!
//! Texts from the service: "Return values set to invalid value", "Item size to
//! update has exceeded the maximum allowed size", "One or more parameter
//! values were invalid: Type mismatch for Index Key ... Expected: ...
//! Actual: ..." (capitalised unlike the base-table text; floci-io/floci#2625
//! review from probing the service), "Can not use both expression and
//! non-expression parameters in the same request: Non-expression parameters:
//! {...} Expression parameters: {...}".

use super::batches::{create_table, get, item, key1, key2, n, s, Item};
use aws_sdk_dynamodb::types::{
    AttributeAction, AttributeDefinition, AttributeValue as AV, AttributeValueUpdate, BillingMode,
    ComparisonOperator, ConditionalOperator, ConsumedCapacity, ExpectedAttributeValue, GlobalSecondaryIndex,
    KeySchemaElement, KeyType, Projection, ProjectionType, ReturnConsumedCapacity,
    ReturnItemCollectionMetrics, ReturnValue, ScalarAttributeType,
};
use aws_sdk_dynamodb::Client;
use ddb_conformance::{error_parts, expect_err, TestEnv};

const T: &str = "items";

fn m(pairs: &[(&str, AV)]) -> AV {
    AV::M(item(pairs))
}

fn ss(v: &[&str]) -> AV {
    AV::Ss(v.iter().map(|x| x.to_string()).collect())
}

fn sorted_set(v: &AV) -> Vec<String> {
    let mut out = match v {
        AV::Ss(x) | AV::Ns(x) => x.clone(),
        other => panic!("not a set: {other:?}"),
    };
    out.sort();
    out
}

/// An item with key `pk` and a string `d` that makes it exactly `size` bytes
/// (`pk` + its value: 2 + len; `d`: 1 + len).
fn sized_item(pk: &str, size: usize) -> Item {
    let fixed = 2 + pk.len() + 1;
    item(&[("pk", s(pk)), ("d", s(&"x".repeat(size - fixed)))])
}

// ---- ReturnValues ------------------------------------------------------------------

fn rv_item() -> Item {
    item(&[
        ("pk", s("k")),
        ("a", n(1)),
        ("b", m(&[("x", n(1)), ("y", n(2))])),
        ("c", s("keep")),
        ("d", s("gone")),
    ])
}

async fn rv_update(c: &Client, rv: ReturnValue) -> Option<Item> {
    c.put_item().table_name(T).set_item(Some(rv_item())).send().await.unwrap();
    c.update_item()
        .table_name(T)
        .set_key(Some(key1("k")))
        .update_expression("SET a = :two, b.x = :nine, e = :new REMOVE d")
        .expression_attribute_values(":two", n(2))
        .expression_attribute_values(":nine", n(9))
        .expression_attribute_values(":new", s("new"))
        .return_values(rv)
        .send()
        .await
        .unwrap()
        .attributes
}

#[tokio::test]
async fn update_item_return_values_modes() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    let new = item(&[
        ("pk", s("k")),
        ("a", n(2)),
        ("b", m(&[("x", n(9)), ("y", n(2))])),
        ("c", s("keep")),
        ("e", s("new")),
    ]);
    assert_eq!(rv_update(c, ReturnValue::None).await, None);
    assert_eq!(rv_update(c, ReturnValue::AllOld).await, Some(rv_item()));
    assert_eq!(rv_update(c, ReturnValue::AllNew).await, Some(new.clone()));
    // Only the updated parts: the nested b.x, not all of b; REMOVEd d before,
    // the new e after.
    assert_eq!(
        rv_update(c, ReturnValue::UpdatedOld).await,
        Some(item(&[("a", n(1)), ("b", m(&[("x", n(1))])), ("d", s("gone"))]))
    );
    assert_eq!(
        rv_update(c, ReturnValue::UpdatedNew).await,
        Some(item(&[("a", n(2)), ("b", m(&[("x", n(9))])), ("e", s("new"))]))
    );
    assert_eq!(get(c, T, key1("k")).await, Some(new));

    // An atomic counter: UPDATED_NEW gives the new value.
    let out = c
        .update_item()
        .table_name(T)
        .set_key(Some(key1("k")))
        .update_expression("ADD hits :one")
        .expression_attribute_values(":one", n(1))
        .return_values(ReturnValue::UpdatedNew)
        .send()
        .await
        .unwrap();
    assert_eq!(out.attributes, Some(item(&[("hits", n(1))])));
    // UPDATED_OLD of an attribute that did not exist: nothing to return.
    let out = c
        .update_item()
        .table_name(T)
        .set_key(Some(key1("k")))
        .update_expression("SET brand_new = :one")
        .expression_attribute_values(":one", n(1))
        .return_values(ReturnValue::UpdatedOld)
        .send()
        .await
        .unwrap();
    assert!(out.attributes.is_none_or(|a| a.is_empty()));
}

#[tokio::test]
async fn update_item_return_values_when_the_item_is_created() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    let upd = |k: &str, rv: ReturnValue| {
        c.update_item()
            .table_name(T)
            .set_key(Some(key1(k)))
            .update_expression("SET a = :one")
            .expression_attribute_values(":one", n(1))
            .return_values(rv)
            .send()
    };
    let out = upd("k1", ReturnValue::AllOld).await.unwrap();
    assert!(out.attributes.is_none_or(|a| a.is_empty()));
    let out = upd("k2", ReturnValue::UpdatedOld).await.unwrap();
    assert!(out.attributes.is_none_or(|a| a.is_empty()));
    let out = upd("k3", ReturnValue::AllNew).await.unwrap();
    assert_eq!(out.attributes, Some(item(&[("pk", s("k3")), ("a", n(1))])));
    let out = upd("k4", ReturnValue::UpdatedNew).await.unwrap();
    assert_eq!(out.attributes, Some(item(&[("a", n(1))])), "the key was not updated");
}

#[tokio::test]
async fn put_and_delete_accept_only_none_and_all_old() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    let it = item(&[("pk", s("k")), ("v", n(1))]);
    for rv in [ReturnValue::UpdatedOld, ReturnValue::UpdatedNew, ReturnValue::AllNew] {
        let (code, msg) = expect_err!(
            c.put_item().table_name(T).set_item(Some(it.clone())).return_values(rv.clone()).send().await
        );
        assert_eq!(
            (code.as_str(), msg.as_str()),
            ("ValidationException", "Return values set to invalid value")
        );
        let (code, msg) = expect_err!(
            c.delete_item().table_name(T).set_key(Some(key1("k"))).return_values(rv.clone()).send().await
        );
        assert_eq!(
            (code.as_str(), msg.as_str()),
            ("ValidationException", "Return values set to invalid value")
        );
    }
    assert_eq!(get(c, T, key1("k")).await, None, "the rejected put wrote nothing");
    // NONE and ALL_OLD.
    let out = c
        .put_item()
        .table_name(T)
        .set_item(Some(it.clone()))
        .return_values(ReturnValue::None)
        .send()
        .await
        .unwrap();
    assert!(out.attributes.is_none());
    let out = c
        .delete_item()
        .table_name(T)
        .set_key(Some(key1("none")))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .unwrap();
    assert!(out.attributes.is_none(), "nothing was deleted");
    c.put_item().table_name(T).set_item(Some(it.clone())).send().await.unwrap();
    let (code, _) = expect_err!(
        c.delete_item()
            .table_name(T)
            .set_key(Some(key1("k")))
            .return_values(ReturnValue::UpdatedOld)
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(get(c, T, key1("k")).await, Some(it.clone()), "the rejected delete deleted nothing");
    let out = c
        .delete_item()
        .table_name(T)
        .set_key(Some(key1("k")))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .unwrap();
    assert_eq!(out.attributes, Some(it));
}

// ---- Upserts and limits ------------------------------------------------------------

#[tokio::test]
async fn update_item_creates_a_missing_item_unless_the_condition_fails() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, true, &[], &[]).await;
    c.update_item()
        .table_name(T)
        .set_key(Some(key2("a", 1)))
        .update_expression("SET v = :v")
        .expression_attribute_values(":v", s("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(get(c, T, key2("a", 1)).await, Some(item(&[("pk", s("a")), ("sk", n(1)), ("v", s("x"))])));
    // No update expression at all: the key alone.
    c.update_item().table_name(T).set_key(Some(key2("a", 2))).send().await.unwrap();
    assert_eq!(get(c, T, key2("a", 2)).await, Some(key2("a", 2)));
    // The condition sees no item.
    let (code, msg) = expect_err!(
        c.update_item()
            .table_name(T)
            .set_key(Some(key2("a", 3)))
            .update_expression("SET v = :v")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":v", s("x"))
            .send()
            .await
    );
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("ConditionalCheckFailedException", "The conditional request failed")
    );
    assert_eq!(get(c, T, key2("a", 3)).await, None);
    c.update_item()
        .table_name(T)
        .set_key(Some(key2("a", 3)))
        .update_expression("SET v = :v")
        .condition_expression("attribute_not_exists(pk) AND attribute_not_exists(v)")
        .expression_attribute_values(":v", s("y"))
        .send()
        .await
        .unwrap();
    assert_eq!(get(c, T, key2("a", 3)).await.unwrap()["v"], s("y"));
}

#[tokio::test]
async fn item_size_limit_applies_to_the_updated_item() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    // 300,000 bytes now; `more` adds 4 bytes of name plus its value.
    let base = sized_item("k", 300_000);
    c.put_item().table_name(T).set_item(Some(base.clone())).send().await.unwrap();
    let room = 400 * 1024 - 300_000 - 4;
    let (code, msg) = expect_err!(
        c.update_item()
            .table_name(T)
            .set_key(Some(key1("k")))
            .update_expression("SET more = :v")
            .expression_attribute_values(":v", s(&"y".repeat(room + 1)))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Item size to update has exceeded the maximum allowed size");
    assert_eq!(get(c, T, key1("k")).await, Some(base));
    // Exactly 400 KB is fine.
    c.update_item()
        .table_name(T)
        .set_key(Some(key1("k")))
        .update_expression("SET more = :v")
        .expression_attribute_values(":v", s(&"y".repeat(room)))
        .send()
        .await
        .unwrap();
    // One more byte through an arithmetic-free SET of a one-character value.
    let (_, msg) = expect_err!(
        c.update_item()
            .table_name(T)
            .set_key(Some(key1("k")))
            .update_expression("SET z = :v")
            .expression_attribute_values(":v", AV::Bool(true))
            .send()
            .await
    );
    assert_eq!(msg, "Item size to update has exceeded the maximum allowed size");
}

#[tokio::test]
async fn index_key_attributes_must_have_the_index_key_type() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[("gsi", "g")], &[]).await;
    let (code, msg) = expect_err!(c.put_item().table_name(T).item("pk", s("k")).item("g", n(1)).send().await);
    assert_eq!(code, "ValidationException");
    assert!(
        msg.starts_with(
            "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N"
        ),
        "{msg}"
    );
    assert!(msg.contains("gsi"), "{msg}");
    c.put_item().table_name(T).item("pk", s("k")).item("g", s("ok")).send().await.unwrap();
    let (code, msg) = expect_err!(
        c.update_item()
            .table_name(T)
            .set_key(Some(key1("k")))
            .update_expression("SET g = :v")
            .expression_attribute_values(":v", AV::Bool(true))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert!(
        msg.starts_with("One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: BOOL"),
        "{msg}"
    );
    // An empty string cannot be an index key either.
    let (code, msg) =
        expect_err!(c.put_item().table_name(T).item("pk", s("k")).item("g", s("")).send().await);
    assert_eq!(code, "ValidationException");
    assert!(
        msg.starts_with("One or more parameter values are not valid. A value specified for a secondary index key is not supported."),
        "{msg}"
    );
    assert_eq!(get(c, T, key1("k")).await, Some(item(&[("pk", s("k")), ("g", s("ok"))])));
    // Without the attribute the item is simply not in the index.
    c.put_item().table_name(T).item("pk", s("k2")).item("other", n(1)).send().await.unwrap();
}

// ---- Consumed capacity ------------------------------------------------------------

fn units(cc: &Option<ConsumedCapacity>) -> f64 {
    let cc = cc.as_ref().expect("ConsumedCapacity returned");
    assert_eq!(cc.table_name(), Some(T));
    cc.capacity_units().expect("CapacityUnits")
}

#[tokio::test]
async fn write_capacity_is_one_unit_per_started_kilobyte() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    let put = |it: Item| {
        c.put_item()
            .table_name(T)
            .set_item(Some(it))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
    };
    let out = put(sized_item("a", 100)).await.unwrap();
    assert_eq!(units(&out.consumed_capacity), 1.0);
    let cc = out.consumed_capacity.unwrap();
    assert!(cc.write_capacity_units().is_none_or(|w| w == 1.0));
    assert!(cc.read_capacity_units().is_none_or(|r| r == 0.0));
    assert!(cc.table().is_none() && cc.global_secondary_indexes().is_none(), "TOTAL has no breakdown");
    assert_eq!(units(&put(sized_item("b", 1024)).await.unwrap().consumed_capacity), 1.0);
    assert_eq!(units(&put(sized_item("c", 1025)).await.unwrap().consumed_capacity), 2.0);
    assert_eq!(units(&put(sized_item("d", 1536)).await.unwrap().consumed_capacity), 2.0);
    assert_eq!(units(&put(sized_item("e", 3 * 1024)).await.unwrap().consumed_capacity), 3.0);
    // Replacing an item: the larger of the old and the new item.
    assert_eq!(units(&put(sized_item("e", 10)).await.unwrap().consumed_capacity), 3.0);
    assert_eq!(units(&put(sized_item("e", 10)).await.unwrap().consumed_capacity), 1.0);
    // Not asked for: not returned.
    assert!(c
        .put_item()
        .table_name(T)
        .set_item(Some(sized_item("f", 10)))
        .send()
        .await
        .unwrap()
        .consumed_capacity
        .is_none());
    let out = c
        .put_item()
        .table_name(T)
        .set_item(Some(sized_item("f", 10)))
        .return_consumed_capacity(ReturnConsumedCapacity::None)
        .send()
        .await
        .unwrap();
    assert!(out.consumed_capacity.is_none());

    // UpdateItem: the larger of the item before and after.
    let upd = |k: &str, len: usize| {
        c.update_item()
            .table_name(T)
            .set_key(Some(key1(k)))
            .update_expression("SET d = :v")
            .expression_attribute_values(":v", s(&"y".repeat(len)))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
    };
    put(sized_item("u", 2500)).await.unwrap();
    assert_eq!(units(&upd("u", 1).await.unwrap().consumed_capacity), 3.0, "2,500 bytes before");
    assert_eq!(units(&upd("u", 4000).await.unwrap().consumed_capacity), 4.0, "4,004 bytes after");
    assert_eq!(units(&upd("fresh", 1).await.unwrap().consumed_capacity), 1.0);

    // DeleteItem: the deleted item's size; a missing item still costs 1.
    let del = |k: &str| {
        c.delete_item()
            .table_name(T)
            .set_key(Some(key1(k)))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
    };
    put(sized_item("g", 2049)).await.unwrap();
    assert_eq!(units(&del("g").await.unwrap().consumed_capacity), 3.0);
    assert_eq!(units(&del("g").await.unwrap().consumed_capacity), 1.0);
}

#[tokio::test]
async fn write_capacity_sizes_documents_by_the_documented_rules() {
    // "A list or map requires 3 bytes of overhead ... Each List or Map element
    // also requires 1 byte of overhead"; a Boolean or null is 1 byte.
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    let put = |it: Item| {
        c.put_item()
            .table_name(T)
            .set_item(Some(it))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
    };
    // pk (3) + "l" (1) + 3 + 101 x (1 + 9) + (1 + last).
    let list = |last: usize| {
        let mut elems: Vec<AV> = (0..101).map(|_| s("123456789")).collect();
        elems.push(s(&"z".repeat(last)));
        item(&[("pk", s("k")), ("l", AV::L(elems))])
    };
    assert_eq!(units(&put(list(6)).await.unwrap().consumed_capacity), 1.0, "1,024 bytes");
    c.delete_item().table_name(T).key("pk", s("k")).send().await.unwrap();
    assert_eq!(units(&put(list(7)).await.unwrap().consumed_capacity), 2.0, "1,025 bytes");
    c.delete_item().table_name(T).key("pk", s("k")).send().await.unwrap();
    // pk (3) + "m" (1) + 3 + 169 x (1 + 4 + 1) + (1 + name + 1).
    let map = |last: &str| {
        let mut entries: Item = (0..169).map(|i| (format!("b{i:03}"), AV::Bool(i % 2 == 0))).collect();
        entries.insert(last.to_string(), AV::Null(true));
        item(&[("pk", s("k")), ("m", AV::M(entries))])
    };
    assert_eq!(units(&put(map("x")).await.unwrap().consumed_capacity), 1.0, "1,024 bytes");
    c.delete_item().table_name(T).key("pk", s("k")).send().await.unwrap();
    assert_eq!(units(&put(map("xx")).await.unwrap().consumed_capacity), 2.0, "1,025 bytes");
}

#[tokio::test]
async fn read_capacity_is_one_unit_per_started_4_kb_halved_for_eventual_consistency() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    for (k, size) in [("small", 100), ("exact", 4096), ("over", 4097), ("big", 10 * 1024)] {
        c.put_item().table_name(T).set_item(Some(sized_item(k, size))).send().await.unwrap();
    }
    let read = |k: &str, consistent: Option<bool>| {
        c.get_item()
            .table_name(T)
            .set_key(Some(key1(k)))
            .set_consistent_read(consistent)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
    };
    for (k, strong, eventual) in [
        ("small", 1.0, 0.5),
        ("exact", 1.0, 0.5),
        ("over", 2.0, 1.0),
        ("big", 3.0, 1.5),
        ("missing", 1.0, 0.5),
    ] {
        let out = read(k, Some(true)).await.unwrap();
        assert_eq!(units(&out.consumed_capacity), strong, "{k} strongly consistent");
        let cc = out.consumed_capacity.unwrap();
        assert!(cc.read_capacity_units().is_none_or(|r| r == strong));
        assert!(cc.write_capacity_units().is_none_or(|w| w == 0.0));
        assert_eq!(units(&read(k, Some(false)).await.unwrap().consumed_capacity), eventual, "{k} eventually");
        assert_eq!(units(&read(k, None).await.unwrap().consumed_capacity), eventual, "{k} default");
    }
    // Both read modes see the latest write (a single-node emulator is always consistent).
    c.put_item().table_name(T).item("pk", s("small")).item("v", n(2)).send().await.unwrap();
    for consistent in [true, false] {
        let got = c
            .get_item()
            .table_name(T)
            .key("pk", s("small"))
            .consistent_read(consistent)
            .send()
            .await
            .unwrap();
        assert_eq!(got.item.unwrap()["v"], n(2));
    }
    // A projection does not make a read cheaper.
    let out = c
        .get_item()
        .table_name(T)
        .key("pk", s("big"))
        .projection_expression("pk")
        .consistent_read(true)
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    assert_eq!(units(&out.consumed_capacity), 3.0);
    // INDEXES on a read of the table: the table's share.
    let out = c
        .get_item()
        .table_name(T)
        .key("pk", s("small"))
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .send()
        .await
        .unwrap();
    let cc = out.consumed_capacity.unwrap();
    assert_eq!(cc.capacity_units(), Some(0.5));
    assert_eq!(cc.table().and_then(|t| t.capacity_units()), Some(0.5));
}

#[tokio::test]
async fn indexes_breakdown_of_writes_with_a_global_secondary_index() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[("gsi", "g")], &[]).await;
    let put = |it: Item, mode: ReturnConsumedCapacity| {
        c.put_item().table_name(T).set_item(Some(it)).return_consumed_capacity(mode).send()
    };
    // In the index: table 1 + index 1.
    let out = put(item(&[("pk", s("a")), ("g", s("x"))]), ReturnConsumedCapacity::Indexes).await.unwrap();
    let cc = out.consumed_capacity.unwrap();
    assert_eq!(cc.capacity_units(), Some(2.0));
    assert_eq!(cc.table().and_then(|t| t.capacity_units()), Some(1.0));
    let gsis = cc.global_secondary_indexes().expect("GlobalSecondaryIndexes");
    assert_eq!(gsis.len(), 1);
    assert_eq!(gsis["gsi"].capacity_units(), Some(1.0));
    assert!(cc.local_secondary_indexes().is_none_or(|l| l.is_empty()));
    // TOTAL: the same sum, no breakdown.
    let out = put(item(&[("pk", s("b")), ("g", s("x"))]), ReturnConsumedCapacity::Total).await.unwrap();
    let cc = out.consumed_capacity.unwrap();
    assert_eq!(cc.capacity_units(), Some(2.0));
    assert!(cc.table().is_none() && cc.global_secondary_indexes().is_none());
    // Not in the index (no `g`): the table alone.
    let out = put(item(&[("pk", s("c")), ("h", s("x"))]), ReturnConsumedCapacity::Indexes).await.unwrap();
    let cc = out.consumed_capacity.unwrap();
    assert_eq!(cc.capacity_units(), Some(1.0));
    assert!(cc.global_secondary_indexes().is_none_or(|g| g.is_empty()));
    // Changing the index key: the index deletes the old entry and puts the new one.
    let out = c
        .update_item()
        .table_name(T)
        .set_key(Some(key1("a")))
        .update_expression("SET g = :v")
        .expression_attribute_values(":v", s("y"))
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .send()
        .await
        .unwrap();
    let cc = out.consumed_capacity.unwrap();
    assert_eq!(cc.capacity_units(), Some(3.0));
    assert_eq!(cc.global_secondary_indexes().unwrap()["gsi"].capacity_units(), Some(2.0));
    // Deleting an indexed item: the table and the index entry.
    let out = c
        .delete_item()
        .table_name(T)
        .set_key(Some(key1("a")))
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .send()
        .await
        .unwrap();
    let cc = out.consumed_capacity.unwrap();
    assert_eq!(cc.capacity_units(), Some(2.0));
    assert_eq!(cc.global_secondary_indexes().unwrap()["gsi"].capacity_units(), Some(1.0));
}

/// Table `T` (string `pk`) with a KEYS_ONLY GSI `keys` on string `g`.
async fn keys_only_gsi_table(c: &Client) {
    let attr = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .unwrap()
    };
    let hash = |name: &str| {
        KeySchemaElement::builder().attribute_name(name).key_type(KeyType::Hash).build().unwrap()
    };
    c.create_table()
        .table_name(T)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr("pk"))
        .attribute_definitions(attr("g"))
        .key_schema(hash("pk"))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("keys")
                .key_schema(hash("g"))
                .projection(Projection::builder().projection_type(ProjectionType::KeysOnly).build())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn index_write_units_follow_the_index_entry_not_the_item() {
    // Developer Guide, GSI write capacity: the index write is sized by the
    // index entry (index and table keys plus projected attributes): "Larger
    // index entries require additional write capacity units".
    let env = TestEnv::new().await;
    let c = &env.client;
    keys_only_gsi_table(c).await;
    // A 3 KB item whose index entry holds only pk and g.
    let mut it = sized_item("a", 3000);
    it.insert("g".into(), s("x"));
    let out = c
        .put_item()
        .table_name(T)
        .set_item(Some(it))
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .send()
        .await
        .unwrap();
    let cc = out.consumed_capacity.unwrap();
    assert_eq!(cc.table().and_then(|t| t.capacity_units()), Some(3.0));
    assert_eq!(cc.global_secondary_indexes().unwrap()["keys"].capacity_units(), Some(1.0));
    assert_eq!(cc.capacity_units(), Some(4.0));
}

#[tokio::test]
async fn writes_that_leave_the_index_entry_unchanged_cost_the_index_nothing() {
    // Developer Guide, GSI write capacity: "If a write to a table does not
    // require a global secondary index update, no write capacity is consumed
    // from the index."
    let env = TestEnv::new().await;
    let c = &env.client;
    keys_only_gsi_table(c).await;
    c.put_item().table_name(T).item("pk", s("a")).item("g", s("x")).send().await.unwrap();
    let out = c
        .update_item()
        .table_name(T)
        .set_key(Some(key1("a")))
        .update_expression("SET extra = :v")
        .expression_attribute_values(":v", s("y"))
        .return_consumed_capacity(ReturnConsumedCapacity::Indexes)
        .send()
        .await
        .unwrap();
    let cc = out.consumed_capacity.unwrap();
    assert_eq!(cc.table().and_then(|t| t.capacity_units()), Some(1.0));
    let gsi_units =
        cc.global_secondary_indexes().and_then(|g| g.get("keys")).and_then(|k| k.capacity_units());
    assert!(gsi_units.is_none_or(|u| u == 0.0), "index charged {gsi_units:?}");
    assert_eq!(cc.capacity_units(), Some(1.0));
}

// ---- Item collection metrics --------------------------------------------------------

#[tokio::test]
async fn item_collection_metrics_on_a_table_with_a_local_secondary_index() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, "lsitab", true, &[], &[("lsi", "l")]).await;
    create_table(c, T, true, &[], &[]).await;
    let put = |table: &str, mode: ReturnItemCollectionMetrics| {
        c.put_item()
            .table_name(table)
            .item("pk", s("a"))
            .item("sk", n(1))
            .item("l", s("x"))
            .return_item_collection_metrics(mode)
            .send()
    };
    let check = |m: Option<&aws_sdk_dynamodb::types::ItemCollectionMetrics>| {
        let m = m.expect("ItemCollectionMetrics");
        assert_eq!(m.item_collection_key(), Some(&item(&[("pk", s("a"))])));
        let range = m.size_estimate_range_gb();
        assert_eq!(range.len(), 2, "{range:?}");
        assert!(0.0 <= range[0] && range[0] <= range[1], "{range:?}");
    };
    let out = put("lsitab", ReturnItemCollectionMetrics::Size).await.unwrap();
    check(out.item_collection_metrics());
    let out = c
        .update_item()
        .table_name("lsitab")
        .set_key(Some(key2("a", 1)))
        .update_expression("SET v = :v")
        .expression_attribute_values(":v", n(1))
        .return_item_collection_metrics(ReturnItemCollectionMetrics::Size)
        .send()
        .await
        .unwrap();
    check(out.item_collection_metrics());
    let out = c
        .delete_item()
        .table_name("lsitab")
        .set_key(Some(key2("a", 1)))
        .return_item_collection_metrics(ReturnItemCollectionMetrics::Size)
        .send()
        .await
        .unwrap();
    check(out.item_collection_metrics());
    // NONE, and tables without local secondary indexes: nothing.
    let out = put("lsitab", ReturnItemCollectionMetrics::None).await.unwrap();
    assert!(out.item_collection_metrics.is_none());
    let out = put(T, ReturnItemCollectionMetrics::Size).await.unwrap();
    assert!(out.item_collection_metrics.is_none());
}

// ---- Legacy parameters ----------------------------------------------------------------

fn expected_value(v: AV) -> ExpectedAttributeValue {
    ExpectedAttributeValue::builder().value(v).build()
}

fn expected_op(op: ComparisonOperator, args: &[AV]) -> ExpectedAttributeValue {
    ExpectedAttributeValue::builder()
        .comparison_operator(op)
        .set_attribute_value_list((!args.is_empty()).then(|| args.to_vec()))
        .build()
}

#[tokio::test]
async fn legacy_expected_and_conditional_operator() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    let it = item(&[("pk", s("k")), ("n", n(5)), ("s", s("abc")), ("tags", ss(&["a", "b"]))]);
    // Exists: false on a new item.
    c.put_item()
        .table_name(T)
        .set_item(Some(it.clone()))
        .expected("pk", ExpectedAttributeValue::builder().exists(false).build())
        .send()
        .await
        .unwrap();
    let (code, msg) = expect_err!(
        c.put_item()
            .table_name(T)
            .set_item(Some(it.clone()))
            .expected("pk", ExpectedAttributeValue::builder().exists(false).build())
            .send()
            .await
    );
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("ConditionalCheckFailedException", "The conditional request failed")
    );

    // Evaluated with a PutItem of the same item.
    let holds = |entries: Vec<(&'static str, ExpectedAttributeValue)>, op: Option<ConditionalOperator>| {
        let mut req = c.put_item().table_name(T).set_item(Some(it.clone())).set_conditional_operator(op);
        for (k, e) in entries {
            req = req.expected(k, e);
        }
        async move {
            match req.send().await {
                Ok(_) => true,
                Err(e) => {
                    let (code, msg) = error_parts(&e);
                    assert_eq!(code, "ConditionalCheckFailedException", "{msg}");
                    false
                }
            }
        }
    };
    use ComparisonOperator as Op;
    assert!(holds(vec![("n", expected_value(n(5)))], None).await);
    assert!(
        holds(vec![("n", ExpectedAttributeValue::builder().value(n(5)).exists(true).build())], None).await
    );
    assert!(!holds(vec![("n", expected_value(n(6)))], None).await);
    assert!(!holds(vec![("n", expected_value(s("5")))], None).await);
    assert!(holds(vec![("n", expected_op(Op::Gt, &[n(4)]))], None).await);
    assert!(!holds(vec![("n", expected_op(Op::Lt, &[n(4)]))], None).await);
    assert!(holds(vec![("n", expected_op(Op::Between, &[n(5), n(9)]))], None).await);
    assert!(holds(vec![("n", expected_op(Op::In, &[n(1), n(5)]))], None).await);
    assert!(holds(vec![("s", expected_op(Op::BeginsWith, &[s("ab")]))], None).await);
    assert!(holds(vec![("tags", expected_op(Op::Contains, &[s("b")]))], None).await);
    assert!(holds(vec![("tags", expected_op(Op::NotContains, &[s("z")]))], None).await);
    assert!(holds(vec![("s", expected_op(Op::NotNull, &[]))], None).await);
    assert!(holds(vec![("nothing", expected_op(Op::Null, &[]))], None).await);
    assert!(!holds(vec![("s", expected_op(Op::Null, &[]))], None).await);
    assert!(holds(vec![("n", expected_op(Op::Ne, &[n(6)]))], None).await);
    // Several entries: AND by default, OR on request.
    let mixed = || vec![("n", expected_value(n(5))), ("s", expected_value(s("zzz")))];
    assert!(!holds(mixed(), None).await);
    assert!(!holds(mixed(), Some(ConditionalOperator::And)).await);
    assert!(holds(mixed(), Some(ConditionalOperator::Or)).await);

    // Invalid combinations are ValidationExceptions.
    for e in [
        ExpectedAttributeValue::builder().exists(true).build(),
        ExpectedAttributeValue::builder().exists(false).value(n(1)).build(),
        ExpectedAttributeValue::builder()
            .value(n(1))
            .comparison_operator(Op::Eq)
            .attribute_value_list(n(1))
            .build(),
        expected_op(Op::Between, &[n(1)]),
        expected_op(Op::Eq, &[]),
    ] {
        let (code, msg) = expect_err!(
            c.put_item().table_name(T).set_item(Some(it.clone())).expected("n", e.clone()).send().await
        );
        assert_eq!(code, "ValidationException", "{e:?}: {msg}");
        assert!(msg.starts_with("One or more parameter values were invalid: "), "{e:?}: {msg}");
    }

    // DeleteItem and UpdateItem take Expected too.
    let (code, _) = expect_err!(
        c.delete_item()
            .table_name(T)
            .set_key(Some(key1("k")))
            .expected("n", expected_value(n(0)))
            .send()
            .await
    );
    assert_eq!(code, "ConditionalCheckFailedException");
    c.delete_item()
        .table_name(T)
        .set_key(Some(key1("k")))
        .expected("n", expected_value(n(5)))
        .send()
        .await
        .unwrap();
    assert_eq!(get(c, T, key1("k")).await, None);
}

#[tokio::test]
async fn legacy_attributes_to_get_and_attribute_updates() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    c.put_item()
        .table_name(T)
        .set_item(Some(item(&[("pk", s("k")), ("a", n(1)), ("b", s("x")), ("c", ss(&["p", "q"]))])))
        .send()
        .await
        .unwrap();
    let got = c
        .get_item()
        .table_name(T)
        .key("pk", s("k"))
        .attributes_to_get("a")
        .attributes_to_get("c")
        .send()
        .await
        .unwrap();
    let got = got.item.unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got["a"], n(1));
    let got = c.get_item().table_name(T).key("pk", s("k")).attributes_to_get("zz").send().await.unwrap();
    assert_eq!(got.item, Some(Item::new()));

    let upd = |action: AttributeAction, v: Option<AV>| {
        AttributeValueUpdate::builder().action(action).set_value(v).build()
    };
    let out = c
        .update_item()
        .table_name(T)
        .set_key(Some(key1("k")))
        .attribute_updates("b", upd(AttributeAction::Put, Some(s("y"))))
        .attribute_updates("a", upd(AttributeAction::Add, Some(n(4))))
        .attribute_updates("c", upd(AttributeAction::Delete, Some(ss(&["p"]))))
        .attribute_updates("d", upd(AttributeAction::Add, Some(ss(&["new"]))))
        .attribute_updates("e", upd(AttributeAction::Add, Some(n(-2))))
        .return_values(ReturnValue::AllNew)
        .send()
        .await
        .unwrap();
    let got = out.attributes.unwrap();
    assert_eq!(got["b"], s("y"));
    assert_eq!(got["a"], n(5));
    assert_eq!(sorted_set(&got["c"]), vec!["q"]);
    assert_eq!(sorted_set(&got["d"]), vec!["new"]);
    assert_eq!(got["e"], n(-2), "ADD of a missing number starts from 0");
    // DELETE without a value removes the attribute; PUT is the default action.
    c.update_item()
        .table_name(T)
        .set_key(Some(key1("k")))
        .attribute_updates("b", AttributeValueUpdate::builder().action(AttributeAction::Delete).build())
        .attribute_updates("f", AttributeValueUpdate::builder().value(n(7)).build())
        .send()
        .await
        .unwrap();
    let got = get(c, T, key1("k")).await.unwrap();
    assert!(!got.contains_key("b"));
    assert_eq!(got["f"], n(7));
    // On a missing item, ADD creates it.
    c.update_item()
        .table_name(T)
        .set_key(Some(key1("new")))
        .attribute_updates("count", upd(AttributeAction::Add, Some(n(1))))
        .send()
        .await
        .unwrap();
    assert_eq!(get(c, T, key1("new")).await, Some(item(&[("pk", s("new")), ("count", n(1))])));
    // AttributeUpdates with Expected.
    let (code, _) = expect_err!(
        c.update_item()
            .table_name(T)
            .set_key(Some(key1("new")))
            .attribute_updates("count", upd(AttributeAction::Add, Some(n(1))))
            .expected("count", expected_value(n(5)))
            .send()
            .await
    );
    assert_eq!(code, "ConditionalCheckFailedException");
    // Key attributes cannot be updated this way either.
    let (code, msg) = expect_err!(
        c.update_item()
            .table_name(T)
            .set_key(Some(key1("new")))
            .attribute_updates("pk", upd(AttributeAction::Put, Some(s("other"))))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"
    );
    // ADD of a string, PUT without a value: rejected.
    for u in [upd(AttributeAction::Add, Some(s("x"))), upd(AttributeAction::Put, None)] {
        let (code, msg) = expect_err!(
            c.update_item()
                .table_name(T)
                .set_key(Some(key1("new")))
                .attribute_updates("z", u.clone())
                .send()
                .await
        );
        assert_eq!(code, "ValidationException", "{u:?}: {msg}");
    }
    assert_eq!(get(c, T, key1("new")).await, Some(item(&[("pk", s("new")), ("count", n(1))])));
}

#[tokio::test]
async fn legacy_delete_action_on_a_missing_item_creates_nothing() {
    // AttributeValueUpdate: "If no item with the specified Key is found: PUT -
    // DynamoDB creates a new item ...; DELETE - Nothing happens; there is no
    // attribute to delete; ADD - DynamoDB creates a new item ...".
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    c.update_item()
        .table_name(T)
        .set_key(Some(key1("ghost")))
        .attribute_updates("x", AttributeValueUpdate::builder().action(AttributeAction::Delete).build())
        .send()
        .await
        .unwrap();
    assert_eq!(get(c, T, key1("ghost")).await, None);
}

#[tokio::test]
async fn expression_and_legacy_parameters_cannot_be_mixed() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[], &[]).await;
    c.put_item().table_name(T).item("pk", s("k")).item("a", n(1)).send().await.unwrap();
    let text = |legacy: &str, expression: &str| {
        format!(
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {{{legacy}}} Expression parameters: {{{expression}}}"
        )
    };
    let (code, msg) = expect_err!(
        c.get_item()
            .table_name(T)
            .key("pk", s("k"))
            .attributes_to_get("a")
            .projection_expression("a")
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, text("AttributesToGet", "ProjectionExpression"));
    let (_, msg) = expect_err!(
        c.put_item()
            .table_name(T)
            .item("pk", s("k"))
            .expected("a", expected_value(n(1)))
            .condition_expression("attribute_exists(a)")
            .send()
            .await
    );
    assert_eq!(msg, text("Expected", "ConditionExpression"));
    let (_, msg) = expect_err!(
        c.update_item()
            .table_name(T)
            .set_key(Some(key1("k")))
            .attribute_updates("a", AttributeValueUpdate::builder().value(n(2)).build())
            .update_expression("SET b = :v")
            .expression_attribute_values(":v", n(1))
            .send()
            .await
    );
    assert_eq!(msg, text("AttributeUpdates", "UpdateExpression"));
    let (_, msg) = expect_err!(
        c.delete_item()
            .table_name(T)
            .set_key(Some(key1("k")))
            .expected("a", expected_value(n(1)))
            .condition_expression("attribute_exists(a)")
            .send()
            .await
    );
    assert_eq!(msg, text("Expected", "ConditionExpression"));
    assert!(
        msg.starts_with("Can not use both expression and non-expression parameters in the same request: ")
    );
    assert_eq!(get(c, T, key1("k")).await, Some(item(&[("pk", s("k")), ("a", n(1))])));
}
