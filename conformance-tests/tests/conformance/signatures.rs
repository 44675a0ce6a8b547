//! Signature verification (`--verify-signatures`) against the AWS SDK's
//! own SigV4 signer: its requests pass, a wrong secret or region does not.

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use aws_sdk_dynamodb::Client;
use ddb_emulator::Emulator;

fn client(endpoint: &str, key: &str, secret: &str, region: &str) -> Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .credentials_provider(Credentials::new(key, secret, None, None, "test"))
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

#[tokio::test]
async fn the_sdks_signed_requests_are_accepted_and_wrong_ones_rejected() {
    let emu = Emulator::builder()
        .verify_signatures(true)
        .credential("AKIDSIGNED", "s3cret/with+chars")
        .start()
        .await
        .unwrap();
    let good = client(&emu.endpoint(), "AKIDSIGNED", "s3cret/with+chars", "us-east-1");
    good.create_table()
        .table_name("signed")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Hash).build().unwrap())
        .send()
        .await
        .unwrap();
    good.put_item()
        .table_name("signed")
        .item("pk", AttributeValue::S("a b/c?d=e&f".into()))
        .send()
        .await
        .unwrap();
    let got = good
        .get_item()
        .table_name("signed")
        .key("pk", AttributeValue::S("a b/c?d=e&f".into()))
        .send()
        .await
        .unwrap();
    assert!(got.item().is_some());

    let wrong_secret = client(&emu.endpoint(), "AKIDSIGNED", "other", "us-east-1");
    let err = wrong_secret.list_tables().send().await.unwrap_err();
    let (code, message) = ddb_conformance::error_parts(&err);
    assert_eq!(code, "InvalidSignatureException");
    assert!(message.starts_with("The request signature we calculated does not match"), "{message}");

    let wrong_region = client(&emu.endpoint(), "AKIDSIGNED", "s3cret/with+chars", "eu-west-1");
    let (code, message) = ddb_conformance::error_parts(&wrong_region.list_tables().send().await.unwrap_err());
    assert_eq!(code, "InvalidSignatureException");
    assert_eq!(message, "Credential should be scoped to a valid region. ");

    let unknown = client(&emu.endpoint(), "AKIDOTHER", "s3cret/with+chars", "us-east-1");
    let (code, _) = ddb_conformance::error_parts(&unknown.list_tables().send().await.unwrap_err());
    assert_eq!(code, "UnrecognizedClientException");
}
