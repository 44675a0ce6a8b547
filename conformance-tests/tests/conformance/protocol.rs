//! The wire protocol, below the SDK: headers, error bodies, bad requests.

use ddb_emulator::Emulator;
use serde_json::{json, Value};

const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc";

async fn post(
    endpoint: &str,
    target: Option<&str>,
    auth: Option<&str>,
    body: &str,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut req = reqwest::Client::new()
        .post(endpoint)
        .header("content-type", "application/x-amz-json-1.0")
        .body(body.to_string());
    if let Some(t) = target {
        req = req.header("x-amz-target", t);
    }
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.unwrap();
    let crc: u32 = headers["x-amz-crc32"].to_str().unwrap().parse().unwrap();
    assert_eq!(crc, crc32fast::hash(&bytes), "x-amz-crc32 must be the CRC32 of the body");
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

#[tokio::test]
async fn success_carries_request_id_and_crc() {
    let emu = Emulator::builder().start().await.unwrap();
    let (status, headers, body) =
        post(&emu.endpoint(), Some("DynamoDB_20120810.ListTables"), Some(AUTH), "{}").await;
    assert_eq!(status, 200);
    assert!(!headers["x-amzn-requestid"].is_empty());
    assert_eq!(headers["content-type"], "application/x-amz-json-1.0");
    assert_eq!(body, json!({"TableNames": []}));
}

#[tokio::test]
async fn unknown_operation() {
    let emu = Emulator::builder().start().await.unwrap();
    let (status, _, body) =
        post(&emu.endpoint(), Some("DynamoDB_20120810.Frobnicate"), Some(AUTH), "{}").await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "com.amazon.coral.service#UnknownOperationException");
    let (status, _, body) = post(&emu.endpoint(), None, Some(AUTH), "{}").await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "com.amazon.coral.service#UnknownOperationException");
}

#[tokio::test]
async fn missing_and_malformed_authorization() {
    let emu = Emulator::builder().start().await.unwrap();
    let (status, _, body) = post(&emu.endpoint(), Some("DynamoDB_20120810.ListTables"), None, "{}").await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "com.amazon.coral.service#MissingAuthenticationTokenException");
    assert_eq!(body["message"], "Request is missing Authentication Token");
    let (status, _, body) =
        post(&emu.endpoint(), Some("DynamoDB_20120810.ListTables"), Some("Bearer abc"), "{}").await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "com.amazon.coral.service#IncompleteSignatureException");
}

#[tokio::test]
async fn malformed_json_is_a_serialization_error() {
    let emu = Emulator::builder().start().await.unwrap();
    for bad in ["{", "[]", "nope", ""] {
        let (status, _, body) =
            post(&emu.endpoint(), Some("DynamoDB_20120810.ListTables"), Some(AUTH), bad).await;
        assert_eq!(status, 400, "body {bad:?}");
        assert_eq!(body["__type"], "com.amazon.coral.service#SerializationException", "body {bad:?}");
    }
}

#[tokio::test]
async fn oversized_body_is_rejected_without_reading_it_all() {
    let emu = Emulator::builder().start().await.unwrap();
    let huge = format!("{{\"TableName\":\"{}\"}}", "a".repeat(ddb_emulator::http::MAX_BODY_BYTES + 1));
    let (status, _, body) =
        post(&emu.endpoint(), Some("DynamoDB_20120810.ListTables"), Some(AUTH), &huge).await;
    assert_eq!(status, 413);
    assert_eq!(body["__type"], "com.amazon.coral.service#RequestEntityTooLargeException");
}
