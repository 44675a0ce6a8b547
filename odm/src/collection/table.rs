//! Creating the table (as the Parse Server adapter's documentation
//! creates it) and checking an existing one.

use super::error::{Error, Result};
use super::Collections;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, KeySchemaElement, KeyType, ProvisionedThroughput, ScalarAttributeType, TableStatus,
};
use std::time::Duration;

impl Collections {
    /// Creates the table if it does not exist: `_pk_className` (S, HASH),
    /// `_sk_id` (S, RANGE), provisioned 500 read / 1000 write capacity
    /// units (names and capacity from [`Options`](super::Options)), and
    /// waits until it is ACTIVE. An existing table must have that key schema.
    pub async fn ensure_table(&self) -> Result<()> {
        let opts = &self.shared.opts;
        let client = &self.shared.client;
        match client
            .describe_table()
            .table_name(&opts.table)
            .send()
            .await
            .map_err(aws_sdk_dynamodb::Error::from)
        {
            Ok(out) => {
                let t = out.table();
                let keys: Vec<(String, String)> = t
                    .map(|t| {
                        t.key_schema()
                            .iter()
                            .map(|k| (k.attribute_name().to_string(), k.key_type().as_str().to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
                let want = vec![
                    (opts.partition_key.clone(), "HASH".to_string()),
                    (opts.sort_key.clone(), "RANGE".to_string()),
                ];
                if keys != want {
                    return Err(Error::TableMismatch(format!(
                        "table `{}` has key schema {keys:?}, expected {want:?}",
                        opts.table
                    )));
                }
                if t.and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
                    return Ok(());
                }
            }
            Err(aws_sdk_dynamodb::Error::ResourceNotFoundException(_)) => {
                let def = |n: &str| {
                    AttributeDefinition::builder()
                        .attribute_name(n)
                        .attribute_type(ScalarAttributeType::S)
                        .build()
                        .map_err(Error::build)
                };
                let key = |n: &str, t: KeyType| {
                    KeySchemaElement::builder().attribute_name(n).key_type(t).build().map_err(Error::build)
                };
                let res = client
                    .create_table()
                    .table_name(&opts.table)
                    .attribute_definitions(def(&opts.partition_key)?)
                    .attribute_definitions(def(&opts.sort_key)?)
                    .key_schema(key(&opts.partition_key, KeyType::Hash)?)
                    .key_schema(key(&opts.sort_key, KeyType::Range)?)
                    .provisioned_throughput(
                        ProvisionedThroughput::builder()
                            .read_capacity_units(opts.read_capacity_units)
                            .write_capacity_units(opts.write_capacity_units)
                            .build()
                            .map_err(Error::build)?,
                    )
                    .send()
                    .await
                    .map_err(aws_sdk_dynamodb::Error::from);
                match res {
                    Ok(_) | Err(aws_sdk_dynamodb::Error::ResourceInUseException(_)) => {}
                    Err(e) => return Err(Error::Sdk(Box::new(e))),
                }
            }
            Err(e) => return Err(Error::Sdk(Box::new(e))),
        }
        for _ in 0..600 {
            let out = client.describe_table().table_name(&opts.table).send().await.map_err(Error::sdk)?;
            if out.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Err(Error::Contention(format!("table `{}` did not become ACTIVE within 5 minutes", opts.table)))
    }
}
