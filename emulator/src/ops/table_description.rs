//! Control-plane output and helpers shared by the table operations: the
//! `TableDescription` built from a stored table, ARNs and ids, timestamps,
//! and the lookups that honour lazy status transitions.

use super::command::{Ctx, Plan};
use crate::error::{messages, Error, Result};
use crate::store::meta::{Lifecycle, OnDemandLimits, TableStatus, Throughput, WarmThroughput};
use crate::store::{Db, IndexDef, IndexKind, KeySchema, Projection, Table};
use serde::Serialize;
use std::sync::Arc;
use std::time::SystemTime;

/// `arn:aws:dynamodb:{region}:{account}:table/{name}`.
pub fn table_arn(ctx: &Ctx<'_>, name: &str) -> String {
    format!("arn:aws:dynamodb:{}:{}:table/{}", ctx.region, ctx.account_id, name)
}

/// A random version-4 UUID, lower-case hex (the shape of `TableId`).
pub fn uuid() -> String {
    let mut b = fastrand::u128(..).to_be_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// Epoch seconds with millisecond precision, as the service's `Date` values.
pub fn epoch_seconds(t: SystemTime) -> f64 {
    let ms = t.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    ms as f64 / 1000.0
}

/// `YYYY-MM-DDTHH:MM:SS.mmm` in UTC (the shape of `LatestStreamLabel`).
pub fn iso_timestamp(t: SystemTime) -> String {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = crate::clock::civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// The table a control-plane operation names, unless missing or deleted:
/// ResourceNotFoundException "Requested resource not found: Table: NAME not found".
pub fn find_table<'a>(ctx: &Ctx<'_>, db: &'a Db, name_or_arn: &str) -> Result<&'a Arc<Table>> {
    match db.table(super::table_name(name_or_arn)) {
        Some(t) if !t.def.meta.is_gone(ctx.now_ms) && super::names_table(t, name_or_arn) => Ok(t),
        _ => Err(Error::not_found(messages::table_not_found(name_or_arn))),
    }
}

/// Removes `name` from `db` if its deletion has completed by `now_ms`.
pub fn purge_if_gone(db: &mut Db, name: &str, now_ms: u64) {
    if db.table(name).is_some_and(|t| t.def.meta.is_gone(now_ms)) {
        db.remove_table(name);
    }
}

/// What a control-plane write does to one table.
pub enum TableChange {
    /// Nothing.
    None,
    /// Add or replace the table (built in the plan, on a private copy).
    Put(Table),
    /// Remove the table called this.
    Remove(String),
}

/// A checked control-plane write: drop the table called `purge` if its
/// deletion has completed, make `change`, answer `output`.
pub struct TablePlan<O> {
    /// The table name whose completed deletion is purged first.
    pub purge: Option<(String, u64)>,
    /// The change.
    pub change: TableChange,
    /// The response, built in the plan.
    pub output: O,
}

impl<O> Plan for TablePlan<O> {
    /// Control-plane plans are made under the writer lock and never reused.
    fn still_valid(&self, _: &Db) -> bool {
        false
    }
}

impl<O> TablePlan<O> {
    /// A plan that replaces or adds `table` (purging a deleted one of the same name).
    pub fn put(ctx: &Ctx<'_>, table: Table, output: O) -> Self {
        TablePlan {
            purge: Some((table.def.name.clone(), ctx.now_ms)),
            change: TableChange::Put(table),
            output,
        }
    }

    /// Makes the change. Cannot fail.
    pub fn apply(self, db: &mut Db) -> O {
        if let Some((name, now)) = &self.purge {
            purge_if_gone(db, name, *now);
        }
        match self.change {
            TableChange::None => {}
            TableChange::Put(table) => db.insert_table(table),
            TableChange::Remove(name) => {
                db.remove_table(&name);
            }
        }
        self.output
    }
}

/// The table name in a `ResourceArn` (tagging operations): a DynamoDB table
/// ARN of this region. ValidationException for anything else;
/// ResourceNotFoundException for another account or a missing table.
pub fn table_name_from_arn<'a>(ctx: &Ctx<'_>, db: &Db, arn: &'a str) -> Result<&'a str> {
    let invalid = || Error::validation(messages::invalid_resource_arn(arn));
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let &[prefix, partition, service, region, account, resource] = parts.as_slice() else {
        return Err(invalid());
    };
    let name = resource.strip_prefix("table/").ok_or_else(invalid)?;
    if prefix != "arn"
        || partition.is_empty()
        || service != "dynamodb"
        || name.is_empty()
        || name.contains('/')
    {
        return Err(invalid());
    }
    if region != ctx.region {
        return Err(invalid());
    }
    let exists = db.table(name).is_some_and(|t| !t.def.meta.is_gone(ctx.now_ms));
    if account != ctx.account_id || !exists {
        return Err(Error::not_found(messages::resource_arn_not_found(arn)));
    }
    Ok(name)
}

/// ResourceInUseException unless the table is ACTIVE.
pub fn ensure_active(ctx: &Ctx<'_>, table: &Table) -> Result<()> {
    let phase = match table.def.meta.status(ctx.now_ms) {
        Some(TableStatus::Active) | None => return Ok(()),
        Some(TableStatus::Creating) => "created",
        Some(TableStatus::Updating) => "updated",
        Some(TableStatus::Deleting) => "deleted",
    };
    Err(Error::in_use(messages::table_in_use(&table.def.name, phase)))
}

/// `AttributeDefinition` in output.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeDefinitionOut {
    attribute_name: String,
    attribute_type: &'static str,
}

/// `KeySchemaElement` in output.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct KeySchemaElementOut {
    attribute_name: String,
    key_type: &'static str,
}

pub(crate) fn key_schema_out(key: &KeySchema) -> Vec<KeySchemaElementOut> {
    let hash =
        key.hash.iter().map(|a| KeySchemaElementOut { attribute_name: a.name.clone(), key_type: "HASH" });
    let range =
        key.range.iter().map(|a| KeySchemaElementOut { attribute_name: a.name.clone(), key_type: "RANGE" });
    hash.chain(range).collect()
}

/// `Projection` in output.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ProjectionOut {
    projection_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    non_key_attributes: Option<Vec<String>>,
}

pub(crate) fn projection_out(p: &Projection) -> ProjectionOut {
    match p {
        Projection::All => ProjectionOut { projection_type: "ALL", non_key_attributes: None },
        Projection::KeysOnly => ProjectionOut { projection_type: "KEYS_ONLY", non_key_attributes: None },
        Projection::Include(n) => {
            ProjectionOut { projection_type: "INCLUDE", non_key_attributes: Some(n.clone()) }
        }
    }
}

/// `ProvisionedThroughputDescription`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ThroughputDescription {
    #[serde(skip_serializing_if = "Option::is_none")]
    last_increase_date_time: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_decrease_date_time: Option<f64>,
    number_of_decreases_today: i64,
    read_capacity_units: i64,
    write_capacity_units: i64,
}

pub(crate) fn throughput_out(t: &Throughput, now: SystemTime) -> ThroughputDescription {
    ThroughputDescription {
        last_increase_date_time: t.last_increase.map(epoch_seconds),
        last_decrease_date_time: t.last_decrease.map(epoch_seconds),
        number_of_decreases_today: t.decreases_today_at(now),
        read_capacity_units: t.read,
        write_capacity_units: t.write,
    }
}

/// `OnDemandThroughput` in output.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct OnDemandOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    max_read_request_units: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_write_request_units: Option<i64>,
}

pub(crate) fn on_demand_out(o: &OnDemandLimits) -> OnDemandOut {
    OnDemandOut { max_read_request_units: o.max_read, max_write_request_units: o.max_write }
}

/// `TableWarmThroughputDescription` / `GlobalSecondaryIndexWarmThroughputDescription`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct WarmOut {
    read_units_per_second: i64,
    write_units_per_second: i64,
    status: &'static str,
}

fn warm_out(w: &WarmThroughput, status: TableStatus) -> WarmOut {
    WarmOut { read_units_per_second: w.read, write_units_per_second: w.write, status: status.as_str() }
}

/// `BillingModeSummary`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct BillingModeSummary {
    billing_mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_update_to_pay_per_request_date_time: Option<f64>,
}

/// `LocalSecondaryIndexDescription`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct LocalIndexDescription {
    index_name: String,
    key_schema: Vec<KeySchemaElementOut>,
    projection: ProjectionOut,
    index_size_bytes: u64,
    item_count: u64,
    index_arn: String,
}

/// `GlobalSecondaryIndexDescription`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct GlobalIndexDescription {
    index_name: String,
    key_schema: Vec<KeySchemaElementOut>,
    projection: ProjectionOut,
    index_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    backfilling: Option<bool>,
    provisioned_throughput: ThroughputDescription,
    index_size_bytes: u64,
    item_count: u64,
    index_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    on_demand_throughput: Option<OnDemandOut>,
    warm_throughput: WarmOut,
}

/// `StreamSpecification` in output.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct StreamSpecificationOut {
    stream_enabled: bool,
    stream_view_type: String,
}

/// `SSEDescription`.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct SseDescription {
    #[serde(rename = "Status")]
    status: &'static str,
    #[serde(rename = "SSEType")]
    sse_type: &'static str,
    #[serde(rename = "KMSMasterKeyArn")]
    kms_master_key_arn: String,
}

/// `TableClassSummary`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct TableClassSummary {
    table_class: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_update_date_time: Option<f64>,
}

/// `TableDescription`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct TableDescription {
    attribute_definitions: Vec<AttributeDefinitionOut>,
    table_name: String,
    key_schema: Vec<KeySchemaElementOut>,
    /// The status reported.
    pub table_status: &'static str,
    creation_date_time: f64,
    provisioned_throughput: ThroughputDescription,
    table_size_bytes: u64,
    item_count: u64,
    table_arn: String,
    table_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    billing_mode_summary: Option<BillingModeSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    local_secondary_indexes: Option<Vec<LocalIndexDescription>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    global_secondary_indexes: Option<Vec<GlobalIndexDescription>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_specification: Option<StreamSpecificationOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest_stream_label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest_stream_arn: Option<String>,
    #[serde(rename = "SSEDescription", skip_serializing_if = "Option::is_none")]
    sse_description: Option<SseDescription>,
    #[serde(skip_serializing_if = "Option::is_none")]
    table_class_summary: Option<TableClassSummary>,
    deletion_protection_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    on_demand_throughput: Option<OnDemandOut>,
    warm_throughput: WarmOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    restore_summary: Option<RestoreSummaryOut>,
}

/// `RestoreSummary`: where a restored table came from.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct RestoreSummaryOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    source_backup_arn: Option<String>,
    source_table_arn: String,
    restore_date_time: f64,
    restore_in_progress: bool,
}

fn gsi_description(
    index: &IndexDef,
    status: TableStatus,
    size: u64,
    count: u64,
    now: SystemTime,
) -> GlobalIndexDescription {
    GlobalIndexDescription {
        index_name: index.name.clone(),
        key_schema: key_schema_out(&index.key),
        projection: projection_out(&index.projection),
        index_status: status.as_str(),
        backfilling: (status == TableStatus::Creating && index.meta.backfilling).then_some(true),
        provisioned_throughput: throughput_out(&index.meta.throughput, now),
        index_size_bytes: size,
        item_count: count,
        index_arn: index.meta.arn.clone(),
        on_demand_throughput: index.meta.on_demand.as_ref().map(on_demand_out),
        warm_throughput: warm_out(&index.meta.warm, status),
    }
}

/// The description of `table`, reporting `status` (its current status when `None`).
pub fn describe(ctx: &Ctx<'_>, table: &Table, status: Option<TableStatus>) -> TableDescription {
    let def = &table.def;
    let meta = &def.meta;
    let now = ctx.now();
    let now_ms = ctx.now_ms;
    let status = status.or_else(|| meta.status(now_ms)).unwrap_or(TableStatus::Deleting);
    let mut lsis = Vec::new();
    let mut gsis = Vec::new();
    for (i, index) in def.indexes.iter().enumerate() {
        let size = table.index_size_bytes(i);
        let count = table.index_len(i) as u64;
        match index.kind {
            IndexKind::Local => lsis.push(LocalIndexDescription {
                index_name: index.name.clone(),
                key_schema: key_schema_out(&index.key),
                projection: projection_out(&index.projection),
                index_size_bytes: size,
                item_count: count,
                index_arn: index.meta.arn.clone(),
            }),
            IndexKind::Global => {
                gsis.push(gsi_description(index, index.meta.status(now_ms), size, count, now))
            }
        }
    }
    for deleting in meta.deleting_indexes.iter().filter(|d| d.until > now_ms) {
        gsis.push(gsi_description(&deleting.def, TableStatus::Deleting, 0, 0, now));
    }
    let show_billing =
        meta.billing_mode_reported || meta.billing_mode == crate::store::meta::BillingMode::PayPerRequest;
    TableDescription {
        attribute_definitions: meta
            .attribute_definitions
            .iter()
            .map(|(n, t)| AttributeDefinitionOut { attribute_name: n.clone(), attribute_type: t.as_str() })
            .collect(),
        table_name: def.name.clone(),
        key_schema: key_schema_out(&def.key),
        table_status: status.as_str(),
        creation_date_time: epoch_seconds(meta.created_at),
        provisioned_throughput: throughput_out(&meta.throughput, now),
        table_size_bytes: table.size_bytes(),
        item_count: table.item_count() as u64,
        table_arn: meta.arn.clone(),
        table_id: meta.id.clone(),
        billing_mode_summary: show_billing.then(|| BillingModeSummary {
            billing_mode: meta.billing_mode.as_str(),
            last_update_to_pay_per_request_date_time: match meta.billing_mode {
                crate::store::meta::BillingMode::PayPerRequest => {
                    meta.last_update_to_pay_per_request.map(epoch_seconds)
                }
                crate::store::meta::BillingMode::Provisioned => None,
            },
        }),
        local_secondary_indexes: (!lsis.is_empty()).then_some(lsis),
        global_secondary_indexes: (!gsis.is_empty()).then_some(gsis),
        stream_specification: meta
            .stream
            .as_ref()
            .map(|s| StreamSpecificationOut { stream_enabled: true, stream_view_type: s.view_type.clone() }),
        latest_stream_label: meta.latest_stream.as_ref().map(|(label, _)| label.clone()),
        latest_stream_arn: meta.latest_stream.as_ref().map(|(_, arn)| arn.clone()),
        sse_description: meta.sse.as_ref().map(|s| SseDescription {
            status: "ENABLED",
            sse_type: "KMS",
            kms_master_key_arn: s.kms_key_arn.clone(),
        }),
        table_class_summary: meta.table_class_reported.then(|| TableClassSummary {
            table_class: meta.table_class.as_str(),
            last_update_date_time: meta.table_class_updated.map(epoch_seconds),
        }),
        deletion_protection_enabled: meta.deletion_protection,
        on_demand_throughput: meta.on_demand.as_ref().map(on_demand_out),
        warm_throughput: warm_out(&meta.warm, status),
        restore_summary: meta.restored.as_ref().map(|r| RestoreSummaryOut {
            source_backup_arn: r.source_backup_arn.clone(),
            source_table_arn: r.source_table_arn.clone(),
            restore_date_time: r.restore_ms as f64 / 1000.0,
            restore_in_progress: status == TableStatus::Creating,
        }),
    }
}

impl TableDescription {
    /// `TableId`.
    pub fn table_id(&self) -> &str {
        &self.table_id
    }

    /// `TableStatus`: `CREATING`, `UPDATING`, `DELETING` or `ACTIVE`.
    pub fn table_status(&self) -> &str {
        self.table_status
    }

    /// `TableName`.
    pub fn table_name(&self) -> &str {
        &self.table_name
    }

    /// `ItemCount`.
    pub fn item_count(&self) -> u64 {
        self.item_count
    }
}

/// The lifecycle a table (or a change to it) starts with.
pub fn start(ctx: &Ctx<'_>, phase: TableStatus) -> Lifecycle {
    Lifecycle::start(phase, ctx.transition_delay, ctx.now_ms)
}

/// The KMS key ARN for an SSE specification's key id (or the account's
/// default DynamoDB key when none is given).
pub fn kms_key_arn(ctx: &Ctx<'_>, key_id: Option<&str>) -> String {
    let prefix = format!("arn:aws:kms:{}:{}:", ctx.region, ctx.account_id);
    match key_id {
        Some(k) if k.starts_with("arn:") => k.to_string(),
        Some(k) if k.starts_with("alias/") => format!("{prefix}{k}"),
        Some(k) => format!("{prefix}key/{k}"),
        None => format!("{prefix}key/{}", uuid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_421_866_952_062);
        assert_eq!(epoch_seconds(t), 1_421_866_952.062);
        assert_eq!(iso_timestamp(t), "2015-01-21T19:02:32.062");
        assert_eq!(iso_timestamp(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00.000");
    }

    #[test]
    fn uuid_shape() {
        let u = uuid();
        assert_eq!(u.len(), 36);
        let parts: Vec<&str> = u.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), vec![8, 4, 4, 4, 12]);
        assert!(u.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    }
}
