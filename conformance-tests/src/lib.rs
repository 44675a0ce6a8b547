//! Shared helpers for the conformance tests: a private emulator per test and
//! an `aws-sdk-dynamodb` client pointed at it.
//!
//! Set `DDB_ENDPOINT` to run the same tests against another endpoint (for
//! example DynamoDB Local); by default each test starts its own embedded
//! emulator on a free loopback port.

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_dynamodb::Client;
use ddb_emulator::Emulator;

/// A test's endpoint: its own emulator (unless `DDB_ENDPOINT` is set) and a client.
pub struct TestEnv {
    /// The embedded emulator, when the test owns one.
    pub emulator: Option<Emulator>,
    /// A client configured for the endpoint.
    pub client: Client,
    /// The endpoint URL.
    pub endpoint: String,
}

impl TestEnv {
    /// Starts a private emulator (or uses `DDB_ENDPOINT`) and builds a client.
    pub async fn new() -> TestEnv {
        let (emulator, endpoint) = match std::env::var("DDB_ENDPOINT") {
            Ok(endpoint) => (None, endpoint),
            Err(_) => {
                let emu = Emulator::builder().start().await.expect("start emulator");
                let endpoint = emu.endpoint();
                (Some(emu), endpoint)
            }
        };
        let client = client_for(&endpoint);
        TestEnv { emulator, client, endpoint }
    }
}

/// An SDK client for `endpoint` with dummy credentials and no retries (so a
/// test sees the first error, not a retried one).
pub fn client_for(endpoint: &str) -> Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "test"))
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

/// The error code and message of a failed SDK call, for assertions.
pub fn error_parts<E, R>(err: &aws_sdk_dynamodb::error::SdkError<E, R>) -> (String, String)
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
{
    match err.as_service_error() {
        Some(e) => (e.code().unwrap_or("").to_string(), e.message().unwrap_or("").to_string()),
        None => (format!("not a service error: {err:?}"), String::new()),
    }
}

/// Unwraps the service error of a result that must have failed.
#[macro_export]
macro_rules! expect_err {
    ($result:expr) => {
        match $result {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => $crate::error_parts(&e),
        }
    };
}
