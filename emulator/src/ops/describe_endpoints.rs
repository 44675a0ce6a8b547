//! DescribeEndpoints: the regional endpoint, cached for a day.

use crate::error::Result;
use crate::service::Service;
use serde::Serialize;

/// One endpoint.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Endpoint {
    address: String,
    cache_period_in_minutes: i64,
}

/// DescribeEndpoints' response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    endpoints: Vec<Endpoint>,
}

/// Runs DescribeEndpoints.
pub fn run(svc: &Service, _body: &serde_json::Value) -> Result<Output> {
    Ok(Output {
        endpoints: vec![Endpoint {
            address: svc.config.advertised_endpoint(),
            cache_period_in_minutes: 1440,
        }],
    })
}

#[cfg(test)]
mod tests {
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
        let svc = Service::new(Config { endpoint_address: Some("127.0.0.1:8000".into()), ..Config::default() });
        let out: serde_json::Value =
            serde_json::from_slice(&svc.call("DescribeEndpoints", &json!({})).unwrap()).unwrap();
        assert_eq!(
            out,
            json!({"Endpoints": [{"Address": "127.0.0.1:8000", "CachePeriodInMinutes": 1440}]})
        );
    }
}
