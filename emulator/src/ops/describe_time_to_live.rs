//! DescribeTimeToLive: whether expiry is on, and on which attribute.

use super::command::{Ctx, Read};
use super::table_description as desc;
use crate::error::Result;
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// DescribeTimeToLive's input ([`crate::Service::describe_time_to_live`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTimeToLive {
    /// The table (a name or an ARN).
    pub table_name: String,
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

impl Output {
    /// The TTL attribute, when expiry is enabled.
    pub fn attribute(&self) -> Option<&str> {
        self.time_to_live_description.attribute_name.as_deref()
    }
}

impl Read for DescribeTimeToLive {
    type Output = Output;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Output> {
        let table = desc::find_table(ctx, db, &self.table_name)?;
        let description = match table.def.meta.ttl_attribute() {
            Some(attr) => {
                Description { time_to_live_status: "ENABLED", attribute_name: Some(attr.to_string()) }
            }
            None => Description { time_to_live_status: "DISABLED", attribute_name: None },
        };
        Ok(Output { time_to_live_description: description })
    }
}
