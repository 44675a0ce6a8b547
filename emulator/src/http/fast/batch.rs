//! The outer members of the batch and transaction requests: `RequestItems`
//! (tables in name order, as the Value path's map iterates them),
//! `TransactItems`, and the reporting members around them.

use super::request::{Optional, Request, RequestSeed};
use super::wire::{refuse, Field};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

pub(super) const OUTER: &[&str] = &[
    "RequestItems",
    "TransactItems",
    "ReturnConsumedCapacity",
    "ReturnItemCollectionMetrics",
    "ClientRequestToken",
    "ReturnValuesOnConditionCheckFailure",
];

/// A batch or transaction request's outer members (`null` is absent).
pub(super) struct Outer<T> {
    pub request_items: Option<Vec<(String, T)>>,
    pub transact_items: Option<Vec<T>>,
    pub return_consumed_capacity: Option<String>,
    pub return_item_collection_metrics: Option<String>,
    pub client_request_token: Option<String>,
    pub on_condition_failure: Option<String>,
}

/// How one element (a `RequestItems` value or a `TransactItems` element) is read.
pub(super) trait Element<'de>: Sized {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

struct ElementSeed<T>(PhantomData<T>);

impl<'de, T: Element<'de>> DeserializeSeed<'de> for ElementSeed<T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::read(d)
    }
}

/// Reads the outer object.
pub(super) fn read<'de, T: Element<'de>, D: Deserializer<'de>>(d: D) -> Result<Outer<T>, D::Error> {
    d.deserialize_map(OuterVisitor(PhantomData))
}

struct OuterVisitor<T>(PhantomData<T>);

impl<'de, T: Element<'de>> Visitor<'de> for OuterVisitor<T> {
    type Value = Outer<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a batch or transaction request")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Outer<T>, A::Error> {
        let mut out = Outer {
            request_items: None,
            transact_items: None,
            return_consumed_capacity: None,
            return_item_collection_metrics: None,
            client_request_token: None,
            on_condition_failure: None,
        };
        let mut seen = 0u32;
        while let Some(i) = map.next_key_seed(Field(OUTER))? {
            if i == usize::MAX {
                return Err(refuse());
            }
            if seen & (1 << i) != 0 {
                return Err(refuse());
            }
            seen |= 1 << i;
            match i {
                0 => out.request_items = map.next_value_seed(Optional(Tables(PhantomData)))?,
                1 => out.transact_items = map.next_value_seed(Optional(List(PhantomData)))?,
                2 => out.return_consumed_capacity = map.next_value()?,
                3 => out.return_item_collection_metrics = map.next_value()?,
                4 => out.client_request_token = map.next_value()?,
                _ => out.on_condition_failure = map.next_value()?,
            }
        }
        Ok(out)
    }
}

/// `RequestItems`: table names to elements, sorted by name, no repeats.
struct Tables<T>(PhantomData<T>);

impl<'de, T: Element<'de>> DeserializeSeed<'de> for Tables<T> {
    type Value = Vec<(String, T)>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: Element<'de>> Visitor<'de> for Tables<T> {
    type Value = Vec<(String, T)>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RequestItems")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out: Vec<(String, T)> = Vec::new();
        while let Some(table) = map.next_key::<String>()? {
            out.push((table, map.next_value_seed(ElementSeed(PhantomData))?));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        if out.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(refuse());
        }
        Ok(out)
    }
}

/// A JSON array of elements.
pub(super) struct List<T>(pub PhantomData<T>);

impl<'de, T: Element<'de>> DeserializeSeed<'de> for List<T> {
    type Value = Vec<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Element<'de>> Visitor<'de> for List<T> {
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4));
        while let Some(e) = seq.next_element_seed(ElementSeed(PhantomData))? {
            out.push(e);
        }
        Ok(out)
    }
}

/// BatchGetItem's `KeysAndAttributes`.
impl<'de> Element<'de> for Request<'de> {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        super::request::read(d)
    }
}

/// BatchWriteItem's list of write requests for one table.
pub(super) struct Writes<'de>(pub Vec<Write<'de>>);

impl<'de> Element<'de> for Writes<'de> {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        List::<Write<'de>>(PhantomData).deserialize(d).map(Writes)
    }
}

/// A transaction item or write request: exactly one member given (not
/// `null`), one of `names`; its body as a request object. Anything else
/// (no member, two, an unknown one) is the Value path's.
pub(super) struct Action<'de> {
    pub kind: usize,
    pub body: Request<'de>,
}

fn read_action<'de, D: Deserializer<'de>>(
    d: D,
    names: &'static [&'static str],
) -> Result<Action<'de>, D::Error> {
    struct V(&'static [&'static str]);
    impl<'de> Visitor<'de> for V {
        type Value = Action<'de>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an action")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Action<'de>, A::Error> {
            let mut found: Option<Action<'de>> = None;
            while let Some(i) = map.next_key_seed(Field(self.0))? {
                if i == usize::MAX {
                    if !map.next_value::<serde_json::Value>()?.is_null() {
                        return Err(refuse());
                    }
                    continue;
                }
                let Some(body) = map.next_value_seed(Optional(RequestSeed))? else { return Err(refuse()) };
                if found.is_some() {
                    return Err(refuse());
                }
                found = Some(Action { kind: i, body });
            }
            found.ok_or_else(refuse)
        }
    }
    d.deserialize_map(V(names))
}

/// A write request: `PutRequest` (0) or `DeleteRequest` (1).
pub(super) struct Write<'de>(pub Action<'de>);

impl<'de> Element<'de> for Write<'de> {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_action(d, &["PutRequest", "DeleteRequest"]).map(Write)
    }
}

/// A TransactWriteItems item: `Put`, `Update`, `Delete`, `ConditionCheck`.
pub(super) const TRANSACT_WRITE_ACTIONS: &[&str] = &["Put", "Update", "Delete", "ConditionCheck"];

pub(super) struct TransactWrite<'de>(pub Action<'de>);

impl<'de> Element<'de> for TransactWrite<'de> {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_action(d, TRANSACT_WRITE_ACTIONS).map(TransactWrite)
    }
}

/// A TransactGetItems item: `Get`.
pub(super) struct TransactGet<'de>(pub Action<'de>);

impl<'de> Element<'de> for TransactGet<'de> {
    fn read<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_action(d, &["Get"]).map(TransactGet)
    }
}
