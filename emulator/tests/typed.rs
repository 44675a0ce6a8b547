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

#[test]
fn typed_values_get_the_checks_json_values_get() {
    let svc = service();
    let with = |name: &str, v: AttributeValue| item(&[("pk", s("a")), ("sk", n(1)), (name, v)]);
    // Empty sets: stored by no path.
    let e =
        svc.put_item(PutItem::new("typed", with("ss", AttributeValue::Ss(Default::default())))).unwrap_err();
    let j = svc
        .call(
            "PutItem",
            &json!({"TableName": "typed", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "ss": {"SS": []}}}),
        )
        .unwrap_err();
    assert_eq!((e.kind, &e.message), (j.kind, &j.message));
    // The same in an expression value.
    let set = UpdateItem::new("typed", item(&[("pk", s("a")), ("sk", n(1))]), "SET ss = :v")
        .params(None, Some(item(&[(":v", AttributeValue::Ns(Default::default()))])));
    assert_eq!(svc.update_item(set).unwrap_err().kind, ErrorKind::Validation);
    // Nesting: 32 levels are fine, 33 are not (and never reach the stack).
    let nested = |levels: usize| (1..levels).fold(s("leaf"), |v, _| AttributeValue::L(vec![v]));
    let nested_json = |levels: usize| (1..levels).fold(json!({"S": "leaf"}), |v, _| json!({"L": [v]}));
    for levels in [32, 33] {
        let typed = svc.put_item(PutItem::new("typed", with("deep", nested(levels)))).map(|_| ());
        let via_json = svc
            .call("PutItem", &json!({"TableName": "typed", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "deep": nested_json(levels)}}))
            .map(|_| ());
        assert_eq!(typed.is_ok(), levels == 32, "{levels}: {typed:?}");
        assert_eq!(typed.map_err(|e| e.message), via_json.map_err(|e| e.message), "{levels}");
    }
    // The model's table name length.
    let e = svc.get_item(GetItem::new("x".repeat(1025), item(&[("pk", s("a"))]))).unwrap_err();
    let j =
        svc.call("GetItem", &json!({"TableName": "x".repeat(1025), "Key": {"pk": {"S": "a"}}})).unwrap_err();
    assert_eq!((e.kind, &e.message), (j.kind, &j.message));
}

#[test]
fn typed_calls_are_recorded() {
    let svc = service();
    svc.clear_operations();
    let _ = svc.get_item(GetItem::new("typed", item(&[("pk", s("a")), ("sk", n(1))])));
    let _ = svc.get_item(GetItem::new("missing", item(&[("pk", s("a"))])));
    let ops = svc.operations();
    assert_eq!(ops.len(), 2);
    assert_eq!(
        (ops[0].operation.as_str(), ops[0].tables.as_slice(), &ops[0].outcome),
        ("GetItem", &["typed".to_string()][..], &Ok(()))
    );
    assert_eq!(ops[1].outcome, Err("ResourceNotFoundException".to_string()));
}
