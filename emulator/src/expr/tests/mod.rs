//! Tests of the expression language: unit tests per function, operator,
//! clause and error text ([`unit`]), legacy parameters ([`legacy`]) and
//! property tests ([`props`]).

mod legacy;
mod props;
mod unit;

use super::*;
use crate::value::{AttributeValue, Item, Number};
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn s(x: &str) -> AttributeValue {
    AttributeValue::S(x.to_string())
}
pub(super) fn n(x: &str) -> AttributeValue {
    AttributeValue::N(Number::parse(x).expect("test number"))
}
pub(super) fn b(x: &[u8]) -> AttributeValue {
    AttributeValue::B(x.to_vec())
}
pub(super) fn ss(x: &[&str]) -> AttributeValue {
    AttributeValue::Ss(x.iter().map(|v| v.to_string()).collect())
}
pub(super) fn ns(x: &[&str]) -> AttributeValue {
    AttributeValue::Ns(x.iter().map(|v| Number::parse(v).expect("test number")).collect())
}
pub(super) fn bs(x: &[&[u8]]) -> AttributeValue {
    AttributeValue::Bs(x.iter().map(|v| v.to_vec()).collect::<BTreeSet<_>>())
}
pub(super) fn l(x: Vec<AttributeValue>) -> AttributeValue {
    AttributeValue::L(x)
}
pub(super) fn m(x: &[(&str, AttributeValue)]) -> AttributeValue {
    AttributeValue::M(item(x))
}
pub(super) fn item(x: &[(&str, AttributeValue)]) -> Item {
    x.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}
pub(super) fn names(x: &[(&str, &str)]) -> BTreeMap<String, String> {
    x.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Parses a request with one expression of `kind`.
pub(super) fn request(
    kind: ExprKind,
    src: &str,
    ns: Option<&BTreeMap<String, String>>,
    vs: Option<&Item>,
) -> crate::error::Result<ParsedRequest> {
    let mut r = RequestExpressions { names: ns, values: vs, ..Default::default() };
    match kind {
        ExprKind::Condition => r.condition = Some(src),
        ExprKind::Filter => r.filter = Some(src),
        ExprKind::KeyCondition => r.key_condition = Some(src),
        ExprKind::Projection => r.projection = Some(src),
        ExprKind::Update => r.update = Some(src),
    }
    parse_request(r)
}

/// The error message of a request expected to fail.
pub(super) fn err(kind: ExprKind, src: &str, ns: &[(&str, &str)], vs: &[(&str, AttributeValue)]) -> String {
    let ns = names(ns);
    let vs = item(vs);
    let r = request(kind, src, (!ns.is_empty()).then_some(&ns), (!vs.is_empty()).then_some(&vs));
    match r {
        Ok(p) => panic!("expected an error for {src:?}, got {p:?}"),
        Err(e) => {
            assert_eq!(e.kind, crate::error::ErrorKind::Validation, "{e:?}");
            e.message
        }
    }
}

/// Whether placeholder `key` occurs in `src` as a whole token.
pub(super) fn mentions(src: &str, key: &str) -> bool {
    src.match_indices(key).any(|(i, _)| {
        !src[i + key.len()..].chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// Only the entries `src` mentions (so shared fixtures do not trip the unused check).
pub(super) fn used<'a, T: Clone>(src: &str, x: &[(&'a str, T)]) -> Vec<(&'a str, T)> {
    x.iter().filter(|(k, _)| mentions(src, k)).cloned().collect()
}

/// A resolved condition.
pub(super) fn cond(src: &str, ns: &[(&str, &str)], vs: &[(&str, AttributeValue)]) -> Condition {
    let ns = names(&used(src, ns));
    let vs = item(&used(src, vs));
    request(ExprKind::Condition, src, (!ns.is_empty()).then_some(&ns), (!vs.is_empty()).then_some(&vs))
        .unwrap_or_else(|e| panic!("{src:?}: {e:?}"))
        .condition
        .expect("condition")
}

/// A resolved update.
pub(super) fn upd(src: &str, ns: &[(&str, &str)], vs: &[(&str, AttributeValue)]) -> UpdateExpression {
    let ns = names(&used(src, ns));
    let vs = item(&used(src, vs));
    request(ExprKind::Update, src, (!ns.is_empty()).then_some(&ns), (!vs.is_empty()).then_some(&vs))
        .unwrap_or_else(|e| panic!("{src:?}: {e:?}"))
        .update
        .expect("update")
}
