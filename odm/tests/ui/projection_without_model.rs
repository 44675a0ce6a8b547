use ddb_odm::Projection;

#[derive(Projection)]
struct Card {
    id: String,
}

fn main() {}
