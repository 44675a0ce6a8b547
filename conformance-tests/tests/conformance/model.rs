//! Model-based test of the item write paths: random sequences of PutItem,
//! UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems (with
//! conditions that sometimes fail) and of reads (GetItem, Query, a GSI
//! Query, Scan, TransactGetItems), run against the emulator through the SDK
//! and against a reference model (a `BTreeMap` keyed by (pk, sk)). Every
//! response (success or error, returned items, cancellation reasons) and the
//! final state must agree.
//!
//! The key space is small (2 partitions x 3 sort keys) so that conditions,
//! duplicates in one request and overwrites are frequent. A failing case is
//! shrunk and printed one action per line, e.g.
//! `Update p0/1 SET cnt = :u(3) if attribute_exists(pk) rv=ALL_NEW`.

use super::batches::{create_table, sort_items, Item};
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{
    AttributeValue as AV, ConditionCheck, Delete, DeleteRequest, Get, Put, PutRequest, ReturnValue,
    ReturnValuesOnConditionCheckFailure, TransactGetItem, TransactWriteItem, Update, WriteRequest,
};
use aws_sdk_dynamodb::Client;
use ddb_conformance::TestEnv;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

const TABLE: &str = "model";
const INDEX: &str = "byTag";
/// The number attribute.
const NUM: &str = "cnt";
/// The string attribute (the GSI's hash key).
const TAG: &str = "tag";
const TAGS: [&str; 2] = ["red", "blue"];

// ---- the generated actions -------------------------------------------------------

/// A key: partition `p{p}`, sort key `s`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct K {
    p: u8,
    s: u8,
}

impl fmt::Debug for K {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}/{}", self.p, self.s)
    }
}

/// The non-key attributes of a put.
#[derive(Clone, PartialEq)]
struct Attrs {
    cnt: Option<i64>,
    tag: Option<&'static str>,
}

impl fmt::Debug for Attrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        if let Some(c) = self.cnt {
            write!(f, "cnt={c}")?;
        }
        if let Some(t) = self.tag {
            write!(f, "{}tag={t}", if self.cnt.is_some() { " " } else { "" })?;
        }
        write!(f, "}}")
    }
}

#[derive(Clone, PartialEq)]
enum Cond {
    Exists,
    NotExists,
    HasCnt,
    CntGe(i64),
    CntLt(i64),
    TagIs(&'static str),
}

impl Cond {
    /// The expression and its values.
    fn expr(&self) -> (String, Vec<(&'static str, AV)>) {
        match self {
            Cond::Exists => ("attribute_exists(pk)".into(), vec![]),
            Cond::NotExists => ("attribute_not_exists(pk)".into(), vec![]),
            Cond::HasCnt => (format!("attribute_exists({NUM})"), vec![]),
            Cond::CntGe(v) => (format!("{NUM} >= :c"), vec![(":c", AV::N(v.to_string()))]),
            Cond::CntLt(v) => (format!("{NUM} < :c"), vec![(":c", AV::N(v.to_string()))]),
            Cond::TagIs(t) => (format!("{TAG} = :c"), vec![(":c", AV::S(t.to_string()))]),
        }
    }

    fn holds(&self, item: Option<&MItem>) -> bool {
        let cnt = item.and_then(|i| match i.get(NUM) {
            Some(V::N(v)) => Some(*v),
            _ => None,
        });
        match self {
            Cond::Exists => item.is_some(),
            Cond::NotExists => item.is_none(),
            Cond::HasCnt => cnt.is_some(),
            Cond::CntGe(v) => cnt.is_some_and(|c| c >= *v as i128),
            Cond::CntLt(v) => cnt.is_some_and(|c| c < *v as i128),
            Cond::TagIs(t) => item.and_then(|i| i.get(TAG)) == Some(&V::S(t.to_string())),
        }
    }
}

impl fmt::Debug for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (e, vals) = self.expr();
        match vals.first() {
            Some((_, AV::N(v))) => write!(f, "{}", e.replace(":c", v)),
            Some((_, AV::S(v))) => write!(f, "{}", e.replace(":c", &format!("{v:?}"))),
            _ => write!(f, "{e}"),
        }
    }
}

#[derive(Clone, PartialEq)]
enum UpdOp {
    SetTag(&'static str),
    SetCnt(i64),
    AddCnt(i64),
    /// `SET cnt = cnt + :u`: fails when the item has no `cnt`.
    IncrCnt(i64),
    RemoveCnt,
    RemoveTag,
    SetTagAddCnt(&'static str, i64),
}

impl UpdOp {
    fn expr(&self) -> (String, Vec<(&'static str, AV)>) {
        let num = |v: &i64| AV::N(v.to_string());
        let st = |v: &str| AV::S(v.to_string());
        match self {
            UpdOp::SetTag(t) => (format!("SET {TAG} = :u"), vec![(":u", st(t))]),
            UpdOp::SetCnt(v) => (format!("SET {NUM} = :u"), vec![(":u", num(v))]),
            UpdOp::AddCnt(v) => (format!("ADD {NUM} :u"), vec![(":u", num(v))]),
            UpdOp::IncrCnt(v) => (format!("SET {NUM} = {NUM} + :u"), vec![(":u", num(v))]),
            UpdOp::RemoveCnt => (format!("REMOVE {NUM}"), vec![]),
            UpdOp::RemoveTag => (format!("REMOVE {TAG}"), vec![]),
            UpdOp::SetTagAddCnt(t, v) => {
                (format!("SET {TAG} = :u ADD {NUM} :v"), vec![(":u", st(t)), (":v", num(v))])
            }
        }
    }

    /// The attributes the update names (for UPDATED_OLD / UPDATED_NEW).
    fn paths(&self) -> &'static [&'static str] {
        match self {
            UpdOp::SetTag(_) | UpdOp::RemoveTag => &[TAG],
            UpdOp::SetCnt(_) | UpdOp::AddCnt(_) | UpdOp::IncrCnt(_) | UpdOp::RemoveCnt => &[NUM],
            UpdOp::SetTagAddCnt(..) => &[TAG, NUM],
        }
    }

    /// Whether the update only removes: on a missing item it creates
    /// nothing (the service's answer; ALL_NEW then returns nothing).
    fn only_removes(&self) -> bool {
        matches!(self, UpdOp::RemoveCnt | UpdOp::RemoveTag)
    }

    /// Applies the update to `base` (the current item, or the key alone).
    fn apply(&self, base: &MItem) -> Result<MItem, String> {
        let mut it = base.clone();
        let cnt = match it.get(NUM) {
            Some(V::N(v)) => Some(*v),
            _ => None,
        };
        match self {
            UpdOp::SetTag(t) => {
                it.insert(TAG.into(), V::S(t.to_string()));
            }
            UpdOp::SetCnt(v) => {
                it.insert(NUM.into(), V::N(*v as i128));
            }
            UpdOp::AddCnt(v) => {
                it.insert(NUM.into(), V::N(cnt.unwrap_or(0) + *v as i128));
            }
            UpdOp::IncrCnt(v) => match cnt {
                Some(c) => {
                    it.insert(NUM.into(), V::N(c + *v as i128));
                }
                None => return Err(MISSING_ATTRIBUTE.into()),
            },
            UpdOp::RemoveCnt => {
                it.remove(NUM);
            }
            UpdOp::RemoveTag => {
                it.remove(TAG);
            }
            UpdOp::SetTagAddCnt(t, v) => {
                it.insert(TAG.into(), V::S(t.to_string()));
                it.insert(NUM.into(), V::N(cnt.unwrap_or(0) + *v as i128));
            }
        }
        Ok(it)
    }
}

impl fmt::Debug for UpdOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (mut e, vals) = self.expr();
        for (name, v) in vals {
            let shown = match v {
                AV::N(n) => format!("{name}({n})"),
                AV::S(s) => format!("{name}({s:?})"),
                _ => unreachable!(),
            };
            e = e.replace(name, &shown);
        }
        write!(f, "{e}")
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Rv {
    None,
    AllOld,
    AllNew,
    UpdatedOld,
    UpdatedNew,
}

impl fmt::Debug for Rv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rv::None => "NONE",
            Rv::AllOld => "ALL_OLD",
            Rv::AllNew => "ALL_NEW",
            Rv::UpdatedOld => "UPDATED_OLD",
            Rv::UpdatedNew => "UPDATED_NEW",
        })
    }
}

#[derive(Clone, PartialEq, Debug)]
enum TxKind {
    Put(Attrs),
    Update(UpdOp),
    Delete,
    Check,
}

#[derive(Clone, PartialEq)]
struct TxOp {
    k: K,
    kind: TxKind,
    cond: Option<Cond>,
    /// ReturnValuesOnConditionCheckFailure = ALL_OLD.
    old_on_fail: bool,
}

impl fmt::Debug for TxOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TxKind::Put(a) => write!(f, "Put {:?} {a:?}", self.k)?,
            TxKind::Update(u) => write!(f, "Update {:?} {u:?}", self.k)?,
            TxKind::Delete => write!(f, "Delete {:?}", self.k)?,
            TxKind::Check => write!(f, "Check {:?}", self.k)?,
        }
        write_cond(f, &self.cond, self.old_on_fail)
    }
}

fn write_cond(f: &mut fmt::Formatter<'_>, cond: &Option<Cond>, old_on_fail: bool) -> fmt::Result {
    if let Some(c) = cond {
        write!(f, " if {c:?}")?;
        if old_on_fail {
            write!(f, " (old on failure)")?;
        }
    }
    Ok(())
}

#[derive(Clone, PartialEq)]
enum Action {
    Put {
        k: K,
        attrs: Attrs,
        cond: Option<Cond>,
        all_old: bool,
        old_on_fail: bool,
    },
    Update {
        k: K,
        op: UpdOp,
        cond: Option<Cond>,
        rv: Rv,
        old_on_fail: bool,
    },
    Delete {
        k: K,
        cond: Option<Cond>,
        all_old: bool,
        old_on_fail: bool,
    },
    /// `None` attributes: a DeleteRequest.
    Batch(Vec<(K, Option<Attrs>)>),
    Transact(Vec<TxOp>),
    Get {
        k: K,
        consistent: bool,
    },
    Query {
        p: u8,
        forward: bool,
    },
    QueryIndex {
        tag: &'static str,
    },
    Scan {
        limit: Option<i32>,
    },
    TransactGet(Vec<K>),
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Put { k, attrs, cond, all_old, old_on_fail } => {
                write!(f, "Put {k:?} {attrs:?}")?;
                write_cond(f, cond, *old_on_fail)?;
                if *all_old {
                    write!(f, " rv=ALL_OLD")?;
                }
                Ok(())
            }
            Action::Update { k, op, cond, rv, old_on_fail } => {
                write!(f, "Update {k:?} {op:?}")?;
                write_cond(f, cond, *old_on_fail)?;
                if *rv != Rv::None {
                    write!(f, " rv={rv:?}")?;
                }
                Ok(())
            }
            Action::Delete { k, cond, all_old, old_on_fail } => {
                write!(f, "Delete {k:?}")?;
                write_cond(f, cond, *old_on_fail)?;
                if *all_old {
                    write!(f, " rv=ALL_OLD")?;
                }
                Ok(())
            }
            Action::Batch(writes) => {
                write!(f, "BatchWrite[")?;
                for (i, (k, a)) in writes.iter().enumerate() {
                    let sep = if i > 0 { ", " } else { "" };
                    match a {
                        Some(a) => write!(f, "{sep}Put {k:?} {a:?}")?,
                        None => write!(f, "{sep}Delete {k:?}")?,
                    }
                }
                write!(f, "]")
            }
            Action::Transact(ops) => write!(f, "TransactWrite{ops:?}"),
            Action::Get { k, consistent } => {
                write!(f, "Get {k:?}{}", if *consistent { " consistent" } else { "" })
            }
            Action::Query { p, forward } => {
                write!(f, "Query p{p}{}", if *forward { "" } else { " backward" })
            }
            Action::QueryIndex { tag } => write!(f, "QueryIndex {TAG}={tag}"),
            Action::Scan { limit } => match limit {
                Some(l) => write!(f, "Scan limit={l}"),
                None => write!(f, "Scan"),
            },
            Action::TransactGet(keys) => write!(f, "TransactGet{keys:?}"),
        }
    }
}

// ---- strategies ------------------------------------------------------------------

fn key() -> impl Strategy<Value = K> {
    (0u8..2, 0u8..3).prop_map(|(p, s)| K { p, s })
}

fn tag() -> impl Strategy<Value = &'static str> {
    prop::sample::select(TAGS.to_vec())
}

fn attrs() -> impl Strategy<Value = Attrs> {
    (prop::option::of(-3i64..6), prop::option::of(tag())).prop_map(|(cnt, tag)| Attrs { cnt, tag })
}

fn cond() -> impl Strategy<Value = Cond> {
    prop_oneof![
        Just(Cond::Exists),
        Just(Cond::NotExists),
        Just(Cond::HasCnt),
        (-2i64..5).prop_map(Cond::CntGe),
        (-2i64..5).prop_map(Cond::CntLt),
        tag().prop_map(Cond::TagIs),
    ]
}

fn maybe_cond() -> impl Strategy<Value = Option<Cond>> {
    prop::option::weighted(0.5, cond())
}

fn upd_op() -> impl Strategy<Value = UpdOp> {
    prop_oneof![
        tag().prop_map(UpdOp::SetTag),
        (-3i64..6).prop_map(UpdOp::SetCnt),
        (-3i64..6).prop_map(UpdOp::AddCnt),
        (-3i64..6).prop_map(UpdOp::IncrCnt),
        Just(UpdOp::RemoveCnt),
        Just(UpdOp::RemoveTag),
        (tag(), -3i64..6).prop_map(|(t, v)| UpdOp::SetTagAddCnt(t, v)),
    ]
}

/// An update and its condition. `SET cnt = cnt + :u` never gets a condition:
/// when both the condition and the update would fail, which error the
/// service reports is not documented.
fn update_with_cond() -> impl Strategy<Value = (UpdOp, Option<Cond>)> {
    (upd_op(), maybe_cond()).prop_map(|(op, c)| match op {
        UpdOp::IncrCnt(_) => (op, None),
        _ => (op, c),
    })
}

fn rv() -> impl Strategy<Value = Rv> {
    prop::sample::select(vec![Rv::None, Rv::AllOld, Rv::AllNew, Rv::UpdatedOld, Rv::UpdatedNew])
}

fn tx_op() -> impl Strategy<Value = TxOp> {
    let kind = prop_oneof![
        (attrs(), maybe_cond()).prop_map(|(a, c)| (TxKind::Put(a), c)),
        update_with_cond().prop_map(|(u, c)| (TxKind::Update(u), c)),
        maybe_cond().prop_map(|c| (TxKind::Delete, c)),
        cond().prop_map(|c| (TxKind::Check, Some(c))),
    ];
    (key(), kind, any::<bool>()).prop_map(|(k, (kind, cond), old_on_fail)| TxOp {
        k,
        kind,
        cond,
        old_on_fail,
    })
}

/// Lists that name each key once, but one time in five keep their
/// duplicates (which the service rejects as a whole).
fn mostly_distinct<T: Clone + fmt::Debug>(
    list: impl Strategy<Value = Vec<T>>,
    key_of: fn(&T) -> K,
) -> impl Strategy<Value = Vec<T>> {
    (list, prop::bool::weighted(0.8)).prop_map(move |(mut v, distinct)| {
        if distinct {
            let mut seen = BTreeSet::new();
            v.retain(|x| seen.insert(key_of(x)));
        }
        v
    })
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => (key(), attrs(), maybe_cond(), any::<bool>(), any::<bool>()).prop_map(
            |(k, attrs, cond, all_old, old_on_fail)| Action::Put { k, attrs, cond, all_old, old_on_fail }
        ),
        5 => (key(), update_with_cond(), rv(), any::<bool>())
            .prop_map(|(k, (op, cond), rv, old_on_fail)| Action::Update { k, op, cond, rv, old_on_fail }),
        2 => (key(), maybe_cond(), any::<bool>(), any::<bool>())
            .prop_map(|(k, cond, all_old, old_on_fail)| Action::Delete { k, cond, all_old, old_on_fail }),
        2 => mostly_distinct(prop::collection::vec((key(), prop::option::weighted(0.7, attrs())), 1..=4), |w| w.0)
            .prop_map(Action::Batch),
        4 => mostly_distinct(prop::collection::vec(tx_op(), 1..=4), |o| o.k).prop_map(Action::Transact),
        2 => (key(), any::<bool>()).prop_map(|(k, consistent)| Action::Get { k, consistent }),
        1 => (0u8..2, any::<bool>()).prop_map(|(p, forward)| Action::Query { p, forward }),
        1 => tag().prop_map(|tag| Action::QueryIndex { tag }),
        1 => prop::option::of(1i32..4).prop_map(|limit| Action::Scan { limit }),
        1 => mostly_distinct(prop::collection::vec(key(), 1..=3), |k| *k).prop_map(Action::TransactGet),
    ]
}

// ---- values, items and outcomes ----------------------------------------------------

/// A value as the model sees it (the test only stores strings and integers).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum V {
    S(String),
    N(i128),
}

impl fmt::Debug for V {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            V::S(s) => write!(f, "{s:?}"),
            V::N(n) => write!(f, "{n}"),
        }
    }
}

type MItem = BTreeMap<String, V>;

const MISSING_ATTRIBUTE: &str =
    "The provided expression refers to an attribute that does not exist in the item";
const BATCH_DUPLICATES: &str = "Provided list of item keys contains duplicates";
const TX_DUPLICATES: &str = "Transaction request cannot include multiple operations on one item";
const CONDITION_FAILED: &str = "The conditional request failed";

/// What one action returned.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// A write succeeded, returning these attributes (if any).
    Written(Option<MItem>),
    /// GetItem.
    Item(Option<MItem>),
    /// Query / Scan, in the order the test compares them.
    Items(Vec<MItem>),
    /// TransactGetItems, in request order.
    Gets(Vec<Option<MItem>>),
    /// ConditionalCheckFailedException, with the old item if asked for.
    ConditionFailed(Option<MItem>),
    /// TransactionCanceledException: (code, message, item) per action.
    Cancelled(Vec<(String, Option<String>, Option<MItem>)>),
    /// ValidationException with this message.
    Invalid(String),
    /// Anything else (a test or emulator bug).
    Other(String, String),
}

fn key_item(k: K) -> MItem {
    MItem::from([("pk".to_string(), V::S(format!("p{}", k.p))), ("sk".to_string(), V::N(k.s as i128))])
}

fn put_item(k: K, a: &Attrs) -> MItem {
    let mut it = key_item(k);
    if let Some(c) = a.cnt {
        it.insert(NUM.into(), V::N(c as i128));
    }
    if let Some(t) = a.tag {
        it.insert(TAG.into(), V::S(t.to_string()));
    }
    it
}

fn to_sdk(it: &MItem) -> Item {
    it.iter()
        .map(|(k, v)| {
            let v = match v {
                V::S(s) => AV::S(s.clone()),
                V::N(n) => AV::N(n.to_string()),
            };
            (k.clone(), v)
        })
        .collect()
}

fn sdk_key(k: K) -> Item {
    to_sdk(&key_item(k))
}

fn from_sdk(it: &Item) -> MItem {
    it.iter()
        .map(|(k, v)| {
            let v = match v {
                AV::S(s) => V::S(s.clone()),
                AV::N(n) => V::N(n.parse().unwrap_or_else(|_| panic!("not an integer: {n}"))),
                other => panic!("unexpected value {other:?}"),
            };
            (k.clone(), v)
        })
        .collect()
}

fn project(it: &MItem, paths: &[&str]) -> Option<MItem> {
    let p: MItem =
        it.iter().filter(|(k, _)| paths.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
    (!p.is_empty()).then_some(p)
}

// ---- the reference model -----------------------------------------------------------

#[derive(Default)]
struct Model {
    items: BTreeMap<K, MItem>,
}

impl Model {
    fn apply(&mut self, a: &Action) -> Outcome {
        match a {
            Action::Put { k, attrs, cond, all_old, old_on_fail } => {
                let old = self.items.get(k).cloned();
                if let Some(c) = cond {
                    if !c.holds(old.as_ref()) {
                        return Outcome::ConditionFailed(if *old_on_fail { old } else { None });
                    }
                }
                self.items.insert(*k, put_item(*k, attrs));
                Outcome::Written(if *all_old { old } else { None })
            }
            Action::Update { k, op, cond, rv, old_on_fail } => {
                let old = self.items.get(k).cloned();
                if let Some(c) = cond {
                    if !c.holds(old.as_ref()) {
                        return Outcome::ConditionFailed(if *old_on_fail { old } else { None });
                    }
                }
                if old.is_none() && op.only_removes() {
                    return Outcome::Written(None);
                }
                let new = match op.apply(old.as_ref().unwrap_or(&key_item(*k))) {
                    Ok(n) => n,
                    Err(msg) => return Outcome::Invalid(msg),
                };
                self.items.insert(*k, new.clone());
                Outcome::Written(match rv {
                    Rv::None => None,
                    Rv::AllOld => old,
                    Rv::AllNew => Some(new),
                    Rv::UpdatedOld => old.as_ref().and_then(|o| project(o, op.paths())),
                    Rv::UpdatedNew => project(&new, op.paths()),
                })
            }
            Action::Delete { k, cond, all_old, old_on_fail } => {
                let old = self.items.get(k).cloned();
                if let Some(c) = cond {
                    if !c.holds(old.as_ref()) {
                        return Outcome::ConditionFailed(if *old_on_fail { old } else { None });
                    }
                }
                self.items.remove(k);
                Outcome::Written(if *all_old { old } else { None })
            }
            Action::Batch(writes) => {
                let keys: BTreeSet<K> = writes.iter().map(|(k, _)| *k).collect();
                if keys.len() != writes.len() {
                    return Outcome::Invalid(BATCH_DUPLICATES.into());
                }
                for (k, a) in writes {
                    match a {
                        Some(a) => self.items.insert(*k, put_item(*k, a)),
                        None => self.items.remove(k),
                    };
                }
                Outcome::Written(None)
            }
            Action::Transact(ops) => {
                let keys: BTreeSet<K> = ops.iter().map(|o| o.k).collect();
                if keys.len() != ops.len() {
                    return Outcome::Invalid(TX_DUPLICATES.into());
                }
                let mut reasons = Vec::new();
                let mut changes = Vec::new();
                for o in ops {
                    let old = self.items.get(&o.k);
                    if let Some(c) = &o.cond {
                        if !c.holds(old) {
                            let item = if o.old_on_fail { old.cloned() } else { None };
                            reasons.push((
                                "ConditionalCheckFailed".to_string(),
                                Some(CONDITION_FAILED.to_string()),
                                item,
                            ));
                            continue;
                        }
                    }
                    let change = match &o.kind {
                        TxKind::Put(a) => Some(Some(put_item(o.k, a))),
                        TxKind::Delete => Some(None),
                        TxKind::Check => None,
                        TxKind::Update(u) if old.is_none() && u.only_removes() => None,
                        TxKind::Update(u) => match u.apply(old.unwrap_or(&key_item(o.k))) {
                            Ok(n) => Some(Some(n)),
                            Err(msg) => {
                                reasons.push(("ValidationError".to_string(), Some(msg), None));
                                continue;
                            }
                        },
                    };
                    reasons.push(("None".to_string(), None, None));
                    changes.push((o.k, change));
                }
                if reasons.iter().any(|r| r.0 != "None") {
                    return Outcome::Cancelled(reasons);
                }
                for (k, change) in changes {
                    match change {
                        Some(Some(it)) => {
                            self.items.insert(k, it);
                        }
                        Some(None) => {
                            self.items.remove(&k);
                        }
                        None => {}
                    }
                }
                Outcome::Written(None)
            }
            Action::Get { k, .. } => Outcome::Item(self.items.get(k).cloned()),
            Action::Query { p, forward } => {
                let mut items: Vec<MItem> =
                    self.items.iter().filter(|(k, _)| k.p == *p).map(|(_, v)| v.clone()).collect();
                if !forward {
                    items.reverse();
                }
                Outcome::Items(items)
            }
            Action::QueryIndex { tag } => Outcome::Items(
                self.items
                    .values()
                    .filter(|it| it.get(TAG) == Some(&V::S(tag.to_string())))
                    .cloned()
                    .collect(),
            ),
            Action::Scan { .. } => Outcome::Items(self.items.values().cloned().collect()),
            Action::TransactGet(keys) => {
                let distinct: BTreeSet<K> = keys.iter().copied().collect();
                if distinct.len() != keys.len() {
                    return Outcome::Invalid(TX_DUPLICATES.into());
                }
                Outcome::Gets(keys.iter().map(|k| self.items.get(k).cloned()).collect())
            }
        }
    }

    fn all(&self) -> Vec<MItem> {
        self.items.values().cloned().collect()
    }
}

// ---- the emulator side ---------------------------------------------------------------

/// Turns an SDK error into an outcome; `cond_item` extracts the old item of
/// a ConditionalCheckFailedException.
fn error_outcome<E, R>(e: SdkError<E, R>, cond_item: impl Fn(&E) -> Option<Option<MItem>>) -> Outcome
where
    E: ProvideErrorMetadata + fmt::Debug,
    R: fmt::Debug,
{
    match e.as_service_error() {
        Some(se) => {
            if let Some(item) = cond_item(se) {
                return Outcome::ConditionFailed(item);
            }
            let code = se.code().unwrap_or("").to_string();
            let msg = se.message().unwrap_or("").to_string();
            if code == "ValidationException" {
                Outcome::Invalid(msg)
            } else {
                Outcome::Other(code, msg)
            }
        }
        None => Outcome::Other(format!("{e:?}"), String::new()),
    }
}

fn values_of(pairs: Vec<(&'static str, AV)>) -> Option<HashMap<String, AV>> {
    (!pairs.is_empty()).then(|| pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// The condition's expression and values, merged with `extra` values.
fn cond_parts(
    cond: &Option<Cond>,
    extra: Vec<(&'static str, AV)>,
) -> (Option<String>, Option<HashMap<String, AV>>) {
    let mut vals = extra;
    let expr = cond.as_ref().map(|c| {
        let (e, v) = c.expr();
        vals.extend(v);
        e
    });
    (expr, values_of(vals))
}

fn old_on_fail_param(on: bool) -> Option<ReturnValuesOnConditionCheckFailure> {
    on.then_some(ReturnValuesOnConditionCheckFailure::AllOld)
}

fn tx_item(o: &TxOp) -> TransactWriteItem {
    let b = TransactWriteItem::builder();
    let rvf = old_on_fail_param(o.old_on_fail);
    match &o.kind {
        TxKind::Put(a) => {
            let (cond, vals) = cond_parts(&o.cond, vec![]);
            b.put(
                Put::builder()
                    .table_name(TABLE)
                    .set_item(Some(to_sdk(&put_item(o.k, a))))
                    .set_condition_expression(cond)
                    .set_expression_attribute_values(vals)
                    .set_return_values_on_condition_check_failure(rvf)
                    .build()
                    .unwrap(),
            )
            .build()
        }
        TxKind::Update(u) => {
            let (expr, uv) = u.expr();
            let (cond, vals) = cond_parts(&o.cond, uv);
            b.update(
                Update::builder()
                    .table_name(TABLE)
                    .set_key(Some(sdk_key(o.k)))
                    .update_expression(expr)
                    .set_condition_expression(cond)
                    .set_expression_attribute_values(vals)
                    .set_return_values_on_condition_check_failure(rvf)
                    .build()
                    .unwrap(),
            )
            .build()
        }
        TxKind::Delete => {
            let (cond, vals) = cond_parts(&o.cond, vec![]);
            b.delete(
                Delete::builder()
                    .table_name(TABLE)
                    .set_key(Some(sdk_key(o.k)))
                    .set_condition_expression(cond)
                    .set_expression_attribute_values(vals)
                    .set_return_values_on_condition_check_failure(rvf)
                    .build()
                    .unwrap(),
            )
            .build()
        }
        TxKind::Check => {
            let (cond, vals) = cond_parts(&o.cond, vec![]);
            b.condition_check(
                ConditionCheck::builder()
                    .table_name(TABLE)
                    .set_key(Some(sdk_key(o.k)))
                    .set_condition_expression(cond)
                    .set_expression_attribute_values(vals)
                    .set_return_values_on_condition_check_failure(rvf)
                    .build()
                    .unwrap(),
            )
            .build()
        }
    }
}

async fn run_on_emulator(c: &Client, a: &Action) -> Outcome {
    match a {
        Action::Put { k, attrs, cond, all_old, old_on_fail } => {
            let (cond, vals) = cond_parts(cond, vec![]);
            let r = c
                .put_item()
                .table_name(TABLE)
                .set_item(Some(to_sdk(&put_item(*k, attrs))))
                .set_condition_expression(cond)
                .set_expression_attribute_values(vals)
                .set_return_values(all_old.then_some(ReturnValue::AllOld))
                .set_return_values_on_condition_check_failure(old_on_fail_param(*old_on_fail))
                .send()
                .await;
            match r {
                Ok(out) => Outcome::Written(out.attributes.as_ref().map(from_sdk)),
                Err(e) => error_outcome(e, |se| match se {
                    PutItemError::ConditionalCheckFailedException(x) => Some(x.item().map(from_sdk)),
                    _ => None,
                }),
            }
        }
        Action::Update { k, op, cond, rv, old_on_fail } => {
            let (expr, uv) = op.expr();
            let (cond, vals) = cond_parts(cond, uv);
            let rv = match rv {
                Rv::None => None,
                Rv::AllOld => Some(ReturnValue::AllOld),
                Rv::AllNew => Some(ReturnValue::AllNew),
                Rv::UpdatedOld => Some(ReturnValue::UpdatedOld),
                Rv::UpdatedNew => Some(ReturnValue::UpdatedNew),
            };
            let r = c
                .update_item()
                .table_name(TABLE)
                .set_key(Some(sdk_key(*k)))
                .update_expression(expr)
                .set_condition_expression(cond)
                .set_expression_attribute_values(vals)
                .set_return_values(rv)
                .set_return_values_on_condition_check_failure(old_on_fail_param(*old_on_fail))
                .send()
                .await;
            match r {
                Ok(out) => Outcome::Written(out.attributes.as_ref().map(from_sdk)),
                Err(e) => error_outcome(e, |se| match se {
                    UpdateItemError::ConditionalCheckFailedException(x) => Some(x.item().map(from_sdk)),
                    _ => None,
                }),
            }
        }
        Action::Delete { k, cond, all_old, old_on_fail } => {
            let (cond, vals) = cond_parts(cond, vec![]);
            let r = c
                .delete_item()
                .table_name(TABLE)
                .set_key(Some(sdk_key(*k)))
                .set_condition_expression(cond)
                .set_expression_attribute_values(vals)
                .set_return_values(all_old.then_some(ReturnValue::AllOld))
                .set_return_values_on_condition_check_failure(old_on_fail_param(*old_on_fail))
                .send()
                .await;
            match r {
                Ok(out) => Outcome::Written(out.attributes.as_ref().map(from_sdk)),
                Err(e) => error_outcome(e, |se| match se {
                    DeleteItemError::ConditionalCheckFailedException(x) => Some(x.item().map(from_sdk)),
                    _ => None,
                }),
            }
        }
        Action::Batch(writes) => {
            let reqs: Vec<WriteRequest> = writes
                .iter()
                .map(|(k, a)| match a {
                    Some(a) => WriteRequest::builder()
                        .put_request(
                            PutRequest::builder().set_item(Some(to_sdk(&put_item(*k, a)))).build().unwrap(),
                        )
                        .build(),
                    None => WriteRequest::builder()
                        .delete_request(DeleteRequest::builder().set_key(Some(sdk_key(*k))).build().unwrap())
                        .build(),
                })
                .collect();
            match c.batch_write_item().request_items(TABLE, reqs).send().await {
                Ok(out) if out.unprocessed_items.as_ref().is_none_or(|u| u.is_empty()) => {
                    Outcome::Written(None)
                }
                Ok(out) => Outcome::Other("UnprocessedItems".into(), format!("{:?}", out.unprocessed_items)),
                Err(e) => error_outcome(e, |_| None),
            }
        }
        Action::Transact(ops) => {
            let items: Vec<TransactWriteItem> = ops.iter().map(tx_item).collect();
            match c.transact_write_items().set_transact_items(Some(items)).send().await {
                Ok(_) => Outcome::Written(None),
                Err(e) => {
                    if let Some(TransactWriteItemsError::TransactionCanceledException(x)) =
                        e.as_service_error()
                    {
                        return Outcome::Cancelled(
                            x.cancellation_reasons()
                                .iter()
                                .map(|r| {
                                    (
                                        r.code().unwrap_or("").to_string(),
                                        r.message().map(str::to_string),
                                        r.item().map(from_sdk),
                                    )
                                })
                                .collect(),
                        );
                    }
                    error_outcome(e, |_| None)
                }
            }
        }
        Action::Get { k, consistent } => {
            match c
                .get_item()
                .table_name(TABLE)
                .set_key(Some(sdk_key(*k)))
                .consistent_read(*consistent)
                .send()
                .await
            {
                Ok(out) => Outcome::Item(out.item.as_ref().map(from_sdk)),
                Err(e) => error_outcome(e, |_| None),
            }
        }
        Action::Query { p, forward } => {
            let r = c
                .query()
                .table_name(TABLE)
                .key_condition_expression("pk = :p")
                .expression_attribute_values(":p", AV::S(format!("p{p}")))
                .scan_index_forward(*forward)
                .consistent_read(true)
                .send()
                .await;
            match r {
                Ok(out) => Outcome::Items(out.items.unwrap_or_default().iter().map(from_sdk).collect()),
                Err(e) => error_outcome(e, |_| None),
            }
        }
        Action::QueryIndex { tag } => {
            let r = c
                .query()
                .table_name(TABLE)
                .index_name(INDEX)
                .key_condition_expression(format!("{TAG} = :t"))
                .expression_attribute_values(":t", AV::S(tag.to_string()))
                .send()
                .await;
            match r {
                Ok(out) => {
                    let mut items = out.items.unwrap_or_default();
                    sort_items(&mut items);
                    Outcome::Items(items.iter().map(from_sdk).collect())
                }
                Err(e) => error_outcome(e, |_| None),
            }
        }
        Action::Scan { limit } => {
            let mut items = Vec::new();
            let mut start = None;
            for _ in 0..20 {
                let r = c
                    .scan()
                    .table_name(TABLE)
                    .consistent_read(true)
                    .set_limit(*limit)
                    .set_exclusive_start_key(start.take())
                    .send()
                    .await;
                match r {
                    Ok(page) => {
                        items.extend(page.items.unwrap_or_default());
                        match page.last_evaluated_key {
                            Some(k) if !k.is_empty() => start = Some(k),
                            _ => break,
                        }
                    }
                    Err(e) => return error_outcome(e, |_| None),
                }
            }
            sort_items(&mut items);
            Outcome::Items(items.iter().map(from_sdk).collect())
        }
        Action::TransactGet(keys) => {
            let gets: Vec<TransactGetItem> = keys
                .iter()
                .map(|k| {
                    TransactGetItem::builder()
                        .get(Get::builder().table_name(TABLE).set_key(Some(sdk_key(*k))).build().unwrap())
                        .build()
                })
                .collect();
            match c.transact_get_items().set_transact_items(Some(gets)).send().await {
                Ok(out) => Outcome::Gets(
                    out.responses.unwrap_or_default().iter().map(|r| r.item.as_ref().map(from_sdk)).collect(),
                ),
                Err(e) => error_outcome(e, |_| None),
            }
        }
    }
}

async fn scan_state(c: &Client) -> Vec<MItem> {
    match run_on_emulator(c, &Action::Scan { limit: None }).await {
        Outcome::Items(items) => items,
        other => panic!("scan failed: {other:?}"),
    }
}

/// Runs one sequence from an empty table.
async fn run_case(c: &Client, actions: &[Action]) -> Result<(), TestCaseError> {
    // Empty the table (all six keys).
    let all: Vec<WriteRequest> = (0..2)
        .flat_map(|p| (0..3).map(move |s| K { p, s }))
        .map(|k| {
            WriteRequest::builder()
                .delete_request(DeleteRequest::builder().set_key(Some(sdk_key(k))).build().unwrap())
                .build()
        })
        .collect();
    c.batch_write_item().request_items(TABLE, all).send().await.expect("empty the table");
    prop_assert_eq!(scan_state(c).await, Vec::<MItem>::new(), "the table starts empty");

    let mut model = Model::default();
    for (i, a) in actions.iter().enumerate() {
        let want = model.apply(a);
        let got = run_on_emulator(c, a).await;
        prop_assert_eq!(&got, &want, "step {} ({:?}): emulator (left) vs model (right)", i, a);
    }
    prop_assert_eq!(scan_state(c).await, model.all(), "final state: emulator (left) vs model (right)");
    Ok(())
}

#[test]
fn emulator_agrees_with_a_reference_model() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let env = rt.block_on(TestEnv::new());
    rt.block_on(create_table(&env.client, TABLE, true, &[(INDEX, TAG)], &[]));
    let config = Config { cases: 64, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&prop::collection::vec(action(), 1..=30), |actions| {
        rt.block_on(run_case(&env.client, &actions))
    });
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, actions)) => {
            let steps: Vec<String> =
                actions.iter().enumerate().map(|(i, a)| format!("  {i:>2}: {a:?}")).collect();
            panic!("{reason}\nminimal failing sequence:\n{}", steps.join("\n"));
        }
        Err(e) => panic!("{e}"),
    }
}
