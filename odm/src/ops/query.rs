//! Query: typed key conditions ([`KeyQuery`], generated per index by the
//! derive) and the [`QueryBuilder`] (filter, limit, start_at, projection,
//! count, consistency, direction, and [`all`](QueryBuilder::all) as a `Stream`).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::{Model, Odm, Request};
//! # use futures::TryStreamExt;
//! # use ddb_odm::testing::doc::{order, Order};
//! # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
//! # let f = Order::fields();
//! let open: Vec<Order> = orders.query(Order::query_by_status("open")).filter(f.total.gt(20.0)).all().try_collect().await?;
//! assert_eq!(open.len(), 1);
//! # Ok(()) }
//! ```

use super::cursor::{Cursor, Fingerprint};
use super::page::{self, Fetched, Projected};
use super::{Conditions, Request};
use crate::error::{Result, sdk};
use crate::expr::{Cond, Condition, Field, Path, Placeholders};
use crate::handle::ModelHandle;
use crate::item::Item;
use crate::model::Record;
use crate::projection::{Projection, ReadableFrom};
use crate::types::IntoValue;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::Select;
use futures::stream::{self, Stream, TryStreamExt};
use tracing::Instrument;

/// The access pattern has no sort key.
///
/// ```
/// # use ddb_odm::{Model, Odm, Request};
/// # use ddb_odm::testing::doc::{order, Order};
/// # let orders = ddb_odm::testing::doc::offline();
/// # let f = Order::fields();
/// // `by_status` has no sort key, so `sort_*` methods do not exist on this query:
/// let q: ddb_odm::KeyQuery<Order, ddb_odm::NoSortKey, _> = Order::query_by_status("open");
/// assert!(orders.query(q).dry_run().is_ok());
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSortKey;

/// The access pattern has a sort key of type `R`.
///
/// ```
/// # use ddb_odm::{Model, Odm, Request};
/// # use ddb_odm::testing::doc::{order, Order};
/// # let orders = ddb_odm::testing::doc::offline();
/// # let f = Order::fields();
/// // the table's sort key `id` is a `u64`: its conditions take `u64`s
/// let q: ddb_odm::KeyQuery<Order, ddb_odm::SortKey<Order, u64>, 0> = Order::query_by_customer("c1").sort_lt(10);
/// assert!(orders.query(q).dry_run().is_ok());
/// ```
pub struct SortKey<M, R>(Field<M, R>);

/// A key condition on the table or one index: hash key equality, plus a
/// typed sort key condition when the index has a sort key. The derive
/// generates `Model::query_by_<attribute>(value)` (index chosen
/// automatically from the attribute) and `Model::query_index_<index>(value)`
/// (explicit) for every indexed access pattern only.
///
/// `I` names the index at the type level (a hash of its name; `0` is the
/// table, and also what [`new`](Self::new) and [`with_sort`](Self::with_sort)
/// give, whose index is only known at run time): the generated functions set
/// it, so that [`project_into`](QueryBuilder::project_into) can check at
/// compile time that the index projects every field of a typed projection.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let on_table = Order::query_by_customer("c1").sort_between(2, 3); // table: hash + sort key
/// let on_index = Order::query_by_status("open"); // index `by_status`, chosen from the attribute
/// assert_eq!(orders.query(on_table).count().await?, 2);
/// assert_eq!(orders.query(on_index).count().await?, 2);
/// assert_eq!(orders.query(Order::query_index_by_status("shipped")).count().await?, 1);
/// # Ok(()) }
/// ```
pub struct KeyQuery<M, S, const I: u64 = 0> {
    index: Option<String>,
    hash: Cond,
    sort: S,
    sort_cond: Option<Cond>,
    _model: std::marker::PhantomData<fn() -> M>,
}

impl<M> KeyQuery<M, NoSortKey> {
    /// `hash = value` on the table (`index: None`) or an index.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// use ddb_odm::KeyQuery;
    /// let q = KeyQuery::new(Some("by_status"), &f.status, "open"); // what `Order::query_by_status("open")` builds
    /// let Request::Query(r) = orders.query(q).dry_run()? else { panic!() };
    /// assert_eq!(r.index_name(), Some("by_status"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
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

impl<M, S, const I: u64> KeyQuery<M, S, I> {
    /// The same key condition with the index named at the type level (used
    /// by the derive's generated query functions).
    #[doc(hidden)]
    pub fn __typed_index<const J: u64>(self) -> KeyQuery<M, S, J> {
        KeyQuery {
            index: self.index,
            hash: self.hash,
            sort: self.sort,
            sort_cond: self.sort_cond,
            _model: std::marker::PhantomData,
        }
    }
}

impl<M, R> KeyQuery<M, SortKey<M, R>> {
    /// `hash = value` on the table or an index whose sort key is `sort`.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// use ddb_odm::KeyQuery;
    /// let q = KeyQuery::with_sort(None, &f.customer, "c1", f.id.clone()).sort_gt(5);
    /// let Request::Query(r) = orders.query(q).dry_run()? else { panic!() };
    /// assert_eq!(r.index_name(), None);
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
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
}

impl<M, R, const I: u64> KeyQuery<M, SortKey<M, R>, I> {
    fn sorted(mut self, c: Condition<M>) -> Self {
        self.sort_cond = Some(c.cond);
        self
    }

    /// Sort key `= v`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert_eq!(orders.query(Order::query_by_customer("c1").sort_eq(2)).count().await?, 1);
    /// # Ok(()) }
    /// ```
    pub fn sort_eq(self, v: impl IntoValue<R>) -> Self {
        let c = self.sort.0.eq(v);
        self.sorted(c)
    }
    /// Sort key `< v`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert_eq!(orders.query(Order::query_by_customer("c1").sort_lt(2)).count().await?, 1);
    /// # Ok(()) }
    /// ```
    pub fn sort_lt(self, v: impl IntoValue<R>) -> Self {
        let c = self.sort.0.lt(v);
        self.sorted(c)
    }
    /// Sort key `<= v`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert_eq!(orders.query(Order::query_by_customer("c1").sort_le(2)).count().await?, 2);
    /// # Ok(()) }
    /// ```
    pub fn sort_le(self, v: impl IntoValue<R>) -> Self {
        let c = self.sort.0.le(v);
        self.sorted(c)
    }
    /// Sort key `> v`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert_eq!(orders.query(Order::query_by_customer("c1").sort_gt(2)).count().await?, 1);
    /// # Ok(()) }
    /// ```
    pub fn sort_gt(self, v: impl IntoValue<R>) -> Self {
        let c = self.sort.0.gt(v);
        self.sorted(c)
    }
    /// Sort key `>= v`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert_eq!(orders.query(Order::query_by_customer("c1").sort_ge(2)).count().await?, 2);
    /// # Ok(()) }
    /// ```
    pub fn sort_ge(self, v: impl IntoValue<R>) -> Self {
        let c = self.sort.0.ge(v);
        self.sorted(c)
    }
    /// Sort key `BETWEEN lo AND hi`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert_eq!(orders.query(Order::query_by_customer("c1").sort_between(1, 2)).count().await?, 2);
    /// # Ok(()) }
    /// ```
    pub fn sort_between(self, lo: impl IntoValue<R>, hi: impl IntoValue<R>) -> Self {
        let c = self.sort.0.between(lo, hi);
        self.sorted(c)
    }
}

impl<M, const I: u64> KeyQuery<M, SortKey<M, String>, I> {
    /// `begins_with(sort key, prefix)`.
    ///
    /// ```
    /// use ddb_odm::{Model, Odm, Request};
    ///
    /// #[derive(Model, Debug, Clone)]
    /// struct Event { #[key] stream: String, #[range_key] at: String }
    ///
    /// # let events = Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9")).handle::<Event>().unwrap();
    /// let q = events.query(Event::query_by_stream("s1").sort_begins_with("2024-05"));
    /// let Request::Query(r) = q.dry_run()? else { panic!() };
    /// assert!(r.key_condition_expression().unwrap().contains("begins_with"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn sort_begins_with(self, prefix: impl IntoValue<String>) -> Self {
        let c = self.sort.0.begins_with(prefix);
        self.sorted(c)
    }
}

/// One page of results.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let page: ddb_odm::Page<Order> = orders.query(Order::query_by_customer("c1")).filter(f.total.gt(20.0)).send().await?;
/// assert_eq!((page.count, page.scanned_count), (2, 3)); // 3 read, 2 kept by the filter
/// assert!(page.last_key.is_none()); // last page
/// # Ok(()) }
/// ```
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
    /// The capacity the page's request consumed (zero unless requested:
    /// [`OdmOptions::consumed_capacity`](crate::OdmOptions)).
    pub capacity: crate::capacity::Capacity,
}

/// A query. Await [`send`](Self::send) for one page, or use
/// [`all`](Self::all) / [`pages`](Self::pages) as a `Stream`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let q = orders.query(Order::query_by_customer("c1")).filter(f.total.lt(30.0)).descending().limit(2);
/// let first = q.send().await?; // one page: reads ids 3 and 2, keeps 2
/// assert_eq!(first.items[0].id, 2);
/// let next = q.clone().start_at(first.last_key.unwrap()).send().await?;
/// assert_eq!(next.items[0].id, 1);
/// let all: Vec<Order> = q.all().try_collect().await?; // follows every page
/// assert_eq!(all.len(), 2);
/// # Ok(()) }
/// ```
pub struct QueryBuilder<M, const I: u64 = 0> {
    handle: ModelHandle<M>,
    index: Option<String>,
    key: Vec<Cond>,
    filter: Conditions,
    limit: Option<u32>,
    start: Option<Item>,
    projection: Option<Vec<String>>,
    consistent: bool,
    /// Whether only the model's entity is read (off for `entities()`).
    entity_only: bool,
    forward: bool,
    /// The cap on returned items (`max_items`), across pages.
    max_items: Option<usize>,
    /// Where a resumed read starts (`after`), checked against this read.
    resume: Option<Cursor>,
}

impl<M, const I: u64> Clone for QueryBuilder<M, I> {
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
            entity_only: self.entity_only,
            forward: self.forward,
            max_items: self.max_items,
            resume: self.resume.clone(),
        }
    }
}

impl<M: Record, const I: u64> QueryBuilder<M, I> {
    pub(crate) fn new<S>(handle: ModelHandle<M>, key: KeyQuery<M, S, I>) -> Self {
        let schema = handle.schema.clone();
        let set = |p: &Path, v: crate::expr::Operand| schema.transform_key_value(p, v);
        let conds: Vec<Cond> = std::iter::once(key.hash)
            .chain(key.sort_cond)
            .map(|c| match c {
                Cond::Compare(p, op, v) => {
                    let v = set(&p, v);
                    Cond::Compare(p, op, v)
                }
                Cond::Between(p, lo, hi) => {
                    let (lo, hi) = (set(&p, lo), set(&p, hi));
                    Cond::Between(p, lo, hi)
                }
                Cond::BeginsWith(p, v) => {
                    let v = set(&p, v);
                    Cond::BeginsWith(p, v)
                }
                other => other,
            })
            .collect();
        QueryBuilder {
            handle,
            index: key.index,
            key: conds,
            filter: Conditions::default(),
            limit: None,
            start: None,
            projection: None,
            consistent: false,
            entity_only: true,
            forward: true,
            max_items: None,
            resume: None,
        }
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
    /// let q = orders.query(Order::query_by_customer("c1")).filter(f.status.eq("open")).filter(f.total.ge(20.0));
    /// assert_eq!(q.count().await?, 1);
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
    /// let page = orders.query(Order::query_by_customer("c1")).limit(2).send().await?;
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
    /// let q = orders.query(Order::query_by_customer("c1")).limit(2);
    /// let first = q.send().await?;
    /// let rest = q.start_at(first.last_key.unwrap()).send().await?;
    /// assert_eq!(rest.items.iter().map(|o| o.id).collect::<Vec<_>>(), [3]);
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
    /// // pages of one item; the filter drops order 1, so 3 requests are needed
    /// let q = orders.query(Order::query_by_customer("c1")).filter(f.total.gt(20.0)).limit(1).max_items(2);
    /// let got = q.fetch().await?;
    /// assert_eq!(got.items.iter().map(|o| o.id).collect::<Vec<_>>(), [2, 3]);
    /// assert_eq!(got.requests, 3);
    /// # Ok(()) }
    /// ```
    pub fn max_items(mut self, n: usize) -> Self {
        self.max_items = Some(n);
        self
    }

    /// Resumes right after the last item returned by the
    /// [`fetch`](Self::fetch) that made `cursor`, even inside a page. The
    /// cursor is bound to the read: sent with another table, index, key
    /// condition, filter, projection or direction, the read fails with
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
    /// let q = orders.query(Order::query_by_customer("c1")).max_items(1); // stops inside the first page
    /// let first = q.fetch().await?;
    /// let cursor = first.cursor.unwrap();
    /// let rest: Vec<Order> = q.clone().max_items(10).after(&cursor).all().try_collect().await?;
    /// assert_eq!(rest.iter().map(|o| o.id).collect::<Vec<_>>(), [2, 3]);
    /// assert!(orders.query(Order::query_by_customer("c1")).descending().after(&cursor).send().await.is_err());
    /// # Ok(()) }
    /// ```
    pub fn after(mut self, cursor: &Cursor) -> Self {
        self.resume = Some(cursor.clone());
        self.start = None;
        self
    }

    /// Reads the projection `P` instead of the model: the
    /// ProjectionExpression is built from `P`'s fields, and items decode
    /// into `P` only. Through a generated query function, an index that
    /// does not project every field of `P` does not compile.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order, OrderCard};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let page = orders.query(Order::query_by_status("shipped")).project_into::<OrderCard>().send().await?;
    /// let card: &OrderCard = &page.items[0];
    /// assert_eq!((card.id, card.total), (3, 40.0));
    /// # Ok(()) }
    /// ```
    pub fn project_into<P>(self) -> Projected<Self, P>
    where
        P: Projection<Model = M> + ReadableFrom<I>,
        M: crate::Model,
    {
        Projected::new(self)
    }

    /// Returns only these attributes (model names); see [`GetBuilder::project`](super::get::GetBuilder::project).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let q = orders.query(Order::query_by_customer("c1")).project(["id", "total"]);
    /// let Request::Query(r) = q.dry_run()? else { panic!() };
    /// assert!(r.projection_expression().is_some());
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn project<S: AsRef<str>>(mut self, attributes: impl IntoIterator<Item = S>) -> Self {
        let schema = &self.handle.schema;
        self.projection =
            Some(attributes.into_iter().map(|a| schema.stored_name(a.as_ref()).to_string()).collect());
        self
    }

    /// Strongly consistent read (tables and local indexes only).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let Request::Query(r) = orders.query(Order::query_by_customer("c1")).consistent().dry_run()? else { panic!() };
    /// assert_eq!(r.consistent_read(), Some(true));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    /// Sort key descending.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let page = orders.query(Order::query_by_customer("c1")).descending().send().await?;
    /// assert_eq!(page.items.iter().map(|o| o.id).collect::<Vec<_>>(), [3, 2, 1]);
    /// # Ok(()) }
    /// ```
    pub fn descending(mut self) -> Self {
        self.forward = false;
        self
    }

    /// Sort key ascending (the default).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let page = orders.query(Order::query_by_customer("c1")).descending().ascending().send().await?;
    /// assert_eq!(page.items.iter().map(|o| o.id).collect::<Vec<_>>(), [1, 2, 3]);
    /// # Ok(()) }
    /// ```
    pub fn ascending(mut self) -> Self {
        self.forward = true;
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
        for k in super::page::start_key_names(&self.handle.schema, self.index.as_deref()) {
            if !attrs.contains(&k) {
                attrs.push(k);
            }
        }
        Some(attrs)
    }

    /// What a cursor is bound to: table, index, key condition, filter,
    /// projection and direction (not the page size, cap or consistency).
    fn fingerprint(&self) -> Result<u64> {
        let mut p = Placeholders::default();
        let key_cond = Conditions(self.key.clone()).render(&mut p)?.unwrap_or_default();
        let filter = self.filter_sent().render(&mut p)?.unwrap_or_default();
        let mut h = Fingerprint::default();
        h.text("query").text(self.handle.table_name()).text(self.index.as_deref().unwrap_or(""));
        h.text(&key_cond).text(&filter);
        let mut names: Vec<(String, String)> = p.names().unwrap_or_default().into_iter().collect();
        names.sort();
        for (k, v) in &names {
            h.text(k).text(v);
        }
        h.item(&p.values().unwrap_or_default());
        for a in self.projection_sent().unwrap_or_default() {
            h.text(&a);
        }
        h.text(if self.forward { "forward" } else { "backward" });
        Ok(h.finish())
    }

    /// The exclusive start key: `start_at`'s, or the cursor's once it is
    /// checked against this read.
    fn start_sent(&self) -> Result<Option<Item>> {
        super::cursor::start_key(&self.start, &self.resume, || self.fingerprint())
    }

    fn request(&self, select_count: bool) -> Result<QueryFluentBuilder> {
        let mut p = Placeholders::default();
        // DynamoDB refuses an empty string or binary key value in a query too.
        for c in &self.key {
            if let Cond::Compare(path, crate::expr::Comparator::Eq, Ok(v)) = c {
                crate::limits::check_key_value(&path.to_string(), v)?;
            }
        }
        let start = self.start_sent()?;
        let key_cond = Conditions(self.key.clone()).render(&mut p)?.unwrap_or_default();
        let filter = self.filter_sent().render(&mut p)?;
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
            .set_exclusive_start_key(start)
            .consistent_read(self.consistent)
            .set_return_consumed_capacity(crate::capacity::wanted(&self.handle.odm))
            .scan_index_forward(self.forward);
        if select_count {
            req = req.select(Select::Count);
        } else if let Some(attrs) = &self.projection_sent() {
            let expr =
                attrs.iter().map(|a| Path::attr(a.clone()).render(&mut p)).collect::<Vec<_>>().join(", ");
            req = req.projection_expression(expr);
        }
        Ok(req.set_expression_attribute_names(p.names()).set_expression_attribute_values(p.values()))
    }

    /// The request that would be sent (first page).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let Request::Query(r) = orders.query(Order::query_by_status("open")).limit(10).dry_run()? else { panic!() };
    /// assert_eq!((r.index_name(), r.limit()), (Some("by_status"), Some(10)));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn dry_run(&self) -> Result<Request> {
        Ok(Request::Query(self.request(false)?.as_input().clone().build()?))
    }

    /// Sends one request: one page.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let page = orders.query(Order::query_by_status("shipped")).send().await?;
    /// assert_eq!(page.items[0].id, 3);
    /// # Ok(()) }
    /// ```
    pub async fn send(&self) -> Result<Page<M>> {
        let handle = self.handle.clone();
        page::decode_page(page::send(self).await?, |i| handle.from_stored(i))
    }

    /// Reads pages until it has [`max_items`](Self::max_items) items (or
    /// to the end without a cap), and returns them with a [`Cursor`] that
    /// resumes right after the last one (`None` when nothing is left).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let open = orders.query(Order::query_by_status("open")).max_items(5).fetch().await?;
    /// assert_eq!(open.items.len(), 2);
    /// assert!(open.cursor.is_none()); // fewer than 5: the end was reached
    /// # Ok(()) }
    /// ```
    pub async fn fetch(&self) -> Result<Fetched<M>> {
        let handle = self.handle.clone();
        page::decode_fetched(page::fetch(self).await?, |i| handle.from_stored(i))
    }

    /// One page of stored items (names as stored, not decoded).
    pub(crate) async fn send_items(&self) -> Result<Page<Item>> {
        let span = crate::capacity::span("Query", self.handle.table_name(), self.index.as_deref());
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

    /// Counts the matching items over all pages (`Select: COUNT`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert_eq!(orders.query(Order::query_by_customer("c1")).count().await?, 3);
    /// # Ok(()) }
    /// ```
    pub async fn count(&self) -> Result<usize> {
        let mut q = self.clone();
        let mut total = 0usize;
        loop {
            let span = crate::capacity::span("Query", q.handle.table_name(), q.index.as_deref());
            let out = q.request(true)?.send().instrument(span.clone()).await.map_err(sdk)?;
            let n = out.count.max(0) as usize;
            crate::capacity::observe(&span, n, out.consumed_capacity.as_slice(), true);
            total += n;
            match out.last_evaluated_key.filter(|k| !k.is_empty()) {
                Some(k) => q.start = Some(k),
                None => return Ok(total),
            }
        }
    }

    /// Every page, following `last_key`, as a `Stream`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let pages: Vec<ddb_odm::Page<Order>> = orders.query(Order::query_by_customer("c1")).limit(2).pages().try_collect().await?;
    /// assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), 3);
    /// # Ok(()) }
    /// ```
    pub fn pages(&self) -> impl Stream<Item = Result<Page<M>>> + Send + 'static + use<M, I> {
        let handle = self.handle.clone();
        page::pages(self)
            .and_then(move |p| std::future::ready(page::decode_page(p, |i| handle.from_stored(i))))
    }

    /// Every item of every page, as a `Stream`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let open: Vec<Order> = orders.query(Order::query_by_status("open")).all().try_collect().await?;
    /// assert_eq!(open.len(), 2);
    /// # Ok(()) }
    /// ```
    pub fn all(&self) -> impl Stream<Item = Result<M>> + Send + 'static + use<M, I> {
        self.pages().map_ok(|p| stream::iter(p.items.into_iter().map(Ok))).try_flatten()
    }
}

impl<M: Record, const I: u64> page::sealed::Read for QueryBuilder<M, I> {
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
        QueryBuilder::fingerprint(self)
    }
    fn is_parallel(&self) -> bool {
        false
    }
    fn raw_page(&self, start: Option<Item>) -> crate::model::BoxFuture<'static, Result<Page<Item>>> {
        let q = match start {
            Some(k) => self.clone().with_start(Some(k)),
            None => self.clone(),
        };
        Box::pin(async move { q.send_items().await })
    }
    fn raw_pages(&self) -> futures::stream::BoxStream<'static, Result<Page<Item>>> {
        use futures::StreamExt;
        paginate(self.clone(), None, |q: QueryBuilder<M, I>, start: Option<Item>| {
            let q = if start.is_some() { q.with_start(start) } else { q };
            async move { q.send_items().await }
        })
        .boxed()
    }
    fn dry_run(&self) -> Result<Request> {
        QueryBuilder::dry_run(self)
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
