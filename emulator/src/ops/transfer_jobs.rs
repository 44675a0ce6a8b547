//! The exports and imports a service remembers (for DescribeExport,
//! ListExports, DescribeImport, ListImports and client-token idempotency),
//! with their output shapes. The operations themselves write and read
//! files, so they run in `crate::transfer`, above the service; this is the
//! record they keep.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `ExportDescription`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ExportDescription {
    /// `ExportArn`.
    pub export_arn: String,
    /// `IN_PROGRESS`, `COMPLETED` or `FAILED`.
    pub export_status: String,
    /// `StartTime` (epoch seconds).
    pub start_time: f64,
    /// `EndTime`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    /// `ExportManifest`: the key of `manifest-summary.json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export_manifest: Option<String>,
    /// `TableArn`.
    pub table_arn: String,
    /// `TableId`.
    pub table_id: String,
    /// `ExportTime`.
    pub export_time: f64,
    /// `ClientToken`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
    /// `S3Bucket`.
    pub s3_bucket: String,
    /// `S3BucketOwner`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_bucket_owner: Option<String>,
    /// `S3Prefix`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub s3_prefix: Option<String>,
    /// `S3SseAlgorithm`.
    pub s3_sse_algorithm: String,
    /// `FailureCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_code: Option<String>,
    /// `FailureMessage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
    /// `ExportFormat`.
    pub export_format: String,
    /// `BilledSizeBytes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billed_size_bytes: Option<u64>,
    /// `ItemCount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_count: Option<u64>,
    /// `ExportType`.
    pub export_type: String,
    /// `IncrementalExportSpecification`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incremental_export_specification: Option<IncrementalOut>,
}

/// `IncrementalExportSpecification` in output.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct IncrementalOut {
    /// `ExportFromTime`.
    pub export_from_time: f64,
    /// `ExportToTime`.
    pub export_to_time: f64,
    /// `ExportViewType`.
    pub export_view_type: String,
}

/// `ImportTableDescription`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ImportDescription {
    /// `ImportArn`.
    pub import_arn: String,
    /// `IN_PROGRESS`, `COMPLETED`, `FAILED`, ...
    pub import_status: String,
    /// `TableArn`.
    pub table_arn: String,
    /// `TableId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table_id: Option<String>,
    /// `ClientToken`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
    /// `S3BucketSource`, as given.
    pub s3_bucket_source: BTreeMap<String, String>,
    /// `ErrorCount`.
    pub error_count: u64,
    /// `InputFormat`.
    pub input_format: String,
    /// `InputCompressionType`.
    pub input_compression_type: String,
    /// `StartTime`.
    pub start_time: f64,
    /// `EndTime`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    /// `ProcessedSizeBytes`.
    pub processed_size_bytes: u64,
    /// `ProcessedItemCount`.
    pub processed_item_count: u64,
    /// `ImportedItemCount`.
    pub imported_item_count: u64,
    /// `FailureCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_code: Option<String>,
    /// `FailureMessage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
}

/// One remembered export or import with what idempotency compares.
/// Serialised (JSON) into a durable store's log and checkpoints.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Job<D> {
    /// The request's parameters, compared when its client token is reused.
    pub fingerprint: String,
    /// When it was made (clock milliseconds), for the 8-hour token window.
    pub at_ms: u64,
    /// The description.
    pub description: D,
}

/// What the bookkeeping below needs to know of a description.
pub trait Described {
    /// `ExportArn` / `ImportArn`.
    fn arn(&self) -> &str;
    /// `TableArn`.
    fn table_arn(&self) -> &str;
    /// `ClientToken`.
    fn client_token(&self) -> Option<&str>;
}

impl Described for ExportDescription {
    fn arn(&self) -> &str {
        &self.export_arn
    }
    fn table_arn(&self) -> &str {
        &self.table_arn
    }
    fn client_token(&self) -> Option<&str> {
        self.client_token.as_deref()
    }
}

impl Described for ImportDescription {
    fn arn(&self) -> &str {
        &self.import_arn
    }
    fn table_arn(&self) -> &str {
        &self.table_arn
    }
    fn client_token(&self) -> Option<&str> {
        self.client_token.as_deref()
    }
}

/// How long a client token is remembered (the service's 8 hours).
pub const TOKEN_WINDOW_MS: u64 = 8 * 3_600_000;

/// What a request with a client token finds among earlier `jobs`.
pub enum TokenUse<'a, D> {
    /// No job made with it in the last 8 hours: go ahead.
    Fresh,
    /// The same request again: answer that job.
    Repeat(&'a Job<D>),
    /// Another request with the same token: a conflict.
    Conflict,
}

/// The most recent of `jobs` made with `token` within the window, compared
/// by `fingerprint`.
pub fn token_use<'a, D: Described>(
    jobs: &'a [Job<D>],
    token: &str,
    fingerprint: &str,
    now_ms: u64,
) -> TokenUse<'a, D> {
    let same = jobs
        .iter()
        .rev()
        .find(|j| j.description.client_token() == Some(token) && j.at_ms + TOKEN_WINDOW_MS > now_ms);
    match same {
        None => TokenUse::Fresh,
        Some(job) if job.fingerprint == fingerprint => TokenUse::Repeat(job),
        Some(_) => TokenUse::Conflict,
    }
}

/// The job with this ARN.
pub fn by_arn<'a, D: Described>(jobs: &'a [Job<D>], arn: &str) -> Option<&'a D> {
    jobs.iter().map(|j| &j.description).find(|d| d.arn() == arn)
}

/// One page of the jobs of `table_arn` (all when `None`), from position
/// `start`, at most `limit`; and where the next page starts, if any.
pub fn page<'a, D: Described>(
    jobs: &'a [Job<D>],
    table_arn: Option<&str>,
    start: usize,
    limit: usize,
) -> (Vec<&'a D>, Option<usize>) {
    let all: Vec<&D> = jobs
        .iter()
        .map(|j| &j.description)
        .filter(|d| table_arn.is_none_or(|t| d.table_arn() == t))
        .collect();
    let page: Vec<&D> = all.iter().skip(start).take(limit).copied().collect();
    let end = start + page.len();
    (page, (end < all.len()).then_some(end))
}

/// Every export and import, in start order.
#[derive(Debug, Default)]
pub struct Jobs {
    /// Exports.
    pub exports: Vec<Job<ExportDescription>>,
    /// Imports.
    pub imports: Vec<Job<ImportDescription>>,
}

/// A job's kind in a durable store's records (their encoding is
/// `service::kept_jobs`: JSON, which operations do not write).
pub const EXPORT: u8 = 1;
/// See [`EXPORT`].
pub const IMPORT: u8 = 2;
