//! Writing an export in the service's layout (DYNAMODB_JSON or ION, gzip):
//!
//! ```text
//! {prefix}/AWSDynamoDB/{export id}/_started
//! {prefix}/AWSDynamoDB/{export id}/manifest-summary.json (+ .checksum)
//! {prefix}/AWSDynamoDB/{export id}/manifest-files.json   (+ .checksum)
//! {prefix}/AWSDynamoDB/{export id}/data/{name}.json.gz   (ION: .ion.gz)
//! ```
//!
//! A full export's data lines are `{"Item": {...}}`; an incremental
//! export's are `{"Metadata": {"WriteTimestampMicros": {"N": ...}}, "Keys":
//! {...}, "NewImage": {...}, "OldImage": {...}}` (images by the view type).
//! In ION the same lines are Ion text, each starting with `$ion_1_0`
//! ([`super::ion`]): `$ion_1_0 {Item:{...}}`, and for incremental exports
//! `$ion_1_0 {Metadata:{WriteTimestampMicros:1700000000000000.},Keys:{...},
//! NewImage:{...},OldImage:{...}}` (the JSON layout in Ion's type mapping).
//! `manifest-files.json` has one JSON line per data file (item count, MD5
//! in base64, ETag, key); the `.checksum` files hold the MD5 (hex) of the
//! manifest beside them.

use super::ion;
use super::s3::{put, S3Dir, S3Failure};
use crate::value::{json::item_to_json, AttributeValue, Item, Number};
use flate2::write::GzEncoder;
use md5::{Digest, Md5};
use serde_json::{json, Value};
use std::io::Write;

/// Items per data file.
const ITEMS_PER_FILE: usize = 10_000;

/// One line of an incremental export: a change between its from and to times.
#[derive(Clone, Debug)]
pub struct ChangeLine {
    /// When the change was made, in clock milliseconds.
    pub at_ms: u64,
    /// The item's key attributes.
    pub keys: Item,
    /// The item after the change (`None`: deleted).
    pub new: Option<Item>,
    /// The item before it (written for `NEW_AND_OLD_IMAGES`).
    pub old: Option<Item>,
}

/// How the data files are written (`ExportFormat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// `DYNAMODB_JSON`: JSON lines in `*.json.gz`.
    DynamoDbJson,
    /// `ION`: Ion text lines in `*.ion.gz`.
    Ion,
}

impl OutputFormat {
    /// The name the API and the manifest use.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::DynamoDbJson => "DYNAMODB_JSON",
            OutputFormat::Ion => "ION",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            OutputFormat::DynamoDbJson => "json",
            OutputFormat::Ion => "ion",
        }
    }
}

/// What the export describes about itself in `manifest-summary.json`.
#[derive(Clone, Debug)]
pub struct Summary<'a> {
    /// `exportArn`.
    pub export_arn: &'a str,
    /// The export's id (the folder under `AWSDynamoDB/`).
    pub export_id: &'a str,
    /// `tableArn`, `tableId`.
    pub table_arn: &'a str,
    /// `tableId`.
    pub table_id: &'a str,
    /// `s3Bucket`, `s3Prefix`, `s3SseAlgorithm`.
    pub bucket: &'a str,
    /// The key prefix (may be empty).
    pub prefix: &'a str,
    /// `s3SseAlgorithm`.
    pub sse: &'a str,
    /// `startTime`, `exportTime` (clock milliseconds).
    pub start_ms: u64,
    /// The point in time exported (full) or the end of the period (incremental).
    pub export_ms: u64,
    /// For an incremental export: the start of the period and the view type.
    pub incremental: Option<(u64, &'a str)>,
    /// `outputFormat`, and how the data lines are written.
    pub format: OutputFormat,
}

/// What was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// The key of `manifest-summary.json` (`ExportManifest`).
    pub manifest_key: String,
    /// Items (full) or changes (incremental) written.
    pub item_count: u64,
    /// Bytes of data written before compression (`BilledSizeBytes`).
    pub billed_bytes: u64,
}

fn iso(ms: u64) -> String {
    let (y, mo, d) = crate::clock::civil_from_days((ms / 86_400_000) as i64);
    let s = ms / 1000 % 86_400;
    format!("{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z", s / 3600, s / 60 % 60, s % 60, ms % 1000)
}

fn export_dir(prefix: &str, export_id: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() {
        format!("AWSDynamoDB/{export_id}")
    } else {
        format!("{prefix}/AWSDynamoDB/{export_id}")
    }
}

/// Writes a full export of `items`.
pub fn write_full(
    s3: &S3Dir,
    summary: &Summary<'_>,
    items: impl Iterator<Item = Item>,
) -> Result<Written, S3Failure> {
    let format = summary.format;
    write(
        s3,
        summary,
        items.map(move |item| match format {
            OutputFormat::DynamoDbJson => json!({"Item": item_to_json(&item)}).to_string(),
            OutputFormat::Ion => ion::item_line(&item),
        }),
    )
}

/// Writes an incremental export of `changes`, with images by `view_type`.
pub fn write_incremental(
    s3: &S3Dir,
    summary: &Summary<'_>,
    changes: impl Iterator<Item = ChangeLine>,
) -> Result<Written, S3Failure> {
    let with_old = summary.incremental.is_some_and(|(_, view)| view == "NEW_AND_OLD_IMAGES");
    let format = summary.format;
    let lines = changes.map(move |c| match format {
        OutputFormat::DynamoDbJson => json_change(&c, with_old),
        OutputFormat::Ion => ion_change(&c, with_old),
    });
    write(s3, summary, lines)
}

fn json_change(c: &ChangeLine, with_old: bool) -> String {
    let mut line = json!({
        "Metadata": {"WriteTimestampMicros": {"N": (c.at_ms * 1000).to_string()}},
        "Keys": item_to_json(&c.keys),
    });
    if let Some(new) = &c.new {
        line["NewImage"] = item_to_json(new);
    }
    if let (true, Some(old)) = (with_old, &c.old) {
        line["OldImage"] = item_to_json(old);
    }
    line.to_string()
}

/// The Ion form of an incremental line: the JSON layout, with the
/// timestamp (an `N` there) as a decimal.
fn ion_change(c: &ChangeLine, with_old: bool) -> String {
    let micros = Number::from_u64(c.at_ms.saturating_mul(1000));
    let mut out = format!("{} {{Metadata:{{WriteTimestampMicros:", ion::VERSION_MARKER);
    ion::write_value(&AttributeValue::N(micros), &mut out);
    out.push_str("},Keys:");
    ion::write_struct(c.keys.iter(), &mut out);
    if let Some(new) = &c.new {
        out.push_str(",NewImage:");
        ion::write_struct(new.iter(), &mut out);
    }
    if let (true, Some(old)) = (with_old, &c.old) {
        out.push_str(",OldImage:");
        ion::write_struct(old.iter(), &mut out);
    }
    out.push('}');
    out
}

fn md5(bytes: &[u8]) -> [u8; 16] {
    Md5::digest(bytes).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn write(
    s3: &S3Dir,
    summary: &Summary<'_>,
    lines: impl Iterator<Item = String>,
) -> Result<Written, S3Failure> {
    let io = |e: std::io::Error| S3Failure::io(&e);
    let dir = export_dir(summary.prefix, summary.export_id);
    put(&s3.object(summary.bucket, &format!("{dir}/_started"))?, b"").map_err(io)?;
    let mut files: Vec<Value> = Vec::new();
    let (mut count, mut billed) = (0u64, 0u64);
    let mut lines = lines.peekable();
    let mut n = 0;
    // At least one data file, empty if there is nothing to export.
    while n == 0 || lines.peek().is_some() {
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
        let mut in_file = 0u64;
        for line in lines.by_ref().take(ITEMS_PER_FILE) {
            let mut text = line;
            text.push('\n');
            billed += text.len() as u64;
            gz.write_all(text.as_bytes()).map_err(io)?;
            in_file += 1;
        }
        let bytes = gz.finish().map_err(io)?;
        let key = format!(
            "{dir}/data/{}-{n:05}.{}.gz",
            summary.export_id.replace('-', ""),
            summary.format.extension()
        );
        put(&s3.object(summary.bucket, &key)?, &bytes).map_err(io)?;
        let digest = md5(&bytes);
        files.push(json!({
            "itemCount": in_file,
            "md5Checksum": crate::value::json::encode_base64(&digest),
            "etag": hex(&digest),
            "dataFileS3Key": key,
        }));
        count += in_file;
        n += 1;
    }
    let manifest_files: String = files.iter().map(|f| format!("{f}\n")).collect();
    let files_key = format!("{dir}/manifest-files.json");
    put(&s3.object(summary.bucket, &files_key)?, manifest_files.as_bytes()).map_err(io)?;
    put(
        &s3.object(summary.bucket, &format!("{dir}/manifest-files.checksum"))?,
        hex(&md5(manifest_files.as_bytes())).as_bytes(),
    )
    .map_err(io)?;
    let mut doc = json!({
        "version": "2020-06-30",
        "exportArn": summary.export_arn,
        "startTime": iso(summary.start_ms),
        "endTime": iso(summary.start_ms.max(summary.export_ms)),
        "tableArn": summary.table_arn,
        "tableId": summary.table_id,
        "exportTime": iso(summary.export_ms),
        "s3Bucket": summary.bucket,
        "s3Prefix": if summary.prefix.is_empty() { Value::Null } else { Value::from(summary.prefix) },
        "s3SseAlgorithm": summary.sse,
        "s3SseKmsKeyId": Value::Null,
        "manifestFilesS3Key": files_key,
        "billedSizeBytes": billed,
        "itemCount": count,
        "outputFormat": summary.format.as_str(),
        "exportType": if summary.incremental.is_some() { "INCREMENTAL_EXPORT" } else { "FULL_EXPORT" },
    });
    if let Some((from, view)) = summary.incremental {
        doc["exportFromTime"] = iso(from).into();
        doc["exportToTime"] = iso(summary.export_ms).into();
        doc["exportViewType"] = view.into();
    }
    let text = doc.to_string();
    let summary_key = format!("{dir}/manifest-summary.json");
    put(&s3.object(summary.bucket, &summary_key)?, text.as_bytes()).map_err(io)?;
    put(
        &s3.object(summary.bucket, &format!("{dir}/manifest-summary.checksum"))?,
        hex(&md5(text.as_bytes())).as_bytes(),
    )
    .map_err(io)?;
    Ok(Written { manifest_key: summary_key, item_count: count, billed_bytes: billed })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_full_export_has_manifests_checksums_and_gzip_json_lines() {
        let root = std::env::temp_dir().join(format!("ddb-export-{}", std::process::id()));
        std::fs::create_dir_all(root.join("bucket")).unwrap();
        let s3 = S3Dir::new(&root);
        let summary = Summary {
            export_arn: "arn:aws:dynamodb:us-east-1:000000000000:table/t/export/01700000000000-abcd1234",
            export_id: "01700000000000-abcd1234",
            table_arn: "arn:aws:dynamodb:us-east-1:000000000000:table/t",
            table_id: "id",
            bucket: "bucket",
            prefix: "exports/",
            sse: "AES256",
            start_ms: 1_700_000_000_000,
            export_ms: 1_700_000_000_000,
            incremental: None,
            format: OutputFormat::DynamoDbJson,
        };
        let items = (0..3).map(|i| Item::from([("pk".to_string(), AttributeValue::S(format!("k{i}")))]));
        let written = write_full(&s3, &summary, items).unwrap();
        assert_eq!(written.item_count, 3);
        let dir = root.join("bucket/exports/AWSDynamoDB/01700000000000-abcd1234");
        assert_eq!(written.manifest_key, "exports/AWSDynamoDB/01700000000000-abcd1234/manifest-summary.json");
        let summary: Value =
            serde_json::from_slice(&std::fs::read(dir.join("manifest-summary.json")).unwrap()).unwrap();
        assert_eq!(summary["itemCount"], 3);
        assert_eq!(summary["exportTime"], "2023-11-14T22:13:20.000Z");
        let files = std::fs::read_to_string(dir.join("manifest-files.json")).unwrap();
        let checksum = std::fs::read_to_string(dir.join("manifest-files.checksum")).unwrap();
        assert_eq!(checksum, hex(&md5(files.as_bytes())));
        let file: Value = serde_json::from_str(files.lines().next().unwrap()).unwrap();
        let data = std::fs::read(root.join("bucket").join(file["dataFileS3Key"].as_str().unwrap())).unwrap();
        assert_eq!(file["etag"], hex(&md5(&data)));
        let mut text = String::new();
        flate2::read::GzDecoder::new(&data[..]).read_to_string(&mut text).unwrap();
        assert_eq!(text.lines().next().unwrap(), r#"{"Item":{"pk":{"S":"k0"}}}"#);
        assert!(dir.join("_started").exists());
        std::fs::remove_dir_all(root).unwrap();
    }
}
