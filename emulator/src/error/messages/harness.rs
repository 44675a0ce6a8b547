//! Texts of the test-harness controls: the errors fault injection returns
//! (the service's own wording) and the admin routes' answers to bad input.

// ---- Injected errors (the service's texts) ------------------------------------

/// ProvisionedThroughputExceededException.
pub const INJECTED_THROUGHPUT_EXCEEDED: &str = "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.";
/// ProvisionedThroughputExceededException when a GSI's capacity ran out.
pub const GSI_THROUGHPUT_EXCEEDED: &str = "The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API";
/// ThrottlingException.
pub const INJECTED_THROTTLING: &str = "Rate of requests exceeds the allowed throughput.";
/// RequestLimitExceeded.
pub const INJECTED_REQUEST_LIMIT: &str = "Throughput exceeds the current throughput limit for your account. Please contact AWS Support at https://aws.amazon.com/support request a limit increase";
/// ServiceUnavailable (HTTP 503).
pub const INJECTED_UNAVAILABLE: &str = "The service is currently unavailable or busy.";
/// TransactionInProgressException.
pub const INJECTED_TRANSACTION_IN_PROGRESS: &str =
    "Transaction with the given request token is already in progress";
/// TransactionConflictException, and the message of a `TransactionConflict`
/// cancellation reason.
pub const TRANSACTION_CONFLICT: &str = "Transaction is ongoing for the item";

// ---- Admin routes (`/_emulator/...`) --------------------------------------------

/// A path under `/_emulator/` that names no route.
pub fn admin_no_route(method: &str, path: &str) -> String {
    format!("No admin route {method} {path}; see README 'Test-harness controls'")
}
/// A body that is not a JSON object.
pub const ADMIN_BODY_NOT_OBJECT: &str =
    "The request body must be a JSON object (or, for fault rules, a non-empty list of objects)";
/// A member of the wrong type or out of range.
pub fn admin_bad_member(member: &str, expected: &str) -> String {
    format!("'{member}' must be {expected}")
}
/// A member the route does not know.
pub fn admin_unknown_member(member: &str, known: &[&str]) -> String {
    format!("Unknown member '{member}'; expected one of: {}", known.join(", "))
}
/// A snapshot name with characters that cannot appear in a route path.
pub const ADMIN_BAD_SNAPSHOT_NAME: &str =
    "'name' must be 1 to 255 characters of letters, digits, '.', '_' and '-'";
/// A snapshot that does not exist.
pub fn admin_no_snapshot(name: &str) -> String {
    format!("No snapshot named '{name}'")
}
/// A fault rule id that does not exist.
pub fn admin_no_fault(id: &str) -> String {
    format!("No fault rule with id '{id}'")
}
/// An error name fault injection cannot produce.
pub fn admin_bad_fault_error(name: &str, known: &[&str]) -> String {
    format!("Unknown 'error' '{name}'; expected one of: {}", known.join(", "))
}
/// A rule that would do nothing.
pub const ADMIN_EMPTY_FAULT: &str = "A fault rule needs 'error' or 'latency_ms'";
/// `fraction` without `error: Unprocessed`, or the reverse.
pub const ADMIN_FRACTION_ONLY_UNPROCESSED: &str =
    "'fraction' (0 to 1) goes with, and only with, \"error\": \"Unprocessed\"";
/// `seed` without `probability`.
pub const ADMIN_SEED_NEEDS_PROBABILITY: &str = "'seed' goes with 'probability'";
/// The clock's mode is neither of the two.
pub const ADMIN_BAD_CLOCK_MODE: &str = "'mode' must be \"system\" or \"manual\"";
/// `now_ms` with `"mode": "system"`.
pub const ADMIN_SYSTEM_CLOCK_NO_TIME: &str =
    "A system clock cannot be set: give 'now_ms' with \"mode\": \"manual\" (or no mode)";
/// A stale-read setting that is none of the three shapes.
pub const ADMIN_BAD_STALENESS: &str =
    "Expected {\"mode\": \"off\"}, {\"mode\": \"ms\", \"ms\": N} or {\"mode\": \"writes\", \"writes\": N}";
/// Forking needs a server to start the fork's endpoint on.
pub const ADMIN_FORK_NO_SERVER: &str = "This emulator has no server to start a fork's endpoint on";
/// Starting the fork's listener failed.
pub fn admin_fork_failed(e: &str) -> String {
    format!("Cannot start the fork's endpoint: {e}")
}
/// A query parameter that is not a number.
pub fn admin_bad_query(param: &str) -> String {
    format!("Query parameter '{param}' must be a non-negative integer")
}

// ---- Seeding and dumping --------------------------------------------------------------

/// A file that cannot be read or written, or is not JSON.
pub fn export_io(path: &str, e: &str) -> String {
    format!("{path}: {e}")
}
/// A `table.json` without a table description.
pub fn export_bad_schema(path: &str) -> String {
    format!("{path}: not a DescribeTable answer or table description (TableName, KeySchema, AttributeDefinitions)")
}
/// The service refused a schema or an item from a file.
pub fn export_rejected(at: &str, e: &str) -> String {
    format!("{at}: {e}")
}
/// A data line that is not `{"Item": {...}}`.
pub const EXPORT_NOT_AN_ITEM_LINE: &str = "expected a line of the form {\"Item\": {...}}";
/// Seeding a table that exists already.
pub fn export_table_exists(name: &str) -> String {
    format!("Table {name} already exists; seed into an empty emulator or reset it first")
}
