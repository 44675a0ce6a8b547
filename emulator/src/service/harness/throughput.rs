//! Optional enforcement of provisioned throughput: a token bucket per
//! provisioned table and GSI, for reads and for writes, so that code which
//! sizes capacity sees throttling in tests.
//!
//! Each bucket refills at the provisioned units per second of the
//! emulator's clock and holds at most 300 seconds of them (the service
//! keeps up to five minutes of unused capacity as burst capacity); a new
//! bucket starts full. A call is admitted while every bucket it draws from
//! (the tables it names; for writes also their GSIs; for an index read
//! that GSI) holds a positive balance, then charged what it consumed (the
//! `ConsumedCapacity` the operation reports), so a bucket may go into
//! debt by one call's worth, and the next calls wait for the refill:
//! `ProvisionedThroughputExceededException` with the service's message.
//! On-demand tables are not limited. Enforcement covers JSON calls
//! (`Service::call`, so every HTTP request); the typed in-process calls are
//! not metered.

use crate::error::{messages, Error, ErrorKind, Result};
use crate::store::meta::BillingMode;
use crate::store::Db;
use parking_lot::Mutex;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// Seconds of unused capacity a bucket keeps (the service's burst allowance).
const BURST_SECONDS: f64 = 300.0;

/// One bucket's key: table, GSI (or `None` for the table), writes or reads.
type BucketKey = (String, Option<String>, bool);

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at_ms: u64,
}

/// The buckets of one emulator.
#[derive(Debug, Default)]
pub struct Enforcer {
    on: AtomicBool,
    buckets: Mutex<HashMap<BucketKey, Bucket>>,
}

/// Whether `op` reads (`Some(false)`) or writes (`Some(true)`) items; `None`
/// for operations that are not metered.
pub fn metered(op: &str) -> Option<bool> {
    match op {
        "GetItem" | "Query" | "Scan" | "BatchGetItem" | "TransactGetItems" => Some(false),
        "PutItem" | "UpdateItem" | "DeleteItem" | "BatchWriteItem" | "TransactWriteItems" => Some(true),
        _ => None,
    }
}

/// Provisioned units per second of `table` (`index`: a GSI), if limited.
fn rate(db: &Db, table: &str, index: Option<&str>, write: bool) -> Option<f64> {
    let t = db.table(table)?;
    if t.def.meta.billing_mode != BillingMode::Provisioned {
        return None;
    }
    let throughput = match index {
        None => t.def.meta.throughput,
        Some(name) => t.def.index(name)?.1.meta.throughput,
    };
    let units = if write { throughput.write } else { throughput.read };
    (units > 0).then_some(units as f64)
}

impl Enforcer {
    /// Turns enforcement on or off (buckets start full again).
    pub fn set(&self, on: bool) {
        self.buckets.lock().clear();
        self.on.store(on, Ordering::Release);
    }

    /// Whether it is on (one load).
    pub fn is_on(&self) -> bool {
        self.on.load(Ordering::Acquire)
    }

    /// Refills and returns the bucket `key` limited to `rate` units/s.
    fn bucket(
        buckets: &mut HashMap<BucketKey, Bucket>,
        key: BucketKey,
        rate: f64,
        now_ms: u64,
    ) -> &mut Bucket {
        let full = rate * BURST_SECONDS;
        let b = buckets.entry(key).or_insert(Bucket { tokens: full, at_ms: now_ms });
        let elapsed = now_ms.saturating_sub(b.at_ms) as f64 / 1000.0;
        b.tokens = (b.tokens + elapsed * rate).min(full);
        b.at_ms = b.at_ms.max(now_ms);
        b
    }

    /// Admits a call drawing on `tables` (and `index` for a read of one),
    /// or refuses it with the service's throttling error.
    pub fn admit(
        &self,
        db: &Db,
        tables: &[String],
        index: Option<&str>,
        write: bool,
        now_ms: u64,
    ) -> Result<()> {
        let mut buckets = self.buckets.lock();
        for name in tables {
            let name = crate::ops::table_name(name);
            let Some(t) = db.table(name) else { continue };
            let mut draws: Vec<Option<&str>> = vec![None];
            if write {
                draws.extend(
                    t.def
                        .indexes
                        .iter()
                        .filter(|i| i.kind == crate::store::IndexKind::Global)
                        .map(|i| Some(i.name.as_str())),
                );
            } else if let Some(i) = index
                .filter(|i| t.def.index(i).is_some_and(|(_, d)| d.kind == crate::store::IndexKind::Global))
            {
                draws = vec![Some(i)];
            }
            for draw in draws {
                let Some(rate) = rate(db, name, draw, write) else { continue };
                let key = (name.to_string(), draw.map(str::to_string), write);
                if Self::bucket(&mut buckets, key, rate, now_ms).tokens <= 0.0 {
                    let message = match draw {
                        None => messages::INJECTED_THROUGHPUT_EXCEEDED,
                        Some(_) => messages::GSI_THROUGHPUT_EXCEEDED,
                    };
                    return Err(Error::new(ErrorKind::ProvisionedThroughputExceeded, message));
                }
            }
        }
        Ok(())
    }

    /// Charges what a call consumed: `consumed` is the response's
    /// `ConsumedCapacity` (one entry or a list), in INDEXES or TOTAL detail.
    pub fn charge(&self, db: &Db, consumed: &Value, write: bool, now_ms: u64) {
        let entries: Vec<&Value> = match consumed {
            Value::Array(list) => list.iter().collect(),
            Value::Object(_) => vec![consumed],
            _ => return,
        };
        let mut buckets = self.buckets.lock();
        let mut take = |table: &str, index: Option<&str>, units: f64| {
            if let Some(rate) = rate(db, table, index, write) {
                let key = (table.to_string(), index.map(str::to_string), write);
                Self::bucket(&mut buckets, key, rate, now_ms).tokens -= units;
            }
        };
        for entry in entries {
            let Some(table) = entry["TableName"].as_str() else { continue };
            let table = crate::ops::table_name(table);
            let units = |v: &Value| v["CapacityUnits"].as_f64().unwrap_or(0.0);
            if entry.get("Table").is_none() && entry.get("GlobalSecondaryIndexes").is_none() {
                take(table, None, units(entry));
                continue;
            }
            // The base table pays for itself and its LSIs; each GSI for itself.
            let lsis: f64 =
                entry["LocalSecondaryIndexes"].as_object().map_or(0.0, |m| m.values().map(units).sum());
            take(table, None, units(&entry["Table"]) + lsis);
            for (name, c) in entry["GlobalSecondaryIndexes"].as_object().into_iter().flatten() {
                take(table, Some(name), units(c));
            }
        }
    }
}
