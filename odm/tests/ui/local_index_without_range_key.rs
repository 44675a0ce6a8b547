use ddb_odm::Model;

#[derive(Model)]
struct User {
    #[key]
    id: String,
    #[index(name = "by_age", local)]
    age: u32,
}

fn main() {}
