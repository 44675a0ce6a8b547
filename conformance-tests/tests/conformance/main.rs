//! Black-box conformance tests: the emulator driven through aws-sdk-dynamodb.
//! One test binary (the SDK is slow to link), one module per area.

mod backups;
mod batches;
mod compression;
mod concurrency;
mod embedding;
mod exports;
mod expressions;
mod fidelity;
mod fidelity_capacity;
mod fidelity_messages;
mod harness;
mod isolation;
mod items_basic;
mod model;
mod partiql;
mod protocol;
mod query_scan;
mod query_scan_model;
mod serialization;
mod signatures;
mod single_item;
mod streams;
mod tables;
mod transactions;
mod validation;
