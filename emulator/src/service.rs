//! The emulator's shared state: the store, its configuration, and the record
//! of operations served. One `Service` per emulator instance; the HTTP layer
//! and in-process callers both go through [`Service::call`].

use crate::error::{ErrorKind, Result};
use crate::store::Store;
use parking_lot::Mutex;
use std::time::Duration;

/// Settings that shape how the emulator behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// Region used in ARNs and DescribeEndpoints.
    pub region: String,
    /// Account id used in ARNs.
    pub account_id: String,
    /// How long tables stay CREATING / UPDATING / DELETING (zero: transitions
    /// are immediate). Code that exercises waiters sets this.
    pub transition_delay: Duration,
    /// Whether to keep a record of every operation served.
    pub record_operations: bool,
    /// Fault injection: the probability (0.0 to 1.0) that each request of a
    /// BatchWriteItem or key of a BatchGetItem is left unprocessed
    /// (returned in UnprocessedItems / UnprocessedKeys), as a throttled
    /// service would. Zero by default.
    pub unprocessed_probability: f64,
    /// How often expired TTL items are deleted (zero: never in the
    /// background; `ttl::expire` still can be called).
    pub ttl_sweep_interval: Duration,
    /// The address (`host:port`) DescribeEndpoints and the `GET /` health
    /// answer name: the emulator's own, set by [`crate::Emulator`] once it
    /// has bound, so an endpoint-discovery client stays on the emulator.
    /// `None` (a service without a listener): the regional AWS name.
    pub endpoint_address: Option<String>,
    /// Which behaviour to follow where DynamoDB Local differs from the
    /// service (default: the service's).
    pub compat: Compat,
}

/// A compatibility profile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Compat {
    /// The real service's behaviour (the default).
    #[default]
    Service,
    /// Accept what DynamoDB Local accepts and the service refuses, for test
    /// suites written against it. Exactly: CreateTable with
    /// AttributeDefinitions that no key schema uses.
    DynamoDbLocal,
}

impl Compat {
    /// Parses a `--compat` value: `dynamodb-local` or `service`.
    pub fn parse(s: &str) -> Option<Compat> {
        match s {
            "service" | "dynamodb" => Some(Compat::Service),
            "dynamodb-local" => Some(Compat::DynamoDbLocal),
            _ => None,
        }
    }

    /// Whether CreateTable may define attributes no key uses.
    pub fn allows_unused_attribute_definitions(self) -> bool {
        self == Compat::DynamoDbLocal
    }
}

impl Config {
    /// The address DescribeEndpoints and the health check name.
    pub fn advertised_endpoint(&self) -> String {
        match &self.endpoint_address {
            Some(a) => a.clone(),
            None => format!("dynamodb.{}.amazonaws.com", self.region),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            region: "us-east-1".to_string(),
            account_id: "000000000000".to_string(),
            transition_delay: Duration::ZERO,
            record_operations: true,
            unprocessed_probability: 0.0,
            ttl_sweep_interval: Duration::from_secs(1),
            endpoint_address: None,
            compat: Compat::Service,
        }
    }
}

/// One served operation, as a test may want to assert on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationRecord {
    /// Operation name, e.g. `PutItem`.
    pub operation: String,
    /// Tables the request named (empty for ListTables and the like).
    pub tables: Vec<String>,
    /// `Ok(())`, or the short name of the error returned (e.g. `ConditionalCheckFailedException`).
    pub outcome: std::result::Result<(), String>,
}

/// Store, configuration and operation record of one emulator.
#[derive(Debug, Default)]
pub struct Service {
    /// All tables and items.
    pub store: Store,
    /// Behaviour settings.
    pub config: Config,
    record: Mutex<Vec<OperationRecord>>,
    /// ClientRequestTokens of recent TransactWriteItems calls.
    pub idempotency: crate::ops::idempotency::Tokens,
}

impl Service {
    /// A service with `config` and an empty store.
    pub fn new(config: Config) -> Self {
        Service {
            store: Store::new(),
            config,
            record: Mutex::new(Vec::new()),
            idempotency: Default::default(),
        }
    }

    /// Runs operation `op` (e.g. `"GetItem"`) on a parsed JSON request and
    /// returns the JSON response body. This is the whole service minus HTTP:
    /// validation against the API model, then the operation itself.
    pub fn call(&self, op: &str, body: &serde_json::Value) -> Result<Vec<u8>> {
        // A panic is a bug, but it must not take the connection (or, in a
        // test process, the caller) down with it: it becomes an
        // InternalServerError. Operations change the store only after
        // every check, so a panic (while checking) leaves it as it was.
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::http::validate::validate_input(op, body)
                .and_then(|()| crate::ops::dispatch(self, op, body))
        }))
        .unwrap_or_else(|_| Err(crate::error::Error::internal(crate::error::messages::INTERNAL_ERROR)));
        if let Err(e) = &out {
            tracing::debug!(operation = op, error = %e, "request failed");
        } else {
            tracing::trace!(operation = op, "request served");
        }
        if self.config.record_operations {
            self.record(op, body, out.as_ref().map(|_| ()).map_err(|e| e.kind));
        }
        out
    }

    /// Runs a typed in-process request of operation `op` on `table`: the
    /// checks the API model and the JSON value reader would have made
    /// (table name length, nesting depth, empty sets in `items`), then
    /// `run`, guarded and recorded like [`Service::call`].
    pub(crate) fn typed<T>(
        &self,
        op: &str,
        table: &str,
        items: &[Option<&crate::value::Item>],
        run: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check_table_member(table)?;
            items.iter().flatten().try_for_each(|item| crate::value::json::check_item(item))?;
            run()
        }))
        .unwrap_or_else(|_| Err(crate::error::Error::internal(crate::error::messages::INTERNAL_ERROR)));
        if self.config.record_operations {
            self.record.lock().push(OperationRecord {
                operation: op.to_string(),
                tables: vec![table.to_string()],
                outcome: out.as_ref().map(|_| ()).map_err(|e| e.kind.short_name().to_string()),
            });
        }
        out
    }

    fn record(&self, op: &str, body: &serde_json::Value, outcome: std::result::Result<(), ErrorKind>) {
        let tables = tables_named(body);
        self.record.lock().push(OperationRecord {
            operation: op.to_string(),
            tables,
            outcome: outcome.map_err(|k| k.short_name().to_string()),
        });
    }

    /// Every operation served so far, oldest first.
    pub fn operations(&self) -> Vec<OperationRecord> {
        self.record.lock().clone()
    }

    /// Forgets the operations recorded so far.
    pub fn clear_operations(&self) {
        self.record.lock().clear();
    }
}

/// The API model's constraint on a data-plane `TableName` (a name or an
/// ARN): 1 to 1024 characters. Whether the table exists is the operation's
/// check.
fn check_table_member(table: &str) -> Result<()> {
    use crate::error::messages;
    let len = table.chars().count();
    let constraint = match len {
        0 => messages::min_length(1),
        1..=1024 => return Ok(()),
        _ => messages::max_length(1024),
    };
    let failure = messages::constraint_failure(&format!("'{table}'"), "TableName", &constraint);
    Err(crate::error::Error::validation(messages::validation_errors(&[failure])))
}

/// The tables a request names: `TableName`, the keys of `RequestItems`, or
/// the tables of `TransactItems`.
fn tables_named(body: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        if !out.iter().any(|t| t == name) {
            out.push(name.to_string());
        }
    };
    if let Some(name) = body.get("TableName").and_then(|v| v.as_str()) {
        add(name);
    }
    if let Some(items) = body.get("RequestItems").and_then(|v| v.as_object()) {
        items.keys().for_each(|k| add(k));
    }
    if let Some(actions) = body.get("TransactItems").and_then(|v| v.as_array()) {
        for action in actions.iter().filter_map(|a| a.as_object()) {
            for inner in action.values() {
                if let Some(name) = inner.get("TableName").and_then(|v| v.as_str()) {
                    add(name);
                }
            }
        }
    }
    out
}
