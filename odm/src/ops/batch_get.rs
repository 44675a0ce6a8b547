//! BatchGetItem for any number of keys: [`BatchGetBuilder`]. Keys are
//! de-duplicated and sent 100 a request; `UnprocessedKeys` are retried with
//! capped exponential backoff and jitter; what still could not be read is
//! returned in [`Error::BatchIncomplete`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::{Model, Odm, Request};
//! # use futures::TryStreamExt;
//! # use ddb_odm::testing::doc::{order, Order};
//! # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
//! # let f = Order::fields();
//! let found: Vec<Order> = orders.batch_get([1, 2, 3].map(|id| ("c1".to_string(), id))).await?;
//! assert_eq!(found.len(), 3);
//! # Ok(()) }
//! ```

use super::Request;
use super::get::clone_err;
use super::retry::{Outcome, until_processed};
use crate::error::{Error, Result, sdk};
use crate::expr::{Path, Placeholders};
use crate::handle::ModelHandle;
use crate::item::Item;
use crate::model::{BoxFuture, Record};
use aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemInput;
use aws_sdk_dynamodb::types::KeysAndAttributes;
use std::future::IntoFuture;
use tracing::Instrument;

/// Keys per BatchGetItem request.
///
/// ```
/// # use ddb_odm::{Model, Odm, Request};
/// # use ddb_odm::testing::doc::{order, Order};
/// # let orders = ddb_odm::testing::doc::offline();
/// # let f = Order::fields();
/// let keys = (0..250).map(|id| ("c1".to_string(), id));
/// let Request::BatchGetItem(chunks) = orders.batch_get(keys).dry_run()? else { panic!() };
/// assert_eq!(chunks.len(), 3); // 100 + 100 + 50
/// # assert_eq!(ddb_odm::ops::batch_get::MAX_KEYS_PER_REQUEST, 100);
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub const MAX_KEYS_PER_REQUEST: usize = 100;

/// Reads many items by key. Await it for the items found (in no particular order).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let keys = [1, 2, 99].map(|id| ("c1".to_string(), id));
/// let mut found: Vec<Order> = orders.batch_get(keys).consistent().await?;
/// found.sort_by_key(|o| o.id);
/// assert_eq!(found.iter().map(|o| o.id).collect::<Vec<_>>(), [1, 2]); // 99 does not exist
/// # Ok(()) }
/// ```
pub struct BatchGetBuilder<M> {
    handle: ModelHandle<M>,
    keys: Vec<Result<Item>>,
    consistent: bool,
    projection: Option<Vec<String>>,
}

impl<M: Record> BatchGetBuilder<M> {
    pub(crate) fn new(handle: ModelHandle<M>, keys: Vec<Result<Item>>) -> Self {
        BatchGetBuilder { handle, keys, consistent: false, projection: None }
    }

    /// Strongly consistent reads.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert_eq!(orders.batch_get([("c1".to_string(), 1)]).consistent().await?.len(), 1);
    /// # Ok(()) }
    /// ```
    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    /// Reads only these attributes (model names).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let raw = orders.batch_get([("c1".to_string(), 1)]).project(["total"]).send_raw().await?;
    /// assert_eq!(raw[0].len(), 3); // total plus the key attributes
    /// # Ok(()) }
    /// ```
    pub fn project<S: AsRef<str>>(mut self, attributes: impl IntoIterator<Item = S>) -> Self {
        let schema = &self.handle.schema;
        self.projection =
            Some(attributes.into_iter().map(|a| schema.stored_name(a.as_ref()).to_string()).collect());
        self
    }

    fn unique_keys(&self) -> Result<Vec<Item>> {
        let mut out: Vec<Item> = Vec::with_capacity(self.keys.len());
        let mut seen = std::collections::HashSet::with_capacity(self.keys.len());
        for k in &self.keys {
            let k = k.as_ref().map_err(clone_err)?;
            if seen.insert(super::key_fingerprint(k)) {
                out.push(k.clone());
            }
        }
        Ok(out)
    }

    fn keys_and_attributes(&self, keys: Vec<Item>) -> Result<KeysAndAttributes> {
        let mut b = KeysAndAttributes::builder().set_keys(Some(keys)).consistent_read(self.consistent);
        if let Some(attrs) = &self.projection {
            let mut p = Placeholders::default();
            let mut names: Vec<String> = attrs.clone();
            for k in self.handle.schema.key_names(None) {
                if !names.contains(&k) {
                    names.push(k);
                }
            }
            let expr =
                names.iter().map(|a| Path::attr(a.clone()).render(&mut p)).collect::<Vec<_>>().join(", ");
            b = b.projection_expression(expr).set_expression_attribute_names(p.names());
        }
        Ok(b.build()?)
    }

    /// The requests that would be sent (one per 100 keys).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let Request::BatchGetItem(chunks) = orders.batch_get([("c1".to_string(), 1)]).dry_run()? else { panic!() };
    /// assert_eq!(chunks.len(), 1);
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn dry_run(&self) -> Result<Request> {
        let keys = self.unique_keys()?;
        let mut out = Vec::new();
        for chunk in keys.chunks(MAX_KEYS_PER_REQUEST) {
            let ka = self.keys_and_attributes(chunk.to_vec())?;
            out.push(BatchGetItemInput::builder().request_items(self.handle.table_name(), ka).build()?);
        }
        Ok(Request::BatchGetItem(out))
    }

    /// Sends; returns the stored items found (before item actions).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let raw = orders.batch_get([("c1".to_string(), 3)]).send_raw().await?;
    /// assert_eq!(raw[0]["status"], ddb_odm::AttributeValue::S("shipped".into()));
    /// # Ok(()) }
    /// ```
    pub async fn send_raw(self) -> Result<Vec<Item>> {
        let keys = self.unique_keys()?;
        let table = self.handle.table_name().to_string();
        let policy = self.handle.odm.retry_policy();
        let client = self.handle.odm.client().clone();
        let wanted = crate::capacity::wanted(&self.handle.odm);
        let mut read: Vec<Item> = Vec::new();
        let chunks: Vec<Vec<Item>> = keys.chunks(MAX_KEYS_PER_REQUEST).map(|c| c.to_vec()).collect();
        for (ci, chunk) in chunks.iter().enumerate() {
            let outcome = until_processed(policy, chunk.clone(), &mut read, |keys| {
                let client = client.clone();
                let table = table.clone();
                let ka = self.keys_and_attributes(keys);
                let wanted = wanted.clone();
                async move {
                    let span = crate::capacity::span("BatchGetItem", &table, None);
                    let out = client
                        .batch_get_item()
                        .request_items(&table, ka?)
                        .set_return_consumed_capacity(wanted)
                        .send()
                        .instrument(span.clone())
                        .await
                        .map_err(sdk)?;
                    let got = out.responses.unwrap_or_default().remove(&table).unwrap_or_default();
                    crate::capacity::observe(
                        &span,
                        got.len(),
                        &out.consumed_capacity.unwrap_or_default(),
                        true,
                    );
                    let unprocessed = out
                        .unprocessed_keys
                        .unwrap_or_default()
                        .remove(&table)
                        .map(|ka| ka.keys)
                        .unwrap_or_default();
                    Ok((got, unprocessed))
                }
            })
            .await?;
            let (unprocessed, source) = match outcome {
                Outcome::Done => (Vec::new(), None),
                Outcome::GaveUp(unprocessed) => (unprocessed, None),
                Outcome::Failed(e, unprocessed) => (unprocessed, Some(e)),
            };
            if let Some(e) = source {
                let mut rest: Vec<(String, Item)> =
                    unprocessed.into_iter().map(|k| (table.clone(), k)).collect();
                for later in &chunks[ci + 1..] {
                    rest.extend(later.iter().map(|k| (table.clone(), k.clone())));
                }
                return Err(Error::BatchFailed {
                    source: Box::new(e),
                    unprocessed_keys: rest,
                    unprocessed_writes: Vec::new(),
                    read: read.into_iter().map(|i| (table.clone(), i)).collect(),
                });
            }
            if !unprocessed.is_empty() {
                let mut rest: Vec<(String, Item)> =
                    unprocessed.into_iter().map(|k| (table.clone(), k)).collect();
                for later in &chunks[ci + 1..] {
                    rest.extend(later.iter().map(|k| (table.clone(), k.clone())));
                }
                return Err(Error::BatchIncomplete {
                    unprocessed_keys: rest,
                    unprocessed_writes: Vec::new(),
                    read: read.into_iter().map(|i| (table.clone(), i)).collect(),
                });
            }
        }
        // Items of another entity that share a key are not this model's.
        read.retain(|i| self.handle.schema.owns(i));
        Ok(read)
    }

    /// Sends; returns the items found, decoded.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let found = orders.batch_get([("c1".to_string(), 3)]).send().await?;
    /// assert_eq!(found[0].status, "shipped");
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<Vec<M>> {
        let handle = self.handle.clone();
        self.send_raw().await?.into_iter().map(|i| handle.from_stored(i)).collect()
    }
}

impl<M: Record> BatchGetBuilder<M> {
    /// Sends; returns the items found with the capacity every request
    /// (chunks and retries) consumed.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// let out = orders.batch_get([1, 2].map(|id| ("c1".to_string(), id))).send_metered().await?;
    /// assert_eq!((out.value.len(), out.capacity.read_units), (2, 1.0)); // 0.5 per small item
    /// # Ok(()) }
    /// ```
    pub async fn send_metered(self) -> Result<crate::capacity::Metered<Vec<M>>> {
        crate::capacity::metered(self.send()).await
    }
}

impl<M: Record> IntoFuture for BatchGetBuilder<M> {
    type Output = Result<Vec<M>>;
    type IntoFuture = BoxFuture<'static, Result<Vec<M>>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
