use ddb_odm::{Model, Projection};

#[derive(Model)]
struct User {
    #[key]
    id: String,
}

#[derive(Model)]
struct Team {
    #[key]
    id: String,
}

#[derive(Projection)]
#[odm(model = Team)]
struct TeamId {
    id: String,
}

fn main() {
    let users = ddb_odm::Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9")).handle::<User>().unwrap();
    let _ = users.scan().project_into::<TeamId>();
}
