//! The Streams operations' JSON edge: `Service::call_streams`, what the
//! `DynamoDBStreams_20120810.` target prefix reaches. Validation against
//! the Streams API model, the body into the typed input (serde: the inputs
//! carry no attribute values), the `Read` command, its output into JSON.

use crate::error::{Error, Result};
use crate::service::{Command, Service};
use crate::streams::{DescribeStream, GetRecords, GetShardIterator, ListStreams};
use serde_json::Value;

impl Service {
    /// Runs Streams operation `op` (e.g. `"GetRecords"`) on a parsed JSON
    /// request and returns the JSON response body; guarded and recorded
    /// like [`Service::call`].
    pub fn call_streams(&self, op: &str, body: &Value) -> Result<Vec<u8>> {
        fn run<C>(svc: &Service, body: &Value) -> Result<Vec<u8>>
        where
            C: Command + serde::de::DeserializeOwned,
            C::Output: serde::Serialize,
        {
            let cmd = C::deserialize(body).map_err(|e| Error::serialization(e.to_string()))?;
            super::encode(&cmd.execute(svc, &svc.ctx())?)
        }
        self.guarded(
            op,
            || tables_named(body),
            || {
                super::validate::validate_input(op, body)?;
                match op {
                    "ListStreams" => run::<ListStreams>(self, body),
                    "DescribeStream" => run::<DescribeStream>(self, body),
                    "GetShardIterator" => run::<GetShardIterator>(self, body),
                    "GetRecords" => run::<GetRecords>(self, body),
                    _ => Err(Error::new(crate::error::ErrorKind::UnknownOperation, "")),
                }
            },
        )
    }
}

/// The table a Streams request names: `TableName`, or the table of `StreamArn`.
fn tables_named(body: &Value) -> Vec<String> {
    let name = body.get("TableName").and_then(Value::as_str).or_else(|| {
        body.get("StreamArn").and_then(Value::as_str).and_then(crate::store::stream::table_of_arn)
    });
    name.map(|n| vec![n.to_string()]).unwrap_or_default()
}
