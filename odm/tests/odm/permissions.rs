//! Each ODM operation calls only the DynamoDB actions documented in
//! `ddb_odm::permissions` (so only those IAM permissions are needed).

use crate::common::{ops, setup};
use ddb_odm::permissions::{OdmOperation, actions};
use ddb_odm::testing::TestDb;
use ddb_odm::{Model, OdmOptions, TableOptions};
use futures::TryStreamExt;

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "perm")]
struct Thing {
    #[key]
    id: String,
    #[index(name = "by_color")]
    color: String,
    #[odm(created_at)]
    created: Option<time::OffsetDateTime>,
}

fn thing(id: &str) -> Thing {
    Thing { id: id.into(), color: "red".into(), created: None }
}

fn check(db: &TestDb, op: OdmOperation) {
    let served = ops(db);
    assert!(!served.is_empty() || op == OdmOperation::ModelProduction, "{op:?} sent nothing");
    for s in &served {
        assert!(actions(op).contains(&s.as_str()), "{op:?} called {s}, which is not documented");
    }
    db.clear_operations();
}

#[tokio::test]
async fn every_operation_calls_only_its_documented_actions() {
    let (db, odm) = setup().await;
    if db.emulator.is_none() {
        return; // the record of served operations needs the embedded emulator
    }
    db.clear_operations();
    let things = odm.model::<Thing>().await.unwrap();
    check(&db, OdmOperation::CreateTable);

    let prod = ddb_odm::Odm::with_options(
        db.client.clone(),
        OdmOptions { prefix: db.prefix.clone(), table: TableOptions::production(), ..Default::default() },
    );
    let _ = prod.model::<Thing>().await.unwrap();
    check(&db, OdmOperation::ModelProduction);

    things.create(&thing("a")).await.unwrap();
    things.save(&thing("b")).await.unwrap();
    check(&db, OdmOperation::Save);
    things.get("a".to_string()).await.unwrap();
    let mut tracked = things.get_tracked("a".to_string()).await.unwrap().unwrap();
    check(&db, OdmOperation::Get);
    tracked.color = "blue".into();
    things.save_tracked(&mut tracked).await.unwrap();
    things.update("a".to_string()).set(&Thing::fields().color, "green").await.unwrap();
    check(&db, OdmOperation::Update);
    let _: Vec<Thing> = things.query(Thing::query_by_color("red")).all().try_collect().await.unwrap();
    things.query(Thing::query_by_id("a")).count().await.unwrap();
    check(&db, OdmOperation::Query);
    let _: Vec<Thing> = things.scan().parallel(2).all().try_collect().await.unwrap();
    things.scan().count().await.unwrap();
    check(&db, OdmOperation::Scan);
    things.batch_get(["a".to_string(), "b".to_string()]).await.unwrap();
    check(&db, OdmOperation::BatchGet);
    things.batch_put(&[thing("c"), thing("d")]).await.unwrap();
    things.batch_delete(["d".to_string()]).await.unwrap();
    check(&db, OdmOperation::BatchWrite);
    odm.transact_write()
        .put(things.create(&thing("e")))
        .delete(things.delete("c".to_string()))
        .send()
        .await
        .unwrap();
    check(&db, OdmOperation::TransactWrite);
    odm.transact_get().get(things.get("e".to_string())).send().await.unwrap();
    check(&db, OdmOperation::TransactGet);
    things.delete("e".to_string()).await.unwrap();
    check(&db, OdmOperation::Delete);
    let _ = things.create(&thing("z")).dry_run().unwrap();
    let _ = things.scan().dry_run().unwrap();
    assert!(ops(&db).is_empty(), "dry runs send nothing");
}
