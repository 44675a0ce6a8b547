//! The backup outputs (`BackupDetails`, `BackupDescription`,
//! `BackupSummary`) and the lookups the backup operations share.

use super::command::Ctx;
use super::table_description::{self as desc, KeySchemaElementOut, ProjectionOut, ThroughputDescription};
use crate::error::{messages, Error, ErrorKind, Result};
use crate::store::backup::Backup;
use crate::store::{Db, IndexKind};
use serde::Serialize;
use std::sync::Arc;

/// `{table arn}/backup/{14-digit ms}-{8 hex}`, as the service names backups.
/// The hex part is a digest of the name, time and how many backups exist,
/// so that two emulators given the same requests name backups alike.
pub fn backup_arn(table_arn: &str, name: &str, now_ms: u64, existing: usize) -> String {
    format!("{table_arn}/backup/{now_ms:014}-{}", job_suffix(&[table_arn, name], now_ms, existing))
}

/// Eight hex digits for a backup, export or import id (see [`backup_arn`]).
pub fn job_suffix(parts: &[&str], now_ms: u64, existing: usize) -> String {
    let mut h = crc32fast::Hasher::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update(b"/");
    }
    h.update(&now_ms.to_le_bytes());
    h.update(&existing.to_le_bytes());
    format!("{:08x}", h.finalize())
}

/// The backup with this ARN, or BackupNotFoundException.
pub fn find<'a>(db: &'a Db, arn: &str) -> Result<&'a Arc<Backup>> {
    db.backup(arn).ok_or_else(|| Error::new(ErrorKind::BackupNotFound, messages::backup_not_found(arn)))
}

/// `BackupDetails`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct BackupDetails {
    backup_arn: String,
    backup_name: String,
    backup_size_bytes: u64,
    backup_status: &'static str,
    backup_type: &'static str,
    backup_creation_date_time: f64,
}

impl BackupDetails {
    /// The backup's ARN.
    pub fn backup_arn(&self) -> &str {
        &self.backup_arn
    }
    /// `BackupStatus`.
    pub fn backup_status(&self) -> &str {
        self.backup_status
    }
}

/// `BackupDetails` of `backup` at `ctx`'s time, with `status` if given.
pub fn details(ctx: &Ctx<'_>, backup: &Backup, status: Option<&'static str>) -> BackupDetails {
    BackupDetails {
        backup_arn: backup.arn.clone(),
        backup_name: backup.name.clone(),
        backup_size_bytes: backup.table.size_bytes(),
        backup_status: status.unwrap_or_else(|| backup.status(ctx.now_ms)),
        backup_type: "USER",
        backup_creation_date_time: backup.created_ms as f64 / 1000.0,
    }
}

/// `SourceTableDetails`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
struct SourceTableDetails {
    table_name: String,
    table_id: String,
    table_arn: String,
    table_size_bytes: u64,
    key_schema: Vec<KeySchemaElementOut>,
    table_creation_date_time: f64,
    provisioned_throughput: ThroughputDescription,
    item_count: u64,
    billing_mode: &'static str,
}

/// One index in `SourceTableFeatureDetails`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
struct IndexInfo {
    index_name: String,
    key_schema: Vec<KeySchemaElementOut>,
    projection: ProjectionOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    provisioned_throughput: Option<ThroughputDescription>,
}

/// `SourceTableFeatureDetails`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
struct FeatureDetails {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    local_secondary_indexes: Vec<IndexInfo>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    global_secondary_indexes: Vec<IndexInfo>,
}

/// `BackupDescription`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct BackupDescription {
    backup_details: BackupDetails,
    source_table_details: SourceTableDetails,
    source_table_feature_details: FeatureDetails,
}

impl BackupDescription {
    /// `BackupDetails`.
    pub fn backup_details(&self) -> &BackupDetails {
        &self.backup_details
    }
}

/// The whole description of `backup`, with `status` if given.
pub fn describe(ctx: &Ctx<'_>, backup: &Backup, status: Option<&'static str>) -> BackupDescription {
    let table = &backup.table;
    let def = &table.def;
    let now = ctx.now();
    let index = |kind: IndexKind| -> Vec<IndexInfo> {
        def.indexes
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| IndexInfo {
                index_name: i.name.clone(),
                key_schema: desc::key_schema_out(&i.key),
                projection: desc::projection_out(&i.projection),
                provisioned_throughput: (kind == IndexKind::Global)
                    .then(|| desc::throughput_out(&i.meta.throughput, now)),
            })
            .collect()
    };
    BackupDescription {
        backup_details: details(ctx, backup, status),
        source_table_details: SourceTableDetails {
            table_name: def.name.clone(),
            table_id: def.meta.id.clone(),
            table_arn: def.meta.arn.clone(),
            table_size_bytes: table.size_bytes(),
            key_schema: desc::key_schema_out(&def.key),
            table_creation_date_time: desc::epoch_seconds(def.meta.created_at),
            provisioned_throughput: desc::throughput_out(&def.meta.throughput, now),
            item_count: table.item_count() as u64,
            billing_mode: def.meta.billing_mode.as_str(),
        },
        source_table_feature_details: FeatureDetails {
            local_secondary_indexes: index(IndexKind::Local),
            global_secondary_indexes: index(IndexKind::Global),
        },
    }
}

/// `BackupSummary`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct BackupSummary {
    table_name: String,
    table_id: String,
    table_arn: String,
    backup_arn: String,
    backup_name: String,
    backup_creation_date_time: f64,
    backup_status: &'static str,
    backup_type: &'static str,
    backup_size_bytes: u64,
}

impl BackupSummary {
    /// The backup's ARN.
    pub fn backup_arn(&self) -> &str {
        &self.backup_arn
    }
}

/// `BackupSummary` of `backup`.
pub fn summary(ctx: &Ctx<'_>, backup: &Backup) -> BackupSummary {
    let def = &backup.table.def;
    BackupSummary {
        table_name: def.name.clone(),
        table_id: def.meta.id.clone(),
        table_arn: def.meta.arn.clone(),
        backup_arn: backup.arn.clone(),
        backup_name: backup.name.clone(),
        backup_creation_date_time: backup.created_ms as f64 / 1000.0,
        backup_status: backup.status(ctx.now_ms),
        backup_type: "USER",
        backup_size_bytes: backup.table.size_bytes(),
    }
}
