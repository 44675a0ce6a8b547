//! TransactWriteItems: up to 100 Put / Update / Delete / ConditionCheck
//! actions over any tables, applied all together, or not at all
//! (TransactionCanceledException with one reason per action). The plan
//! checks and decides every action; the apply step only writes.

use super::command::{Ctx, Plan, Write};
use super::common::{self, CapacityMode, ConsumedCapacity, ItemCollectionMetrics, Split};
use super::exprs::{self, Params};
use super::idempotency::Tokens;
use super::write::{self, Change, Reporting};
use crate::error::{messages, CancellationReason, Error, ErrorKind, Result};
use crate::store::{Db, ItemVersion, Store, StoredItem};
use crate::value::Item;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// Largest aggregate size of the items a transaction writes.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

/// TransactWriteItems' input ([`crate::Service::transact_write_items`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TransactWriteItems {
    /// `TransactItems`.
    pub transact_items: Vec<TransactWriteItem>,
    /// Capacity and item collection metrics.
    pub reporting: Reporting,
    /// `ClientRequestToken`: makes the call idempotent for ten minutes.
    pub client_request_token: Option<String>,
}

/// What one action does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// `Put`: create or replace the item.
    Put,
    /// `Update`: change the item's attributes.
    Update,
    /// `Delete`: remove the item.
    Delete,
    /// `ConditionCheck`: only check the condition.
    ConditionCheck,
}

/// One action of a transaction.
#[derive(Clone, Debug, PartialEq)]
pub struct TransactWriteItem {
    /// The action.
    pub kind: ActionKind,
    /// The table (a name or an ARN).
    pub table_name: String,
    /// The item for Put; the key for the others.
    pub item: Item,
    /// The condition (and update, for Update) with names and values.
    pub expressions: Params,
    /// `ReturnValuesOnConditionCheckFailure` is `ALL_OLD`.
    pub return_old_on_failure: bool,
}

impl TransactWriteItem {
    /// A Put of `item`.
    pub fn put(table_name: impl Into<String>, item: Item) -> Self {
        Self::new(ActionKind::Put, table_name, item)
    }

    /// An Update of the item at `key` by `update` (an `UpdateExpression`).
    pub fn update(table_name: impl Into<String>, key: Item, update: impl Into<String>) -> Self {
        let mut a = Self::new(ActionKind::Update, table_name, key);
        a.expressions.update = Some(update.into());
        a
    }

    /// A Delete of the item at `key`.
    pub fn delete(table_name: impl Into<String>, key: Item) -> Self {
        Self::new(ActionKind::Delete, table_name, key)
    }

    /// A ConditionCheck of `condition` on the item at `key`.
    pub fn condition_check(table_name: impl Into<String>, key: Item, condition: impl Into<String>) -> Self {
        Self::new(ActionKind::ConditionCheck, table_name, key).condition(condition)
    }

    fn new(kind: ActionKind, table_name: impl Into<String>, item: Item) -> Self {
        TransactWriteItem {
            kind,
            table_name: table_name.into(),
            item,
            expressions: Params::default(),
            return_old_on_failure: false,
        }
    }

    /// Only if `condition` holds (`ConditionExpression`).
    pub fn condition(mut self, condition: impl Into<String>) -> Self {
        self.expressions.condition = Some(condition.into());
        self
    }

    /// Sets the expression parameters (`#names`, `:values`).
    pub fn params(mut self, names: Option<BTreeMap<String, String>>, values: Option<Item>) -> Self {
        self.expressions.names = names;
        self.expressions.values = values;
        self
    }
}

impl TransactWriteItems {
    /// A transaction of `actions`.
    pub fn new(actions: Vec<TransactWriteItem>) -> Self {
        TransactWriteItems { transact_items: actions, ..Self::default() }
    }
}

/// TransactWriteItems' response.
#[derive(Serialize, Default, Debug, Clone)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_collection_metrics: Option<BTreeMap<String, Vec<ItemCollectionMetrics>>>,
}

impl Output {
    /// `ConsumedCapacity`, per table, when asked for.
    pub fn consumed_capacity(&self) -> Option<&[ConsumedCapacity]> {
        self.consumed_capacity.as_deref()
    }
}

/// One checked action: what it read and what it changes (`None` for a
/// ConditionCheck).
struct Planned {
    kind: ActionKind,
    seen: ItemVersion,
    change: Option<Change>,
}

/// The checked transaction.
pub struct TransactPlan {
    actions: Vec<Planned>,
    reporting: Reporting,
}

impl Plan for TransactPlan {
    fn still_valid(&self, db: &Db) -> bool {
        self.actions.iter().all(|a| a.seen.holds(db))
    }
}

impl Write for TransactWriteItems {
    type Plan = TransactPlan;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<TransactPlan> {
        let parsed = self.transact_items.iter().map(|a| a.expressions.parse()).collect::<Result<Vec<_>>>()?;
        // Request-level checks first: tables, keys, duplicates, sizes.
        let mut seen_keys = HashSet::new();
        let mut bytes = 0usize;
        let mut versions = Vec::with_capacity(self.transact_items.len());
        for a in &self.transact_items {
            let table = super::existing_table(ctx, db, &a.table_name)?;
            // Wrong key attributes fail the whole request; a key value the
            // schema refuses (wrong type, empty, too long) fails its action
            // alone: a `ValidationError` reason in its position of a
            // TransactionCanceledException, as the service reports it.
            let key_only = a.kind != ActionKind::Put;
            if !table.def.key_names_match(&a.item, key_only) {
                return Err(match a.kind {
                    ActionKind::Put => table.def.item_key(&a.item).err(),
                    _ => table.def.request_key(&a.item).err(),
                }
                .unwrap_or_else(|| Error::validation(messages::KEY_SCHEMA_MISMATCH)));
            }
            let key = match a.kind {
                ActionKind::Put => write::put_key(&table.def, &a.item),
                _ => table.def.request_key(&a.item),
            };
            let key = match key {
                Ok(key) => key,
                Err(e) => {
                    versions.push(Err(e));
                    continue;
                }
            };
            if !seen_keys.insert((table.def.name.clone(), key.clone())) {
                return Err(Error::validation(messages::TRANSACTION_DUPLICATE_ITEM));
            }
            bytes += crate::value::size::item_size(&a.item);
            versions.push(Ok(ItemVersion::read(table, key)));
        }
        if bytes > MAX_BYTES {
            return Err(Error::validation(messages::TRANSACTION_TOO_LARGE));
        }
        // Plan every action; collect one reason per action.
        let mut reasons = Vec::with_capacity(versions.len());
        let mut actions = Vec::with_capacity(versions.len());
        let mut failed = false;
        for ((a, exprs), seen) in self.transact_items.iter().zip(&parsed).zip(versions) {
            let seen = match seen {
                Ok(seen) => seen,
                Err(e) => {
                    failed = true;
                    reasons.push(reason_for(&e, false, None));
                    continue;
                }
            };
            let current = seen.item.as_ref();
            if super::degrade::conflicts(&a.table_name) {
                failed = true;
                reasons.push(conflict_reason());
                continue;
            }
            match plan_action(a, exprs, &seen) {
                Ok(change) => {
                    reasons.push(CancellationReason { code: "None".into(), message: None, item: None });
                    actions.push(Planned { kind: a.kind, change, seen });
                }
                Err(e) => {
                    failed = true;
                    reasons.push(reason_for(&e, a.return_old_on_failure, current));
                }
            }
        }
        if failed {
            let codes: Vec<&str> = reasons.iter().map(|r| r.code.as_str()).collect();
            return Err(Error {
                cancellation_reasons: Some(reasons.clone()),
                ..Error::new(ErrorKind::TransactionCanceled, messages::transaction_cancelled(&codes))
            });
        }
        Ok(TransactPlan { actions, reporting: self.reporting })
    }

    fn apply(plan: TransactPlan, db: &mut Db) -> Output {
        let capacity = plan.reporting.capacity;
        let mut caps = Vec::new();
        let mut metrics: BTreeMap<String, Vec<ItemCollectionMetrics>> = BTreeMap::new();
        for Planned { kind, seen, change } in plan.actions {
            let ItemVersion { def, key, .. } = seen;
            // Present: checked in the plan, against this very version.
            let Some(table) = db.table_mut(&def.name) else { continue };
            let (old, new) = match change {
                Some(Change::Put(item)) => (table.put(key.clone(), item.clone()), Some(item)),
                Some(Change::Delete) => (table.remove(&key), None),
                Some(Change::Nothing) | None => (None, None),
            };
            // Transactional reads and writes cost twice the standard ones.
            let cap = match kind {
                ActionKind::ConditionCheck => {
                    let size = table.get(&key).map_or(0, StoredItem::size);
                    common::read_capacity(capacity, &def.name, None, common::read_units(size, true))
                        .map(|c| c.split(Split::Read))
                }
                _ => common::write_capacity(capacity, &def, old.as_ref(), new.as_ref())
                    .map(|c| c.split(Split::Write)),
            };
            caps.extend(cap.map(ConsumedCapacity::doubled));
            if kind != ActionKind::ConditionCheck && (new.is_some() || old.is_some()) {
                if let Some(m) =
                    common::item_collection_metrics(plan.reporting.item_collection_metrics, table, &key)
                {
                    metrics.entry(def.name.clone()).or_default().push(m);
                }
            }
        }
        Output {
            consumed_capacity: (capacity != CapacityMode::None).then(|| common::sum_by_table(caps)),
            item_collection_metrics: plan.reporting.item_collection_metrics.then_some(metrics),
        }
    }
}

impl TransactWriteItems {
    /// Runs the transaction against `store`, honouring `ClientRequestToken`
    /// through `tokens`: a repeat within ten minutes returns the first
    /// response (with the read capacity the repeat took) and writes nothing.
    pub fn execute(&self, ctx: &Ctx<'_>, store: &Store, tokens: &Tokens) -> Result<Output> {
        let apply = || super::command::write(self, ctx, store);
        let Some(token) = &self.client_request_token else { return apply() };
        let (mut response, replayed) = tokens.run(ctx.now_ms, token, self, apply)?;
        let capacity = self.reporting.capacity;
        // A repeat reads the items instead of writing them, and reports the
        // read capacity that took.
        if replayed && capacity != CapacityMode::None {
            let db = store.snapshot();
            let mut caps = Vec::new();
            for a in &self.transact_items {
                if let Ok(table) = super::existing_table(ctx, &db, &a.table_name) {
                    let key = match a.kind {
                        ActionKind::Put => table.def.item_key(&a.item),
                        _ => table.def.request_key(&a.item),
                    };
                    let size = key.ok().and_then(|k| table.get(&k).map(StoredItem::size)).unwrap_or(0);
                    caps.extend(
                        common::read_capacity(
                            capacity,
                            &table.def.name,
                            None,
                            common::read_units(size, true),
                        )
                        .map(|c| c.split(Split::Read)),
                    );
                }
            }
            response.consumed_capacity = Some(common::sum_by_table(caps));
        }
        Ok(response)
    }
}

/// The change one action makes: `None` for a ConditionCheck.
fn plan_action(a: &TransactWriteItem, exprs: &exprs::Exprs, seen: &ItemVersion) -> Result<Option<Change>> {
    let current = seen.item.as_ref();
    if !exprs::condition_holds_on(exprs.condition.as_ref(), current) {
        return Err(Error::conditional_check_failed(None));
    }
    Ok(match a.kind {
        ActionKind::ConditionCheck => None,
        ActionKind::Delete => Some(Change::Delete),
        ActionKind::Put => {
            let stored = StoredItem::new(&a.item);
            write::check_put_size(&stored)?;
            Some(Change::Put(stored))
        }
        ActionKind::Update => {
            Some(write::plan_update(&seen.def, &a.item, current.map(StoredItem::item), exprs)?.change)
        }
    })
}

/// The reason of an action a fault rule cancels (`harness::faults`).
pub(crate) fn conflict_reason() -> CancellationReason {
    CancellationReason {
        code: "TransactionConflict".into(),
        message: Some(messages::TRANSACTION_CONFLICT.into()),
        item: None,
    }
}

fn reason_for(e: &Error, return_old: bool, current: Option<&StoredItem>) -> CancellationReason {
    match e.kind {
        ErrorKind::ConditionalCheckFailed => CancellationReason {
            code: "ConditionalCheckFailed".into(),
            message: Some(messages::CONDITIONAL_CHECK_FAILED.into()),
            item: if return_old { current.map(StoredItem::item) } else { None },
        },
        _ => CancellationReason {
            code: "ValidationError".into(),
            message: Some(e.message.clone()),
            item: None,
        },
    }
}
