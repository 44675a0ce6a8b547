use ddb_odm::Model;

#[derive(Model)]
struct TwoKeys {
    #[key]
    a: String,
    #[key]
    b: String,
}

fn main() {}
