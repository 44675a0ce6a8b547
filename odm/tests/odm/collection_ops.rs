//! Every filter and update operator, projections, upserts, the storage
//! contract, and writes racing each other.

use super::{ids, setup};
use aws_sdk_dynamodb::types::AttributeValue;
use ddb_odm::collection::{Collection, Error, FindOneAndUpdate, Sort};
use serde_json::{json, Value};

async fn people(c: &Collection) {
    let docs = vec![
        json!({"_id": "a", "name": "Ann", "age": 31, "tags": ["x", "y"], "address": {"city": "Oslo", "zip": "0150"}, "scores": [3, 9]}),
        json!({"_id": "b", "name": "Bob", "age": 17, "tags": ["y"], "address": {"city": "Bergen"}, "scores": [5]}),
        json!({"_id": "c", "name": "Cid", "age": 45, "tags": [], "address": {"city": "Oslo"}, "nick": null}),
        json!({"_id": "d", "name": "Dee", "age": "unknown", "pets": [{"kind": "cat", "age": 3}, {"kind": "dog", "age": 9}]}),
    ];
    c.insert_many(docs).await.unwrap();
}

async fn q(c: &Collection, f: Value) -> Vec<String> {
    ids(&c.find(f).all().await.unwrap())
}

#[tokio::test]
async fn filter_operators() {
    let (_db, cols) = setup().await;
    let c = cols.collection("P");
    people(&c).await;
    assert_eq!(q(&c, json!({"name": "Ann"})).await, ["a"]);
    assert_eq!(q(&c, json!({"age": {"$eq": 17}})).await, ["b"]);
    assert_eq!(q(&c, json!({"age": {"$ne": 17}})).await, ["a", "c", "d"]);
    assert_eq!(q(&c, json!({"age": {"$gt": 17}})).await, ["a", "c"]); // "unknown" is not a number
    assert_eq!(q(&c, json!({"age": {"$gte": 31}})).await, ["a", "c"]);
    assert_eq!(q(&c, json!({"age": {"$lt": 31}})).await, ["b"]);
    assert_eq!(q(&c, json!({"age": {"$lte": 31, "$gt": 17}})).await, ["a"]);
    assert_eq!(q(&c, json!({"age": {"$gt": "a"}})).await, ["d"]);
    assert_eq!(q(&c, json!({"name": {"$in": ["Bob", "Dee", "Zed"]}})).await, ["b", "d"]);
    assert_eq!(q(&c, json!({"name": {"$nin": ["Bob", "Dee"]}})).await, ["a", "c"]);
    assert_eq!(q(&c, json!({"tags": {"$all": ["y", "x"]}})).await, ["a"]);
    assert_eq!(q(&c, json!({"tags": "y"})).await, ["a", "b"]); // array element
    assert_eq!(q(&c, json!({"tags": []})).await, ["c"]); // whole array
    assert_eq!(q(&c, json!({"nick": {"$exists": true}})).await, ["c"]);
    assert_eq!(q(&c, json!({"nick": null})).await, ["a", "b", "c", "d"]); // null matches missing
    assert_eq!(q(&c, json!({"pets": {"$exists": false}})).await, ["a", "b", "c"]);
    assert_eq!(q(&c, json!({"name": {"$regex": "^[AB]"}})).await, ["a", "b"]);
    assert_eq!(q(&c, json!({"age": {"$not": {"$gt": 20}}})).await, ["b", "d"]);
    assert_eq!(q(&c, json!({"$and": [{"address.city": "Oslo"}, {"age": {"$gt": 40}}]})).await, ["c"]);
    assert_eq!(q(&c, json!({"$or": [{"name": "Bob"}, {"age": {"$gt": 40}}]})).await, ["b", "c"]);
    assert_eq!(q(&c, json!({"$nor": [{"name": "Bob"}, {"age": {"$gt": 40}}]})).await, ["a", "d"]);
    // dot paths, array indexes, paths through arrays of objects
    assert_eq!(q(&c, json!({"address.city": "Oslo"})).await, ["a", "c"]);
    assert_eq!(q(&c, json!({"address.zip": {"$exists": true}})).await, ["a"]);
    assert_eq!(q(&c, json!({"tags.0": "y"})).await, ["b"]);
    assert_eq!(q(&c, json!({"scores.1": {"$gt": 5}})).await, ["a"]);
    assert_eq!(q(&c, json!({"pets.kind": "dog"})).await, ["d"]);
    assert_eq!(q(&c, json!({"pets.age": {"$gt": 5}})).await, ["d"]);
    assert_eq!(q(&c, json!({"pets.1.kind": "dog"})).await, ["d"]);
    assert_eq!(q(&c, json!({"scores": {"$gt": 8}})).await, ["a"]); // any element
                                                                   // _id as key conditions
    assert_eq!(q(&c, json!({"_id": {"$gt": "a", "$lte": "c"}})).await, ["b", "c"]);
    assert_eq!(q(&c, json!({"_id": {"$in": ["d", "a", "zz"]}})).await, ["a", "d"]);
    assert_eq!(q(&c, json!({"_id": {"$nin": ["a"]}})).await, ["b", "c", "d"]);
    assert_eq!(q(&c, json!({"_id": 5})).await, Vec::<String>::new());
    // The key attributes are not document fields (and cannot go into a FilterExpression).
    assert_eq!(q(&c, json!({"_pk_className": "P"})).await, Vec::<String>::new());
    assert_eq!(q(&c, json!({"_sk_id": {"$exists": true}})).await, Vec::<String>::new());
    // malformed filters
    for bad in [
        json!({"age": {"$foo": 1}}),
        json!({"$and": []}),
        json!({"a": {"$in": 3}}),
        json!([1]),
        json!({"$where": "x"}),
    ] {
        let err = c.find(bad.clone()).all().await.unwrap_err();
        assert!(matches!(err, Error::InvalidFilter(_)), "{bad}: {err}");
    }
}

#[tokio::test]
async fn find_options_projection_distinct() {
    let (_db, cols) = setup().await;
    let c = cols.collection("P");
    people(&c).await;
    let docs = c
        .find(json!({"address.city": "Oslo"}))
        .projection(json!({"name": 1, "address.city": 1, "_id": 0}))
        .all()
        .await
        .unwrap();
    assert_eq!(
        docs,
        [
            json!({"name": "Ann", "address": {"city": "Oslo"}}),
            json!({"name": "Cid", "address": {"city": "Oslo"}})
        ]
    );
    let docs = c
        .find(json!({"_id": "b"}))
        .projection(json!({"address": 0, "tags": 0, "scores": 0}))
        .all()
        .await
        .unwrap();
    assert_eq!(docs, [json!({"_id": "b", "name": "Bob", "age": 17})]);
    assert!(c.find(json!({})).projection(json!({"a": 1, "b": 0})).all().await.is_err());
    // sort on a nested field, several keys, missing values first
    let s = Sort::default().then("address.city", 1).then("name", -1);
    assert_eq!(ids(&c.find(json!({})).sort_by(s).all().await.unwrap()), ["d", "b", "c", "a"]);
    assert_eq!(c.distinct("address.city", json!({})).await.unwrap(), [json!("Bergen"), json!("Oslo")]);
    assert_eq!(c.distinct("tags", json!({"age": {"$gt": 20}})).await.unwrap(), [json!("x"), json!("y")]);
    assert_eq!(c.find_one(json!({"age": {"$gt": 100}})).await.unwrap(), None);
    assert_eq!(c.count(json!({"tags": {"$exists": true}})).await.unwrap(), 3);
}

#[tokio::test]
async fn update_operators() {
    let (_db, cols) = setup().await;
    let c = cols.collection("U");
    c.insert_one(json!({"_id": "1", "n": 5, "f": 1.5, "s": "x", "arr": [1, 2, 3], "obj": {"a": 1}, "old": "v", "list": [{"k": 1}, {"k": 2}]})).await.unwrap();
    let up = |u: Value| {
        let c = c.clone();
        async move { c.update_one(json!({"_id": "1"}), u).await.unwrap() }
    };
    let get = || async { c.find_one(json!({"_id": "1"})).await.unwrap().unwrap() };

    up(json!({"$set": {"s": "y", "obj.b": 2, "new.deep.path": true, "arr.1": 20}})).await;
    let d = get().await;
    assert_eq!(
        (d["s"].clone(), d["obj"].clone(), d["new"].clone(), d["arr"].clone()),
        (json!("y"), json!({"a": 1, "b": 2}), json!({"deep": {"path": true}}), json!([1, 20, 3]))
    );
    up(json!({"$unset": {"s": "", "obj.a": "", "nothing": ""}})).await;
    let d = get().await;
    assert!(d.get("s").is_none());
    assert_eq!(d["obj"], json!({"b": 2}));
    up(json!({"$inc": {"n": 2, "f": 0.25, "fresh": 1}})).await;
    let d = get().await;
    assert_eq!((d["n"].clone(), d["f"].clone(), d["fresh"].clone()), (json!(7), json!(1.75), json!(1)));
    up(json!({"$mul": {"n": 3, "zero": 4}})).await;
    let d = get().await;
    assert_eq!((d["n"].clone(), d["zero"].clone()), (json!(21), json!(0)));
    up(json!({"$min": {"n": 10, "lo": 3}, "$max": {"f": 1.0, "hi": 8}})).await;
    let d = get().await;
    assert_eq!(
        (d["n"].clone(), d["lo"].clone(), d["f"].clone(), d["hi"].clone()),
        (json!(10), json!(3), json!(1.75), json!(8))
    );
    up(json!({"$push": {"arr": 4}})).await;
    up(json!({"$push": {"arr": {"$each": [0, -1], "$position": 0}}})).await;
    assert_eq!(get().await["arr"], json!([0, -1, 1, 20, 3, 4]));
    up(json!({"$push": {"arr": {"$each": [7], "$slice": -3}, "pushed": "p"}})).await;
    let d = get().await;
    assert_eq!((d["arr"].clone(), d["pushed"].clone()), (json!([3, 4, 7]), json!(["p"])));
    up(json!({"$addToSet": {"arr": {"$each": [3, 8, 8]}}})).await;
    assert_eq!(get().await["arr"], json!([3, 4, 7, 8]));
    up(json!({"$pull": {"arr": {"$gte": 7}, "list": {"k": 1}}})).await;
    let d = get().await;
    assert_eq!((d["arr"].clone(), d["list"].clone()), (json!([3, 4]), json!([{"k": 2}])));
    up(json!({"$pullAll": {"arr": [3, 99]}})).await;
    assert_eq!(get().await["arr"], json!([4]));
    up(json!({"$rename": {"old": "renamed", "obj.b": "obj.c"}})).await;
    let d = get().await;
    assert_eq!((d.get("old"), d["renamed"].clone(), d["obj"].clone()), (None, json!("v"), json!({"c": 2})));
    up(json!({"$currentDate": {"at": true, "ts": {"$type": "timestamp"}}})).await;
    let d = get().await;
    assert!(d["at"].as_str().unwrap().ends_with('Z'), "{d}");
    assert!(d["ts"].as_i64().unwrap() > 1_600_000_000_000);
    // $setOnInsert does nothing on an existing document
    let r = up(json!({"$setOnInsert": {"created": 1}})).await;
    assert_eq!((r.matched, r.modified), (1, 0));
    assert!(get().await.get("created").is_none());

    // Errors: wrong types, conflicts, _id, unknown operators.
    for bad in [
        json!({"$inc": {"renamed": 1}}),
        json!({"$push": {"n": 1}}),
        json!({"$set": {"a": 1}, "$unset": {"a": ""}}),
        json!({"$set": {"_id": "2"}}),
        json!({"$frobnicate": {"a": 1}}),
        json!({"plain": "replacement"}),
        json!({"$inc": {"n": "1"}}),
    ] {
        let err = c.update_one(json!({"_id": "1"}), bad.clone()).await.unwrap_err();
        assert!(matches!(err, Error::InvalidUpdate(_)), "{bad}: {err}");
    }
}

#[tokio::test]
async fn upsert_and_find_one_and_update() {
    let (_db, cols) = setup().await;
    let c = cols.collection("Counter");
    let r = c
        .upsert(
            json!({"_id": "hits", "page": "home"}),
            json!({"$inc": {"n": 1}, "$setOnInsert": {"created": true}}),
        )
        .await
        .unwrap();
    assert_eq!(r.upserted_id.as_deref(), Some("hits"));
    let r = c
        .upsert(
            json!({"_id": "hits", "page": "home"}),
            json!({"$inc": {"n": 1}, "$setOnInsert": {"created": false}}),
        )
        .await
        .unwrap();
    assert_eq!((r.matched, r.modified, r.upserted_id), (1, 1, None));
    assert_eq!(
        c.find_one(json!({"_id": "hits"})).await.unwrap().unwrap(),
        json!({"_id": "hits", "page": "home", "n": 2, "created": true})
    );
    // Upsert without an _id generates one.
    let r = c.upsert(json!({"page": "about"}), json!({"$set": {"n": 10}})).await.unwrap();
    let id = r.upserted_id.unwrap();
    assert_eq!(c.find_one(json!({"page": "about"})).await.unwrap().unwrap()["_id"], json!(id));
    // update_one on nothing
    assert_eq!(c.update_one(json!({"page": "none"}), json!({"$set": {"x": 1}})).await.unwrap().matched, 0);

    let before = c
        .find_one_and_update(json!({"_id": "hits"}), json!({"$inc": {"n": 5}}), FindOneAndUpdate::default())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before["n"], 2);
    let opts =
        FindOneAndUpdate { return_new: true, sort: Sort::default().then("n", -1), ..Default::default() };
    let after = c.find_one_and_update(json!({}), json!({"$inc": {"n": 1}}), opts).await.unwrap().unwrap();
    assert_eq!((after["_id"].clone(), after["n"].clone()), (json!(id), json!(11)));
    let opts = FindOneAndUpdate { return_new: true, upsert: true, ..Default::default() };
    let created =
        c.find_one_and_update(json!({"_id": "new"}), json!({"$set": {"n": 0}}), opts).await.unwrap().unwrap();
    assert_eq!(created, json!({"_id": "new", "n": 0}));
    assert_eq!(
        c.find_one_and_update(json!({"_id": "zz"}), json!({"$set": {"n": 0}}), FindOneAndUpdate::default())
            .await
            .unwrap(),
        None
    );

    let r = c.update_many(json!({"n": {"$gte": 0}}), json!({"$set": {"seen": true}})).await.unwrap();
    assert_eq!((r.matched, r.modified), (3, 3));
    let r = c.update_many(json!({"n": {"$gte": 0}}), json!({"$set": {"seen": true}})).await.unwrap();
    assert_eq!((r.matched, r.modified), (3, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_updates_lose_nothing() {
    let (_db, cols) = setup().await;
    let c = cols.collection("Race");
    c.insert_one(json!({"_id": "r", "n": 0, "f": 0.0, "set": [], "m": 1})).await.unwrap();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let c = c.clone();
            tokio::spawn(async move {
                // An in-place increment, a guarded float increment, a guarded
                // set insertion and a guarded multiplication, all racing.
                c.update_one(
                    json!({"_id": "r"}),
                    json!({"$inc": {"n": 1, "f": 0.5}, "$addToSet": {"set": i}}),
                )
                .await
                .unwrap();
                c.update_one(json!({"_id": "r"}), json!({"$mul": {"m": 2}})).await.unwrap();
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let d = c.find_one(json!({"_id": "r"})).await.unwrap().unwrap();
    assert_eq!((d["n"].clone(), d["f"].clone(), d["m"].clone()), (json!(20), json!(10), json!(1 << 20)));
    assert_eq!(d["set"].as_array().unwrap().len(), 20);

    // A write whose filter stops matching in between is not applied.
    c.insert_many((0..10).map(|i| json!({"_id": format!("q{i}"), "state": "open"})).collect()).await.unwrap();
    let a = c.clone();
    let b = c.clone();
    let (x, y) = tokio::join!(
        a.update_many(json!({"state": "open"}), json!({"$set": {"state": "taken-a"}})),
        b.update_many(json!({"state": "open"}), json!({"$set": {"state": "taken-b"}}))
    );
    assert_eq!(x.unwrap().modified + y.unwrap().modified, 10);
}

#[tokio::test]
async fn storage_contract() {
    let (db, cols) = setup().await;
    let table = cols.options().table.clone();
    // The table as the adapter's documentation creates it.
    let t = db.client.describe_table().table_name(&table).send().await.unwrap().table.unwrap();
    let keys: Vec<_> = t
        .key_schema()
        .iter()
        .map(|k| (k.attribute_name().to_string(), k.key_type().as_str().to_string()))
        .collect();
    assert_eq!(
        keys,
        [("_pk_className".to_string(), "HASH".to_string()), ("_sk_id".to_string(), "RANGE".to_string())]
    );
    let pt = t.provisioned_throughput().unwrap();
    assert_eq!((pt.read_capacity_units(), pt.write_capacity_units()), (Some(500), Some(1000)));
    cols.ensure_table().await.unwrap(); // idempotent

    // A document is one item: class in _pk_className, _id in _sk_id.
    let users = cols.collection("User");
    users.insert_one(json!({"_id": "1234", "name": "benishak", "n": 1, "ok": true, "none": null, "list": [1, "a"], "map": {"k": "v"}})).await.unwrap();
    let item = db
        .client
        .get_item()
        .table_name(&table)
        .key("_pk_className", AttributeValue::S("User".into()))
        .key("_sk_id", AttributeValue::S("1234".into()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert_eq!(item["name"], AttributeValue::S("benishak".into()));
    assert_eq!(item["n"], AttributeValue::N("1".into()));
    assert_eq!(item["ok"], AttributeValue::Bool(true));
    assert_eq!(item["none"], AttributeValue::Null(true));
    assert!(matches!(&item["list"], AttributeValue::L(l) if l.len() == 2));
    assert!(matches!(&item["map"], AttributeValue::M(_)));
    assert!(!item.contains_key("_id"));

    // An item written by someone else (with a string set) reads as a document.
    db.client
        .put_item()
        .table_name(&table)
        .item("_pk_className", AttributeValue::S("User".into()))
        .item("_sk_id", AttributeValue::S("5678".into()))
        .item("name", AttributeValue::S("other".into()))
        .item("roles", AttributeValue::Ss(vec!["a".into(), "b".into()]))
        .item("score", AttributeValue::N("2.50".into()))
        .send()
        .await
        .unwrap();
    let d = users.find_one(json!({"roles": "b"})).await.unwrap().unwrap();
    assert_eq!(d, json!({"_id": "5678", "name": "other", "roles": ["a", "b"], "score": 2.5}));
    // ... and is updated in place without disturbing what it does not touch.
    users.update_one(json!({"_id": "5678"}), json!({"$inc": {"score": 1}})).await.unwrap();
    assert_eq!(users.find_one(json!({"_id": "5678"})).await.unwrap().unwrap()["score"], json!(3.5));

    // Schemas are documents in the _SCHEMA partition.
    cols.set_schema(&ddb_odm::collection::ClassSchema::new("User").field("name", "String")).await.unwrap();
    let s = db
        .client
        .get_item()
        .table_name(&table)
        .key("_pk_className", AttributeValue::S("_SCHEMA".into()))
        .key("_sk_id", AttributeValue::S("User".into()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert!(matches!(&s["fields"], AttributeValue::M(m) if m["name"] == AttributeValue::S("String".into())));
    assert_eq!(cols.schemas().await.unwrap().len(), 1);
    // Classes do not see each other's documents, nor schemas or markers.
    assert_eq!(cols.collection("Other").count(json!({})).await.unwrap(), 0);
    assert_eq!(users.count(json!({})).await.unwrap(), 2);

    // Invalid documents and class names.
    for bad in [
        json!({"$x": 1}),
        json!({"a.b": 1}),
        json!({"_sk_id": "x"}),
        json!({"_id": 5}),
        json!([1]),
        json!({"a": {"$b": 1}}),
    ] {
        let err = users.insert_one(bad.clone()).await.unwrap_err();
        assert!(matches!(err, Error::InvalidDocument(_)), "{bad}: {err}");
    }
    assert!(cols.collection("_SCHEMA").insert_one(json!({})).await.is_err());
    assert!(cols.collection("a:b").insert_one(json!({})).await.is_err());
}

#[tokio::test]
async fn cursor_streams_and_resumes() {
    use futures::{StreamExt, TryStreamExt};
    let (_db, cols) = setup().await;
    let c = cols.collection("Log");
    c.insert_many((0..25).map(|i| json!({"_id": format!("l{i:02}"), "lvl": i % 3})).collect()).await.unwrap();
    let mut cur = c.find(json!({"lvl": {"$ne": 0}})).page_size(4).cursor();
    let first: Vec<Value> = (&mut cur).take(5).try_collect().await.unwrap();
    let stats = cur.stats();
    assert!(stats.requests < 7, "reads lazily: {stats:?}");
    let token = cur.resume_token().unwrap();
    let rest = c.find(json!({"lvl": {"$ne": 0}})).resume_after(&token).all().await.unwrap();
    let all = c.find(json!({"lvl": {"$ne": 0}})).all().await.unwrap();
    assert_eq!([ids(&first), ids(&rest)].concat(), ids(&all));
    assert_eq!(all.len(), 16);
    assert!(c.find(json!({})).resume_after("not json").all().await.is_err());
}
