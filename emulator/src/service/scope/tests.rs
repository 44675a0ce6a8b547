//! Isolation through the Rust API: tables per region (ARNs, streams,
//! backups), per access key, and the harness controls over every scope.
//! Through the AWS SDK: `conformance-tests/tests/conformance/isolation.rs`.

use super::*;
use crate::error::ErrorKind;
use crate::{Config, Service};
use serde_json::{json, Value};

fn call(svc: &Service, op: &str, body: Value) -> Value {
    let out = svc.call(op, &body).unwrap_or_else(|e| panic!("{op}: {e}"));
    serde_json::from_slice(&out).unwrap_or(Value::Null)
}

fn create(svc: &Service, name: &str) -> Value {
    call(
        svc,
        "CreateTable",
        json!({"TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}}),
    )
}

fn put(svc: &Service, table: &str, pk: &str) {
    call(svc, "PutItem", json!({"TableName": table, "Item": {"pk": {"S": pk}}}));
}

fn tables(svc: &Service) -> Vec<String> {
    let out = call(svc, "ListTables", json!({}));
    out["TableNames"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

fn count(svc: &Service, table: &str) -> usize {
    svc.store.snapshot().table(table).map_or(0, |t| t.item_count())
}

#[test]
fn folder_names_round_trip_and_stay_safe() {
    for scope in [
        Scope::region("us-east-2"),
        Scope::region("Local.Region_1"),
        Scope::access_key("eu-west-1", "AKIAEXAMPLE"),
        Scope::access_key("us-east-1", "akiaexample"),
        Scope::access_key("x", "a/b\\..:*?"),
    ] {
        let name = scope.dir_name();
        assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-~+".contains(&b)), "{name}");
        assert_eq!(Scope::from_dir_name(&name), Some(scope));
    }
    assert_ne!(
        Scope::access_key("r", "ABC").dir_name(),
        Scope::access_key("r", "abc").dir_name(),
        "keys differing in case get different folders"
    );
    assert_eq!(Scope::from_dir_name("not hex+zz"), None);
    assert_eq!(Scope::from_dir_name("~"), None);
}

#[test]
fn unusable_regions_and_keys_are_refused() {
    assert!(valid_region("us-east-1") && valid_region("local"));
    assert!(!valid_region("") && !valid_region("a b") && !valid_region("../x"));
    assert!(!valid_region(&"r".repeat(65)));
    assert!(valid_access_key("AKIDEXAMPLE"));
    assert!(!valid_access_key("") && !valid_access_key("a b") && !valid_access_key(&"k".repeat(129)));
}

#[test]
fn tables_are_kept_per_region_and_their_arns_name_it() {
    let svc = Service::new(Config::default());
    let east2 = svc.region("us-east-2").unwrap();
    let out = create(&east2, "orders");
    let arn = out["TableDescription"]["TableArn"].as_str().unwrap();
    assert_eq!(arn, "arn:aws:dynamodb:us-east-2:000000000000:table/orders");
    let stream = out["TableDescription"]["LatestStreamArn"].as_str().unwrap().to_string();
    assert!(stream.starts_with("arn:aws:dynamodb:us-east-2:000000000000:table/orders/stream/"), "{stream}");
    put(&east2, "orders", "a");

    // The default region (us-east-1) has no such table.
    assert_eq!(tables(&svc), Vec::<String>::new());
    let e = svc.call("DescribeTable", &json!({"TableName": "orders"})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ResourceNotFound);
    // The same name in another region is another table.
    create(&svc, "orders");
    put(&svc, "orders", "b");
    put(&svc, "orders", "c");
    assert_eq!((count(&svc, "orders"), count(&east2, "orders")), (2, 1));
    // Reaching a region again gives the same database.
    assert_eq!(count(&svc.scope(&Scope::region("us-east-2")).unwrap(), "orders"), 1);

    // Streams: the region's stream, not found from the other region.
    let listed = east2.call_streams("ListStreams", &json!({})).unwrap();
    let listed: Value = serde_json::from_slice(&listed).unwrap();
    assert_eq!(listed["Streams"][0]["StreamArn"], stream.as_str());
    let e = svc.call_streams("DescribeStream", &json!({"StreamArn": stream})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ResourceNotFound);

    // Backups carry the region; a table ARN of another region is refused.
    let backup = call(&east2, "CreateBackup", json!({"TableName": "orders", "BackupName": "bk1"}));
    let backup_arn = backup["BackupDetails"]["BackupArn"].as_str().unwrap();
    assert!(
        backup_arn.starts_with("arn:aws:dynamodb:us-east-2:000000000000:table/orders/backup/"),
        "{backup_arn}"
    );
    let listed = call(&svc, "ListBackups", json!({}));
    assert_eq!(listed["BackupSummaries"].as_array().map(Vec::len), Some(0));
    assert!(svc.call("DescribeTable", &json!({"TableName": arn})).is_err());

    assert_eq!(svc.scopes(), vec![Scope::region("us-east-1"), Scope::region("us-east-2")]);
}

#[test]
fn each_access_key_has_its_own_database_only_when_asked() {
    let shared = Service::new(Config::default());
    let a = shared.scope_of("us-east-1", None).unwrap();
    create(&a, "tbl");
    // Without key isolation the HTTP layer never asks for a key's scope:
    // both keys reach the region's tables (see `http::scope_of`).
    let ctx = |key| crate::http::RequestContext {
        access_key_id: Some(key),
        region: Some("us-east-1"),
        verified: false,
    };
    assert!(crate::http::scope_of(&shared, &ctx("AKIDONE")).unwrap().is_default_scope());
    assert_eq!(tables(&crate::http::scope_of(&shared, &ctx("AKIDTWO")).unwrap()), vec!["tbl"]);

    let isolated = Service::new(Config { isolate_access_keys: true, ..Config::default() });
    let one = crate::http::scope_of(&isolated, &ctx("AKIDONE")).unwrap();
    let two = crate::http::scope_of(&isolated, &ctx("AKIDTWO")).unwrap();
    create(&one, "tbl");
    assert_eq!(tables(&one), vec!["tbl"]);
    assert_eq!(tables(&two), Vec::<String>::new());
    assert_eq!(tables(&isolated), Vec::<String>::new(), "the keyless default scope is apart too");
    assert_eq!(one.own_scope(), Scope::access_key("us-east-1", "AKIDONE"));
    // An empty key (the console's) and no header reach the region's shared tables.
    assert!(crate::http::scope_of(&isolated, &ctx("")).unwrap().is_default_scope());
    let none = crate::http::RequestContext::default();
    assert!(crate::http::scope_of(&isolated, &none).unwrap().is_default_scope());
    // A garbage region counts as none: the default region.
    let garbage = crate::http::RequestContext { region: Some("no such/region"), ..none };
    assert!(crate::http::scope_of(&shared, &garbage).unwrap().is_default_scope());
}

#[test]
fn the_operation_record_names_the_scope() {
    let svc = Service::new(Config::default());
    svc.call("ListTables", &json!({})).unwrap();
    svc.region("eu-west-1").unwrap().call("ListTables", &json!({})).unwrap();
    let scopes: Vec<_> = svc.operations().into_iter().map(|o| o.scope).collect();
    assert_eq!(scopes, vec![None, Some(Scope::region("eu-west-1"))]);
}

#[test]
fn a_scope_is_reached_from_the_emulators_own_service_only() {
    let svc = Service::new(Config::default());
    let other = svc.region("eu-west-1").unwrap();
    assert!(other.scope(&Scope::region("eu-west-1")).is_ok(), "its own scope");
    let e = other.region("eu-west-2").unwrap_err();
    assert_eq!(e.kind, ErrorKind::InternalServerError);
}

#[test]
fn snapshot_restore_reset_and_fork_cover_every_scope() {
    let svc = Service::new(Config::default());
    create(&svc, "tbl");
    put(&svc, "tbl", "a");
    {
        let west = svc.region("us-west-2").unwrap();
        create(&west, "tbl");
        put(&west, "tbl", "w1");
    }
    let snap = svc.snapshot();
    assert_eq!((snap.table_count(), snap.item_count()), (2, 2));
    assert_eq!(snap.scopes().cloned().collect::<Vec<_>>(), vec![Scope::region("us-west-2")]);

    put(&svc, "tbl", "b");
    put(&svc.region("us-west-2").unwrap(), "tbl", "w2");
    // A scope created after the snapshot is emptied by the restore.
    create(&svc.region("ap-south-1").unwrap(), "late");
    svc.restore(&snap);
    assert_eq!(count(&svc, "tbl"), 1);
    assert_eq!(count(&svc.region("us-west-2").unwrap(), "tbl"), 1);
    assert_eq!(tables(&svc.region("ap-south-1").unwrap()), Vec::<String>::new());

    // The snapshot shares the live versions: O(1), nothing copied.
    let west_db = svc.region("us-west-2").unwrap().store.snapshot();
    assert!(Arc::ptr_eq(snap.scope_db(&Scope::region("us-west-2")).unwrap(), &west_db));

    // A fork has every scope, independent of the parent.
    let fork = svc.fork();
    put(&fork.region("us-west-2").unwrap(), "tbl", "fork-only");
    assert_eq!(count(&fork.region("us-west-2").unwrap(), "tbl"), 2);
    assert_eq!(count(&svc.region("us-west-2").unwrap(), "tbl"), 1);

    // A restore in a service that never had the scope creates it.
    let fresh = Service::new(Config::default());
    fresh.restore(&snap);
    assert_eq!(count(&fresh.region("us-west-2").unwrap(), "tbl"), 1);

    // On another scope's service, a restore brings back that scope only
    // and creates no scope of its own.
    let west = svc.region("us-west-2").unwrap();
    put(&west, "tbl", "w3");
    put(&svc, "tbl", "b");
    west.restore(&snap);
    assert_eq!((count(&west, "tbl"), count(&svc, "tbl")), (1, 2));
    assert_eq!(west.scopes(), vec![Scope::region("us-west-2")]);
    // Its snapshot and fork hold that scope.
    let keyed = svc.scope(&Scope::access_key("us-west-2", "AKIDONE")).unwrap();
    create(&keyed, "mine");
    let fork = keyed.fork();
    assert_eq!(fork.own_scope(), Scope::region("us-west-2"));
    assert_eq!(tables(&fork), Vec::<String>::new());
    assert_eq!(tables(&fork.scope(&keyed.own_scope()).unwrap()), vec!["mine"]);

    svc.reset();
    assert_eq!(svc.snapshot().table_count(), 0);
    assert_eq!(tables(&svc.region("us-west-2").unwrap()), Vec::<String>::new());
}

#[test]
fn the_ttl_sweep_and_the_modes_reach_every_scope() {
    let svc = Service::new(Config::default());
    svc.clock.set_ms(1_800_000_000_000);
    let west = svc.region("us-west-2").unwrap();
    create(&west, "tbl");
    call(
        &west,
        "UpdateTimeToLive",
        json!({"TableName": "tbl",
        "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}),
    );
    call(
        &west,
        "PutItem",
        json!({"TableName": "tbl", "Item": {"pk": {"S": "old"}, "exp": {"N": "1799999000"}}}),
    );
    put(&west, "tbl", "kept");
    assert_eq!(svc.sweep_ttl(), 1);
    assert_eq!(count(&west, "tbl"), 1);

    svc.enforce_throughput(true);
    svc.set_stale_reads(crate::service::harness::Staleness::Writes(1));
    assert!(west.harness.throughput.is_on());
    assert_eq!(west.harness.history.mode(), crate::service::harness::Staleness::Writes(1));
    // A scope created later starts in the modes in force.
    let late = svc.region("eu-north-1").unwrap();
    assert!(late.harness.throughput.is_on());
    assert_eq!(late.harness.history.mode(), crate::service::harness::Staleness::Writes(1));
    svc.reset();
    assert!(!late.harness.throughput.is_on());
    assert_eq!(west.harness.history.mode(), crate::service::harness::Staleness::Off);
}

#[test]
fn fault_rules_and_named_snapshots_are_shared_by_the_scopes() {
    let svc = Service::new(Config::default());
    let west = svc.region("us-west-2").unwrap();
    create(&west, "tbl");
    svc.faults()
        .add(crate::service::harness::FaultRule::error(ErrorKind::ProvisionedThroughputExceeded).count(1));
    let e = west.call("PutItem", &json!({"TableName": "tbl", "Item": {"pk": {"S": "x"}}})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProvisionedThroughputExceeded);
    svc.save_snapshot("s");
    assert_eq!(west.snapshots().len(), 1);

    // A rule given a scope fires only there.
    let keyed = svc.scope(&Scope::access_key("us-west-2", "AKIDONE")).unwrap();
    create(&keyed, "tbl");
    let rule = crate::service::harness::FaultRule::error(ErrorKind::Throttling).scope(keyed.own_scope());
    svc.faults().add(rule);
    west.call("PutItem", &json!({"TableName": "tbl", "Item": {"pk": {"S": "x"}}})).unwrap();
    let e = keyed.call("PutItem", &json!({"TableName": "tbl", "Item": {"pk": {"S": "x"}}})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Throttling);
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    use std::hash::{BuildHasher, RandomState};
    let n = RandomState::new().hash_one(0u8);
    let dir = std::env::temp_dir().join(format!("ddb-scopes-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn a_durable_restart_serves_every_scope() {
    let dir = temp_dir("restart");
    let config = || Config {
        data_dir: Some(dir.clone()),
        isolate_access_keys: true,
        durability: crate::store::durable::Options {
            sync: crate::store::durable::SyncPolicy::Never,
            ..Default::default()
        },
        ..Config::default()
    };
    {
        let svc = Service::open(config()).unwrap();
        create(&svc, "home");
        put(&svc, "home", "h");
        let west = svc.region("us-west-2").unwrap();
        create(&west, "orders");
        put(&west, "orders", "w1");
        put(&west, "orders", "w2");
        let keyed = svc.scope(&Scope::access_key("us-west-2", "AKID/ONE")).unwrap();
        create(&keyed, "mine");
        put(&keyed, "mine", "k");
        // Half the scopes checkpointed, the rest only in the log.
        svc.region("us-west-2").unwrap().store.checkpoint().unwrap();
    }
    let svc = Service::open(config()).unwrap();
    assert_eq!(tables(&svc), vec!["home"]);
    let west = svc.region("us-west-2").unwrap();
    assert_eq!(count(&west, "orders"), 2);
    let arn = call(&west, "DescribeTable", json!({"TableName": "orders"}))["Table"]["TableArn"].clone();
    assert_eq!(arn, "arn:aws:dynamodb:us-west-2:000000000000:table/orders");
    let keyed = svc.scope(&Scope::access_key("us-west-2", "AKID/ONE")).unwrap();
    assert_eq!(tables(&keyed), vec!["mine"]);
    assert_eq!(
        svc.scopes(),
        vec![
            Scope::region("us-east-1"),
            Scope::region("us-west-2"),
            Scope::access_key("us-west-2", "AKID/ONE")
        ]
    );
    // A restore written as checkpoints in each scope survives a restart too.
    let snap = svc.snapshot();
    put(&west, "orders", "w3");
    svc.restore(&snap);
    drop((west, keyed));
    drop(svc);
    let svc = Service::open(config()).unwrap();
    assert_eq!(count(&svc.region("us-west-2").unwrap(), "orders"), 2);
    // A fork of a durable emulator is in memory: its scopes write nothing.
    let fork = svc.fork();
    create(&fork.region("eu-west-3").unwrap(), "xyz");
    assert!(!dir.join("scopes").join("eu-west-3").exists());
    drop(svc);
    // The top level is the default region's: another default is refused.
    let e = Service::open(Config { region: "us-west-2".into(), ..config() }).unwrap_err();
    assert!(e.to_string().contains("keeps region us-east-1 as its default region"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exports_and_imports_are_kept_and_named_per_region() {
    let s3 = temp_dir("s3");
    std::fs::create_dir_all(s3.join("bucket")).unwrap();
    let svc = Service::new(Config { s3_dir: Some(s3.clone()), ..Config::default() });
    svc.clock.set_ms(1_800_000_000_000);
    let west = svc.region("us-west-2").unwrap();
    create(&west, "tbl");
    call(
        &west,
        "UpdateContinuousBackups",
        json!({"TableName": "tbl",
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
    );
    put(&west, "tbl", "a");
    svc.clock.set_ms(1_800_000_060_000);
    let arn = "arn:aws:dynamodb:us-west-2:000000000000:table/tbl";
    let out = call(&west, "ExportTableToPointInTime", json!({"TableArn": arn, "S3Bucket": "bucket"}));
    let export_arn = out["ExportDescription"]["ExportArn"].as_str().unwrap();
    assert!(export_arn.starts_with(&format!("{arn}/export/")), "{export_arn}");
    // The default region neither lists it nor can export that table.
    assert_eq!(call(&svc, "ListExports", json!({}))["ExportSummaries"], json!([]));
    assert!(svc.call("ExportTableToPointInTime", &json!({"TableArn": arn, "S3Bucket": "bucket"})).is_err());
    assert_eq!(call(&west, "ListExports", json!({}))["ExportSummaries"].as_array().map(Vec::len), Some(1));
    let _ = std::fs::remove_dir_all(&s3);
}

#[test]
fn a_read_does_not_create_a_scope_or_its_folder() {
    let dir = temp_dir("reads");
    let svc = Service::open(Config { data_dir: Some(dir.clone()), ..Config::default() }).unwrap();
    let ctx =
        crate::http::RequestContext { access_key_id: None, region: Some("eu-south-1"), verified: false };
    let read = crate::http::scope_to_read(&svc, &ctx).unwrap();
    assert_eq!(tables(&read), Vec::<String>::new());
    assert_eq!(read.own_scope(), Scope::region("eu-south-1"));
    drop(read);
    assert_eq!(svc.scopes(), vec![Scope::region("us-east-1")]);
    assert!(!dir.join("scopes").join("eu-south-1").exists());
    // A write creates it; reads then see it.
    create(&crate::http::scope_of(&svc, &ctx).unwrap(), "tbl");
    assert!(dir.join("scopes").join("eu-south-1").is_dir());
    assert_eq!(tables(&crate::http::scope_to_read(&svc, &ctx).unwrap()), vec!["tbl"]);
    drop(svc);
    let _ = std::fs::remove_dir_all(&dir);
}
