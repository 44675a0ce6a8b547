//! What RestoreTableFromBackup and RestoreTableToPointInTime share: a new
//! table from a source definition (with the request's overrides, checked
//! by CreateTable's own rules) and a source's items, in CREATING until the
//! transition delay has passed.
//!
//! As on the service, a restored table gets the source's key schema,
//! indexes (or the overrides), billing mode, throughput and encryption;
//! not its streams, Time to Live, tags or point-in-time recovery.

use super::command::Ctx;
use super::create_table::{build_def, CreateTable};
use super::table_description::{self as desc, TableDescription, TablePlan};
use super::table_input::{
    self as ti, AttributeDefinitionIn, KeySchemaElementIn, OnDemandThroughputIn, ProjectionIn,
    ProvisionedThroughputIn, SecondaryIndexIn, SseSpecificationIn,
};
use crate::error::{messages, Error, ErrorKind, Result};
use crate::store::meta::{BillingMode, RestoreMeta, TableStatus};
use crate::store::{Db, IndexDef, IndexKind, KeySchema, PrimaryKey, Projection, StoredItem, Table, TableDef};
use imbl::OrdMap;
use serde::Deserialize;

/// The overrides both restore operations accept.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Overrides {
    /// `BillingModeOverride`.
    pub billing_mode_override: Option<String>,
    /// `GlobalSecondaryIndexOverride`: the GSIs the new table has.
    pub global_secondary_index_override: Option<Vec<SecondaryIndexIn>>,
    /// `LocalSecondaryIndexOverride`: the LSIs the new table has.
    pub local_secondary_index_override: Option<Vec<SecondaryIndexIn>>,
    /// `ProvisionedThroughputOverride`.
    pub provisioned_throughput_override: Option<ProvisionedThroughputIn>,
    /// `OnDemandThroughputOverride`.
    pub on_demand_throughput_override: Option<OnDemandThroughputIn>,
    /// `SSESpecificationOverride`.
    #[serde(rename = "SSESpecificationOverride")]
    pub sse_specification_override: Option<SseSpecificationIn>,
}

/// TableAlreadyExistsException unless `target` is free.
pub fn check_target_free(ctx: &Ctx<'_>, db: &Db, target: &str) -> Result<()> {
    ti::check_table_name(target)?;
    if db.table(target).is_some_and(|t| !t.def.meta.is_gone(ctx.now_ms)) {
        return Err(Error::new(ErrorKind::TableAlreadyExists, messages::restore_target_exists(target)));
    }
    Ok(())
}

/// Plans the new table `target`: `source`'s definition with `overrides`,
/// holding `items`, restored as `restored` says. Answers its description.
pub fn plan(
    ctx: &Ctx<'_>,
    db: &Db,
    target: &str,
    source: &TableDef,
    items: &OrdMap<PrimaryKey, StoredItem>,
    overrides: &Overrides,
    restored: RestoreMeta,
) -> Result<TablePlan<TableDescription>> {
    check_target_free(ctx, db, target)?;
    let input = create_input(source, target, overrides);
    let mut def = build_def(ctx, &input, target)?;
    def.meta.lifecycle = desc::start(ctx, TableStatus::Creating);
    def.meta.restored = Some(restored);
    let mut table = Table::restored(def, items);
    crate::store::stream::sync(&mut table, ctx.stream_settings());
    let description = desc::describe(ctx, &table, None);
    Ok(TablePlan::put(ctx, table, description))
}

/// The CreateTable request that would make `source` again as `target`.
fn create_input(source: &TableDef, target: &str, o: &Overrides) -> CreateTable {
    let indexes = |kind: IndexKind| -> Vec<SecondaryIndexIn> {
        source.indexes.iter().filter(|i| i.kind == kind).map(|i| index_input(source, i)).collect()
    };
    let lsis = o.local_secondary_index_override.clone().unwrap_or_else(|| indexes(IndexKind::Local));
    let gsis = o.global_secondary_index_override.clone().unwrap_or_else(|| indexes(IndexKind::Global));
    let billing =
        o.billing_mode_override.clone().unwrap_or_else(|| source.meta.billing_mode.as_str().to_string());
    let provisioned = billing == BillingMode::Provisioned.as_str();
    // Only the attributes some key of the new table uses are defined.
    let used = |name: &str| {
        source.key.contains(name)
            || lsis.iter().chain(&gsis).any(|i| i.key_schema.iter().any(|k| k.attribute_name == name))
    };
    CreateTable {
        table_name: target.to_string(),
        attribute_definitions: Some(
            source
                .meta
                .attribute_definitions
                .iter()
                .filter(|(name, _)| used(name))
                .map(|(name, ty)| AttributeDefinitionIn {
                    attribute_name: name.clone(),
                    attribute_type: ty.as_str().to_string(),
                })
                .collect(),
        ),
        key_schema: Some(key_input(&source.key)),
        local_secondary_indexes: (!lsis.is_empty()).then_some(lsis),
        global_secondary_indexes: (!gsis.is_empty()).then_some(gsis),
        billing_mode: Some(billing),
        provisioned_throughput: o.provisioned_throughput_override.or_else(|| {
            provisioned.then(|| ProvisionedThroughputIn {
                read_capacity_units: source.meta.throughput.read.max(1),
                write_capacity_units: source.meta.throughput.write.max(1),
            })
        }),
        on_demand_throughput: o.on_demand_throughput_override,
        sse_specification: o.sse_specification_override.clone().or_else(|| {
            source.meta.sse.as_ref().map(|sse| SseSpecificationIn {
                enabled: Some(true),
                sse_type: Some("KMS".to_string()),
                kms_master_key_id: Some(sse.kms_key_arn.clone()),
            })
        }),
        ..CreateTable::default()
    }
}

fn key_input(key: &KeySchema) -> Vec<KeySchemaElementIn> {
    let hash = key.hash.iter().map(|a| (a, "HASH"));
    let range = key.range.iter().map(|a| (a, "RANGE"));
    hash.chain(range)
        .map(|(a, kind)| KeySchemaElementIn { attribute_name: a.name.clone(), key_type: kind.to_string() })
        .collect()
}

fn index_input(source: &TableDef, index: &IndexDef) -> SecondaryIndexIn {
    let (projection_type, non_key_attributes) = match &index.projection {
        Projection::All => ("ALL", None),
        Projection::KeysOnly => ("KEYS_ONLY", None),
        Projection::Include(names) => ("INCLUDE", Some(names.clone())),
    };
    let provisioned = source.meta.billing_mode == BillingMode::Provisioned && index.kind == IndexKind::Global;
    SecondaryIndexIn {
        index_name: index.name.clone(),
        key_schema: key_input(&index.key),
        projection: ProjectionIn { projection_type: Some(projection_type.to_string()), non_key_attributes },
        provisioned_throughput: provisioned.then(|| ProvisionedThroughputIn {
            read_capacity_units: index.meta.throughput.read.max(1),
            write_capacity_units: index.meta.throughput.write.max(1),
        }),
        on_demand_throughput: None,
        warm_throughput: None,
    }
}
