//! BatchWriteItem for any number of puts or deletes: [`BatchWriteBuilder`].
//! Writes are sent 25 a request; `UnprocessedItems` are retried with capped
//! exponential backoff and jitter; nothing is dropped silently: what could
//! not be written is returned in [`Error::BatchIncomplete`]. Two writes of
//! the same key keep the last one (DynamoDB refuses both in one request).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::{Model, Odm, Request};
//! # use futures::TryStreamExt;
//! # use ddb_odm::testing::doc::{order, Order};
//! # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
//! # let f = Order::fields();
//! orders.batch_put(&[order(4, "open", 1.0), order(5, "open", 1.0)]).unchecked_versions().await?;
//! orders.batch_delete([("c1".to_string(), 1)]).await?;
//! assert_eq!(orders.scan().count().await?, 4);
//! # Ok(()) }
//! ```

use super::Request;
use super::get::clone_err;
use super::retry::{Outcome, until_processed};
use crate::error::{Error, Result, sdk};
use crate::handle::ModelHandle;
use crate::item::Item;
use crate::limits;
use crate::model::{BoxFuture, Record};
use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemInput;
use aws_sdk_dynamodb::types::{DeleteRequest, PutRequest, WriteRequest};
use std::future::IntoFuture;
use tracing::Instrument;

/// Writes per BatchWriteItem request.
///
/// ```
/// # use ddb_odm::{Model, Odm, Request};
/// # use ddb_odm::testing::doc::{order, Order};
/// # let orders = ddb_odm::testing::doc::offline();
/// # let f = Order::fields();
/// let many: Vec<Order> = (0..30).map(|id| order(id, "open", 1.0)).collect();
/// let Request::BatchWriteItem(chunks) = orders.batch_put(&many).unchecked_versions().dry_run()? else { panic!() };
/// assert_eq!(chunks.len(), 2); // 25 + 5
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub const MAX_WRITES_PER_REQUEST: usize = 25;

/// Puts or deletes many items. Await it; `Ok(())` means every write was applied.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let many: Vec<Order> = (10..40).map(|id| order(id, "open", 1.0)).collect();
/// orders.batch_put(&many).unchecked_versions().await?; // two requests, unprocessed writes retried
/// assert_eq!(orders.scan().count().await?, 33);
/// orders.batch_delete((10..40).map(|id| ("c1".to_string(), id))).await?;
/// assert_eq!(orders.scan().count().await?, 3);
/// # Ok(()) }
/// ```
pub struct BatchWriteBuilder<M> {
    handle: ModelHandle<M>,
    writes: Vec<Result<(bool, Item)>>,
    /// The caller accepts writes that bypass unique-value markers.
    skip_unique: bool,
    /// The caller accepts puts that overwrite without a version check.
    unchecked_versions: bool,
}

impl<M: Record> BatchWriteBuilder<M> {
    pub(crate) fn puts(handle: ModelHandle<M>, items: Vec<Result<Item>>) -> Self {
        BatchWriteBuilder {
            handle,
            writes: items.into_iter().map(|i| i.map(|i| (true, i))).collect(),
            skip_unique: false,
            unchecked_versions: false,
        }
    }

    pub(crate) fn deletes(handle: ModelHandle<M>, keys: Vec<Result<Item>>) -> Self {
        BatchWriteBuilder {
            handle,
            writes: keys.into_iter().map(|k| k.map(|k| (false, k))).collect(),
            skip_unique: false,
            unchecked_versions: false,
        }
    }

    /// Writes even though the model has unique attributes: BatchWriteItem
    /// cannot be conditional, so the unique-value markers are neither
    /// checked nor written nor removed (for bulk loads of known-unique
    /// data; without this, such a batch is refused).
    ///
    /// ```
    /// use ddb_odm::{Model, Odm};
    /// #[derive(Model)]
    /// struct User { #[key] id: String, #[odm(unique)] email: String }
    /// let users = Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9")).handle::<User>()?;
    /// let u = User { id: "u1".into(), email: "a@b".into() };
    /// assert!(users.batch_put([&u]).dry_run().is_err());
    /// assert!(users.batch_put([&u]).skip_unique_markers().dry_run().is_ok());
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn skip_unique_markers(mut self) -> Self {
        self.skip_unique = true;
        self
    }

    /// Puts items of a versioned model (`#[odm(version)]`) even though
    /// BatchWriteItem cannot check their versions: each item is written
    /// with its version plus one, overwriting whatever is stored (for bulk
    /// loads; without this, a batch put of a versioned model is refused).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// let o = order(5, "open", 1.0); // version 0
    /// assert!(orders.batch_put([&o]).dry_run().is_err()); // Order is versioned
    /// orders.batch_put([&o]).unchecked_versions().await?;
    /// assert_eq!(orders.get(("c1".to_string(), 5)).await?.unwrap().version, 1); // bumped
    /// # Ok(()) }
    /// ```
    pub fn unchecked_versions(mut self) -> Self {
        self.unchecked_versions = true;
        self
    }

    fn requests(&self) -> Result<Vec<WriteRequest>> {
        let schema = &self.handle.schema;
        if schema.has_unique() && !self.skip_unique {
            return Err(Error::Request(format!(
                "model `{}` has unique attributes, which a batch write cannot keep; use create/save/delete, \
                 or skip_unique_markers()",
                schema.model()
            )));
        }
        let has_puts = self.writes.iter().any(|w| matches!(w, Ok((true, _))));
        let version = match (&schema.version, has_puts, self.unchecked_versions) {
            (Some(_), true, false) => {
                return Err(Error::Request(format!(
                    "model `{}` is versioned and a batch write cannot check versions; use save/create, \
                     or unchecked_versions() to overwrite with each version plus one",
                    schema.model()
                )));
            }
            (Some(v), true, true) => Some(v.clone()),
            _ => None,
        };
        let mut out: Vec<WriteRequest> = Vec::with_capacity(self.writes.len());
        // The last write of a key wins, at the position of its first.
        let mut position = std::collections::HashMap::with_capacity(self.writes.len());
        for w in &self.writes {
            let (is_put, item) = w.as_ref().map_err(clone_err)?;
            let key = schema.key_of(item)?;
            let req = if *is_put {
                let mut item = item.clone();
                if let Some(v) = &version {
                    let next = super::version_of(&item, v)? + 1;
                    item.insert(v.clone(), crate::AttributeValue::N(next.to_string()));
                }
                limits::check_item(&item)?;
                limits::check_key(schema, &key)?;
                limits::check_index_keys(schema, &item)?;
                WriteRequest::builder()
                    .put_request(PutRequest::builder().set_item(Some(item)).build()?)
                    .build()
            } else {
                WriteRequest::builder()
                    .delete_request(DeleteRequest::builder().set_key(Some(key.clone())).build()?)
                    .build()
            };
            match position.get(&super::key_fingerprint(&key)) {
                Some(&i) => out[i] = req,
                None => {
                    position.insert(super::key_fingerprint(&key), out.len());
                    out.push(req);
                }
            }
        }
        Ok(out)
    }

    /// The requests that would be sent (one per 25 writes).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let keys = [("c1".to_string(), 1), ("c1".to_string(), 2)];
    /// let Request::BatchWriteItem(chunks) = orders.batch_delete(keys).dry_run()? else { panic!() };
    /// assert_eq!(chunks.len(), 1);
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn dry_run(&self) -> Result<Request> {
        let reqs = self.requests()?;
        let mut out = Vec::new();
        for chunk in reqs.chunks(MAX_WRITES_PER_REQUEST) {
            out.push(
                BatchWriteItemInput::builder()
                    .request_items(self.handle.table_name(), chunk.to_vec())
                    .build()?,
            );
        }
        Ok(Request::BatchWriteItem(out))
    }

    /// Sends every chunk, retrying unprocessed writes.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// orders.batch_delete([("c1".to_string(), 1)]).send().await?;
    /// assert!(orders.get(("c1".to_string(), 1)).await?.is_none());
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<()> {
        let reqs = self.requests()?;
        let table = self.handle.table_name().to_string();
        let policy = self.handle.odm.retry_policy();
        let client = self.handle.odm.client().clone();
        let wanted = crate::capacity::wanted(&self.handle.odm);
        let chunks: Vec<Vec<WriteRequest>> =
            reqs.chunks(MAX_WRITES_PER_REQUEST).map(|c| c.to_vec()).collect();
        for (ci, chunk) in chunks.iter().enumerate() {
            let mut applied: Vec<()> = Vec::new();
            let outcome = until_processed(policy, chunk.clone(), &mut applied, |writes| {
                let client = client.clone();
                let table = table.clone();
                let wanted = wanted.clone();
                async move {
                    let span = crate::capacity::span("BatchWriteItem", &table, None);
                    let sent = writes.len();
                    let out = client
                        .batch_write_item()
                        .request_items(&table, writes)
                        .set_return_consumed_capacity(wanted)
                        .send()
                        .instrument(span.clone())
                        .await
                        .map_err(sdk)?;
                    let unprocessed =
                        out.unprocessed_items.unwrap_or_default().remove(&table).unwrap_or_default();
                    let consumed = out.consumed_capacity.unwrap_or_default();
                    crate::capacity::observe(&span, sent - unprocessed.len(), &consumed, false);
                    Ok((Vec::new(), unprocessed))
                }
            })
            .await?;
            let (unprocessed, source) = match outcome {
                Outcome::Done => continue,
                Outcome::GaveUp(unprocessed) => (unprocessed, None),
                Outcome::Failed(e, unprocessed) => (unprocessed, Some(e)),
            };
            let mut rest: Vec<(String, Item)> =
                unprocessed.iter().filter_map(write_item).map(|i| (table.clone(), i)).collect();
            for later in &chunks[ci + 1..] {
                rest.extend(later.iter().filter_map(write_item).map(|i| (table.clone(), i)));
            }
            return Err(match source {
                None => Error::BatchIncomplete {
                    unprocessed_keys: Vec::new(),
                    unprocessed_writes: rest,
                    read: Vec::new(),
                },
                Some(e) => Error::BatchFailed {
                    source: Box::new(e),
                    unprocessed_keys: Vec::new(),
                    unprocessed_writes: rest,
                    read: Vec::new(),
                },
            });
        }
        Ok(())
    }
}

impl<M: Record> BatchWriteBuilder<M> {
    /// Sends every chunk; returns the capacity all requests consumed (every
    /// chunk and retry).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// let out = orders.batch_delete([1, 2].map(|id| ("c1".to_string(), id))).send_metered().await?;
    /// assert_eq!(out.capacity.write_units, 4.0); // per item: the table and the by_status index
    /// # Ok(()) }
    /// ```
    pub async fn send_metered(self) -> Result<crate::capacity::Metered<()>> {
        crate::capacity::metered(self.send()).await
    }
}

/// The item (put) or key (delete) of a write request.
fn write_item(w: &WriteRequest) -> Option<Item> {
    w.put_request
        .as_ref()
        .map(|p| p.item.clone())
        .or_else(|| w.delete_request.as_ref().map(|d| d.key.clone()))
}

impl<M: Record> IntoFuture for BatchWriteBuilder<M> {
    type Output = Result<()>;
    type IntoFuture = BoxFuture<'static, Result<()>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
