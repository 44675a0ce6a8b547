//! The typed in-process API (`Service::put_item` and friends): same
//! semantics and errors as the JSON requests, without JSON.

use ddb_emulator::ops::common::ReturnValues;
use ddb_emulator::ops::delete_item::DeleteItem;
use ddb_emulator::ops::get_item::GetItem;
use ddb_emulator::ops::put_item::PutItem;
use ddb_emulator::ops::update_item::UpdateItem;
use ddb_emulator::value::{AttributeValue, Item, Number};
use ddb_emulator::{Config, ErrorKind, Service};
use serde_json::json;

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_string())
}

fn n(v: u64) -> AttributeValue {
    AttributeValue::N(Number::from_u64(v))
}

fn item(pairs: &[(&str, AttributeValue)]) -> Item {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn service() -> Service {
    let svc = Service::new(Config::default());
    svc.call(
        "CreateTable",
        &json!({"TableName": "typed", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]}),
    )
    .unwrap();
    svc
}

#[test]
fn put_get_update_delete_round_trip() {
    let svc = service();
    let key = item(&[("pk", s("a")), ("sk", n(1))]);
    let full = item(&[("pk", s("a")), ("sk", n(1)), ("count", n(5)), ("label", s("x"))]);
    assert_eq!(svc.put_item(PutItem::new("typed", full.clone())).unwrap().attributes(), None);
    assert_eq!(svc.get_item(GetItem::new("typed", key.clone())).unwrap().item(), Some(full.clone()));
    let projected = svc.get_item(GetItem::new("typed", key.clone()).projection("label")).unwrap().item();
    assert_eq!(projected, Some(item(&[("label", s("x"))])));

    let values = item(&[(":one", n(1))]);
    let updated = svc
        .update_item(
            UpdateItem::new("typed", key.clone(), "ADD #c :one")
                .params(Some([("#c".to_string(), "count".to_string())].into()), Some(values))
                .return_values(ReturnValues::UpdatedNew),
        )
        .unwrap();
    assert_eq!(updated.attributes(), Some(item(&[("count", n(6))])));

    let deleted = svc.delete_item(DeleteItem::new("typed", key.clone()).return_old()).unwrap();
    assert_eq!(deleted.attributes().and_then(|i| i.get("count").cloned()), Some(n(6)));
    assert_eq!(svc.get_item(GetItem::new("typed", key)).unwrap().item(), None);
}

#[test]
fn conditions_and_errors_match_the_json_requests() {
    let svc = service();
    let it = item(&[("pk", s("a")), ("sk", n(1))]);
    svc.put_item(PutItem::new("typed", it.clone())).unwrap();
    let e =
        svc.put_item(PutItem::new("typed", it.clone()).condition("attribute_not_exists(pk)")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ConditionalCheckFailed);

    // The same bad requests through JSON and typed: same kind, same message.
    let wrong_type = item(&[("pk", s("a")), ("sk", s("not a number"))]);
    let typed = svc.put_item(PutItem::new("typed", wrong_type)).unwrap_err();
    let via_json = svc
        .call(
            "PutItem",
            &json!({"TableName": "typed", "Item": {"pk": {"S": "a"}, "sk": {"S": "not a number"}}}),
        )
        .unwrap_err();
    assert_eq!((typed.kind, &typed.message), (via_json.kind, &via_json.message));

    let missing = svc.get_item(GetItem::new("nope", it.clone())).unwrap_err();
    assert_eq!(missing.kind, ErrorKind::ResourceNotFound);

    let bad_expr = svc.put_item(PutItem::new("typed", it.clone()).condition("a ==")).unwrap_err();
    let bad_json = svc
        .call(
            "PutItem",
            &json!({"TableName": "typed", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}},
            "ConditionExpression": "a =="}),
        )
        .unwrap_err();
    assert_eq!((bad_expr.kind, &bad_expr.message), (bad_json.kind, &bad_json.message));

    let bad_return =
        svc.put_item(PutItem { return_values: ReturnValues::AllNew, ..PutItem::new("typed", it) });
    assert_eq!(bad_return.unwrap_err().kind, ErrorKind::Validation);
}
