use super::*;
use crate::error::messages as msg;
const C: ExprKind = ExprKind::Condition;
const F: ExprKind = ExprKind::Filter;
const KC: ExprKind = ExprKind::KeyCondition;
const P: ExprKind = ExprKind::Projection;
const U: ExprKind = ExprKind::Update;

// ---- Syntax errors: token and near ---------------------------------------------------

#[test]
fn syntax_error_token_and_near_match_the_service() {
    // Texts quoted from real service replies.
    assert_eq!(
        err(C, "a-b", &[], &[]),
        r##"Invalid ConditionExpression: Syntax error; token: "-", near: "a-b""##
    );
    assert_eq!(
        err(F, "a-b", &[], &[]),
        r##"Invalid FilterExpression: Syntax error; token: "-", near: "a-b""##
    );
    assert_eq!(
        err(KC, "a-b", &[], &[]),
        r##"Invalid KeyConditionExpression: Syntax error; token: "-", near: "a-b""##
    );
    assert_eq!(
        err(U, "a-b", &[], &[]),
        r##"Invalid UpdateExpression: Syntax error; token: "a", near: "a-""##
    );
    assert_eq!(
        err(U, "ADD hits : incr", &[], &[(":incr", n("1"))]),
        r##"Invalid UpdateExpression: Syntax error; token: ":", near: "hits : incr""##
    );
    assert_eq!(
        err(U, "INVALID SYNTAX HERE", &[], &[(":v", s("v"))]),
        r##"Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX""##
    );
    assert_eq!(
        err(U, "SET #as, #LambdaPowertoolsContext = :x", &[], &[]),
        r##"Invalid UpdateExpression: Syntax error; token: ",", near: "#as, #LambdaPowertoolsContext""##
    );
    assert_eq!(
        err(U, "DELETE #memberOf :t undefined SET x = :t", &[], &[]),
        r##"Invalid UpdateExpression: Syntax error; token: "undefined", near: ":t undefined SET""##
    );
    assert_eq!(
        err(U, "SET a = b, #, c", &[], &[]),
        r##"Invalid UpdateExpression: Syntax error; token: "#", near: ", #,""##
    );
    assert_eq!(
        err(P, "!!", &[], &[]),
        r##"Invalid ProjectionExpression: Syntax error; token: "!", near: "!!""##
    );
    assert_eq!(
        err(P, "a b", &[], &[]),
        r##"Invalid ProjectionExpression: Syntax error; token: "b", near: "a b""##
    );
}

#[test]
fn syntax_error_at_end_of_input() {
    assert_eq!(
        err(KC, "pk = :pk AND begins_with(sk, :type", &[], &[]),
        r##"Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: ":type""##
    );
    assert_eq!(
        err(P, "a,", &[], &[]),
        r##"Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ",""##
    );
    assert_eq!(
        err(U, "SET", &[], &[]),
        r##"Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET""##
    );
    assert_eq!(
        err(U, "SET a = ", &[], &[]),
        r##"Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "= ""##
    );
    assert_eq!(
        err(U, "SET a = b +", &[], &[]),
        r##"Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "+""##
    );
    assert_eq!(
        err(C, "a", &[], &[]),
        r##"Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "a""##
    );
}

#[test]
fn other_syntax_errors() {
    // Chained arithmetic, parentheses in SET, non-value ADD operand, index not a number.
    assert!(err(U, "SET a = b + c + d", &[], &[]).contains(r##"token: "+", near: "c + d""##));
    // Parentheses around an operand or a whole SET value are legal (ORMs send them).
    assert!(upd("SET a = (b)", &[], &[]).clauses.len() == 1);
    let vs = [(":v", n("1")), (":z", n("0"))];
    for src in
        ["SET a = (if_not_exists(a, :z) - :v)", "SET a = (:v)", "SET a = :z - (:v)", "SET a = ((:z) + (:v))"]
    {
        let u = upd(src, &[], &vs);
        assert!(u.apply(&item(&[("a", n("5"))]), &[]).unwrap().item.get("a").is_some(), "{src}");
    }
    assert!(err(U, "SET a = (:z + :v) + :v", &[], &vs).contains(r##"token: "+""##));
    assert!(err(U, "ADD a b", &[], &[]).contains(r##"token: "b""##));
    assert!(err(P, "a[x]", &[], &[]).contains(r##"token: "x", near: "[x]""##));
    assert!(err(P, "a[-1]", &[], &[]).contains(r##"token: "-""##));
    // Not a syntax error: the live service's range message.
    assert_eq!(
        err(P, "a[99999999999]", &[], &[]),
        "Invalid ProjectionExpression: List index is not within the allowable range; index: [99999999999]"
    );
    assert!(err(C, "a = :v b = :w", &[], &[]).contains(r##"token: "b""##));
    assert!(err(C, "a AND b = :v", &[], &[]).contains(r##"token: "AND", near: "a AND b""##));
    assert!(err(C, "a = :v)", &[], &[]).contains(r##"token: ")""##));
    assert!(err(C, "a IN ()", &[], &[]).contains(r##"token: ")""##));
    assert!(err(C, "a BETWEEN :x OR :y", &[], &[]).contains(r##"token: "OR""##));
    assert!(err(C, "(a = :v) = :w", &[], &[]).contains(r##"token: "=""##));
    assert!(err(C, "a = between", &[], &[]).contains(r##"token: "between""##));
}

#[test]
fn empty_and_oversized_expressions() {
    for kind in [C, F, KC, P, U] {
        let e = err(kind, "", &[], &[]);
        assert_eq!(e, format!("Invalid {}: The expression can not be empty;", kind.name()));
        assert_eq!(err(kind, "  \n\t ", &[], &[]), e);
    }
    let long = format!("a = :v{}", " ".repeat(4100));
    assert_eq!(
        err(C, &long, &[], &[(":v", n("1"))]),
        format!("Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: {}", long.len())
    );
    let just_fits = format!("a = :v{}", " ".repeat(4096 - 6));
    assert!(cond(&just_fits, &[], &[(":v", n("1"))]).evaluate(&item(&[("a", n("1"))])));
}

/// The deepest expressions 4 KB allow parse (or fail with the service's
/// error) on a thread with a 2 MB stack, the smallest an embedding or a
/// tokio worker gives us.
#[test]
fn nesting_is_bounded_only_by_size_and_operators_without_stack_overflow() {
    let run = |f: fn()| std::thread::Builder::new().stack_size(2 << 20).spawn(f).unwrap().join().unwrap();
    run(|| {
        let deep_not = format!("{}a = :v", "NOT ".repeat(1020));
        assert!(cond(&deep_not, &[], &[(":v", n("1"))]).evaluate(&item(&[("a", n("1"))])));
        let deep_parens = "(".repeat(4000);
        assert!(err(C, &deep_parens, &[], &[]).contains("Syntax error"));
        let redundant = format!("{}a = :v{}", "(".repeat(2040), ")".repeat(2040));
        assert!(err(C, &redundant, &[], &[(":v", n("1"))]).contains(msg::REDUNDANT_PARENTHESES));
        let not_parens = format!("{}a = :v{}", "(NOT ".repeat(680), ")".repeat(680));
        assert!(cond(&not_parens, &[], &[(":v", n("1"))]).evaluate(&item(&[("a", n("1"))])));
        // 149 levels of parentheses, each with a comparison: accepted.
        let mut levels = "a = :v".to_string();
        for _ in 0..149 {
            levels = format!("(a = :v AND {levels})");
        }
        assert!(cond(&levels, &[], &[(":v", n("1"))]).evaluate(&item(&[("a", n("1"))])));
        let deep_fn = format!("SET a = {}:v{}", "if_not_exists(a, ".repeat(200), ")".repeat(200));
        let u = upd(&deep_fn, &[], &[(":v", l(vec![]))]);
        assert_eq!(u.apply(&item(&[]), &[]).unwrap().item.get("a"), Some(&l(vec![])));
    });
}

// ---- Grammar and precedence ------------------------------------------------------------

#[test]
fn keywords_are_case_insensitive_functions_are_not() {
    let c =
        cond("a = :x and not b between :x AND :y or c in (:x, :y)", &[], &[(":x", n("1")), (":y", n("2"))]);
    assert!(matches!(c, Condition::Or(..)));
    let u = upd("set a = :x remove b add c :x delete d :s", &[], &[(":x", n("1")), (":s", ss(&["q"]))]);
    assert_eq!(u.clauses.len(), 4);
    assert_eq!(
        err(C, "ATTRIBUTE_EXISTS(a)", &[], &[]),
        "Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS"
    );
    assert_eq!(
        err(C, "foo(a)", &[], &[]),
        "Invalid ConditionExpression: Invalid function name; function: foo"
    );
    assert_eq!(
        err(U, "SET a = foo(b)", &[], &[]),
        "Invalid UpdateExpression: Invalid function name; function: foo"
    );
}

#[test]
fn precedence_follows_the_docs() {
    let vs = [(":v", n("1"))];
    // OR binds loosest, then AND, then NOT.
    let c = parser::parse_condition("a = :v OR b = :v AND NOT c = :v").expect("parse");
    match c {
        Condition::Or(l, r) => {
            assert!(matches!(*l, Condition::Compare(..)));
            match *r {
                Condition::And(x, y) => {
                    assert!(matches!(*x, Condition::Compare(..)));
                    assert!(matches!(*y, Condition::Not(_)));
                }
                other => panic!("{other:?}"),
            }
        }
        other => panic!("{other:?}"),
    }
    // Left associativity.
    let c = parser::parse_condition("a = :v AND b = :v AND c = :v").expect("parse");
    assert!(matches!(c, Condition::And(ref l, _) if matches!(**l, Condition::And(..))));
    // Parentheses override.
    let it = item(&[("a", n("1"))]);
    assert!(cond("a = :v OR b = :v AND c = :v", &[], &vs).evaluate(&it));
    assert!(!cond("(a = :v OR b = :v) AND c = :v", &[], &vs).evaluate(&it));
    assert!(!cond("NOT a = :v OR b = :v", &[], &vs).evaluate(&it));
    assert!(cond("NOT (b = :v OR c = :v)", &[], &vs).evaluate(&it));
    // Operands may be parenthesised.
    assert!(!cond("(a) = :v AND (size(a)) < (:v)", &[], &vs).evaluate(&item(&[("a", n("1"))])));
    assert!(cond("(a) = :v", &[], &vs).evaluate(&it));
}

#[test]
fn redundant_parentheses() {
    let vs = [(":v", n("1"))];
    assert_eq!(
        err(C, "((a = :v))", &[], &vs),
        "Invalid ConditionExpression: The expression has redundant parentheses;"
    );
    assert_eq!(
        err(C, "((a)) = :v", &[], &vs),
        "Invalid ConditionExpression: The expression has redundant parentheses;"
    );
    // One level is fine, also around the whole expression.
    cond("(a = :v)", &[], &vs);
    cond("(a = :v) AND (b = :v)", &[], &vs);
}

#[test]
fn function_misuse() {
    let vs = [(":v", n("1"))];
    assert_eq!(
        err(C, "size(a)", &[], &[]),
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"
    );
    assert_eq!(
        err(C, "attribute_exists(a) = :v", &[], &vs),
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists"
    );
    assert_eq!(
        err(C, "if_not_exists(a, :v) = :v", &[], &vs),
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: if_not_exists"
    );
    assert_eq!(
        err(U, "SET a = size(b)", &[], &[]),
        "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: size"
    );
    assert_eq!(
        err(C, "attribute_exists(a, b)", &[], &[]),
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2"
    );
    assert_eq!(
        err(C, "begins_with(a)", &[], &[]),
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"
    );
    assert_eq!(
        err(U, "SET a = list_append(b)", &[], &[]),
        "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1"
    );
    assert_eq!(
        err(C, "attribute_exists(:v)", &[], &vs),
        "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"
    );
    assert_eq!(
        err(C, "size(:v) = :v", &[], &vs),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N"
    );
    assert_eq!(
        err(U, "SET a = if_not_exists(:v, b)", &[], &vs),
        "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"
    );
}

#[test]
fn a_syntax_error_later_wins_over_an_earlier_semantic_problem() {
    assert!(err(C, "foo(a) AND", &[], &[]).contains("Syntax error"));
    assert!(err(C, "status = :v AND", &[], &[]).contains("Syntax error"));
    // Semantic problems are reported in source order.
    assert!(err(C, "status = :v AND foo(a)", &[], &[(":v", n("1"))]).contains("reserved keyword: status"));
}

// ---- Names, values, reserved words ---------------------------------------------------------

#[test]
fn reserved_words_need_placeholders() {
    assert_eq!(
        err(C, "status = :v", &[], &[(":v", n("1"))]),
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"
    );
    assert_eq!(
        err(F, "a.role = :v", &[], &[(":v", n("1"))]),
        "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: role"
    );
    assert_eq!(
        err(P, "Name", &[], &[]),
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: Name"
    );
    assert_eq!(
        err(U, "SET size = :v", &[], &[(":v", n("1"))]),
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: size"
    );
    let c = cond("#s = :v", &[("#s", "status")], &[(":v", n("1"))]);
    assert!(c.evaluate(&item(&[("status", n("1"))])));
}

#[test]
fn placeholders_resolve_and_report_undefined_and_unused() {
    assert_eq!(
        err(U, "SET #a = :v", &[], &[(":v", n("1"))]),
        "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #a"
    );
    assert_eq!(
        err(U, "SET a = :v", &[], &[(":w", n("1"))]),
        "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v"
    );
    assert_eq!(
        err(C, "a = :v", &[("#a", "a"), ("#b", "b")], &[(":v", n("1"))]),
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}"
    );
    assert_eq!(
        err(C, "a = :v", &[], &[(":v", n("1")), (":w", n("2"))]),
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"
    );
    // Used by any expression of the request counts.
    let ns = names(&[("#a", "a"), ("#p", "p")]);
    let vs = item(&[(":v", n("1")), (":w", n("2"))]);
    let r = parse_request(RequestExpressions {
        update: Some("SET #a = :v"),
        condition: Some("b = :w"),
        projection: None,
        names: Some(&ns),
        values: Some(&vs),
        ..Default::default()
    });
    assert_eq!(
        r.unwrap_err().message,
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#p}"
    );
    let r = parse_request(RequestExpressions {
        update: Some("SET #a = :v"),
        condition: Some("#p = :w"),
        names: Some(&ns),
        values: Some(&vs),
        ..Default::default()
    });
    let parsed = r.expect("valid");
    assert_eq!(parsed.update.unwrap().to_string(), "SET a = <{N:1}>");
}

#[test]
fn attribute_maps_themselves() {
    let empty_names = BTreeMap::new();
    let empty_values = Item::new();
    let e = |r: RequestExpressions<'_>| parse_request(r).unwrap_err().message;
    assert_eq!(
        e(RequestExpressions { condition: Some("a = b"), names: Some(&empty_names), ..Default::default() }),
        "ExpressionAttributeNames must not be empty"
    );
    assert_eq!(
        e(RequestExpressions { condition: Some("a = b"), values: Some(&empty_values), ..Default::default() }),
        "ExpressionAttributeValues must not be empty"
    );
    let bad = names(&[("#sryLiyD8D-", "x")]);
    assert_eq!(
        e(RequestExpressions { condition: Some("a = b"), names: Some(&bad), ..Default::default() }),
        r##"ExpressionAttributeNames contains invalid key: Syntax error; key: "#sryLiyD8D-""##
    );
    let bad = item(&[("pid", s("x"))]);
    assert_eq!(
        e(RequestExpressions { condition: Some("a = b"), values: Some(&bad), ..Default::default() }),
        r##"ExpressionAttributeValues contains invalid key: Syntax error; key: "pid""##
    );
    let ns = names(&[("#a", "a")]);
    assert_eq!(
        e(RequestExpressions { names: Some(&ns), ..Default::default() }),
        "ExpressionAttributeNames can only be specified when using expressions"
    );
    let vs = item(&[(":a", s("a"))]);
    assert_eq!(
        e(RequestExpressions { values: Some(&vs), ..Default::default() }),
        "ExpressionAttributeValues can only be specified when using expressions"
    );
    assert_eq!(parse_request(RequestExpressions::default()), Ok(ParsedRequest::default()));
}

// ---- Constant operand checks ------------------------------------------------------------------

#[test]
fn constant_operand_types() {
    assert_eq!(
        err(C, "attribute_type(a, :t)", &[], &[(":t", n("1"))]),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"
    );
    assert_eq!(
        err(C, "attribute_type(a, :t)", &[], &[(":t", s("STRING"))]),
        "Invalid ConditionExpression: Invalid attribute type name found in type operand of attribute_type function; type operand: AttributeValue: {S:STRING}"
    );
    assert_eq!(
        err(C, "begins_with(a, :v)", &[], &[(":v", n("1"))]),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
    );
    assert_eq!(
        err(C, "a < :v", &[], &[(":v", AttributeValue::Bool(true))]),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: BOOL"
    );
    assert_eq!(
        err(C, "a BETWEEN :v AND :w", &[], &[(":v", n("1")), (":w", ss(&["x"]))]),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: BETWEEN, operand type: SS"
    );
    assert_eq!(
        err(C, "contains(a, a)", &[], &[]),
        "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a]"
    );
    assert_eq!(
        err(C, "contains(#a, a)", &[("#a", "a")], &[]),
        "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [a]"
    );
    // = and <> take any type; IN too.
    cond("a = :v AND a <> :w AND a IN (:v, :w)", &[], &[(":v", m(&[])), (":w", AttributeValue::Null)]);
}

#[test]
fn between_bounds() {
    assert_eq!(
        err(C, "a BETWEEN :hi AND :lo", &[], &[(":hi", n("5")), (":lo", n("1"))]),
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}"
    );
    assert_eq!(
        err(C, "a BETWEEN :x AND :y", &[], &[(":x", n("1")), (":y", s("a"))]),
        "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}"
    );
    cond("a BETWEEN :x AND :x", &[], &[(":x", n("1"))]);
}

#[test]
fn in_operand_limit() {
    let list = |k: usize| (0..k).map(|_| ":v").collect::<Vec<_>>().join(", ");
    cond(&format!("a IN ({})", list(100)), &[], &[(":v", n("1"))]);
    assert_eq!(
        err(C, &format!("a IN ({})", list(101)), &[], &[(":v", n("1"))]),
        "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101"
    );
}

#[test]
fn path_depth_limit() {
    let path = |k: usize| std::iter::repeat_n("a", k).collect::<Vec<_>>().join(".");
    let ok = parse_projection(&path(32)).expect("32 levels");
    assert_eq!(ok.paths[0].elems.len(), 32);
    assert_eq!(
        parse_projection(&path(33)).unwrap_err().message,
        "Invalid ProjectionExpression: The document path has too many nesting levels; nesting levels: 33"
    );
    assert!(parse_projection(&format!("a{}", "[0]".repeat(40)))
        .unwrap_err()
        .message
        .contains("nesting levels: 41"));
}

// ---- Evaluation --------------------------------------------------------------------------------

#[test]
fn comparisons_by_type() {
    let it = item(&[("n", n("10")), ("s", s("b")), ("b", b(&[0xff])), ("z", s("é"))]);
    let vs = [(":n", n("9")), (":s", s("a")), (":b", b(&[0x01])), (":z", s("z"))];
    let t = |e: &str| cond(e, &[], &vs).evaluate(&it);
    // Numbers numerically (as strings "10" < "9"), strings by UTF-8 bytes, binary unsigned.
    assert!(t("n > :n") && t("n >= :n") && !t("n < :n") && !t("n <= :n") && t("n <> :n") && !t("n = :n"));
    assert!(t("s > :s") && t("b > :b"));
    assert!(t("z > :z"), "é (0xC3..) sorts after z by UTF-8 bytes");
    // Different types: ordering false, = false, <> true.
    assert!(!t("n > :s") && !t("n < :s") && !t("n = :s") && t("n <> :s"));
    // Missing attribute: everything false but <>, which is true (alone,
    // under NOT and in OR, as the service answers).
    assert!(!t("absent = :n") && t("absent <> :n") && !t("absent < :n") && t(":n <> absent"));
    assert!(!t("NOT absent <> :n") && t("absent <> :n OR n = :s"));
    // Path against path.
    assert!(t("n = n") && !t("n < s"));
    // Numbers compare exactly.
    let it2 = item(&[("x", n("1.0")), ("y", n("1.0000000000000000000000000000000000001"))]);
    let c = cond("x < y AND x = :one", &[], &[(":one", n("1"))]);
    assert!(c.evaluate(&it2));
}

#[test]
fn equality_of_documents_and_sets() {
    let it =
        item(&[("m", m(&[("x", n("1")), ("y", l(vec![s("a"), n("2")]))])), ("set", ns(&["3", "1", "2"]))]);
    let vs = [
        (":m", m(&[("y", l(vec![s("a"), n("2.0")])), ("x", n("1"))])),
        (":set", ns(&["1", "2", "3"])),
        (":l", l(vec![n("2"), s("a")])),
    ];
    assert!(cond("m = :m AND #s = :set", &[("#s", "set")], &vs).evaluate(&it));
    assert!(!cond("m.y = :l", &[], &vs).evaluate(&it), "lists are ordered");
}

#[test]
fn between_and_in() {
    let it = item(&[("n", n("5")), ("s", s("m"))]);
    let vs = [(":a", n("1")), (":b", n("5")), (":c", s("a")), (":d", s("z")), (":e", n("6"))];
    let t = |e: &str| cond(e, &[], &vs).evaluate(&it);
    assert!(t("n BETWEEN :a AND :b") && t("s BETWEEN :c AND :d") && !t("n BETWEEN :c AND :d"));
    assert!(t("n BETWEEN :b AND :e"));
    assert!(t("n IN (:a, :b)") && !t("n IN (:a, :e)") && !t("absent IN (:a)"));
    assert!(t("n IN (:c, n)"));
}

#[test]
fn functions() {
    let it = item(&[
        ("s", s("hello")),
        ("u", s("é𝄞")),
        ("bin", b(&[1, 2, 3])),
        ("ss", ss(&["x", "y"])),
        ("ns", ns(&["1", "2"])),
        ("bs", bs(&[&[9]])),
        ("l", l(vec![s("x"), n("1"), m(&[("k", n("1"))])])),
        ("m", m(&[("a", AttributeValue::Null), ("b", AttributeValue::Bool(false))])),
        ("n", n("42")),
        ("nul", AttributeValue::Null),
    ]);
    let vs = [
        (":he", s("he")),
        (":x", s("x")),
        (":one", n("1")),
        (":two", n("2")),
        (":three", n("3")),
        (":b12", b(&[1, 2])),
        (":b23", b(&[2, 3])),
        (":b9", b(&[9])),
        (":mk", m(&[("k", n("1"))])),
        (":S", s("S")),
        (":N", s("N")),
        (":NULL", s("NULL")),
        (":M", s("M")),
        (":L", s("L")),
        (":SS", s("SS")),
    ];
    let t = |e: &str| cond(e, &[], &vs).evaluate(&it);
    assert!(t("attribute_exists(s) AND attribute_not_exists(nope) AND attribute_exists(m.a) AND attribute_exists(l[2].k)"));
    assert!(!t("attribute_exists(l[3]) OR attribute_exists(s.x) OR attribute_not_exists(nul)"));
    assert!(t("attribute_type(s, :S) AND attribute_type(n, :N) AND attribute_type(nul, :NULL)"));
    assert!(t("attribute_type(m, :M) AND attribute_type(l, :L) AND attribute_type(ss, :SS)"));
    assert!(!t("attribute_type(s, :N) OR attribute_type(absent, :S)"));
    assert!(
        t("begins_with(s, :he) AND begins_with(bin, :b12)")
            && !t("begins_with(bin, :b23) OR begins_with(n, :he)")
    );
    assert!(t("contains(s, :he) AND contains(ss, :x) AND contains(ns, :one) AND contains(bs, :b9)"));
    assert!(t("contains(l, :x) AND contains(l, :one) AND contains(l, :mk) AND contains(bin, :b23)"));
    assert!(!t("contains(ns, :three) OR contains(ss, :one) OR contains(n, :one) OR contains(m, :x)"));
    // size: UTF-16 code units for strings (service: size("é𝄞") = 3), bytes, elements.
    assert!(t(
        "size(u) = :three AND size(bin) = :three AND size(ss) = :two AND size(l) = :three AND size(m) = :two"
    ));
    assert!(!t("size(n) = :two OR size(n) <> :two OR size(nul) >= :one OR size(absent) < :one"));
    assert!(t("size(l[2]) = :one AND size(s) > size(u)"));
}

#[test]
fn nested_paths_and_placeholders_in_paths() {
    let it = item(&[("a", m(&[("b.c", l(vec![n("0"), m(&[("d", s("deep"))])]))]))]);
    let c = cond("a.#bc[1].d = :v", &[("#bc", "b.c")], &[(":v", s("deep"))]);
    assert!(c.evaluate(&it));
    assert!(!cond("a.#bc[5].d = :v", &[("#bc", "b.c")], &[(":v", s("deep"))]).evaluate(&it));
    assert!(!cond("a.b.c = :v", &[], &[(":v", s("deep"))]).evaluate(&it));
}

// ---- Projection -------------------------------------------------------------------------------

#[test]
fn projection_keeps_exactly_the_paths() {
    let it = item(&[
        ("a", n("1")),
        ("b", m(&[("c", s("x")), ("d", s("y"))])),
        ("l", l(vec![s("p"), s("q"), s("r"), s("s")])),
        ("nest", l(vec![m(&[("x", n("1")), ("y", n("2"))]), m(&[("x", n("3"))])])),
        ("other", s("z")),
        ("o", s("q")),
    ]);
    let p = request(P, "a, b.c, l[3], l[1], nest[1].x, nest[0].y, absent, b.nope, o.x, l[9]", None, None)
        .expect("valid")
        .projection
        .expect("projection");
    assert_eq!(
        p.apply(&it),
        item(&[
            ("a", n("1")),
            ("b", m(&[("c", s("x"))])),
            ("l", l(vec![s("q"), s("s")])),
            ("nest", l(vec![m(&[("y", n("2"))]), m(&[("x", n("3"))])])),
        ])
    );
    assert_eq!(p.top_level_names(), vec!["a", "b", "l", "nest", "absent", "o"]);
}

#[test]
fn projection_path_overlaps_and_conflicts() {
    assert_eq!(
        err(P, "a, a.b", &[], &[]),
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"
    );
    assert_eq!(
        err(P, "#x, a", &[("#x", "a")], &[]),
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"
    );
    assert_eq!(
        err(P, "a.b, a[0]", &[], &[]),
        "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]"
    );
    request(P, "a.b, a.c, l[0], l[1]", None, None).expect("disjoint");
}

// ---- Update ----------------------------------------------------------------------------------------

fn apply(
    src: &str,
    ns: &[(&str, &str)],
    vs: &[(&str, AttributeValue)],
    old: &Item,
) -> crate::error::Result<UpdateOutcome> {
    upd(src, ns, vs).apply(old, &["pk"])
}

#[test]
fn set_actions() {
    let old =
        item(&[("pk", s("k")), ("n", n("10")), ("m", m(&[("x", n("1"))])), ("l", l(vec![s("a"), s("b")]))]);
    let vs = [(":v", s("v")), (":one", n("1")), (":l", l(vec![s("c")]))];
    let out = apply(
        "SET a = :v, m.y = :one, m.x = m.x + :one, l[0] = :v, l[7] = :v, n = n - :one, z = if_not_exists(n, :one), w = if_not_exists(nope, :one), ll = list_append(l, :l), lr = list_append(:l, l)",
        &[],
        &vs,
        &old,
    )
    .expect("update");
    assert_eq!(
        out.item,
        item(&[
            ("pk", s("k")),
            ("a", s("v")),
            ("n", n("9")),
            ("m", m(&[("x", n("2")), ("y", n("1"))])),
            ("l", l(vec![s("v"), s("b"), s("v")])),
            ("z", n("10")),
            ("w", n("1")),
            ("ll", l(vec![s("a"), s("b"), s("c")])),
            ("lr", l(vec![s("c"), s("a"), s("b")])),
        ])
    );
    assert_eq!(out.updated_attributes, vec!["a", "m", "l", "n", "z", "w", "ll", "lr"]);
}

#[test]
fn set_values_come_from_the_old_item() {
    let old = item(&[("a", n("1")), ("b", n("2"))]);
    let out = apply("SET a = b, b = a", &[], &[], &old).expect("swap");
    assert_eq!(out.item, item(&[("a", n("2")), ("b", n("1"))]));
}

#[test]
fn set_runtime_errors() {
    let old = item(&[("s", s("x")), ("n", n("1")), ("m", m(&[])), ("l", l(vec![]))]);
    let vs =
        [(":one", n("1")), (":big", n("9.9999999999999999999999999999999999999E+125")), (":l", l(vec![]))];
    let e = |src: &str| apply(src, &[], &vs, &old).unwrap_err().message;
    assert_eq!(
        e("SET a.b = :one"),
        "The document path provided in the update expression is invalid for update"
    );
    assert_eq!(e("SET s.b = :one"), msg::UPDATE_INVALID_PATH);
    assert_eq!(e("SET m.x.y = :one"), msg::UPDATE_INVALID_PATH);
    assert_eq!(e("SET m[0] = :one"), msg::UPDATE_INVALID_PATH);
    assert_eq!(e("SET nope[0] = :one"), msg::UPDATE_INVALID_PATH);
    assert_eq!(
        e("SET a = nope + :one"),
        "The provided expression refers to an attribute that does not exist in the item"
    );
    assert_eq!(e("SET a = list_append(nope, :l)"), msg::UPDATE_MISSING_ATTRIBUTE);
    assert_eq!(e("SET a = s + :one"), "An operand in the update expression has an incorrect data type");
    assert_eq!(e("SET a = list_append(n, :l)"), msg::UPDATE_OPERAND_TYPE);
    assert_eq!(e("SET a = :big + :big"), msg::NUMBER_OVERFLOW);
    // SET on an empty (new) item.
    let out = upd("SET a = :one", &[], &vs).apply(&Item::new(), &["pk"]).expect("new item");
    assert_eq!(out.item, item(&[("a", n("1"))]));
}

#[test]
fn set_parse_time_operand_types() {
    assert_eq!(
        err(U, "SET a = list_append(:m, a)", &[], &[(":m", m(&[]))]),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: M"
    );
    assert_eq!(
        err(U, "SET a = a + :s", &[], &[(":s", s("x"))]),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"
    );
    assert_eq!(
        err(U, "SET a = :s - a", &[], &[(":s", ss(&["x"]))]),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: -, operand type: SS"
    );
}

#[test]
fn remove_actions() {
    let old = item(&[
        ("a", n("1")),
        ("l", l(vec![s("p"), s("q"), s("r"), s("s")])),
        ("m", m(&[("x", n("1")), ("y", l(vec![n("0"), n("1"), n("2")]))])),
    ]);
    let out = apply("REMOVE a, l[0], l[2], l[9], m.y[1], m.nope, nope", &[], &[], &old).expect("remove");
    assert_eq!(
        out.item,
        item(&[("l", l(vec![s("q"), s("s")])), ("m", m(&[("x", n("1")), ("y", l(vec![n("0"), n("2")]))]))])
    );
    assert_eq!(apply("REMOVE a.b", &[], &[], &old).unwrap_err().message, msg::UPDATE_INVALID_PATH);
    // Under a missing top-level attribute: an invalid path, not a no-op.
    assert_eq!(apply("REMOVE nope2.x", &[], &[], &old).unwrap_err().message, msg::UPDATE_INVALID_PATH);
    assert_eq!(apply("REMOVE nope2[0]", &[], &[], &old).unwrap_err().message, msg::UPDATE_INVALID_PATH);
    // Removal indexes refer to the list before the update, whatever the order written.
    let out = apply("REMOVE l[3], l[1], l[2]", &[], &[], &old).expect("remove");
    assert_eq!(out.item.get("l"), Some(&l(vec![s("p")])));
}

#[test]
fn add_actions() {
    let old = item(&[("n", n("1")), ("ss", ss(&["a"])), ("s", s("x")), ("m", m(&[]))]);
    let vs = [(":two", n("2")), (":ss", ss(&["b", "a"])), (":ns", ns(&["1"])), (":neg", n("-3"))];
    let out = apply("ADD n :two, ss :ss, fresh :ns, newn :neg, m.c :two", &[], &vs, &old).expect("add");
    assert_eq!(
        out.item,
        item(&[
            ("n", n("3")),
            ("ss", ss(&["a", "b"])),
            ("s", s("x")),
            ("fresh", ns(&["1"])),
            ("newn", n("-3")),
            ("m", m(&[("c", n("2"))])),
        ])
    );
    assert_eq!(apply("ADD s :two", &[], &vs, &old).unwrap_err().message, msg::UPDATE_OPERAND_TYPE);
    assert_eq!(apply("ADD ss :ns", &[], &vs, &old).unwrap_err().message, msg::UPDATE_OPERAND_TYPE);
    assert_eq!(apply("ADD n :ss", &[], &vs, &old).unwrap_err().message, msg::UPDATE_OPERAND_TYPE);
    assert_eq!(apply("ADD nope.x :two", &[], &vs, &old).unwrap_err().message, msg::UPDATE_INVALID_PATH);
    assert_eq!(
        err(U, "ADD a :v", &[], &[(":v", s("x"))]),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"
    );
    assert_eq!(
        err(U, "ADD a :v", &[], &[(":v", l(vec![]))]),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST"
    );
}

#[test]
fn delete_actions() {
    let old = item(&[("ss", ss(&["a", "b"])), ("ns", ns(&["1"])), ("s", s("x"))]);
    let vs = [(":a", ss(&["a", "z"])), (":one", ns(&["1"])), (":b", bs(&[&[1]]))];
    let out = apply("DELETE ss :a, ns :one, nope :a", &[], &vs, &old).expect("delete");
    assert_eq!(out.item, item(&[("ss", ss(&["b"])), ("s", s("x"))]));
    assert_eq!(apply("DELETE s :a", &[], &vs, &old).unwrap_err().message, msg::UPDATE_OPERAND_TYPE);
    assert_eq!(apply("DELETE ss :b", &[], &vs, &old).unwrap_err().message, msg::UPDATE_OPERAND_TYPE);
    assert_eq!(
        err(U, "DELETE a :v", &[], &[(":v", n("1"))]),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"
    );
    assert_eq!(
        err(U, "DELETE a :v", &[], &[(":v", m(&[]))]),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: MAP"
    );
}

#[test]
fn update_clauses_once_and_paths_disjoint() {
    let vs = [(":v", n("1"))];
    assert_eq!(
        err(U, "SET a = :v SET b = :v", &[], &vs),
        r##"Invalid UpdateExpression: The "SET" section can only be used once in an update expression;"##
    );
    assert_eq!(
        err(U, "remove a ADD b :v REMOVE c", &[], &vs),
        r##"Invalid UpdateExpression: The "REMOVE" section can only be used once in an update expression;"##
    );
    assert_eq!(
        err(U, "SET f = :v, f = :v", &[], &vs),
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [f], path two: [f]"
    );
    assert_eq!(
        err(U, "SET a = :v REMOVE a.b", &[], &vs),
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"
    );
    assert_eq!(
        err(U, "SET a.b = :v REMOVE a[1]", &[], &vs),
        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]"
    );
    upd("SET a.b = :v, a.c = :v REMOVE l[0], l[1] ADD n :v", &[], &vs);
    // Reading a path that is also written is fine.
    upd("SET a = a + :v", &[], &vs);
}

#[test]
fn key_attributes_cannot_be_updated() {
    let vs = [(":v", n("1"))];
    for src in ["SET pk = :v", "REMOVE pk", "ADD pk :v", "SET #k.x = :v"] {
        let e =
            upd(src, &[("#k", "pk")].iter().filter(|_| src.contains("#k")).copied().collect::<Vec<_>>(), &vs)
                .apply(&Item::new(), &["pk", "sk"])
                .unwrap_err();
        assert_eq!(e.message, "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key");
    }
}

#[test]
fn updated_old_and_new_return_the_updated_paths() {
    let old = item(&[("a", m(&[("b", n("1")), ("c", n("2"))])), ("x", n("5")), ("gone", s("g"))]);
    let u = upd("SET a.b = :v, y = :v REMOVE gone", &[], &[(":v", n("9"))]);
    let out = u.apply(&old, &["pk"]).expect("update");
    assert_eq!(out.updated_attributes, vec!["a", "y", "gone"]);
    assert_eq!(out.updated_old(&old), item(&[("a", m(&[("b", n("1"))])), ("gone", s("g"))]));
    assert_eq!(out.updated_new(), item(&[("a", m(&[("b", n("9"))])), ("y", n("9"))]));
}

// ---- Key conditions ------------------------------------------------------------------------------

fn kq(
    src: &str,
    vs: &[(&str, AttributeValue)],
    hash: &[&str],
    range: &[&str],
) -> crate::error::Result<KeyQuery> {
    let vs = item(&used(src, vs));
    let p = request(KC, src, None, Some(&vs))?;
    p.key_condition.expect("key condition").resolve(hash, range)
}

#[test]
fn key_conditions_resolve() {
    let vs = [(":p", s("p")), (":a", n("1")), (":b", n("2"))];
    let q = kq("pk = :p", &vs[..1], &["pk"], &["sk"]).expect("hash only");
    assert_eq!(q, KeyQuery { hash: vec![s("p")], range: vec![] });
    let q = kq("pk = :p AND sk BETWEEN :a AND :b", &vs, &["pk"], &["sk"]).expect("between");
    assert_eq!(q.range, vec![RangeCond::Between(n("1"), n("2"))]);
    let q =
        kq("(:a <= sk) AND (:p = pk)", &[(":p", s("p")), (":a", n("1"))], &["pk"], &["sk"]).expect("flipped");
    assert_eq!(q.range, vec![RangeCond::Ge(n("1"))]);
    let q = kq("begins_with(sk, :x) AND pk = :p", &[(":p", s("p")), (":x", s("ab"))], &["pk"], &["sk"])
        .expect("bw");
    assert_eq!(q.range, vec![RangeCond::BeginsWith(s("ab"))]);
    let it = item(&[("pk", s("p")), ("sk", s("abc"))]);
    assert!(q.matches(&it, &["pk"], &["sk"]));
    assert!(!q.matches(&item(&[("pk", s("p")), ("sk", s("b"))]), &["pk"], &["sk"]));
}

#[test]
fn key_condition_errors() {
    let vs = [(":p", s("p")), (":a", n("1")), (":b", n("2"))];
    let e = |src: &str, v: &[(&str, AttributeValue)]| kq(src, v, &["pk"], &["sk"]).unwrap_err().message;
    assert_eq!(e("pk = :p OR sk = :a", &vs[..2]), "Invalid operator used in KeyConditionExpression: OR");
    assert_eq!(e("pk IN (:p)", &vs[..1]), "Invalid operator used in KeyConditionExpression: IN");
    assert_eq!(e("NOT pk = :p", &vs[..1]), "Invalid operator used in KeyConditionExpression: NOT");
    assert_eq!(e("pk <> :p", &vs[..1]), "Invalid operator used in KeyConditionExpression: <>");
    assert_eq!(
        e("pk = :p AND contains(sk, :a)", &vs[..2]),
        "Invalid operator used in KeyConditionExpression: contains"
    );
    assert_eq!(e("sk = :a", &vs[1..2]), "Query condition missed key schema element: pk");
    assert_eq!(e("pk < :p", &vs[..1]), "Query key condition not supported");
    assert_eq!(e("pk = :p AND attr2 = :a", &vs[..2]), "Query key condition not supported");
    assert_eq!(
        e("pk = :p AND pk = :p", &vs[..1]),
        "KeyConditionExpressions must only contain one condition per key"
    );
    assert_eq!(e("pk = :p AND sk > :a AND sk < :b", &vs), "Conditions can be of length 1 or 2 only");
    assert_eq!(
        e("pk.x = :p", &vs[..1]),
        "Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on nested attributes"
    );
    assert_eq!(
        e("pk = :p AND begins_with(sk, :a)", &vs[..2]),
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"
    );
    assert_eq!(
        e("pk = :p AND sk BETWEEN :b AND :a", &vs),
        "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}"
    );
}

#[test]
fn multi_attribute_keys() {
    let vs = [(":h1", s("x")), (":h2", n("1")), (":r1", s("a")), (":r2", n("5"))];
    let hash = ["h1", "h2"];
    let range = ["r1", "r2", "r3"];
    let q = kq("h1 = :h1 AND h2 = :h2 AND r1 = :r1 AND r2 > :r2", &vs, &hash, &range).expect("ok");
    assert_eq!(q.hash, vec![s("x"), n("1")]);
    assert_eq!(q.range, vec![RangeCond::Eq(s("a")), RangeCond::Gt(n("5"))]);
    let q = kq("h2 = :h2 AND h1 = :h1", &vs[..2], &hash, &range).expect("hash only");
    assert!(q.range.is_empty());
    let e = |src: &str, v: &[(&str, AttributeValue)]| kq(src, v, &hash, &range).unwrap_err().message;
    assert_eq!(
        e("h1 = :h1 AND r1 = :r1", &[vs[0].clone(), vs[2].clone()]),
        "Query condition missed key schema element: h2"
    );
    assert_eq!(
        e("h1 = :h1 AND h2 = :h2 AND r2 = :r2", &[vs[0].clone(), vs[1].clone(), vs[3].clone()]),
        "Query condition missed key schema element: r1"
    );
    assert_eq!(
        e("h1 = :h1 AND h2 = :h2 AND r1 > :r1 AND r2 = :r2", &vs),
        "Query key condition not supported"
    );
}

#[test]
fn filter_on_key_attributes() {
    let f = cond("a = :v OR size(#k) > :v", &[("#k", "sk")], &[(":v", n("1"))]);
    assert_eq!(
        check_filter_keys(Some(&f), &["pk", "sk"]).unwrap_err().message,
        "Invalid FilterExpression: Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"
    );
    assert!(check_filter_keys(Some(&f), &["pk"]).is_ok());
    assert!(check_filter_keys(None, &["pk"]).is_ok());
}

// ---- Printer ---------------------------------------------------------------------------------------

#[test]
fn printer_round_trips_examples() {
    for src in [
        "a = :v",
        "NOT (a.b[2].#c <> :v OR size(d) >= :w) AND e IN (:x, f, (g))",
        "attribute_exists(a) AND attribute_not_exists(#b) OR attribute_type(c, :t) AND begins_with(d, :p) AND contains(e, f)",
        "a BETWEEN :lo AND :hi",
        "NOT NOT (a = :v)",
    ] {
        let c = parser::parse_condition(src).expect(src);
        assert_eq!(c.to_string(), src);
        assert_eq!(parser::parse_condition(&c.to_string()), Ok(c));
    }
    for src in [
        "SET a = :v, b.c[1] = d + :e, f = if_not_exists(g, list_append(h, :i)) - j REMOVE k, l[0] ADD m :n DELETE o :p",
        "DELETE a :b SET c = :d",
    ] {
        let u = parser::parse_update(src).expect(src);
        assert_eq!(u.to_string(), src);
    }
    let p = parser::parse_projection("a, b.c[3], #d").expect("projection");
    assert_eq!(p.to_string(), "a, b.c[3], #d");
}

#[test]
fn parenthesised_operands_as_generated_by_client_libraries() {
    // Generated by a client library and accepted by DynamoDB Local.
    let c = cond(
        "( ( ( size ( #ATTR5 )) < #ATTR3.Maximum ) AND ( #ATTR6 > :val1 ) )",
        &[("#ATTR5", "Attendance"), ("#ATTR3", "PostInformation"), ("#ATTR6", "TTL")],
        &[(":val1", n("1572368826812"))],
    );
    let it = item(&[
        ("Attendance", l(vec![n("1")])),
        ("PostInformation", m(&[("Maximum", n("5"))])),
        ("TTL", n("1572368826813")),
    ]);
    assert!(c.evaluate(&it));
}

#[test]
fn operator_limit() {
    let vs = [(":v", n("1"))];
    let conds = |k: usize| (0..k).map(|_| "a < :v").collect::<Vec<_>>().join(" AND ");
    cond(&conds(300), &[], &vs);
    assert_eq!(
        err(C, &conds(301), &[], &vs),
        "Invalid ConditionExpression: The expression contains too many operators; operator count: 301"
    );
    let fns = |k: usize| (0..k).map(|_| "size(a) > :v").collect::<Vec<_>>().join(" OR ");
    assert!(err(F, &fns(151), &[], &vs).ends_with("operator count: 302"));
    let sets = |k: usize| (0..k).map(|i| format!("x{i}=a+:v")).collect::<Vec<_>>().join(",");
    upd(&format!("SET {}", sets(300)), &[], &vs);
    assert!(err(U, &format!("SET {}", sets(301)), &[], &vs).ends_with("operator count: 301"));
}
