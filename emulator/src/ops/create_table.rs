//! CreateTable: validate the key schema, attribute definitions, indexes,
//! billing, streams, encryption and tags, then add the table.

use super::command::{Ctx, Write};
use super::table_description::TablePlan;
use super::table_description::{self as desc, TableDescription};
use super::table_input::{
    self as ti, AttributeDefinitionIn, KeyRules, KeySchemaElementIn, OnDemandThroughputIn,
    ProvisionedThroughputIn, SecondaryIndexIn, SseSpecificationIn, StreamSpecificationIn, TagIn,
    WarmThroughputIn,
};
use crate::error::{messages, Error, ErrorKind, Result};
use crate::store::meta::{
    BillingMode, SseMeta, StreamMeta, TableClass, TableMeta, TableStatus, Throughput, WarmThroughput,
};
use crate::store::{Db, IndexKind, Table, TableDef};
use serde::{Deserialize, Serialize};

/// CreateTable's input ([`crate::Service::create_table`]): the wire
/// request's members, as the API model names them.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTable {
    /// `AttributeDefinitions`.
    pub attribute_definitions: Option<Vec<AttributeDefinitionIn>>,
    /// `TableName`.
    pub table_name: String,
    /// `KeySchema`.
    pub key_schema: Option<Vec<KeySchemaElementIn>>,
    /// `LocalSecondaryIndexes`.
    pub local_secondary_indexes: Option<Vec<SecondaryIndexIn>>,
    /// `GlobalSecondaryIndexes`.
    pub global_secondary_indexes: Option<Vec<SecondaryIndexIn>>,
    /// `BillingMode`.
    pub billing_mode: Option<String>,
    /// `ProvisionedThroughput`.
    pub provisioned_throughput: Option<ProvisionedThroughputIn>,
    /// `StreamSpecification`.
    pub stream_specification: Option<StreamSpecificationIn>,
    /// `SSESpecification`.
    #[serde(rename = "SSESpecification")]
    pub sse_specification: Option<SseSpecificationIn>,
    /// `Tags`.
    pub tags: Option<Vec<TagIn>>,
    /// `TableClass`.
    pub table_class: Option<String>,
    /// `DeletionProtectionEnabled`.
    pub deletion_protection_enabled: Option<bool>,
    /// `WarmThroughput`.
    pub warm_throughput: Option<WarmThroughputIn>,
    /// `OnDemandThroughput`.
    pub on_demand_throughput: Option<OnDemandThroughputIn>,
}

impl CreateTable {
    /// An on-demand table `name` with partition key `hash` and, optionally,
    /// sort key `range` (each a name and a type).
    pub fn new(
        name: impl Into<String>,
        hash: (&str, crate::store::ScalarType),
        range: Option<(&str, crate::store::ScalarType)>,
    ) -> Self {
        let mut definitions = Vec::new();
        let mut key_schema = Vec::new();
        for ((attr, ty), key_type) in std::iter::once((hash, "HASH")).chain(range.map(|r| (r, "RANGE"))) {
            definitions.push(AttributeDefinitionIn {
                attribute_name: attr.to_string(),
                attribute_type: ty.as_str().to_string(),
            });
            key_schema.push(KeySchemaElementIn {
                attribute_name: attr.to_string(),
                key_type: key_type.to_string(),
            });
        }
        CreateTable {
            table_name: name.into(),
            attribute_definitions: Some(definitions),
            key_schema: Some(key_schema),
            billing_mode: Some("PAY_PER_REQUEST".to_string()),
            ..Self::default()
        }
    }
}

/// CreateTable's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    table_description: TableDescription,
}

impl Output {
    /// The new table's description.
    pub fn table_description(&self) -> &TableDescription {
        &self.table_description
    }
}

impl Write for CreateTable {
    type Plan = TablePlan<Output>;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Plan> {
        let name = super::table_name(&self.table_name).to_string();
        ti::check_table_name(&name)?;
        let def = build_def(ctx, self, &name)?;
        let mut table = Table::new(def);
        crate::store::stream::sync(&mut table, ctx.stream_settings());
        let table_description = desc::describe(ctx, &table, None);
        if db.table(&name).is_some_and(|t| !t.def.meta.is_gone(ctx.now_ms)) {
            return Err(Error::in_use(messages::table_already_exists(&name)));
        }
        // Counting the live tables is only needed when the tables, deleted
        // ones included, are at the limit.
        let at_limit = db.table_count() >= ti::MAX_TABLES
            && db
                .table_names_after(None)
                .filter(|n| db.table(n).is_some_and(|t| !t.def.meta.is_gone(ctx.now_ms)))
                .count()
                >= ti::MAX_TABLES;
        if at_limit {
            return Err(Error::new(ErrorKind::LimitExceeded, messages::table_limit(ti::MAX_TABLES)));
        }
        Ok(TablePlan::put(ctx, table, Output { table_description }))
    }

    fn apply(plan: Self::Plan, db: &mut Db) -> Output {
        plan.apply(db)
    }
}

/// Validates the request in the service's order and builds the definition.
pub(super) fn build_def(ctx: &Ctx<'_>, input: &CreateTable, name: &str) -> Result<TableDef> {
    let now = ctx.now();
    let arn = desc::table_arn(ctx, name);

    // Table key schema and attribute definitions.
    let key_elems =
        input.key_schema.as_deref().ok_or_else(|| Error::validation(messages::member_null("keySchema")))?;
    let table_names = ti::check_key_structure(key_elems, KeyRules::Simple, "keySchema", "")?;
    let defs = ti::parse_definitions(input.attribute_definitions.as_deref().unwrap_or(&[]))?;
    let table_key =
        table_names.resolve(&defs).ok_or_else(|| Error::validation(messages::KEY_ATTRIBUTE_UNDEFINED))?;
    let def_names: Vec<&str> = defs.iter().map(|(n, _)| n.as_str()).collect();

    // Billing mode and table throughput.
    let billing = input.billing_mode.as_deref().and_then(BillingMode::parse).unwrap_or_default();
    let provisioned = billing == BillingMode::Provisioned;
    match (provisioned, input.provisioned_throughput) {
        // An explicit PROVISIONED gets the newer wording; an omitted
        // BillingMode (PROVISIONED by default) the older one.
        (true, None) if input.billing_mode.is_some() => {
            return Err(Error::validation(messages::THROUGHPUT_REQUIRED_FOR_PROVISIONED))
        }
        (true, None) => return Err(Error::validation(messages::TABLE_THROUGHPUT_MISSING)),
        (false, Some(_)) => return Err(Error::validation(messages::THROUGHPUT_ON_DEMAND)),
        _ => {}
    }

    let lifecycle = desc::start(ctx, TableStatus::Creating);
    let mut indexes = Vec::new();
    let mut index_names: Vec<&str> = Vec::new();

    // Local secondary indexes.
    let lsis = input.local_secondary_indexes.as_deref().unwrap_or(&[]);
    if lsis.len() > ti::MAX_LSIS {
        return Err(Error::validation(messages::TOO_MANY_LSIS));
    }
    if !lsis.is_empty() && table_key.range.is_empty() {
        return Err(Error::validation(messages::LSI_NEEDS_TABLE_RANGE));
    }
    for (i, lsi) in lsis.iter().enumerate() {
        if index_names.contains(&lsi.index_name.as_str()) {
            return Err(Error::validation(messages::duplicate_index_name(&lsi.index_name)));
        }
        index_names.push(&lsi.index_name);
        let path = format!("localSecondaryIndexes.{}.member.keySchema", i + 1);
        let names = ti::check_key_structure(&lsi.key_schema, KeyRules::Simple, &path, &lsi.index_name)?;
        if names.range.is_empty() {
            return Err(Error::validation(messages::lsi_needs_range(&lsi.index_name)));
        }
        if names.hash[0] != table_key.hash[0].name {
            return Err(Error::validation(messages::lsi_hash_mismatch(
                &lsi.index_name,
                &names.hash[0],
                &table_key.hash[0].name,
            )));
        }
        let key = resolve_index_key(&names, &defs, &def_names)?;
        let projection = ti::parse_projection(&lsi.projection)?;
        indexes.push(ti::build_index(
            &lsi.index_name,
            IndexKind::Local,
            key,
            projection,
            None,
            &arn,
            lifecycle,
        ));
    }

    // Global secondary indexes.
    let gsis = input.global_secondary_indexes.as_deref().unwrap_or(&[]);
    if gsis.len() > ti::MAX_GSIS {
        return Err(Error::validation(messages::TOO_MANY_GSIS));
    }
    for gsi in gsis {
        if index_names.contains(&gsi.index_name.as_str()) {
            return Err(Error::validation(messages::duplicate_index_name(&gsi.index_name)));
        }
        index_names.push(&gsi.index_name);
        let plan = ti::check_gsi(gsi, provisioned)?;
        let key = resolve_index_key(&plan.names, &defs, &def_names)?;
        indexes.push(ti::build_index(
            &gsi.index_name,
            IndexKind::Global,
            key,
            plan.projection,
            Some(gsi),
            &arn,
            lifecycle,
        ));
    }

    // Every attribute definition must be used by some key.
    let mut used: Vec<&str> = Vec::new();
    for attr in table_key.attrs().chain(indexes.iter().flat_map(|i| i.key.attrs())) {
        if !used.contains(&attr.name.as_str()) {
            used.push(&attr.name);
        }
    }
    if def_names.iter().any(|d| !used.contains(d)) {
        return Err(Error::validation(if indexes.is_empty() {
            messages::ATTRIBUTE_COUNT_MISMATCH.to_string()
        } else {
            messages::attribute_definitions_unused(&def_names, &used)
        }));
    }
    if indexes.iter().map(|i| ti::non_key_count(&i.projection)).sum::<usize>() > ti::MAX_NON_KEY_ATTRIBUTES {
        return Err(Error::validation(messages::TOO_MANY_NON_KEY_ATTRIBUTES));
    }

    // Streams, encryption, tags.
    if let Some(spec) = &input.stream_specification {
        ti::check_stream(spec, true)?;
    }
    let sse_enabled = match &input.sse_specification {
        Some(spec) => ti::check_sse(spec)?,
        None => false,
    };
    let mut tags = Vec::new();
    if let Some(t) = &input.tags {
        ti::check_tags(t)?;
        ti::merge_tags(&mut tags, t)?;
    }

    // Capacity quotas.
    if let Some(t) = input.provisioned_throughput {
        ti::check_capacity(t.read_capacity_units, t.write_capacity_units)?;
    }
    for gsi in gsis {
        if let Some(t) = gsi.provisioned_throughput {
            ti::check_capacity(t.read_capacity_units, t.write_capacity_units)?;
        }
    }

    let stream = match &input.stream_specification {
        Some(spec) if spec.stream_enabled => {
            let label = desc::iso_timestamp(now);
            Some(StreamMeta {
                view_type: spec.stream_view_type.clone().unwrap_or_default(),
                arn: format!("{arn}/stream/{label}"),
                label,
            })
        }
        _ => None,
    };
    let table_class = input.table_class.as_deref().and_then(TableClass::parse);
    let meta = TableMeta {
        arn: arn.clone(),
        id: desc::uuid(),
        created_at: now,
        lifecycle,
        attribute_definitions: defs.clone(),
        billing_mode: billing,
        billing_mode_reported: input.billing_mode.is_some(),
        last_update_to_pay_per_request: (!provisioned).then_some(now),
        throughput: input.provisioned_throughput.map_or_else(Throughput::default, |t| {
            Throughput::new(t.read_capacity_units, t.write_capacity_units)
        }),
        on_demand: input.on_demand_throughput.map(OnDemandThroughputIn::limits),
        warm: input
            .warm_throughput
            .map_or_else(WarmThroughput::default, |w| w.apply(WarmThroughput::default())),
        latest_stream: stream.as_ref().map(|s| (s.label.clone(), s.arn.clone())),
        stream,
        sse: sse_enabled.then(|| SseMeta {
            kms_key_arn: desc::kms_key_arn(
                ctx,
                input.sse_specification.as_ref().and_then(|s| s.kms_master_key_id.as_deref()),
            ),
        }),
        table_class: table_class.unwrap_or_default(),
        table_class_reported: table_class.is_some(),
        table_class_updated: None,
        tags,
        deletion_protection: input.deletion_protection_enabled.unwrap_or(false),
        ttl: None,
        deleting_indexes: Vec::new(),
        pitr: None,
        restored: None,
    };
    Ok(TableDef { name: name.to_string(), key: table_key, indexes, meta })
}

/// An index key resolved against the definitions, or CreateTable's message
/// listing the index keys and the definitions.
fn resolve_index_key(
    names: &ti::KeyNames,
    defs: &[(String, crate::store::ScalarType)],
    def_names: &[&str],
) -> Result<crate::store::KeySchema> {
    names.resolve(defs).ok_or_else(|| {
        let keys: Vec<&str> = names.all().map(|s| s.as_str()).collect();
        Error::validation(messages::index_keys_undefined(&keys, def_names))
    })
}
