//! Issue 15, messages: the service's texts for duplicate key attributes,
//! multi-attribute GSI keys, ExclusiveStartKey mismatches, out-of-range
//! list indexes, transaction size and stream toggles. The source of every
//! text is recorded next to it in `emulator/src/error/messages/`.

use super::query_scan::{create_table, gsi, item, key_schema, projection, put, s};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ProjectionType, ScalarAttributeType as T,
    StreamSpecification, TransactWriteItem,
};
use aws_sdk_dynamodb::Client;
use ddb_conformance::{expect_err, TestEnv};

fn attr(name: &str) -> AttributeDefinition {
    AttributeDefinition::builder().attribute_name(name).attribute_type(T::S).build().unwrap()
}

fn kse(name: &str, kt: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder().attribute_name(name).key_type(kt).build().unwrap()
}

/// A table `lists` (pk) holding `l = [a, b]` under pk "x".
async fn list_table(c: &Client) {
    create_table(c, "lists", &[("pk", T::S)], key_schema(&["pk"], &[]), vec![], vec![]).await;
    put(
        c,
        "lists",
        item(&[("pk", s("x")), ("l", aws_sdk_dynamodb::types::AttributeValue::L(vec![s("a"), s("b")]))]),
    )
    .await;
}

// ---- Out-of-range list indexes -------------------------------------------------------

#[tokio::test]
async fn a_list_index_beyond_the_allowed_range_has_its_own_message() {
    let env = TestEnv::new().await;
    let c = &env.client;
    list_table(c).await;
    let update = |expr: &'static str| {
        c.update_item()
            .table_name("lists")
            .key("pk", s("x"))
            .update_expression(expr)
            .expression_attribute_values(":v", s("c"))
            .send()
    };
    let (code, msg) = expect_err!(update("SET l[4294967295] = :v").await);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "1 validation error detected: Invalid UpdateExpression: List index is not within the allowable range; index: [4294967295]"
    );
    let (_, msg) = expect_err!(update("SET l[99999999999999999999] = :v").await);
    assert!(
        msg.ends_with("List index is not within the allowable range; index: [99999999999999999999]"),
        "{msg}"
    );
    // The largest allowed index appends, as any index past the end does.
    update("SET l[4294967294] = :v").await.expect("largest index accepted");
    let got = c.get_item().table_name("lists").key("pk", s("x")).send().await.unwrap();
    assert_eq!(got.item().unwrap()["l"].as_l().unwrap().len(), 3);
    // In a projection the text has no validator lead.
    let (code, msg) = expect_err!(
        c.get_item()
            .table_name("lists")
            .key("pk", s("x"))
            .projection_expression("l[99999999999999]")
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "Invalid ProjectionExpression: List index is not within the allowable range; index: [99999999999999]"
    );
}

// ---- Duplicate key attributes ---------------------------------------------------------

#[tokio::test]
async fn duplicate_key_attributes_in_create_table() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let base = || c.create_table().table_name("dups").billing_mode(BillingMode::PayPerRequest);
    // One attribute as HASH and RANGE.
    let (code, msg) = expect_err!(
        base()
            .attribute_definitions(attr("a"))
            .key_schema(kse("a", KeyType::Hash))
            .key_schema(kse("a", KeyType::Range))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "Invalid KeySchema: Both the Hash Key and the Range Key element in the KeySchema have the same name"
    );
    // One attribute defined twice.
    let (_, msg) = expect_err!(
        base()
            .attribute_definitions(attr("a"))
            .attribute_definitions(attr("a"))
            .key_schema(kse("a", KeyType::Hash))
            .send()
            .await
    );
    // The service's text (quoted in scylladb/scylladb#13870).
    assert_eq!(msg, "Attribute Name is duplicated: a");
    // A GSI naming one attribute as two partition key elements: not "Hash
    // Key and Range Key".
    let (code, msg) = expect_err!(
        base()
            .attribute_definitions(attr("pk"))
            .attribute_definitions(attr("g"))
            .key_schema(kse("pk", KeyType::Hash))
            .global_secondary_indexes(gsi("byg", &["g", "g"], &[], projection(ProjectionType::All, &[])))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Invalid KeySchema: Some index key attributes are duplicated");
}

// ---- Multi-attribute GSI keys -----------------------------------------------------------

#[tokio::test]
async fn multi_attribute_gsi_key_conditions_name_the_problem() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(
        c,
        "multi",
        &[("pk", T::S), ("g1", T::S), ("g2", T::S), ("s1", T::S)],
        key_schema(&["pk"], &[]),
        vec![gsi("bygg", &["g1", "g2"], &["s1"], projection(ProjectionType::All, &[]))],
        vec![],
    )
    .await;
    let q = |kce: &'static str| {
        c.query()
            .table_name("multi")
            .index_name("bygg")
            .key_condition_expression(kce)
            .expression_attribute_values(":a", s("x"))
            .expression_attribute_values(":b", s("y"))
            .send()
    };
    // Four conditions on a three-attribute key: the repeated key is the
    // problem, not "length 1 or 2".
    let (code, msg) = expect_err!(q("g1 = :a AND g2 = :a AND s1 > :a AND s1 < :b").await);
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "KeyConditionExpressions must only contain one condition per key");
    // A condition on a non-key attribute beside every key attribute.
    let (_, msg) = expect_err!(q("g1 = :a AND g2 = :a AND s1 = :a AND pk = :b").await);
    assert_eq!(msg, "Query key condition not supported");
    // Every partition key attribute is required.
    let (_, msg) = expect_err!(q("g1 = :a AND s1 = :b").await);
    assert_eq!(msg, "Query condition missed key schema element: g2");
    // A single-attribute key keeps the service's own count message.
    let (_, msg) = expect_err!(
        c.query()
            .table_name("multi")
            .key_condition_expression("pk = :a AND pk = :a AND pk = :b")
            .expression_attribute_values(":a", s("x"))
            .expression_attribute_values(":b", s("y"))
            .send()
            .await
    );
    assert_eq!(msg, "Conditions can be of length 1 or 2 only");
}

// ---- ExclusiveStartKey ----------------------------------------------------------------------

#[tokio::test]
async fn start_keys_that_do_not_fit_the_schema() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(
        c,
        "esk",
        &[("pk", T::S), ("sk", T::S), ("g", T::S)],
        key_schema(&["pk"], &["sk"]),
        vec![gsi("byg", &["g"], &[], projection(ProjectionType::All, &[]))],
        vec![],
    )
    .await;
    let short = std::collections::HashMap::from([("pk".to_string(), s("x"))]);
    // Query: "The provided starting key is invalid" (quoted: pynamodb#50,
    // a Query with a key of other attributes; dynogels#184, an index Query
    // whose key lacks the index's sort key).
    let (code, msg) = expect_err!(
        c.query()
            .table_name("esk")
            .key_condition_expression("pk = :a")
            .expression_attribute_values(":a", s("x"))
            .set_exclusive_start_key(Some(short.clone()))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "The provided starting key is invalid");
    let (_, msg) = expect_err!(
        c.query()
            .table_name("esk")
            .index_name("byg")
            .key_condition_expression("g = :a")
            .expression_attribute_values(":a", s("x"))
            .set_exclusive_start_key(Some(std::collections::HashMap::from([
                ("pk".to_string(), s("x")),
                ("sk".to_string(), s("y")),
            ])))
            .send()
            .await
    );
    assert_eq!(msg, "The provided starting key is invalid");
    // A start key of another partition than the key condition's: its own
    // text (matched verbatim by applications, e.g. the backendjs driver).
    let (code, msg) = expect_err!(
        c.query()
            .table_name("esk")
            .key_condition_expression("pk = :a")
            .expression_attribute_values(":a", s("x"))
            .set_exclusive_start_key(Some(std::collections::HashMap::from([
                ("pk".to_string(), s("other")),
                ("sk".to_string(), s("y")),
            ])))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "The provided starting key is outside query boundaries based on provided conditions");
    let (_, msg) = expect_err!(
        c.query()
            .table_name("esk")
            .index_name("byg")
            .key_condition_expression("g = :a")
            .expression_attribute_values(":a", s("x"))
            .set_exclusive_start_key(Some(std::collections::HashMap::from([
                ("pk".to_string(), s("x")),
                ("sk".to_string(), s("y")),
                ("g".to_string(), s("elsewhere")),
            ])))
            .send()
            .await
    );
    assert_eq!(msg, "The provided starting key is outside query boundaries based on provided conditions");
    // Scan: with the schema detail (quoted: baopham/laravel-dynamodb#200).
    let (_, msg) = expect_err!(c.scan().table_name("esk").set_exclusive_start_key(Some(short)).send().await);
    assert_eq!(
        msg,
        "The provided starting key is invalid: The provided key element does not match the schema"
    );
}

// ---- Transactions -------------------------------------------------------------------------------

#[tokio::test]
async fn transaction_size_and_shape_messages() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, "txn", &[("pk", T::S)], key_schema(&["pk"], &[]), vec![], vec![]).await;
    let put_of = |k: &str, blob: &str| {
        TransactWriteItem::builder()
            .put(
                aws_sdk_dynamodb::types::Put::builder()
                    .table_name("txn")
                    .set_item(Some(item(&[("pk", s(k)), ("b", s(blob))])))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let many: Vec<_> = (0..101).map(|i| put_of(&format!("k{i}"), "x")).collect();
    let (code, msg) = expect_err!(c.transact_write_items().set_transact_items(Some(many)).send().await);
    assert_eq!(code, "ValidationException");
    assert!(
        msg.ends_with("failed to satisfy constraint: Member must have length less than or equal to 100"),
        "{msg}"
    );
    let (_, msg) = expect_err!(
        c.transact_write_items()
            .transact_items(put_of("a", "x"))
            .transact_items(put_of("a", "y"))
            .send()
            .await
    );
    assert_eq!(msg, "Transaction request cannot include multiple operations on one item");
    let blob = "x".repeat(390_000);
    let big: Vec<_> = (0..11).map(|i| put_of(&format!("k{i}"), &blob)).collect();
    let (code, _) = expect_err!(c.transact_write_items().set_transact_items(Some(big)).send().await);
    assert_eq!(code, "ValidationException");
}

// ---- Streams ----------------------------------------------------------------------------------

#[tokio::test]
async fn disabling_a_stream_that_is_not_enabled_is_a_validation_error() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, "strm", &[("pk", T::S)], key_schema(&["pk"], &[]), vec![], vec![]).await;
    let (code, msg) = expect_err!(
        c.update_table()
            .table_name("strm")
            .stream_specification(StreamSpecification::builder().stream_enabled(false).build().unwrap())
            .send()
            .await
    );
    // API reference, UpdateTable StreamSpecification: "You receive a
    // ValidationException if you try to [...] disable a stream on a table
    // that doesn't have a stream."
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Table does not have an enabled stream: TableName: strm");
}
