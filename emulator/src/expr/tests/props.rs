//! Property tests: print/parse round trips, evaluation against a small
//! reference evaluator, update invariants, and no panics on any input.

use super::*;
use crate::value::ValueType;
use proptest::collection::{btree_map, btree_set, vec as pvec};
use proptest::prelude::*;
use proptest::sample::select;
use std::cmp::Ordering;

const BARE: &[&str] = &["a", "b", "c", "l", "mp"];
const NAME_PLACEHOLDERS: &[&str] = &["#n0", "#n1", "#n2"];
const TYPE_NAMES: &[&str] = &["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"];

fn name_map() -> BTreeMap<String, String> {
    names(&[("#n0", "status"), ("#n1", "a-b"), ("#n2", "a")])
}

// ---- Generators ----------------------------------------------------------------------------

fn arb_name(bare: &'static [&'static str]) -> impl Strategy<Value = Name> {
    prop_oneof![
        3 => select(bare).prop_map(|s| Name::Plain(s.to_string())),
        1 => select(NAME_PLACEHOLDERS).prop_map(|s| Name::Placeholder(s.to_string())),
    ]
}

fn arb_path_in(bare: &'static [&'static str], max_extra: usize) -> impl Strategy<Value = Path> {
    let elem = prop_oneof![arb_name(BARE).prop_map(PathElem::Attr), (0u32..3).prop_map(PathElem::Index)];
    (arb_name(bare), pvec(elem, 0..max_extra)).prop_map(|(first, rest)| {
        let mut elems = vec![PathElem::Attr(first)];
        elems.extend(rest);
        Path { elems }
    })
}

fn arb_path() -> impl Strategy<Value = Path> {
    arb_path_in(BARE, 3)
}

fn arb_value_ref() -> impl Strategy<Value = ValueRef> {
    (0usize..8).prop_map(|i| ValueRef::Placeholder(format!(":v{i}")))
}

fn arb_operand() -> impl Strategy<Value = Operand> {
    let leaf = prop_oneof![
        4 => arb_path().prop_map(Operand::Path),
        4 => arb_value_ref().prop_map(Operand::Value),
        1 => arb_path().prop_map(|p| Operand::Size(Box::new(Operand::Path(p)))),
    ];
    prop_oneof![6 => leaf.clone(), 1 => leaf.prop_map(|o| Operand::Paren(Box::new(o)))]
}

fn arb_compare_op() -> impl Strategy<Value = CompareOp> {
    select(vec![CompareOp::Eq, CompareOp::Ne, CompareOp::Lt, CompareOp::Le, CompareOp::Gt, CompareOp::Ge])
}

fn arb_leaf_condition() -> impl Strategy<Value = Condition> {
    prop_oneof![
        4 => (arb_operand(), arb_compare_op(), arb_operand()).prop_map(|(l, op, r)| Condition::Compare(l, op, r)),
        1 => (arb_operand(), arb_operand(), arb_operand()).prop_map(|(a, b, c)| Condition::Between(a, b, c)),
        1 => (arb_operand(), pvec(arb_operand(), 1..4)).prop_map(|(a, l)| Condition::In(a, l)),
        1 => arb_path().prop_map(Condition::AttributeExists),
        1 => arb_path().prop_map(Condition::AttributeNotExists),
        1 => (arb_path(), (0usize..TYPE_NAMES.len()).prop_map(|i| ValueRef::Placeholder(format!(":t{i}"))))
            .prop_map(|(p, t)| Condition::AttributeType(Operand::Path(p), t)),
        1 => (arb_path(), arb_operand()).prop_map(|(p, o)| Condition::BeginsWith(Operand::Path(p), o)),
        1 => (arb_path(), arb_operand()).prop_map(|(p, o)| Condition::Contains(p, o)),
    ]
}

fn paren(c: Condition) -> Condition {
    Condition::Paren(Box::new(c))
}

/// Adds the parentheses precedence needs (and drops doubled ones), so the
/// AST is one the parser can produce.
fn normalize(c: Condition) -> Condition {
    match c {
        Condition::And(l, r) => {
            let (l, r) = (normalize(*l), normalize(*r));
            let l = if matches!(l, Condition::Or(..)) { paren(l) } else { l };
            let r = if matches!(r, Condition::Or(..) | Condition::And(..)) { paren(r) } else { r };
            Condition::And(Box::new(l), Box::new(r))
        }
        Condition::Or(l, r) => {
            let (l, r) = (normalize(*l), normalize(*r));
            let r = if matches!(r, Condition::Or(..)) { paren(r) } else { r };
            Condition::Or(Box::new(l), Box::new(r))
        }
        Condition::Not(x) => {
            let x = normalize(*x);
            let x = if matches!(x, Condition::Or(..) | Condition::And(..)) { paren(x) } else { x };
            Condition::Not(Box::new(x))
        }
        Condition::Paren(x) => match normalize(*x) {
            p @ Condition::Paren(_) => p,
            x => paren(x),
        },
        leaf => leaf,
    }
}

fn arb_condition() -> impl Strategy<Value = Condition> {
    arb_leaf_condition()
        .prop_recursive(4, 24, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|c| Condition::Not(Box::new(c))),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Condition::And(Box::new(a), Box::new(b))),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| Condition::Or(Box::new(a), Box::new(b))),
                inner.prop_map(paren),
            ]
        })
        .prop_map(normalize)
}

fn arb_value_ref_in(pool: &'static [usize]) -> impl Strategy<Value = ValueRef> {
    select(pool).prop_map(|i| ValueRef::Placeholder(format!(":v{i}")))
}

/// Value pools (see [`arb_values`]): numbers, sets, lists, anything (type
/// errors are still produced through paths and `:v7` in plain SET values).
const ANY: &[usize] = &[0, 1, 2, 3, 4, 5, 6, 7];
const NUMBERS: &[usize] = &[0, 1];
const LISTS: &[usize] = &[5];
const ADDABLE: &[usize] = &[0, 1, 4];
const SETS: &[usize] = &[4];

fn arb_set_operand_in(pool: &'static [usize]) -> impl Strategy<Value = SetOperand> {
    let leaf = prop_oneof![
        arb_path().prop_map(SetOperand::Path),
        arb_value_ref_in(pool).prop_map(SetOperand::Value)
    ];
    leaf.prop_recursive(2, 6, 2, move |inner| {
        let list_arg = || {
            prop_oneof![
                arb_path().prop_map(SetOperand::Path),
                arb_value_ref_in(LISTS).prop_map(SetOperand::Value)
            ]
        };
        prop_oneof![
            (arb_path(), inner).prop_map(|(p, d)| SetOperand::IfNotExists(p, Box::new(d))),
            (list_arg(), list_arg()).prop_map(|(a, b)| SetOperand::ListAppend(Box::new(a), Box::new(b))),
        ]
    })
}

fn arb_set_value() -> impl Strategy<Value = SetValue> {
    prop_oneof![
        3 => arb_set_operand_in(ANY).prop_map(SetValue::Operand),
        1 => (arb_set_operand_in(NUMBERS), arb_set_operand_in(NUMBERS)).prop_map(|(a, b)| SetValue::Plus(a, b)),
        1 => (arb_set_operand_in(NUMBERS), arb_set_operand_in(NUMBERS)).prop_map(|(a, b)| SetValue::Minus(a, b)),
    ]
}

const TARGETS: &[&str] = &["a", "b", "c", "l", "mp", "d", "e", "f", "g", "pk"];

fn arb_clause(kind: usize) -> BoxedStrategy<UpdateClause> {
    let target = || arb_path_in(TARGETS, 2);
    match kind {
        0 => pvec((target(), arb_set_value()).prop_map(|(path, value)| SetAction { path, value }), 1..3)
            .prop_map(UpdateClause::Set)
            .boxed(),
        1 => pvec(target(), 1..3).prop_map(UpdateClause::Remove).boxed(),
        2 => pvec((target(), arb_value_ref_in(ADDABLE)), 1..3).prop_map(UpdateClause::Add).boxed(),
        _ => pvec((target(), arb_value_ref_in(SETS)), 1..3).prop_map(UpdateClause::Delete).boxed(),
    }
}

fn arb_update() -> impl Strategy<Value = UpdateExpression> {
    proptest::sample::subsequence(vec![0usize, 1, 2, 3], 1..=4)
        .prop_shuffle()
        .prop_flat_map(|kinds| kinds.into_iter().map(arb_clause).collect::<Vec<_>>())
        .prop_map(|clauses| UpdateExpression { clauses, legacy: false })
}

fn arb_scalar() -> impl Strategy<Value = AttributeValue> {
    prop_oneof![
        select(vec!["", "a", "ab", "b", "é𝄞", "0"]).prop_map(s),
        select(vec!["-1", "0", "1", "2.5", "10", "100"]).prop_map(n),
        select(vec![vec![], vec![0u8], vec![1], vec![0, 1], vec![255]]).prop_map(AttributeValue::B),
        any::<bool>().prop_map(AttributeValue::Bool),
        Just(AttributeValue::Null),
        btree_set(select(vec!["a", "b", "x"]), 1..3)
            .prop_map(|x| AttributeValue::Ss(x.into_iter().map(String::from).collect())),
        btree_set(select(vec!["1", "2", "10"]), 1..3)
            .prop_map(|x| AttributeValue::Ns(x.into_iter().map(|v| Number::parse(v).expect("n")).collect())),
        btree_set(select(vec![vec![0u8], vec![1]]), 1..3).prop_map(AttributeValue::Bs),
    ]
}

fn arb_value() -> impl Strategy<Value = AttributeValue> {
    arb_scalar().prop_recursive(2, 10, 3, |inner| {
        prop_oneof![
            pvec(inner.clone(), 0..3).prop_map(AttributeValue::L),
            btree_map(select(vec!["a", "b", "x"]).prop_map(String::from), inner, 0..3)
                .prop_map(|m| AttributeValue::M(m.into_iter().collect())),
        ]
    })
}

fn arb_item() -> impl Strategy<Value = Item> {
    btree_map(
        select(vec!["a", "b", "c", "l", "mp", "d", "e", "status", "a-b", "pk"]).prop_map(String::from),
        arb_value(),
        0..8,
    )
    .prop_map(|m| m.into_iter().collect())
}

/// Values for `:v0`..`:v7`: mostly numbers and strings, so that most
/// generated expressions pass the constant-type checks.
fn arb_values() -> impl Strategy<Value = Vec<AttributeValue>> {
    let num = select(vec!["-1", "0", "1", "2.5", "10", "100"]).prop_map(n);
    let st = select(vec!["", "a", "ab", "b", "é𝄞", "0"]).prop_map(s);
    let set = arb_scalar().prop_filter("a set", |v| {
        matches!(v, AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_))
    });
    let list = pvec(arb_scalar(), 0..3).prop_map(AttributeValue::L);
    (num.clone(), num, st.clone(), prop_oneof![st, arb_scalar()], set, list, arb_scalar(), arb_value())
        .prop_map(|(a, b, c, d, e, f, g, h)| vec![a, b, c, d, e, f, g, h])
}

/// The names and values maps for `src` (only the entries it mentions).
fn maps_for(src: &str, values: &[AttributeValue]) -> (BTreeMap<String, String>, Item) {
    let ns: BTreeMap<String, String> = name_map().into_iter().filter(|(k, _)| mentions(src, k)).collect();
    let mut vs = Item::new();
    for (i, v) in values.iter().enumerate() {
        let k = format!(":v{i}");
        if mentions(src, &k) {
            vs.insert(k, v.clone());
        }
    }
    for (i, t) in TYPE_NAMES.iter().enumerate() {
        let k = format!(":t{i}");
        if mentions(src, &k) {
            vs.insert(k, s(t));
        }
    }
    (ns, vs)
}

// ---- Reference evaluator ------------------------------------------------------------------------

struct Ref<'a> {
    names: &'a BTreeMap<String, String>,
    values: &'a Item,
    item: &'a Item,
}

impl Ref<'_> {
    fn name(&self, n: &Name) -> String {
        match n {
            Name::Plain(s) => s.clone(),
            Name::Placeholder(p) => self.names[p].clone(),
        }
    }
    fn lookup(&self, p: &Path) -> Option<AttributeValue> {
        let mut cur = AttributeValue::M(self.item.clone());
        for e in &p.elems {
            cur = match (e, cur) {
                (PathElem::Attr(n), AttributeValue::M(m)) => m.get(&self.name(n))?.clone(),
                (PathElem::Index(i), AttributeValue::L(l)) => l.get(*i as usize)?.clone(),
                _ => return None,
            };
        }
        Some(cur)
    }
    fn operand(&self, o: &Operand) -> Option<AttributeValue> {
        match o {
            Operand::Path(p) => self.lookup(p),
            Operand::Value(ValueRef::Placeholder(k)) => self.values.get(k).cloned(),
            Operand::Value(ValueRef::Literal(v)) => Some(v.clone()),
            Operand::Size(o) => {
                let k = match self.operand(o)? {
                    AttributeValue::S(x) => x.chars().map(char::len_utf16).sum(),
                    AttributeValue::B(x) => x.len(),
                    AttributeValue::Ss(x) => x.len(),
                    AttributeValue::Ns(x) => x.len(),
                    AttributeValue::Bs(x) => x.len(),
                    AttributeValue::L(x) => x.len(),
                    AttributeValue::M(x) => x.len(),
                    _ => return None,
                };
                Some(AttributeValue::N(Number::from_u64(k as u64)))
            }
            Operand::Paren(x) => self.operand(x),
        }
    }
    fn order(a: &AttributeValue, b: &AttributeValue) -> Option<Ordering> {
        match (a, b) {
            (AttributeValue::N(x), AttributeValue::N(y)) => Some(x.cmp(y)),
            (AttributeValue::S(x), AttributeValue::S(y)) => Some(x.bytes().cmp(y.bytes())),
            (AttributeValue::B(x), AttributeValue::B(y)) => Some(x.cmp(y)),
            _ => None,
        }
    }
    fn eval(&self, c: &Condition) -> bool {
        use AttributeValue as V;
        match c {
            Condition::Compare(l, op, r) => {
                // A missing operand is unequal to anything.
                let unsized_size = |o: &Operand| match o.unparen() {
                    Operand::Size(x) => self.operand(x).is_some(),
                    _ => false,
                };
                let (Some(a), Some(b)) = (self.operand(l), self.operand(r)) else {
                    return *op == CompareOp::Ne && !unsized_size(l) && !unsized_size(r);
                };
                let o = Self::order(&a, &b);
                match op {
                    CompareOp::Eq => a == b,
                    CompareOp::Ne => a != b,
                    CompareOp::Lt => o == Some(Ordering::Less),
                    CompareOp::Le => o == Some(Ordering::Less) || o == Some(Ordering::Equal),
                    CompareOp::Gt => o == Some(Ordering::Greater),
                    CompareOp::Ge => o == Some(Ordering::Greater) || o == Some(Ordering::Equal),
                }
            }
            Condition::Between(x, lo, hi) => {
                let (Some(v), Some(lo), Some(hi)) = (self.operand(x), self.operand(lo), self.operand(hi))
                else {
                    return false;
                };
                Self::order(&v, &lo).is_some_and(|o| o != Ordering::Less)
                    && Self::order(&v, &hi).is_some_and(|o| o != Ordering::Greater)
            }
            Condition::In(x, list) => match self.operand(x) {
                Some(v) => list.iter().any(|y| self.operand(y).as_ref() == Some(&v)),
                None => false,
            },
            Condition::AttributeExists(p) => self.lookup(p).is_some(),
            Condition::AttributeNotExists(p) => self.lookup(p).is_none(),
            Condition::AttributeType(p, t) => {
                let t = match t {
                    ValueRef::Placeholder(k) => self.values.get(k).cloned(),
                    ValueRef::Literal(v) => Some(v.clone()),
                };
                match (self.operand(p), t) {
                    (Some(v), Some(V::S(t))) => ValueType::parse(&t) == Some(v.value_type()),
                    _ => false,
                }
            }
            Condition::BeginsWith(p, o) => match (self.operand(p), self.operand(o)) {
                (Some(V::S(a)), Some(V::S(b))) => a.starts_with(&b),
                (Some(V::B(a)), Some(V::B(b))) => a.len() >= b.len() && a[..b.len()] == b[..],
                _ => false,
            },
            Condition::Contains(p, o) => match (self.lookup(p), self.operand(o)) {
                (Some(V::S(a)), Some(V::S(b))) => a.contains(&b),
                (Some(V::B(a)), Some(V::B(b))) => (0..=a.len()).any(|i| a[i..].starts_with(&b)),
                (Some(V::Ss(a)), Some(V::S(b))) => a.contains(&b),
                (Some(V::Ns(a)), Some(V::N(b))) => a.iter().any(|x| *x == b),
                (Some(V::Bs(a)), Some(V::B(b))) => a.contains(&b),
                (Some(V::L(a)), Some(b)) => a.contains(&b),
                _ => false,
            },
            Condition::Not(x) => !self.eval(x),
            Condition::And(a, b) => self.eval(a) && self.eval(b),
            Condition::Or(a, b) => self.eval(a) || self.eval(b),
            Condition::Paren(x) => self.eval(x),
        }
    }
}

fn has_empty_set(v: &AttributeValue) -> bool {
    match v {
        AttributeValue::Ss(x) => x.is_empty(),
        AttributeValue::Ns(x) => x.is_empty(),
        AttributeValue::Bs(x) => x.is_empty(),
        AttributeValue::L(l) => l.iter().any(has_empty_set),
        AttributeValue::M(m) => m.values().any(has_empty_set),
        _ => false,
    }
}

const CONDITION_ERRORS: &[&str] =
    &["BETWEEN operator requires", "Incorrect operand type", "must be distinct"];
const UPDATE_PARSE_ERRORS: &[&str] =
    &["Two document paths overlap", "Two document paths conflict", "Incorrect operand type"];
const UPDATE_RUNTIME_ERRORS: &[&str] = &[
    msg_invalid_path(),
    "An operand in the update expression has an incorrect data type",
    "The provided expression refers to an attribute that does not exist in the item",
    "Cannot update attribute pk. This attribute is part of the key",
    "Number overflow",
    "Number underflow",
    "more than 38 significant digits",
];

const fn msg_invalid_path() -> &'static str {
    crate::error::messages::UPDATE_INVALID_PATH
}

const VOCAB: &[&str] = &[
    "a",
    "b",
    "#n",
    "#x",
    ":v",
    ":w",
    "(",
    ")",
    "[",
    "]",
    "0",
    "1",
    "7",
    ".",
    ",",
    "=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "AND",
    "OR",
    "NOT",
    "BETWEEN",
    "IN",
    "SET",
    "REMOVE",
    "ADD",
    "DELETE",
    "size",
    "attribute_exists",
    "attribute_not_exists",
    "attribute_type",
    "begins_with",
    "contains",
    "if_not_exists",
    "list_append",
    "status",
    "!",
    "é",
    ":",
    "#",
    " ",
];

fn exercise(src: &str, it: &Item) {
    let ns = names(&[("#n", "a")]);
    let vs = item(&[(":v", n("1")), (":w", l(vec![n("2")]))]);
    for kind in [
        ExprKind::Condition,
        ExprKind::Filter,
        ExprKind::KeyCondition,
        ExprKind::Projection,
        ExprKind::Update,
    ] {
        for (n_opt, v_opt) in [(None, None), (Some(&ns), Some(&vs))] {
            if let Ok(p) = request(kind, src, n_opt, v_opt) {
                if let Some(c) = &p.condition {
                    c.evaluate(it);
                }
                if let Some(c) = &p.filter {
                    c.evaluate(it);
                    let _ = check_filter_keys(Some(c), &["a"]);
                }
                if let Some(k) = &p.key_condition {
                    let _ = k.resolve(&["a"], &["b"]);
                    let _ = k.resolve(&["a", "b"], &[]);
                }
                if let Some(pr) = &p.projection {
                    pr.apply(it);
                }
                if let Some(u) = &p.update {
                    if let Ok(o) = u.apply(it, &["pk"]) {
                        o.updated_old(it);
                        o.updated_new();
                    }
                }
            }
        }
    }
    let _ = parser::parse_condition(src);
    let _ = parser::parse_update(src);
    let _ = parser::parse_projection(src);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: ProptestConfig::default().cases.max(512), ..ProptestConfig::default() })]

    #[test]
    fn condition_print_parse_round_trip(c in arb_condition()) {
        let text = c.to_string();
        prop_assert_eq!(parser::parse_condition(&text), Ok(c), "{}", text);
    }

    #[test]
    fn update_print_parse_round_trip(u in arb_update()) {
        let text = u.to_string();
        prop_assert_eq!(parser::parse_update(&text), Ok(u), "{}", text);
    }

    #[test]
    fn projection_print_parse_round_trip(paths in pvec(arb_path(), 1..5)) {
        let p = Projection { paths };
        let text = p.to_string();
        prop_assert_eq!(parser::parse_projection(&text), Ok(p), "{}", text);
    }

    #[test]
    fn conditions_agree_with_the_reference(c in arb_condition(), values in arb_values(), it in arb_item()) {
        let text = c.to_string();
        let (ns, vs) = maps_for(&text, &values);
        let parsed = request(
            ExprKind::Condition,
            &text,
            (!ns.is_empty()).then_some(&ns),
            (!vs.is_empty()).then_some(&vs),
        );
        match parsed {
            Ok(p) => {
                let resolved = p.condition.expect("condition");
                let reference = Ref { names: &ns, values: &vs, item: &it };
                prop_assert_eq!(resolved.evaluate(&it), reference.eval(&c), "{}", text);
            }
            Err(e) => prop_assert!(
                CONDITION_ERRORS.iter().any(|x| e.message.contains(x)),
                "{}: unexpected error {}", text, e.message
            ),
        }
    }

    #[test]
    fn updates_keep_items_valid(u in arb_update(), values in arb_values(), it in arb_item()) {
        let text = u.to_string();
        let (ns, vs) = maps_for(&text, &values);
        let parsed = request(ExprKind::Update, &text, (!ns.is_empty()).then_some(&ns), (!vs.is_empty()).then_some(&vs));
        let resolved = match parsed {
            Ok(p) => p.update.expect("update"),
            Err(e) => {
                prop_assert!(UPDATE_PARSE_ERRORS.iter().any(|x| e.message.contains(x)), "{}: {}", text, e.message);
                return Ok(());
            }
        };
        let out = match resolved.apply(&it, &["pk"]) {
            Ok(o) => o,
            Err(e) => {
                prop_assert!(UPDATE_RUNTIME_ERRORS.iter().any(|x| e.message.contains(x)), "{}: {}", text, e.message);
                return Ok(());
            }
        };
        prop_assert!(!out.item.values().any(has_empty_set), "{}: empty set in {:?}", text, out.item);
        prop_assert_eq!(out.item.get("pk"), it.get("pk"));
        let keys: BTreeSet<&String> = it.keys().chain(out.item.keys()).collect();
        for k in keys {
            if !out.updated_attributes.contains(k) {
                prop_assert_eq!(it.get(k), out.item.get(k), "{}: {} changed", text, k);
            }
        }
        for clause in &resolved.clauses {
            match clause {
                UpdateClause::Remove(paths) => {
                    for p in paths.iter().filter(|p| p.is_top_level()) {
                        prop_assert!(!out.item.contains_key(p.top().expect("top")), "{}", text);
                    }
                }
                UpdateClause::Set(actions) => {
                    for a in actions.iter().filter(|a| a.path.is_top_level()) {
                        if let SetValue::Operand(SetOperand::Value(ValueRef::Literal(v))) = &a.value {
                            prop_assert_eq!(out.item.get(a.path.top().expect("top")), Some(v), "{}", text);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in pvec(any::<u8>(), 0..200), it in arb_item()) {
        exercise(&String::from_utf8_lossy(&bytes), &it);
    }

    #[test]
    fn token_soup_never_panics(toks in pvec(select(VOCAB), 0..40), glue in select(vec!["", " "]), it in arb_item()) {
        exercise(&toks.join(glue), &it);
    }
}
