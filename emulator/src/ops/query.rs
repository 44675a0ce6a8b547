//! Query: the items of one partition (of the table or an index), in sort key
//! order, one page at a time. Costs O(log n + k): the key condition becomes
//! bounds on the ordered map, never a walk of the table.

use super::common::CapacityMode;
use super::read::{self, Source};
use crate::error::{messages, Error, Result};
use crate::expr::{self, KeyQuery, RangeCond};
use crate::service::Service;
use crate::store::{KeyAttr, KeyValue, PartitionQuery, SortCond, StartAfter};
use crate::value::{json, AttributeValue};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    table_name: String,
    index_name: Option<String>,
    select: Option<String>,
    limit: Option<usize>,
    consistent_read: Option<bool>,
    scan_index_forward: Option<bool>,
    exclusive_start_key: Option<serde_json::Value>,
    return_consumed_capacity: Option<String>,
}

/// Runs Query.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<read::Output> {
    let input: Input = crate::http::decode(body)?;
    let parsed = super::exprs::parse(body)?;
    if parsed.key_condition.is_none() && parsed.key_conditions.is_none() {
        return Err(Error::validation(messages::QUERY_WITHOUT_KEY_CONDITION));
    }
    let esk = input.exclusive_start_key.as_ref().map(json::parse_item).transpose()?;
    let consistent = input.consistent_read.unwrap_or(false);
    let capacity = CapacityMode::parse(input.return_consumed_capacity.as_deref());

    let db = svc.read_view(consistent);
    let table = super::existing_table(&db, &input.table_name)?;
    let source = Source::new(table, input.index_name.as_deref())?;
    source.check_consistent(consistent)?;
    let select = source.select(input.select.as_deref(), parsed.projection.as_ref())?;
    let (hash_names, range_names) = source.key_names();
    let keys = parsed.key_query(&hash_names, &range_names)?.expect("checked above");
    let schema = match source.index {
        Some((_, i)) => &i.key,
        None => &table.def.key,
    };
    let query = partition_query(&keys, &schema.hash, &schema.range)?;
    let all_keys: Vec<&str> = hash_names.iter().chain(range_names.iter()).copied().collect();
    match &parsed.query_filter {
        Some(entries) => expr::legacy::check_query_filter_keys(entries, &all_keys)?,
        None => expr::check_filter_keys(parsed.filter.as_ref(), &all_keys)?,
    }

    let start = match &esk {
        Some(esk) => Some(source.start_key(esk, messages::QUERY_START_KEY_INVALID)?),
        None => None,
    };
    let forward = input.scan_index_forward.unwrap_or(true);
    let entries = match (&source.index, &start) {
        (None, _) => {
            if let Some(StartAfter::Table(k)) = &start {
                let (pk, sk) = k.values();
                if pk != query.pk[0] {
                    return Err(Error::validation(messages::QUERY_START_KEY_INVALID));
                }
                check_start_in_range(&query, sk.as_slice())?;
            }
            table.query(&query, forward, read::table_start(&start))
        }
        (Some((i, _)), _) => {
            if let Some(StartAfter::Index(k)) = &start {
                let (pk, sk, _) = k.values();
                if pk != query.pk {
                    return Err(Error::validation(messages::QUERY_START_KEY_INVALID));
                }
                check_start_in_range(&query, &sk)?;
            }
            table.query_index(*i, &query, forward, read::index_start(&start))
        }
    };
    let page = read::read_page(
        &source,
        entries,
        input.limit,
        parsed.filter.as_ref(),
        select,
        parsed.projection.as_ref(),
    );
    Ok(read::Output::new(&source, page, select, capacity, consistent))
}

/// An ExclusiveStartKey must satisfy the key condition's sort predicate.
/// (A key on the bound the read finishes at is accepted and gives an empty
/// page, so paging with LastEvaluatedKey always terminates normally.)
fn check_start_in_range(query: &PartitionQuery, sk: &[KeyValue]) -> Result<()> {
    let fixed = query.sk_eq.len();
    let outside = sk.get(..fixed).is_some_and(|prefix| prefix != query.sk_eq.as_slice())
        || match (&query.sk_cond, sk.get(fixed)) {
            (Some(c), Some(v)) => !c.matches(v),
            _ => false,
        };
    if outside {
        return Err(Error::validation(messages::START_KEY_OUTSIDE_RANGE));
    }
    Ok(())
}

/// Turns a resolved key condition into store bounds, checking each value's
/// type against the key schema.
fn partition_query(keys: &KeyQuery, hash: &[KeyAttr], range: &[KeyAttr]) -> Result<PartitionQuery> {
    let key_value = |attr: &KeyAttr, v: &AttributeValue| -> Result<KeyValue> {
        let matches = matches!(
            (attr.ty, v),
            (crate::store::ScalarType::S, AttributeValue::S(_))
                | (crate::store::ScalarType::N, AttributeValue::N(_))
                | (crate::store::ScalarType::B, AttributeValue::B(_))
        );
        match KeyValue::from_attr(v) {
            Some(kv) if matches => Ok(kv),
            _ => Err(Error::validation(messages::KEY_CONDITION_TYPE_MISMATCH)),
        }
    };
    let pk = hash.iter().zip(&keys.hash).map(|(a, v)| key_value(a, v)).collect::<Result<Vec<_>>>()?;
    let mut sk_eq = Vec::new();
    let mut sk_cond = None;
    for (i, (attr, cond)) in range.iter().zip(&keys.range).enumerate() {
        let last = i + 1 == keys.range.len();
        let c = match cond {
            RangeCond::Eq(v) => SortCond::Eq(key_value(attr, v)?),
            RangeCond::Lt(v) => SortCond::Lt(key_value(attr, v)?),
            RangeCond::Le(v) => SortCond::Le(key_value(attr, v)?),
            RangeCond::Gt(v) => SortCond::Gt(key_value(attr, v)?),
            RangeCond::Ge(v) => SortCond::Ge(key_value(attr, v)?),
            RangeCond::Between(a, b) => SortCond::Between(key_value(attr, a)?, key_value(attr, b)?),
            RangeCond::BeginsWith(p) => {
                if attr.ty == crate::store::ScalarType::N {
                    return Err(Error::validation(messages::KEY_CONDITION_TYPE_MISMATCH));
                }
                SortCond::BeginsWith(key_value(attr, p)?)
            }
        };
        match c {
            SortCond::Eq(v) if !last => sk_eq.push(v),
            c => sk_cond = Some(c),
        }
    }
    Ok(PartitionQuery { pk, sk_eq, sk_cond })
}
