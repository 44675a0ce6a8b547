//! The fast path against the Value path, on valid, random and mutated
//! bodies: whenever the fast path takes a body, the Value path builds the
//! same typed input from it, and both give the same response or error.

use super::*;
use crate::error::Error;
use crate::Config;
use proptest::prelude::*;
use serde_json::{json, Value};

/// The Value path alone: parse, then `Service::call_timed` (validation, decoding, the command).
fn via_value(svc: &Service, op: &str, body: &[u8]) -> Result<Vec<u8>> {
    let json = crate::http::json_body::parse(body)?;
    svc.call_timed(op, &json).0
}

/// The server's way: the fast path, else the Value path.
fn via_fast(svc: &Service, op: &str, body: &[u8]) -> Result<Vec<u8>> {
    match call(svc, op, body) {
        Some((out, _)) => out,
        None => via_value(svc, op, body),
    }
}

/// The Value path's typed input for `body` (validation, then decoding).
fn value_input(op: &str, body: &[u8]) -> Result<Input> {
    let json: Value = serde_json::from_slice(body).map_err(|e| Error::serialization(e.to_string()))?;
    crate::http::validate::validate_input(op, &json)?;
    crate::http::decode::typed(op, &json)
}

fn outcome(r: &Result<Vec<u8>>) -> String {
    match r {
        Ok(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        Err(e) => String::from_utf8_lossy(&crate::http::error_body(e)).into_owned(),
    }
}

fn service() -> Service {
    let svc = Service::new(Config { record_operations: false, ..Config::default() });
    svc.call(
        "CreateTable",
        &json!({
            "TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        }),
    )
    .unwrap();
    for i in 0..6 {
        let item = json!({"pk": {"S": format!("p{}", i % 2)}, "sk": {"S": format!("s{i}")}, "n": {"N": i.to_string()}, "tags": {"SS": ["a", "b"]}});
        svc.call("PutItem", &json!({"TableName": "tbl", "Item": item})).unwrap();
    }
    svc
}

/// Valid requests of every fast operation.
fn templates() -> Vec<(&'static str, Value)> {
    let key = json!({"pk": {"S": "p0"}, "sk": {"S": "s0"}});
    let item = json!({"pk": {"S": "p1"}, "sk": {"S": "s9"}, "n": {"N": "1.50"}, "b": {"B": "AAE="},
        "m": {"M": {"x": {"L": [{"NULL": true}, {"BOOL": false}, {"NS": ["1", "2"]}, {"BS": ["AQ=="]}]}}}});
    vec![
        (
            "GetItem",
            json!({"TableName": "tbl", "Key": key, "ConsistentRead": true, "ReturnConsumedCapacity": "TOTAL"}),
        ),
        (
            "GetItem",
            json!({"TableName": "tbl", "Key": key, "ProjectionExpression": "#n, tags", "ExpressionAttributeNames": {"#n": "n"}}),
        ),
        (
            "PutItem",
            json!({"TableName": "tbl", "Item": item, "ReturnValues": "ALL_OLD", "ReturnItemCollectionMetrics": "SIZE"}),
        ),
        (
            "PutItem",
            json!({"TableName": "tbl", "Item": item, "ConditionExpression": "attribute_not_exists(pk) OR n < :v",
            "ExpressionAttributeValues": {":v": {"N": "3"}}, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}),
        ),
        (
            "UpdateItem",
            json!({"TableName": "tbl", "Key": key, "UpdateExpression": "SET #c = if_not_exists(#c, :z) + :one",
            "ExpressionAttributeNames": {"#c": "c"}, "ExpressionAttributeValues": {":z": {"N": "0"}, ":one": {"N": "1"}},
            "ReturnValues": "UPDATED_NEW"}),
        ),
        (
            "DeleteItem",
            json!({"TableName": "tbl", "Key": {"pk": {"S": "p1"}, "sk": {"S": "s1"}}, "ReturnValues": "ALL_OLD"}),
        ),
        (
            "Query",
            json!({"TableName": "tbl", "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
            "ExpressionAttributeValues": {":p": {"S": "p0"}, ":s": {"S": "s"}}, "Limit": 2, "ScanIndexForward": false,
            "ReturnConsumedCapacity": "INDEXES"}),
        ),
        (
            "Query",
            json!({"TableName": "tbl", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "p1"}},
            "ExclusiveStartKey": {"pk": {"S": "p1"}, "sk": {"S": "s1"}}, "Select": "COUNT", "FilterExpression": "n > :p"}),
        ),
        ("Scan", json!({"TableName": "tbl", "Limit": 3, "Segment": 0, "TotalSegments": 2})),
        (
            "Scan",
            json!({"TableName": "tbl", "FilterExpression": "contains(tags, :a)", "ExpressionAttributeValues": {":a": {"S": "a"}}}),
        ),
        (
            "BatchGetItem",
            json!({"RequestItems": {"tbl": {"Keys": [key, {"pk": {"S": "p1"}, "sk": {"S": "s1"}}],
            "ProjectionExpression": "pk, n", "ConsistentRead": true}}, "ReturnConsumedCapacity": "TOTAL"}),
        ),
        (
            "BatchWriteItem",
            json!({"RequestItems": {"tbl": [{"PutRequest": {"Item": item}},
            {"DeleteRequest": {"Key": {"pk": {"S": "p0"}, "sk": {"S": "s2"}}}}]}, "ReturnItemCollectionMetrics": "SIZE"}),
        ),
        (
            "TransactGetItems",
            json!({"TransactItems": [{"Get": {"TableName": "tbl", "Key": key}},
            {"Get": {"TableName": "tbl", "Key": {"pk": {"S": "p1"}, "sk": {"S": "s1"}}, "ProjectionExpression": "n"}}]}),
        ),
        (
            "TransactWriteItems",
            json!({"TransactItems": [
            {"Put": {"TableName": "tbl", "Item": item}},
            {"Update": {"TableName": "tbl", "Key": key, "UpdateExpression": "SET z = :z", "ExpressionAttributeValues": {":z": {"S": "z"}}}},
            {"ConditionCheck": {"TableName": "tbl", "Key": {"pk": {"S": "p1"}, "sk": {"S": "s3"}}, "ConditionExpression": "attribute_exists(pk)"}},
            {"Delete": {"TableName": "tbl", "Key": {"pk": {"S": "p0"}, "sk": {"S": "s4"}}}}],
            "ClientRequestToken": "tok", "ReturnConsumedCapacity": "TOTAL"}),
        ),
    ]
}

/// Values that break a member in interesting ways.
fn odd_value(rng: &mut fastrand::Rng) -> Value {
    let pick = [
        Value::Null,
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(2147483648u64),
        json!(""),
        json!("ab"),
        json!("x\"y\\\u{1}é"),
        json!("arn:aws:dynamodb:us-east-1:1:table/t"),
        json!("tbl"),
        json!("ALL_OLD"),
        json!("SIZE"),
        json!("NONE"),
        json!([]),
        json!([null]),
        json!({}),
        json!({"S": "x"}),
        json!({"S": null}),
        json!({"S": "x", "N": "1"}),
        json!({"N": "1e999"}),
        json!({"N": "abc"}),
        json!({"B": "AAE"}),
        json!({"SS": []}),
        json!({"SS": ["a", "a"]}),
        json!({"NS": ["1", "1.0"]}),
        json!({"NULL": false}),
        json!({"M": {"": {"S": "x"}}}),
        json!({"L": [{"S": "x"}, {}]}),
        json!({"k": {"S": "v"}}),
        json!({"#n": "n"}),
        json!({"#n": ""}),
        json!({":v": {"S": "v"}}),
        json!({"pk": {"S": "p0"}, "sk": {"S": "s0"}}),
        json!({"Get": {"TableName": "tbl", "Key": {"pk": {"S": "p0"}, "sk": {"S": "s0"}}}}),
        json!({"PutRequest": {"Item": {"pk": {"S": "x"}, "sk": {"S": "y"}}}}),
        json!({"Put": null, "Delete": {"TableName": "tbl", "Key": {"pk": {"S": "p0"}, "sk": {"S": "s0"}}}}),
    ];
    let mut v = pick[rng.usize(..pick.len())].clone();
    if rng.u8(..8) == 0 {
        // Deep nesting around the limit (32 levels).
        for _ in 0..rng.usize(28..36) {
            v = json!({"M": {"a": v}});
        }
        v = json!({"M": {"a": v}});
    }
    v
}

/// One random change somewhere in the tree.
fn mutate(v: &mut Value, rng: &mut fastrand::Rng) {
    // Down a random path, stopping at random.
    let go_down = rng.u8(..3) != 0;
    match v {
        Value::Object(o) if go_down && !o.is_empty() => {
            let k = o.keys().nth(rng.usize(..o.len())).cloned().unwrap();
            return mutate(o.get_mut(&k).unwrap(), rng);
        }
        Value::Array(a) if go_down && !a.is_empty() => {
            let i = rng.usize(..a.len());
            return mutate(&mut a[i], rng);
        }
        _ => {}
    }
    let cur = v;
    match (rng.u8(..5), cur) {
        (0, Value::Object(o)) if !o.is_empty() => {
            let k = o.keys().nth(rng.usize(..o.len())).cloned().unwrap();
            o.remove(&k);
        }
        (1, Value::Object(o)) => {
            let names = [
                "TableName",
                "Key",
                "Item",
                "Limit",
                "Select",
                "ReturnValues",
                "ExpressionAttributeNames",
                "ExpressionAttributeValues",
                "ProjectionExpression",
                "ConditionExpression",
                "Expected",
                "AttributesToGet",
                "IndexName",
                "Segment",
                "ConsistentRead",
                "Unknown",
                "S",
                "N",
                "M",
                "SS",
                "Keys",
            ];
            o.insert(names[rng.usize(..names.len())].to_string(), odd_value(rng));
        }
        (_, slot) => *slot = odd_value(rng),
    }
}

/// Text-level damage: truncation, a repeated member, a stray byte, trailing data.
fn damage(text: &mut Vec<u8>, rng: &mut fastrand::Rng) {
    match rng.u8(..5) {
        0 if !text.is_empty() => text.truncate(rng.usize(..text.len())),
        1 => {
            let pos = text.iter().position(|&b| b == b'{').map_or(0, |p| p + 1);
            let dup: &[u8] =
                [&b"\"TableName\":\"tbl\","[..], b"\"Key\":null,", b"\"Limit\":1,"][rng.usize(..3)];
            text.splice(pos..pos, dup.iter().copied());
        }
        2 if !text.is_empty() => {
            let pos = rng.usize(..text.len());
            text[pos] = [b'"', b'\\', b'}', b',', 0xff, b' '][rng.usize(..6)];
        }
        3 => text.extend_from_slice(b" {}"),
        _ => {}
    }
}

fn request(seed: u64) -> (&'static str, Vec<u8>) {
    let mut rng = fastrand::Rng::with_seed(seed);
    let t = templates();
    let (op, mut body) = t[rng.usize(..t.len())].clone();
    for _ in 0..rng.usize(0..3) {
        mutate(&mut body, &mut rng);
    }
    let mut text = serde_json::to_vec(&body).unwrap();
    if rng.u8(..4) == 0 {
        damage(&mut text, &mut rng);
    }
    (op, text)
}

#[test]
fn every_template_takes_the_fast_path() {
    for (op, body) in templates() {
        let text = serde_json::to_vec(&body).unwrap();
        let fast = parse(op, &text).unwrap_or_else(|| panic!("{op} {body} not on the fast path"));
        assert_eq!(fast, value_input(op, &text).unwrap(), "{op} {body}");
    }
}

#[test]
fn templates_answer_alike() {
    let (a, b) = (service(), service());
    for (op, body) in templates() {
        let text = serde_json::to_vec(&body).unwrap();
        assert_eq!(outcome(&via_fast(&a, op, &text)), outcome(&via_value(&b, op, &text)), "{op} {body}");
    }
}

#[test]
fn refuses_what_the_value_path_refuses() {
    let cases: &[(&str, &str)] = &[
        ("GetItem", r#"["tbl"]"#),
        ("GetItem", r#"{"TableName": "tbl", "Key": {"pk": {"S": "p0"}, "sk": {"S": "s0"}}} x"#),
        (
            "GetItem",
            r#"{"TableName": "tbl", "TableName": "u", "Key": {"pk": {"S": "p0"}, "sk": {"S": "s0"}}}"#,
        ),
        ("GetItem", r#"{"TableName": "ab", "Key": {"pk": {"S": "p0"}, "sk": {"S": "s0"}}}"#),
        ("GetItem", r#"{"TableName": "tbl"}"#),
        ("GetItem", r#"{"TableName": "tbl", "Key": {"pk": {"S": "p0", "N": null}, "sk": {"S": "s0"}}}"#),
        ("GetItem", r#"{"TableName": "tbl", "Key": {"pk": {"S": "p0"}, "pk": {"S": "s0"}}}"#),
        (
            "GetItem",
            r##"{"TableName": "tbl", "Key": {"pk": {"S": "p0"}}, "ExpressionAttributeNames": {"#a": "a"}}"##,
        ),
        ("GetItem", r#"{"TableName": "tbl", "Key": {"pk": {"S": "p0"}}, "AttributesToGet": ["a"]}"#),
        ("Query", r#"{"TableName": "tbl", "Limit": 0}"#),
        ("Query", r#"{"TableName": "tbl", "Limit": 1.5}"#),
        ("Query", r#"{"TableName": "tbl", "Select": "SOME"}"#),
        ("PutItem", r#"{"TableName": "tbl", "Item": {"a": {"SS": []}}}"#),
        ("BatchWriteItem", r#"{"RequestItems": {"tbl": null}}"#),
        (
            "TransactWriteItems",
            r#"{"TransactItems": [{"Put": {"TableName": "tbl", "Item": {}}, "Other": 1}]}"#,
        ),
    ];
    for (op, body) in cases {
        assert!(parse(op, body.as_bytes()).is_none(), "{op} {body}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Whenever the fast path takes a body, the Value path validates it and
    /// decodes it into the same input.
    #[test]
    fn same_input_as_the_value_path(seed in any::<u64>()) {
        let (op, text) = request(seed);
        if let Some(fast) = parse(op, &text) {
            let value = value_input(op, &text);
            prop_assert!(value.is_ok(), "{op} {}: value path says {:?}", String::from_utf8_lossy(&text), value);
            prop_assert_eq!(fast, value.unwrap());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Whole requests, one after another on two services in step: the same
    /// responses and errors.
    #[test]
    fn same_answers_as_the_value_path(seeds in prop::collection::vec(any::<u64>(), 1..12)) {
        let (a, b) = (service(), service());
        for seed in seeds {
            let (op, text) = request(seed);
            let (fast, value) = (via_fast(&a, op, &text), via_value(&b, op, &text));
            prop_assert_eq!(outcome(&fast), outcome(&value), "{} {}", op, String::from_utf8_lossy(&text));
        }
    }
}

/// A large ExpressionAttributeNames is kept in part on the fast path
/// (`Names::into_map`): the same answers, used names or not, valid or not.
#[test]
fn large_names_maps_answer_alike() {
    let (a, b) = (service(), service());
    let key = json!({"pk": {"S": "p0"}, "sk": {"S": "s0"}});
    let extras: [&[(&str, &str)]; 4] =
        [&[], &[("#bad-key", "n")], &[("#e", "")], &[("#zz", "n"), ("#n1", "tags")]];
    for (i, extra) in extras.iter().enumerate() {
        let mut names = serde_json::Map::new();
        for n in 0..3000 {
            names.insert(format!("#n{n}"), json!("n"));
        }
        for (k, v) in extra.iter() {
            names.insert((*k).to_string(), json!(v));
        }
        let projections = ["#n0, #n17", "#n0", "#zz, #n1, #n2"];
        let body = json!({"TableName": "tbl", "Key": key, "ProjectionExpression": projections[i % 3], "ExpressionAttributeNames": names});
        let text = serde_json::to_vec(&body).unwrap();
        assert!(parse("GetItem", &text).is_some());
        let (fast, value) = (via_fast(&a, "GetItem", &text), via_value(&b, "GetItem", &text));
        assert_eq!(outcome(&fast), outcome(&value), "case {i}");
        assert!(fast.is_err());
    }
}

/// The random requests exercise both outcomes: a good share is taken.
#[test]
fn random_requests_are_often_taken() {
    let taken = (0..2000u64).filter(|&seed| {
        let (op, text) = request(seed);
        parse(op, &text).is_some()
    });
    let n = taken.count();
    assert!((300..1900).contains(&n), "{n} of 2000 taken");
}

/// The million-names request of issue 18, scaled down: the map the command
/// gets holds the referenced names and at most `MAX_LISTED_BYTES + 1`
/// others, whatever the request's size.
#[test]
fn a_huge_names_map_reaches_the_command_bounded() {
    let mut names = serde_json::Map::new();
    for n in 0..50_000 {
        names.insert(format!("#n{n}"), json!("a"));
    }
    let body = json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}}, "ProjectionExpression": "#n0, #n49999", "ExpressionAttributeNames": names});
    let Some(Input::GetItem(get)) = parse("GetItem", &serde_json::to_vec(&body).unwrap()) else {
        panic!("not on the fast path")
    };
    let kept = get.expressions.names.unwrap();
    assert!(kept.contains_key("#n0") && kept.contains_key("#n49999"));
    assert_eq!(kept.len(), 2 + crate::error::messages::MAX_LISTED_BYTES + 1);
}

/// Escaped strings (as `json.dumps` sends non-ASCII text) in values and
/// in ExpressionAttributeNames stay on the fast path.
#[test]
fn escaped_strings_take_the_fast_path() {
    let text = br##"{"TableName":"tbl","Key":{"pk":{"S":"p\u0030"},"sk":{"S":"s\"0"}},"ProjectionExpression":"#n","ExpressionAttributeNames":{"#n":"\u00e9\n"}}"##;
    let fast = parse("GetItem", text).expect("on the fast path");
    assert_eq!(fast, value_input("GetItem", text).unwrap());
    // A NUL in a name would break the buffer's separators: the Value path's.
    let nul = br##"{"TableName":"tbl","Key":{"pk":{"S":"p0"}},"ProjectionExpression":"#n","ExpressionAttributeNames":{"#n":"a\u0000"}}"##;
    assert!(parse("GetItem", nul).is_none());
}

/// A member the fast path does not know sends the body to the Value path:
/// skipped unread (serde_json's `IgnoredAny` checks neither UTF-8 nor a
/// number's range), invalid UTF-8 or `1e400` in it would be accepted.
#[test]
fn unknown_members_leave_the_fast_path() {
    let svc = service();
    let ok = br#"{"TableName":"tbl","Key":{"pk":{"S":"a"}},"Junk":{"x":["y",1.5,null,true]}}"#;
    assert!(parse("GetItem", ok).is_none());
    for junk in [&b"\"\xff\""[..], b"[\"a\", {\"\xc3\": 1}]", b"1e400"] {
        for (op, head) in [
            ("GetItem", &br#"{"TableName":"tbl","Key":{"pk":{"S":"a"}},"Junk":"#[..]),
            ("BatchGetItem", br#"{"RequestItems":{"tbl":{"Keys":[{"pk":{"S":"a"}}]}},"Junk":"#),
        ] {
            let body = [head, junk, b"}"].concat();
            assert!(parse(op, &body).is_none(), "{op} {}", String::from_utf8_lossy(&body));
            let e = via_fast(&svc, op, &body).expect_err("refused");
            assert_eq!(e.kind, crate::error::ErrorKind::Serialization);
        }
    }
}
