//! What an export reads (ExportTableToPointInTime's store side): the table
//! its ARN names, with point-in-time recovery on, and its items at the
//! export time, or its changes over an incremental export's period. The
//! files are written by `crate::transfer`, outside any lock.

use super::command::{Ctx, Read};
use super::continuous_backups as cb;
use crate::error::{messages, Error, ErrorKind, Result};
use crate::store::{Db, PrimaryKey, StoredItem, TableDef};
use imbl::OrdMap;
use std::sync::Arc;

/// An incremental export's period (clock milliseconds) and view type.
#[derive(Clone, Debug, PartialEq)]
pub struct Period {
    /// `ExportFromTime`.
    pub from_ms: u64,
    /// `ExportToTime`.
    pub to_ms: u64,
    /// `NEW_IMAGE` or `NEW_AND_OLD_IMAGES`.
    pub view_type: String,
}

/// What to read: the table (by ARN) and the time, or the period.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportSource {
    /// `TableArn`.
    pub table_arn: String,
    /// `ExportTime` (full exports; default now).
    pub export_ms: Option<u64>,
    /// An incremental export's period.
    pub period: Option<Period>,
}

/// One changed item of an incremental export.
#[derive(Clone, Debug)]
pub struct Change {
    /// When it last changed within the period.
    pub at_ms: u64,
    /// Its state at the period's start.
    pub old: Option<StoredItem>,
    /// Its state at the period's end.
    pub new: Option<StoredItem>,
}

/// What an export writes.
#[derive(Clone, Debug)]
pub enum Contents {
    /// A full export: every item at the export time.
    Full(OrdMap<PrimaryKey, StoredItem>),
    /// An incremental export: the items that changed, in key order.
    Incremental(Vec<Change>),
}

/// The table's definition, the point exported and the contents.
#[derive(Clone, Debug)]
pub struct Exported {
    /// The table as it is now.
    pub def: Arc<TableDef>,
    /// `ExportTime`: the time exported (the period's end, incremental).
    pub export_ms: u64,
    /// The contents.
    pub contents: Contents,
}

/// Earliest incremental export period (15 minutes) and latest (24 hours).
const PERIOD_MS: std::ops::RangeInclusive<u64> = 15 * 60_000..=24 * 3_600_000;

impl Read for ExportSource {
    type Output = Exported;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Exported> {
        let table = cb::find_table(ctx, db, &self.table_arn)?;
        let (Some(pitr), Some(history)) = (table.def.meta.pitr, table.history()) else {
            return Err(Error::new(
                ErrorKind::PointInTimeRecoveryUnavailable,
                messages::pitr_not_enabled(&table.def.name),
            ));
        };
        let earliest = pitr.earliest_ms(ctx.now_ms).max(history.earliest_ms().unwrap_or(0));
        let secs = |ms: u64| ms as f64 / 1000.0;
        let in_window = |ms: u64| {
            if ms / 1000 < earliest / 1000 || ms > ctx.now_ms {
                let text =
                    messages::time_outside_window("Export", secs(ms), secs(earliest), secs(ctx.now_ms));
                return Err(Error::new(ErrorKind::InvalidExportTime, text));
            }
            Ok(ms)
        };
        let Some(period) = &self.period else {
            let at = in_window(self.export_ms.unwrap_or(ctx.now_ms))?;
            let items = history.at(at).unwrap_or(table.items()).clone();
            return Ok(Exported { def: table.def.clone(), export_ms: at, contents: Contents::Full(items) });
        };
        if period.to_ms <= period.from_ms || !PERIOD_MS.contains(&(period.to_ms - period.from_ms)) {
            return Err(Error::validation(messages::INCREMENTAL_EXPORT_PERIOD));
        }
        in_window(period.from_ms)?;
        in_window(period.to_ms)?;
        // Walk the versions of the period, keeping per key its state at the
        // start, its last state and when it last changed.
        let mut changes: std::collections::BTreeMap<PrimaryKey, Change> = Default::default();
        let mut versions = history.between(period.from_ms, period.to_ms);
        let Some((_, mut previous)) = versions.next().cloned() else {
            return Ok(Exported {
                def: table.def.clone(),
                export_ms: period.to_ms,
                contents: Contents::Incremental(Vec::new()),
            });
        };
        for (at, version) in versions {
            for diff in previous.diff(version) {
                let (key, old, new) = match diff {
                    imbl::ordmap::DiffItem::Add(k, v) => (k, None, Some(v)),
                    imbl::ordmap::DiffItem::Update { old: (k, o), new: (_, n) } => (k, Some(o), Some(n)),
                    imbl::ordmap::DiffItem::Remove(k, v) => (k, Some(v), None),
                };
                let entry = changes.entry(key.clone()).or_insert_with(|| Change {
                    at_ms: *at,
                    old: old.cloned(),
                    new: None,
                });
                entry.at_ms = *at;
                entry.new = new.cloned();
            }
            previous = version.clone();
        }
        let changed = changes
            .into_values()
            .filter(|c| match (&c.old, &c.new) {
                (Some(a), Some(b)) => a.packed() != b.packed(),
                (None, None) => false,
                _ => true,
            })
            .collect();
        Ok(Exported {
            def: table.def.clone(),
            export_ms: period.to_ms,
            contents: Contents::Incremental(changed),
        })
    }
}
