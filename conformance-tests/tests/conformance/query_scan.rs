//! Query and Scan through the SDK: key conditions on S / N / B sort keys,
//! ordering, Limit and LastEvaluatedKey paging, filters (applied after the
//! limit), projections, Select, secondary indexes (sparse, projections,
//! ordering, multi-attribute GSI keys, back-fill), the 1 MB page limit,
//! parallel scan, and the validation errors with the service's texts.
//!
//! Message texts are asserted exactly where public evidence quotes them (the
//! issue thread is named next to the assertion); otherwise only the error
//! code, and a fragment where one is safe.

use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::operation::query::QueryOutput;
use aws_sdk_dynamodb::operation::scan::builders::ScanFluentBuilder;
use aws_sdk_dynamodb::operation::scan::ScanOutput;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue as AV, BillingMode, CreateGlobalSecondaryIndexAction,
    GlobalSecondaryIndex, GlobalSecondaryIndexUpdate, KeySchemaElement, KeyType, LocalSecondaryIndex,
    Projection, ProjectionType, ScalarAttributeType as T, Select,
};
use aws_sdk_dynamodb::Client;
use ddb_conformance::{expect_err, TestEnv};
use std::collections::{BTreeSet, HashMap};

pub(crate) type Item = HashMap<String, AV>;

// ---- helpers -------------------------------------------------------------------

pub(crate) fn s(v: &str) -> AV {
    AV::S(v.to_string())
}
pub(crate) fn n(v: &str) -> AV {
    AV::N(v.to_string())
}
pub(crate) fn b(v: &[u8]) -> AV {
    AV::B(v.to_vec().into())
}

/// An item from (name, value) pairs.
pub(crate) fn item(pairs: &[(&str, AV)]) -> Item {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// A key schema: the HASH attributes, then the RANGE attributes.
pub(crate) fn key_schema(hash: &[&str], range: &[&str]) -> Vec<KeySchemaElement> {
    let elem = |name: &str, kt: KeyType| {
        KeySchemaElement::builder().attribute_name(name).key_type(kt).build().unwrap()
    };
    hash.iter().map(|h| elem(h, KeyType::Hash)).chain(range.iter().map(|r| elem(r, KeyType::Range))).collect()
}

pub(crate) fn projection(ty: ProjectionType, include: &[&str]) -> Projection {
    let mut p = Projection::builder().projection_type(ty);
    for a in include {
        p = p.non_key_attributes(*a);
    }
    p.build()
}

pub(crate) fn gsi(name: &str, hash: &[&str], range: &[&str], p: Projection) -> GlobalSecondaryIndex {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .set_key_schema(Some(key_schema(hash, range)))
        .projection(p)
        .build()
        .unwrap()
}

pub(crate) fn lsi(name: &str, hash: &str, range: &str, p: Projection) -> LocalSecondaryIndex {
    LocalSecondaryIndex::builder()
        .index_name(name)
        .set_key_schema(Some(key_schema(&[hash], &[range])))
        .projection(p)
        .build()
        .unwrap()
}

/// Creates an on-demand table.
pub(crate) async fn create_table(
    c: &Client,
    name: &str,
    attrs: &[(&str, T)],
    key: Vec<KeySchemaElement>,
    gsis: Vec<GlobalSecondaryIndex>,
    lsis: Vec<LocalSecondaryIndex>,
) {
    let defs = attrs
        .iter()
        .map(|(a, t)| {
            AttributeDefinition::builder().attribute_name(*a).attribute_type(t.clone()).build().unwrap()
        })
        .collect();
    c.create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(defs))
        .set_key_schema(Some(key))
        .set_global_secondary_indexes((!gsis.is_empty()).then_some(gsis))
        .set_local_secondary_indexes((!lsis.is_empty()).then_some(lsis))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create table {name}: {e:?}"));
}

/// A table with string `pk` and a sort key `sk` of type `sk_type`.
async fn pk_sk_table(c: &Client, name: &str, sk_type: T) {
    create_table(c, name, &[("pk", T::S), ("sk", sk_type)], key_schema(&["pk"], &["sk"]), vec![], vec![])
        .await;
}

pub(crate) async fn put(c: &Client, table: &str, it: Item) {
    c.put_item().table_name(table).set_item(Some(it)).send().await.unwrap();
}

/// Every page of a Query, following LastEvaluatedKey.
pub(crate) async fn query_pages(q: &QueryFluentBuilder) -> Vec<QueryOutput> {
    let mut pages = Vec::new();
    let mut esk = None;
    loop {
        let out = q.clone().set_exclusive_start_key(esk).send().await.expect("query page");
        esk = out.last_evaluated_key.clone();
        pages.push(out);
        if esk.is_none() {
            return pages;
        }
        assert!(pages.len() < 10_000, "paging does not terminate");
    }
}

/// Every page of a Scan, following LastEvaluatedKey.
pub(crate) async fn scan_pages(q: &ScanFluentBuilder) -> Vec<ScanOutput> {
    let mut pages = Vec::new();
    let mut esk = None;
    loop {
        let out = q.clone().set_exclusive_start_key(esk).send().await.expect("scan page");
        esk = out.last_evaluated_key.clone();
        pages.push(out);
        if esk.is_none() {
            return pages;
        }
        assert!(pages.len() < 10_000, "paging does not terminate");
    }
}

pub(crate) fn query_items(pages: &[QueryOutput]) -> Vec<Item> {
    pages.iter().flat_map(|p| p.items().iter().cloned()).collect()
}
pub(crate) fn scan_items(pages: &[ScanOutput]) -> Vec<Item> {
    pages.iter().flat_map(|p| p.items().iter().cloned()).collect()
}

/// A Query with `cond` and `:v0`, `:v1`, ... bound to `values`.
fn query(c: &Client, table: &str, cond: &str, values: &[AV]) -> QueryFluentBuilder {
    let mut q = c.query().table_name(table).key_condition_expression(cond);
    for (i, v) in values.iter().enumerate() {
        q = q.expression_attribute_values(format!(":v{i}"), v.clone());
    }
    q
}

/// The values of attribute `attr` in `items`, as text (S, N) or hex (B).
fn col(items: &[Item], attr: &str) -> Vec<String> {
    items
        .iter()
        .map(|it| match it.get(attr) {
            Some(AV::S(x)) | Some(AV::N(x)) => x.clone(),
            Some(AV::B(x)) => hex(x.as_ref()),
            other => format!("{other:?}"),
        })
        .collect()
}

/// The value of attribute `attr` of one item, as `col` renders it.
fn val(it: &Item, attr: &str) -> String {
    col(std::slice::from_ref(it), attr).remove(0)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn keys_of(it: &Item) -> BTreeSet<String> {
    it.keys().cloned().collect()
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Asserts that `got` is the concatenation of `groups`, each group in any
/// order (items that tie on every key the order is defined by).
fn assert_groups(got: &[String], groups: &[&[&str]]) {
    let mut at = 0;
    for g in groups {
        let part = got
            .get(at..at + g.len())
            .unwrap_or_else(|| panic!("too few items: {got:?}, expected {groups:?}"));
        let part: BTreeSet<&str> = part.iter().map(String::as_str).collect();
        assert_eq!(part, g.iter().copied().collect::<BTreeSet<_>>(), "{got:?}, expected {groups:?}");
        at += g.len();
    }
    assert_eq!(at, got.len(), "{got:?}, expected {groups:?}");
}

// ---- key conditions and ordering ---------------------------------------------------

#[tokio::test]
async fn number_sort_key_operators_and_numeric_order() {
    let env = TestEnv::new().await;
    let c = &env.client;
    pk_sk_table(c, "nums", T::N).await;
    let sks = ["100", "-10", "1.5", "0", "2", "-2", "10"];
    for sk in sks {
        put(c, "nums", item(&[("pk", s("p")), ("sk", n(sk)), ("v", s(sk))])).await;
    }
    put(c, "nums", item(&[("pk", s("q")), ("sk", n("5"))])).await;

    let run = |cond: &str, vals: Vec<AV>, fwd: bool| {
        let q = query(c, "nums", cond, &vals).scan_index_forward(fwd);
        async move { col(&query_items(&query_pages(&q).await), "sk") }
    };
    let p = s("p");
    assert_eq!(run("pk = :v0", vec![p.clone()], true).await, ["-10", "-2", "0", "1.5", "2", "10", "100"]);
    assert_eq!(run("pk = :v0", vec![p.clone()], false).await, ["100", "10", "2", "1.5", "0", "-2", "-10"]);
    assert_eq!(run("pk = :v0 AND sk = :v1", vec![p.clone(), n("2")], true).await, ["2"]);
    assert_eq!(
        run("pk = :v0 AND sk = :v1", vec![p.clone(), n("2.0")], true).await,
        ["2"],
        "numeric equality"
    );
    assert_eq!(run("pk = :v0 AND sk = :v1", vec![p.clone(), n("3")], true).await, Vec::<String>::new());
    assert_eq!(run("pk = :v0 AND sk < :v1", vec![p.clone(), n("2")], true).await, ["-10", "-2", "0", "1.5"]);
    assert_eq!(
        run("pk = :v0 AND sk <= :v1", vec![p.clone(), n("2")], true).await,
        ["-10", "-2", "0", "1.5", "2"]
    );
    assert_eq!(run("pk = :v0 AND sk > :v1", vec![p.clone(), n("1.5")], true).await, ["2", "10", "100"]);
    assert_eq!(
        run("pk = :v0 AND sk >= :v1", vec![p.clone(), n("1.5")], true).await,
        ["1.5", "2", "10", "100"]
    );
    assert_eq!(
        run("pk = :v0 AND sk BETWEEN :v1 AND :v2", vec![p.clone(), n("-2"), n("10")], true).await,
        ["-2", "0", "1.5", "2", "10"]
    );
    assert_eq!(
        run("pk = :v0 AND sk BETWEEN :v1 AND :v2", vec![p.clone(), n("-2"), n("10")], false).await,
        ["10", "2", "1.5", "0", "-2"]
    );
    assert_eq!(
        run("pk = :v0 AND sk BETWEEN :v1 AND :v2", vec![p.clone(), n("3"), n("3")], true).await,
        Vec::<String>::new()
    );
    // Operands in either order, and parentheses.
    assert_eq!(run("(sk < :v1) AND (pk = :v0)", vec![p.clone(), n("0")], true).await, ["-10", "-2"]);
    assert_eq!(run("pk = :v0", vec![s("nobody")], true).await, Vec::<String>::new());

    // begins_with is not available on a number sort key.
    let (code, _) =
        expect_err!(query(c, "nums", "pk = :v0 AND begins_with(sk, :v1)", &[p.clone(), n("1")]).send().await);
    assert_eq!(code, "ValidationException");
    // A key value of the wrong type. (Quoted in floci-io/floci#2467 and baseprime/dynamodb#25.)
    let type_mismatch =
        "One or more parameter values were invalid: Condition parameter type does not match schema type";
    let (code, msg) =
        expect_err!(query(c, "nums", "pk = :v0 AND sk > :v1", &[p.clone(), s("1")]).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, type_mismatch);
    let (_, msg) = expect_err!(query(c, "nums", "pk = :v0", &[n("1")]).send().await);
    assert_eq!(msg, type_mismatch);
}

#[tokio::test]
async fn number_keys_compare_by_value_across_spellings_and_magnitudes() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(
        c,
        "numkeys",
        &[("pk", T::N), ("sk", T::N), ("g", T::N)],
        key_schema(&["pk"], &["sk"]),
        vec![gsi("byg", &["g"], &["sk"], projection(ProjectionType::KeysOnly, &[]))],
        vec![],
    )
    .await;
    // Extreme magnitudes, tiny fractions and 38-digit integers.
    let sks = [
        "-9.9999999999999999999999999999999999999E+125",
        "-100",
        "-1E-130",
        "0",
        "1E-130",
        "0.000001",
        "0.00001",
        "12345678901234567890123456789012345678",
        "12345678901234567890123456789012345679",
        "9.9999999999999999999999999999999999999E+125",
    ];
    for (i, sk) in sks.iter().enumerate().rev() {
        put(
            c,
            "numkeys",
            item(&[("pk", n("1.50")), ("sk", n(sk)), ("g", n("2E0")), ("i", n(&i.to_string()))]),
        )
        .await;
    }
    let order = |items: Vec<Item>| -> Vec<String> { col(&items, "i") };
    let expected: Vec<String> = (0..sks.len()).map(|i| i.to_string()).collect();
    // The partition is found whatever the spelling of its number.
    for pk in ["1.5", "15E-1", "1.500", "0.15e1"] {
        let items = query_items(
            &query_pages(&query(c, "numkeys", "pk = :v0", &[n(pk)]).projection_expression("i").limit(3))
                .await,
        );
        assert_eq!(order(items), expected, "pk spelled {pk}");
    }
    let table_sks =
        col(&query_items(&query_pages(&query(c, "numkeys", "pk = :v0", &[n("1.5")])).await), "sk");
    for g in ["2", "2.0", "0.2E1"] {
        let items = query_items(
            &query_pages(&query(c, "numkeys", "g = :v0", &[n(g)]).index_name("byg").limit(4)).await,
        );
        assert_eq!(col(&items, "sk"), table_sks, "GSI partition spelled {g}, ordered by sk");
    }
    let got = order(query_items(
        &query_pages(&query(c, "numkeys", "pk = :v0 AND sk > :v1", &[n("1.5"), n("0")])).await,
    ));
    assert_eq!(got, ["4", "5", "6", "7", "8", "9"]);
    let got = order(query_items(
        &query_pages(&query(
            c,
            "numkeys",
            "pk = :v0 AND sk BETWEEN :v1 AND :v2",
            &[n("1.5"), n("-1E-129"), n("1e-6")],
        ))
        .await,
    ));
    assert_eq!(got, ["2", "3", "4", "5"]);
}

#[tokio::test]
async fn string_sort_key_orders_by_utf8_bytes() {
    let env = TestEnv::new().await;
    let c = &env.client;
    pk_sk_table(c, "strs", T::S).await;
    // U+FF61 sorts before U+1F600 in UTF-8 (and code points) but after it in
    // UTF-16 (whose surrogates start at 0xD800): this catches UTF-16 ordering.
    let sks = ["b", "a", "B", "ab", "abd", "abc", "a\u{10FFFF}", "é", "\u{FF61}", "😀", "\u{10FFFF}x", "Z"];
    for sk in sks {
        put(c, "strs", item(&[("pk", s("p")), ("sk", s(sk))])).await;
    }
    let mut sorted: Vec<String> = sks.iter().map(|x| x.to_string()).collect();
    sorted.sort(); // Rust's String order is UTF-8 byte order.
    let run = |cond: &str, vals: Vec<AV>, fwd: bool| {
        let q = query(c, "strs", cond, &vals).scan_index_forward(fwd);
        async move { col(&query_items(&query_pages(&q).await), "sk") }
    };
    let p = s("p");
    assert_eq!(run("pk = :v0", vec![p.clone()], true).await, sorted);
    let mut rev = sorted.clone();
    rev.reverse();
    assert_eq!(run("pk = :v0", vec![p.clone()], false).await, rev);
    assert_eq!(
        sorted,
        ["B", "Z", "a", "ab", "abc", "abd", "a\u{10FFFF}", "b", "é", "\u{FF61}", "😀", "\u{10FFFF}x"]
    );
    assert_eq!(
        run("pk = :v0 AND begins_with(sk, :v1)", vec![p.clone(), s("ab")], true).await,
        ["ab", "abc", "abd"]
    );
    assert_eq!(
        run("pk = :v0 AND begins_with(sk, :v1)", vec![p.clone(), s("a")], false).await,
        ["a\u{10FFFF}", "abd", "abc", "ab", "a"]
    );
    assert_eq!(
        run("pk = :v0 AND begins_with(sk, :v1)", vec![p.clone(), s("\u{10FFFF}")], true).await,
        ["\u{10FFFF}x"]
    );
    assert_eq!(
        run("pk = :v0 AND begins_with(sk, :v1)", vec![p.clone(), s("abcd")], true).await,
        Vec::<String>::new()
    );
    assert_eq!(
        run("pk = :v0 AND sk BETWEEN :v1 AND :v2", vec![p.clone(), s("ab"), s("b")], true).await,
        ["ab", "abc", "abd", "a\u{10FFFF}", "b"]
    );
    assert_eq!(run("pk = :v0 AND sk < :v1", vec![p.clone(), s("a")], true).await, ["B", "Z"]);
    assert_eq!(
        run("pk = :v0 AND sk > :v1", vec![p.clone(), s("é")], true).await,
        ["\u{FF61}", "😀", "\u{10FFFF}x"]
    );
    assert_eq!(run("pk = :v0 AND sk >= :v1", vec![p.clone(), s("😀")], true).await, ["😀", "\u{10FFFF}x"]);
    assert_eq!(run("pk = :v0 AND sk <= :v1", vec![p.clone(), s("ab")], false).await, ["ab", "a", "Z", "B"]);
}

#[tokio::test]
async fn binary_sort_key_orders_as_unsigned_bytes() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, "bins", &[("pk", T::B), ("sk", T::B)], key_schema(&["pk"], &["sk"]), vec![], vec![])
        .await;
    let sks: [&[u8]; 9] = [
        &[0x80],
        &[0x00],
        &[0xff, 0x00],
        &[0x01, 0x02],
        &[0x7f],
        &[0xff],
        &[0x01],
        &[0xff, 0xff],
        &[0x00, 0x00],
    ];
    for sk in sks {
        put(c, "bins", item(&[("pk", b(b"p")), ("sk", b(sk))])).await;
    }
    put(c, "bins", item(&[("pk", b(b"q")), ("sk", b(&[0x01]))])).await;
    let mut sorted: Vec<Vec<u8>> = sks.iter().map(|x| x.to_vec()).collect();
    sorted.sort();
    let sorted: Vec<String> = sorted.iter().map(|x| hex(x)).collect();
    assert_eq!(sorted, ["00", "0000", "01", "0102", "7f", "80", "ff", "ff00", "ffff"]);
    let run = |cond: &str, vals: Vec<AV>, fwd: bool| {
        let q = query(c, "bins", cond, &vals).scan_index_forward(fwd);
        async move { col(&query_items(&query_pages(&q).await), "sk") }
    };
    let p = b(b"p");
    assert_eq!(run("pk = :v0", vec![p.clone()], true).await, sorted);
    assert_eq!(
        run("pk = :v0 AND sk > :v1", vec![p.clone(), b(&[0x7f])], true).await,
        ["80", "ff", "ff00", "ffff"]
    );
    assert_eq!(
        run("pk = :v0 AND sk < :v1", vec![p.clone(), b(&[0x80])], true).await,
        ["00", "0000", "01", "0102", "7f"]
    );
    assert_eq!(
        run("pk = :v0 AND begins_with(sk, :v1)", vec![p.clone(), b(&[0xff])], true).await,
        ["ff", "ff00", "ffff"]
    );
    assert_eq!(
        run("pk = :v0 AND begins_with(sk, :v1)", vec![p.clone(), b(&[0x01])], false).await,
        ["0102", "01"]
    );
    assert_eq!(
        run("pk = :v0 AND begins_with(sk, :v1)", vec![p.clone(), b(&[0x00])], true).await,
        ["00", "0000"]
    );
    assert_eq!(
        run("pk = :v0 AND sk BETWEEN :v1 AND :v2", vec![p.clone(), b(&[0x01]), b(&[0xff])], true).await,
        ["01", "0102", "7f", "80", "ff"]
    );
    assert_eq!(run("pk = :v0 AND sk = :v1", vec![p.clone(), b(&[0xff, 0x00])], true).await, ["ff00"]);
}

#[tokio::test]
async fn key_condition_structure_errors() {
    let env = TestEnv::new().await;
    let c = &env.client;
    pk_sk_table(c, "kcond", T::N).await;
    // No key condition at all. (Quoted in architect/dynalite#52 and
    // awsdocs/amazon-dynamodb-developer-guide#274.)
    let (code, msg) = expect_err!(c.query().table_name("kcond").send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
    );
    // The partition key missing from the condition. (Quoted in architect/architect#917.)
    let (code, msg) = expect_err!(query(c, "kcond", "sk = :v0", &[n("1")]).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Query condition missed key schema element: pk");
    // A range operator on the partition key, OR, two conditions on one key,
    // a non-key attribute: all ValidationException.
    for (cond, vals) in [
        ("pk > :v0", vec![s("a")]),
        ("pk = :v0 OR sk = :v1", vec![s("a"), n("1")]),
        ("pk = :v0 AND sk > :v1 AND sk < :v2", vec![s("a"), n("1"), n("5")]),
        ("pk = :v0 AND nonkey = :v1", vec![s("a"), n("1")]),
        ("pk = :v0 AND sk <> :v1", vec![s("a"), n("1")]),
    ] {
        let (code, _) = expect_err!(query(c, "kcond", cond, &vals).send().await);
        assert_eq!(code, "ValidationException", "{cond}");
    }
    // A filter may not name a key attribute in Query.
    let (code, _) = expect_err!(
        query(c, "kcond", "pk = :v0", &[s("a"), n("1")]).filter_expression("sk = :v1").send().await
    );
    assert_eq!(code, "ValidationException");
    // Unknown table.
    let (code, _) = expect_err!(query(c, "nope", "pk = :v0", &[s("a")]).send().await);
    assert_eq!(code, "ResourceNotFoundException");
}

// ---- Limit, LastEvaluatedKey, filters -----------------------------------------------

#[tokio::test]
async fn limit_pages_and_last_evaluated_key() {
    let env = TestEnv::new().await;
    let c = &env.client;
    pk_sk_table(c, "pages", T::N).await;
    for i in 1..=10 {
        put(c, "pages", item(&[("pk", s("p")), ("sk", n(&i.to_string())), ("x", s("payload"))])).await;
        put(c, "pages", item(&[("pk", s(&format!("other{i}"))), ("sk", n(&i.to_string()))])).await;
    }
    let all: Vec<String> = (1..=10).map(|i| i.to_string()).collect();
    for (fwd, limit) in [(true, 3), (false, 3), (true, 1), (false, 4), (true, 10), (true, 11), (true, 100)] {
        let q = query(c, "pages", "pk = :v0", &[s("p")]).scan_index_forward(fwd).limit(limit);
        let pages = query_pages(&q).await;
        let mut expected = all.clone();
        if !fwd {
            expected.reverse();
        }
        assert_eq!(col(&query_items(&pages), "sk"), expected, "fwd {fwd} limit {limit}");
        for (i, page) in pages.iter().enumerate() {
            let last = i + 1 == pages.len();
            assert_eq!(page.count() as usize, page.items().len());
            assert_eq!(page.scanned_count(), page.count());
            if !last {
                // A page cut by Limit holds exactly Limit items and ends with
                // LastEvaluatedKey = the key of its last item.
                assert_eq!(page.items().len(), limit as usize, "fwd {fwd} limit {limit} page {i}");
                let lek = page.last_evaluated_key().unwrap();
                let last_item = page.items().last().unwrap();
                assert_eq!(keys_of(lek), names(&["pk", "sk"]));
                assert_eq!(lek["sk"], last_item["sk"]);
                assert_eq!(lek["pk"], s("p"));
            } else {
                assert!(page.last_evaluated_key().is_none());
                assert!(page.items().len() < limit as usize);
            }
        }
    }
    // "If DynamoDB processes the number of items up to the limit [...] it stops
    // the operation and returns [...] a key in LastEvaluatedKey" (Query API
    // reference, Limit): a page that reaches the limit returns the key even
    // when nothing follows.
    let out = query(c, "pages", "pk = :v0", &[s("p")]).limit(10).send().await.unwrap();
    assert_eq!(out.count(), 10);
    assert!(out.last_evaluated_key().is_some());
    let next = query(c, "pages", "pk = :v0", &[s("p")])
        .limit(10)
        .set_exclusive_start_key(out.last_evaluated_key.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(next.count(), 0);
    assert!(next.last_evaluated_key().is_none());

    // Paging inside a range condition stays inside the range.
    let q = query(c, "pages", "pk = :v0 AND sk BETWEEN :v1 AND :v2", &[s("p"), n("3"), n("8")]).limit(2);
    assert_eq!(col(&query_items(&query_pages(&q).await), "sk"), ["3", "4", "5", "6", "7", "8"]);
    let q = query(c, "pages", "pk = :v0 AND sk BETWEEN :v1 AND :v2", &[s("p"), n("3"), n("8")])
        .limit(4)
        .scan_index_forward(false);
    assert_eq!(col(&query_items(&query_pages(&q).await), "sk"), ["8", "7", "6", "5", "4", "3"]);

    // Scan pages: union of pages = the table, no duplicates, cut pages hold
    // Limit items and end with their last item's key.
    let pages = scan_pages(&c.scan().table_name("pages").limit(3)).await;
    let items = scan_items(&pages);
    assert_eq!(items.len(), 20);
    let distinct: BTreeSet<(String, String)> =
        items.iter().map(|it| (val(it, "pk"), val(it, "sk"))).collect();
    assert_eq!(distinct.len(), 20);
    for page in &pages[..pages.len() - 1] {
        assert_eq!(page.items().len(), 3);
        let lek = page.last_evaluated_key().unwrap();
        assert_eq!(keys_of(lek), names(&["pk", "sk"]));
        let last = page.items().last().unwrap();
        assert_eq!((&lek["pk"], &lek["sk"]), (&last["pk"], &last["sk"]));
    }
}

#[tokio::test]
async fn filter_is_applied_after_limit() {
    let env = TestEnv::new().await;
    let c = &env.client;
    pk_sk_table(c, "flt", T::N).await;
    for i in 1..=10 {
        put(c, "flt", item(&[("pk", s("p")), ("sk", n(&i.to_string())), ("even", AV::Bool(i % 2 == 0))]))
            .await;
    }
    let q = query(c, "flt", "pk = :v0", &[s("p"), AV::Bool(true)]).filter_expression("even = :v1").limit(4);
    let first = q.clone().send().await.unwrap();
    assert_eq!(first.scanned_count(), 4, "Limit counts items read, not items returned");
    assert_eq!(first.count(), 2);
    assert_eq!(col(first.items(), "sk"), ["2", "4"]);
    assert_eq!(first.last_evaluated_key().unwrap()["sk"], n("4"));
    let pages = query_pages(&q).await;
    assert_eq!(col(&query_items(&pages), "sk"), ["2", "4", "6", "8", "10"]);
    let scanned: i32 = pages.iter().map(|p| p.scanned_count()).sum();
    assert_eq!(scanned, 10);

    // A page where nothing passes the filter: empty, but with a key to go on.
    let q = query(c, "flt", "pk = :v0", &[s("p"), n("99")])
        .filter_expression("attribute_exists(nope) OR sk2 = :v1");
    let out = q.clone().limit(3).send().await.unwrap();
    assert_eq!((out.count(), out.scanned_count()), (0, 3));
    assert!(out.items().is_empty());
    assert!(out.last_evaluated_key().is_some());
    // Without Limit: Count 0, ScannedCount = the whole partition.
    let out = q.send().await.unwrap();
    assert_eq!((out.count(), out.scanned_count()), (0, 10));
    assert!(out.last_evaluated_key().is_none());

    // Select COUNT with a filter: Count = matches, ScannedCount = read.
    let out = query(c, "flt", "pk = :v0", &[s("p"), AV::Bool(false)])
        .filter_expression("even = :v1")
        .select(Select::Count)
        .send()
        .await
        .unwrap();
    assert_eq!((out.count(), out.scanned_count()), (5, 10));
    assert!(out.items.is_none(), "COUNT returns no Items");

    // Scan: the same rule.
    let out = c
        .scan()
        .table_name("flt")
        .filter_expression("even = :t")
        .expression_attribute_values(":t", AV::Bool(true))
        .limit(5)
        .send()
        .await
        .unwrap();
    assert_eq!(out.scanned_count(), 5);
    assert!(out.count() <= 5);
    assert!(out.last_evaluated_key().is_some());
    let all = scan_items(
        &scan_pages(
            &c.scan()
                .table_name("flt")
                .filter_expression("even = :t")
                .expression_attribute_values(":t", AV::Bool(true))
                .limit(3),
        )
        .await,
    );
    let mut got = col(&all, "sk");
    got.sort_by_key(|x| x.parse::<i32>().unwrap());
    assert_eq!(got, ["2", "4", "6", "8", "10"]);
    // Scan (unlike Query) may filter on key attributes.
    let out = c
        .scan()
        .table_name("flt")
        .filter_expression("sk >= :k AND pk = :p")
        .expression_attribute_values(":k", n("9"))
        .expression_attribute_values(":p", s("p"))
        .send()
        .await
        .unwrap();
    assert_eq!((out.count(), out.scanned_count()), (2, 10));
}

// ---- projections and Select -------------------------------------------------------------

#[tokio::test]
async fn projection_expression_with_nested_paths() {
    let env = TestEnv::new().await;
    let c = &env.client;
    pk_sk_table(c, "prj", T::N).await;
    let m = AV::M(HashMap::from([
        ("a".to_string(), n("1")),
        ("b".to_string(), AV::M(HashMap::from([("c".to_string(), s("x")), ("d".to_string(), s("y"))]))),
    ]));
    let l = AV::L(vec![n("10"), n("20"), n("30")]);
    put(
        c,
        "prj",
        item(&[("pk", s("p")), ("sk", n("1")), ("m", m), ("l", l), ("name", s("nm")), ("o", s("other"))]),
    )
    .await;

    let expected = item(&[
        ("m", AV::M(HashMap::from([("b".to_string(), AV::M(HashMap::from([("c".to_string(), s("x"))])))]))),
        ("l", AV::L(vec![n("30")])),
        ("name", s("nm")),
    ]);
    let out = query(c, "prj", "pk = :v0", &[s("p")])
        .projection_expression("m.b.c, l[2], #n, nothere, m.zz, l[7]")
        .expression_attribute_names("#n", "name")
        .send()
        .await
        .unwrap();
    assert_eq!(out.items(), std::slice::from_ref(&expected), "only the named paths, keys not added");
    let out = c
        .scan()
        .table_name("prj")
        .projection_expression("m.b.c, l[2], #n")
        .expression_attribute_names("#n", "name")
        .send()
        .await
        .unwrap();
    assert_eq!(out.items(), [expected]);
    // Several list elements keep their order; a whole map and a sub-path of it.
    let out = query(c, "prj", "pk = :v0", &[s("p")])
        .projection_expression("l[2], l[0], sk, m")
        .send()
        .await
        .unwrap();
    let it = &out.items()[0];
    assert_eq!(it["l"], AV::L(vec![n("10"), n("30")]));
    assert_eq!(it["sk"], n("1"));
    assert_eq!(keys_of(it), names(&["l", "sk", "m"]));
    assert_eq!(it["m"].as_m().unwrap().len(), 2);
}

#[tokio::test]
async fn select_values_and_their_errors_on_a_table() {
    let env = TestEnv::new().await;
    let c = &env.client;
    pk_sk_table(c, "sel", T::N).await;
    for i in 1..=3 {
        put(c, "sel", item(&[("pk", s("p")), ("sk", n(&i.to_string())), ("a", s("A")), ("b", s("B"))])).await;
    }
    let q = query(c, "sel", "pk = :v0", &[s("p")]);
    let out = q.clone().select(Select::Count).send().await.unwrap();
    assert_eq!((out.count(), out.scanned_count()), (3, 3));
    assert!(out.items.is_none());
    let out = c.scan().table_name("sel").select(Select::Count).send().await.unwrap();
    assert_eq!((out.count(), out.scanned_count()), (3, 3));
    assert!(out.items.is_none());

    let out = q.clone().select(Select::SpecificAttributes).projection_expression("a").send().await.unwrap();
    assert!(out.items().iter().all(|it| keys_of(it) == names(&["a"])));
    let out = q.clone().select(Select::AllAttributes).send().await.unwrap();
    assert!(out.items().iter().all(|it| keys_of(it) == names(&["pk", "sk", "a", "b"])));
    let out = q.clone().send().await.unwrap();
    assert!(out.items().iter().all(|it| it.len() == 4), "default on a table: ALL_ATTRIBUTES");

    // SPECIFIC_ATTRIBUTES needs a projection.
    let (code, msg) = expect_err!(q.clone().select(Select::SpecificAttributes).send().await);
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("SPECIFIC_ATTRIBUTES"), "{msg}");
    // A projection with any other Select. The phrases are the ones
    // paritysuite/dynamodb-conformance#48 and nubo-db/dynoxide#100 report as
    // captured from the service (which may wrap them in a "1 validation error
    // detected" envelope, hence `contains`).
    for (sel, phrase) in [
        (
            Select::AllAttributes,
            "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES",
        ),
        (Select::Count, "Cannot specify the ProjectionExpression when choosing to get only the Count"),
    ] {
        let (code, msg) = expect_err!(q.clone().select(sel.clone()).projection_expression("a").send().await);
        assert_eq!(code, "ValidationException", "{sel:?}");
        assert!(msg.contains(phrase), "{msg}");
        let (code, msg) = expect_err!(
            c.scan().table_name("sel").select(sel.clone()).projection_expression("a").send().await
        );
        assert_eq!(code, "ValidationException", "{sel:?}");
        assert!(msg.contains(phrase), "{msg}");
    }
    // ALL_PROJECTED_ATTRIBUTES without an index, on Query and on Scan (the
    // service says "Querying" on Scan too, per nubo-db/dynoxide#100).
    let phrase = "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName";
    let (code, msg) = expect_err!(q.clone().select(Select::AllProjectedAttributes).send().await);
    assert_eq!(code, "ValidationException");
    assert!(msg.contains(phrase), "{msg}");
    let (code, msg) =
        expect_err!(c.scan().table_name("sel").select(Select::AllProjectedAttributes).send().await);
    assert_eq!(code, "ValidationException");
    assert!(msg.contains(phrase), "{msg}");
}

// ---- secondary indexes --------------------------------------------------------------------

/// Table `gt` (pk S, sk N) with GSIs `keys` (gpk, gsk; KEYS_ONLY), `incl`
/// (gpk, gsk; INCLUDE a) and `all` (gpk; ALL), and its items.
async fn gsi_fixture(c: &Client) {
    create_table(
        c,
        "gsit",
        &[("pk", T::S), ("sk", T::N), ("gpk", T::S), ("gsk", T::N)],
        key_schema(&["pk"], &["sk"]),
        vec![
            gsi("keys", &["gpk"], &["gsk"], projection(ProjectionType::KeysOnly, &[])),
            gsi("incl", &["gpk"], &["gsk"], projection(ProjectionType::Include, &["a"])),
            gsi("all", &["gpk"], &[], projection(ProjectionType::All, &[])),
        ],
        vec![],
    )
    .await;
    type Row<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, Option<&'a str>, Option<&'a str>);
    let rows: &[Row] = &[
        // pk, sk, gpk, gsk, a, b
        ("p1", "1", Some("g"), Some("5"), Some("a1"), Some("b1")),
        ("p1", "2", Some("g"), Some("3"), Some("a2"), Some("b2")),
        ("p2", "1", Some("g"), Some("5"), Some("a3"), None),
        ("p1", "3", Some("g"), None, Some("a4"), Some("b4")), // not in keys/incl
        ("p3", "1", None, Some("1"), Some("a5"), None),       // in no index
        ("p1", "4", Some("h"), Some("1"), None, Some("b6")),
        ("p1", "0", Some("g"), Some("5"), None, Some("b7")), // ties with p1/1
        ("p0", "9", Some("g"), Some("5"), Some("a8"), None), // ties, other table partition
    ];
    for (pk, sk, gpk, gsk, a, bb) in rows {
        let mut it = item(&[("pk", s(pk)), ("sk", n(sk))]);
        for (name, v) in [("gpk", gpk.map(s)), ("gsk", gsk.map(n)), ("a", a.map(s)), ("b", bb.map(s))] {
            if let Some(v) = v {
                it.insert(name.to_string(), v);
            }
        }
        put(c, "gsit", it).await;
    }
}

fn table_key(it: &Item) -> String {
    format!("{}/{}", val(it, "pk"), val(it, "sk"))
}

#[tokio::test]
async fn gsi_query_sparse_projection_and_order() {
    let env = TestEnv::new().await;
    let c = &env.client;
    gsi_fixture(c).await;
    let q = |index: &str| query(c, "gsit", "gpk = :v0", &[s("g")]).index_name(index);

    // KEYS_ONLY: table key + index key; sparse (p1/3 has no gsk, p3/1 no gpk).
    let items = query_items(&query_pages(&q("keys")).await);
    assert!(items.iter().all(|it| keys_of(it) == names(&["pk", "sk", "gpk", "gsk"])), "{items:?}");
    let keys: Vec<String> = items.iter().map(table_key).collect();
    assert_eq!(keys.len(), 5);
    assert_eq!(keys[0], "p1/2", "gsk 3 first");
    // gsk 5 ties: p1/0, p1/1, p2/1, p0/9 in some order fixed by the table key;
    // within one table partition, by the table sort key.
    let tie: BTreeSet<&str> = keys[1..].iter().map(|k| k.as_str()).collect();
    assert_eq!(tie, BTreeSet::from(["p1/0", "p1/1", "p2/1", "p0/9"]));
    let p1_0 = keys.iter().position(|k| k == "p1/0").unwrap();
    let p1_1 = keys.iter().position(|k| k == "p1/1").unwrap();
    assert!(p1_0 < p1_1, "ties within a table partition by table sort key: {keys:?}");
    // Backwards is the exact reverse, and paging with Limit 1 yields the same.
    let mut back: Vec<String> =
        query_items(&query_pages(&q("keys").scan_index_forward(false)).await).iter().map(table_key).collect();
    back.reverse();
    assert_eq!(back, keys);
    let pages = query_pages(&q("keys").limit(1)).await;
    assert_eq!(query_items(&pages).iter().map(table_key).collect::<Vec<_>>(), keys);
    // LastEvaluatedKey of an index read: table key + index key of the last item.
    for page in &pages[..pages.len() - 1] {
        let lek = page.last_evaluated_key().unwrap();
        assert_eq!(keys_of(lek), names(&["pk", "sk", "gpk", "gsk"]));
        assert_eq!(lek, &page.items()[0]);
    }

    // Range condition on the index sort key.
    let items = query_items(
        &query_pages(&query(c, "gsit", "gpk = :v0 AND gsk < :v1", &[s("g"), n("5")]).index_name("keys"))
            .await,
    );
    assert_eq!(items.iter().map(table_key).collect::<Vec<_>>(), ["p1/2"]);

    // INCLUDE a: keys + a, never b.
    let items = query_items(&query_pages(&q("incl")).await);
    assert_eq!(items.len(), 5);
    for it in &items {
        let mut expected = names(&["pk", "sk", "gpk", "gsk"]);
        if it.contains_key("a") {
            expected.insert("a".into());
        }
        assert_eq!(keys_of(it), expected);
    }
    assert_eq!(items.iter().filter(|it| it.contains_key("a")).count(), 4);
    let out = q("incl").projection_expression("a, gsk").send().await.unwrap();
    assert_eq!(out.items().len(), 5);
    assert!(out.items().iter().all(|it| it.keys().all(|k| k == "a" || k == "gsk")));
    // A GSI cannot fetch what it does not project.
    let (code, _) = expect_err!(q("incl").projection_expression("b").send().await);
    assert_eq!(code, "ValidationException");

    // ALL, no index sort key: whole items of every item with gpk = g.
    let items = query_items(&query_pages(&q("all")).await);
    let keys: Vec<String> = items.iter().map(table_key).collect();
    let set: BTreeSet<&str> = keys.iter().map(|k| k.as_str()).collect();
    assert_eq!(set, BTreeSet::from(["p1/0", "p1/1", "p1/2", "p1/3", "p2/1", "p0/9"]));
    let p1: Vec<&str> = keys.iter().map(|k| k.as_str()).filter(|k| k.starts_with("p1/")).collect();
    assert_eq!(p1, ["p1/0", "p1/1", "p1/2", "p1/3"]);
    let full = items.iter().find(|it| table_key(it) == "p1/1").unwrap();
    assert_eq!(keys_of(full), names(&["pk", "sk", "gpk", "gsk", "a", "b"]));
    let out = q("all").select(Select::AllAttributes).send().await.unwrap();
    assert_eq!(out.count(), 6);
    let out = q("all").select(Select::AllProjectedAttributes).send().await.unwrap();
    assert_eq!(out.count(), 6);
    let lek = q("all").limit(2).send().await.unwrap().last_evaluated_key.unwrap();
    assert_eq!(keys_of(&lek), names(&["pk", "sk", "gpk"]));

    // Select ALL_ATTRIBUTES on a GSI that does not project everything. (Quoted
    // in mapbox/dyno#23 and localstack/localstack#805.)
    let (code, msg) = expect_err!(q("keys").select(Select::AllAttributes).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index keys because its projection type is not ALL"
    );
    let (code, _) = expect_err!(
        c.scan().table_name("gsit").index_name("incl").select(Select::AllAttributes).send().await
    );
    assert_eq!(code, "ValidationException");
    let (code, _) = expect_err!(
        q("keys").select(Select::AllProjectedAttributes).projection_expression("gsk").send().await
    );
    assert_eq!(code, "ValidationException");
    let out = q("keys").select(Select::Count).send().await.unwrap();
    assert_eq!(out.count(), 5);
}

#[tokio::test]
async fn gsi_scan_consistent_read_and_unknown_index() {
    let env = TestEnv::new().await;
    let c = &env.client;
    gsi_fixture(c).await;
    let items = scan_items(&scan_pages(&c.scan().table_name("gsit").index_name("keys").limit(2)).await);
    let keys: BTreeSet<String> = items.iter().map(table_key).collect();
    assert_eq!(
        keys,
        ["p0/9", "p1/0", "p1/1", "p1/2", "p1/4", "p2/1"].iter().map(|x| x.to_string()).collect()
    );
    assert_eq!(items.len(), 6);
    assert!(items.iter().all(|it| keys_of(it) == names(&["pk", "sk", "gpk", "gsk"])));
    let items = scan_items(&scan_pages(&c.scan().table_name("gsit").index_name("all")).await);
    assert_eq!(items.len(), 7, "every item with gpk");
    let pages = scan_pages(&c.scan().table_name("gsit").index_name("keys").limit(1)).await;
    assert_eq!(keys_of(pages[0].last_evaluated_key().unwrap()), names(&["pk", "sk", "gpk", "gsk"]));

    // Consistent reads on a GSI. (Quoted in jgilbert01/aws-lambda-stream#60,
    // Layr-Labs/eigenda#1900, floci-io/floci#2931 for Scan.)
    let gsi_msg = "Consistent reads are not supported on global secondary indexes";
    let (code, msg) = expect_err!(
        query(c, "gsit", "gpk = :v0", &[s("g")]).index_name("keys").consistent_read(true).send().await
    );
    assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", gsi_msg));
    let (code, msg) =
        expect_err!(c.scan().table_name("gsit").index_name("all").consistent_read(true).send().await);
    assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", gsi_msg));
    // ConsistentRead false is fine, and true on the table is fine.
    query(c, "gsit", "gpk = :v0", &[s("g")]).index_name("keys").consistent_read(false).send().await.unwrap();
    c.scan().table_name("gsit").consistent_read(true).send().await.unwrap();

    // Unknown index. (Quoted in aws/aws-record-ruby#64, Netflix/repokid#58.)
    let (code, msg) = expect_err!(query(c, "gsit", "gpk = :v0", &[s("g")]).index_name("nope").send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "The table does not have the specified index: nope");
    let (code, msg) = expect_err!(c.scan().table_name("gsit").index_name("nope").send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "The table does not have the specified index: nope");
    // The table's key condition does not fit the index.
    let (code, _) = expect_err!(query(c, "gsit", "pk = :v0", &[s("p1")]).index_name("keys").send().await);
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn lsi_query_projection_fetch_and_order() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(
        c,
        "lsit",
        &[("pk", T::S), ("sk", T::N), ("l", T::S)],
        key_schema(&["pk"], &["sk"]),
        vec![],
        vec![
            lsi("byl", "pk", "l", projection(ProjectionType::KeysOnly, &[])),
            lsi("byl_incl", "pk", "l", projection(ProjectionType::Include, &["a"])),
        ],
    )
    .await;
    // (sk, l): ties on l broken by the table sort key; sk 4 has no l (sparse).
    for (sk, l) in [
        ("1", Some("m")),
        ("2", Some("c")),
        ("3", Some("m")),
        ("4", None),
        ("5", Some("a")),
        ("0", Some("m")),
    ] {
        let mut it = item(&[("pk", s("p")), ("sk", n(sk)), ("a", s("A")), ("b", s("B"))]);
        if let Some(l) = l {
            it.insert("l".into(), s(l));
        }
        put(c, "lsit", it).await;
    }
    put(c, "lsit", item(&[("pk", s("q")), ("sk", n("1")), ("l", s("a"))])).await;
    let q = |index: &str| query(c, "lsit", "pk = :v0", &[s("p")]).index_name(index);
    let items = query_items(&query_pages(&q("byl")).await);
    assert_eq!(col(&items, "sk"), ["5", "2", "0", "1", "3"]);
    assert!(items.iter().all(|it| keys_of(it) == names(&["pk", "sk", "l"])), "KEYS_ONLY by default");
    let items = query_items(&query_pages(&q("byl").scan_index_forward(false)).await);
    assert_eq!(col(&items, "sk"), ["3", "1", "0", "2", "5"]);
    let items = query_items(&query_pages(&q("byl_incl")).await);
    assert!(items.iter().all(|it| keys_of(it) == names(&["pk", "sk", "l", "a"])));
    // An LSI fetches the rest from the table: ALL_ATTRIBUTES and projections
    // of attributes it does not hold are allowed.
    let items = query_items(&query_pages(&q("byl").select(Select::AllAttributes)).await);
    assert!(items.iter().all(|it| keys_of(it) == names(&["pk", "sk", "l", "a", "b"])));
    let items = query_items(&query_pages(&q("byl").projection_expression("b, l")).await);
    assert_eq!(col(&items, "l"), ["a", "c", "m", "m", "m"]);
    assert!(items.iter().all(|it| keys_of(it) == names(&["b", "l"])));
    // Consistent reads are allowed on an LSI.
    let out = q("byl").consistent_read(true).send().await.unwrap();
    assert_eq!(out.count(), 5);
    // Range conditions on the LSI sort key, paging with Limit.
    let qq = query(c, "lsit", "pk = :v0 AND l >= :v1", &[s("p"), s("c")]).index_name("byl").limit(2);
    let pages = query_pages(&qq).await;
    assert_eq!(col(&query_items(&pages), "sk"), ["2", "0", "1", "3"]);
    let lek = pages[0].last_evaluated_key().unwrap();
    assert_eq!(keys_of(lek), names(&["pk", "sk", "l"]));
    let qq =
        query(c, "lsit", "pk = :v0 AND begins_with(l, :v1)", &[s("p"), s("m")]).index_name("byl").limit(1);
    assert_eq!(col(&query_items(&query_pages(&qq).await), "sk"), ["0", "1", "3"]);
    // Scan of an LSI: only items with l.
    let items = scan_items(&scan_pages(&c.scan().table_name("lsit").index_name("byl").limit(2)).await);
    assert_eq!(items.len(), 6);
}

#[tokio::test]
async fn gsi_created_later_is_backfilled() {
    let env = TestEnv::new().await;
    let c = &env.client;
    pk_sk_table(c, "late", T::N).await;
    for i in 0..20 {
        let mut it = item(&[("pk", s(&format!("p{}", i % 3))), ("sk", n(&i.to_string()))]);
        if i % 4 != 0 {
            it.insert("g".into(), s(if i % 2 == 0 { "even" } else { "odd" }));
        }
        put(c, "late", it).await;
    }
    let create = CreateGlobalSecondaryIndexAction::builder()
        .index_name("byg")
        .set_key_schema(Some(key_schema(&["g"], &["sk"])))
        .projection(projection(ProjectionType::All, &[]))
        .build()
        .unwrap();
    c.update_table()
        .table_name("late")
        .attribute_definitions(
            AttributeDefinition::builder().attribute_name("g").attribute_type(T::S).build().unwrap(),
        )
        .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().create(create).build())
        .send()
        .await
        .expect("UpdateTable creating a GSI");
    let q = |v: &str| query(c, "late", "g = :v0", &[s(v)]).index_name("byg").limit(3);
    let odd: Vec<String> = (0..20).filter(|i| i % 2 == 1).map(|i| i.to_string()).collect();
    let even: Vec<String> = (0..20).filter(|i| i % 2 == 0 && i % 4 != 0).map(|i| i.to_string()).collect();
    assert_eq!(col(&query_items(&query_pages(&q("odd")).await), "sk"), odd);
    assert_eq!(col(&query_items(&query_pages(&q("even")).await), "sk"), even);
    // Later writes reach the new index too.
    put(c, "late", item(&[("pk", s("x")), ("sk", n("100")), ("g", s("odd"))])).await;
    c.delete_item().table_name("late").key("pk", s("p1")).key("sk", n("1")).send().await.unwrap();
    let got = col(&query_items(&query_pages(&q("odd")).await), "sk");
    assert_eq!(got.first().map(String::as_str), Some("3"));
    assert_eq!(got.last().map(String::as_str), Some("100"));
    assert_eq!(got.len(), odd.len());
}

#[tokio::test]
async fn multi_attribute_gsi_keys() {
    let env = TestEnv::new().await;
    let c = &env.client;
    // A GSI whose KeySchema has two HASH and two RANGE elements (KeySchema is a
    // list of KeySchemaElement: HASH elements first, then RANGE elements).
    create_table(
        c,
        "multi_t",
        &[("id", T::S), ("t", T::S), ("r", T::N), ("round", T::S), ("seq", T::N)],
        key_schema(&["id"], &[]),
        vec![gsi("multi", &["t", "r"], &["round", "seq"], projection(ProjectionType::All, &[]))],
        vec![],
    )
    .await;
    let rows: &[(&str, &str, &str, &str, Option<&str>)] = &[
        // id, t, r, round, seq
        ("m1", "w24", "1", "final", Some("1")),
        ("m2", "w24", "1", "semi", Some("2")),
        ("m3", "w24", "1", "semi", Some("1")),
        ("m4", "w24", "1", "semi", Some("10")),
        ("m5", "w24", "1", "quarter", Some("3")),
        ("m6", "w24", "2", "semi", Some("1")), // other partition (r differs)
        ("m7", "s24", "1", "semi", Some("1")), // other partition (t differs)
        ("m8", "w24", "1", "semi", None),      // lacks seq: not in the index
        ("m9", "w24", "1", "semi", Some("2")), // ties with m2 on every index key
    ];
    for (id, t, r, round, seq) in rows {
        let mut it = item(&[("id", s(id)), ("t", s(t)), ("r", n(r)), ("round", s(round))]);
        if let Some(seq) = seq {
            it.insert("seq".into(), n(seq));
        }
        put(c, "multi_t", it).await;
    }
    let run = |cond: &str, vals: Vec<AV>, fwd: bool, limit: Option<i32>| {
        let q = query(c, "multi_t", cond, &vals).index_name("multi").scan_index_forward(fwd).set_limit(limit);
        async move { col(&query_items(&query_pages(&q).await), "id") }
    };
    let (t, r) = (s("w24"), n("1"));
    // Partition only: ordered by round, then seq (m2 and m9 tie on every index
    // key: their relative order is the table key's, whichever that is, but the
    // same both ways).
    let fwd = run("t = :v0 AND r = :v1", vec![t.clone(), r.clone()], true, None).await;
    assert_groups(&fwd, &[&["m1"], &["m5"], &["m3"], &["m2", "m9"], &["m4"]]);
    let mut back = run("r = :v1 AND t = :v0", vec![t.clone(), r.clone()], false, Some(2)).await;
    back.reverse();
    assert_eq!(back, fwd);
    // Both partition attributes with =, the first sort attribute with =, a
    // range condition on the second.
    let got = run(
        "t = :v0 AND r = :v1 AND round = :v2 AND seq > :v3",
        vec![t.clone(), r.clone(), s("semi"), n("1")],
        true,
        None,
    )
    .await;
    assert_groups(&got, &[&["m2", "m9"], &["m4"]]);
    let got = run(
        "t = :v0 AND r = :v1 AND round = :v2 AND seq BETWEEN :v3 AND :v4",
        vec![t.clone(), r.clone(), s("semi"), n("1"), n("2")],
        false,
        Some(1),
    )
    .await;
    assert_groups(&got, &[&["m2", "m9"], &["m3"]]);
    let got = run(
        "t = :v0 AND r = :v1 AND round = :v2 AND seq = :v3",
        vec![t.clone(), r.clone(), s("semi"), n("2")],
        true,
        None,
    )
    .await;
    assert_groups(&got, &[&["m2", "m9"]]);
    let got = run(
        "t = :v0 AND r = :v1 AND round = :v2 AND seq <= :v3",
        vec![t.clone(), r.clone(), s("quarter"), n("3")],
        true,
        None,
    )
    .await;
    assert_eq!(got, ["m5"]);
    // A range condition on the first sort attribute alone.
    let got =
        run("t = :v0 AND r = :v1 AND round >= :v2", vec![t.clone(), r.clone(), s("quarter")], true, None)
            .await;
    assert_groups(&got, &[&["m5"], &["m3"], &["m2", "m9"], &["m4"]]);
    let got = run(
        "t = :v0 AND r = :v1 AND begins_with(round, :v2)",
        vec![t.clone(), r.clone(), s("s")],
        true,
        Some(2),
    )
    .await;
    assert_groups(&got, &[&["m3"], &["m2", "m9"], &["m4"]]);
    assert_eq!(run("t = :v0 AND r = :v1", vec![s("s24"), r.clone()], true, None).await, ["m7"]);
    assert_eq!(run("t = :v0 AND r = :v1", vec![t.clone(), n("2")], true, None).await, ["m6"]);
    // LastEvaluatedKey: the table key and every index key attribute.
    let out = query(c, "multi_t", "t = :v0 AND r = :v1", &[t.clone(), r.clone()])
        .index_name("multi")
        .limit(2)
        .send()
        .await
        .unwrap();
    assert_eq!(keys_of(out.last_evaluated_key().unwrap()), names(&["id", "t", "r", "round", "seq"]));

    // Errors: a sort attribute skipped, a partition attribute missing, a range
    // condition before the last sort attribute given, a range condition on a
    // partition attribute.
    for (cond, vals) in [
        ("t = :v0 AND r = :v1 AND seq = :v2", vec![t.clone(), r.clone(), n("1")]),
        ("t = :v0 AND r = :v1 AND seq > :v2", vec![t.clone(), r.clone(), n("1")]),
        ("t = :v0 AND round = :v1", vec![t.clone(), s("semi")]),
        ("t = :v0 AND r = :v1 AND round > :v2 AND seq = :v3", vec![t.clone(), r.clone(), s("a"), n("1")]),
        ("t = :v0 AND r > :v1", vec![t.clone(), r.clone()]),
    ] {
        let (code, _) = expect_err!(query(c, "multi_t", cond, &vals).index_name("multi").send().await);
        assert_eq!(code, "ValidationException", "{cond}");
    }
    let (code, _) = expect_err!(
        query(c, "multi_t", "t = :v0", std::slice::from_ref(&t)).index_name("multi").send().await
    );
    assert_eq!(code, "ValidationException");
}

// ---- the 1 MB page ----------------------------------------------------------------------

#[tokio::test]
async fn pages_stop_near_one_megabyte() {
    let env = TestEnv::new().await;
    let c = &env.client;
    pk_sk_table(c, "big", T::N).await;
    let blob = "x".repeat(100_000);
    for i in 0..30 {
        put(c, "big", item(&[("pk", s("p")), ("sk", n(&i.to_string())), ("blob", s(&blob))])).await;
    }
    // ~100 KB items: a page holds about 10 of them (1 MB = 1,048,576 bytes).
    let check = |counts: Vec<usize>, what: &str| {
        assert_eq!(counts.iter().sum::<usize>(), 30, "{what}: {counts:?}");
        assert!(counts.len() >= 3, "{what}: {counts:?}");
        for cnt in &counts[..counts.len() - 1] {
            assert!((9..=11).contains(cnt), "{what}: a full page holds ~1 MB: {counts:?}");
        }
    };
    let first = c.scan().table_name("big").send().await.unwrap();
    assert!(first.last_evaluated_key().is_some(), "a 3 MB table does not fit one page");
    let pages = scan_pages(&c.scan().table_name("big")).await;
    check(pages.iter().map(|p| p.items().len()).collect(), "scan");
    let ids: BTreeSet<String> = col(&scan_items(&pages), "sk").into_iter().collect();
    assert_eq!(ids.len(), 30);

    let q = query(c, "big", "pk = :v0", &[s("p")]);
    let pages = query_pages(&q).await;
    check(pages.iter().map(|p| p.items().len()).collect(), "query");
    let expected: Vec<String> = (0..30).map(|i| i.to_string()).collect();
    assert_eq!(col(&query_items(&pages), "sk"), expected);
    // COUNT reads the same amount per page.
    let pages = query_pages(&q.clone().select(Select::Count)).await;
    check(pages.iter().map(|p| p.count() as usize).collect(), "query count");
    // The limit applies first when it is smaller.
    let out = q.clone().limit(5).send().await.unwrap();
    assert_eq!(out.count(), 5);
    // A filter that drops everything still stops at ~1 MB read.
    let out = c.scan().table_name("big").filter_expression("attribute_exists(nope)").send().await.unwrap();
    assert_eq!(out.count(), 0);
    assert!((9..=11).contains(&out.scanned_count()), "{}", out.scanned_count());
    assert!(out.last_evaluated_key().is_some());
}

// ---- parallel scan ------------------------------------------------------------------------

#[tokio::test]
async fn parallel_scan_segments_are_disjoint_and_cover_the_table() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(
        c,
        "par",
        &[("pk", T::S), ("sk", T::N), ("g", T::N)],
        key_schema(&["pk"], &["sk"]),
        vec![gsi("byg", &["g"], &[], projection(ProjectionType::KeysOnly, &[]))],
        vec![],
    )
    .await;
    for i in 0..120 {
        let mut it = item(&[("pk", s(&format!("k{}", i % 40))), ("sk", n(&i.to_string()))]);
        if i % 3 != 0 {
            it.insert("g".into(), n(&(i % 17).to_string()));
        }
        put(c, "par", it).await;
    }
    for index in [None, Some("byg")] {
        let full: Vec<String> = scan_items(
            &scan_pages(&c.scan().table_name("par").set_index_name(index.map(String::from))).await,
        )
        .iter()
        .map(table_key)
        .collect();
        assert_eq!(full.len(), if index.is_some() { 80 } else { 120 });
        for total in [1, 2, 3, 8, 200] {
            let mut union = BTreeSet::new();
            let mut n_items = 0;
            for seg in 0..total {
                let q = c
                    .scan()
                    .table_name("par")
                    .set_index_name(index.map(String::from))
                    .segment(seg)
                    .total_segments(total)
                    .limit(7);
                for it in scan_items(&scan_pages(&q).await) {
                    n_items += 1;
                    assert!(union.insert(table_key(&it)), "{index:?} {total}: item in two segments");
                }
            }
            assert_eq!(n_items, full.len(), "{index:?} total {total}");
            assert_eq!(union, full.iter().cloned().collect::<BTreeSet<_>>(), "{index:?} total {total}");
        }
    }
    // Items of one partition key fall in one segment.
    let mut seg_of = HashMap::new();
    for seg in 0..4 {
        for it in scan_items(&scan_pages(&c.scan().table_name("par").segment(seg).total_segments(4)).await) {
            let pk = val(&it, "pk");
            assert_eq!(*seg_of.entry(pk).or_insert(seg), seg);
        }
    }

    // A start key from another segment. (Quoted from the real service in
    // scylladb/scylladb#9270.)
    let (seg_a, seg_b) = {
        let mut segs: Vec<i32> = seg_of.values().copied().collect::<BTreeSet<_>>().into_iter().collect();
        segs.truncate(2);
        (segs[0], segs[1])
    };
    let lek = c.scan().table_name("par").segment(seg_b).total_segments(4).limit(1).send().await.unwrap();
    let (code, msg) = expect_err!(
        c.scan()
            .table_name("par")
            .segment(seg_a)
            .total_segments(4)
            .set_exclusive_start_key(lek.last_evaluated_key.clone())
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        format!(
            "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: 4 Segment: {seg_a}"
        )
    );
}

#[tokio::test]
async fn scan_segment_validation() {
    let env = TestEnv::new().await;
    let c = &env.client;
    pk_sk_table(c, "segv", T::N).await;
    let (code, msg) = expect_err!(c.scan().table_name("segv").segment(0).send().await);
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("TotalSegments"), "{msg}");
    let (code, msg) = expect_err!(c.scan().table_name("segv").total_segments(2).send().await);
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("Segment"), "{msg}");
    for (seg, total) in [(2, 2), (5, 3)] {
        let (code, msg) =
            expect_err!(c.scan().table_name("segv").segment(seg).total_segments(total).send().await);
        assert_eq!(code, "ValidationException");
        assert!(msg.contains(&seg.to_string()) && msg.contains(&total.to_string()), "{msg}");
    }
    // Model constraints: TotalSegments 1..=1000000, Segment 0..=999999.
    for (seg, total) in [(0, 0), (0, 1_000_001), (-1, 2)] {
        let (code, _) =
            expect_err!(c.scan().table_name("segv").segment(seg).total_segments(total).send().await);
        assert_eq!(code, "ValidationException", "{seg}/{total}");
    }
    c.scan().table_name("segv").segment(999_999).total_segments(1_000_000).send().await.unwrap();
}

// ---- ExclusiveStartKey errors -----------------------------------------------------------------

#[tokio::test]
async fn exclusive_start_key_errors() {
    let env = TestEnv::new().await;
    let c = &env.client;
    gsi_fixture(c).await;
    let q = || query(c, "gsit", "pk = :v0", &[s("p1")]);
    let esk = |pairs: &[(&str, AV)]| Some(item(pairs));
    // Query texts: quoted in pynamodb/PynamoDB#50, clarkie/dynogels#184; Scan
    // texts: baopham/laravel-dynamodb#200.
    let query_msg = "The provided starting key is invalid";
    let scan_msg = "The provided starting key is invalid: The provided key element does not match the schema";
    for bad in [
        esk(&[("pk", s("p1"))]),                                // sort key missing
        esk(&[("pk", s("p1")), ("sk", n("1")), ("x", s("y"))]), // extra attribute
        esk(&[("pk", s("p1")), ("sk", s("1"))]),                // wrong type
        esk(&[("pk", s("p1")), ("other", n("1"))]),             // wrong name
    ] {
        let (code, msg) = expect_err!(q().set_exclusive_start_key(bad.clone()).send().await);
        assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", query_msg), "{bad:?}");
        let (code, msg) =
            expect_err!(c.scan().table_name("gsit").set_exclusive_start_key(bad.clone()).send().await);
        assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", scan_msg), "{bad:?}");
    }
    // An index read needs the index key too.
    let (code, msg) = expect_err!(
        query(c, "gsit", "gpk = :v0", &[s("g")])
            .index_name("keys")
            .set_exclusive_start_key(esk(&[("pk", s("p1")), ("sk", n("1"))]))
            .send()
            .await
    );
    assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", query_msg));
    let (code, _) = expect_err!(
        c.scan()
            .table_name("gsit")
            .index_name("keys")
            .set_exclusive_start_key(esk(&[("pk", s("p1")), ("sk", n("1")), ("gpk", s("g"))]))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    // A start key from another partition than the one queried.
    let (code, msg) =
        expect_err!(q().set_exclusive_start_key(esk(&[("pk", s("p2")), ("sk", n("1"))])).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "The provided starting key is outside query boundaries based on provided conditions");
    // A well-formed start key need not name an existing item.
    let out = q().set_exclusive_start_key(esk(&[("pk", s("p1")), ("sk", n("1.5"))])).send().await.unwrap();
    assert_eq!(col(out.items(), "sk"), ["2", "3", "4"]);
    let out = q()
        .scan_index_forward(false)
        .set_exclusive_start_key(esk(&[("pk", s("p1")), ("sk", n("1.5"))]))
        .send()
        .await
        .unwrap();
    assert_eq!(col(out.items(), "sk"), ["1", "0"]);
}

/// A start key outside the key condition's sort-key range is rejected, and
/// which side counts depends on the direction. Quoted from the service in
/// note.kiriukun.com ("The provided starting key does not match the range key
/// predicate": `sk >= :c` with a start key below `:c`; no error with the
/// start key equal to `:c`; the error again with that key and
/// ScanIndexForward false), also aws/aws-sdk-js#3283 and aws/aws-sdk-ruby#2456.
#[tokio::test]
async fn exclusive_start_key_outside_the_sort_key_condition() {
    let env = TestEnv::new().await;
    let c = &env.client;
    pk_sk_table(c, "esk_range", T::N).await;
    for i in 5..=15 {
        put(c, "esk_range", item(&[("pk", s("p")), ("sk", n(&i.to_string()))])).await;
    }
    let q = |fwd: bool, start: &str| {
        query(c, "esk_range", "pk = :v0 AND sk >= :v1", &[s("p"), n("10")])
            .scan_index_forward(fwd)
            .set_exclusive_start_key(Some(item(&[("pk", s("p")), ("sk", n(start))])))
    };
    // Start key equal to the lower bound, forward: fine, continues after it.
    let out = q(true, "10").send().await.unwrap();
    assert_eq!(col(out.items(), "sk"), ["11", "12", "13", "14", "15"]);
    let predicate = "The provided starting key does not match the range key predicate";
    // Below the range, forward.
    let (code, msg) = expect_err!(q(true, "9").send().await);
    assert_eq!((code.as_str(), msg.as_str()), ("ValidationException", predicate));
    // At the lower bound, backward: the read is over (an empty page), so
    // paging that lands LastEvaluatedKey on the bound terminates normally.
    let out = q(false, "10").send().await.unwrap();
    assert!(out.items().is_empty());
}

/// A GSI holds index entries (the projected attributes), not whole items: a
/// KEYS_ONLY index over large items reads small entries, so one page holds
/// far more than 1 MB worth of base items, and the read capacity is "the sum
/// of all projected attribute sizes across all of the items returned [...]
/// rounded up to the next 4 KB boundary" (Developer Guide, index read
/// capacity).
#[tokio::test]
async fn keys_only_gsi_pages_by_index_entry_size() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(
        c,
        "bigidx",
        &[("pk", T::S), ("g", T::S)],
        key_schema(&["pk"], &[]),
        vec![gsi("byg", &["g"], &[], projection(ProjectionType::KeysOnly, &[]))],
        vec![],
    )
    .await;
    let blob = "x".repeat(100_000);
    for i in 0..30 {
        put(c, "bigidx", item(&[("pk", s(&format!("k{i:02}"))), ("g", s("G")), ("blob", s(&blob))])).await;
    }
    let out = query(c, "bigidx", "g = :v0", &[s("G")])
        .index_name("byg")
        .return_consumed_capacity(aws_sdk_dynamodb::types::ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    assert_eq!(out.count(), 30, "30 tiny index entries fit one page");
    assert!(out.last_evaluated_key().is_none());
    let units = out.consumed_capacity().and_then(|cc| cc.capacity_units()).unwrap();
    assert!(units <= 1.0, "30 entries of ~10 bytes: under 4 KB, got {units}");
    let out = c.scan().table_name("bigidx").index_name("byg").send().await.unwrap();
    assert_eq!(out.count(), 30);
}
