//! ListTables: table names in order, a page at a time.

use crate::error::Result;
use crate::service::Service;
use serde::{Deserialize, Serialize};

/// Page size when `Limit` is absent (and the largest allowed).
const DEFAULT_LIMIT: usize = 100;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    exclusive_start_table_name: Option<String>,
    limit: Option<i64>,
}

/// ListTables' response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    table_names: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_evaluated_table_name: Option<String>,
}

/// Runs ListTables.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    // The API model bounds Limit to 1..=100; clamp anyway so nothing can misbehave.
    let limit = input.limit.map_or(DEFAULT_LIMIT, |l| l.clamp(1, DEFAULT_LIMIT as i64) as usize);
    let db = svc.store.snapshot();
    let mut live = db
        .table_names_after(input.exclusive_start_table_name.as_deref())
        .filter(|n| db.table(n).is_some_and(|t| !t.def.meta.is_gone()));
    let table_names: Vec<String> = live.by_ref().take(limit).cloned().collect();
    // LastEvaluatedTableName only when more tables follow this page.
    let more = live.next().is_some();
    let last_evaluated_table_name = if more { table_names.last().cloned() } else { None };
    Ok(Output { table_names, last_evaluated_table_name })
}

#[cfg(test)]
mod tests {
    use crate::service::{Config, Service};
    use serde_json::{json, Value};

    fn call(svc: &Service, op: &str, body: Value) -> Value {
        serde_json::from_slice(&svc.call(op, &body).unwrap()).unwrap()
    }

    fn create(svc: &Service, name: &str) {
        call(
            svc,
            "CreateTable",
            json!({
                "TableName": name,
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST"
            }),
        );
    }

    #[test]
    fn pages_in_name_order() {
        let svc = Service::new(Config::default());
        assert_eq!(call(&svc, "ListTables", json!({})), json!({"TableNames": []}));
        for n in ["ccc", "aaa", "bbb", "Bzz"] {
            create(&svc, n);
        }
        assert_eq!(call(&svc, "ListTables", json!({})), json!({"TableNames": ["Bzz", "aaa", "bbb", "ccc"]}));
        let page = call(&svc, "ListTables", json!({"Limit": 2}));
        assert_eq!(page, json!({"TableNames": ["Bzz", "aaa"], "LastEvaluatedTableName": "aaa"}));
        let page = call(&svc, "ListTables", json!({"Limit": 2, "ExclusiveStartTableName": "aaa"}));
        assert_eq!(page, json!({"TableNames": ["bbb", "ccc"]}));
        let page = call(&svc, "ListTables", json!({"ExclusiveStartTableName": "b00"}));
        assert_eq!(page, json!({"TableNames": ["bbb", "ccc"]}));
    }
}
