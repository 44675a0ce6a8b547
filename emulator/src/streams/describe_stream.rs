//! DescribeStream: a stream's status, view type, key schema and shards
//! (with their sequence-number ranges and lineage), paged by shard id.

use crate::error::Result;
use crate::ops::command::{Ctx, Read};
use crate::store::stream::{Shard, StreamLog};
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// Most shards per page (the API's documented upper limit of `Limit`).
pub const MAX_LIMIT: i64 = 100;

/// A DescribeStream request.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStream {
    /// The stream.
    pub stream_arn: String,
    /// At most this many shards (1 to 100; default 100).
    pub limit: Option<i64>,
    /// Start after this shard (`LastEvaluatedShardId` of the previous page).
    pub exclusive_start_shard_id: Option<String>,
    /// `{"Type": "CHILD_SHARDS", "ShardId": parent}`: only that shard's children.
    pub shard_filter: Option<ShardFilter>,
}

impl DescribeStream {
    /// Describes the stream `arn`.
    pub fn new(arn: impl Into<String>) -> Self {
        DescribeStream { stream_arn: arn.into(), ..Default::default() }
    }
}

/// `ShardFilter`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ShardFilter {
    /// `CHILD_SHARDS`.
    #[serde(rename = "Type")]
    pub filter_type: Option<String>,
    /// The parent shard.
    pub shard_id: Option<String>,
}

/// DescribeStream's answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStreamOutput {
    /// The description.
    pub stream_description: StreamDescription,
}

/// `StreamDescription`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamDescription {
    /// The stream's ARN.
    pub stream_arn: String,
    /// Its label.
    pub stream_label: String,
    /// ENABLING, ENABLED, DISABLING or DISABLED.
    pub stream_status: &'static str,
    /// KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES.
    pub stream_view_type: &'static str,
    /// When it was enabled, epoch seconds.
    pub creation_request_date_time: f64,
    /// Its table.
    pub table_name: String,
    /// The table's key schema.
    pub key_schema: Vec<KeySchemaElement>,
    /// The page of shards.
    pub shards: Vec<ShardDescription>,
    /// Where the next page starts, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated_shard_id: Option<String>,
}

/// `KeySchemaElement`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeySchemaElement {
    /// The attribute.
    pub attribute_name: String,
    /// HASH or RANGE.
    pub key_type: &'static str,
}

/// `Shard`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ShardDescription {
    /// Its id.
    pub shard_id: String,
    /// First and (once closed) last sequence numbers.
    pub sequence_number_range: SequenceNumberRange,
    /// The shard it follows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_shard_id: Option<String>,
}

/// `SequenceNumberRange`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SequenceNumberRange {
    /// The first sequence number.
    pub starting_sequence_number: String,
    /// The last one, once the shard is closed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ending_sequence_number: Option<String>,
}

impl Read for DescribeStream {
    type Output = DescribeStreamOutput;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<DescribeStreamOutput> {
        describe(self, ctx.now_ms, db)
    }
}

fn describe(req: &DescribeStream, now: u64, db: &Db) -> Result<DescribeStreamOutput> {
    let limit = super::check_limit(req.limit, MAX_LIMIT)?;
    let log = super::existing_stream(db, &req.stream_arn, now)?;
    let head = &log.head;
    let mut shards: Vec<&Shard> = log.shards_at(now).collect();
    if let Some(parent) = req.shard_filter.as_ref().and_then(|f| f.shard_id.as_deref()) {
        shards.retain(|s| s.parent_id(head).as_deref() == Some(parent));
    }
    let start = match &req.exclusive_start_shard_id {
        Some(id) => shards.iter().position(|s| &s.id(head) == id).map_or(0, |i| i + 1),
        None => 0,
    };
    let page: Vec<ShardDescription> =
        shards[start..].iter().take(limit).map(|s| describe_shard(log, s)).collect();
    let more = shards.len() > start + page.len();
    let key_schema = head
        .key
        .hash
        .iter()
        .map(|a| (a, "HASH"))
        .chain(head.key.range.iter().map(|a| (a, "RANGE")))
        .map(|(a, key_type)| KeySchemaElement { attribute_name: a.name.clone(), key_type })
        .collect();
    Ok(DescribeStreamOutput {
        stream_description: StreamDescription {
            stream_arn: head.arn.clone(),
            stream_label: head.label.clone(),
            stream_status: log.status_at(now).as_str(),
            stream_view_type: head.view_type.as_str(),
            creation_request_date_time: head.created_ms as f64 / 1000.0,
            table_name: head.table_name.clone(),
            key_schema,
            last_evaluated_shard_id: if more { page.last().map(|s| s.shard_id.clone()) } else { None },
            shards: page,
        },
    })
}

fn describe_shard(log: &StreamLog, s: &Shard) -> ShardDescription {
    ShardDescription {
        shard_id: s.id(&log.head),
        sequence_number_range: SequenceNumberRange {
            starting_sequence_number: s.seq(s.start),
            ending_sequence_number: s.end.map(|e| s.seq(e)),
        },
        parent_shard_id: s.parent_id(&log.head),
    }
}
