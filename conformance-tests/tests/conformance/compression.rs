//! Compressed requests and responses through the AWS SDK.
//!
//! No DynamoDB operation carries the Smithy `@requestCompression` trait, so
//! the SDK's own `request_min_compression_size_bytes` never fires for it.
//! Clients that compress anyway (the Java SDK v1's `withGzip`, HTTP proxies,
//! custom middleware) do what the interceptor below does: gzip the
//! serialized body *before* signing (so the signature covers the bytes on
//! the wire), label it `Content-Encoding: gzip`, ask for
//! `Accept-Encoding: gzip`, and check `x-amz-crc32` over the bytes received
//! before inflating them. The emulator verifies signatures here, so a body
//! decoded wrongly, or signed over the wrong bytes, would fail.

use aws_sdk_dynamodb::config::interceptors::{
    BeforeDeserializationInterceptorContextMut, BeforeTransmitInterceptorContextMut,
};
use aws_sdk_dynamodb::config::{
    BehaviorVersion, ConfigBag, Credentials, Intercept, Region, RuntimeComponents,
};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use ddb_emulator::Emulator;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use http_body_1::{Body, Frame, SizeHint};
use std::io::{Read, Write};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

/// What the interceptor saw, for the test's assertions.
#[derive(Default)]
struct Seen {
    requests_compressed: AtomicUsize,
    responses_compressed: AtomicUsize,
}

#[derive(Debug)]
struct Gzip {
    seen: Arc<Seen>,
}

impl std::fmt::Debug for Seen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Seen")
    }
}

impl Intercept for Gzip {
    fn name(&self) -> &'static str {
        "Gzip"
    }

    // Before signing, so the SigV4 payload hash is over the gzip bytes.
    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        let plain = request.body().bytes().ok_or("streaming request body")?.to_vec();
        let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(&plain)?;
        let gzipped = encoder.finish()?;
        let headers = request.headers_mut();
        headers.insert("content-encoding", "gzip");
        headers.insert("content-length", gzipped.len().to_string());
        headers.insert("accept-encoding", "gzip");
        *request.body_mut() = SdkBody::from(gzipped);
        self.seen.requests_compressed.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response_mut();
        if response.headers().get("content-encoding") != Some("gzip") {
            return Ok(());
        }
        let crc = response
            .headers()
            .get("x-amz-crc32")
            .ok_or("a compressed response without x-amz-crc32")?
            .parse::<u32>()?;
        response.headers_mut().remove("content-encoding");
        response.headers_mut().remove("content-length");
        self.seen.responses_compressed.fetch_add(1, Ordering::Relaxed);
        let body = std::mem::replace(response.body_mut(), SdkBody::taken());
        *response.body_mut() =
            SdkBody::from_body_1_x(Gunzip { inner: body, received: Vec::new(), crc, done: false });
        Ok(())
    }
}

/// A response body that collects the gzip bytes, checks their CRC32
/// against `x-amz-crc32` (computed by the service over the bytes sent) and
/// yields the inflated JSON as one frame.
struct Gunzip {
    inner: SdkBody,
    received: Vec<u8>,
    crc: u32,
    done: bool,
}

impl Body for Gunzip {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        loop {
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        this.received.extend_from_slice(&data);
                    }
                }
                Poll::Ready(None) => break,
            }
        }
        this.done = true;
        if crc32fast::hash(&this.received) != this.crc {
            return Poll::Ready(Some(Err("x-amz-crc32 does not match the bytes received".into())));
        }
        let mut plain = Vec::new();
        if let Err(e) = GzDecoder::new(&this.received[..]).read_to_end(&mut plain) {
            return Poll::Ready(Some(Err(e.into())));
        }
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(plain)))))
    }

    fn is_end_stream(&self) -> bool {
        self.done
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

fn compressing_client(endpoint: &str, secret: &str, seen: Arc<Seen>) -> Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDGZIP", secret, None, None, "test"))
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
        .interceptor(Gzip { seen })
        .build();
    Client::from_conf(config)
}

#[tokio::test]
async fn gzip_requests_and_responses_through_the_sdk_with_signatures_verified() {
    let emu = Emulator::builder()
        .verify_signatures(true)
        .credential("AKIDGZIP", "gz-secret")
        .start()
        .await
        .unwrap();
    let seen = Arc::new(Seen::default());
    let client = compressing_client(&emu.endpoint(), "gz-secret", seen.clone());
    crate::items_basic::create_table(&client, "gzipped", false).await;

    // Items large enough that the Scan's answer is over the emulator's
    // compression threshold, and compressible.
    let filler = "compressible ".repeat(40);
    for i in 0..20 {
        client
            .put_item()
            .table_name("gzipped")
            .item("pk", AttributeValue::S(format!("item-{i:02}")))
            .item("body", AttributeValue::S(filler.clone()))
            .send()
            .await
            .unwrap();
    }
    let got = client
        .get_item()
        .table_name("gzipped")
        .key("pk", AttributeValue::S("item-07".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(got.item().unwrap()["body"], AttributeValue::S(filler.clone()));

    let before = seen.responses_compressed.load(Ordering::Relaxed);
    let scan = client.scan().table_name("gzipped").send().await.unwrap();
    assert_eq!(scan.count(), 20);
    assert!(scan.items().iter().all(|item| item["body"] == AttributeValue::S(filler.clone())));
    assert_eq!(
        seen.responses_compressed.load(Ordering::Relaxed),
        before + 1,
        "the Scan's answer came gzip-compressed"
    );
    assert!(seen.requests_compressed.load(Ordering::Relaxed) >= 23);

    // A wrong secret over a compressed body is still refused, and writes
    // nothing: the signature check is not bypassed by the encoding.
    let wrong = compressing_client(&emu.endpoint(), "not-the-secret", Arc::new(Seen::default()));
    let err = wrong
        .put_item()
        .table_name("gzipped")
        .item("pk", AttributeValue::S("intruder".into()))
        .send()
        .await
        .unwrap_err();
    let service = err.into_service_error();
    assert_eq!(service.meta().code(), Some("InvalidSignatureException"));
    let scan = client.scan().table_name("gzipped").send().await.unwrap();
    assert_eq!(scan.count(), 20);
}
