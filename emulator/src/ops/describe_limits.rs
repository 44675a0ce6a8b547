//! DescribeLimits: the account's default capacity quotas.

use super::command::{Ctx, Read};
use crate::error::Result;
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// Default account-level read/write capacity quota per region.
pub const ACCOUNT_MAX_CAPACITY: i64 = 80_000;

/// DescribeLimits' (empty) input ([`crate::Service::describe_limits`]).
#[derive(Deserialize, Clone, Copy, Debug, Default, PartialEq)]
pub struct DescribeLimits {}

/// DescribeLimits' response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    account_max_read_capacity_units: i64,
    account_max_write_capacity_units: i64,
    table_max_read_capacity_units: i64,
    table_max_write_capacity_units: i64,
}

impl Read for DescribeLimits {
    type Output = Output;

    fn execute(&self, _: &Ctx<'_>, _: &Db) -> Result<Output> {
        Ok(Output {
            account_max_read_capacity_units: ACCOUNT_MAX_CAPACITY,
            account_max_write_capacity_units: ACCOUNT_MAX_CAPACITY,
            table_max_read_capacity_units: super::table_input::MAX_TABLE_CAPACITY,
            table_max_write_capacity_units: super::table_input::MAX_TABLE_CAPACITY,
        })
    }
}
