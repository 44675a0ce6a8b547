//! DescribeLimits through `Service::call` (JSON in, JSON out): the service's checks
//! and messages, as a client sees them.

use crate::service::{Config, Service};
use serde_json::json;

#[test]
fn default_quotas() {
    let svc = Service::new(Config::default());
    let out: serde_json::Value =
        serde_json::from_slice(&svc.call("DescribeLimits", &json!({})).unwrap()).unwrap();
    assert_eq!(
        out,
        json!({
            "AccountMaxReadCapacityUnits": 80000,
            "AccountMaxWriteCapacityUnits": 80000,
            "TableMaxReadCapacityUnits": 40000,
            "TableMaxWriteCapacityUnits": 40000
        })
    );
}
