//! UntagResource: remove tags from a table (by ARN); absent keys are ignored.

use super::table_description as desc;
use crate::error::{messages, Result};
use crate::service::Service;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    resource_arn: String,
    tag_keys: Vec<String>,
}

/// UntagResource's (empty) response.
#[derive(Serialize, Debug)]
pub struct Output {}

/// Runs UntagResource.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    svc.store.write(|db| {
        let name = desc::table_name_from_arn(svc, db, &input.resource_arn)
            .map_err(|e| e.not_found_as_access_denied(|| messages::not_authorized("UntagResource", &input.resource_arn)))?
            .to_string();
        let table = desc::find_table_mut(db, &name)?;
        if table.def.meta.tags.iter().any(|(k, _)| input.tag_keys.contains(k)) {
            Arc::make_mut(&mut table.def).meta.tags.retain(|(k, _)| !input.tag_keys.contains(k));
        }
        Ok(Output {})
    })
}
