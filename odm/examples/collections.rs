//! Document collections on one DynamoDB table, Parse Server style.
//!
//! Creates the table exactly as the Parse Server DynamoDB adapter's
//! documentation does, then inserts, finds, updates and deletes.
//!
//!     cargo run -p ddb-odm --example collections                 # embedded emulator
//!     cargo run -p ddb-odm --example collections -- http://localhost:8000
//!
//! With an endpoint argument (or `DDB_ENDPOINT`) it talks to that endpoint
//! (DynamoDB Local, the emulator binary, ...) with dummy credentials.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, KeySchemaElement, KeyType, ProvisionedThroughput, ScalarAttributeType,
};
use aws_sdk_dynamodb::Client;
use ddb_odm::collection::{ClassSchema, Collections, Error};
use serde_json::json;

/// The whole demonstration, against `client`; prints what it does.
pub async fn run(client: Client) -> Result<(), Box<dyn std::error::Error>> {
    // aws dynamodb create-table --table-name parse-server \
    //     --attribute-definitions AttributeName=_pk_className,AttributeType=S AttributeName=_sk_id,AttributeType=S \
    //     --key-schema AttributeName=_pk_className,KeyType=HASH AttributeName=_sk_id,KeyType=RANGE \
    //     --provisioned-throughput ReadCapacityUnits=500,WriteCapacityUnits=1000
    let exists = client.describe_table().table_name("parse-server").send().await.is_ok();
    if !exists {
        client
            .create_table()
            .table_name("parse-server")
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("_pk_className")
                    .attribute_type(ScalarAttributeType::S)
                    .build()?,
            )
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("_sk_id")
                    .attribute_type(ScalarAttributeType::S)
                    .build()?,
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("_pk_className")
                    .key_type(KeyType::Hash)
                    .build()?,
            )
            .key_schema(
                KeySchemaElement::builder().attribute_name("_sk_id").key_type(KeyType::Range).build()?,
            )
            .provisioned_throughput(
                ProvisionedThroughput::builder()
                    .read_capacity_units(500)
                    .write_capacity_units(1000)
                    .build()?,
            )
            .send()
            .await?;
        println!("created table parse-server");
    }
    let db = Collections::new(client, "parse-server");
    db.ensure_table().await?; // checks the key schema, waits for ACTIVE

    db.set_schema(&ClassSchema::new("User").field("name", "String").field("email", "String").unique("email"))
        .await?;
    let users = db.collection("User");
    users.delete_many(json!({})).await?; // a clean start when run twice

    // insert
    users
        .insert_one(json!({"_id": "1234", "name": "benishak", "email": "ben@example.com", "age": 31}))
        .await?;
    let id = users
        .insert_one(json!({"name": "ana", "email": "ana@example.com", "age": 27, "tags": ["admin"]}))
        .await?;
    println!("inserted 1234 and {id}");
    match users.insert_one(json!({"name": "impostor", "email": "ben@example.com"})).await {
        Err(Error::Duplicate { field, .. }) => println!("refused a second user with the same {field}"),
        other => return Err(format!("expected a duplicate error, got {other:?}").into()),
    }

    // find
    let found = users.find(json!({"_id": "1234"})).all().await?;
    println!("find {{_id: 1234}} -> {}", serde_json::to_string(&found)?);
    let adults = users
        .find(json!({"age": {"$gte": 18}, "name": {"$regex": "^[ab]"}}))
        .sort("age", -1)
        .projection(json!({"name": 1}))
        .all()
        .await?;
    println!("adults by age desc -> {}", serde_json::to_string(&adults)?);
    assert_eq!(adults.len(), 2);

    // update
    let r = users
        .update_one(
            json!({"_id": "1234"}),
            json!({"$inc": {"age": 1}, "$push": {"tags": "editor"}, "$currentDate": {"updatedAt": true}}),
        )
        .await?;
    println!("updated {} document(s)", r.modified);
    let ben = users.find_one(json!({"_id": "1234"})).await?.ok_or("1234 vanished")?;
    println!("now {}", serde_json::to_string(&ben)?);
    assert_eq!(ben["age"], 32);

    // delete
    let n = users.delete_one(json!({"_id": "1234"})).await?;
    println!("deleted {n}; {} user(s) left", users.count(json!({})).await?);
    assert_eq!(users.count(json!({})).await?, 1);
    Ok(())
}

#[allow(dead_code)] // also compiled into the test suite, which calls `run`
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint =
        std::env::args().nth(1).or_else(|| std::env::var("DDB_ENDPOINT").ok()).filter(|e| !e.is_empty());
    match endpoint {
        Some(endpoint) => run(ddb_odm::testing::client_for(&endpoint)).await,
        None => {
            let (emu, client) = ddb_odm::testing::embedded().await;
            let r = run(client).await;
            emu.shutdown().await;
            r
        }
    }
}
