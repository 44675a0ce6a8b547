//! PartiQL: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction
//! through aws-sdk-dynamodb: every statement kind, every WHERE form,
//! pagination with NextToken, parameters, batch partial failures,
//! transactions (success, cancellation reasons, idempotency) and errors;
//! plus a property test: random SELECTs return the items of the equivalent
//! Query / Scan with a FilterExpression over the same random table.
//!
//! Sources: the DynamoDB developer guide's PartiQL pages (SELECT, INSERT,
//! UPDATE, DELETE, functions, operators, data types, "transactions with
//! PartiQL", "batch operations with PartiQL"), the ExecuteStatement /
//! BatchExecuteStatement / ExecuteTransaction API references and the API
//! model (statement 1..8192 characters, 1..25 batch statements, 1..100
//! transaction statements, BatchStatementErrorCodeEnum, DuplicateItemException).
//! Texts quoted from the service: "Where clause does not contain a mandatory
//! equality on all key attributes", "Number of parameters in request and
//! statement don't match.", "Duplicate primary key exists in table",
//! "Statement wasn't well formed, can't be processed: ...".

use super::batches::{create_table, get, item, key2, n, put, s, sort_items, Item};
use aws_sdk_dynamodb::types::{
    AttributeValue as AV, BatchStatementErrorCodeEnum as Code, BatchStatementRequest, ParameterizedStatement,
    ReturnConsumedCapacity, ReturnValuesOnConditionCheckFailure,
};
use aws_sdk_dynamodb::Client;
use ddb_conformance::{expect_err, TestEnv};
use proptest::prelude::*;

/// Runs one statement; all pages, following NextToken.
async fn select_all(client: &Client, stmt: &str, params: Vec<AV>, limit: Option<i32>) -> Vec<Item> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .execute_statement()
            .statement(stmt)
            .set_parameters((!params.is_empty()).then(|| params.clone()))
            .set_limit(limit)
            .set_next_token(token.take())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{stmt}: {e:?}"));
        out.extend(page.items.unwrap_or_default());
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    out
}

async fn exec(client: &Client, stmt: &str) -> Vec<Item> {
    select_all(client, stmt, Vec::new(), None).await
}

async fn sorted(client: &Client, stmt: &str) -> Vec<Item> {
    let mut items = exec(client, stmt).await;
    sort_items(&mut items);
    items
}

fn sks(items: &[Item]) -> Vec<i64> {
    items.iter().map(|i| i["sk"].as_n().unwrap().parse().unwrap()).collect()
}

/// Table "tbl" (pk S, sk N, GSI "by_g" on g) with items a/1..a/5, b/1..b/2.
async fn fixture() -> TestEnv {
    let env = TestEnv::new().await;
    create_table(&env.client, "tbl", true, &[("by_g", "g")], &[]).await;
    for (pk, sk) in [("a", 1), ("a", 2), ("a", 3), ("a", 4), ("a", 5), ("b", 1), ("b", 2)] {
        let mut it = key2(pk, sk);
        it.insert("v".into(), n(sk * 10));
        it.insert("g".into(), s(if sk % 2 == 0 { "even" } else { "odd" }));
        it.insert("name".into(), s(&format!("{pk}-item-{sk}")));
        it.insert("tags".into(), AV::Ss(vec![format!("t{sk}"), "all".into()]));
        it.insert("doc".into(), AV::M([("inner".to_string(), AV::L(vec![n(sk), s("x")]))].into()));
        if sk == 3 {
            it.insert("nul".into(), AV::Null(true));
        }
        put(&env.client, "tbl", it).await;
    }
    env
}

#[tokio::test]
async fn select_by_key_returns_the_item_with_projection() {
    let env = fixture().await;
    let items = exec(&env.client, r#"SELECT * FROM "tbl" WHERE pk = 'a' AND sk = 2"#).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["v"], n(20));
    let items =
        exec(&env.client, r#"SELECT v, doc.inner[1], "name" FROM tbl WHERE sk = 3 AND pk = 'a'"#).await;
    assert_eq!(
        items,
        vec![item(&[
            ("v", n(30)),
            ("doc", AV::M([("inner".to_string(), AV::L(vec![s("x")]))].into())),
            ("name", s("a-item-3")),
        ])]
    );
    assert!(exec(&env.client, "SELECT * FROM tbl WHERE pk = 'zz' AND sk = 1").await.is_empty());
}

#[tokio::test]
async fn select_partition_runs_in_sort_order_with_key_and_filter_conditions() {
    let env = fixture().await;
    let c = &env.client;
    assert_eq!(sks(&exec(c, "SELECT * FROM tbl WHERE pk = 'a'").await), vec![1, 2, 3, 4, 5]);
    assert_eq!(sks(&exec(c, "SELECT * FROM tbl WHERE pk = 'a' ORDER BY sk DESC").await), vec![5, 4, 3, 2, 1]);
    assert_eq!(sks(&exec(c, "SELECT * FROM tbl WHERE pk = 'a' AND sk > 2").await), vec![3, 4, 5]);
    assert_eq!(sks(&exec(c, "SELECT * FROM tbl WHERE pk = 'a' AND sk >= 2").await), vec![2, 3, 4, 5]);
    assert_eq!(sks(&exec(c, "SELECT * FROM tbl WHERE pk = 'a' AND sk < 2").await), vec![1]);
    assert_eq!(sks(&exec(c, "SELECT * FROM tbl WHERE pk = 'a' AND sk <= 2").await), vec![1, 2]);
    assert_eq!(sks(&exec(c, "SELECT * FROM tbl WHERE pk = 'a' AND sk BETWEEN 2 AND 4").await), vec![2, 3, 4]);
    assert_eq!(
        sks(&exec(c, "SELECT * FROM tbl WHERE pk = 'a' AND sk > 1 AND v < 40 ORDER BY sk ASC").await),
        vec![2, 3]
    );
    assert_eq!(sks(&exec(c, "SELECT * FROM tbl WHERE 'b' = pk").await), vec![1, 2]);
    // Two conditions on the sort key: served by a Scan, same answer.
    assert_eq!(sks(&exec(c, "SELECT * FROM tbl WHERE pk = 'a' AND sk > 1 AND sk < 4").await), vec![2, 3]);
}

#[tokio::test]
async fn every_where_form() {
    let env = fixture().await;
    let c = &env.client;
    let count = |stmt: &'static str| async move { exec(c, stmt).await.len() };
    assert_eq!(count("SELECT * FROM tbl").await, 7);
    assert_eq!(count("SELECT * FROM tbl WHERE v = 20").await, 2);
    assert_eq!(count("SELECT * FROM tbl WHERE v <> 20").await, 5);
    assert_eq!(count("SELECT * FROM tbl WHERE v != 20").await, 5);
    assert_eq!(count("SELECT * FROM tbl WHERE v < 20").await, 2);
    assert_eq!(count("SELECT * FROM tbl WHERE v <= 20").await, 4);
    assert_eq!(count("SELECT * FROM tbl WHERE v > 20").await, 3);
    assert_eq!(count("SELECT * FROM tbl WHERE v >= 20").await, 5);
    assert_eq!(count("SELECT * FROM tbl WHERE v BETWEEN 15 AND 35").await, 3);
    assert_eq!(count("SELECT * FROM tbl WHERE v IN [10, 50, 77]").await, 3);
    assert_eq!(count("SELECT * FROM tbl WHERE v IN (10, 50)").await, 3);
    assert_eq!(count("SELECT * FROM tbl WHERE v NOT IN (10, 50)").await, 4);
    assert_eq!(count("SELECT * FROM tbl WHERE nul IS MISSING").await, 6);
    assert_eq!(count("SELECT * FROM tbl WHERE nul IS NOT MISSING").await, 1);
    assert_eq!(count("SELECT * FROM tbl WHERE nul IS NULL").await, 7);
    assert_eq!(count("SELECT * FROM tbl WHERE v IS NOT NULL").await, 7);
    assert_eq!(count("SELECT * FROM tbl WHERE nul IS NOT NULL").await, 0);
    assert_eq!(count("SELECT * FROM tbl WHERE pk = 'a' AND (v = 10 OR v = 50)").await, 2);
    assert_eq!(count("SELECT * FROM tbl WHERE NOT (pk = 'a')").await, 2);
    assert_eq!(count("SELECT * FROM tbl WHERE begins_with(\"name\", 'b-')").await, 2);
    assert_eq!(count("SELECT * FROM tbl WHERE contains(tags, 't2')").await, 2);
    assert_eq!(count("SELECT * FROM tbl WHERE contains(\"name\", 'item-1')").await, 2);
    assert_eq!(count("SELECT * FROM tbl WHERE attribute_type(nul, 'NULL')").await, 1);
    assert_eq!(count("SELECT * FROM tbl WHERE size(tags) = 2").await, 7);
    assert_eq!(count("SELECT * FROM tbl WHERE doc.inner[0] > 3").await, 2);
    assert_eq!(count("SELECT * FROM tbl WHERE doc.inner[1] = 'x' AND g = 'even'").await, 3);
    assert_eq!(count("SELECT * FROM tbl WHERE pk = 'a' OR pk = 'b'").await, 7);
    assert_eq!(count("SELECT * FROM tbl WHERE pk IN ['b']").await, 2);
    // An index.
    let mut on_index = exec(c, "SELECT * FROM \"tbl\".\"by_g\" WHERE g = 'even'").await;
    sort_items(&mut on_index);
    assert_eq!(on_index.len(), 3);
    assert_eq!(count("SELECT pk FROM \"tbl\".\"by_g\" WHERE v > 30").await, 2);
}

#[tokio::test]
async fn pagination_with_next_token() {
    let env = fixture().await;
    let c = &env.client;
    let all = sorted(c, "SELECT * FROM tbl").await;
    // Limit 2: every page but the last has a NextToken; the pages add up.
    let mut paged = select_all(c, "SELECT * FROM tbl", Vec::new(), Some(2)).await;
    sort_items(&mut paged);
    assert_eq!(paged, all);
    let page =
        c.execute_statement().statement("SELECT * FROM tbl WHERE pk = 'a'").limit(2).send().await.unwrap();
    assert_eq!(sks(page.items()), vec![1, 2]);
    let token = page.next_token().expect("more pages").to_string();
    let next = c
        .execute_statement()
        .statement("SELECT * FROM tbl WHERE pk = 'a'")
        .limit(2)
        .next_token(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(sks(next.items()), vec![3, 4]);
    let paged = select_all(c, "SELECT * FROM tbl WHERE pk = 'a' AND v > 10", Vec::new(), Some(1)).await;
    assert_eq!(sks(&paged), vec![2, 3, 4, 5]);
    // Several partition key values: every page size gives every item once.
    let several = "SELECT * FROM tbl WHERE pk IN ['b', 'zz', 'a'] AND sk > 1";
    let all = sorted(c, several).await;
    assert_eq!(all.len(), 5);
    for limit in 1..=4 {
        let mut paged = select_all(c, several, Vec::new(), Some(limit)).await;
        sort_items(&mut paged);
        assert_eq!(paged, all, "limit {limit}");
    }
    // A token belongs to its statement.
    let (code, _) = expect_err!(
        c.execute_statement().statement("SELECT * FROM tbl WHERE pk = 'b'").next_token(&token).send().await
    );
    assert_eq!(code, "ValidationException");
    let (code, _) =
        expect_err!(c.execute_statement().statement("SELECT * FROM tbl").next_token("garbage!").send().await);
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn parameters_of_every_type() {
    let env = fixture().await;
    let c = &env.client;
    c.execute_statement()
        .statement("INSERT INTO tbl VALUE {'pk': ?, 'sk': ?, 'b': ?, 'ok': ?, 'l': ?, 'm': ?, 'ns': ?, 'bs': ?, 'z': ?}")
        .set_parameters(Some(vec![
            s("p"),
            n(1),
            AV::B(vec![1, 2, 3].into()),
            AV::Bool(true),
            AV::L(vec![n(1), s("two")]),
            AV::M([("k".to_string(), s("v"))].into()),
            AV::Ns(vec!["1".into(), "2".into()]),
            AV::Bs(vec![vec![9].into()]),
            AV::Null(true),
        ]))
        .send()
        .await
        .unwrap();
    let got = get(c, "tbl", key2("p", 1)).await.unwrap();
    assert_eq!(got["b"], AV::B(vec![1, 2, 3].into()));
    assert_eq!(got["l"], AV::L(vec![n(1), s("two")]));
    assert_eq!(got["z"], AV::Null(true));
    let items = select_all(
        c,
        "SELECT * FROM tbl WHERE pk = ? AND ok = ? AND b = ?",
        vec![s("p"), AV::Bool(true), AV::B(vec![1, 2, 3].into())],
        None,
    )
    .await;
    assert_eq!(items.len(), 1);
    let (code, msg) = expect_err!(
        c.execute_statement()
            .statement("SELECT * FROM tbl WHERE pk = ?")
            .parameters(s("a"))
            .parameters(s("b"))
            .send()
            .await
    );
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("ValidationException", "Number of parameters in request and statement don't match.")
    );
    let (_, msg) =
        expect_err!(c.execute_statement().statement("SELECT * FROM tbl WHERE pk = ?").send().await);
    assert_eq!(msg, "Number of parameters in request and statement don't match.");
}

#[tokio::test]
async fn insert_with_literals_and_duplicates() {
    let env = fixture().await;
    let c = &env.client;
    let out = c
        .execute_statement()
        .statement("INSERT INTO \"tbl\" VALUE {'pk': 'new', 'sk': 7, 'ss': <<'x', 'y'>>, 'ns': <<1, 2.5>>, 'm': {'a': [1, 'b', TRUE, NULL]}, 'f': false}")
        .send()
        .await
        .unwrap();
    assert!(out.items().is_empty());
    let got = get(c, "tbl", key2("new", 7)).await.unwrap();
    let mut ss = got["ss"].as_ss().unwrap().clone();
    ss.sort();
    assert_eq!(ss, vec!["x", "y"]);
    assert_eq!(
        got["m"],
        AV::M([("a".to_string(), AV::L(vec![n(1), s("b"), AV::Bool(true), AV::Null(true)]))].into())
    );
    assert_eq!(got["f"], AV::Bool(false));
    let (code, msg) = expect_err!(
        c.execute_statement().statement("INSERT INTO tbl VALUE {'pk': 'new', 'sk': 7}").send().await
    );
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("DuplicateItemException", "Duplicate primary key exists in table")
    );
    let (code, _) =
        expect_err!(c.execute_statement().statement("INSERT INTO tbl VALUE {'pk': 'x'}").send().await);
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn update_actions_and_returning() {
    let env = fixture().await;
    let c = &env.client;
    let out = c
        .execute_statement()
        .statement("UPDATE tbl SET v = v + 5 SET doc.inner = list_append(doc.inner, [7]) SET tags = set_add(tags, <<'new'>>) REMOVE g WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *")
        .send()
        .await
        .unwrap();
    let new = &out.items()[0];
    assert_eq!(new["v"], n(15));
    assert!(!new.contains_key("g"));
    assert_eq!(new["doc"], AV::M([("inner".to_string(), AV::L(vec![n(1), s("x"), n(7)]))].into()));
    assert_eq!(new["tags"].as_ss().unwrap().len(), 3);
    let out = c
        .execute_statement()
        .statement("UPDATE tbl SET tags = set_delete(tags, <<'all'>>), w = 'x' WHERE pk = 'a' AND sk = 1 RETURNING MODIFIED OLD *")
        .send()
        .await
        .unwrap();
    assert_eq!(out.items()[0].len(), 1, "{:?}", out.items());
    assert_eq!(out.items()[0]["tags"].as_ss().unwrap().len(), 3);
    let out = c
        .execute_statement()
        .statement("UPDATE tbl SET v = 1 WHERE pk = 'a' AND sk = 1 RETURNING MODIFIED NEW *")
        .send()
        .await
        .unwrap();
    assert_eq!(out.items()[0], item(&[("v", n(1))]));
    let out = c
        .execute_statement()
        .statement("UPDATE tbl SET v = 2 WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD *")
        .send()
        .await
        .unwrap();
    assert_eq!(out.items()[0]["v"], n(1));
    // A missing item is not created.
    let (code, _) = expect_err!(
        c.execute_statement().statement("UPDATE tbl SET v = 1 WHERE pk = 'nope' AND sk = 1").send().await
    );
    assert_eq!(code, "ConditionalCheckFailedException");
    assert!(get(c, "tbl", key2("nope", 1)).await.is_none());
    // A failed condition; the old item comes back when asked for.
    let e = c
        .execute_statement()
        .statement("UPDATE tbl SET v = 3 WHERE pk = 'a' AND sk = 2 AND v > 100")
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .send()
        .await
        .unwrap_err();
    let service = e.into_service_error();
    assert!(service.is_conditional_check_failed_exception());
    let old = match service {
        aws_sdk_dynamodb::operation::execute_statement::ExecuteStatementError::ConditionalCheckFailedException(e) => e.item,
        _ => None,
    };
    assert_eq!(old.unwrap()["v"], n(20));
    let (_, msg) =
        expect_err!(c.execute_statement().statement("UPDATE tbl SET v = 1 WHERE pk = 'a'").send().await);
    assert_eq!(msg, "Where clause does not contain a mandatory equality on all key attributes");
    let (code, _) = expect_err!(
        c.execute_statement().statement("UPDATE tbl SET sk = 9 WHERE pk = 'a' AND sk = 2").send().await
    );
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn delete_with_condition_and_returning() {
    let env = fixture().await;
    let c = &env.client;
    let out = c
        .execute_statement()
        .statement("DELETE FROM tbl WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD *")
        .send()
        .await
        .unwrap();
    assert_eq!(out.items()[0]["v"], n(10));
    assert!(get(c, "tbl", key2("a", 1)).await.is_none());
    // Deleting a missing item succeeds and returns nothing.
    let out = c
        .execute_statement()
        .statement("DELETE FROM tbl WHERE pk = 'a' AND sk = 1 RETURNING ALL OLD *")
        .send()
        .await
        .unwrap();
    assert!(out.items().is_empty());
    let (code, _) = expect_err!(
        c.execute_statement().statement("DELETE FROM tbl WHERE pk = 'a' AND sk = 2 AND v = 0").send().await
    );
    assert_eq!(code, "ConditionalCheckFailedException");
    assert!(get(c, "tbl", key2("a", 2)).await.is_some());
    c.execute_statement()
        .statement("DELETE FROM tbl WHERE pk = 'a' AND sk = 2 AND v = 20")
        .send()
        .await
        .unwrap();
    assert!(get(c, "tbl", key2("a", 2)).await.is_none());
    let (_, msg) = expect_err!(c.execute_statement().statement("DELETE FROM tbl WHERE sk = 3").send().await);
    assert_eq!(msg, "Where clause does not contain a mandatory equality on all key attributes");
}

#[tokio::test]
async fn errors() {
    let env = fixture().await;
    let c = &env.client;
    let err = |stmt: String| async move { expect_err!(c.execute_statement().statement(stmt).send().await) };
    let (code, msg) = err("SELECT * FROM".into()).await;
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Statement wasn't well formed, can't be processed: Expected table name, found end of statement at line 1, column 14");
    let (_, msg) = err("SELEC * FROM tbl".into()).await;
    assert!(msg.starts_with("Statement wasn't well formed, can't be processed: "), "{msg}");
    let (_, msg) = err("SELECT * FROM tbl WHERE v = 'a".into()).await;
    assert!(msg.ends_with("Unterminated string literal at line 1, column 29"), "{msg}");
    for unsupported in [
        "SELECT * FROM tbl, u",
        "SELECT * FROM tbl JOIN u ON t.a = u.a",
        "SELECT COUNT(*) FROM tbl",
        "SELECT DISTINCT a FROM tbl",
        "SELECT * FROM tbl GROUP BY a",
    ] {
        let (code, msg) = err(unsupported.into()).await;
        assert_eq!(code, "ValidationException");
        assert!(msg.starts_with("Unsupported operation"), "{unsupported}: {msg}");
    }
    let (code, msg) = err("SELECT * FROM nope".into()).await;
    assert_eq!((code.as_str(), msg.as_str()), ("ResourceNotFoundException", "Requested resource not found"));
    let (code, _) = err("SELECT * FROM \"tbl\".\"nope\"".into()).await;
    assert_eq!(code, "ValidationException");
    let (code, msg) = err(format!("SELECT * FROM tbl WHERE v = '{}'", "x".repeat(8200))).await;
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("Member must have length less than or equal to 8192"), "{msg}");
    let (code, _) = err("SELECT * FROM tbl ORDER BY sk".into()).await;
    assert_eq!(code, "ValidationException");
    let (code, _) = err("SELECT * FROM tbl WHERE v = 1 ORDER BY sk".into()).await;
    assert_eq!(code, "ValidationException");
    let (code, _) = err("SELECT * FROM tbl WHERE v + 1 = 2".into()).await;
    assert_eq!(code, "ValidationException");
    let (code, _) = err("SELECT * FROM tbl WHERE no_such_function(v)".into()).await;
    assert_eq!(code, "ValidationException");
    let (code, _) = expect_err!(
        c.execute_statement()
            .statement("SELECT * FROM \"tbl\".\"by_g\" WHERE g = 'odd'")
            .consistent_read(true)
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn consumed_capacity_is_reported() {
    let env = fixture().await;
    let out = env
        .client
        .execute_statement()
        .statement("SELECT * FROM tbl WHERE pk = 'a' AND sk = 1")
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await
        .unwrap();
    let cap = out.consumed_capacity().expect("capacity");
    assert_eq!(cap.table_name(), Some("tbl"));
    assert_eq!(cap.capacity_units(), Some(0.5));
}

fn batch(stmt: &str) -> BatchStatementRequest {
    BatchStatementRequest::builder().statement(stmt).build().unwrap()
}

#[tokio::test]
async fn batch_reads_and_writes_with_partial_failures() {
    let env = fixture().await;
    let c = &env.client;
    let out = c
        .batch_execute_statement()
        .statements(batch("SELECT * FROM tbl WHERE pk = 'a' AND sk = 1"))
        .statements(batch("SELECT v FROM tbl WHERE pk = 'zz' AND sk = 1"))
        .statements(batch("SELECT * FROM tbl WHERE pk = 'a'"))
        .statements(batch("SELECT * FROM nope WHERE pk = 'a' AND sk = 1"))
        .statements(batch("SELECT * FROM tbl WHERE"))
        .send()
        .await
        .unwrap();
    let r = out.responses();
    assert_eq!(r.len(), 5);
    assert_eq!(r[0].item().unwrap()["v"], n(10));
    assert_eq!(r[0].table_name(), Some("tbl"));
    assert!(r[1].item().is_none() && r[1].error().is_none());
    assert_eq!(r[2].error().unwrap().code(), Some(&Code::ValidationError));
    assert_eq!(
        r[2].error().unwrap().message(),
        Some("Where clause does not contain a mandatory equality on all key attributes")
    );
    assert_eq!(r[3].error().unwrap().code(), Some(&Code::ResourceNotFound));
    assert_eq!(r[4].error().unwrap().code(), Some(&Code::ValidationError));

    let out = c
        .batch_execute_statement()
        .statements(batch("INSERT INTO tbl VALUE {'pk': 'n', 'sk': 1}"))
        .statements(batch("INSERT INTO tbl VALUE {'pk': 'a', 'sk': 1}"))
        .statements(
            BatchStatementRequest::builder()
                .statement("UPDATE tbl SET v = 0 WHERE pk = 'a' AND sk = 2 AND v = 99")
                .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                .build()
                .unwrap(),
        )
        .statements(batch("DELETE FROM tbl WHERE pk = 'b' AND sk = 1"))
        .statements(
            BatchStatementRequest::builder()
                .statement("UPDATE tbl SET v = ? WHERE pk = 'a' AND sk = 3")
                .parameters(n(-1))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let r = out.responses();
    assert!(r[0].error().is_none());
    assert_eq!(r[1].error().unwrap().code(), Some(&Code::DuplicateItem));
    assert_eq!(r[2].error().unwrap().code(), Some(&Code::ConditionalCheckFailed));
    assert_eq!(r[2].error().unwrap().item().unwrap()["v"], n(20));
    assert!(r[3].error().is_none());
    assert!(r[4].error().is_none());
    assert!(get(c, "tbl", key2("n", 1)).await.is_some());
    assert!(get(c, "tbl", key2("b", 1)).await.is_none());
    assert_eq!(get(c, "tbl", key2("a", 3)).await.unwrap()["v"], n(-1));

    let (code, _) = expect_err!(
        c.batch_execute_statement()
            .statements(batch("SELECT * FROM tbl WHERE pk = 'a' AND sk = 1"))
            .statements(batch("DELETE FROM tbl WHERE pk = 'a' AND sk = 1"))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    let mut too_many = c.batch_execute_statement();
    for i in 0..26 {
        too_many = too_many.statements(batch(&format!("SELECT * FROM tbl WHERE pk = 'a' AND sk = {i}")));
    }
    let (code, msg) = expect_err!(too_many.send().await);
    assert_eq!(code, "ValidationException");
    assert!(msg.contains("Member must have length less than or equal to 25"), "{msg}");
}

fn tx(stmt: &str) -> ParameterizedStatement {
    ParameterizedStatement::builder().statement(stmt).build().unwrap()
}

#[tokio::test]
async fn transactions_all_or_nothing() {
    let env = fixture().await;
    let c = &env.client;
    c.execute_transaction()
        .transact_statements(tx("INSERT INTO tbl VALUE {'pk': 'x', 'sk': 1}"))
        .transact_statements(tx("UPDATE tbl SET v = 0 WHERE pk = 'a' AND sk = 1"))
        .transact_statements(tx("DELETE FROM tbl WHERE pk = 'b' AND sk = 1"))
        .transact_statements(tx("EXISTS(SELECT * FROM tbl WHERE pk = 'a' AND sk = 2 AND v = 20)"))
        .send()
        .await
        .unwrap();
    assert!(get(c, "tbl", key2("x", 1)).await.is_some());
    assert_eq!(get(c, "tbl", key2("a", 1)).await.unwrap()["v"], n(0));
    assert!(get(c, "tbl", key2("b", 1)).await.is_none());

    let e = c
        .execute_transaction()
        .transact_statements(tx("INSERT INTO tbl VALUE {'pk': 'x', 'sk': 1}"))
        .transact_statements(tx("INSERT INTO tbl VALUE {'pk': 'y', 'sk': 1}"))
        .transact_statements(
            ParameterizedStatement::builder()
                .statement("UPDATE tbl SET v = 1 WHERE pk = 'a' AND sk = 2 AND v = 99")
                .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                .build()
                .unwrap(),
        )
        .transact_statements(tx("EXISTS(SELECT * FROM tbl WHERE pk = 'nope' AND sk = 1)"))
        .send()
        .await
        .unwrap_err();
    let (code, msg) = ddb_conformance::error_parts(&e);
    assert_eq!(code, "TransactionCanceledException");
    assert_eq!(
        msg,
        "Transaction cancelled, please refer cancellation reasons for specific reasons [DuplicateItem, None, ConditionalCheckFailed, ConditionalCheckFailed]"
    );
    let reasons = match e.into_service_error() {
        aws_sdk_dynamodb::operation::execute_transaction::ExecuteTransactionError::TransactionCanceledException(t) => {
            t.cancellation_reasons.unwrap()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(reasons[0].message(), Some("Duplicate primary key exists in table"));
    assert_eq!(reasons[2].item().unwrap()["v"], n(20));
    assert!(get(c, "tbl", key2("y", 1)).await.is_none(), "nothing applied");

    let out = c
        .execute_transaction()
        .transact_statements(tx("SELECT * FROM tbl WHERE pk = 'a' AND sk = 2"))
        .transact_statements(tx("SELECT v FROM tbl WHERE pk = 'zz' AND sk = 1"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.responses()[0].item().unwrap()["v"], n(20));
    assert!(out.responses()[1].item().is_none());

    let (code, _) = expect_err!(
        c.execute_transaction()
            .transact_statements(tx("SELECT * FROM tbl WHERE pk = 'a' AND sk = 2"))
            .transact_statements(tx("DELETE FROM tbl WHERE pk = 'a' AND sk = 2"))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    let (code, _) = expect_err!(
        c.execute_transaction().transact_statements(tx("SELECT * FROM tbl WHERE pk = 'a'")).send().await
    );
    assert_eq!(code, "ValidationException");
    let (code, _) = expect_err!(
        c.execute_transaction()
            .transact_statements(tx("DELETE FROM tbl WHERE pk = 'a' AND sk = 2"))
            .transact_statements(tx("UPDATE tbl SET v = 1 WHERE pk = 'a' AND sk = 2"))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn transaction_idempotency() {
    let env = fixture().await;
    let c = &env.client;
    let send = |stmt: &'static str| {
        c.execute_transaction().client_request_token("token-1").transact_statements(tx(stmt)).send()
    };
    send("UPDATE tbl SET v = v + 1 WHERE pk = 'a' AND sk = 1").await.unwrap();
    send("UPDATE tbl SET v = v + 1 WHERE pk = 'a' AND sk = 1").await.unwrap();
    assert_eq!(get(c, "tbl", key2("a", 1)).await.unwrap()["v"], n(11), "applied once");
    let (code, _) = expect_err!(send("UPDATE tbl SET v = v + 2 WHERE pk = 'a' AND sk = 1").await);
    assert_eq!(code, "IdempotentParameterMismatchException");
}

// ---- property: SELECT agrees with Query / Scan + FilterExpression --------

/// One random WHERE clause, as PartiQL and as the equivalent expression
/// (same names, `:p{i}` for the i-th `?`).
#[derive(Clone, Debug)]
struct Where {
    partiql: String,
    expression: String,
    params: Vec<i64>,
}

fn leaf() -> impl Strategy<Value = Where> {
    let attr = prop_oneof![Just("a"), Just("b")];
    prop_oneof![
        (
            attr.clone(),
            prop_oneof![Just("="), Just("<>"), Just("<"), Just("<="), Just(">"), Just(">=")],
            0..6i64
        )
            .prop_map(|(a, op, v)| Where {
                partiql: format!("{a} {op} ?"),
                expression: format!("{a} {op} :p"),
                params: vec![v]
            }),
        (attr.clone(), 0..6i64, 0..6i64).prop_map(|(a, lo, hi)| Where {
            partiql: format!("{a} BETWEEN ? AND ?"),
            expression: format!("{a} BETWEEN :p AND :p"),
            params: vec![lo.min(hi), lo.max(hi)]
        }),
        (attr.clone(), 0..6i64, 0..6i64).prop_map(|(a, x, y)| Where {
            partiql: format!("{a} IN [?, ?]"),
            expression: format!("{a} IN (:p, :p)"),
            params: vec![x, y]
        }),
        attr.clone().prop_map(|a| Where {
            partiql: format!("{a} IS MISSING"),
            expression: format!("attribute_not_exists({a})"),
            params: vec![]
        }),
        attr.prop_map(|a| Where {
            partiql: format!("{a} IS NOT MISSING"),
            expression: format!("attribute_exists({a})"),
            params: vec![]
        }),
    ]
}

fn where_clause() -> impl Strategy<Value = Where> {
    leaf().prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone(), any::<bool>()).prop_map(|(l, r, and)| {
                let op = if and { "AND" } else { "OR" };
                Where {
                    partiql: format!("({} {op} {})", l.partiql, r.partiql),
                    expression: format!("({} {op} {})", l.expression, r.expression),
                    params: [l.params, r.params].concat(),
                }
            }),
            inner.prop_map(|w| {
                // Composite conditions are parenthesised already; `((c))` is
                // redundant to the expression grammar.
                let wrap = |t: &str| if t.starts_with('(') { t.to_string() } else { format!("({t})") };
                Where {
                    partiql: format!("(NOT {})", wrap(&w.partiql)),
                    expression: format!("(NOT {})", wrap(&w.expression)),
                    params: w.params,
                }
            }),
        ]
    })
}

/// Numbers the `:p` placeholders of `expr` in order.
fn number_placeholders(expr: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut names = Vec::new();
    for (i, part) in expr.split(":p").enumerate() {
        if i > 0 {
            let name = format!(":p{}", i - 1);
            out.push_str(&name);
            names.push(name);
        }
        out.push_str(part);
    }
    (out, names)
}

fn table_rows() -> impl Strategy<Value = Vec<(u8, u8, Option<i64>, Option<i64>)>> {
    proptest::collection::vec(
        (0..3u8, 0..6u8, proptest::option::of(0..6i64), proptest::option::of(0..6i64)),
        0..30,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn select_agrees_with_query_and_scan(rows in table_rows(), w in where_clause(), partition in proptest::option::of(0..3u8), limit in proptest::option::of(1..5i32)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let env = TestEnv::new().await;
            let c = &env.client;
            let table = format!("prop{}", std::process::id());
            create_table(c, &table, true, &[], &[]).await;
            for (p, sk, a, b) in &rows {
                let mut it = key2(&format!("p{p}"), i64::from(*sk));
                if let Some(a) = a { it.insert("a".into(), n(a)); }
                if let Some(b) = b { it.insert("b".into(), n(b)); }
                put(c, &table, it).await;
            }
            let (expression, names) = number_placeholders(&w.expression);
            let mut values: std::collections::HashMap<String, AV> =
                names.iter().zip(&w.params).map(|(k, v)| (k.clone(), n(v))).collect();
            let mut params: Vec<AV> = w.params.iter().map(n).collect();
            let (statement, mut expected) = match partition {
                Some(p) => {
                    params.insert(0, s(&format!("p{p}")));
                    values.insert(":pk".into(), s(&format!("p{p}")));
                    let mut out = Vec::new();
                    let mut start = None;
                    loop {
                        let page = c.query().table_name(&table)
                            .key_condition_expression("pk = :pk")
                            .filter_expression(&expression)
                            .set_expression_attribute_values(Some(values.clone()))
                            .set_exclusive_start_key(start.take())
                            .send().await.unwrap();
                        out.extend(page.items.unwrap_or_default());
                        match page.last_evaluated_key { Some(k) => start = Some(k), None => break }
                    }
                    (format!("SELECT * FROM \"{table}\" WHERE pk = ? AND {}", w.partiql), out)
                }
                None => {
                    let mut out = Vec::new();
                    let mut start = None;
                    loop {
                        let page = c.scan().table_name(&table)
                            .filter_expression(&expression)
                            .set_expression_attribute_values((!values.is_empty()).then(|| values.clone()))
                            .set_exclusive_start_key(start.take())
                            .send().await.unwrap();
                        out.extend(page.items.unwrap_or_default());
                        match page.last_evaluated_key { Some(k) => start = Some(k), None => break }
                    }
                    (format!("SELECT * FROM \"{table}\" WHERE {}", w.partiql), out)
                }
            };
            let mut got = select_all(c, &statement, params, limit).await;
            sort_items(&mut got);
            sort_items(&mut expected);
            assert_eq!(got, expected, "{statement}");
        });
    }
}
