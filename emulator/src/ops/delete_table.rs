//! DeleteTable: describe the table as DELETING and remove it (at once, or
//! after `Config::transition_delay`).

use super::table_description::{self as desc, TableDescription};
use crate::error::{messages, Error, Result};
use crate::service::Service;
use crate::store::meta::TableStatus;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    table_name: String,
}

/// DeleteTable's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    table_description: TableDescription,
}

/// Runs DeleteTable.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    svc.store.write(|db| {
        let table = desc::find_table_mut(db, &input.table_name)?;
        // Deleting a table that is already being deleted is not an error.
        if table.def.meta.status() == Some(TableStatus::Deleting) {
            return Ok(Output { table_description: desc::describe(table, None).reduced_for_delete() });
        }
        desc::ensure_active(table)?;
        if table.def.meta.deletion_protection {
            return Err(Error::validation(messages::DELETION_PROTECTED));
        }
        let table_description = desc::describe(table, Some(TableStatus::Deleting)).reduced_for_delete();
        let lifecycle = desc::start(svc, TableStatus::Deleting);
        if lifecycle.current().is_none() {
            let name = table.def.name.clone();
            db.remove_table(&name);
        } else {
            Arc::make_mut(&mut table.def).meta.lifecycle = lifecycle;
        }
        Ok(Output { table_description })
    })
}

#[cfg(test)]
mod tests {
    use crate::error::{messages, ErrorKind};
    use crate::service::{Config, Service};
    use serde_json::{json, Value};
    use std::time::Duration;

    fn call(svc: &Service, op: &str, body: Value) -> Result<Value, crate::Error> {
        svc.call(op, &body).map(|b| serde_json::from_slice(&b).unwrap())
    }

    fn create(svc: &Service, name: &str, protected: bool) {
        call(
            svc,
            "CreateTable",
            json!({
                "TableName": name,
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST",
                "DeletionProtectionEnabled": protected
            }),
        )
        .unwrap();
    }

    #[test]
    fn deletes_at_once_without_delay() {
        let svc = Service::new(Config::default());
        create(&svc, "gone", false);
        let out = call(&svc, "DeleteTable", json!({"TableName": "gone"})).unwrap();
        assert_eq!(out["TableDescription"]["TableStatus"], "DELETING");
        assert_eq!(out["TableDescription"]["TableName"], "gone");
        let e = call(&svc, "DescribeTable", json!({"TableName": "gone"})).unwrap_err();
        assert_eq!(e.kind, ErrorKind::ResourceNotFound);
        let e = call(&svc, "DeleteTable", json!({"TableName": "gone"})).unwrap_err();
        assert_eq!(e.message, "Requested resource not found: Table: gone not found");
        create(&svc, "gone", false);
    }

    #[test]
    fn deleting_lasts_the_delay() {
        let svc = Service::new(Config { transition_delay: Duration::from_millis(150), ..Config::default() });
        create(&svc, "slow", false);
        let e = call(&svc, "DeleteTable", json!({"TableName": "slow"})).unwrap_err();
        assert_eq!(e.kind, ErrorKind::ResourceInUse);
        assert_eq!(e.message, messages::table_in_use("slow", "created"));
        std::thread::sleep(Duration::from_millis(200));
        call(&svc, "DeleteTable", json!({"TableName": "slow"})).unwrap();
        let d = call(&svc, "DescribeTable", json!({"TableName": "slow"})).unwrap();
        assert_eq!(d["Table"]["TableStatus"], "DELETING");
        let again = call(&svc, "DeleteTable", json!({"TableName": "slow"})).unwrap();
        assert_eq!(again["TableDescription"]["TableStatus"], "DELETING");
        let listed = call(&svc, "ListTables", json!({})).unwrap();
        assert_eq!(listed["TableNames"], json!(["slow"]));
        let e = call(
            &svc,
            "CreateTable",
            json!({
                "TableName": "slow",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST"
            }),
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::ResourceInUse);
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(
            call(&svc, "DescribeTable", json!({"TableName": "slow"})).unwrap_err().kind,
            ErrorKind::ResourceNotFound
        );
        assert_eq!(call(&svc, "ListTables", json!({})).unwrap()["TableNames"], json!([]));
        create(&svc, "slow", false);
    }

    #[test]
    fn deletion_protection() {
        let svc = Service::new(Config::default());
        create(&svc, "kept", true);
        let e = call(&svc, "DeleteTable", json!({"TableName": "kept"})).unwrap_err();
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Validation, messages::DELETION_PROTECTED));
        call(&svc, "UpdateTable", json!({"TableName": "kept", "DeletionProtectionEnabled": false})).unwrap();
        call(&svc, "DeleteTable", json!({"TableName": "kept"})).unwrap();
    }
}
