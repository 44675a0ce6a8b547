use ddb_odm::Model;

#[derive(Model)]
struct User {
    #[key]
    #[odm(regex = "([a-z")]
    id: String,
}

fn main() {}
