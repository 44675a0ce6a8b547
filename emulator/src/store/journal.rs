//! The journal: the item changes a write makes, captured where they happen
//! (`Table::put` / `Table::remove`, the only item mutators) while a
//! durable store is recording them.
//!
//! Writers are serialised by the store's writer lock and a write runs on
//! the thread that took it, so the journal is per thread and switched on
//! only for the duration of one write ([`record`]); outside that, capturing
//! costs one thread-local flag check per changed item.

use super::item::StoredItem;
use crate::value::Item;
use std::cell::{Cell, RefCell};

/// One item change, in commit order.
#[derive(Clone, Debug, PartialEq)]
pub enum ItemChange {
    /// The item now stored in `table` (inserted or replaced).
    Put {
        /// The table's name.
        table: String,
        /// The new item.
        item: StoredItem,
    },
    /// The item with these key attributes was removed from `table`.
    Remove {
        /// The table's name.
        table: String,
        /// The removed item's primary key attributes.
        key: Item,
        /// Removed by Time to Live (its stream record names the service).
        by_ttl: bool,
    },
}

impl ItemChange {
    /// The table changed.
    pub fn table(&self) -> &str {
        match self {
            ItemChange::Put { table, .. } | ItemChange::Remove { table, .. } => table,
        }
    }
}

thread_local! {
    static JOURNAL: RefCell<Option<Vec<ItemChange>>> = const { RefCell::new(None) };
    static COMMIT_AT: Cell<Option<u64>> = const { Cell::new(None) };
    static TOKEN: RefCell<Option<TokenRecord>> = const { RefCell::new(None) };
}

/// A transaction's `ClientRequestToken` as a durable store keeps it: with
/// the request's digest (what a retry is compared by) and when it was
/// first used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    /// The token.
    pub token: String,
    /// When the request carrying it was made (clock milliseconds).
    pub at_ms: u64,
    /// SHA-256 of the request (minus what may differ between retries).
    pub digest: [u8; 32],
}

/// How long a token is remembered: the service's ten minutes.
pub const TOKEN_WINDOW_MS: u64 = 600_000;

/// Runs `f` (a transaction) with `token` waiting to be logged with the
/// commit it makes, so that the token and the items reach the log in one
/// record: after a crash both are there or neither is.
pub fn with_token<T>(token: TokenRecord, f: impl FnOnce() -> T) -> T {
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            TOKEN.with(|t| *t.borrow_mut() = None);
        }
    }
    TOKEN.with(|t| *t.borrow_mut() = Some(token));
    let _clear = Clear;
    f()
}

/// The token waiting for the commit running on this thread, if any
/// (taken: a commit logs it once).
pub fn take_token() -> Option<TokenRecord> {
    TOKEN.with(|t| t.borrow_mut().take())
}

/// Runs `f` with the journal on, as a commit made at `at_ms` (see
/// [`commit_time`]), returning its result and the item changes it made.
/// Not reentrant (writes do not nest).
pub fn record<T>(at_ms: u64, f: impl FnOnce() -> T) -> (T, Vec<ItemChange>) {
    JOURNAL.with(|j| *j.borrow_mut() = Some(Vec::new()));
    // Switched off again even if `f` panics.
    struct Off;
    impl Drop for Off {
        fn drop(&mut self) {
            JOURNAL.with(|j| *j.borrow_mut() = None);
        }
    }
    let off = Off;
    let out = at(at_ms, f);
    let changes = JOURNAL.with(|j| j.borrow_mut().take()).unwrap_or_default();
    drop(off);
    (out, changes)
}

/// Runs `f` as (part of) a commit made at `at_ms`: stream records, shard
/// roll-overs and stream state changes made meanwhile take that time
/// instead of reading the clock. A commit thus has one time, which its log
/// record carries, and replaying the record reproduces the streams exactly
/// (record times, shard ids, sequence numbers).
pub fn at<T>(at_ms: u64, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<u64>);
    impl Drop for Restore {
        fn drop(&mut self) {
            COMMIT_AT.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(COMMIT_AT.with(|c| c.replace(Some(at_ms))));
    f()
}

/// The time of the commit running on this thread, if one is (see [`at`]).
pub fn commit_time() -> Option<u64> {
    COMMIT_AT.with(Cell::get)
}

/// Notes a change, if a journal is on. `change` builds it only then.
pub(super) fn note(change: impl FnOnce() -> ItemChange) {
    JOURNAL.with(|j| {
        if let Some(changes) = j.borrow_mut().as_mut() {
            changes.push(change());
        }
    });
}
