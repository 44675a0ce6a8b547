//! DescribeEndpoints: the regional endpoint, cached for a day.

use super::command::{Ctx, Read};
use crate::error::Result;
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// DescribeEndpoints' (empty) input ([`crate::Service::describe_endpoints`]).
#[derive(Deserialize, Clone, Copy, Debug, Default, PartialEq)]
pub struct DescribeEndpoints {}

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

impl Read for DescribeEndpoints {
    type Output = Output;

    fn execute(&self, ctx: &Ctx<'_>, _: &Db) -> Result<Output> {
        Ok(Output {
            endpoints: vec![Endpoint {
                address: format!("dynamodb.{}.amazonaws.com", ctx.region),
                cache_period_in_minutes: 1440,
            }],
        })
    }
}
