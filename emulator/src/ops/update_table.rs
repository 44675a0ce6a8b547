//! UpdateTable: billing mode and throughput, global secondary index
//! create / update / delete (one online create or delete per call), streams,
//! encryption, table class, deletion protection.

use super::table_description::{self as desc, TableDescription};
use super::table_input::{
    self as ti, AttributeDefinitionIn, OnDemandThroughputIn, ProvisionedThroughputIn, SecondaryIndexIn,
    SseSpecificationIn, StreamSpecificationIn, WarmThroughputIn,
};
use crate::error::{messages, Error, ErrorKind, Result};
use crate::service::Service;
use crate::store::meta::{
    BillingMode, DeletingIndex, SseMeta, StreamMeta, TableClass, TableStatus, Throughput,
};
use crate::store::{IndexKind, ScalarType, TableDef};
use serde::{Deserialize, Serialize};
use std::time::{Instant, SystemTime};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    attribute_definitions: Option<Vec<AttributeDefinitionIn>>,
    table_name: String,
    billing_mode: Option<String>,
    provisioned_throughput: Option<ProvisionedThroughputIn>,
    global_secondary_index_updates: Option<Vec<GsiUpdateIn>>,
    stream_specification: Option<StreamSpecificationIn>,
    #[serde(rename = "SSESpecification")]
    sse_specification: Option<SseSpecificationIn>,
    replica_updates: Option<serde_json::Value>,
    table_class: Option<String>,
    deletion_protection_enabled: Option<bool>,
    multi_region_consistency: Option<String>,
    global_table_witness_updates: Option<serde_json::Value>,
    on_demand_throughput: Option<OnDemandThroughputIn>,
    warm_throughput: Option<WarmThroughputIn>,
    global_table_settings_replication_mode: Option<String>,
    disassociation_protection_enabled: Option<bool>,
    vector_index_updates: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GsiUpdateIn {
    update: Option<UpdateGsiIn>,
    create: Option<SecondaryIndexIn>,
    delete: Option<DeleteGsiIn>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateGsiIn {
    index_name: String,
    provisioned_throughput: Option<ProvisionedThroughputIn>,
    on_demand_throughput: Option<OnDemandThroughputIn>,
    warm_throughput: Option<WarmThroughputIn>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DeleteGsiIn {
    index_name: String,
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
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
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

    svc.store.write(|db| {
        let table = desc::find_table_mut(db, &input.table_name)?;
        desc::ensure_active(table)?;
        let mut def: TableDef = (*table.def).clone();
        apply(svc, &input, updates, sse, &requested_defs, &mut def)?;
        table.set_def(def);
        Ok(Output { table_description: desc::describe(table, None) })
    })
}

/// Applies the request to a copy of the definition (nothing is published on error).
fn apply(
    svc: &Service,
    input: &Input,
    updates: &[GsiUpdateIn],
    sse: Option<bool>,
    requested_defs: &[(String, ScalarType)],
    def: &mut TableDef,
) -> Result<()> {
    let now = SystemTime::now();
    let instant = Instant::now();
    let name = def.name.clone();
    def.meta.deleting_indexes.retain(|d| d.until > instant);

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
        // Restating PROVISIONED on a provisioned table changes nothing either.
        let same_mode = input.billing_mode.is_none() || mode == old_mode;
        let only_throughput = same_mode
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
            let lifecycle = desc::start(svc, TableStatus::Creating);
            let mut index = ti::build_index(
                &c.index_name,
                IndexKind::Global,
                key,
                plan.projection,
                Some(c),
                &def.meta.arn,
                lifecycle,
            );
            index.meta.backfilling = lifecycle.current() == Some(TableStatus::Creating);
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
            let lifecycle = desc::start(svc, TableStatus::Deleting);
            if let (Some(TableStatus::Deleting), Some(until)) = (lifecycle.current(), lifecycle.until) {
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
                svc,
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
    def.meta.lifecycle = desc::start(svc, TableStatus::Updating);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::error::{messages, ErrorKind};
    use crate::service::{Config, Service};
    use serde_json::{json, Value};
    use std::time::Duration;

    fn call(svc: &Service, op: &str, body: Value) -> Result<Value, crate::Error> {
        svc.call(op, &body).map(|b| serde_json::from_slice(&b).unwrap())
    }

    fn create(svc: &Service, name: &str, billing: Value) {
        let mut body = json!({
            "TableName": name,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]
        });
        for (k, v) in billing.as_object().unwrap() {
            body[k] = v.clone();
        }
        call(svc, "CreateTable", body).unwrap();
    }

    fn on_demand() -> Value {
        json!({"BillingMode": "PAY_PER_REQUEST"})
    }

    fn gsi_create(name: &str, attr: &str) -> Value {
        json!({"Create": {
            "IndexName": name,
            "KeySchema": [{"AttributeName": attr, "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}
        }})
    }

    #[test]
    fn nothing_to_update() {
        let svc = Service::new(Config::default());
        create(&svc, "ttt", on_demand());
        let e = call(&svc, "UpdateTable", json!({"TableName": "ttt"})).unwrap_err();
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Validation, messages::NOTHING_TO_UPDATE));
        let e = call(&svc, "UpdateTable", json!({"TableName": "missing", "DeletionProtectionEnabled": true}))
            .unwrap_err();
        assert_eq!(e.message, messages::table_not_found("missing"));
    }

    #[test]
    fn throughput_changes() {
        let svc = Service::new(Config::default());
        create(
            &svc,
            "ppp",
            json!({"ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}),
        );
        let e = call(
            &svc,
            "UpdateTable",
            json!({"TableName": "ppp", "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}),
        )
        .unwrap_err();
        assert_eq!(e.message, messages::throughput_unchanged(5, 5));
        let out = call(
            &svc,
            "UpdateTable",
            json!({"TableName": "ppp", "ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 1}}),
        )
        .unwrap();
        let pt = &out["TableDescription"]["ProvisionedThroughput"];
        assert_eq!(pt["ReadCapacityUnits"], 10);
        assert_eq!(pt["WriteCapacityUnits"], 1);
        assert_eq!(pt["NumberOfDecreasesToday"], 1);
        assert!(pt["LastIncreaseDateTime"].is_f64());
        assert!(pt["LastDecreaseDateTime"].is_f64());
        // Switch to on-demand.
        let out =
            call(&svc, "UpdateTable", json!({"TableName": "ppp", "BillingMode": "PAY_PER_REQUEST"})).unwrap();
        let d = &out["TableDescription"];
        assert_eq!(d["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST");
        assert_eq!(d["ProvisionedThroughput"]["ReadCapacityUnits"], 0);
        let e = call(
            &svc,
            "UpdateTable",
            json!({"TableName": "ppp", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}),
        )
        .unwrap_err();
        assert_eq!(e.message, messages::THROUGHPUT_ON_DEMAND);
        let e =
            call(&svc, "UpdateTable", json!({"TableName": "ppp", "BillingMode": "PROVISIONED"})).unwrap_err();
        assert_eq!(e.message, messages::TABLE_THROUGHPUT_MISSING);
    }

    #[test]
    fn gsi_lifecycle() {
        let svc = Service::new(Config::default());
        create(&svc, "ggg", on_demand());
        let e = call(
            &svc,
            "UpdateTable",
            json!({"TableName": "ggg", "GlobalSecondaryIndexUpdates": [gsi_create("idx1", "x"), gsi_create("idx2", "y")],
                   "AttributeDefinitions": [{"AttributeName": "x", "AttributeType": "S"}, {"AttributeName": "y", "AttributeType": "S"}]}),
        )
        .unwrap_err();
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::LimitExceeded, messages::ONE_INDEX_AT_A_TIME));
        let e = call(
            &svc,
            "UpdateTable",
            json!({"TableName": "ggg", "GlobalSecondaryIndexUpdates": [gsi_create("idx1", "x")]}),
        )
        .unwrap_err();
        assert_eq!(e.message, messages::KEY_ATTRIBUTE_UNDEFINED);
        let out = call(
            &svc,
            "UpdateTable",
            json!({"TableName": "ggg", "GlobalSecondaryIndexUpdates": [gsi_create("idx1", "x")],
                   "AttributeDefinitions": [{"AttributeName": "x", "AttributeType": "N"}]}),
        )
        .unwrap();
        let d = &out["TableDescription"];
        assert_eq!(d["GlobalSecondaryIndexes"][0]["IndexName"], "idx1");
        assert_eq!(d["GlobalSecondaryIndexes"][0]["IndexStatus"], "ACTIVE");
        assert_eq!(
            d["AttributeDefinitions"],
            json!([{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "N"}])
        );
        let e = call(
            &svc,
            "UpdateTable",
            json!({"TableName": "ggg", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "nope"}}]}),
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::ResourceNotFound);
        let out = call(
            &svc,
            "UpdateTable",
            json!({"TableName": "ggg", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "idx1"}}]}),
        )
        .unwrap();
        assert!(out["TableDescription"].get("GlobalSecondaryIndexes").is_none());
        assert_eq!(
            out["TableDescription"]["AttributeDefinitions"],
            json!([{"AttributeName": "pk", "AttributeType": "S"}])
        );
    }

    #[test]
    fn updating_status_with_delay() {
        let svc = Service::new(Config { transition_delay: Duration::from_millis(150), ..Config::default() });
        create(&svc, "uuu", on_demand());
        let e = call(&svc, "UpdateTable", json!({"TableName": "uuu", "DeletionProtectionEnabled": true}))
            .unwrap_err();
        assert_eq!(
            (e.kind, e.message.clone()),
            (ErrorKind::ResourceInUse, messages::table_in_use("uuu", "created"))
        );
        std::thread::sleep(Duration::from_millis(200));
        let out = call(
            &svc,
            "UpdateTable",
            json!({"TableName": "uuu", "GlobalSecondaryIndexUpdates": [gsi_create("idx1", "x")],
                   "AttributeDefinitions": [{"AttributeName": "x", "AttributeType": "S"}]}),
        )
        .unwrap();
        let d = &out["TableDescription"];
        assert_eq!(d["TableStatus"], "UPDATING");
        assert_eq!(d["GlobalSecondaryIndexes"][0]["IndexStatus"], "CREATING");
        assert_eq!(d["GlobalSecondaryIndexes"][0]["Backfilling"], true);
        std::thread::sleep(Duration::from_millis(200));
        let d = call(&svc, "DescribeTable", json!({"TableName": "uuu"})).unwrap();
        assert_eq!(d["Table"]["TableStatus"], "ACTIVE");
        assert_eq!(d["Table"]["GlobalSecondaryIndexes"][0]["IndexStatus"], "ACTIVE");
        assert!(d["Table"]["GlobalSecondaryIndexes"][0].get("Backfilling").is_none());
        call(
            &svc,
            "UpdateTable",
            json!({"TableName": "uuu", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "idx1"}}]}),
        )
        .unwrap();
        let d = call(&svc, "DescribeTable", json!({"TableName": "uuu"})).unwrap();
        assert_eq!(d["Table"]["GlobalSecondaryIndexes"][0]["IndexStatus"], "DELETING");
        std::thread::sleep(Duration::from_millis(200));
        let d = call(&svc, "DescribeTable", json!({"TableName": "uuu"})).unwrap();
        assert!(d["Table"].get("GlobalSecondaryIndexes").is_none());
    }

    #[test]
    fn streams() {
        let svc = Service::new(Config::default());
        create(&svc, "sss", on_demand());
        let e = call(
            &svc,
            "UpdateTable",
            json!({"TableName": "sss", "StreamSpecification": {"StreamEnabled": false}}),
        )
        .unwrap_err();
        assert_eq!(e.message, messages::stream_not_enabled("sss"));
        let on = json!({"TableName": "sss", "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}});
        let out = call(&svc, "UpdateTable", on.clone()).unwrap();
        assert_eq!(out["TableDescription"]["StreamSpecification"]["StreamViewType"], "KEYS_ONLY");
        let arn = out["TableDescription"]["LatestStreamArn"].clone();
        let e = call(&svc, "UpdateTable", on).unwrap_err();
        assert_eq!(e.message, "Table already has an enabled stream: TableName: sss");
        let e = call(
            &svc,
            "UpdateTable",
            json!({"TableName": "sss", "StreamSpecification": {"StreamEnabled": false, "StreamViewType": "KEYS_ONLY"}}),
        )
        .unwrap_err();
        assert_eq!(e.message, messages::UPDATE_STREAM_DISABLED_WITH_VIEW_TYPE);
        let out = call(
            &svc,
            "UpdateTable",
            json!({"TableName": "sss", "StreamSpecification": {"StreamEnabled": false}}),
        )
        .unwrap();
        assert!(out["TableDescription"].get("StreamSpecification").is_none());
        assert_eq!(out["TableDescription"]["LatestStreamArn"], arn);
    }

    #[test]
    fn class_and_encryption() {
        let svc = Service::new(Config::default());
        create(&svc, "ccc", on_demand());
        let out = call(
            &svc,
            "UpdateTable",
            json!({"TableName": "ccc", "TableClass": "STANDARD_INFREQUENT_ACCESS", "SSESpecification": {"Enabled": true, "KMSMasterKeyId": "abc"}}),
        )
        .unwrap();
        let d = &out["TableDescription"];
        assert_eq!(d["TableClassSummary"]["TableClass"], "STANDARD_INFREQUENT_ACCESS");
        assert!(d["TableClassSummary"]["LastUpdateDateTime"].is_f64());
        assert_eq!(d["SSEDescription"]["KMSMasterKeyArn"], "arn:aws:kms:us-east-1:000000000000:key/abc");
        let out =
            call(&svc, "UpdateTable", json!({"TableName": "ccc", "SSESpecification": {"Enabled": false}}))
                .unwrap();
        assert!(out["TableDescription"].get("SSEDescription").is_none());
    }
}
