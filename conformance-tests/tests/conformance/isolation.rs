//! Isolation through the AWS SDK: tables are kept per region, as in AWS (a
//! table created through a us-east-2 client does not exist for a us-east-1
//! client; ARNs name the region), for the DynamoDB and the Streams
//! endpoints alike; with `isolate_access_keys`, each access key id has its
//! own tables too. The harness controls (snapshot, restore, fork) cover
//! every scope, and a fork of a verifying emulator verifies (issue 18).

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    StreamSpecification, StreamViewType,
};
use aws_sdk_dynamodb::Client;
use ddb_conformance::expect_err;
use ddb_emulator::{Emulator, Scope};
use serde_json::Value;

fn client(endpoint: &str, region: &str, key: &str, secret: &str) -> Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .credentials_provider(Credentials::new(key, secret, None, None, "test"))
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

fn streams_client(endpoint: &str, region: &str) -> aws_sdk_dynamodbstreams::Client {
    use aws_sdk_dynamodbstreams::config::{BehaviorVersion, Credentials, Region};
    let config = aws_sdk_dynamodbstreams::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_dynamodbstreams::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_dynamodbstreams::Client::from_conf(config)
}

/// Creates `name` (hash key `pk`, a stream) and returns its description's ARNs.
async fn create(c: &Client, name: &str) -> (String, String) {
    let out = c
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Hash).build().unwrap())
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::KeysOnly)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let d = out.table_description().unwrap();
    (d.table_arn().unwrap().to_string(), d.latest_stream_arn().unwrap().to_string())
}

async fn put(c: &Client, table: &str, pk: &str) {
    c.put_item().table_name(table).item("pk", AttributeValue::S(pk.into())).send().await.unwrap();
}

async fn tables(c: &Client) -> Vec<String> {
    c.list_tables().send().await.unwrap().table_names().to_vec()
}

async fn count(c: &Client, table: &str) -> usize {
    c.scan().table_name(table).send().await.unwrap().items().len()
}

#[tokio::test]
async fn two_sdk_clients_of_different_regions_see_different_tables() {
    let emu = Emulator::builder().start().await.unwrap();
    let ep = emu.endpoint();
    let east1 = client(&ep, "us-east-1", "AKIDTEST", "secret");
    let east2 = client(&ep, "us-east-2", "AKIDTEST", "secret");

    let (arn, stream) = create(&east2, "orders").await;
    assert_eq!(arn, "arn:aws:dynamodb:us-east-2:000000000000:table/orders");
    assert!(stream.starts_with("arn:aws:dynamodb:us-east-2:000000000000:table/orders/stream/"), "{stream}");
    put(&east2, "orders", "a").await;

    assert!(tables(&east1).await.is_empty());
    let (code, _) = expect_err!(east1.describe_table().table_name("orders").send().await);
    assert_eq!(code, "ResourceNotFoundException");
    let (code, _) = expect_err!(
        east1.get_item().table_name("orders").key("pk", AttributeValue::S("a".into())).send().await
    );
    assert_eq!(code, "ResourceNotFoundException");

    // The same name in us-east-1 is another table.
    let (arn1, _) = create(&east1, "orders").await;
    assert_eq!(arn1, "arn:aws:dynamodb:us-east-1:000000000000:table/orders");
    put(&east1, "orders", "b").await;
    put(&east1, "orders", "c").await;
    assert_eq!((count(&east1, "orders").await, count(&east2, "orders").await), (2, 1));

    // The Streams endpoint is per region too.
    let streams2 = streams_client(&ep, "us-east-2");
    let listed = streams2.list_streams().send().await.unwrap();
    assert_eq!(listed.streams().len(), 1);
    assert_eq!(listed.streams()[0].stream_arn(), Some(stream.as_str()));
    let described = streams2.describe_stream().stream_arn(&stream).send().await.unwrap();
    assert_eq!(described.stream_description().unwrap().table_name(), Some("orders"));
    let streams1 = streams_client(&ep, "us-east-1");
    let err = streams1.describe_stream().stream_arn(&stream).send().await.unwrap_err();
    assert_eq!(err.as_service_error().and_then(|e| e.meta().code()), Some("ResourceNotFoundException"));

    // Backups carry the region and are listed only there.
    let backup = east2.create_backup().table_name("orders").backup_name("nightly").send().await.unwrap();
    let backup_arn = backup.backup_details().unwrap().backup_arn();
    assert!(
        backup_arn.starts_with("arn:aws:dynamodb:us-east-2:000000000000:table/orders/backup/"),
        "{backup_arn}"
    );
    let listed = east1.list_backups().send().await.unwrap();
    assert!(listed.backup_summaries().is_empty());

    // DescribeEndpoints names the emulator in every region.
    let endpoints = east2.describe_endpoints().send().await.unwrap();
    assert_eq!(endpoints.endpoints()[0].address(), emu.addr().to_string());

    // The Rust API reaches the same databases.
    let region2 = emu.scope(&Scope::region("us-east-2")).unwrap();
    assert_eq!(region2.store.snapshot().table("orders").unwrap().item_count(), 1);
    assert_eq!(emu.service().store.snapshot().table("orders").unwrap().item_count(), 2);
    let from_rust = region2.call("ListTables", &serde_json::json!({})).unwrap();
    let from_rust: Value = serde_json::from_slice(&from_rust).unwrap();
    assert_eq!(from_rust["TableNames"], serde_json::json!(["orders"]));
}

#[tokio::test]
async fn access_keys_share_a_regions_tables_unless_isolated() {
    // Off (the default): every key sees the region's tables.
    let shared = Emulator::builder().start().await.unwrap();
    let one = client(&shared.endpoint(), "us-east-1", "AKIDONE", "secret");
    let two = client(&shared.endpoint(), "us-east-1", "AKIDTWO", "other-secret");
    create(&one, "jobs").await;
    put(&one, "jobs", "x").await;
    assert_eq!(tables(&two).await, vec!["jobs"]);
    assert_eq!(count(&two, "jobs").await, 1);

    // On: each key has its own tables; the same names never collide.
    let isolated = Emulator::builder().isolate_access_keys(true).start().await.unwrap();
    let one = client(&isolated.endpoint(), "us-east-1", "AKIDONE", "secret");
    let two = client(&isolated.endpoint(), "us-east-1", "AKIDTWO", "secret");
    create(&one, "jobs").await;
    put(&one, "jobs", "x").await;
    assert!(tables(&two).await.is_empty());
    let (code, _) = expect_err!(two.scan().table_name("jobs").send().await);
    assert_eq!(code, "ResourceNotFoundException");
    create(&two, "jobs").await;
    put(&two, "jobs", "y").await;
    put(&two, "jobs", "z").await;
    assert_eq!((count(&one, "jobs").await, count(&two, "jobs").await), (1, 2));
    // A key's tables are still per region.
    let one_west = client(&isolated.endpoint(), "us-west-2", "AKIDONE", "secret");
    assert!(tables(&one_west).await.is_empty());
    // The Rust API addresses a key's database by its scope.
    let scope = isolated.scope(&Scope::access_key("us-east-1", "AKIDTWO")).unwrap();
    assert_eq!(scope.store.snapshot().table("jobs").unwrap().item_count(), 2);
    assert!(isolated.service().store.snapshot().table("jobs").is_none(), "the keyless default scope");
}

async fn admin(endpoint: &str, method: reqwest::Method, path: &str) -> Value {
    let response = reqwest::Client::new().request(method, format!("{endpoint}{path}")).send().await.unwrap();
    assert!(response.status().is_success(), "{path}: {}", response.status());
    response.json().await.unwrap()
}

#[tokio::test]
async fn snapshots_and_forks_over_the_routes_cover_every_region() {
    let emu = Emulator::builder().start().await.unwrap();
    let ep = emu.endpoint();
    let east1 = client(&ep, "us-east-1", "AKIDTEST", "secret");
    let west = client(&ep, "eu-west-1", "AKIDTEST", "secret");
    create(&east1, "home").await;
    create(&west, "away").await;
    put(&west, "away", "w1").await;
    admin(&ep, reqwest::Method::POST, "/_emulator/snapshots").await;
    let listed = admin(&ep, reqwest::Method::GET, "/_emulator/snapshots").await;
    let name = listed["snapshots"][0]["name"].as_str().unwrap().to_string();
    assert_eq!(listed["snapshots"][0]["tables"], 2);

    put(&west, "away", "w2").await;
    create(&client(&ep, "ap-south-1", "AKIDTEST", "secret"), "late").await;
    admin(&ep, reqwest::Method::POST, &format!("/_emulator/snapshots/{name}/restore")).await;
    assert_eq!(count(&west, "away").await, 1);
    assert!(tables(&client(&ep, "ap-south-1", "AKIDTEST", "secret")).await.is_empty());

    let scopes = admin(&ep, reqwest::Method::GET, "/_emulator/scopes").await;
    let regions: Vec<&str> =
        scopes["scopes"].as_array().unwrap().iter().map(|s| s["region"].as_str().unwrap()).collect();
    assert_eq!(regions, vec!["us-east-1", "ap-south-1", "eu-west-1"]);

    let fork = admin(&ep, reqwest::Method::POST, "/_emulator/fork").await;
    let fork_ep = fork["endpoint"].as_str().unwrap();
    let fork_west = client(fork_ep, "eu-west-1", "AKIDTEST", "secret");
    assert_eq!(count(&fork_west, "away").await, 1);
    put(&fork_west, "away", "fork-only").await;
    assert_eq!((count(&fork_west, "away").await, count(&west, "away").await), (2, 1));

    admin(&ep, reqwest::Method::POST, "/_emulator/reset").await;
    assert!(tables(&west).await.is_empty());
}

/// Issue 18: a fork of an emulator that verifies signatures verifies them
/// with the same credentials (the raw-HTTP twin, with the admin route, is
/// in `emulator/tests/edge.rs`).
#[tokio::test]
async fn a_fork_of_a_verifying_emulator_verifies_the_sdks_signatures() {
    let emu = Emulator::builder()
        .verify_signatures(true)
        .credential("AKIDSIGNED", "s3cret")
        .signing_regions(["us-east-1", "us-east-2"])
        .start()
        .await
        .unwrap();
    create(&client(&emu.endpoint(), "us-east-2", "AKIDSIGNED", "s3cret"), "signed").await;
    let fork = emu.fork().await.unwrap();
    let good = client(&fork.endpoint(), "us-east-2", "AKIDSIGNED", "s3cret");
    assert_eq!(tables(&good).await, vec!["signed"], "the fork has the region's tables");
    let wrong_secret = client(&fork.endpoint(), "us-east-2", "AKIDSIGNED", "wrong");
    let (code, _) = expect_err!(wrong_secret.list_tables().send().await);
    assert_eq!(code, "InvalidSignatureException");
    let unknown = client(&fork.endpoint(), "us-east-2", "AKIDOTHER", "s3cret");
    let (code, _) = expect_err!(unknown.list_tables().send().await);
    assert_eq!(code, "UnrecognizedClientException");
    let wrong_region = client(&fork.endpoint(), "eu-west-1", "AKIDSIGNED", "s3cret");
    let (code, _) = expect_err!(wrong_region.list_tables().send().await);
    assert_eq!(code, "InvalidSignatureException");
}

/// With verification on, the verified key and region pick the database.
#[tokio::test]
async fn verified_keys_and_regions_pick_the_database() {
    let emu = Emulator::builder()
        .verify_signatures(true)
        .credential("AKIDONE", "one-secret")
        .credential("AKIDTWO", "two-secret")
        .signing_regions(["us-east-1", "eu-central-1"])
        .isolate_access_keys(true)
        .start()
        .await
        .unwrap();
    let ep = emu.endpoint();
    let one = client(&ep, "eu-central-1", "AKIDONE", "one-secret");
    create(&one, "ledger").await;
    assert_eq!(tables(&one).await, vec!["ledger"]);
    assert!(tables(&client(&ep, "eu-central-1", "AKIDTWO", "two-secret")).await.is_empty());
    assert!(tables(&client(&ep, "us-east-1", "AKIDONE", "one-secret")).await.is_empty());
    let scope = emu.scope(&Scope::access_key("eu-central-1", "AKIDONE")).unwrap();
    assert!(scope.store.snapshot().table("ledger").is_some());
}
