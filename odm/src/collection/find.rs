//! `find`: filter, sort, skip, limit, projection, references, and the
//! cursor that streams the result and can be resumed exactly.

use super::error::{Error, Result};
use super::filter::Filter;
use super::order::Sort;
use super::path::Path;
use super::projection::Projection;
use super::source::{get_many, ReadStats, Source, Stored};
use super::{store, Collection};
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// Matching documents with their sort values (for resume tokens).
type Sorted = BoxStream<'static, Result<(Vec<Value>, Value)>>;

/// A find in the making; run it with [`Find::all`], [`Find::first`] or
/// [`Find::cursor`].
///
/// Sorting by `_id` (or not at all) streams pages in key order and stops
/// reading at the limit. Sorting by anything else reads every match first
/// (the service can only order by the sort key), then sorts: the order is
/// correct across all pages, at the cost of reading all matches (with a
/// limit, only the first `skip + limit` are held in memory).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::collection::Result<()> {
/// # let (_emu, client) = ddb_odm::testing::embedded().await;
/// use ddb_odm::collection::Collections;
/// use serde_json::json;
/// let db = Collections::new(client, "parse-server");
/// db.ensure_table().await?;
/// let users = db.collection("User");
/// for (id, age) in [("a", 30), ("b", 25), ("c", 41)] {
///     users.insert_one(json!({"_id": id, "age": age})).await?;
/// }
/// let docs = users.find(json!({"age": {"$gt": 26}})).sort("age", -1).projection(json!({"age": 1})).all().await?;
/// assert_eq!(docs, [json!({"_id": "c", "age": 41}), json!({"_id": "a", "age": 30})]);
/// # Ok(()) }
/// ```
#[must_use = "a Find does nothing until it is run"]
pub struct Find {
    coll: Collection,
    filter: Result<Filter>,
    sort: Sort,
    skip: u64,
    limit: Option<u64>,
    projection: Option<Result<Projection>>,
    consistent: Option<bool>,
    page_size: Option<i32>,
    populate: Vec<(Path, String)>,
    after: Option<String>,
}

impl Find {
    pub(crate) fn new(coll: Collection, filter: &Value) -> Find {
        Find {
            coll,
            filter: Filter::parse(filter),
            sort: Sort::default(),
            skip: 0,
            limit: None,
            projection: None,
            consistent: None,
            page_size: None,
            populate: Vec::new(),
            after: None,
        }
    }

    /// Adds a sort key (`1` ascending, `-1` descending); call again for more keys.
    pub fn sort(mut self, field: &str, direction: i32) -> Find {
        self.sort = self.sort.then(field, direction);
        self
    }

    /// Sets the whole sort order.
    pub fn sort_by(mut self, sort: Sort) -> Find {
        self.sort = sort;
        self
    }

    /// Skips the first `n` matches (they are read and dropped: see [`ReadStats::skipped`]).
    pub fn skip(mut self, n: u64) -> Find {
        self.skip = n;
        self
    }

    /// Returns at most `n` documents.
    pub fn limit(mut self, n: u64) -> Find {
        self.limit = Some(n);
        self
    }

    /// Keeps or drops fields of the returned documents.
    pub fn projection(mut self, projection: Value) -> Find {
        self.projection = Some(Projection::parse(&projection));
        self
    }

    /// Strongly consistent reads (default: the [`Options::consistent_reads`](super::Options)
    /// setting, eventually consistent unless changed).
    pub fn consistent(mut self, yes: bool) -> Find {
        self.consistent = Some(yes);
        self
    }

    /// Items the service examines per request (Query `Limit`); default: 1 MB pages.
    pub fn page_size(mut self, n: i32) -> Find {
        self.page_size = Some(n);
        self
    }

    /// Resolves a field holding an id, or an array of ids, of documents of
    /// `class` into those documents (a missing one becomes null).
    pub fn populate(mut self, field: &str, class: &str) -> Find {
        match Path::parse(field) {
            Ok(p) => self.populate.push((p, class.to_string())),
            Err(e) => self.filter = Err(e),
        }
        self
    }

    /// Continues a previous cursor exactly after the last document it
    /// returned (see [`Cursor::resume_token`]); use the same filter and sort.
    /// `skip` is not applied again.
    pub fn resume_after(mut self, token: &str) -> Find {
        self.after = Some(token.to_string());
        self
    }

    /// All results.
    pub async fn all(self) -> Result<Vec<Value>> {
        self.cursor().try_collect().await
    }

    /// All results and what reading them cost.
    pub async fn all_with_stats(self) -> Result<(Vec<Value>, ReadStats)> {
        let mut c = self.cursor();
        let mut docs = Vec::new();
        while let Some(d) = c.try_next().await? {
            docs.push(d);
        }
        Ok((docs, c.stats()))
    }

    /// All results as `T`.
    pub async fn all_as<T: DeserializeOwned>(self) -> Result<Vec<T>> {
        self.all().await?.into_iter().map(|d| serde_json::from_value(d).map_err(Error::from)).collect()
    }

    /// The first result.
    pub async fn first(self) -> Result<Option<Value>> {
        self.limit(1).cursor().try_next().await
    }

    /// The results as a stream, read page by page.
    pub fn cursor(self) -> Cursor {
        let stats = Arc::new(Mutex::new(ReadStats::default()));
        let last = Arc::new(Mutex::new(None));
        let inner = match self.prepare(stats.clone()) {
            Ok(s) => s,
            Err(e) => stream::once(async move { Err(e) }).boxed(),
        };
        let last2 = last.clone();
        let stats2 = stats.clone();
        let inner = inner
            .map_ok(move |(vals, doc)| {
                *last2.lock().unwrap() = Some(vals);
                stats2.lock().unwrap().returned += 1;
                doc
            })
            .boxed();
        Cursor { inner, stats, last }
    }

    fn prepare(self, stats: Arc<Mutex<ReadStats>>) -> Result<Sorted> {
        let filter = Arc::new(self.filter?);
        let projection = self.projection.transpose()?;
        let consistent = self.consistent.unwrap_or(self.coll.shared.opts.consistent_reads);
        let sort = self.sort;
        let after: Option<Vec<Value>> = match &self.after {
            None => None,
            Some(t) => Some(
                serde_json::from_str(t)
                    .map_err(|_| Error::InvalidFilter(format!("bad resume token `{t}`")))?,
            ),
        };
        if after.as_ref().is_some_and(|a| a.len() != sort.keys().len() + 1) {
            return Err(Error::InvalidFilter("the resume token was made with another sort".into()));
        }
        let by_id = sort.by_id_only();
        let src = Source {
            shared: self.coll.shared.clone(),
            class: self.coll.class.clone(),
            filter,
            forward: by_id.unwrap_or(true),
            consistent,
            page_size: self.page_size,
            after: match (&after, by_id) {
                (Some(a), Some(_)) => Some(a.last().and_then(Value::as_str).unwrap_or_default().to_string()),
                _ => None,
            },
            stats: stats.clone(),
        };
        let sort2 = sort.clone();
        let with_vals = move |s: Stored| (sort2.sort_values(&s.doc), s.doc);
        let matches: Sorted = if by_id.is_some() {
            src.stream().map_ok(with_vals).boxed()
        } else {
            // Any other order needs every match read. With a limit only the
            // first `skip + limit` are kept (a top-k: sorted and cut each
            // time the buffer doubles), so memory stays bounded.
            let sort = sort.clone();
            let skip = if self.after.is_some() { 0 } else { self.skip };
            let keep = self.limit.map(|l| (skip + l) as usize);
            stream::once(async move {
                let cmp = |a: &(Vec<Value>, Value), b: &(Vec<Value>, Value)| sort.compare_values(&a.0, &b.0);
                let mut all: Vec<(Vec<Value>, Value)> = Vec::new();
                let mut s = src.stream().map_ok(with_vals);
                while let Some(x) = s.try_next().await? {
                    if after
                        .as_ref()
                        .is_some_and(|a| sort.compare_values(&x.0, a) != std::cmp::Ordering::Greater)
                    {
                        continue;
                    }
                    all.push(x);
                    if let Some(k) = keep {
                        if all.len() >= 2 * k.max(512) {
                            all.sort_by(cmp);
                            all.truncate(k);
                        }
                    }
                }
                all.sort_by(cmp);
                if let Some(k) = keep {
                    all.truncate(k);
                }
                Ok::<_, Error>(stream::iter(all.into_iter().map(Ok)))
            })
            .try_flatten()
            .boxed()
        };
        let skip = if self.after.is_some() { 0 } else { self.skip };
        let stats2 = stats.clone();
        let mut skipped = 0u64;
        let s = matches.try_filter(move |_| {
            let keep = skipped >= skip;
            if !keep {
                skipped += 1;
                stats2.lock().unwrap().skipped += 1;
            }
            futures::future::ready(keep)
        });
        let s: Sorted = match self.limit {
            Some(n) => s.take(n as usize).boxed(),
            None => s.boxed(),
        };
        let s = s.map_ok(move |(v, doc)| (v, projection.as_ref().map_or(doc.clone(), |p| p.apply(doc))));
        if self.populate.is_empty() {
            return Ok(s.boxed());
        }
        let coll = self.coll.clone();
        let populate = Arc::new(self.populate);
        Ok(s.and_then(move |(v, doc)| {
            let (coll, populate, stats) = (coll.clone(), populate.clone(), stats.clone());
            async move { Ok((v, resolve(&coll, &populate, doc, consistent, &stats).await?)) }
        })
        .boxed())
    }
}

/// Replaces ids by the documents they name.
async fn resolve(
    coll: &Collection,
    fields: &[(Path, String)],
    mut doc: Value,
    consistent: bool,
    stats: &Mutex<ReadStats>,
) -> Result<Value> {
    for (path, class) in fields {
        store::check_class(class)?;
        let Some(v) = path.get_mut(&mut doc) else { continue };
        let ids: Vec<String> = match v {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
            _ => continue,
        };
        let mut found = std::collections::HashMap::new();
        for chunk in ids.chunks(100) {
            for item in get_many(&coll.shared, class, chunk, consistent, stats).await? {
                let d = store::to_doc(&coll.shared.opts, &item);
                if let Some(id) = d.get("_id").and_then(Value::as_str) {
                    found.insert(id.to_string(), d.clone());
                }
            }
        }
        let look = |x: &Value| x.as_str().and_then(|id| found.get(id).cloned()).unwrap_or(Value::Null);
        let resolved = match &*v {
            Value::Array(a) => Value::Array(a.iter().map(look).collect()),
            other => look(other),
        };
        *v = resolved;
    }
    Ok(doc)
}

/// The results of a [`Find`] as an async [`Stream`], read page by page.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::collection::Result<()> {
/// # let (_emu, client) = ddb_odm::testing::embedded().await;
/// use ddb_odm::collection::Collections;
/// use futures::{StreamExt, TryStreamExt};
/// use serde_json::json;
/// let db = Collections::new(client, "parse-server");
/// db.ensure_table().await?;
/// let logs = db.collection("Log");
/// for i in 0..10 {
///     logs.insert_one(json!({"_id": format!("{i:03}"), "n": i})).await?;
/// }
/// let mut cursor = logs.find(json!({})).page_size(3).cursor();
/// let first: Vec<_> = (&mut cursor).take(4).try_collect().await?;
/// let token = cursor.resume_token().unwrap();
/// let rest = logs.find(json!({})).resume_after(&token).all().await?;
/// assert_eq!((first.len(), rest.len(), rest[0]["n"].clone()), (4, 6, json!(4)));
/// # Ok(()) }
/// ```
pub struct Cursor {
    inner: BoxStream<'static, Result<Value>>,
    stats: Arc<Mutex<ReadStats>>,
    last: Arc<Mutex<Option<Vec<Value>>>>,
}

impl Cursor {
    /// What the cursor has read so far.
    pub fn stats(&self) -> ReadStats {
        self.stats.lock().unwrap().clone()
    }

    /// A token for [`Find::resume_after`]: the position right after the
    /// last document returned (its sort values and `_id`), not after the
    /// last page read, so nothing is skipped or repeated.
    pub fn resume_token(&self) -> Option<String> {
        self.last.lock().unwrap().as_ref().map(|v| Value::Array(v.clone()).to_string())
    }
}

impl Stream for Cursor {
    type Item = Result<Value>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}
