//! ListTagsOfResource: a table's tags (by ARN), a page at a time.

use super::command::{Ctx, Read};
use super::table_description as desc;
use crate::error::{messages, Error, Result};
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// Tags per page (a table holds at most 50, so one page holds them all).
const PAGE_SIZE: usize = 50;

/// ListTagsOfResource's input ([`crate::Service::list_tags_of_resource`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsOfResource {
    /// The table's ARN.
    pub resource_arn: String,
    /// `NextToken`: the position of the next tag.
    pub next_token: Option<String>,
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

impl Output {
    /// The tags of this page, as (key, value).
    pub fn tags(&self) -> Vec<(&str, &str)> {
        self.tags.iter().map(|t| (t.key.as_str(), t.value.as_str())).collect()
    }
}

impl Read for ListTagsOfResource {
    type Output = Output;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Output> {
        let name = desc::table_name_from_arn(ctx, db, &self.resource_arn)?;
        let table = desc::find_table(ctx, db, name)?;
        let start = match self.next_token.as_deref() {
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
}
