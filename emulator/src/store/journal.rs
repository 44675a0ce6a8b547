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
use std::cell::RefCell;

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
}

/// Runs `f` with the journal on, returning its result and the item changes
/// it made. Not reentrant (writes do not nest).
pub fn record<T>(f: impl FnOnce() -> T) -> (T, Vec<ItemChange>) {
    JOURNAL.with(|j| *j.borrow_mut() = Some(Vec::new()));
    // Switched off again even if `f` panics.
    struct Off;
    impl Drop for Off {
        fn drop(&mut self) {
            JOURNAL.with(|j| *j.borrow_mut() = None);
        }
    }
    let off = Off;
    let out = f();
    let changes = JOURNAL.with(|j| j.borrow_mut().take()).unwrap_or_default();
    drop(off);
    (out, changes)
}

/// Notes a change, if a journal is on. `change` builds it only then.
pub(super) fn note(change: impl FnOnce() -> ItemChange) {
    JOURNAL.with(|j| {
        if let Some(changes) = j.borrow_mut().as_mut() {
            changes.push(change());
        }
    });
}
