use ddb_odm::{Entities, Model, Odm};

#[derive(Model, Debug)]
#[odm(table = "app", entity = "Customer")]
struct Customer {
    #[key]
    pk: String,
}

#[derive(Model, Debug)]
#[odm(table = "app", entity = "Invoice")]
struct Invoice {
    #[key]
    pk: String,
}

#[derive(Entities, Debug)]
enum AppItem {
    Customer(Customer),
}

fn main() {
    let odm = Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9"));
    let app = odm.entities::<AppItem>().unwrap();
    // `Invoice` is not listed by `AppItem`: its key query is refused.
    let _q = app.query(Invoice::query_by_pk("x"));
}
