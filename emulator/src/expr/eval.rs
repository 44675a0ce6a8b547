//! Condition evaluation over an item (borrowed, never cloned).
//!
//! Rules (Developer Guide, "Comparison operator and function reference",
//! and the legacy ComparisonOperator descriptions in the API reference):
//! numbers compare numerically, strings by UTF-8 bytes, binary as unsigned
//! bytes; `<`, `<=`, `>`, `>=` and BETWEEN only order two values of the same
//! scalar type (S, N or B), anything else is false; `=` and `<>` compare any
//! two values (different types are unequal); a comparison with a missing
//! attribute is false, except `<>`, which is true (a missing attribute is
//! not equal to anything: the service's answer, in conditions and filters
//! alike). `size` counts UTF-16 code units of a
//! string (as the service does: `size("é𝄞") = 3`), bytes of a binary and
//! elements of a set, list or map; for other types it yields nothing (the
//! comparison is false).

use super::ast::*;
use crate::value::{AttributeValue, Item, Number};
use std::borrow::Cow;
use std::cmp::Ordering;

/// The value at `path` in `item`, if any (resolved paths only).
pub fn lookup<'a>(item: &'a Item, path: &Path) -> Option<&'a AttributeValue> {
    let mut elems = path.elems.iter();
    let mut cur = match elems.next()? {
        PathElem::Attr(n) => item.get(n.resolved()?)?,
        PathElem::Index(_) => return None,
    };
    for e in elems {
        cur = match (e, cur) {
            (PathElem::Attr(n), AttributeValue::M(m)) => m.get(n.resolved()?)?,
            (PathElem::Index(i), AttributeValue::L(l)) => l.get(*i as usize)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Orders two values of the same scalar type (S, N, B); `None` otherwise.
pub fn compare_values(a: &AttributeValue, b: &AttributeValue) -> Option<Ordering> {
    match (a, b) {
        (AttributeValue::N(x), AttributeValue::N(y)) => Some(x.cmp(y)),
        (AttributeValue::S(x), AttributeValue::S(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (AttributeValue::B(x), AttributeValue::B(y)) => Some(x.as_slice().cmp(y.as_slice())),
        _ => None,
    }
}

/// `size()` of a value: UTF-16 code units of S, bytes of B, elements of sets, lists and maps.
pub fn size_of(v: &AttributeValue) -> Option<usize> {
    Some(match v {
        AttributeValue::S(s) => s.encode_utf16().count(),
        AttributeValue::B(b) => b.len(),
        AttributeValue::Ss(s) => s.len(),
        AttributeValue::Ns(s) => s.len(),
        AttributeValue::Bs(s) => s.len(),
        AttributeValue::L(l) => l.len(),
        AttributeValue::M(m) => m.len(),
        AttributeValue::N(_) | AttributeValue::Bool(_) | AttributeValue::Null => return None,
    })
}

/// The value of an operand (`None`: missing attribute, unsized type, unresolved placeholder).
pub fn operand<'a>(o: &'a Operand, item: &'a Item) -> Option<Cow<'a, AttributeValue>> {
    match o {
        Operand::Path(p) => lookup(item, p).map(Cow::Borrowed),
        Operand::Value(v) => v.literal().map(Cow::Borrowed),
        Operand::Size(o) => {
            let n = size_of(&*operand(o, item)?)?;
            Some(Cow::Owned(AttributeValue::N(Number::from_u64(n as u64))))
        }
        Operand::Paren(inner) => operand(inner, item),
    }
}

/// Whether `o` is `size(x)` of a present value that has no size.
fn unsized_size(o: &Operand, item: &Item) -> bool {
    match o.unparen() {
        Operand::Size(inner) => operand(inner, item).is_some(),
        _ => false,
    }
}

/// Applies a comparator to two present values.
pub fn compare(a: &AttributeValue, op: CompareOp, b: &AttributeValue) -> bool {
    match op {
        CompareOp::Eq => a == b,
        CompareOp::Ne => a != b,
        CompareOp::Lt => compare_values(a, b) == Some(Ordering::Less),
        CompareOp::Le => matches!(compare_values(a, b), Some(Ordering::Less | Ordering::Equal)),
        CompareOp::Gt => compare_values(a, b) == Some(Ordering::Greater),
        CompareOp::Ge => matches!(compare_values(a, b), Some(Ordering::Greater | Ordering::Equal)),
    }
}

/// `lo <= v <= hi` (same scalar type throughout).
pub fn between(v: &AttributeValue, lo: &AttributeValue, hi: &AttributeValue) -> bool {
    matches!(compare_values(v, lo), Some(Ordering::Greater | Ordering::Equal))
        && matches!(compare_values(v, hi), Some(Ordering::Less | Ordering::Equal))
}

/// `begins_with(v, prefix)` for S and B.
pub fn begins_with(v: &AttributeValue, prefix: &AttributeValue) -> bool {
    match (v, prefix) {
        (AttributeValue::S(s), AttributeValue::S(p)) => s.starts_with(p.as_str()),
        (AttributeValue::B(s), AttributeValue::B(p)) => s.starts_with(p),
        _ => false,
    }
}

/// `contains(v, x)`: substring of S, subsequence of B, member of a set, element of a list.
pub fn contains(v: &AttributeValue, x: &AttributeValue) -> bool {
    match (v, x) {
        (AttributeValue::S(s), AttributeValue::S(p)) => s.contains(p.as_str()),
        (AttributeValue::B(s), AttributeValue::B(p)) => {
            p.is_empty() || s.windows(p.len()).any(|w| w == p.as_slice())
        }
        (AttributeValue::Ss(set), AttributeValue::S(p)) => set.contains(p),
        (AttributeValue::Ns(set), AttributeValue::N(p)) => set.contains(p),
        (AttributeValue::Bs(set), AttributeValue::B(p)) => set.contains(p),
        (AttributeValue::L(list), x) => list.iter().any(|e| e == x),
        _ => false,
    }
}

impl Condition {
    /// Evaluates this (resolved) condition against `item`. Never fails:
    /// type mismatches and missing attributes make comparisons false.
    ///
    /// Chains of `NOT` and parentheses are unwound in a loop and the leaf
    /// work lives in its own (not inlined) function, so the recursion (only
    /// through AND / OR, at most 300 operators deep) uses small frames: the
    /// deepest expressions 4 KB allow evaluate on a 2 MB stack.
    pub fn evaluate(&self, item: &Item) -> bool {
        let mut c = self;
        let mut negate = false;
        loop {
            match c {
                Condition::Not(x) => {
                    negate = !negate;
                    c = x;
                }
                Condition::Paren(x) => c = x,
                Condition::And(l, r) => return negate ^ (l.evaluate(item) && r.evaluate(item)),
                Condition::Or(l, r) => return negate ^ (l.evaluate(item) || r.evaluate(item)),
                leaf => return negate ^ leaf.evaluate_leaf(item),
            }
        }
    }

    #[inline(never)]
    fn evaluate_leaf(&self, item: &Item) -> bool {
        match self {
            Condition::Compare(l, op, r) => match (operand(l, item), operand(r, item)) {
                (Some(a), Some(b)) => compare(&a, *op, &b),
                // A missing attribute is unequal to anything; the size of
                // a value that has none (a number) compares false throughout.
                _ => *op == CompareOp::Ne && !unsized_size(l, item) && !unsized_size(r, item),
            },
            Condition::Between(o, lo, hi) => match (operand(o, item), operand(lo, item), operand(hi, item)) {
                (Some(v), Some(a), Some(b)) => between(&v, &a, &b),
                _ => false,
            },
            Condition::In(o, list) => match operand(o, item) {
                Some(v) => list.iter().any(|x| operand(x, item).is_some_and(|x| *x == *v)),
                None => false,
            },
            Condition::AttributeExists(p) => lookup(item, p).is_some(),
            Condition::AttributeNotExists(p) => lookup(item, p).is_none(),
            Condition::AttributeType(o, t) => match (operand(o, item), t.literal()) {
                (Some(v), Some(AttributeValue::S(name))) => v.value_type().as_str() == name,
                _ => false,
            },
            Condition::BeginsWith(a, o) => match (operand(a, item), operand(o, item)) {
                (Some(v), Some(x)) => begins_with(&v, &x),
                _ => false,
            },
            Condition::Contains(p, o) => match (lookup(item, p), operand(o, item)) {
                (Some(v), Some(x)) => contains(v, &x),
                _ => false,
            },
            Condition::Not(c) => !c.evaluate(item),
            Condition::And(l, r) => l.evaluate(item) && r.evaluate(item),
            Condition::Or(l, r) => l.evaluate(item) || r.evaluate(item),
            Condition::Paren(c) => c.evaluate(item),
        }
    }

    /// The top-level attribute names this condition reads (resolved names),
    /// e.g. to reject key attributes in a Query filter.
    pub fn top_level_names(&self) -> Vec<&str> {
        fn path<'a>(p: &'a Path, out: &mut Vec<&'a str>) {
            if let Some(t) = p.top() {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
        fn opnd<'a>(o: &'a Operand, out: &mut Vec<&'a str>) {
            match o {
                Operand::Path(p) => path(p, out),
                Operand::Size(o) => opnd(o, out),
                Operand::Value(_) => {}
                Operand::Paren(i) => opnd(i, out),
            }
        }
        fn walk<'a>(c: &'a Condition, out: &mut Vec<&'a str>) {
            match c {
                Condition::Compare(l, _, r) => {
                    opnd(l, out);
                    opnd(r, out);
                }
                Condition::Between(a, b, d) => {
                    opnd(a, out);
                    opnd(b, out);
                    opnd(d, out);
                }
                Condition::In(o, l) => {
                    opnd(o, out);
                    l.iter().for_each(|x| opnd(x, out));
                }
                Condition::AttributeExists(p) | Condition::AttributeNotExists(p) => path(p, out),
                Condition::AttributeType(o, _) => opnd(o, out),
                Condition::BeginsWith(a, o) => {
                    opnd(a, out);
                    opnd(o, out);
                }
                Condition::Contains(p, o) => {
                    path(p, out);
                    opnd(o, out);
                }
                Condition::Not(x) | Condition::Paren(x) => walk(x, out),
                Condition::And(l, r) | Condition::Or(l, r) => {
                    walk(l, out);
                    walk(r, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }
}
