//! Query: the items of one partition (of the table or an index), in sort key
//! order, one page at a time. Costs O(log n + k): the key condition becomes
//! bounds on the ordered map, never a walk of the table.

use super::command::{Ctx, Read};
use super::common::CapacityMode;
use super::exprs::Params;
use super::read::{self, Select, Source};
use crate::error::{messages, Error, Result};
use crate::expr::{self, KeyQuery, RangeCond};
use crate::store::{Db, KeyAttr, KeyValue, PartitionQuery, SortCond, StartAfter};
use crate::value::{AttributeValue, Item};
use std::collections::BTreeMap;

/// Query's input ([`crate::Service::query`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The table (a name or an ARN).
    pub table_name: String,
    /// `IndexName`: query a secondary index instead of the table.
    pub index_name: Option<String>,
    /// `Select`.
    pub select: Option<Select>,
    /// `Limit`: most items read.
    pub limit: Option<usize>,
    /// `ConsistentRead`.
    pub consistent_read: bool,
    /// `ScanIndexForward` (true: ascending sort key order).
    pub scan_index_forward: bool,
    /// `ExclusiveStartKey`: the previous page's `LastEvaluatedKey`.
    pub exclusive_start_key: Option<Item>,
    /// `ReturnConsumedCapacity`.
    pub return_consumed_capacity: CapacityMode,
    /// `KeyConditionExpression` (or `KeyConditions`), filter, projection,
    /// names and values.
    pub expressions: Params,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            table_name: String::new(),
            index_name: None,
            select: None,
            limit: None,
            consistent_read: false,
            scan_index_forward: true,
            exclusive_start_key: None,
            return_consumed_capacity: CapacityMode::None,
            expressions: Params::default(),
        }
    }
}

impl Query {
    /// The items of `table_name` matching `key_condition` (a
    /// `KeyConditionExpression`), with its `:values` (and `#names`, see
    /// [`Query::params`]).
    pub fn new(table_name: impl Into<String>, key_condition: impl Into<String>, values: Item) -> Self {
        let expressions =
            Params { key_condition: Some(key_condition.into()), values: Some(values), ..Params::default() };
        Query { table_name: table_name.into(), expressions, ..Self::default() }
    }

    /// Sets the expression parameters (`#names`, `:values`).
    pub fn params(mut self, names: Option<BTreeMap<String, String>>, values: Option<Item>) -> Self {
        self.expressions.names = names;
        self.expressions.values = values;
        self
    }

    /// Only the items passing `filter` (`FilterExpression`).
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.expressions.filter = Some(filter.into());
        self
    }

    /// Queries index `index` (`IndexName`).
    pub fn index(mut self, index: impl Into<String>) -> Self {
        self.index_name = Some(index.into());
        self
    }

    /// Reads at most `limit` items (`Limit`).
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Descending sort key order (`ScanIndexForward: false`).
    pub fn backward(mut self) -> Self {
        self.scan_index_forward = false;
        self
    }

    /// Starts after `key` (`ExclusiveStartKey`).
    pub fn start_after(mut self, key: Item) -> Self {
        self.exclusive_start_key = Some(key);
        self
    }
}

impl Read for Query {
    fn eventually_consistent(&self) -> bool {
        !self.consistent_read
    }

    type Output = read::Output;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<read::Output> {
        let parsed = self.expressions.parse()?;
        if parsed.key_condition.is_none() && parsed.key_conditions.is_none() {
            return Err(Error::validation(messages::QUERY_WITHOUT_KEY_CONDITION));
        }
        let consistent = self.consistent_read;
        let table = super::existing_table(ctx, db, &self.table_name)?;
        let source = Source::new(ctx, table, self.index_name.as_deref())?;
        source.check_consistent(consistent)?;
        let select = source.select(self.select, parsed.projection.as_ref())?;
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

        let start = match &self.exclusive_start_key {
            Some(esk) => Some(source.start_key(esk, messages::QUERY_START_KEY_INVALID)?),
            None => None,
        };
        let forward = self.scan_index_forward;
        let entries = match (&source.index, &start) {
            (None, _) => {
                if let Some(StartAfter::Table(k)) = &start {
                    let (pk, sk) = k.values();
                    if pk != query.pk[0] {
                        return Err(Error::validation(messages::START_KEY_OUTSIDE_BOUNDARIES));
                    }
                    check_start_in_range(&query, sk.as_slice())?;
                }
                table.query(&query, forward, read::table_start(&start))
            }
            (Some((i, _)), _) => {
                if let Some(StartAfter::Index(k)) = &start {
                    let (pk, sk, _) = k.values();
                    if pk != query.pk {
                        return Err(Error::validation(messages::START_KEY_OUTSIDE_BOUNDARIES));
                    }
                    check_start_in_range(&query, &sk)?;
                }
                table.query_index(*i, &query, forward, read::index_start(&start))
            }
        };
        let page = read::read_page(
            &source,
            entries.map(|e| (0, e)),
            read::Walk::ONE_PARTITION,
            self.limit,
            parsed.filter.as_ref(),
            select,
            parsed.projection.as_ref(),
        );
        Ok(read::Output::new(&source, page, select, self.return_consumed_capacity, consistent))
    }
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
