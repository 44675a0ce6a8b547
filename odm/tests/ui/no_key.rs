use ddb_odm::Model;

#[derive(Model)]
struct NoKey {
    id: String,
}

fn main() {}
