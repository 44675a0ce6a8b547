//! Scan: [`ScanBuilder`] (filter, limit, start_at, projection, count,
//! consistency, index, parallel segments, [`all`](ScanBuilder::all) as a `Stream`).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::{Model, Odm, Request};
//! # use futures::TryStreamExt;
//! # use ddb_odm::testing::doc::{order, Order};
//! # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
//! # let f = Order::fields();
//! assert_eq!(orders.scan().parallel(2).filter(f.status.eq("open")).count().await?, 2);
//! # Ok(()) }
//! ```

use super::query::{Page, paginate};
use super::{Conditions, Request};
use crate::error::{Error, Result, sdk};
use crate::expr::{Condition, Path, Placeholders};
use crate::handle::ModelHandle;
use crate::item::Item;
use crate::model::Record;
use aws_sdk_dynamodb::operation::scan::builders::ScanFluentBuilder;
use aws_sdk_dynamodb::types::Select;
use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use tracing::Instrument;

/// A scan. Call [`send`](Self::send) for one page, or use
/// [`all`](Self::all) / [`pages`](Self::pages) as a `Stream`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// use ddb_odm::{Model, Odm};
/// use futures::TryStreamExt;
///
/// #[derive(Model, Debug, Clone)]
/// struct Log { #[key] id: u32, level: String }
///
/// # let (_emu, client) = ddb_odm::testing::embedded().await;
/// let logs = Odm::new(client).model::<Log>().await?;
/// let all: Vec<Log> = (0..50).map(|id| Log { id, level: if id % 10 == 0 { "error" } else { "info" }.into() }).collect();
/// logs.batch_put(&all).await?;
/// let f = Log::fields();
/// let errors: Vec<Log> = logs.scan().parallel(4).filter(f.level.eq("error")).all().try_collect().await?;
/// assert_eq!(errors.len(), 5);
/// assert_eq!(logs.scan().count().await?, 50);
/// # Ok(()) }
/// ```
pub struct ScanBuilder<M> {
    handle: ModelHandle<M>,
    index: Option<String>,
    filter: Conditions,
    limit: Option<u32>,
    start: Option<Item>,
    projection: Option<Vec<String>>,
    consistent: bool,
    /// Whether only the model's entity is read (off for `entities()`).
    entity_only: bool,
    segment: Option<(u32, u32)>,
    parallel: Option<u32>,
}

impl<M> Clone for ScanBuilder<M> {
    fn clone(&self) -> Self {
        ScanBuilder {
            handle: self.handle.clone(),
            index: self.index.clone(),
            filter: Conditions(self.filter.0.clone()),
            limit: self.limit,
            start: self.start.clone(),
            projection: self.projection.clone(),
            consistent: self.consistent,
            entity_only: self.entity_only,
            segment: self.segment,
            parallel: self.parallel,
        }
    }
}

impl<M: Record> ScanBuilder<M> {
    pub(crate) fn new(handle: ModelHandle<M>) -> Self {
        ScanBuilder {
            handle,
            index: None,
            filter: Conditions::default(),
            limit: None,
            start: None,
            projection: None,
            consistent: false,
            entity_only: true,
            segment: None,
            parallel: None,
        }
    }

    /// Scans the index `name` instead of the table (checked against the schema).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let page = orders.scan().index("by_status").send().await?;
    /// assert_eq!(page.count, 3);
    /// assert!(orders.scan().index("nope").dry_run().is_err()); // checked against the schema
    /// # Ok(()) }
    /// ```
    pub fn index(mut self, name: &str) -> Self {
        self.index = Some(name.to_string());
        self
    }

    /// Keeps only items that meet `condition` (several calls: all of them).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert_eq!(orders.scan().filter(f.status.eq("open")).filter(f.total.lt(20.0)).count().await?, 1);
    /// # Ok(()) }
    /// ```
    pub fn filter(mut self, condition: Condition<M>) -> Self {
        self.filter.push(condition.cond);
        self
    }

    /// Reads at most `n` items per request (DynamoDB's `Limit`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let page = orders.scan().limit(2).send().await?;
    /// assert_eq!(page.items.len(), 2);
    /// assert!(page.last_key.is_some());
    /// # Ok(()) }
    /// ```
    pub fn limit(mut self, n: u32) -> Self {
        self.limit = Some(n);
        self
    }

    /// Starts after this key (a page's `last_key`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let first = orders.scan().limit(2).send().await?;
    /// let rest = orders.scan().start_at(first.last_key.unwrap()).send().await?;
    /// assert_eq!(first.items.len() + rest.items.len(), 3);
    /// # Ok(()) }
    /// ```
    pub fn start_at(mut self, key: Item) -> Self {
        self.start = Some(key);
        self
    }

    /// Returns only these attributes (model names).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let Request::Scan(r) = orders.scan().project(["id"]).dry_run()? else { panic!() };
    /// assert!(r.projection_expression().is_some());
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn project<S: AsRef<str>>(mut self, attributes: impl IntoIterator<Item = S>) -> Self {
        let schema = &self.handle.schema;
        self.projection =
            Some(attributes.into_iter().map(|a| schema.stored_name(a.as_ref()).to_string()).collect());
        self
    }

    /// Strongly consistent read.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let Request::Scan(r) = orders.scan().consistent().dry_run()? else { panic!() };
    /// assert_eq!(r.consistent_read(), Some(true));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    /// Scans only segment `segment` of `total` (a worker of a parallel scan).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let mut n = 0;
    /// for s in 0..3 {
    ///     n += orders.scan().segment(s, 3).count().await?; // e.g. one worker each
    /// }
    /// assert_eq!(n, 3);
    /// # Ok(()) }
    /// ```
    pub fn segment(mut self, segment: u32, total: u32) -> Self {
        self.segment = Some((segment, total));
        self
    }

    /// A parallel scan over `total` segments: [`pages`](Self::pages),
    /// [`all`](Self::all) and [`count`](Self::count) read all segments
    /// concurrently and merge them.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let all: Vec<Order> = orders.scan().parallel(4).all().try_collect().await?;
    /// assert_eq!(all.len(), 3);
    /// # Ok(()) }
    /// ```
    pub fn parallel(mut self, total: u32) -> Self {
        self.parallel = Some(total);
        self
    }

    fn request(&self, select_count: bool) -> Result<ScanFluentBuilder> {
        if let Some(index) = &self.index
            && self.handle.schema.index(index).is_none()
        {
            return Err(Error::validation(index.clone(), "the model has no such index"));
        }
        let mut p = Placeholders::default();
        let mut filter = Conditions(self.filter.0.clone());
        if self.entity_only {
            filter.0.extend(super::entity_filter(&self.handle.schema));
        }
        if self.handle.schema.has_unique() {
            filter.push(crate::expr::Cond::NotExists(Path::attr(crate::unique::MARKER_ATTRIBUTE)));
        }
        let filter = filter.render(&mut p)?;
        let mut req = self
            .handle
            .odm
            .client()
            .scan()
            .table_name(self.handle.table_name())
            .set_index_name(self.index.clone())
            .set_filter_expression(filter)
            .set_limit(self.limit.map(|l| l.min(i32::MAX as u32) as i32))
            .set_exclusive_start_key(self.start.clone())
            .consistent_read(self.consistent)
            .set_return_consumed_capacity(crate::capacity::wanted(&self.handle.odm))
            .set_segment(self.segment.map(|s| s.0 as i32))
            .set_total_segments(self.segment.map(|s| s.1 as i32));
        if select_count {
            req = req.select(Select::Count);
        } else if let Some(attrs) = &self.projection {
            let expr =
                attrs.iter().map(|a| Path::attr(a.clone()).render(&mut p)).collect::<Vec<_>>().join(", ");
            req = req.projection_expression(expr);
        }
        Ok(req.set_expression_attribute_names(p.names()).set_expression_attribute_values(p.values()))
    }

    /// The request that would be sent (first page; segment 0 of a parallel scan).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let Request::Scan(r) = orders.scan().parallel(4).dry_run()? else { panic!() };
    /// assert_eq!((r.segment(), r.total_segments()), (Some(0), Some(4)));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn dry_run(&self) -> Result<Request> {
        Ok(Request::Scan(self.first_segment().request(false)?.as_input().clone().build()?))
    }

    fn first_segment(&self) -> ScanBuilder<M> {
        match self.parallel {
            Some(total) => self.clone().segment(0, total),
            None => self.clone(),
        }
    }

    /// Sends one request: one page (of one segment).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let page = orders.scan().send().await?;
    /// assert_eq!(page.items.len(), 3);
    /// # Ok(()) }
    /// ```
    pub async fn send(&self) -> Result<Page<M>> {
        if self.parallel.is_some() {
            return Err(Error::Request("a parallel scan is read with pages(), all() or count()".into()));
        }
        let page = self.send_items().await?;
        let items = page.items.into_iter().map(|i| self.handle.from_stored(i)).collect::<Result<Vec<M>>>()?;
        Ok(Page {
            items,
            last_key: page.last_key,
            count: page.count,
            scanned_count: page.scanned_count,
            capacity: page.capacity,
        })
    }

    /// One page of stored items (names as stored, not decoded).
    pub(crate) async fn send_items(&self) -> Result<Page<Item>> {
        let span = crate::capacity::span("Scan", self.handle.table_name(), self.index.as_deref());
        let out = self.request(false)?.send().instrument(span.clone()).await.map_err(sdk)?;
        let count = out.count.max(0) as usize;
        let capacity = crate::capacity::observe(&span, count, out.consumed_capacity.as_slice(), true);
        Ok(Page {
            items: out.items.unwrap_or_default(),
            last_key: out.last_evaluated_key.filter(|k| !k.is_empty()),
            count,
            scanned_count: out.scanned_count.max(0) as usize,
            capacity,
        })
    }

    /// Where the read starts.
    pub(crate) fn start_key(&self) -> Option<Item> {
        self.start.clone()
    }

    /// The same read from `start`.
    pub(crate) fn with_start(mut self, start: Option<Item>) -> Self {
        self.start = start;
        self
    }

    /// The same read over every entity's items.
    pub(crate) fn without_entity_filter(mut self) -> Self {
        self.entity_only = false;
        self
    }

    fn segments(&self) -> Vec<ScanBuilder<M>> {
        match self.parallel {
            Some(total) => (0..total.max(1))
                .map(|i| {
                    let mut s = self.clone().segment(i, total.max(1));
                    s.parallel = None;
                    s
                })
                .collect(),
            None => vec![self.clone()],
        }
    }

    /// Counts the matching items over all pages and segments (`Select: COUNT`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert_eq!(orders.scan().filter(f.status.eq("shipped")).count().await?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn count(&self) -> Result<usize> {
        let counts = futures::future::try_join_all(self.segments().into_iter().map(|mut s| async move {
            let mut total = 0usize;
            loop {
                let span = crate::capacity::span("Scan", s.handle.table_name(), s.index.as_deref());
                let out = s.request(true)?.send().instrument(span.clone()).await.map_err(sdk)?;
                let n = out.count.max(0) as usize;
                crate::capacity::observe(&span, n, out.consumed_capacity.as_slice(), true);
                total += n;
                match out.last_evaluated_key.filter(|k| !k.is_empty()) {
                    Some(k) => s.start = Some(k),
                    None => return Ok::<usize, Error>(total),
                }
            }
        }))
        .await?;
        Ok(counts.into_iter().sum())
    }

    /// Every page, following `last_key` (all segments of a parallel scan,
    /// concurrently), as a `Stream`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let pages: Vec<ddb_odm::Page<Order>> = orders.scan().limit(1).pages().try_collect().await?;
    /// assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), 3);
    /// # Ok(()) }
    /// ```
    pub fn pages(&self) -> impl Stream<Item = Result<Page<M>>> + Send + 'static + use<M> {
        let streams = self.segments().into_iter().map(|s| {
            let first = s.start.clone();
            paginate(s, first, |s: ScanBuilder<M>, start| {
                let mut s = s;
                s.start = start;
                async move { s.send().await }
            })
            .boxed()
        });
        stream::select_all(streams)
    }

    /// Every item, as a `Stream`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let big: Vec<Order> = orders.scan().filter(f.total.gt(20.0)).all().try_collect().await?;
    /// assert_eq!(big.len(), 2);
    /// # Ok(()) }
    /// ```
    pub fn all(&self) -> impl Stream<Item = Result<M>> + Send + 'static + use<M> {
        self.pages().map_ok(|p| stream::iter(p.items.into_iter().map(Ok))).try_flatten()
    }
}
