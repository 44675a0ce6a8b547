// Variants with data need a tag: without #[odm(tag = "...")] there is no
// way to store which variant a value is.
#[derive(ddb_odm::Enum)]
enum Status {
    Active,
    Suspended { reason: String },
}

// Tagged, the same enum compiles.
#[derive(ddb_odm::Enum)]
#[odm(tag = "type")]
enum TaggedStatus {
    Active,
    Suspended { reason: String },
}

fn main() {}
