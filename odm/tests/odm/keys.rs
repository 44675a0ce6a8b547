//! Keys passed to get, update, delete and queries go through the key
//! attributes' `set` transforms, as the keys of written items do.

use crate::common::setup;
use ddb_odm::Model;
use futures::TryStreamExt;

fn lower(s: String) -> String {
    s.to_lowercase()
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "members")]
struct Member {
    #[key]
    #[odm(set = "lower")]
    email: String,
    #[index(name = "by_team")]
    #[odm(set = "lower")]
    team: String,
    visits: u32,
}

#[tokio::test]
async fn keys_go_through_the_set_transforms_of_writes() {
    let (_db, odm) = setup().await;
    let members = odm.model::<Member>().await.unwrap();
    members
        .create(&Member { email: "Ada@Example.com".into(), team: "Core".into(), visits: 0 })
        .await
        .unwrap();
    let found = members.get("ADA@example.COM".to_string()).await.unwrap().unwrap();
    assert_eq!(found.email, "ada@example.com");
    let f = Member::fields();
    members.update("Ada@Example.com".to_string()).add(&f.visits, 1).must_exist().await.unwrap();
    let by_team: Vec<Member> =
        members.query(Member::query_by_team("CORE")).all().try_collect().await.unwrap();
    assert_eq!(by_team.len(), 1);
    assert_eq!(by_team[0].visits, 1);
    let by_key: Vec<Member> =
        members.query(Member::query_by_email("ADA@EXAMPLE.COM")).all().try_collect().await.unwrap();
    assert_eq!(by_key.len(), 1);
    assert_eq!(members.batch_get(["ada@EXAMPLE.com".to_string()]).await.unwrap().len(), 1);
    members.delete("ADA@EXAMPLE.COM".to_string()).must_exist().await.unwrap();
    assert_eq!(members.scan().count().await.unwrap(), 0);
}

#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "shop", entity = "Order")]
struct ShopOrder {
    #[key]
    #[odm(template = "CUSTOMER#{customer}")]
    pk: String,
    #[range_key]
    #[odm(template = "ORDER#{id}")]
    sk: String,
    customer: String,
    id: u32,
    total: f64,
}

fn shop_order(customer: &str, id: u32) -> ShopOrder {
    ShopOrder { pk: String::new(), sk: String::new(), customer: customer.into(), id, total: id as f64 }
}

#[tokio::test]
async fn key_templates_are_computed_from_the_real_fields() {
    let (db, odm) = setup().await;
    let orders = odm.model::<ShopOrder>().await.unwrap();
    let saved = orders.create(&shop_order("c1", 7)).await.unwrap();
    assert_eq!((saved.pk.as_str(), saved.sk.as_str()), ("CUSTOMER#c1", "ORDER#7"));
    orders.create(&shop_order("c1", 8)).await.unwrap();
    orders.create(&shop_order("c2", 7)).await.unwrap();
    // The stored key is the rendered text.
    let raw = db
        .client
        .get_item()
        .table_name(odm.table_name("shop"))
        .key("pk", ddb_odm::AttributeValue::S("CUSTOMER#c1".into()))
        .key("sk", ddb_odm::AttributeValue::S("ORDER#7".into()))
        .send()
        .await
        .unwrap();
    assert!(raw.item.is_some());
    // Callers pass only the real fields: the key is (customer, id).
    let got = orders.get(("c1".to_string(), 7)).await.unwrap().unwrap();
    assert_eq!(got, saved);
    let f = ShopOrder::fields();
    orders.update(("c1".to_string(), 8)).set(&f.total, 80.0).must_exist().await.unwrap();
    let c1: Vec<ShopOrder> = orders
        .query(ShopOrder::query_by_pk("c1").sort_begins_with("ORDER#"))
        .all()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(c1.iter().map(|o| (o.id, o.total)).collect::<Vec<_>>(), vec![(7, 7.0), (8, 80.0)]);
    orders.delete(("c2".to_string(), 7)).must_exist().await.unwrap();
    assert_eq!(orders.scan().count().await.unwrap(), 2);
    use ddb_odm::Record;
    let stored = orders.to_stored(&shop_order("c9", 1)).unwrap();
    assert_eq!(ShopOrder::decode_key(&stored, orders.schema()).unwrap(), ("c9".to_string(), 1));
}
