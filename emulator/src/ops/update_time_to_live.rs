//! UpdateTimeToLive: enable or disable expiry on one attribute.

use super::table_description as desc;
use crate::error::{messages, Error, Result};
use crate::service::Service;
use crate::store::meta::TtlMeta;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    table_name: String,
    time_to_live_specification: Specification,
}

/// `TimeToLiveSpecification`, in and out.
#[derive(Deserialize, Serialize, Debug, Clone)]
#[serde(rename_all = "PascalCase")]
pub struct Specification {
    enabled: bool,
    attribute_name: String,
}

/// UpdateTimeToLive's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    time_to_live_specification: Specification,
}

/// Runs UpdateTimeToLive.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    let spec = input.time_to_live_specification;
    svc.store.write(|db| {
        let table = desc::find_table_mut(db, &input.table_name)?;
        desc::ensure_active(table)?;
        let current = table.def.meta.ttl_attribute().map(str::to_string);
        match (&current, spec.enabled) {
            (Some(attr), _) if *attr != spec.attribute_name => {
                return Err(Error::validation(messages::ttl_other_attribute(attr)));
            }
            (Some(_), true) => return Err(Error::validation(messages::TTL_ALREADY_ENABLED)),
            (None, false) => return Err(Error::validation(messages::TTL_ALREADY_DISABLED)),
            _ => {}
        }
        Arc::make_mut(&mut table.def).meta.ttl =
            Some(TtlMeta { attribute: spec.attribute_name.clone(), enabled: spec.enabled });
        Ok(Output { time_to_live_specification: spec.clone() })
    })
}

#[cfg(test)]
mod tests {
    use crate::error::{messages, ErrorKind};
    use crate::service::{Config, Service};
    use serde_json::{json, Value};

    fn call(svc: &Service, op: &str, body: Value) -> Result<Value, crate::Error> {
        svc.call(op, &body).map(|b| serde_json::from_slice(&b).unwrap())
    }

    fn ttl(svc: &Service, enabled: bool, attr: &str) -> Result<Value, crate::Error> {
        call(
            svc,
            "UpdateTimeToLive",
            json!({"TableName": "ttl", "TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attr}}),
        )
    }

    #[test]
    fn enable_and_disable() {
        let svc = Service::new(Config::default());
        let e = ttl(&svc, true, "exp").unwrap_err();
        assert_eq!((e.kind, e.message), (ErrorKind::ResourceNotFound, messages::table_not_found("ttl")));
        call(
            &svc,
            "CreateTable",
            json!({
                "TableName": "ttl",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST"
            }),
        )
        .unwrap();
        let d = call(&svc, "DescribeTimeToLive", json!({"TableName": "ttl"})).unwrap();
        assert_eq!(d, json!({"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}));
        assert_eq!(ttl(&svc, false, "exp").unwrap_err().message, messages::TTL_ALREADY_DISABLED);
        let out = ttl(&svc, true, "exp").unwrap();
        assert_eq!(out, json!({"TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}));
        let d = call(&svc, "DescribeTimeToLive", json!({"TableName": "ttl"})).unwrap();
        assert_eq!(
            d,
            json!({"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}})
        );
        assert_eq!(ttl(&svc, true, "exp").unwrap_err().message, messages::TTL_ALREADY_ENABLED);
        assert_eq!(ttl(&svc, true, "other").unwrap_err().message, messages::ttl_other_attribute("exp"));
        assert_eq!(ttl(&svc, false, "other").unwrap_err().message, messages::ttl_other_attribute("exp"));
        ttl(&svc, false, "exp").unwrap();
        let d = call(&svc, "DescribeTimeToLive", json!({"TableName": "ttl"})).unwrap();
        assert_eq!(d, json!({"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}));
        ttl(&svc, true, "other").unwrap();
    }
}
