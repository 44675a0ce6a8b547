use ddb_odm::Model;

#[derive(Model)]
struct User {
    #[key]
    id: String,
    #[odm(defualt = 5)]
    level: Option<u32>,
}

fn main() {}
