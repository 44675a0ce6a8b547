//! The embedding API: start, endpoint, record of operations, shutdown.

use ddb_conformance::client_for;
use ddb_emulator::Emulator;

#[tokio::test]
async fn many_instances_are_independent_and_shut_down() {
    let a = Emulator::builder().start().await.unwrap();
    let b = Emulator::builder().start().await.unwrap();
    assert_ne!(a.endpoint(), b.endpoint());
    let ca = client_for(&a.endpoint());
    ca.list_tables().send().await.unwrap();
    assert_eq!(a.operations().len(), 1);
    assert_eq!(a.operations()[0].operation, "ListTables");
    assert_eq!(a.operations()[0].outcome, Ok(()));
    assert!(b.operations().is_empty());
    let endpoint = a.endpoint();
    a.shutdown().await;
    // After shutdown nothing listens there any more.
    let err = client_for(&endpoint).list_tables().send().await;
    assert!(err.is_err());
    b.shutdown().await;
}

#[tokio::test]
async fn records_failed_operations_with_error_name() {
    let emu = Emulator::builder().start().await.unwrap();
    let client = client_for(&emu.endpoint());
    let _ = client.describe_table().table_name("missing").send().await;
    let ops = emu.operations();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0].operation, "DescribeTable");
    assert_eq!(ops[0].tables, vec!["missing".to_string()]);
    assert_eq!(ops[0].outcome, Err("ResourceNotFoundException".to_string()));
    emu.clear_operations();
    assert!(emu.operations().is_empty());
}
