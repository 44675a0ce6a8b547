//! Request bodies that are not well-formed JSON, over raw HTTP: each gets
//! 400 and a `SerializationException` whose text names the fault and
//! where it was found (1-based line, column in characters), on the typed
//! fast path's operations, on the others and on DynamoDB Streams alike;
//! nothing runs.

use ddb_emulator::Emulator;
use serde_json::{json, Value};
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SERIALIZATION: &str = "com.amazon.coral.service#SerializationException";

/// Posts `body` to `target` (e.g. `DynamoDB_20120810.PutItem`): the status and the JSON answer.
async fn post(addr: SocketAddr, target: &str, body: &[u8]) -> (u16, Value) {
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-amz-json-1.0\r\n\
         X-Amz-Target: {target}\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(&[head.as_bytes(), body].concat()).await.unwrap();
    let mut response = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("answered in time")
        .unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a header");
    let status = String::from_utf8_lossy(&response[..split]).split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_slice(&response[split + 4..]).unwrap_or(Value::Null))
}

async fn api(addr: SocketAddr, op: &str, body: &[u8]) -> (u16, Value) {
    post(addr, &format!("DynamoDB_20120810.{op}"), body).await
}

/// An emulator with table `tbl` (key `pk`, a string).
async fn with_table() -> Emulator {
    let emu = Emulator::builder().start().await.unwrap();
    let table = json!({
        "TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"},
    });
    let created = api(emu.addr(), "CreateTable", table.to_string().as_bytes()).await;
    assert_eq!(created.0, 200, "{}", created.1);
    emu
}

fn assert_refused(answer: (u16, Value), text: &str, what: &str) {
    assert_eq!(answer.0, 400, "{what}: {}", answer.1);
    assert_eq!(answer.1["__type"], SERIALIZATION, "{what}");
    assert_eq!(answer.1["message"], text, "{what}");
}

/// The cases, as (body, text): each class of fault once, with a newline
/// and multi-byte characters before some.
fn cases() -> Vec<(Vec<u8>, &'static str)> {
    let put = br#"{"TableName":"tbl","Item":{"pk":{"S":"a"}}"#.to_vec();
    vec![
        // Truncated: the body ends inside the top-level object.
        (put.clone(), "Unexpected end of JSON input at line 1, column 43"),
        (b"".to_vec(), "Unexpected end of JSON input at line 1, column 1"),
        // Trailing data after the one top-level value.
        ([&put[..], b"}{}"].concat(), "Unexpected data after the JSON value at line 1, column 44"),
        ([&put[..], b"} x"].concat(), "Unexpected data after the JSON value at line 1, column 45"),
        // Invalid UTF-8 inside a string, after a newline and two-byte characters.
        (
            b"{\"TableName\":\"tbl\",\n\"Item\":{\"pk\":{\"S\":\"\xc3\xa9\xc3\xa9\xff\"}}}".to_vec(),
            "Invalid UTF-8 byte sequence at line 2, column 22",
        ),
        // Invalid UTF-8 outside a string.
        (b"{\"TableName\":\"tbl\",\xff}".to_vec(), "Invalid UTF-8 byte sequence at line 1, column 20"),
        // Invalid UTF-8, then truncated: the first fault.
        (b"{\"TableName\":\"tbl\xff".to_vec(), "Invalid UTF-8 byte sequence at line 1, column 18"),
        // Other syntax errors.
        (br#"{"TableName" "t"}"#.to_vec(), "Unexpected character '\"' at line 1, column 14"),
        (
            "{\"TableName\":\"tbl\",\n  \"Item\": {\"é\": x}}".as_bytes().to_vec(),
            "Unexpected character 'x' at line 2, column 17",
        ),
        (br#"{"TableName":"tbl\q"}"#.to_vec(), "Invalid escape sequence at line 1, column 19"),
        (br#"{"TableName":"tbl","Limit":01}"#.to_vec(), "Invalid number at line 1, column 29"),
    ]
}

#[tokio::test]
async fn malformed_bodies_get_a_serialization_exception_that_says_what_and_where() {
    let emu = with_table().await;
    // PutItem: the fast path's operation; ListTables and CreateTable: the Value path only.
    for op in ["PutItem", "ListTables", "CreateTable"] {
        for (body, text) in cases() {
            let what = format!("{op} {}", String::from_utf8_lossy(&body));
            assert_refused(api(emu.addr(), op, &body).await, text, &what);
        }
    }
    let (_, scan) = api(emu.addr(), "Scan", br#"{"TableName":"tbl"}"#).await;
    assert_eq!(scan["Count"], 0, "nothing was written");
}

#[tokio::test]
async fn streams_requests_get_the_same_texts() {
    let emu = with_table().await;
    for (body, text) in cases() {
        let what = format!("ListStreams {}", String::from_utf8_lossy(&body));
        assert_refused(post(emu.addr(), "DynamoDBStreams_20120810.ListStreams", &body).await, text, &what);
    }
    assert_eq!(post(emu.addr(), "DynamoDBStreams_20120810.ListStreams", b"{}").await.0, 200);
}

#[tokio::test]
async fn well_formed_bodies_keep_their_texts() {
    let emu = with_table().await;
    let (status, answer) = api(emu.addr(), "ListTables", b"[]").await;
    assert_eq!((status, &answer["__type"]), (400, &json!(SERIALIZATION)));
    assert_eq!(answer["message"], "Expected a JSON object as the request body.");
    let (_, answer) = api(emu.addr(), "ListTables", br#"{"Limit":"5"}"#).await;
    assert_eq!(answer["message"], "STRING_VALUE cannot be converted to Integer");
    let (_, answer) = api(emu.addr(), "ListTables", br#"{"Limit":{}}"#).await;
    assert_eq!(answer["message"], "Start of structure or map found where not expected");
}

/// The fast path skips members it does not know without reading them as
/// the Value path does; a bad one must still be refused, and nothing written.
#[tokio::test]
async fn a_bad_unknown_member_is_refused_on_the_fast_path_too() {
    let emu = with_table().await;
    let body = b"{\"TableName\":\"tbl\",\"Item\":{\"pk\":{\"S\":\"a\"}},\"Junk\":\"\xff\"}";
    assert_refused(
        api(emu.addr(), "PutItem", body).await,
        "Invalid UTF-8 byte sequence at line 1, column 52",
        "junk",
    );
    let body = br#"{"TableName":"tbl","Item":{"pk":{"S":"a"}},"Junk":1e400}"#;
    assert_refused(api(emu.addr(), "PutItem", body).await, "Invalid number at line 1, column 55", "1e400");
    let (_, got) = api(emu.addr(), "GetItem", br#"{"TableName":"tbl","Key":{"pk":{"S":"a"}}}"#).await;
    assert_eq!(got, json!({}), "nothing was written");
}
