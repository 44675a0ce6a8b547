//! Many clients at once: serializable transactions, atomic counters,
//! conditional-put races and idempotency tokens under contention, with
//! readers checking invariants while the writers run.
//!
//! Each test is bounded in work (a fixed number of requests per task) and in
//! time (a timeout around the whole test); nothing sleeps to synchronise.
//!
//! What DynamoDB guarantees (Transactions: How it works, "Isolation levels"):
//! TransactWriteItems and TransactGetItems are serializable with respect to
//! each other, single-item writes are atomic. Scan and BatchGetItem are
//! read-committed per item only: on the service a concurrent transfer may be
//! seen half-applied by them. The emulator promises more (every request reads
//! one snapshot, see ARCHITECTURE.md), and the snapshot checks of Scan and
//! BatchGetItem below only run against the embedded emulator.

use super::batches::{create_table, get, item, key1, n, s, Item};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue as AV, KeysAndAttributes, PutRequest, ReturnValue, TransactGetItem, TransactWriteItem,
    Update, WriteRequest,
};
use aws_sdk_dynamodb::Client;
use ddb_conformance::{client_for, error_parts, TestEnv};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(120);

/// A small deterministic generator (xorshift64*), one per task.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }
}

fn num(v: &AV) -> i64 {
    v.as_n().expect("a number").parse().expect("an integer")
}

const ACCOUNTS: usize = 8;
const START_BALANCE: i64 = 100;
const TOTAL: i64 = ACCOUNTS as i64 * START_BALANCE;

fn account(i: usize) -> String {
    format!("acct{i}")
}

/// Checks a full view of the accounts: every account exactly once, no
/// negative balance, and (when `check_sum`) the total unchanged.
fn check_accounts(what: &str, items: &[Item], check_sum: bool) {
    let mut seen = vec![0; ACCOUNTS];
    let mut sum = 0;
    for it in items {
        let pk = it["pk"].as_s().unwrap();
        let i: usize = pk.trim_start_matches("acct").parse().unwrap();
        seen[i] += 1;
        let bal = num(&it["bal"]);
        assert!(bal >= 0, "{what}: negative balance {bal} in {it:?}");
        sum += bal;
    }
    assert!(seen.iter().all(|&c| c == 1), "{what}: accounts seen {seen:?}");
    if check_sum {
        assert_eq!(sum, TOTAL, "{what}: the total changed: {items:?}");
    }
}

async fn transfer(c: &Client, from: usize, to: usize, amount: i64) -> Result<(), String> {
    let debit = Update::builder()
        .table_name("accounts")
        .key("pk", s(&account(from)))
        .update_expression("ADD bal :neg")
        .condition_expression("bal >= :amt")
        .expression_attribute_values(":neg", n(-amount))
        .expression_attribute_values(":amt", n(amount))
        .build()
        .unwrap();
    let credit = Update::builder()
        .table_name("accounts")
        .key("pk", s(&account(to)))
        .update_expression("ADD bal :amt")
        .expression_attribute_values(":amt", n(amount))
        .build()
        .unwrap();
    let r = c
        .transact_write_items()
        .transact_items(TransactWriteItem::builder().update(debit).build())
        .transact_items(TransactWriteItem::builder().update(credit).build())
        .send()
        .await;
    match r {
        Ok(_) => Ok(()),
        Err(e) => match e.into_service_error() {
            TransactWriteItemsError::TransactionCanceledException(t) => {
                let codes: Vec<&str> =
                    t.cancellation_reasons().iter().map(|r| r.code().unwrap_or("")).collect();
                // Insufficient funds; the service may also report a conflict
                // with a concurrent transaction.
                assert!(
                    codes == ["ConditionalCheckFailed", "None"] || codes.contains(&"TransactionConflict"),
                    "unexpected reasons {codes:?}"
                );
                Err(codes.join(","))
            }
            other => panic!("transfer failed: {other:?}"),
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transfers_keep_the_total_while_readers_watch() {
    let env = TestEnv::new().await;
    let snapshot_reads = env.emulator.is_some();
    let c = env.client.clone();
    create_table(&c, "accounts", false, &[], &[]).await;
    for i in 0..ACCOUNTS {
        c.put_item()
            .table_name("accounts")
            .set_item(Some(item(&[("pk", s(&account(i))), ("bal", n(START_BALANCE))])))
            .send()
            .await
            .unwrap();
    }
    const WRITERS: u64 = 6;
    const TRANSFERS: usize = 40;
    const READERS: u64 = 3;
    let done = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));

    let work = async {
        let mut writers = Vec::new();
        for w in 0..WRITERS {
            let c = c.clone();
            writers.push(tokio::spawn(async move {
                let mut rng = Rng::new(w + 1);
                let mut applied = 0;
                for _ in 0..TRANSFERS {
                    let from = rng.below(ACCOUNTS as u64) as usize;
                    let to = (from + 1 + rng.below(ACCOUNTS as u64 - 1) as usize) % ACCOUNTS;
                    let amount = 1 + rng.below(60) as i64;
                    if transfer(&c, from, to, amount).await.is_ok() {
                        applied += 1;
                    }
                }
                applied
            }));
        }
        let mut readers = Vec::new();
        for r in 0..READERS {
            let c = c.clone();
            let done = done.clone();
            let reads = reads.clone();
            readers.push(tokio::spawn(async move {
                let mut round = r as usize;
                // Bounded even if the writers were to stall.
                while !done.load(Ordering::Acquire) && round < 5_000 {
                    match round % 4 {
                        0 => {
                            // TransactGetItems: a serializable snapshot on the service too.
                            let mut req = c.transact_get_items();
                            for i in 0..ACCOUNTS {
                                req = req.transact_items(
                                    TransactGetItem::builder()
                                        .get(
                                            aws_sdk_dynamodb::types::Get::builder()
                                                .table_name("accounts")
                                                .set_key(Some(key1(&account(i))))
                                                .build()
                                                .unwrap(),
                                        )
                                        .build(),
                                );
                            }
                            let out = req.send().await.expect("transact get");
                            let items: Vec<Item> = out
                                .responses
                                .unwrap()
                                .into_iter()
                                .map(|r| r.item.expect("account exists"))
                                .collect();
                            check_accounts("TransactGetItems", &items, true);
                        }
                        1 => {
                            let keys: Vec<Item> = (0..ACCOUNTS).map(|i| key1(&account(i))).collect();
                            let out = c
                                .batch_get_item()
                                .request_items(
                                    "accounts",
                                    KeysAndAttributes::builder()
                                        .set_keys(Some(keys))
                                        .consistent_read(true)
                                        .build()
                                        .unwrap(),
                                )
                                .send()
                                .await
                                .expect("batch get");
                            assert!(out.unprocessed_keys.as_ref().is_none_or(|u| u.is_empty()));
                            let items = out.responses.unwrap().remove("accounts").unwrap();
                            check_accounts("BatchGetItem", &items, snapshot_reads);
                        }
                        2 => {
                            // One page holds every account.
                            let out = c
                                .scan()
                                .table_name("accounts")
                                .consistent_read(true)
                                .send()
                                .await
                                .expect("scan");
                            assert!(out.last_evaluated_key.is_none_or(|k| k.is_empty()));
                            check_accounts("Scan", &out.items.unwrap(), snapshot_reads);
                        }
                        _ => {
                            // Paginated: pages are separate reads, so only
                            // completeness and non-negativity hold.
                            let mut items = Vec::new();
                            let mut start = None;
                            loop {
                                let page = c
                                    .scan()
                                    .table_name("accounts")
                                    .consistent_read(true)
                                    .limit(3)
                                    .set_exclusive_start_key(start.take())
                                    .send()
                                    .await
                                    .expect("scan page");
                                items.extend(page.items.unwrap_or_default());
                                match page.last_evaluated_key {
                                    Some(k) if !k.is_empty() => start = Some(k),
                                    _ => break,
                                }
                            }
                            check_accounts("paginated Scan", &items, false);
                        }
                    }
                    reads.fetch_add(1, Ordering::Relaxed);
                    round += READERS as usize;
                }
            }));
        }
        let mut applied = 0;
        for w in writers {
            applied += w.await.expect("writer");
        }
        done.store(true, Ordering::Release);
        for r in readers {
            r.await.expect("reader");
        }
        applied
    };
    let applied = tokio::time::timeout(TIMEOUT, work).await.expect("finished in time");
    assert!(applied > 0, "some transfers went through");
    assert!(reads.load(Ordering::Relaxed) > 0, "the readers ran");
    let out = c.scan().table_name("accounts").consistent_read(true).send().await.unwrap();
    check_accounts("final Scan", &out.items.unwrap(), true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_add_counts_every_increment_once() {
    let env = TestEnv::new().await;
    create_table(&env.client, "counters", false, &[], &[]).await;
    const CLIENTS: usize = 16;
    const ADDS: usize = 50;
    let work = async {
        let mut tasks = Vec::new();
        for _ in 0..CLIENTS {
            // A client (connection pool) of its own per task.
            let c = client_for(&env.endpoint);
            tasks.push(tokio::spawn(async move {
                let mut seen = Vec::with_capacity(ADDS);
                for _ in 0..ADDS {
                    let out = c
                        .update_item()
                        .table_name("counters")
                        .key("pk", s("hits"))
                        .update_expression("ADD #n :one")
                        .expression_attribute_names("#n", "n")
                        .expression_attribute_values(":one", n(1))
                        .return_values(ReturnValue::UpdatedNew)
                        .send()
                        .await
                        .expect("update");
                    seen.push(num(&out.attributes.unwrap()["n"]));
                }
                seen
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all
    };
    let mut values = tokio::time::timeout(TIMEOUT, work).await.expect("finished in time");
    let total = (CLIENTS * ADDS) as i64;
    assert_eq!(get(&env.client, "counters", key1("hits")).await.unwrap()["n"], n(total));
    // Each increment saw a distinct state: the returned values are exactly 1..=800.
    values.sort_unstable();
    assert_eq!(values, (1..=total).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conditional_put_race_has_exactly_one_winner() {
    let env = TestEnv::new().await;
    create_table(&env.client, "locks", false, &[], &[]).await;
    const CLIENTS: usize = 32;
    let barrier = Arc::new(tokio::sync::Barrier::new(CLIENTS));
    let work = async {
        let mut tasks = Vec::new();
        for i in 0..CLIENTS {
            let c = client_for(&env.endpoint);
            let barrier = barrier.clone();
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let r = c
                    .put_item()
                    .table_name("locks")
                    .item("pk", s("the-lock"))
                    .item("owner", n(i))
                    .condition_expression("attribute_not_exists(pk)")
                    .send()
                    .await;
                (i, r.map(|_| ()).map_err(|e| error_parts(&e)))
            }));
        }
        let mut results = Vec::new();
        for t in tasks {
            results.push(t.await.unwrap());
        }
        results
    };
    let results = tokio::time::timeout(TIMEOUT, work).await.expect("finished in time");
    let winners: Vec<usize> = results.iter().filter(|(_, r)| r.is_ok()).map(|(i, _)| *i).collect();
    assert_eq!(winners.len(), 1, "exactly one winner: {results:?}");
    let losers: Vec<&(String, String)> = results.iter().filter_map(|(_, r)| r.as_ref().err()).collect();
    assert_eq!(losers.len(), CLIENTS - 1);
    for (code, msg) in losers {
        assert_eq!(code, "ConditionalCheckFailedException");
        assert_eq!(msg, "The conditional request failed");
    }
    let stored = get(&env.client, "locks", key1("the-lock")).await.unwrap();
    assert_eq!(stored["owner"], n(winners[0]), "the winner's item is the one stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_repeats_of_one_client_request_token_apply_once() {
    let env = TestEnv::new().await;
    create_table(&env.client, "idem", false, &[], &[]).await;
    const CLIENTS: usize = 8;
    let barrier = Arc::new(tokio::sync::Barrier::new(CLIENTS));
    let work = async {
        let mut tasks = Vec::new();
        for _ in 0..CLIENTS {
            let c = client_for(&env.endpoint);
            let barrier = barrier.clone();
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let r = c
                    .transact_write_items()
                    .client_request_token("one-token")
                    .transact_items(
                        TransactWriteItem::builder()
                            .update(
                                Update::builder()
                                    .table_name("idem")
                                    .key("pk", s("c"))
                                    .update_expression("ADD hits :one")
                                    .expression_attribute_values(":one", n(1))
                                    .build()
                                    .unwrap(),
                            )
                            .build(),
                    )
                    .send()
                    .await;
                r.map(|_| ()).map_err(|e| error_parts(&e))
            }));
        }
        let mut results = Vec::new();
        for t in tasks {
            results.push(t.await.unwrap());
        }
        results
    };
    let results = tokio::time::timeout(TIMEOUT, work).await.expect("finished in time");
    for r in &results {
        // The service may answer a repeat that overlaps the first call with
        // TransactionInProgressException; anything else is wrong.
        if let Err((code, _)) = r {
            assert_eq!(code, "TransactionInProgressException", "{results:?}");
        }
    }
    assert!(results.iter().any(Result::is_ok));
    assert_eq!(get(&env.client, "idem", key1("c")).await.unwrap()["hits"], n(1), "applied exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn batch_writes_are_never_seen_half_done_by_transact_get() {
    let env = TestEnv::new().await;
    // BatchWriteItem is not atomic on the service; the emulator applies a
    // batch in one version swap (batch_write_item.rs), which this checks.
    if env.emulator.is_none() {
        return;
    }
    let c = env.client.clone();
    create_table(&c, "gens", false, &[], &[]).await;
    const ITEMS: usize = 10;
    let batch = |generation: i64| {
        (0..ITEMS)
            .map(|i| {
                WriteRequest::builder()
                    .put_request(
                        PutRequest::builder()
                            .set_item(Some(item(&[("pk", s(&format!("g{i}"))), ("gen", n(generation))])))
                            .build()
                            .unwrap(),
                    )
                    .build()
            })
            .collect::<Vec<_>>()
    };
    c.batch_write_item().request_items("gens", batch(0)).send().await.unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let work = async {
        let mut writers = Vec::new();
        for w in 0..4i64 {
            let c = c.clone();
            writers.push(tokio::spawn(async move {
                for k in 0..30 {
                    c.batch_write_item().request_items("gens", batch(1 + w * 100 + k)).send().await.unwrap();
                }
            }));
        }
        let mut readers = Vec::new();
        for _ in 0..2 {
            let c = c.clone();
            let done = done.clone();
            readers.push(tokio::spawn(async move {
                let mut rounds = 0;
                while !done.load(Ordering::Acquire) && rounds < 5_000 {
                    let mut req = c.transact_get_items();
                    for i in 0..ITEMS {
                        req = req.transact_items(
                            TransactGetItem::builder()
                                .get(
                                    aws_sdk_dynamodb::types::Get::builder()
                                        .table_name("gens")
                                        .set_key(Some(key1(&format!("g{i}"))))
                                        .build()
                                        .unwrap(),
                                )
                                .build(),
                        );
                    }
                    let out = req.send().await.unwrap();
                    let gens: Vec<i64> = out
                        .responses
                        .unwrap()
                        .iter()
                        .map(|r| num(&r.item.as_ref().unwrap()["gen"]))
                        .collect();
                    assert!(gens.iter().all(|g| *g == gens[0]), "a half-applied batch: {gens:?}");
                    rounds += 1;
                }
            }));
        }
        for w in writers {
            w.await.unwrap();
        }
        done.store(true, Ordering::Release);
        for r in readers {
            r.await.unwrap();
        }
    };
    tokio::time::timeout(TIMEOUT, work).await.expect("finished in time");
}
