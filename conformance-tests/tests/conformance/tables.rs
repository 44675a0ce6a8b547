//! The control plane: CreateTable / DescribeTable / ListTables / UpdateTable /
//! DeleteTable, the CREATING / UPDATING / DELETING lifecycle and the SDK's
//! waiters, Time to Live, tags, DescribeLimits and DescribeEndpoints.
//!
//! Behaviour follows the API reference of each operation and "Service,
//! account, and table quotas"; message texts are the service's where a public
//! report quotes them, otherwise the emulator's (see `error/messages/tables.rs`).

use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::config::{AsyncSleep, Sleep};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue as AV, BillingMode, CreateGlobalSecondaryIndexAction,
    DeleteGlobalSecondaryIndexAction, GlobalSecondaryIndex, GlobalSecondaryIndexUpdate, IndexStatus,
    KeySchemaElement, KeyType, LocalSecondaryIndex, Projection, ProjectionType, ProvisionedThroughput,
    ScalarAttributeType, SseSpecification, SseStatus, SseType, StreamSpecification, StreamViewType,
    TableClass, TableDescription, TableStatus, Tag, TimeToLiveSpecification, TimeToLiveStatus,
};
use aws_sdk_dynamodb::Client;
use ddb_conformance::{client_for, TestEnv};
use ddb_emulator::Emulator;
use std::collections::HashMap;
use std::time::{Duration, SystemTime};

// ---- Helpers ------------------------------------------------------------------

/// The error code, message and HTTP status of a call that must fail.
macro_rules! fails {
    ($result:expr) => {
        match $result {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(e) => {
                let status = e.raw_response().map(|r| r.status().as_u16()).unwrap_or(0);
                let (code, message) = ddb_conformance::error_parts(&e);
                (code, message, status)
            }
        }
    };
}

fn ad(name: &str, ty: ScalarAttributeType) -> AttributeDefinition {
    AttributeDefinition::builder().attribute_name(name).attribute_type(ty).build().unwrap()
}

fn hash(name: &str) -> KeySchemaElement {
    KeySchemaElement::builder().attribute_name(name).key_type(KeyType::Hash).build().unwrap()
}

fn range(name: &str) -> KeySchemaElement {
    KeySchemaElement::builder().attribute_name(name).key_type(KeyType::Range).build().unwrap()
}

fn throughput(read: i64, write: i64) -> ProvisionedThroughput {
    ProvisionedThroughput::builder().read_capacity_units(read).write_capacity_units(write).build().unwrap()
}

fn projection(ty: ProjectionType, non_key: &[&str]) -> Projection {
    let mut p = Projection::builder().projection_type(ty);
    for n in non_key {
        p = p.non_key_attributes(*n);
    }
    p.build()
}

fn gsi(name: &str, keys: Vec<KeySchemaElement>, p: Projection) -> GlobalSecondaryIndex {
    GlobalSecondaryIndex::builder().index_name(name).set_key_schema(Some(keys)).projection(p).build().unwrap()
}

fn s(v: &str) -> AV {
    AV::S(v.to_string())
}

fn item(pairs: &[(&str, &str)]) -> HashMap<String, AV> {
    pairs.iter().map(|(k, v)| (k.to_string(), s(v))).collect()
}

/// Creates an on-demand table keyed by string `pk`.
async fn create_simple(client: &Client, name: &str) -> TableDescription {
    client
        .create_table()
        .table_name(name)
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .key_schema(hash("pk"))
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("create table")
        .table_description
        .expect("table description")
}

async fn describe(client: &Client, name: &str) -> TableDescription {
    client.describe_table().table_name(name).send().await.expect("describe table").table.expect("table")
}

fn epoch_now() -> i64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64
}

fn assert_uuid(id: &str) {
    assert_eq!(id.len(), 36, "TableId {id:?}");
    for (i, c) in id.chars().enumerate() {
        if [8, 13, 18, 23].contains(&i) {
            assert_eq!(c, '-', "TableId {id:?}");
        } else {
            assert!(c.is_ascii_hexdigit(), "TableId {id:?}");
        }
    }
}

/// An SDK client for `endpoint` whose long sleeps (the waiters' 20 s minimum
/// delay) are shortened a hundredfold, so waiter tests run in well under a second.
fn fast_waiter_client(endpoint: &str) -> Client {
    #[derive(Debug)]
    struct FastSleep;
    impl AsyncSleep for FastSleep {
        fn sleep(&self, d: Duration) -> Sleep {
            let d = if d >= Duration::from_secs(10) { d / 100 } else { d };
            Sleep::new(tokio::time::sleep(d))
        }
    }
    let conf = client_for(endpoint).config().to_builder().sleep_impl(FastSleep).build();
    Client::from_conf(conf)
}

// ---- CreateTable + DescribeTable: happy paths ------------------------------------

#[tokio::test]
async fn create_hash_only_on_demand_and_describe() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let created = create_simple(c, "simple").await;
    assert_eq!(created.table_name(), Some("simple"));
    assert_eq!(created.table_status(), Some(&TableStatus::Active));
    assert_eq!(created.key_schema(), &[hash("pk")]);
    assert_eq!(created.attribute_definitions(), &[ad("pk", ScalarAttributeType::S)]);
    let arn = created.table_arn().expect("TableArn");
    assert!(arn.starts_with("arn:aws:dynamodb:us-east-1:"), "{arn}");
    assert!(arn.ends_with(":table/simple"), "{arn}");
    assert_uuid(created.table_id().expect("TableId"));
    let created_at = created.creation_date_time().expect("CreationDateTime").secs();
    assert!((created_at - epoch_now()).abs() < 60, "CreationDateTime {created_at}");
    assert_eq!(created.item_count(), Some(0));
    assert_eq!(created.table_size_bytes(), Some(0));
    let billing = created.billing_mode_summary().expect("BillingModeSummary");
    assert_eq!(billing.billing_mode(), Some(&BillingMode::PayPerRequest));
    assert!(billing.last_update_to_pay_per_request_date_time().is_some());
    let pt = created.provisioned_throughput().expect("ProvisionedThroughput");
    assert_eq!((pt.read_capacity_units(), pt.write_capacity_units()), (Some(0), Some(0)));
    assert_eq!(pt.number_of_decreases_today(), Some(0));
    assert_eq!(created.deletion_protection_enabled(), Some(false));
    assert!(created.global_secondary_indexes().is_empty());
    assert!(created.local_secondary_indexes().is_empty());
    assert!(created.stream_specification().is_none());
    assert!(created.latest_stream_arn().is_none());
    assert!(created.sse_description().is_none());

    let described = describe(c, "simple").await;
    assert_eq!(described.table_status(), Some(&TableStatus::Active));
    assert_eq!(described.table_arn(), created.table_arn());
    assert_eq!(described.table_id(), created.table_id());
    assert_eq!(described.creation_date_time(), created.creation_date_time());
    assert_eq!(described.key_schema(), created.key_schema());
}

#[tokio::test]
async fn item_count_and_size_follow_writes() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_simple(c, "counted").await;
    // Sizes: attribute name bytes + string value bytes ("pk"+"a1" = 4, "data"+"hello" = 9).
    for pk in ["a1", "b1"] {
        c.put_item()
            .table_name("counted")
            .set_item(Some(item(&[("pk", pk), ("data", "hello")])))
            .send()
            .await
            .unwrap();
    }
    let d = describe(c, "counted").await;
    assert_eq!(d.item_count(), Some(2));
    assert_eq!(d.table_size_bytes(), Some(26));
    c.delete_item().table_name("counted").key("pk", s("a1")).send().await.unwrap();
    let d = describe(c, "counted").await;
    assert_eq!(d.item_count(), Some(1));
    assert_eq!(d.table_size_bytes(), Some(13));
}

#[tokio::test]
async fn create_hash_range_provisioned() {
    let env = TestEnv::new().await;
    let c = &env.client;
    // No BillingMode: PROVISIONED is the default.
    let d = c
        .create_table()
        .table_name("prov")
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .attribute_definitions(ad("sk", ScalarAttributeType::N))
        .key_schema(hash("pk"))
        .key_schema(range("sk"))
        .provisioned_throughput(throughput(5, 7))
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    assert_eq!(d.key_schema(), &[hash("pk"), range("sk")]);
    let pt = d.provisioned_throughput().unwrap();
    assert_eq!((pt.read_capacity_units(), pt.write_capacity_units()), (Some(5), Some(7)));
    assert_eq!(pt.number_of_decreases_today(), Some(0));
    let d = describe(c, "prov").await;
    assert!(d.billing_mode_summary().is_none(), "no BillingModeSummary for a default-provisioned table");
    assert_eq!(d.provisioned_throughput().unwrap().read_capacity_units(), Some(5));

    // Explicit PROVISIONED.
    let d = c
        .create_table()
        .table_name("prov2")
        .attribute_definitions(ad("pk", ScalarAttributeType::B))
        .key_schema(hash("pk"))
        .billing_mode(BillingMode::Provisioned)
        .provisioned_throughput(throughput(1, 1))
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    if let Some(b) = d.billing_mode_summary() {
        assert_eq!(b.billing_mode(), Some(&BillingMode::Provisioned));
    }
    assert_eq!(d.attribute_definitions(), &[ad("pk", ScalarAttributeType::B)]);
}

#[tokio::test]
async fn create_with_three_gsis_and_describe_them() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let d = c
        .create_table()
        .table_name("gsis")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .attribute_definitions(ad("g1", ScalarAttributeType::S))
        .attribute_definitions(ad("g2", ScalarAttributeType::N))
        .key_schema(hash("pk"))
        .global_secondary_indexes(gsi("byG1", vec![hash("g1")], projection(ProjectionType::KeysOnly, &[])))
        .global_secondary_indexes(gsi(
            "byG1G2",
            vec![hash("g1"), range("g2")],
            projection(ProjectionType::Include, &["x", "y"]),
        ))
        .global_secondary_indexes(gsi("byG2", vec![hash("g2")], projection(ProjectionType::All, &[])))
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    let arn = d.table_arn().unwrap().to_string();
    let gsis = d.global_secondary_indexes();
    assert_eq!(gsis.len(), 3);
    let by_name = |n: &str| gsis.iter().find(|g| g.index_name() == Some(n)).unwrap_or_else(|| panic!("{n}"));
    let keys_only = by_name("byG1");
    assert_eq!(keys_only.key_schema(), &[hash("g1")]);
    assert_eq!(keys_only.projection().unwrap().projection_type(), Some(&ProjectionType::KeysOnly));
    assert_eq!(keys_only.index_status(), Some(&IndexStatus::Active));
    assert_eq!(keys_only.index_arn(), Some(format!("{arn}/index/byG1").as_str()));
    assert_eq!(keys_only.item_count(), Some(0));
    assert_eq!(keys_only.index_size_bytes(), Some(0));
    let pt = keys_only.provisioned_throughput().expect("index ProvisionedThroughput");
    assert_eq!((pt.read_capacity_units(), pt.write_capacity_units()), (Some(0), Some(0)));
    let include = by_name("byG1G2");
    assert_eq!(include.key_schema(), &[hash("g1"), range("g2")]);
    assert_eq!(include.projection().unwrap().projection_type(), Some(&ProjectionType::Include));
    assert_eq!(include.projection().unwrap().non_key_attributes(), &["x".to_string(), "y".to_string()]);
    assert_eq!(by_name("byG2").projection().unwrap().projection_type(), Some(&ProjectionType::All));

    // Index counts follow the items that carry the index keys (sparse indexes).
    let mut full = item(&[("pk", "1"), ("g1", "a"), ("x", "x")]);
    full.insert("g2".into(), AV::N("5".into()));
    c.put_item().table_name("gsis").set_item(Some(full)).send().await.unwrap();
    c.put_item().table_name("gsis").set_item(Some(item(&[("pk", "2"), ("g1", "b")]))).send().await.unwrap();
    c.put_item().table_name("gsis").set_item(Some(item(&[("pk", "3")]))).send().await.unwrap();
    let d = describe(c, "gsis").await;
    let count = |n: &str| {
        d.global_secondary_indexes().iter().find(|g| g.index_name() == Some(n)).unwrap().item_count().unwrap()
    };
    assert_eq!((count("byG1"), count("byG1G2"), count("byG2")), (2, 1, 1));
    assert_eq!(d.item_count(), Some(3));
    let size = |n: &str| {
        d.global_secondary_indexes()
            .iter()
            .find(|g| g.index_name() == Some(n))
            .unwrap()
            .index_size_bytes()
            .unwrap()
    };
    assert!(size("byG1") > 0 && size("byG2") > 0);
    let q = c
        .query()
        .table_name("gsis")
        .index_name("byG1")
        .key_condition_expression("g1 = :v")
        .expression_attribute_values(":v", s("b"))
        .send()
        .await
        .unwrap();
    assert_eq!(q.count(), 1);
    assert_eq!(q.items()[0], item(&[("pk", "2"), ("g1", "b")]));
}

#[tokio::test]
async fn create_with_lsi_and_query_it() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let d = c
        .create_table()
        .table_name("lsis")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .attribute_definitions(ad("sk", ScalarAttributeType::S))
        .attribute_definitions(ad("lsk", ScalarAttributeType::N))
        .key_schema(hash("pk"))
        .key_schema(range("sk"))
        .local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name("byLsk")
                .key_schema(hash("pk"))
                .key_schema(range("lsk"))
                .projection(projection(ProjectionType::All, &[]))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    let lsis = d.local_secondary_indexes();
    assert_eq!(lsis.len(), 1);
    assert_eq!(lsis[0].index_name(), Some("byLsk"));
    assert_eq!(lsis[0].key_schema(), &[hash("pk"), range("lsk")]);
    assert_eq!(lsis[0].projection().unwrap().projection_type(), Some(&ProjectionType::All));
    assert_eq!(lsis[0].index_arn(), Some(format!("{}/index/byLsk", d.table_arn().unwrap()).as_str()));
    assert!(d.global_secondary_indexes().is_empty());
    for (sk, lsk) in [("a", "3"), ("b", "1"), ("c", "2")] {
        let mut it = item(&[("pk", "p"), ("sk", sk)]);
        it.insert("lsk".into(), AV::N(lsk.into()));
        c.put_item().table_name("lsis").set_item(Some(it)).send().await.unwrap();
    }
    let q = c
        .query()
        .table_name("lsis")
        .index_name("byLsk")
        .key_condition_expression("pk = :p AND lsk >= :l")
        .expression_attribute_values(":p", s("p"))
        .expression_attribute_values(":l", AV::N("2".into()))
        .send()
        .await
        .unwrap();
    let sks: Vec<&str> = q.items().iter().map(|i| i["sk"].as_s().unwrap().as_str()).collect();
    assert_eq!(sks, vec!["c", "a"], "LSI order is by lsk");
    assert_eq!(describe(c, "lsis").await.local_secondary_indexes()[0].item_count(), Some(3));
}

#[tokio::test]
async fn gsi_with_multi_attribute_key() {
    // A GSI key schema may list up to 4 HASH and then up to 4 RANGE elements.
    let env = TestEnv::new().await;
    let c = &env.client;
    let d = c
        .create_table()
        .table_name("multi")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .attribute_definitions(ad("tenant", ScalarAttributeType::S))
        .attribute_definitions(ad("region", ScalarAttributeType::S))
        .attribute_definitions(ad("year", ScalarAttributeType::N))
        .attribute_definitions(ad("seq", ScalarAttributeType::N))
        .key_schema(hash("pk"))
        .global_secondary_indexes(gsi(
            "byTenantRegion",
            vec![hash("tenant"), hash("region"), range("year"), range("seq")],
            projection(ProjectionType::All, &[]),
        ))
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    let g = &d.global_secondary_indexes()[0];
    assert_eq!(g.key_schema(), &[hash("tenant"), hash("region"), range("year"), range("seq")]);
    assert_eq!(g.index_status(), Some(&IndexStatus::Active));
    let put = |pk: &str, tenant: &str, region: &str, year: &str, seq: &str| {
        let mut it = item(&[("pk", pk), ("tenant", tenant), ("region", region)]);
        it.insert("year".into(), AV::N(year.into()));
        it.insert("seq".into(), AV::N(seq.into()));
        c.put_item().table_name("multi").set_item(Some(it)).send()
    };
    put("1", "t1", "eu", "2024", "2").await.unwrap();
    put("2", "t1", "eu", "2024", "1").await.unwrap();
    put("3", "t1", "us", "2024", "1").await.unwrap();
    put("4", "t1", "eu", "2023", "9").await.unwrap();
    // An item missing one of the partition attributes is not in the index.
    c.put_item()
        .table_name("multi")
        .set_item(Some(item(&[("pk", "5"), ("tenant", "t1")])))
        .send()
        .await
        .unwrap();
    assert_eq!(describe(c, "multi").await.global_secondary_indexes()[0].item_count(), Some(4));
    let q = c
        .query()
        .table_name("multi")
        .index_name("byTenantRegion")
        .key_condition_expression("tenant = :t AND #r = :r AND #y = :y")
        .expression_attribute_names("#r", "region")
        .expression_attribute_names("#y", "year")
        .expression_attribute_values(":t", s("t1"))
        .expression_attribute_values(":r", s("eu"))
        .expression_attribute_values(":y", AV::N("2024".into()))
        .send()
        .await
        .unwrap();
    let pks: Vec<&str> = q.items().iter().map(|i| i["pk"].as_s().unwrap().as_str()).collect();
    assert_eq!(pks, vec!["2", "1"], "ordered by the sort attributes");
}

#[tokio::test]
async fn create_with_stream_sse_class_tags_and_protection() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let d = c
        .create_table()
        .table_name("options")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .key_schema(hash("pk"))
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .unwrap(),
        )
        .sse_specification(SseSpecification::builder().enabled(true).sse_type(SseType::Kms).build())
        .table_class(TableClass::StandardInfrequentAccess)
        .tags(Tag::builder().key("env").value("test").build().unwrap())
        .tags(Tag::builder().key("team").value("").build().unwrap())
        .deletion_protection_enabled(true)
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    let arn = d.table_arn().unwrap().to_string();
    let spec = d.stream_specification().expect("StreamSpecification");
    assert!(spec.stream_enabled());
    assert_eq!(spec.stream_view_type(), Some(&StreamViewType::NewAndOldImages));
    let label = d.latest_stream_label().expect("LatestStreamLabel");
    // e.g. 2015-05-11T21:21:33.291
    assert_eq!(label.len(), 23, "{label}");
    assert_eq!(&label[10..11], "T", "{label}");
    assert_eq!(d.latest_stream_arn(), Some(format!("{arn}/stream/{label}").as_str()));
    let sse = d.sse_description().expect("SSEDescription");
    assert_eq!(sse.status(), Some(&SseStatus::Enabled));
    assert_eq!(sse.sse_type(), Some(&SseType::Kms));
    assert!(sse.kms_master_key_arn().unwrap().starts_with("arn:aws:kms:us-east-1:"), "{sse:?}");
    assert_eq!(
        d.table_class_summary().expect("TableClassSummary").table_class(),
        Some(&TableClass::StandardInfrequentAccess)
    );
    assert_eq!(d.deletion_protection_enabled(), Some(true));

    let described = describe(c, "options").await;
    assert_eq!(described.latest_stream_arn(), d.latest_stream_arn());
    assert_eq!(described.deletion_protection_enabled(), Some(true));
    let mut tags: Vec<(String, String)> = c
        .list_tags_of_resource()
        .resource_arn(&arn)
        .send()
        .await
        .unwrap()
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    tags.sort();
    assert_eq!(tags, vec![("env".into(), "test".into()), ("team".into(), "".into())]);

    // Deletion protection blocks DeleteTable until it is turned off.
    let (code, msg, status) = fails!(c.delete_table().table_name("options").send().await);
    assert_eq!((code.as_str(), status), ("ValidationException", 400));
    assert_eq!(
        msg,
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first."
    );
    assert_eq!(describe(c, "options").await.table_status(), Some(&TableStatus::Active));
    let d = c
        .update_table()
        .table_name("options")
        .deletion_protection_enabled(false)
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    assert_eq!(d.deletion_protection_enabled(), Some(false));
    c.delete_table().table_name("options").send().await.unwrap();
}

#[tokio::test]
async fn sse_disabled_has_no_description() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let d = c
        .create_table()
        .table_name("owned")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .key_schema(hash("pk"))
        .sse_specification(SseSpecification::builder().enabled(false).build())
        .table_class(TableClass::Standard)
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    assert!(d.sse_description().is_none(), "an AWS owned key is not described");
    if let Some(class) = d.table_class_summary() {
        assert_eq!(class.table_class(), Some(&TableClass::Standard));
    }
}

// ---- CreateTable: errors -----------------------------------------------------------

#[tokio::test]
async fn create_table_key_schema_and_definition_errors() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let base = || c.create_table().table_name("bad").billing_mode(BillingMode::PayPerRequest);

    // A key attribute without a definition (quoted from the service in cfn-lint#1037).
    let (code, msg, status) = fails!(
        base()
            .attribute_definitions(ad("pk", ScalarAttributeType::S))
            .key_schema(hash("pk"))
            .key_schema(range("sk"))
            .send()
            .await
    );
    assert_eq!((code.as_str(), status), ("ValidationException", 400));
    assert_eq!(msg, "Invalid KeySchema: Some index key attribute have no definition");

    // A definition no key uses, without secondary indexes (cfn-lint#1037).
    let (code, msg, _) = fails!(
        base()
            .attribute_definitions(ad("pk", ScalarAttributeType::S))
            .attribute_definitions(ad("extra", ScalarAttributeType::S))
            .key_schema(hash("pk"))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"
    );

    // ... and with a secondary index (aws-sdk-java#335, cfn-lint#1037).
    let (code, msg, _) = fails!(
        base()
            .attribute_definitions(ad("pk", ScalarAttributeType::S))
            .attribute_definitions(ad("g", ScalarAttributeType::S))
            .attribute_definitions(ad("extra", ScalarAttributeType::S))
            .key_schema(hash("pk"))
            .global_secondary_indexes(gsi("byG", vec![hash("g")], projection(ProjectionType::All, &[])))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [pk, g, extra], keys used: [pk, g]"
    );

    // A GSI key attribute without a definition.
    let (code, msg, _) = fails!(
        base()
            .attribute_definitions(ad("pk", ScalarAttributeType::S))
            .key_schema(hash("pk"))
            .global_secondary_indexes(gsi("byG", vec![hash("g")], projection(ProjectionType::All, &[])))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [g], AttributeDefinitions: [pk]"
    );

    // First element not HASH; two HASH elements; the same attribute twice.
    let (code, msg, _) = fails!(
        base().attribute_definitions(ad("pk", ScalarAttributeType::S)).key_schema(range("pk")).send().await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    let (_, msg, _) = fails!(
        base()
            .attribute_definitions(ad("a", ScalarAttributeType::S))
            .attribute_definitions(ad("b", ScalarAttributeType::S))
            .key_schema(hash("a"))
            .key_schema(hash("b"))
            .send()
            .await
    );
    assert_eq!(msg, "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
    let (code, _, _) = fails!(
        base()
            .attribute_definitions(ad("a", ScalarAttributeType::S))
            .key_schema(hash("a"))
            .key_schema(range("a"))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");

    // Three elements in a table key schema.
    let (code, msg, _) = fails!(
        base()
            .attribute_definitions(ad("a", ScalarAttributeType::S))
            .attribute_definitions(ad("b", ScalarAttributeType::S))
            .attribute_definitions(ad("c", ScalarAttributeType::S))
            .key_schema(hash("a"))
            .key_schema(range("b"))
            .key_schema(range("c"))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "1 validation error detected: Value '[KeySchemaElement(attributeName=a, keyType=HASH), KeySchemaElement(attributeName=b, keyType=RANGE), KeySchemaElement(attributeName=c, keyType=RANGE)]' at 'KeySchema' failed to satisfy constraint: Member must have length less than or equal to 2"
    );

    // Nothing was created by any of these.
    assert!(c.list_tables().send().await.unwrap().table_names().is_empty());
}

#[tokio::test]
async fn create_existing_table_is_in_use() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_simple(c, "dup").await;
    let r = c
        .create_table()
        .table_name("dup")
        .attribute_definitions(ad("other", ScalarAttributeType::N))
        .key_schema(hash("other"))
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await;
    let (code, msg, status) = fails!(r);
    assert_eq!((code.as_str(), status), ("ResourceInUseException", 400));
    assert_eq!(msg, "Table already exists: dup");
    // The original definition is untouched; names are case-sensitive.
    assert_eq!(describe(c, "dup").await.key_schema(), &[hash("pk")]);
    create_simple(c, "DUP").await;
}

#[tokio::test]
async fn create_table_index_limits() {
    let env = TestEnv::new().await;
    let c = &env.client;

    // 21 GSIs (the per-table quota is 20).
    let mut req = c
        .create_table()
        .table_name("many")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .key_schema(hash("pk"));
    for i in 0..21 {
        req = req
            .attribute_definitions(ad(&format!("g{i}"), ScalarAttributeType::S))
            .global_secondary_indexes(gsi(
                &format!("idx{i}"),
                vec![hash(&format!("g{i}"))],
                projection(ProjectionType::KeysOnly, &[]),
            ));
    }
    let (code, msg, _) = fails!(req.send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20"
    );

    // Exactly 20 GSIs is fine.
    let mut req = c
        .create_table()
        .table_name("twenty")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .key_schema(hash("pk"));
    for i in 0..20 {
        req = req
            .attribute_definitions(ad(&format!("g{i}"), ScalarAttributeType::S))
            .global_secondary_indexes(gsi(
                &format!("idx{i}"),
                vec![hash(&format!("g{i}"))],
                projection(ProjectionType::KeysOnly, &[]),
            ));
    }
    assert_eq!(req.send().await.unwrap().table_description.unwrap().global_secondary_indexes().len(), 20);

    // 6 LSIs (the quota is 5).
    let lsi_table = |n: usize| {
        let mut req = c
            .create_table()
            .table_name("lsis")
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(ad("pk", ScalarAttributeType::S))
            .attribute_definitions(ad("sk", ScalarAttributeType::S))
            .key_schema(hash("pk"))
            .key_schema(range("sk"));
        for i in 0..n {
            req = req
                .attribute_definitions(ad(&format!("l{i}"), ScalarAttributeType::S))
                .local_secondary_indexes(
                    LocalSecondaryIndex::builder()
                        .index_name(format!("lsi{i}"))
                        .key_schema(hash("pk"))
                        .key_schema(range(&format!("l{i}")))
                        .projection(projection(ProjectionType::KeysOnly, &[]))
                        .build()
                        .unwrap(),
                );
        }
        req
    };
    let (code, msg, _) = fails!(lsi_table(6).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Number of LocalSecondaryIndexes exceeds per-table limit of 5"
    );
    assert_eq!(
        lsi_table(5).send().await.unwrap().table_description.unwrap().local_secondary_indexes().len(),
        5
    );

    // An LSI on a table without a sort key.
    let (code, msg, _) = fails!(
        c.create_table()
            .table_name("nolsi")
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(ad("pk", ScalarAttributeType::S))
            .attribute_definitions(ad("l", ScalarAttributeType::S))
            .key_schema(hash("pk"))
            .local_secondary_indexes(
                LocalSecondaryIndex::builder()
                    .index_name("lsi")
                    .key_schema(hash("pk"))
                    .key_schema(range("l"))
                    .projection(projection(ProjectionType::All, &[]))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"
    );

    // A GSI key schema with 5 HASH elements (at most 4).
    let mut req = c
        .create_table()
        .table_name("wide")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .key_schema(hash("pk"));
    let mut keys = Vec::new();
    for i in 0..5 {
        req = req.attribute_definitions(ad(&format!("h{i}"), ScalarAttributeType::S));
        keys.push(hash(&format!("h{i}")));
    }
    let (code, _, _) = fails!(
        req.global_secondary_indexes(gsi("wide", keys, projection(ProjectionType::All, &[]))).send().await
    );
    assert_eq!(code, "ValidationException");

    // INCLUDE without NonKeyAttributes (quoted from the service).
    let (code, msg, _) = fails!(
        c.create_table()
            .table_name("inc")
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(ad("pk", ScalarAttributeType::S))
            .attribute_definitions(ad("g", ScalarAttributeType::S))
            .key_schema(hash("pk"))
            .global_secondary_indexes(gsi("byG", vec![hash("g")], projection(ProjectionType::Include, &[])))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified"
    );
    assert_eq!(
        c.list_tables().send().await.unwrap().table_names(),
        &["lsis".to_string(), "twenty".to_string()]
    );
}

#[tokio::test]
async fn create_table_billing_errors() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let base = || {
        c.create_table()
            .table_name("billing")
            .attribute_definitions(ad("pk", ScalarAttributeType::S))
            .key_schema(hash("pk"))
    };
    // Default (provisioned) billing without throughput.
    let (code, msg, status) = fails!(base().send().await);
    assert_eq!((code.as_str(), status), ("ValidationException", 400));
    assert_eq!(msg, "No provisioned throughput specified for the table");

    // PAY_PER_REQUEST with throughput (quoted in aws-controllers-k8s/dynamodb-controller#73).
    let (code, msg, _) = fails!(
        base().billing_mode(BillingMode::PayPerRequest).provisioned_throughput(throughput(1, 1)).send().await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
    );

    // A GSI without throughput on a provisioned table (awsdocs/amazon-dynamodb-developer-guide#246).
    let (code, msg, _) = fails!(
        base()
            .provisioned_throughput(throughput(1, 1))
            .attribute_definitions(ad("g", ScalarAttributeType::S))
            .global_secondary_indexes(gsi(
                "GameTitleIndex",
                vec![hash("g")],
                projection(ProjectionType::All, &[])
            ))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "One or more parameter values were invalid: ProvisionedThroughput is not specified for index: GameTitleIndex");

    // Capacity above the per-table quota (40,000) is a LimitExceededException.
    let (code, _, _) = fails!(base().provisioned_throughput(throughput(40_001, 1)).send().await);
    assert_eq!(code, "LimitExceededException");
    assert!(c.list_tables().send().await.unwrap().table_names().is_empty());
}

#[tokio::test]
async fn create_table_explicit_provisioned_without_throughput() {
    // Explicit PROVISIONED without throughput: the service's text as quoted in
    // awslabs/amazon-kinesis-client#1357 (2024).
    let env = TestEnv::new().await;
    let r = env
        .client
        .create_table()
        .table_name("billing")
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .key_schema(hash("pk"))
        .billing_mode(BillingMode::Provisioned)
        .send()
        .await;
    let (code, msg, status) = fails!(r);
    assert_eq!((code.as_str(), status), ("ValidationException", 400));
    assert_eq!(
        msg,
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
    );
}

#[tokio::test]
async fn create_table_name_rules() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let create = |name: &str| {
        c.create_table()
            .table_name(name)
            .attribute_definitions(ad("pk", ScalarAttributeType::S))
            .key_schema(hash("pk"))
            .billing_mode(BillingMode::PayPerRequest)
            .send()
    };
    let (code, msg, status) = fails!(create("ab").await);
    assert_eq!((code.as_str(), status), ("ValidationException", 400));
    assert_eq!(
        msg,
        "1 validation error detected: Value 'ab' at 'TableName' failed to satisfy constraint: Member must have length greater than or equal to 3"
    );
    let (_, msg, _) = fails!(create("has space").await);
    assert_eq!(
        msg,
        "1 validation error detected: Value 'has space' at 'TableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    );
    let (_, msg, _) = fails!(create("a!").await);
    assert_eq!(
        msg,
        "2 validation errors detected: Value 'a!' at 'TableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a!' at 'TableName' failed to satisfy constraint: Member must have length greater than or equal to 3"
    );
    let long = "x".repeat(256);
    let (_, msg, _) = fails!(create(&long).await);
    assert_eq!(
        msg,
        format!(
            "1 validation error detected: Value '{long}' at 'TableName' failed to satisfy constraint: Member must have length less than or equal to 255"
        )
    );
    // The boundaries and every allowed character.
    create("abc").await.unwrap();
    create(&"y".repeat(255)).await.unwrap();
    create("A-z_0.9").await.unwrap();
    assert_eq!(c.list_tables().send().await.unwrap().table_names().len(), 3);
}

// ---- Table ARNs in place of names --------------------------------------------------

#[tokio::test]
async fn table_arn_as_table_name() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let arn = create_simple(c, "byarn").await.table_arn().unwrap().to_string();
    let d = describe(c, &arn).await;
    assert_eq!(d.table_name(), Some("byarn"));
    assert_eq!(d.table_arn(), Some(arn.as_str()));
    c.put_item().table_name(&arn).set_item(Some(item(&[("pk", "k"), ("v", "1")]))).send().await.unwrap();
    let got = c.get_item().table_name(&arn).key("pk", s("k")).send().await.unwrap();
    assert_eq!(got.item().unwrap()["v"], s("1"));
    let got = c.get_item().table_name("byarn").key("pk", s("k")).send().await.unwrap();
    assert_eq!(got.item().unwrap()["v"], s("1"));
    let ttl = c.describe_time_to_live().table_name(&arn).send().await.unwrap();
    assert_eq!(
        ttl.time_to_live_description().unwrap().time_to_live_status(),
        Some(&TimeToLiveStatus::Disabled)
    );
    // A missing table named by ARN.
    let missing = arn.replace(":table/byarn", ":table/nothere");
    let (code, _, _) = fails!(c.describe_table().table_name(&missing).send().await);
    assert_eq!(code, "ResourceNotFoundException");
    let (code, msg, _) = fails!(c.get_item().table_name(&missing).key("pk", s("k")).send().await);
    assert_eq!((code.as_str(), msg.as_str()), ("ResourceNotFoundException", "Requested resource not found"));
    c.delete_table().table_name(&arn).send().await.unwrap();
    assert!(c.list_tables().send().await.unwrap().table_names().is_empty());
}

// ---- ListTables -------------------------------------------------------------------

#[tokio::test]
async fn list_tables_pages() {
    let env = TestEnv::new().await;
    let c = &env.client;
    assert!(c.list_tables().send().await.unwrap().table_names().is_empty());
    for n in ["delta", "alpha", "echo", "Bravo", "charlie"] {
        create_simple(c, n).await;
    }
    let all = c.list_tables().send().await.unwrap();
    assert_eq!(all.table_names(), &["Bravo", "alpha", "charlie", "delta", "echo"].map(String::from));
    assert_eq!(all.last_evaluated_table_name(), None);

    let p1 = c.list_tables().limit(2).send().await.unwrap();
    assert_eq!(p1.table_names(), &["Bravo", "alpha"].map(String::from));
    assert_eq!(p1.last_evaluated_table_name(), Some("alpha"));
    let p2 = c.list_tables().limit(2).exclusive_start_table_name("alpha").send().await.unwrap();
    assert_eq!(p2.table_names(), &["charlie", "delta"].map(String::from));
    assert_eq!(p2.last_evaluated_table_name(), Some("delta"));
    let p3 = c.list_tables().limit(2).exclusive_start_table_name("delta").send().await.unwrap();
    assert_eq!(p3.table_names(), &["echo".to_string()]);
    assert_eq!(p3.last_evaluated_table_name(), None, "no LastEvaluatedTableName on the last page");
    // A page that ends exactly at the last table is the last page.
    let exact = c.list_tables().limit(5).send().await.unwrap();
    assert_eq!(exact.table_names().len(), 5);
    assert_eq!(exact.last_evaluated_table_name(), None);
    let exact = c.list_tables().limit(2).exclusive_start_table_name("Bravo").send().await.unwrap();
    assert_eq!(exact.last_evaluated_table_name(), Some("charlie"));
    // The start name need not exist; after the last table the page is empty.
    let p = c.list_tables().exclusive_start_table_name("ddd").send().await.unwrap();
    assert_eq!(p.table_names(), &["delta", "echo"].map(String::from));
    let p = c.list_tables().exclusive_start_table_name("zzz").send().await.unwrap();
    assert!(p.table_names().is_empty());
    assert_eq!(p.last_evaluated_table_name(), None);

    // The SDK paginator walks every page.
    let names: Vec<String> = c
        .list_tables()
        .limit(1)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(names, ["Bravo", "alpha", "charlie", "delta", "echo"].map(String::from));
}

#[tokio::test]
async fn list_tables_limit_bounds() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let (code, msg, status) = fails!(c.list_tables().limit(0).send().await);
    assert_eq!((code.as_str(), status), ("ValidationException", 400));
    assert_eq!(
        msg,
        "1 validation error detected: Value '0' at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
    );
    let (code, msg, _) = fails!(c.list_tables().limit(101).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "1 validation error detected: Value '101' at 'Limit' failed to satisfy constraint: Member must have value less than or equal to 100"
    );
    c.list_tables().limit(1).send().await.unwrap();
    c.list_tables().limit(100).send().await.unwrap();
    // ExclusiveStartTableName is a table *name* (3..255, [a-zA-Z0-9_.-]+).
    let (code, msg, _) = fails!(c.list_tables().exclusive_start_table_name("ab").send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "1 validation error detected: Value 'ab' at 'ExclusiveStartTableName' failed to satisfy constraint: Member must have length greater than or equal to 3"
    );
}

#[tokio::test]
async fn list_tables_sees_more_than_one_default_page() {
    let env = TestEnv::new().await;
    let c = &env.client;
    for i in 0..105 {
        create_simple(c, &format!("t{i:03}")).await;
    }
    let first = c.list_tables().send().await.unwrap();
    assert_eq!(first.table_names().len(), 100, "the default page holds 100 names");
    assert_eq!(first.last_evaluated_table_name(), Some("t099"));
    let rest = c.list_tables().exclusive_start_table_name("t099").send().await.unwrap();
    assert_eq!(rest.table_names().len(), 5);
    assert_eq!(rest.last_evaluated_table_name(), None);
}

// ---- UpdateTable ------------------------------------------------------------------

#[tokio::test]
async fn update_table_billing_switches() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_simple(c, "ondemand").await;
    // PAY_PER_REQUEST -> PROVISIONED needs throughput.
    let (code, _, _) =
        fails!(c.update_table().table_name("ondemand").billing_mode(BillingMode::Provisioned).send().await);
    assert_eq!(code, "ValidationException");
    let d = c
        .update_table()
        .table_name("ondemand")
        .billing_mode(BillingMode::Provisioned)
        .provisioned_throughput(throughput(3, 4))
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    let pt = d.provisioned_throughput().unwrap();
    assert_eq!((pt.read_capacity_units(), pt.write_capacity_units()), (Some(3), Some(4)));
    let d = describe(c, "ondemand").await;
    assert_eq!(d.billing_mode_summary().unwrap().billing_mode(), Some(&BillingMode::Provisioned));
    assert_eq!(d.table_status(), Some(&TableStatus::Active));

    // PROVISIONED -> PAY_PER_REQUEST: throughput reads 0.
    let prov = c
        .create_table()
        .table_name("provd")
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .key_schema(hash("pk"))
        .provisioned_throughput(throughput(5, 5))
        .send()
        .await;
    prov.unwrap();
    let (code, msg, _) = fails!(
        c.update_table()
            .table_name("provd")
            .billing_mode(BillingMode::PayPerRequest)
            .provisioned_throughput(throughput(5, 5))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
    );
    c.update_table().table_name("provd").billing_mode(BillingMode::PayPerRequest).send().await.unwrap();
    let d = describe(c, "provd").await;
    let billing = d.billing_mode_summary().unwrap();
    assert_eq!(billing.billing_mode(), Some(&BillingMode::PayPerRequest));
    assert!(billing.last_update_to_pay_per_request_date_time().is_some());
    let pt = d.provisioned_throughput().unwrap();
    assert_eq!((pt.read_capacity_units(), pt.write_capacity_units()), (Some(0), Some(0)));
}

#[tokio::test]
async fn update_table_throughput() {
    let env = TestEnv::new().await;
    let c = &env.client;
    c.create_table()
        .table_name("tput")
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .key_schema(hash("pk"))
        .provisioned_throughput(throughput(5, 5))
        .send()
        .await
        .unwrap();
    let d = c
        .update_table()
        .table_name("tput")
        .provisioned_throughput(throughput(10, 8))
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    assert_eq!(d.table_name(), Some("tput"));
    let pt = describe(c, "tput").await.provisioned_throughput().unwrap().clone();
    assert_eq!((pt.read_capacity_units(), pt.write_capacity_units()), (Some(10), Some(8)));
    assert!(pt.last_increase_date_time().is_some());
    // The same values again (quoted from the service in cortexproject/cortex#441).
    let (code, msg, _) =
        fails!(c.update_table().table_name("tput").provisioned_throughput(throughput(10, 8)).send().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: 10. Requested ReadCapacityUnits: 10. Current WriteCapacityUnits provisioned for the table: 8. Requested WriteCapacityUnits: 8. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
    );
    // A decrease is counted.
    c.update_table().table_name("tput").provisioned_throughput(throughput(2, 2)).send().await.unwrap();
    let pt = describe(c, "tput").await.provisioned_throughput().unwrap().clone();
    assert_eq!(pt.number_of_decreases_today(), Some(1));
    assert!(pt.last_decrease_date_time().is_some());
}

#[tokio::test]
async fn update_table_adds_backfilled_gsi_and_deletes_it() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_simple(c, "grow").await;
    for (pk, color) in [("1", "red"), ("2", "blue"), ("3", "red")] {
        c.put_item()
            .table_name("grow")
            .set_item(Some(item(&[("pk", pk), ("color", color)])))
            .send()
            .await
            .unwrap();
    }
    c.put_item().table_name("grow").set_item(Some(item(&[("pk", "4")]))).send().await.unwrap();
    let create = CreateGlobalSecondaryIndexAction::builder()
        .index_name("byColor")
        .key_schema(hash("color"))
        .projection(projection(ProjectionType::KeysOnly, &[]))
        .build()
        .unwrap();
    let d = c
        .update_table()
        .table_name("grow")
        .attribute_definitions(ad("color", ScalarAttributeType::S))
        .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().create(create).build())
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    assert_eq!(d.global_secondary_indexes().len(), 1);
    assert_eq!(d.global_secondary_indexes()[0].index_name(), Some("byColor"));
    let d = describe(c, "grow").await;
    let g = &d.global_secondary_indexes()[0];
    assert_eq!(g.index_status(), Some(&IndexStatus::Active));
    assert_eq!(g.item_count(), Some(3), "existing items are back-filled");
    assert_eq!(g.index_arn(), Some(format!("{}/index/byColor", d.table_arn().unwrap()).as_str()));
    let mut defs: Vec<String> =
        d.attribute_definitions().iter().map(|a| a.attribute_name().to_string()).collect();
    defs.sort();
    assert_eq!(defs, vec!["color".to_string(), "pk".to_string()]);
    let q = c
        .query()
        .table_name("grow")
        .index_name("byColor")
        .key_condition_expression("color = :c")
        .expression_attribute_values(":c", s("red"))
        .send()
        .await
        .unwrap();
    let mut pks: Vec<&str> = q.items().iter().map(|i| i["pk"].as_s().unwrap().as_str()).collect();
    pks.sort();
    assert_eq!(pks, vec!["1", "3"]);

    // A second index with that name.
    let again = CreateGlobalSecondaryIndexAction::builder()
        .index_name("byColor")
        .key_schema(hash("color"))
        .projection(projection(ProjectionType::All, &[]))
        .build()
        .unwrap();
    let (code, _, _) = fails!(
        c.update_table()
            .table_name("grow")
            .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().create(again).build())
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");

    // Delete it.
    let delete = DeleteGlobalSecondaryIndexAction::builder().index_name("byColor").build().unwrap();
    c.update_table()
        .table_name("grow")
        .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().delete(delete).build())
        .send()
        .await
        .unwrap();
    let d = describe(c, "grow").await;
    assert!(d.global_secondary_indexes().is_empty());
    assert_eq!(
        d.attribute_definitions(),
        &[ad("pk", ScalarAttributeType::S)],
        "unused definitions are dropped"
    );
    let (code, msg, _) = fails!(
        c.query()
            .table_name("grow")
            .index_name("byColor")
            .key_condition_expression("color = :c")
            .expression_attribute_values(":c", s("red"))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "The table does not have the specified index: byColor");
    // Deleting an index the table does not have.
    let delete = DeleteGlobalSecondaryIndexAction::builder().index_name("byColor").build().unwrap();
    let (code, _, _) = fails!(
        c.update_table()
            .table_name("grow")
            .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().delete(delete).build())
            .send()
            .await
    );
    assert_eq!(code, "ResourceNotFoundException");
}

#[tokio::test]
async fn update_table_rejects_two_index_creates() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_simple(c, "two").await;
    let action = |n: &str, attr: &str| {
        GlobalSecondaryIndexUpdate::builder()
            .create(
                CreateGlobalSecondaryIndexAction::builder()
                    .index_name(n)
                    .key_schema(hash(attr))
                    .projection(projection(ProjectionType::All, &[]))
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let (code, msg, status) = fails!(
        c.update_table()
            .table_name("two")
            .attribute_definitions(ad("a", ScalarAttributeType::S))
            .attribute_definitions(ad("b", ScalarAttributeType::S))
            .global_secondary_index_updates(action("idxA", "a"))
            .global_secondary_index_updates(action("idxB", "b"))
            .send()
            .await
    );
    // Quoted from the service in noppoMan/npdynamodb#29 and architect/architect#334.
    assert_eq!((code.as_str(), status), ("LimitExceededException", 400));
    assert_eq!(
        msg,
        "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table"
    );
    assert!(describe(c, "two").await.global_secondary_indexes().is_empty());
}

#[tokio::test]
async fn update_table_streams_protection_and_nothing_to_do() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let arn = create_simple(c, "upd").await.table_arn().unwrap().to_string();
    let enable = || {
        c.update_table()
            .table_name("upd")
            .stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::KeysOnly)
                    .build()
                    .unwrap(),
            )
            .send()
    };
    let d = enable().await.unwrap().table_description.unwrap();
    let spec = d.stream_specification().expect("StreamSpecification");
    assert!(spec.stream_enabled());
    assert_eq!(spec.stream_view_type(), Some(&StreamViewType::KeysOnly));
    let label = d.latest_stream_label().unwrap().to_string();
    assert_eq!(d.latest_stream_arn(), Some(format!("{arn}/stream/{label}").as_str()));
    assert_eq!(describe(c, "upd").await.latest_stream_arn(), d.latest_stream_arn());
    let (code, msg, _) = fails!(enable().await);
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Table already has an enabled stream: TableName: upd");
    // Disabling keeps the latest stream's ARN.
    c.update_table()
        .table_name("upd")
        .stream_specification(StreamSpecification::builder().stream_enabled(false).build().unwrap())
        .send()
        .await
        .unwrap();
    let d = describe(c, "upd").await;
    assert!(d.stream_specification().is_none());
    assert_eq!(d.latest_stream_arn(), Some(format!("{arn}/stream/{label}").as_str()));

    // Deletion protection on.
    let d = c
        .update_table()
        .table_name("upd")
        .deletion_protection_enabled(true)
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    assert_eq!(d.deletion_protection_enabled(), Some(true));
    let (code, _, _) = fails!(c.delete_table().table_name("upd").send().await);
    assert_eq!(code, "ValidationException");

    // Nothing to update.
    let (code, msg, status) = fails!(c.update_table().table_name("upd").send().await);
    assert_eq!((code.as_str(), status), ("ValidationException", 400));
    assert_eq!(
        msg,
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required"
    );

    // A missing table.
    let (code, msg, _) =
        fails!(c.update_table().table_name("nope").deletion_protection_enabled(true).send().await);
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(msg, "Requested resource not found: Table: nope not found");
}

// ---- DeleteTable ------------------------------------------------------------------

#[tokio::test]
async fn delete_table_then_it_is_gone() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_simple(c, "gone").await;
    c.put_item().table_name("gone").set_item(Some(item(&[("pk", "x")]))).send().await.unwrap();
    let d = c.delete_table().table_name("gone").send().await.unwrap().table_description.unwrap();
    assert_eq!(d.table_name(), Some("gone"));
    assert_eq!(d.table_status(), Some(&TableStatus::Deleting));
    let (code, msg, status) = fails!(c.describe_table().table_name("gone").send().await);
    assert_eq!((code.as_str(), status), ("ResourceNotFoundException", 400));
    assert_eq!(msg, "Requested resource not found: Table: gone not found");
    let (code, msg, _) = fails!(c.delete_table().table_name("gone").send().await);
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(msg, "Requested resource not found: Table: gone not found");
    let (code, msg, _) = fails!(c.get_item().table_name("gone").key("pk", s("x")).send().await);
    assert_eq!((code.as_str(), msg.as_str()), ("ResourceNotFoundException", "Requested resource not found"));
    assert!(c.list_tables().send().await.unwrap().table_names().is_empty());
    // The name can be reused, and the new table starts empty.
    create_simple(c, "gone").await;
    assert_eq!(describe(c, "gone").await.item_count(), Some(0));
    assert!(c.get_item().table_name("gone").key("pk", s("x")).send().await.unwrap().item().is_none());
}

// ---- Lifecycle with a transition delay; the SDK's waiters ----------------------------

#[tokio::test]
async fn creating_then_active_after_the_delay() {
    let emu = Emulator::builder().transition_delay(Duration::from_millis(300)).start().await.unwrap();
    let c = client_for(&emu.endpoint());
    let d = create_simple(&c, "slow").await;
    assert_eq!(d.table_status(), Some(&TableStatus::Creating));
    assert_eq!(describe(&c, "slow").await.table_status(), Some(&TableStatus::Creating));
    assert_eq!(c.list_tables().send().await.unwrap().table_names(), &["slow".to_string()]);

    // Data-plane calls see no table yet.
    let (code, msg, _) =
        fails!(c.put_item().table_name("slow").set_item(Some(item(&[("pk", "a")]))).send().await);
    assert_eq!((code.as_str(), msg.as_str()), ("ResourceNotFoundException", "Requested resource not found"));
    let (code, _, _) = fails!(c.get_item().table_name("slow").key("pk", s("a")).send().await);
    assert_eq!(code, "ResourceNotFoundException");
    let (code, _, _) = fails!(c.scan().table_name("slow").send().await);
    assert_eq!(code, "ResourceNotFoundException");

    // Control-plane changes wait for ACTIVE; a second create is refused.
    let (code, msg, _) =
        fails!(c.update_table().table_name("slow").deletion_protection_enabled(true).send().await);
    assert_eq!(code, "ResourceInUseException");
    assert_eq!(msg, "Attempt to change a resource which is still in use: Table is being created: slow");
    let (code, _, _) = fails!(c.delete_table().table_name("slow").send().await);
    assert_eq!(code, "ResourceInUseException");
    let (code, _, _) = fails!(
        c.create_table()
            .table_name("slow")
            .attribute_definitions(ad("pk", ScalarAttributeType::S))
            .key_schema(hash("pk"))
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await
    );
    assert_eq!(code, "ResourceInUseException");

    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(describe(&c, "slow").await.table_status(), Some(&TableStatus::Active));
    c.put_item().table_name("slow").set_item(Some(item(&[("pk", "a")]))).send().await.unwrap();

    // UPDATING: the table serves data, but refuses another change.
    let d = c
        .update_table()
        .table_name("slow")
        .deletion_protection_enabled(true)
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    assert_eq!(d.table_status(), Some(&TableStatus::Updating));
    assert!(c.get_item().table_name("slow").key("pk", s("a")).send().await.unwrap().item().is_some());
    let (code, msg, _) =
        fails!(c.update_table().table_name("slow").deletion_protection_enabled(false).send().await);
    assert_eq!(code, "ResourceInUseException");
    assert_eq!(msg, "Attempt to change a resource which is still in use: Table is being updated: slow");
    tokio::time::sleep(Duration::from_millis(450)).await;
    let d = describe(&c, "slow").await;
    assert_eq!(d.table_status(), Some(&TableStatus::Active));
    assert_eq!(d.deletion_protection_enabled(), Some(true));
}

#[tokio::test]
async fn deleting_then_gone_after_the_delay() {
    let emu = Emulator::builder().transition_delay(Duration::from_millis(300)).start().await.unwrap();
    let c = fast_waiter_client(&emu.endpoint());
    create_simple(&c, "bye").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let d = c.delete_table().table_name("bye").send().await.unwrap().table_description.unwrap();
    assert_eq!(d.table_status(), Some(&TableStatus::Deleting));
    assert_eq!(describe(&c, "bye").await.table_status(), Some(&TableStatus::Deleting));
    c.wait_until_table_not_exists()
        .table_name("bye")
        .wait(Duration::from_secs(60))
        .await
        .expect("table gone");
    let (code, _, _) = fails!(c.describe_table().table_name("bye").send().await);
    assert_eq!(code, "ResourceNotFoundException");
    assert!(c.list_tables().send().await.unwrap().table_names().is_empty());
}

#[tokio::test]
async fn sdk_waiter_table_exists() {
    // Already ACTIVE: the waiter's first poll succeeds (plain client, no waiting).
    let env = TestEnv::new().await;
    create_simple(&env.client, "ready").await;
    let done =
        env.client.wait_until_table_exists().table_name("ready").wait(Duration::from_secs(30)).await.unwrap();
    let out = done.as_result().expect("DescribeTable output");
    assert_eq!(out.table().unwrap().table_status(), Some(&TableStatus::Active));

    // CREATING, then ACTIVE after the delay: the waiter polls until it is.
    let emu = Emulator::builder().transition_delay(Duration::from_millis(300)).start().await.unwrap();
    let c = fast_waiter_client(&emu.endpoint());
    assert_eq!(create_simple(&c, "soon").await.table_status(), Some(&TableStatus::Creating));
    let done = c.wait_until_table_exists().table_name("soon").wait(Duration::from_secs(60)).await.unwrap();
    assert_eq!(done.as_result().unwrap().table().unwrap().table_status(), Some(&TableStatus::Active));
    c.put_item().table_name("soon").set_item(Some(item(&[("pk", "a")]))).send().await.unwrap();

    // Not there yet: ResourceNotFoundException is a retry, until the table appears.
    let creator = c.clone();
    let later = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        create_simple(&creator, "later").await;
    });
    let done = c.wait_until_table_exists().table_name("later").wait(Duration::from_secs(60)).await.unwrap();
    assert_eq!(done.as_result().unwrap().table().unwrap().table_name(), Some("later"));
    later.await.unwrap();
}

// ---- Time to Live -------------------------------------------------------------------

#[tokio::test]
async fn time_to_live_enable_and_disable() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let spec = |enabled: bool, attr: &str| {
        TimeToLiveSpecification::builder().enabled(enabled).attribute_name(attr).build().unwrap()
    };
    let (code, msg, _) = fails!(
        c.update_time_to_live().table_name("ttl").time_to_live_specification(spec(true, "exp")).send().await
    );
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(msg, "Requested resource not found: Table: ttl not found");
    let (code, _, _) = fails!(c.describe_time_to_live().table_name("ttl").send().await);
    assert_eq!(code, "ResourceNotFoundException");

    create_simple(c, "ttl").await;
    let d = c.describe_time_to_live().table_name("ttl").send().await.unwrap();
    let desc = d.time_to_live_description().unwrap();
    assert_eq!(desc.time_to_live_status(), Some(&TimeToLiveStatus::Disabled));
    assert_eq!(desc.attribute_name(), None);

    let out = c
        .update_time_to_live()
        .table_name("ttl")
        .time_to_live_specification(spec(true, "exp"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.time_to_live_specification(), Some(&spec(true, "exp")));
    let d = c.describe_time_to_live().table_name("ttl").send().await.unwrap();
    let desc = d.time_to_live_description().unwrap();
    assert!(
        matches!(desc.time_to_live_status(), Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)),
        "{desc:?}"
    );
    assert_eq!(desc.attribute_name(), Some("exp"));

    // Enabling again is a ValidationException.
    let (code, msg, status) = fails!(
        c.update_time_to_live().table_name("ttl").time_to_live_specification(spec(true, "exp")).send().await
    );
    assert_eq!((code.as_str(), status), ("ValidationException", 400));
    assert_eq!(msg, "TimeToLive is already enabled");

    let out = c
        .update_time_to_live()
        .table_name("ttl")
        .time_to_live_specification(spec(false, "exp"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.time_to_live_specification(), Some(&spec(false, "exp")));
    let d = c.describe_time_to_live().table_name("ttl").send().await.unwrap();
    assert!(matches!(
        d.time_to_live_description().unwrap().time_to_live_status(),
        Some(TimeToLiveStatus::Disabled | TimeToLiveStatus::Disabling)
    ));
    // UpdateTimeToLive's AttributeName constraint (1..255).
    let (code, msg, _) = fails!(
        c.update_time_to_live().table_name("ttl").time_to_live_specification(spec(true, "")).send().await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "1 validation error detected: Value '' at 'TimeToLiveSpecification.AttributeName' failed to satisfy constraint: Member must have length greater than or equal to 1"
    );
}

// ---- Tags -------------------------------------------------------------------------

#[tokio::test]
async fn tag_untag_and_list_by_arn() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let arn = create_simple(c, "tagged").await.table_arn().unwrap().to_string();
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build().unwrap();
    let list = || async {
        let mut t: Vec<(String, String)> = c
            .list_tags_of_resource()
            .resource_arn(&arn)
            .send()
            .await
            .unwrap()
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        t.sort();
        t
    };
    assert!(list().await.is_empty());
    c.tag_resource().resource_arn(&arn).tags(tag("a", "1")).tags(tag("b", "2")).send().await.unwrap();
    assert_eq!(list().await, vec![("a".into(), "1".into()), ("b".into(), "2".into())]);
    // An existing key takes the new value.
    c.tag_resource().resource_arn(&arn).tags(tag("a", "9")).send().await.unwrap();
    assert_eq!(list().await, vec![("a".into(), "9".into()), ("b".into(), "2".into())]);
    // Removing a key that is not there is not an error.
    c.untag_resource().resource_arn(&arn).tag_keys("a").tag_keys("zzz").send().await.unwrap();
    assert_eq!(list().await, vec![("b".into(), "2".into())]);

    // Not an ARN.
    let (code, _, status) = fails!(c.tag_resource().resource_arn("tagged").tags(tag("x", "1")).send().await);
    assert_eq!((code.as_str(), status), ("ValidationException", 400));
    let (code, _, _) = fails!(c.list_tags_of_resource().resource_arn("not-an-arn").send().await);
    assert_eq!(code, "ValidationException");
    let (code, _, _) =
        fails!(c.untag_resource().resource_arn("arn:aws:s3:::bucket").tag_keys("b").send().await);
    assert_eq!(code, "ValidationException");
    // A table ARN naming no table (text, misspelling included, quoted in
    // turbot/steampipe-plugin-aws#1516).
    let missing = arn.replace(":table/tagged", ":table/missing");
    let (code, msg, _) = fails!(c.list_tags_of_resource().resource_arn(&missing).send().await);
    assert_eq!(code, "ResourceNotFoundException");
    assert_eq!(msg, format!("Requested resource not found: ResourcArn: {missing} not found"));
    // Tagging one: AccessDeniedException, as the service answers (issue 15).
    let (code, _, _) = fails!(c.tag_resource().resource_arn(&missing).tags(tag("x", "1")).send().await);
    assert_eq!(code, "AccessDeniedException");
    // Reserved prefix; too many tags.
    let (code, _, _) = fails!(c.tag_resource().resource_arn(&arn).tags(tag("aws:x", "1")).send().await);
    assert_eq!(code, "ValidationException");
    let mut req = c.tag_resource().resource_arn(&arn);
    for i in 0..50 {
        req = req.tags(tag(&format!("k{i}"), "v"));
    }
    let (code, _, _) = fails!(req.send().await);
    assert!(code == "ValidationException" || code == "LimitExceededException", "{code}");
    assert_eq!(list().await, vec![("b".into(), "2".into())], "a failed TagResource changes nothing");
}

// ---- DescribeLimits, DescribeEndpoints -----------------------------------------------

#[tokio::test]
async fn describe_limits_reports_default_quotas() {
    let env = TestEnv::new().await;
    let l = env.client.describe_limits().send().await.unwrap();
    assert_eq!(l.account_max_read_capacity_units(), Some(80_000));
    assert_eq!(l.account_max_write_capacity_units(), Some(80_000));
    assert_eq!(l.table_max_read_capacity_units(), Some(40_000));
    assert_eq!(l.table_max_write_capacity_units(), Some(40_000));
}

#[tokio::test]
async fn describe_endpoints_names_the_emulator_itself() {
    let env = TestEnv::new().await;
    let e = env.client.describe_endpoints().send().await.unwrap();
    assert_eq!(e.endpoints().len(), 1);
    // The emulator's own address: an endpoint-discovery client stays here.
    assert_eq!(format!("http://{}", e.endpoints()[0].address()), env.endpoint);
    assert_eq!(e.endpoints()[0].cache_period_in_minutes(), 1440);
}

// ---- More edges ----------------------------------------------------------------------

#[tokio::test]
async fn foreign_table_arns_do_not_resolve() {
    // Tables are unique per account and region: an ARN of another region or
    // account names another table, not this endpoint's table of the same name.
    let env = TestEnv::new().await;
    let c = &env.client;
    let arn = create_simple(c, "local").await.table_arn().unwrap().to_string();
    let other_region = arn.replace(":us-east-1:", ":eu-west-1:");
    let account = arn.split(':').nth(4).unwrap().to_string();
    let other_account = arn.replace(&format!(":{account}:"), ":999999999999:");
    for foreign in [&other_region, &other_account] {
        let r = c.describe_table().table_name(foreign.as_str()).send().await;
        assert!(r.is_err(), "DescribeTable {foreign} resolved to the local table: {r:?}");
        let r = c.put_item().table_name(foreign.as_str()).set_item(Some(item(&[("pk", "x")]))).send().await;
        assert!(r.is_err(), "PutItem {foreign} wrote into the local table");
    }
    assert_eq!(describe(c, "local").await.item_count(), Some(0));
}

#[tokio::test]
async fn keys_only_index_size_counts_only_projected_attributes() {
    let env = TestEnv::new().await;
    let c = &env.client;
    c.create_table()
        .table_name("sizes")
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .attribute_definitions(ad("g", ScalarAttributeType::S))
        .key_schema(hash("pk"))
        .global_secondary_indexes(gsi("keys", vec![hash("g")], projection(ProjectionType::KeysOnly, &[])))
        .global_secondary_indexes(gsi("all", vec![hash("g")], projection(ProjectionType::All, &[])))
        .send()
        .await
        .unwrap();
    let big = "x".repeat(10_000);
    c.put_item()
        .table_name("sizes")
        .set_item(Some(item(&[("pk", "1"), ("g", "a"), ("payload", &big)])))
        .send()
        .await
        .unwrap();
    let d = describe(c, "sizes").await;
    let size = |n: &str| {
        d.global_secondary_indexes()
            .iter()
            .find(|g| g.index_name() == Some(n))
            .unwrap()
            .index_size_bytes()
            .unwrap()
    };
    assert!(size("all") >= 10_000);
    assert!(size("keys") < 1_000, "a KEYS_ONLY index holds only keys, not the payload: {}", size("keys"));
}

#[tokio::test]
async fn update_table_gsi_throughput_and_definition_rules() {
    let env = TestEnv::new().await;
    let c = &env.client;
    c.create_table()
        .table_name("rules")
        .attribute_definitions(ad("pk", ScalarAttributeType::S))
        .key_schema(hash("pk"))
        .provisioned_throughput(throughput(1, 1))
        .send()
        .await
        .unwrap();
    let create = |name: &str, attr: &str, pt: Option<ProvisionedThroughput>| {
        GlobalSecondaryIndexUpdate::builder()
            .create(
                CreateGlobalSecondaryIndexAction::builder()
                    .index_name(name)
                    .key_schema(hash(attr))
                    .projection(projection(ProjectionType::All, &[]))
                    .set_provisioned_throughput(pt)
                    .build()
                    .unwrap(),
            )
            .build()
    };
    // Provisioned table: the new index needs throughput.
    let (code, msg, _) = fails!(
        c.update_table()
            .table_name("rules")
            .attribute_definitions(ad("a", ScalarAttributeType::S))
            .global_secondary_index_updates(create("idxA", "a", None))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: ProvisionedThroughput is not specified for index: idxA"
    );
    // A key attribute without a definition.
    let (code, _, _) = fails!(
        c.update_table()
            .table_name("rules")
            .global_secondary_index_updates(create("idxA", "a", Some(throughput(1, 1))))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    // Redefining the table key's type.
    let (code, _, _) = fails!(
        c.update_table()
            .table_name("rules")
            .attribute_definitions(ad("pk", ScalarAttributeType::N))
            .global_secondary_index_updates(create("idxP", "pk", Some(throughput(1, 1))))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    c.update_table()
        .table_name("rules")
        .attribute_definitions(ad("a", ScalarAttributeType::S))
        .global_secondary_index_updates(create("idxA", "a", Some(throughput(2, 3))))
        .send()
        .await
        .unwrap();
    let d = describe(c, "rules").await;
    let pt = d.global_secondary_indexes()[0].provisioned_throughput().unwrap();
    assert_eq!((pt.read_capacity_units(), pt.write_capacity_units()), (Some(2), Some(3)));
    // On-demand: throughput on a new index is refused.
    create_simple(c, "ondem").await;
    let (code, msg, _) = fails!(
        c.update_table()
            .table_name("ondem")
            .attribute_definitions(ad("a", ScalarAttributeType::S))
            .global_secondary_index_updates(create("idxA", "a", Some(throughput(1, 1))))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: ProvisionedThroughput should not be specified for index: idxA when BillingMode is PAY_PER_REQUEST"
    );
    // Switching an on-demand table with a GSI to PROVISIONED needs the index's throughput too.
    c.update_table()
        .table_name("ondem")
        .attribute_definitions(ad("a", ScalarAttributeType::S))
        .global_secondary_index_updates(create("idxA", "a", None))
        .send()
        .await
        .unwrap();
    let (code, _, _) = fails!(
        c.update_table()
            .table_name("ondem")
            .billing_mode(BillingMode::Provisioned)
            .provisioned_throughput(throughput(1, 1))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        describe(c, "ondem").await.billing_mode_summary().unwrap().billing_mode(),
        Some(&BillingMode::PayPerRequest)
    );
}

#[tokio::test]
async fn create_table_index_semantics() {
    let env = TestEnv::new().await;
    let c = &env.client;
    let base = || {
        c.create_table()
            .table_name("idx")
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(ad("pk", ScalarAttributeType::S))
            .attribute_definitions(ad("sk", ScalarAttributeType::S))
            .attribute_definitions(ad("g", ScalarAttributeType::S))
            .key_schema(hash("pk"))
            .key_schema(range("sk"))
    };
    let lsi = |name: &str, h: &str, r: &str| {
        LocalSecondaryIndex::builder()
            .index_name(name)
            .key_schema(hash(h))
            .key_schema(range(r))
            .projection(projection(ProjectionType::All, &[]))
            .build()
            .unwrap()
    };
    // An LSI and a GSI with one name.
    let (code, _, _) = fails!(
        base()
            .local_secondary_indexes(lsi("same", "pk", "g"))
            .global_secondary_indexes(gsi("same", vec![hash("g")], projection(ProjectionType::All, &[])))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    // An LSI whose partition key is not the table's.
    let (code, _, _) = fails!(base().local_secondary_indexes(lsi("other", "g", "sk")).send().await);
    assert_eq!(code, "ValidationException");
    // NonKeyAttributes with KEYS_ONLY.
    let (code, _, _) = fails!(
        base()
            .global_secondary_indexes(gsi("k", vec![hash("g")], projection(ProjectionType::KeysOnly, &["x"])))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    // More than 100 projected non-key attributes over all indexes (6 x 20).
    let mut req = base();
    for i in 0..6 {
        let names: Vec<String> = (0..20).map(|j| format!("a{i}_{j}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        req = req.global_secondary_indexes(gsi(
            &format!("inc{i}"),
            vec![hash("g")],
            projection(ProjectionType::Include, &refs),
        ));
    }
    let (code, _, _) = fails!(req.send().await);
    assert_eq!(code, "ValidationException");
    // A disabled stream with a view type (quoted from the service).
    let (code, msg, _) = fails!(
        c.create_table()
            .table_name("strm")
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(ad("pk", ScalarAttributeType::S))
            .key_schema(hash("pk"))
            .stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(false)
                    .stream_view_type(StreamViewType::KeysOnly)
                    .build()
                    .unwrap()
            )
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Table is being created with a stream disabled, UpdateViewType should not be specified"
    );
    assert!(c.list_tables().send().await.unwrap().table_names().is_empty());
}

#[tokio::test]
async fn backfilling_gsi_and_deleting_table_edges() {
    let emu = Emulator::builder().transition_delay(Duration::from_millis(300)).start().await.unwrap();
    let c = client_for(&emu.endpoint());
    create_simple(&c, "edge").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    for i in 0..3 {
        c.put_item()
            .table_name("edge")
            .set_item(Some(item(&[("pk", &i.to_string()), ("g", "v")])))
            .send()
            .await
            .unwrap();
    }
    // A GSI being created: CREATING + Backfilling, not queryable.
    let d = c
        .update_table()
        .table_name("edge")
        .attribute_definitions(ad("g", ScalarAttributeType::S))
        .global_secondary_index_updates(
            GlobalSecondaryIndexUpdate::builder()
                .create(
                    CreateGlobalSecondaryIndexAction::builder()
                        .index_name("byG")
                        .key_schema(hash("g"))
                        .projection(projection(ProjectionType::All, &[]))
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap()
        .table_description
        .unwrap();
    assert_eq!(d.table_status(), Some(&TableStatus::Updating));
    let g = &d.global_secondary_indexes()[0];
    assert_eq!(g.index_status(), Some(&IndexStatus::Creating));
    assert_eq!(g.backfilling(), Some(true));
    let (code, msg, _) = fails!(
        c.query()
            .table_name("edge")
            .index_name("byG")
            .key_condition_expression("g = :g")
            .expression_attribute_values(":g", s("v"))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(msg, "Cannot read from backfilling global secondary index: byG");
    // DeleteTable while UPDATING: ResourceInUseException.
    let (code, _, _) = fails!(c.delete_table().table_name("edge").send().await);
    assert_eq!(code, "ResourceInUseException");
    tokio::time::sleep(Duration::from_millis(450)).await;
    let d = describe(&c, "edge").await;
    assert_eq!(d.global_secondary_indexes()[0].index_status(), Some(&IndexStatus::Active));
    assert_eq!(d.global_secondary_indexes()[0].item_count(), Some(3));
    // DELETING: a second DeleteTable is not an error; CreateTable of the name is.
    c.delete_table().table_name("edge").send().await.unwrap();
    let again = c.delete_table().table_name("edge").send().await.unwrap();
    assert_eq!(again.table_description.unwrap().table_status(), Some(&TableStatus::Deleting));
    let (code, _, _) = fails!(
        c.create_table()
            .table_name("edge")
            .attribute_definitions(ad("pk", ScalarAttributeType::S))
            .key_schema(hash("pk"))
            .billing_mode(BillingMode::PayPerRequest)
            .send()
            .await
    );
    assert_eq!(code, "ResourceInUseException");
    let (code, _, _) =
        fails!(c.update_table().table_name("edge").deletion_protection_enabled(true).send().await);
    assert_eq!(code, "ResourceInUseException");
    assert_eq!(c.list_tables().send().await.unwrap().table_names(), &["edge".to_string()]);
}

#[tokio::test]
async fn ttl_other_attribute_reserved_tags_and_arn_create() {
    let env = TestEnv::new().await;
    let c = &env.client;
    create_simple(c, "ttl2").await;
    let spec = |enabled: bool, attr: &str| {
        TimeToLiveSpecification::builder().enabled(enabled).attribute_name(attr).build().unwrap()
    };
    c.update_time_to_live()
        .table_name("ttl2")
        .time_to_live_specification(spec(true, "exp"))
        .send()
        .await
        .unwrap();
    let (code, _, _) = fails!(
        c.update_time_to_live()
            .table_name("ttl2")
            .time_to_live_specification(spec(true, "other"))
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    // Reserved tag keys at creation.
    let (code, _, _) = fails!(
        c.create_table()
            .table_name("tagz")
            .attribute_definitions(ad("pk", ScalarAttributeType::S))
            .key_schema(hash("pk"))
            .billing_mode(BillingMode::PayPerRequest)
            .tags(Tag::builder().key("aws:cloudformation:stack-name").value("x").build().unwrap())
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    // CreateTable with an ARN as TableName creates the named table.
    let arn = create_simple(c, "ttl2b").await.table_arn().unwrap().replace("ttl2b", "viaarn");
    let d = create_simple(c, &arn).await;
    assert_eq!(d.table_name(), Some("viaarn"));
    assert_eq!(d.table_arn(), Some(arn.as_str()));
}
