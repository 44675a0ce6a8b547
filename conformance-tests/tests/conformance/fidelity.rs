//! Issue 15, "fidelity sweep": the service's behaviour in the corners real
//! applications hit, and their neighbours. Each test names the behaviour;
//! each would fail against the emulator before the fix.
//!
//! Sources: the Developer Guide ("Update expressions", "Condition and filter
//! expressions", "Legacy conditional parameters", "Global secondary
//! indexes", "Quotas": key sizes, the 300-operator and 4 KB expression
//! limits), the API reference (AttributeValueUpdate: legacy ADD on a list
//! appends; Condition: NOT_CONTAINS) and behaviour observed on the live
//! service as the issue records it (`<>` against a missing attribute is
//! true; parenthesised SET operands; functions with a constant first
//! operand; KeyConditions beside FilterExpression / ProjectionExpression;
//! 149 levels of parentheses accepted; GSI backfill skipping items it cannot
//! index).

use super::batches::{create_table, get, item, key1, n, s, Item};
use aws_sdk_dynamodb::types::{
    AttributeAction, AttributeDefinition, AttributeValue as AV, AttributeValueUpdate, ComparisonOperator,
    Condition, ConditionalOperator, CreateGlobalSecondaryIndexAction, ExpectedAttributeValue,
    GlobalSecondaryIndexUpdate, KeySchemaElement, KeyType, Projection, ProjectionType, ReturnValue,
    ScalarAttributeType,
};
use aws_sdk_dynamodb::Client;
use ddb_conformance::{expect_err, TestEnv};
use std::collections::HashMap;

const T: &str = "fidelity";

fn vals(pairs: &[(&str, AV)]) -> Option<Item> {
    (!pairs.is_empty()).then(|| item(pairs))
}

fn names(pairs: &[(&str, &str)]) -> Option<HashMap<String, String>> {
    (!pairs.is_empty()).then(|| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
}

async fn table_with(c: &Client, items: &[Item]) {
    create_table(c, T, false, &[], &[]).await;
    for it in items {
        c.put_item().table_name(T).set_item(Some(it.clone())).send().await.expect("seed");
    }
}

/// Whether `cond` holds on the item with key `pk` (a conditional PutItem of
/// the same item, so nothing changes either way).
async fn holds(c: &Client, pk: &str, cond: &str, value_pairs: &[(&str, AV)]) -> bool {
    let current = get(c, T, key1(pk)).await.unwrap_or_else(|| key1(pk));
    match c
        .put_item()
        .table_name(T)
        .set_item(Some(current))
        .condition_expression(cond)
        .set_expression_attribute_values(vals(value_pairs))
        .send()
        .await
    {
        Ok(_) => true,
        Err(e) => {
            let (code, msg) = ddb_conformance::error_parts(&e);
            assert_eq!(code, "ConditionalCheckFailedException", "`{cond}`: {msg}");
            false
        }
    }
}

// ---- Update expressions ------------------------------------------------------------

#[tokio::test]
async fn set_operands_and_whole_values_may_stand_in_parentheses() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[item(&[("pk", s("a")), ("d", n(10))])]).await;
    let vs = [(":v", n(3)), (":z", n(0))];
    for (expr, want) in [
        ("SET #d = (if_not_exists(#d, :z) - :v)", "7"),
        ("SET #d = (:v)", "3"),
        ("SET #d = :z - (:v)", "-3"),
        ("SET #d = ((#d) + (:v))", "0"),
    ] {
        let used: Vec<(&str, AV)> = vs.iter().filter(|(k, _)| expr.contains(k)).cloned().collect();
        c.update_item()
            .table_name(T)
            .set_key(Some(key1("a")))
            .update_expression(expr)
            .expression_attribute_names("#d", "d")
            .set_expression_attribute_values(vals(&used))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{expr}: {e:?}"));
        assert_eq!(get(c, T, key1("a")).await.unwrap()["d"], n(want), "{expr}");
    }
    // Still one arithmetic operator per action.
    let (code, msg) = expect_err!(
        c.update_item()
            .table_name(T)
            .set_key(Some(key1("a")))
            .update_expression("SET d = (d + :v) + :v")
            .set_expression_attribute_values(vals(&vs[..1]))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert!(msg.starts_with("Invalid UpdateExpression: Syntax error; token: \"+\""), "{msg}");
}

#[tokio::test]
async fn remove_under_a_missing_top_level_attribute_is_an_invalid_path() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[item(&[("pk", s("a")), ("m", AV::M(item(&[("x", n(1))])))])]).await;
    for expr in ["REMOVE nope.b", "REMOVE nope[0]"] {
        let (code, msg) = expect_err!(
            c.update_item().table_name(T).set_key(Some(key1("a"))).update_expression(expr).send().await
        );
        assert_eq!(code, "ValidationException", "{expr}");
        assert_eq!(
            msg, "The document path provided in the update expression is invalid for update",
            "{expr}"
        );
    }
    // A missing nested member under an existing attribute is still a no-op.
    c.update_item()
        .table_name(T)
        .set_key(Some(key1("a")))
        .update_expression("REMOVE m.nope")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn list_append_directly_inside_list_append_is_refused() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[item(&[("pk", s("a")), ("l", AV::L(vec![n(1)]))])]).await;
    let vs = [(":x", AV::L(vec![n(2)])), (":e", AV::L(vec![]))];
    let (code, msg) = expect_err!(
        c.update_item()
            .table_name(T)
            .set_key(Some(key1("a")))
            .update_expression("SET l = list_append(list_append(l, :x), :x)")
            .set_expression_attribute_values(vals(&vs[..1]))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: list_append"
    );
    // if_not_exists inside list_append is the documented idiom.
    c.update_item()
        .table_name(T)
        .set_key(Some(key1("a")))
        .update_expression("SET l = list_append(if_not_exists(l, :e), :x)")
        .set_expression_attribute_values(vals(&vs))
        .send()
        .await
        .unwrap();
    assert_eq!(get(c, T, key1("a")).await.unwrap()["l"], AV::L(vec![n(1), n(2)]));
}

// ---- Conditions and filters ----------------------------------------------------------

#[tokio::test]
async fn not_equal_against_a_missing_attribute_is_true() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[item(&[("pk", s("a")), ("x", n(1))])]).await;
    let v = [(":v", n(5))];
    assert!(holds(c, "a", "nope <> :v", &v).await);
    assert!(!holds(c, "a", "NOT nope <> :v", &v).await);
    assert!(holds(c, "a", "x = :v OR nope <> :v", &v).await);
    assert!(!holds(c, "a", "nope = :v", &v).await);
    // UpdateItem and DeleteItem conditions alike.
    c.update_item()
        .table_name(T)
        .set_key(Some(key1("a")))
        .update_expression("SET y = :v")
        .condition_expression("nope <> :v")
        .set_expression_attribute_values(vals(&v))
        .send()
        .await
        .unwrap();
    // Query and Scan filters.
    let scanned = c
        .scan()
        .table_name(T)
        .filter_expression("nope <> :v")
        .set_expression_attribute_values(vals(&v))
        .send()
        .await
        .unwrap();
    assert_eq!(scanned.count(), 1);
    let queried = c
        .query()
        .table_name(T)
        .key_condition_expression("pk = :pk")
        .filter_expression("nope <> :v")
        .set_expression_attribute_values(vals(&[(":pk", s("a")), (":v", n(5))]))
        .send()
        .await
        .unwrap();
    assert_eq!(queried.count(), 1);
    c.delete_item()
        .table_name(T)
        .set_key(Some(key1("a")))
        .condition_expression("nope <> :v")
        .set_expression_attribute_values(vals(&v))
        .send()
        .await
        .unwrap();
    assert!(get(c, T, key1("a")).await.is_none());
}

#[tokio::test]
async fn functions_take_a_constant_as_first_operand() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[item(&[("pk", s("a")), ("p", s("ab"))])]).await;
    let vs = [(":v", s("abc")), (":t", s("S")), (":n", n(3))];
    assert!(holds(c, "a", "attribute_type(:v, :t)", &vs[..2]).await);
    assert!(holds(c, "a", "begins_with(:v, p)", &vs[..1]).await);
    assert!(holds(c, "a", "size(:v) = :n", &[vs[0].clone(), vs[2].clone()]).await);
    assert!(!holds(c, "a", "size(:v) > :n", &[vs[0].clone(), vs[2].clone()]).await);
    // size of a constant that has no size is an operand type error.
    let (code, msg) = expect_err!(
        c.put_item()
            .table_name(T)
            .set_item(Some(key1("a")))
            .condition_expression("size(:n) = :n")
            .set_expression_attribute_values(vals(&vs[2..]))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"
    );
}

#[tokio::test]
async fn deep_nesting_is_limited_only_by_operators_and_size() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[item(&[("pk", s("a")), ("x", n(1))])]).await;
    // 149 levels of parentheses, 149 comparisons: accepted.
    let mut cond = "x = :v".to_string();
    for _ in 0..148 {
        cond = format!("(x = :v AND {cond})");
    }
    assert!(cond.len() < 4096);
    assert!(holds(c, "a", &cond, &[(":v", n(1))]).await);
    // 300 NOTs deep.
    let nots = format!("{}x = :v", "NOT NOT ".repeat(150));
    assert!(holds(c, "a", &nots, &[(":v", n(1))]).await);
}

// ---- Legacy parameters -------------------------------------------------------------

fn expected(op: ComparisonOperator, values: &[AV]) -> ExpectedAttributeValue {
    ExpectedAttributeValue::builder()
        .comparison_operator(op)
        .set_attribute_value_list(Some(values.to_vec()))
        .build()
}

#[tokio::test]
async fn legacy_not_contains_on_a_missing_attribute_fails() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[item(&[("pk", s("a")), ("x", s("hello"))])]).await;
    let put = |attr: &str| {
        c.put_item()
            .table_name(T)
            .set_item(Some(item(&[("pk", s("a")), ("x", s("hello"))])))
            .expected(attr, expected(ComparisonOperator::NotContains, &[s("z")]))
            .send()
    };
    put("x").await.unwrap();
    let (code, _) = expect_err!(put("nope").await);
    assert_eq!(code, "ConditionalCheckFailedException");
    // NE on a missing attribute holds.
    c.put_item()
        .table_name(T)
        .set_item(Some(item(&[("pk", s("a")), ("x", s("hello"))])))
        .expected("nope", expected(ComparisonOperator::Ne, &[s("z")]))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn legacy_add_appends_to_a_list() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[item(&[("pk", s("a")), ("l", AV::L(vec![n(1)]))])]).await;
    let add = |attr: &str| {
        c.update_item()
            .table_name(T)
            .set_key(Some(key1("a")))
            .attribute_updates(
                attr,
                AttributeValueUpdate::builder().action(AttributeAction::Add).value(AV::L(vec![n(2)])).build(),
            )
            .send()
    };
    add("l").await.unwrap();
    add("fresh").await.unwrap();
    let it = get(c, T, key1("a")).await.unwrap();
    assert_eq!(it["l"], AV::L(vec![n(1), n(2)]));
    assert_eq!(it["fresh"], AV::L(vec![n(2)]));
}

#[tokio::test]
async fn legacy_in_of_mixed_types_and_between_out_of_order_are_validation_errors() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[item(&[("pk", s("a")), ("x", n(3))])]).await;
    let scan = |op: ComparisonOperator, values: Vec<AV>| {
        c.scan()
            .table_name(T)
            .scan_filter(
                "x",
                Condition::builder()
                    .comparison_operator(op)
                    .set_attribute_value_list(Some(values))
                    .build()
                    .unwrap(),
            )
            .send()
    };
    let (code, _) = expect_err!(scan(ComparisonOperator::In, vec![n(3), s("3")]).await);
    assert_eq!(code, "ValidationException");
    let (code, msg) = expect_err!(scan(ComparisonOperator::Between, vec![n(5), n(1)]).await);
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("lower bound"), "{msg}");
    assert_eq!(scan(ComparisonOperator::Between, vec![n(1), n(5)]).await.unwrap().count(), 1);
    // The same in Expected: an error, not a failed condition.
    let (code, _) = expect_err!(
        c.put_item()
            .table_name(T)
            .set_item(Some(key1("a")))
            .expected("x", expected(ComparisonOperator::Between, &[n(5), n(1)]))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn conditional_operator_needs_conditions_to_combine() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[]).await;
    let (code, msg) = expect_err!(
        c.put_item()
            .table_name(T)
            .set_item(Some(key1("a")))
            .conditional_operator(ConditionalOperator::And)
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("ConditionalOperator"), "{msg}");
    let (code, _) =
        expect_err!(c.scan().table_name(T).conditional_operator(ConditionalOperator::Or).send().await);
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn key_conditions_mix_with_filter_and_projection_expressions() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[item(&[("pk", s("a")), ("x", n(1)), ("y", n(2))])]).await;
    let kc = Condition::builder()
        .comparison_operator(ComparisonOperator::Eq)
        .attribute_value_list(s("a"))
        .build()
        .unwrap();
    let out = c
        .query()
        .table_name(T)
        .key_conditions("pk", kc.clone())
        .filter_expression("x = :one")
        .projection_expression("y")
        .expression_attribute_values(":one", n(1))
        .send()
        .await
        .unwrap();
    assert_eq!(out.items(), &[item(&[("y", n(2))])]);
    // QueryFilter beside KeyConditionExpression is refused.
    let (code, msg) = expect_err!(
        c.query()
            .table_name(T)
            .key_condition_expression("pk = :a")
            .expression_attribute_values(":a", s("a"))
            .query_filter(
                "x",
                Condition::builder().comparison_operator(ComparisonOperator::NotNull).build().unwrap()
            )
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {QueryFilter} Expression parameters: {KeyConditionExpression}"
    );
    // KeyConditions beside KeyConditionExpression is refused.
    let (code, _) = expect_err!(
        c.query()
            .table_name(T)
            .key_conditions("pk", kc)
            .key_condition_expression("pk = :a")
            .expression_attribute_values(":a", s("a"))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
}

// ---- Attribute names -----------------------------------------------------------------

#[tokio::test]
async fn empty_attribute_names_are_refused() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[key1("a")]).await;
    let (code, _) = expect_err!(
        c.put_item().table_name(T).set_item(Some(item(&[("pk", s("b")), ("", n(1))]))).send().await
    );
    assert_eq!(code, "ValidationException", "top-level name");
    let (code, _) = expect_err!(
        c.put_item()
            .table_name(T)
            .set_item(Some(item(&[("pk", s("b")), ("m", AV::M(item(&[("", n(1))])))])))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException", "map key");
    let (code, _) = expect_err!(c.get_item().table_name(T).set_key(Some(item(&[("", s("a"))]))).send().await);
    assert_eq!(code, "ValidationException", "key");
    let (code, msg) = expect_err!(
        c.get_item()
            .table_name(T)
            .set_key(Some(key1("a")))
            .projection_expression("#e")
            .set_expression_attribute_names(names(&[("#e", "")]))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException", "ExpressionAttributeNames");
    assert!(msg.starts_with("ExpressionAttributeNames contains invalid value"), "{msg}");
    let (code, _) =
        expect_err!(c.get_item().table_name(T).set_key(Some(key1("a"))).attributes_to_get("").send().await);
    assert_eq!(code, "ValidationException", "AttributesToGet");
    assert!(get(c, T, key1("b")).await.is_none());
}

// ---- Secondary index keys --------------------------------------------------------------

#[tokio::test]
async fn writes_check_index_key_sizes() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, false, &[("by_g", "g")], &[]).await;
    let big = "x".repeat(2049);
    let (code, msg) = expect_err!(
        c.put_item().table_name(T).set_item(Some(item(&[("pk", s("a")), ("g", s(&big))]))).send().await
    );
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("2048"), "{msg}");
    c.put_item()
        .table_name(T)
        .set_item(Some(item(&[("pk", s("a")), ("g", s(&big[..2048]))])))
        .send()
        .await
        .unwrap();
    let (code, _) = expect_err!(
        c.update_item()
            .table_name(T)
            .set_key(Some(key1("a")))
            .update_expression("SET g = :g")
            .expression_attribute_values(":g", s(&big))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn a_new_gsi_leaves_out_items_it_cannot_index() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(
        c,
        &[
            item(&[("pk", s("good")), ("g", s("v"))]),
            item(&[("pk", s("number")), ("g", n(1))]),
            item(&[("pk", s("empty")), ("g", s(""))]),
            item(&[("pk", s("big")), ("g", s(&"x".repeat(2049)))]),
        ],
    )
    .await;
    c.update_table()
        .table_name(T)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("g")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .global_secondary_index_updates(
            GlobalSecondaryIndexUpdate::builder()
                .create(
                    CreateGlobalSecondaryIndexAction::builder()
                        .index_name("by_g")
                        .key_schema(
                            KeySchemaElement::builder()
                                .attribute_name("g")
                                .key_type(KeyType::Hash)
                                .build()
                                .unwrap(),
                        )
                        .projection(Projection::builder().projection_type(ProjectionType::All).build())
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let scanned = c.scan().table_name(T).index_name("by_g").send().await.unwrap();
    let keys: Vec<&AV> = scanned.items().iter().map(|i| &i["pk"]).collect();
    assert_eq!(keys, vec![&s("good")]);
}

// ---- UpdateItem on a missing item -------------------------------------------------------

#[tokio::test]
async fn update_of_a_missing_item_with_only_remove_creates_nothing() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[]).await;
    let out = c
        .update_item()
        .table_name(T)
        .set_key(Some(key1("a")))
        .update_expression("REMOVE x")
        .return_values(ReturnValue::AllNew)
        .send()
        .await
        .unwrap();
    assert!(out.attributes().is_none(), "{:?}", out.attributes());
    assert!(get(c, T, key1("a")).await.is_none());
}

#[tokio::test]
async fn update_of_a_missing_item_with_empty_attribute_updates_creates_the_key() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[]).await;
    c.update_item()
        .table_name(T)
        .set_key(Some(key1("a")))
        .set_attribute_updates(Some(HashMap::new()))
        .send()
        .await
        .unwrap();
    assert_eq!(get(c, T, key1("a")).await, Some(key1("a")));
    // Legacy DELETE of a missing attribute on a missing item: nothing.
    c.update_item()
        .table_name(T)
        .set_key(Some(key1("b")))
        .attribute_updates("x", AttributeValueUpdate::builder().action(AttributeAction::Delete).build())
        .send()
        .await
        .unwrap();
    assert!(get(c, T, key1("b")).await.is_none());
}

#[tokio::test]
async fn transactional_update_of_a_missing_item_with_only_remove_creates_nothing() {
    use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[]).await;
    c.transact_write_items()
        .transact_items(
            TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name(T)
                        .set_key(Some(key1("a")))
                        .update_expression("REMOVE x")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(get(c, T, key1("a")).await.is_none());
}

// ---- Request validation and its order ------------------------------------------------

#[tokio::test]
async fn data_plane_table_names_are_validated_before_the_lookup() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let (code, msg) = expect_err!(c.get_item().table_name("ab").set_key(Some(key1("a"))).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "1 validation error detected: Value 'ab' at 'TableName' failed to satisfy constraint: Member must have length greater than or equal to 3"
    );
    let (code, _) = expect_err!(c.scan().table_name("bad name").send().await);
    assert_eq!(code, "ValidationException");
    // A well-formed name that does not exist, or an ARN, is looked up.
    let (code, _) = expect_err!(c.scan().table_name("missing").send().await);
    assert_eq!(code, "ResourceNotFoundException");
    let (code, _) = expect_err!(
        c.scan().table_name("arn:aws:dynamodb:us-east-1:000000000000:table/missing").send().await
    );
    assert_eq!(code, "ResourceNotFoundException");
    // CreateTable: the name is reported before a malformed key schema.
    let (code, msg) = expect_err!(
        c.create_table()
            .table_name("a!")
            .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("pk")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .unwrap()
            )
            .key_schema(
                KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Range).build().unwrap()
            )
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert!(msg.starts_with("2 validation errors detected: Value 'a!' at 'TableName'"), "{msg}");
}

/// Below the SDK (which always signs with the current time): a request
/// dated 20 minutes ago with a malformed Authorization header.
#[tokio::test]
async fn an_expired_request_date_is_reported_before_a_malformed_authorization_header() {
    let env = TestEnv::new().await;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let stale = ddb_emulator_date(now - 20 * 60);
    let resp = reqwest::Client::new()
        .post(&env.endpoint)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "DynamoDB_20120810.ListTables")
        .header("x-amz-date", &stale)
        .header("authorization", "AWS4-HMAC-SHA256 garbage")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["__type"], "com.amazon.coral.service#InvalidSignatureException");
    let msg = body["message"].as_str().unwrap();
    assert!(msg.starts_with(&format!("Signature expired: {stale} is now earlier than ")), "{msg}");
    assert!(msg.ends_with(" - 15 min.)"), "{msg}");
}

/// The signature date is judged against the real system time, never the
/// emulator's manual clock: tests set that clock years away (backups, PITR,
/// exports) and the SDK still signs with the current time.
#[tokio::test]
async fn a_manual_clock_far_from_now_does_not_expire_signatures() {
    let emu = ddb_emulator::Emulator::builder().start().await.unwrap();
    let client = ddb_conformance::client_for(&emu.endpoint());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    // Years ahead (2040), then years behind (2001): requests still get through.
    for at_ms in [2_210_000_000_000u64, 1_000_000_000_000] {
        emu.service().clock.set_ms(at_ms);
        let name = format!("clock{at_ms}");
        create_table(&client, &name, false, &[], &[]).await;
        client.put_item().table_name(&name).set_item(Some(key1("a"))).send().await.expect("put");
        assert_eq!(get(&client, &name, key1("a")).await, Some(key1("a")));
        let tables = client.list_tables().send().await.expect("list").table_names.unwrap_or_default();
        assert!(tables.contains(&name), "{tables:?}");
    }
    // A date 20 minutes old is stale even when the manual clock stands at it.
    let stale = ddb_emulator_date(now - 20 * 60);
    emu.service().clock.set_ms(((now - 20 * 60) * 1000) as u64);
    let resp = reqwest::Client::new()
        .post(emu.endpoint())
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "DynamoDB_20120810.ListTables")
        .header("x-amz-date", &stale)
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=k/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00",
        )
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["__type"], "com.amazon.coral.service#InvalidSignatureException");
}

/// `YYYYMMDDTHHMMSSZ` of seconds since the epoch (Hinnant's civil-from-days).
fn ddb_emulator_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let t = secs.rem_euclid(86_400);
    format!("{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", t / 3600, t / 60 % 60, t % 60)
}

// ---- Endpoints and profiles ------------------------------------------------------------

#[tokio::test]
async fn describe_endpoints_and_the_health_check_name_the_emulator() {
    let env = TestEnv::new().await;
    let e = env.client.describe_endpoints().send().await.unwrap();
    let own = env.endpoint.trim_start_matches("http://").to_string();
    assert_eq!(e.endpoints()[0].address(), own);
    let health = reqwest::get(format!("{}/", env.endpoint)).await.unwrap().text().await.unwrap();
    assert_eq!(health, format!("healthy: {own} "));
}

fn unused_definition_table(
    c: &Client,
) -> aws_sdk_dynamodb::operation::create_table::builders::CreateTableFluentBuilder {
    let def = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .unwrap()
    };
    c.create_table()
        .table_name("lenient")
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .attribute_definitions(def("pk"))
        .attribute_definitions(def("unused"))
        .key_schema(KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Hash).build().unwrap())
}

#[tokio::test]
async fn the_dynamodb_local_profile_accepts_unused_attribute_definitions() {
    // Default: the service's answer.
    let env = TestEnv::new().await;
    let (code, _) = expect_err!(unused_definition_table(&env.client).send().await);
    assert_eq!(code, "ValidationException");
    // --compat dynamodb-local (the builder's equivalent).
    let emu =
        ddb_emulator::Emulator::builder().compat(ddb_emulator::Compat::DynamoDbLocal).start().await.unwrap();
    let c = ddb_conformance::client_for(&emu.endpoint());
    unused_definition_table(&c).send().await.unwrap();
    c.put_item().table_name("lenient").set_item(Some(key1("a"))).send().await.unwrap();
    assert_eq!(ddb_emulator::Compat::parse("dynamodb-local"), Some(ddb_emulator::Compat::DynamoDbLocal));
}

// ---- Tagging ---------------------------------------------------------------------------

#[tokio::test]
async fn tagging_answers_an_empty_body_and_denies_a_missing_arn() {
    use aws_sdk_dynamodb::types::Tag;
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[]).await;
    let arn = c.describe_table().table_name(T).send().await.unwrap().table.unwrap().table_arn.unwrap();
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build().unwrap();
    c.tag_resource().resource_arn(&arn).tags(tag("team", "a b_c.d:e/f=g+h-i@j")).send().await.unwrap();
    c.untag_resource().resource_arn(&arn).tag_keys("team").send().await.unwrap();
    // The raw answer is an empty body.
    let resp = reqwest::Client::new()
        .post(&env.endpoint)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "DynamoDB_20120810.TagResource")
        .header("authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc")
        .body(serde_json::json!({"ResourceArn": arn, "Tags": [{"Key": "k", "Value": "v"}]}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.bytes().await.unwrap().len(), 0);
    // A table ARN that does not exist: AccessDeniedException.
    let missing = arn.replace(T, "nosuchtable");
    let (code, _) = expect_err!(c.tag_resource().resource_arn(&missing).tags(tag("k", "v")).send().await);
    assert_eq!(code, "AccessDeniedException");
    let (code, _) = expect_err!(c.untag_resource().resource_arn(&missing).tag_keys("k").send().await);
    assert_eq!(code, "AccessDeniedException");
    // Characters outside the allowed set.
    for (k, v) in [("bad*key", "v"), ("k", "bad#value")] {
        let (code, _) = expect_err!(c.tag_resource().resource_arn(&arn).tags(tag(k, v)).send().await);
        assert_eq!(code, "ValidationException", "{k}={v}");
    }
}

// ---- Transactions --------------------------------------------------------------------

#[tokio::test]
async fn a_bad_key_in_a_transaction_is_a_validation_error_reason_in_its_position() {
    use aws_sdk_dynamodb::error::ProvideErrorMetadata;
    use aws_sdk_dynamodb::types::{Get, Put, TransactGetItem, TransactWriteItem};
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[key1("a")]).await;
    let put = |it: Item| {
        TransactWriteItem::builder()
            .put(Put::builder().table_name(T).set_item(Some(it)).build().unwrap())
            .build()
    };
    let err = c
        .transact_write_items()
        .transact_items(put(key1("b")))
        .transact_items(put(item(&[("pk", n(1))])))
        .send()
        .await
        .unwrap_err();
    let e = err.as_service_error().unwrap();
    assert_eq!(e.code(), Some("TransactionCanceledException"));
    let reasons = match e {
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(t) => {
            t.cancellation_reasons().iter().map(|r| r.code().unwrap_or("").to_string()).collect::<Vec<_>>()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(reasons, vec!["None", "ValidationError"]);
    assert!(get(c, T, key1("b")).await.is_none(), "nothing applied");
    let get_of = |k: Item| {
        TransactGetItem::builder().get(Get::builder().table_name(T).set_key(Some(k)).build().unwrap()).build()
    };
    let err = c
        .transact_get_items()
        .transact_items(get_of(key1("a")))
        .transact_items(get_of(item(&[("other", s("x"))])))
        .send()
        .await
        .unwrap_err();
    let e = err.as_service_error().unwrap();
    assert_eq!(e.code(), Some("TransactionCanceledException"));
    let reasons = match e {
        aws_sdk_dynamodb::operation::transact_get_items::TransactGetItemsError::TransactionCanceledException(t) => {
            t.cancellation_reasons().iter().map(|r| r.code().unwrap_or("").to_string()).collect::<Vec<_>>()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(reasons, vec!["None", "ValidationError"]);
}

// ---- Control plane ---------------------------------------------------------------------

#[tokio::test]
async fn delete_table_of_an_on_demand_table_returns_the_reduced_description() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[]).await;
    let d = c.delete_table().table_name(T).send().await.unwrap().table_description.unwrap();
    assert_eq!(d.table_name(), Some(T));
    assert_eq!(d.table_status(), Some(&aws_sdk_dynamodb::types::TableStatus::Deleting));
    assert!(d.creation_date_time().is_none());
    assert!(d.key_schema().is_empty());
    assert!(d.attribute_definitions().is_empty());
}

#[tokio::test]
async fn update_table_restating_provisioned_with_the_same_throughput_changes_nothing() {
    use aws_sdk_dynamodb::types::{BillingMode, ProvisionedThroughput};
    let env = TestEnv::new().await;
    let c = &env.client;
    let tput =
        || ProvisionedThroughput::builder().read_capacity_units(5).write_capacity_units(5).build().unwrap();
    c.create_table()
        .table_name("prov")
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Hash).build().unwrap())
        .provisioned_throughput(tput())
        .send()
        .await
        .unwrap();
    let (code, msg) = expect_err!(
        c.update_table()
            .table_name("prov")
            .billing_mode(BillingMode::Provisioned)
            .provisioned_throughput(tput())
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert!(msg.starts_with("The provisioned throughput for the table will not change."), "{msg}");
}

#[tokio::test]
async fn a_hash_only_query_refuses_a_start_key_of_another_partition() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[key1("a"), key1("b")]).await;
    let (code, msg) = expect_err!(
        c.query()
            .table_name(T)
            .key_condition_expression("pk = :a")
            .expression_attribute_values(":a", s("a"))
            .set_exclusive_start_key(Some(key1("b")))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "The provided starting key is outside query boundaries based on provided conditions");
}

// ---- Messages ------------------------------------------------------------------------

#[tokio::test]
async fn messages_use_the_service_texts_and_member_paths() {
    use aws_sdk_dynamodb::types::{KeysAndAttributes, Select};
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[]).await;
    // Member paths as the wire spells them.
    let (code, msg) = expect_err!(c.scan().table_name(T).limit(0).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "1 validation error detected: Value '0' at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    // A list of keys is not printed as Java objects.
    let keys: Vec<Item> = (0..101).map(|i| key1(&i.to_string())).collect();
    let (_, msg) = expect_err!(
        c.batch_get_item()
            .request_items(T, KeysAndAttributes::builder().set_keys(Some(keys)).build().unwrap())
            .send()
            .await
    );
    assert!(msg.contains(&format!("Value at 'RequestItems.{T}.member.Keys'")), "{msg}");
    assert!(!msg.contains("com.amazonaws"), "{msg}");
    // Select's values in the service's order.
    let (_, msg) = expect_err!(c.scan().table_name(T).select(Select::from("SOME")).send().await);
    assert!(msg.ends_with("[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"), "{msg}");
    // Numbers and empty binary sets.
    let (_, msg) = expect_err!(
        c.put_item()
            .table_name(T)
            .set_item(Some(item(&[("pk", s("a")), ("n", AV::N("1x".into()))])))
            .send()
            .await
    );
    assert_eq!(msg, "The parameter cannot be converted to a numeric value");
    let (_, msg) = expect_err!(
        c.put_item()
            .table_name(T)
            .set_item(Some(item(&[("pk", s("a")), ("b", AV::Bs(vec![]))])))
            .send()
            .await
    );
    assert_eq!(msg, "One or more parameter values were invalid: Binary sets should not be empty");
}

/// Below the SDK (which refuses to send a request without a required member).
#[tokio::test]
async fn a_missing_required_member_is_reported_in_the_service_words() {
    let env = TestEnv::new().await;
    let send = |target: &'static str, body: serde_json::Value| {
        reqwest::Client::new()
            .post(&env.endpoint)
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", format!("DynamoDB_20120810.{target}"))
            .header("authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc")
            .body(body.to_string())
            .send()
    };
    let body: serde_json::Value =
        send("GetItem", serde_json::json!({"Key": {}})).await.unwrap().json().await.unwrap();
    assert_eq!(body["message"], "The parameter 'TableName' is required but was not present in the request");
    let body: serde_json::Value =
        send("BatchGetItem", serde_json::json!({})).await.unwrap().json().await.unwrap();
    assert_eq!(body["message"], "The requestItems parameter is required for BatchGetItem");
}

#[tokio::test]
async fn duplicate_non_key_attributes_are_refused() {
    use aws_sdk_dynamodb::types::{BillingMode, GlobalSecondaryIndex};
    let env = TestEnv::new().await;
    let c = &env.client;
    let def = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .unwrap()
    };
    let (code, msg) = expect_err!(
        c.create_table()
            .table_name("dups")
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(def("pk"))
            .attribute_definitions(def("g"))
            .key_schema(
                KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Hash).build().unwrap()
            )
            .global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name("by_g")
                    .key_schema(
                        KeySchemaElement::builder()
                            .attribute_name("g")
                            .key_type(KeyType::Hash)
                            .build()
                            .unwrap()
                    )
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::Include)
                            .non_key_attributes("x")
                            .non_key_attributes("x")
                            .build(),
                    )
                    .build()
                    .unwrap(),
            )
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("x"), "{msg}");
}

/// Below the SDK (which cannot send a null map value).
#[tokio::test]
async fn a_null_request_items_entry_is_refused() {
    let env = TestEnv::new().await;
    table_with(&env.client, &[]).await;
    for target in ["BatchGetItem", "BatchWriteItem"] {
        let resp = reqwest::Client::new()
            .post(&env.endpoint)
            .header("content-type", "application/x-amz-json-1.0")
            .header("x-amz-target", format!("DynamoDB_20120810.{target}"))
            .header("authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc")
            .body(serde_json::json!({"RequestItems": {T: null}}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{target}");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(body["__type"], "com.amazon.coral.validate#ValidationException", "{target}");
    }
}

#[tokio::test]
async fn update_table_that_changes_nothing_or_lacks_definitions_is_refused() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[]).await;
    let def = AttributeDefinition::builder()
        .attribute_name("g")
        .attribute_type(ScalarAttributeType::S)
        .build()
        .unwrap();
    // Only AttributeDefinitions: nothing to update.
    let (code, _) = expect_err!(c.update_table().table_name(T).attribute_definitions(def).send().await);
    assert_eq!(code, "ValidationException");
    // A new GSI whose key attribute is not defined.
    let (code, _) = expect_err!(
        c.update_table()
            .table_name(T)
            .global_secondary_index_updates(
                GlobalSecondaryIndexUpdate::builder()
                    .create(
                        CreateGlobalSecondaryIndexAction::builder()
                            .index_name("by_g")
                            .key_schema(
                                KeySchemaElement::builder()
                                    .attribute_name("g")
                                    .key_type(KeyType::Hash)
                                    .build()
                                    .unwrap(),
                            )
                            .projection(Projection::builder().projection_type(ProjectionType::All).build())
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn placeholder_maps_without_expressions_name_the_absent_expressions() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &[key1("a")]).await;
    let (code, msg) = expect_err!(
        c.put_item()
            .table_name(T)
            .set_item(Some(key1("a")))
            .expression_attribute_values(":v", n(1))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"
    );
    let (_, msg) = expect_err!(
        c.update_item()
            .table_name(T)
            .set_key(Some(key1("a")))
            .expression_attribute_values(":v", n(1))
            .send()
            .await
    );
    assert_eq!(
        msg,
        "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null"
    );
    let (_, msg) = expect_err!(
        c.get_item()
            .table_name(T)
            .set_key(Some(key1("a")))
            .expression_attribute_names("#a", "a")
            .send()
            .await
    );
    assert_eq!(
        msg,
        "ExpressionAttributeNames can only be specified when using expressions: ProjectionExpression is null"
    );
}
