use super::*;
use crate::expr::legacy::*;

fn fe(op: &str, args: Vec<AttributeValue>) -> FilterEntry {
    FilterEntry { comparison_operator: op.to_string(), attribute_value_list: args }
}

#[test]
fn mixing_parameters() {
    assert_eq!(
        check_mixing(&["Expected"], &["ConditionExpression"]).unwrap_err().message,
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"
    );
    assert_eq!(
        check_mixing(&["AttributesToGet", "QueryFilter"], &["ProjectionExpression"]).unwrap_err().message,
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet, QueryFilter} Expression parameters: {ProjectionExpression}"
    );
    assert!(check_mixing(&["Expected"], &[]).is_ok());
    assert!(check_mixing(&[], &["ConditionExpression"]).is_ok());
    // The table: KeyConditions conflicts only with KeyConditionExpression
    // (observed: accepted beside FilterExpression / ProjectionExpression).
    assert!(check_mixing(&["KeyConditions"], &["ProjectionExpression", "FilterExpression"]).is_ok());
    assert_eq!(
        check_mixing(&["KeyConditions", "QueryFilter"], &["KeyConditionExpression", "FilterExpression"])
            .unwrap_err()
            .message,
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions, QueryFilter} Expression parameters: {KeyConditionExpression, FilterExpression}"
    );
    // ConditionalOperator needs Expected, QueryFilter or ScanFilter.
    assert_eq!(
        check_mixing(&["ConditionalOperator"], &[]).unwrap_err().message,
        crate::error::messages::LEGACY_CONDITIONAL_OPERATOR
    );
    assert!(check_mixing(&["Expected", "ConditionalOperator"], &[]).is_ok());
}

#[test]
fn expected_entries() {
    let e = |x: ExpectedEntry| vec![("a".to_string(), x)];
    let present = item(&[("a", n("1"))]);
    let absent = Item::new();
    let c = expected(&e(ExpectedEntry { value: Some(n("1")), ..Default::default() }), None).unwrap().unwrap();
    assert!(c.evaluate(&present) && !c.evaluate(&absent));
    let c =
        expected(&e(ExpectedEntry { value: Some(n("1")), exists: Some(true), ..Default::default() }), None)
            .unwrap()
            .unwrap();
    assert!(c.evaluate(&present));
    let c = expected(&e(ExpectedEntry { exists: Some(false), ..Default::default() }), None).unwrap().unwrap();
    assert!(!c.evaluate(&present) && c.evaluate(&absent));
    let c = expected(
        &e(ExpectedEntry {
            comparison_operator: Some("GT".into()),
            attribute_value_list: Some(vec![n("0")]),
            ..Default::default()
        }),
        None,
    )
    .unwrap()
    .unwrap();
    assert!(c.evaluate(&present) && !c.evaluate(&absent));
    let msg = |x: ExpectedEntry| expected(&e(x), None).unwrap_err().message;
    assert_eq!(
        msg(ExpectedEntry::default()),
        "One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: a"
    );
    assert_eq!(
        msg(ExpectedEntry { exists: Some(false), value: Some(n("1")), ..Default::default() }),
        "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a"
    );
    assert!(msg(ExpectedEntry {
        value: Some(n("1")),
        comparison_operator: Some("EQ".into()),
        ..Default::default()
    })
    .contains("cannot be used together"));
    assert!(msg(ExpectedEntry { attribute_value_list: Some(vec![n("1")]), ..Default::default() })
        .contains("AttributeValueList can only be used with a ComparisonOperator for Attribute: a"));
    assert_eq!(expected(&[], None), Ok(None));
}

#[test]
fn conditional_operator() {
    let entries = vec![("a".to_string(), fe("NULL", vec![])), ("b".to_string(), fe("NOT_NULL", vec![]))];
    let only_b = item(&[("b", n("1"))]);
    let both = item(&[("a", n("1")), ("b", n("1"))]);
    let and = filter(&entries, None).unwrap().unwrap();
    assert!(and.evaluate(&only_b) && !and.evaluate(&both));
    let and = filter(&entries, Some("AND")).unwrap().unwrap();
    assert!(and.evaluate(&only_b) && !and.evaluate(&both));
    let or = filter(&entries, Some("OR")).unwrap().unwrap();
    assert!(or.evaluate(&only_b) && or.evaluate(&both) && or.evaluate(&Item::new()));
}

#[test]
fn comparison_operators() {
    let it = item(&[("s", s("hello")), ("n", n("5")), ("ss", ss(&["x"])), ("l", l(vec![n("1")]))]);
    let t = |attr: &str, op: &str, args: Vec<AttributeValue>| {
        filter(&[(attr.to_string(), fe(op, args))], None).unwrap().unwrap().evaluate(&it)
    };
    assert!(t("n", "EQ", vec![n("5")]) && !t("n", "EQ", vec![s("5")]));
    assert!(t("n", "NE", vec![n("4")]) && !t("n", "NE", vec![n("5")]));
    assert!(t("missing", "NE", vec![n("4")]), "NE matches a missing attribute");
    assert!(
        t("n", "LE", vec![n("5")])
            && t("n", "LT", vec![n("6")])
            && t("n", "GE", vec![n("5")])
            && t("n", "GT", vec![n("4")])
    );
    assert!(t("n", "NOT_NULL", vec![]) && t("missing", "NULL", vec![]));
    assert!(
        t("s", "CONTAINS", vec![s("ell")])
            && t("ss", "CONTAINS", vec![s("x")])
            && t("l", "CONTAINS", vec![n("1")])
    );
    // NOT_CONTAINS on a missing attribute fails (as the service does); NE holds.
    assert!(t("s", "NOT_CONTAINS", vec![s("z")]) && !t("missing", "NOT_CONTAINS", vec![s("z")]));
    assert!(t("missing", "NE", vec![s("z")]));
    assert!(t("s", "BEGINS_WITH", vec![s("he")]));
    assert!(t("n", "IN", vec![n("1"), n("5")]) && !t("n", "IN", vec![n("1")]));
    assert!(t("n", "BETWEEN", vec![n("1"), n("5")]) && !t("n", "BETWEEN", vec![n("6"), n("9")]));
    let e = |op: &str, args: Vec<AttributeValue>| {
        filter(&[("a".to_string(), fe(op, args))], None).unwrap_err().message
    };
    assert_eq!(e("EQ", vec![]), "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator");
    assert_eq!(e("NULL", vec![n("1")]), "One or more parameter values were invalid: Invalid number of argument(s) for the NULL ComparisonOperator");
    assert_eq!(e("BETWEEN", vec![n("1")]), "One or more parameter values were invalid: Invalid number of argument(s) for the BETWEEN ComparisonOperator");
    assert_eq!(e("IN", vec![]), "One or more parameter values were invalid: Invalid number of argument(s) for the IN ComparisonOperator");
    assert_eq!(e("LT", vec![ss(&["x"])]), "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS AttributeValue type");
    assert_eq!(e("BEGINS_WITH", vec![n("1")]), "One or more parameter values were invalid: ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type");
    assert_eq!(e("CONTAINS", vec![l(vec![])]), "One or more parameter values were invalid: ComparisonOperator CONTAINS is not valid for L AttributeValue type");
}

#[test]
fn query_filter_on_keys() {
    let entries = vec![("sk".to_string(), fe("NULL", vec![]))];
    assert_eq!(
        check_query_filter_keys(&entries, &["pk", "sk"]).unwrap_err().message,
        "QueryFilter can only contain non-primary key attributes: Primary key attribute: sk"
    );
    assert!(check_query_filter_keys(&entries, &["pk"]).is_ok());
}

#[test]
fn attributes_to_get_projection() {
    let p = attributes_to_get(&["a.b".to_string(), "status".to_string()]).unwrap();
    let it = item(&[("a.b", n("1")), ("a", m(&[("b", n("2"))])), ("status", s("x"))]);
    assert_eq!(p.apply(&it), item(&[("a.b", n("1")), ("status", s("x"))]));
    assert_eq!(
        attributes_to_get(&["a".to_string(), "a".to_string()]).unwrap_err().message,
        "One or more parameter values were invalid: Duplicate value in attribute name: a"
    );
}

#[test]
fn attribute_updates_translate() {
    let au = |a: &str, act: Option<&str>, v: Option<AttributeValue>| {
        (a.to_string(), AttributeUpdate { action: act.map(str::to_string), value: v })
    };
    let old =
        item(&[("pk", s("k")), ("n", n("1")), ("ss", ss(&["a", "b"])), ("gone", s("x")), ("s", s("str"))]);
    let u = attribute_updates(&[
        au("put", None, Some(s("v"))),
        au("n", Some("ADD"), Some(n("2"))),
        au("fresh", Some("ADD"), Some(ns(&["1"]))),
        au("ss", Some("DELETE"), Some(ss(&["a"]))),
        au("gone", Some("DELETE"), None),
    ])
    .unwrap();
    assert!(u.legacy);
    let out = u.apply(&old, &["pk"]).unwrap();
    assert_eq!(
        out.item,
        item(&[
            ("pk", s("k")),
            ("put", s("v")),
            ("n", n("3")),
            ("fresh", ns(&["1"])),
            ("ss", ss(&["b"])),
            ("s", s("str"))
        ])
    );
    let bad = attribute_updates(&[au("s", Some("ADD"), Some(n("1")))]).unwrap();
    assert_eq!(bad.apply(&old, &["pk"]).unwrap_err().message, "Type mismatch for attribute to update");
    let key = attribute_updates(&[au("pk", None, Some(s("x")))]).unwrap();
    assert_eq!(
        key.apply(&old, &["pk"]).unwrap_err().message,
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"
    );
    let e = |x| attribute_updates(&[x]).unwrap_err().message;
    assert_eq!(
        e(au("a", None, None)),
        "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"
    );
    assert_eq!(
        e(au("a", Some("ADD"), Some(s("x")))),
        "One or more parameter values were invalid: ADD action is not supported for the type S"
    );
    assert_eq!(
        e(au("a", Some("DELETE"), Some(n("1")))),
        "One or more parameter values were invalid: DELETE action with value is not supported for the type N"
    );
}

#[test]
fn key_conditions_translate() {
    let q = key_conditions(
        &[
            ("pk".to_string(), fe("EQ", vec![s("p")])),
            ("sk".to_string(), fe("BETWEEN", vec![n("1"), n("2")])),
        ],
        &["pk"],
        &["sk"],
    )
    .unwrap();
    assert_eq!(q, KeyQuery { hash: vec![s("p")], range: vec![RangeCond::Between(n("1"), n("2"))] });
    let e =
        |entries: &[(String, FilterEntry)]| key_conditions(entries, &["pk"], &["sk"]).unwrap_err().message;
    assert_eq!(
        e(&[("pk".to_string(), fe("NE", vec![s("p")]))]),
        "Attempted conditional constraint is not an indexable operation"
    );
    assert_eq!(
        e(&[("sk".to_string(), fe("EQ", vec![n("1")]))]),
        "Query condition missed key schema element: pk"
    );
    assert_eq!(e(&[("pk".to_string(), fe("GT", vec![s("p")]))]), "Query key condition not supported");
}

#[test]
fn json_adapters() {
    use serde_json::json;
    let e = expected_from_json(&json!({
        "a": {"Value": {"N": "1"}},
        "b": {"Exists": false},
        "c": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "x"}, {"S": "y"}]}
    }))
    .unwrap();
    assert_eq!(e[0], ("a".to_string(), ExpectedEntry { value: Some(n("1")), ..Default::default() }));
    assert_eq!(e[1].1.exists, Some(false));
    assert_eq!(e[2].1.attribute_value_list, Some(vec![s("x"), s("y")]));
    let c = expected(&e, None).unwrap().unwrap();
    assert!(c.evaluate(&item(&[("a", n("1")), ("c", s("y"))])));
    let f = filter_from_json(&json!({"a": {"ComparisonOperator": "NULL"}}), "ScanFilter").unwrap();
    assert_eq!(f, vec![("a".to_string(), fe("NULL", vec![]))]);
    assert!(filter_from_json(&json!({"a": {}}), "ScanFilter").unwrap_err().message.contains("ScanFilter"));
    let u = attribute_updates_from_json(&json!({"a": {"Action": "DELETE"}, "b": {"Value": {"SS": ["x"]}}}))
        .unwrap();
    assert_eq!(u[0].1, AttributeUpdate { action: Some("DELETE".into()), value: None });
    assert_eq!(u[1].1.value, Some(ss(&["x"])));
    assert_eq!(
        attributes_to_get_from_json(&json!(["a", "b"])).unwrap(),
        vec!["a".to_string(), "b".to_string()]
    );
    assert!(attributes_to_get_from_json(&json!([1])).is_err());
}
