//! The expression language through PutItem / UpdateItem / DeleteItem /
//! GetItem: every comparator, function and logical operator of condition
//! expressions, the four update clauses, projections, placeholders, and the
//! errors of each.
//!
//! Sources: Developer Guide "Condition and filter expressions, operators, and
//! functions" (comparators, BETWEEN, IN with up to 100 operands, precedence
//! NOT > AND > OR, function names are case-sensitive, `contains(a, a)` is an
//! error, attribute_type type names), "Update expressions" (SET values read
//! the item before the update, `SET list[n]` past the end appends and several
//! such elements are ordered by element number, REMOVE of list elements
//! shifts the rest, ADD creates a missing number from 0, each of SET / REMOVE
//! / ADD / DELETE at most once), "Projection expressions", "Expression
//! attribute names / values", "Reserved words", the 4 KB expression limit
//! ("Constraints: expression parameters"), the UpdateItem API reference
//! (AttributeUpdates semantics, key attributes cannot be updated).
//!
//! Texts quoted from the service in public threads: `Attribute name is a
//! reserved keyword; reserved keyword: status` (many, e.g. `Status` kept as
//! written), `Invalid UpdateExpression: Syntax error; token: "#", near: ", #,"`
//! (getndazn/dazn-lambda-powertools#242), `Two document paths overlap with
//! each other; must remove or rewrite one of these paths; path one: [f], path
//! two: [f]` (HENNGE/aiodynamo#2, cyclic-software/dynamodb#1), `The document
//! path provided in the update expression is invalid for update`
//! (sensedeep/dynamodb-onetable#457), `An expression attribute name used in
//! the document path is not defined; attribute name: #upd_my_attribute_name`
//! (neoeinstein/modyne#3), `Value provided in ExpressionAttributeValues
//! unused in expressions: keys: {:lastname}` (kestra-io/plugin-aws#358), the
//! same for names `keys: {#f2}` (AllocZero/EfficientDynamoDb#170),
//! `Incorrect operand type for operator or function; operator or function:
//! list_append, operand type: M` (aws/aws-sdk-js-v3#7171), `Invalid
//! ConditionExpression: The expression has redundant parentheses`
//! (SamVerschueren/dynongo#35), `Invalid FilterExpression: Expression size has
//! exceeded the maximum allowed size; expression size: 4109`
//! (pynamodb/PynamoDB#979), `One or more parameter values were invalid:
//! Cannot update attribute createdAt. This attribute is part of the key`
//! (dynamoose/dynamoose#382), `The IN operator is provided with too many
//! operands; number of operands: ...`.

use super::batches::{create_table, get, item, key1, n, s, Item};
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue as AV, ReturnValue, ReturnValuesOnConditionCheckFailure};
use aws_sdk_dynamodb::Client;
use ddb_conformance::{error_parts, expect_err, TestEnv};
use std::collections::HashMap;

const T: &str = "exprs";

fn b(v: &[u8]) -> AV {
    AV::B(v.to_vec().into())
}

fn ss(v: &[&str]) -> AV {
    AV::Ss(v.iter().map(|x| x.to_string()).collect())
}

fn ns(v: &[&str]) -> AV {
    AV::Ns(v.iter().map(|x| x.to_string()).collect())
}

fn bs(v: &[&[u8]]) -> AV {
    AV::Bs(v.iter().map(|x| x.to_vec().into()).collect())
}

fn l(v: &[AV]) -> AV {
    AV::L(v.to_vec())
}

fn m(pairs: &[(&str, AV)]) -> AV {
    AV::M(item(pairs))
}

/// `Some(map)` of placeholder values, `None` when there are none.
fn vals(pairs: &[(&str, AV)]) -> Option<Item> {
    (!pairs.is_empty()).then(|| item(pairs))
}

/// `Some(map)` of placeholder names, `None` when there are none.
fn names(pairs: &[(&str, &str)]) -> Option<HashMap<String, String>> {
    (!pairs.is_empty()).then(|| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
}

/// A set's members, sorted (sets come back in any order).
fn members(v: &AV) -> Vec<String> {
    let mut out: Vec<String> = match v {
        AV::Ss(x) | AV::Ns(x) => x.clone(),
        AV::Bs(x) => x.iter().map(|b| format!("{:?}", b.as_ref())).collect(),
        other => panic!("not a set: {other:?}"),
    };
    out.sort();
    out
}

/// Table `t` (string `pk`) holding `it`.
async fn table_with(c: &Client, it: &Item) {
    create_table(c, T, false, &[], &[]).await;
    c.put_item().table_name(T).set_item(Some(it.clone())).send().await.expect("seed item");
}

/// Whether `cond` holds for the stored item `it`: a PutItem of the very same
/// item under the condition, so the item stays as it is either way.
async fn holds_with(
    c: &Client,
    it: &Item,
    cond: &str,
    name_pairs: &[(&str, &str)],
    value_pairs: &[(&str, AV)],
) -> bool {
    let r = c
        .put_item()
        .table_name(T)
        .set_item(Some(it.clone()))
        .condition_expression(cond)
        .set_expression_attribute_names(names(name_pairs))
        .set_expression_attribute_values(vals(value_pairs))
        .send()
        .await;
    match r {
        Ok(_) => true,
        Err(e) => {
            let (code, msg) = error_parts(&e);
            assert_eq!(code, "ConditionalCheckFailedException", "`{cond}` failed with {msg}");
            assert_eq!(msg, "The conditional request failed");
            false
        }
    }
}

async fn holds(c: &Client, it: &Item, cond: &str, value_pairs: &[(&str, AV)]) -> bool {
    holds_with(c, it, cond, &[], value_pairs).await
}

/// Whether `expr` mentions placeholder `key` (as a whole token).
fn uses(expr: &str, key: &str) -> bool {
    expr.match_indices(key)
        .any(|(i, _)| !expr[i + key.len()..].starts_with(|ch: char| ch.is_ascii_alphanumeric() || ch == '_'))
}

/// One condition case: the condition, its values, whether it holds.
type Case<'a> = (&'a str, Vec<(&'a str, AV)>, bool);

/// Asserts each `(condition, values, expected)` against the stored item.
async fn check_all(c: &Client, it: &Item, cases: &[Case<'_>]) {
    for (cond, values, expected) in cases {
        // Only the values the condition uses (unused ones are an error).
        let values: Vec<(&str, AV)> = values.iter().filter(|(k, _)| uses(cond, k)).cloned().collect();
        assert_eq!(holds(c, it, cond, &values).await, *expected, "condition `{cond}` with {values:?}");
    }
}

/// The error of a PutItem of `it` under `cond`.
async fn cond_err(
    c: &Client,
    it: &Item,
    cond: &str,
    name_pairs: &[(&str, &str)],
    value_pairs: &[(&str, AV)],
) -> (String, String) {
    expect_err!(
        c.put_item()
            .table_name(T)
            .set_item(Some(it.clone()))
            .condition_expression(cond)
            .set_expression_attribute_names(names(name_pairs))
            .set_expression_attribute_values(vals(value_pairs))
            .send()
            .await
    )
}

/// UpdateItem of key `pk = k` with `expr`; returns ALL_NEW.
async fn update(
    c: &Client,
    k: &str,
    expr: &str,
    name_pairs: &[(&str, &str)],
    value_pairs: &[(&str, AV)],
) -> Item {
    c.update_item()
        .table_name(T)
        .set_key(Some(key1(k)))
        .update_expression(expr)
        .set_expression_attribute_names(names(name_pairs))
        .set_expression_attribute_values(vals(value_pairs))
        .return_values(ReturnValue::AllNew)
        .send()
        .await
        .unwrap_or_else(|e| panic!("`{expr}`: {:?}", error_parts(&e)))
        .attributes
        .unwrap_or_default()
}

/// The error of an UpdateItem of key `pk = k` with `expr`.
async fn update_err(
    c: &Client,
    k: &str,
    expr: &str,
    name_pairs: &[(&str, &str)],
    value_pairs: &[(&str, AV)],
) -> (String, String) {
    expect_err!(
        c.update_item()
            .table_name(T)
            .set_key(Some(key1(k)))
            .update_expression(expr)
            .set_expression_attribute_names(names(name_pairs))
            .set_expression_attribute_values(vals(value_pairs))
            .send()
            .await
    )
}

fn validation(err: (String, String)) -> String {
    assert_eq!(err.0, "ValidationException", "{}", err.1);
    err.1
}

// ---- Comparators ----------------------------------------------------------------

#[tokio::test]
async fn comparators_on_strings_numbers_and_binary() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[
        ("pk", s("k")),
        ("s", s("abc")),
        ("n", n("10")),
        ("b", b(&[1, 2, 3])),
        ("hi", b(&[0x80])),
        ("accent", s("é")),
    ]);
    table_with(c, &it).await;
    check_all(
        c,
        &it,
        &[
            ("s = :v", vec![(":v", s("abc"))], true),
            ("s = :v", vec![(":v", s("abd"))], false),
            ("s <> :v", vec![(":v", s("abd"))], true),
            ("s <> :v", vec![(":v", s("abc"))], false),
            ("s < :v", vec![(":v", s("abd"))], true),
            ("s < :v", vec![(":v", s("abc"))], false),
            ("s <= :v", vec![(":v", s("abc"))], true),
            ("s > :v", vec![(":v", s("ab"))], true),
            ("s > :v", vec![(":v", s("abc"))], false),
            ("s >= :v", vec![(":v", s("abc"))], true),
            ("s >= :v", vec![(":v", s("abd"))], false),
            // Strings order by UTF-8 bytes: "Z" (0x5A) < "a" (0x61) < "é" (0xC3 ...).
            ("s > :v", vec![(":v", s("Zzz"))], true),
            ("accent > :v", vec![(":v", s("z"))], true),
            // Numbers compare by value, not by their text.
            ("n = :v", vec![(":v", n("10.000"))], true),
            ("n = :v", vec![(":v", n("1E1"))], true),
            ("n > :v", vec![(":v", n("9"))], true),
            ("n < :v", vec![(":v", n("9"))], false),
            ("n < :v", vec![(":v", n("100"))], true),
            ("n >= :v", vec![(":v", n("10"))], true),
            ("n <= :v", vec![(":v", n("-10"))], false),
            ("n <> :v", vec![(":v", n("10"))], false),
            ("n > :v", vec![(":v", n("-1E+100"))], true),
            // Binary compares as unsigned bytes, a prefix sorting first.
            ("b = :v", vec![(":v", b(&[1, 2, 3]))], true),
            ("b < :v", vec![(":v", b(&[1, 2, 4]))], true),
            ("b > :v", vec![(":v", b(&[1, 2]))], true),
            ("b <= :v", vec![(":v", b(&[1, 2, 3]))], true),
            ("b >= :v", vec![(":v", b(&[1, 3]))], false),
            ("hi > :v", vec![(":v", b(&[0x7f]))], true),
            // Path on both sides.
            ("s = s", vec![], true),
            ("n >= n", vec![], true),
        ],
    )
    .await;
}

#[tokio::test]
async fn comparisons_across_types_are_false_not_errors() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[
        ("pk", s("k")),
        ("s", s("10")),
        ("n", n("10")),
        ("b", b(b"10")),
        ("yes", AV::Bool(true)),
        ("nul", AV::Null(true)),
        ("lst", l(&[n("1")])),
    ]);
    table_with(c, &it).await;
    check_all(
        c,
        &it,
        &[
            ("n = :v", vec![(":v", s("10"))], false),
            ("s = :v", vec![(":v", n("10"))], false),
            ("b = :v", vec![(":v", s("10"))], false),
            ("n <> :v", vec![(":v", s("10"))], true),
            ("n < :v", vec![(":v", s("5"))], false),
            ("n <= :v", vec![(":v", s("5"))], false),
            ("n > :v", vec![(":v", s("5"))], false),
            ("n >= :v", vec![(":v", s("5"))], false),
            ("s < n", vec![], false),
            ("s > n", vec![], false),
            ("s >= n", vec![], false),
            ("b > s", vec![], false),
            ("s = n", vec![], false),
            // Booleans, nulls and documents only compare for equality.
            ("yes = :v", vec![(":v", AV::Bool(true))], true),
            ("yes = :v", vec![(":v", AV::Bool(false))], false),
            ("nul = :v", vec![(":v", AV::Null(true))], true),
            ("lst = :v", vec![(":v", l(&[n("1")]))], true),
            ("lst = :v", vec![(":v", l(&[n("2")]))], false),
            ("lst > lst", vec![], false),
            // A missing attribute compares false.
            ("absent = :v", vec![(":v", n("10"))], false),
            ("absent < :v", vec![(":v", n("10"))], false),
            ("absent >= :v", vec![(":v", n("10"))], false),
        ],
    )
    .await;
}

// ---- BETWEEN and IN -------------------------------------------------------------

#[tokio::test]
async fn between_and_in() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[("pk", s("k")), ("n", n("10")), ("s", s("m")), ("b", b(&[5]))]);
    table_with(c, &it).await;
    check_all(
        c,
        &it,
        &[
            ("n BETWEEN :a AND :b", vec![(":a", n("5")), (":b", n("10"))], true),
            ("n BETWEEN :a AND :b", vec![(":a", n("10")), (":b", n("10"))], true),
            ("n BETWEEN :a AND :b", vec![(":a", n("11")), (":b", n("20"))], false),
            ("n between :a and :b", vec![(":a", n("-5")), (":b", n("10.5"))], true),
            ("s BETWEEN :a AND :b", vec![(":a", s("a")), (":b", s("n"))], true),
            ("s BETWEEN :a AND :b", vec![(":a", s("n")), (":b", s("z"))], false),
            ("b BETWEEN :a AND :b", vec![(":a", b(&[1])), (":b", b(&[9]))], true),
            // Bounds of another type than the attribute: false.
            ("n BETWEEN :a AND :b", vec![(":a", s("a")), (":b", s("z"))], false),
            ("absent BETWEEN :a AND :b", vec![(":a", n("1")), (":b", n("99"))], false),
            ("n IN (:a, :b)", vec![(":a", n("1")), (":b", n("10"))], true),
            ("n IN (:a)", vec![(":a", n("10.0"))], true),
            ("n IN (:a, :b)", vec![(":a", n("1")), (":b", n("2"))], false),
            ("n IN (:a)", vec![(":a", s("10"))], false),
            ("s IN (:a, :b)", vec![(":a", s("x")), (":b", s("m"))], true),
            ("NOT n IN (:a)", vec![(":a", n("1"))], true),
        ],
    )
    .await;

    // IN takes up to 100 operands.
    let list = |count: usize| (0..count).map(|i| format!(":v{i}")).collect::<Vec<_>>().join(", ");
    let values = |count: usize| -> Vec<(String, AV)> {
        (0..count).map(|i| (format!(":v{i}"), n(if i + 1 == count { 10 } else { 1000 + i }))).collect()
    };
    let hundred = values(100);
    let pairs: Vec<(&str, AV)> = hundred.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    assert!(holds(c, &it, &format!("n IN ({})", list(100)), &pairs).await);
    let many = values(101);
    let pairs: Vec<(&str, AV)> = many.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let msg = validation(cond_err(c, &it, &format!("n IN ({})", list(101)), &[], &pairs).await);
    assert_eq!(
        msg,
        "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101"
    );
}

#[tokio::test]
async fn between_with_constant_bounds_out_of_order_or_of_two_types_is_an_error() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[("pk", s("k")), ("n", n("10"))]);
    table_with(c, &it).await;
    let msg =
        validation(cond_err(c, &it, "n BETWEEN :a AND :b", &[], &[(":a", n("9")), (":b", n("1"))]).await);
    assert!(
        msg.starts_with("Invalid ConditionExpression: The BETWEEN operator requires upper bound"),
        "{msg}"
    );
    let msg =
        validation(cond_err(c, &it, "n BETWEEN :a AND :b", &[], &[(":a", n("1")), (":b", s("9"))]).await);
    assert!(msg.starts_with("Invalid ConditionExpression: The BETWEEN operator requires"), "{msg}");
}

// ---- Logical operators ------------------------------------------------------------

#[tokio::test]
async fn not_binds_tighter_than_and_which_binds_tighter_than_or() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[("pk", s("k")), ("x", n("1")), ("y", n("2"))]);
    table_with(c, &it).await;
    let v = || vec![(":one", n("1")), (":two", n("2")), (":three", n("3"))];
    check_all(
        c,
        &it,
        &[
            // x = 1 OR (x = 2 AND y = 3)
            ("x = :one OR x = :two AND y = :three", v(), true),
            ("(x = :one OR x = :two) AND y = :three", v(), false),
            // (x = 2 AND y = 3) OR x = 1
            ("x = :two AND y = :three OR x = :one", v(), true),
            // (NOT x = 1) AND y = 3
            ("NOT x = :one AND y = :three", v(), false),
            ("NOT (x = :one AND y = :three)", v(), true),
            // (NOT x = 2) OR ...
            ("NOT x = :two OR x = :three", v(), true),
            ("NOT (x = :two OR x = :one)", v(), false),
            ("NOT NOT x = :one", v(), true),
            // Keywords are case-insensitive.
            ("x = :one and not y = :three", v(), true),
            ("x = :two or y = :two", v(), true),
            ("(x = :one) AND (y = :two OR y = :three) AND NOT (x = :three)", v(), true),
            // The AND of BETWEEN belongs to BETWEEN.
            ("x BETWEEN :one AND :two AND y = :three", v(), false),
            ("x BETWEEN :one AND :two AND y = :two", v(), true),
            ("y = :three OR x BETWEEN :one AND :three", v(), true),
        ],
    )
    .await;
    // One pair of parentheses too many is an error.
    let msg = validation(
        cond_err(
            c,
            &it,
            "x = :one AND ((y = :two OR y = :three))",
            &[],
            &[(":one", n("1")), (":two", n("2")), (":three", n("3"))],
        )
        .await,
    );
    assert!(
        msg.starts_with("Invalid ConditionExpression: The expression has redundant parentheses"),
        "{msg}"
    );
}

// ---- Functions ------------------------------------------------------------------

fn every_type_item() -> Item {
    item(&[
        ("pk", s("k")),
        ("s", s("abc")),
        ("n", n("7")),
        ("b", b(&[1, 2, 3])),
        ("bool", AV::Bool(false)),
        ("nul", AV::Null(true)),
        ("mp", m(&[("a", n("1")), ("b", s("x"))])),
        ("lst", l(&[s("x"), n("2"), m(&[("k", s("v"))])])),
        ("ss", ss(&["x", "y"])),
        ("ns", ns(&["1", "2", "3"])),
        ("bs", bs(&[&[1], &[2]])),
        ("emp", s("")),
    ])
}

#[tokio::test]
async fn attribute_exists_not_exists_and_type() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = every_type_item();
    table_with(c, &it).await;
    check_all(
        c,
        &it,
        &[
            ("attribute_exists(s)", vec![], true),
            ("attribute_exists(nul)", vec![], true),
            ("attribute_exists(emp)", vec![], true),
            ("attribute_exists(absent)", vec![], false),
            ("attribute_not_exists(absent)", vec![], true),
            ("attribute_not_exists(s)", vec![], false),
            ("attribute_exists(mp.a)", vec![], true),
            ("attribute_exists(mp.z)", vec![], false),
            ("attribute_exists(lst[2].k)", vec![], true),
            ("attribute_exists(lst[3])", vec![], false),
            ("attribute_not_exists(s.inr)", vec![], true),
            ("NOT attribute_exists(absent)", vec![], true),
            // Whitespace before the argument list, as the Developer Guide writes it.
            ("attribute_exists (s) AND attribute_not_exists ( absent )", vec![], true),
        ],
    )
    .await;
    let types =
        [("s", "S"), ("n", "N"), ("b", "B"), ("bool", "BOOL"), ("nul", "NULL"), ("mp", "M"), ("lst", "L")];
    let sets = [("ss", "SS"), ("ns", "NS"), ("bs", "BS")];
    let all: Vec<(&str, &str)> = types.iter().chain(sets.iter()).copied().collect();
    for (attr, ty) in &all {
        let cond = format!("attribute_type({attr}, :t)");
        assert!(holds(c, &it, &cond, &[(":t", s(ty))]).await, "{cond} with {ty}");
        for (_, other) in all.iter().filter(|(_, o)| o != ty) {
            assert!(!holds(c, &it, &cond, &[(":t", s(other))]).await, "{cond} with {other}");
        }
    }
    assert!(holds(c, &it, "attribute_type(mp.b, :t)", &[(":t", s("S"))]).await);
    assert!(!holds(c, &it, "attribute_type(absent, :t)", &[(":t", s("S"))]).await);

    // A type operand that is no type name is rejected.
    let msg = validation(cond_err(c, &it, "attribute_type(s, :t)", &[], &[(":t", s("STRING"))]).await);
    assert!(
        msg.starts_with(
            "Invalid ConditionExpression: Invalid attribute type name found in type operand of attribute_type function"
        ),
        "{msg}"
    );
}

#[tokio::test]
async fn begins_with_and_contains() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = every_type_item();
    table_with(c, &it).await;
    check_all(
        c,
        &it,
        &[
            ("begins_with(s, :p)", vec![(":p", s("ab"))], true),
            ("begins_with(s, :p)", vec![(":p", s("abc"))], true),
            ("begins_with(s, :p)", vec![(":p", s("b"))], false),
            ("begins_with(s, :p)", vec![(":p", s("abcd"))], false),
            ("begins_with(b, :p)", vec![(":p", b(&[1, 2]))], true),
            ("begins_with(b, :p)", vec![(":p", b(&[2]))], false),
            ("begins_with(lst[0], :p)", vec![(":p", s("x"))], true),
            ("begins_with(mp.b, :p)", vec![(":p", s("x"))], true),
            ("begins_with(s, :p)", vec![(":p", b(b"a"))], false),
            ("begins_with(absent, :p)", vec![(":p", s("a"))], false),
            // contains: substring of a string, member of a set, element of a list.
            ("contains(s, :p)", vec![(":p", s("bc"))], true),
            ("contains(s, :p)", vec![(":p", s("ac"))], false),
            ("contains(ss, :p)", vec![(":p", s("y"))], true),
            ("contains(ss, :p)", vec![(":p", s("z"))], false),
            ("contains(ns, :p)", vec![(":p", n("2.0"))], true),
            ("contains(ns, :p)", vec![(":p", n("4"))], false),
            ("contains(bs, :p)", vec![(":p", b(&[2]))], true),
            ("contains(bs, :p)", vec![(":p", b(&[3]))], false),
            ("contains(lst, :p)", vec![(":p", s("x"))], true),
            ("contains(lst, :p)", vec![(":p", n("2"))], true),
            ("contains(lst, :p)", vec![(":p", m(&[("k", s("v"))]))], true),
            ("contains(lst, :p)", vec![(":p", s("v"))], false),
            ("contains(ss, :p)", vec![(":p", n("1"))], false),
            ("contains(absent, :p)", vec![(":p", s("a"))], false),
            ("NOT contains(ss, :p)", vec![(":p", s("z"))], true),
            // The operand may be a path.
            ("contains(ss, lst[0])", vec![], true),
            ("contains(s, mp.b)", vec![], false),
        ],
    )
    .await;
    // "contains (a, a)" is an error (the operands must be distinct).
    let (code, msg) = cond_err(c, &it, "contains(s, s)", &[], &[]).await;
    assert_eq!(code, "ValidationException", "{msg}");
    assert!(msg.starts_with("Invalid ConditionExpression: "), "{msg}");
}

#[tokio::test]
async fn size_of_strings_binaries_sets_lists_and_maps() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = every_type_item();
    table_with(c, &it).await;
    let v = |x: &str| vec![(":v", n(x))];
    check_all(
        c,
        &it,
        &[
            ("size(s) = :v", v("3"), true),
            ("size(emp) = :v", v("0"), true),
            ("size(b) = :v", v("3"), true),
            ("size(ss) = :v", v("2"), true),
            ("size(ns) = :v", v("3"), true),
            ("size(bs) = :v", v("2"), true),
            ("size(lst) = :v", v("3"), true),
            ("size(mp) = :v", v("2"), true),
            ("size(lst[2]) = :v", v("1"), true),
            ("size(mp.b) = :v", v("1"), true),
            ("size(s) > :v", v("2"), true),
            ("size(s) < :v", v("3"), false),
            ("size(s) <> :v", v("4"), true),
            ("size(lst) >= :v", v("4"), false),
            ("size(s) BETWEEN :a AND :b", vec![(":a", n("1")), (":b", n("3"))], true),
            ("size(s) IN (:a, :b)", vec![(":a", n("5")), (":b", n("3"))], true),
            // size of two paths compared with each other.
            ("size(s) > size(ss)", vec![], true),
            ("size(ns) = size(lst)", vec![], true),
            // No size for numbers, booleans, nulls or missing attributes.
            ("size(n) >= :v", v("0"), false),
            ("size(bool) >= :v", v("0"), false),
            ("size(absent) >= :v", v("0"), false),
        ],
    )
    .await;
}

#[tokio::test]
async fn function_errors() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = every_type_item();
    table_with(c, &it).await;
    // Function names are case-sensitive.
    let msg = validation(cond_err(c, &it, "ATTRIBUTE_EXISTS(s)", &[], &[]).await);
    assert!(msg.starts_with("Invalid ConditionExpression: "), "{msg}");
    assert!(msg.contains("ATTRIBUTE_EXISTS"), "{msg}");
    let msg = validation(cond_err(c, &it, "no_such_function(s)", &[], &[]).await);
    assert!(msg.contains("no_such_function"), "{msg}");
    // size() is an operand, not a condition; update functions are not conditions.
    let msg = validation(cond_err(c, &it, "size(s)", &[], &[]).await);
    assert!(msg.starts_with("Invalid ConditionExpression: "), "{msg}");
    let msg = validation(cond_err(c, &it, "if_not_exists(s, :v) = :v", &[], &[(":v", s("x"))]).await);
    assert!(msg.contains("if_not_exists"), "{msg}");
    // Wrong number of arguments.
    let msg = validation(cond_err(c, &it, "attribute_exists(s, n)", &[], &[]).await);
    assert!(msg.contains("attribute_exists"), "{msg}");
    let msg = validation(cond_err(c, &it, "begins_with(s)", &[], &[]).await);
    assert!(msg.contains("begins_with"), "{msg}");
    // Condition functions are not update functions.
    let msg = validation(update_err(c, "k", "SET r = size(s)", &[], &[]).await);
    assert!(msg.starts_with("Invalid UpdateExpression: "), "{msg}");
    assert!(msg.contains("size"), "{msg}");
}

// ---- Document paths -------------------------------------------------------------

#[tokio::test]
async fn nested_document_paths_in_conditions() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[
        ("pk", s("k")),
        ("a", m(&[("b", l(&[n("0"), n("1"), m(&[("c", s("deep"))])]))])),
        ("a.b", s("dotted")),
        ("lst", l(&[l(&[s("x"), s("y")])])),
    ]);
    table_with(c, &it).await;
    let deep = [(":v", s("deep"))];
    assert!(holds(c, &it, "a.b[2].c = :v", &deep).await);
    assert!(holds_with(c, &it, "#a.#b[2].#c = :v", &[("#a", "a"), ("#b", "b"), ("#c", "c")], &deep).await);
    assert!(!holds(c, &it, "a.b[1].c = :v", &deep).await);
    assert!(!holds(c, &it, "a.b[5].c = :v", &deep).await);
    assert!(!holds(c, &it, "a.b.c = :v", &deep).await, "b is a list, not a map");
    assert!(!holds(c, &it, "a[0] = :v", &deep).await, "a is a map, not a list");
    assert!(holds(c, &it, "lst[0][1] = :v", &[(":v", s("y"))]).await);
    // A placeholder stands for one whole name, dots included; a plain dotted
    // path goes into the map.
    assert!(holds_with(c, &it, "#ab = :v", &[("#ab", "a.b")], &[(":v", s("dotted"))]).await);
    assert!(!holds(c, &it, "a.b = :v", &[(":v", s("dotted"))]).await);
    // The same placeholder may be used more than once.
    assert!(
        holds_with(c, &it, "attribute_exists(#a) AND size(#a) = :one", &[("#a", "a")], &[(":one", n("1"))])
            .await
    );
}

// ---- Failed conditions ----------------------------------------------------------

#[tokio::test]
async fn failed_condition_changes_nothing_and_can_return_the_old_item() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let old = item(&[("pk", s("k")), ("v", n("1")), ("tag", s("old"))]);
    table_with(c, &old).await;
    let newer = item(&[("pk", s("k")), ("v", n("2"))]);
    let two = || vals(&[(":two", n("2"))]);

    // PutItem.
    let err = c
        .put_item()
        .table_name(T)
        .set_item(Some(newer.clone()))
        .condition_expression("v = :two")
        .set_expression_attribute_values(two())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error_parts(&err),
        ("ConditionalCheckFailedException".into(), "The conditional request failed".into())
    );
    match err.into_service_error() {
        PutItemError::ConditionalCheckFailedException(e) => assert!(e.item().is_none(), "not asked for"),
        other => panic!("{other:?}"),
    }
    let err = c
        .put_item()
        .table_name(T)
        .set_item(Some(newer.clone()))
        .condition_expression("v = :two")
        .set_expression_attribute_values(two())
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await
        .unwrap_err();
    match err.into_service_error() {
        PutItemError::ConditionalCheckFailedException(e) => {
            assert_eq!(e.message(), Some("The conditional request failed"));
            assert_eq!(e.item(), Some(&old));
        }
        other => panic!("{other:?}"),
    }

    // UpdateItem.
    let err = c
        .update_item()
        .table_name(T)
        .set_key(Some(key1("k")))
        .update_expression("SET tag = :new")
        .condition_expression("v = :two")
        .set_expression_attribute_values(vals(&[(":two", n("2")), (":new", s("new"))]))
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await
        .unwrap_err();
    match err.into_service_error() {
        UpdateItemError::ConditionalCheckFailedException(e) => assert_eq!(e.item(), Some(&old)),
        other => panic!("{other:?}"),
    }

    // DeleteItem.
    let err = c
        .delete_item()
        .table_name(T)
        .set_key(Some(key1("k")))
        .condition_expression("v = :two")
        .set_expression_attribute_values(two())
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await
        .unwrap_err();
    match err.into_service_error() {
        DeleteItemError::ConditionalCheckFailedException(e) => assert_eq!(e.item(), Some(&old)),
        other => panic!("{other:?}"),
    }
    // NONE: no item.
    let err = c
        .delete_item()
        .table_name(T)
        .set_key(Some(key1("k")))
        .condition_expression("v = :two")
        .set_expression_attribute_values(two())
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::None)
        .send()
        .await
        .unwrap_err();
    match err.into_service_error() {
        DeleteItemError::ConditionalCheckFailedException(e) => assert!(e.item().is_none()),
        other => panic!("{other:?}"),
    }
    assert_eq!(get(c, T, key1("k")).await, Some(old.clone()));

    // A condition on an item that does not exist sees no attributes; ALL_OLD
    // then has nothing to return.
    let err = c
        .put_item()
        .table_name(T)
        .set_item(Some(item(&[("pk", s("new")), ("v", n("1"))])))
        .condition_expression("attribute_exists(pk)")
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await
        .unwrap_err();
    match err.into_service_error() {
        PutItemError::ConditionalCheckFailedException(e) => assert!(e.item().is_none_or(|i| i.is_empty())),
        other => panic!("{other:?}"),
    }
    assert_eq!(get(c, T, key1("new")).await, None);
    // ... and attribute_not_exists on it holds.
    c.put_item()
        .table_name(T)
        .set_item(Some(item(&[("pk", s("new")), ("v", n("1"))])))
        .condition_expression("attribute_not_exists(pk)")
        .send()
        .await
        .unwrap();
    let (code, _) = cond_err(c, &item(&[("pk", s("new"))]), "attribute_not_exists(pk)", &[], &[]).await;
    assert_eq!(code, "ConditionalCheckFailedException");
}

// ---- SET --------------------------------------------------------------------------

#[tokio::test]
async fn set_with_arithmetic_if_not_exists_and_list_append() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[("pk", s("k")), ("n", n("10")), ("l", l(&[s("b")])), ("f", n("0.1"))]);
    table_with(c, &it).await;
    // Every value is computed from the item as it was before the update.
    let got = update(c, "k", "SET n = n + :one, m = n - :one", &[], &[(":one", n("1"))]).await;
    assert_eq!(got["n"], n("11"));
    assert_eq!(got["m"], n("9"));
    let got =
        update(c, "k", "SET tot = :a + :b, diff = :a - n", &[], &[(":a", n("2")), (":b", n("3"))]).await;
    assert_eq!(got["tot"], n("5"));
    assert_eq!(got["diff"], n("-9"));
    // Exact decimal arithmetic.
    let got = update(c, "k", "SET f = f + :x", &[], &[(":x", n("0.2"))]).await;
    assert_eq!(got["f"], n("0.3"));
    let got = update(
        c,
        "k",
        "SET big = :a + :b",
        &[],
        &[(":a", n("99999999999999999999999999999999999999")), (":b", n("-1"))],
    )
    .await;
    assert_eq!(got["big"], n("99999999999999999999999999999999999998"));
    // if_not_exists.
    let got = update(
        c,
        "k",
        "SET n = if_not_exists(n, :d), fresh = if_not_exists(fresh, :d)",
        &[],
        &[(":d", n("100"))],
    )
    .await;
    assert_eq!(got["n"], n("11"));
    assert_eq!(got["fresh"], n("100"));
    let got = update(
        c,
        "k",
        "SET ctr = if_not_exists(ctr, :zero) + :one",
        &[],
        &[(":zero", n("0")), (":one", n("1"))],
    )
    .await;
    assert_eq!(got["ctr"], n("1"));
    let got = update(
        c,
        "k",
        "SET ctr = if_not_exists(ctr, :zero) + :one",
        &[],
        &[(":zero", n("0")), (":one", n("1"))],
    )
    .await;
    assert_eq!(got["ctr"], n("2"));
    // list_append in both orders.
    let got = update(c, "k", "SET l = list_append(l, :tail)", &[], &[(":tail", l(&[s("c"), s("d")]))]).await;
    assert_eq!(got["l"], l(&[s("b"), s("c"), s("d")]));
    let got = update(c, "k", "SET l = list_append(:head, l)", &[], &[(":head", l(&[s("a")]))]).await;
    assert_eq!(got["l"], l(&[s("a"), s("b"), s("c"), s("d")]));
    let got = update(
        c,
        "k",
        "SET nl = list_append(if_not_exists(nl, :empty), :x)",
        &[],
        &[(":empty", l(&[])), (":x", l(&[n("1")]))],
    )
    .await;
    assert_eq!(got["nl"], l(&[n("1")]));
    let got = update(c, "k", "SET dup = l", &[], &[]).await;
    assert_eq!(got["dup"], got["l"]);
    assert_eq!(get(c, T, key1("k")).await.unwrap(), got);
}

#[tokio::test]
async fn set_nested_paths_and_list_elements() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[
        ("pk", s("k")),
        ("doc", m(&[("inr", m(&[("x", n("1"))])), ("lst", l(&[s("a"), s("b"), s("c")]))])),
    ]);
    table_with(c, &it).await;
    let got = update(
        c,
        "k",
        "SET doc.inr.y = :v, doc.#n = :w",
        &[("#n", "new key")],
        &[(":v", n("2")), (":w", s("w"))],
    )
    .await;
    assert_eq!(
        got["doc"],
        m(&[
            ("inr", m(&[("x", n("1")), ("y", n("2"))])),
            ("lst", l(&[s("a"), s("b"), s("c")])),
            ("new key", s("w")),
        ])
    );
    // Replace an element; an index past the end appends.
    let got =
        update(c, "k", "SET doc.lst[1] = :v, doc.lst[10] = :w", &[], &[(":v", s("B")), (":w", s("end"))])
            .await;
    let AV::M(doc) = &got["doc"] else { panic!() };
    assert_eq!(doc["lst"], l(&[s("a"), s("B"), s("c"), s("end")]));
    // A nested SET needs its parent.
    let msg = validation(update_err(c, "k", "SET nothing.x = :v", &[], &[(":v", n("1"))]).await);
    assert_eq!(msg, "The document path provided in the update expression is invalid for update");
    let msg = validation(update_err(c, "k", "SET doc.lst.x = :v", &[], &[(":v", n("1"))]).await);
    assert_eq!(msg, "The document path provided in the update expression is invalid for update");
    let msg = validation(update_err(c, "k", "SET absent[0] = :v", &[], &[(":v", n("1"))]).await);
    assert_eq!(msg, "The document path provided in the update expression is invalid for update");
    let msg = validation(update_err(c, "k", "SET doc.inr[0] = :v", &[], &[(":v", n("1"))]).await);
    assert_eq!(msg, "The document path provided in the update expression is invalid for update");
    assert_eq!(get(c, T, key1("k")).await.unwrap(), got, "failed updates change nothing");
}

#[tokio::test]
async fn set_several_elements_past_the_end_appends_them_in_index_order() {
    // "If you add multiple elements in a single SET operation, the elements
    // are sorted in order by element number."
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &item(&[("pk", s("k")), ("l", l(&[s("a")]))])).await;
    let got =
        update(c, "k", "SET l[7] = :seven, l[5] = :five", &[], &[(":seven", s("7")), (":five", s("5"))])
            .await;
    assert_eq!(got["l"], l(&[s("a"), s("5"), s("7")]));
}

// ---- REMOVE -----------------------------------------------------------------------

#[tokio::test]
async fn remove_attributes_and_list_elements() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[
        ("pk", s("k")),
        ("a", n("1")),
        ("b", n("2")),
        ("l", l(&[s("0"), s("1"), s("2"), s("3"), s("4")])),
        ("doc", m(&[("x", n("1")), ("y", n("2"))])),
    ]);
    table_with(c, &it).await;
    // Missing attributes are ignored.
    let got = update(c, "k", "REMOVE a, absent, doc.x, doc.nothing.deeper", &[], &[]).await;
    assert!(!got.contains_key("a"));
    assert_eq!(got["b"], n("2"));
    assert_eq!(got["doc"], m(&[("y", n("2"))]));
    // Indexes refer to the list before the update; later elements shift down.
    let got = update(c, "k", "REMOVE l[3], l[1], l[9]", &[], &[]).await;
    assert_eq!(got["l"], l(&[s("0"), s("2"), s("4")]));
    let got = update(c, "k", "REMOVE l[0]", &[], &[]).await;
    assert_eq!(got["l"], l(&[s("2"), s("4")]));
    // Removing every element leaves an empty list.
    let got = update(c, "k", "REMOVE l[0], l[1]", &[], &[]).await;
    assert_eq!(got["l"], l(&[]));
    // REMOVE together with SET in one expression, clauses in any order.
    let got = update(c, "k", "REMOVE b SET c = :v", &[], &[(":v", n("3"))]).await;
    assert_eq!(got, item(&[("pk", s("k")), ("c", n("3")), ("doc", m(&[("y", n("2"))])), ("l", l(&[]))]));
}

// ---- ADD and DELETE ---------------------------------------------------------------

#[tokio::test]
async fn add_to_numbers_and_sets() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[
        ("pk", s("k")),
        ("n", n("5")),
        ("ss", ss(&["a"])),
        ("ns", ns(&["1"])),
        ("bs", bs(&[&[1]])),
        ("doc", m(&[("count", n("1"))])),
    ]);
    table_with(c, &it).await;
    let got = update(
        c,
        "k",
        "ADD n :three, created :three, doc.#c :three",
        &[("#c", "count")],
        &[(":three", n("3"))],
    )
    .await;
    assert_eq!(got["n"], n("8"));
    assert_eq!(got["created"], n("3"), "a missing number starts from 0");
    assert_eq!(got["doc"], m(&[("count", n("4"))]));
    let got = update(c, "k", "ADD n :minus", &[], &[(":minus", n("-10.5"))]).await;
    assert_eq!(got["n"], n("-2.5"));
    let got = update(
        c,
        "k",
        "ADD ss :s, ns :n, bs :b, newset :s",
        &[],
        &[(":s", ss(&["a", "b"])), (":n", ns(&["2", "1.0"])), (":b", bs(&[&[2]]))],
    )
    .await;
    assert_eq!(members(&got["ss"]), vec!["a", "b"]);
    assert_eq!(members(&got["ns"]), vec!["1", "2"]);
    assert_eq!(got["bs"].as_bs().unwrap().len(), 2);
    assert_eq!(members(&got["newset"]), vec!["a", "b"]);

    // ADD on an item that does not exist creates it.
    let got = update(c, "fresh", "ADD visits :one", &[], &[(":one", n("1"))]).await;
    assert_eq!(got, item(&[("pk", s("fresh")), ("visits", n("1"))]));
}

#[tokio::test]
async fn delete_from_sets() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[
        ("pk", s("k")),
        ("ss", ss(&["a", "b", "c"])),
        ("ns", ns(&["1", "2"])),
        ("bs", bs(&[&[1], &[2]])),
    ]);
    table_with(c, &it).await;
    let got = update(
        c,
        "k",
        "DELETE ss :s, ns :n, absent :s",
        &[],
        &[(":s", ss(&["a", "c", "zz"])), (":n", ns(&["2.0"]))],
    )
    .await;
    assert_eq!(members(&got["ss"]), vec!["b"]);
    assert_eq!(members(&got["ns"]), vec!["1"]);
    assert!(!got.contains_key("absent"));
    // Emptying a set removes the attribute.
    let got =
        update(c, "k", "DELETE ss :s, bs :b", &[], &[(":s", ss(&["b"])), (":b", bs(&[&[1], &[2]]))]).await;
    assert!(!got.contains_key("ss"), "{got:?}");
    assert!(!got.contains_key("bs"), "{got:?}");
    assert_eq!(got, item(&[("pk", s("k")), ("ns", ns(&["1"]))]));
}

#[tokio::test]
async fn type_errors_in_arithmetic_list_append_add_and_delete() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[("pk", s("k")), ("str", s("x")), ("num", n("1")), ("ss", ss(&["a"])), ("lst", l(&[]))]);
    table_with(c, &it).await;
    const OPERAND: &str = "An operand in the update expression has an incorrect data type";

    // Types known only from the item: detected while applying.
    let msg = validation(update_err(c, "k", "SET r = str + :one", &[], &[(":one", n("1"))]).await);
    assert!(msg.contains(OPERAND), "{msg}");
    let msg = validation(update_err(c, "k", "SET r = :one - str", &[], &[(":one", n("1"))]).await);
    assert!(msg.contains(OPERAND), "{msg}");
    let msg = validation(update_err(c, "k", "SET r = list_append(num, :l)", &[], &[(":l", l(&[]))]).await);
    assert!(msg.contains(OPERAND), "{msg}");
    let msg = validation(update_err(c, "k", "ADD str :one", &[], &[(":one", n("1"))]).await);
    assert!(msg.contains(OPERAND), "{msg}");
    let msg = validation(update_err(c, "k", "ADD ss :n", &[], &[(":n", ns(&["1"]))]).await);
    assert!(msg.contains(OPERAND), "{msg}");
    let msg = validation(update_err(c, "k", "ADD lst :s", &[], &[(":s", ss(&["x"]))]).await);
    assert!(msg.contains(OPERAND), "{msg}");
    let msg = validation(update_err(c, "k", "DELETE num :s", &[], &[(":s", ss(&["a"]))]).await);
    assert!(msg.contains(OPERAND), "{msg}");
    let msg = validation(update_err(c, "k", "DELETE ss :n", &[], &[(":n", ns(&["1"]))]).await);
    assert!(msg.contains(OPERAND), "{msg}");
    // An operand path that does not exist.
    let msg = validation(update_err(c, "k", "SET r = absent + :one", &[], &[(":one", n("1"))]).await);
    assert!(
        msg.contains("The provided expression refers to an attribute that does not exist in the item"),
        "{msg}"
    );
    let msg = validation(update_err(c, "k", "SET r = list_append(absent, :l)", &[], &[(":l", l(&[]))]).await);
    assert!(
        msg.contains("The provided expression refers to an attribute that does not exist in the item"),
        "{msg}"
    );

    // Constant operands of the wrong type: rejected before anything is read.
    let msg = validation(
        update_err(c, "k", "SET r = list_append(:m, lst)", &[], &[(":m", m(&[("a", n("1"))]))]).await,
    );
    assert_eq!(
        msg,
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: M"
    );
    let msg = validation(update_err(c, "k", "SET r = num + :s", &[], &[(":s", s("1"))]).await);
    assert!(
        msg.starts_with("Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +"),
        "{msg}"
    );
    let msg = validation(update_err(c, "k", "ADD num :s", &[], &[(":s", s("1"))]).await);
    assert_eq!(
        msg,
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"
    );
    let msg = validation(update_err(c, "k", "ADD fresh :l", &[], &[(":l", l(&[n("1")]))]).await);
    assert_eq!(
        msg,
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST"
    );
    let msg = validation(update_err(c, "k", "DELETE ss :s", &[], &[(":s", s("a"))]).await);
    assert_eq!(
        msg,
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: STRING"
    );
    assert_eq!(get(c, T, key1("k")).await.unwrap(), it, "nothing changed");
}

// ---- Update expression structure --------------------------------------------------

#[tokio::test]
async fn each_clause_at_most_once() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[("pk", s("k")), ("a", n("1"))]);
    table_with(c, &it).await;
    for (expr, keyword) in [
        ("SET a = :v SET b = :v", "SET"),
        ("REMOVE a REMOVE b", "REMOVE"),
        ("ADD a :v ADD b :v", "ADD"),
        ("DELETE s :s DELETE t :s", "DELETE"),
        ("SET a = :v REMOVE b set c = :v", "SET"),
    ] {
        let values: Vec<(&str, AV)> = if expr.contains(":s") {
            vec![(":s", ss(&["x"]))]
        } else if expr.contains(":v") {
            vec![(":v", n("1"))]
        } else {
            vec![]
        };
        let msg = validation(update_err(c, "k", expr, &[], &values).await);
        assert_eq!(
            msg,
            format!("Invalid UpdateExpression: The \"{keyword}\" section can only be used once in an update expression;"),
            "{expr}"
        );
    }
    // All four once each, lowercase keywords, any order.
    let got = update(
        c,
        "k",
        "delete s :s add a :one remove gone set b = :one",
        &[],
        &[(":s", ss(&["x"])), (":one", n("1"))],
    )
    .await;
    assert_eq!(got, item(&[("pk", s("k")), ("a", n("2")), ("b", n("1"))]));
}

#[tokio::test]
async fn key_attributes_cannot_be_updated() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_table(c, T, true, &[], &[]).await;
    let key = item(&[("pk", s("k")), ("sk", n("1"))]);
    let mut it = key.clone();
    it.insert("v".into(), n("1"));
    c.put_item().table_name(T).set_item(Some(it.clone())).send().await.unwrap();
    type KeyCase<'a> = (&'a str, Option<HashMap<String, String>>, Option<Item>, &'a str);
    let cases: [KeyCase<'_>; 5] = [
        ("SET pk = :v", None, vals(&[(":v", s("other"))]), "pk"),
        ("SET #k = :v", names(&[("#k", "sk")]), vals(&[(":v", n("2"))]), "sk"),
        ("REMOVE sk", None, None, "sk"),
        ("ADD sk :v", None, vals(&[(":v", n("2"))]), "sk"),
        ("SET v = :v, pk = :w", None, vals(&[(":v", n("2")), (":w", s("x"))]), "pk"),
    ];
    for (expr, nm, vl, attr) in cases {
        let (code, msg) = expect_err!(
            c.update_item()
                .table_name(T)
                .set_key(Some(key.clone()))
                .update_expression(expr)
                .set_expression_attribute_names(nm)
                .set_expression_attribute_values(vl)
                .send()
                .await
        );
        assert_eq!(code, "ValidationException");
        assert_eq!(
            msg,
            format!("One or more parameter values were invalid: Cannot update attribute {attr}. This attribute is part of the key"),
            "{expr}"
        );
    }
    assert_eq!(get(c, T, key).await, Some(it));
}

#[tokio::test]
async fn overlapping_and_conflicting_paths() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[("pk", s("k")), ("a", m(&[("b", n("1"))])), ("l", l(&[n("1")]))]);
    table_with(c, &it).await;
    let one = [(":v", n("1"))];
    let msg = validation(update_err(c, "k", "SET a = :v, a = :v", &[], &one).await);
    assert_eq!(
        msg,
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"
    );
    // Overlap across clauses, with a nested path, through a placeholder.
    let msg = validation(update_err(c, "k", "SET a.b = :v REMOVE #a", &[("#a", "a")], &one).await);
    assert!(
        msg.starts_with("Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"),
        "{msg}"
    );
    let msg = validation(
        update_err(c, "k", "SET l[0] = :v ADD l :s", &[], &[(":v", n("1")), (":s", ns(&["1"]))]).await,
    );
    assert!(msg.starts_with("Invalid UpdateExpression: Two document paths overlap with each other"), "{msg}");
    // One node used both as a map and as a list.
    let msg = validation(update_err(c, "k", "SET l[0] = :v, l.x = :v", &[], &one).await);
    assert!(
        msg.starts_with("Invalid UpdateExpression: Two document paths conflict with each other"),
        "{msg}"
    );
    // Siblings are fine.
    let got = update(c, "k", "SET a.c = :v, a.d = :v, l[1] = :v, l[2] = :v", &[], &one).await;
    assert_eq!(got["a"], m(&[("b", n("1")), ("c", n("1")), ("d", n("1"))]));
    assert_eq!(got["l"], l(&[n("1"), n("1"), n("1")]));
}

// ---- Placeholders -----------------------------------------------------------------

#[tokio::test]
async fn undefined_unused_and_malformed_placeholders() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[("pk", s("k")), ("a", n("1"))]);
    table_with(c, &it).await;

    let msg = validation(update_err(c, "k", "SET #upd_my_attribute_name = :v", &[], &[(":v", n("1"))]).await);
    assert_eq!(
        msg,
        "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #upd_my_attribute_name"
    );
    let msg = validation(cond_err(c, &it, "a = :missing", &[], &[]).await);
    assert_eq!(
        msg,
        "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :missing"
    );
    let msg = validation(cond_err(c, &it, "a = :v", &[], &[(":v", n("1")), (":lastname", s("x"))]).await);
    assert_eq!(msg, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:lastname}");
    let msg = validation(cond_err(c, &it, "#a = :v", &[("#a", "a"), ("#f2", "f")], &[(":v", n("1"))]).await);
    assert_eq!(msg, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#f2}");
    // A placeholder used by any expression of the request counts as used.
    c.update_item()
        .table_name(T)
        .set_key(Some(key1("k")))
        .update_expression("SET #a = :v")
        .condition_expression("#c = :old")
        .set_expression_attribute_names(names(&[("#a", "a"), ("#c", "a")]))
        .set_expression_attribute_values(vals(&[(":v", n("2")), (":old", n("1"))]))
        .send()
        .await
        .unwrap();

    // Keys of the maps must look like placeholders.
    let msg = validation(cond_err(c, &it, "a = :v", &[], &[(":v", n("2")), ("pid", s("x"))]).await);
    assert_eq!(msg, "ExpressionAttributeValues contains invalid key: Syntax error; key: \"pid\"");
    let msg = validation(cond_err(c, &it, "a = :v", &[("n", "a")], &[(":v", n("2"))]).await);
    assert_eq!(msg, "ExpressionAttributeNames contains invalid key: Syntax error; key: \"n\"");

    // Empty maps, and maps without any expression.
    let (code, msg) = expect_err!(
        c.put_item()
            .table_name(T)
            .set_item(Some(it.clone()))
            .condition_expression("a = :v")
            .set_expression_attribute_values(Some(HashMap::new()))
            .send()
            .await
    );
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("ValidationException", "ExpressionAttributeValues must not be empty")
    );
    let (code, msg) = expect_err!(
        c.put_item()
            .table_name(T)
            .set_item(Some(it.clone()))
            .condition_expression("a = :v")
            .set_expression_attribute_names(Some(HashMap::new()))
            .expression_attribute_values(":v", n("2"))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("ExpressionAttributeNames must not be empty"), "{msg}");
    let (code, msg) = expect_err!(
        c.put_item()
            .table_name(T)
            .set_item(Some(it.clone()))
            .expression_attribute_values(":v", n("1"))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert!(
        msg.starts_with("ExpressionAttributeValues can only be specified when using expressions"),
        "{msg}"
    );
    let (code, msg) = expect_err!(
        c.get_item()
            .table_name(T)
            .set_key(Some(key1("k")))
            .expression_attribute_names("#a", "a")
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert!(
        msg.starts_with("ExpressionAttributeNames can only be specified when using expressions"),
        "{msg}"
    );
    assert_eq!(get(c, T, key1("k")).await.unwrap()["a"], n("2"));
}

#[tokio::test]
async fn reserved_words_as_bare_names() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[("pk", s("k")), ("status", s("new"))]);
    table_with(c, &it).await;
    let msg = validation(update_err(c, "k", "SET status = :v", &[], &[(":v", s("done"))]).await);
    assert_eq!(
        msg,
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"
    );
    // Reserved words are case-insensitive and reported as written.
    let msg = validation(update_err(c, "k", "SET Status = :v", &[], &[(":v", s("done"))]).await);
    assert_eq!(
        msg,
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Status"
    );
    let msg = validation(cond_err(c, &it, "attribute_exists(name)", &[], &[]).await);
    assert_eq!(
        msg,
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"
    );
    // Also inside a document path.
    let msg = validation(cond_err(c, &it, "doc.#x.data = :v", &[("#x", "x")], &[(":v", n("1"))]).await);
    assert_eq!(
        msg,
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: data"
    );
    let (code, msg) = expect_err!(
        c.get_item().table_name(T).set_key(Some(key1("k"))).projection_expression("pk, status").send().await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: status"
    );
    // A name placeholder is the way round it.
    let got = update(c, "k", "SET #s = :v", &[("#s", "status")], &[(":v", s("done"))]).await;
    assert_eq!(got["status"], s("done"));
    assert!(holds_with(c, &got, "#s = :v", &[("#s", "status")], &[(":v", s("done"))]).await);
}

// ---- Syntax, emptiness, size ------------------------------------------------------

#[tokio::test]
async fn syntax_errors_name_the_token_and_its_surroundings() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[("pk", s("k")), ("a", n("1"))]);
    table_with(c, &it).await;
    let msg = validation(cond_err(c, &it, "a-b = :v", &[], &[(":v", n("1"))]).await);
    assert_eq!(msg, "Invalid ConditionExpression: Syntax error; token: \"-\", near: \"a-b\"");
    let msg = validation(cond_err(c, &it, "a = :v AND", &[], &[(":v", n("1"))]).await);
    assert_eq!(msg, "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"");
    let msg =
        validation(update_err(c, "k", "SET a = :a, #, b = :b", &[], &[(":a", n("1")), (":b", n("1"))]).await);
    assert_eq!(msg, "Invalid UpdateExpression: Syntax error; token: \"#\", near: \", #,\"");
    let msg = validation(update_err(c, "k", "SET a = :v REMOVE", &[], &[(":v", n("1"))]).await);
    assert_eq!(msg, "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"REMOVE\"");
    // Not a clause keyword; a comparison in an update; a dangling operator.
    for expr in ["UPSERT a = :v", "SET a == :v", "SET a = :v +", "SET a :v"] {
        let msg = validation(update_err(c, "k", expr, &[], &[(":v", n("1"))]).await);
        assert!(msg.starts_with("Invalid UpdateExpression: Syntax error; token: "), "{expr}: {msg}");
    }
    for cond in ["a = = :v", "a :v", "(a = :v", "a = :v)", "a IN :v", "a BETWEEN :v", "NOT"] {
        let msg = validation(cond_err(c, &it, cond, &[], &[(":v", n("1"))]).await);
        assert!(msg.starts_with("Invalid ConditionExpression: Syntax error; token: "), "{cond}: {msg}");
    }
    let (code, msg) = expect_err!(
        c.get_item().table_name(T).set_key(Some(key1("k"))).projection_expression("a,,b").send().await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Invalid ProjectionExpression: Syntax error; token: \",\", near: \",,b\"");
    assert_eq!(get(c, T, key1("k")).await.unwrap(), it);
}

#[tokio::test]
async fn empty_expressions_are_rejected() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[("pk", s("k"))]);
    table_with(c, &it).await;
    for cond in ["", "   "] {
        let msg = validation(cond_err(c, &it, cond, &[], &[]).await);
        assert_eq!(msg, "Invalid ConditionExpression: The expression can not be empty;");
    }
    let msg = validation(update_err(c, "k", "", &[], &[]).await);
    assert_eq!(msg, "Invalid UpdateExpression: The expression can not be empty;");
    let (_, msg) = expect_err!(
        c.get_item().table_name(T).set_key(Some(key1("k"))).projection_expression("").send().await
    );
    assert_eq!(msg, "Invalid ProjectionExpression: The expression can not be empty;");
}

/// `count` names of `width` characters, distinct, none reserved.
fn long_names(count: usize, width: usize) -> Vec<String> {
    (0..count).map(|i| format!("q{i:0w$}", w = width - 1)).collect()
}

/// Joins terms built by `term(name)` with `sep` until exactly `len` bytes
/// (the last name is shortened to fit).
fn sized_expression(len: usize, prefix: &str, sep: &str, term: impl Fn(&str) -> String) -> String {
    let mut out = prefix.to_string();
    let names = long_names(200, 40);
    for (i, name) in names.iter().enumerate() {
        let piece = if i == 0 { term(name) } else { format!("{sep}{}", term(name)) };
        if out.len() + piece.len() + sep.len() + term("qqqqq").len() > len {
            // Last term: a name long enough to land exactly on `len`.
            let overhead = if i == 0 { 0 } else { sep.len() } + term("").len();
            let width = len - out.len() - overhead;
            let last = format!("z{}", "y".repeat(width - 1));
            out.push_str(&if i == 0 { term(&last) } else { format!("{sep}{}", term(&last)) });
            assert_eq!(out.len(), len);
            return out;
        }
        out.push_str(&piece);
    }
    panic!("not enough names for {len} bytes");
}

#[tokio::test]
async fn expressions_up_to_4_kb() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[("pk", s("k"))]);
    table_with(c, &it).await;

    let cond = |len| sized_expression(len, "", " OR ", |n| format!("attribute_not_exists({n})"));
    assert!(holds(c, &it, &cond(4096), &[]).await);
    let msg = validation(cond_err(c, &it, &cond(4097), &[], &[]).await);
    assert_eq!(
        msg,
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4097"
    );

    let upd = |len| sized_expression(len, "SET ", ", ", |n| format!("{n} = :v"));
    update(c, "k", &upd(4096), &[], &[(":v", n("1"))]).await;
    let msg = validation(update_err(c, "k", &upd(4097), &[], &[(":v", n("1"))]).await);
    assert!(
        msg.starts_with("Invalid UpdateExpression: Expression size has exceeded the maximum allowed size;"),
        "{msg}"
    );

    let proj = |len| sized_expression(len, "", ",", |n| n.to_string());
    let got = c
        .get_item()
        .table_name(T)
        .set_key(Some(key1("k")))
        .projection_expression(proj(4096))
        .send()
        .await
        .unwrap();
    assert!(got.item.unwrap().len() > 50, "the projected attributes written by the update");
    let (code, msg) = expect_err!(
        c.get_item().table_name(T).set_key(Some(key1("k"))).projection_expression(proj(4097)).send().await
    );
    assert_eq!(code, "ValidationException");
    assert!(
        msg.starts_with(
            "Invalid ProjectionExpression: Expression size has exceeded the maximum allowed size;"
        ),
        "{msg}"
    );
}

// ---- Projections ------------------------------------------------------------------

#[tokio::test]
async fn projection_expression_on_get_item() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[
        ("pk", s("k")),
        ("a", n("1")),
        ("b", s("x")),
        ("doc", m(&[("x", n("1")), ("y", m(&[("z", n("2")), ("w", n("3"))]))])),
        ("l", l(&[s("p"), s("q"), s("r"), s("s")])),
        ("grid", l(&[l(&[n("0"), n("1")]), l(&[n("2"), n("3")])])),
        ("status", s("on")),
    ]);
    table_with(c, &it).await;
    let project = |expr: &str, nm: &[(&str, &str)]| {
        c.get_item()
            .table_name(T)
            .set_key(Some(key1("k")))
            .projection_expression(expr)
            .set_expression_attribute_names(names(nm))
            .send()
    };
    let got = project("a", &[]).await.unwrap().item.unwrap();
    assert_eq!(got, item(&[("a", n("1"))]), "the key is not added");
    let got = project("a, doc.y.z, absent, doc.nothing", &[]).await.unwrap().item.unwrap();
    assert_eq!(got, item(&[("a", n("1")), ("doc", m(&[("y", m(&[("z", n("2"))]))]))]));
    // List elements keep their order and close up.
    let got = project("l[3], l[1], l[9]", &[]).await.unwrap().item.unwrap();
    assert_eq!(got, item(&[("l", l(&[s("q"), s("s")]))]));
    let got = project("grid[1][0], grid[0][1]", &[]).await.unwrap().item.unwrap();
    assert_eq!(got, item(&[("grid", l(&[l(&[n("1")]), l(&[n("2")])]))]));
    // Placeholders, a reserved word through one, several paths into one map.
    let got = project("#d.x, #d.#y.w, #s", &[("#d", "doc"), ("#y", "y"), ("#s", "status")])
        .await
        .unwrap()
        .item
        .unwrap();
    assert_eq!(got, item(&[("doc", m(&[("x", n("1")), ("y", m(&[("w", n("3"))]))])), ("status", s("on"))]));
    // Nothing matches: an empty item, not a missing one.
    let got = project("absent", &[]).await.unwrap();
    assert_eq!(got.item, Some(HashMap::new()));
    // A missing key: no item at all.
    let got = c
        .get_item()
        .table_name(T)
        .set_key(Some(key1("nope")))
        .projection_expression("a")
        .send()
        .await
        .unwrap();
    assert!(got.item.is_none());
    // Overlapping paths.
    let (code, msg) = expect_err!(project("a, doc, doc.x", &[]).await);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [doc], path two: [doc, x]"
    );
    let (_, msg) = expect_err!(project("a, a", &[]).await);
    assert!(
        msg.starts_with("Invalid ProjectionExpression: Two document paths overlap with each other"),
        "{msg}"
    );
    let (_, msg) = expect_err!(project("l[0], l.x", &[]).await);
    assert!(
        msg.starts_with("Invalid ProjectionExpression: Two document paths conflict with each other"),
        "{msg}"
    );
    let (_, msg) = expect_err!(project("#nope", &[]).await);
    assert_eq!(
        msg,
        "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #nope"
    );
}

// ---- More operand forms -------------------------------------------------------------

#[tokio::test]
async fn sets_and_documents_compare_by_content() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[
        ("pk", s("k")),
        ("ss", ss(&["a", "b", "c"])),
        ("ns", ns(&["1", "2.5"])),
        ("doc", m(&[("x", n("1")), ("y", l(&[s("a"), ns(&["3", "4"])]))])),
        ("lo", n("1")),
        ("hi", n("9")),
        ("mid", n("5")),
    ]);
    table_with(c, &it).await;
    check_all(
        c,
        &it,
        &[
            // Sets are unordered; numbers in them compare by value.
            ("ss = :v", vec![(":v", ss(&["c", "a", "b"]))], true),
            ("ss = :v", vec![(":v", ss(&["a", "b"]))], false),
            ("ns = :v", vec![(":v", ns(&["2.50", "1.0"]))], true),
            ("ns <> :v", vec![(":v", ns(&["1", "2.5", "3"]))], true),
            ("doc = :v", vec![(":v", m(&[("y", l(&[s("a"), ns(&["4", "3"])])), ("x", n("1.0"))]))], true),
            ("doc.y = :v", vec![(":v", l(&[ns(&["3", "4"]), s("a")]))], false),
            // Paths as IN and BETWEEN operands.
            ("mid BETWEEN lo AND hi", vec![], true),
            ("hi BETWEEN lo AND mid", vec![], false),
            ("mid IN (lo, hi, :v)", vec![(":v", n("5"))], true),
            ("mid IN (lo, hi)", vec![], false),
        ],
    )
    .await;
}

#[tokio::test]
async fn update_reads_every_operand_before_writing() {
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &item(&[("pk", s("k")), ("a", s("A")), ("b", s("B")), ("doc", m(&[]))])).await;
    let got = update(c, "k", "SET a = b, b = a", &[], &[]).await;
    assert_eq!((got["a"].clone(), got["b"].clone()), (s("B"), s("A")));
    // ADD into a set nested in a map, SET into a new list element of a new list.
    let got =
        update(c, "k", "ADD doc.tags :t SET doc.l = :l", &[], &[(":t", ss(&["x"])), (":l", l(&[n("1")]))])
            .await;
    assert_eq!(got["doc"], m(&[("tags", ss(&["x"])), ("l", l(&[n("1")]))]));
    let got = update(c, "k", "ADD doc.l[0] :one", &[], &[(":one", n("1"))]).await;
    assert_eq!(got["doc"], m(&[("tags", ss(&["x"])), ("l", l(&[n("2")]))]));
    // The condition sees the item before the update.
    c.update_item()
        .table_name(T)
        .set_key(Some(key1("k")))
        .update_expression("SET a = :new")
        .condition_expression("a = :old")
        .expression_attribute_values(":new", s("C"))
        .expression_attribute_values(":old", s("B"))
        .send()
        .await
        .unwrap();
    assert_eq!(get(c, T, key1("k")).await.unwrap()["a"], s("C"));
}

#[tokio::test]
async fn arithmetic_beyond_the_number_range_is_rejected() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let it = item(&[("pk", s("k")), ("big", n("9.9999999999999999999999999999999999999E+125"))]);
    table_with(c, &it).await;
    for expr in ["SET big = big + big", "ADD big :v", "SET r = :v + big"] {
        let msg = validation(
            update_err(
                c,
                "k",
                expr,
                &[],
                &[(":v", n("9E+125"))].into_iter().filter(|(k, _)| uses(expr, k)).collect::<Vec<_>>(),
            )
            .await,
        );
        assert!(msg.to_lowercase().contains("overflow"), "{expr}: {msg}");
    }
    // Unchanged (numbers come back normalised, so compare by value).
    let after = get(c, T, key1("k")).await.unwrap();
    assert_eq!(after.len(), 2);
    assert!(holds(c, &after, "big = :v", &[(":v", n("9.9999999999999999999999999999999999999E+125"))]).await);
}

#[tokio::test]
async fn update_expression_takes_at_most_300_operators() {
    // Developer Guide: "The maximum number of operators or functions allowed
    // in an UpdateExpression is 300", `+` and `-` counted, `=` not.
    let env = TestEnv::new().await;
    let c = &env.client;
    table_with(c, &item(&[("pk", s("k"))])).await;
    let expr = |count: usize| {
        let actions: Vec<String> = (0..count).map(|i| format!("a{i}=:v+:v")).collect();
        format!("SET {}", actions.join(","))
    };
    let got = update(c, "k", &expr(300), &[], &[(":v", n("1"))]).await;
    assert_eq!(got["a299"], n("2"));
    let msg = validation(update_err(c, "k", &expr(301), &[], &[(":v", n("1"))]).await);
    assert!(msg.starts_with("Invalid UpdateExpression: The expression contains too many operators"), "{msg}");
}
