use ddb_odm::Model;

#[derive(Model)]
struct User {
    #[key]
    id: String,
    #[index(name = "by_age", range)]
    age: u32,
}

fn main() {}
