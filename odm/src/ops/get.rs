//! GetItem: [`GetBuilder`].

use super::Request;
use crate::error::{sdk, Error, Result};
use crate::expr::Placeholders;
use crate::handle::ModelHandle;
use crate::item::Item;
use crate::model::{BoxFuture, Record};
use aws_sdk_dynamodb::operation::get_item::builders::GetItemFluentBuilder;
use std::future::IntoFuture;

/// Reads one item by key. Await it for `Option<M>`.
pub struct GetBuilder<M> {
    handle: ModelHandle<M>,
    key: Result<Item>,
    consistent: bool,
    projection: Option<Vec<String>>,
}

impl<M: Record> GetBuilder<M> {
    pub(crate) fn new(handle: ModelHandle<M>, key: Result<Item>) -> Self {
        GetBuilder { handle, key, consistent: false, projection: None }
    }

    /// Strongly consistent read.
    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    /// Reads only these attributes (model names). The model must accept the
    /// missing ones (`Option`, sets, maps); dynamic items always do.
    pub fn project<S: AsRef<str>>(mut self, attributes: impl IntoIterator<Item = S>) -> Self {
        let schema = &self.handle.schema;
        self.projection =
            Some(attributes.into_iter().map(|a| schema.stored_name(a.as_ref()).to_string()).collect());
        self
    }

    fn request(&self) -> Result<GetItemFluentBuilder> {
        let key = self.key.as_ref().map_err(clone_err)?.clone();
        let mut req = self
            .handle
            .odm
            .client()
            .get_item()
            .table_name(self.handle.table_name())
            .set_key(Some(key))
            .consistent_read(self.consistent);
        if let Some(attrs) = &self.projection {
            let mut p = Placeholders::default();
            let expr = attrs.iter().map(|a| p.name(a)).collect::<Vec<_>>().join(", ");
            req = req.projection_expression(expr).set_expression_attribute_names(p.names());
        }
        Ok(req)
    }

    /// (table, key, schema, Get) for a read transaction.
    pub(crate) fn transact_parts(
        &self,
    ) -> Result<(String, Item, std::sync::Arc<crate::schema::Schema>, aws_sdk_dynamodb::types::Get)> {
        let input = self.request()?.as_input().clone();
        let key = self.key.as_ref().map_err(clone_err)?.clone();
        let get = aws_sdk_dynamodb::types::Get::builder()
            .table_name(self.handle.table_name())
            .set_key(Some(key.clone()))
            .set_projection_expression(input.get_projection_expression().clone())
            .set_expression_attribute_names(input.get_expression_attribute_names().clone())
            .build()?;
        Ok((self.handle.table_name().to_string(), key, self.handle.schema.clone(), get))
    }

    /// The request that would be sent.
    pub fn dry_run(&self) -> Result<Request> {
        Ok(Request::GetItem(self.request()?.as_input().clone().build()?))
    }

    /// Sends; the stored item (before item actions), if any.
    pub async fn send_raw(self) -> Result<Option<Item>> {
        let out = self.request()?.send().await.map_err(sdk)?;
        Ok(out.item)
    }

    /// Sends; the item, if it exists.
    pub async fn send(self) -> Result<Option<M>> {
        let handle = self.handle.clone();
        match self.send_raw().await? {
            Some(item) => Ok(Some(handle.from_stored(item)?)),
            None => Ok(None),
        }
    }

    /// Sends; fails with [`Error::NotFound`] if the item does not exist.
    pub async fn required(self) -> Result<M> {
        let table = self.handle.table_name().to_string();
        self.send().await?.ok_or(Error::NotFound { table })
    }
}

impl<M: Record> IntoFuture for GetBuilder<M> {
    type Output = Result<Option<M>>;
    type IntoFuture = BoxFuture<'static, Result<Option<M>>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Re-creates a stored error for a builder that is sent (or dry-run) after
/// its input failed to encode.
pub(crate) fn clone_err(e: &Error) -> Error {
    match e {
        Error::Validation { field, reason } => {
            Error::Validation { field: field.clone(), reason: reason.clone() }
        }
        Error::LimitExceeded { limit, actual, max } => {
            Error::LimitExceeded { limit: *limit, actual: *actual, max: *max }
        }
        Error::Schema(s) => Error::Schema(s.clone()),
        other => Error::Request(other.to_string()),
    }
}
