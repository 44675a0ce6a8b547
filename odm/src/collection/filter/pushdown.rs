//! What DynamoDB can evaluate of a filter: a key plan (which `_id`s, or
//! which range of them, to read) and FilterExpression pieces.
//!
//! Every piece is implied by the filter. Mongo's array semantics are kept
//! by an escape: a condition on `a.b` is pushed as `(cond OR a is a list OR
//! a.b is a list)`, so documents whose match depends on array elements are
//! let through and decided in the library. Negations (`$ne`, `$nin`,
//! `$not`, `$nor`) and paths with numeric segments are not pushed down.

use super::{Cond, Filter, Pattern};
use crate::collection::expr::{Piece, Placeholders, MAX_EXPRESSION_BYTES, MAX_IN_OPERANDS, MAX_OPERATORS};
use crate::collection::path::Path;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;

/// Which documents of the class to read.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum KeyPlan {
    /// The whole partition.
    All,
    /// These ids only (sorted, deduplicated; empty: nothing can match).
    Ids(Vec<String>),
    /// A range of ids: lower and upper bounds, each (id, inclusive).
    Range { lo: Option<(String, bool)>, hi: Option<(String, bool)> },
    /// Ids starting with a prefix.
    Prefix(String),
}

/// The pushed-down part of a filter.
pub(crate) struct Pushdown {
    pub key: KeyPlan,
    /// FilterExpression, when anything fits.
    pub filter: Option<Piece>,
    /// Whether some implied conditions were left out for the expression
    /// limits (they are still checked in the library). Read by tests.
    #[cfg_attr(not(test), allow(dead_code))]
    pub truncated: bool,
}

/// Plans the read for `filter`. `sk` is the stored name of `_id`.
/// `pk` / `sk`: the stored names of the class and of `_id`.
pub(crate) fn plan(filter: &Filter, pk: &str, sk: &str) -> Pushdown {
    let top: Vec<&Filter> = match filter {
        Filter::And(p) => p.iter().collect(),
        f => vec![f],
    };
    let key = key_plan(&top);
    let mut ph = Placeholders::default();
    let mut pieces = Vec::new();
    for f in &top {
        pieces.extend(push(f, pk, sk, &mut ph));
    }
    // Keep what fits: the service refuses a FilterExpression over 4 KB or
    // with more than 300 operators; the rest is checked here anyway.
    let budget = MAX_EXPRESSION_BYTES - 64;
    let mut kept: Vec<Piece> = Vec::new();
    let (mut len, mut ops, mut truncated) = (0usize, 0usize, false);
    for p in pieces {
        if len + p.text.len() + 5 <= budget && ops + p.ops < MAX_OPERATORS - 10 {
            len += p.text.len() + 5;
            ops += p.ops + 1;
            kept.push(p);
        } else {
            truncated = true;
        }
    }
    let filter = (!kept.is_empty()).then(|| Piece::join(kept, "AND"));
    Pushdown { key, filter, truncated }
}

fn key_plan(top: &[&Filter]) -> KeyPlan {
    let mut ids: Option<Vec<String>> = None;
    let mut lo: Option<(String, bool)> = None;
    let mut hi: Option<(String, bool)> = None;
    let mut prefix: Option<String> = None;
    let intersect = |ids: &mut Option<Vec<String>>, mut new: Vec<String>| {
        new.sort();
        new.dedup();
        *ids = Some(match ids.take() {
            None => new,
            Some(old) => old.into_iter().filter(|x| new.contains(x)).collect(),
        });
    };
    for f in top {
        let Filter::Field(path, conds) = f else { continue };
        if path.segments() != ["_id"] {
            continue;
        }
        for c in conds {
            match c {
                Cond::Eq(Value::String(s)) => intersect(&mut ids, vec![s.clone()]),
                // `_id` is always a string: nothing else equals it.
                Cond::Eq(_) => intersect(&mut ids, vec![]),
                Cond::In(vs) => {
                    intersect(&mut ids, vs.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                }
                Cond::Gt(Value::String(s)) => lo = tighter_lo(lo.take(), (s.clone(), false)),
                Cond::Gte(Value::String(s)) => lo = tighter_lo(lo.take(), (s.clone(), true)),
                Cond::Lt(Value::String(s)) => hi = tighter_hi(hi.take(), (s.clone(), false)),
                Cond::Lte(Value::String(s)) => hi = tighter_hi(hi.take(), (s.clone(), true)),
                Cond::Regex(p) => {
                    if let Some(x) = literal_prefix(p) {
                        if prefix.as_ref().is_none_or(|old| x.len() > old.len()) {
                            prefix = Some(x);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(ids) = ids {
        return KeyPlan::Ids(ids);
    }
    if lo.is_some() || hi.is_some() {
        if let (Some((l, _)), Some((h, _))) = (&lo, &hi) {
            if l > h {
                return KeyPlan::Ids(vec![]);
            }
        }
        return KeyPlan::Range { lo, hi };
    }
    prefix.map(KeyPlan::Prefix).unwrap_or(KeyPlan::All)
}

fn tighter_lo(old: Option<(String, bool)>, new: (String, bool)) -> Option<(String, bool)> {
    match old {
        Some(o) if o.0 > new.0 || (o.0 == new.0 && !o.1) => Some(o),
        _ => Some(new),
    }
}

fn tighter_hi(old: Option<(String, bool)>, new: (String, bool)) -> Option<(String, bool)> {
    match old {
        Some(o) if o.0 < new.0 || (o.0 == new.0 && !o.1) => Some(o),
        _ => Some(new),
    }
}

/// The literal text every match of the pattern starts with, when the
/// pattern is anchored and case-sensitive (`^abc.*` gives `abc`).
///
pub(crate) fn literal_prefix(p: &Pattern) -> Option<String> {
    if p.options.contains(['i', 'm', 'x']) || p.source.contains('|') {
        return None;
    }
    let rest = p.source.strip_prefix('^').or_else(|| p.source.strip_prefix("\\A"))?;
    let mut out = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek() {
                Some(n) if n.is_ascii_punctuation() => {
                    out.push(*n);
                    chars.next();
                }
                _ => break,
            },
            '?' | '*' | '{' => {
                out.pop(); // the last literal was optional
                break;
            }
            '.' | '[' | '(' | ')' | '+' | '^' | '$' => break,
            c => out.push(c),
        }
    }
    (!out.is_empty()).then_some(out)
}

fn scalar(v: &Value) -> Option<AttributeValue> {
    match v {
        Value::String(s) => Some(AttributeValue::S(s.clone())),
        Value::Number(n) => Some(AttributeValue::N(n.to_string())),
        _ => None,
    }
}

/// `attribute_type(prefix, L)` for each prefix of the path (all of them,
/// or the proper ones only), and `attribute_type(path, SS / NS)` for the
/// set types whose elements the operand could equal (items written by
/// others may hold sets; they read as arrays).
fn escapes(
    path: &Path,
    sk: &str,
    ph: &mut Placeholders,
    piece: &mut Piece,
    proper: bool,
    sets: &[&str],
) -> Vec<String> {
    if path.top() == "_id" {
        return Vec::new(); // the sort key is a string
    }
    let n = path.segments().len() - usize::from(proper);
    let mut out = Vec::new();
    for i in 1..=n {
        let prefix = Path::parse(&path.segments()[..i].join(".")).expect("segments of a valid path");
        let p = ph.path(piece, &prefix, stored(&prefix, sk));
        let l = ph.value(piece, AttributeValue::S("L".into()));
        out.push(format!("attribute_type({p}, {l})"));
        piece.ops += 2;
    }
    if !proper {
        for t in sets {
            let p = ph.path(piece, path, stored(path, sk));
            let v = ph.value(piece, AttributeValue::S(t.to_string()));
            out.push(format!("attribute_type({p}, {v})"));
            piece.ops += 2;
        }
    }
    out
}

/// The set types an operand's type could be an element of.
fn set_types<'a>(values: impl IntoIterator<Item = &'a AttributeValue>) -> Vec<&'static str> {
    let mut out = Vec::new();
    for v in values {
        let t = match v {
            AttributeValue::S(_) => "SS",
            AttributeValue::N(_) => "NS",
            _ => continue,
        };
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

fn stored<'a>(path: &'a Path, sk: &'a str) -> &'a str {
    if path.top() == "_id" {
        sk
    } else {
        path.top()
    }
}

/// One condition, with its escapes, as a piece.
fn with_escapes(
    path: &Path,
    sk: &str,
    ph: &mut Placeholders,
    proper: bool,
    sets: &[&str],
    build: impl FnOnce(&str, &mut Placeholders, &mut Piece) -> String,
) -> Piece {
    let mut piece = Piece::default();
    let p = ph.path(&mut piece, path, stored(path, sk));
    let core = build(&p, ph, &mut piece);
    piece.ops += 1;
    let mut alts = vec![core];
    alts.extend(escapes(path, sk, ph, &mut piece, proper, sets));
    piece.ops += alts.len() - 1;
    piece.text = if alts.len() == 1 { alts.pop().unwrap() } else { format!("({})", alts.join(" OR ")) };
    piece
}

fn push(f: &Filter, pk: &str, sk: &str, ph: &mut Placeholders) -> Vec<Piece> {
    match f {
        Filter::And(parts) => parts.iter().flat_map(|f| push(f, pk, sk, ph)).collect(),
        Filter::Or(parts) => {
            let mut branches = Vec::new();
            for p in parts {
                let pieces = push(p, pk, sk, ph);
                if pieces.is_empty() {
                    return Vec::new(); // one branch unconstrained: the OR is too
                }
                branches.push(Piece::join(pieces, "AND"));
            }
            vec![Piece::join(branches, "OR")]
        }
        Filter::Nor(_) => Vec::new(),
        Filter::Field(path, conds) => {
            // The service refuses key attributes in a FilterExpression (the
            // key plan covers `_id`; documents never hold the key attribute
            // names as fields), and numeric segments are ambiguous.
            if path.has_numeric() || path.top() == "_id" || path.top() == pk || path.top() == sk {
                return Vec::new();
            }
            conds.iter().flat_map(|c| push_cond(path, c, sk, ph)).collect()
        }
    }
}

fn push_cond(path: &Path, c: &Cond, sk: &str, ph: &mut Placeholders) -> Vec<Piece> {
    let compare = |op: &'static str, v: &Value, ph: &mut Placeholders| -> Vec<Piece> {
        let Some(av) = scalar(v) else { return Vec::new() };
        let sets = set_types([&av]);
        vec![with_escapes(path, sk, ph, false, &sets, |p, ph, piece| {
            format!("{p} {op} {}", ph.value(piece, av))
        })]
    };
    match c {
        // Equal, or an element of a list or set: `contains` says both more
        // selectively than "is a list" (on a string it means substring,
        // a superset, which is all a pushed condition must be).
        Cond::Eq(v) => match scalar(v) {
            Some(av) => vec![with_escapes(path, sk, ph, true, &[], |p, ph, piece| {
                let a = ph.value(piece, av);
                piece.ops += 2;
                format!("({p} = {a} OR contains({p}, {a}))")
            })],
            None => Vec::new(),
        },
        Cond::Gt(v) => compare(">", v, ph),
        Cond::Gte(v) => compare(">=", v, ph),
        Cond::Lt(v) => compare("<", v, ph),
        Cond::Lte(v) => compare("<=", v, ph),
        Cond::In(vs) => {
            let avs: Option<Vec<AttributeValue>> = vs.iter().map(scalar).collect();
            match avs {
                Some(avs) if !avs.is_empty() => {
                    vec![with_escapes(path, sk, ph, false, &set_types(&avs), |p, ph, piece| {
                        let chunks: Vec<String> = avs
                            .chunks(MAX_IN_OPERANDS)
                            .map(|chunk| {
                                let list: Vec<String> =
                                    chunk.iter().map(|a| ph.value(piece, a.clone())).collect();
                                format!("{p} IN ({})", list.join(", "))
                            })
                            .collect();
                        piece.ops += chunks.len() * 2;
                        if chunks.len() == 1 {
                            chunks.into_iter().next().unwrap()
                        } else {
                            format!("({})", chunks.join(" OR "))
                        }
                    })]
                }
                _ => Vec::new(),
            }
        }
        Cond::All(vs) => vs
            .iter()
            .filter_map(|v| {
                let av = scalar(v)?;
                Some(with_escapes(path, sk, ph, true, &[], |p, ph, piece| {
                    let a = ph.value(piece, av);
                    piece.ops += 2;
                    format!("(contains({p}, {a}) OR {p} = {a})")
                }))
            })
            .collect(),
        Cond::Exists(true) => {
            vec![with_escapes(path, sk, ph, true, &[], |p, _, _| format!("attribute_exists({p})"))]
        }
        Cond::Exists(false) if path.segments().len() == 1 => {
            vec![with_escapes(path, sk, ph, true, &[], |p, _, _| format!("attribute_not_exists({p})"))]
        }
        Cond::Regex(pat) => match literal_prefix(pat) {
            Some(prefix) => vec![with_escapes(path, sk, ph, false, &["SS"], |p, ph, piece| {
                format!("begins_with({p}, {})", ph.value(piece, AttributeValue::S(prefix)))
            })],
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pattern(src: &str, opts: &str) -> Pattern {
        Pattern { source: src.into(), options: opts.into(), regex: regex::Regex::new(src).unwrap() }
    }

    #[test]
    fn literal_prefixes() {
        assert_eq!(literal_prefix(&pattern("^abc", "")), Some("abc".into()));
        assert_eq!(literal_prefix(&pattern("^abc?d", "")), Some("ab".into()));
        assert_eq!(literal_prefix(&pattern("^a\\.b.*", "")), Some("a.b".into()));
        assert_eq!(literal_prefix(&pattern("^ab|cd", "")), None);
        assert_eq!(literal_prefix(&pattern("abc", "")), None);
        assert_eq!(literal_prefix(&pattern("^abc", "i")), None);
        assert_eq!(literal_prefix(&pattern("^\\d+", "")), None);
    }

    #[test]
    fn key_plans() {
        let f = Filter::parse(&json!({"_id": {"$gte": "b", "$lt": "d"}, "x": 1})).unwrap();
        let p = plan(&f, "_pk_className", "_sk_id");
        assert_eq!(p.key, KeyPlan::Range { lo: Some(("b".into(), true)), hi: Some(("d".into(), false)) });
        assert!(p.filter.is_some());
        let f = Filter::parse(&json!({"_id": {"$in": ["b", "a", "b"]}})).unwrap();
        assert_eq!(plan(&f, "_pk_className", "_sk_id").key, KeyPlan::Ids(vec!["a".into(), "b".into()]));
        let f = Filter::parse(&json!({"_id": {"$regex": "^user-"}})).unwrap();
        assert_eq!(plan(&f, "_pk_className", "_sk_id").key, KeyPlan::Prefix("user-".into()));
    }

    #[test]
    fn big_expressions_are_truncated_not_sent() {
        let vals: Vec<String> = (0..2000).map(|i| format!("value-{i}")).collect();
        let f = Filter::parse(&json!({"tags": {"$all": vals}})).unwrap();
        let p = plan(&f, "_pk_className", "_sk_id");
        assert!(p.truncated);
        assert!(p.filter.unwrap().text.len() <= MAX_EXPRESSION_BYTES);
    }
}
