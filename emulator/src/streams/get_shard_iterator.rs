//! GetShardIterator: a position in a shard, as an opaque iterator
//! ([`super::iterator`]) valid for 15 minutes.

use super::iterator::ShardIterator;
use crate::error::{messages, Error, ErrorKind, Result};
use crate::ops::command::{Ctx, Read};
use crate::store::stream::{Shard, StreamLog, SEQ_SPAN};
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// Where an iterator starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ShardIteratorType {
    /// The oldest record still kept.
    TrimHorizon,
    /// Just after the most recent record.
    Latest,
    /// At the record with the given sequence number.
    AtSequenceNumber,
    /// Just after the record with the given sequence number.
    AfterSequenceNumber,
    /// At the first record created at or after the given time.
    AtTimestamp,
}

impl ShardIteratorType {
    /// The service's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ShardIteratorType::TrimHorizon => "TRIM_HORIZON",
            ShardIteratorType::Latest => "LATEST",
            ShardIteratorType::AtSequenceNumber => "AT_SEQUENCE_NUMBER",
            ShardIteratorType::AfterSequenceNumber => "AFTER_SEQUENCE_NUMBER",
            ShardIteratorType::AtTimestamp => "AT_TIMESTAMP",
        }
    }
}

/// A GetShardIterator request.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetShardIterator {
    /// The stream.
    pub stream_arn: String,
    /// The shard.
    pub shard_id: String,
    /// Where to start.
    pub shard_iterator_type: ShardIteratorType,
    /// For AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER.
    pub sequence_number: Option<String>,
    /// For AT_TIMESTAMP: epoch seconds.
    pub timestamp: Option<f64>,
}

impl GetShardIterator {
    /// An iterator of type `kind` on shard `shard_id` of stream `arn`.
    pub fn new(arn: impl Into<String>, shard_id: impl Into<String>, kind: ShardIteratorType) -> Self {
        GetShardIterator {
            stream_arn: arn.into(),
            shard_id: shard_id.into(),
            shard_iterator_type: kind,
            sequence_number: None,
            timestamp: None,
        }
    }
    /// The sequence number for AT_ / AFTER_SEQUENCE_NUMBER.
    pub fn sequence_number(mut self, seq: impl Into<String>) -> Self {
        self.sequence_number = Some(seq.into());
        self
    }
    /// The time for AT_TIMESTAMP (epoch seconds).
    pub fn timestamp(mut self, secs: f64) -> Self {
        self.timestamp = Some(secs);
        self
    }
}

/// GetShardIterator's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetShardIteratorOutput {
    /// The iterator.
    pub shard_iterator: String,
}

impl Read for GetShardIterator {
    type Output = GetShardIteratorOutput;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<GetShardIteratorOutput> {
        iterator(self, ctx.now_ms, db)
    }
}

fn iterator(req: &GetShardIterator, now: u64, db: &Db) -> Result<GetShardIteratorOutput> {
    let log = super::existing_stream(db, &req.stream_arn, now)?;
    let shard =
        log.shard_by_id(&req.shard_id, now).ok_or_else(|| Error::not_found(messages::SHARD_NOT_FOUND))?;
    let trimmed = log.trimmed_through_at(now);
    let horizon = shard.start.max(trimmed + 1);
    let position = match req.shard_iterator_type {
        ShardIteratorType::TrimHorizon => horizon,
        ShardIteratorType::Latest => latest(log, shard),
        kind @ (ShardIteratorType::AtSequenceNumber | ShardIteratorType::AfterSequenceNumber) => {
            let seq = req
                .sequence_number
                .as_deref()
                .ok_or_else(|| Error::validation(messages::sequence_number_required(kind.as_str())))?;
            let counter = counter_in(log, shard, seq)
                .ok_or_else(|| Error::validation(messages::invalid_sequence_number(seq, &req.shard_id)))?;
            if counter <= trimmed {
                return Err(Error::new(ErrorKind::TrimmedDataAccess, messages::DATA_TRIMMED));
            }
            if kind == ShardIteratorType::AtSequenceNumber {
                counter
            } else {
                counter + 1
            }
        }
        ShardIteratorType::AtTimestamp => {
            let secs = req.timestamp.ok_or_else(|| Error::validation(messages::TIMESTAMP_REQUIRED))?;
            let at_ms = (secs * 1000.0).max(0.0) as u64;
            if at_ms > now {
                return Err(Error::validation(messages::TIMESTAMP_IN_FUTURE));
            }
            // The first record whose ApproximateCreationDateTime (whole
            // seconds) is at or after the time, not before the horizon.
            let from = log.position(horizon);
            log.records_from(from)
                .take_while(|r| shard.holds(r.counter))
                .find(|r| r.time_ms / 1000 * 1000 >= at_ms)
                .map_or_else(|| latest(log, shard), |r| r.counter)
        }
    };
    let it = ShardIterator { arn: log.head.arn.clone(), ordinal: shard.ordinal, position, issued_ms: now };
    Ok(GetShardIteratorOutput { shard_iterator: it.encode() })
}

/// Just after the shard's last record.
fn latest(log: &StreamLog, shard: &Shard) -> u64 {
    shard.end.map_or(log.next, |e| e + 1)
}

/// The counter of sequence number `seq` if it names a record of `shard`.
fn counter_in(log: &StreamLog, shard: &Shard, seq: &str) -> Option<u64> {
    if seq.is_empty() || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u128 = seq.parse().ok()?;
    let (ordinal, counter) = (n / SEQ_SPAN, u64::try_from(n % SEQ_SPAN).ok()?);
    (ordinal == u128::from(shard.ordinal) && shard.holds(counter) && counter < log.next).then_some(counter)
}
