//! Durable mode (`Config::data_dir`): what is acknowledged survives a
//! restart, torn log tails are cut, one process per directory, versioned
//! formats. The crash test (kill -9 of the binary under load) is in
//! `durable_crash.rs`.

use ddb_emulator::durable::{frame, Options, SyncPolicy};
use ddb_emulator::{Config, Service};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("ddb-durable-{name}-{}-{}", std::process::id(), fastrand_u64()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn fastrand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(0u8)
}

fn config(dir: &Path, sync: SyncPolicy) -> Config {
    Config {
        data_dir: Some(dir.to_path_buf()),
        durability: Options { sync, ..Options::default() },
        ..Config::default()
    }
}

fn open(dir: &Path) -> Service {
    Service::open(config(dir, SyncPolicy::Never)).expect("open the data directory")
}

fn call(svc: &Service, op: &str, body: Value) -> Value {
    let out = svc.call(op, &body).unwrap_or_else(|e| panic!("{op}: {e}"));
    serde_json::from_slice(&out).unwrap()
}

fn create_table(svc: &Service) {
    call(
        svc,
        "CreateTable",
        json!({"TableName": "orders", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"}, {"AttributeName": "status", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [{"IndexName": "by_status",
                "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"}}],
            "Tags": [{"Key": "team", "Value": "billing"}]}),
    );
}

fn put(svc: &Service, pk: &str, sk: u32, status: &str) {
    call(
        svc,
        "PutItem",
        json!({"TableName": "orders", "Item": {"pk": {"S": pk}, "sk": {"N": sk.to_string()}, "status": {"S": status}}}),
    );
}

/// Everything a test compares across a restart: tables, descriptions
/// (minus what changes by itself), items in key order, the index.
fn state(svc: &Service) -> Value {
    let tables = call(svc, "ListTables", json!({}));
    let mut out = vec![tables.clone()];
    for name in tables["TableNames"].as_array().unwrap() {
        let mut desc = call(svc, "DescribeTable", json!({"TableName": name}));
        desc["Table"].as_object_mut().unwrap().remove("CreationDateTime");
        out.push(desc);
        out.push(call(svc, "Scan", json!({"TableName": name})));
        out.push(call(svc, "DescribeTimeToLive", json!({"TableName": name})));
    }
    if tables["TableNames"].as_array().unwrap().iter().any(|n| n == "orders") {
        out.push(call(
            svc,
            "Query",
            json!({"TableName": "orders", "IndexName": "by_status", "KeyConditionExpression": "#s = :s",
                "ExpressionAttributeNames": {"#s": "status"}, "ExpressionAttributeValues": {":s": {"S": "open"}}}),
        ));
        let arn = call(svc, "DescribeTable", json!({"TableName": "orders"}))["Table"]["TableArn"].clone();
        out.push(call(svc, "ListTagsOfResource", json!({"ResourceArn": arn})));
    }
    Value::Array(out)
}

fn a_day_of_writes(svc: &Service) {
    create_table(svc);
    for i in 0..50 {
        put(svc, &format!("c{}", i % 7), i, if i % 3 == 0 { "open" } else { "closed" });
    }
    call(
        svc,
        "UpdateItem",
        json!({"TableName": "orders", "Key": {"pk": {"S": "c1"}, "sk": {"N": "1"}},
            "UpdateExpression": "SET amount = :t ADD seen :one",
            "ExpressionAttributeValues": {":t": {"N": "12.50"}, ":one": {"N": "1"}}}),
    );
    call(svc, "DeleteItem", json!({"TableName": "orders", "Key": {"pk": {"S": "c2"}, "sk": {"N": "2"}}}));
    call(
        svc,
        "TransactWriteItems",
        json!({"TransactItems": [
            {"Put": {"TableName": "orders", "Item": {"pk": {"S": "t"}, "sk": {"N": "1"}, "status": {"S": "open"}}}},
            {"Delete": {"TableName": "orders", "Key": {"pk": {"S": "c3"}, "sk": {"N": "3"}}}}]}),
    );
    call(
        svc,
        "BatchWriteItem",
        json!({"RequestItems": {"orders": [
            {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "1"}, "status": {"S": "open"}}}},
            {"DeleteRequest": {"Key": {"pk": {"S": "c4"}, "sk": {"N": "4"}}}}]}}),
    );
    call(
        svc,
        "UpdateTimeToLive",
        json!({"TableName": "orders", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "expires"}}),
    );
    call(
        svc,
        "CreateTable",
        json!({"TableName": "gone", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
    );
    call(svc, "PutItem", json!({"TableName": "gone", "Item": {"id": {"S": "x"}}}));
    call(svc, "DeleteTable", json!({"TableName": "gone"}));
}

#[test]
fn everything_acknowledged_survives_a_restart_from_the_log_alone() {
    let dir = temp_dir("log");
    let before = {
        let svc = open(&dir);
        a_day_of_writes(&svc);
        state(&svc)
    };
    let svc = open(&dir);
    assert_eq!(state(&svc), before);
    // And it goes on from there.
    put(&svc, "after", 1, "open");
    drop(svc);
    let svc = open(&dir);
    assert_eq!(call(&svc, "Scan", json!({"TableName": "orders", "Select": "COUNT"}))["Count"], 50);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_checkpoint_replaces_the_log_before_it() {
    let dir = temp_dir("checkpoint");
    let before = {
        let svc = open(&dir);
        a_day_of_writes(&svc);
        assert!(svc.store.checkpoint().unwrap());
        // Written after the checkpoint: only in the new log segment.
        put(&svc, "late", 9, "open");
        state(&svc)
    };
    let names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(names.iter().filter(|n| n.ends_with(".ckp")).count(), 1, "{names:?}");
    // The new segment and the spare made ahead of time for the next one.
    assert_eq!(names.iter().filter(|n| n.ends_with(".log")).count(), 2, "the old segment is gone: {names:?}");
    let svc = open(&dir);
    assert_eq!(state(&svc), before);
    std::fs::remove_dir_all(dir).unwrap();
}

/// The first log segment (the next one is a spare, still empty).
fn segment(dir: &Path) -> PathBuf {
    let mut logs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    logs.sort();
    logs.into_iter().next().expect("a log segment")
}

#[test]
fn a_torn_tail_is_cut_at_every_byte_offset_of_the_last_record() {
    let dir = temp_dir("torn");
    let (without_last, with_last) = {
        let svc = open(&dir);
        create_table(&svc);
        put(&svc, "a", 1, "open");
        let without_last = state(&svc);
        put(&svc, "a", 2, "open");
        (without_last, state(&svc))
    };
    let path = segment(&dir);
    let whole = std::fs::read(&path).unwrap();
    let (records, _) = frame::records(&whole[frame::HEADER_LEN..]);
    let last_len = records.last().unwrap().len() + frame::RECORD_HEADER_LEN;
    let last_start = whole.len() - last_len;
    for cut in last_start..whole.len() {
        std::fs::write(&path, &whole[..cut]).unwrap();
        let svc = open(&dir);
        assert_eq!(state(&svc), without_last, "cut at byte {cut}");
        drop(svc);
        // Recovery cut the file back to its last whole record.
        assert_eq!(std::fs::metadata(&path).unwrap().len() as usize, last_start, "cut at byte {cut}");
    }
    // Whole again: the last write is back; after a cut, writes go on.
    std::fs::write(&path, &whole).unwrap();
    assert_eq!(state(&open(&dir)), with_last);
    std::fs::write(&path, &whole[..whole.len() - 1]).unwrap();
    {
        let svc = open(&dir);
        put(&svc, "a", 3, "open");
    }
    let svc = open(&dir);
    assert_eq!(call(&svc, "Scan", json!({"TableName": "orders", "Select": "COUNT"}))["Count"], 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn one_process_per_directory_and_the_holder_is_named() {
    let dir = temp_dir("lock");
    let first = open(&dir);
    let err = Service::open(config(&dir, SyncPolicy::Never)).expect_err("the directory is taken");
    let text = err.to_string();
    assert!(text.contains("in use by process"), "{text}");
    assert!(text.contains(&std::process::id().to_string()), "{text}");
    drop(first);
    // Released with its holder.
    open(&dir);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_log_of_another_format_version_is_refused_with_a_clear_error() {
    let dir = temp_dir("version");
    {
        let svc = open(&dir);
        create_table(&svc);
    }
    let path = segment(&dir);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[8] = 99;
    std::fs::write(&path, &bytes).unwrap();
    let text = Service::open(config(&dir, SyncPolicy::Never)).expect_err("refused").to_string();
    assert!(text.contains("format version 99"), "{text}");
    assert!(text.contains("reads versions 2 to 3"), "{text}");
    // Version 1 (before streams, histories and TTL removals were kept) is
    // refused too: its files do not say what this build needs.
    bytes[8..10].copy_from_slice(&1u16.to_le_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let text = Service::open(config(&dir, SyncPolicy::Never)).expect_err("refused").to_string();
    assert!(text.contains("format version 1, this build reads versions 2 to 3"), "{text}");
    bytes[..8].copy_from_slice(b"NOTALOG!");
    std::fs::write(&path, &bytes).unwrap();
    let text = Service::open(config(&dir, SyncPolicy::Never)).expect_err("refused").to_string();
    assert!(text.contains("not a ddb-emulator log file"), "{text}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn every_sync_policy_keeps_what_it_acknowledged() {
    for sync in [SyncPolicy::Always, SyncPolicy::default(), SyncPolicy::Never] {
        let dir = temp_dir("sync");
        let before = {
            let svc = Service::open(config(&dir, sync)).unwrap();
            create_table(&svc);
            std::thread::scope(|s| {
                for t in 0..4 {
                    let svc = &svc;
                    s.spawn(move || (0..25).for_each(|i| put(svc, &format!("w{t}"), i, "open")));
                }
            });
            state(&svc)
        };
        let svc = open(&dir);
        assert_eq!(state(&svc), before, "{sync:?}");
        assert_eq!(call(&svc, "Scan", json!({"TableName": "orders", "Select": "COUNT"}))["Count"], 100);
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn in_memory_mode_writes_nothing() {
    let svc = Service::open(Config::default()).unwrap();
    create_table(&svc);
    assert!(!svc.store.checkpoint().unwrap());
}

#[test]
fn backups_and_recovery_settings_survive_restarts_from_the_log_and_from_a_checkpoint() {
    for checkpoint in [false, true] {
        let dir = temp_dir("backups");
        let arn = {
            let svc = open(&dir);
            create_table(&svc);
            put(&svc, "a", 1, "open");
            let out = call(&svc, "CreateBackup", json!({"TableName": "orders", "BackupName": "before-b"}));
            put(&svc, "b", 2, "open");
            let gone = call(&svc, "CreateBackup", json!({"TableName": "orders", "BackupName": "deleted"}));
            call(&svc, "DeleteBackup", json!({"BackupArn": gone["BackupDetails"]["BackupArn"]}));
            call(
                &svc,
                "UpdateContinuousBackups",
                json!({"TableName": "orders", "PointInTimeRecoverySpecification": {
                    "PointInTimeRecoveryEnabled": true, "RecoveryPeriodInDays": 7}}),
            );
            if checkpoint {
                assert!(svc.store.checkpoint().unwrap());
            }
            out["BackupDetails"]["BackupArn"].as_str().unwrap().to_string()
        };
        let svc = open(&dir);
        let listed = call(&svc, "ListBackups", json!({}));
        let names: Vec<&str> = listed["BackupSummaries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["BackupName"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["before-b"], "checkpoint: {checkpoint}");
        call(&svc, "RestoreTableFromBackup", json!({"TargetTableName": "restored", "BackupArn": arn}));
        let count = call(&svc, "Scan", json!({"TableName": "restored", "Select": "COUNT"}))["Count"].clone();
        assert_eq!(count, 1, "the backup holds the table as it was: checkpoint {checkpoint}");
        let pitr = call(&svc, "DescribeContinuousBackups", json!({"TableName": "orders"}));
        let d = &pitr["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"];
        assert_eq!(d["PointInTimeRecoveryStatus"], "ENABLED");
        assert_eq!(d["RecoveryPeriodInDays"], 7);
        // Restorable again from the restart on.
        call(
            &svc,
            "RestoreTableToPointInTime",
            json!({"SourceTableName": "orders", "TargetTableName": "latest", "UseLatestRestorableTime": true}),
        );
        assert_eq!(call(&svc, "Scan", json!({"TableName": "latest", "Select": "COUNT"}))["Count"], 2);
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn a_restored_snapshot_is_what_a_restart_finds() {
    let dir = temp_dir("restore");
    {
        let svc = open(&dir);
        create_table(&svc);
        put(&svc, "kept", 1, "open");
        let snapshot = svc.snapshot();
        put(&svc, "rolled-back", 2, "open");
        svc.restore(&snapshot);
        // A write after the restore follows it in the log.
        put(&svc, "after", 3, "open");
    }
    let svc = open(&dir);
    let scan = call(&svc, "Scan", json!({"TableName": "orders"}));
    let mut keys: Vec<&str> =
        scan["Items"].as_array().unwrap().iter().map(|i| i["pk"]["S"].as_str().unwrap()).collect();
    keys.sort();
    assert_eq!(keys, ["after", "kept"]);
    std::fs::remove_dir_all(dir).unwrap();
}

fn streams(svc: &Service, op: &str, body: Value) -> Value {
    let out = svc.call_streams(op, &body).unwrap_or_else(|e| panic!("{op}: {e}"));
    serde_json::from_slice(&out).unwrap()
}

/// A stream's shards and every record each holds from TRIM_HORIZON, and
/// the iterator after the last shard's records.
fn stream_contents(svc: &Service, arn: &str) -> (Value, Vec<Value>, String) {
    let desc = streams(svc, "DescribeStream", json!({"StreamArn": arn}));
    let mut records = Vec::new();
    let mut next = String::new();
    for shard in desc["StreamDescription"]["Shards"].as_array().unwrap() {
        let it = streams(
            svc,
            "GetShardIterator",
            json!({"StreamArn": arn, "ShardId": shard["ShardId"], "ShardIteratorType": "TRIM_HORIZON"}),
        );
        let out = streams(svc, "GetRecords", json!({"ShardIterator": it["ShardIterator"]}));
        records.extend(out["Records"].as_array().unwrap().iter().cloned());
        next = out["NextShardIterator"].as_str().unwrap_or_default().to_string();
    }
    (desc, records, next)
}

#[test]
fn streams_keep_their_shards_records_and_iterators_across_restarts() {
    for checkpoint in [false, true] {
        let dir = temp_dir("streams");
        // Shards roll over every millisecond: a restart must give them the
        // same ids and sequence numbers.
        let config = || Config {
            stream_shard_rollover: std::time::Duration::from_millis(1),
            ..config(&dir, SyncPolicy::Never)
        };
        let (arn, before, old_stream) = {
            let svc = Service::open(config()).unwrap();
            call(
                &svc,
                "CreateTable",
                json!({"TableName": "events", "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}}),
            );
            call(&svc, "PutItem", json!({"TableName": "events", "Item": {"id": {"S": "early"}}}));
            let first = call(&svc, "DescribeTable", json!({"TableName": "events"}))["Table"]
                ["LatestStreamArn"]
                .clone();
            // A new stream (another view type): the first stays readable, disabled.
            call(
                &svc,
                "UpdateTable",
                json!({"TableName": "events", "StreamSpecification": {"StreamEnabled": false}}),
            );
            call(
                &svc,
                "UpdateTable",
                json!({"TableName": "events", "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"}}),
            );
            for i in 0..6 {
                call(
                    &svc,
                    "PutItem",
                    json!({"TableName": "events", "Item": {"id": {"S": format!("k{}", i % 3)}, "n": {"N": i.to_string()}}}),
                );
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            call(&svc, "DeleteItem", json!({"TableName": "events", "Key": {"id": {"S": "k0"}}}));
            call(
                &svc,
                "TransactWriteItems",
                json!({"TransactItems": [
                    {"Put": {"TableName": "events", "Item": {"id": {"S": "t1"}}}},
                    {"Delete": {"TableName": "events", "Key": {"id": {"S": "k1"}}}}]}),
            );
            let arn = call(&svc, "DescribeTable", json!({"TableName": "events"}))["Table"]["LatestStreamArn"]
                .as_str()
                .unwrap()
                .to_string();
            if checkpoint {
                assert!(svc.store.checkpoint().unwrap());
            }
            let old = stream_contents(&svc, first.as_str().unwrap());
            let contents = stream_contents(&svc, &arn);
            (arn, contents, (first, old))
        };
        let (desc, records, next) = &before;
        assert!(desc["StreamDescription"]["Shards"].as_array().unwrap().len() > 1, "shards rolled over");
        assert_eq!(records.len(), 9);
        let svc = Service::open(config()).unwrap();
        let after = stream_contents(&svc, &arn);
        assert_eq!(after.0, before.0, "checkpoint: {checkpoint}");
        assert_eq!(after.1, before.1, "checkpoint: {checkpoint}");
        assert_eq!(stream_contents(&svc, old_stream.0.as_str().unwrap()).1, old_stream.1 .1);
        let listed = streams(&svc, "ListStreams", json!({"TableName": "events"}));
        assert_eq!(listed["Streams"].as_array().unwrap().len(), 2);
        // New writes continue the stream, and an iterator handed out before
        // the restart reads on from where it was.
        call(&svc, "PutItem", json!({"TableName": "events", "Item": {"id": {"S": "after"}}}));
        let (_, all, _) = stream_contents(&svc, &arn);
        assert_eq!(all.len(), 10);
        assert_eq!(&all[..9], &before.1[..]);
        assert_eq!(all[9]["dynamodb"]["Keys"]["id"]["S"], "after");
        let seq = |r: &Value| r["dynamodb"]["SequenceNumber"].as_str().unwrap().parse::<u128>().unwrap();
        assert!(seq(&all[9]) > seq(&all[8]));
        // (The new record is in that shard, or in a child if it rolled over.)
        assert!(!next.is_empty());
        let out = streams(&svc, "GetRecords", json!({"ShardIterator": next}));
        for r in out["Records"].as_array().unwrap() {
            assert_eq!(r["dynamodb"]["Keys"]["id"]["S"], "after");
        }
        drop(svc);
        // And a second restart (now with a checkpoint or the longer log) agrees.
        let svc = Service::open(config()).unwrap();
        assert_eq!(stream_contents(&svc, &arn).1, all);
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn point_in_time_recovery_reaches_back_before_a_restart() {
    for checkpoint in [false, true] {
        let dir = temp_dir("pitr");
        let hour_ago = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis()
            as u64
            - 3_600_000;
        let (earliest, times) = {
            let svc = open(&dir);
            svc.clock.set_ms(hour_ago);
            create_table(&svc);
            call(
                &svc,
                "UpdateContinuousBackups",
                json!({"TableName": "orders", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
            );
            let mut times = Vec::new();
            for i in 0..3 {
                svc.clock.advance(std::time::Duration::from_secs(2));
                put(&svc, &format!("p{i}"), i, "open");
                times.push(svc.clock.now_ms() as f64 / 1000.0);
                if checkpoint && i == 1 {
                    assert!(svc.store.checkpoint().unwrap());
                }
            }
            svc.clock.advance(std::time::Duration::from_secs(2));
            call(
                &svc,
                "DeleteItem",
                json!({"TableName": "orders", "Key": {"pk": {"S": "p0"}, "sk": {"N": "0"}}}),
            );
            if checkpoint {
                assert!(svc.store.checkpoint().unwrap());
            }
            let d = call(&svc, "DescribeContinuousBackups", json!({"TableName": "orders"}));
            (
                d["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
                    ["EarliestRestorableDateTime"]
                    .clone(),
                times,
            )
        };
        let svc = open(&dir);
        let d = call(&svc, "DescribeContinuousBackups", json!({"TableName": "orders"}));
        assert_eq!(
            d["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["EarliestRestorableDateTime"],
            earliest,
            "the window does not restart: checkpoint {checkpoint}"
        );
        for (i, at) in times.iter().enumerate() {
            let target = format!("at{i}");
            call(
                &svc,
                "RestoreTableToPointInTime",
                json!({"SourceTableName": "orders", "TargetTableName": target, "RestoreDateTime": at}),
            );
            let count = call(&svc, "Scan", json!({"TableName": target, "Select": "COUNT"}))["Count"].clone();
            assert_eq!(count, i + 1, "restored to before the restart: checkpoint {checkpoint}, time {i}");
        }
        call(
            &svc,
            "RestoreTableToPointInTime",
            json!({"SourceTableName": "orders", "TargetTableName": "latest", "UseLatestRestorableTime": true}),
        );
        assert_eq!(call(&svc, "Scan", json!({"TableName": "latest", "Select": "COUNT"}))["Count"], 2);
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn the_next_log_segment_is_made_ahead_of_time_and_a_rotation_only_switches_to_it() {
    use std::os::unix::fs::MetadataExt;
    let dir = temp_dir("spare");
    let names = || {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with("wal-") || n.starts_with("checkpoint-"))
            .collect();
        names.sort();
        names
    };
    let inode = |name: &str| std::fs::metadata(dir.join(name)).unwrap().ino();
    let before = {
        let svc = open(&dir);
        create_table(&svc);
        assert_eq!(names(), [format!("wal-{:020}.log", 0), format!("wal-{:020}.log", 1)]);
        // Header only (then the space reserved for its records: zeros).
        let spare = std::fs::read(dir.join(format!("wal-{:020}.log", 1))).unwrap();
        assert_eq!(frame::records(&spare[frame::HEADER_LEN..]).1, 0, "no record");
        assert_eq!(frame::torn_len(&spare[frame::HEADER_LEN..]), 0, "the rest is zeros");
        let spare = inode(&format!("wal-{:020}.log", 1));
        assert!(svc.store.checkpoint().unwrap());
        // The spare became segment 1 (same file), and segment 2's spare is ready.
        assert_eq!(
            names(),
            [format!("checkpoint-{:020}.ckp", 1), format!("wal-{:020}.log", 1), format!("wal-{:020}.log", 2)]
        );
        assert_eq!(inode(&format!("wal-{:020}.log", 1)), spare);
        put(&svc, "after", 1, "open");
        state(&svc)
    };
    // A restart appends to segment 1 again (the empty spare after it is as
    // if absent) and makes the spare again: restarts do not pile them up.
    let svc = open(&dir);
    assert_eq!(state(&svc), before);
    assert_eq!(
        names(),
        [format!("checkpoint-{:020}.ckp", 1), format!("wal-{:020}.log", 1), format!("wal-{:020}.log", 2)]
    );
    drop(svc);
    std::fs::remove_dir_all(dir).unwrap();
}

fn typed<T: serde::de::DeserializeOwned>(body: Value) -> T {
    serde_json::from_value(body).unwrap()
}

fn json_of<T: serde::Serialize>(out: T) -> Value {
    serde_json::to_value(out).unwrap()
}

#[test]
fn exports_imports_and_their_client_tokens_survive_restarts() {
    use ddb_emulator::{
        DescribeExport, DescribeImport, ExportTableToPointInTime, ImportTable, ListExports, ListImports,
    };
    for checkpoint in [false, true] {
        let dir = temp_dir("jobs");
        let s3 = temp_dir("jobs-s3");
        std::fs::create_dir_all(s3.join("bucket")).unwrap();
        let config = || Config { s3_dir: Some(s3.clone()), ..config(&dir, SyncPolicy::Never) };
        let export = |arn: &Value, token: &str, prefix: &str| -> ExportTableToPointInTime {
            typed(json!({"TableArn": arn, "S3Bucket": "bucket", "S3Prefix": prefix, "ClientToken": token}))
        };
        let import = json!({"S3BucketSource": {"S3Bucket": "bucket", "S3KeyPrefix": "first"},
            "InputFormat": "DYNAMODB_JSON", "InputCompressionType": "GZIP", "ClientToken": "import-token",
            "TableCreationParameters": {"TableName": "imported", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                    {"AttributeName": "sk", "AttributeType": "N"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]}});
        let lists = |svc: &Service| {
            let exports = json_of(svc.list_exports(typed::<ListExports>(json!({}))).unwrap());
            let imports = json_of(svc.list_imports(typed::<ListImports>(json!({}))).unwrap());
            (exports, imports)
        };
        let retried_import;
        let (table_arn, export_arn, import_arn, before) = {
            let svc = Service::open(config()).unwrap();
            create_table(&svc);
            put(&svc, "a", 1, "open");
            call(
                &svc,
                "UpdateContinuousBackups",
                json!({"TableName": "orders", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
            );
            let table_arn =
                call(&svc, "DescribeTable", json!({"TableName": "orders"}))["Table"]["TableArn"].clone();
            let out = json_of(
                svc.export_table_to_point_in_time(export(&table_arn, "export-token", "first")).unwrap(),
            );
            let export_arn = out["ExportDescription"]["ExportArn"].clone();
            let files = std::fs::read_dir(s3.join("bucket/first/AWSDynamoDB"))
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path();
            // Import what was exported: its data files.
            let mut import = import.clone();
            import["S3BucketSource"]["S3KeyPrefix"] =
                json!(format!("first/AWSDynamoDB/{}/data", files.file_name().unwrap().to_str().unwrap()));
            let out = json_of(svc.import_table(typed::<ImportTable>(import.clone())).unwrap());
            let import_arn = out["ImportTableDescription"]["ImportArn"].clone();
            retried_import = import;
            if checkpoint {
                assert!(svc.store.checkpoint().unwrap());
            }
            (table_arn, export_arn, import_arn, lists(&svc))
        };
        assert_eq!(before.0["ExportSummaries"].as_array().unwrap().len(), 1);
        assert_eq!(before.1["ImportSummaryList"].as_array().unwrap().len(), 1);
        let svc = Service::open(config()).unwrap();
        assert_eq!(lists(&svc), before, "checkpoint: {checkpoint}");
        let described =
            json_of(svc.describe_export(typed::<DescribeExport>(json!({"ExportArn": export_arn}))).unwrap());
        assert_eq!(described["ExportDescription"]["ExportStatus"], "COMPLETED");
        let described =
            json_of(svc.describe_import(typed::<DescribeImport>(json!({"ImportArn": import_arn}))).unwrap());
        assert_eq!(described["ImportTableDescription"]["ImportStatus"], "COMPLETED");
        assert_eq!(described["ImportTableDescription"]["ImportedItemCount"], 1);
        // A retry with the same token and request is the same export; with
        // another request, a mismatch.
        let again =
            json_of(svc.export_table_to_point_in_time(export(&table_arn, "export-token", "first")).unwrap());
        assert_eq!(again["ExportDescription"]["ExportArn"], export_arn);
        let err = svc.export_table_to_point_in_time(export(&table_arn, "export-token", "other")).unwrap_err();
        assert_eq!(format!("{:?}", err.kind), "ExportConflict", "{err}");
        assert_eq!(lists(&svc).0["ExportSummaries"].as_array().unwrap().len(), 1);
        let again = json_of(svc.import_table(typed::<ImportTable>(retried_import)).unwrap());
        assert_eq!(again["ImportTableDescription"]["ImportArn"], import_arn);
        assert_eq!(lists(&svc), before);
        std::fs::remove_dir_all(dir).unwrap();
        std::fs::remove_dir_all(s3).unwrap();
    }
}

#[test]
fn transaction_client_tokens_are_honoured_across_restarts() {
    for checkpoint in [false, true] {
        let dir = temp_dir("tokens");
        let bump = |token: &str, by: &str| {
            json!({"ClientRequestToken": token, "TransactItems": [{"Update": {"TableName": "orders",
                "Key": {"pk": {"S": "counter"}, "sk": {"N": "0"}},
                "UpdateExpression": "ADD n :by", "ExpressionAttributeValues": {":by": {"N": by}}}}]})
        };
        let count = |svc: &Service| {
            call(
                svc,
                "GetItem",
                json!({"TableName": "orders", "Key": {"pk": {"S": "counter"}, "sk": {"N": "0"}}}),
            )["Item"]["n"]["N"]
                .clone()
        };
        {
            let svc = open(&dir);
            create_table(&svc);
            call(&svc, "TransactWriteItems", bump("first", "1"));
            if checkpoint {
                assert!(svc.store.checkpoint().unwrap());
            }
            call(&svc, "TransactWriteItems", bump("second", "10"));
            // A retry before the restart is not applied again.
            call(&svc, "TransactWriteItems", bump("second", "10"));
            assert_eq!(count(&svc), "11");
        }
        let svc = open(&dir);
        // Retries after the restart are answered, not applied again.
        call(&svc, "TransactWriteItems", bump("first", "1"));
        call(&svc, "TransactWriteItems", bump("second", "10"));
        assert_eq!(count(&svc), "11", "checkpoint: {checkpoint}");
        // The same token with another request is a mismatch.
        let err = svc.call("TransactWriteItems", &bump("first", "2")).unwrap_err();
        assert_eq!(format!("{:?}", err.kind), "IdempotentParameterMismatch", "{err}");
        // A new token applies.
        call(&svc, "TransactWriteItems", bump("third", "100"));
        assert_eq!(count(&svc), "111");
        // Ten minutes after its first use a token is forgotten.
        svc.clock.advance(std::time::Duration::from_secs(601));
        call(&svc, "TransactWriteItems", bump("first", "1"));
        assert_eq!(count(&svc), "112");
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn ttl_removals_and_deleted_tables_streams_survive_restarts() {
    for checkpoint in [false, true] {
        let dir = temp_dir("ttl-streams");
        let create = |svc: &Service, name: &str| {
            call(
                svc,
                "CreateTable",
                json!({"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                    "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"}}),
            );
        };
        let stream_of = |svc: &Service, name: &str| {
            call(svc, "DescribeTable", json!({"TableName": name}))["Table"]["LatestStreamArn"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let (live, gone, before_live, before_gone) = {
            let svc = open(&dir);
            create(&svc, "live");
            call(
                &svc,
                "UpdateTimeToLive",
                json!({"TableName": "live", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}),
            );
            let expired = svc.clock.now_ms() / 1000 - 10;
            call(
                &svc,
                "PutItem",
                json!({"TableName": "live", "Item": {"id": {"S": "old"}, "exp": {"N": expired.to_string()}}}),
            );
            assert_eq!(svc.sweep_ttl(), 1);
            create(&svc, "gone");
            call(&svc, "PutItem", json!({"TableName": "gone", "Item": {"id": {"S": "x"}}}));
            let (live, gone) = (stream_of(&svc, "live"), stream_of(&svc, "gone"));
            call(&svc, "DeleteTable", json!({"TableName": "gone"}));
            if checkpoint {
                assert!(svc.store.checkpoint().unwrap());
            }
            let (before_live, before_gone) = (stream_contents(&svc, &live), stream_contents(&svc, &gone));
            (live, gone, before_live, before_gone)
        };
        // The TTL removal is still the service's (userIdentity).
        let removal = &before_live.1[1];
        assert_eq!(removal["eventName"], "REMOVE");
        assert_eq!(removal["userIdentity"]["PrincipalId"], "dynamodb.amazonaws.com");
        assert_eq!(before_gone.0["StreamDescription"]["StreamStatus"], "DISABLED");
        let svc = open(&dir);
        assert_eq!(stream_contents(&svc, &live).1, before_live.1, "checkpoint: {checkpoint}");
        let after_gone = stream_contents(&svc, &gone);
        assert_eq!(after_gone.0, before_gone.0, "checkpoint: {checkpoint}");
        assert_eq!(after_gone.1, before_gone.1, "checkpoint: {checkpoint}");
        let listed = streams(&svc, "ListStreams", json!({}));
        let arns: Vec<&str> =
            listed["Streams"].as_array().unwrap().iter().map(|s| s["StreamArn"].as_str().unwrap()).collect();
        assert!(arns.contains(&gone.as_str()) && arns.contains(&live.as_str()), "{arns:?}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}

/// What a killed process leaves behind: log segments longer than their
/// records (the space the log had reserved ahead of them, zeros). A copy of
/// the directory taken while the service runs opens with every write, and
/// recovery reports no torn tail; the segment it goes on appending to maps
/// again (the file grows past its records once more).
#[test]
fn a_directory_copied_while_running_recovers_everything_without_a_cut() {
    let dir = temp_dir("padded");
    let copy = temp_dir("padded-copy");
    let svc = open(&dir);
    create_table(&svc);
    for sk in 0..50 {
        put(&svc, "a", sk, "open");
    }
    let expected = state(&svc);
    std::fs::create_dir_all(&copy).unwrap();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "log" || e == "ckp") {
            std::fs::copy(&path, copy.join(path.file_name().unwrap())).unwrap();
        }
    }
    drop(svc);
    let log = std::fs::read(segment(&copy)).unwrap();
    let (records, len) = frame::records(&log[frame::HEADER_LEN..]);
    assert!(records.len() >= 51, "the table and the puts");
    if ddb_emulator::durable::mapped::used_in(&copy) {
        assert!(log.len() > frame::HEADER_LEN + len, "reserved space past the records, as a crash leaves it");
    }
    assert_eq!(frame::torn_len(&log[frame::HEADER_LEN + len..]), 0);
    let settings = ddb_emulator::store::stream::StreamSettings {
        clock: std::sync::Arc::new(ddb_emulator::Clock::system()),
        transition_ms: 0,
        rollover_ms: 4 * 3600 * 1000,
    };
    let (durable, _, recovery) =
        ddb_emulator::durable::Durable::open(&copy, Options::default(), settings).expect("recovered");
    assert_eq!(recovery.cut_bytes, 0, "zeros are not a torn record");
    assert!(recovery.replayed >= 51);
    drop(durable);
    let svc = open(&copy);
    assert_eq!(state(&svc), expected);
    put(&svc, "b", 1, "after");
    if ddb_emulator::durable::mapped::used_in(&copy) {
        let log = std::fs::read(segment(&copy)).unwrap();
        let (_, len) = frame::records(&log[frame::HEADER_LEN..]);
        assert!(log.len() > frame::HEADER_LEN + len, "the reopened log appends through a window again");
    }
    drop(svc);
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(copy).unwrap();
}
