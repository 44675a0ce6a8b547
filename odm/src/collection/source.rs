//! Reading the documents that match a filter, in `_id` order (either
//! direction), page by page: a Query on the class partition (or
//! BatchGetItem for a list of ids), with the pushed-down key condition and
//! FilterExpression, then the exact filter in the library.

use super::error::{Error, Result};
use super::expr::Piece;
use super::filter::pushdown::{self, KeyPlan};
use super::filter::Filter;
use super::store;
use super::value::Item;
use super::Shared;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnConsumedCapacity, Select};
use futures::stream::{self, BoxStream, StreamExt};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A document as read, with the item it was read from (write guards
/// compare against the stored attribute values, exactly).
#[derive(Clone, Debug)]
pub(crate) struct Stored {
    pub doc: Value,
    pub item: Item,
}

impl Stored {
    pub fn id(&self) -> &str {
        self.doc.get("_id").and_then(Value::as_str).unwrap_or_default()
    }
}

/// What a read cost. `skip` is served by reading and dropping documents:
/// `skipped` counts them, and their cost is in `items_read` and
/// `read_capacity_units`.
///
/// ```
/// let s = ddb_odm::collection::ReadStats::default();
/// assert_eq!(s.requests, 0);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadStats {
    /// Requests sent (Query pages, BatchGetItem calls).
    pub requests: u64,
    /// Items the service examined (before its FilterExpression).
    pub items_read: u64,
    /// Items the service returned (after its FilterExpression): the
    /// pushed-down part of the filter at work.
    pub items_received: u64,
    /// Documents that matched the whole filter.
    pub matched: u64,
    /// Matching documents dropped by `skip`.
    pub skipped: u64,
    /// Documents handed to the caller.
    pub returned: u64,
    /// Read capacity consumed, as the service reported it.
    pub read_capacity_units: f64,
}

/// One read of matching documents.
pub(crate) struct Source {
    pub shared: Arc<Shared>,
    pub class: String,
    pub filter: Arc<Filter>,
    pub forward: bool,
    pub consistent: bool,
    pub page_size: Option<i32>,
    /// Resume strictly after (forward) or before (backward) this `_id`.
    pub after: Option<String>,
    pub stats: Arc<Mutex<ReadStats>>,
}

struct Pager {
    src: Source,
    key: KeyPlan,
    piece: Option<Piece>,
    start: Option<Item>,
    ids: Option<VecDeque<Vec<String>>>,
    done: bool,
    buf: VecDeque<Stored>,
}

impl Source {
    /// The matching documents as a stream, in `_id` order.
    pub fn stream(self) -> BoxStream<'static, Result<Stored>> {
        let opts = &self.shared.opts;
        let plan = pushdown::plan(&self.filter, &opts.partition_key, &opts.sort_key);
        let mut pager = Pager {
            key: plan.key,
            piece: plan.filter,
            start: None,
            ids: None,
            done: false,
            buf: VecDeque::new(),
            src: self,
        };
        pager.apply_resume();
        stream::try_unfold(pager, |mut p| async move {
            loop {
                if let Some(s) = p.buf.pop_front() {
                    return Ok(Some((s, p)));
                }
                if p.done {
                    return Ok(None);
                }
                p.fetch().await?;
            }
        })
        .boxed()
    }
}

impl Pager {
    /// Narrows the plan to what lies after the resume point.
    fn apply_resume(&mut self) {
        let Some(after) = self.src.after.clone() else { return };
        let fwd = self.src.forward;
        match &mut self.key {
            KeyPlan::All => self.start = Some(self.start_key(&after)),
            KeyPlan::Ids(ids) => ids.retain(|id| if fwd { *id > after } else { *id < after }),
            KeyPlan::Range { lo, hi } => {
                let bound = Some((after.clone(), false));
                if fwd {
                    if lo.as_ref().is_none_or(|(l, _)| *l <= after) {
                        *lo = bound;
                    }
                } else if hi.as_ref().is_none_or(|(h, _)| *h >= after) {
                    *hi = bound;
                }
                if let (Some((l, _)), Some((h, _))) = (lo, hi) {
                    if l > h {
                        self.done = true;
                    }
                }
            }
            KeyPlan::Prefix(prefix) => {
                if after.starts_with(prefix.as_str()) {
                    self.start = Some(self.start_key(&after));
                } else if (fwd && after > *prefix) || (!fwd && after < *prefix) {
                    self.done = true; // every id with the prefix is on the other side
                }
            }
        }
    }

    fn start_key(&self, id: &str) -> Item {
        store::key(&self.src.shared.opts, &self.src.class, id)
    }

    fn past_resume_point(&self, id: &str) -> bool {
        match &self.src.after {
            None => true,
            Some(a) if self.src.forward => id > a.as_str(),
            Some(a) => id < a.as_str(),
        }
    }

    fn accept(&mut self, items: Vec<Item>) {
        self.src.stats.lock().unwrap().items_received += items.len() as u64;
        let opts = &self.src.shared.opts;
        let mut matched = 0;
        for item in items {
            let doc = store::to_doc(opts, &item);
            let s = Stored { doc, item };
            if self.past_resume_point(s.id()) && self.src.filter.matches(&s.doc) {
                matched += 1;
                self.buf.push_back(s);
            }
        }
        self.src.stats.lock().unwrap().matched += matched;
    }

    fn account(&self, items_read: u64, capacity: f64) {
        let mut st = self.src.stats.lock().unwrap();
        st.requests += 1;
        st.items_read += items_read;
        st.read_capacity_units += capacity;
    }

    async fn fetch(&mut self) -> Result<()> {
        if let KeyPlan::Ids(ids) = &self.key {
            if self.ids.is_none() {
                let mut ids = ids.clone();
                if !self.src.forward {
                    ids.reverse();
                }
                self.ids = Some(ids.chunks(100).map(<[String]>::to_vec).collect());
            }
            let Some(chunk) = self.ids.as_mut().and_then(VecDeque::pop_front) else {
                self.done = true;
                return Ok(());
            };
            let mut items =
                get_many(&self.src.shared, &self.src.class, &chunk, self.src.consistent, &self.src.stats)
                    .await?;
            let sk = self.src.shared.opts.sort_key.clone();
            let id_of = |i: &Item| i.get(&sk).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            items.sort_by_key(|i| id_of(i));
            if !self.src.forward {
                items.reverse();
            }
            self.accept(items);
            return Ok(());
        }
        let opts = &self.src.shared.opts;
        let mut names: HashMap<String, String> = [("#kp".to_string(), opts.partition_key.clone())].into();
        let mut values: HashMap<String, AttributeValue> =
            [(":kp".to_string(), AttributeValue::S(self.src.class.clone()))].into();
        let mut key_expr = "#kp = :kp".to_string();
        let mut sk = |cond: String, vals: Vec<String>| {
            names.insert("#ks".into(), opts.sort_key.clone());
            for (i, v) in vals.into_iter().enumerate() {
                values.insert(format!(":k{i}"), AttributeValue::S(v));
            }
            key_expr.push_str(" AND ");
            key_expr.push_str(&cond);
        };
        match &self.key {
            KeyPlan::All | KeyPlan::Ids(_) => {}
            KeyPlan::Prefix(p) => sk("begins_with(#ks, :k0)".into(), vec![p.clone()]),
            KeyPlan::Range { lo: Some((l, li)), hi: None } => {
                sk(format!("#ks {} :k0", if *li { ">=" } else { ">" }), vec![l.clone()])
            }
            KeyPlan::Range { lo: None, hi: Some((h, hi)) } => {
                sk(format!("#ks {} :k0", if *hi { "<=" } else { "<" }), vec![h.clone()])
            }
            KeyPlan::Range { lo: Some((l, _)), hi: Some((h, _)) } => {
                sk("#ks BETWEEN :k0 AND :k1".into(), vec![l.clone(), h.clone()])
            }
            KeyPlan::Range { lo: None, hi: None } => {}
        }
        if let Some(p) = &self.piece {
            names.extend(p.names.clone());
            values.extend(p.values.clone());
        }
        let out = self
            .src
            .shared
            .client
            .query()
            .table_name(&opts.table)
            .key_condition_expression(key_expr)
            .set_filter_expression(self.piece.as_ref().map(|p| p.text.clone()))
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .scan_index_forward(self.src.forward)
            .consistent_read(self.src.consistent)
            .set_limit(self.src.page_size)
            .set_exclusive_start_key(self.start.take())
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(Error::sdk)?;
        self.account(
            out.scanned_count() as u64,
            out.consumed_capacity().and_then(|c| c.capacity_units()).unwrap_or(0.0),
        );
        self.start = out.last_evaluated_key().cloned();
        self.done = self.start.is_none();
        self.accept(out.items().to_vec());
        Ok(())
    }
}

/// Counts every document of the class (all pages; Select COUNT reads no item data).
pub(crate) async fn count_all(
    shared: &Shared,
    class: &str,
    consistent: bool,
    stats: &Mutex<ReadStats>,
) -> Result<u64> {
    let opts = &shared.opts;
    let (mut start, mut total) = (None, 0u64);
    loop {
        let out = shared
            .client
            .query()
            .table_name(&opts.table)
            .key_condition_expression("#kp = :kp")
            .expression_attribute_names("#kp", &opts.partition_key)
            .expression_attribute_values(":kp", AttributeValue::S(class.to_string()))
            .select(Select::Count)
            .consistent_read(consistent)
            .set_exclusive_start_key(start)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(Error::sdk)?;
        total += out.count() as u64;
        {
            let mut st = stats.lock().unwrap();
            st.requests += 1;
            st.items_read += out.scanned_count() as u64;
            st.matched += out.count() as u64;
            st.read_capacity_units += out.consumed_capacity().and_then(|c| c.capacity_units()).unwrap_or(0.0);
        }
        start = out.last_evaluated_key().cloned();
        if start.is_none() {
            return Ok(total);
        }
    }
}

/// Reads up to 100 documents of a partition by id (BatchGetItem, retrying
/// unprocessed keys with backoff). Missing ids are simply absent.
pub(crate) async fn get_many(
    shared: &Shared,
    partition: &str,
    ids: &[String],
    consistent: bool,
    stats: &Mutex<ReadStats>,
) -> Result<Vec<Item>> {
    let opts = &shared.opts;
    let mut keys: Vec<Item> = ids.iter().map(|id| store::key(opts, partition, id)).collect();
    keys.sort_by(|a, b| {
        a.get(&opts.sort_key)
            .and_then(|v| v.as_s().ok())
            .cmp(&b.get(&opts.sort_key).and_then(|v| v.as_s().ok()))
    });
    keys.dedup();
    let mut found = Vec::new();
    let mut attempt = 0u32;
    while !keys.is_empty() {
        let ka = KeysAndAttributes::builder()
            .set_keys(Some(std::mem::take(&mut keys)))
            .consistent_read(consistent)
            .build()
            .map_err(Error::build)?;
        let out = shared
            .client
            .batch_get_item()
            .request_items(&opts.table, ka)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(Error::sdk)?;
        let got = out.responses().and_then(|r| r.get(&opts.table)).cloned().unwrap_or_default();
        {
            let mut st = stats.lock().unwrap();
            st.requests += 1;
            st.items_read += got.len() as u64;
            st.read_capacity_units +=
                out.consumed_capacity().iter().filter_map(|c| c.capacity_units()).sum::<f64>();
        }
        found.extend(got);
        keys = out
            .unprocessed_keys()
            .and_then(|u| u.get(&opts.table))
            .map(|k| k.keys().to_vec())
            .unwrap_or_default();
        if !keys.is_empty() {
            attempt += 1;
            if attempt > 10 {
                return Err(Error::Contention(format!(
                    "{} keys stayed unprocessed after 10 BatchGetItem retries",
                    keys.len()
                )));
            }
            tokio::time::sleep(Duration::from_millis(10 << attempt.min(6))).await;
        }
    }
    Ok(found)
}
