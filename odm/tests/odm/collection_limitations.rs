//! Each limitation of the Parse Server DynamoDB adapter, removed: one
//! test per limitation, named after it.

use super::{ids, setup};
use ddb_odm::collection::{ClassSchema, Error, Options};
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};

#[tokio::test]
async fn limitation_skip() {
    let (_db, cols) = setup().await;
    let c = cols.collection("Item");
    c.insert_many((0..50).map(|i| json!({"_id": format!("i{i:02}"), "n": i, "even": i % 2 == 0})).collect())
        .await
        .unwrap();

    // By _id: skip walks the cursor, the skipped documents are read and counted.
    let (docs, stats) = c.find(json!({})).skip(20).limit(10).page_size(7).all_with_stats().await.unwrap();
    assert_eq!(ids(&docs), (20..30).map(|i| format!("i{i:02}")).collect::<Vec<_>>());
    assert_eq!((stats.skipped, stats.returned), (20, 10));
    assert!(stats.items_read >= 30, "{stats:?}");
    assert!(stats.read_capacity_units > 0.0, "{stats:?}");

    // With a filter and another sort: skip applies after filter and sort.
    let docs = c.find(json!({"even": true})).sort("n", -1).skip(5).limit(3).all().await.unwrap();
    let ns: Vec<i64> = docs.iter().map(|d| d["n"].as_i64().unwrap()).collect();
    assert_eq!(ns, [38, 36, 34]);

    // Skipping past the end gives nothing, and says so in the cost.
    let (docs, stats) = c.find(json!({})).skip(80).all_with_stats().await.unwrap();
    assert!(docs.is_empty());
    assert_eq!(stats.skipped, 50);
}

#[tokio::test]
async fn limitation_sort_across_pages() {
    let (_db, cols) = setup().await;
    let c = cols.collection("Score");
    let mut rng = fastrand::Rng::with_seed(7);
    let docs: Vec<Value> = (0..120).map(|i| json!({"_id": format!("s{i:03}"), "score": rng.i64(0..1000), "name": format!("n{}", rng.u32(..))})).collect();
    c.insert_many(docs.clone()).await.unwrap();

    let mut want = docs.clone();
    want.sort_by(|a, b| {
        b["score"].as_i64().cmp(&a["score"].as_i64()).then(a["_id"].as_str().cmp(&b["_id"].as_str()))
    });
    // Pages of 10: the order must hold across all twelve pages, not within each.
    let (got, stats) = c.find(json!({})).sort("score", -1).page_size(10).all_with_stats().await.unwrap();
    assert_eq!(ids(&got), ids(&want));
    assert!(stats.requests >= 12, "{stats:?}");

    // The top 5 by name ascending, with a limit: still a global order.
    let mut by_name = docs.clone();
    by_name.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    let got = c.find(json!({})).sort("name", 1).limit(5).page_size(10).all().await.unwrap();
    assert_eq!(ids(&got), ids(&by_name[..5]));

    // A cursor over a sorted result resumes exactly where it stopped.
    let mut cur = c.find(json!({})).sort("score", -1).page_size(10).cursor();
    let first: Vec<Value> = (&mut cur).take(33).try_collect().await.unwrap();
    let rest =
        c.find(json!({})).sort("score", -1).resume_after(&cur.resume_token().unwrap()).all().await.unwrap();
    assert_eq!([ids(&first), ids(&rest)].concat(), ids(&want));
}

#[tokio::test]
async fn limitation_id_descending() {
    let (db, cols) = setup().await;
    let c = cols.collection("Event");
    c.insert_many((0..30).map(|i| json!({"_id": format!("e{i:02}")})).collect()).await.unwrap();
    let want: Vec<String> = (0..30).rev().map(|i| format!("e{i:02}")).collect();

    let got = c.find(json!({})).sort("_id", -1).page_size(7).all().await.unwrap();
    assert_eq!(ids(&got), want);

    // With a limit, a descending read stops early: it reads from the end.
    db.clear_operations();
    let (got, stats) =
        c.find(json!({})).sort("_id", -1).limit(5).page_size(5).all_with_stats().await.unwrap();
    assert_eq!(ids(&got), want[..5]);
    assert_eq!(stats.requests, 1, "{stats:?}");

    // Descending within an _id range, and resumed by a cursor.
    let got = c.find(json!({"_id": {"$gte": "e10", "$lt": "e20"}})).sort("_id", -1).all().await.unwrap();
    assert_eq!(ids(&got), want[10..20]);
    let mut cur = c.find(json!({})).sort("_id", -1).page_size(4).cursor();
    let first: Vec<Value> = (&mut cur).take(9).try_collect().await.unwrap();
    let rest =
        c.find(json!({})).sort("_id", -1).resume_after(&cur.resume_token().unwrap()).all().await.unwrap();
    assert_eq!([ids(&first), ids(&rest)].concat(), want);
}

#[tokio::test]
async fn limitation_in_over_100() {
    let (db, cols) = setup().await;
    let c = cols.collection("Num");
    c.insert_many(
        (0..400).map(|i| json!({"_id": format!("n{i:03}"), "n": i, "s": format!("v{i}")})).collect(),
    )
    .await
    .unwrap();
    // 250 values, a third of them absent from the data.
    let wanted: Vec<i64> = (0..250).map(|i| i * 2 + 100).collect();
    db.clear_operations();
    let (got, stats) = c.find(json!({"n": {"$in": wanted}})).all_with_stats().await.unwrap();
    let want: Vec<String> =
        (0..400).filter(|i| (100..600).contains(i) && i % 2 == 0).map(|i| format!("n{i:03}")).collect();
    assert_eq!(ids(&got), want);
    // Sent as several IN lists in one FilterExpression, which the service
    // accepted and applied: it returned only the matches.
    assert_eq!((stats.items_read, stats.items_received), (400, want.len() as u64), "{stats:?}");
    let ops = db.emulator.as_ref().map(|e| e.operations()).unwrap_or_default();
    assert!(ops.iter().all(|o| o.outcome.is_ok()), "{ops:?}");

    // $nin with 250 values: the complement, exactly.
    let strs: Vec<String> = (0..250).map(|i| format!("v{i}")).collect();
    assert_eq!(c.count(json!({"s": {"$nin": strs}})).await.unwrap(), 150);

    // $in on _id with 250 ids: BatchGetItem in chunks of 100.
    let id_list: Vec<String> = (0..250).map(|i| format!("n{:03}", i + 200)).collect();
    let got = c.find(json!({"_id": {"$in": id_list}})).all().await.unwrap();
    assert_eq!(ids(&got), (200..400).map(|i| format!("n{i:03}")).collect::<Vec<_>>());

    // And thousands of values, far past what one expression can hold.
    let many: Vec<i64> = (0..5000).map(|i| i * 7).collect();
    assert_eq!(
        c.count(json!({"n": {"$in": many}})).await.unwrap(),
        (0..400).filter(|i| i % 7 == 0).count() as u64
    );
}

#[tokio::test]
async fn limitation_all_over_4kb() {
    let (db, cols) = setup().await;
    let c = cols.collection("Tagged");
    let tags: Vec<String> = (0..600).map(|i| format!("tag-{i:05}")).collect();
    let fewer: Vec<String> = tags.iter().filter(|t| *t != "tag-00399").cloned().collect();
    c.insert_one(json!({"_id": "all", "tags": tags})).await.unwrap();
    c.insert_one(json!({"_id": "missing-one", "tags": fewer})).await.unwrap();
    c.insert_one(json!({"_id": "other", "tags": ["x"]})).await.unwrap();

    // 500 values: as conditions, about 40 KB, ten times the 4 KB limit.
    let wanted: Vec<String> = tags[..500].to_vec();
    let expression_bytes: usize = wanted.iter().map(|t| format!("contains(tags, \"{t}\") AND ").len()).sum();
    assert!(expression_bytes > 4096);
    db.clear_operations();
    let (got, stats) = c.find(json!({"tags": {"$all": wanted}})).all_with_stats().await.unwrap();
    assert_eq!(ids(&got), ["all"]);
    // What fit in 4 KB was pushed down (the third document was filtered by
    // the service); the rest was checked here (the second one was not).
    assert_eq!((stats.items_read, stats.items_received, stats.matched), (3, 2, 1), "{stats:?}");
    let ops = db.emulator.as_ref().map(|e| e.operations()).unwrap_or_default();
    assert!(ops.iter().all(|o| o.outcome.is_ok()), "{ops:?}");
    // And all 600 together with the one the second document lacks.
    assert_eq!(c.count(json!({"tags": {"$all": tags}})).await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn limitation_unique_under_concurrency() {
    let (_db, cols) = setup().await;
    cols.set_schema(&ClassSchema::new("_User").field("email", "String").unique("email")).await.unwrap();
    let users = cols.collection("_User");
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let users = users.clone();
            tokio::spawn(async move {
                users.insert_one(json!({"_id": format!("u{i}"), "email": "same@example.com"})).await
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(Error::Duplicate { field, class, .. }) => {
                assert_eq!((field.as_str(), class.as_str()), ("email", "_User"))
            }
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(users.count(json!({"email": "same@example.com"})).await.unwrap(), 1);
    let err = users.insert_one(json!({"_id": "late", "email": "same@example.com"})).await.unwrap_err();
    assert!(err.to_string().contains("`email`"), "{err}");

    // Racing updates to one value: exactly one wins.
    users
        .insert_many(
            (0..10).map(|i| json!({"_id": format!("r{i}"), "email": format!("r{i}@example.com")})).collect(),
        )
        .await
        .unwrap();
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let users = users.clone();
            tokio::spawn(async move {
                users
                    .update_one(
                        json!({"_id": format!("r{i}")}),
                        json!({"$set": {"email": "race@example.com"}}),
                    )
                    .await
            })
        })
        .collect();
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(r) => won += r.modified,
            Err(Error::Duplicate { field, .. }) => assert_eq!(field, "email"),
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(users.count(json!({"email": "race@example.com"})).await.unwrap(), 1);

    // Deleting or changing a document frees its value.
    let holder = users.find_one(json!({"email": "race@example.com"})).await.unwrap().unwrap();
    users.delete_one(json!({"_id": holder["_id"].clone()})).await.unwrap();
    users.insert_one(json!({"_id": "next", "email": "race@example.com"})).await.unwrap();
    users.update_one(json!({"_id": "next"}), json!({"$set": {"email": "moved@example.com"}})).await.unwrap();
    users.insert_one(json!({"_id": "after", "email": "race@example.com"})).await.unwrap();

    // Declaring a field unique over existing duplicates is refused.
    let posts = cols.collection("Post");
    posts.insert_one(json!({"slug": "a"})).await.unwrap();
    posts.insert_one(json!({"slug": "a"})).await.unwrap();
    let err = cols.set_schema(&ClassSchema::new("Post").unique("slug")).await.unwrap_err();
    assert!(matches!(err, Error::Duplicate { ref field, .. } if field == "slug"), "{err}");
    assert!(cols.schema("Post").await.unwrap().is_none());
}

#[tokio::test]
async fn limitation_regex_ends_with() {
    let (_db, cols) = setup().await;
    let c = cols.collection("Person");
    for (id, name) in
        [("1", "Jackson"), ("2", "Anderson"), ("3", "jack"), ("4", "Jacqueline"), ("5", "Sonja")]
    {
        c.insert_one(json!({"_id": id, "name": name})).await.unwrap();
    }
    let names =
        |docs: Vec<Value>| docs.iter().map(|d| d["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    // endsWith
    assert_eq!(
        names(c.find(json!({"name": {"$regex": "son$"}})).all().await.unwrap()),
        ["Jackson", "Anderson"]
    );
    // case-insensitive
    assert_eq!(
        names(c.find(json!({"name": {"$regex": "^JACK", "$options": "i"}})).all().await.unwrap()),
        ["Jackson", "jack"]
    );
    assert_eq!(
        names(c.find(json!({"name": {"$regex": "SON", "$options": "i"}})).all().await.unwrap()),
        ["Jackson", "Anderson", "Sonja"]
    );
    // a literal prefix (pushed down as begins_with) and the rest exactly
    assert_eq!(
        names(c.find(json!({"name": {"$regex": "^Jac[kq]"}})).all().await.unwrap()),
        ["Jackson", "Jacqueline"]
    );
    assert_eq!(names(c.find(json!({"name": {"$regex": "^Ja.*e$"}})).all().await.unwrap()), ["Jacqueline"]);
    // negated, and on _id (a key condition)
    assert_eq!(
        names(c.find(json!({"name": {"$not": {"$regex": "son$"}}})).all().await.unwrap()),
        ["jack", "Jacqueline", "Sonja"]
    );
    assert_eq!(c.count(json!({"_id": {"$regex": "^[24]$"}})).await.unwrap(), 2);
    let err = c.find(json!({"name": {"$regex": "("}})).all().await.unwrap_err();
    assert!(matches!(err, Error::InvalidFilter(_)), "{err}");
}

#[tokio::test]
async fn limitation_array_of_pointers() {
    let (_db, cols) = setup().await;
    let users = cols.collection("User");
    users
        .insert_many(
            (0..150).map(|i| json!({"_id": format!("u{i:03}"), "name": format!("user {i}")})).collect(),
        )
        .await
        .unwrap();
    let teams = cols.collection("Team");
    let mut members: Vec<String> = (0..150).rev().map(|i| format!("u{i:03}")).collect();
    members.push("u999".into()); // a dangling reference
    teams.insert_one(json!({"_id": "t1", "members": members, "lead": "u007"})).await.unwrap();
    teams.insert_one(json!({"_id": "t2", "members": ["u001"], "lead": "u001"})).await.unwrap();

    // Stored as arrays of ids, queried by element.
    let found = teams.find(json!({"members": "u042"})).all().await.unwrap();
    assert_eq!(ids(&found), ["t1"]);
    assert_eq!(teams.count(json!({"members": {"$all": ["u001", "u002"]}})).await.unwrap(), 1);
    assert_eq!(teams.count(json!({"members": {"$in": ["u001"]}})).await.unwrap(), 2);

    // Resolved on request, in order, for arrays and single ids.
    let t = teams
        .find(json!({"_id": "t1"}))
        .populate("members", "User")
        .populate("lead", "User")
        .first()
        .await
        .unwrap()
        .unwrap();
    let m = t["members"].as_array().unwrap();
    assert_eq!(m.len(), 151);
    assert_eq!(m[0], json!({"_id": "u149", "name": "user 149"}));
    assert_eq!(m[149]["_id"], "u000");
    assert_eq!(m[150], Value::Null);
    assert_eq!(t["lead"]["name"], "user 7");
    // Without populate, the ids come back as stored.
    let raw = teams.find_one(json!({"_id": "t2"})).await.unwrap().unwrap();
    assert_eq!(raw["members"], json!(["u001"]));
}

#[tokio::test]
async fn limitation_count_all_pages() {
    let (_db, cols) = setup().await;
    let c = cols.collection("Row");
    let pad = "x".repeat(1000);
    // About 1.5 MB: more than one 1 MB page.
    c.insert_many(
        (0..1500).map(|i| json!({"_id": format!("r{i:04}"), "odd": i % 2 == 1, "pad": pad})).collect(),
    )
    .await
    .unwrap();
    let (n, stats) = c.count_with_stats(json!({})).await.unwrap();
    assert_eq!(n, 1500);
    assert!(stats.requests >= 2, "{stats:?}");
    let (n, stats) = c.count_with_stats(json!({"odd": true})).await.unwrap();
    assert_eq!(n, 750);
    assert!(stats.requests >= 2, "{stats:?}");
    assert_eq!(c.find(json!({"odd": false})).page_size(100).all().await.unwrap().len(), 750);
    // A sorted, limited read over all pages keeps only the top `skip + limit`
    // while reading, and still gets the global order right.
    let odd: Vec<String> = (0..1500).filter(|i| i % 2 == 1).map(|i| format!("r{i:04}")).collect();
    let even: Vec<String> = (0..1500).filter(|i| i % 2 == 0).map(|i| format!("r{i:04}")).collect();
    let want = [odd, even].concat();
    let got = c
        .find(json!({}))
        .sort("odd", -1)
        .skip(500)
        .limit(10)
        .projection(json!({"odd": 1}))
        .all()
        .await
        .unwrap();
    assert_eq!(ids(&got), want[500..510]);
}

#[tokio::test]
async fn limitation_delete_many_over_25() {
    let (_db, cols) = setup().await;
    let c = cols.collection("Session");
    c.insert_many((0..60).map(|i| json!({"_id": format!("s{i:02}"), "expired": true})).collect())
        .await
        .unwrap();
    c.insert_many((0..10).map(|i| json!({"_id": format!("k{i:02}"), "expired": false})).collect())
        .await
        .unwrap();
    assert_eq!(c.delete_many(json!({"expired": true})).await.unwrap(), 60);
    assert_eq!(c.count(json!({"expired": true})).await.unwrap(), 0);
    for i in 0..60 {
        assert!(c.find_one(json!({"_id": format!("s{i:02}")})).await.unwrap().is_none());
    }
    assert_eq!(c.count(json!({})).await.unwrap(), 10);
    assert_eq!(c.delete_many(json!({})).await.unwrap(), 10);
    assert_eq!(c.count(json!({})).await.unwrap(), 0);
}

#[tokio::test]
async fn limitation_eventual_reads() {
    let (db, cols) = setup().await;
    let c = cols.collection("Note");
    c.insert_many((0..5).map(|i| json!({"_id": format!("n{i}")})).collect()).await.unwrap();
    // One small page: 0.5 read units eventually consistent, 1 strongly.
    let (_, eventual) = c.find(json!({})).all_with_stats().await.unwrap();
    let (_, strong) = c.find(json!({})).consistent(true).all_with_stats().await.unwrap();
    assert_eq!((eventual.read_capacity_units, strong.read_capacity_units), (0.5, 1.0));
    let (_, by_ids) = c.find(json!({"_id": {"$in": ["n1", "n2"]}})).all_with_stats().await.unwrap();
    assert_eq!(by_ids.read_capacity_units, 1.0); // two items, half a unit each
    let (_, counted) = c.count_with_stats(json!({})).await.unwrap();
    assert_eq!(counted.read_capacity_units, 0.5);
    // A collections handle can default to strong reads.
    let strong_cols = ddb_odm::collection::Collections::with_options(
        db.client.clone(),
        Options { table: cols.options().table.clone(), consistent_reads: true, ..Options::default() },
    );
    let (_, s) = strong_cols.collection("Note").find(json!({})).all_with_stats().await.unwrap();
    assert_eq!(s.read_capacity_units, 1.0);
}

#[tokio::test]
async fn limitation_item_size() {
    let (db, cols) = setup().await;
    let c = cols.collection("Blob");
    let err = c.insert_one(json!({"_id": "big", "data": "x".repeat(410 * 1024)})).await.unwrap_err();
    assert!(matches!(err, Error::LimitExceeded { limit: "item size (400 KB)", .. }), "{err}");
    assert!(err.to_string().contains("400 KB"), "{err}");
    // Refused before anything was sent.
    assert_eq!(db.operations().unwrap_or_default(), Vec::<String>::new());

    // An update that would grow a document past the limit.
    c.insert_one(json!({"_id": "grow", "data": "x".repeat(300 * 1024)})).await.unwrap();
    db.clear_operations();
    let err = c
        .update_one(json!({"_id": "grow"}), json!({"$set": {"more": "y".repeat(150 * 1024)}}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::LimitExceeded { limit: "item size (400 KB)", .. }), "{err}");
    let ops = db.operations().unwrap_or_default();
    assert!(!ops.iter().any(|o| o == "UpdateItem" || o == "TransactWriteItems"), "{ops:?}");

    // The other limits a document can break, each named.
    let err = c.insert_one(json!({"_id": "k".repeat(1025)})).await.unwrap_err();
    assert!(matches!(err, Error::LimitExceeded { limit: "sort key size (1024 bytes)", .. }), "{err}");
    let mut deep = json!(1);
    for _ in 0..40 {
        deep = json!([deep]);
    }
    let err = c.insert_one(json!({"deep": deep})).await.unwrap_err();
    assert!(matches!(err, Error::LimitExceeded { limit: "nesting depth (32 levels)", .. }), "{err}");
    let err = c.insert_one(json!({"huge": 1e200})).await.unwrap_err();
    assert!(matches!(err, Error::LimitExceeded { .. }), "{err}");
    let many: Vec<Value> = (0..3)
        .map(|i| json!({"_id": format!("ok{i}")}))
        .chain([json!({"data": "x".repeat(410 * 1024)})])
        .collect();
    let err = c.insert_many(many).await.unwrap_err();
    assert!(matches!(err, Error::LimitExceeded { .. }), "{err}");
    assert_eq!(c.count(json!({})).await.unwrap(), 1, "insert_many checks every document first");
}
