//! Model-based property test of Query and Scan: random tables (S / N / B
//! keys, with or without a sort key, a GSI and an LSI), random items from
//! small value domains (so partitions fill up and keys collide), random
//! Query and Scan requests with random page sizes. Following
//! LastEvaluatedKey page by page must give exactly what a plain reference
//! model (filter + sort of a Vec) gives: no duplicates, no gaps, and the
//! documented order.
//!
//! Orders: a table Query by sort key (numbers numerically, strings by UTF-8
//! bytes, binary as unsigned bytes); an LSI Query by index sort key, then
//! table sort key; a GSI Query by index sort key, with ties (equal index
//! keys) in an order the service does not document, so for those only
//! "same order both ways" and "same table partition: by table sort key" are
//! required. Scan order is unspecified: Scan results compare as multisets,
//! and the segments of a parallel scan must be disjoint and cover the scan.

use super::query_scan::{
    b, create_table, gsi, key_schema, lsi, n, projection, put, query_pages, s, scan_pages, Item,
};
use aws_sdk_dynamodb::types::{AttributeValue as AV, ProjectionType, ScalarAttributeType};
use aws_sdk_dynamodb::Client;
use ddb_conformance::TestEnv;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

// ---- the generated case ---------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    S,
    N,
    B,
}

impl Ty {
    fn scalar(self) -> ScalarAttributeType {
        match self {
            Ty::S => ScalarAttributeType::S,
            Ty::N => ScalarAttributeType::N,
            Ty::B => ScalarAttributeType::B,
        }
    }
    /// Value `i` of this type's domain (5 values, listed in ascending order
    /// for N; S and B are deliberately not in byte order as written).
    fn value(self, i: u8) -> AV {
        let i = usize::from(i) % 5;
        match self {
            Ty::S => s(["a", "ab", "b", "B", "é"][i]),
            Ty::N => n(["-1", "0", "1.5", "2", "10"][i]),
            Ty::B => b([&[0x80u8][..], &[0x00], &[0x00, 0x01], &[0xff], &[0x7f]][i]),
        }
    }
    /// Prefix `i` for begins_with (S and B only).
    fn prefix(self, i: u8) -> AV {
        let i = usize::from(i) % 5;
        match self {
            Ty::S => s(["a", "b", "é", "B", "z"][i]),
            Ty::N => n("0"),
            Ty::B => b([&[0x00u8][..], &[0x7f], &[0x80], &[0xff], &[0x01]][i]),
        }
    }
}

/// An attribute a key schema uses: its name and type.
#[derive(Clone, Debug, PartialEq)]
struct Attr {
    name: &'static str,
    ty: Ty,
}

#[derive(Clone, Debug, PartialEq)]
enum Proj {
    KeysOnly,
    IncludeV,
    All,
}

#[derive(Clone, Debug)]
struct IndexSpec {
    hash: Attr,
    range: Option<Attr>,
    proj: Proj,
}

#[derive(Clone, Debug)]
struct Schema {
    pk: Ty,
    sk: Option<Ty>,
    /// A GSI. Its attributes are `gpk` / `gsk` or, sometimes, the table's own
    /// `sk` (as partition key) and `pk` (as sort key).
    gsi: Option<IndexSpec>,
    /// An LSI on `lsk` (only with a table sort key).
    lsi: Option<IndexSpec>,
}

/// One item: indices into the value domains; `None` leaves the attribute out.
#[derive(Clone, Debug)]
struct ItemSpec {
    pk: u8,
    sk: u8,
    gpk: Option<u8>,
    gsk: Option<u8>,
    lsk: Option<u8>,
    v: Option<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    Table,
    Gsi,
    Lsi,
}

#[derive(Clone, Debug)]
enum Cond {
    Eq(u8),
    Lt(u8),
    Le(u8),
    Gt(u8),
    Ge(u8),
    Between(u8, u8),
    BeginsWith(u8),
}

#[derive(Clone, Debug)]
enum Filter {
    Equals(u8),
    Below(u8),
    Absent,
}

#[derive(Clone, Debug)]
enum Req {
    Query {
        target: Target,
        part: u8,
        cond: Option<Cond>,
        forward: bool,
        limit: Option<u8>,
        filter: Option<Filter>,
    },
    Scan {
        target: Target,
        segments: Option<u8>,
        limit: Option<u8>,
        filter: Option<Filter>,
    },
}

#[derive(Clone, Debug)]
struct Case {
    schema: Schema,
    items: Vec<ItemSpec>,
    reqs: Vec<Req>,
}

fn ty() -> impl Strategy<Value = Ty> {
    prop_oneof![Just(Ty::S), Just(Ty::N), Just(Ty::B)]
}

fn proj() -> impl Strategy<Value = Proj> {
    prop_oneof![Just(Proj::KeysOnly), Just(Proj::IncludeV), Just(Proj::All)]
}

fn schema() -> impl Strategy<Value = Schema> {
    (
        ty(),
        proptest::option::weighted(0.75, ty()),
        proptest::option::weighted(0.8, (0u8..4, ty(), 0u8..4, ty(), proj())),
        proptest::option::weighted(0.6, (ty(), proj())),
    )
        .prop_map(|(pk, sk, g, l)| {
            let gsi = g.map(|(hash_kind, hash_ty, range_kind, range_ty, proj)| IndexSpec {
                // 1 in 4: the GSI is partitioned on the table's sort key.
                hash: match (hash_kind, sk) {
                    (0, Some(sk)) => Attr { name: "sk", ty: sk },
                    _ => Attr { name: "gpk", ty: hash_ty },
                },
                // No sort key, its own, or the table's partition key.
                range: match range_kind {
                    0 => None,
                    1 => Some(Attr { name: "pk", ty: pk }),
                    _ => Some(Attr { name: "gsk", ty: range_ty }),
                },
                proj,
            });
            let lsi = match (sk, l) {
                (Some(_), Some((lty, proj))) => Some(IndexSpec {
                    hash: Attr { name: "pk", ty: pk },
                    range: Some(Attr { name: "lsk", ty: lty }),
                    proj,
                }),
                _ => None,
            };
            Schema { pk, sk, gsi, lsi }
        })
}

fn item_spec() -> impl Strategy<Value = ItemSpec> {
    let opt = |p: f64| proptest::option::weighted(p, 0u8..5);
    (0u8..5, 0u8..5, opt(0.75), opt(0.75), opt(0.75), opt(0.7))
        .prop_map(|(pk, sk, gpk, gsk, lsk, v)| ItemSpec { pk, sk, gpk, gsk, lsk, v })
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![Just(Target::Table), Just(Target::Gsi), Just(Target::Lsi)]
}

fn cond() -> impl Strategy<Value = Cond> {
    prop_oneof![
        (0u8..5).prop_map(Cond::Eq),
        (0u8..5).prop_map(Cond::Lt),
        (0u8..5).prop_map(Cond::Le),
        (0u8..5).prop_map(Cond::Gt),
        (0u8..5).prop_map(Cond::Ge),
        (0u8..5, 0u8..5).prop_map(|(a, b)| Cond::Between(a, b)),
        (0u8..5).prop_map(Cond::BeginsWith),
    ]
}

fn filter() -> impl Strategy<Value = Option<Filter>> {
    proptest::option::weighted(
        0.3,
        prop_oneof![
            (0u8..5).prop_map(Filter::Equals),
            (0u8..5).prop_map(Filter::Below),
            Just(Filter::Absent)
        ],
    )
}

fn limit() -> impl Strategy<Value = Option<u8>> {
    proptest::option::weighted(0.7, 1u8..6)
}

fn req() -> impl Strategy<Value = Req> {
    prop_oneof![
        3 => (target(), 0u8..5, proptest::option::weighted(0.7, cond()), any::<bool>(), limit(), filter())
            .prop_map(|(target, part, cond, forward, limit, filter)| Req::Query { target, part, cond, forward, limit, filter }),
        1 => (target(), proptest::option::weighted(0.5, 1u8..5), limit(), filter())
            .prop_map(|(target, segments, limit, filter)| Req::Scan { target, segments, limit, filter }),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (schema(), proptest::collection::vec(item_spec(), 0..25), proptest::collection::vec(req(), 1..6))
        .prop_map(|(schema, items, reqs)| Case { schema, items, reqs })
}

// ---- the reference model -----------------------------------------------------------

/// Order of two key values of one type: numbers numerically, strings by UTF-8
/// bytes, binary as unsigned bytes.
fn cmp_key(a: &AV, b: &AV) -> Ordering {
    match (a, b) {
        (AV::S(x), AV::S(y)) => x.as_bytes().cmp(y.as_bytes()),
        (AV::N(x), AV::N(y)) => x.parse::<f64>().unwrap().partial_cmp(&y.parse::<f64>().unwrap()).unwrap(),
        (AV::B(x), AV::B(y)) => x.as_ref().cmp(y.as_ref()),
        _ => panic!("keys of different types: {a:?} {b:?}"),
    }
}

fn matches_cond(v: &AV, cond: &ResolvedCond) -> bool {
    match cond {
        ResolvedCond::Cmp(op, x) => {
            let o = cmp_key(v, x);
            match *op {
                "=" => o == Ordering::Equal,
                "<" => o == Ordering::Less,
                "<=" => o != Ordering::Greater,
                ">" => o == Ordering::Greater,
                _ => o != Ordering::Less,
            }
        }
        ResolvedCond::Between(lo, hi) => {
            cmp_key(v, lo) != Ordering::Less && cmp_key(v, hi) != Ordering::Greater
        }
        ResolvedCond::BeginsWith(p) => match (v, p) {
            (AV::S(x), AV::S(p)) => x.starts_with(p.as_str()),
            (AV::B(x), AV::B(p)) => x.as_ref().starts_with(p.as_ref()),
            _ => false,
        },
    }
}

#[derive(Clone, Debug)]
enum ResolvedCond {
    Cmp(&'static str, AV),
    Between(AV, AV),
    BeginsWith(AV),
}

impl ResolvedCond {
    fn new(cond: &Cond, ty: Ty) -> ResolvedCond {
        match *cond {
            Cond::Eq(i) => ResolvedCond::Cmp("=", ty.value(i)),
            Cond::Lt(i) => ResolvedCond::Cmp("<", ty.value(i)),
            Cond::Le(i) => ResolvedCond::Cmp("<=", ty.value(i)),
            Cond::Gt(i) => ResolvedCond::Cmp(">", ty.value(i)),
            Cond::Ge(i) => ResolvedCond::Cmp(">=", ty.value(i)),
            Cond::Between(a, b) => {
                // BETWEEN needs lo <= hi (otherwise a ValidationException).
                let (x, y) = (ty.value(a), ty.value(b));
                if cmp_key(&x, &y) == Ordering::Greater {
                    ResolvedCond::Between(y, x)
                } else {
                    ResolvedCond::Between(x, y)
                }
            }
            // begins_with is not allowed on numbers: use >= instead.
            Cond::BeginsWith(i) if ty == Ty::N => ResolvedCond::Cmp(">=", ty.value(i)),
            Cond::BeginsWith(i) => ResolvedCond::BeginsWith(ty.prefix(i)),
        }
    }

    /// The expression on `#k` with `:a` (and `:b`).
    fn expr(&self) -> (String, Vec<(&'static str, AV)>) {
        match self {
            ResolvedCond::Cmp(op, v) => (format!("#k {op} :a"), vec![(":a", v.clone())]),
            ResolvedCond::Between(x, y) => {
                ("#k BETWEEN :a AND :b".into(), vec![(":a", x.clone()), (":b", y.clone())])
            }
            ResolvedCond::BeginsWith(p) => ("begins_with(#k, :a)".into(), vec![(":a", p.clone())]),
        }
    }
}

fn filter_matches(f: &Filter, it: &Item) -> bool {
    match (f, it.get("v")) {
        (Filter::Equals(x), Some(v)) => *v == n(&x.to_string()),
        (Filter::Below(x), Some(AV::N(v))) => v.parse::<i64>().unwrap() < i64::from(*x),
        (Filter::Absent, v) => v.is_none(),
        _ => false,
    }
}

fn filter_expr(f: &Filter) -> (&'static str, Option<AV>) {
    match f {
        Filter::Equals(x) => ("v = :f", Some(n(&x.to_string()))),
        Filter::Below(x) => ("v < :f", Some(n(&x.to_string()))),
        Filter::Absent => ("attribute_not_exists(v)", None),
    }
}

/// The concrete table: names, items (deduplicated by primary key, last write
/// wins, in write order).
struct Model {
    schema: Schema,
    items: Vec<Item>,
}

impl Model {
    fn new(schema: &Schema, specs: &[ItemSpec]) -> Model {
        let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
        let mut items: Vec<Item> = Vec::new();
        for spec in specs {
            let mut it = Item::new();
            it.insert("pk".into(), schema.pk.value(spec.pk));
            if let Some(sk) = schema.sk {
                it.insert("sk".into(), sk.value(spec.sk));
            }
            if let Some(g) = &schema.gsi {
                if g.hash.name == "gpk" {
                    if let Some(x) = spec.gpk {
                        it.insert("gpk".into(), g.hash.ty.value(x));
                    }
                }
                if let Some(r) = g.range.as_ref().filter(|r| r.name == "gsk") {
                    if let Some(x) = spec.gsk {
                        it.insert("gsk".into(), r.ty.value(x));
                    }
                }
            }
            if let Some(l) = &schema.lsi {
                if let Some(x) = spec.lsk {
                    it.insert("lsk".into(), l.range.as_ref().unwrap().ty.value(x));
                }
            }
            if let Some(v) = spec.v {
                it.insert("v".into(), n(&v.to_string()));
            }
            let key = primary(&it);
            match by_key.get(&key) {
                Some(&i) => items[i] = it,
                None => {
                    by_key.insert(key, items.len());
                    items.push(it);
                }
            }
        }
        Model { schema: schema.clone(), items }
    }

    fn table_keys(&self) -> Vec<&'static str> {
        let mut k = vec!["pk"];
        if self.schema.sk.is_some() {
            k.push("sk");
        }
        k
    }

    fn index(&self, target: Target) -> Option<&IndexSpec> {
        match target {
            Target::Table => None,
            Target::Gsi => self.schema.gsi.as_ref(),
            Target::Lsi => self.schema.lsi.as_ref(),
        }
    }

    /// The source a request reads: the index when the table has it.
    fn resolve(&self, target: Target) -> Target {
        if self.index(target).is_some() {
            target
        } else {
            Target::Table
        }
    }

    /// The filter to send: none on an index that does not hold `v` (what a
    /// filter on an unprojected attribute sees is not documented).
    fn filter_for(&self, target: Target, filter: &Option<Filter>) -> Option<Filter> {
        match self.index(target) {
            Some(i) if i.proj == Proj::KeysOnly => None,
            _ => filter.clone(),
        }
    }

    /// (partition attribute, sort attribute) of the source.
    fn source_keys(&self, target: Target) -> (Attr, Option<Attr>) {
        match self.index(target) {
            Some(i) => (i.hash.clone(), i.range.clone()),
            None => {
                (Attr { name: "pk", ty: self.schema.pk }, self.schema.sk.map(|ty| Attr { name: "sk", ty }))
            }
        }
    }

    /// The attributes LastEvaluatedKey holds.
    fn lek_names(&self, target: Target) -> BTreeSet<&'static str> {
        let mut out: BTreeSet<&'static str> = self.table_keys().into_iter().collect();
        if let Some(i) = self.index(target) {
            out.insert(i.hash.name);
            if let Some(r) = &i.range {
                out.insert(r.name);
            }
        }
        out
    }

    /// The items the source holds (a sparse index skips items without its keys).
    fn source_items(&self, target: Target) -> Vec<&Item> {
        let (h, r) = self.source_keys(target);
        self.items
            .iter()
            .filter(|it| it.contains_key(h.name) && r.as_ref().is_none_or(|r| it.contains_key(r.name)))
            .collect()
    }

    /// What a read of the source returns for `it` by default.
    fn shape(&self, target: Target, it: &Item) -> Item {
        match self.index(target) {
            Some(i) if i.proj != Proj::All => {
                let mut keep: BTreeSet<&str> = self.lek_names(target);
                if i.proj == Proj::IncludeV {
                    keep.insert("v");
                }
                it.iter()
                    .filter(|(k, _)| keep.contains(k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            }
            _ => it.clone(),
        }
    }
}

/// A canonical text of an item's table key.
fn primary(it: &Item) -> String {
    format!("{:?}/{:?}", it.get("pk"), it.get("sk"))
}

/// A canonical text of a whole item (for multiset comparisons).
fn canon(it: &Item) -> String {
    let sorted: BTreeMap<&String, &AV> = it.iter().collect();
    format!("{sorted:?}")
}

// ---- running a case -------------------------------------------------------------------

fn fail(msg: String) -> TestCaseError {
    TestCaseError::fail(msg)
}

macro_rules! check {
    ($cond:expr, $($arg:tt)*) => {
        if !$cond {
            return Err(fail(format!($($arg)*)));
        }
    };
}

async fn create(c: &Client, name: &str, schema: &Schema) {
    let mut attrs: Vec<(&str, ScalarAttributeType)> = vec![("pk", schema.pk.scalar())];
    if let Some(sk) = schema.sk {
        attrs.push(("sk", sk.scalar()));
    }
    let mut gsis = Vec::new();
    let mut lsis = Vec::new();
    let proj_of = |p: &Proj| match p {
        Proj::KeysOnly => projection(ProjectionType::KeysOnly, &[]),
        Proj::IncludeV => projection(ProjectionType::Include, &["v"]),
        Proj::All => projection(ProjectionType::All, &[]),
    };
    if let Some(g) = &schema.gsi {
        for a in std::iter::once(&g.hash).chain(g.range.as_ref()) {
            if !attrs.iter().any(|(n, _)| *n == a.name) {
                attrs.push((a.name, a.ty.scalar()));
            }
        }
        let range: Vec<&str> = g.range.iter().map(|r| r.name).collect();
        gsis.push(gsi("gsi1", &[g.hash.name], &range, proj_of(&g.proj)));
    }
    if let Some(l) = &schema.lsi {
        let r = l.range.as_ref().unwrap();
        attrs.push((r.name, r.ty.scalar()));
        lsis.push(lsi("lsi1", "pk", r.name, proj_of(&l.proj)));
    }
    let range: Vec<&str> = schema.sk.iter().map(|_| "sk").collect();
    create_table(c, name, &attrs, key_schema(&["pk"], &range), gsis, lsis).await;
}

fn index_name(target: Target) -> Option<String> {
    match target {
        Target::Table => None,
        Target::Gsi => Some("gsi1".into()),
        Target::Lsi => Some("lsi1".into()),
    }
}

/// Checks the pages of one read: counts, limits, LastEvaluatedKey shape.
fn check_pages(
    model: &Model,
    target: Target,
    limit: Option<u8>,
    filtered: bool,
    pages: &[(Vec<Item>, i32, i32, Option<Item>)],
    what: &str,
) -> Result<(), TestCaseError> {
    let lek_names = model.lek_names(target);
    for (i, (items, count, scanned, lek)) in pages.iter().enumerate() {
        check!(*count as usize == items.len(), "{what}: page {i}: Count {count} but {} items", items.len());
        check!(*scanned >= *count, "{what}: page {i}: ScannedCount {scanned} < Count {count}");
        if let Some(l) = limit {
            check!(*scanned <= i32::from(l), "{what}: page {i}: ScannedCount {scanned} over Limit {l}");
        }
        match lek {
            Some(k) => {
                check!(i + 1 < pages.len(), "{what}: the last page has a LastEvaluatedKey");
                // Small items: only Limit can cut a page.
                check!(
                    limit.is_some_and(|l| *scanned == i32::from(l)),
                    "{what}: page {i} cut after {scanned} items with Limit {limit:?}"
                );
                let names: BTreeSet<&str> = k.keys().map(String::as_str).collect();
                check!(
                    names == lek_names,
                    "{what}: page {i}: LastEvaluatedKey {k:?}, expected attributes {lek_names:?}"
                );
                if !filtered {
                    let last = items.last().expect("unfiltered full page has items");
                    let full = model.items.iter().find(|it| primary(it) == primary(last));
                    let full =
                        full.ok_or_else(|| fail(format!("{what}: returned item {last:?} not in the table")))?;
                    let expected: Item = full
                        .iter()
                        .filter(|(n, _)| lek_names.contains(n.as_str()))
                        .map(|(a, v)| (a.clone(), v.clone()))
                        .collect();
                    check!(
                        *k == expected,
                        "{what}: page {i}: LastEvaluatedKey {k:?}, last item's key {expected:?}"
                    );
                }
            }
            None => {
                check!(i + 1 == pages.len(), "{what}: page {i} without LastEvaluatedKey is not the last");
                if let Some(l) = limit {
                    check!(
                        *scanned < i32::from(l),
                        "{what}: a page that reached Limit {l} has no LastEvaluatedKey"
                    );
                }
            }
        }
    }
    Ok(())
}

type PageSummary = (Vec<Item>, i32, i32, Option<Item>);

/// One concrete Query.
struct QuerySpec<'a> {
    target: Target,
    part: &'a AV,
    cond: Option<&'a ResolvedCond>,
    forward: bool,
    limit: Option<u8>,
    filter: Option<&'a Filter>,
}

async fn run_query(
    c: &Client,
    table: &str,
    model: &Model,
    spec: &QuerySpec<'_>,
) -> Result<Vec<PageSummary>, String> {
    let QuerySpec { target, part, cond, forward, limit, filter } = *spec;
    let (h, r) = model.source_keys(target);
    let mut kce = "#p = :p".to_string();
    let mut q = c
        .query()
        .table_name(table)
        .set_index_name(index_name(target))
        .scan_index_forward(forward)
        .set_limit(limit.map(i32::from))
        .expression_attribute_names("#p", h.name)
        .expression_attribute_values(":p", part.clone());
    if let (Some(cond), Some(r)) = (cond, &r) {
        let (e, vals) = cond.expr();
        kce = format!("{kce} AND {e}");
        q = q.expression_attribute_names("#k", r.name);
        for (k, v) in vals {
            q = q.expression_attribute_values(k, v);
        }
    }
    if let Some(f) = filter {
        let (e, v) = filter_expr(f);
        q = q.filter_expression(e);
        if let Some(v) = v {
            q = q.expression_attribute_values(":f", v);
        }
    }
    let q = q.key_condition_expression(kce);
    // query_pages panics on an error: surface errors as failures instead.
    q.clone().set_limit(Some(1)).send().await.map_err(|e| format!("Query failed: {e:?}"))?;
    Ok(query_pages(&q)
        .await
        .into_iter()
        .map(|p| (p.items().to_vec(), p.count(), p.scanned_count(), p.last_evaluated_key))
        .collect())
}

async fn run_scan(
    c: &Client,
    table: &str,
    target: Target,
    segment: Option<(u8, u8)>,
    limit: Option<u8>,
    filter: Option<&Filter>,
) -> Result<Vec<PageSummary>, String> {
    let mut q = c.scan().table_name(table).set_index_name(index_name(target)).set_limit(limit.map(i32::from));
    if let Some((seg, total)) = segment {
        q = q.segment(i32::from(seg)).total_segments(i32::from(total));
    }
    if let Some(f) = filter {
        let (e, v) = filter_expr(f);
        q = q.filter_expression(e);
        if let Some(v) = v {
            q = q.expression_attribute_values(":f", v);
        }
    }
    q.clone().send().await.map_err(|e| format!("Scan failed: {e:?}"))?;
    Ok(scan_pages(&q)
        .await
        .into_iter()
        .map(|p| (p.items().to_vec(), p.count(), p.scanned_count(), p.last_evaluated_key))
        .collect())
}

fn concat(pages: &[PageSummary]) -> Vec<Item> {
    pages.iter().flat_map(|p| p.0.iter().cloned()).collect()
}

fn keys_text(items: &[Item]) -> Vec<String> {
    items.iter().map(primary).collect()
}

async fn run_case(c: &Client, table: &str, case: &Case) -> Result<(), TestCaseError> {
    create(c, table, &case.schema).await;
    let model = Model::new(&case.schema, &case.items);
    for spec in &case.items {
        // Re-derive each written item (the model keeps only the last per key).
        let one = Model::new(&case.schema, std::slice::from_ref(spec));
        put(c, table, one.items[0].clone()).await;
    }
    for (ri, req) in case.reqs.iter().enumerate() {
        match req {
            Req::Query { target, part, cond, forward, limit, filter } => {
                let target = model.resolve(*target);
                let filter = &model.filter_for(target, filter);
                let (h, r) = model.source_keys(target);
                let part = h.ty.value(*part);
                let cond = match (cond, &r) {
                    (Some(cond), Some(r)) => Some(ResolvedCond::new(cond, r.ty)),
                    _ => None,
                };
                let what = format!("request {ri}: Query {target:?} {}={part:?} {cond:?} forward={forward} limit={limit:?} filter={filter:?}", h.name);
                let spec = QuerySpec {
                    target,
                    part: &part,
                    cond: cond.as_ref(),
                    forward: *forward,
                    limit: *limit,
                    filter: filter.as_ref(),
                };
                let pages =
                    run_query(c, table, &model, &spec).await.map_err(|e| fail(format!("{what}: {e}")))?;
                check_pages(&model, target, *limit, filter.is_some(), &pages, &what)?;
                let got = concat(&pages);

                // Reference: the source's items in the partition that satisfy
                // the sort condition, in order, then the filter.
                let mut matched: Vec<&Item> = model
                    .source_items(target)
                    .into_iter()
                    .filter(|it| it[h.name] == part)
                    .filter(|it| match (&cond, &r) {
                        (Some(cond), Some(r)) => matches_cond(&it[r.name], cond),
                        _ => true,
                    })
                    .collect();
                let scanned: i32 = pages.iter().map(|p| p.2).sum();
                check!(
                    scanned as usize == matched.len(),
                    "{what}: ScannedCount sums to {scanned}, {} items match the key condition",
                    matched.len()
                );
                // Index sort key, then the table key (a total order; for GSI
                // ties it is only used to compare multisets).
                matched.sort_by(|a, b| {
                    let by_index = match &r {
                        Some(r) => cmp_key(&a[r.name], &b[r.name]),
                        None => Ordering::Equal,
                    };
                    let by_sk = match (a.get("sk"), b.get("sk")) {
                        (Some(x), Some(y)) => cmp_key(x, y),
                        _ => Ordering::Equal,
                    };
                    by_index.then(cmp_key(&a["pk"], &b["pk"])).then(by_sk)
                });
                if !forward {
                    matched.reverse();
                }
                let expected: Vec<Item> = matched
                    .iter()
                    .filter(|it| filter.as_ref().is_none_or(|f| filter_matches(f, it)))
                    .map(|it| model.shape(target, it))
                    .collect();
                if target == Target::Gsi {
                    // Ties on the whole index key have no documented order:
                    // compare as multisets, then check the order that is defined.
                    let mut g: Vec<String> = got.iter().map(canon).collect();
                    let mut e: Vec<String> = expected.iter().map(canon).collect();
                    g.sort();
                    e.sort();
                    check!(
                        g == e,
                        "{what}:\n got      {:?}\n expected {:?}",
                        keys_text(&got),
                        keys_text(&expected)
                    );
                    for w in got.windows(2) {
                        let (x, y) = (&w[0], &w[1]);
                        let o = match &r {
                            Some(r) => cmp_key(&x[r.name], &y[r.name]),
                            None => Ordering::Equal,
                        };
                        let o = if *forward { o } else { o.reverse() };
                        check!(o != Ordering::Greater, "{what}: out of index order: {:?}", keys_text(&got));
                    }
                    // Within one index key and one table partition: table sort key order.
                    for (i, x) in got.iter().enumerate() {
                        for y in &got[i + 1..] {
                            let same_index = r.as_ref().is_none_or(|r| x[r.name] == y[r.name]);
                            if same_index && x["pk"] == y["pk"] {
                                if let (Some(a), Some(bb)) = (x.get("sk"), y.get("sk")) {
                                    let o = cmp_key(a, bb);
                                    let o = if *forward { o } else { o.reverse() };
                                    check!(
                                        o == Ordering::Less,
                                        "{what}: ties not in table sort key order: {:?}",
                                        keys_text(&got)
                                    );
                                }
                            }
                        }
                    }
                    // The other direction, unpaged, is the exact reverse.
                    let reversed = QuerySpec { forward: !forward, limit: None, ..spec };
                    let mirror = run_query(c, table, &model, &reversed)
                        .await
                        .map_err(|e| fail(format!("{what} (reversed): {e}")))?;
                    let mut mirror = concat(&mirror);
                    mirror.reverse();
                    check!(
                        keys_text(&mirror) == keys_text(&got),
                        "{what}: the reverse direction is not the exact reverse:\n paged    {:?}\n reversed {:?}",
                        keys_text(&got),
                        keys_text(&mirror)
                    );
                } else {
                    check!(
                        got == expected,
                        "{what}:\n got      {:?}\n expected {:?}\n got items      {got:?}\n expected items {expected:?}",
                        keys_text(&got),
                        keys_text(&expected)
                    );
                }
            }
            Req::Scan { target, segments, limit, filter } => {
                let target = model.resolve(*target);
                let filter = &model.filter_for(target, filter);
                let what = format!(
                    "request {ri}: Scan {target:?} segments={segments:?} limit={limit:?} filter={filter:?}"
                );
                let source = model.source_items(target);
                let mut expected: Vec<String> = source
                    .iter()
                    .filter(|it| filter.as_ref().is_none_or(|f| filter_matches(f, it)))
                    .map(|it| canon(&model.shape(target, it)))
                    .collect();
                expected.sort();
                let runs: Vec<Option<(u8, u8)>> = match segments {
                    Some(t) => (0..*t).map(|s| Some((s, *t))).collect(),
                    None => vec![None],
                };
                let mut got: Vec<Item> = Vec::new();
                let mut scanned = 0;
                for seg in runs {
                    let pages = run_scan(c, table, target, seg, *limit, filter.as_ref())
                        .await
                        .map_err(|e| fail(format!("{what} segment {seg:?}: {e}")))?;
                    check_pages(
                        &model,
                        target,
                        *limit,
                        filter.is_some(),
                        &pages,
                        &format!("{what} segment {seg:?}"),
                    )?;
                    scanned += pages.iter().map(|p| p.2).sum::<i32>();
                    got.extend(concat(&pages));
                }
                let keys: Vec<String> = keys_text(&got);
                let distinct: BTreeSet<&String> = keys.iter().collect();
                check!(distinct.len() == keys.len(), "{what}: an item returned twice: {keys:?}");
                check!(
                    scanned as usize == source.len(),
                    "{what}: ScannedCount sums to {scanned}, the source holds {}",
                    source.len()
                );
                let mut g: Vec<String> = got.iter().map(canon).collect();
                g.sort();
                check!(g == expected, "{what}:\n got      {g:?}\n expected {expected:?}");
            }
        }
    }
    c.delete_table().table_name(table).send().await.map_err(|e| fail(format!("delete table: {e:?}")))?;
    Ok(())
}

#[test]
fn query_and_scan_pages_match_a_reference_model() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let env = rt.block_on(TestEnv::new());
    let cases: u32 = std::env::var("QUERY_SCAN_MODEL_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let counter = Cell::new(0u32);
    let result = runner.run(&case(), |case| {
        counter.set(counter.get() + 1);
        let table = format!("model_{:05}", counter.get());
        rt.block_on(run_case(&env.client, &table, &case))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
