//! Scan: every item of the table or an index, in partition-hash order, one
//! page at a time; `Segment` / `TotalSegments` split the hash space into
//! disjoint slices that together cover it.

use super::command::{Ctx, Read};
use super::common::CapacityMode;
use super::exprs::Params;
use super::read::{self, Select, Source};
use crate::error::{messages, Error, Result};
use crate::store::{range, Db, StartAfter};
use crate::value::Item;

/// Scan's input ([`crate::Service::scan`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scan {
    /// The table (a name or an ARN).
    pub table_name: String,
    /// `IndexName`: scan a secondary index instead of the table.
    pub index_name: Option<String>,
    /// `Select`.
    pub select: Option<Select>,
    /// `Limit`: most items read.
    pub limit: Option<usize>,
    /// `ConsistentRead`.
    pub consistent_read: bool,
    /// `ExclusiveStartKey`: the previous page's `LastEvaluatedKey`.
    pub exclusive_start_key: Option<Item>,
    /// `ReturnConsumedCapacity`.
    pub return_consumed_capacity: CapacityMode,
    /// `Segment` of a parallel scan.
    pub segment: Option<i64>,
    /// `TotalSegments` of a parallel scan.
    pub total_segments: Option<i64>,
    /// `FilterExpression` (or `ScanFilter`), projection, names and values.
    pub expressions: Params,
}

impl Scan {
    /// Every item of `table_name`.
    pub fn new(table_name: impl Into<String>) -> Self {
        Scan { table_name: table_name.into(), ..Self::default() }
    }
}

impl Read for Scan {
    fn eventually_consistent(&self) -> bool {
        !self.consistent_read
    }

    type Output = read::Output;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<read::Output> {
        let segment = match (self.segment, self.total_segments) {
            (Some(_), None) => return Err(Error::validation(messages::SEGMENT_WITHOUT_TOTAL)),
            (None, Some(_)) => return Err(Error::validation(messages::TOTAL_WITHOUT_SEGMENT)),
            (Some(s), Some(t)) if s >= t => {
                return Err(Error::validation(messages::segment_out_of_range(s, t)))
            }
            (Some(s), Some(t)) => Some((s as u32, t as u32)),
            (None, None) => None,
        };
        let parsed = self.expressions.parse()?;
        let consistent = self.consistent_read;
        let table = super::existing_table(ctx, db, &self.table_name)?;
        let source = Source::new(ctx, table, self.index_name.as_deref())?;
        source.check_consistent(consistent)?;
        let select = source.select(self.select, parsed.projection.as_ref())?;
        let start = match &self.exclusive_start_key {
            Some(esk) => Some(source.start_key(esk, messages::SCAN_START_KEY_INVALID)?),
            None => None,
        };
        if let (Some((seg, total)), Some(start)) = (segment, &start) {
            let hash = match start {
                StartAfter::Table(k) => k.hash(),
                StartAfter::Index(k) => k.hash(),
            };
            if range::segment_of(hash, total) != seg {
                return Err(Error::validation(messages::start_key_outside_segment(total, seg)));
            }
        }
        let entries = match source.index {
            None => table.scan_hashed(segment, read::table_start(&start)),
            Some((i, _)) => table.scan_index_hashed(i, segment, read::index_start(&start)),
        };
        // The page walks the partitions from the start key (or the
        // segment's first hash) to the segment's end.
        let (seg_from, seg_to) = segment.map_or((0, u32::MAX), |(s, t)| range::segment_hash_span(s, t));
        let from = match &start {
            Some(StartAfter::Table(k)) => k.hash(),
            Some(StartAfter::Index(k)) => k.hash(),
            None => seg_from,
        };
        let walk = read::Walk { partitions: source.partitions(), from, to: seg_to };
        let page = read::read_page(
            &source,
            entries,
            walk,
            self.limit,
            parsed.filter.as_ref(),
            select,
            parsed.projection.as_ref(),
        );
        Ok(read::Output::new(&source, page, select, self.return_consumed_capacity, consistent))
    }
}
