//! ListStreams: the streams of the account (or of one table), paged by
//! stream ARN. Disabled streams are listed for 24 hours.

use crate::error::Result;
use crate::ops::command::{Ctx, Read};
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// Most streams per page (the API's documented upper limit of `Limit`).
pub const MAX_LIMIT: i64 = 100;

/// A ListStreams request.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStreams {
    /// Only this table's streams.
    pub table_name: Option<String>,
    /// At most this many (1 to 100; default 100).
    pub limit: Option<i64>,
    /// Start after this stream (`LastEvaluatedStreamArn` of the previous page).
    pub exclusive_start_stream_arn: Option<String>,
}

/// One stream in a ListStreams answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamSummary {
    /// Its ARN.
    pub stream_arn: String,
    /// Its table.
    pub table_name: String,
    /// Its label (when it was enabled).
    pub stream_label: String,
}

/// ListStreams' answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStreamsOutput {
    /// The page.
    pub streams: Vec<StreamSummary>,
    /// Where the next page starts, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated_stream_arn: Option<String>,
}

impl Read for ListStreams {
    type Output = ListStreamsOutput;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<ListStreamsOutput> {
        list(self, ctx.now_ms, db)
    }
}

fn list(req: &ListStreams, now: u64, db: &Db) -> Result<ListStreamsOutput> {
    let limit = super::check_limit(req.limit, MAX_LIMIT)?;
    let table = req.table_name.as_deref().map(crate::ops::table_name);
    let streams: Vec<_> = super::all_streams(db, now)
        .into_iter()
        .filter(|s| table.is_none_or(|t| s.head.table_name == t))
        .collect();
    let start = match &req.exclusive_start_stream_arn {
        Some(arn) => streams.iter().position(|s| &s.head.arn == arn).map_or(0, |i| i + 1),
        None => 0,
    };
    let page: Vec<StreamSummary> = streams[start..]
        .iter()
        .take(limit)
        .map(|s| StreamSummary {
            stream_arn: s.head.arn.clone(),
            table_name: s.head.table_name.clone(),
            stream_label: s.head.label.clone(),
        })
        .collect();
    let more = streams.len() > start + page.len();
    let last_evaluated_stream_arn = if more { page.last().map(|s| s.stream_arn.clone()) } else { None };
    Ok(ListStreamsOutput { streams: page, last_evaluated_stream_arn })
}
