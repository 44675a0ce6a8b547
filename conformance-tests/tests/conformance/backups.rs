//! On-demand backups and point-in-time recovery through the SDK:
//! CreateBackup, DescribeBackup, ListBackups, DeleteBackup,
//! RestoreTableFromBackup, UpdateContinuousBackups,
//! DescribeContinuousBackups, RestoreTableToPointInTime. Time-driven cases
//! run on the emulator's manual clock (no sleeping).

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue as AV, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    PointInTimeRecoverySpecification, PointInTimeRecoveryStatus, Projection, ProjectionType,
    ScalarAttributeType, TableStatus,
};
use aws_sdk_dynamodb::Client;
use ddb_conformance::{expect_err, TestEnv};
use ddb_emulator::Emulator;
use std::time::Duration;

const T0_MS: u64 = 1_800_000_000_000;

async fn env_at(ms: u64, delay: Duration) -> (Emulator, Client) {
    let emu = Emulator::builder().transition_delay(delay).start().await.unwrap();
    emu.service().clock.set_ms(ms);
    let client = ddb_conformance::client_for(&emu.endpoint());
    (emu, client)
}

async fn create_table(client: &Client, name: &str) {
    let key =
        |n: &str, t: KeyType| KeySchemaElement::builder().attribute_name(n).key_type(t).build().unwrap();
    let def = |n: &str| {
        AttributeDefinition::builder()
            .attribute_name(n)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .unwrap()
    };
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(def("pk"))
        .attribute_definitions(def("colour"))
        .key_schema(key("pk", KeyType::Hash))
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name("by_colour")
                .key_schema(key("colour", KeyType::Hash))
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
}

async fn put(client: &Client, table: &str, pk: &str, colour: &str) {
    client
        .put_item()
        .table_name(table)
        .item("pk", AV::S(pk.into()))
        .item("colour", AV::S(colour.into()))
        .send()
        .await
        .unwrap();
}

async fn keys(client: &Client, table: &str) -> Vec<String> {
    let out = client.scan().table_name(table).send().await.unwrap();
    let mut keys: Vec<String> = out.items().iter().map(|i| i["pk"].as_s().unwrap().clone()).collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn a_backup_keeps_the_table_as_it_was_and_restores_into_a_new_table() {
    let (emu, client) = env_at(T0_MS, Duration::ZERO).await;
    create_table(&client, "orders").await;
    put(&client, "orders", "a", "red").await;
    put(&client, "orders", "b", "blue").await;
    let created = client.create_backup().table_name("orders").backup_name("nightly").send().await.unwrap();
    let details = created.backup_details().unwrap();
    assert_eq!(details.backup_status().as_str(), "CREATING");
    assert_eq!(details.backup_name(), "nightly");
    assert_eq!(details.backup_type().as_str(), "USER");
    let arn = details.backup_arn().to_string();
    assert!(
        arn.starts_with("arn:aws:dynamodb:us-east-1:000000000000:table/orders/backup/01800000000000-"),
        "{arn}"
    );

    // Later writes do not reach the backup.
    put(&client, "orders", "c", "red").await;
    client.delete_item().table_name("orders").key("pk", AV::S("a".into())).send().await.unwrap();

    let described = client.describe_backup().backup_arn(&arn).send().await.unwrap();
    let d = described.backup_description().unwrap();
    assert_eq!(d.backup_details().unwrap().backup_status().as_str(), "AVAILABLE");
    let source = d.source_table_details().unwrap();
    assert_eq!(source.table_name(), "orders");
    assert_eq!(source.item_count(), Some(2));
    let features = d.source_table_feature_details().unwrap();
    assert_eq!(features.global_secondary_indexes()[0].index_name(), Some("by_colour"));

    let restored = client
        .restore_table_from_backup()
        .target_table_name("orders_copy")
        .backup_arn(&arn)
        .send()
        .await
        .unwrap();
    let table = restored.table_description().unwrap();
    assert_eq!(table.table_name(), Some("orders_copy"));
    let summary = table.restore_summary().unwrap();
    assert_eq!(summary.source_backup_arn(), Some(arn.as_str()));
    assert!(summary.source_table_arn().unwrap().ends_with(":table/orders"));
    assert_eq!(keys(&client, "orders_copy").await, ["a", "b"]);
    assert_eq!(keys(&client, "orders").await, ["b", "c"]);
    // The index came along and holds the restored items.
    let reds = client
        .query()
        .table_name("orders_copy")
        .index_name("by_colour")
        .key_condition_expression("colour = :c")
        .expression_attribute_values(":c", AV::S("red".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(reds.count(), 1);

    // The target must not exist.
    let (code, message) = expect_err!(
        client.restore_table_from_backup().target_table_name("orders").backup_arn(&arn).send().await
    );
    assert_eq!(code, "TableAlreadyExistsException");
    assert!(message.contains("orders"), "{message}");

    // Overrides: no indexes, provisioned.
    let plain = client
        .restore_table_from_backup()
        .target_table_name("orders_plain")
        .backup_arn(&arn)
        .set_global_secondary_index_override(Some(Vec::new()))
        .billing_mode_override(BillingMode::Provisioned)
        .provisioned_throughput_override(
            aws_sdk_dynamodb::types::ProvisionedThroughput::builder()
                .read_capacity_units(5)
                .write_capacity_units(5)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let plain = plain.table_description().unwrap();
    assert!(plain.global_secondary_indexes().is_empty());
    assert_eq!(plain.provisioned_throughput().unwrap().read_capacity_units(), Some(5));
    assert_eq!(keys(&client, "orders_plain").await, ["a", "b"]);

    // Deleting answers DELETED; then the backup is gone.
    let deleted = client.delete_backup().backup_arn(&arn).send().await.unwrap();
    assert_eq!(
        deleted.backup_description().unwrap().backup_details().unwrap().backup_status().as_str(),
        "DELETED"
    );
    let (code, _) = expect_err!(client.describe_backup().backup_arn(&arn).send().await);
    assert_eq!(code, "BackupNotFoundException");
    let (code, _) = expect_err!(client.delete_backup().backup_arn(&arn).send().await);
    assert_eq!(code, "BackupNotFoundException");
    drop(emu);
}

#[tokio::test]
async fn list_backups_filters_and_pages() {
    let (emu, client) = env_at(T0_MS, Duration::ZERO).await;
    create_table(&client, "one").await;
    create_table(&client, "two").await;
    let mut arns = Vec::new();
    for (i, table) in ["one", "two", "one", "one"].iter().enumerate() {
        emu.service().clock.set_ms(T0_MS + i as u64 * 1000);
        let out =
            client.create_backup().table_name(*table).backup_name(format!("bk{i}")).send().await.unwrap();
        arns.push(out.backup_details().unwrap().backup_arn().to_string());
    }
    let all = client.list_backups().send().await.unwrap();
    let listed: Vec<&str> = all.backup_summaries().iter().filter_map(|b| b.backup_arn()).collect();
    assert_eq!(listed, arns.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(all.last_evaluated_backup_arn(), None);

    // Only table one, two a page.
    let first = client.list_backups().table_name("one").limit(2).send().await.unwrap();
    assert_eq!(first.backup_summaries().len(), 2);
    assert_eq!(first.backup_summaries()[0].backup_name(), Some("bk0"));
    let next = first.last_evaluated_backup_arn().expect("more").to_string();
    let second = client
        .list_backups()
        .table_name("one")
        .limit(2)
        .exclusive_start_backup_arn(next)
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = second.backup_summaries().iter().filter_map(|b| b.backup_name()).collect();
    assert_eq!(names, ["bk3"]);
    assert_eq!(second.last_evaluated_backup_arn(), None);

    // A time range: [T0+1s, T0+3s).
    let ranged = client
        .list_backups()
        .time_range_lower_bound(aws_sdk_dynamodb::primitives::DateTime::from_millis((T0_MS + 1000) as i64))
        .time_range_upper_bound(aws_sdk_dynamodb::primitives::DateTime::from_millis((T0_MS + 3000) as i64))
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = ranged.backup_summaries().iter().filter_map(|b| b.backup_name()).collect();
    assert_eq!(names, ["bk1", "bk2"]);
    // SYSTEM backups: none here.
    let system = client
        .list_backups()
        .backup_type(aws_sdk_dynamodb::types::BackupTypeFilter::System)
        .send()
        .await
        .unwrap();
    assert!(system.backup_summaries().is_empty());
}

#[tokio::test]
async fn backup_errors_name_the_missing_table_and_the_backup_in_use() {
    let (emu, client) = env_at(T0_MS, Duration::from_secs(5)).await;
    let (code, message) =
        expect_err!(client.create_backup().table_name("missing").backup_name("bak").send().await);
    assert_eq!(code, "TableNotFoundException");
    assert!(message.contains("missing"), "{message}");
    let (code, _) = expect_err!(client.create_backup().table_name("t").backup_name("bak").send().await);
    // TableName is a table ARN shape here (1 to 1024 characters): a short
    // name is just a table that does not exist.
    assert_eq!(code, "TableNotFoundException");
    let (code, _) =
        expect_err!(client.create_backup().table_name("orders").backup_name("no spaces").send().await);
    assert_eq!(code, "ValidationException");

    create_table(&client, "orders").await;
    // CREATING for the transition delay: no backup yet.
    let (code, _) =
        expect_err!(client.create_backup().table_name("orders").backup_name("early").send().await);
    assert_eq!(code, "TableInUseException");
    emu.service().clock.advance(Duration::from_secs(5));
    let out = client.create_backup().table_name("orders").backup_name("bak").send().await.unwrap();
    let arn = out.backup_details().unwrap().backup_arn().to_string();
    // The backup is CREATING for the delay: it cannot be deleted or restored.
    let (code, _) = expect_err!(client.delete_backup().backup_arn(&arn).send().await);
    assert_eq!(code, "BackupInUseException");
    let (code, _) = expect_err!(
        client.restore_table_from_backup().target_table_name("copy").backup_arn(&arn).send().await
    );
    assert_eq!(code, "BackupInUseException");
    emu.service().clock.advance(Duration::from_secs(5));
    let restored =
        client.restore_table_from_backup().target_table_name("copy").backup_arn(&arn).send().await.unwrap();
    let table = restored.table_description().unwrap();
    assert_eq!(table.table_status(), Some(&TableStatus::Creating));
    assert!(table.restore_summary().unwrap().restore_in_progress());
    emu.service().clock.advance(Duration::from_secs(5));
    let described = client.describe_table().table_name("copy").send().await.unwrap();
    let table = described.table().unwrap();
    assert_eq!(table.table_status(), Some(&TableStatus::Active));
    assert!(!table.restore_summary().unwrap().restore_in_progress());
    let (code, _) = expect_err!(client.describe_backup().backup_arn(format!("{arn}0")).send().await);
    assert_eq!(code, "BackupNotFoundException");
}

fn pitr(enabled: bool) -> PointInTimeRecoverySpecification {
    PointInTimeRecoverySpecification::builder().point_in_time_recovery_enabled(enabled).build().unwrap()
}

fn at(ms: u64) -> aws_sdk_dynamodb::primitives::DateTime {
    aws_sdk_dynamodb::primitives::DateTime::from_millis(ms as i64)
}

#[tokio::test]
async fn point_in_time_recovery_restores_each_second_exactly() {
    let (emu, client) = env_at(T0_MS, Duration::ZERO).await;
    let clock = &emu.service().clock;
    create_table(&client, "orders").await;
    put(&client, "orders", "before", "red").await;

    let described = client.describe_continuous_backups().table_name("orders").send().await.unwrap();
    let d = described.continuous_backups_description().unwrap();
    assert_eq!(d.continuous_backups_status().as_str(), "ENABLED");
    assert_eq!(
        d.point_in_time_recovery_description().unwrap().point_in_time_recovery_status(),
        Some(&PointInTimeRecoveryStatus::Disabled)
    );
    let (code, message) = expect_err!(
        client
            .restore_table_to_point_in_time()
            .source_table_name("orders")
            .target_table_name("restored_0")
            .use_latest_restorable_time(true)
            .send()
            .await
    );
    assert_eq!(code, "PointInTimeRecoveryUnavailableException");
    assert!(message.contains("orders"), "{message}");

    let enabled = client
        .update_continuous_backups()
        .table_name("orders")
        .point_in_time_recovery_specification(pitr(true))
        .send()
        .await
        .unwrap();
    let p = enabled.continuous_backups_description().unwrap().point_in_time_recovery_description().unwrap();
    assert_eq!(p.point_in_time_recovery_status(), Some(&PointInTimeRecoveryStatus::Enabled));
    assert_eq!(p.recovery_period_in_days(), Some(35));
    assert_eq!(p.earliest_restorable_date_time(), Some(&at(T0_MS)));

    // t0+10 s: a; t0+20 s: b, a removed; t0+30 s: c.
    clock.set_ms(T0_MS + 10_000);
    put(&client, "orders", "a", "red").await;
    clock.set_ms(T0_MS + 20_000);
    put(&client, "orders", "b", "blue").await;
    client.delete_item().table_name("orders").key("pk", AV::S("a".into())).send().await.unwrap();
    clock.set_ms(T0_MS + 30_000);
    put(&client, "orders", "c", "red").await;
    clock.set_ms(T0_MS + 40_000);

    let restore = |target: &'static str, ms: u64| {
        client
            .restore_table_to_point_in_time()
            .source_table_name("orders")
            .target_table_name(target)
            .restore_date_time(at(ms))
            .send()
    };
    restore("restored_1", T0_MS + 5_000).await.unwrap();
    assert_eq!(keys(&client, "restored_1").await, ["before"]);
    restore("restored_2", T0_MS + 10_500).await.unwrap();
    assert_eq!(keys(&client, "restored_2").await, ["a", "before"]);
    restore("restored_3", T0_MS + 25_000).await.unwrap();
    assert_eq!(keys(&client, "restored_3").await, ["b", "before"]);
    let latest = client
        .restore_table_to_point_in_time()
        .source_table_arn("arn:aws:dynamodb:us-east-1:000000000000:table/orders")
        .target_table_name("restored_4")
        .use_latest_restorable_time(true)
        .send()
        .await
        .unwrap();
    let summary = latest.table_description().unwrap().restore_summary().unwrap();
    assert_eq!(summary.restore_date_time(), &at(T0_MS + 40_000));
    assert_eq!(keys(&client, "restored_4").await, ["b", "before", "c"]);
    // The restored index answers.
    let reds = client
        .query()
        .table_name("restored_4")
        .index_name("by_colour")
        .key_condition_expression("colour = :c")
        .expression_attribute_values(":c", AV::S("red".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(reds.count(), 2);

    // Outside the window.
    let (code, _) = expect_err!(restore("restored_5", T0_MS - 1_000).await);
    assert_eq!(code, "InvalidRestoreTimeException");
    let (code, _) = expect_err!(restore("restored_5", T0_MS + 50_000).await);
    assert_eq!(code, "InvalidRestoreTimeException");
    let (code, _) = expect_err!(restore("restored_1", T0_MS + 5_000).await);
    assert_eq!(code, "TableAlreadyExistsException");
    let (code, _) = expect_err!(
        client
            .restore_table_to_point_in_time()
            .source_table_name("nope")
            .target_table_name("restored_6")
            .use_latest_restorable_time(true)
            .send()
            .await
    );
    assert_eq!(code, "TableNotFoundException");
    let (code, _) = expect_err!(
        client
            .restore_table_to_point_in_time()
            .source_table_name("orders")
            .target_table_name("restored_6")
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
}

#[tokio::test]
async fn the_recovery_window_moves_with_the_clock_and_disabling_forgets_it() {
    let (emu, client) = env_at(T0_MS, Duration::ZERO).await;
    let clock = &emu.service().clock;
    create_table(&client, "orders").await;
    client
        .update_continuous_backups()
        .table_name("orders")
        .point_in_time_recovery_specification(
            PointInTimeRecoverySpecification::builder()
                .point_in_time_recovery_enabled(true)
                .recovery_period_in_days(1)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    put(&client, "orders", "day0", "red").await;
    clock.advance(Duration::from_secs(2 * 86_400));
    put(&client, "orders", "day2", "red").await;
    let d = client.describe_continuous_backups().table_name("orders").send().await.unwrap();
    let p = d.continuous_backups_description().unwrap().point_in_time_recovery_description().unwrap().clone();
    assert_eq!(p.recovery_period_in_days(), Some(1));
    let now = T0_MS + 2 * 86_400_000;
    assert_eq!(p.earliest_restorable_date_time(), Some(&at(now - 86_400_000)));
    assert_eq!(p.latest_restorable_date_time(), Some(&at(now)));
    // The start of the window restores what stood then.
    client
        .restore_table_to_point_in_time()
        .source_table_name("orders")
        .target_table_name("window_start")
        .restore_date_time(at(now - 86_400_000))
        .send()
        .await
        .unwrap();
    assert_eq!(keys(&client, "window_start").await, ["day0"]);

    let (code, _) = expect_err!(
        client
            .update_continuous_backups()
            .table_name("orders")
            .point_in_time_recovery_specification(
                PointInTimeRecoverySpecification::builder()
                    .point_in_time_recovery_enabled(false)
                    .recovery_period_in_days(3)
                    .build()
                    .unwrap()
            )
            .send()
            .await
    );
    assert_eq!(code, "ValidationException");
    client
        .update_continuous_backups()
        .table_name("orders")
        .point_in_time_recovery_specification(pitr(false))
        .send()
        .await
        .unwrap();
    let (code, _) = expect_err!(
        client
            .restore_table_to_point_in_time()
            .source_table_name("orders")
            .target_table_name("gone")
            .use_latest_restorable_time(true)
            .send()
            .await
    );
    assert_eq!(code, "PointInTimeRecoveryUnavailableException");
    let (code, _) = expect_err!(
        client
            .update_continuous_backups()
            .table_name("missing")
            .point_in_time_recovery_specification(pitr(true))
            .send()
            .await
    );
    assert_eq!(code, "TableNotFoundException");
    let _ = TestEnv::new; // the shared helper stays in use elsewhere
}
