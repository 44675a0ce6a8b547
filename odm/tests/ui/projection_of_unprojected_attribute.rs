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
struct UserCard {
    id: String,
    name: String,
}

fn main() {
    let users = ddb_odm::Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9")).handle::<User>().unwrap();
    // the table projects `name`: this compiles
    let _ = users.query(User::query_by_id("u1")).project_into::<UserCard>();
    // `by_email` is keys-only: it has no `name`
    let _ = users.query(User::query_by_email("a@b")).project_into::<UserCard>();
}
