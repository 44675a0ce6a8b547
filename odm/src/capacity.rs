//! Consumed capacity and one `tracing` span per request.
//!
//! Capacity is requested (`ReturnConsumedCapacity = TOTAL`) on every
//! request when [`OdmOptions::consumed_capacity`](crate::OdmOptions) is on,
//! and on the requests of any call sent with `send_metered()`. What the
//! service reports is summed per call: into [`Page::capacity`](crate::Page)
//! for query and scan pages, and into [`Metered::capacity`] for puts,
//! updates, deletes, gets, batches and transactions (every chunk and retry
//! of a batch counts).
//!
//! Every request the ODM sends runs inside a span named `ddb_odm.request`
//! (target `ddb_odm`) with the fields `operation` (`PutItem`, `Query`, ...),
//! `table`, `index` (empty for the table), `items` (items returned or
//! written) and `rcu` / `wcu` (recorded when capacity was requested).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::testing::doc::{order, Order};
//! # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
//! let put = orders.save(&order(4, "open", 1.0)).send_metered().await?;
//! assert_eq!(put.value.id, 4);
//! assert!(put.capacity.write_units >= 1.0);
//! # Ok(()) }
//! ```

use aws_sdk_dynamodb::types::{ConsumedCapacity, ReturnConsumedCapacity};
use std::sync::{Arc, Mutex};
use tracing::Span;

/// Capacity units a call consumed, summed over its requests.
///
/// ```
/// use ddb_odm::capacity::Capacity;
/// let mut c = Capacity::default();
/// c += Capacity { read_units: 0.5, write_units: 0.0 };
/// c += Capacity { read_units: 1.0, write_units: 2.0 };
/// assert_eq!(c, Capacity { read_units: 1.5, write_units: 2.0 });
/// assert_eq!(c.total(), 3.5);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Capacity {
    /// Read capacity units (RCU).
    pub read_units: f64,
    /// Write capacity units (WCU).
    pub write_units: f64,
}

impl Capacity {
    /// Read plus write units.
    ///
    /// ```
    /// let c = ddb_odm::capacity::Capacity { read_units: 1.0, write_units: 1.0 };
    /// assert_eq!(c.total(), 2.0);
    /// ```
    pub fn total(&self) -> f64 {
        self.read_units + self.write_units
    }

    /// The units of the service's `ConsumedCapacity` entries; `read` says
    /// whether the operation reads (the service's `CapacityUnits` are then
    /// read units) or writes.
    pub(crate) fn of(entries: &[ConsumedCapacity], read: bool) -> Capacity {
        let mut c = Capacity::default();
        for e in entries {
            let units = e.capacity_units.unwrap_or(0.0);
            match (e.read_capacity_units, e.write_capacity_units) {
                (None, None) if read => c.read_units += units,
                (None, None) => c.write_units += units,
                (r, w) => {
                    c.read_units += r.unwrap_or(0.0);
                    c.write_units += w.unwrap_or(0.0);
                }
            }
        }
        c
    }
}

impl std::ops::AddAssign for Capacity {
    fn add_assign(&mut self, other: Capacity) {
        self.read_units += other.read_units;
        self.write_units += other.write_units;
    }
}

/// A call's result with the capacity its requests consumed (what
/// `send_metered()` returns).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// let got = orders.get(("c1".to_string(), 1)).send_metered().await?;
/// assert_eq!(got.value.unwrap().id, 1);
/// assert_eq!(got.capacity.read_units, 0.5); // an eventually consistent read of a small item
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Metered<T> {
    /// What the call returned.
    pub value: T,
    /// The capacity its requests consumed.
    pub capacity: Capacity,
}

tokio::task_local! {
    /// The meter of the `send_metered()` call running on this task.
    static METER: Arc<Mutex<Capacity>>;
}

/// Runs `call` with a meter: its requests ask for their consumed capacity,
/// which is summed into the result.
pub(crate) async fn metered<T>(
    call: impl std::future::Future<Output = crate::Result<T>>,
) -> crate::Result<Metered<T>> {
    let meter = Arc::new(Mutex::new(Capacity::default()));
    let value = METER.scope(meter.clone(), call).await?;
    let capacity = *meter.lock().unwrap_or_else(|e| e.into_inner());
    Ok(Metered { value, capacity })
}

/// Whether the next request asks for its consumed capacity.
pub(crate) fn wanted(odm: &crate::Odm) -> Option<ReturnConsumedCapacity> {
    (odm.consumed_capacity() || METER.try_with(|_| ()).is_ok()).then_some(ReturnConsumedCapacity::Total)
}

/// The span of one request.
pub(crate) fn span(operation: &'static str, table: &str, index: Option<&str>) -> Span {
    tracing::info_span!(
        target: "ddb_odm",
        "ddb_odm.request",
        operation,
        table,
        index = index.unwrap_or(""),
        items = tracing::field::Empty,
        rcu = tracing::field::Empty,
        wcu = tracing::field::Empty,
    )
}

/// Records a finished request on its span and on the call's meter;
/// returns the capacity it consumed.
pub(crate) fn observe(span: &Span, items: usize, consumed: &[ConsumedCapacity], read: bool) -> Capacity {
    span.record("items", items as u64);
    let c = Capacity::of(consumed, read);
    if !consumed.is_empty() {
        span.record("rcu", c.read_units);
        span.record("wcu", c.write_units);
        let _ = METER.try_with(|m| *m.lock().unwrap_or_else(|e| e.into_inner()) += c);
    }
    c
}
