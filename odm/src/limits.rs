//! Service limits checked before a request is sent: item size (400 KB),
//! expression length (4 KB), transaction size, key sizes, empty key values
//! (table and index keys), at most 100 `IN` operands.
//!
//! ```
//! use ddb_odm::{limits, Error, Limit};
//! let err = limits::check_expression(&"a".repeat(4097)).unwrap_err();
//! assert!(matches!(err, Error::LimitExceeded { limit: Limit::ExpressionLength, actual: 4097, max: 4096 }));
//! ```

use crate::error::{Error, Limit, Result};
use crate::item::{AttributeValue, Item};

/// The size DynamoDB accounts for a value (close to the service's rules).
///
/// ```
/// use ddb_odm::{limits::value_size, AttributeValue};
/// assert_eq!(value_size(&AttributeValue::S("hello".into())), 5);
/// assert_eq!(value_size(&AttributeValue::Bool(true)), 1);
/// ```
pub fn value_size(v: &AttributeValue) -> usize {
    match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => {
            let digits = n.trim_start_matches('-').chars().filter(|c| c.is_ascii_digit()).count();
            digits.div_ceil(2) + 1
        }
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::L(items) => 3 + items.iter().map(|v| value_size(v) + 1).sum::<usize>(),
        AttributeValue::M(m) => 3 + m.iter().map(|(k, v)| k.len() + value_size(v) + 1).sum::<usize>(),
        AttributeValue::Ss(s) => s.iter().map(|s| s.len()).sum(),
        AttributeValue::Ns(s) => s.iter().map(|n| n.len().div_ceil(2) + 1).sum(),
        AttributeValue::Bs(s) => s.iter().map(|b| b.as_ref().len()).sum(),
        _ => 0,
    }
}

/// The size of an item: attribute names plus values.
///
/// ```
/// use ddb_odm::{limits::item_size, AttributeValue, Item};
/// let mut item = Item::new();
/// item.insert("id".into(), AttributeValue::S("abc".into()));
/// assert_eq!(item_size(&item), 5);
/// ```
pub fn item_size(item: &Item) -> usize {
    item.iter().map(|(k, v)| k.len() + value_size(v)).sum()
}

/// Refuses an item over 400 KB.
///
/// ```
/// use ddb_odm::{limits::check_item, AttributeValue, Item};
/// let big: Item = [("blob".to_string(), AttributeValue::S("x".repeat(401 * 1024)))].into();
/// assert!(check_item(&big).is_err());
/// ```
pub fn check_item(item: &Item) -> Result<()> {
    let size = item_size(item);
    if size > Limit::ItemSize.max() {
        return Err(Error::LimitExceeded {
            limit: Limit::ItemSize,
            actual: size,
            max: Limit::ItemSize.max(),
        });
    }
    Ok(())
}

/// Refuses an expression over 4 KB.
///
/// ```
/// use ddb_odm::limits::check_expression;
/// assert!(check_expression("#n0 = :v0").is_ok());
/// assert!(check_expression(&"x".repeat(5000)).is_err());
/// ```
pub fn check_expression(expr: &str) -> Result<()> {
    if expr.len() > Limit::ExpressionLength.max() {
        return Err(Error::LimitExceeded {
            limit: Limit::ExpressionLength,
            actual: expr.len(),
            max: Limit::ExpressionLength.max(),
        });
    }
    Ok(())
}

/// Refuses key values over the service's limits (2048 bytes for a hash
/// key, 1024 bytes for a range key) and empty string or binary key values
/// ([`Error::EmptyKeyValue`]).
///
/// ```
/// use ddb_odm::schema::{AttrType, AttributeDef, Schema};
/// use ddb_odm::{limits::check_key, AttributeValue, Item};
/// let schema = Schema::builder("T").attribute(AttributeDef::new("id", AttrType::String)).hash_key("id").build().unwrap();
/// let key: Item = [("id".to_string(), AttributeValue::S("k".repeat(3000)))].into();
/// assert!(check_key(&schema, &key).is_err()); // over 2048 bytes
/// ```
pub fn check_key(schema: &crate::schema::Schema, key: &Item) -> Result<()> {
    for (name, max) in std::iter::once((schema.hash_key(), 2048)).chain(schema.range_key().map(|r| (r, 1024)))
    {
        if let Some(v) = key.get(name) {
            check_not_empty(name, v)?;
            let size = value_size(v);
            if size > max {
                return Err(Error::LimitExceeded { limit: Limit::KeySize, actual: size, max });
            }
        }
    }
    Ok(())
}

/// Refuses an empty string or binary value of key attribute `name`
/// ([`Error::EmptyKeyValue`]).
///
/// ```
/// # use ddb_odm::Model;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let orders = ddb_odm::testing::doc::offline();
/// use ddb_odm::{limits::check_key_value, AttributeValue, Error};
/// assert!(check_key_value("id", &AttributeValue::S("a".into())).is_ok());
/// assert!(matches!(check_key_value("id", &AttributeValue::S("".into())), Err(Error::EmptyKeyValue { .. })));
/// // a query's key value too
/// let err = orders.query(Order::query_by_customer("")).dry_run().unwrap_err();
/// assert!(matches!(err, Error::EmptyKeyValue { ref attribute } if attribute == "customer"));
/// ```
pub fn check_key_value(name: &str, v: &AttributeValue) -> Result<()> {
    check_not_empty(name, v)
}

/// Refuses an empty string or binary value of key attribute `name`.
fn check_not_empty(name: &str, v: &AttributeValue) -> Result<()> {
    let empty = match v {
        AttributeValue::S(s) => s.is_empty(),
        AttributeValue::B(b) => b.as_ref().is_empty(),
        _ => false,
    };
    if empty {
        return Err(Error::EmptyKeyValue { attribute: name.to_string() });
    }
    Ok(())
}

/// Refuses an item whose index key attributes hold an empty string or
/// binary value (DynamoDB refuses them as it does empty table keys).
///
/// ```
/// use ddb_odm::schema::{AttrType, AttributeDef, IndexDef, Schema};
/// use ddb_odm::{limits::check_index_keys, AttributeValue, Error, Item};
/// let schema = Schema::builder("T")
///     .attribute(AttributeDef::new("id", AttrType::String))
///     .attribute(AttributeDef::new("email", AttrType::String))
///     .hash_key("id")
///     .index(IndexDef::global("by_email", "email"))
///     .build()?;
/// let item: Item = [("id".to_string(), AttributeValue::S("1".into())), ("email".to_string(), AttributeValue::S("".into()))].into();
/// assert!(matches!(check_index_keys(&schema, &item), Err(Error::EmptyKeyValue { ref attribute }) if attribute == "email"));
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub fn check_index_keys(schema: &crate::schema::Schema, item: &Item) -> Result<()> {
    for index in schema.indexes() {
        for name in std::iter::once(&index.hash_key).chain(index.range_key.as_ref()) {
            if let Some(v) = item.get(name) {
                check_not_empty(name, v)?;
            }
        }
    }
    Ok(())
}

/// Refuses an `IN` comparison with more than 100 operands.
///
/// ```
/// # use ddb_odm::Model;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let orders = ddb_odm::testing::doc::offline();
/// use ddb_odm::{Error, Limit};
/// let f = Order::fields();
/// let ids: Vec<String> = (0..101).map(|i| i.to_string()).collect();
/// let err = orders.scan().filter(f.status.is_in(ids)).dry_run().unwrap_err();
/// assert!(matches!(err, Error::LimitExceeded { limit: Limit::InOperands, actual: 101, max: 100 }));
/// assert!(ddb_odm::limits::check_in_operands(100).is_ok());
/// ```
pub fn check_in_operands(count: usize) -> Result<()> {
    if count > Limit::InOperands.max() {
        return Err(Error::LimitExceeded {
            limit: Limit::InOperands,
            actual: count,
            max: Limit::InOperands.max(),
        });
    }
    Ok(())
}
