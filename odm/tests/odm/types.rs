//! Attribute types: strings, all numbers, exact decimals, bool, binary,
//! Option, Vec, nested documents, maps, sets, dates in every storage,
//! enums, defaults, validators, regexes, timestamps, catch-all, references.

use crate::common::setup;
use ddb_odm::{AttributeValue, Binary, Decimal, Error, Model, Ref};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::str::FromStr;
use time::OffsetDateTime;
use time::macros::datetime;

#[derive(ddb_odm::Enum, Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Active,
    #[odm(rename = "gone")]
    Deleted,
}

#[derive(ddb_odm::Document, Debug, Clone, PartialEq)]
struct Dims {
    w: u16,
    h: u16,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "all_types")]
struct Everything {
    #[key]
    id: String,
    i8_: i8,
    i16_: i16,
    i32_: i32,
    i64_: i64,
    i128_: i128,
    u8_: u8,
    u16_: u16,
    u32_: u32,
    u64_: u64,
    u128_: u128,
    usize_: usize,
    isize_: isize,
    f32_: f32,
    f64_: f64,
    exact: Decimal,
    flag: bool,
    bytes: Binary,
    maybe: Option<String>,
    list: Vec<String>,
    nested_list: Vec<Dims>,
    dims: Dims,
    map: HashMap<String, i32>,
    strings: HashSet<String>,
    numbers: BTreeSet<i64>,
    blobs: BTreeSet<Binary>,
    status: Status,
    statuses: Vec<Status>,
    millis: OffsetDateTime,
    #[odm(storage = "seconds")]
    seconds: OffsetDateTime,
    #[odm(storage = "iso")]
    iso: Option<OffsetDateTime>,
}

fn everything() -> Everything {
    Everything {
        id: "e".into(),
        i8_: -8,
        i16_: -16,
        i32_: -32,
        i64_: i64::MIN,
        i128_: i128::MAX / 10,
        u8_: 8,
        u16_: 16,
        u32_: 32,
        u64_: u64::MAX,
        u128_: 12345678901234567890123456789012345678,
        usize_: 7,
        isize_: -7,
        f32_: 1.5,
        f64_: -0.000123,
        exact: Decimal::from_str("12345678901234567890.123456789012345678").unwrap(),
        flag: true,
        bytes: Binary(vec![0, 1, 2, 255]),
        maybe: None,
        list: vec!["a".into(), "b".into()],
        nested_list: vec![Dims { w: 1, h: 2 }],
        dims: Dims { w: 3, h: 4 },
        map: HashMap::from([("x".to_string(), 1)]),
        strings: HashSet::from(["s".to_string()]),
        numbers: BTreeSet::from([1, 2, 3]),
        blobs: BTreeSet::new(),
        status: Status::Deleted,
        statuses: vec![Status::Active],
        millis: datetime!(2024-01-02 03:04:05.678 UTC),
        seconds: datetime!(2024-01-02 03:04:05 UTC),
        iso: Some(datetime!(2024-01-02 03:04:05 UTC)),
    }
}

#[tokio::test]
async fn every_type_round_trips() {
    let (_db, odm) = setup().await;
    let all = odm.model::<Everything>().await.unwrap();
    let e = everything();
    all.create(&e).await.unwrap();
    let back = all.get("e".to_string()).await.unwrap().unwrap();
    assert_eq!(back, e);
    let raw = all.get("e".to_string()).send_raw().await.unwrap().unwrap();
    assert_eq!(raw["status"], AttributeValue::S("gone".into()));
    assert_eq!(raw["millis"], AttributeValue::N("1704164645678".into()));
    assert_eq!(raw["seconds"], AttributeValue::N("1704164645".into()));
    assert_eq!(raw["iso"], AttributeValue::S("2024-01-02T03:04:05Z".into()));
    assert!(matches!(raw["strings"], AttributeValue::Ss(_)));
    assert!(matches!(raw["numbers"], AttributeValue::Ns(_)));
    assert!(!raw.contains_key("blobs"), "an empty set is not stored");
    assert!(!raw.contains_key("maybe"));
    assert!(matches!(raw["dims"], AttributeValue::M(_)));
    // typed conditions on dates use the field's storage
    let f = Everything::fields();
    let n = all.scan().filter(f.seconds.eq(datetime!(2024-01-02 03:04:05 UTC))).count().await.unwrap();
    assert_eq!(n, 1);
    let n = all
        .scan()
        .filter(f.exact.gt(Decimal::from(1)))
        .filter(f.status.eq(Status::Deleted))
        .count()
        .await
        .unwrap();
    assert_eq!(n, 1);
    let n = all
        .scan()
        .filter(f.strings.contains("s".to_string()))
        .filter(f.dims.fields().w.eq(3u16))
        .count()
        .await
        .unwrap();
    assert_eq!(n, 1);
    // more than 38 significant digits is refused before sending
    let err = all.save(&Everything { i128_: i128::MAX, ..everything() }).await.unwrap_err();
    assert!(matches!(&err, Error::Validation { field, .. } if field == "i128_"), "{err:?}");
    // an enum value that is not a variant is refused when read
    all.update("e".to_string()).set(&f.maybe, "x").await.unwrap();
    let mut bad = raw.clone();
    bad.insert("id".into(), AttributeValue::S("bad".into()));
    bad.insert("status".into(), AttributeValue::S("unknown".into()));
    _db.client.put_item().table_name(all.table_name()).set_item(Some(bad)).send().await.unwrap();
    let err = all.get("bad".to_string()).await.unwrap_err();
    assert!(matches!(&err, Error::Validation { field, .. } if field == "status"), "{err:?}");
}

fn positive(v: &i64) -> bool {
    *v > 0
}

fn new_code() -> String {
    "generated".into()
}

fn trim(s: String) -> String {
    s.trim().to_string()
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "settings")]
struct Setting {
    #[key]
    #[odm(regex = "^[a-z]+$")]
    name: String,
    #[odm(validate = "positive")]
    amount: i64,
    #[odm(default = 10)]
    limit: Option<i64>,
    #[odm(default = "fallback")]
    label: Option<String>,
    #[odm(default_fn = "new_code")]
    code: Option<String>,
    #[odm(default = "forced", force_default)]
    forced: Option<String>,
    #[odm(required)]
    owner: Option<String>,
    #[odm(set = "trim", get = "trim")]
    note: Option<String>,
    #[odm(combine = "name,amount", separator = ":")]
    combo: Option<String>,
    #[odm(created_at)]
    created: Option<OffsetDateTime>,
    #[odm(updated_at, storage = "iso")]
    updated: Option<OffsetDateTime>,
    #[odm(catch_all)]
    extra: HashMap<String, AttributeValue>,
}

fn setting(name: &str) -> Setting {
    Setting {
        name: name.into(),
        amount: 1,
        limit: None,
        label: None,
        code: None,
        forced: Some("mine".into()),
        owner: Some("me".into()),
        note: Some("  padded  ".into()),
        combo: None,
        created: None,
        updated: None,
        extra: HashMap::new(),
    }
}

#[tokio::test]
async fn defaults_validators_transforms_timestamps_catch_all() {
    let (_db, odm) = setup().await;
    let settings = odm.model::<Setting>().await.unwrap();
    let s = settings.create(&setting("alpha")).await.unwrap();
    assert_eq!(s.limit, Some(10));
    assert_eq!(s.label.as_deref(), Some("fallback"));
    assert_eq!(s.code.as_deref(), Some("generated"));
    assert_eq!(s.forced.as_deref(), Some("forced"));
    assert_eq!(s.note.as_deref(), Some("padded"));
    assert_eq!(s.combo.as_deref(), Some("alpha:1"));
    let created = s.created.unwrap();
    assert!(s.updated.is_some());
    // validators
    let err = settings.create(&Setting { amount: -1, ..setting("beta") }).await.unwrap_err();
    assert!(matches!(&err, Error::Validation { field, .. } if field == "amount"), "{err:?}");
    let err = settings.create(&setting("Bad Name")).await.unwrap_err();
    assert!(matches!(&err, Error::Validation { field, .. } if field == "name"), "{err:?}");
    let err = settings.create(&Setting { owner: None, ..setting("gamma") }).await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation { field, reason } if field == "owner" && reason == "is required")
    );
    // update-time validation and transforms
    let f = Setting::fields();
    assert!(matches!(
        settings.update("alpha".to_string()).set(&f.amount, -5i64).await,
        Err(Error::Validation { .. })
    ));
    let u = settings.update("alpha".to_string()).set(&f.note, " x ").await.unwrap().unwrap();
    assert_eq!(u.note.as_deref(), Some("x"));
    assert_eq!(u.created, Some(created), "created_at is kept by updates");
    // created_at is never rewritten by a later save, even of a fresh struct
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let again = settings.save(&setting("alpha")).await.unwrap();
    assert_eq!(again.created, Some(created));
    assert!(again.updated.unwrap() > s.updated.unwrap());
    // catch-all keeps unknown attributes; without it they are dropped
    let mut with_extra = setting("delta");
    with_extra.extra.insert("color".into(), AttributeValue::S("blue".into()));
    settings.create(&with_extra).await.unwrap();
    let back = settings.get("delta".to_string()).await.unwrap().unwrap();
    assert_eq!(back.extra.get("color"), Some(&AttributeValue::S("blue".into())));
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "authors")]
struct Author {
    #[key]
    id: String,
    name: String,
}

#[derive(Model, Debug)]
#[odm(table = "books")]
struct Book {
    #[key]
    isbn: String,
    author: Ref<Author>,
    editor: Option<Ref<Author>>,
}

#[tokio::test]
async fn references_populate() {
    let (_db, odm) = setup().await;
    let authors = odm.model::<Author>().await.unwrap();
    let books = odm.model::<Book>().await.unwrap();
    authors.create(&Author { id: "a1".into(), name: "Ann".into() }).await.unwrap();
    books
        .create(&Book {
            isbn: "1".into(),
            author: Ref::new("a1".into()),
            editor: Some(Ref::new("zz".into())),
        })
        .await
        .unwrap();
    let mut b = books.get("1".to_string()).await.unwrap().unwrap();
    assert!(b.author.get().is_none());
    books.populate(&mut b).await.unwrap();
    assert_eq!(b.author.get().unwrap().name, "Ann");
    assert!(b.editor.as_ref().unwrap().get().is_none(), "a missing referenced item stays unpopulated");
    let raw = books.get("1".to_string()).send_raw().await.unwrap().unwrap();
    assert_eq!(raw["author"], AttributeValue::S("a1".into()));
}
