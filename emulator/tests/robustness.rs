//! Robustness: mutated requests for every implemented operation never make
//! the emulator fault. Each case starts from a valid request, replaces one
//! random part of it with random JSON (or random expression text), and
//! checks the answer is a response or a client error, never an
//! InternalServerError (which is what a panic inside an operation becomes).

use ddb_emulator::{Config, ErrorKind, Service};
use proptest::prelude::*;
use serde_json::{json, Value};

fn service() -> Service {
    let svc = Service::new(Config { record_operations: false, ..Config::default() });
    svc.call(
        "CreateTable",
        &json!({
            "TableName": "tbl",
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "g", "AttributeType": "S"}
            ],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [{
                "IndexName": "byG",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}
            }],
            "LocalSecondaryIndexes": [{
                "IndexName": "byG2",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "g", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}
            }]
        }),
    )
    .expect("create table");
    for i in 0..5 {
        svc.call(
            "PutItem",
            &json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "sk": {"N": i.to_string()}, "g": {"S": "x"},
                "l": {"L": [{"N": "1"}, {"S": "s"}]}, "m": {"M": {"n": {"N": "2"}}}, "ss": {"SS": ["p", "q"]}}}),
        )
        .expect("seed");
    }
    svc
}

/// Valid requests, one or more per operation.
fn templates() -> Vec<(&'static str, Value)> {
    let key = json!({"pk": {"S": "a"}, "sk": {"N": "1"}});
    vec![
        (
            "PutItem",
            json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "sk": {"N": "9"}, "v": {"NS": ["1", "2"]}},
            "ConditionExpression": "attribute_not_exists(pk) OR size(#l) > :n", "ExpressionAttributeNames": {"#l": "l"},
            "ExpressionAttributeValues": {":n": {"N": "1"}}, "ReturnValues": "ALL_OLD"}),
        ),
        (
            "GetItem",
            json!({"TableName": "tbl", "Key": key, "ProjectionExpression": "l[1], m.n, #s", "ExpressionAttributeNames": {"#s": "ss"}}),
        ),
        (
            "UpdateItem",
            json!({"TableName": "tbl", "Key": key,
            "UpdateExpression": "SET l = list_append(l, :l), c = if_not_exists(c, :z) + :one REMOVE m.n ADD ss :s DELETE ts :d",
            "ConditionExpression": "contains(ss, :p) AND begins_with(g, :x)",
            "ExpressionAttributeValues": {":l": {"L": [{"BOOL": true}]}, ":z": {"N": "0"}, ":one": {"N": "1"},
                ":s": {"SS": ["r"]}, ":d": {"SS": ["p"]}, ":p": {"S": "p"}, ":x": {"S": "x"}},
            "ReturnValues": "UPDATED_NEW"}),
        ),
        (
            "UpdateItem",
            json!({"TableName": "tbl", "Key": key, "AttributeUpdates": {"v": {"Action": "ADD", "Value": {"N": "3"}}},
            "Expected": {"g": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}}}),
        ),
        (
            "DeleteItem",
            json!({"TableName": "tbl", "Key": key, "ConditionExpression": "attribute_type(l, :t)",
            "ExpressionAttributeValues": {":t": {"S": "L"}}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}),
        ),
        (
            "Query",
            json!({"TableName": "tbl", "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
            "FilterExpression": "g IN (:x, :y)", "ExpressionAttributeValues": {":p": {"S": "a"}, ":a": {"N": "1"},
            ":b": {"N": "3"}, ":x": {"S": "x"}, ":y": {"S": "y"}}, "Limit": 2, "ScanIndexForward": false,
            "ExclusiveStartKey": {"pk": {"S": "a"}, "sk": {"N": "2"}}}),
        ),
        (
            "Query",
            json!({"TableName": "tbl", "IndexName": "byG", "KeyConditions": {"g": {"ComparisonOperator": "EQ",
            "AttributeValueList": [{"S": "x"}]}}, "Select": "COUNT"}),
        ),
        (
            "Scan",
            json!({"TableName": "tbl", "Segment": 1, "TotalSegments": 3, "FilterExpression": "NOT (sk < :n)",
            "ExpressionAttributeValues": {":n": {"N": "2"}}, "Limit": 3}),
        ),
        (
            "BatchGetItem",
            json!({"RequestItems": {"tbl": {"Keys": [key, {"pk": {"S": "a"}, "sk": {"N": "2"}}],
            "ProjectionExpression": "pk, g"}}}),
        ),
        (
            "BatchWriteItem",
            json!({"RequestItems": {"tbl": [{"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "1"}}}},
            {"DeleteRequest": {"Key": key}}]}}),
        ),
        (
            "TransactWriteItems",
            json!({"TransactItems": [
            {"Put": {"TableName": "tbl", "Item": {"pk": {"S": "c"}, "sk": {"N": "1"}}}},
            {"Update": {"TableName": "tbl", "Key": {"pk": {"S": "a"}, "sk": {"N": "2"}}, "UpdateExpression": "SET z = :z",
                "ExpressionAttributeValues": {":z": {"B": "AAE="}}}},
            {"ConditionCheck": {"TableName": "tbl", "Key": {"pk": {"S": "a"}, "sk": {"N": "3"}},
                "ConditionExpression": "attribute_exists(pk)"}}],
            "ClientRequestToken": "tok"}),
        ),
        ("TransactGetItems", json!({"TransactItems": [{"Get": {"TableName": "tbl", "Key": key}}]})),
        (
            "UpdateTable",
            json!({"TableName": "tbl", "BillingMode": "PROVISIONED",
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
            "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "byG",
                "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}}]}),
        ),
        ("DescribeTable", json!({"TableName": "tbl"})),
        ("ListTables", json!({"Limit": 3, "ExclusiveStartTableName": "aaa"})),
        (
            "UpdateTimeToLive",
            json!({"TableName": "tbl", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "ttl"}}),
        ),
        (
            "TagResource",
            json!({"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/tbl", "Tags": [{"Key": "k", "Value": "v"}]}),
        ),
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e300f64..1e300).prop_map(|f| json!(f)),
        "[ -~]{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL", "1e999", "-0", "AAE=", ":v", "#n",
            "pk"
        ])
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL", "pk", "sk", "g", "x"
                ])
                .prop_map(str::to_string),
                inner,
                0..3
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Expression-ish text: tokens of the language in random order.
fn arb_expression() -> impl Strategy<Value = String> {
    let token = prop::sample::select(vec![
        "pk",
        "sk",
        "#n",
        ":v",
        "l[0]",
        "m.n",
        "=",
        "<>",
        "<",
        ">=",
        "BETWEEN",
        "AND",
        "OR",
        "NOT",
        "IN",
        "(",
        ")",
        ",",
        "size(",
        "attribute_exists(",
        "begins_with(",
        "contains(",
        "SET",
        "REMOVE",
        "ADD",
        "DELETE",
        "+",
        "-",
        "if_not_exists(",
        "list_append(",
        "[",
        "]",
        ".",
        "status",
        "\u{0}",
        "🙂",
    ]);
    prop::collection::vec(token, 0..16).prop_map(|t| t.join(" "))
}

/// Replaces the value at a random position in `v` (chosen by `pick`).
fn mutate(v: &mut Value, pick: &mut impl FnMut(usize) -> usize, replacement: Value) {
    let len = match v {
        Value::Object(m) => m.len(),
        Value::Array(a) => a.len(),
        _ => 0,
    };
    let choice = pick(len + 1);
    let child = match v {
        Value::Object(m) if choice < len => m.values_mut().nth(choice),
        Value::Array(a) if choice < len => a.get_mut(choice),
        _ => None,
    };
    match child {
        Some(child) => mutate(child, pick, replacement),
        None => *v = replacement,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_requests_never_fault(
        which in any::<prop::sample::Index>(),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 8),
        replacement in arb_json(),
        expression in arb_expression(),
        use_expression in any::<bool>(),
    ) {
        let svc = service();
        let all = templates();
        let (op, mut body) = all[which.index(all.len())].clone();
        let mut picks = picks.into_iter();
        let mut pick = |n: usize| picks.next().map_or(n - 1, |p| p.index(n));
        let replacement = if use_expression { Value::String(expression) } else { replacement };
        mutate(&mut body, &mut pick, replacement);
        if let Err(e) = svc.call(op, &body) {
            prop_assert_ne!(e.kind, ErrorKind::InternalServerError, "{} {} -> {}", op, body, e);
        }
    }
}

#[test]
fn every_template_is_valid() {
    let svc = service();
    for (op, body) in templates() {
        if let Err(e) = svc.call(op, &body) {
            // Conditions may legitimately fail on the seeded data.
            assert!(
                matches!(e.kind, ErrorKind::ConditionalCheckFailed | ErrorKind::TransactionCanceled),
                "{op}: {e}"
            );
        }
    }
}
