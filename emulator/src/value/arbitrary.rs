//! Random attribute values for property tests (one strategy, shared by
//! every test that round-trips values through an encoding).

use super::{AttributeValue, Number};
use proptest::prelude::*;

/// Any number DynamoDB accepts: up to 38 digits, exponents across the range.
pub fn number() -> impl Strategy<Value = Number> {
    (any::<bool>(), "[0-9]{1,38}", -150i64..100).prop_filter_map("in range", |(neg, m, e)| {
        Number::parse(&format!("{}{m}e{e}", if neg { "-" } else { "" })).ok()
    })
}

/// Any attribute value, nested a few levels; map keys are non-empty (as
/// attribute names must be).
pub fn attribute_value() -> impl Strategy<Value = AttributeValue> {
    let leaf = prop_oneof![
        ".{0,12}".prop_map(AttributeValue::S),
        number().prop_map(AttributeValue::N),
        proptest::collection::vec(any::<u8>(), 0..12).prop_map(AttributeValue::B),
        any::<bool>().prop_map(AttributeValue::Bool),
        Just(AttributeValue::Null),
        proptest::collection::btree_set(".{0,5}", 1..4).prop_map(AttributeValue::Ss),
        proptest::collection::btree_set(number(), 1..4).prop_map(AttributeValue::Ns),
        proptest::collection::btree_set(proptest::collection::vec(any::<u8>(), 0..5), 1..4)
            .prop_map(AttributeValue::Bs),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(AttributeValue::L),
            proptest::collection::btree_map(".{1,6}", inner, 0..5)
                .prop_map(|m| AttributeValue::M(m.into_iter().collect())),
        ]
    })
}
