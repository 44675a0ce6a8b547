//! Round trips of serde's data model through `AttributeValue`, and the
//! shapes serde_dynamo gives them.

use super::{from_attribute_value, to_attribute_value};
use crate::item::AttributeValue as V;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Unit;

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Meters(f64);

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Pair(i8, String);

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
enum Kind {
    Plain,
    New(u32),
    Tuple(u8, u8),
    Struct { a: bool },
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    North,
    South,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
#[serde(tag = "t")]
enum Internal {
    A { x: i64 },
    B,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
struct Everything {
    unit: Unit,
    meters: Meters,
    pair: Pair,
    kinds: Vec<Kind>,
    by_key: BTreeMap<Key, u8>,
    by_num: HashMap<i64, String>,
    nested: Option<Option<u8>>,
    big: u128,
    neg: i128,
    ch: char,
    internal: Vec<Internal>,
    #[serde(default)]
    missing: Option<String>,
}

fn n(s: &str) -> V {
    V::N(s.into())
}

fn s(s: &str) -> V {
    V::S(s.into())
}

fn sample() -> Everything {
    Everything {
        unit: Unit,
        meters: Meters(2.5),
        pair: Pair(-3, "x".into()),
        kinds: vec![Kind::Plain, Kind::New(4), Kind::Tuple(1, 2), Kind::Struct { a: true }],
        by_key: BTreeMap::from([(Key::North, 1), (Key::South, 2)]),
        by_num: HashMap::from([(-5, "minus five".into())]),
        nested: Some(Some(3)),
        big: (1u128 << 100) + 7,
        neg: -(1i128 << 100),
        ch: 'é',
        internal: vec![Internal::A { x: -1 }, Internal::B],
        missing: None,
    }
}

#[test]
fn every_shape_round_trips() {
    let v = to_attribute_value(&sample()).unwrap();
    assert_eq!(from_attribute_value::<Everything>(v).unwrap(), sample());
}

#[test]
fn shapes_are_serde_dynamos() {
    let V::M(m) = to_attribute_value(&sample()).unwrap() else { panic!() };
    assert_eq!(m["unit"], V::Null(true));
    assert_eq!(m["meters"], n("2.5"));
    assert_eq!(m["pair"], V::L(vec![n("-3"), s("x")]));
    let V::L(kinds) = &m["kinds"] else { panic!() };
    assert_eq!(kinds[0], s("Plain"));
    assert_eq!(kinds[1], V::M(HashMap::from([("New".to_string(), n("4"))])));
    assert_eq!(kinds[2], V::M(HashMap::from([("Tuple".to_string(), V::L(vec![n("1"), n("2")]))])));
    let struct_variant = V::M(HashMap::from([("a".to_string(), V::Bool(true))]));
    assert_eq!(kinds[3], V::M(HashMap::from([("Struct".to_string(), struct_variant)])));
    assert_eq!(
        m["by_key"],
        V::M(HashMap::from([("North".to_string(), n("1")), ("South".to_string(), n("2"))]))
    );
    assert_eq!(m["by_num"], V::M(HashMap::from([("-5".to_string(), s("minus five"))])));
    assert_eq!(m["nested"], n("3"));
    assert_eq!(m["ch"], s("é"));
    assert_eq!(m["missing"], V::Null(true));
}

#[test]
fn sets_and_numbers_in_other_spellings_are_read() {
    let tags: Vec<String> = from_attribute_value(V::Ss(vec!["a".into(), "b".into()])).unwrap();
    assert_eq!(tags, ["a", "b"]);
    let nums: Vec<u16> = from_attribute_value(V::Ns(vec!["1".into(), "2.0".into(), "3E0".into()])).unwrap();
    assert_eq!(nums, [1, 2, 3]);
    let blobs: Vec<Vec<u8>> =
        from_attribute_value(V::Bs(vec![aws_sdk_dynamodb::primitives::Blob::new(vec![1u8, 2])])).unwrap();
    assert_eq!(blobs, [vec![1, 2]]);
    let json: serde_json::Value = from_attribute_value(V::Ns(vec!["-1".into(), "0.5".into()])).unwrap();
    assert_eq!(json, serde_json::json!([-1, 0.5]));
}

#[test]
fn values_that_do_not_fit_are_errors_not_panics() {
    assert!(from_attribute_value::<u8>(n("300")).is_err());
    assert!(from_attribute_value::<u8>(n("1.5")).is_err());
    assert!(from_attribute_value::<String>(n("1")).is_err());
    assert!(from_attribute_value::<Kind>(V::M(HashMap::new())).is_err());
    assert!(from_attribute_value::<Kind>(s("Nope")).is_err());
    assert!(
        from_attribute_value::<HashMap<u8, u8>>(V::M(HashMap::from([("x".to_string(), n("1"))]))).is_err()
    );
    assert!(to_attribute_value(&f64::INFINITY).is_err());
    let digits = to_attribute_value(&u128::MAX).unwrap_err().to_string();
    assert!(digits.contains("more than 38 significant digits"), "{digits}");
    assert_eq!(digits.matches("validation failed").count(), 1, "not wrapped twice: {digits}");
    assert!(to_attribute_value(&HashMap::from([(vec![1u8], 1u8)])).is_err(), "a list cannot be a map key");
    assert!(from_attribute_value::<serde_json::Value>(V::B(vec![1u8].into())).is_err());
}
