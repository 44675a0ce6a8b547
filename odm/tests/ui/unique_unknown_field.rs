// A composite unique constraint names fields of the model.
#[derive(ddb_odm::Model)]
#[odm(unique(fields = "tenant, mail"))]
struct Member {
    #[key]
    id: String,
    tenant: String,
    email: String,
}

// ... two or more of them (one field is #[odm(unique)] on the field).
#[derive(ddb_odm::Model)]
#[odm(unique(fields = "email"))]
struct Single {
    #[key]
    id: String,
    email: String,
}

fn main() {}
