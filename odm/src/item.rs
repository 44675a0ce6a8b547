//! Items as the wire sees them: attribute name to [`AttributeValue`].
//!
//! ```
//! use ddb_odm::{AttributeValue, Item};
//! let mut item = Item::new();
//! item.insert("tags".into(), AttributeValue::Ss(vec!["a".into()]));
//! assert_eq!(ddb_odm::item::type_name(&item["tags"]), "SS");
//! ```

pub use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// An item (or key, or partial item): attribute name to value.
///
/// ```
/// use ddb_odm::{AttributeValue, Item};
/// let key: Item = [("id".to_string(), AttributeValue::S("a".into()))].into_iter().collect();
/// assert_eq!(key.len(), 1);
/// ```
pub type Item = HashMap<String, AttributeValue>;

/// The short DynamoDB type name of a value (`S`, `N`, `M`, ...), for messages.
///
/// ```
/// use ddb_odm::{item::type_name, AttributeValue};
/// assert_eq!(type_name(&AttributeValue::S("x".into())), "S");
/// ```
pub fn type_name(v: &AttributeValue) -> &'static str {
    match v {
        AttributeValue::S(_) => "S",
        AttributeValue::N(_) => "N",
        AttributeValue::B(_) => "B",
        AttributeValue::Bool(_) => "BOOL",
        AttributeValue::Null(_) => "NULL",
        AttributeValue::M(_) => "M",
        AttributeValue::L(_) => "L",
        AttributeValue::Ss(_) => "SS",
        AttributeValue::Ns(_) => "NS",
        AttributeValue::Bs(_) => "BS",
        _ => "unknown",
    }
}
