//! GetRecords: the records of a shard from an iterator's position, up to
//! `Limit` (1,000 at most) and 1 MB, and the iterator that continues.

use super::iterator::ShardIterator;
use crate::error::{messages, Error, ErrorKind, Result};
use crate::ops::command::{Ctx, Read};
use crate::store::stream::{EventName, Record, StreamLog, ITERATOR_TTL_MS};
use crate::store::{Db, StoredItem};
use crate::value::Item;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

/// Most records per call (the API's documented upper limit of `Limit`).
pub const MAX_LIMIT: i64 = 1000;
/// Most data per call: 1 MB (of `SizeBytes`).
pub const MAX_BYTES: u64 = 1024 * 1024;
/// `eventVersion` of the records.
pub const EVENT_VERSION: &str = "1.1";

/// A GetRecords request.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRecords {
    /// From GetShardIterator or the previous GetRecords.
    pub shard_iterator: String,
    /// At most this many records (1 to 1,000; default 1,000).
    pub limit: Option<i64>,
}

impl GetRecords {
    /// Reads from `iterator`.
    pub fn new(iterator: impl Into<String>) -> Self {
        GetRecords { shard_iterator: iterator.into(), limit: None }
    }
    /// At most `n` records.
    pub fn limit(mut self, n: i64) -> Self {
        self.limit = Some(n);
        self
    }
}

/// GetRecords' answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRecordsOutput {
    /// The records, oldest first.
    pub records: Vec<StreamRecord>,
    /// Where to continue; absent once a closed shard has been read to its end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_shard_iterator: Option<String>,
}

/// One stream record, as GetRecords returns it. Images share the stored
/// item bodies.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamRecord {
    /// A unique id of the event (32 hex digits).
    pub event_id: String,
    /// INSERT, MODIFY or REMOVE.
    pub event_name: EventName,
    /// The region (`awsRegion`).
    pub aws_region: String,
    /// When the change happened, epoch seconds rounded down.
    pub approximate_creation_date_time: u64,
    /// The item's primary key.
    pub keys: Item,
    /// The item after the change (NEW_IMAGE, NEW_AND_OLD_IMAGES).
    pub new_image: Option<StoredItem>,
    /// The item before the change (OLD_IMAGE, NEW_AND_OLD_IMAGES).
    pub old_image: Option<StoredItem>,
    /// The record's sequence number.
    pub sequence_number: String,
    /// Keys plus images, by DynamoDB's item-size rule.
    pub size_bytes: u64,
    /// The stream's view type.
    pub stream_view_type: &'static str,
    /// A Time to Live deletion (the service is the user identity).
    pub by_ttl: bool,
}

impl StreamRecord {
    /// The new image, decoded.
    pub fn new_item(&self) -> Option<Item> {
        self.new_image.as_ref().map(StoredItem::item)
    }
    /// The old image, decoded.
    pub fn old_item(&self) -> Option<Item> {
        self.old_image.as_ref().map(StoredItem::item)
    }
}

/// The wire's `Record`: the member names of the Streams API model.
impl Serialize for StreamRecord {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("eventID", &self.event_id)?;
        m.serialize_entry("eventName", self.event_name.as_str())?;
        m.serialize_entry("eventVersion", EVENT_VERSION)?;
        m.serialize_entry("eventSource", "aws:dynamodb")?;
        m.serialize_entry("awsRegion", &self.aws_region)?;
        m.serialize_entry("dynamodb", &Body(self))?;
        if self.by_ttl {
            m.serialize_entry("userIdentity", &Identity)?;
        }
        m.end()
    }
}

struct Body<'a>(&'a StreamRecord);

impl Serialize for Body<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("ApproximateCreationDateTime", &r.approximate_creation_date_time)?;
        m.serialize_entry("Keys", &r.keys)?;
        if let Some(new) = &r.new_image {
            m.serialize_entry("NewImage", new)?;
        }
        if let Some(old) = &r.old_image {
            m.serialize_entry("OldImage", old)?;
        }
        m.serialize_entry("SequenceNumber", &r.sequence_number)?;
        m.serialize_entry("SizeBytes", &r.size_bytes)?;
        m.serialize_entry("StreamViewType", r.stream_view_type)?;
        m.end()
    }
}

/// `userIdentity` of a Time to Live deletion (the model's `Identity` members).
struct Identity;

impl Serialize for Identity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("PrincipalId", "dynamodb.amazonaws.com")?;
        m.serialize_entry("Type", "Service")?;
        m.end()
    }
}

impl Read for GetRecords {
    type Output = GetRecordsOutput;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<GetRecordsOutput> {
        let limit = super::check_limit(self.limit, MAX_LIMIT)?;
        let it = ShardIterator::decode(&self.shard_iterator)
            .ok_or_else(|| Error::validation(messages::INVALID_SHARD_ITERATOR))?;
        let now = ctx.now_ms;
        if now >= it.issued_ms.saturating_add(ITERATOR_TTL_MS) {
            return Err(Error::new(ErrorKind::ExpiredIterator, messages::ITERATOR_EXPIRED));
        }
        let log = super::existing_stream(db, &it.arn, now)?;
        read(log, &it, limit, now, ctx.region)
    }
}

/// Reads a page of `log` from `it` at `now`.
pub fn read(
    log: &StreamLog,
    it: &ShardIterator,
    limit: usize,
    now: u64,
    region: &str,
) -> Result<GetRecordsOutput> {
    let shard = log
        .shard(it.ordinal)
        .filter(|s| log.shards_at(now).any(|d| d.ordinal == s.ordinal))
        .ok_or_else(|| Error::not_found(messages::SHARD_NOT_FOUND))?;
    if it.position <= log.trimmed_through_at(now) {
        return Err(Error::new(ErrorKind::TrimmedDataAccess, messages::DATA_TRIMMED));
    }
    let mut records = Vec::new();
    let mut bytes = 0;
    let mut next = it.position;
    for r in log.records_from(log.position(it.position)) {
        if !shard.holds(r.counter) || records.len() >= limit {
            break;
        }
        let out = record_out(log, r, shard.seq(r.counter), region);
        if !records.is_empty() && bytes + out.size_bytes > MAX_BYTES {
            break;
        }
        bytes += out.size_bytes;
        next = r.counter + 1;
        records.push(out);
    }
    // A closed shard read to its end has no next iterator.
    let done = shard.end.is_some_and(|e| next > e);
    let next_shard_iterator = (!done).then(|| {
        ShardIterator { arn: it.arn.clone(), ordinal: it.ordinal, position: next, issued_ms: now }.encode()
    });
    Ok(GetRecordsOutput { records, next_shard_iterator })
}

fn record_out(log: &StreamLog, r: &Record, sequence_number: String, region: &str) -> StreamRecord {
    let keys = log.keys(r);
    let size_bytes = log.size_bytes(r, &keys);
    let (new, old) = log.images(r);
    StreamRecord {
        event_id: event_id(&log.head.arn, r.counter),
        event_name: r.event,
        aws_region: region.to_string(),
        approximate_creation_date_time: r.time_ms / 1000,
        keys,
        new_image: new.cloned(),
        old_image: old.cloned(),
        sequence_number,
        size_bytes,
        stream_view_type: log.head.view_type.as_str(),
        by_ttl: r.by_ttl,
    }
}

/// 32 hex digits, unique per stream and record (the service's ids look alike).
fn event_id(arn: &str, counter: u64) -> String {
    let seed = u64::from(crc32fast::hash(arn.as_bytes()));
    let mix = |x: u64| {
        let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(32);
    for word in [mix(seed << 32 ^ counter), mix(counter ^ seed.rotate_left(17))] {
        for shift in (0..16).rev() {
            out.push(HEX[((word >> (shift * 4)) & 0xf) as usize] as char);
        }
    }
    out
}
