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

use super::cursor::{Cursor, Fingerprint};
use super::page::{self, Fetched, Projected};
use super::query::{Page, paginate};
use super::{Conditions, Request};
use crate::error::{Error, Result, sdk};
use crate::expr::{Condition, Path, Placeholders};
use crate::handle::ModelHandle;
use crate::item::Item;
use crate::model::Record;
use crate::projection::{Projection, ReadableFrom};
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
pub struct ScanBuilder<M, const I: u64 = 0> {
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
    /// The cap on returned items (`max_items`), across pages.
    max_items: Option<usize>,
    /// Where a resumed read starts (`after`), checked against this read.
    resume: Option<Cursor>,
}

impl<M, const I: u64> Clone for ScanBuilder<M, I> {
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
            max_items: self.max_items,
            resume: self.resume.clone(),
        }
    }
}

/// An index of model `M` named at the type level (`I`, a hash of its
/// name), for [`ScanBuilder::on_index`]; the derive generates
/// `M::scan_index_<index>()` for each index.
///
/// ```
/// # use ddb_odm::{Model, Odm, Request};
/// # use ddb_odm::testing::doc::{order, Order};
/// # let orders = ddb_odm::testing::doc::offline();
/// let by_status = Order::scan_index_by_status();
/// assert_eq!(by_status.name(), "by_status");
/// let Request::Scan(r) = orders.scan().on_index(by_status).dry_run()? else { panic!() };
/// assert_eq!(r.index_name(), Some("by_status"));
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub struct ScanIndex<M, const I: u64> {
    name: &'static str,
    _model: std::marker::PhantomData<fn() -> M>,
}

impl<M, const I: u64> ScanIndex<M, I> {
    /// Used by the derive's generated `scan_index_*` functions.
    #[doc(hidden)]
    pub fn __new(name: &'static str) -> Self {
        ScanIndex { name, _model: std::marker::PhantomData }
    }

    /// The index name.
    ///
    /// ```
    /// # use ddb_odm::testing::doc::Order;
    /// assert_eq!(Order::scan_index_by_status().name(), "by_status");
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }
}

impl<M: Record, const I: u64> ScanBuilder<M, I> {
    /// The same scan with the index named at the type level as `J`.
    fn retyped<const J: u64>(self) -> ScanBuilder<M, J> {
        ScanBuilder {
            handle: self.handle,
            index: self.index,
            filter: self.filter,
            limit: self.limit,
            start: self.start,
            projection: self.projection,
            consistent: self.consistent,
            entity_only: self.entity_only,
            segment: self.segment,
            parallel: self.parallel,
            max_items: self.max_items,
            resume: self.resume,
        }
    }

    /// Scans the index `index` (from the generated
    /// `M::scan_index_<index>()`), named at the type level, so that
    /// [`project_into`](Self::project_into) checks at compile time that
    /// the index projects every field of the projection.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order, OrderCard};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let cards: Vec<OrderCard> =
    ///     orders.scan().on_index(Order::scan_index_by_status()).project_into::<OrderCard>().all().try_collect().await?;
    /// assert_eq!(cards.len(), 3);
    /// # Ok(()) }
    /// ```
    pub fn on_index<const J: u64>(mut self, index: ScanIndex<M, J>) -> ScanBuilder<M, J> {
        self.index = Some(index.name.to_string());
        self.retyped()
    }

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
            max_items: None,
            resume: None,
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
    pub fn index(mut self, name: &str) -> ScanBuilder<M> {
        self.index = Some(name.to_string());
        self.retyped()
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
        self.resume = None;
        self
    }

    /// Returns at most `n` items in all, reading as many pages as it takes
    /// (a filter can make pages sparse or empty); the page size stays
    /// [`limit`](Self::limit). Applies to [`fetch`](Self::fetch),
    /// [`all`](Self::all), [`pages`](Self::pages) (the page that reaches
    /// `n` is cut there and is the last) and [`send`](Self::send).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let two: Vec<Order> = orders.scan().limit(1).max_items(2).all().try_collect().await?;
    /// assert_eq!(two.len(), 2);
    /// # Ok(()) }
    /// ```
    pub fn max_items(mut self, n: usize) -> Self {
        self.max_items = Some(n);
        self
    }

    /// Resumes right after the last item returned by the
    /// [`fetch`](Self::fetch) that made `cursor`, even inside a page. The
    /// cursor is bound to the read: sent with another table, index,
    /// filter, projection or segment, the read fails with
    /// [`Error::Cursor`](crate::Error::Cursor).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let first = orders.scan().max_items(2).fetch().await?;
    /// let rest = orders.scan().after(&first.cursor.unwrap()).fetch().await?;
    /// assert_eq!(first.items.len() + rest.items.len(), 3);
    /// # Ok(()) }
    /// ```
    pub fn after(mut self, cursor: &Cursor) -> Self {
        self.resume = Some(cursor.clone());
        self.start = None;
        self
    }

    /// Reads the projection `P` instead of the model: the
    /// ProjectionExpression is built from `P`'s fields, and items decode
    /// into `P` only. A scan of an index (named at run time) that does not
    /// project every field of `P` is refused before sending.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order, OrderCard};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let cards: Vec<OrderCard> = orders.scan().project_into::<OrderCard>().all().try_collect().await?;
    /// assert_eq!(cards.len(), 3);
    /// # Ok(()) }
    /// ```
    pub fn project_into<P>(self) -> Projected<Self, P>
    where
        P: Projection<Model = M> + ReadableFrom<I>,
        M: crate::Model,
    {
        Projected::new(self)
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

    /// The filter sent: the caller's, plus the ODM's own (entity, unique markers).
    fn filter_sent(&self) -> Conditions {
        let mut filter = Conditions(self.filter.0.clone());
        if self.entity_only {
            filter.0.extend(super::entity_filter(&self.handle.schema));
        }
        if self.handle.schema.has_unique() {
            filter.push(crate::expr::Cond::NotExists(Path::attr(crate::unique::MARKER_ATTRIBUTE)));
        }
        filter
    }

    /// The attributes to project (names as stored): the caller's plus the
    /// key attributes, which a cursor needs to resume after any item.
    fn projection_sent(&self) -> Option<Vec<String>> {
        let mut attrs = self.projection.clone()?;
        for k in page::start_key_names(&self.handle.schema, self.index.as_deref()) {
            if !attrs.contains(&k) {
                attrs.push(k);
            }
        }
        Some(attrs)
    }

    /// What a cursor is bound to: table, index, filter, projection and
    /// segment (not the page size, cap or consistency).
    fn fingerprint(&self) -> Result<u64> {
        let mut p = Placeholders::default();
        let filter = self.filter_sent().render(&mut p)?.unwrap_or_default();
        let mut h = Fingerprint::default();
        h.text("scan").text(self.handle.table_name()).text(self.index.as_deref().unwrap_or(""));
        h.text(&filter);
        let mut names: Vec<(String, String)> = p.names().unwrap_or_default().into_iter().collect();
        names.sort();
        for (k, v) in &names {
            h.text(k).text(v);
        }
        h.item(&p.values().unwrap_or_default());
        for a in self.projection_sent().unwrap_or_default() {
            h.text(&a);
        }
        let (seg, total) = self.segment.unwrap_or((0, 0));
        h.text(&format!("segment {seg}/{total}"));
        Ok(h.finish())
    }

    /// The exclusive start key: `start_at`'s, or the cursor's once it is
    /// checked against this read.
    fn start_sent(&self) -> Result<Option<Item>> {
        super::cursor::start_key(&self.start, &self.resume, || self.fingerprint())
    }

    fn request(&self, select_count: bool) -> Result<ScanFluentBuilder> {
        if let Some(index) = &self.index
            && self.handle.schema.index(index).is_none()
        {
            return Err(Error::validation(index.clone(), "the model has no such index"));
        }
        let mut p = Placeholders::default();
        let start = self.start_sent()?;
        let filter = self.filter_sent().render(&mut p)?;
        let mut req = self
            .handle
            .odm
            .client()
            .scan()
            .table_name(self.handle.table_name())
            .set_index_name(self.index.clone())
            .set_filter_expression(filter)
            .set_limit(self.limit.map(|l| l.min(i32::MAX as u32) as i32))
            .set_exclusive_start_key(start)
            .consistent_read(self.consistent)
            .set_return_consumed_capacity(crate::capacity::wanted(&self.handle.odm))
            .set_segment(self.segment.map(|s| s.0 as i32))
            .set_total_segments(self.segment.map(|s| s.1 as i32));
        if select_count {
            req = req.select(Select::Count);
        } else if let Some(attrs) = &self.projection_sent() {
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

    fn first_segment(&self) -> ScanBuilder<M, I> {
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
        let handle = self.handle.clone();
        page::decode_page(page::send(self).await?, |i| handle.from_stored(i))
    }

    /// Reads pages until it has [`max_items`](Self::max_items) items (or
    /// to the end without a cap), and returns them with a [`Cursor`] that
    /// resumes right after the last one (`None` when nothing is left). A
    /// parallel scan has no single cursor: fetch each
    /// [`segment`](Self::segment) instead.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let open = orders.scan().filter(f.status.eq("open")).limit(1).max_items(1).fetch().await?;
    /// assert_eq!(open.items.len(), 1);
    /// assert!(open.cursor.is_some());
    /// assert!(orders.scan().parallel(2).fetch().await.is_err());
    /// # Ok(()) }
    /// ```
    pub async fn fetch(&self) -> Result<Fetched<M>> {
        let handle = self.handle.clone();
        page::decode_fetched(page::fetch(self).await?, |i| handle.from_stored(i))
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

    /// Where the read starts (none when the cursor belongs to another read).
    pub(crate) fn start_key(&self) -> Option<Item> {
        self.start_sent().ok().flatten()
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

    fn segments(&self) -> Vec<ScanBuilder<M, I>> {
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
    pub fn pages(&self) -> impl Stream<Item = Result<Page<M>>> + Send + 'static + use<M, I> {
        let handle = self.handle.clone();
        page::pages(self)
            .and_then(move |p| std::future::ready(page::decode_page(p, |i| handle.from_stored(i))))
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
    pub fn all(&self) -> impl Stream<Item = Result<M>> + Send + 'static + use<M, I> {
        self.pages().map_ok(|p| stream::iter(p.items.into_iter().map(Ok))).try_flatten()
    }
}

impl<M: Record, const I: u64> page::sealed::Read for ScanBuilder<M, I> {
    fn schema(&self) -> &std::sync::Arc<crate::Schema> {
        &self.handle.schema
    }
    fn index_name(&self) -> Option<&str> {
        self.index.as_deref()
    }
    fn cap(&self) -> Option<usize> {
        self.max_items
    }
    fn set_cap(&mut self, n: usize) {
        self.max_items = Some(n);
    }
    fn set_limit(&mut self, n: u32) {
        self.limit = Some(n);
    }
    fn set_after(&mut self, cursor: Cursor) {
        self.resume = Some(cursor);
        self.start = None;
    }
    fn set_projection(&mut self, attributes: Vec<String>) {
        self.projection = Some(attributes);
    }
    fn fingerprint(&self) -> Result<u64> {
        ScanBuilder::fingerprint(self)
    }
    fn is_parallel(&self) -> bool {
        self.parallel.is_some()
    }
    fn raw_page(&self, start: Option<Item>) -> crate::model::BoxFuture<'static, Result<Page<Item>>> {
        let s = match start {
            Some(k) => self.clone().with_start(Some(k)),
            None => self.clone(),
        };
        Box::pin(async move { s.send_items().await })
    }
    /// Every page of every segment (concurrently for a parallel scan).
    fn raw_pages(&self) -> futures::stream::BoxStream<'static, Result<Page<Item>>> {
        let streams = self.segments().into_iter().map(|s| {
            paginate(s, None, |s: ScanBuilder<M, I>, start: Option<Item>| {
                let s = if start.is_some() { s.with_start(start) } else { s };
                async move { s.send_items().await }
            })
            .boxed()
        });
        stream::select_all(streams).boxed()
    }
    fn dry_run(&self) -> Result<Request> {
        ScanBuilder::dry_run(self)
    }
}
