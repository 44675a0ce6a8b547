use ddb_odm::{Model, Projection};

#[derive(Model)]
struct User {
    #[key]
    id: String,
    name: String,
}

#[derive(Projection)]
#[odm(model = User)]
struct Card {
    id: String,
    nmae: String,
}

fn main() {}
