//! Attribute values as clients send them: DynamoDB JSON parsed into
//! [`AttributeValue`]s, and items checked, with the service's errors.
//!
//! Apart from `value` (the types, which know no errors) because this is
//! where values meet the service's error texts; `value::json` writes values
//! back out.
//!
//! Parsing happens in two passes, mirroring the service, which first
//! deserialises the whole request (failures are `SerializationException`s)
//! and only then validates it (`ValidationException`s):
//!
//! 1. a shape pass over the whole tree (iterative, so any JSON depth is safe):
//!    members of the wrong JSON type and undecodable base64 in `B`/`BS` are
//!    serialization errors; it also measures the nesting depth, and a value
//!    nested deeper than [`MAX_NESTING_DEPTH`] levels is rejected;
//! 2. a validating build (recursion bounded by the depth check): exactly one
//!    type member, `NULL` true, valid numbers, non-empty sets without
//!    duplicates.
//!
//! JSON `null` members are treated as absent (as the service's JSON protocol
//! does), so `{"S": null}` is an empty AttributeValue. Unknown members are
//! ignored.
//!
//! Sources: data types and set rules from the Developer Guide
//! (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html>:
//! "Each value within a set must be unique", "DynamoDB does not support empty
//! sets, however, empty string and binary values are allowed within a set");
//! nesting from "Quotas" / Constraints
//! (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-attributes>:
//! "DynamoDB supports nested attributes up to 32 levels deep"). We count the
//! top-level attribute value as level 1 and each `M`/`L` adds a level, so a
//! scalar inside 31 nested maps/lists is accepted and one inside 32 is not.
use std::collections::BTreeSet;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use serde_json::Value;

use crate::error::{messages, Error, Result};
use crate::value::json::MAX_NESTING_DEPTH;
use crate::value::{AttributeValue, Item, Map, Number, NumberError};

/// Standard alphabet; padding as sent (the length check forces it); trailing
/// bits are not checked.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The `ValidationException` for a number that failed to parse or compute.
pub fn number_error(e: NumberError) -> Error {
    Error::validation(match e {
        NumberError::Invalid => messages::NUMBER_INVALID,
        NumberError::Overflow => messages::NUMBER_OVERFLOW,
        NumberError::Underflow => messages::NUMBER_UNDERFLOW,
        NumberError::Precision => messages::NUMBER_PRECISION,
    })
}

/// Decodes wire base64 (`SerializationException` on failure).
pub fn decode_base64(s: &str) -> Result<Vec<u8>> {
    let len = s.encode_utf16().count();
    if len & 3 != 0 {
        return Err(Error::serialization(messages::base64_bad_length(len)));
    }
    BASE64.decode(s).map_err(|_| Error::serialization(messages::BASE64_INVALID))
}

/// Parses one wire `AttributeValue` (`{"S": "x"}`, ...), validating it as the service does.
pub fn parse_value(v: &Value) -> Result<AttributeValue> {
    check_shapes(std::iter::once(v))?;
    build(v)
}

/// Parses a wire attribute map (an item, a key, `ExpressionAttributeValues`).
pub fn parse_item(v: &Value) -> Result<Item> {
    let Value::Object(obj) = v else {
        return Err(wrong_type(v, "Map"));
    };
    check_shapes(obj.values())?;
    let mut item = Item::new();
    for (name, value) in obj {
        check_name(name)?;
        item.insert(name.clone(), build(value)?);
    }
    Ok(item)
}

/// An attribute name (top-level or a map key at any depth) may not be empty.
pub fn check_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::validation(messages::EMPTY_ATTRIBUTE_NAME));
    }
    Ok(())
}

/// The checks [`parse_item`] makes that a typed `Item` can still fail: its
/// nesting depth, then empty attribute names and empty sets (duplicates and
/// malformed numbers cannot be built). For items that did not come from
/// JSON (the typed in-process requests); iterative, so any depth is safe.
pub fn check_item(item: &Item) -> Result<()> {
    let mut stack: Vec<(&AttributeValue, usize)> = item.values().map(|v| (v, 1)).collect();
    let mut empty_set = None;
    let mut empty_name = item.keys().any(|k| k.is_empty());
    while let Some((v, depth)) = stack.pop() {
        if depth > MAX_NESTING_DEPTH {
            return Err(Error::validation(messages::NESTING_TOO_DEEP));
        }
        match v {
            AttributeValue::M(m) => {
                empty_name |= m.keys().any(|k| k.is_empty());
                stack.extend(m.values().map(|c| (c, depth + 1)))
            }
            AttributeValue::L(l) => stack.extend(l.iter().map(|c| (c, depth + 1))),
            AttributeValue::Ss(s) if s.is_empty() => empty_set = empty_set.or(Some("string")),
            AttributeValue::Ns(s) if s.is_empty() => empty_set = empty_set.or(Some("number")),
            AttributeValue::Bs(s) if s.is_empty() => empty_set = empty_set.or(Some("binary")),
            _ => {}
        }
    }
    if empty_name {
        return Err(Error::validation(messages::EMPTY_ATTRIBUTE_NAME));
    }
    match empty_set {
        Some(kind) => Err(Error::validation(messages::empty_set(kind))),
        None => Ok(()),
    }
}

// ---- pass 1: shapes, base64, depth ------------------------------------------

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "BOOLEAN_VALUE",
        Value::Number(_) => "NUMBER_VALUE",
        Value::String(_) => "STRING_VALUE",
        Value::Array(_) => "START_ARRAY",
        Value::Object(_) => "START_OBJECT",
    }
}

/// The `SerializationException` for a member of the wrong JSON type.
fn wrong_type(found: &Value, expected: &str) -> Error {
    match found {
        Value::Object(_) => Error::serialization(messages::MALFORMED_JSON),
        Value::Array(_) => Error::serialization(messages::LIST_NOT_EXPECTED),
        other => Error::serialization(messages::wrong_json_type(json_kind(other), expected)),
    }
}

fn expect_str<'a>(v: &'a Value, expected: &str) -> Result<&'a str> {
    v.as_str().ok_or_else(|| wrong_type(v, expected))
}

fn expect_str_array<'a>(v: &'a Value) -> Result<impl Iterator<Item = &'a str> + 'a> {
    let Value::Array(a) = v else {
        return Err(wrong_type(v, "List"));
    };
    for e in a {
        expect_str(e, "String")?;
    }
    Ok(a.iter().filter_map(Value::as_str))
}

/// Checks JSON types and base64 over whole trees, then their nesting depth.
fn check_shapes<'a>(roots: impl Iterator<Item = &'a Value>) -> Result<()> {
    let mut stack: Vec<(&Value, usize)> = roots.map(|v| (v, 1)).collect();
    let mut max_depth = 0;
    while let Some((v, depth)) = stack.pop() {
        max_depth = max_depth.max(depth);
        let obj = match v {
            Value::Null => continue,
            Value::Object(o) => o,
            other => return Err(wrong_type(other, "AttributeValue")),
        };
        for (k, m) in obj {
            if m.is_null() {
                continue;
            }
            match k.as_str() {
                "S" | "N" => {
                    expect_str(m, "String")?;
                }
                "B" => {
                    decode_base64(expect_str(m, "Blob")?)?;
                }
                "BOOL" | "NULL" if !m.is_boolean() => return Err(wrong_type(m, "Boolean")),
                "SS" | "NS" => {
                    let _ = expect_str_array(m)?;
                }
                "BS" => {
                    for s in expect_str_array(m)? {
                        decode_base64(s)?;
                    }
                }
                "M" => match m {
                    Value::Object(children) => stack.extend(children.values().map(|c| (c, depth + 1))),
                    other => return Err(wrong_type(other, "Map")),
                },
                "L" => match m {
                    Value::Array(children) => stack.extend(children.iter().map(|c| (c, depth + 1))),
                    other => return Err(wrong_type(other, "List")),
                },
                _ => {}
            }
        }
    }
    if max_depth > MAX_NESTING_DEPTH {
        return Err(Error::validation(messages::NESTING_TOO_DEEP));
    }
    Ok(())
}

// ---- pass 2: validating build ---------------------------------------------

const TYPE_KEYS: [&str; 10] = ["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"];

/// Builds a value whose shapes and depth were checked by [`check_shapes`].
fn build(v: &Value) -> Result<AttributeValue> {
    let obj = match v {
        Value::Object(o) => o,
        Value::Null => return Err(Error::validation(messages::ATTRIBUTE_VALUE_EMPTY)),
        other => return Err(wrong_type(other, "AttributeValue")),
    };
    let mut found: Option<(&str, &Value)> = None;
    for (k, m) in obj {
        if m.is_null() || !TYPE_KEYS.contains(&k.as_str()) {
            continue;
        }
        if found.is_some() {
            return Err(Error::validation(messages::ATTRIBUTE_VALUE_MULTIPLE));
        }
        found = Some((k.as_str(), m));
    }
    let Some((kind, m)) = found else {
        return Err(Error::validation(messages::ATTRIBUTE_VALUE_EMPTY));
    };
    Ok(match kind {
        "S" => AttributeValue::S(expect_str(m, "String")?.to_owned()),
        "N" => AttributeValue::N(Number::parse(expect_str(m, "String")?).map_err(number_error)?),
        "B" => AttributeValue::B(decode_base64(expect_str(m, "Blob")?)?),
        "BOOL" => AttributeValue::Bool(m.as_bool().ok_or_else(|| wrong_type(m, "Boolean"))?),
        "NULL" => {
            if !m.as_bool().ok_or_else(|| wrong_type(m, "Boolean"))? {
                return Err(Error::validation(messages::NULL_MUST_BE_TRUE));
            }
            AttributeValue::Null
        }
        "M" => {
            let Value::Object(children) = m else {
                return Err(wrong_type(m, "Map"));
            };
            let mut map = Map::new();
            for (name, child) in children {
                check_name(name)?;
                map.insert(name.clone(), build(child)?);
            }
            AttributeValue::M(map)
        }
        "L" => {
            let Value::Array(children) = m else {
                return Err(wrong_type(m, "List"));
            };
            AttributeValue::L(children.iter().map(build).collect::<Result<Vec<_>>>()?)
        }
        "SS" => {
            let elems: Vec<&str> = expect_str_array(m)?.collect();
            if elems.is_empty() {
                return Err(Error::validation(messages::empty_set("string")));
            }
            let set: BTreeSet<String> = elems.iter().map(|s| (*s).to_owned()).collect();
            if set.len() != elems.len() {
                return Err(Error::validation(messages::duplicate_in_set(&format!(
                    "[{}]",
                    elems.join(", ")
                ))));
            }
            AttributeValue::Ss(set)
        }
        "NS" => {
            let elems: Vec<&str> = expect_str_array(m)?.collect();
            if elems.is_empty() {
                return Err(Error::validation(messages::empty_set("number")));
            }
            let mut set = BTreeSet::new();
            let mut duplicate = false;
            for s in &elems {
                duplicate |= !set.insert(Number::parse(s).map_err(number_error)?);
            }
            if duplicate {
                return Err(Error::validation(messages::DUPLICATE_IN_NUMBER_OR_BINARY_SET));
            }
            AttributeValue::Ns(set)
        }
        "BS" => {
            let elems: Vec<&str> = expect_str_array(m)?.collect();
            if elems.is_empty() {
                return Err(Error::validation(messages::empty_set("binary")));
            }
            let mut set = BTreeSet::new();
            let mut duplicate = false;
            for s in &elems {
                duplicate |= !set.insert(decode_base64(s)?);
            }
            if duplicate {
                return Err(Error::validation(messages::DUPLICATE_IN_NUMBER_OR_BINARY_SET));
            }
            AttributeValue::Bs(set)
        }
        _ => return Err(Error::validation(messages::ATTRIBUTE_VALUE_EMPTY)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::value::json::{item_to_json, value_to_json};
    use proptest::prelude::*;
    use serde_json::json;

    fn err(v: Value) -> Error {
        match parse_value(&v) {
            Ok(x) => panic!("{v} parsed as {x:?}"),
            Err(e) => e,
        }
    }
    fn validation(v: Value) -> String {
        let e = err(v);
        assert_eq!(e.kind, ErrorKind::Validation, "{e:?}");
        e.message
    }
    fn serialization(v: Value) -> String {
        let e = err(v);
        assert_eq!(e.kind, ErrorKind::Serialization, "{e:?}");
        e.message
    }
    fn num(s: &str) -> Number {
        Number::parse(s).unwrap()
    }

    #[test]
    fn parses_every_type() {
        let v = parse_item(&json!({
            "s": {"S": "x"}, "e": {"S": ""}, "n": {"N": "1.50"}, "b": {"B": "AAE="}, "eb": {"B": ""},
            "t": {"BOOL": true}, "f": {"BOOL": false}, "z": {"NULL": true},
            "m": {"M": {"a": {"N": "1"}, "k": {"L": []}}}, "em": {"M": {}},
            "l": {"L": [{"S": "a"}, {"N": "2"}]},
            "ss": {"SS": ["b", "a", ""]}, "ns": {"NS": ["2", "-1", "1e1"]}, "bs": {"BS": ["AQ==", ""]}
        }))
        .unwrap();
        assert_eq!(v["s"], AttributeValue::S("x".into()));
        assert_eq!(v["e"], AttributeValue::S(String::new()));
        assert_eq!(v["n"], AttributeValue::N(num("1.5")));
        assert_eq!(v["b"], AttributeValue::B(vec![0, 1]));
        assert_eq!(v["eb"], AttributeValue::B(vec![]));
        assert_eq!(v["t"], AttributeValue::Bool(true));
        assert_eq!(v["f"], AttributeValue::Bool(false));
        assert_eq!(v["z"], AttributeValue::Null);
        assert_eq!(v["em"], AttributeValue::M(Map::new()));
        assert_eq!(v["ns"], AttributeValue::Ns([num("-1"), num("2"), num("10")].into_iter().collect()));
        assert_eq!(v["bs"], AttributeValue::Bs([vec![1], vec![]].into_iter().collect()));
        let back = item_to_json(&v);
        assert_eq!(back["n"], json!({"N": "1.5"}));
        assert_eq!(back["ns"], json!({"NS": ["-1", "2", "10"]}));
        assert_eq!(back["b"], json!({"B": "AAE="}));
        assert_eq!(back["z"], json!({"NULL": true}));
        assert_eq!(back["ss"], json!({"SS": ["", "a", "b"]}));
        assert_eq!(back["m"], json!({"M": {"a": {"N": "1"}, "k": {"L": []}}}));
        assert_eq!(parse_item(&back).unwrap(), v);
        assert_eq!(serde_json::to_string(&AttributeValue::N(num("1e2"))).unwrap(), r#"{"N":"100"}"#);
    }

    #[test]
    fn type_member_count() {
        assert_eq!(validation(json!({})), messages::ATTRIBUTE_VALUE_EMPTY);
        // An empty attribute name, at the top or as a map key at any depth.
        assert_eq!(validation(json!({"M": {"a": {"M": {"": {"N": "1"}}}}})), messages::EMPTY_ATTRIBUTE_NAME);
        assert_eq!(parse_item(&json!({"": {"S": "x"}})).unwrap_err().message, messages::EMPTY_ATTRIBUTE_NAME);
        assert_eq!(validation(json!({"S": null})), messages::ATTRIBUTE_VALUE_EMPTY);
        assert_eq!(validation(json!({"X": "y"})), messages::ATTRIBUTE_VALUE_EMPTY);
        assert_eq!(validation(json!(null)), messages::ATTRIBUTE_VALUE_EMPTY);
        assert_eq!(validation(json!({"S": "a", "N": "1"})), messages::ATTRIBUTE_VALUE_MULTIPLE);
        assert_eq!(validation(json!({"S": "a", "NULL": false})), messages::ATTRIBUTE_VALUE_MULTIPLE);
        assert_eq!(validation(json!({"L": [{}]})), messages::ATTRIBUTE_VALUE_EMPTY);
        assert_eq!(
            validation(json!({"M": {"a": {"BOOL": true, "S": ""}}})),
            messages::ATTRIBUTE_VALUE_MULTIPLE
        );
        assert!(parse_value(&json!({"S": "a", "N": null, "Other": 5})).is_ok());
    }

    #[test]
    fn null_must_be_true() {
        assert_eq!(validation(json!({"NULL": false})), messages::NULL_MUST_BE_TRUE);
    }

    #[test]
    fn number_errors() {
        assert_eq!(validation(json!({"N": "abc"})), messages::NUMBER_INVALID);
        assert_eq!(validation(json!({"N": ""})), messages::NUMBER_INVALID);
        assert_eq!(validation(json!({"N": " 1"})), messages::NUMBER_INVALID);
        assert_eq!(validation(json!({"N": "1e126"})), messages::NUMBER_OVERFLOW);
        assert_eq!(validation(json!({"N": "1e-131"})), messages::NUMBER_UNDERFLOW);
        assert_eq!(
            validation(json!({"N": "1234567890123456789012345678901234567891"})),
            messages::NUMBER_PRECISION
        );
        assert_eq!(validation(json!({"NS": ["1", "x"]})), messages::NUMBER_INVALID);
    }

    #[test]
    fn set_errors() {
        assert_eq!(
            validation(json!({"SS": []})),
            "One or more parameter values were invalid: An string set  may not be empty"
        );
        assert_eq!(
            validation(json!({"NS": []})),
            "One or more parameter values were invalid: An number set  may not be empty"
        );
        assert_eq!(
            validation(json!({"BS": []})),
            "One or more parameter values were invalid: Binary sets should not be empty"
        );
        assert_eq!(
            validation(json!({"SS": ["a", "b", "a"]})),
            "One or more parameter values were invalid: Input collection [a, b, a] contains duplicates."
        );
        assert_eq!(validation(json!({"NS": ["1", "1.0"]})), messages::DUPLICATE_IN_NUMBER_OR_BINARY_SET);
        assert_eq!(validation(json!({"NS": ["-0", "0"]})), messages::DUPLICATE_IN_NUMBER_OR_BINARY_SET);
        assert_eq!(validation(json!({"BS": ["AQ==", "AQ=="]})), messages::DUPLICATE_IN_NUMBER_OR_BINARY_SET);
        assert!(parse_value(&json!({"SS": ["a", "A"]})).is_ok());
    }

    #[test]
    fn base64_errors() {
        assert_eq!(serialization(json!({"B": "AQ"})), messages::base64_bad_length(2));
        assert_eq!(serialization(json!({"B": "AQ="})), messages::base64_bad_length(3));
        assert_eq!(serialization(json!({"B": "A!=="})), messages::BASE64_INVALID);
        assert_eq!(serialization(json!({"B": "A==="})), messages::BASE64_INVALID);
        assert_eq!(serialization(json!({"B": "AQ==AQ=="})), messages::BASE64_INVALID);
        assert_eq!(serialization(json!({"BS": ["AQ==", "AQ"]})), messages::base64_bad_length(2));
        // URL-safe alphabet is not accepted.
        assert_eq!(serialization(json!({"B": "-_8="})), messages::BASE64_INVALID);
        assert_eq!(parse_value(&json!({"B": "+/8="})).unwrap(), AttributeValue::B(vec![0xfb, 0xff]));
        // Non-canonical trailing bits are tolerated.
        assert_eq!(parse_value(&json!({"B": "AR=="})).unwrap(), AttributeValue::B(vec![1]));
        // Serialization errors anywhere win over validation errors.
        assert_eq!(
            parse_item(&json!({"a": {"NS": []}, "b": {"L": [{"B": "A"}]}})).unwrap_err().kind,
            ErrorKind::Serialization
        );
    }

    #[test]
    fn wrong_json_types_are_serialization_errors() {
        for v in [
            json!({"S": 5}),
            json!({"N": 5}),
            json!({"B": true}),
            json!({"BOOL": "true"}),
            json!({"NULL": 1}),
            json!({"M": []}),
            json!({"M": "x"}),
            json!({"L": {}}),
            json!({"SS": "a"}),
            json!({"SS": [1]}),
            json!({"NS": [null]}),
            json!({"BS": [{}]}),
            json!({"L": [5]}),
            json!({"M": {"a": "b"}}),
            json!("x"),
            json!([]),
        ] {
            serialization(v);
        }
        assert_eq!(parse_item(&json!([])).unwrap_err().kind, ErrorKind::Serialization);
        assert_eq!(parse_item(&json!({"a": 1})).unwrap_err().kind, ErrorKind::Serialization);
    }

    fn nested(levels: usize, leaf: Value) -> Value {
        // `levels` values deep in total: levels-1 wrappers around the leaf.
        let mut v = leaf;
        for i in 1..levels {
            v = if i % 2 == 0 { json!({"M": {"k": v}}) } else { json!({"L": [v]}) };
        }
        v
    }

    #[test]
    fn nesting_depth() {
        assert!(parse_value(&nested(32, json!({"S": "x"}))).is_ok());
        assert_eq!(validation(nested(33, json!({"S": "x"}))), messages::NESTING_TOO_DEEP);
        assert!(parse_value(&nested(32, json!({"M": {}}))).is_ok());
        assert_eq!(validation(nested(33, json!({"L": []}))), messages::NESTING_TOO_DEEP);
        let item = json!({"a": nested(32, json!({"N": "1"})), "b": {"S": "x"}});
        assert!(parse_item(&item).is_ok());
        let item = json!({"a": nested(33, json!({"N": "1"}))});
        assert_eq!(parse_item(&item).unwrap_err().message, messages::NESTING_TOO_DEEP);
        // Nesting is checked before the other validations.
        let v = json!({"L": [{}, nested(32, json!({"S": "x"}))]});
        assert_eq!(validation(v), messages::NESTING_TOO_DEEP);
    }

    #[test]
    fn very_deep_json_does_not_overflow_the_stack() {
        // Built by hand (serde_json's parser would stop at 128 levels).
        let mut v = json!({"S": "x"});
        for _ in 0..100_000 {
            v = Value::Object([("L".to_string(), Value::Array(vec![v]))].into_iter().collect());
        }
        let e = parse_value(&v).unwrap_err();
        assert_eq!(e.message, messages::NESTING_TOO_DEEP);
        // Dropping a 100k-deep Value recurses in serde_json; unwind it by hand.
        let mut cur = v;
        loop {
            let next = match &mut cur {
                Value::Object(o) => match o.get_mut("L") {
                    Some(Value::Array(a)) => a.pop(),
                    _ => None,
                },
                _ => None,
            };
            match next {
                Some(n) => cur = n,
                None => break,
            }
        }
    }

    // ---- property tests ------------------------------------------------------

    use crate::value::arbitrary::attribute_value;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn json_round_trip(v in attribute_value()) {
            let j = value_to_json(&v);
            prop_assert_eq!(parse_value(&j).unwrap(), v.clone());
            let text = serde_json::to_string(&v).unwrap();
            let reparsed: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(&reparsed, &j);
            let mut item = Item::new();
            item.insert("x".into(), v);
            prop_assert_eq!(parse_item(&item_to_json(&item)).unwrap(), item);
        }

        #[test]
        fn never_panics_on_arbitrary_json(s in "[\\[\\]{}\",:0-9a-zA-Z= -]{0,80}") {
            if let Ok(v) = serde_json::from_str::<Value>(&s) {
                let _ = parse_value(&v);
                let _ = parse_item(&v);
            }
        }

        #[test]
        fn never_panics_on_typed_shapes(k in prop_oneof![Just("S"), Just("N"), Just("B"), Just("BOOL"), Just("NULL"), Just("M"), Just("L"), Just("SS"), Just("NS"), Just("BS")],
                                        s in ".{0,12}", b in any::<bool>(), i in any::<i64>()) {
            for m in [json!(s), json!(b), json!(i), json!(null), json!([s]), json!([]), json!({"k": {"S": s}}), json!([{"N": s}])] {
                let _ = parse_value(&json!({k: m}));
            }
        }
    }
}
