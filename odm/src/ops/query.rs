//! Query: typed key conditions ([`KeyQuery`], generated per index by the
//! derive) and the [`QueryBuilder`] (filter, limit, start_at, projection,
//! count, consistency, direction, and [`all`](QueryBuilder::all) as a `Stream`).

use super::{Conditions, Request};
use crate::error::{sdk, Result};
use crate::expr::{Cond, Condition, Field, Path, Placeholders};
use crate::handle::ModelHandle;
use crate::item::Item;
use crate::model::Record;
use crate::types::IntoValue;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::Select;
use futures::stream::{self, Stream, TryStreamExt};

/// The access pattern has no sort key.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSortKey;

/// The access pattern has a sort key of type `R`.
pub struct SortKey<M, R>(Field<M, R>);

/// A key condition on the table or one index: hash key equality, plus a
/// typed sort key condition when the index has a sort key. The derive
/// generates `Model::query_by_<attribute>(value)` (index chosen
/// automatically from the attribute) and `Model::query_index_<index>(value)`
/// (explicit) for every indexed access pattern only.
pub struct KeyQuery<M, S> {
    index: Option<String>,
    hash: Cond,
    sort: S,
    sort_cond: Option<Cond>,
    _model: std::marker::PhantomData<fn() -> M>,
}

impl<M> KeyQuery<M, NoSortKey> {
    /// `hash = value` on the table (`index: None`) or an index.
    pub fn new<T>(index: Option<&str>, hash: &Field<M, T>, value: impl IntoValue<T>) -> Self {
        KeyQuery {
            index: index.map(str::to_string),
            hash: hash.eq(value).cond,
            sort: NoSortKey,
            sort_cond: None,
            _model: std::marker::PhantomData,
        }
    }
}

impl<M, R> KeyQuery<M, SortKey<M, R>> {
    /// `hash = value` on the table or an index whose sort key is `sort`.
    pub fn with_sort<T>(
        index: Option<&str>,
        hash: &Field<M, T>,
        value: impl IntoValue<T>,
        sort: Field<M, R>,
    ) -> Self {
        KeyQuery {
            index: index.map(str::to_string),
            hash: hash.eq(value).cond,
            sort: SortKey(sort),
            sort_cond: None,
            _model: std::marker::PhantomData,
        }
    }

    fn sorted(mut self, c: Condition<M>) -> Self {
        self.sort_cond = Some(c.cond);
        self
    }

    /// Sort key `= v`.
    pub fn sort_eq(self, v: impl IntoValue<R>) -> Self {
        let c = self.sort.0.eq(v);
        self.sorted(c)
    }
    /// Sort key `< v`.
    pub fn sort_lt(self, v: impl IntoValue<R>) -> Self {
        let c = self.sort.0.lt(v);
        self.sorted(c)
    }
    /// Sort key `<= v`.
    pub fn sort_le(self, v: impl IntoValue<R>) -> Self {
        let c = self.sort.0.le(v);
        self.sorted(c)
    }
    /// Sort key `> v`.
    pub fn sort_gt(self, v: impl IntoValue<R>) -> Self {
        let c = self.sort.0.gt(v);
        self.sorted(c)
    }
    /// Sort key `>= v`.
    pub fn sort_ge(self, v: impl IntoValue<R>) -> Self {
        let c = self.sort.0.ge(v);
        self.sorted(c)
    }
    /// Sort key `BETWEEN lo AND hi`.
    pub fn sort_between(self, lo: impl IntoValue<R>, hi: impl IntoValue<R>) -> Self {
        let c = self.sort.0.between(lo, hi);
        self.sorted(c)
    }
}

impl<M> KeyQuery<M, SortKey<M, String>> {
    /// `begins_with(sort key, prefix)`.
    pub fn sort_begins_with(self, prefix: impl IntoValue<String>) -> Self {
        let c = self.sort.0.begins_with(prefix);
        self.sorted(c)
    }
}

/// One page of results.
#[derive(Debug, Clone)]
pub struct Page<M> {
    /// The items of this page.
    pub items: Vec<M>,
    /// Where the next page starts (`None`: this was the last page).
    pub last_key: Option<Item>,
    /// Items returned (after the filter).
    pub count: usize,
    /// Items read (before the filter).
    pub scanned_count: usize,
}

/// A query. Await [`send`](Self::send) for one page, or use
/// [`all`](Self::all) / [`pages`](Self::pages) as a `Stream`.
pub struct QueryBuilder<M> {
    handle: ModelHandle<M>,
    index: Option<String>,
    key: Vec<Cond>,
    filter: Conditions,
    limit: Option<u32>,
    start: Option<Item>,
    projection: Option<Vec<String>>,
    consistent: bool,
    forward: bool,
}

impl<M> Clone for QueryBuilder<M> {
    fn clone(&self) -> Self {
        QueryBuilder {
            handle: self.handle.clone(),
            index: self.index.clone(),
            key: self.key.clone(),
            filter: Conditions(self.filter.0.clone()),
            limit: self.limit,
            start: self.start.clone(),
            projection: self.projection.clone(),
            consistent: self.consistent,
            forward: self.forward,
        }
    }
}

impl<M: Record> QueryBuilder<M> {
    pub(crate) fn new<S>(handle: ModelHandle<M>, key: KeyQuery<M, S>) -> Self {
        let mut conds = vec![key.hash];
        conds.extend(key.sort_cond);
        QueryBuilder {
            handle,
            index: key.index,
            key: conds,
            filter: Conditions::default(),
            limit: None,
            start: None,
            projection: None,
            consistent: false,
            forward: true,
        }
    }

    /// Keeps only items that meet `condition` (several calls: all of them).
    pub fn filter(mut self, condition: Condition<M>) -> Self {
        self.filter.push(condition.cond);
        self
    }

    /// Reads at most `n` items per request (DynamoDB's `Limit`).
    pub fn limit(mut self, n: u32) -> Self {
        self.limit = Some(n);
        self
    }

    /// Starts after this key (a page's `last_key`).
    pub fn start_at(mut self, key: Item) -> Self {
        self.start = Some(key);
        self
    }

    /// Returns only these attributes (model names); see [`GetBuilder::project`](super::get::GetBuilder::project).
    pub fn project<S: AsRef<str>>(mut self, attributes: impl IntoIterator<Item = S>) -> Self {
        let schema = &self.handle.schema;
        self.projection =
            Some(attributes.into_iter().map(|a| schema.stored_name(a.as_ref()).to_string()).collect());
        self
    }

    /// Strongly consistent read (tables and local indexes only).
    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    /// Sort key descending.
    pub fn descending(mut self) -> Self {
        self.forward = false;
        self
    }

    /// Sort key ascending (the default).
    pub fn ascending(mut self) -> Self {
        self.forward = true;
        self
    }

    fn request(&self, select_count: bool) -> Result<QueryFluentBuilder> {
        let mut p = Placeholders::default();
        let key_cond = Conditions(self.key.clone()).render(&mut p)?.unwrap_or_default();
        let filter = self.filter.render(&mut p)?;
        let mut req = self
            .handle
            .odm
            .client()
            .query()
            .table_name(self.handle.table_name())
            .set_index_name(self.index.clone())
            .key_condition_expression(key_cond)
            .set_filter_expression(filter)
            .set_limit(self.limit.map(|l| l.min(i32::MAX as u32) as i32))
            .set_exclusive_start_key(self.start.clone())
            .consistent_read(self.consistent)
            .scan_index_forward(self.forward);
        if select_count {
            req = req.select(Select::Count);
        } else if let Some(attrs) = &self.projection {
            let expr =
                attrs.iter().map(|a| Path::attr(a.clone()).render(&mut p)).collect::<Vec<_>>().join(", ");
            req = req.projection_expression(expr);
        }
        Ok(req.set_expression_attribute_names(p.names()).set_expression_attribute_values(p.values()))
    }

    /// The request that would be sent (first page).
    pub fn dry_run(&self) -> Result<Request> {
        Ok(Request::Query(self.request(false)?.as_input().clone().build()?))
    }

    /// Sends one request: one page.
    pub async fn send(&self) -> Result<Page<M>> {
        let out = self.request(false)?.send().await.map_err(sdk)?;
        let items = out
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|i| self.handle.from_stored(i))
            .collect::<Result<Vec<M>>>()?;
        Ok(Page {
            items,
            last_key: out.last_evaluated_key.filter(|k| !k.is_empty()),
            count: out.count.max(0) as usize,
            scanned_count: out.scanned_count.max(0) as usize,
        })
    }

    /// Counts the matching items over all pages (`Select: COUNT`).
    pub async fn count(&self) -> Result<usize> {
        let mut q = self.clone();
        let mut total = 0usize;
        loop {
            let out = q.request(true)?.send().await.map_err(sdk)?;
            total += out.count.max(0) as usize;
            match out.last_evaluated_key.filter(|k| !k.is_empty()) {
                Some(k) => q.start = Some(k),
                None => return Ok(total),
            }
        }
    }

    /// Every page, following `last_key`, as a `Stream`.
    pub fn pages(&self) -> impl Stream<Item = Result<Page<M>>> + Send + 'static {
        paginate(self.clone(), self.start.clone(), |q: QueryBuilder<M>, start| {
            let mut q = q;
            q.start = start;
            async move { q.send().await }
        })
    }

    /// Every item of every page, as a `Stream`.
    pub fn all(&self) -> impl Stream<Item = Result<M>> + Send + 'static {
        self.pages().map_ok(|p| stream::iter(p.items.into_iter().map(Ok))).try_flatten()
    }
}

/// Follows `last_key` from page to page.
pub(crate) fn paginate<B, M, F, Fut>(
    builder: B,
    first: Option<Item>,
    fetch: F,
) -> impl Stream<Item = Result<Page<M>>> + Send + 'static
where
    B: Clone + Send + 'static,
    M: Send + 'static,
    F: Fn(B, Option<Item>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Page<M>>> + Send,
{
    let start: Option<Option<Item>> = Some(first);
    stream::try_unfold((builder, start, fetch), |(b, next, fetch)| async move {
        let Some(start) = next else { return Ok(None) };
        let page = fetch(b.clone(), start).await?;
        let next = page.last_key.clone().map(Some);
        Ok(Some((page, (b, next, fetch))))
    })
}
