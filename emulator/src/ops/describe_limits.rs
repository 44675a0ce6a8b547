//! DescribeLimits: the account's default capacity quotas.

use crate::error::Result;
use crate::service::Service;
use serde::Serialize;

/// Default account-level read/write capacity quota per region.
pub const ACCOUNT_MAX_CAPACITY: i64 = 80_000;

/// DescribeLimits' response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    account_max_read_capacity_units: i64,
    account_max_write_capacity_units: i64,
    table_max_read_capacity_units: i64,
    table_max_write_capacity_units: i64,
}

/// Runs DescribeLimits.
pub fn run(_svc: &Service, _body: &serde_json::Value) -> Result<Output> {
    Ok(Output {
        account_max_read_capacity_units: ACCOUNT_MAX_CAPACITY,
        account_max_write_capacity_units: ACCOUNT_MAX_CAPACITY,
        table_max_read_capacity_units: super::table_input::MAX_TABLE_CAPACITY,
        table_max_write_capacity_units: super::table_input::MAX_TABLE_CAPACITY,
    })
}

#[cfg(test)]
mod tests {
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
}
