//! Request bodies that are not well-formed JSON, through the AWS SDK.
//!
//! The SDK always sends well-formed JSON, so an interceptor damages the
//! serialized body before signing (the signature covers the bytes on the
//! wire; the emulator verifies it): cut short, followed by extra bytes, or
//! with an invalid UTF-8 byte inside a string. The service answers each
//! with a `SerializationException` whose text says what is wrong and where
//! (issue 15); the wording is the emulator's (see `error/messages`), so
//! these tests run on the emulator itself (they ignore `DDB_ENDPOINT`).
//! Positions are 1-based, the column counted in characters.

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_dynamodb::config::{
    BehaviorVersion, ConfigBag, Credentials, Intercept, Region, RuntimeComponents,
};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use aws_smithy_types::body::SdkBody;
use ddb_conformance::expect_err;
use ddb_emulator::Emulator;
use std::sync::{Arc, Mutex};

/// How the interceptor damages a body.
#[derive(Clone, Copy, Debug)]
enum Damage {
    /// The last `n` bytes cut off.
    Truncate(usize),
    /// Bytes appended after the JSON object.
    Append(&'static [u8]),
    /// The first occurrence of a byte string replaced by another.
    Replace(&'static [u8], &'static [u8]),
}

impl Damage {
    fn apply(self, body: &[u8]) -> Vec<u8> {
        match self {
            Damage::Truncate(n) => body[..body.len() - n].to_vec(),
            Damage::Append(extra) => [body, extra].concat(),
            Damage::Replace(from, to) => {
                let at = body.windows(from.len()).position(|w| w == from).expect("the bytes to replace");
                [&body[..at], to, &body[at + from.len()..]].concat()
            }
        }
    }
}

/// Damages every request body it sees, and keeps the last one sent.
#[derive(Debug)]
struct Corrupt {
    damage: Damage,
    sent: Arc<Mutex<Vec<u8>>>,
}

impl Intercept for Corrupt {
    fn name(&self) -> &'static str {
        "Corrupt"
    }

    // Before signing, so the SigV4 payload hash is over the damaged bytes.
    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        let body = self.damage.apply(request.body().bytes().ok_or("streaming request body")?);
        request.headers_mut().insert("content-length", body.len().to_string());
        *self.sent.lock().unwrap() = body.clone();
        *request.body_mut() = SdkBody::from(body);
        Ok(())
    }
}

const SECRET: &str = "serial-secret";

async fn verifying_emulator() -> Emulator {
    Emulator::builder().verify_signatures(true).credential("AKIDSERIAL", SECRET).start().await.unwrap()
}

fn client(endpoint: &str, interceptor: Option<Corrupt>) -> Client {
    let mut config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDSERIAL", SECRET, None, None, "test"))
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled());
    if let Some(interceptor) = interceptor {
        config = config.interceptor(interceptor);
    }
    Client::from_conf(config.build())
}

/// 1-based line and column (in characters) of byte `at` of `body`, counted
/// independently of the emulator: the text before it, decoded.
fn position(body: &[u8], at: usize) -> (usize, usize) {
    let before = String::from_utf8(body[..at].to_vec()).expect("valid UTF-8 before the fault");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// PutItem of `{pk: "héllo wörld"}` sent with `damage`: the SDK error's
/// code and message, and the bytes that were sent.
async fn put_damaged(endpoint: &str, damage: Damage) -> (String, String, Vec<u8>) {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let c = client(endpoint, Some(Corrupt { damage, sent: sent.clone() }));
    let (code, message) = expect_err!(
        c.put_item().table_name("things").item("pk", AttributeValue::S("héllo wörld".into())).send().await
    );
    let body = sent.lock().unwrap().clone();
    (code, message, body)
}

/// The emulator, with table `things`; checks at the end that nothing was written.
async fn with_table() -> (Emulator, Client) {
    let emu = verifying_emulator().await;
    let c = client(&emu.endpoint(), None);
    crate::items_basic::create_table(&c, "things", false).await;
    (emu, c)
}

async fn assert_nothing_written(c: &Client) {
    let scan = c.scan().table_name("things").send().await.unwrap();
    assert_eq!(scan.count(), 0, "nothing was written");
}

#[tokio::test]
async fn a_truncated_body_is_reported_at_its_end() {
    let (emu, c) = with_table().await;
    for cut in [1, 2, 9] {
        let (code, message, body) = put_damaged(&emu.endpoint(), Damage::Truncate(cut)).await;
        let (line, column) = position(&body, body.len());
        assert_eq!(code, "SerializationException");
        assert_eq!(message, format!("Unexpected end of JSON input at line {line}, column {column}"));
    }
    assert_nothing_written(&c).await;
}

#[tokio::test]
async fn trailing_data_is_reported_where_it_starts() {
    let (emu, c) = with_table().await;
    for extra in [&b"{}"[..], b" x", b"\n\n  ]"] {
        let (code, message, body) = put_damaged(&emu.endpoint(), Damage::Append(extra)).await;
        let start = body.len() - extra.len() + extra.iter().position(|b| !b.is_ascii_whitespace()).unwrap();
        let (line, column) = position(&body, start);
        assert_eq!(code, "SerializationException");
        assert_eq!(message, format!("Unexpected data after the JSON value at line {line}, column {column}"));
    }
    assert_nothing_written(&c).await;
}

#[tokio::test]
async fn invalid_utf8_is_reported_at_the_bad_byte() {
    let (emu, c) = with_table().await;
    // Inside a string, after two-byte characters; a lone continuation byte;
    // outside a string (instead of the `:` after "TableName").
    for (from, to) in [
        (&b"w\xc3\xb6rld"[..], &b"w\xc3\xb6r\xffld"[..]),
        (b"llo", b"l\x80lo"),
        (b"\"TableName\":", b"\"TableName\"\xfe"),
    ] {
        let (code, message, body) = put_damaged(&emu.endpoint(), Damage::Replace(from, to)).await;
        let at = std::str::from_utf8(&body).unwrap_err().valid_up_to();
        let (line, column) = position(&body, at);
        assert_eq!(code, "SerializationException");
        assert_eq!(message, format!("Invalid UTF-8 byte sequence at line {line}, column {column}"));
    }
    assert_nothing_written(&c).await;
}

#[tokio::test]
async fn invalid_utf8_before_the_truncation_is_reported_first() {
    let (emu, c) = with_table().await;
    // The body cut inside the item's string, whose last byte is then a
    // lone lead byte: both faults, the bad byte first.
    let (code, message, body) = put_damaged(&emu.endpoint(), Damage::Replace(b"rld\"}}}", b"\xc3")).await;
    assert!(!body.ends_with(b"}"), "the body is cut short");
    let at = body.len() - 1;
    let (line, column) = position(&body, at);
    assert_eq!(code, "SerializationException");
    assert_eq!(message, format!("Invalid UTF-8 byte sequence at line {line}, column {column}"));
    assert_nothing_written(&c).await;
}
