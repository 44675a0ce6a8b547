//! Shared set-up: a private database per test and an ODM on it.

use ddb_odm::testing::TestDb;
use ddb_odm::{Odm, OdmOptions};

/// A private database and an ODM whose tables are prefixed for this test.
pub async fn setup() -> (TestDb, Odm) {
    let db = TestDb::start().await;
    let odm =
        Odm::with_options(db.client.clone(), OdmOptions { prefix: db.prefix.clone(), ..Default::default() });
    (db, odm)
}

/// The operations the emulator served since the last clear (embedded only).
pub fn ops(db: &TestDb) -> Vec<String> {
    db.operations().unwrap_or_default()
}
