use ddb_odm::{Entities, Model};

#[derive(Model, Debug)]
#[odm(table = "app", entity = "Customer")]
struct Customer {
    #[key]
    pk: String,
}

// No `entity = "..."`: its items cannot be told apart from the others'.
#[derive(Model, Debug)]
#[odm(table = "app")]
struct Plain {
    #[key]
    pk: String,
}

#[derive(Entities, Debug)]
enum AppItem {
    Customer(Customer),
    Plain(Plain),
}

fn main() {}
