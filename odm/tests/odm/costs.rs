//! Cost you can see (issue 19, section 5): consumed capacity summed per
//! call into pages and write results, and one `tracing` span per request,
//! checked with a small span recorder against the emulator's log of the
//! operations it served.

use crate::common::setup;
use ddb_emulator::harness::FaultRule;
use ddb_odm::capacity::Capacity;
use ddb_odm::{Model, Odm, OdmOptions};
use futures::TryStreamExt;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "meters")]
struct Meter {
    #[key]
    site: String,
    #[range_key]
    n: u32,
    #[index(name = "by_kind")]
    kind: String,
    reading: f64,
}

fn meter(n: u32) -> Meter {
    Meter {
        site: "s1".into(),
        n,
        kind: if n.is_multiple_of(2) { "even" } else { "odd" }.into(),
        reading: n as f64,
    }
}

/// Without an index: a write costs the table's units only.
#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "gauges")]
struct Gauge {
    #[key]
    site: String,
    #[range_key]
    n: u32,
    reading: f64,
}

fn gauge(n: u32) -> Gauge {
    Gauge { site: "s1".into(), n, reading: n as f64 }
}

fn options(db: &ddb_odm::testing::TestDb, consumed_capacity: bool) -> OdmOptions {
    OdmOptions { prefix: db.prefix.clone(), consumed_capacity, ..Default::default() }
}

#[tokio::test]
async fn capacity_is_summed_per_call_into_write_results() {
    let (db, odm) = setup().await;
    let meters = odm.model::<Gauge>().await.unwrap();
    let put = meters.create(&gauge(1)).send_metered().await.unwrap();
    assert_eq!((put.value.n, put.capacity), (1, Capacity { read_units: 0.0, write_units: 1.0 }));
    let f = Gauge::fields();
    let up = meters.update(("s1".to_string(), 1)).add(&f.reading, 1.0).send_metered().await.unwrap();
    assert_eq!((up.value.unwrap().reading, up.capacity.write_units), (2.0, 1.0));
    let got = meters.get(("s1".to_string(), 1)).consistent().send_metered().await.unwrap();
    assert_eq!(got.capacity, Capacity { read_units: 1.0, write_units: 0.0 });

    // a batch of 60 writes: 3 requests, each write one unit
    let many: Vec<Gauge> = (10..70).map(gauge).collect();
    let batch = meters.batch_put(&many).send_metered().await.unwrap();
    assert_eq!(batch.capacity.write_units, 60.0);

    // unprocessed entries are retried: every request's units count, and
    // nothing is counted twice (each entry is written once)
    if let Some(emu) = &db.emulator {
        emu.faults()
            .add(FaultRule::unprocessed(0.5).operation("BatchWriteItem").probability(1.0, 7).count(2));
        db.clear_operations();
        let more: Vec<Gauge> = (100..125).map(gauge).collect();
        let retried = meters.batch_put(&more).send_metered().await.unwrap();
        let requests = crate::common::ops(&db).iter().filter(|o| *o == "BatchWriteItem").count();
        assert!(requests >= 2, "the faults made it retry ({requests} requests)");
        assert_eq!(retried.capacity.write_units, 25.0);
    }

    let read = meters.batch_get((10..70).map(|n| ("s1".to_string(), n))).send_metered().await.unwrap();
    assert_eq!((read.value.len(), read.capacity.read_units), (60, 30.0));
    let deleted = meters.batch_delete((10..20).map(|n| ("s1".to_string(), n))).send_metered().await.unwrap();
    assert_eq!(deleted.capacity.write_units, 10.0);
    let del = meters.delete(("s1".to_string(), 1)).send_metered().await.unwrap();
    assert_eq!(del.capacity.write_units, 1.0);
    let tx = odm
        .transact_write()
        .put(meters.create(&gauge(2)))
        .update(meters.update(("s1".to_string(), 20)).add(&f.reading, 1.0))
        .send_metered()
        .await
        .unwrap();
    assert_eq!(tx.capacity.write_units, 4.0, "two transactional writes of two units each");

    // without send_metered and without the option, nothing is requested
    assert_eq!(meters.query(Gauge::query_by_site("s1")).send().await.unwrap().capacity, Capacity::default());

    // a write also costs the units of the indexes it changes
    let indexed = odm.model::<Meter>().await.unwrap();
    let put = indexed.create(&meter(1)).send_metered().await.unwrap();
    assert_eq!(put.capacity.write_units, 2.0, "the table and the by_kind index");
}

#[tokio::test]
async fn pages_carry_the_capacity_of_their_request_when_asked() {
    let (db, _odm) = setup().await;
    let odm = Odm::with_options(db.client.clone(), options(&db, true));
    let meters = odm.model::<Meter>().await.unwrap();
    let all: Vec<Meter> = (0..40).map(meter).collect();
    meters.batch_put(&all).await.unwrap();
    let page = meters.query(Meter::query_by_site("s1")).send().await.unwrap();
    assert_eq!(page.items.len(), 40);
    assert!(page.capacity.read_units > 0.0 && page.capacity.write_units == 0.0, "{:?}", page.capacity);
    let consistent = meters.query(Meter::query_by_site("s1")).consistent().send().await.unwrap();
    assert_eq!(consistent.capacity.read_units, 2.0 * page.capacity.read_units);
    let index = meters.query(Meter::query_by_kind("odd")).send().await.unwrap();
    assert_eq!(index.items.len(), 20);
    assert!(index.capacity.read_units > 0.0);
    let scan = meters.scan().limit(10).send().await.unwrap();
    assert_eq!(scan.items.len(), 10);
    // A Scan page pays for every partition it passes through (at least one
    // unit each), so it is not compared with the Query of one partition.
    assert!(scan.capacity.read_units > 0.0 && scan.capacity.write_units == 0.0, "{:?}", scan.capacity);
}

/// One recorded span: its name and fields.
#[derive(Debug, Clone, Default)]
struct Recorded {
    name: String,
    fields: HashMap<String, String>,
}

/// A minimal subscriber that records every span and what is recorded on it.
#[derive(Clone, Default)]
struct SpanRecorder {
    spans: Arc<Mutex<Vec<Recorded>>>,
    next: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut HashMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_string(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl Subscriber for SpanRecorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut r = Recorded { name: attrs.metadata().name().to_string(), ..Default::default() };
        attrs.record(&mut Fields(&mut r.fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push(r);
        self.next.fetch_add(1, Ordering::SeqCst);
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, id: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        let r = &mut spans[id.into_u64() as usize - 1];
        values.record(&mut Fields(&mut r.fields));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn one_span_per_request_with_table_operation_index_items_and_units() {
    let (db, _odm) = setup().await;
    let odm = Odm::with_options(db.client.clone(), options(&db, true));
    let meters = odm.model::<Meter>().await.unwrap();
    let recorder = SpanRecorder::default();
    let guard = tracing::subscriber::set_default(recorder.clone());
    db.clear_operations();

    let f = Meter::fields();
    meters.create(&meter(1)).await.unwrap();
    meters.get(("s1".to_string(), 1)).await.unwrap();
    meters.update(("s1".to_string(), 1)).add(&f.reading, 1.0).await.unwrap();
    let thirty: Vec<Meter> = (10..40).map(meter).collect();
    meters.batch_put(&thirty).await.unwrap(); // 2 requests
    let odd: Vec<Meter> =
        meters.query(Meter::query_by_kind("odd")).limit(5).all().try_collect().await.unwrap();
    assert_eq!(odd.len(), 16);
    meters.scan().count().await.unwrap();
    meters.batch_get([("s1".to_string(), 10), ("s1".to_string(), 11)]).await.unwrap();
    odm.transact_write().delete(meters.delete(("s1".to_string(), 10))).send().await.unwrap();
    meters.delete(("s1".to_string(), 11)).await.unwrap();
    drop(guard);

    let spans: Vec<Recorded> =
        recorder.spans.lock().unwrap().iter().filter(|s| s.name == "ddb_odm.request").cloned().collect();
    let operations: Vec<String> = spans.iter().map(|s| s.fields["operation"].clone()).collect();
    if db.emulator.is_some() {
        assert_eq!(operations, crate::common::ops(&db), "one span per request the service served");
    }
    assert_eq!(operations.iter().filter(|o| *o == "BatchWriteItem").count(), 2);
    assert_eq!(operations.iter().filter(|o| *o == "Query").count(), 4, "16 items, 5 a page");
    for s in &spans {
        assert_eq!(s.fields["table"], "meters", "{s:?}");
        assert!(s.fields.contains_key("items"), "{s:?}");
        let (rcu, wcu): (f64, f64) = (s.fields["rcu"].parse().unwrap(), s.fields["wcu"].parse().unwrap());
        assert!(rcu + wcu > 0.0, "{s:?}");
    }
    let first_query = spans.iter().find(|s| s.fields["operation"] == "Query").unwrap();
    assert_eq!(
        (first_query.fields["index"].as_str(), first_query.fields["items"].as_str()),
        ("by_kind", "5")
    );
    let put = &spans[0];
    assert_eq!((put.fields["operation"].as_str(), put.fields["index"].as_str()), ("PutItem", ""));
    assert_eq!(put.fields["wcu"], "2.0", "the table and the by_kind index");
    let batch = spans.iter().find(|s| s.fields["operation"] == "BatchWriteItem").unwrap();
    assert_eq!(batch.fields["items"], "25");
}
