//! The DynamoDB Streams API (`DynamoDBStreams_20120810.<Op>`): ListStreams,
//! DescribeStream, GetShardIterator and GetRecords, on the same endpoint as
//! DynamoDB.
//!
//! The change log itself lives in the store ([`crate::store::stream`]);
//! these operations are `Read` commands on a snapshot, like Query and
//! Scan, and never change it. Each has a typed input and a typed call
//! (the embedding API: `svc.get_records(GetRecords::new(iterator))`); the
//! wire reaches them through `Service::call_streams` (in `http/`) after
//! the Streams model's validation.
//! [`changes`] follows a table's changes across shards for Rust tests.

pub mod changes;
pub mod describe_stream;
pub mod get_records;
pub mod get_shard_iterator;
pub mod iterator;
pub mod list_streams;

use crate::clock::Clock;
use crate::error::{messages, Error, Result};
use crate::ops::command::{self, Ctx};
use crate::service::{Command, Service};
use crate::store::stream::{table_of_arn, StreamLog, StreamSettings};
use crate::store::Db;
use std::sync::Arc;

pub use changes::{ChangeFeed, ChangeStream, StartAt};
pub use describe_stream::{DescribeStream, DescribeStreamOutput};
pub use get_records::{GetRecords, GetRecordsOutput, StreamRecord};
pub use get_shard_iterator::{GetShardIterator, GetShardIteratorOutput, ShardIteratorType};
pub use list_streams::{ListStreams, ListStreamsOutput};

/// The Streams operations, by name.
pub const OPERATIONS: &[&str] = &["DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"];

/// Whether `op` is a Streams operation.
pub fn is_streams_operation(op: &str) -> bool {
    OPERATIONS.contains(&op)
}

impl Ctx<'_> {
    /// What a stream enabled by this request is created with: the
    /// emulator's clock (a default context, without one, gets a clock
    /// standing at its time), `Config::transition_delay` and
    /// `Config::stream_shard_rollover`.
    pub fn stream_settings(&self) -> StreamSettings {
        let ms = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        StreamSettings {
            clock: self.clock.cloned().unwrap_or_else(|| Arc::new(Clock::manual(self.now_ms))),
            transition_ms: ms(self.transition_delay),
            rollover_ms: ms(self.stream_shard_rollover).max(1),
        }
    }
}

/// The Streams operations as commands: read-only, on one snapshot.
macro_rules! streams_command {
    ($input:ty, $name:literal, $output:ty, |$s:ident| tables: $tables:expr) => {
        impl Command for $input {
            const NAME: &'static str = $name;
            type Output = $output;
            fn tables(&self) -> Vec<String> {
                let $s = self;
                $tables
            }
            fn check(&self) -> Result<()> {
                Ok(()) // the types are the model's shapes; limits are checked in the read
            }
            fn execute(&self, svc: &Service, ctx: &Ctx<'_>) -> Result<$output> {
                command::read(self, ctx, &svc.store)
            }
        }
    };
}

fn arn_table(arn: &str) -> Vec<String> {
    table_of_arn(arn).map(|t| vec![t.to_string()]).unwrap_or_default()
}

streams_command!(ListStreams, "ListStreams", ListStreamsOutput, |s| tables: s.table_name.iter().cloned().collect());
streams_command!(DescribeStream, "DescribeStream", DescribeStreamOutput, |s| tables: arn_table(&s.stream_arn));
streams_command!(GetShardIterator, "GetShardIterator", GetShardIteratorOutput, |s| tables: arn_table(&s.stream_arn));
streams_command!(GetRecords, "GetRecords", GetRecordsOutput, |s| tables: {
    let arn = iterator::ShardIterator::decode(&s.shard_iterator).map(|i| i.arn).unwrap_or_default();
    arn_table(&arn)
});

impl Service {
    /// ListStreams (see [`ListStreams`]).
    pub fn list_streams(&self, input: ListStreams) -> Result<ListStreamsOutput> {
        self.run(&input)
    }
    /// DescribeStream (see [`DescribeStream`]).
    pub fn describe_stream(&self, input: DescribeStream) -> Result<DescribeStreamOutput> {
        self.run(&input)
    }
    /// GetShardIterator (see [`GetShardIterator`]).
    pub fn get_shard_iterator(&self, input: GetShardIterator) -> Result<GetShardIteratorOutput> {
        self.run(&input)
    }
    /// GetRecords (see [`GetRecords`]).
    pub fn get_records(&self, input: GetRecords) -> Result<GetRecordsOutput> {
        self.run(&input)
    }
}

/// The stream `arn` names, if it exists at `now` (a table's enabled or
/// recently disabled stream, or one of a deleted table).
pub fn find_stream<'a>(db: &'a Db, arn: &str, now: u64) -> Option<&'a StreamLog> {
    let own = table_of_arn(arn)
        .and_then(|name| db.table(name))
        .and_then(|t| t.streams())
        .and_then(|s| s.all().find(|s| s.head.arn == arn));
    own.or_else(|| db.orphan_streams().iter().find(|s| s.head.arn == arn)).filter(|s| s.alive_at(now))
}

/// [`find_stream`], or ResourceNotFoundException.
pub fn existing_stream<'a>(db: &'a Db, arn: &str, now: u64) -> Result<&'a StreamLog> {
    find_stream(db, arn, now).ok_or_else(|| Error::not_found(messages::stream_not_found(arn)))
}

/// Every stream that exists at `now`, by table name, then oldest first.
pub fn all_streams(db: &Db, now: u64) -> Vec<&StreamLog> {
    let mut out: Vec<&StreamLog> = db
        .table_names_after(None)
        .filter_map(|n| db.table(n))
        .filter_map(|t| t.streams())
        .flat_map(|s| s.all())
        .chain(db.orphan_streams().iter())
        .filter(|s| s.alive_at(now))
        .collect();
    out.sort_by(|a, b| (&a.head.table_name, a.head.created_ms).cmp(&(&b.head.table_name, b.head.created_ms)));
    out
}

/// A `Limit` of at most `max` (the API documents the upper limits; the
/// model only the minimum of 1), checked as the service's validation does.
pub fn check_limit(limit: Option<i64>, max: i64) -> Result<usize> {
    let Some(l) = limit else { return Ok(max as usize) };
    let constraint = if l < 1 {
        messages::min_value(1)
    } else if l > max {
        messages::max_value(max)
    } else {
        return Ok(l as usize);
    };
    let failure = messages::constraint_failure(&format!("'{l}'"), "Limit", &constraint);
    Err(Error::validation(messages::validation_errors(&[failure])))
}

#[cfg(test)]
mod tests {
    use crate::error::ErrorKind;
    use crate::{Config, Service};
    use proptest::prelude::*;
    use serde_json::{json, Value};
    use std::time::Duration;

    fn service(delay: Duration) -> (Service, String) {
        let svc = Service::new(Config { transition_delay: delay, ..Config::default() });
        svc.clock.set_ms(1_795_737_600_000);
        let out = svc
            .call(
                "CreateTable",
                &json!({"TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}}),
            )
            .unwrap();
        let out: Value = serde_json::from_slice(&out).unwrap();
        let arn = out["TableDescription"]["LatestStreamArn"].as_str().unwrap().to_string();
        (svc, arn)
    }

    fn status(svc: &Service, arn: &str) -> String {
        let out = svc.call_streams("DescribeStream", &json!({"StreamArn": arn})).unwrap();
        let out: Value = serde_json::from_slice(&out).unwrap();
        out["StreamDescription"]["StreamStatus"].as_str().unwrap().to_string()
    }

    #[test]
    fn status_is_enabling_and_disabling_for_the_transition_delay() {
        let (svc, arn) = service(Duration::from_secs(2));
        assert_eq!(status(&svc, &arn), "ENABLING");
        svc.clock.advance(Duration::from_secs(2));
        assert_eq!(status(&svc, &arn), "ENABLED");
        svc.call(
            "UpdateTable",
            &json!({"TableName": "tbl", "StreamSpecification": {"StreamEnabled": false}}),
        )
        .unwrap();
        assert_eq!(status(&svc, &arn), "DISABLING");
        svc.clock.advance(Duration::from_secs(2));
        assert_eq!(status(&svc, &arn), "DISABLED");
    }

    #[test]
    fn streams_operations_are_recorded_and_not_served_as_dynamodb_operations() {
        let (svc, arn) = service(Duration::ZERO);
        svc.clear_operations();
        svc.call_streams("ListStreams", &json!({})).unwrap();
        let e = svc.call_streams("DescribeStream", &json!({"StreamArn": format!("{arn}x")})).unwrap_err();
        assert_eq!(e.kind, ErrorKind::ResourceNotFound);
        let ops: Vec<_> = svc.operations().into_iter().map(|o| (o.operation, o.outcome.is_ok())).collect();
        assert_eq!(ops, vec![("ListStreams".to_string(), true), ("DescribeStream".to_string(), false)]);
        assert!(super::is_streams_operation("GetRecords") && !super::is_streams_operation("GetItem"));
    }

    fn text() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::from),
            "[ -~]{0,80}".prop_map(Value::from),
            Just(json!("TRIM_HORIZON")),
            Just(json!("AT_SEQUENCE_NUMBER")),
            Just(json!("AT_TIMESTAMP")),
            Just(json!("100000000000000000001")),
            Just(json!(1.5e9)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        /// Bad input gets the service's errors, never a panic (an
        /// InternalServerError) or a hang.
        #[test]
        fn arbitrary_requests_never_fault(
            op in 0usize..4,
            arn_suffix in "[ -~]{0,6}",
            members in proptest::collection::vec((0usize..8, text()), 0..6),
        ) {
            let (svc, arn) = service(Duration::ZERO);
            svc.call("PutItem", &json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}}})).unwrap();
            let names = ["StreamArn", "ShardId", "ShardIteratorType", "SequenceNumber", "Timestamp",
                "Limit", "ShardIterator", "ExclusiveStartShardId"];
            let mut body = json!({"StreamArn": format!("{arn}{arn_suffix}")});
            for (i, v) in members {
                body[names[i]] = v;
            }
            let op = super::OPERATIONS[op];
            if let Err(e) = svc.call_streams(op, &body) {
                prop_assert_ne!(e.kind, ErrorKind::InternalServerError, "{} {}", op, body);
            }
        }
    }
}
