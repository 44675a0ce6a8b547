//! DescribeTimeToLive: whether expiry is on, and on which attribute.

use super::table_description as desc;
use crate::error::Result;
use crate::service::Service;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    table_name: String,
}

/// `TimeToLiveDescription`.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Description {
    time_to_live_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    attribute_name: Option<String>,
}

/// DescribeTimeToLive's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    time_to_live_description: Description,
}

/// Runs DescribeTimeToLive.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    let db = svc.store.snapshot();
    let table = desc::find_table(&db, &input.table_name)?;
    let description = match table.def.meta.ttl_attribute() {
        Some(attr) => Description { time_to_live_status: "ENABLED", attribute_name: Some(attr.to_string()) },
        None => Description { time_to_live_status: "DISABLED", attribute_name: None },
    };
    Ok(Output { time_to_live_description: description })
}
