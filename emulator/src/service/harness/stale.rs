//! Stale reads on purpose: an opt-in mode in which eventually consistent
//! reads (GetItem, Query, Scan and BatchGetItem without `ConsistentRead`,
//! and every GSI query) see the database as it was a chosen number of
//! milliseconds (by the emulator's clock) or writes ago, while strongly
//! consistent reads see the latest. Stale-read bugs then show up in tests.
//!
//! After every successful write the service keeps the new version (one
//! `Arc` clone, see [`History::wrote`]); a stale read takes the newest kept
//! version old enough, table by table: a table whose definition changed
//! since (created, re-created, an index added, TTL switched) is read at
//! its latest version, because the service does not serve reads of a
//! schema that no longer exists. Keeping versions makes writes copy the
//! path to their change instead of changing in place; that, and building
//! the view per read, is the mode's cost (BENCHMARKS.md).

use crate::store::Db;
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// How stale eventually consistent reads are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Staleness {
    /// They see the latest state (the default).
    #[default]
    Off,
    /// They see the state as it was this many milliseconds ago.
    Millis(u64),
    /// They see the state as it was this many writes ago.
    Writes(usize),
}

/// Recent versions of the database, for stale reads.
#[derive(Debug, Default)]
pub struct History {
    on: AtomicBool,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    mode: Staleness,
    /// (clock ms when it became current, version), oldest first.
    versions: VecDeque<(u64, Arc<Db>)>,
}

impl History {
    /// Sets the mode; the current version (`now`, `db`) is the base that
    /// reads see until enough time or writes have passed.
    pub fn set(&self, mode: Staleness, now_ms: u64, db: Arc<Db>) {
        let mut inner = self.inner.lock();
        inner.mode = mode;
        inner.versions.clear();
        if mode != Staleness::Off {
            inner.versions.push_back((now_ms, db));
        }
        self.on.store(mode != Staleness::Off, Ordering::Release);
    }

    /// The mode.
    pub fn mode(&self) -> Staleness {
        self.inner.lock().mode
    }

    /// Whether the mode is on (one load).
    pub fn is_on(&self) -> bool {
        self.on.load(Ordering::Acquire)
    }

    /// Keeps `db`, the version a write just published at `now_ms`.
    pub fn wrote(&self, now_ms: u64, db: impl FnOnce() -> Arc<Db>) {
        if !self.is_on() {
            return;
        }
        let mut inner = self.inner.lock();
        inner.versions.push_back((now_ms, db()));
        match inner.mode {
            Staleness::Off => inner.versions.clear(),
            Staleness::Writes(n) => {
                while inner.versions.len() > n + 1 {
                    inner.versions.pop_front();
                }
            }
            Staleness::Millis(ms) => {
                // Keep the newest version at least `ms` old and everything after it.
                let cutoff = now_ms.saturating_sub(ms);
                while inner.versions.len() > 1 && inner.versions[1].0 <= cutoff {
                    inner.versions.pop_front();
                }
            }
        }
    }

    /// The version eventually consistent reads see at `now_ms`, given the
    /// latest: per table, the stale one where its definition is unchanged.
    pub fn view(&self, now_ms: u64, latest: Arc<Db>) -> Arc<Db> {
        let stale = {
            let inner = self.inner.lock();
            let pick = match inner.mode {
                Staleness::Off => None,
                Staleness::Writes(_) => inner.versions.front(),
                Staleness::Millis(ms) => {
                    let cutoff = now_ms.saturating_sub(ms);
                    inner.versions.iter().rev().find(|(at, _)| *at <= cutoff).or(inner.versions.front())
                }
            };
            match pick {
                Some((_, db)) => db.clone(),
                None => return latest,
            }
        };
        if Arc::ptr_eq(&stale, &latest) {
            return latest;
        }
        let mut view = Db::clone(&latest);
        for name in latest.table_names_after(None) {
            let (Some(now), Some(then)) = (latest.table(name), stale.table(name)) else { continue };
            if Arc::ptr_eq(&now.def, &then.def) && !Arc::ptr_eq(now, then) {
                view.insert_table_shared(then.clone());
            }
        }
        Arc::new(view)
    }
}
