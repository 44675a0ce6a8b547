//! The operation record is a ring buffer: it keeps the most recent
//! `Config::operation_record_capacity` operations, oldest first.

use crate::service::{Config, Service};
use serde_json::json;

fn describe(svc: &Service, table: &str) {
    let _ = svc.call("DescribeTable", &json!({ "TableName": table }));
}

fn tables(svc: &Service) -> Vec<String> {
    svc.operations().into_iter().flat_map(|o| o.tables).collect()
}

#[test]
fn keeps_the_most_recent_operations_up_to_its_capacity() {
    let svc = Service::new(Config { operation_record_capacity: 3, ..Config::default() });
    for t in ["t1", "t2", "t3", "t4", "t5"] {
        describe(&svc, t);
    }
    assert_eq!(tables(&svc), ["t3", "t4", "t5"]);
    assert!(svc.operations().iter().all(|o| o.operation == "DescribeTable" && o.outcome.is_err()));
    svc.clear_operations();
    describe(&svc, "t6");
    assert_eq!(tables(&svc), ["t6"]);
}

#[test]
fn capacity_zero_or_recording_off_keeps_nothing() {
    let none = Service::new(Config { operation_record_capacity: 0, ..Config::default() });
    describe(&none, "t1");
    assert!(none.operations().is_empty());
    let off = Service::new(Config { record_operations: false, ..Config::default() });
    describe(&off, "t1");
    assert!(off.operations().is_empty());
    // The default keeps every operation of a test run.
    let default = Service::new(Config::default());
    for i in 0..100 {
        describe(&default, &format!("t{i}"));
    }
    assert_eq!(default.operations().len(), 100);
}
