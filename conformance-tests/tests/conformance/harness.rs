//! Test-harness controls (not part of DynamoDB): snapshots, restore, fork,
//! reset, the virtual clock with the TTL sweep, fault injection and the
//! operation log, driven three ways: the `/_emulator/` routes over HTTP,
//! the Rust API on `Emulator`, and the effects seen through the AWS SDK.
//! These tests need the emulator itself (they ignore `DDB_ENDPOINT`).

use crate::batches::{create_table, get, item, key1, put, s, scan_all};
use aws_sdk_dynamodb::types::{
    AttributeValue as AV, PutRequest, TimeToLiveSpecification, TransactWriteItem, WriteRequest,
};
use ddb_conformance::{client_for, expect_err};
use ddb_emulator::harness::FaultRule;
use ddb_emulator::{Emulator, ErrorKind};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A route call: method, path under the endpoint, JSON body; status and JSON answer.
async fn admin(endpoint: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut req = client.request(method, format!("{endpoint}{path}"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let response = req.send().await.expect("admin route");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn fixtures(emu: &Emulator) -> aws_sdk_dynamodb::Client {
    let c = client_for(&emu.endpoint());
    create_table(&c, "orders", false, &[("by_status", "status")], &[]).await;
    for i in 0..10 {
        put(&c, "orders", item(&[("pk", s(&format!("o{i}"))), ("status", s("open"))])).await;
    }
    c
}

#[tokio::test]
async fn snapshot_and_restore_over_the_routes_undo_everything_the_sdk_did() {
    let emu = Emulator::builder().start().await.unwrap();
    let ep = emu.endpoint();
    let c = fixtures(&emu).await;
    let (status, snap) =
        admin(&ep, reqwest::Method::POST, "/_emulator/snapshots", Some(json!({"name": "fixtures"}))).await;
    assert_eq!(status, 201);
    assert_eq!((snap["tables"].as_u64(), snap["items"].as_u64()), (Some(1), Some(10)));
    // A test makes a mess: new items, a deleted one, a new table, TTL on.
    put(&c, "orders", item(&[("pk", s("extra")), ("status", s("new"))])).await;
    c.delete_item().table_name("orders").set_key(Some(key1("o3"))).send().await.unwrap();
    create_table(&c, "scratch", false, &[], &[]).await;
    c.update_time_to_live()
        .table_name("orders")
        .time_to_live_specification(
            TimeToLiveSpecification::builder().enabled(true).attribute_name("exp").build().unwrap(),
        )
        .send()
        .await
        .unwrap();
    let (status, _) = admin(&ep, reqwest::Method::POST, "/_emulator/snapshots/fixtures/restore", None).await;
    assert_eq!(status, 200);
    assert_eq!(scan_all(&c, "orders").await.len(), 10);
    assert!(get(&c, "orders", key1("o3")).await.is_some());
    assert!(get(&c, "orders", key1("extra")).await.is_none());
    let tables = c.list_tables().send().await.unwrap().table_names.unwrap_or_default();
    assert_eq!(tables, ["orders"]);
    let ttl = c.describe_time_to_live().table_name("orders").send().await.unwrap();
    assert_eq!(ttl.time_to_live_description.unwrap().time_to_live_status.unwrap().as_str(), "DISABLED");
    // The index came back with the items.
    let open = c
        .query()
        .table_name("orders")
        .index_name("by_status")
        .key_condition_expression("#s = :s")
        .expression_attribute_names("#s", "status")
        .expression_attribute_values(":s", s("open"))
        .send()
        .await
        .unwrap();
    assert_eq!(open.count, 10);
    let (_, list) = admin(&ep, reqwest::Method::GET, "/_emulator/snapshots", None).await;
    assert_eq!(list["snapshots"][0]["name"], "fixtures");
    let (status, _) = admin(&ep, reqwest::Method::DELETE, "/_emulator/snapshots/fixtures", None).await;
    assert_eq!(status, 200);
    let (status, body) =
        admin(&ep, reqwest::Method::POST, "/_emulator/snapshots/fixtures/restore", None).await;
    assert_eq!((status, body["error"].as_str()), (404, Some("NotFound")));
}

#[tokio::test]
async fn the_rust_api_snapshots_restores_and_resets() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = fixtures(&emu).await;
    let snap = emu.snapshot();
    for i in 10..20 {
        put(&c, "orders", item(&[("pk", s(&format!("o{i}")))])).await;
    }
    assert_eq!(scan_all(&c, "orders").await.len(), 20);
    emu.restore(&snap);
    assert_eq!(scan_all(&c, "orders").await.len(), 10);
    emu.reset();
    let (code, _) = expect_err!(c.describe_table().table_name("orders").send().await);
    assert_eq!(code, "ResourceNotFoundException");
    emu.restore(&snap);
    assert_eq!(scan_all(&c, "orders").await.len(), 10);
    // Reset over the route, too.
    let (status, _) = admin(&emu.endpoint(), reqwest::Method::POST, "/_emulator/reset", None).await;
    assert_eq!(status, 200);
    assert!(c.list_tables().send().await.unwrap().table_names.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn a_fork_over_the_route_is_an_independent_endpoint() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = fixtures(&emu).await;
    let (status, body) = admin(&emu.endpoint(), reqwest::Method::POST, "/_emulator/fork", None).await;
    assert_eq!(status, 200);
    let fork_ep = body["endpoint"].as_str().unwrap().to_string();
    assert_ne!(fork_ep, emu.endpoint());
    let f = client_for(&fork_ep);
    assert_eq!(scan_all(&f, "orders").await.len(), 10);
    put(&f, "orders", item(&[("pk", s("fork-only"))])).await;
    c.delete_item().table_name("orders").set_key(Some(key1("o1"))).send().await.unwrap();
    assert!(get(&c, "orders", key1("fork-only")).await.is_none());
    assert!(get(&f, "orders", key1("o1")).await.is_some());
    assert_eq!(scan_all(&f, "orders").await.len(), 11);
    assert_eq!(scan_all(&c, "orders").await.len(), 9);
}

#[tokio::test]
async fn a_fork_from_the_rust_api_has_its_own_endpoint_and_lifetime() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = fixtures(&emu).await;
    let fork = emu.fork().await.unwrap();
    let f = client_for(&fork.endpoint());
    f.delete_table().table_name("orders").send().await.unwrap();
    assert_eq!(scan_all(&c, "orders").await.len(), 10);
    let fork_ep = fork.endpoint();
    fork.shutdown().await;
    assert!(client_for(&fork_ep).list_tables().send().await.is_err());
    assert_eq!(scan_all(&c, "orders").await.len(), 10, "the parent is untouched");
}

#[tokio::test]
async fn ttl_expiry_without_sleeping_by_route_and_by_api() {
    let emu = Emulator::builder().ttl_sweep_interval(Duration::ZERO).start().await.unwrap();
    let ep = emu.endpoint();
    let c = client_for(&ep);
    create_table(&c, "sessions", false, &[], &[]).await;
    c.update_time_to_live()
        .table_name("sessions")
        .time_to_live_specification(
            TimeToLiveSpecification::builder().enabled(true).attribute_name("exp").build().unwrap(),
        )
        .send()
        .await
        .unwrap();
    let (_, clock) = admin(
        &ep,
        reqwest::Method::PUT,
        "/_emulator/clock",
        Some(json!({"mode": "manual", "now_ms": 1_700_000_000_000u64})),
    )
    .await;
    assert_eq!(clock, json!({"mode": "manual", "now_ms": 1_700_000_000_000u64}));
    put(&c, "sessions", item(&[("pk", s("a")), ("exp", AV::N("1700000060".into()))])).await;
    put(&c, "sessions", item(&[("pk", s("b")), ("exp", AV::N("1700003600".into()))])).await;
    let (_, swept) = admin(&ep, reqwest::Method::POST, "/_emulator/ttl/sweep", None).await;
    assert_eq!(swept["deleted"], 0);
    let (_, clock) =
        admin(&ep, reqwest::Method::POST, "/_emulator/clock/advance", Some(json!({"ms": 61_000}))).await;
    assert_eq!(clock["now_ms"], 1_700_000_061_000u64);
    let (_, swept) = admin(&ep, reqwest::Method::POST, "/_emulator/ttl/sweep", None).await;
    assert_eq!(swept["deleted"], 1);
    assert!(get(&c, "sessions", key1("a")).await.is_none());
    // The same through the Rust API.
    emu.clock().advance(Duration::from_secs(3600));
    assert_eq!(emu.sweep_ttl(), 1);
    assert!(get(&c, "sessions", key1("b")).await.is_none());
    let (_, clock) = admin(&ep, reqwest::Method::GET, "/_emulator/clock", None).await;
    assert_eq!(clock["now_ms"], 1_700_003_661_000u64);
}

#[tokio::test]
async fn injected_errors_reach_the_sdk_with_the_services_codes_messages_and_statuses() {
    let emu = Emulator::builder().start().await.unwrap();
    let ep = emu.endpoint();
    let c = fixtures(&emu).await;
    let cases = [
        ("ProvisionedThroughputExceededException", 400, "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."),
        ("ThrottlingException", 400, "Rate of requests exceeds the allowed throughput."),
        ("RequestLimitExceeded", 400, "Throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase"),
        ("InternalServerError", 500, "Internal server error"),
        ("ServiceUnavailable", 503, "The service is currently unavailable or busy."),
    ];
    for (error, status, message) in cases {
        let rule = json!({"operation": "PutItem", "table": "orders", "error": error, "count": 1});
        let (code, _) = admin(&ep, reqwest::Method::POST, "/_emulator/faults", Some(rule)).await;
        assert_eq!(code, 200);
        // Another table and another operation are not affected.
        assert!(get(&c, "orders", key1("o1")).await.is_some());
        let err = c.put_item().table_name("orders").set_item(Some(key1("x"))).send().await.unwrap_err();
        assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(status), "{error}");
        let (got_code, got_message) = ddb_conformance::error_parts(&err);
        assert_eq!((got_code.as_str(), got_message.as_str()), (error, message));
        // One-shot: the next call goes through.
        c.put_item().table_name("orders").set_item(Some(key1("x"))).send().await.unwrap();
    }
}

#[tokio::test]
async fn an_sdk_with_retries_gets_through_a_count_limited_fault() {
    use aws_sdk_dynamodb::config::retry::RetryConfig;
    let emu = Emulator::builder().start().await.unwrap();
    fixtures(&emu).await;
    emu.faults().add(FaultRule::error(ErrorKind::Throttling).operation("GetItem").count(2));
    let base = client_for(&emu.endpoint()).config().to_builder();
    let retrying = aws_sdk_dynamodb::Client::from_conf(
        base.retry_config(
            RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(1)),
        )
        .build(),
    );
    emu.clear_operations();
    let got = retrying.get_item().table_name("orders").set_key(Some(key1("o1"))).send().await.unwrap();
    assert!(got.item.is_some());
    let outcomes: Vec<_> = emu.operations().into_iter().map(|o| o.outcome).collect();
    assert_eq!(
        outcomes,
        [Err("ThrottlingException".to_string()), Err("ThrottlingException".to_string()), Ok(())]
    );
}

#[tokio::test]
async fn probabilistic_rules_with_a_seed_repeat_exactly() {
    async fn run(seed: u64) -> Vec<bool> {
        let emu = Emulator::builder().start().await.unwrap();
        let c = fixtures(&emu).await;
        let rule =
            json!({"operation": "GetItem", "error": "ThrottlingException", "probability": 0.5, "seed": seed});
        admin(&emu.endpoint(), reqwest::Method::POST, "/_emulator/faults", Some(rule)).await;
        let mut out = Vec::new();
        for _ in 0..24 {
            out.push(c.get_item().table_name("orders").set_key(Some(key1("o1"))).send().await.is_err());
        }
        out
    }
    let a = run(42).await;
    assert_eq!(a, run(42).await);
    assert!(a.contains(&true) && a.contains(&false));
}

#[tokio::test]
async fn unprocessed_fractions_come_back_to_the_sdk() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = fixtures(&emu).await;
    let rule = json!({"operation": "BatchWriteItem", "table": "orders", "error": "Unprocessed", "fraction": 1.0, "count": 1});
    admin(&emu.endpoint(), reqwest::Method::POST, "/_emulator/faults", Some(rule)).await;
    let writes: Vec<WriteRequest> = (0..5)
        .map(|i| {
            WriteRequest::builder()
                .put_request(PutRequest::builder().set_item(Some(key1(&format!("n{i}")))).build().unwrap())
                .build()
        })
        .collect();
    let out = c.batch_write_item().request_items("orders", writes.clone()).send().await.unwrap();
    assert_eq!(out.unprocessed_items.unwrap()["orders"], writes);
    assert_eq!(scan_all(&c, "orders").await.len(), 10);
    let out = c.batch_write_item().request_items("orders", writes).send().await.unwrap();
    assert!(out.unprocessed_items.unwrap_or_default().is_empty());
    assert_eq!(scan_all(&c, "orders").await.len(), 15);
}

#[tokio::test]
async fn transaction_conflicts_cancel_with_the_reason_the_sdk_reads() {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    use aws_sdk_dynamodb::types::Put;
    let emu = Emulator::builder().start().await.unwrap();
    let c = fixtures(&emu).await;
    create_table(&c, "stock", false, &[], &[]).await;
    let rule = json!({"table": "stock", "error": "TransactionConflict", "count": 1});
    admin(&emu.endpoint(), reqwest::Method::POST, "/_emulator/faults", Some(rule)).await;
    let action = |table: &str, pk: &str| {
        TransactWriteItem::builder()
            .put(Put::builder().table_name(table).set_item(Some(key1(pk))).build().unwrap())
            .build()
    };
    let err = c
        .transact_write_items()
        .transact_items(action("orders", "t1"))
        .transact_items(action("stock", "t2"))
        .send()
        .await
        .unwrap_err();
    let Some(TransactWriteItemsError::TransactionCanceledException(e)) = err.as_service_error() else {
        panic!("expected a cancellation, got {err:?}");
    };
    let reasons = e.cancellation_reasons();
    let codes: Vec<_> = reasons.iter().map(|r| r.code().unwrap_or("")).collect();
    assert_eq!(codes, ["None", "TransactionConflict"]);
    assert_eq!(reasons[1].message(), Some("Transaction is ongoing for the item"));
    assert!(get(&c, "orders", key1("t1")).await.is_none(), "nothing applied");
    c.transact_write_items()
        .transact_items(action("orders", "t1"))
        .transact_items(action("stock", "t2"))
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn latency_delays_the_response_and_trips_client_timeouts() {
    use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
    let emu = Emulator::builder().start().await.unwrap();
    let c = fixtures(&emu).await;
    let rule = json!({"operation": "GetItem", "latency_ms": 300, "count": 2});
    let (_, installed) = admin(&emu.endpoint(), reqwest::Method::POST, "/_emulator/faults", Some(rule)).await;
    assert_eq!(installed["latency_ms"], 300);
    let started = Instant::now();
    c.get_item().table_name("orders").set_key(Some(key1("o1"))).send().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    let impatient = aws_sdk_dynamodb::Client::from_conf(
        c.config()
            .to_builder()
            .timeout_config(
                TimeoutConfig::builder().operation_attempt_timeout(Duration::from_millis(50)).build(),
            )
            .build(),
    );
    let err = impatient.get_item().table_name("orders").set_key(Some(key1("o1"))).send().await.unwrap_err();
    assert!(matches!(err, aws_sdk_dynamodb::error::SdkError::TimeoutError(_)), "{err:?}");
    // Other operations were never slowed.
    let started = Instant::now();
    c.describe_table().table_name("orders").send().await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn the_operation_log_route_shows_what_the_sdk_did() {
    let emu = Emulator::builder().start().await.unwrap();
    let c = fixtures(&emu).await;
    let _ = c.get_item().table_name("nope").set_key(Some(key1("a"))).send().await;
    let (_, log) = admin(&emu.endpoint(), reqwest::Method::GET, "/_emulator/operations?after=11", None).await;
    assert_eq!(
        log["operations"],
        json!([{"seq": 11, "operation": "GetItem", "tables": ["nope"], "outcome": "ResourceNotFoundException",
            "region": "us-east-1", "access_key_id": null}])
    );
    assert_eq!(log["next"], 12);
}

#[tokio::test]
async fn no_admin_turns_the_routes_off() {
    let emu = Emulator::builder().admin(false).start().await.unwrap();
    let (status, body) = admin(&emu.endpoint(), reqwest::Method::POST, "/_emulator/reset", None).await;
    // Not a route any more: a path the service does not serve.
    assert_eq!(status, 404);
    assert!(body["__type"].as_str().unwrap().ends_with("UnknownOperationException"), "{body}");
}

/// The pattern the README recommends: fixtures loaded once, a snapshot, and
/// a restore before every proptest case (here through the SDK).
#[test]
fn a_snapshot_restored_per_proptest_case() {
    use proptest::prelude::*;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let emu = rt.block_on(Emulator::builder().start()).unwrap();
    let c = rt.block_on(fixtures(&emu));
    let loaded = emu.snapshot();
    let config = ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() };
    proptest!(config, |(deletes in proptest::collection::vec(0..10usize, 0..10))| {
        emu.restore(&loaded);
        rt.block_on(async {
            for i in &deletes {
                c.delete_item().table_name("orders").set_key(Some(key1(&format!("o{i}")))).send().await.unwrap();
            }
            let mut distinct = deletes.clone();
            distinct.sort();
            distinct.dedup();
            // Every case starts from the same ten fixtures.
            assert_eq!(scan_all(&c, "orders").await.len(), 10 - distinct.len());
        });
    });
}

#[tokio::test]
async fn a_dump_seeds_another_emulator_that_the_sdk_reads_the_same() {
    let a = Emulator::builder().start().await.unwrap();
    let ca = fixtures(&a).await;
    let dir = std::env::temp_dir().join(format!("ddb-conformance-dump-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (status, moved) =
        admin(&a.endpoint(), reqwest::Method::POST, "/_emulator/dump", Some(json!({"dir": dir}))).await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["items"], 10);
    let b = Emulator::builder().start().await.unwrap();
    let (status, _) =
        admin(&b.endpoint(), reqwest::Method::POST, "/_emulator/seed", Some(json!({"dir": dir}))).await;
    assert_eq!(status, 200);
    let cb = client_for(&b.endpoint());
    assert_eq!(scan_all(&cb, "orders").await, scan_all(&ca, "orders").await);
    let by_status = cb
        .query()
        .table_name("orders")
        .index_name("by_status")
        .key_condition_expression("#s = :s")
        .expression_attribute_names("#s", "status")
        .expression_attribute_values(":s", s("open"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_status.count, 10);
    // The Rust API does the same.
    let c = Emulator::builder().start().await.unwrap();
    let moved = c.service().seed(&dir).unwrap();
    assert_eq!((moved.tables, moved.items), (1, 10));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn stale_reads_show_the_sdk_the_past_until_it_asks_for_consistency() {
    let emu = Emulator::builder().start().await.unwrap();
    let ep = emu.endpoint();
    let c = fixtures(&emu).await;
    let (status, mode) = admin(
        &ep,
        reqwest::Method::PUT,
        "/_emulator/stale-reads",
        Some(json!({"mode": "writes", "writes": 1})),
    )
    .await;
    assert_eq!((status, mode), (200, json!({"mode": "writes", "writes": 1})));
    put(&c, "orders", item(&[("pk", s("late")), ("status", s("open"))])).await;
    let eventual = c.get_item().table_name("orders").set_key(Some(key1("late"))).send().await.unwrap();
    assert!(eventual.item.is_none(), "an eventually consistent read is one write behind");
    assert!(get(&c, "orders", key1("late")).await.is_some(), "a consistent read is not");
    let gsi = |c: aws_sdk_dynamodb::Client| async move {
        c.query()
            .table_name("orders")
            .index_name("by_status")
            .key_condition_expression("#s = :s")
            .expression_attribute_names("#s", "status")
            .expression_attribute_values(":s", s("open"))
            .send()
            .await
            .unwrap()
            .count
    };
    assert_eq!(gsi(c.clone()).await, 10, "GSI queries are eventually consistent");
    put(&c, "orders", item(&[("pk", s("later"))])).await;
    assert_eq!(gsi(c.clone()).await, 11);
    emu.service().set_stale_reads(ddb_emulator::harness::Staleness::Off);
    assert!(c
        .get_item()
        .table_name("orders")
        .set_key(Some(key1("later")))
        .send()
        .await
        .unwrap()
        .item
        .is_some());
}

#[tokio::test]
async fn provisioned_capacity_throttles_an_sdk_client_when_enforced() {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, KeySchemaElement, KeyType, ProvisionedThroughput, ScalarAttributeType,
    };
    let emu = Emulator::builder().enforce_throughput(true).start().await.unwrap();
    let c = client_for(&emu.endpoint());
    emu.clock().set_ms(1_700_000_000_000);
    c.create_table()
        .table_name("small")
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Hash).build().unwrap())
        .provisioned_throughput(
            ProvisionedThroughput::builder().read_capacity_units(1).write_capacity_units(1).build().unwrap(),
        )
        .send()
        .await
        .unwrap();
    // 300 seconds of one write unit: the burst, then throttling until the clock moves.
    let mut throttled = None;
    for i in 0..301 {
        if let Err(e) = c.put_item().table_name("small").set_item(Some(key1(&format!("k{i}")))).send().await {
            throttled = Some((i, ddb_conformance::error_parts(&e).0));
            break;
        }
    }
    assert_eq!(throttled, Some((300, "ProvisionedThroughputExceededException".to_string())));
    emu.clock().advance(Duration::from_secs(2));
    c.put_item().table_name("small").set_item(Some(key1("after"))).send().await.unwrap();
    let (_, state) = admin(
        &emu.endpoint(),
        reqwest::Method::PUT,
        "/_emulator/throughput",
        Some(json!({"enforce": false})),
    )
    .await;
    assert_eq!(state, json!({"enforce": false}));
    for i in 0..5 {
        c.put_item().table_name("small").set_item(Some(key1(&format!("free{i}")))).send().await.unwrap();
    }
}
