//! `find` (random filters, sorts, skips, limits, page sizes) against a
//! simple in-memory reference over the same documents.

use ddb_odm::collection::{Collections, Options};
use proptest::prelude::*;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

#[derive(Clone, Debug)]
struct Doc {
    id: String,
    a: Option<i64>,
    b: Option<String>,
    c: Option<Vec<i64>>,
}

impl Doc {
    fn json(&self) -> Value {
        let mut o = json!({"_id": self.id});
        if let Some(a) = self.a {
            o["a"] = json!(a);
        }
        if let Some(b) = &self.b {
            o["b"] = json!(b);
        }
        if let Some(c) = &self.c {
            o["c"] = json!(c);
        }
        o
    }
}

#[derive(Clone, Debug)]
enum F {
    EqA(i64),
    GtA(i64),
    LteA(i64),
    NeA(i64),
    InA(Vec<i64>),
    NinA(Vec<i64>),
    ExistsA(bool),
    EqB(String),
    PrefixB(String),
    SuffixB(String),
    HasC(i64),
    AllC(Vec<i64>),
    GtC(i64),
    IdGte(String),
    IdIn(Vec<String>),
    And(Box<F>, Box<F>),
    Or(Box<F>, Box<F>),
    Nor(Box<F>, Box<F>),
    NotGtA(i64),
}

impl F {
    fn json(&self) -> Value {
        match self {
            F::EqA(v) => json!({"a": v}),
            F::GtA(v) => json!({"a": {"$gt": v}}),
            F::LteA(v) => json!({"a": {"$lte": v}}),
            F::NeA(v) => json!({"a": {"$ne": v}}),
            F::InA(vs) => json!({"a": {"$in": vs}}),
            F::NinA(vs) => json!({"a": {"$nin": vs}}),
            F::ExistsA(e) => json!({"a": {"$exists": e}}),
            F::EqB(s) => json!({"b": s}),
            F::PrefixB(s) => json!({"b": {"$regex": format!("^{s}")}}),
            F::SuffixB(s) => json!({"b": {"$regex": format!("{s}$")}}),
            F::HasC(v) => json!({"c": v}),
            F::AllC(vs) => json!({"c": {"$all": vs}}),
            F::GtC(v) => json!({"c": {"$gt": v}}),
            F::IdGte(s) => json!({"_id": {"$gte": s}}),
            F::IdIn(ids) => json!({"_id": {"$in": ids}}),
            F::And(x, y) => json!({"$and": [x.json(), y.json()]}),
            F::Or(x, y) => json!({"$or": [x.json(), y.json()]}),
            F::Nor(x, y) => json!({"$nor": [x.json(), y.json()]}),
            F::NotGtA(v) => json!({"a": {"$not": {"$gt": v}}}),
        }
    }

    /// The reference: what the filter means, written out plainly.
    fn eval(&self, d: &Doc) -> bool {
        let c = d.c.as_deref().unwrap_or(&[]);
        match self {
            F::EqA(v) => d.a == Some(*v),
            F::GtA(v) => d.a.is_some_and(|a| a > *v),
            F::LteA(v) => d.a.is_some_and(|a| a <= *v),
            F::NeA(v) => d.a != Some(*v),
            F::InA(vs) => d.a.is_some_and(|a| vs.contains(&a)),
            F::NinA(vs) => !d.a.is_some_and(|a| vs.contains(&a)),
            F::ExistsA(e) => d.a.is_some() == *e,
            F::EqB(s) => d.b.as_deref() == Some(s),
            F::PrefixB(s) => d.b.as_deref().is_some_and(|b| b.starts_with(s.as_str())),
            F::SuffixB(s) => d.b.as_deref().is_some_and(|b| b.ends_with(s.as_str())),
            F::HasC(v) => c.contains(v),
            F::AllC(vs) => !vs.is_empty() && vs.iter().all(|v| c.contains(v)),
            F::GtC(v) => c.iter().any(|x| x > v),
            F::IdGte(s) => d.id >= *s,
            F::IdIn(ids) => ids.contains(&d.id),
            F::And(x, y) => x.eval(d) && y.eval(d),
            F::Or(x, y) => x.eval(d) || y.eval(d),
            F::Nor(x, y) => !(x.eval(d) || y.eval(d)),
            F::NotGtA(v) => d.a.is_none_or(|a| a <= *v),
        }
    }
}

fn id_str() -> impl Strategy<Value = String> {
    (0..40u32).prop_map(|i| format!("d{i:02}"))
}

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["x", "y", "xy", "yx", "xyz", "zz"]).prop_map(str::to_string)
}

fn filter() -> impl Strategy<Value = F> {
    let leaf = prop_oneof![
        (0..6i64).prop_map(F::EqA),
        (0..6i64).prop_map(F::GtA),
        (0..6i64).prop_map(F::LteA),
        (0..6i64).prop_map(F::NeA),
        prop::collection::vec(0..8i64, 0..5).prop_map(F::InA),
        prop::collection::vec(0..8i64, 0..5).prop_map(F::NinA),
        any::<bool>().prop_map(F::ExistsA),
        word().prop_map(F::EqB),
        prop::sample::select(vec!["x", "y", "xy", "z"]).prop_map(|s| F::PrefixB(s.into())),
        prop::sample::select(vec!["x", "y", "z", "yz"]).prop_map(|s| F::SuffixB(s.into())),
        (0..4i64).prop_map(F::HasC),
        prop::collection::vec(0..4i64, 0..3).prop_map(F::AllC),
        (0..4i64).prop_map(F::GtC),
        id_str().prop_map(F::IdGte),
        prop::collection::vec(id_str(), 0..6).prop_map(F::IdIn),
        (0..6i64).prop_map(F::NotGtA),
    ];
    leaf.prop_recursive(2, 8, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(x, y)| F::And(Box::new(x), Box::new(y))),
            (inner.clone(), inner.clone()).prop_map(|(x, y)| F::Or(Box::new(x), Box::new(y))),
            (inner.clone(), inner).prop_map(|(x, y)| F::Nor(Box::new(x), Box::new(y))),
        ]
    })
}

fn docs() -> impl Strategy<Value = Vec<Doc>> {
    prop::collection::btree_set(0..40u32, 0..30).prop_flat_map(|ids| {
        let n = ids.len();
        (
            Just(ids),
            prop::collection::vec(
                (
                    prop::option::of(0..6i64),
                    prop::option::of(word()),
                    prop::option::of(prop::collection::vec(0..4i64, 0..4)),
                ),
                n,
            ),
        )
            .prop_map(|(ids, fields)| {
                ids.into_iter()
                    .zip(fields)
                    .map(|(i, (a, b, c))| Doc { id: format!("d{i:02}"), a, b, c })
                    .collect()
            })
    })
}

/// Sort: none, `_id` either way, or `a` / `b` either way.
fn sort() -> impl Strategy<Value = Option<(&'static str, i32)>> {
    prop_oneof![
        Just(None),
        (prop::sample::select(vec!["_id", "a", "b"]), prop::sample::select(vec![1, -1])).prop_map(Some),
    ]
}

fn reference(
    docs: &[Doc],
    f: &F,
    sort: Option<(&str, i32)>,
    skip: usize,
    limit: Option<usize>,
) -> Vec<String> {
    let mut hits: Vec<&Doc> = docs.iter().filter(|d| f.eval(d)).collect();
    hits.sort_by(|x, y| x.id.cmp(&y.id));
    if let Some((field, dir)) = sort {
        // Missing values first; ties keep `_id` ascending (a stable sort).
        let key = |d: &Doc| -> (u8, i64, String) {
            match field {
                "a" => d.a.map_or((0, 0, String::new()), |a| (1, a, String::new())),
                "b" => d.b.clone().map_or((0, 0, String::new()), |b| (2, 0, b)),
                _ => (3, 0, d.id.clone()),
            }
        };
        hits.sort_by(|x, y| {
            let o = key(x).cmp(&key(y));
            if dir == 1 {
                o
            } else {
                o.reverse()
            }
        });
    }
    let out = hits.into_iter().skip(skip).map(|d| d.id.clone());
    match limit {
        Some(n) => out.take(n).collect(),
        None => out.collect(),
    }
}

#[test]
fn find_matches_an_in_memory_reference() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (_emu, client) = rt.block_on(ddb_odm::testing::embedded());
    let cols = Collections::with_options(client, Options::default());
    rt.block_on(cols.ensure_table()).unwrap();
    let class = AtomicUsize::new(0);
    let config = ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(docs in docs(), f in filter(), sort in sort(), skip in 0..8usize, limit in prop::option::of(0..12usize), page in 1..8i32)| {
        let c = cols.collection(&format!("P{}", class.fetch_add(1, Relaxed)));
        rt.block_on(async {
            c.insert_many(docs.iter().map(Doc::json).collect()).await.unwrap();
            let mut find = c.find(f.json()).skip(skip as u64).page_size(page);
            if let Some((field, dir)) = sort {
                find = find.sort(field, dir);
            }
            if let Some(n) = limit {
                find = find.limit(n as u64);
            }
            let got: Vec<String> = find.all().await.unwrap().iter().map(|d| d["_id"].as_str().unwrap().to_string()).collect();
            let want = reference(&docs, &f, sort, skip, limit);
            assert_eq!(got, want, "filter {}", f.json());
            let count = c.count(f.json()).await.unwrap();
            assert_eq!(count as usize, reference(&docs, &f, None, 0, None).len(), "count {}", f.json());
            // Documents come back as inserted.
            if let Some(d) = docs.first() {
                assert_eq!(c.find_one(json!({"_id": d.id})).await.unwrap(), Some(d.json()));
            }
        });
    });
}
