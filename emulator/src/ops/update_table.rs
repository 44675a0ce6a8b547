//! UpdateTable: billing mode and throughput, global secondary index
//! create / update / delete (one online create or delete per call), streams,
//! encryption, table class, deletion protection.

use super::command::{Ctx, Write};
use super::table_description::TablePlan;
use super::table_description::{self as desc, TableDescription};
use super::table_input::{
    self as ti, AttributeDefinitionIn, OnDemandThroughputIn, ProvisionedThroughputIn, SecondaryIndexIn,
    SseSpecificationIn, StreamSpecificationIn, WarmThroughputIn,
};
use crate::error::{messages, Error, ErrorKind, Result};
use crate::store::meta::{
    BillingMode, DeletingIndex, SseMeta, StreamMeta, TableClass, TableStatus, Throughput,
};
use crate::store::{Db, IndexKind, ScalarType, Table, TableDef};
use serde::{Deserialize, Serialize};

/// UpdateTable's input ([`crate::Service::update_table`]): the wire
/// request's members, as the API model names them.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateTable {
    pub attribute_definitions: Option<Vec<AttributeDefinitionIn>>,
    pub table_name: String,
    pub billing_mode: Option<String>,
    pub provisioned_throughput: Option<ProvisionedThroughputIn>,
    pub global_secondary_index_updates: Option<Vec<GsiUpdateIn>>,
    pub stream_specification: Option<StreamSpecificationIn>,
    #[serde(rename = "SSESpecification")]
    pub sse_specification: Option<SseSpecificationIn>,
    pub replica_updates: Option<Present>,
    pub table_class: Option<String>,
    pub deletion_protection_enabled: Option<bool>,
    pub multi_region_consistency: Option<String>,
    pub global_table_witness_updates: Option<Present>,
    pub on_demand_throughput: Option<OnDemandThroughputIn>,
    pub warm_throughput: Option<WarmThroughputIn>,
    pub global_table_settings_replication_mode: Option<String>,
    pub disassociation_protection_enabled: Option<bool>,
    pub vector_index_updates: Option<Present>,
}

/// A member the emulator does not act on (replicas, witnesses, vector
/// indexes): only whether it was given matters.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Present;

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Present)
    }
}

/// One `GlobalSecondaryIndexUpdates` entry.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct GsiUpdateIn {
    pub update: Option<UpdateGsiIn>,
    pub create: Option<SecondaryIndexIn>,
    pub delete: Option<DeleteGsiIn>,
}

/// `UpdateGlobalSecondaryIndexAction`.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateGsiIn {
    pub index_name: String,
    pub provisioned_throughput: Option<ProvisionedThroughputIn>,
    pub on_demand_throughput: Option<OnDemandThroughputIn>,
    pub warm_throughput: Option<WarmThroughputIn>,
}

/// `DeleteGlobalSecondaryIndexAction`.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteGsiIn {
    pub index_name: String,
}

impl GsiUpdateIn {
    fn index_name(&self) -> &str {
        match (&self.create, &self.update, &self.delete) {
            (Some(c), _, _) => &c.index_name,
            (_, Some(u), _) => &u.index_name,
            (_, _, Some(d)) => &d.index_name,
            _ => "",
        }
    }
}

/// UpdateTable's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    table_description: TableDescription,
}

/// Runs UpdateTable.
impl Write for UpdateTable {
    type Plan = TablePlan<Output>;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Plan> {
        plan(ctx, self, db)
    }

    fn apply(plan: Self::Plan, db: &mut Db) -> Output {
        plan.apply(db)
    }
}

fn plan(ctx: &Ctx<'_>, input: &UpdateTable, db: &Db) -> Result<TablePlan<Output>> {
    let updates = input.global_secondary_index_updates.as_deref().unwrap_or(&[]);
    let anything = input.billing_mode.is_some()
        || input.provisioned_throughput.is_some()
        || input.global_secondary_index_updates.is_some()
        || input.stream_specification.is_some()
        || input.sse_specification.is_some()
        || input.replica_updates.is_some()
        || input.table_class.is_some()
        || input.deletion_protection_enabled.is_some()
        || input.multi_region_consistency.is_some()
        || input.global_table_witness_updates.is_some()
        || input.on_demand_throughput.is_some()
        || input.warm_throughput.is_some()
        || input.global_table_settings_replication_mode.is_some()
        || input.disassociation_protection_enabled.is_some()
        || input.vector_index_updates.is_some();
    if !anything {
        return Err(Error::validation(messages::NOTHING_TO_UPDATE));
    }
    let mut seen: Vec<&str> = Vec::new();
    for u in updates {
        let actions = [u.create.is_some(), u.update.is_some(), u.delete.is_some()];
        if actions.iter().filter(|a| **a).count() != 1 {
            return Err(Error::validation(messages::GSI_UPDATE_ONE_ACTION));
        }
    }
    if updates.iter().filter(|u| u.create.is_some() || u.delete.is_some()).count() > 1 {
        return Err(Error::new(ErrorKind::LimitExceeded, messages::ONE_INDEX_AT_A_TIME));
    }
    for u in updates {
        if seen.contains(&u.index_name()) {
            return Err(Error::validation(messages::index_updated_twice(u.index_name())));
        }
        seen.push(u.index_name());
    }
    if let Some(spec) = &input.stream_specification {
        ti::check_stream(spec, false)?;
    }
    let sse = match &input.sse_specification {
        Some(spec) => Some(ti::check_sse(spec)?),
        None => None,
    };
    let requested_defs = ti::parse_definitions(input.attribute_definitions.as_deref().unwrap_or(&[]))?;

    let table = desc::find_table(ctx, db, &input.table_name)?;
    desc::ensure_active(ctx, table)?;
    let mut def: TableDef = (*table.def).clone();
    change_def(ctx, input, updates, sse, &requested_defs, &mut def)?;
    // The change is made on a private copy of the table (persistent maps:
    // cheap), published by the apply step.
    let mut table = Table::clone(table);
    table.set_def(def);
    crate::store::stream::sync(&mut table, ctx.stream_settings());
    let output = Output { table_description: desc::describe(ctx, &table, None) };
    Ok(TablePlan::put(ctx, table, output))
}

/// Applies the request to a copy of the definition (nothing is published on error).
fn change_def(
    ctx: &Ctx<'_>,
    input: &UpdateTable,
    updates: &[GsiUpdateIn],
    sse: Option<bool>,
    requested_defs: &[(String, ScalarType)],
    def: &mut TableDef,
) -> Result<()> {
    let now = ctx.now();
    let now_ms = ctx.now_ms;
    let name = def.name.clone();
    def.meta.deleting_indexes.retain(|d| d.until > now_ms);

    // Billing mode and table throughput.
    let old_mode = def.meta.billing_mode;
    let mode = input.billing_mode.as_deref().and_then(BillingMode::parse).unwrap_or(old_mode);
    let provisioned = mode == BillingMode::Provisioned;
    match (provisioned, input.provisioned_throughput) {
        (false, Some(_)) => return Err(Error::validation(messages::THROUGHPUT_ON_DEMAND)),
        (true, None) if old_mode == BillingMode::PayPerRequest => {
            return Err(Error::validation(messages::TABLE_THROUGHPUT_MISSING));
        }
        _ => {}
    }
    if let Some(pt) = input.provisioned_throughput {
        ti::check_capacity(pt.read_capacity_units, pt.write_capacity_units)?;
        let t = &def.meta.throughput;
        let only_throughput = input.billing_mode.is_none()
            && updates.is_empty()
            && input.stream_specification.is_none()
            && input.sse_specification.is_none()
            && input.table_class.is_none()
            && input.deletion_protection_enabled.is_none();
        if old_mode == BillingMode::Provisioned
            && only_throughput
            && t.read == pt.read_capacity_units
            && t.write == pt.write_capacity_units
        {
            return Err(Error::validation(messages::throughput_unchanged(t.read, t.write)));
        }
    }

    // Attribute definitions available to new indexes.
    let mut defs = def.meta.attribute_definitions.clone();
    for (n, ty) in requested_defs {
        match ti::defined_type(&defs, n) {
            Some(existing) if existing != *ty => {
                return Err(Error::validation(messages::attribute_type_conflict(n)));
            }
            Some(_) => {}
            None => defs.push((n.clone(), *ty)),
        }
    }

    // Global secondary index updates.
    let mut updated_gsis: Vec<&str> = Vec::new();
    for u in updates {
        if let Some(c) = &u.create {
            let taken = def.index(&c.index_name).is_some()
                || def.meta.deleting_indexes.iter().any(|d| d.def.name == c.index_name);
            if taken {
                return Err(Error::validation(messages::index_already_exists(&c.index_name)));
            }
            if def.indexes.iter().filter(|i| i.kind == IndexKind::Global).count() >= ti::MAX_GSIS {
                return Err(Error::validation(messages::TOO_MANY_GSIS));
            }
            let plan = ti::check_gsi(c, provisioned)?;
            let key = plan
                .names
                .resolve(&defs)
                .ok_or_else(|| Error::validation(messages::KEY_ATTRIBUTE_UNDEFINED))?;
            if let Some(pt) = c.provisioned_throughput {
                ti::check_capacity(pt.read_capacity_units, pt.write_capacity_units)?;
            }
            let lifecycle = desc::start(ctx, TableStatus::Creating);
            let mut index = ti::build_index(
                &c.index_name,
                IndexKind::Global,
                key,
                plan.projection,
                Some(c),
                &def.meta.arn,
                lifecycle,
            );
            index.meta.backfilling = lifecycle.at(now_ms) == Some(TableStatus::Creating);
            def.indexes.push(index);
            updated_gsis.push(&c.index_name);
        }
        if let Some(d) = &u.delete {
            let pos = def
                .indexes
                .iter()
                .position(|i| i.kind == IndexKind::Global && i.name == d.index_name)
                .ok_or_else(|| Error::not_found(messages::index_not_found(&name, &d.index_name)))?;
            let removed = def.indexes.remove(pos);
            let lifecycle = desc::start(ctx, TableStatus::Deleting);
            if let (Some(TableStatus::Deleting), Some(until)) = (lifecycle.at(now_ms), lifecycle.until) {
                def.meta.deleting_indexes.push(DeletingIndex { def: removed, until });
            }
        }
        if let Some(up) = &u.update {
            let index = def
                .indexes
                .iter_mut()
                .find(|i| i.kind == IndexKind::Global && i.name == up.index_name)
                .ok_or_else(|| Error::not_found(messages::index_not_found(&name, &up.index_name)))?;
            if let Some(pt) = up.provisioned_throughput {
                if !provisioned {
                    return Err(Error::validation(messages::gsi_throughput_on_demand(&up.index_name)));
                }
                ti::check_capacity(pt.read_capacity_units, pt.write_capacity_units)?;
                index.meta.throughput.change(pt.read_capacity_units, pt.write_capacity_units, now);
                updated_gsis.push(&up.index_name);
            }
            if let Some(od) = up.on_demand_throughput {
                index.meta.on_demand = Some(od.limits());
            }
            if let Some(w) = up.warm_throughput {
                index.meta.warm = w.apply(index.meta.warm);
            }
        }
    }
    if def.indexes.iter().map(|i| ti::non_key_count(&i.projection)).sum::<usize>()
        > ti::MAX_NON_KEY_ATTRIBUTES
    {
        return Err(Error::validation(messages::TOO_MANY_NON_KEY_ATTRIBUTES));
    }

    // Billing mode switch.
    if mode != old_mode {
        match mode {
            BillingMode::PayPerRequest => {
                def.meta.last_update_to_pay_per_request = Some(now);
                def.meta.throughput.change(0, 0, now);
                for index in def.indexes.iter_mut().filter(|i| i.kind == IndexKind::Global) {
                    index.meta.throughput = Throughput::default();
                }
            }
            BillingMode::Provisioned => {
                let missing = def
                    .indexes
                    .iter()
                    .find(|i| i.kind == IndexKind::Global && !updated_gsis.contains(&i.name.as_str()));
                if let Some(index) = missing {
                    return Err(Error::validation(messages::gsi_throughput_missing(&index.name)));
                }
            }
        }
        def.meta.billing_mode = mode;
    }
    if input.billing_mode.is_some() {
        def.meta.billing_mode_reported = true;
    }
    if let (true, Some(pt)) = (provisioned, input.provisioned_throughput) {
        def.meta.throughput.change(pt.read_capacity_units, pt.write_capacity_units, now);
    }
    if let Some(od) = input.on_demand_throughput {
        def.meta.on_demand = Some(od.limits());
    }
    if let Some(w) = input.warm_throughput {
        def.meta.warm = w.apply(def.meta.warm);
    }

    // Streams.
    if let Some(spec) = &input.stream_specification {
        match (spec.stream_enabled, def.meta.stream.is_some()) {
            (true, true) => return Err(Error::validation(messages::stream_already_enabled(&name))),
            (false, false) => return Err(Error::validation(messages::stream_not_enabled(&name))),
            (true, false) => {
                let label = desc::iso_timestamp(now);
                let stream = StreamMeta {
                    view_type: spec.stream_view_type.clone().unwrap_or_default(),
                    arn: format!("{}/stream/{label}", def.meta.arn),
                    label,
                };
                def.meta.latest_stream = Some((stream.label.clone(), stream.arn.clone()));
                def.meta.stream = Some(stream);
            }
            (false, true) => def.meta.stream = None,
        }
    }

    // Encryption, class, protection.
    if let Some(enabled) = sse {
        def.meta.sse = enabled.then(|| SseMeta {
            kms_key_arn: desc::kms_key_arn(
                ctx,
                input.sse_specification.as_ref().and_then(|s| s.kms_master_key_id.as_deref()),
            ),
        });
    }
    if let Some(class) = input.table_class.as_deref().and_then(TableClass::parse) {
        def.meta.table_class = class;
        def.meta.table_class_reported = true;
        def.meta.table_class_updated = Some(now);
    }
    if let Some(p) = input.deletion_protection_enabled {
        def.meta.deletion_protection = p;
    }

    // Keep the definitions of attributes some key still uses.
    let used: Vec<String> = def
        .key
        .attrs()
        .chain(def.indexes.iter().flat_map(|i| i.key.attrs()))
        .map(|a| a.name.clone())
        .collect();
    defs.retain(|(n, _)| used.contains(n));
    def.meta.attribute_definitions = defs;
    def.meta.lifecycle = desc::start(ctx, TableStatus::Updating);
    Ok(())
}
