//! Honest pagination for queries and scans: the page size (DynamoDB's
//! `Limit`, how many items one request reads) is separate from the cap on
//! returned items (`max_items`, how many matching items the caller gets),
//! which keeps reading pages until it has that many, however sparse a
//! filter makes them. [`fetch`](crate::ops::query::QueryBuilder::fetch)
//! returns the items with a [`Cursor`] that resumes right after the last
//! item returned, even when the cap stopped inside a page.
//!
//! Also here: [`Projected`], a query or scan read into a typed
//! [`Projection`](crate::projection::Projection).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::{Model, Odm, Request};
//! # use futures::TryStreamExt;
//! # use ddb_odm::testing::doc::{order, Order};
//! # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
//! # let f = Order::fields();
//! // one item per request, stop after 2 matching items
//! let q = orders.query(Order::query_by_customer("c1")).limit(1).max_items(2);
//! let first = q.fetch().await?;
//! assert_eq!(first.items.iter().map(|o| o.id).collect::<Vec<_>>(), [1, 2]);
//! let rest = q.after(&first.cursor.unwrap()).fetch().await?;
//! assert_eq!(rest.items.iter().map(|o| o.id).collect::<Vec<_>>(), [3]);
//! assert!(rest.cursor.is_none()); // nothing left
//! # Ok(()) }
//! ```

use super::Request;
use super::cursor::Cursor;
use super::query::Page;
use crate::error::{Error, Result};
use crate::item::Item;
use crate::model::BoxFuture;
use crate::projection::{self, Projection};
use crate::schema::Schema;
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use std::sync::Arc;

/// What [`fetch`](crate::ops::query::QueryBuilder::fetch) returns: up to
/// `max_items` items, read over as many requests as it took, and where to
/// resume.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let shipped: ddb_odm::Fetched<Order> =
///     orders.scan().filter(f.status.eq("shipped")).limit(1).max_items(1).fetch().await?;
/// assert_eq!(shipped.items[0].id, 3);
/// assert!(shipped.requests >= 1 && shipped.scanned_count >= 1);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Fetched<T> {
    /// The items (at most `max_items`).
    pub items: Vec<T>,
    /// Where the read resumes (`None`: nothing is left).
    pub cursor: Option<Cursor>,
    /// Items read before the filter, over all requests.
    pub scanned_count: usize,
    /// Requests sent.
    pub requests: usize,
}

/// The operations [`Projected`] and the pagination helpers need from a
/// query or scan builder.
pub(crate) mod sealed {
    use super::*;

    /// A query or a scan.
    pub trait Read: Clone + Send + Sync + 'static {
        /// The model's schema.
        fn schema(&self) -> &Arc<Schema>;
        /// The index read, if any.
        fn index_name(&self) -> Option<&str>;
        /// The cap on returned items.
        fn cap(&self) -> Option<usize>;
        /// Sets the cap on returned items.
        fn set_cap(&mut self, n: usize);
        /// Sets the page size.
        fn set_limit(&mut self, n: u32);
        /// Resumes after `cursor`.
        fn set_after(&mut self, cursor: Cursor);
        /// Reads only these attributes (names as stored).
        fn set_projection(&mut self, attributes: Vec<String>);
        /// The fingerprint of the read (what a cursor is bound to).
        fn fingerprint(&self) -> Result<u64>;
        /// Whether the read is a parallel scan (no single cursor).
        fn is_parallel(&self) -> bool;
        /// One request from the read's own start (`start_at`, a cursor),
        /// or from `start`.
        fn raw_page(&self, start: Option<Item>) -> BoxFuture<'static, Result<Page<Item>>>;
        /// Every page (every segment of a parallel scan), uncapped.
        fn raw_pages(&self) -> BoxStream<'static, Result<Page<Item>>>;
        /// The request that would be sent first.
        fn dry_run(&self) -> Result<Request>;
    }
}

use sealed::Read;

/// A query or a scan builder (sealed): what [`Projected`] reads through.
///
/// ```
/// # use ddb_odm::testing::doc::Order;
/// fn takes_a_read<B: ddb_odm::ops::page::ReadBuilder>(_: &B) {}
/// # let orders = ddb_odm::testing::doc::offline();
/// takes_a_read(&orders.scan());
/// ```
pub trait ReadBuilder: sealed::Read {}

impl<B: sealed::Read> ReadBuilder for B {}

/// Stored names of the attributes that make up a start key: the table's
/// keys and, for an index read, the index's.
pub(crate) fn start_key_names(schema: &Schema, index: Option<&str>) -> Vec<String> {
    schema.key_names(index)
}

/// The start key of `item`: where a read resumes after it.
fn key_of(item: &Item, names: &[String]) -> Result<Item> {
    names
        .iter()
        .map(|n| {
            item.get(n).map(|v| (n.clone(), v.clone())).ok_or_else(|| {
                Error::validation(
                    n.clone(),
                    "key attribute missing from a returned item; cannot resume after it",
                )
            })
        })
        .collect()
}

fn check_cap(cap: Option<usize>) -> Result<()> {
    match cap {
        Some(0) => Err(Error::validation("max_items", "must be at least 1")),
        _ => Ok(()),
    }
}

/// Keeps the first `keep` items of a page; when that cuts the page, its
/// `last_key` becomes the key of the last item kept.
fn truncate(mut page: Page<Item>, keep: usize, keys: &[String]) -> Result<Page<Item>> {
    if keep >= page.items.len() {
        return Ok(page);
    }
    page.items.truncate(keep);
    page.last_key = match page.items.last() {
        Some(last) => Some(key_of(last, keys)?),
        None => page.last_key,
    };
    page.count = keep;
    Ok(page)
}

/// One page, cut to the cap.
pub(crate) async fn send<R: Read>(r: &R) -> Result<Page<Item>> {
    check_cap(r.cap())?;
    if r.is_parallel() {
        return Err(Error::Request("a parallel scan is read with pages(), all() or count()".into()));
    }
    let page = r.raw_page(None).await?;
    match r.cap() {
        Some(cap) => truncate(page, cap, &start_key_names(r.schema(), r.index_name())),
        None => Ok(page),
    }
}

/// Every page until the cap: the page that reaches it is cut there (its
/// `last_key` then points right after its last item) and is the last.
pub(crate) fn pages<R: Read>(r: &R) -> impl Stream<Item = Result<Page<Item>>> + Send + 'static + use<R> {
    let cap = r.cap();
    let keys = start_key_names(r.schema(), r.index_name());
    let first: BoxStream<'static, Result<Page<Item>>> = match check_cap(cap) {
        Ok(()) => r.raw_pages(),
        Err(e) => stream::once(async move { Err(e) }).boxed(),
    };
    let Some(cap) = cap else { return first };
    // State: the pages, and how many items are still wanted. Once none
    // are, the stream ends without asking for another page; it also ends
    // after an error.
    stream::unfold((first, cap), move |(mut pages, left)| {
        let keys = keys.clone();
        async move {
            if left == 0 {
                return None;
            }
            match pages.next().await? {
                Ok(page) => match truncate(page, left, &keys) {
                    Ok(p) => {
                        let left = left - p.items.len();
                        Some((Ok(p), (pages, left)))
                    }
                    Err(e) => Some((Err(e), (pages, 0))),
                },
                Err(e) => Some((Err(e), (pages, 0))),
            }
        }
    })
    .boxed()
}

/// Pages until `max_items` items (or the end), with the cursor right after
/// the last item returned.
pub(crate) async fn fetch<R: Read>(r: &R) -> Result<Fetched<Item>> {
    let cap = r.cap();
    check_cap(cap)?;
    if r.is_parallel() {
        return Err(Error::Request(
            "a parallel scan has no single cursor; fetch each segment (segment(i, n)) or use all()".into(),
        ));
    }
    let fingerprint = r.fingerprint()?;
    let keys = start_key_names(r.schema(), r.index_name());
    let mut out = Fetched { items: Vec::new(), cursor: None, scanned_count: 0, requests: 0 };
    let mut start = None;
    loop {
        let page = r.raw_page(start.take()).await?;
        out.requests += 1;
        out.scanned_count += page.scanned_count;
        let n = page.items.len();
        for (i, item) in page.items.into_iter().enumerate() {
            out.items.push(item);
            if Some(out.items.len()) == cap {
                let resume = if i + 1 < n {
                    Some(key_of(out.items.last().expect("pushed"), &keys)?)
                } else {
                    page.last_key
                };
                out.cursor = resume.map(|k| Cursor::new(fingerprint, k));
                return Ok(out);
            }
        }
        match page.last_key {
            Some(k) => start = Some(k),
            None => return Ok(out),
        }
    }
}

/// Decodes a page's items.
pub(crate) fn decode_page<T>(page: Page<Item>, decode: impl Fn(Item) -> Result<T>) -> Result<Page<T>> {
    let items = page.items.into_iter().map(decode).collect::<Result<Vec<T>>>()?;
    Ok(Page {
        items,
        last_key: page.last_key,
        count: page.count,
        scanned_count: page.scanned_count,
        capacity: page.capacity,
    })
}

/// Decodes fetched items.
pub(crate) fn decode_fetched<T>(f: Fetched<Item>, decode: impl Fn(Item) -> Result<T>) -> Result<Fetched<T>> {
    let items = f.items.into_iter().map(decode).collect::<Result<Vec<T>>>()?;
    Ok(Fetched { items, cursor: f.cursor, scanned_count: f.scanned_count, requests: f.requests })
}

/// A query or scan whose items are read into the projection `P`: its
/// ProjectionExpression is `P`'s fields (plus the key attributes), and
/// each item decodes into `P`, never into the model. Made by
/// `project_into::<P>()` on a query or a scan.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order, OrderCard};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let q = orders.scan().filter(f.total.gt(20.0)).project_into::<OrderCard>();
/// let Request::Scan(r) = q.dry_run()? else { panic!() };
/// let names = r.expression_attribute_names().unwrap();
/// let projected: Vec<&str> = r.projection_expression().unwrap().split(", ").map(|p| names[p].as_str()).collect();
/// assert_eq!(projected, ["id", "total", "customer"]); // the fields, then the keys
/// let mut cards: Vec<OrderCard> = q.all().try_collect().await?;
/// cards.sort_by_key(|c| c.id);
/// assert_eq!(cards.iter().map(|c| c.id).collect::<Vec<_>>(), [2, 3]);
/// # Ok(()) }
/// ```
pub struct Projected<B, P> {
    read: B,
    /// Why the read's index cannot serve `P` (checked at run time when the
    /// index is only known then), reported when the read is sent.
    refused: Option<(String, String)>,
    _projection: std::marker::PhantomData<fn() -> P>,
}

impl<B: Clone, P> Clone for Projected<B, P> {
    fn clone(&self) -> Self {
        Projected { read: self.read.clone(), refused: self.refused.clone(), _projection: self._projection }
    }
}

impl<B: ReadBuilder, P: Projection> Projected<B, P> {
    pub(crate) fn new(mut read: B) -> Self {
        let schema = read.schema().clone();
        let refused = match projection::check_index::<P>(&schema, read.index_name()) {
            Ok(()) => None,
            Err(Error::Validation { field, reason }) => Some((field, reason)),
            Err(e) => Some((String::new(), e.to_string())),
        };
        read.set_projection(projection::stored_attributes::<P>(&schema));
        Projected { read, refused, _projection: std::marker::PhantomData }
    }

    fn check(&self) -> Result<()> {
        match &self.refused {
            Some((field, reason)) => Err(Error::validation(field.clone(), reason.clone())),
            None => Ok(()),
        }
    }

    fn decoder(&self) -> impl Fn(Item) -> Result<P> + Send + Sync + 'static + use<B, P> {
        let schema = self.read.schema().clone();
        move |item| projection::decode::<P>(&schema, item)
    }

    /// Caps the items returned (see the builders' `max_items`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order, OrderCard};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let two = orders.query(Order::query_by_customer("c1")).project_into::<OrderCard>().max_items(2).fetch().await?;
    /// assert_eq!(two.items.len(), 2);
    /// # Ok(()) }
    /// ```
    pub fn max_items(mut self, n: usize) -> Self {
        self.read.set_cap(n);
        self
    }

    /// Reads at most `n` items per request (DynamoDB's `Limit`).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order, OrderCard};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// let Request::Scan(r) = orders.scan().project_into::<OrderCard>().limit(5).dry_run()? else { panic!() };
    /// assert_eq!(r.limit(), Some(5));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn limit(mut self, n: u32) -> Self {
        self.read.set_limit(n);
        self
    }

    /// Resumes right after the last item a [`fetch`](Self::fetch) of the
    /// same read returned.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order, OrderCard};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let q = orders.query(Order::query_by_customer("c1")).project_into::<OrderCard>().max_items(1);
    /// let first = q.fetch().await?;
    /// let next = q.after(&first.cursor.unwrap()).fetch().await?;
    /// assert_eq!(next.items[0].id, 2);
    /// # Ok(()) }
    /// ```
    pub fn after(mut self, cursor: &Cursor) -> Self {
        self.read.set_after(cursor.clone());
        self
    }

    /// The request that would be sent first.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order, OrderCard};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// let Request::Query(r) = orders.query(Order::query_by_customer("c1")).project_into::<OrderCard>().dry_run()? else { panic!() };
    /// assert!(r.projection_expression().is_some());
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn dry_run(&self) -> Result<Request> {
        self.check()?;
        self.read.dry_run()
    }

    /// One request: one page of projections (cut to `max_items`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order, OrderCard};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let page = orders.query(Order::query_by_customer("c1")).project_into::<OrderCard>().send().await?;
    /// assert_eq!(page.items.len(), 3);
    /// # Ok(()) }
    /// ```
    pub async fn send(&self) -> Result<Page<P>> {
        self.check()?;
        decode_page(send(&self.read).await?, self.decoder())
    }

    /// Pages until `max_items` projections (or the end), with the cursor
    /// right after the last one returned.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order, OrderCard};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let got = orders.query(Order::query_by_customer("c1")).project_into::<OrderCard>().limit(1).max_items(2).fetch().await?;
    /// assert_eq!((got.items.len(), got.requests), (2, 2));
    /// assert!(got.cursor.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn fetch(&self) -> Result<Fetched<P>> {
        self.check()?;
        decode_fetched(fetch(&self.read).await?, self.decoder())
    }

    /// Every page until `max_items` projections, as a `Stream`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order, OrderCard};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let pages: Vec<ddb_odm::Page<OrderCard>> = orders.scan().project_into::<OrderCard>().limit(2).pages().try_collect().await?;
    /// assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), 3);
    /// # Ok(()) }
    /// ```
    pub fn pages(&self) -> impl Stream<Item = Result<Page<P>>> + Send + 'static + use<B, P> {
        let checked = self.check();
        let decode = self.decoder();
        let read = self.read.clone();
        stream::once(async move { checked.map(|()| pages(&read)) })
            .try_flatten()
            .and_then(move |page| std::future::ready(decode_page(page, &decode)))
    }

    /// Every projection until `max_items`, as a `Stream`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order, OrderCard};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let cards: Vec<OrderCard> = orders.query(Order::query_by_customer("c1")).project_into::<OrderCard>().all().try_collect().await?;
    /// assert_eq!(cards.iter().map(|c| c.total).sum::<f64>(), 75.0);
    /// # Ok(()) }
    /// ```
    pub fn all(&self) -> impl Stream<Item = Result<P>> + Send + 'static + use<B, P> {
        self.pages().map_ok(|p| stream::iter(p.items.into_iter().map(Ok))).try_flatten()
    }
}
