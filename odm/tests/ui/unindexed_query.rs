use ddb_odm::Model;

#[derive(Model)]
struct User {
    #[key]
    id: String,
    #[index(name = "by_email")]
    email: String,
    age: u32,
}

fn main() {
    let _by_email = User::query_by_email("a@b");
    // `age` has no index: there is no query for it.
    let _by_age = User::query_by_age(30u32);
}
