//! BatchGetItem for any number of keys: [`BatchGetBuilder`]. Keys are
//! de-duplicated and sent 100 a request; `UnprocessedKeys` are retried with
//! capped exponential backoff and jitter; what still could not be read is
//! returned in [`Error::BatchIncomplete`].

use super::get::clone_err;
use super::retry::{until_processed, Outcome};
use super::Request;
use crate::error::{sdk, Error, Result};
use crate::expr::{Path, Placeholders};
use crate::handle::ModelHandle;
use crate::item::Item;
use crate::model::{BoxFuture, Record};
use aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemInput;
use aws_sdk_dynamodb::types::KeysAndAttributes;
use std::future::IntoFuture;

/// Keys per BatchGetItem request.
pub const MAX_KEYS_PER_REQUEST: usize = 100;

/// Reads many items by key. Await it for the items found (in no particular order).
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
    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    /// Reads only these attributes (model names).
    pub fn project<S: AsRef<str>>(mut self, attributes: impl IntoIterator<Item = S>) -> Self {
        let schema = &self.handle.schema;
        self.projection =
            Some(attributes.into_iter().map(|a| schema.stored_name(a.as_ref()).to_string()).collect());
        self
    }

    fn unique_keys(&self) -> Result<Vec<Item>> {
        let mut out: Vec<Item> = Vec::with_capacity(self.keys.len());
        for k in &self.keys {
            let k = k.as_ref().map_err(clone_err)?;
            if !out.contains(k) {
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
    pub async fn send_raw(self) -> Result<Vec<Item>> {
        let keys = self.unique_keys()?;
        let table = self.handle.table_name().to_string();
        let policy = self.handle.odm.retry_policy();
        let client = self.handle.odm.client().clone();
        let mut read: Vec<Item> = Vec::new();
        let chunks: Vec<Vec<Item>> = keys.chunks(MAX_KEYS_PER_REQUEST).map(|c| c.to_vec()).collect();
        for (ci, chunk) in chunks.iter().enumerate() {
            let outcome = until_processed(policy, chunk.clone(), &mut read, |keys| {
                let client = client.clone();
                let table = table.clone();
                let ka = self.keys_and_attributes(keys);
                async move {
                    let out = client.batch_get_item().request_items(&table, ka?).send().await.map_err(sdk)?;
                    let got = out.responses.unwrap_or_default().remove(&table).unwrap_or_default();
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
            if let Outcome::GaveUp(unprocessed) = outcome {
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
        Ok(read)
    }

    /// Sends; returns the items found, decoded.
    pub async fn send(self) -> Result<Vec<M>> {
        let handle = self.handle.clone();
        self.send_raw().await?.into_iter().map(|i| handle.from_stored(i)).collect()
    }
}

impl<M: Record> IntoFuture for BatchGetBuilder<M> {
    type Output = Result<Vec<M>>;
    type IntoFuture = BoxFuture<'static, Result<Vec<M>>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
