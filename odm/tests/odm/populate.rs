//! References (issue 19, section 5): `populate` reads every reference of
//! an item (fields, nested documents, lists, maps) with batched reads
//! (BatchGetItem, 100 keys a request, unprocessed keys retried), and
//! reports what it could not read.

use crate::common::setup;
use ddb_emulator::ErrorKind;
use ddb_emulator::harness::FaultRule;
use ddb_odm::{Document, Error, Model, Ref};
use std::collections::BTreeMap;

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "authors")]
struct Author {
    #[key]
    id: String,
    name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "shelves")]
struct Shelf {
    #[key]
    room: String,
    #[range_key]
    n: u32,
}

#[derive(Document, Debug, Clone, PartialEq)]
struct Credit {
    role: String,
    who: Ref<Author>,
}

#[derive(Document, Debug, Clone, PartialEq)]
struct Edition {
    year: u32,
    editors: Vec<Credit>,
    shelf: Option<Ref<Shelf>>,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "books")]
struct Book {
    #[key]
    id: String,
    author: Ref<Author>,
    coauthors: Vec<Ref<Author>>,
    first: Option<Edition>,
    by_role: BTreeMap<String, Credit>,
}

fn author_ref(id: &str) -> Ref<Author> {
    Ref::new(id.to_string())
}

#[tokio::test]
async fn populate_reaches_nested_documents_lists_and_maps_with_one_batched_read() {
    let (db, odm) = setup().await;
    let authors = odm.model::<Author>().await.unwrap();
    let shelves = odm.model::<Shelf>().await.unwrap();
    let books = odm.model::<Book>().await.unwrap();
    for (id, name) in [("a1", "Ada"), ("a2", "Grace"), ("a3", "Edsger")] {
        authors.create(&Author { id: id.into(), name: name.into() }).await.unwrap();
    }
    shelves.create(&Shelf { room: "r1".into(), n: 4 }).await.unwrap();
    let book = Book {
        id: "b1".into(),
        author: author_ref("a1"),
        coauthors: vec![author_ref("a2"), author_ref("a1"), author_ref("ghost")],
        first: Some(Edition {
            year: 1970,
            editors: vec![Credit { role: "editor".into(), who: author_ref("a3") }],
            shelf: Some(Ref::new(("r1".to_string(), 4))),
        }),
        by_role: BTreeMap::from([(
            "foreword".to_string(),
            Credit { role: "f".into(), who: author_ref("a2") },
        )]),
    };
    books.create(&book).await.unwrap();
    let mut loaded = books.get("b1".to_string()).await.unwrap().unwrap();
    db.clear_operations();
    books.populate(&mut loaded).await.unwrap();
    if db.emulator.is_some() {
        assert_eq!(crate::common::ops(&db), ["BatchGetItem"], "one request for 7 references of 2 tables");
    }
    assert_eq!(loaded.author.get().unwrap().name, "Ada");
    let co: Vec<Option<&str>> = loaded.coauthors.iter().map(|r| r.get().map(|a| a.name.as_str())).collect();
    assert_eq!(co, [Some("Grace"), Some("Ada"), None], "a missing item stays unpopulated");
    let first = loaded.first.as_ref().unwrap();
    assert_eq!(first.editors[0].who.get().unwrap().name, "Edsger");
    assert_eq!(first.shelf.as_ref().unwrap().get().unwrap(), &Shelf { room: "r1".into(), n: 4 });
    assert_eq!(loaded.by_role["foreword"].who.get().unwrap().name, "Grace");
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "crowds")]
struct Crowd {
    #[key]
    id: String,
    members: Vec<Ref<Author>>,
}

#[tokio::test]
async fn populate_chunks_by_100_and_retries_unprocessed_keys() {
    let (db, odm) = setup().await;
    let authors = odm.model::<Author>().await.unwrap();
    let crowds = odm.model::<Crowd>().await.unwrap();
    let people: Vec<Author> =
        (0..250).map(|i| Author { id: format!("a{i}"), name: format!("n{i}") }).collect();
    authors.batch_put(&people).await.unwrap();
    let mut crowd =
        Crowd { id: "c".into(), members: (0..250).map(|i| author_ref(&format!("a{i}"))).collect() };
    crowds.create(&crowd).await.unwrap();
    db.clear_operations();
    if let Some(emu) = &db.emulator {
        emu.faults().add(FaultRule::unprocessed(0.3).operation("BatchGetItem").probability(1.0, 11).count(3));
    }
    crowds.populate(&mut crowd).await.unwrap();
    for (i, m) in crowd.members.iter().enumerate() {
        assert_eq!(m.get().map(|a| a.name.clone()), Some(format!("n{i}")));
    }
    if db.emulator.is_some() {
        let requests = crate::common::ops(&db).len();
        assert!(requests > 3, "3 chunks of at most 100, plus retries ({requests})");
    }
}

#[tokio::test]
async fn a_hard_error_reports_the_keys_not_read() {
    let (db, odm) = setup().await;
    let Some(emu) = &db.emulator else { return };
    let authors = odm.model::<Author>().await.unwrap();
    let crowds = odm.model::<Crowd>().await.unwrap();
    let people: Vec<Author> =
        (0..150).map(|i| Author { id: format!("a{i}"), name: format!("n{i}") }).collect();
    authors.batch_put(&people).await.unwrap();
    let mut crowd =
        Crowd { id: "c".into(), members: (0..150).map(|i| author_ref(&format!("a{i}"))).collect() };
    // the first request (keys 0..100) is throttled: it and the next chunk are not read
    emu.faults()
        .add(FaultRule::error(ErrorKind::ProvisionedThroughputExceeded).operation("BatchGetItem").count(1));
    db.clear_operations();
    let err = crowds.populate(&mut crowd).await.unwrap_err();
    let Error::BatchFailed { source, unprocessed_keys, read, .. } = &err else { panic!("{err:?}") };
    assert!(source.is_throttled(), "{source:?}");
    assert!(err.is_retryable());
    assert!(read.is_empty());
    assert_eq!(unprocessed_keys.len(), 150, "every key not read is reported");
    assert!(unprocessed_keys.iter().all(|(table, _)| table == "authors"));
    assert_eq!(crate::common::ops(&db), ["BatchGetItem"], "stopped at the hard error");
    assert!(crowd.members.iter().all(|m| m.get().is_none()));
    // the reported keys are what a retry needs: it succeeds
    crowds.populate(&mut crowd).await.unwrap();
    assert!(crowd.members.iter().all(|m| m.get().is_some()));
}

#[tokio::test]
async fn populate_all_reads_the_references_of_many_records_once() {
    let (db, odm) = setup().await;
    let authors = odm.model::<Author>().await.unwrap();
    let crowds = odm.model::<Crowd>().await.unwrap();
    let people: Vec<Author> =
        (0..30).map(|i| Author { id: format!("a{i}"), name: format!("n{i}") }).collect();
    authors.batch_put(&people).await.unwrap();
    // 10 crowds of 20 members each, overlapping: 30 distinct authors
    let mut many: Vec<Crowd> = (0..10)
        .map(|c| Crowd {
            id: format!("c{c}"),
            members: (c..c + 20).map(|i| author_ref(&format!("a{i}"))).collect(),
        })
        .collect();
    db.clear_operations();
    crowds.populate_all(&mut many).await.unwrap();
    if db.emulator.is_some() {
        assert_eq!(crate::common::ops(&db), ["BatchGetItem"], "200 references, 30 keys, one request");
    }
    for (c, crowd) in many.iter().enumerate() {
        let names: Vec<String> = crowd.members.iter().map(|m| m.get().unwrap().name.clone()).collect();
        let want: Vec<String> = (c..c + 20).map(|i| format!("n{i}")).collect();
        assert_eq!(names, want);
    }
}
