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
mod pagination;
mod permissions;
mod populate;
mod projections;
mod query_scan;
mod serde_values;
mod tables;
mod tagged_enums;
mod tracking;
mod transactions;
mod types;
mod unique;
mod unique_composite;
