use ddb_odm::{Model, Projection};

#[derive(Model)]
struct User {
    #[key]
    id: String,
    age: u32,
}

#[derive(Projection)]
#[odm(model = User)]
struct Card {
    id: String,
    age: String,
}

fn main() {}
