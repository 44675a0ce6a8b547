//! PutItem / GetItem / DeleteItem in their plain form: round trips, key
//! validation, value validation, limits.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue as AV, BillingMode, KeySchemaElement, KeyType, ReturnValue,
    ScalarAttributeType,
};
use aws_sdk_dynamodb::Client;
use ddb_conformance::{expect_err, TestEnv};
use std::collections::HashMap;

/// Creates table `name` with string `pk` and, if `with_sort`, number `sk`.
pub async fn create_table(client: &Client, name: &str, with_sort: bool) {
    let mut req = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Hash).build().unwrap(),
        );
    if with_sort {
        req = req
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("sk")
                    .attribute_type(ScalarAttributeType::N)
                    .build()
                    .unwrap(),
            )
            .key_schema(
                KeySchemaElement::builder().attribute_name("sk").key_type(KeyType::Range).build().unwrap(),
            );
    }
    req.send().await.expect("create table");
}

fn s(v: &str) -> AV {
    AV::S(v.to_string())
}
fn n(v: &str) -> AV {
    AV::N(v.to_string())
}

fn key(pk: &str, sk: &str) -> HashMap<String, AV> {
    HashMap::from([("pk".to_string(), s(pk)), ("sk".to_string(), n(sk))])
}

#[tokio::test]
async fn put_get_delete_round_trip_with_every_type() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, "items", true).await;
    let mut item = key("a", "1");
    item.insert("str".into(), s(""));
    item.insert("num".into(), n("-0012.500"));
    item.insert("bin".into(), AV::B(vec![0u8, 255, 7].into()));
    item.insert("yes".into(), AV::Bool(true));
    item.insert("nothing".into(), AV::Null(true));
    item.insert("list".into(), AV::L(vec![s("x"), n("1")]));
    item.insert("map".into(), AV::M(HashMap::from([("inner".to_string(), n("2"))])));
    item.insert("ss".into(), AV::Ss(vec!["b".into(), "a".into()]));
    item.insert("ns".into(), AV::Ns(vec!["1".into(), "1.5".into()]));
    item.insert("bs".into(), AV::Bs(vec![vec![1u8].into(), vec![2u8].into()]));
    let put = c.put_item().table_name("items").set_item(Some(item.clone())).send().await.unwrap();
    assert!(put.attributes.is_none());
    let got = c.get_item().table_name("items").set_key(Some(key("a", "1"))).send().await.unwrap();
    let got = got.item.expect("item present");
    assert_eq!(got["num"], n("-12.5"), "numbers come back normalised");
    let mut ss = got["ss"].as_ss().unwrap().clone();
    ss.sort();
    assert_eq!(ss, vec!["a".to_string(), "b".to_string()]);
    assert_eq!(got["str"], s(""));
    assert_eq!(got["bin"], AV::B(vec![0u8, 255, 7].into()));
    assert_eq!(got["map"], item["map"]);
    assert_eq!(got.len(), item.len());

    let del = c
        .delete_item()
        .table_name("items")
        .set_key(Some(key("a", "1")))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .unwrap();
    assert_eq!(del.attributes.unwrap()["yes"], AV::Bool(true));
    let got = c.get_item().table_name("items").set_key(Some(key("a", "1"))).send().await.unwrap();
    assert!(got.item.is_none());
}

#[tokio::test]
async fn put_returns_all_old_and_overwrites() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, "tbl", false).await;
    let first = HashMap::from([("pk".to_string(), s("k")), ("v".to_string(), n("1"))]);
    let second = HashMap::from([("pk".to_string(), s("k")), ("w".to_string(), n("2"))]);
    let out = c
        .put_item()
        .table_name("tbl")
        .set_item(Some(first.clone()))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .unwrap();
    assert!(out.attributes.is_none());
    let out = c
        .put_item()
        .table_name("tbl")
        .set_item(Some(second.clone()))
        .return_values(ReturnValue::AllOld)
        .send()
        .await
        .unwrap();
    assert_eq!(out.attributes.unwrap(), first);
    let got = c.get_item().table_name("tbl").key("pk", s("k")).consistent_read(true).send().await.unwrap();
    assert_eq!(got.item.unwrap(), second);
}

#[tokio::test]
async fn put_rejects_return_values_other_than_all_old() {
    let env = TestEnv::new().await;
    create_table(&env.client, "tbl", false).await;
    let (code, msg) = expect_err!(
        env.client
            .put_item()
            .table_name("tbl")
            .item("pk", s("k"))
            .return_values(ReturnValue::AllNew)
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Return values set to invalid value");
}

#[tokio::test]
async fn missing_table() {
    let env = TestEnv::new().await;
    let (code, msg) = expect_err!(env.client.put_item().table_name("nope").item("pk", s("k")).send().await);
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(msg, "Requested resource not found");
    let (code, _) = expect_err!(env.client.get_item().table_name("nope").key("pk", s("k")).send().await);
    assert_eq!(code, "ResourceNotFoundException");
}

#[tokio::test]
async fn key_validation() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, "tbl", true).await;
    let (code, msg) = expect_err!(c.put_item().table_name("tbl").item("pk", s("a")).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "One or more parameter values were invalid: Missing the key sk in the item");
    let (_, msg) =
        expect_err!(c.put_item().table_name("tbl").item("pk", s("a")).item("sk", s("1")).send().await);
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S"
    );
    let (_, msg) =
        expect_err!(c.put_item().table_name("tbl").item("pk", s("")).item("sk", n("1")).send().await);
    assert_eq!(
        msg,
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk"
    );
    let (_, msg) = expect_err!(c.get_item().table_name("tbl").key("pk", s("a")).send().await);
    assert_eq!(msg, "The provided key element does not match the schema");
    let (_, msg) = expect_err!(
        c.get_item().table_name("tbl").set_key(Some(key("a", "1"))).key("extra", s("x")).send().await
    );
    assert_eq!(msg, "The provided key element does not match the schema");
    let (_, msg) = expect_err!(
        c.put_item().table_name("tbl").item("pk", s(&"x".repeat(2049))).item("sk", n("1")).send().await
    );
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of 2048 bytes"
    );
    // 2048 bytes exactly is fine.
    c.put_item().table_name("tbl").item("pk", s(&"x".repeat(2048))).item("sk", n("1")).send().await.unwrap();
}

#[tokio::test]
async fn value_validation() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, "tbl", false).await;
    let put = |name: &str, v: AV| c.put_item().table_name("tbl").item("pk", s("k")).item(name, v).send();
    let (code, msg) = expect_err!(put("n", n("1e126")).await);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "Number overflow. Attempting to store a number with magnitude larger than supported range"
    );
    let (_, msg) = expect_err!(put("n", n("1e-131")).await);
    assert_eq!(
        msg,
        "Number underflow. Attempting to store a number with magnitude smaller than supported range"
    );
    let (_, msg) = expect_err!(put("n", n("1.23456789012345678901234567890123456789")).await);
    assert_eq!(msg, "Attempting to store more than 38 significant digits in a Number");
    let (_, msg) = expect_err!(put("ss", AV::Ss(vec![])).await);
    assert_eq!(msg, "One or more parameter values were invalid: An string set  may not be empty");
    let (_, msg) = expect_err!(put("ns", AV::Ns(vec!["1".into(), "1.0".into()])).await);
    assert_eq!(msg, "Input collection contains duplicates");
    // 38 digits and the range ends are fine.
    put("n", n("1.2345678901234567890123456789012345678")).await.unwrap();
    put("n", n("9.9999999999999999999999999999999999999E+125")).await.unwrap();
    put("n", n("-1E-130")).await.unwrap();
}

#[tokio::test]
async fn item_size_limit_is_400_kb_inclusive() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, "tbl", false).await;
    // pk: 2 (name) + 1 (value) bytes; "data": 4 bytes of name + the string.
    let exact = 400 * 1024 - 3 - 4;
    c.put_item()
        .table_name("tbl")
        .item("pk", s("k"))
        .item("data", s(&"x".repeat(exact)))
        .send()
        .await
        .unwrap();
    let (code, msg) = expect_err!(
        c.put_item()
            .table_name("tbl")
            .item("pk", s("k"))
            .item("data", s(&"x".repeat(exact + 1)))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Item size has exceeded the maximum allowed size");
}

/// Time to Live: once enabled, items whose TTL attribute (epoch seconds) has
/// passed are deleted in the background; future and non-number values stay.
#[tokio::test]
async fn expired_items_are_deleted_once_ttl_is_enabled() {
    use aws_sdk_dynamodb::types::TimeToLiveSpecification;
    let emu = ddb_emulator::Emulator::builder()
        .ttl_sweep_interval(std::time::Duration::from_millis(20))
        .start()
        .await
        .unwrap();
    let c = ddb_conformance::client_for(&emu.endpoint());
    create_table(&c, "ttl_tbl", false).await;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    for (pk, exp) in
        [("gone", n(&(now - 10).to_string())), ("stays", n(&(now + 3600).to_string())), ("text", s("0"))]
    {
        c.put_item().table_name("ttl_tbl").item("pk", s(pk)).item("exp", exp).send().await.unwrap();
    }
    c.update_time_to_live()
        .table_name("ttl_tbl")
        .time_to_live_specification(
            TimeToLiveSpecification::builder().enabled(true).attribute_name("exp").build().unwrap(),
        )
        .send()
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let got = c.get_item().table_name("ttl_tbl").key("pk", s("gone")).send().await.unwrap();
        if got.item.is_none() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "expired item never deleted");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    for pk in ["stays", "text"] {
        let got = c.get_item().table_name("ttl_tbl").key("pk", s(pk)).send().await.unwrap();
        assert!(got.item.is_some(), "{pk} must not expire");
    }
}
