//! What an injected fault asks of the operation running on this thread.
//!
//! The harness's fault rules (`harness::faults`) decide, once per call and
//! before the operation runs, whether a batch leaves some entries
//! unprocessed or a transaction is cancelled with a `TransactionConflict`
//! reason. The operations apply that item by item, so the decision is
//! installed for the duration of the call as this thread's [`Degradation`]
//! (calls run synchronously on one thread, so the thread-local is exactly
//! "this call"), and [`leave_unprocessed`] / [`conflicts`] read it. Added
//! latency travels the same way, from the rules to whoever waits it.
//!
//! It lives here, below the harness, so that operations never import the
//! harness: they know what a degradation asks of them, not which rule
//! chose it.

use std::cell::{Cell, RefCell};
use std::time::Duration;

/// The degradations of one batch or transaction call.
#[derive(Debug, Default)]
pub struct Degradation {
    /// `Unprocessed` rules that fired: table (or all), fraction, generator.
    unprocessed: Vec<(Option<String>, f64, fastrand::Rng)>,
    /// `TransactionConflict` rules that fired: table (or all).
    conflicts: Vec<Option<String>>,
}

impl Degradation {
    /// Entries for `table` (every table for `None`) come back unprocessed
    /// with probability `fraction`, drawn from `rng`.
    pub fn leave_unprocessed(&mut self, table: Option<String>, fraction: f64, rng: fastrand::Rng) {
        self.unprocessed.push((table, fraction, rng));
    }

    /// Transaction actions on `table` (every table for `None`) are
    /// cancelled with a `TransactionConflict` reason.
    pub fn conflict(&mut self, table: Option<String>) {
        self.conflicts.push(table);
    }
}

thread_local! {
    /// The degradations of the call running on this thread.
    static CURRENT: RefCell<Option<Degradation>> = const { RefCell::new(None) };
    /// Latency the rules added to the call running on this thread, for
    /// `Service::guarded_timed` to hand to whoever waits it.
    static LATENCY: Cell<Duration> = const { Cell::new(Duration::ZERO) };
}

/// Adds `latency` to the current call's.
pub fn add_latency(latency: Duration) {
    LATENCY.with(|l| l.set(l.get() + latency));
}

/// The current call's added latency, reset to zero.
pub fn take_latency() -> Duration {
    LATENCY.with(|l| l.replace(Duration::ZERO))
}

/// Runs `f` with `degradation` as the current call's.
pub fn with_degradation<T>(degradation: Option<Degradation>, f: impl FnOnce() -> T) -> T {
    if degradation.is_none() {
        return f();
    }
    struct Reset(Option<Degradation>);
    impl Drop for Reset {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = previous);
        }
    }
    let previous = CURRENT.with(|c| c.replace(degradation));
    let _reset = Reset(previous);
    f()
}

/// For BatchWriteItem / BatchGetItem: whether this entry for `table` is to
/// come back unprocessed (an `Unprocessed` rule fired on this call and its
/// generator says so).
pub fn leave_unprocessed(table: &str) -> bool {
    CURRENT.with(|c| {
        let mut current = c.borrow_mut();
        let Some(d) = current.as_mut() else { return false };
        let table = super::table_name(table);
        d.unprocessed
            .iter_mut()
            .filter(|(t, _, _)| t.as_deref().is_none_or(|t| t == table))
            .any(|(_, fraction, rng)| rng.f64() < *fraction)
    })
}

/// For TransactWriteItems / TransactGetItems: whether the action on `table`
/// is cancelled with a `TransactionConflict` reason.
pub fn conflicts(table: &str) -> bool {
    CURRENT.with(|c| {
        let current = c.borrow();
        let Some(d) = current.as_ref() else { return false };
        let table = super::table_name(table);
        d.conflicts.iter().any(|t| t.as_deref().is_none_or(|t| t == table))
    })
}
