//! Request validation through the wire: wrong JSON member types
//! (SerializationException), constraint failures (ValidationException with
//! the service's "N validation error(s) detected: ..." texts and member
//! paths), and the order in which the service checks a request: body size,
//! target, authorization, JSON, member types, constraints, semantics, and
//! only then whether the table exists.
//!
//! Malformed payloads the SDK cannot produce go through reqwest; what the SDK
//! can send (out-of-range numbers, unknown enum values) goes through the SDK.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use ddb_conformance::TestEnv;
use serde_json::{json, Value};

const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc";

/// A raw request; returns the status, the short error type (after `#`) and
/// the message (`message` or `Message`).
async fn raw(
    endpoint: &str,
    target: Option<&str>,
    auth: Option<&str>,
    body: String,
) -> (u16, String, String) {
    let mut req =
        reqwest::Client::new().post(endpoint).header("content-type", "application/x-amz-json-1.0").body(body);
    if let Some(t) = target {
        req = req.header("x-amz-target", t);
    }
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or(Value::Null);
    let ty = body["__type"].as_str().unwrap_or("");
    let ty = ty.rsplit('#').next().unwrap_or("").to_string();
    let msg =
        body.get("message").or_else(|| body.get("Message")).and_then(Value::as_str).unwrap_or("").to_string();
    (status, ty, msg)
}

/// `op` with a JSON body, properly targeted and signed.
async fn call(endpoint: &str, op: &str, body: Value) -> (u16, String, String) {
    raw(endpoint, Some(&format!("DynamoDB_20120810.{op}")), Some(AUTH), body.to_string()).await
}

fn simple_table(name: &str) -> Value {
    json!({
        "TableName": name,
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST"
    })
}

fn one(path: &str, value: &str, constraint: &str) -> String {
    format!(
        "1 validation error detected: Value {value} at '{path}' failed to satisfy constraint: {constraint}"
    )
}

// ---- Wrong JSON types: SerializationException --------------------------------------

#[tokio::test]
async fn wrong_member_types_are_serialization_errors() {
    let env = TestEnv::new().await;
    let e = &env.endpoint;
    // A number for a string (the text is quoted from the service in localstack#9412).
    let (status, ty, msg) = call(e, "DescribeTable", json!({"TableName": 5})).await;
    assert_eq!((status, ty.as_str()), (400, "SerializationException"));
    assert_eq!(msg, "NUMBER_VALUE cannot be converted to String");
    // A string for an integer.
    let (status, ty, msg) = call(e, "ListTables", json!({"Limit": "10"})).await;
    assert_eq!((status, ty.as_str()), (400, "SerializationException"));
    assert_eq!(msg, "STRING_VALUE cannot be converted to Integer");
    // An object for a list.
    let mut body = simple_table("tbl");
    body["KeySchema"] = json!({"AttributeName": "pk", "KeyType": "HASH"});
    let (status, ty, msg) = call(e, "CreateTable", body).await;
    assert_eq!((status, ty.as_str()), (400, "SerializationException"));
    assert_eq!(msg, "Start of structure or map found where not expected");
    // An array for a string.
    let (_, ty, msg) = call(e, "DeleteTable", json!({"TableName": ["tbl"]})).await;
    assert_eq!(ty, "SerializationException");
    assert_eq!(msg, "Start of list found where not expected");
    // A string for a boolean, a string for a long, nested.
    let mut body = simple_table("tbl");
    body["DeletionProtectionEnabled"] = json!("true");
    let (_, ty, msg) = call(e, "CreateTable", body).await;
    assert_eq!(ty, "SerializationException");
    assert_eq!(msg, "STRING_VALUE cannot be converted to Boolean");
    let mut body = simple_table("tbl");
    body.as_object_mut().unwrap().remove("BillingMode");
    body["ProvisionedThroughput"] = json!({"ReadCapacityUnits": "5", "WriteCapacityUnits": 5});
    let (_, ty, msg) = call(e, "CreateTable", body).await;
    assert_eq!(ty, "SerializationException");
    assert_eq!(msg, "STRING_VALUE cannot be converted to Long");
    // Deep inside a list element.
    let mut body = simple_table("tbl");
    body["AttributeDefinitions"] = json!([{"AttributeName": "pk", "AttributeType": 1}]);
    let (_, ty, _) = call(e, "CreateTable", body).await;
    assert_eq!(ty, "SerializationException");
    let (_, ty, msg) =
        call(e, "TagResource", json!({"ResourceArn": "arn", "Tags": [{"Key": "k", "Value": false}]})).await;
    assert_eq!(ty, "SerializationException");
    assert_eq!(msg, "BOOLEAN_VALUE cannot be converted to String");
    // Nothing was created.
    let (status, _, _) = call(e, "DescribeTable", json!({"TableName": "tbl"})).await;
    assert_eq!(status, 400);
    assert!(env.client.list_tables().send().await.unwrap().table_names().is_empty());
}

#[tokio::test]
async fn null_members_count_as_absent() {
    let env = TestEnv::new().await;
    let e = &env.endpoint;
    let (status, _, _) = call(e, "ListTables", json!({"Limit": null, "ExclusiveStartTableName": null})).await;
    assert_eq!(status, 200);
    let (status, ty, msg) = call(e, "DescribeTable", json!({"TableName": null})).await;
    assert_eq!((status, ty.as_str()), (400, "ValidationException"));
    assert_eq!(msg, "The parameter 'TableName' is required but was not present in the request");
}

// ---- Constraints: ValidationException texts -------------------------------------------

#[tokio::test]
async fn missing_required_members() {
    let env = TestEnv::new().await;
    let e = &env.endpoint;
    let (status, ty, msg) = call(e, "DescribeTable", json!({})).await;
    assert_eq!((status, ty.as_str()), (400, "ValidationException"));
    // Top-level members: the first one absent, in the service's words (issue 15).
    assert_eq!(msg, "The parameter 'TableName' is required but was not present in the request");
    let (_, ty, msg) = call(e, "UpdateTimeToLive", json!({"TableName": "tbl"})).await;
    assert_eq!(ty, "ValidationException");
    assert_eq!(msg, "The parameter 'TimeToLiveSpecification' is required but was not present in the request");
    let (_, ty, msg) =
        call(e, "TagResource", json!({"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/t"}))
            .await;
    assert_eq!(ty, "ValidationException");
    assert_eq!(msg, "The parameter 'Tags' is required but was not present in the request");
    let (_, _, msg) = call(e, "BatchGetItem", json!({})).await;
    assert_eq!(msg, "The requestItems parameter is required for BatchGetItem");
    // Required members of nested structures.
    let mut body = simple_table("tbl");
    body["KeySchema"] = json!([{"AttributeName": "pk"}]);
    let (_, ty, msg) = call(e, "CreateTable", body).await;
    assert_eq!(ty, "ValidationException");
    assert_eq!(msg, one("KeySchema.1.member.KeyType", "null", "Member must not be null"));
}

#[tokio::test]
async fn constraint_paths_and_multiple_errors() {
    let env = TestEnv::new().await;
    let e = &env.endpoint;
    // An empty attribute name in the second key schema element.
    let mut body = simple_table("tbl");
    body["KeySchema"] =
        json!([{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "", "KeyType": "RANGE"}]);
    let (status, ty, msg) = call(e, "CreateTable", body).await;
    assert_eq!((status, ty.as_str()), (400, "ValidationException"));
    assert_eq!(
        msg,
        one("KeySchema.2.member.AttributeName", "''", "Member must have length greater than or equal to 1")
    );
    // Two failures, joined with "; " in the service's member order.
    let mut body = simple_table("tbl");
    body["KeySchema"] = json!([{"AttributeName": "", "KeyType": "PRIMARY"}]);
    let (_, ty, msg) = call(e, "CreateTable", body).await;
    assert_eq!(ty, "ValidationException");
    assert_eq!(
        msg,
        "2 validation errors detected: \
         Value '' at 'KeySchema.1.member.AttributeName' failed to satisfy constraint: Member must have length greater than or equal to 1; \
         Value 'PRIMARY' at 'KeySchema.1.member.KeyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]"
    );
    // Enum and index-name violations inside a GSI.
    let mut body = simple_table("tbl");
    body["GlobalSecondaryIndexes"] = json!([{
        "IndexName": "ix",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "SOME"}
    }]);
    let (_, ty, msg) = call(e, "CreateTable", body).await;
    assert_eq!(ty, "ValidationException");
    assert_eq!(
        msg,
        "2 validation errors detected: \
         Value 'ix' at 'GlobalSecondaryIndexes.1.member.IndexName' failed to satisfy constraint: Member must have length greater than or equal to 3; \
         Value 'SOME' at 'GlobalSecondaryIndexes.1.member.Projection.ProjectionType' failed to satisfy constraint: Member must satisfy enum value set: [ALL, KEYS_ONLY, INCLUDE]"
    );
    // Range violations of nested longs: write before read, as the service lists them.
    let mut body = simple_table("tbl");
    body.as_object_mut().unwrap().remove("BillingMode");
    body["ProvisionedThroughput"] = json!({"ReadCapacityUnits": 0, "WriteCapacityUnits": 0});
    let (_, ty, msg) = call(e, "CreateTable", body).await;
    assert_eq!(ty, "ValidationException");
    // Text quoted from the service in rrahul963/serverless-create-global-dynamodb-table#12.
    assert_eq!(
        msg,
        "2 validation errors detected: \
         Value '0' at 'ProvisionedThroughput.WriteCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1; \
         Value '0' at 'ProvisionedThroughput.ReadCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    // Attribute type outside [B, N, S] in the third definition.
    let body = json!({
        "TableName": "tbl",
        "AttributeDefinitions": [
            {"AttributeName": "a", "AttributeType": "S"},
            {"AttributeName": "b", "AttributeType": "N"},
            {"AttributeName": "c", "AttributeType": "BOOL"}
        ],
        "KeySchema": [{"AttributeName": "a", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST"
    });
    let (_, _, msg) = call(e, "CreateTable", body).await;
    assert_eq!(
        msg,
        one(
            "AttributeDefinitions.3.member.AttributeType",
            "'BOOL'",
            "Member must satisfy enum value set: [B, N, S]"
        )
    );
    // List elements with their own constraints are reported at the list.
    let (_, ty, msg) = call(
        e,
        "UntagResource",
        json!({"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/t", "TagKeys": ["ok", ""]}),
    )
    .await;
    assert_eq!(ty, "ValidationException");
    assert_eq!(
        msg,
        one(
            "TagKeys",
            "'[ok, ]'",
            "Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]"
        )
    );
    assert!(env.client.list_tables().send().await.unwrap().table_names().is_empty());
}

#[tokio::test]
async fn enum_and_range_violations_through_the_sdk() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let r = c
        .create_table()
        .table_name("tbl")
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Hash).build().unwrap())
        .billing_mode(BillingMode::from("FREE"))
        .send()
        .await;
    let (code, msg) = ddb_conformance::expect_err!(r);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        one("BillingMode", "'FREE'", "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]")
    );
    let (code, msg) = ddb_conformance::expect_err!(c.list_tables().limit(-1).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, one("Limit", "'-1'", "Member must have value greater than or equal to 1"));
    let (code, msg) = ddb_conformance::expect_err!(c.list_tables().limit(1000).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, one("Limit", "'1000'", "Member must have value less than or equal to 100"));
}

// ---- The order of the checks ------------------------------------------------------

#[tokio::test]
async fn body_size_is_checked_before_the_target() {
    let env = TestEnv::new().await;
    let huge = format!("{{\"TableName\":\"{}\"}}", "a".repeat(ddb_emulator::http::MAX_BODY_BYTES + 1));
    let (status, ty, _) = raw(&env.endpoint, Some("DynamoDB_20120810.Frobnicate"), None, huge).await;
    assert_eq!((status, ty.as_str()), (413, "RequestEntityTooLargeException"));
}

#[tokio::test]
async fn target_then_auth_then_json() {
    let env = TestEnv::new().await;
    let e = &env.endpoint;
    // Unknown operation, no authorization, broken JSON: the target is reported.
    let (status, ty, _) = raw(e, Some("DynamoDB_20120810.Frobnicate"), None, "{".into()).await;
    assert_eq!((status, ty.as_str()), (400, "UnknownOperationException"));
    // Known operation, no authorization, broken JSON: the authorization.
    let (status, ty, msg) = raw(e, Some("DynamoDB_20120810.ListTables"), None, "{".into()).await;
    assert_eq!((status, ty.as_str()), (400, "MissingAuthenticationTokenException"));
    assert_eq!(msg, "Request is missing Authentication Token");
    // Known operation, no authorization, invalid members: still the authorization.
    let (_, ty, _) =
        raw(e, Some("DynamoDB_20120810.ListTables"), None, json!({"Limit": 0}).to_string()).await;
    assert_eq!(ty, "MissingAuthenticationTokenException");
    // Authorized, broken JSON: SerializationException.
    let (status, ty, _) =
        raw(e, Some("DynamoDB_20120810.ListTables"), Some(AUTH), "{\"Limit\":".into()).await;
    assert_eq!((status, ty.as_str()), (400, "SerializationException"));
}

#[tokio::test]
async fn types_before_constraints() {
    let env = TestEnv::new().await;
    let e = &env.endpoint;
    // A constraint failure (name too short) and a type failure (Limit): the type wins,
    // whichever comes first in the document.
    let (status, ty, msg) =
        call(e, "ListTables", json!({"ExclusiveStartTableName": "ab", "Limit": "5"})).await;
    assert_eq!((status, ty.as_str()), (400, "SerializationException"));
    assert_eq!(msg, "STRING_VALUE cannot be converted to Integer");
    // A missing required member and a wrongly typed one.
    let (_, ty, _) =
        call(e, "UpdateTimeToLive", json!({"TimeToLiveSpecification": {"Enabled": "yes"}})).await;
    assert_eq!(ty, "SerializationException");
    let mut body = simple_table("x");
    body["BillingMode"] = json!("FREE");
    body["Tags"] = json!({"k": "v"});
    let (_, ty, msg) = call(e, "CreateTable", body).await;
    assert_eq!(ty, "SerializationException");
    assert_eq!(msg, "Start of structure or map found where not expected");
}

#[tokio::test]
async fn constraints_before_semantics() {
    let env = TestEnv::new().await;
    let e = &env.endpoint;
    // Unused attribute definition (semantic) + unknown billing mode (constraint).
    let mut body = simple_table("tbl");
    body["AttributeDefinitions"] = json!([{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "extra", "AttributeType": "S"}]);
    body["BillingMode"] = json!("FREE");
    let (status, ty, msg) = call(e, "CreateTable", body).await;
    assert_eq!((status, ty.as_str()), (400, "ValidationException"));
    assert_eq!(
        msg,
        one("BillingMode", "'FREE'", "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]")
    );
    // Without the constraint failure, the semantic one is reported.
    let mut body = simple_table("tbl");
    body["AttributeDefinitions"] = json!([{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "extra", "AttributeType": "S"}]);
    let (_, ty, msg) = call(e, "CreateTable", body).await;
    assert_eq!(ty, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"
    );
    // An existing table plus a constraint failure: the constraint, not ResourceInUse.
    let (status, _, _) = call(e, "CreateTable", simple_table("tbl")).await;
    assert_eq!(status, 200);
    let mut body = simple_table("tbl");
    body["TableClass"] = json!("GLACIER");
    let (_, ty, msg) = call(e, "CreateTable", body).await;
    assert_eq!(ty, "ValidationException");
    assert_eq!(
        msg,
        one(
            "TableClass",
            "'GLACIER'",
            "Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]"
        )
    );
    // An existing table plus a semantic failure: the semantic one.
    let mut body = simple_table("tbl");
    body["KeySchema"] = json!([{"AttributeName": "pk", "KeyType": "RANGE"}]);
    let (_, ty, msg) = call(e, "CreateTable", body).await;
    assert_eq!(ty, "ValidationException");
    assert_eq!(msg, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
}

#[tokio::test]
async fn validation_before_table_existence() {
    let env = TestEnv::new().await;
    let e = &env.endpoint;
    // Constraint failures on a table that does not exist.
    let (status, ty, msg) = call(
        e,
        "UpdateTimeToLive",
        json!({"TableName": "missing", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": ""}}),
    )
    .await;
    assert_eq!((status, ty.as_str()), (400, "ValidationException"));
    assert_eq!(
        msg,
        one(
            "TimeToLiveSpecification.AttributeName",
            "''",
            "Member must have length greater than or equal to 1"
        )
    );
    let (_, ty, msg) = call(
        e,
        "PutItem",
        json!({"TableName": "missing", "Item": {"pk": {"S": "a"}}, "ReturnValues": "ALL"}),
    )
    .await;
    assert_eq!(ty, "ValidationException");
    assert_eq!(
        msg,
        one(
            "ReturnValues",
            "'ALL'",
            "Member must satisfy enum value set: [NONE, ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW]"
        )
    );
    let (_, ty, _) = call(
        e,
        "UpdateTable",
        json!({"TableName": "missing", "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 1}}),
    )
    .await;
    assert_eq!(ty, "ValidationException");
    // Semantic failures on a table that does not exist.
    let (_, ty, msg) = call(e, "UpdateTable", json!({"TableName": "missing"})).await;
    assert_eq!(ty, "ValidationException");
    assert_eq!(
        msg,
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required"
    );
    let (_, ty, msg) =
        call(e, "PutItem", json!({"TableName": "missing", "Item": {"pk": {"S": "a", "N": "1"}}})).await;
    assert_eq!(ty, "ValidationException");
    assert_eq!(
        msg,
        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
    );
    let (_, ty, _) = call(
        e,
        "UpdateTable",
        json!({"TableName": "missing", "StreamSpecification": {"StreamEnabled": true}}),
    )
    .await;
    assert_eq!(ty, "ValidationException");
    // Only a valid request learns that the table is missing.
    let (status, ty, msg) = call(
        e,
        "UpdateTimeToLive",
        json!({"TableName": "missing", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}),
    )
    .await;
    assert_eq!((status, ty.as_str()), (400, "ResourceNotFoundException"));
    assert_eq!(msg, "Requested resource not found: Table: missing not found");
    let (_, ty, msg) = call(e, "PutItem", json!({"TableName": "missing", "Item": {"pk": {"S": "a"}}})).await;
    assert_eq!((ty.as_str(), msg.as_str()), ("ResourceNotFoundException", "Requested resource not found"));
    let (_, ty, _) = call(e, "DescribeTable", json!({"TableName": "missing"})).await;
    assert_eq!(ty, "ResourceNotFoundException");
}

#[tokio::test]
async fn list_tables_limit_range() {
    let env = TestEnv::new().await;
    let e = &env.endpoint;
    for (limit, constraint) in [
        (0, "Member must have value greater than or equal to 1"),
        (101, "Member must have value less than or equal to 100"),
    ] {
        let (status, ty, msg) = call(e, "ListTables", json!({ "Limit": limit })).await;
        assert_eq!((status, ty.as_str()), (400, "ValidationException"));
        assert_eq!(msg, one("Limit", &format!("'{limit}'"), constraint));
    }
    // Both ListTables members failing: both listed.
    let (_, ty, msg) = call(e, "ListTables", json!({"ExclusiveStartTableName": "a!", "Limit": 0})).await;
    assert_eq!(ty, "ValidationException");
    assert_eq!(
        msg,
        "3 validation errors detected: \
         Value 'a!' at 'ExclusiveStartTableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; \
         Value 'a!' at 'ExclusiveStartTableName' failed to satisfy constraint: Member must have length greater than or equal to 3; \
         Value '0' at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    for limit in [1, 100] {
        let (status, _, _) = call(e, "ListTables", json!({ "Limit": limit })).await;
        assert_eq!(status, 200);
    }
}

#[tokio::test]
async fn unknown_members_are_ignored_and_integers_must_fit() {
    let env = TestEnv::new().await;
    let e = &env.endpoint;
    let mut body = simple_table("tbl");
    body["NotAMember"] = json!({"anything": [1, 2]});
    let (status, _, _) = call(e, "CreateTable", body).await;
    assert_eq!(status, 200);
    let (status, _, _) = call(e, "DescribeTable", json!({"TableName": "tbl", "Extra": true})).await;
    assert_eq!(status, 200);
    // An integer member beyond the Java int range cannot be converted.
    let (status, ty, _) = call(e, "ListTables", json!({"Limit": 3_000_000_000u64})).await;
    assert_eq!((status, ty.as_str()), (400, "SerializationException"));
}
