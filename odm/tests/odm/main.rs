//! Integration tests: every test runs against its own embedded emulator
//! (or against `DDB_ODM_ENDPOINT` when set), never against mocks.

mod batch;
mod collection;
mod common;
mod crud;
mod dynamic;
mod item_actions;
mod permissions;
mod query_scan;
mod tables;
mod tracking;
mod transactions;
mod types;
