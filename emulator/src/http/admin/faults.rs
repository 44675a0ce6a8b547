//! Fault rules as JSON: `{"operation": "PutItem", "table": "orders",
//! "error": "ProvisionedThroughputExceededException", "count": 1}`, with
//! `fraction` (for `"error": "Unprocessed"`), `probability` and `seed`,
//! and `latency_ms`. Every member is checked; a rule list is installed
//! only if every rule in it is valid.

use super::{bad, object_or_list, Failure};
use crate::error::messages;
use crate::service::harness::faults::{FaultEffect, FaultRule, InstalledRule, ERROR_NAMES};
use crate::service::Service;
use serde_json::{json, Map, Value};
use std::time::Duration;

const MEMBERS: &[&str] = &[
    "operation",
    "table",
    "error",
    "fraction",
    "count",
    "probability",
    "seed",
    "latency_ms",
    "region",
    "access_key_id",
];

/// Longest latency a rule may add (five minutes: longer is a hang).
const MAX_LATENCY_MS: u64 = 300_000;

/// `GET /_emulator/faults`: the installed rules, in evaluation order.
pub(super) fn list(svc: &Service) -> Vec<Value> {
    svc.faults().list().iter().map(rule_json).collect()
}

/// `POST /_emulator/faults`: one rule (answers it with its id) or a list
/// (answers `{"rules": [...]}`).
pub(super) fn add(svc: &Service, body: &[u8]) -> Result<Value, Failure> {
    let (objects, single) = object_or_list(body)?;
    let rules = objects.iter().map(|o| parse(svc, o)).collect::<Result<Vec<_>, _>>()?;
    let installed: Vec<Value> = rules
        .into_iter()
        .map(|rule| {
            let id = svc.faults().add(rule.clone());
            rule_json(&InstalledRule { id, rule, fired: 0 })
        })
        .collect();
    Ok(match single {
        true => installed.into_iter().next().unwrap_or_default(),
        false => json!({"rules": installed}),
    })
}

fn parse(svc: &Service, obj: &Map<String, Value>) -> Result<FaultRule, Failure> {
    if let Some(k) = obj.keys().find(|k| !MEMBERS.contains(&k.as_str())) {
        return Err(bad(messages::admin_unknown_member(k, MEMBERS)));
    }
    let string = |name: &str| -> Result<Option<String>, Failure> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(_) => Err(bad(messages::admin_bad_member(name, "a non-empty string"))),
        }
    };
    let share = |name: &str| -> Result<Option<f64>, Failure> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => match v.as_f64() {
                Some(f) if (0.0..=1.0).contains(&f) => Ok(Some(f)),
                _ => Err(bad(messages::admin_bad_member(name, "a number from 0 to 1"))),
            },
        }
    };
    let integer = |name: &str, min: u64, max: u64| -> Result<Option<u64>, Failure> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => match v.as_u64() {
                Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
                _ => Err(bad(messages::admin_bad_member(name, &format!("an integer from {min} to {max}")))),
            },
        }
    };
    let operation = string("operation")?;
    if let Some(op) = &operation {
        if !crate::http::validate::is_known_operation(op) {
            return Err(bad(messages::admin_bad_member(
                "operation",
                "a DynamoDB operation name, e.g. \"PutItem\"",
            )));
        }
    }
    let fraction = share("fraction")?;
    let effect = match string("error")? {
        Some(name) => {
            let effect = FaultEffect::named(&name, fraction.unwrap_or(0.0))
                .ok_or_else(|| bad(messages::admin_bad_fault_error(&name, ERROR_NAMES)))?;
            if matches!(effect, FaultEffect::Unprocessed(_)) != fraction.is_some() {
                return Err(bad(messages::ADMIN_FRACTION_ONLY_UNPROCESSED));
            }
            effect
        }
        None if fraction.is_some() => return Err(bad(messages::ADMIN_FRACTION_ONLY_UNPROCESSED)),
        None => FaultEffect::None,
    };
    let latency_ms = integer("latency_ms", 0, MAX_LATENCY_MS)?;
    if effect == FaultEffect::None && latency_ms.is_none() {
        return Err(bad(messages::ADMIN_EMPTY_FAULT));
    }
    let probability = share("probability")?;
    let seed = integer("seed", 0, u64::MAX)?;
    if seed.is_some() && probability.is_none() && !matches!(effect, FaultEffect::Unprocessed(_)) {
        return Err(bad(messages::ADMIN_SEED_NEEDS_PROBABILITY));
    }
    // `region` and/or `access_key_id`: the rule is that scope's (a key
    // alone means the default region's).
    let region = string("region")?;
    if region.as_deref().is_some_and(|r| !crate::service::scope::valid_region(r)) {
        return Err(bad(messages::admin_bad_member("region", "a region name")));
    }
    let key = string("access_key_id")?;
    if key.as_deref().is_some_and(|k| !crate::service::scope::valid_access_key(k)) {
        return Err(bad(messages::admin_bad_member("access_key_id", "an access key id")));
    }
    let scope = match (region, key) {
        (None, None) => None,
        (region, None) => Some(crate::Scope::region(region.unwrap_or_else(|| svc.config.region.clone()))),
        (region, Some(key)) => {
            Some(crate::Scope::access_key(region.unwrap_or_else(|| svc.config.region.clone()), key))
        }
    };
    Ok(FaultRule {
        scope,
        operation,
        table: string("table")?,
        effect,
        latency: Duration::from_millis(latency_ms.unwrap_or(0)),
        count: integer("count", 1, u64::MAX)?,
        probability,
        seed: seed.unwrap_or(0),
    })
}

fn rule_json(r: &InstalledRule) -> Value {
    let rule = &r.rule;
    let mut out = json!({"id": r.id, "fired": r.fired});
    let mut put = |k: &str, v: Value| {
        out[k] = v;
    };
    if let Some(op) = &rule.operation {
        put("operation", op.as_str().into());
    }
    if let Some(t) = &rule.table {
        put("table", t.as_str().into());
    }
    if let Some(name) = rule.effect.name() {
        put("error", name.into());
    }
    if let FaultEffect::Unprocessed(f) = rule.effect {
        put("fraction", f.into());
    }
    if let Some(n) = rule.count {
        put("count", n.into());
    }
    if let Some(p) = rule.probability {
        put("probability", p.into());
    }
    if rule.probability.is_some() || matches!(rule.effect, FaultEffect::Unprocessed(_)) {
        put("seed", rule.seed.into());
    }
    if !rule.latency.is_zero() {
        put("latency_ms", (rule.latency.as_millis() as u64).into());
    }
    if let Some(scope) = &rule.scope {
        put("region", scope.region_name().into());
        if let Some(key) = scope.access_key_id() {
            put("access_key_id", key.into());
        }
    }
    out
}
