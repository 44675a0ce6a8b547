//! The members of a request object (a whole request, a transaction action,
//! a BatchGetItem table's `KeysAndAttributes`), read in one pass into typed
//! slots, and the API model's checks on them.
//!
//! One reader serves every object: the slots are the union of the members
//! the typed inputs are built from. A member that is not its operation's
//! is read all the same (strictly: a wrong type sends the body to the Value
//! path) and then ignored, exactly as `http::decode` ignores it; the
//! expression members are read whatever the operation, as `decode` reads
//! them (`params`).

use super::wire::{refuse, Field, KeyList, Names, NamesSeed, OptionalItem};
use crate::http::validate::{self, Rule};
use crate::ops::common::{CapacityMode, ReturnValues};
use crate::ops::exprs::Params;
use crate::ops::write::Reporting;
use crate::value::Item;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use std::fmt;

/// The members read, in slot order (a slot's index is its bit in
/// [`Request::present`]).
pub(super) const FIELDS: &[&str] = &[
    "TableName",
    "Key",
    "Item",
    "ConsistentRead",
    "ReturnConsumedCapacity",
    "ReturnValues",
    "ReturnItemCollectionMetrics",
    "ReturnValuesOnConditionCheckFailure",
    "ProjectionExpression",
    "ConditionExpression",
    "UpdateExpression",
    "KeyConditionExpression",
    "FilterExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
    "ExclusiveStartKey",
    "IndexName",
    "Select",
    "Limit",
    "ScanIndexForward",
    "Segment",
    "TotalSegments",
    "Keys",
    // The legacy parameters: present (not null), the Value path takes the body.
    "AttributesToGet",
    "AttributeUpdates",
    "Expected",
    "KeyConditions",
    "QueryFilter",
    "ScanFilter",
    "ConditionalOperator",
];

const TABLE_NAME: usize = 0;
const FIRST_LEGACY: usize = 23;

/// How a slot's value is checked against its shape in the model.
#[derive(Clone, Copy)]
enum Check {
    Text,
    Attributes,
    Names,
    Integer,
    Boolean,
    KeyList,
    Legacy,
}

const CHECKS: [Check; 30] = {
    use Check::*;
    [
        Text, Attributes, Attributes, Boolean, Text, Text, Text, Text, Text, Text, Text, Text, Text, Names,
        Attributes, Attributes, Text, Text, Integer, Boolean, Integer, Integer, KeyList, Legacy, Legacy,
        Legacy, Legacy, Legacy, Legacy, Legacy,
    ]
};

/// One request object's members (absent and `null` alike are `None`).
#[derive(Default)]
pub(super) struct Request<'de> {
    /// Bytes to reserve for ExpressionAttributeNames (see [`NamesSeed`]).
    pub names_capacity: usize,
    /// Bit i: member `FIELDS[i]` given and not `null`.
    pub present: u32,
    pub table_name: Option<String>,
    pub key: Option<Item>,
    pub item: Option<Item>,
    pub consistent_read: Option<bool>,
    pub return_consumed_capacity: Option<&'de str>,
    pub return_values: Option<&'de str>,
    pub return_item_collection_metrics: Option<&'de str>,
    pub on_condition_failure: Option<&'de str>,
    pub projection: Option<String>,
    pub condition: Option<String>,
    pub update: Option<String>,
    pub key_condition: Option<String>,
    pub filter: Option<String>,
    pub names: Option<Names>,
    pub values: Option<Item>,
    pub exclusive_start_key: Option<Item>,
    pub index_name: Option<String>,
    pub select: Option<&'de str>,
    pub limit: Option<i64>,
    pub scan_index_forward: Option<bool>,
    pub segment: Option<i64>,
    pub total_segments: Option<i64>,
    pub keys: Option<Vec<Item>>,
}

impl<'de> Request<'de> {
    fn has(&self, i: usize) -> bool {
        self.present & (1 << i) != 0
    }

    /// The `TableName` as `decode` reads it.
    pub fn table(&mut self) -> String {
        self.table_name.take().unwrap_or_default()
    }

    /// The expression parameters, as `decode::params` reads them (the
    /// legacy ones are never here: see [`Request::check`]).
    /// `compact`: a huge ExpressionAttributeNames may be kept in part
    /// ([`Names::into_map`]); not where a response echoes the map.
    pub fn params(&mut self, compact: bool) -> Params {
        let names = self.names.take().map(|names| {
            let expressions = [
                self.condition.as_deref(),
                self.update.as_deref(),
                self.projection.as_deref(),
                self.filter.as_deref(),
                self.key_condition.as_deref(),
            ];
            names.into_map(compact, &expressions)
        });
        Params {
            condition: self.condition.take(),
            update: self.update.take(),
            projection: self.projection.take(),
            filter: self.filter.take(),
            key_condition: self.key_condition.take(),
            names,
            values: self.values.take(),
            legacy: None,
        }
    }

    pub fn capacity(&self) -> CapacityMode {
        CapacityMode::parse(self.return_consumed_capacity)
    }

    pub fn return_values(&self) -> ReturnValues {
        ReturnValues::from_wire(self.return_values)
    }

    /// As `decode::reporting` reads it.
    pub fn reporting(&self) -> Reporting {
        Reporting {
            capacity: self.capacity(),
            old_on_condition_failure: self.on_condition_failure == Some("ALL_OLD"),
            item_collection_metrics: self.return_item_collection_metrics == Some("SIZE"),
            item_collection_metrics_member: self.return_item_collection_metrics.is_some(),
        }
    }

    /// Whether the model's validation of this object, of shape `rules`,
    /// passes: no legacy parameter, every required member, every member's
    /// constraints (the members of the shape only: others are ignored, as
    /// the model's validation ignores them).
    pub fn check(&self, rules: &Rules) -> bool {
        if self.present >> FIRST_LEGACY != 0 {
            return false;
        }
        if rules.required & !self.present != 0 || rules.unreadable {
            return false;
        }
        (0..FIELDS.len()).filter(|&i| self.has(i)).all(|i| match rules.members[i] {
            None => true,
            Some(rule) => self.member_ok(i, rule),
        })
    }

    /// The checks the model's validation makes on a whole request only:
    /// the table name's rules and ExpressionAttributeNames / -Values without
    /// any expression.
    pub fn check_top(&self, operation: &str, rules: &Rules) -> bool {
        self.table_name.as_deref().is_none_or(|t| validate::table_name_ok(operation, t))
            && ((self.names.is_none() && self.values.is_none())
                || validate::expressions_ok(rules.shape, |name| {
                    FIELDS.iter().position(|f| *f == name).is_some_and(|i| self.has(i))
                }))
    }

    fn member_ok(&self, i: usize, rule: Rule) -> bool {
        let text = |s: Option<&str>| s.is_some_and(|s| rule.string_ok(s));
        let attributes = |m: &Option<Item>| m.as_ref().is_some_and(|m| validate::attribute_map_ok(rule, m));
        let integer = |n: Option<i64>| n.is_some_and(|n| rule.integer_ok(n));
        match (CHECKS[i], i) {
            (Check::Text, 0) => text(self.table_name.as_deref()),
            (Check::Text, 4) => text(self.return_consumed_capacity),
            (Check::Text, 5) => text(self.return_values),
            (Check::Text, 6) => text(self.return_item_collection_metrics),
            (Check::Text, 7) => text(self.on_condition_failure),
            (Check::Text, 8) => text(self.projection.as_deref()),
            (Check::Text, 9) => text(self.condition.as_deref()),
            (Check::Text, 10) => text(self.update.as_deref()),
            (Check::Text, 11) => text(self.key_condition.as_deref()),
            (Check::Text, 12) => text(self.filter.as_deref()),
            (Check::Text, 16) => text(self.index_name.as_deref()),
            (Check::Text, 17) => text(self.select),
            (Check::Attributes, 1) => attributes(&self.key),
            (Check::Attributes, 2) => attributes(&self.item),
            (Check::Attributes, 14) => attributes(&self.values),
            (Check::Attributes, 15) => attributes(&self.exclusive_start_key),
            (Check::Boolean, _) => rule.is_boolean(),
            (Check::Integer, 18) => integer(self.limit),
            (Check::Integer, 20) => integer(self.segment),
            (Check::Integer, 21) => integer(self.total_segments),
            (Check::Names, _) => self.names.as_ref().is_some_and(|names| {
                let (Some(k), Some(v)) = (rule.key(), rule.value()) else { return false };
                rule.count_ok(names.len()) && names.iter().all(|(n, a)| k.string_ok(n) && v.string_ok(a))
            }),
            (Check::KeyList, _) => self.keys.as_ref().is_some_and(|keys| {
                rule.count_ok(keys.len())
                    && rule.element().is_some_and(|e| keys.iter().all(|k| validate::attribute_map_ok(e, k)))
            }),
            _ => false,
        }
    }
}

/// The model's shape of one kind of request object, resolved once per
/// shape: each slot's member shape, the required members as slot bits.
pub(super) struct Rules {
    shape: Rule,
    members: [Option<Rule>; 30],
    required: u32,
    /// A member of the shape the reader has no slot for (a model newer
    /// than this reader): such objects never take the fast path.
    unreadable: bool,
}

impl Rules {
    pub fn new(shape: Rule) -> Rules {
        let mut members = [None; 30];
        for (i, name) in FIELDS.iter().enumerate() {
            members[i] = shape.member(name);
        }
        let mut required = 0;
        for name in shape.required() {
            if let Some(i) = FIELDS.iter().position(|f| *f == name) {
                required |= 1 << i;
            }
        }
        let unreadable = shape.member_names().any(|name| !FIELDS.contains(&name));
        Rules { shape, members, required, unreadable }
    }
}

impl<'de> DeserializeSeed<'de> for &mut Request<'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &mut Request<'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a request object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: u32 = 0;
        while let Some(i) = map.next_key_seed(Field(FIELDS))? {
            if i == usize::MAX {
                return Err(refuse());
            }
            // A repeated member: the Value path keeps the last one.
            if seen & (1 << i) != 0 {
                return Err(refuse());
            }
            seen |= 1 << i;
            let given = match i {
                0 => set(&mut self.table_name, map.next_value()?),
                1 => set(&mut self.key, map.next_value_seed(OptionalItem)?),
                2 => set(&mut self.item, map.next_value_seed(OptionalItem)?),
                3 => set(&mut self.consistent_read, map.next_value()?),
                4 => set(&mut self.return_consumed_capacity, map.next_value()?),
                5 => set(&mut self.return_values, map.next_value()?),
                6 => set(&mut self.return_item_collection_metrics, map.next_value()?),
                7 => set(&mut self.on_condition_failure, map.next_value()?),
                8 => set(&mut self.projection, map.next_value()?),
                9 => set(&mut self.condition, map.next_value()?),
                10 => set(&mut self.update, map.next_value()?),
                11 => set(&mut self.key_condition, map.next_value()?),
                12 => set(&mut self.filter, map.next_value()?),
                13 => set(
                    &mut self.names,
                    map.next_value_seed(Optional(NamesSeed { capacity: self.names_capacity }))?,
                ),
                14 => set(&mut self.values, map.next_value_seed(OptionalItem)?),
                15 => set(&mut self.exclusive_start_key, map.next_value_seed(OptionalItem)?),
                16 => set(&mut self.index_name, map.next_value()?),
                17 => set(&mut self.select, map.next_value()?),
                18 => set(&mut self.limit, map.next_value()?),
                19 => set(&mut self.scan_index_forward, map.next_value()?),
                20 => set(&mut self.segment, map.next_value()?),
                21 => set(&mut self.total_segments, map.next_value()?),
                22 => set(&mut self.keys, map.next_value_seed(Optional(KeyList))?),
                // A legacy parameter: the Value path's, so stop reading now.
                _ => match map.next_value::<serde_json::Value>()?.is_null() {
                    true => false,
                    false => return Err(refuse()),
                },
            };
            if given {
                self.present |= 1 << i;
            }
        }
        Ok(())
    }
}

/// Stores a member's value; whether it was given (not `null`).
fn set<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    let given = value.is_some();
    *slot = value;
    given
}

/// `null` or the seed's value.
pub(super) struct Optional<S>(pub S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Optional<S> {
    type Value = Option<S::Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for Optional<S> {
    type Value = Option<S::Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(d).map(Some)
    }
}

/// Reads one request object from `d` into a fresh [`Request`].
pub(super) fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Request<'de>, D::Error> {
    read_sized(d, 0)
}

/// [`read`], reserving `names_capacity` bytes for ExpressionAttributeNames.
pub(super) fn read_sized<'de, D: Deserializer<'de>>(
    d: D,
    names_capacity: usize,
) -> Result<Request<'de>, D::Error> {
    let mut r = Request { names_capacity, ..Request::default() };
    (&mut r).deserialize(d)?;
    Ok(r)
}

/// [`read`] as a seed, for objects nested in a request.
pub(super) struct RequestSeed;

impl<'de> DeserializeSeed<'de> for RequestSeed {
    type Value = Request<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        read(d)
    }
}

#[allow(dead_code)]
const _: () = assert!(FIELDS.len() == CHECKS.len() && FIELDS.len() <= 32 && TABLE_NAME == 0);
