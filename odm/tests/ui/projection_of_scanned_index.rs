use ddb_odm::{Model, Projection};

#[derive(Model)]
struct User {
    #[key]
    id: String,
    #[index(name = "by_email", projection = "keys_only")]
    email: String,
    name: String,
}

#[derive(Projection)]
#[odm(model = User)]
struct Login {
    id: String,
    email: String,
}

#[derive(Projection)]
#[odm(model = User)]
struct UserCard {
    id: String,
    name: String,
}

fn main() {
    let users = ddb_odm::Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9")).handle::<User>().unwrap();
    // the keys-only index has `id` and `email`
    let _ = users.scan().on_index(User::scan_index_by_email()).project_into::<Login>();
    // but not `name`
    let _ = users.scan().on_index(User::scan_index_by_email()).project_into::<UserCard>();
}
