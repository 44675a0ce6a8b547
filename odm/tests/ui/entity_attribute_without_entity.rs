use ddb_odm::Model;

#[derive(Model)]
#[odm(entity_attribute = "type")]
struct Note {
    #[key]
    id: String,
}

fn main() {}
