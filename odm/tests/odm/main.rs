//! Integration tests: every test runs against its own embedded emulator
//! (or against `DDB_ODM_ENDPOINT` when set), never against mocks.

mod adapters;
mod batch;
mod collection;
mod common;
mod costs;
mod crud;
mod dynamic;
mod entities;
mod failures;
mod guards;
mod item_actions;
mod keys;
mod permissions;
mod populate;
mod query_scan;
mod tables;
mod tracking;
mod transactions;
mod types;
mod unique;
