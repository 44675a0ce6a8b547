//! A JSON request through the provisioned-throughput token buckets
//! (`harness::throughput`) when they are on: admit, run with per-index
//! capacity reporting, charge, then answer in the detail the caller asked
//! for. It reshapes `ConsumedCapacity` in the response, which is wire
//! format, so it lives here rather than in the harness.

use crate::service::Service;

impl Service {
    /// Runs a validated JSON request: through the token buckets when they
    /// are on (admit, run with capacity reporting, charge), else directly.
    pub(crate) fn dispatch(&self, op: &str, body: &serde_json::Value) -> crate::error::Result<Vec<u8>> {
        let write = match crate::service::harness::throughput::metered(op) {
            Some(write) if self.harness.throughput.is_on() => write,
            _ => return super::decode::dispatch(self, op, body),
        };
        let now = self.clock.now_ms();
        let index = body.get("IndexName").and_then(|v| v.as_str());
        // Admission reads a snapshot and drops it before the operation runs
        // (a held snapshot would make the write copy).
        self.harness.throughput.admit(
            &self.store.snapshot(),
            &super::tables_named(body),
            index,
            write,
            now,
        )?;
        // Always run with the per-index detail (a GSI pays for its own
        // writes), then answer in the detail the caller asked for.
        let asked = body.get("ReturnConsumedCapacity").and_then(|v| v.as_str()).unwrap_or("NONE");
        let mut forced = None;
        if asked != "INDEXES" {
            let mut b = body.clone();
            b["ReturnConsumedCapacity"] = "INDEXES".into();
            forced = Some(b);
        }
        let bytes = super::decode::dispatch(self, op, forced.as_ref().unwrap_or(body))?;
        let mut out: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| crate::error::Error::internal(e.to_string()))?;
        if let Some(consumed) = out.get("ConsumedCapacity") {
            self.harness.throughput.charge(&self.store.snapshot(), consumed, write, now);
        }
        if asked == "INDEXES" {
            return Ok(bytes);
        }
        if let Some(o) = out.as_object_mut() {
            if asked == "TOTAL" {
                let entries = match o.get_mut("ConsumedCapacity") {
                    Some(serde_json::Value::Array(list)) => list.iter_mut().collect(),
                    Some(one) => vec![one],
                    None => vec![],
                };
                for entry in entries.into_iter().filter_map(|e| e.as_object_mut()) {
                    for detail in ["Table", "GlobalSecondaryIndexes", "LocalSecondaryIndexes"] {
                        entry.remove(detail);
                    }
                }
            } else {
                o.remove("ConsumedCapacity");
            }
        }
        super::encode(&out)
    }
}
