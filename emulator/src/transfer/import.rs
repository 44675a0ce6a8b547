//! ImportTable, DescribeImport and ListImports.
//!
//! An import reads every object under the bucket and prefix (no lock held;
//! see [`super::import_files`]), then creates the table with the items
//! that fit it in one commit (`ops::import_table`). As for exports, the
//! answer says IN_PROGRESS and DescribeImport already shows the outcome.

use super::import_files::{self, Compression, Format};
use super::s3::S3Dir;
use crate::error::{messages, Error, ErrorKind, Result};
use crate::ops::create_table::CreateTable;
use crate::ops::import_table::CreateImportedTable;
use crate::ops::transfer_jobs::{by_arn, page, token_use, ImportDescription, Job, TokenUse};
use crate::service::Service;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `S3BucketSource`.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct S3BucketSource {
    /// `S3BucketOwner`.
    pub s3_bucket_owner: Option<String>,
    /// The bucket.
    pub s3_bucket: String,
    /// The key prefix (every object under it is read).
    pub s3_key_prefix: Option<String>,
}

/// `CsvOptions`.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct CsvOptions {
    /// One character; `,` by default.
    pub delimiter: Option<String>,
    /// Attribute names, when the files have no header line.
    pub header_list: Option<Vec<String>>,
}

/// `InputFormatOptions`.
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct InputFormatOptions {
    /// `Csv`.
    pub csv: Option<CsvOptions>,
}

/// ImportTable's input ([`Service::import_table`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ImportTable {
    /// Idempotency token.
    pub client_token: Option<String>,
    /// Where the data is.
    pub s3_bucket_source: S3BucketSource,
    /// `DYNAMODB_JSON`, `CSV` or `ION`.
    pub input_format: String,
    /// CSV options.
    pub input_format_options: Option<InputFormatOptions>,
    /// `GZIP`, `ZSTD` or `NONE` (default).
    pub input_compression_type: Option<String>,
    /// The table to create (CreateTable's members).
    pub table_creation_parameters: CreateTable,
}

/// ImportTable's and DescribeImport's response.
#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "PascalCase")]
pub struct ImportOutput {
    /// The import.
    pub import_table_description: ImportDescription,
}

/// DescribeImport's input ([`Service::describe_import`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeImport {
    /// `ImportArn`.
    pub import_arn: String,
}

/// ListImports's input ([`Service::list_imports`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ListImports {
    /// Only imports into this table.
    pub table_arn: Option<String>,
    /// At most this many (1 to 25).
    pub page_size: Option<usize>,
    /// Where the previous page ended.
    pub next_token: Option<String>,
}

/// `ImportSummary`.
#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "PascalCase")]
pub struct ImportSummary {
    /// `ImportArn`.
    pub import_arn: String,
    /// `ImportStatus`.
    pub import_status: String,
    /// `TableArn`.
    pub table_arn: String,
    /// `S3BucketSource`.
    pub s3_bucket_source: BTreeMap<String, String>,
    /// `InputFormat`.
    pub input_format: String,
    /// `StartTime`.
    pub start_time: f64,
    /// `EndTime`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
}

/// ListImports's response.
#[derive(Serialize, Debug, Clone, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ListImportsOutput {
    /// The imports.
    pub import_summary_list: Vec<ImportSummary>,
    /// The next page's token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl Service {
    /// ImportTable (see [`ImportTable`]).
    pub fn import_table(&self, input: ImportTable) -> Result<ImportOutput> {
        let table = input.table_creation_parameters.table_name.clone();
        self.guarded("ImportTable", || vec![table], || self.import(&input))
    }

    fn import(&self, input: &ImportTable) -> Result<ImportOutput> {
        let s3 = self
            .config
            .s3_dir
            .as_ref()
            .map(S3Dir::new)
            .ok_or_else(|| Error::validation(messages::NO_S3_DIR))?;
        let format = match input.input_format.as_str() {
            "DYNAMODB_JSON" => Format::DynamoDbJson,
            "ION" => Format::Ion,
            "CSV" => {
                let csv = input.input_format_options.as_ref().and_then(|o| o.csv.clone()).unwrap_or_default();
                Format::Csv {
                    delimiter: csv.delimiter.and_then(|d| d.chars().next()).unwrap_or(','),
                    header: csv.header_list,
                }
            }
            other => return Err(Error::validation(messages::import_format_unsupported(other))),
        };
        let compression_name = input.input_compression_type.clone().unwrap_or_else(|| "NONE".into());
        let compression = match compression_name.as_str() {
            "GZIP" => Compression::Gzip,
            "ZSTD" => Compression::Zstd,
            _ => Compression::None,
        };
        let ctx = self.ctx();
        let fingerprint = format!("{input:?}");
        if let Some(token) = &input.client_token {
            match token_use(&self.transfers.lock().imports, token, &fingerprint, ctx.now_ms) {
                TokenUse::Fresh => {}
                TokenUse::Repeat(job) => {
                    return Ok(ImportOutput { import_table_description: job.description.clone() });
                }
                TokenUse::Conflict => {
                    return Err(Error::new(
                        ErrorKind::ImportConflict,
                        messages::token_conflict("An import", token),
                    ));
                }
            }
        }
        let params = &input.table_creation_parameters;
        let name = crate::ops::table_name(&params.table_name).to_string();
        let table_arn = crate::ops::table_description::table_arn(&ctx, &name);
        let secs = |ms: u64| ms as f64 / 1000.0;
        let source = &input.s3_bucket_source;
        let mut description = ImportDescription {
            import_arn: format!(
                "{table_arn}/import/{:014}-{}",
                ctx.now_ms,
                crate::ops::backup_description::job_suffix(
                    &[&fingerprint],
                    ctx.now_ms,
                    self.transfers.lock().imports.len()
                )
            ),
            import_status: "COMPLETED".into(),
            table_arn,
            client_token: input.client_token.clone(),
            s3_bucket_source: bucket_source(source),
            input_format: input.input_format.clone(),
            input_compression_type: compression_name,
            start_time: secs(ctx.now_ms),
            ..ImportDescription::default()
        };
        let key_type = |attr: &str| {
            let defs = params.attribute_definitions.as_deref().unwrap_or_default();
            defs.iter().find(|d| d.attribute_name == attr).map(|d| match d.attribute_type.as_str() {
                "N" => "N",
                "B" => "B",
                _ => "S",
            })
        };
        let prefix = source.s3_key_prefix.as_deref().unwrap_or("");
        match import_files::read(&s3, &source.s3_bucket, prefix, &format, compression, key_type) {
            Ok(read) => {
                description.processed_size_bytes = read.processed_bytes;
                description.processed_item_count = read.items.len() as u64 + read.errors;
                let create = CreateImportedTable { table: params.clone(), items: read.items };
                // The table's own checks fail the request, as CreateTable's would.
                let made = crate::ops::command::write_locked(&create, &ctx, &self.store)?;
                description.table_id = Some(made.description.table_id().to_string());
                description.imported_item_count = made.imported;
                description.error_count = read.errors + made.errors;
            }
            Err(failure) => {
                description.import_status = "FAILED".into();
                description.failure_code = Some(failure.code.into());
                description.failure_message = Some(failure.message);
            }
        }
        description.end_time = Some(secs(self.clock.now_ms()));
        let job = Job { fingerprint, at_ms: ctx.now_ms, description: description.clone() };
        // Kept by a durable store before it is answered or listed.
        let arn = job.description.import_arn.clone();
        let json = crate::service::kept_jobs::encode(&job);
        self.store.remember_job(crate::store::durable::Job {
            kind: crate::ops::transfer_jobs::IMPORT,
            arn,
            json,
        })?;
        self.transfers.lock().imports.push(job);
        let answer = ImportDescription {
            import_status: "IN_PROGRESS".into(),
            end_time: None,
            processed_size_bytes: 0,
            processed_item_count: 0,
            imported_item_count: 0,
            error_count: 0,
            failure_code: None,
            failure_message: None,
            ..description
        };
        Ok(ImportOutput { import_table_description: answer })
    }

    /// DescribeImport (see [`DescribeImport`]).
    pub fn describe_import(&self, input: DescribeImport) -> Result<ImportOutput> {
        self.guarded("DescribeImport", Vec::new, || {
            let jobs = self.transfers.lock();
            let found = by_arn(&jobs.imports, &input.import_arn);
            found.map(|d| ImportOutput { import_table_description: d.clone() }).ok_or_else(|| {
                Error::new(ErrorKind::ImportNotFound, messages::import_not_found(&input.import_arn))
            })
        })
    }

    /// ListImports (see [`ListImports`]).
    pub fn list_imports(&self, input: ListImports) -> Result<ListImportsOutput> {
        self.guarded("ListImports", Vec::new, || {
            let jobs = self.transfers.lock();
            // The model's token shape: hex, in blocks of 16, at least 112 long.
            let start = input
                .next_token
                .as_deref()
                .map_or(0, |t| usize::from_str_radix(t.trim_start_matches('0'), 16).unwrap_or(0));
            let (page, next) =
                page(&jobs.imports, input.table_arn.as_deref(), start, input.page_size.unwrap_or(25));
            let import_summary_list = page
                .into_iter()
                .map(|d| ImportSummary {
                    import_arn: d.import_arn.clone(),
                    import_status: d.import_status.clone(),
                    table_arn: d.table_arn.clone(),
                    s3_bucket_source: d.s3_bucket_source.clone(),
                    input_format: d.input_format.clone(),
                    start_time: d.start_time,
                    end_time: d.end_time,
                })
                .collect();
            Ok(ListImportsOutput { import_summary_list, next_token: next.map(|n| format!("{n:0112x}")) })
        })
    }
}

fn bucket_source(source: &S3BucketSource) -> BTreeMap<String, String> {
    let mut out = BTreeMap::from([("S3Bucket".to_string(), source.s3_bucket.clone())]);
    if let Some(owner) = &source.s3_bucket_owner {
        out.insert("S3BucketOwner".into(), owner.clone());
    }
    if let Some(prefix) = &source.s3_key_prefix {
        out.insert("S3KeyPrefix".into(), prefix.clone());
    }
    out
}
