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
}
