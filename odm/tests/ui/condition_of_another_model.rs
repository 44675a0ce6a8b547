use ddb_odm::{Model, ModelHandle};

#[derive(Model)]
struct User {
    #[key]
    id: String,
}

#[derive(Model)]
struct Order {
    #[key]
    id: String,
    total: u32,
}

fn scan_users(users: ModelHandle<User>) {
    // a condition on orders cannot filter users
    let _s = users.scan().filter(Order::fields().total.gt(5u32));
}

fn main() {}
