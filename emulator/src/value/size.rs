//! Item and value sizes by DynamoDB's rules.
//!
//! Developer Guide, "DynamoDB item sizes and formats"
//! (<https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html>):
//!
//! - "The total size of an item is the sum of the lengths of its attribute
//!   names and values, plus any applicable overhead";
//! - strings: number of UTF-8-encoded bytes;
//! - numbers: "(1 byte per two significant digits) + (1 byte)", leading and
//!   trailing zeroes trimmed (see [`Number::size`](super::Number::size));
//! - binary: the raw byte length (not the base64 length);
//! - null and Boolean: 1 byte;
//! - List and Map: "3 bytes of overhead, regardless of its contents" plus the
//!   sum of the sizes of the nested elements, and "each List or Map element
//!   also requires 1 byte of overhead"; a map element's size includes its
//!   name, like a top-level attribute's;
//! - sets are not described on that page; a set counts as the sum of the sizes
//!   of its elements, each sized as the matching scalar.
//!
//! Items may be up to 400 KB ("Quotas": "The maximum item size in DynamoDB is
//! 400 KB, which includes both attribute name binary length (UTF-8 length) and
//! attribute value lengths"; 1 KB = 1024 bytes), so an item of exactly
//! [`MAX_ITEM_SIZE`] bytes is accepted and one byte more is not.
use super::{AttributeValue, Item};

/// Maximum item size: 400 KB.
pub const MAX_ITEM_SIZE: usize = 400 * 1024;

/// Overhead of a List or Map, whatever its contents.
const CONTAINER_OVERHEAD: usize = 3;
/// Overhead of each element of a List or Map.
const ELEMENT_OVERHEAD: usize = 1;

/// Size of a value (without its attribute name).
pub fn value_size(v: &AttributeValue) -> usize {
    match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => n.size(),
        AttributeValue::B(b) => b.len(),
        AttributeValue::Bool(_) | AttributeValue::Null => 1,
        AttributeValue::M(m) => {
            CONTAINER_OVERHEAD + m.iter().map(|(k, v)| ELEMENT_OVERHEAD + attribute_size(k, v)).sum::<usize>()
        }
        AttributeValue::L(l) => {
            CONTAINER_OVERHEAD + l.iter().map(|v| ELEMENT_OVERHEAD + value_size(v)).sum::<usize>()
        }
        AttributeValue::Ss(s) => s.iter().map(String::len).sum(),
        AttributeValue::Ns(s) => s.iter().map(|n| n.size()).sum(),
        AttributeValue::Bs(s) => s.iter().map(Vec::len).sum(),
    }
}

/// Size of one attribute: its name's UTF-8 length plus its value's size.
pub fn attribute_size(name: &str, v: &AttributeValue) -> usize {
    name.len() + value_size(v)
}

/// Size of an item: sum over attributes of name length + value size.
pub fn item_size(item: &Item) -> usize {
    item.iter().map(|(k, v)| attribute_size(k, v)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Map, Number};

    fn n(s: &str) -> AttributeValue {
        AttributeValue::N(Number::parse(s).unwrap())
    }
    fn s(x: &str) -> AttributeValue {
        AttributeValue::S(x.to_string())
    }

    #[test]
    fn scalars() {
        assert_eq!(value_size(&s("")), 0);
        assert_eq!(value_size(&s("abc")), 3);
        assert_eq!(value_size(&s("é")), 2);
        assert_eq!(value_size(&s("😀")), 4);
        assert_eq!(value_size(&AttributeValue::B(vec![1, 2, 3, 4, 5])), 5);
        assert_eq!(value_size(&AttributeValue::Bool(false)), 1);
        assert_eq!(value_size(&AttributeValue::Null), 1);
        assert_eq!(value_size(&n("0")), 1);
        assert_eq!(value_size(&n("7")), 2);
        assert_eq!(value_size(&n("1234")), 3);
        assert_eq!(value_size(&n("12345")), 4);
        assert_eq!(value_size(&n("0.000123400")), 3);
        assert_eq!(value_size(&n("1e100")), 2);
        assert_eq!(value_size(&n("-99")), 2);
    }

    #[test]
    fn containers() {
        assert_eq!(value_size(&AttributeValue::L(vec![])), 3);
        assert_eq!(value_size(&AttributeValue::M(Map::new())), 3);
        // 3 + (1 + 3) + (1 + 1)
        assert_eq!(value_size(&AttributeValue::L(vec![s("abc"), AttributeValue::Null])), 9);
        // 3 + (1 + "ab" 2 + 1) + (1 + "" 0 + 3 [empty list])
        let m: Map =
            [("ab".to_string(), AttributeValue::Bool(true)), (String::new(), AttributeValue::L(vec![]))]
                .into_iter()
                .collect();
        assert_eq!(value_size(&AttributeValue::M(m.clone())), 3 + 4 + 4);
        // Nested: list holding that map: 3 + 1 + 11.
        assert_eq!(value_size(&AttributeValue::L(vec![AttributeValue::M(m)])), 15);
    }

    #[test]
    fn sets() {
        let ss =
            AttributeValue::Ss(["a".to_string(), "bcd".to_string(), String::new()].into_iter().collect());
        assert_eq!(value_size(&ss), 4);
        let ns = AttributeValue::Ns(["1", "123", "-5.5"].iter().map(|x| Number::parse(x).unwrap()).collect());
        assert_eq!(value_size(&ns), 2 + 3 + 2);
        let bs = AttributeValue::Bs([vec![1], vec![1, 2, 3]].into_iter().collect());
        assert_eq!(value_size(&bs), 4);
    }

    #[test]
    fn items_count_names() {
        let mut item = Item::new();
        item.insert("pk".into(), s("abc"));
        item.insert("n".into(), n("12"));
        item.insert("name😀".into(), AttributeValue::Null);
        assert_eq!(item_size(&item), (2 + 3) + (1 + 2) + (8 + 1));
        assert_eq!(attribute_size("pk", &s("abc")), 5);
        assert_eq!(value_size(&s("abc")), 3);
        assert_eq!(item_size(&Item::new()), 0);
    }

    #[test]
    fn limit_boundary() {
        // name "pk" (2) + "a" (1) + name "data" (4) + string filling the rest.
        let fill = |total: usize| {
            let mut item = Item::new();
            item.insert("pk".into(), s("a"));
            item.insert("data".into(), s(&"x".repeat(total - 7)));
            item
        };
        let exact = fill(MAX_ITEM_SIZE);
        assert_eq!(item_size(&exact), 409_600);
        assert!(item_size(&exact) <= MAX_ITEM_SIZE);
        let over = fill(MAX_ITEM_SIZE + 1);
        assert_eq!(item_size(&over), 409_601);
        assert!(item_size(&over) > MAX_ITEM_SIZE);
    }
}
