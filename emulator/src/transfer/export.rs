//! ExportTableToPointInTime, DescribeExport and ListExports.
//!
//! An export reads the table at the export time (or its changes over an
//! incremental period) from the store in O(1) (`ops::export_source`), then
//! writes the files without holding anything. The service answers
//! IN_PROGRESS and finishes later; the emulator finishes before answering
//! (the answer still says IN_PROGRESS, as the service's does), so
//! DescribeExport already shows COMPLETED, or FAILED with the S3 failure.

use super::export_files::{self, ChangeLine, OutputFormat, Summary};
use super::s3::S3Dir;
use crate::error::{messages, Error, ErrorKind, Result};
use crate::ops::export_source::{Contents, ExportSource, Period};
use crate::ops::transfer_jobs::{by_arn, page, token_use, ExportDescription, IncrementalOut, Job, TokenUse};
use crate::service::Service;
use serde::{Deserialize, Serialize};

/// `IncrementalExportSpecification`.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct IncrementalExportSpecification {
    /// Start of the period (epoch seconds).
    pub export_from_time: Option<f64>,
    /// End of the period (epoch seconds).
    pub export_to_time: Option<f64>,
    /// `NEW_IMAGE` or `NEW_AND_OLD_IMAGES` (default).
    pub export_view_type: Option<String>,
}

/// ExportTableToPointInTime's input ([`Service::export_table_to_point_in_time`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ExportTableToPointInTime {
    /// The table's ARN.
    pub table_arn: String,
    /// The time to export (epoch seconds; default now).
    pub export_time: Option<f64>,
    /// Idempotency token.
    pub client_token: Option<String>,
    /// The bucket (a folder under the S3 folder).
    pub s3_bucket: String,
    /// `S3BucketOwner`.
    pub s3_bucket_owner: Option<String>,
    /// The key prefix.
    pub s3_prefix: Option<String>,
    /// `AES256` (default) or `KMS`.
    pub s3_sse_algorithm: Option<String>,
    /// `S3SseKmsKeyId`.
    pub s3_sse_kms_key_id: Option<String>,
    /// `DYNAMODB_JSON` (default) or `ION`.
    pub export_format: Option<String>,
    /// `FULL_EXPORT` (default) or `INCREMENTAL_EXPORT`.
    pub export_type: Option<String>,
    /// The incremental period.
    pub incremental_export_specification: Option<IncrementalExportSpecification>,
}

/// ExportTableToPointInTime's and DescribeExport's response.
#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "PascalCase")]
pub struct ExportOutput {
    /// The export.
    pub export_description: ExportDescription,
}

/// DescribeExport's input ([`Service::describe_export`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeExport {
    /// `ExportArn`.
    pub export_arn: String,
}

/// ListExports's input ([`Service::list_exports`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ListExports {
    /// Only this table's exports.
    pub table_arn: Option<String>,
    /// At most this many (1 to 25).
    pub max_results: Option<usize>,
    /// Where the previous page ended.
    pub next_token: Option<String>,
}

/// `ExportSummary`.
#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "PascalCase")]
pub struct ExportSummary {
    /// `ExportArn`.
    pub export_arn: String,
    /// `ExportStatus`.
    pub export_status: String,
    /// `ExportType`.
    pub export_type: String,
}

/// ListExports's response.
#[derive(Serialize, Debug, Clone, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ListExportsOutput {
    /// The exports.
    pub export_summaries: Vec<ExportSummary>,
    /// The next page's token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

fn ms(secs: f64) -> u64 {
    (secs * 1000.0).round().max(0.0) as u64
}

impl Service {
    /// ExportTableToPointInTime (see [`ExportTableToPointInTime`]).
    pub fn export_table_to_point_in_time(&self, input: ExportTableToPointInTime) -> Result<ExportOutput> {
        let table = crate::ops::table_name(&input.table_arn).to_string();
        self.guarded("ExportTableToPointInTime", || vec![table], || self.export(&input))
    }

    fn export(&self, input: &ExportTableToPointInTime) -> Result<ExportOutput> {
        let s3 = self
            .config
            .s3_dir
            .as_ref()
            .map(S3Dir::new)
            .ok_or_else(|| Error::validation(messages::NO_S3_DIR))?;
        let format = match input.export_format.as_deref().unwrap_or("DYNAMODB_JSON") {
            "DYNAMODB_JSON" => OutputFormat::DynamoDbJson,
            "ION" => OutputFormat::Ion,
            other => return Err(Error::validation(messages::export_format_unsupported(other))),
        };
        let incremental = input.export_type.as_deref() == Some("INCREMENTAL_EXPORT");
        if incremental && input.export_time.is_some() {
            return Err(Error::validation(messages::EXPORT_TIME_WITH_INCREMENTAL));
        }
        let ctx = self.ctx();
        let fingerprint = format!("{input:?}");
        if let Some(token) = &input.client_token {
            match token_use(&self.transfers.lock().exports, token, &fingerprint, ctx.now_ms) {
                TokenUse::Fresh => {}
                TokenUse::Repeat(job) => {
                    return Ok(ExportOutput { export_description: job.description.clone() })
                }
                TokenUse::Conflict => {
                    return Err(Error::new(
                        ErrorKind::ExportConflict,
                        messages::token_conflict("An export", token),
                    ));
                }
            }
        }
        let period = match (incremental, &input.incremental_export_specification) {
            (false, _) => None,
            (
                true,
                Some(IncrementalExportSpecification {
                    export_from_time: Some(from),
                    export_to_time,
                    export_view_type,
                }),
            ) => Some(Period {
                from_ms: ms(*from),
                to_ms: export_to_time.map_or(ctx.now_ms, ms),
                view_type: export_view_type.clone().unwrap_or_else(|| "NEW_AND_OLD_IMAGES".into()),
            }),
            (true, _) => return Err(Error::validation(messages::INCREMENTAL_EXPORT_PERIOD)),
        };
        let source =
            ExportSource { table_arn: input.table_arn.clone(), export_ms: input.export_time.map(ms), period };
        let exported = crate::ops::command::read(&source, &ctx, &self.store)?;
        let existing = self.transfers.lock().exports.len();
        let suffix = crate::ops::backup_description::job_suffix(
            &[&input.table_arn, &fingerprint],
            ctx.now_ms,
            existing,
        );
        let export_id = format!("{:014}-{suffix}", ctx.now_ms);
        let export_arn = format!("{}/export/{export_id}", exported.def.meta.arn);
        let sse = input.s3_sse_algorithm.clone().unwrap_or_else(|| "AES256".into());
        let prefix = input.s3_prefix.clone().unwrap_or_default();
        let summary = Summary {
            export_arn: &export_arn,
            export_id: &export_id,
            table_arn: &exported.def.meta.arn,
            table_id: &exported.def.meta.id,
            bucket: &input.s3_bucket,
            prefix: &prefix,
            sse: &sse,
            start_ms: ctx.now_ms,
            export_ms: exported.export_ms,
            incremental: source.period.as_ref().map(|p| (p.from_ms, p.view_type.as_str())),
            format,
        };
        let written = match exported.contents {
            Contents::Full(items) => {
                export_files::write_full(&s3, &summary, items.values().map(|i| i.item()))
            }
            Contents::Incremental(changes) => {
                let def = &exported.def;
                let lines = changes.into_iter().map(|c| {
                    let any = c.new.as_ref().or(c.old.as_ref()).map(|i| i.item()).unwrap_or_default();
                    ChangeLine {
                        at_ms: c.at_ms,
                        keys: def.key_attributes(&any, None),
                        new: c.new.map(|i| i.item()),
                        old: c.old.map(|i| i.item()),
                    }
                });
                export_files::write_incremental(&s3, &summary, lines)
            }
        };
        let secs = |ms: u64| ms as f64 / 1000.0;
        let mut description = ExportDescription {
            export_arn: export_arn.clone(),
            export_status: "COMPLETED".into(),
            start_time: secs(ctx.now_ms),
            end_time: Some(secs(self.clock.now_ms())),
            export_manifest: None,
            table_arn: exported.def.meta.arn.clone(),
            table_id: exported.def.meta.id.clone(),
            export_time: secs(exported.export_ms),
            client_token: input.client_token.clone(),
            s3_bucket: input.s3_bucket.clone(),
            s3_bucket_owner: input.s3_bucket_owner.clone(),
            s3_prefix: input.s3_prefix.clone(),
            s3_sse_algorithm: sse,
            failure_code: None,
            failure_message: None,
            export_format: format.as_str().into(),
            billed_size_bytes: None,
            item_count: None,
            export_type: if incremental { "INCREMENTAL_EXPORT" } else { "FULL_EXPORT" }.into(),
            incremental_export_specification: source.period.as_ref().map(|p| IncrementalOut {
                export_from_time: secs(p.from_ms),
                export_to_time: secs(p.to_ms),
                export_view_type: p.view_type.clone(),
            }),
        };
        match written {
            Ok(w) => {
                description.export_manifest = Some(w.manifest_key);
                description.billed_size_bytes = Some(w.billed_bytes);
                description.item_count = Some(w.item_count);
            }
            Err(failure) => {
                description.export_status = "FAILED".into();
                description.failure_code = Some(failure.code.into());
                description.failure_message = Some(failure.message);
            }
        }
        let job = Job { fingerprint, at_ms: ctx.now_ms, description: description.clone() };
        // Kept by a durable store before it is answered or listed.
        let arn = job.description.export_arn.clone();
        let json = crate::service::kept_jobs::encode(&job);
        self.store.remember_job(crate::store::durable::Job {
            kind: crate::ops::transfer_jobs::EXPORT,
            arn,
            json,
        })?;
        self.transfers.lock().exports.push(job);
        // As the service: the answer to the request says IN_PROGRESS.
        let mut answer = description;
        answer.export_status = "IN_PROGRESS".into();
        (answer.end_time, answer.export_manifest, answer.billed_size_bytes, answer.item_count) =
            (None, None, None, None);
        (answer.failure_code, answer.failure_message) = (None, None);
        Ok(ExportOutput { export_description: answer })
    }

    /// DescribeExport (see [`DescribeExport`]).
    pub fn describe_export(&self, input: DescribeExport) -> Result<ExportOutput> {
        self.guarded("DescribeExport", Vec::new, || {
            let jobs = self.transfers.lock();
            let found = by_arn(&jobs.exports, &input.export_arn);
            found.map(|d| ExportOutput { export_description: d.clone() }).ok_or_else(|| {
                Error::new(ErrorKind::ExportNotFound, messages::export_not_found(&input.export_arn))
            })
        })
    }

    /// ListExports (see [`ListExports`]).
    pub fn list_exports(&self, input: ListExports) -> Result<ListExportsOutput> {
        self.guarded("ListExports", Vec::new, || {
            let jobs = self.transfers.lock();
            let start = input.next_token.as_deref().and_then(|t| t.parse::<usize>().ok()).unwrap_or(0);
            let (page, next) =
                page(&jobs.exports, input.table_arn.as_deref(), start, input.max_results.unwrap_or(25));
            let export_summaries = page
                .into_iter()
                .map(|d| ExportSummary {
                    export_arn: d.export_arn.clone(),
                    export_status: d.export_status.clone(),
                    export_type: d.export_type.clone(),
                })
                .collect();
            Ok(ListExportsOutput { export_summaries, next_token: next.map(|n| n.to_string()) })
        })
    }
}
