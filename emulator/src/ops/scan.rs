//! Scan: every item of the table or an index, in partition-hash order, one
//! page at a time; `Segment` / `TotalSegments` split the hash space into
//! disjoint slices that together cover it.

use super::common::CapacityMode;
use super::read::{self, Source};
use crate::error::{messages, Error, Result};
use crate::service::Service;
use crate::store::StartAfter;
use crate::value::json;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    table_name: String,
    index_name: Option<String>,
    select: Option<String>,
    limit: Option<usize>,
    consistent_read: Option<bool>,
    exclusive_start_key: Option<serde_json::Value>,
    return_consumed_capacity: Option<String>,
    segment: Option<i64>,
    total_segments: Option<i64>,
}

/// Runs Scan.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<read::Output> {
    let input: Input = crate::http::decode(body)?;
    let segment = match (input.segment, input.total_segments) {
        (Some(_), None) => return Err(Error::validation(messages::SEGMENT_WITHOUT_TOTAL)),
        (None, Some(_)) => return Err(Error::validation(messages::TOTAL_WITHOUT_SEGMENT)),
        (Some(s), Some(t)) if s >= t => return Err(Error::validation(messages::segment_out_of_range(s, t))),
        (Some(s), Some(t)) => Some((s as u32, t as u32)),
        (None, None) => None,
    };
    let parsed = super::exprs::parse(body)?;
    let esk = input.exclusive_start_key.as_ref().map(json::parse_item).transpose()?;
    let consistent = input.consistent_read.unwrap_or(false);
    let capacity = CapacityMode::parse(input.return_consumed_capacity.as_deref());

    let db = svc.read_view(consistent);
    let table = super::existing_table(&db, &input.table_name)?;
    let source = Source::new(table, input.index_name.as_deref())?;
    source.check_consistent(consistent)?;
    let select = source.select(input.select.as_deref(), parsed.projection.as_ref())?;
    let start = match &esk {
        Some(esk) => Some(source.start_key(esk, messages::SCAN_START_KEY_INVALID)?),
        None => None,
    };
    if let (Some((seg, total)), Some(start)) = (segment, &start) {
        let hash = match start {
            StartAfter::Table(k) => k.hash(),
            StartAfter::Index(k) => k.hash(),
        };
        if crate::store::range::segment_of(hash, total) != seg {
            return Err(Error::validation(messages::start_key_outside_segment(total, seg)));
        }
    }
    let entries = match source.index {
        None => table.scan(segment, read::table_start(&start)),
        Some((i, _)) => table.scan_index(i, segment, read::index_start(&start)),
    };
    let page = read::read_page(
        &source,
        entries,
        input.limit,
        parsed.filter.as_ref(),
        select,
        parsed.projection.as_ref(),
    );
    Ok(read::Output::new(&source, page, select, capacity, consistent))
}
