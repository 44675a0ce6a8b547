//! Test helpers (feature `testing`): an embedded emulator and a client for
//! it, or the endpoint named by `DDB_ODM_ENDPOINT`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! let (_emu, client) = ddb_odm::testing::embedded().await; // keep `_emu` alive
//! let odm = ddb_odm::Odm::new(client);
//! assert!(odm.client().list_tables().send().await.is_ok());
//! # Ok(()) }
//! ```

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
pub use ddb_emulator::Emulator;

#[doc(hidden)]
pub mod doc;

/// A client for `endpoint` with dummy credentials and no SDK retries.
///
/// ```
/// let client = ddb_odm::testing::client_for("http://127.0.0.1:8000");
/// assert!(client.config().region().is_some());
/// ```
pub fn client_for(endpoint: &str) -> Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("AKIDTEST", "secret", None, None, "ddb-odm-testing"))
        .endpoint_url(endpoint)
        .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
        .build();
    Client::from_conf(config)
}

/// Starts a private embedded emulator and returns it with a client for it.
/// Keep the emulator alive as long as the client is used.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let (emu, client) = ddb_odm::testing::embedded().await;
/// client.list_tables().send().await.unwrap();
/// assert_eq!(emu.operations()[0].operation, "ListTables");
/// emu.shutdown().await;
/// # }
/// ```
pub async fn embedded() -> (Emulator, Client) {
    let emu = Emulator::builder().start().await.expect("start the embedded emulator");
    let client = client_for(&emu.endpoint());
    (emu, client)
}

/// A test's database: its own embedded emulator, or the endpoint named by
/// `DDB_ODM_ENDPOINT` (then `emulator` is `None`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let db = ddb_odm::testing::TestDb::start().await;
/// let odm = ddb_odm::Odm::with_options(db.client.clone(), ddb_odm::OdmOptions { prefix: db.prefix.clone(), ..Default::default() });
/// # let _ = odm;
/// # }
/// ```
pub struct TestDb {
    /// The embedded emulator, unless an endpoint was named.
    pub emulator: Option<Emulator>,
    /// A client for the endpoint.
    pub client: Client,
    /// A table-name prefix unique to this test (tables of parallel tests
    /// on a shared endpoint do not collide).
    pub prefix: String,
}

impl TestDb {
    /// Starts a private emulator, or connects to `DDB_ODM_ENDPOINT`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let db = ddb_odm::testing::TestDb::start().await;
    /// db.client.list_tables().send().await.unwrap();
    /// # }
    /// ```
    pub async fn start() -> TestDb {
        match std::env::var("DDB_ODM_ENDPOINT") {
            Ok(endpoint) if !endpoint.is_empty() => TestDb {
                emulator: None,
                client: client_for(&endpoint),
                prefix: format!("odm{:08x}_", fastrand::u32(..)),
            },
            _ => {
                let (emu, client) = embedded().await;
                TestDb { emulator: Some(emu), client, prefix: String::new() }
            }
        }
    }

    /// The DynamoDB operations served so far (embedded emulator only).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let db = ddb_odm::testing::TestDb::start().await;
    /// db.client.list_tables().send().await.unwrap();
    /// if let Some(ops) = db.operations() {
    ///     assert_eq!(ops, ["ListTables"]); // embedded emulator only
    /// }
    /// # }
    /// ```
    pub fn operations(&self) -> Option<Vec<String>> {
        self.emulator.as_ref().map(|e| e.operations().into_iter().map(|o| o.operation).collect())
    }

    /// Forgets the recorded operations.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let db = ddb_odm::testing::TestDb::start().await;
    /// db.client.list_tables().send().await.unwrap();
    /// db.clear_operations();
    /// assert!(db.operations().map_or(true, |ops| ops.is_empty()));
    /// # }
    /// ```
    pub fn clear_operations(&self) {
        if let Some(e) = &self.emulator {
            e.clear_operations();
        }
    }
}
