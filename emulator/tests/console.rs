//! The web console in a real browser: headless Chromium loads
//! `/_emulator/console`, which lists the tables through the DynamoDB API and
//! shows the first table's items; the test reads the rendered DOM
//! (`--dump-dom` after the page's scripts have run, with
//! `--virtual-time-budget` so every fetch and timer settles first) and takes
//! a screenshot.
//!
//! Needs Debian's `chromium` at `/usr/bin/chromium` (or `CHROMIUM=path`);
//! without it the test says so and passes vacuously. Set
//! `UPDATE_CONSOLE_SCREENSHOT=1` to refresh `docs/console.png`.

use ddb_emulator::Emulator;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from(std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()));
    path.exists().then_some(path)
}

/// Runs headless Chromium on `url` with `args`, killing it after a minute.
fn run_chromium(chromium: &Path, url: &str, args: &[String]) -> String {
    // One profile per run: two Chromiums on one profile hand over to each other.
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let profile = tempdir(&format!("console-profile-{run}"));
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--no-first-run",
            "--virtual-time-budget=15000",
            "--window-size=1360,900",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut out).ok();
        out
    });
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("chromium did not finish within a minute");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_dir_all(&profile);
    reader.join().expect("reader")
}

fn tempdir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

async fn fixtures(emu: &Emulator) {
    let svc = emu.service().clone();
    tokio::task::spawn_blocking(move || {
        svc.call(
            "CreateTable",
            &json!({"TableName": "orders", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "customer", "AttributeType": "S"},
                    {"AttributeName": "order_id", "AttributeType": "N"},
                    {"AttributeName": "status", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"},
                    {"AttributeName": "order_id", "KeyType": "RANGE"}],
                "GlobalSecondaryIndexes": [{"IndexName": "by_status",
                    "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"}}]}),
        )
        .unwrap();
        svc.call(
            "CreateTable",
            &json!({"TableName": "sessions", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
        )
        .unwrap();
        for (i, (customer, status, total)) in [
            ("alice", "open", "25.5"),
            ("alice", "shipped", "99"),
            ("bob", "open", "12.25"),
            ("carol", "returned", "40"),
        ]
        .iter()
        .enumerate()
        {
            svc.call(
                "PutItem",
                &json!({"TableName": "orders", "Item": {
                    "customer": {"S": customer}, "order_id": {"N": (1000 + i).to_string()},
                    "status": {"S": status}, "total": {"N": total},
                    "tags": {"SS": ["gift", "express"]}, "address": {"M": {"city": {"S": "Lyon"}}}}}),
            )
            .unwrap();
        }
        svc.save_snapshot("fixtures");
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_lists_tables_and_shows_items_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "SKIPPED: the console browser test needs Chromium at /usr/bin/chromium \
             (apt-get install chromium) or CHROMIUM=path"
        );
        return;
    };
    let emu = Emulator::builder().start().await.unwrap();
    fixtures(&emu).await;
    let url = format!("{}/_emulator/console#table=orders&edit=0", emu.endpoint());

    let dom = {
        let (chromium, url) = (chromium.clone(), url.clone());
        tokio::task::spawn_blocking(move || run_chromium(&chromium, &url, &["--dump-dom".to_string()]))
            .await
            .unwrap()
    };
    assert!(dom.contains(r#"data-ready="true""#), "the page's start-up finished:\n{dom}");
    // The table list: both tables, with keys, indexes and item counts.
    assert!(dom.contains(r#"data-name="orders""#) && dom.contains(r#"data-name="sessions""#), "{dom}");
    assert!(dom.contains("customer (hash), order_id (range) · 1 index · 4 items"), "{dom}");
    // The selected table's items, read with Scan through the DynamoDB API.
    assert!(dom.contains(r#"class="item-row""#), "{dom}");
    assert!(dom.contains("<td>\"alice\"</td>") && dom.contains("<td>1003</td>"), "{dom}");
    assert!(dom.contains("GSI by_status"), "{dom}");
    // The first item open in the editor, in plain JSON (numbers exact, the
    // map nested, the string set as a list).
    assert!(dom.contains(r#"<section id="editor">"#), "the editor is shown:\n{dom}");
    assert!(
        dom.contains("&quot;customer&quot;: &quot;alice&quot;") || dom.contains("\"customer\": \"alice\""),
        "{dom}"
    );
    assert!(dom.contains("\"total\": 25.5") || dom.contains("&quot;total&quot;: 25.5"), "{dom}");
    // The snapshot list and the operation log.
    assert!(dom.contains(r#"class="snapshot-row""#) && dom.contains("fixtures"), "{dom}");
    assert!(dom.contains("<td>Scan</td>"), "the log shows the console's own Scan:\n{dom}");
    // The console's reads went through the emulator like any client's.
    assert!(emu.operations().iter().any(|o| o.operation == "Scan" && o.tables == ["orders"]));

    let shot = tempdir("console-shot").join("console.png");
    let arg = format!("--screenshot={}", shot.display());
    tokio::task::spawn_blocking(move || run_chromium(&chromium, &url, &[arg])).await.unwrap();
    let png = std::fs::read(&shot).expect("screenshot written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    if std::env::var_os("UPDATE_CONSOLE_SCREENSHOT").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::copy(&shot, docs.join("console.png")).unwrap();
    }
    emu.shutdown().await;
}

/// The scope selector: `#scope=REGION/KEY` opens one access key's tables in
/// a region (see `ddb_emulator::scope`); the default scope's are not shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_shows_the_scope_it_is_asked_for() {
    let Some(chromium) = chromium() else {
        eprintln!("SKIPPED: the console browser test needs Chromium at /usr/bin/chromium or CHROMIUM=path");
        return;
    };
    let emu = Emulator::builder().isolate_access_keys(true).start().await.unwrap();
    fixtures(&emu).await;
    let keyed = emu.scope(&ddb_emulator::Scope::access_key("us-west-2", "AKIDONE")).unwrap();
    keyed
        .call(
            "CreateTable",
            &json!({"TableName": "keyed_table", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
        )
        .unwrap();
    keyed.call("PutItem", &json!({"TableName": "keyed_table", "Item": {"id": {"S": "only-here"}}})).unwrap();
    drop(keyed);
    let url = format!("{}/_emulator/console#scope=us-west-2/AKIDONE&table=keyed_table", emu.endpoint());
    let dom = tokio::task::spawn_blocking(move || run_chromium(&chromium, &url, &["--dump-dom".to_string()]))
        .await
        .unwrap();
    assert!(dom.contains(r#"data-ready="true""#), "{dom}");
    assert!(dom.contains(r#"data-name="keyed_table""#), "{dom}");
    assert!(!dom.contains(r#"data-name="orders""#), "the default scope's tables are not listed:\n{dom}");
    assert!(dom.contains("<td>\"only-here\"</td>"), "{dom}");
    assert!(dom.contains("us-west-2 / AKIDONE (1 table)") && dom.contains("us-east-1 (2 tables)"), "{dom}");
    emu.shutdown().await;
}
