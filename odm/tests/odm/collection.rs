//! The `collection` layer (document collections on one table), against
//! the embedded emulator: the adapter's limitations, each removed
//! (`collection_limitations.rs`), every operator (`collection_ops.rs`),
//! and `find` against an in-memory reference (`collection_prop.rs`).

#[path = "collection_example.rs"]
mod example;
#[path = "collection_limitations.rs"]
mod limitations;
#[path = "collection_ops.rs"]
mod ops;
#[path = "collection_prop.rs"]
mod prop;

use ddb_odm::collection::{Collections, Options};
use ddb_odm::testing::TestDb;

/// A private database and collections on a fresh `parse-server` table.
pub async fn setup() -> (TestDb, Collections) {
    let db = TestDb::start().await;
    let table = format!("{}parse-server", db.prefix);
    let cols = Collections::with_options(db.client.clone(), Options { table, ..Options::default() });
    cols.ensure_table().await.unwrap();
    db.clear_operations();
    (db, cols)
}

/// The `_id`s of documents, in order.
pub fn ids(docs: &[serde_json::Value]) -> Vec<String> {
    docs.iter().map(|d| d["_id"].as_str().unwrap().to_string()).collect()
}
