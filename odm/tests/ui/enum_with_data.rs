#[derive(ddb_odm::Enum)]
enum Status {
    Active,
    Suspended(String),
}

fn main() {}
