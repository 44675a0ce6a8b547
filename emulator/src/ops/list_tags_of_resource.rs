//! ListTagsOfResource: a table's tags (by ARN), a page at a time.

use super::table_description as desc;
use crate::error::{messages, Error, Result};
use crate::service::Service;
use serde::{Deserialize, Serialize};

/// Tags per page (a table holds at most 50, so one page holds them all).
const PAGE_SIZE: usize = 50;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    resource_arn: String,
    next_token: Option<String>,
}

/// One tag.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    key: String,
    value: String,
}

/// ListTagsOfResource's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    tags: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// Runs ListTagsOfResource. NextToken is the position of the next tag.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    let db = svc.store.snapshot();
    let name = desc::table_name_from_arn(svc, &db, &input.resource_arn)?;
    let table = desc::find_table(&db, name)?;
    let start = match input.next_token.as_deref() {
        None => 0,
        Some(t) => t.parse::<usize>().map_err(|_| Error::validation(messages::INVALID_NEXT_TOKEN))?,
    };
    let all = &table.def.meta.tags;
    let tags: Vec<Tag> = all
        .iter()
        .skip(start)
        .take(PAGE_SIZE)
        .map(|(k, v)| Tag { key: k.clone(), value: v.clone() })
        .collect();
    let end = start.saturating_add(tags.len());
    let next_token = (end < all.len()).then(|| end.to_string());
    Ok(Output { tags, next_token })
}
