//! Failures that lose nothing: a hard error part-way through a batch
//! reports exactly what was not written. The throttling is injected with an
//! aws-sdk interceptor (the emulator's fault injection is not available
//! yet): the n-th BatchWriteItem response is replaced by DynamoDB's
//! ProvisionedThroughputExceededException.

use crate::common::setup;
use aws_sdk_dynamodb::config::interceptors::{
    BeforeDeserializationInterceptorContextMut, BeforeTransmitInterceptorContextMut,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use ddb_odm::{AttributeValue, Error, Model, Odm, OdmOptions};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Throttles the `nth` (1-based) request of `operation`.
#[derive(Debug)]
struct ThrottleNth {
    operation: &'static str,
    nth: usize,
    seen: Arc<AtomicUsize>,
    armed: AtomicBool,
}

impl Intercept for ThrottleNth {
    fn name(&self) -> &'static str {
        "ThrottleNth"
    }

    fn modify_before_transmit(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = ctx.request_mut();
        let target = request.headers().get("x-amz-target").is_some_and(|t| t.ends_with(self.operation));
        let throttle = target && self.seen.fetch_add(1, Ordering::SeqCst) + 1 == self.nth;
        if throttle {
            // The service must not apply a throttled request: send it to an
            // operation that does not exist (refused, nothing written), and
            // turn the answer into the throttling error below. The request
            // is gone by the time the response arrives, hence `armed`.
            request.headers_mut().insert("x-amz-target", "DynamoDB_20120810.Throttled");
        }
        self.armed.store(throttle, Ordering::SeqCst);
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        ctx: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !self.armed.swap(false, Ordering::SeqCst) {
            return Ok(());
        }
        let resp = ctx.response_mut();
        *resp.status_mut() = 400u16.try_into()?;
        resp.headers_mut().remove("x-amz-crc32");
        *resp.body_mut() = aws_smithy_types::body::SdkBody::from(
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"The level of configured provisioned throughput for the table was exceeded."}"#,
        );
        Ok(())
    }
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "readings")]
struct Reading {
    #[key]
    id: u32,
    value: u32,
}

#[tokio::test]
async fn throttling_on_chunk_3_of_5_reports_exactly_the_writes_not_made() {
    let (db, odm) = setup().await;
    odm.model::<Reading>().await.unwrap();
    let seen = Arc::new(AtomicUsize::new(0));
    let interceptor = ThrottleNth {
        operation: "BatchWriteItem",
        nth: 3,
        seen: seen.clone(),
        armed: AtomicBool::new(false),
    };
    let config = db.client.config().to_builder().interceptor(interceptor).build();
    let client = aws_sdk_dynamodb::Client::from_conf(config);
    let throttled = Odm::with_options(client, OdmOptions { prefix: db.prefix.clone(), ..Default::default() });
    let readings = throttled.handle::<Reading>().unwrap();
    // 5 chunks of 25.
    let all: Vec<Reading> = (0..125).map(|id| Reading { id, value: id * 2 }).collect();
    let err = readings.batch_put(all.iter()).await.unwrap_err();
    let Error::BatchFailed { source, unprocessed_writes, .. } = &err else { panic!("{err:?}") };
    assert!(source.is_throttled(), "{source:?}");
    assert!(err.is_retryable());
    assert_eq!(seen.load(Ordering::SeqCst), 3, "chunks 4 and 5 were not sent");
    let not_made: BTreeSet<String> = unprocessed_writes
        .iter()
        .map(|(_, item)| match &item["id"] {
            AttributeValue::N(n) => n.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    // The writes of chunks 3, 4 and 5, and nothing else.
    let written: Vec<Reading> = {
        use futures::TryStreamExt;
        odm.handle::<Reading>().unwrap().scan().all().try_collect().await.unwrap()
    };
    let written_ids: BTreeSet<String> = written.iter().map(|r| r.id.to_string()).collect();
    assert_eq!(written_ids.len(), 50);
    assert_eq!(not_made.len(), 75);
    assert!(written_ids.is_disjoint(&not_made));
    let every: BTreeSet<String> = (0..125).map(|i: u32| i.to_string()).collect();
    assert_eq!(written_ids.union(&not_made).cloned().collect::<BTreeSet<_>>(), every);
}
