use ddb_odm::Model;

#[derive(Model)]
struct User {
    #[key]
    id: String,
    age: u32,
}

fn main() {
    // `age` is a number: a string does not compile
    let _c = User::fields().age.eq("thirty");
}
