//! Typed single-table design: entity discriminators, multi-entity enums,
//! tables from the merged schema of the models that share them.

use crate::common::setup;
use ddb_odm::{Entities, Error, Item, Model, OdmOptions, TableOptions, TableUpdates};
use futures::TryStreamExt;

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "app", entity = "Customer")]
struct Customer {
    #[key]
    pk: String,
    #[range_key]
    sk: String,
    name: String,
    #[index(name = "by_email")]
    email: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "app", entity = "Order")]
struct Order {
    #[key]
    pk: String,
    #[range_key]
    sk: String,
    total: f64,
    #[index(name = "by_status")]
    status: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "app", entity = "Invoice")]
struct Invoice {
    #[key]
    pk: String,
    #[range_key]
    sk: String,
    amount: u32,
}

#[derive(Entities, Debug, PartialEq)]
enum AppItem {
    Customer(Customer),
    Order(Order),
    Invoice(Invoice),
}

/// No variant for invoices, and no catch-all: an invoice is an error.
#[allow(dead_code)]
#[derive(Entities, Debug)]
enum Strict {
    Customer(Customer),
    Order(Order),
}

/// No variant for orders or invoices; they land in `Unknown`.
#[allow(dead_code)]
#[derive(Entities, Debug)]
enum Lenient {
    Customer(Customer),
    #[odm(unknown)]
    Unknown(Item),
}

fn customer() -> Customer {
    Customer { pk: "C#1".into(), sk: "PROFILE".into(), name: "Ada".into(), email: "ada@example.com".into() }
}

fn order(n: u32, status: &str) -> Order {
    Order { pk: "C#1".into(), sk: format!("ORDER#{n}"), total: n as f64, status: status.into() }
}

fn invoice() -> Invoice {
    Invoice { pk: "C#1".into(), sk: "INVOICE#1".into(), amount: 7 }
}

async fn seeded() -> (ddb_odm::testing::TestDb, ddb_odm::Odm) {
    let (db, odm) = setup().await;
    odm.entities::<AppItem>().unwrap().initialize().await.unwrap();
    odm.handle::<Customer>().unwrap().create(&customer()).await.unwrap();
    let orders = odm.handle::<Order>().unwrap();
    orders.create(&order(1, "open")).await.unwrap();
    orders.create(&order(2, "shipped")).await.unwrap();
    odm.handle::<Invoice>().unwrap().create(&invoice()).await.unwrap();
    (db, odm)
}

#[tokio::test]
async fn a_partition_of_three_entities_reads_back_as_the_right_variants() {
    let (_db, odm) = seeded().await;
    let app = odm.entities::<AppItem>().unwrap();
    let all: Vec<AppItem> = app.query(Order::query_by_pk("C#1")).all().try_collect().await.unwrap();
    assert_eq!(
        all,
        vec![
            AppItem::Invoice(invoice()),
            AppItem::Order(order(1, "open")),
            AppItem::Order(order(2, "shipped")),
            AppItem::Customer(customer()),
        ]
    );
    let scanned: Vec<AppItem> = app.scan().all().try_collect().await.unwrap();
    assert_eq!(scanned.len(), 4);
    // From a model's query builder too, with its settings (a page of 1).
    let orders = odm.handle::<Order>().unwrap();
    let pages: Vec<_> = orders
        .query(Order::query_by_pk("C#1"))
        .limit(1)
        .entities::<AppItem>()
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert!(pages.len() >= 4);
    assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), 4);
}

#[tokio::test]
async fn reads_through_a_model_handle_return_only_that_entity() {
    let (_db, odm) = seeded().await;
    let orders = odm.handle::<Order>().unwrap();
    let mine: Vec<Order> = orders.query(Order::query_by_pk("C#1")).all().try_collect().await.unwrap();
    assert_eq!(mine, vec![order(1, "open"), order(2, "shipped")]);
    assert_eq!(orders.query(Order::query_by_pk("C#1")).count().await.unwrap(), 2);
    assert_eq!(orders.scan().count().await.unwrap(), 2);
    let scanned: Vec<Order> = orders.scan().all().try_collect().await.unwrap();
    assert_eq!(scanned.len(), 2);
    // The customer's key read as an order: not an order.
    assert_eq!(orders.get(("C#1".to_string(), "PROFILE".to_string())).await.unwrap(), None);
    assert!(orders.get(("C#1".to_string(), "ORDER#1".to_string())).await.unwrap().is_some());
    let got = orders
        .batch_get([("C#1".to_string(), "PROFILE".to_string()), ("C#1".to_string(), "ORDER#2".to_string())])
        .await
        .unwrap();
    assert_eq!(got, vec![order(2, "shipped")]);
    let customers = odm.handle::<Customer>().unwrap();
    assert_eq!(customers.scan().count().await.unwrap(), 1);
}

#[tokio::test]
async fn the_discriminator_is_written_on_put_update_and_transactions() {
    let (db, odm) = seeded().await;
    let raw = |sk: &str| {
        let client = db.client.clone();
        let table = odm.table_name("app");
        let sk = sk.to_string();
        async move {
            client
                .get_item()
                .table_name(table)
                .key("pk", ddb_odm::AttributeValue::S("C#1".into()))
                .key("sk", ddb_odm::AttributeValue::S(sk))
                .send()
                .await
                .unwrap()
                .item
                .unwrap()
        }
    };
    let entity = |item: &Item| item.get("_entity").cloned();
    assert_eq!(entity(&raw("PROFILE").await), Some(ddb_odm::AttributeValue::S("Customer".into())));
    // An update that creates the item writes the discriminator too.
    let orders = odm.handle::<Order>().unwrap();
    let f = Order::fields();
    orders
        .update(("C#1".to_string(), "ORDER#9".to_string()))
        .set(&f.total, 9.0)
        .set(&f.status, "open")
        .await
        .unwrap();
    assert_eq!(entity(&raw("ORDER#9").await), Some(ddb_odm::AttributeValue::S("Order".into())));
    odm.transact_write().put(orders.create(&order(10, "open"))).send().await.unwrap();
    assert_eq!(entity(&raw("ORDER#10").await), Some(ddb_odm::AttributeValue::S("Order".into())));
}

#[tokio::test]
async fn a_write_never_overwrites_another_entity_that_shares_its_key() {
    let (_db, odm) = seeded().await;
    let orders = odm.handle::<Order>().unwrap();
    let f = Order::fields();
    let on_profile = Order { pk: "C#1".into(), sk: "PROFILE".into(), total: 1.0, status: "open".into() };
    assert!(orders.save(&on_profile).await.unwrap_err().is_condition_failed());
    let update = orders.update(("C#1".to_string(), "PROFILE".to_string())).set(&f.total, 2.0).await;
    assert!(update.unwrap_err().is_condition_failed());
    let delete = orders.delete(("C#1".to_string(), "PROFILE".to_string())).await;
    assert!(delete.unwrap_err().is_condition_failed());
    let tx = odm.transact_write().put(orders.save(&on_profile)).send().await.unwrap_err();
    assert!(matches!(tx, Error::TransactionCancelled { .. }), "{tx:?}");
    // The customer is untouched.
    let customers = odm.handle::<Customer>().unwrap();
    assert_eq!(customers.get(("C#1".to_string(), "PROFILE".to_string())).await.unwrap(), Some(customer()));
    // Writes of the model's own items still work.
    orders.save(&order(1, "shipped")).await.unwrap();
    orders.delete(("C#1".to_string(), "ORDER#2".to_string())).await.unwrap();
}

#[tokio::test]
async fn items_of_no_listed_entity_are_an_error_or_the_unknown_variant() {
    let (_db, odm) = seeded().await;
    let strict = odm.entities::<Strict>().unwrap();
    let err = strict.query(Customer::query_by_pk("C#1")).all().try_collect::<Vec<_>>().await.unwrap_err();
    match err {
        Error::UnknownEntity { entity, item } => {
            assert_eq!(entity.as_deref(), Some("Invoice"));
            assert_eq!(item.get("sk"), Some(&ddb_odm::AttributeValue::S("INVOICE#1".into())));
        }
        other => panic!("{other:?}"),
    }
    let lenient = odm.entities::<Lenient>().unwrap();
    let all: Vec<Lenient> = lenient.query(Customer::query_by_pk("C#1")).all().try_collect().await.unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all.iter().filter(|i| matches!(i, Lenient::Unknown(_))).count(), 3);
    assert!(all.iter().any(|i| matches!(i, Lenient::Customer(c) if *c == customer())));
}

#[tokio::test]
async fn a_shared_table_is_created_from_every_registered_model() {
    let (_db, odm) = setup().await;
    odm.register::<Customer>().unwrap();
    let _orders = odm.model::<Order>().await.unwrap(); // creates `app`
    let desc = odm.table_for(Order::schema().unwrap()).describe().await.unwrap().unwrap();
    let mut names: Vec<_> =
        desc.global_secondary_indexes().iter().filter_map(|i| i.index_name().map(str::to_string)).collect();
    names.sort();
    assert_eq!(names, ["by_email", "by_status"]);
}

#[tokio::test]
async fn updating_one_models_table_keeps_the_other_models_indexes() {
    let (db, odm) = setup().await;
    odm.entities::<AppItem>().unwrap().initialize().await.unwrap();
    // Another process knows only `Order`, and updates indexes to match it.
    let options = OdmOptions {
        prefix: db.prefix.clone(),
        table: TableOptions { update: TableUpdates::all(), ..Default::default() },
        ..Default::default()
    };
    let other = ddb_odm::Odm::with_options(db.client.clone(), options);
    other.model::<Order>().await.unwrap();
    let changes = other.table_for(Order::schema().unwrap()).update().await.unwrap();
    assert!(changes.deleted_indexes.is_empty(), "{changes:?}");
    let desc = other.table_for(Order::schema().unwrap()).describe().await.unwrap().unwrap();
    assert_eq!(desc.global_secondary_indexes().len(), 2);
}

#[tokio::test]
async fn the_discriminator_attribute_name_is_configurable() {
    #[derive(Model, Debug, Clone, PartialEq)]
    #[odm(table = "typed", entity = "Note", entity_attribute = "type")]
    struct Note {
        #[key]
        id: String,
    }
    let (db, odm) = setup().await;
    let notes = odm.model::<Note>().await.unwrap();
    notes.create(&Note { id: "n1".into() }).await.unwrap();
    let raw = db
        .client
        .get_item()
        .table_name(odm.table_name("typed"))
        .key("id", ddb_odm::AttributeValue::S("n1".into()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert_eq!(raw.get("type"), Some(&ddb_odm::AttributeValue::S("Note".into())));
    assert_eq!(notes.get("n1".to_string()).await.unwrap(), Some(Note { id: "n1".into() }));
}

#[test]
fn an_entities_enum_over_two_tables_is_refused() {
    #[derive(Model, Debug)]
    #[odm(table = "elsewhere", entity = "Stray")]
    struct Stray {
        #[key]
        pk: String,
        #[range_key]
        sk: String,
    }
    #[allow(dead_code)]
    #[derive(Entities, Debug)]
    enum Mixed {
        Customer(Customer),
        Stray(Stray),
    }
    let odm = ddb_odm::Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9"));
    assert!(matches!(odm.entities::<Mixed>(), Err(Error::Schema(_))));
}

#[tokio::test]
async fn entity_reads_skip_the_markers_of_unique_values() {
    #[derive(Model, Debug, Clone, PartialEq)]
    #[odm(table = "app", entity = "Member")]
    struct Member {
        #[key]
        pk: String,
        #[range_key]
        sk: String,
        #[odm(unique)]
        email: String,
    }
    #[derive(Entities, Debug, PartialEq)]
    enum Members {
        Member(Member),
    }
    let (_db, odm) = setup().await;
    let app = odm.entities::<Members>().unwrap();
    app.initialize().await.unwrap();
    let m = Member { pk: "M#1".into(), sk: "PROFILE".into(), email: "m@example.com".into() };
    odm.handle::<Member>().unwrap().create(&m).await.unwrap();
    // The table holds the member and its email's marker; no UnknownEntity.
    let all: Vec<Members> = app.scan().all().try_collect().await.unwrap();
    assert_eq!(all, vec![Members::Member(m)]);
}
