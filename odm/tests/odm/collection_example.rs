//! Runs `odm/examples/collections.rs` (so the test suite runs the
//! example) against its own embedded emulator.

#[path = "../../examples/collections.rs"]
#[allow(clippy::duplicate_mod)]
mod collections_example;

#[tokio::test]
async fn example_program_runs() {
    let (_emu, client) = ddb_odm::testing::embedded().await;
    collections_example::run(client).await.unwrap();
    // Run twice: the example starts clean on an existing table.
    let (emu, client) = ddb_odm::testing::embedded().await;
    collections_example::run(client.clone()).await.unwrap();
    collections_example::run(client).await.unwrap();
    let d = emu.operations();
    assert!(d.iter().filter(|o| o.operation == "CreateTable").count() == 1);
}
