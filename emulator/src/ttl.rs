//! Time to Live: deleting items whose TTL attribute has passed.
//!
//! The service deletes expired items in the background "within a few days";
//! the emulator does it promptly, on a sweep that runs every
//! `Config::ttl_sweep_interval` (and on demand with [`expire`]), so tests
//! that exercise expiry do not wait. The rules are the service's: the TTL
//! attribute must be a Number of epoch seconds; an item expires once that
//! time is in the past, unless it is more than five years in the past
//! (such values are taken as not being TTL timestamps and ignored).

use crate::store::{PrimaryKey, Store, StoredItem};
use crate::value::AttributeValue;

/// Expired timestamps older than this are ignored (five years, in seconds).
const MAX_AGE_SECS: f64 = 5.0 * 365.0 * 24.0 * 3600.0;

fn expired(item: &StoredItem, attribute: &str, now: f64) -> bool {
    match item.get(attribute) {
        Some(AttributeValue::N(n)) => {
            let at = n.to_f64();
            at < now && now - at <= MAX_AGE_SECS
        }
        _ => false,
    }
}

/// Deletes every item of a TTL-enabled table whose TTL attribute is before
/// `now` (epoch seconds). Finds them on a snapshot, then deletes them in one
/// write, checking each again against the current version. Returns how many
/// items were deleted. Also trims stream records older than 24 hours (a
/// write only when there are some).
pub fn expire(store: &Store, now: f64) -> usize {
    let deleted = expire_items(store, now);
    let now_ms = (now * 1000.0) as u64;
    if store.snapshot().streams_need_trim(now_ms) {
        let _ = store.write(|db| Ok(db.trim_streams(now_ms)));
    }
    deleted
}

fn expire_items(store: &Store, now: f64) -> usize {
    let snapshot = store.snapshot();
    let mut doomed: Vec<(String, String, Vec<PrimaryKey>)> = Vec::new();
    for name in snapshot.table_names_after(None) {
        let Some(table) = snapshot.table(name) else { continue };
        let Some(attribute) = table.def.meta.ttl_attribute() else { continue };
        let keys: Vec<PrimaryKey> =
            table.range(..).filter(|(_, s)| expired(s, attribute, now)).map(|(k, _)| k.clone()).collect();
        if !keys.is_empty() {
            doomed.push((name.clone(), attribute.to_string(), keys));
        }
    }
    if doomed.is_empty() {
        return 0;
    }
    store
        .write(|db| {
            let mut deleted = 0;
            for (name, attribute, keys) in &doomed {
                let Some(table) = db.table_mut(name) else { continue };
                for key in keys {
                    if table.get(key).is_some_and(|s| expired(s, attribute, now)) {
                        table.remove_expired(key);
                        deleted += 1;
                    }
                }
            }
            Ok(deleted)
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Service};
    use serde_json::json;

    #[test]
    fn deletes_expired_items_only() {
        let svc = Service::new(Config::default());
        svc.call(
            "CreateTable",
            &json!({"TableName": "ttl_t", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
        )
        .unwrap();
        let put = |pk: &str, exp: serde_json::Value| {
            svc.call("PutItem", &json!({"TableName": "ttl_t", "Item": {"pk": {"S": pk}, "exp": exp}}))
                .unwrap();
        };
        let now = 2_000_000_000.0;
        put("past", json!({"N": "1999999990"}));
        put("future", json!({"N": "2000000010"}));
        put("ancient", json!({"N": "1000"}));
        put("text", json!({"S": "1999999990"}));
        // TTL off: nothing happens.
        assert_eq!(expire(&svc.store, now), 0);
        svc.call(
            "UpdateTimeToLive",
            &json!({"TableName": "ttl_t", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}),
        )
        .unwrap();
        assert_eq!(expire(&svc.store, now), 1);
        let left: Vec<String> = svc
            .store
            .snapshot()
            .table("ttl_t")
            .unwrap()
            .scan(None, None)
            .map(|s| match s.get("pk") {
                Some(AttributeValue::S(s)) => s,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(left.len(), 3);
        assert!(!left.contains(&"past".to_string()));
    }
}
