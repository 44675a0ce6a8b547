//! Exports and imports through the SDK, with S3 as a local folder
//! (`Builder::s3_dir`): ExportTableToPointInTime (full and incremental;
//! DYNAMODB_JSON and ION), DescribeExport, ListExports, ImportTable
//! (DYNAMODB_JSON, ION and CSV; GZIP and none), DescribeImport, ListImports, and their errors. The files are read
//! back as a tool reading a real export would.

use aws_sdk_dynamodb::primitives::DateTime;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue as AV, BillingMode, CsvOptions, ExportFormat, ExportStatus,
    ExportType, ExportViewType, ImportStatus, ImportTableDescription, IncrementalExportSpecification,
    InputCompressionType, InputFormat, InputFormatOptions, KeySchemaElement, KeyType,
    PointInTimeRecoverySpecification, S3BucketSource, ScalarAttributeType, TableCreationParameters,
};
use aws_sdk_dynamodb::Client;
use ddb_conformance::expect_err;
use ddb_emulator::Emulator;
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

const T0_MS: u64 = 1_800_000_000_000;

struct Env {
    emu: Emulator,
    client: Client,
    s3: PathBuf,
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.s3);
    }
}

async fn env() -> Env {
    let s3 = std::env::temp_dir().join(format!("ddb-s3-{}-{}", std::process::id(), fastrand_u64()));
    std::fs::create_dir_all(s3.join("bucket")).unwrap();
    let emu = Emulator::builder().s3_dir(&s3).start().await.unwrap();
    emu.service().clock.set_ms(T0_MS);
    let client = ddb_conformance::client_for(&emu.endpoint());
    Env { emu, client, s3 }
}

fn fastrand_u64() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(0u8)
}

fn key(n: &str, t: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder().attribute_name(n).key_type(t).build().unwrap()
}

fn def(n: &str, t: ScalarAttributeType) -> AttributeDefinition {
    AttributeDefinition::builder().attribute_name(n).attribute_type(t).build().unwrap()
}

async fn table_with_pitr(client: &Client, name: &str) {
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(def("pk", ScalarAttributeType::S))
        .attribute_definitions(def("sk", ScalarAttributeType::N))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .send()
        .await
        .unwrap();
    client
        .update_continuous_backups()
        .table_name(name)
        .point_in_time_recovery_specification(
            PointInTimeRecoverySpecification::builder().point_in_time_recovery_enabled(true).build().unwrap(),
        )
        .send()
        .await
        .unwrap();
}

async fn put(client: &Client, table: &str, pk: &str, sk: i64, note: &str) {
    client
        .put_item()
        .table_name(table)
        .item("pk", AV::S(pk.into()))
        .item("sk", AV::N(sk.to_string()))
        .item("note", AV::S(note.into()))
        .send()
        .await
        .unwrap();
}

fn arn(table: &str) -> String {
    format!("arn:aws:dynamodb:us-east-1:000000000000:table/{table}")
}

fn gunzip(path: &Path) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()).read_to_string(&mut text).unwrap();
    text
}

/// The data lines of an export, found through its manifests.
fn export_lines(s3: &Path, manifest_key: &str) -> Vec<Value> {
    let summary: Value =
        serde_json::from_slice(&std::fs::read(s3.join("bucket").join(manifest_key)).unwrap()).unwrap();
    let files =
        std::fs::read_to_string(s3.join("bucket").join(summary["manifestFilesS3Key"].as_str().unwrap()))
            .unwrap();
    let mut lines = Vec::new();
    for file in files.lines() {
        let file: Value = serde_json::from_str(file).unwrap();
        let data = gunzip(&s3.join("bucket").join(file["dataFileS3Key"].as_str().unwrap()));
        assert_eq!(data.lines().count() as u64, file["itemCount"].as_u64().unwrap());
        lines.extend(data.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()));
    }
    assert_eq!(lines.len() as u64, summary["itemCount"].as_u64().unwrap());
    lines
}

/// Imports `bucket/<prefix>` (read as `format`, gzipped or not) into a new
/// table `table`, and answers its DescribeImport.
async fn import_and_describe(
    client: &Client,
    prefix: &str,
    format: InputFormat,
    gzip: bool,
    table: &str,
) -> ImportTableDescription {
    let mut request = client
        .import_table()
        .s3_bucket_source(
            S3BucketSource::builder().s3_bucket("bucket").s3_key_prefix(prefix).build().unwrap(),
        )
        .input_format(format)
        .table_creation_parameters(creation(table));
    if gzip {
        request = request.input_compression_type(InputCompressionType::Gzip);
    }
    let out = request.send().await.unwrap();
    let arn = out.import_table_description().unwrap().import_arn().unwrap().to_string();
    let d = client.describe_import().import_arn(&arn).send().await.unwrap();
    d.import_table_description().unwrap().clone()
}

#[tokio::test]
async fn a_full_export_writes_the_service_layout_at_the_export_time() {
    let env = env().await;
    let (client, clock) = (&env.client, &env.emu.service().clock);
    table_with_pitr(client, "orders").await;
    put(client, "orders", "a", 1, "first").await;
    clock.set_ms(T0_MS + 60_000);
    put(client, "orders", "b", 2, "second").await;
    put(client, "orders", "a", 1, "changed").await;

    let out = client
        .export_table_to_point_in_time()
        .table_arn(arn("orders"))
        .s3_bucket("bucket")
        .s3_prefix("exports")
        .export_format(ExportFormat::DynamodbJson)
        .send()
        .await
        .unwrap();
    let d = out.export_description().unwrap();
    assert_eq!(d.export_status(), Some(&ExportStatus::InProgress), "the service answers IN_PROGRESS");
    let export_arn = d.export_arn().unwrap().to_string();
    assert!(export_arn.starts_with(&format!("{}/export/", arn("orders"))), "{export_arn}");

    let described = client.describe_export().export_arn(&export_arn).send().await.unwrap();
    let d = described.export_description().unwrap();
    assert_eq!(d.export_status(), Some(&ExportStatus::Completed));
    assert_eq!(d.item_count(), Some(2));
    assert_eq!(d.export_type(), Some(&ExportType::FullExport));
    let manifest = d.export_manifest().unwrap();
    assert!(manifest.starts_with("exports/AWSDynamoDB/"), "{manifest}");
    let lines = export_lines(&env.s3, manifest);
    let mut notes: Vec<&str> = lines.iter().map(|l| l["Item"]["note"]["S"].as_str().unwrap()).collect();
    notes.sort();
    assert_eq!(notes, ["changed", "second"]);
    let dir = env.s3.join("bucket").join(manifest).parent().unwrap().to_path_buf();
    assert!(dir.join("_started").exists());
    assert!(dir.join("manifest-summary.checksum").exists() && dir.join("manifest-files.checksum").exists());

    // The same table at an earlier time.
    let earlier = client
        .export_table_to_point_in_time()
        .table_arn(arn("orders"))
        .s3_bucket("bucket")
        .export_time(DateTime::from_millis((T0_MS + 30_000) as i64))
        .send()
        .await
        .unwrap();
    let earlier_arn = earlier.export_description().unwrap().export_arn().unwrap().to_string();
    let d = client.describe_export().export_arn(&earlier_arn).send().await.unwrap();
    let lines = export_lines(&env.s3, d.export_description().unwrap().export_manifest().unwrap());
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["Item"]["note"]["S"], "first");

    // ListExports pages; the table filter.
    let page = client.list_exports().max_results(1).send().await.unwrap();
    assert_eq!(page.export_summaries().len(), 1);
    assert_eq!(page.export_summaries()[0].export_arn(), Some(export_arn.as_str()));
    let next = page.next_token().expect("a second page").to_string();
    let rest = client.list_exports().max_results(1).next_token(next).send().await.unwrap();
    assert_eq!(rest.export_summaries()[0].export_arn(), Some(earlier_arn.as_str()));
    assert_eq!(rest.next_token(), None);
    let none = client.list_exports().table_arn(arn("other")).send().await.unwrap();
    assert!(none.export_summaries().is_empty());
}

#[tokio::test]
async fn an_incremental_export_lists_each_changed_item_with_its_images() {
    let env = env().await;
    let (client, clock) = (&env.client, &env.emu.service().clock);
    table_with_pitr(client, "orders").await;
    put(client, "orders", "kept", 1, "same").await;
    put(client, "orders", "changed", 1, "before").await;
    put(client, "orders", "removed", 1, "x").await;
    clock.set_ms(T0_MS + 60_000);
    put(client, "orders", "changed", 1, "after").await;
    put(client, "orders", "added", 1, "new").await;
    client
        .delete_item()
        .table_name("orders")
        .key("pk", AV::S("removed".into()))
        .key("sk", AV::N("1".into()))
        .send()
        .await
        .unwrap();
    clock.set_ms(T0_MS + 30 * 60_000);
    let spec = |view: ExportViewType| {
        IncrementalExportSpecification::builder()
            .export_from_time(DateTime::from_millis((T0_MS + 1_000) as i64))
            .export_to_time(DateTime::from_millis((T0_MS + 20 * 60_000) as i64))
            .export_view_type(view)
            .build()
    };
    let out = client
        .export_table_to_point_in_time()
        .table_arn(arn("orders"))
        .s3_bucket("bucket")
        .export_type(ExportType::IncrementalExport)
        .incremental_export_specification(spec(ExportViewType::NewAndOldImages))
        .send()
        .await
        .unwrap();
    let export_arn = out.export_description().unwrap().export_arn().unwrap().to_string();
    let d = client.describe_export().export_arn(&export_arn).send().await.unwrap();
    let d = d.export_description().unwrap();
    assert_eq!(d.export_type(), Some(&ExportType::IncrementalExport));
    let lines = export_lines(&env.s3, d.export_manifest().unwrap());
    let by_key = |pk: &str| lines.iter().find(|l| l["Keys"]["pk"]["S"] == pk).cloned();
    assert!(by_key("kept").is_none(), "unchanged items are not exported");
    let changed = by_key("changed").unwrap();
    assert_eq!(changed["OldImage"]["note"]["S"], "before");
    assert_eq!(changed["NewImage"]["note"]["S"], "after");
    assert_eq!(changed["Metadata"]["WriteTimestampMicros"]["N"], ((T0_MS + 60_000) * 1000).to_string());
    let added = by_key("added").unwrap();
    assert!(added.get("OldImage").is_none());
    let removed = by_key("removed").unwrap();
    assert!(removed.get("NewImage").is_none());
    assert_eq!(removed["OldImage"]["note"]["S"], "x");
    assert_eq!(lines.len(), 3);

    // NEW_IMAGE: no old images.
    let out = client
        .export_table_to_point_in_time()
        .table_arn(arn("orders"))
        .s3_bucket("bucket")
        .export_type(ExportType::IncrementalExport)
        .incremental_export_specification(spec(ExportViewType::NewImage))
        .send()
        .await
        .unwrap();
    let export_arn = out.export_description().unwrap().export_arn().unwrap().to_string();
    let d = client.describe_export().export_arn(&export_arn).send().await.unwrap();
    let lines = export_lines(&env.s3, d.export_description().unwrap().export_manifest().unwrap());
    assert!(lines.iter().all(|l| l.get("OldImage").is_none()));

    // A period under 15 minutes is refused.
    let (code, _) = expect_err!(
        client
            .export_table_to_point_in_time()
            .table_arn(arn("orders"))
            .s3_bucket("bucket")
            .export_type(ExportType::IncrementalExport)
            .incremental_export_specification(
                IncrementalExportSpecification::builder()
                    .export_from_time(DateTime::from_millis((T0_MS + 1_000) as i64))
                    .export_to_time(DateTime::from_millis((T0_MS + 60_000) as i64))
                    .build()
            )
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn export_errors() {
    let env = env().await;
    let client = &env.client;
    let export = |table: &str, bucket: &str| {
        client.export_table_to_point_in_time().table_arn(arn(table)).s3_bucket(bucket).send()
    };
    let (code, _) = expect_err!(export("missing", "bucket").await);
    assert_eq!(code, "TableNotFoundException");
    client
        .create_table()
        .table_name("plain")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(def("pk", ScalarAttributeType::S))
        .key_schema(key("pk", KeyType::Hash))
        .send()
        .await
        .unwrap();
    let (code, message) = expect_err!(export("plain", "bucket").await);
    assert_eq!(code, "PointInTimeRecoveryUnavailableException");
    assert!(message.contains("plain"), "{message}");
    table_with_pitr(client, "orders").await;
    let (code, _) = expect_err!(
        client
            .export_table_to_point_in_time()
            .table_arn(arn("orders"))
            .s3_bucket("bucket")
            .export_time(DateTime::from_millis((T0_MS - 60_000) as i64))
            .send()
            .await
    );
    assert_eq!(code, "InvalidExportTimeException");
    // A bucket that does not exist: the export fails, as the service's does.
    let out = export("orders", "nobucket").await.unwrap();
    let export_arn = out.export_description().unwrap().export_arn().unwrap().to_string();
    let d = client.describe_export().export_arn(&export_arn).send().await.unwrap();
    let d = d.export_description().unwrap();
    assert_eq!(d.export_status(), Some(&ExportStatus::Failed));
    assert_eq!(d.failure_code(), Some("S3NoSuchBucket"));
    // Client tokens: the same request answers the same export; another conflicts.
    let first = client
        .export_table_to_point_in_time()
        .table_arn(arn("orders"))
        .s3_bucket("bucket")
        .client_token("token-1")
        .send()
        .await
        .unwrap();
    let again = client
        .export_table_to_point_in_time()
        .table_arn(arn("orders"))
        .s3_bucket("bucket")
        .client_token("token-1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        first.export_description().unwrap().export_arn(),
        again.export_description().unwrap().export_arn()
    );
    let (code, _) = expect_err!(
        client
            .export_table_to_point_in_time()
            .table_arn(arn("orders"))
            .s3_bucket("bucket")
            .s3_prefix("elsewhere")
            .client_token("token-1")
            .send()
            .await
    );
    assert_eq!(code, "ExportConflictException");
    let (code, _) = expect_err!(
        client.describe_export().export_arn(format!("{}/export/nope", arn("orders"))).send().await
    );
    assert_eq!(code, "ExportNotFoundException");
}

fn creation(name: &str) -> TableCreationParameters {
    TableCreationParameters::builder()
        .table_name(name)
        .attribute_definitions(def("pk", ScalarAttributeType::S))
        .attribute_definitions(def("sk", ScalarAttributeType::N))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .billing_mode(BillingMode::PayPerRequest)
        .build()
        .unwrap()
}

#[tokio::test]
async fn an_export_imports_into_a_new_table() {
    let env = env().await;
    let client = &env.client;
    table_with_pitr(client, "orders").await;
    for i in 0..30 {
        put(client, "orders", &format!("k{}", i % 4), i, "note").await;
    }
    let out = client
        .export_table_to_point_in_time()
        .table_arn(arn("orders"))
        .s3_bucket("bucket")
        .s3_prefix("backup")
        .send()
        .await
        .unwrap();
    let d = client
        .describe_export()
        .export_arn(out.export_description().unwrap().export_arn().unwrap())
        .send()
        .await
        .unwrap();
    let manifest = d.export_description().unwrap().export_manifest().unwrap().to_string();
    let data_prefix = format!("{}/data/", manifest.rsplit_once('/').unwrap().0);

    let imported = client
        .import_table()
        .s3_bucket_source(
            S3BucketSource::builder().s3_bucket("bucket").s3_key_prefix(&data_prefix).build().unwrap(),
        )
        .input_format(InputFormat::DynamodbJson)
        .input_compression_type(InputCompressionType::Gzip)
        .table_creation_parameters(creation("orders_copy"))
        .send()
        .await
        .unwrap();
    let d = imported.import_table_description().unwrap();
    assert_eq!(d.import_status(), Some(&ImportStatus::InProgress));
    let import_arn = d.import_arn().unwrap().to_string();
    let d = client.describe_import().import_arn(&import_arn).send().await.unwrap();
    let d = d.import_table_description().unwrap();
    assert_eq!(d.import_status(), Some(&ImportStatus::Completed));
    assert_eq!(d.imported_item_count(), 30);
    assert_eq!(d.error_count(), 0);
    let a = client.scan().table_name("orders").send().await.unwrap();
    let b = client.scan().table_name("orders_copy").send().await.unwrap();
    assert_eq!(a.items(), b.items());
    let listed = client.list_imports().table_arn(arn("orders_copy")).send().await.unwrap();
    assert_eq!(listed.import_summary_list().len(), 1);
    assert_eq!(listed.import_summary_list()[0].import_arn(), Some(import_arn.as_str()));

    // Into a table that exists.
    let (code, _) = expect_err!(
        client
            .import_table()
            .s3_bucket_source(
                S3BucketSource::builder().s3_bucket("bucket").s3_key_prefix(&data_prefix).build().unwrap()
            )
            .input_format(InputFormat::DynamodbJson)
            .input_compression_type(InputCompressionType::Gzip)
            .table_creation_parameters(creation("orders"))
            .send()
            .await
    );
    assert_eq!(code, "ResourceInUseException");
    let (code, _) =
        expect_err!(client.describe_import().import_arn(format!("{}/import/nope", arn("x"))).send().await);
    assert_eq!(code, "ImportNotFoundException");
}

#[tokio::test]
async fn csv_and_plain_json_imports_count_the_lines_that_do_not_fit() {
    let env = env().await;
    let client = &env.client;
    std::fs::create_dir_all(env.s3.join("bucket/csv")).unwrap();
    std::fs::write(env.s3.join("bucket/csv/a.csv"), "pk;sk;note\na;1;hello\nb;not-a-number;x\nc;3;\n")
        .unwrap();
    let out = client
        .import_table()
        .s3_bucket_source(
            S3BucketSource::builder().s3_bucket("bucket").s3_key_prefix("csv/").build().unwrap(),
        )
        .input_format(InputFormat::Csv)
        .input_format_options(
            InputFormatOptions::builder().csv(CsvOptions::builder().delimiter(";").build()).build(),
        )
        .table_creation_parameters(creation("from_csv"))
        .send()
        .await
        .unwrap();
    let arn_csv = out.import_table_description().unwrap().import_arn().unwrap().to_string();
    let d = client.describe_import().import_arn(&arn_csv).send().await.unwrap();
    let d = d.import_table_description().unwrap();
    assert_eq!((d.imported_item_count(), d.error_count()), (2, 1));
    let item = client
        .get_item()
        .table_name("from_csv")
        .key("pk", AV::S("a".into()))
        .key("sk", AV::N("1".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(item.item().unwrap()["note"], AV::S("hello".into()));

    std::fs::create_dir_all(env.s3.join("bucket/json")).unwrap();
    std::fs::write(
        env.s3.join("bucket/json/items.json"),
        "{\"Item\":{\"pk\":{\"S\":\"a\"},\"sk\":{\"N\":\"1\"}}}\n{\"Item\":{\"pk\":{\"N\":\"7\"},\"sk\":{\"N\":\"1\"}}}\n",
    )
    .unwrap();
    let d = import_and_describe(client, "json/", InputFormat::DynamodbJson, false, "from_json").await;
    assert_eq!((d.imported_item_count(), d.error_count()), (1, 1), "a key of the wrong type is an error");

    // A bucket that does not exist: FAILED, no table.
    let out = client
        .import_table()
        .s3_bucket_source(S3BucketSource::builder().s3_bucket("nobucket").build().unwrap())
        .input_format(InputFormat::DynamodbJson)
        .table_creation_parameters(creation("never"))
        .send()
        .await
        .unwrap();
    let arn_failed = out.import_table_description().unwrap().import_arn().unwrap().to_string();
    let d = client.describe_import().import_arn(&arn_failed).send().await.unwrap();
    assert_eq!(d.import_table_description().unwrap().import_status(), Some(&ImportStatus::Failed));
    let (code, _) = expect_err!(client.describe_table().table_name("never").send().await);
    assert_eq!(code, "ResourceNotFoundException");
    // Pages of the model's token shape.
    let first = client.list_imports().page_size(2).send().await.unwrap();
    assert_eq!(first.import_summary_list().len(), 2);
    let token = first.next_token().unwrap().to_string();
    assert!(token.len() >= 112);
    let rest = client.list_imports().page_size(2).next_token(token).send().await.unwrap();
    assert_eq!(rest.import_summary_list().len(), 1);
    assert_eq!(rest.import_summary_list()[0].import_arn(), Some(arn_failed.as_str()));
}

/// The data lines of an ION export as text, found through its manifests.
fn ion_export_lines(s3: &Path, manifest_key: &str) -> Vec<String> {
    let summary: Value =
        serde_json::from_slice(&std::fs::read(s3.join("bucket").join(manifest_key)).unwrap()).unwrap();
    assert_eq!(summary["outputFormat"], "ION");
    let files =
        std::fs::read_to_string(s3.join("bucket").join(summary["manifestFilesS3Key"].as_str().unwrap()))
            .unwrap();
    let mut lines = Vec::new();
    for file in files.lines() {
        let file: Value = serde_json::from_str(file).unwrap();
        let key = file["dataFileS3Key"].as_str().unwrap();
        assert!(key.ends_with(".ion.gz"), "{key}");
        let data = gunzip(&s3.join("bucket").join(key));
        assert_eq!(data.lines().count() as u64, file["itemCount"].as_u64().unwrap());
        lines.extend(data.lines().map(str::to_string));
    }
    assert_eq!(lines.len() as u64, summary["itemCount"].as_u64().unwrap());
    lines
}

#[tokio::test]
async fn an_ion_export_writes_ion_text_that_imports_back() {
    let env = env().await;
    let client = &env.client;
    table_with_pitr(client, "orders").await;
    put(client, "orders", "plain", 2, "say \"hi\"").await;
    client
        .put_item()
        .table_name("orders")
        .item("pk", AV::S("all".into()))
        .item("sk", AV::N("1".into()))
        .item("b", AV::B(vec![1, 2, 3].into()))
        .item("bool", AV::Bool(true))
        .item("bs", AV::Bs(vec![vec![2].into(), vec![1].into()]))
        .item("f", AV::N("1.5".into()))
        .item("l", AV::L(vec![AV::S("x".into()), AV::N("2".into())]))
        .item("m", AV::M([("inner".to_string(), AV::Null(true))].into()))
        .item("n", AV::N("600".into()))
        .item("ns", AV::Ns(vec!["2".into(), "1".into()]))
        .item("nul", AV::Null(true))
        .item("ss", AV::Ss(vec!["b".into(), "a".into()]))
        .send()
        .await
        .unwrap();
    let out = client
        .export_table_to_point_in_time()
        .table_arn(arn("orders"))
        .s3_bucket("bucket")
        .s3_prefix("ion")
        .export_format(ExportFormat::Ion)
        .send()
        .await
        .unwrap();
    let export_arn = out.export_description().unwrap().export_arn().unwrap().to_string();
    let d = client.describe_export().export_arn(&export_arn).send().await.unwrap();
    let d = d.export_description().unwrap();
    assert_eq!(d.export_status(), Some(&ExportStatus::Completed));
    assert_eq!(d.export_format(), Some(&ExportFormat::Ion));
    assert_eq!(d.item_count(), Some(2));
    let manifest = d.export_manifest().unwrap().to_string();
    let mut lines = ion_export_lines(&env.s3, &manifest);
    lines.sort();
    assert_eq!(
        lines,
        [
            "$ion_1_0 {Item:{b:{{AQID}},bool:true,bs:$dynamodb_BS::[{{AQ==}},{{Ag==}}],f:1.5,l:[\"x\",2.],\
             m:{inner:null},n:6d2,ns:$dynamodb_NS::[1.,2.],nul:null,pk:\"all\",sk:1.,ss:$dynamodb_SS::[\"a\",\"b\"]}}",
            "$ion_1_0 {Item:{note:\"say \\\"hi\\\"\",pk:\"plain\",sk:2.}}",
        ]
    );

    // The export's data files import as ION into a new table, unchanged.
    let data_prefix = format!("{}/data/", manifest.rsplit_once('/').unwrap().0);
    let d = import_and_describe(client, &data_prefix, InputFormat::Ion, true, "orders_copy").await;
    assert_eq!(d.import_status(), Some(&ImportStatus::Completed));
    assert_eq!(d.input_format(), Some(&InputFormat::Ion));
    assert_eq!((d.imported_item_count(), d.error_count()), (2, 0));
    let a = client.scan().table_name("orders").send().await.unwrap();
    let b = client.scan().table_name("orders_copy").send().await.unwrap();
    assert_eq!(a.items(), b.items());
}

#[tokio::test]
async fn an_incremental_ion_export_writes_keys_and_images() {
    let env = env().await;
    let (client, clock) = (&env.client, &env.emu.service().clock);
    table_with_pitr(client, "orders").await;
    put(client, "orders", "changed", 1, "before").await;
    clock.set_ms(T0_MS + 60_000);
    put(client, "orders", "changed", 1, "after").await;
    clock.set_ms(T0_MS + 30 * 60_000);
    let out = client
        .export_table_to_point_in_time()
        .table_arn(arn("orders"))
        .s3_bucket("bucket")
        .export_format(ExportFormat::Ion)
        .export_type(ExportType::IncrementalExport)
        .incremental_export_specification(
            IncrementalExportSpecification::builder()
                .export_from_time(DateTime::from_millis((T0_MS + 1_000) as i64))
                .export_to_time(DateTime::from_millis((T0_MS + 20 * 60_000) as i64))
                .export_view_type(ExportViewType::NewAndOldImages)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let export_arn = out.export_description().unwrap().export_arn().unwrap().to_string();
    let d = client.describe_export().export_arn(&export_arn).send().await.unwrap();
    let lines = ion_export_lines(&env.s3, d.export_description().unwrap().export_manifest().unwrap());
    // 1_800_000_060_000_000 microseconds, as an Ion decimal.
    assert_eq!(
        lines,
        ["$ion_1_0 {Metadata:{WriteTimestampMicros:180000006d7},Keys:{pk:\"changed\",sk:1.},\
          NewImage:{note:\"after\",pk:\"changed\",sk:1.},OldImage:{note:\"before\",pk:\"changed\",sk:1.}}"]
    );
}

#[tokio::test]
async fn ion_imports_read_the_documented_layout_and_count_bad_lines() {
    let env = env().await;
    let client = &env.client;
    std::fs::create_dir_all(env.s3.join("bucket/ion")).unwrap();
    let lines = [
        // The Developer Guide's example item, keyed for this table.
        "$ion_1_0 {Item:{Authors:$dynamodb_SS::[\"Author1\",\"Author2\"],Dimensions:\"8.5 x 11.0 x 1.5\",\
         ISBN:\"333-3333333333\",pk:\"103\",sk:103.,InPublication:false,PageCount:6d2,Price:2d3,\
         ProductCategory:\"Book\",Title:\"Book 103 Title\"}}",
        // Every other type and set.
        "$ion_1_0 {Item:{pk:\"all\",sk:1.,b:{{AQID}},bs:$dynamodb_BS::[{{AQ==}},{{Ag==}}],\
         ns:$dynamodb_NS::[1.,2.5],m:{inner:null,l:[true,\"x\",3.]},n:-0.005,'odd name':'a symbol'}}",
        "",
        // Malformed: cut short.
        "$ion_1_0 {Item:{pk:\"bad\",sk:1.",
        // Well-formed, but the key has the wrong type for the table.
        "$ion_1_0 {Item:{pk:7.,sk:1.}}",
        // Not an item line.
        "$ion_1_0 {Thing:{pk:\"x\",sk:1.}}",
    ];
    std::fs::write(env.s3.join("bucket/ion/data.ion"), lines.join("\n")).unwrap();
    let d = import_and_describe(client, "ion/", InputFormat::Ion, false, "from_ion").await;
    assert_eq!(d.import_status(), Some(&ImportStatus::Completed));
    assert_eq!((d.imported_item_count(), d.error_count()), (2, 3));
    let get = |pk: &str, sk: &str| {
        client
            .get_item()
            .table_name("from_ion")
            .key("pk", AV::S(pk.into()))
            .key("sk", AV::N(sk.into()))
            .send()
    };
    let book = get("103", "103").await.unwrap();
    let book = book.item().unwrap();
    assert_eq!(book["Authors"], AV::Ss(vec!["Author1".into(), "Author2".into()]));
    assert_eq!(book["PageCount"], AV::N("600".into()));
    assert_eq!(book["Price"], AV::N("2000".into()));
    assert_eq!(book["InPublication"], AV::Bool(false));
    assert_eq!(book["Title"], AV::S("Book 103 Title".into()));
    let all = get("all", "1").await.unwrap();
    let all = all.item().unwrap();
    assert_eq!(all["b"], AV::B(vec![1, 2, 3].into()));
    assert_eq!(all["bs"], AV::Bs(vec![vec![1].into(), vec![2].into()]));
    let AV::Ns(ns) = &all["ns"] else { panic!("{:?}", all["ns"]) };
    let mut ns = ns.clone();
    ns.sort();
    assert_eq!(ns, ["1", "2.5"]);
    assert_eq!(
        all["m"],
        AV::M(
            [
                ("inner".to_string(), AV::Null(true)),
                ("l".to_string(), AV::L(vec![AV::Bool(true), AV::S("x".into()), AV::N("3".into())])),
            ]
            .into()
        )
    );
    assert_eq!(all["n"], AV::N("-0.005".into()));
    assert_eq!(all["odd name"], AV::S("a symbol".into()));

    // A format outside the model's enum.
    let (code, message) = expect_err!(
        client
            .import_table()
            .s3_bucket_source(S3BucketSource::builder().s3_bucket("bucket").build().unwrap())
            .input_format(InputFormat::from("XML"))
            .table_creation_parameters(creation("never"))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert!(message.contains("Member must satisfy enum value set: [DYNAMODB_JSON, ION, CSV]"), "{message}");
}
