//! Change tracking: saving a loaded item sends only what changed.

use crate::common::setup;
use ddb_odm::{Model, Request};

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "docs")]
struct Doc {
    #[key]
    id: String,
    title: String,
    body: String,
    summary: Option<String>,
    #[odm(version)]
    version: u32,
}

#[tokio::test]
async fn save_tracked_sends_only_changes() {
    let (db, odm) = setup().await;
    let docs = odm.model::<Doc>().await.unwrap();
    docs.create(&Doc {
        id: "d".into(),
        title: "t".into(),
        body: "b".into(),
        summary: Some("s".into()),
        version: 0,
    })
    .await
    .unwrap();
    let mut doc = docs.get_tracked("d".to_string()).await.unwrap().unwrap();
    db.clear_operations();
    assert!(!docs.save_tracked(&mut doc).await.unwrap(), "nothing changed, nothing sent");
    if db.emulator.is_some() {
        assert!(crate::common::ops(&db).is_empty());
    }
    doc.title = "new title".into();
    doc.summary = None;
    assert_eq!(doc.changed_attributes().unwrap(), vec!["summary".to_string(), "title".to_string()]);
    // someone else changes the body meanwhile: a partial save keeps it, but
    // the version check refuses the stale write
    let f = Doc::fields();
    docs.update("d".to_string()).set(&f.body, "other").await.unwrap();
    assert!(docs.save_tracked(&mut doc).await.unwrap_err().is_condition_failed());
    let mut doc = docs.get_tracked("d".to_string()).await.unwrap().unwrap();
    doc.title = "new title".into();
    assert!(docs.save_tracked(&mut doc).await.unwrap());
    assert_eq!(doc.version, 3);
    let stored = docs.get("d".to_string()).await.unwrap().unwrap();
    assert_eq!((stored.title.as_str(), stored.body.as_str()), ("new title", "other"));
    // a plain save sends a whole PutItem
    assert!(matches!(docs.save(&stored).dry_run().unwrap(), Request::PutItem(_)));
}
