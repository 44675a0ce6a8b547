//! Parser and compiler tests, and the parser's never-panic property.

use super::ast::{Expr, Lit, Statement, Step};
use super::compile::{compile, Command, KeyNames};
use super::*;
use crate::error::ErrorKind;
use crate::value::AttributeValue;
use proptest::prelude::*;

fn keys(range: bool) -> impl Fn(&str, Option<&str>) -> Result<KeyNames> {
    move |_, _| Ok(KeyNames { hash: "pk".into(), range: range.then(|| "sk".into()) })
}

fn compiled(text: &str, params: &[AttributeValue], range: bool) -> Result<Command> {
    let stmt = parse_with(text, params.len())?;
    compile(&stmt.0, params, &keys(range))
}

fn message(text: &str) -> String {
    let e = parse(text).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Validation);
    e.message
}

#[test]
fn parses_every_statement_kind() {
    let (s, n) =
        parse("SELECT a, b.c[2], \"d e\" FROM \"t\".\"i\" WHERE a = ? AND b IN [1, 2] ORDER BY a DESC")
            .unwrap();
    assert_eq!(n, 1);
    let Statement::Select(s) = s else { panic!("select") };
    assert_eq!(s.index.as_deref(), Some("i"));
    let proj = s.projection.unwrap();
    assert_eq!(proj[1].steps, vec![Step::Attr("b".into()), Step::Attr("c".into()), Step::Index(2)]);
    assert_eq!(s.order_by.len(), 1);
    assert!(matches!(
        parse("insert into t value {'pk': 'a', 'n': <<1, 2>>, 'l': [TRUE, NULL]}").unwrap().0,
        Statement::Insert { .. }
    ));
    assert!(matches!(
        parse("UPDATE t SET a = a + 1, b = list_append(b, [1]) REMOVE c WHERE pk = 'x' RETURNING ALL NEW *")
            .unwrap()
            .0,
        Statement::Update { .. }
    ));
    assert!(matches!(
        parse("DELETE FROM t WHERE pk = 'x' RETURNING ALL OLD *;").unwrap().0,
        Statement::Delete { .. }
    ));
    assert!(matches!(parse("EXISTS(SELECT * FROM t WHERE pk = 1)").unwrap().0, Statement::Exists(_)));
    let (s, _) = parse("SELECT * FROM t WHERE NOT a BETWEEN -1 AND 2.5e1 OR b IS NOT MISSING").unwrap();
    let Statement::Select(s) = s else { panic!() };
    assert!(matches!(s.condition, Some(Expr::Or(..))));
    let (s, _) = parse("SELECT * FROM t WHERE a = 'it''s'").unwrap();
    let Statement::Select(s) = s else { panic!() };
    let Some(Expr::Compare(_, _, b)) = s.condition else { panic!() };
    assert_eq!(*b, Expr::Lit(Lit::Str("it's".into())));
}

#[test]
fn syntax_errors_have_positions() {
    assert_eq!(
        message("SELECT * FROM"),
        "Statement wasn't well formed, can't be processed: Expected table name, found end of statement at line 1, column 14"
    );
    assert_eq!(
        message("SELECT * FROM t WHERE a = = 1"),
        "Statement wasn't well formed, can't be processed: Unexpected token: = at line 1, column 27"
    );
    assert_eq!(
        message("SELECT * FROM t\nWHERE a # 1"),
        "Statement wasn't well formed, can't be processed: Unexpected character: '#' at line 2, column 9"
    );
    assert!(
        message("SELECT * FROM t WHERE a = 'x").contains("Unterminated string literal at line 1, column 27")
    );
    assert!(message("SELECT * FROM t u").contains("Unexpected token: u at line 1, column 17"));
    assert!(message("SELECT * FROM a, b").starts_with("Unsupported operation: joins"));
    assert!(message("SELECT count(*) FROM a").starts_with("Unsupported operation: function count"));
    assert!(message("SELECT * FROM a WHERE x LIKE 'a%'").starts_with("Unsupported operation: LIKE"));
    let deep = format!("SELECT * FROM t WHERE {}a = 1{}", "(".repeat(500), ")".repeat(500));
    assert!(message(&deep).contains("nesting is too deep"));
}

#[test]
fn parameter_count_must_match() {
    let e = parse_with("SELECT * FROM t WHERE pk = ?", 2).unwrap_err();
    assert_eq!(e.message, "Number of parameters in request and statement don't match.");
    assert!(parse_with("SELECT * FROM t WHERE pk = ? AND a IN [?, ?]", 3).is_ok());
}

#[test]
fn select_compiles_to_get_query_or_scan() {
    let s = |v: &str| AttributeValue::S(v.into());
    match compiled("SELECT * FROM t WHERE pk = ? AND sk = 'b'", &[s("a")], true).unwrap() {
        Command::Get { key, .. } => assert_eq!(key.get("sk"), Some(&s("b"))),
        other => panic!("{other:?}"),
    }
    match compiled("SELECT a FROM t WHERE 'a' = pk AND sk > 'b' AND x = 1 ORDER BY sk DESC", &[], true)
        .unwrap()
    {
        Command::Read {
            key_condition: Some(kc),
            filter: Some(f),
            forward: false,
            projection: Some(p),
            ..
        } => {
            assert_eq!(kc, "#n0 = :v0 AND #n1 > :v1");
            assert_eq!(f, "#n2 = :v2");
            assert_eq!(p, "#n3");
        }
        other => panic!("{other:?}"),
    }
    // A rest that reads a key attribute cannot be Query's filter: Scan.
    assert!(matches!(
        compiled("SELECT * FROM t WHERE pk = 'a' AND sk > 'b' AND sk < 'z'", &[], true).unwrap(),
        Command::Read { key_condition: None, filter: Some(_), .. }
    ));
    // A few partition key values: one Query each, in the order written,
    // repeats dropped; anything else in the OR, or a non-key value: Scan.
    let key_conditions = |text: &str, params: &[AttributeValue]| match compiled(text, params, true).unwrap() {
        Command::Queries(parts) => parts
            .iter()
            .map(|p| match p {
                Command::Read { key_condition: Some(kc), filter, ph, .. } => {
                    (kc.clone(), filter.clone(), ph.values.values().next().cloned())
                }
                other => panic!("{other:?}"),
            })
            .collect::<Vec<_>>(),
        other => panic!("{text}: {other:?}"),
    };
    let q = key_conditions("SELECT * FROM t WHERE pk = 'b' OR pk = 'a' OR pk = 'b'", &[]);
    assert_eq!(q.iter().map(|x| x.2.clone().unwrap()).collect::<Vec<_>>(), vec![s("b"), s("a")]);
    let q = key_conditions("SELECT * FROM t WHERE x = 1 AND pk IN [?, 'c'] AND sk > 'm'", &[s("a")]);
    assert_eq!(q.len(), 2);
    assert_eq!(q[0].0, "#n0 = :v0 AND #n1 > :v1");
    assert_eq!(q[1].1.as_deref(), Some("#n2 = :v2"));
    assert_eq!(q[0].2, Some(s("a")));
    assert!(matches!(
        compiled("SELECT * FROM t WHERE pk IN ['a']", &[], true).unwrap(),
        Command::Read { key_condition: Some(_), .. }
    ));
    for scan in [
        "SELECT * FROM t WHERE pk = 'a' OR x = 'b'",
        "SELECT * FROM t WHERE pk IN ['a', [1]]",
        "SELECT * FROM t WHERE pk IN ['a', 'b'] AND sk > 'a' AND sk < 'c'",
        "SELECT * FROM t WHERE pk IN ['a', ?]",
    ] {
        let params = [AttributeValue::Bool(true)];
        let params = if scan.contains('?') { &params[..] } else { &[] };
        assert!(
            matches!(compiled(scan, params, true).unwrap(), Command::Read { key_condition: None, .. }),
            "{scan}"
        );
    }
    assert_eq!(
        compiled("SELECT * FROM t ORDER BY pk", &[], true).unwrap_err().message,
        "Must have WHERE clause in the statement when using ORDER BY clause."
    );
    assert!(compiled("SELECT * FROM t WHERE a = 1 ORDER BY sk", &[], true).is_err());
}

#[test]
fn writes_need_the_full_key() {
    let e = compiled("UPDATE t SET a = 1 WHERE pk = 'a'", &[], true).unwrap_err();
    assert_eq!(e.message, "Where clause does not contain a mandatory equality on all key attributes");
    match compiled(
        "UPDATE t SET a = a + 1, s = set_add(s, <<'x'>>) REMOVE b WHERE pk = 'a' AND sk = 1 AND c > 2",
        &[],
        true,
    )
    .unwrap()
    {
        Command::Update { update, condition, .. } => {
            assert_eq!(update, "SET #n0 = #n0 + :v0 REMOVE #n2 ADD #n1 :v1");
            assert_eq!(condition, "attribute_exists(#n3) AND #n4 > :v2");
        }
        other => panic!("{other:?}"),
    }
    assert!(compiled("UPDATE t SET pk = 'b' WHERE pk = 'a' AND sk = 1", &[], true)
        .unwrap_err()
        .message
        .contains("part of the key"));
    match compiled("DELETE FROM t WHERE pk = 'a' AND sk = 1 AND a IS NULL", &[], true).unwrap() {
        Command::Delete { condition: Some(c), .. } => {
            assert_eq!(c, "(attribute_not_exists(#n0) OR attribute_type(#n0, :v0))")
        }
        other => panic!("{other:?}"),
    }
    assert!(compiled("INSERT INTO t VALUE 'x'", &[], false).is_err());
    assert!(compiled("INSERT INTO t VALUE {'pk': <<1, 'a'>>}", &[], false).is_err());
}

/// Tokens the random sequences are made of: every kind the grammar knows.
const TOKENS: &[&str] = &[
    "SELECT",
    "*",
    "FROM",
    "\"t\"",
    "t",
    ".",
    "\"i\"",
    "WHERE",
    "a",
    "b.c",
    "[0]",
    "=",
    "<>",
    "<",
    ">=",
    "AND",
    "OR",
    "NOT",
    "BETWEEN",
    "IN",
    "IS",
    "MISSING",
    "NULL",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "<<",
    ">>",
    ",",
    ":",
    "'s'",
    "1",
    "-2.5",
    "?",
    "begins_with",
    "size",
    "contains",
    "attribute_type",
    "exists",
    "INSERT",
    "INTO",
    "VALUE",
    "UPDATE",
    "SET",
    "REMOVE",
    "DELETE",
    "RETURNING",
    "ALL",
    "OLD",
    "NEW",
    "MODIFIED",
    "ORDER",
    "BY",
    "DESC",
    "+",
    "-",
    ";",
    "TRUE",
    "EXISTS",
    "list_append",
    "set_add",
    "'k'",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = parse(&text) {
            prop_assert_eq!(e.kind, ErrorKind::Validation);
        }
    }

    #[test]
    fn random_token_sequences_never_panic(picks in proptest::collection::vec(0..TOKENS.len(), 0..40)) {
        let text = picks.iter().map(|&i| TOKENS[i]).collect::<Vec<_>>().join(" ");
        let params = text.matches('?').count();
        match parse_with(&text, params) {
            Ok(stmt) => {
                let values = vec![AttributeValue::S("p".into()); params];
                if let Err(e) = compile(&stmt.0, &values, &keys(true)) {
                    prop_assert_eq!(e.kind, ErrorKind::Validation);
                }
            }
            Err(e) => prop_assert_eq!(e.kind, ErrorKind::Validation),
        }
    }
}
