//! DescribeEndpoints through `Service::call` (JSON in, JSON out): the service's checks
//! and messages, as a client sees them.

use crate::service::{Config, Service};
use serde_json::json;

#[test]
fn regional_endpoint() {
    let svc = Service::new(Config { region: "eu-west-2".into(), ..Config::default() });
    let out: serde_json::Value =
        serde_json::from_slice(&svc.call("DescribeEndpoints", &json!({})).unwrap()).unwrap();
    assert_eq!(
        out,
        json!({"Endpoints": [{"Address": "dynamodb.eu-west-2.amazonaws.com", "CachePeriodInMinutes": 1440}]})
    );
    // With a listener, the emulator names itself (endpoint discovery stays on it).
    let svc = Service::new(Config { endpoint_address: Some("127.0.0.1:8000".into()), ..Config::default() });
    let out: serde_json::Value =
        serde_json::from_slice(&svc.call("DescribeEndpoints", &json!({})).unwrap()).unwrap();
    assert_eq!(out, json!({"Endpoints": [{"Address": "127.0.0.1:8000", "CachePeriodInMinutes": 1440}]}));
}
