//! PartiQL operations through the JSON path: random statements never fault.

use crate::error::ErrorKind;
use proptest::prelude::*;

/// A service with table `tbl` (pk S, sk N, GSI `i` on g) and a few items.
fn service() -> crate::Service {
    use serde_json::json;
    let svc = crate::Service::new(crate::Config { record_operations: false, ..crate::Config::default() });
    svc.call(
        "CreateTable",
        &json!({
            "TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "g", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [{"IndexName": "idx", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}}],
        }),
    )
    .unwrap();
    for sk in 0..3 {
        svc.call(
            "PutItem",
            &json!({"TableName": "tbl", "Item": {"pk": {"S": "p"}, "sk": {"N": sk.to_string()},
            "g": {"S": "x"}, "a": {"L": [{"N": "1"}]}, "b": {"M": {"c": {"S": "s"}}}}}),
        )
        .unwrap();
    }
    svc
}

/// Tokens of statements that parse more often (so execution is reached).
const RUN_TOKENS: &[&str] = &[
    "pk = 'p'",
    "sk = 1",
    "sk > 0",
    "a[0] = 1",
    "b.c = 's'",
    "g = ?",
    "AND",
    "OR",
    "NOT",
    "(",
    ")",
    "size(a) = 1",
    "begins_with(g, 'x')",
    "contains(a, 1)",
    "attribute_type(b, 'M')",
    "a IS MISSING",
    "b IS NOT NULL",
    "sk BETWEEN 0 AND 2",
    "sk IN [1, 2]",
    "x = <<1>>",
    "y = {'k': [NULL, TRUE]}",
    "=",
    "?",
];
const HEADS: &[&str] = &[
    "SELECT * FROM tbl WHERE",
    "SELECT a, b.c FROM \"tbl\".\"idx\" WHERE",
    "UPDATE tbl SET x = x + 1 REMOVE y WHERE",
    "UPDATE tbl SET l = list_append(a, [1]), s = set_add(s, <<'a'>>) WHERE",
    "DELETE FROM tbl WHERE",
    "INSERT INTO tbl VALUE {'pk': 'q', 'sk': 1, 'v': ?} --",
    "EXISTS(SELECT * FROM tbl WHERE",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Random statements through the whole operation: a response or a
    /// client error, never an InternalServerError (a panic).
    #[test]
    fn random_statements_never_fault(head in 0..HEADS.len(), picks in proptest::collection::vec(0..RUN_TOKENS.len(), 0..8), batch in any::<bool>()) {
        let svc = service();
        let text = format!("{} {}", HEADS[head], picks.iter().map(|&i| RUN_TOKENS[i]).collect::<Vec<_>>().join(" "));
        let n = text.matches('?').count();
        let params: Vec<serde_json::Value> = (0..n).map(|_| serde_json::json!({"S": "x"})).collect();
        let mut stmt = serde_json::json!({"Statement": text});
        if n > 0 {
            stmt["Parameters"] = serde_json::Value::Array(params);
        }
        let results = if batch {
            vec![
                svc.call("BatchExecuteStatement", &serde_json::json!({"Statements": [stmt.clone(), stmt.clone()]})),
                svc.call("ExecuteTransaction", &serde_json::json!({"TransactStatements": [stmt]})),
            ]
        } else {
            vec![svc.call("ExecuteStatement", &stmt)]
        };
        for r in results {
            if let Err(e) = r {
                prop_assert!(e.kind != ErrorKind::InternalServerError, "{text}: {e:?}");
            }
        }
    }
}

/// `pk IN [...]` runs one Query per value: the items come partition by
/// partition in the order written, sorted within each, and `Limit` pages
/// through all of them (a page may end between two queries).
#[test]
fn partition_key_in_pages_through_every_query() {
    use crate::value::{AttributeValue, Number};
    use crate::{ExecuteStatement, PutItem};
    let svc = service();
    for sk in 0..2 {
        let item = [("pk", AttributeValue::S("q".into())), ("sk", AttributeValue::N(Number::from_u64(sk)))];
        svc.put_item(PutItem::new("tbl", item.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
            .unwrap();
    }
    let text = "SELECT pk, sk FROM tbl WHERE pk IN ['q', 'nope', 'p', 'q']";
    let key = |i: &crate::value::Item| format!("{:?}/{:?}", i.get("pk"), i.get("sk"));
    let all: Vec<String> =
        svc.execute_statement(ExecuteStatement::new(text, vec![])).unwrap().items().iter().map(key).collect();
    assert_eq!(all.len(), 5);
    assert!(all[0].contains("\"q\"") && all[1].contains("\"q\"") && all[2].contains("\"p\""), "{all:?}");
    for limit in 1..=6 {
        let mut got = Vec::new();
        let mut token = None;
        let mut pages = 0;
        loop {
            let mut req = ExecuteStatement::new(text, vec![]).limit(limit);
            req.next_token = token.take();
            let out = svc.execute_statement(req).unwrap();
            got.extend(out.items().iter().map(key));
            pages += 1;
            match out.next_token() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
            assert!(pages < 20, "limit {limit}: no end");
        }
        assert_eq!(got, all, "limit {limit}");
    }
}
