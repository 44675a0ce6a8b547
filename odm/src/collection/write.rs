//! Inserts, updates and deletes: each write is conditioned on what was
//! read (the document exists, the fields the filter and the update depend
//! on still hold the values read) and carries the uniqueness markers it
//! changes in the same transaction. A failed condition means another
//! writer got there first: the document is read again and the write
//! retried, or dropped if the document no longer matches.

use super::error::{Error, Result};
use super::filter::Filter;
use super::order::Sort;
use super::source::{ReadStats, Source, Stored};
use super::store;
use super::unique::{self, Marker};
use super::update::{self, plan::WritePlan, UpdateSpec};
use super::value::Item;
use super::Collection;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, TransactWriteItem, Update};
use futures::stream::{self, StreamExt, TryStreamExt};
use serde_json::{Map, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What an update did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateResult {
    /// Documents that matched the filter.
    pub matched: u64,
    /// Documents that changed.
    pub modified: u64,
    /// The `_id` of the document an upsert created.
    pub upserted_id: Option<String>,
}

/// Options of [`Collection::find_one_and_update`].
///
/// ```
/// let o = ddb_odm::collection::FindOneAndUpdate { return_new: true, upsert: true, ..Default::default() };
/// assert!(o.sort.keys().is_empty());
/// ```
#[derive(Clone, Debug, Default)]
pub struct FindOneAndUpdate {
    /// Which match to update when several do (default: the lowest `_id`).
    pub sort: Sort,
    /// Insert a document when none matches.
    pub upsert: bool,
    /// Return the document after the update (default: before).
    pub return_new: bool,
}

/// How one attempt at a conditional write ended.
enum Sent {
    Done,
    /// The document changed (or vanished) since it was read.
    Stale,
}

/// How updating one read document ended.
enum Outcome {
    Modified {
        before: Value,
        after: Value,
    },
    Unchanged(Value),
    /// It no longer matches the filter (or was deleted).
    Gone,
}

const MAX_ATTEMPTS: u32 = 25;

async fn backoff(attempt: u32) {
    let ms = fastrand::u64(1..=(2u64 << attempt.min(6)));
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

fn cancelled(e: &aws_sdk_dynamodb::Error) -> Option<Vec<Option<String>>> {
    match e {
        aws_sdk_dynamodb::Error::TransactionCanceledException(t) => {
            Some(t.cancellation_reasons().iter().map(|r| r.code().map(str::to_string)).collect())
        }
        _ => None,
    }
}

fn is_ccf(code: &Option<String>) -> bool {
    code.as_deref() == Some("ConditionalCheckFailed")
}

fn is_conflict(e: &aws_sdk_dynamodb::Error) -> bool {
    matches!(e, aws_sdk_dynamodb::Error::TransactionConflictException(_))
        || cancelled(e).is_some_and(|r| r.iter().any(|c| c.as_deref() == Some("TransactionConflict")))
}

impl Collection {
    fn opts(&self) -> &super::Options {
        &self.shared.opts
    }

    /// Matching documents, read strongly consistently (writes act on what
    /// is there now).
    async fn matches(&self, filter: &Arc<Filter>, sort: &Sort, first_only: bool) -> Result<Vec<Stored>> {
        let by_id = sort.by_id_only();
        let src = Source {
            shared: self.shared.clone(),
            class: self.class.clone(),
            filter: filter.clone(),
            forward: by_id.unwrap_or(true),
            consistent: true,
            page_size: None,
            after: None,
            stats: Arc::new(Mutex::new(ReadStats::default())),
        };
        let mut s = src.stream();
        if by_id.is_some() && first_only {
            return Ok(s.try_next().await?.into_iter().collect());
        }
        let mut all: Vec<(Vec<Value>, Stored)> =
            s.map_ok(|d| (sort.sort_values(&d.doc), d)).try_collect().await?;
        all.sort_by(|a, b| sort.compare_values(&a.0, &b.0));
        if first_only {
            all.truncate(1);
        }
        Ok(all.into_iter().map(|x| x.1).collect())
    }

    /// Reads one document again, strongly consistently.
    async fn reread(&self, id: &str) -> Result<Option<Stored>> {
        let out = self
            .shared
            .client
            .get_item()
            .table_name(&self.opts().table)
            .set_key(Some(store::key(self.opts(), &self.class, id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(Error::sdk)?;
        Ok(out.item().map(|item| Stored { doc: store::to_doc(self.opts(), item), item: item.clone() }))
    }

    /// Inserts one document and returns its `_id` (generated when absent).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::collection::Result<()> {
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// use ddb_odm::collection::{Collections, Error};
    /// use serde_json::json;
    /// let db = Collections::new(client, "parse-server");
    /// db.ensure_table().await?;
    /// let users = db.collection("User");
    /// let id = users.insert_one(json!({"name": "benishak"})).await?;
    /// assert_eq!(id.len(), 10);
    /// users.insert_one(json!({"_id": "1234", "name": "benishak"})).await?;
    /// let again = users.insert_one(json!({"_id": "1234"})).await;
    /// assert!(matches!(again, Err(Error::DuplicateId { .. })));
    /// # Ok(()) }
    /// ```
    pub async fn insert_one(&self, doc: Value) -> Result<String> {
        let Value::Object(mut o) = doc else {
            return Err(Error::InvalidDocument(format!("a document must be an object, not {doc}")));
        };
        let id = match o.get("_id") {
            None => store::new_id(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(Error::InvalidDocument(format!("`_id` must be a string, not {other}")))
            }
        };
        o.insert("_id".into(), Value::String(id.clone()));
        self.insert_doc(&Value::Object(o)).await?;
        Ok(id)
    }

    /// Inserts a typed document (serialised with serde).
    pub async fn insert_one_as<T: serde::Serialize>(&self, doc: &T) -> Result<String> {
        self.insert_one(serde_json::to_value(doc)?).await
    }

    /// Inserts documents (several at a time) and returns their ids in
    /// order. Every document is checked before any is sent; on a write
    /// failure the first error is returned and the others may have been written.
    pub async fn insert_many(&self, docs: Vec<Value>) -> Result<Vec<String>> {
        let mut prepared = Vec::with_capacity(docs.len());
        for d in docs {
            let Value::Object(mut o) = d else {
                return Err(Error::InvalidDocument(format!("a document must be an object, not {d}")));
            };
            let id = match o.get("_id") {
                None => store::new_id(),
                Some(Value::String(s)) => s.clone(),
                Some(other) => {
                    return Err(Error::InvalidDocument(format!("`_id` must be a string, not {other}")))
                }
            };
            o.insert("_id".into(), Value::String(id));
            let doc = Value::Object(o);
            store::to_item(self.opts(), &self.class, &doc)?;
            prepared.push(doc);
        }
        stream::iter(prepared)
            .map(|d| async move {
                self.insert_doc(&d).await?;
                Ok::<_, Error>(d["_id"].as_str().unwrap_or_default().to_string())
            })
            .buffered(8)
            .try_collect()
            .await
    }

    async fn insert_doc(&self, doc: &Value) -> Result<()> {
        store::check_class(&self.class)?;
        let item = store::to_item(self.opts(), &self.class, doc)?;
        let id = doc["_id"].as_str().unwrap_or_default().to_string();
        let uniques = self.collections().unique_fields(&self.class).await?;
        let markers = unique::markers(self.opts(), &self.class, &uniques, doc)?;
        let opts = self.opts();
        if markers.is_empty() {
            let res = self
                .shared
                .client
                .put_item()
                .table_name(&opts.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(#ks)")
                .expression_attribute_names("#ks", &opts.sort_key)
                .send()
                .await;
            return match res.map_err(aws_sdk_dynamodb::Error::from) {
                Ok(_) => Ok(()),
                Err(aws_sdk_dynamodb::Error::ConditionalCheckFailedException(_)) => {
                    Err(Error::DuplicateId { class: self.class.clone(), id })
                }
                Err(e) => Err(Error::Sdk(Box::new(e))),
            };
        }
        let put = aws_sdk_dynamodb::types::Put::builder()
            .table_name(&opts.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#ks)")
            .expression_attribute_names("#ks", &opts.sort_key)
            .build()
            .map_err(Error::build)?;
        let mut actions = vec![TransactWriteItem::builder().put(put).build()];
        self.marker_actions(&mut actions, &id, &markers, &[])?;
        for attempt in 0..MAX_ATTEMPTS {
            match self.transact(actions.clone()).await {
                Ok(()) => return Ok(()),
                Err(e) => match cancelled(&e) {
                    Some(r) if is_ccf(&r[0]) => {
                        return Err(Error::DuplicateId { class: self.class.clone(), id })
                    }
                    Some(r) if r.iter().any(is_ccf) => return Err(self.duplicate(&markers, &r, 1)),
                    _ if is_conflict(&e) => backoff(attempt).await,
                    _ => return Err(Error::Sdk(Box::new(e))),
                },
            }
        }
        Err(Error::Contention(format!("insert of `{id}` kept conflicting with other transactions")))
    }

    fn duplicate(&self, markers: &[Marker], reasons: &[Option<String>], offset: usize) -> Error {
        let i = reasons.iter().skip(offset).position(is_ccf).unwrap_or(0);
        let m = &markers[i.min(markers.len() - 1)];
        Error::Duplicate { class: self.class.clone(), field: m.field.clone(), value: m.value.clone() }
    }

    async fn transact(
        &self,
        actions: Vec<TransactWriteItem>,
    ) -> std::result::Result<(), aws_sdk_dynamodb::Error> {
        self.shared.client.transact_write_items().set_transact_items(Some(actions)).send().await?;
        Ok(())
    }

    /// Updates the first document matching `filter` (lowest `_id`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::collection::Result<()> {
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// use ddb_odm::collection::Collections;
    /// use serde_json::json;
    /// let db = Collections::new(client, "parse-server");
    /// db.ensure_table().await?;
    /// let posts = db.collection("Post");
    /// posts.insert_one(json!({"_id": "p1", "likes": 1, "tags": ["a"]})).await?;
    /// let r = posts.update_one(json!({"_id": "p1"}), json!({"$inc": {"likes": 1}, "$addToSet": {"tags": "b"}})).await?;
    /// assert_eq!((r.matched, r.modified), (1, 1));
    /// let p = posts.find_one(json!({"_id": "p1"})).await?.unwrap();
    /// assert_eq!((p["likes"].clone(), p["tags"].clone()), (json!(2), json!(["a", "b"])));
    /// # Ok(()) }
    /// ```
    pub async fn update_one(&self, filter: Value, update: Value) -> Result<UpdateResult> {
        let (r, _) = self.update_first(&filter, &update, &Sort::default(), false).await?;
        Ok(r)
    }

    /// Updates the first matching document, or inserts one built from the
    /// filter's equalities and the update (with `$setOnInsert`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::collection::Result<()> {
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// use serde_json::json;
    /// let db = ddb_odm::collection::Collections::new(client, "parse-server");
    /// db.ensure_table().await?;
    /// let hits = db.collection("Hits");
    /// for _ in 0..3 {
    ///     hits.upsert(json!({"_id": "home"}), json!({"$inc": {"n": 1}, "$setOnInsert": {"first": true}})).await?;
    /// }
    /// assert_eq!(hits.find_one(json!({"_id": "home"})).await?.unwrap(), json!({"_id": "home", "n": 3, "first": true}));
    /// # Ok(()) }
    /// ```
    pub async fn upsert(&self, filter: Value, update: Value) -> Result<UpdateResult> {
        let (r, _) = self.update_first(&filter, &update, &Sort::default(), true).await?;
        Ok(r)
    }

    /// Updates one document and returns it, before or after the update.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::collection::Result<()> {
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// use ddb_odm::collection::{FindOneAndUpdate, Sort};
    /// use serde_json::json;
    /// let db = ddb_odm::collection::Collections::new(client, "parse-server");
    /// db.ensure_table().await?;
    /// let jobs = db.collection("Job");
    /// jobs.insert_many(vec![json!({"_id": "j1", "prio": 1}), json!({"_id": "j2", "prio": 5})]).await?;
    /// // Claim the most urgent open job.
    /// let opts = FindOneAndUpdate { sort: Sort::default().then("prio", -1), return_new: true, ..Default::default() };
    /// let job = jobs.find_one_and_update(json!({"owner": {"$exists": false}}), json!({"$set": {"owner": "w1"}}), opts).await?;
    /// assert_eq!(job.unwrap(), json!({"_id": "j2", "prio": 5, "owner": "w1"}));
    /// # Ok(()) }
    /// ```
    pub async fn find_one_and_update(
        &self,
        filter: Value,
        update: Value,
        options: FindOneAndUpdate,
    ) -> Result<Option<Value>> {
        let (_, docs) = self.update_first(&filter, &update, &options.sort, options.upsert).await?;
        Ok(docs.and_then(|(before, after)| if options.return_new { Some(after) } else { before }))
    }

    async fn update_first(
        &self,
        filter: &Value,
        update: &Value,
        sort: &Sort,
        upsert: bool,
    ) -> Result<(UpdateResult, Option<(Option<Value>, Value)>)> {
        let filter = Arc::new(Filter::parse(filter)?);
        let spec = UpdateSpec::parse(update)?;
        for attempt in 0..MAX_ATTEMPTS {
            let Some(found) = self.matches(&filter, sort, true).await?.pop() else {
                if !upsert {
                    return Ok((UpdateResult::default(), None));
                }
                let doc = self.upsert_doc(&filter, &spec)?;
                match self.insert_doc(&doc).await {
                    Ok(()) => {
                        let id = doc["_id"].as_str().map(str::to_string);
                        return Ok((
                            UpdateResult { matched: 0, modified: 0, upserted_id: id },
                            Some((None, doc)),
                        ));
                    }
                    // Someone inserted it meanwhile: update theirs.
                    Err(Error::DuplicateId { .. }) => {
                        backoff(attempt).await;
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            };
            match self.update_stored(&filter, &spec, found).await? {
                Outcome::Modified { before, after } => {
                    return Ok((
                        UpdateResult { matched: 1, modified: 1, upserted_id: None },
                        Some((Some(before), after)),
                    ));
                }
                Outcome::Unchanged(d) => {
                    return Ok((
                        UpdateResult { matched: 1, modified: 0, upserted_id: None },
                        Some((Some(d.clone()), d)),
                    ));
                }
                Outcome::Gone => backoff(attempt).await,
            }
        }
        Err(Error::Contention("the matching documents kept changing".into()))
    }

    fn upsert_doc(&self, filter: &Filter, spec: &UpdateSpec) -> Result<Value> {
        let mut doc = Value::Object(Map::new());
        let mut eqs = Vec::new();
        filter.equalities(&mut eqs);
        for (p, v) in eqs {
            if !is_operator_free(&v) {
                continue;
            }
            p.set(&mut doc, v).map_err(|e| Error::InvalidUpdate(format!("upsert: {e}")))?;
        }
        update::apply(spec, &mut doc, true)?;
        match doc.get("_id") {
            None => {
                doc.as_object_mut().unwrap().insert("_id".into(), Value::String(store::new_id()));
            }
            Some(Value::String(_)) => {}
            Some(other) => {
                return Err(Error::InvalidDocument(format!("`_id` must be a string, not {other}")))
            }
        }
        Ok(doc)
    }

    /// Updates every matching document (all pages).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::collection::Result<()> {
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// use serde_json::json;
    /// let db = ddb_odm::collection::Collections::new(client, "parse-server");
    /// db.ensure_table().await?;
    /// let tasks = db.collection("Task");
    /// tasks.insert_many((0..5).map(|i| json!({"n": i, "done": false})).collect()).await?;
    /// let r = tasks.update_many(json!({"n": {"$lt": 3}}), json!({"$set": {"done": true}})).await?;
    /// assert_eq!((r.matched, r.modified), (3, 3));
    /// # Ok(()) }
    /// ```
    pub async fn update_many(&self, filter: Value, update: Value) -> Result<UpdateResult> {
        let filter = Arc::new(Filter::parse(&filter)?);
        let spec = UpdateSpec::parse(&update)?;
        let docs = self.matches(&filter, &Sort::default(), false).await?;
        let outcomes: Vec<Outcome> = stream::iter(docs)
            .map(|d| {
                let (filter, spec) = (&filter, &spec);
                async move { self.update_stored(filter, spec, d).await }
            })
            .buffer_unordered(8)
            .try_collect()
            .await?;
        let mut r = UpdateResult::default();
        for o in outcomes {
            match o {
                Outcome::Modified { .. } => {
                    r.matched += 1;
                    r.modified += 1;
                }
                Outcome::Unchanged(_) => r.matched += 1,
                Outcome::Gone => {}
            }
        }
        Ok(r)
    }

    async fn update_stored(&self, filter: &Filter, spec: &UpdateSpec, mut cur: Stored) -> Result<Outcome> {
        let uniques = self.collections().unique_fields(&self.class).await?;
        let mut guards = Vec::new();
        filter.top_fields(&mut guards);
        for u in uniques.iter() {
            if spec.ops.iter().any(|op| op.paths().iter().any(|p| p.overlaps(u)))
                && !guards.iter().any(|g| g == u.top())
            {
                guards.push(u.top().to_string());
            }
        }
        for attempt in 0..MAX_ATTEMPTS {
            let mut new = cur.doc.clone();
            update::apply(spec, &mut new, false)?;
            if new == cur.doc {
                return Ok(Outcome::Unchanged(new));
            }
            store::to_item(self.opts(), &self.class, &new)?; // limits, before sending
            let plan = update::plan::plan(spec, &cur, &new, &guards, &self.opts().sort_key)?;
            let (puts, dels) = unique::changes(self.opts(), &self.class, &uniques, &cur.doc, &new)?;
            match self.send_update(&cur, &plan, &puts, &dels).await? {
                Sent::Done => return Ok(Outcome::Modified { before: cur.doc, after: new }),
                Sent::Stale => {
                    backoff(attempt).await;
                    match self.reread(cur.id()).await? {
                        Some(s) if filter.matches(&s.doc) => cur = s,
                        _ => return Ok(Outcome::Gone),
                    }
                }
            }
        }
        Err(Error::Contention(format!("document `{}` kept changing during the update", cur.id())))
    }

    async fn send_update(
        &self,
        cur: &Stored,
        plan: &WritePlan,
        puts: &[Marker],
        dels: &[Marker],
    ) -> Result<Sent> {
        let opts = self.opts();
        let key = store::key(opts, &self.class, cur.id());
        let Some(update) = &plan.update else { return Ok(Sent::Done) };
        if puts.is_empty() && dels.is_empty() {
            let res = self
                .shared
                .client
                .update_item()
                .table_name(&opts.table)
                .set_key(Some(key))
                .update_expression(update)
                .condition_expression(&plan.condition)
                .set_expression_attribute_names(plan.piece.names_or_none())
                .set_expression_attribute_values(plan.piece.values_or_none())
                .send()
                .await;
            return match res.map_err(aws_sdk_dynamodb::Error::from) {
                Ok(_) => Ok(Sent::Done),
                Err(aws_sdk_dynamodb::Error::ConditionalCheckFailedException(_)) => Ok(Sent::Stale),
                Err(e) => Err(Error::Sdk(Box::new(e))),
            };
        }
        let u = Update::builder()
            .table_name(&opts.table)
            .set_key(Some(key))
            .update_expression(update)
            .condition_expression(&plan.condition)
            .set_expression_attribute_names(plan.piece.names_or_none())
            .set_expression_attribute_values(plan.piece.values_or_none())
            .build()
            .map_err(Error::build)?;
        let mut actions = vec![TransactWriteItem::builder().update(u).build()];
        self.marker_actions(&mut actions, cur.id(), puts, dels)?;
        self.send_transaction(actions, puts).await
    }

    fn marker_actions(
        &self,
        actions: &mut Vec<TransactWriteItem>,
        id: &str,
        puts: &[Marker],
        dels: &[Marker],
    ) -> Result<()> {
        for m in puts {
            actions.push(m.put(self.opts(), id)?);
        }
        for m in dels {
            actions.push(m.delete(self.opts(), id)?);
        }
        if actions.len() > 100 {
            return Err(Error::limit("transaction actions (100)", format!("{} actions", actions.len())));
        }
        Ok(())
    }

    async fn send_transaction(&self, actions: Vec<TransactWriteItem>, puts: &[Marker]) -> Result<Sent> {
        match self.transact(actions).await {
            Ok(()) => Ok(Sent::Done),
            Err(e) => match cancelled(&e) {
                Some(r) if is_ccf(&r[0]) => Ok(Sent::Stale),
                Some(r) if r.iter().skip(1).take(puts.len()).any(is_ccf) => Err(self.duplicate(puts, &r, 1)),
                Some(r) if r.iter().any(is_ccf) => Ok(Sent::Stale), // a marker changed owner meanwhile
                _ if is_conflict(&e) => Ok(Sent::Stale),
                _ => Err(Error::Sdk(Box::new(e))),
            },
        }
    }

    /// Deletes the first document matching `filter` (lowest `_id`); returns 0 or 1.
    pub async fn delete_one(&self, filter: Value) -> Result<u64> {
        let filter = Arc::new(Filter::parse(&filter)?);
        for attempt in 0..MAX_ATTEMPTS {
            let Some(found) = self.matches(&filter, &Sort::default(), true).await?.pop() else {
                return Ok(0);
            };
            if self.delete_stored(&filter, found).await? {
                return Ok(1);
            }
            backoff(attempt).await;
        }
        Err(Error::Contention("the matching documents kept changing".into()))
    }

    /// Deletes every matching document (all pages, any number); returns how many.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::collection::Result<()> {
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// use ddb_odm::collection::Collections;
    /// use serde_json::json;
    /// let db = Collections::new(client, "parse-server");
    /// db.ensure_table().await?;
    /// let logs = db.collection("Log");
    /// logs.insert_many((0..30).map(|i| json!({"level": if i % 3 == 0 { "debug" } else { "info" }})).collect()).await?;
    /// assert_eq!(logs.delete_many(json!({"level": "debug"})).await?, 10);
    /// assert_eq!(logs.count(json!({})).await?, 20);
    /// # Ok(()) }
    /// ```
    pub async fn delete_many(&self, filter: Value) -> Result<u64> {
        let filter = Arc::new(Filter::parse(&filter)?);
        let docs = self.matches(&filter, &Sort::default(), false).await?;
        let deleted: Vec<bool> = stream::iter(docs)
            .map(|d| {
                let filter = &filter;
                async move { self.delete_stored(filter, d).await }
            })
            .buffer_unordered(16)
            .try_collect()
            .await?;
        Ok(deleted.into_iter().filter(|d| *d).count() as u64)
    }

    /// Deletes one read document if it still matches; false when it is
    /// gone or no longer matches.
    async fn delete_stored(&self, filter: &Filter, mut cur: Stored) -> Result<bool> {
        let uniques = self.collections().unique_fields(&self.class).await?;
        let mut fields = Vec::new();
        filter.top_fields(&mut fields);
        for attempt in 0..MAX_ATTEMPTS {
            let (cond, names, values) = guard(self.opts(), &cur.item, &fields);
            let key = store::key(self.opts(), &self.class, cur.id());
            let markers = unique::markers(self.opts(), &self.class, &uniques, &cur.doc)?;
            let sent = if markers.is_empty() {
                let res = self
                    .shared
                    .client
                    .delete_item()
                    .table_name(&self.opts().table)
                    .set_key(Some(key))
                    .condition_expression(cond)
                    .set_expression_attribute_names(Some(names))
                    .set_expression_attribute_values(values)
                    .send()
                    .await;
                match res.map_err(aws_sdk_dynamodb::Error::from) {
                    Ok(_) => Sent::Done,
                    Err(aws_sdk_dynamodb::Error::ConditionalCheckFailedException(_)) => Sent::Stale,
                    Err(e) => return Err(Error::Sdk(Box::new(e))),
                }
            } else {
                let d = Delete::builder()
                    .table_name(&self.opts().table)
                    .set_key(Some(key))
                    .condition_expression(cond)
                    .set_expression_attribute_names(Some(names))
                    .set_expression_attribute_values(values)
                    .build()
                    .map_err(Error::build)?;
                let mut actions = vec![TransactWriteItem::builder().delete(d).build()];
                self.marker_actions(&mut actions, cur.id(), &[], &markers)?;
                self.send_transaction(actions, &[]).await?
            };
            match sent {
                Sent::Done => return Ok(true),
                Sent::Stale => {
                    backoff(attempt).await;
                    match self.reread(cur.id()).await? {
                        Some(s) if filter.matches(&s.doc) => cur = s,
                        _ => return Ok(false),
                    }
                }
            }
        }
        Err(Error::Contention(format!("document `{}` kept changing during the delete", cur.id())))
    }
}

/// The condition that the document exists and `fields` hold what was read.
fn guard(
    opts: &super::Options,
    item: &Item,
    fields: &[String],
) -> (
    String,
    std::collections::HashMap<String, String>,
    Option<std::collections::HashMap<String, AttributeValue>>,
) {
    let mut names: std::collections::HashMap<String, String> =
        [("#ks".to_string(), opts.sort_key.clone())].into();
    let mut values = std::collections::HashMap::new();
    let mut conds = vec!["attribute_exists(#ks)".to_string()];
    for (i, f) in fields.iter().filter(|f| *f != "_id").enumerate() {
        names.insert(format!("#g{i}"), f.clone());
        conds.push(match item.get(f) {
            Some(v) => {
                values.insert(format!(":g{i}"), v.clone());
                format!("#g{i} = :g{i}")
            }
            None => format!("attribute_not_exists(#g{i})"),
        });
    }
    (conds.join(" AND "), names, (!values.is_empty()).then_some(values))
}

fn is_operator_free(v: &Value) -> bool {
    match v {
        Value::Object(o) => o.iter().all(|(k, v)| !k.starts_with('$') && is_operator_free(v)),
        Value::Array(a) => a.iter().all(is_operator_free),
        _ => true,
    }
}
