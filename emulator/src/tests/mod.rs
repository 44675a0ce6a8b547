//! Unit tests of operations through the JSON path (`Service::call`), kept
//! out of `ops/`, which knows no JSON.

mod create_table;
mod delete_table;
mod describe_endpoints;
mod describe_limits;
mod describe_table;
mod list_tables;
mod operation_record;
mod partiql;
mod tag_resource;
mod ttl_index;
mod update_table;
mod update_time_to_live;
