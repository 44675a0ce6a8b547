//! Reading a table's changes in process, for Rust tests: [`ChangeFeed`]
//! (poll: every record available now) and [`ChangeStream`] (an async
//! `Stream` of records that waits for new ones).
//!
//! A feed follows the table's enabled stream from its oldest record
//! (`StartAt::TrimHorizon`) or from now (`StartAt::Latest`), through shard
//! rollovers (child after parent), exactly as a consumer following
//! `ParentShardId` lineage would, and through the same read path as
//! GetRecords.
//!
//! ```
//! use ddb_emulator::streams::{ChangeFeed, StartAt};
//! use ddb_emulator::{Config, PutItem, Service};
//! use ddb_emulator::value::{AttributeValue, Item};
//!
//! let svc = Service::new(Config::default());
//! svc.call("CreateTable", &serde_json::json!({
//!     "TableName": "things", "BillingMode": "PAY_PER_REQUEST",
//!     "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
//!     "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
//!     "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"},
//! }))?;
//! let mut feed = ChangeFeed::new("things", StartAt::TrimHorizon);
//! let item: Item = [("pk".to_string(), AttributeValue::S("a".into()))].into();
//! svc.put_item(PutItem::new("things", item.clone()))?;
//! let records = feed.poll(&svc)?;
//! assert_eq!(records.len(), 1);
//! assert_eq!(records[0].new_item(), Some(item));
//! # Ok::<(), ddb_emulator::Error>(())
//! ```

use super::get_records::{self, StreamRecord};
use super::iterator::ShardIterator;
use crate::error::{messages, Error, Result};
use crate::service::Service;
use crate::store::stream::StreamLog;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// Where a feed starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartAt {
    /// The oldest record still kept.
    TrimHorizon,
    /// The next change after the first poll.
    Latest,
}

/// A cursor over one table's change records (see the module docs).
#[derive(Clone, Debug)]
pub struct ChangeFeed {
    table: String,
    start: StartAt,
    /// (stream ARN, shard ordinal, next counter) once the first poll found the stream.
    cursor: Option<(String, u32, u64)>,
}

impl ChangeFeed {
    /// A feed of `table`'s enabled stream.
    pub fn new(table: impl Into<String>, start: StartAt) -> Self {
        ChangeFeed { table: table.into(), start, cursor: None }
    }

    /// Every record available now, oldest first (empty when there is
    /// nothing new). Errors: the table has no stream
    /// (ResourceNotFoundException), or the feed fell more than 24 hours
    /// behind (TrimmedDataAccessException).
    pub fn poll(&mut self, svc: &Service) -> Result<Vec<StreamRecord>> {
        let now = svc.clock.now_ms();
        let db = svc.store.snapshot();
        let log: &StreamLog = match &self.cursor {
            Some((arn, _, _)) => super::existing_stream(&db, arn, now)?,
            None => db
                .table(crate::ops::table_name(&self.table))
                .and_then(|t| t.streams())
                .and_then(|s| s.active.as_ref())
                .ok_or_else(|| Error::not_found(messages::stream_not_found(&self.table)))?,
        };
        let (_, mut ordinal, mut position) = match self.cursor.take() {
            Some(c) => c,
            None => {
                let first = match self.start {
                    StartAt::TrimHorizon => log.shards_at(now).next(),
                    StartAt::Latest => log.shards_at(now).last(),
                }
                .copied()
                .ok_or_else(|| Error::not_found(messages::SHARD_NOT_FOUND))?;
                let position = match self.start {
                    StartAt::TrimHorizon => first.start.max(log.trimmed_through_at(now) + 1),
                    StartAt::Latest => log.next,
                };
                (log.head.arn.clone(), first.ordinal, position)
            }
        };
        let arn = log.head.arn.clone();
        let mut out = Vec::new();
        loop {
            let it = ShardIterator { arn: arn.clone(), ordinal, position, issued_ms: now };
            let page =
                match get_records::read(log, &it, get_records::MAX_LIMIT as usize, now, &svc.config.region) {
                    Ok(page) => page,
                    Err(e) => {
                        self.cursor = Some((arn, ordinal, position));
                        return Err(e);
                    }
                };
            let got = page.records.len();
            out.extend(page.records);
            match page.next_shard_iterator.as_deref().and_then(ShardIterator::decode) {
                Some(next) => position = next.position,
                // The shard is closed and read to its end: its child follows.
                None => match log.shard(ordinal + 1) {
                    Some(child) => {
                        ordinal = child.ordinal;
                        position = child.start;
                        continue;
                    }
                    None => break,
                },
            }
            if got == 0 {
                break;
            }
        }
        self.cursor = Some((arn, ordinal, position));
        Ok(out)
    }
}

/// An async `Stream` of one table's change records: yields each record
/// once, oldest first, and waits (polling every `interval`, 5 ms by
/// default) when there is nothing new. Ends only with an error item.
pub struct ChangeStream {
    svc: Arc<Service>,
    feed: ChangeFeed,
    buffer: VecDeque<StreamRecord>,
    interval: Duration,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl std::fmt::Debug for ChangeStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeStream")
            .field("feed", &self.feed)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl ChangeStream {
    /// The changes of `table`, from `start`.
    pub fn new(svc: Arc<Service>, table: impl Into<String>, start: StartAt) -> Self {
        ChangeStream {
            svc,
            feed: ChangeFeed::new(table, start),
            buffer: VecDeque::new(),
            interval: Duration::from_millis(5),
            sleep: None,
        }
    }

    /// Polls for new records every `interval` while waiting.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The next record (waits for one); `Err` as [`ChangeFeed::poll`].
    pub async fn next(&mut self) -> Option<Result<StreamRecord>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_record(cx)).await
    }

    fn poll_record(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<StreamRecord>>> {
        loop {
            if let Some(r) = self.buffer.pop_front() {
                return Poll::Ready(Some(Ok(r)));
            }
            if let Some(sleep) = &mut self.sleep {
                if sleep.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                self.sleep = None;
            }
            match self.feed.poll(&self.svc) {
                Err(e) => return Poll::Ready(Some(Err(e))),
                Ok(records) if records.is_empty() => {
                    self.sleep = Some(Box::pin(tokio::time::sleep(self.interval)));
                }
                Ok(records) => self.buffer.extend(records),
            }
        }
    }
}

impl futures_core::Stream for ChangeStream {
    type Item = Result<StreamRecord>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_record(cx)
    }
}
