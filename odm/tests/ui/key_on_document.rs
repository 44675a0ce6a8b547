use ddb_odm::Document;

#[derive(Document)]
struct Address {
    #[odm(version)]
    city: String,
}

fn main() {}
