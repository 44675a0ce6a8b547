//! Honest pagination: `max_items` (a cap on returned items, separate from
//! the page size) over sparse data, and cursors that resume right after
//! the last item returned, with no gap or duplicate, checked against a
//! full read; cursors refused by other reads.

use crate::common::setup;
use ddb_odm::{Cursor, CursorError, Error, Model, ModelHandle, Odm};
use futures::TryStreamExt;
use std::collections::HashSet;

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "readings")]
struct Reading {
    #[key]
    sensor: String,
    #[range_key]
    at: u32,
    #[index(name = "by_kind")]
    kind: String,
    #[index(name = "by_kind", range)]
    seq: u32,
    value: u32,
}

/// 3 sensors x 60 readings; one reading in 7 is an "alert" (sparse for a
/// filter on `value`).
async fn seeded(odm: &Odm) -> ModelHandle<Reading> {
    let readings = odm.model::<Reading>().await.unwrap();
    let mut all = Vec::new();
    for s in 0..3 {
        for at in 0..60u32 {
            all.push(Reading {
                sensor: format!("s{s}"),
                at,
                kind: if at % 2 == 0 { "even".into() } else { "odd".into() },
                seq: s * 1000 + at,
                value: if at % 7 == 3 { 100 + at } else { at % 7 },
            });
        }
    }
    readings.batch_put(&all).await.unwrap();
    readings
}

fn ids(items: &[Reading]) -> Vec<(String, u32)> {
    items.iter().map(|r| (r.sensor.clone(), r.at)).collect()
}

/// Reads everything in chunks of `max_items` through stored (text) cursors.
async fn chunks<F>(first: F) -> (Vec<Reading>, Vec<usize>)
where
    F: Fn(Option<Cursor>) -> ddb_odm::ops::scan::ScanBuilder<Reading>,
{
    let mut out = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<Cursor> = None;
    loop {
        let got = first(cursor.take()).fetch().await.unwrap();
        sizes.push(got.items.len());
        out.extend(got.items);
        match got.cursor {
            // stored as text and parsed back, as a caller would
            Some(c) => cursor = Some(c.to_string().parse().unwrap()),
            None => return (out, sizes),
        }
    }
}

#[tokio::test]
async fn max_items_over_sparse_scan_resumes_with_no_gap_or_duplicate() {
    let (_db, odm) = setup().await;
    let readings = seeded(&odm).await;
    let f = Reading::fields();
    // The full scan: what the chunks must add up to, in the same order.
    let full: Vec<Reading> = readings.scan().filter(f.value.ge(100)).all().try_collect().await.unwrap();
    assert_eq!(full.len(), 3 * 9); // at % 7 == 3 for 9 values of 0..60
    // Pages of 4 items read, of which most are filtered out: pages are
    // sparse or empty, and the cap stops inside pages.
    let (got, sizes) = chunks(|c| {
        let s = readings.scan().filter(f.value.ge(100)).limit(4).max_items(5);
        match c {
            Some(c) => s.after(&c),
            None => s,
        }
    })
    .await;
    assert_eq!(ids(&got), ids(&full), "no gap, no duplicate, same order");
    assert!(sizes[..sizes.len() - 1].iter().all(|n| *n == 5), "{sizes:?}");
    let unique: HashSet<_> = ids(&got).into_iter().collect();
    assert_eq!(unique.len(), full.len());
}

#[tokio::test]
async fn max_items_over_sparse_query_on_an_index_resumes_mid_page() {
    let (_db, odm) = setup().await;
    let readings = seeded(&odm).await;
    let f = Reading::fields();
    let q = || readings.query(Reading::query_by_kind("odd").sort_ge(500)).filter(f.value.ge(100));
    let full: Vec<Reading> = q().all().try_collect().await.unwrap();
    assert_eq!(full.len(), 10); // odd readings of s1 and s2 with at % 7 == 3
    let mut got = Vec::new();
    let mut cursor: Option<Cursor> = None;
    let mut requests = 0;
    loop {
        // a page size of 7 and a cap of 3: most stops are inside a page
        let read = q().limit(7).max_items(3);
        let read = match &cursor {
            Some(c) => read.after(c),
            None => read,
        };
        let page = read.fetch().await.unwrap();
        requests += page.requests;
        assert!(page.items.len() <= 3);
        got.extend(page.items);
        match page.cursor {
            Some(c) => cursor = Some(Cursor::from_bytes(&c.to_bytes()).unwrap()),
            None => break,
        }
    }
    assert_eq!(ids(&got), ids(&full));
    assert!(requests > 3, "sparse pages need more requests than chunks ({requests})");
    // Descending, resumed the same way.
    let desc: Vec<Reading> = q().descending().all().try_collect().await.unwrap();
    let first = q().descending().max_items(5).fetch().await.unwrap();
    let rest = q().descending().after(first.cursor.as_ref().unwrap()).fetch().await.unwrap();
    assert_eq!(ids(&[first.items, rest.items].concat()), ids(&desc));
}

#[tokio::test]
async fn max_items_caps_all_pages_and_send() {
    let (_db, odm) = setup().await;
    let readings = seeded(&odm).await;
    let f = Reading::fields();
    let q = readings.query(Reading::query_by_sensor("s0")).filter(f.value.ge(100)).limit(10);
    let capped: Vec<Reading> = q.clone().max_items(4).all().try_collect().await.unwrap();
    assert_eq!(capped.iter().map(|r| r.at).collect::<Vec<_>>(), [3, 10, 17, 24]);
    // pages(): the page that reaches the cap is cut there, and its last_key
    // resumes right after its last item.
    let pages: Vec<ddb_odm::Page<Reading>> = q.clone().max_items(4).pages().try_collect().await.unwrap();
    assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), 4);
    let last = pages.last().unwrap();
    let after: Vec<Reading> =
        q.clone().start_at(last.last_key.clone().unwrap()).all().try_collect().await.unwrap();
    assert_eq!(after.first().map(|r| r.at), Some(31));
    // send(): one request, cut to the cap.
    let one = readings.query(Reading::query_by_sensor("s0")).max_items(2).send().await.unwrap();
    assert_eq!(one.items.iter().map(|r| r.at).collect::<Vec<_>>(), [0, 1]);
    assert_eq!(one.last_key.unwrap()["at"], ddb_odm::AttributeValue::N("1".into()));
    // A cap of zero is refused.
    assert!(matches!(q.max_items(0).fetch().await, Err(Error::Validation { .. })));
}

fn refused<T>(r: Result<T, Error>) -> bool {
    matches!(r, Err(Error::Cursor(CursorError::OtherRead)))
}

#[tokio::test]
async fn a_cursor_is_refused_by_a_different_read() {
    let (_db, odm) = setup().await;
    let readings = seeded(&odm).await;
    let f = Reading::fields();
    let base = || readings.query(Reading::query_by_sensor("s1")).filter(f.value.lt(50));
    let cursor = base().max_items(2).fetch().await.unwrap().cursor.unwrap();
    // The same read accepts it, with another page size, cap or consistency.
    assert!(base().limit(3).max_items(1).consistent().after(&cursor).fetch().await.is_ok());
    // Another key condition, filter, value, projection, direction, index or table.
    assert!(refused(
        readings.query(Reading::query_by_sensor("s2")).filter(f.value.lt(50)).after(&cursor).fetch().await
    ));
    assert!(refused(base().filter(f.kind.eq("odd")).after(&cursor).fetch().await));
    assert!(refused(
        readings.query(Reading::query_by_sensor("s1")).filter(f.value.lt(51)).after(&cursor).fetch().await
    ));
    assert!(refused(base().project(["value"]).after(&cursor).fetch().await));
    assert!(refused(base().descending().after(&cursor).fetch().await));
    // count() from a cursor: the rest of the same read (51 readings below 50)
    assert_eq!(base().after(&cursor).count().await.unwrap(), 49);
    assert!(refused(base().descending().after(&cursor).count().await));
    assert!(refused(readings.query(Reading::query_by_kind("odd")).after(&cursor).fetch().await));
    assert!(refused(readings.scan().filter(f.value.lt(50)).after(&cursor).fetch().await));
    #[derive(Model, Debug, Clone)]
    #[odm(table = "readings_copy")]
    struct Copy {
        #[key]
        sensor: String,
        #[range_key]
        at: u32,
        value: u32,
    }
    let copies = odm.model::<Copy>().await.unwrap();
    let c = Copy::fields();
    assert!(refused(
        copies.query(Copy::query_by_sensor("s1")).filter(c.value.lt(50)).after(&cursor).fetch().await
    ));
    // Scans: another segment.
    let scan_cursor = readings.scan().segment(0, 2).max_items(1).fetch().await.unwrap().cursor.unwrap();
    assert!(refused(readings.scan().segment(1, 2).after(&scan_cursor).fetch().await));
    assert!(readings.scan().segment(0, 2).after(&scan_cursor).fetch().await.is_ok());
    // Not a cursor at all.
    assert!(matches!("garbage".parse::<Cursor>(), Err(Error::Cursor(CursorError::Malformed(_)))));
}

#[tokio::test]
async fn a_parallel_scan_caps_all_but_has_no_single_cursor() {
    let (_db, odm) = setup().await;
    let readings = seeded(&odm).await;
    let some: Vec<Reading> =
        readings.scan().parallel(3).limit(5).max_items(7).all().try_collect().await.unwrap();
    assert_eq!(some.len(), 7);
    assert!(matches!(readings.scan().parallel(3).max_items(7).fetch().await, Err(Error::Request(_))));
}
