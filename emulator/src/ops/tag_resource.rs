//! TagResource: add or overwrite tags on a table (by ARN).

use super::table_description as desc;
use super::table_input::{self as ti, TagIn};
use crate::error::{messages, Result};
use crate::service::Service;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    resource_arn: String,
    tags: Vec<TagIn>,
}

/// TagResource's (empty) response.
#[derive(Serialize, Debug)]
pub struct Output {}

/// Runs TagResource.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    ti::check_tags(&input.tags)?;
    svc.store.write(|db| {
        let name = desc::table_name_from_arn(svc, db, &input.resource_arn)
            .map_err(|e| e.not_found_as_access_denied(|| messages::not_authorized("TagResource", &input.resource_arn)))?
            .to_string();
        let table = desc::find_table_mut(db, &name)?;
        let mut tags = table.def.meta.tags.clone();
        ti::merge_tags(&mut tags, &input.tags)?;
        Arc::make_mut(&mut table.def).meta.tags = tags;
        Ok(Output {})
    })
}

#[cfg(test)]
mod tests {
    use crate::error::{messages, ErrorKind};
    use crate::service::{Config, Service};
    use serde_json::{json, Value};

    pub(crate) fn call(svc: &Service, op: &str, body: Value) -> Result<Value, crate::Error> {
        svc.call(op, &body).map(|b| serde_json::from_slice(&b).unwrap())
    }

    pub(crate) const ARN: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/tagged";

    pub(crate) fn setup() -> Service {
        let svc = Service::new(Config::default());
        call(
            &svc,
            "CreateTable",
            json!({
                "TableName": "tagged",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST",
                "Tags": [{"Key": "a", "Value": "1"}]
            }),
        )
        .unwrap();
        svc
    }

    #[test]
    fn tag_untag_list() {
        let svc = setup();
        let out = call(
            &svc,
            "TagResource",
            json!({"ResourceArn": ARN, "Tags": [{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "9"}]}),
        )
        .unwrap();
        assert_eq!(out, json!({}));
        let list = call(&svc, "ListTagsOfResource", json!({"ResourceArn": ARN})).unwrap();
        assert_eq!(list, json!({"Tags": [{"Key": "a", "Value": "9"}, {"Key": "b", "Value": "2"}]}));
        call(&svc, "UntagResource", json!({"ResourceArn": ARN, "TagKeys": ["a", "zzz"]})).unwrap();
        let list = call(&svc, "ListTagsOfResource", json!({"ResourceArn": ARN})).unwrap();
        assert_eq!(list, json!({"Tags": [{"Key": "b", "Value": "2"}]}));
    }

    #[test]
    fn arn_errors_and_limits() {
        let svc = setup();
        let e = call(&svc, "TagResource", json!({"ResourceArn": "tagged", "Tags": []})).unwrap_err();
        assert_eq!((e.kind, e.message), (ErrorKind::Validation, messages::invalid_resource_arn("tagged")));
        let missing = "arn:aws:dynamodb:us-east-1:000000000000:table/missing";
        let e = call(&svc, "ListTagsOfResource", json!({"ResourceArn": missing})).unwrap_err();
        assert_eq!(
            (e.kind, e.message),
            (ErrorKind::ResourceNotFound, messages::resource_arn_not_found(missing))
        );
        let e =
            call(&svc, "TagResource", json!({"ResourceArn": ARN, "Tags": [{"Key": "aws:x", "Value": "1"}]}))
                .unwrap_err();
        assert_eq!(e.message, messages::RESERVED_TAG_KEY);
        let tags: Vec<Value> = (0..50).map(|i| json!({"Key": format!("k{i}"), "Value": "v"})).collect();
        let e = call(&svc, "TagResource", json!({"ResourceArn": ARN, "Tags": tags})).unwrap_err();
        assert_eq!(e.message, messages::TOO_MANY_TAGS);
        let list = call(&svc, "ListTagsOfResource", json!({"ResourceArn": ARN})).unwrap();
        assert_eq!(list["Tags"].as_array().unwrap().len(), 1);
    }
}
