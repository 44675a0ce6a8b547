//! The admin routes, called in-process (no socket; `route` is what
//! `handle` runs after reading the body). Through real HTTP and the AWS SDK:
//! `conformance-tests/tests/conformance/harness.rs`.

use super::{is_admin_path, route};
use crate::{Config, Service};
use http_body_util::BodyExt;
use hyper::{Method, StatusCode};
use serde_json::{json, Value};
use std::sync::Arc;

async fn send(svc: &Arc<Service>, method: Method, path: &str, body: &str) -> (StatusCode, Value) {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let response =
        route(svc, &edge(), &method, path, query, body.as_bytes()).await.unwrap_or_else(super::failure);
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn edge() -> Arc<crate::http::edge::Edge> {
    Arc::new(crate::http::edge::Edge::new(Default::default(), None))
}

fn service() -> Arc<Service> {
    let svc = Service::new(Config::default());
    svc.call(
        "CreateTable",
        &json!({"TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
    )
    .unwrap();
    Arc::new(svc)
}

fn put(svc: &Service, pk: &str) {
    svc.call("PutItem", &json!({"TableName": "tbl", "Item": {"pk": {"S": pk}}})).unwrap();
}

fn items(svc: &Service) -> usize {
    svc.store.snapshot().table("tbl").map_or(0, |t| t.item_count())
}

#[test]
fn only_the_reserved_prefix_is_admin() {
    assert!(is_admin_path("/_emulator"));
    assert!(is_admin_path("/_emulator/snapshots"));
    assert!(!is_admin_path("/_emulatorx"));
    assert!(!is_admin_path("/"));
}

#[tokio::test]
async fn snapshot_routes_take_list_restore_and_drop() {
    let svc = service();
    put(&svc, "a");
    let (status, body) = send(&svc, Method::POST, "/_emulator/snapshots", r#"{"name": "fixtures"}"#).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["name"], "fixtures");
    assert_eq!((body["tables"].as_u64(), body["items"].as_u64()), (Some(1), Some(1)));
    assert_eq!(body["replaced"], false);
    put(&svc, "b");
    let (_, list) = send(&svc, Method::GET, "/_emulator/snapshots", "").await;
    assert_eq!(list["snapshots"][0]["name"], "fixtures");
    let (status, body) = send(&svc, Method::POST, "/_emulator/snapshots/fixtures/restore", "").await;
    assert_eq!((status, body), (StatusCode::OK, json!({"restored": "fixtures"})));
    assert_eq!(items(&svc), 1);
    let (status, body) = send(&svc, Method::POST, "/_emulator/snapshots/nope/restore", "{}").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"error": "NotFound", "message": "No snapshot named 'nope'"}));
    let (status, _) = send(&svc, Method::DELETE, "/_emulator/snapshots/fixtures", "").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(&svc, Method::DELETE, "/_emulator/snapshots/fixtures", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Without a name, one is made up from the clock.
    let (_, body) = send(&svc, Method::POST, "/_emulator/snapshots", "").await;
    assert!(body["name"].as_str().unwrap().starts_with("snapshot-"));
}

#[tokio::test]
async fn bad_input_gets_a_clear_400() {
    let svc = service();
    let cases = [
        (Method::POST, "/_emulator/snapshots", r#"{"name": "a/b"}"#, "'name' must be 1 to 255 characters"),
        (
            Method::POST,
            "/_emulator/snapshots",
            r#"{"nmae": "x"}"#,
            "Unknown member 'nmae'; expected one of: name",
        ),
        (Method::POST, "/_emulator/snapshots", "[1]", "The request body must be a JSON object"),
        (Method::PUT, "/_emulator/clock", r#"{"mode": "fast"}"#, "'mode' must be \"system\" or \"manual\""),
        (Method::PUT, "/_emulator/clock", r#"{"now_ms": -1}"#, "'now_ms' must be a non-negative integer"),
        (
            Method::PUT,
            "/_emulator/clock",
            r#"{"mode": "system", "now_ms": 5}"#,
            "A system clock cannot be set",
        ),
        (Method::POST, "/_emulator/clock/advance", r#"{"ms": "10"}"#, "'ms' must be a non-negative integer"),
        (
            Method::POST,
            "/_emulator/faults",
            r#"{"error": "Boom"}"#,
            "Unknown 'error' 'Boom'; expected one of:",
        ),
        (
            Method::POST,
            "/_emulator/faults",
            r#"{"table": "t"}"#,
            "A fault rule needs 'error' or 'latency_ms'",
        ),
        (Method::POST, "/_emulator/faults", r#"{"error": "Unprocessed"}"#, "'fraction' (0 to 1) goes with"),
        (
            Method::POST,
            "/_emulator/faults",
            r#"{"error": "ThrottlingException", "count": 0}"#,
            "'count' must be an integer from 1",
        ),
        (
            Method::POST,
            "/_emulator/faults",
            r#"{"error": "ThrottlingException", "probability": 2}"#,
            "'probability' must be a number from 0 to 1",
        ),
        (
            Method::POST,
            "/_emulator/faults",
            r#"{"error": "ThrottlingException", "seed": 1}"#,
            "'seed' goes with 'probability'",
        ),
        (
            Method::POST,
            "/_emulator/faults",
            r#"{"operation": "PutItems", "latency_ms": 1}"#,
            "'operation' must be a DynamoDB operation name",
        ),
        (Method::POST, "/_emulator/faults", r#"{"latency_ms": 1, "tabel": "x"}"#, "Unknown member 'tabel'"),
        (Method::POST, "/_emulator/faults", "", "The request body must be a JSON object"),
        (Method::POST, "/_emulator/reset", r#"{"all": true}"#, "Unknown member 'all'"),
        (
            Method::GET,
            "/_emulator/operations?after=x",
            "",
            "Query parameter 'after' must be a non-negative integer",
        ),
    ];
    for (method, path, body, expected) in cases {
        let (status, answer) = send(&svc, method.clone(), path, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {path} {body}: {answer}");
        assert_eq!(answer["error"], "BadRequest");
        let message = answer["message"].as_str().unwrap();
        assert!(message.starts_with(expected), "{method} {path} {body}: {message}");
    }
    // A rejected list installs none of its rules.
    let (status, _) =
        send(&svc, Method::POST, "/_emulator/faults", r#"[{"latency_ms": 1}, {"error": "Nope"}]"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(svc.faults().list().is_empty());
}

#[tokio::test]
async fn unknown_paths_and_methods_are_named() {
    let svc = service();
    let (status, body) = send(&svc, Method::GET, "/_emulator/nothing", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "NoSuchRoute");
    let response =
        route(&svc, &edge(), &Method::GET, "/_emulator/reset", "", b"").await.unwrap_or_else(super::failure);
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST");
}

#[tokio::test]
async fn clock_routes_set_advance_and_sweep() {
    let svc = service();
    svc.call(
        "UpdateTimeToLive",
        &json!({"TableName": "tbl", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}),
    )
    .unwrap();
    let (_, clock) = send(&svc, Method::GET, "/_emulator/clock", "").await;
    assert_eq!(clock["mode"], "system");
    let (_, clock) =
        send(&svc, Method::PUT, "/_emulator/clock", r#"{"mode": "manual", "now_ms": 1000000}"#).await;
    assert_eq!(clock, json!({"mode": "manual", "now_ms": 1_000_000}));
    svc.call("PutItem", &json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "exp": {"N": "1030"}}}))
        .unwrap();
    let (_, swept) = send(&svc, Method::POST, "/_emulator/ttl/sweep", "").await;
    assert_eq!(swept["deleted"], 0);
    let (_, clock) = send(&svc, Method::POST, "/_emulator/clock/advance", r#"{"ms": 60000}"#).await;
    assert_eq!(clock["now_ms"], 1_060_000);
    let (_, swept) = send(&svc, Method::POST, "/_emulator/ttl/sweep", "").await;
    assert_eq!(swept, json!({"deleted": 1, "now_ms": 1_060_000}));
    let (_, clock) = send(&svc, Method::PUT, "/_emulator/clock", r#"{"mode": "system"}"#).await;
    assert_eq!(clock["mode"], "system");
    let (_, clock) = send(&svc, Method::PUT, "/_emulator/clock", r#"{"mode": "manual"}"#).await;
    assert_eq!(clock["mode"], "manual");
}

#[tokio::test]
async fn fault_routes_install_list_fire_and_clear() {
    let svc = service();
    let rule = r#"{"operation": "PutItem", "table": "tbl", "error": "ProvisionedThroughputExceededException", "count": 1}"#;
    let (status, installed) = send(&svc, Method::POST, "/_emulator/faults", rule).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        installed,
        json!({"id": 1, "fired": 0, "operation": "PutItem", "table": "tbl",
            "error": "ProvisionedThroughputExceededException", "count": 1})
    );
    let e = svc.call("PutItem", &json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}}})).unwrap_err();
    assert_eq!(e.kind, crate::ErrorKind::ProvisionedThroughputExceeded);
    let (_, list) = send(&svc, Method::GET, "/_emulator/faults", "").await;
    assert_eq!(list, json!({"rules": []}), "a spent one-shot rule is gone");
    let many = r#"[{"error": "Unprocessed", "fraction": 0.5, "seed": 9},
                   {"error": "ThrottlingException", "probability": 0.25, "seed": 4, "latency_ms": 5}]"#;
    let (_, added) = send(&svc, Method::POST, "/_emulator/faults", many).await;
    assert_eq!(added["rules"][0]["fraction"], 0.5);
    assert_eq!(added["rules"][1]["latency_ms"], 5);
    let id = added["rules"][1]["id"].as_u64().unwrap();
    let (status, _) = send(&svc, Method::DELETE, &format!("/_emulator/faults/{id}"), "").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(&svc, Method::DELETE, &format!("/_emulator/faults/{id}"), "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, cleared) = send(&svc, Method::DELETE, "/_emulator/faults", "").await;
    assert_eq!(cleared, json!({"cleared": 1}));
}

#[tokio::test]
async fn the_operation_log_pages_by_sequence_number() {
    let svc = service();
    put(&svc, "a");
    let _ = svc.call("GetItem", &json!({"TableName": "missing", "Key": {"pk": {"S": "a"}}}));
    let (_, log) = send(&svc, Method::GET, "/_emulator/operations", "").await;
    assert_eq!(log["total"], 3);
    assert_eq!(
        log["operations"][2],
        json!({"seq": 2, "operation": "GetItem", "tables": ["missing"], "outcome": "ResourceNotFoundException",
            "region": "us-east-1", "access_key_id": null})
    );
    let (_, log) = send(&svc, Method::GET, "/_emulator/operations?after=2", "").await;
    assert_eq!(log["operations"].as_array().unwrap().len(), 1);
    assert_eq!(log["next"], 3);
    send(&svc, Method::DELETE, "/_emulator/operations", "").await;
    assert!(svc.operations().is_empty());
}

#[tokio::test]
async fn reset_route_empties_the_database() {
    let svc = service();
    put(&svc, "a");
    let (status, body) = send(&svc, Method::POST, "/_emulator/reset", "").await;
    assert_eq!((status, body), (StatusCode::OK, json!({"reset": true})));
    assert_eq!(svc.store.snapshot().table_count(), 0);
}

#[tokio::test]
async fn a_service_that_is_not_served_cannot_fork_over_http() {
    let svc = service();
    let (status, body) = send(&svc, Method::POST, "/_emulator/fork", "").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"], "NoServer");
}

#[tokio::test]
async fn the_console_is_served_from_the_binary() {
    let svc = service();
    for (path, kind) in [
        ("/_emulator/console", "text/html"),
        ("/_emulator/console/console.js", "text/javascript"),
        ("/_emulator/console/console.css", "text/css"),
    ] {
        let r = route(&svc, &edge(), &Method::GET, path, "", b"").await.unwrap_or_else(super::failure);
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with(kind));
        let body = r.into_body().collect().await.unwrap().to_bytes();
        assert!(body.len() > 100, "{path} is the real asset");
    }
}

#[tokio::test]
async fn dump_and_seed_routes_move_tables_through_a_folder() {
    let svc = service();
    put(&svc, "a");
    put(&svc, "b");
    let dir = std::env::temp_dir().join(format!("ddb-admin-dump-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let body = json!({"dir": dir, "gzip": true}).to_string();
    let (status, moved) = send(&svc, Method::POST, "/_emulator/dump", &body).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!((moved["tables"].as_u64(), moved["items"].as_u64()), (Some(1), Some(2)));
    let copy = Arc::new(Service::new(Config::default()));
    let (status, moved) =
        send(&copy, Method::POST, "/_emulator/seed", &json!({"dir": dir}).to_string()).await;
    assert_eq!((status, moved["items"].as_u64()), (StatusCode::OK, Some(2)));
    assert_eq!(items(&copy), 2);
    // Seeding the same tables again is refused, with the reason.
    let (status, answer) =
        send(&copy, Method::POST, "/_emulator/seed", &json!({"dir": dir}).to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(answer["message"].as_str().unwrap().contains("tbl already exists"), "{answer}");
    let (status, _) = send(&copy, Method::POST, "/_emulator/dump", r#"{"dir": "x", "gzip": "yes"}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, answer) =
        send(&copy, Method::POST, "/_emulator/seed", r#"{"dir": "/nonexistent/ddb"}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(answer["message"].as_str().unwrap().starts_with("/nonexistent/ddb: "), "{answer}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_stale_read_route_sets_and_reports_the_mode() {
    let svc = service();
    let (_, mode) = send(&svc, Method::GET, "/_emulator/stale-reads", "").await;
    assert_eq!(mode, json!({"mode": "off"}));
    let (status, mode) =
        send(&svc, Method::PUT, "/_emulator/stale-reads", r#"{"mode": "writes", "writes": 1}"#).await;
    assert_eq!((status, mode), (StatusCode::OK, json!({"mode": "writes", "writes": 1})));
    put(&svc, "a");
    let get = json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}}});
    let out: Value = serde_json::from_slice(&svc.call("GetItem", &get).unwrap()).unwrap();
    assert!(out.get("Item").is_none(), "one write behind");
    let (_, mode) = send(&svc, Method::PUT, "/_emulator/stale-reads", r#"{"mode": "ms", "ms": 250}"#).await;
    assert_eq!(mode, json!({"mode": "ms", "ms": 250}));
    for bad in [
        r#"{"mode": "ms"}"#,
        r#"{"mode": "writes", "ms": 3}"#,
        r#"{"mode": "soon"}"#,
        r#"{"mode": "off", "ms": 1}"#,
    ] {
        let (status, answer) = send(&svc, Method::PUT, "/_emulator/stale-reads", bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {answer}");
    }
    send(&svc, Method::PUT, "/_emulator/stale-reads", r#"{"mode": "off"}"#).await;
    assert!(serde_json::from_slice::<Value>(&svc.call("GetItem", &get).unwrap())
        .unwrap()
        .get("Item")
        .is_some());
}

#[tokio::test]
async fn the_throughput_route_switches_the_token_buckets() {
    let svc = service();
    let (_, state) = send(&svc, Method::GET, "/_emulator/throughput", "").await;
    assert_eq!(state, json!({"enforce": false}));
    let (status, state) = send(&svc, Method::PUT, "/_emulator/throughput", r#"{"enforce": true}"#).await;
    assert_eq!((status, state), (StatusCode::OK, json!({"enforce": true})));
    assert!(svc.harness.throughput.is_on());
    let (status, _) = send(&svc, Method::PUT, "/_emulator/throughput", r#"{"enforce": 1}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    svc.reset();
    assert!(!svc.harness.throughput.is_on(), "reset goes back to the configuration");
}

#[tokio::test]
async fn the_scopes_route_lists_every_scope_and_seed_and_dump_take_one() {
    let svc = service();
    put(&svc, "a");
    let keyed = svc.scope(&crate::Scope::access_key("eu-west-1", "AKIDONE")).unwrap();
    keyed
        .call(
            "CreateTable",
            &json!({"TableName": "other", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
        )
        .unwrap();
    let (status, body) = send(&svc, Method::GET, "/_emulator/scopes", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"isolate_access_keys": false, "scopes": [
            {"region": "us-east-1", "access_key_id": null, "default": true, "tables": 1, "items": 1},
            {"region": "eu-west-1", "access_key_id": "AKIDONE", "default": false, "tables": 1, "items": 0}]})
    );
    let (status, _) = send(&svc, Method::POST, "/_emulator/scopes", "").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);

    // Dump the default scope, seed it into a region's scope.
    let dir = std::env::temp_dir().join(format!("ddb-admin-scopes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dump = json!({"dir": dir}).to_string();
    let (status, _) = send(&svc, Method::POST, "/_emulator/dump", &dump).await;
    assert_eq!(status, StatusCode::OK);
    let seed = json!({"dir": dir, "region": "ap-south-1"}).to_string();
    let (status, body) = send(&svc, Method::POST, "/_emulator/seed", &seed).await;
    assert_eq!((status, body["items"].as_u64()), (StatusCode::OK, Some(1)), "{body}");
    assert_eq!(items(&svc.region("ap-south-1").unwrap()), 1);
    let bad = json!({"dir": dir, "region": "no such/region"}).to_string();
    let (status, body) = send(&svc, Method::POST, "/_emulator/seed", &bad).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("BadRequest")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_fault_rule_can_be_limited_to_a_scope() {
    let svc = service();
    let rule = r#"{"error": "ThrottlingException", "table": "tbl", "access_key_id": "AKIDONE"}"#;
    let (status, body) = send(&svc, Method::POST, "/_emulator/faults", rule).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["region"].as_str(), body["access_key_id"].as_str()),
        (Some("us-east-1"), Some("AKIDONE"))
    );
    put(&svc, "a"); // the default scope is not AKIDONE's
    let (status, _) =
        send(&svc, Method::POST, "/_emulator/faults", r#"{"error": "ThrottlingException", "region": "x y"}"#)
            .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_operation_log_can_show_one_scope() {
    let svc = service();
    put(&svc, "a");
    let keyed = svc.scope(&crate::Scope::access_key("us-east-1", "AKIDONE")).unwrap();
    let _ = keyed.call("ListTables", &json!({}));
    put(&svc, "b");
    let (_, log) = send(&svc, Method::GET, "/_emulator/operations?access_key_id=AKIDONE", "").await;
    let seqs: Vec<u64> =
        log["operations"].as_array().unwrap().iter().map(|o| o["seq"].as_u64().unwrap()).collect();
    assert_eq!((seqs, log["next"].as_u64()), (vec![2], Some(4)));
    let (_, log) = send(&svc, Method::GET, "/_emulator/operations?after=1&region=us-east-1", "").await;
    assert_eq!(
        log["operations"].as_array().map(Vec::len),
        Some(3),
        "the region's keyless entries and the key's"
    );
    let (status, _) = send(&svc, Method::GET, "/_emulator/operations?region=a%20b", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
