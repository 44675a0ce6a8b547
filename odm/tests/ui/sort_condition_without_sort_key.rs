use ddb_odm::Model;

#[derive(Model)]
struct User {
    #[key]
    id: String,
    #[index(name = "by_email")]
    email: String,
}

fn main() {
    // the index has no sort key, so no sort conditions
    let _q = User::query_by_email("a@b").sort_gt("x");
}
