use ddb_odm::Model;

#[derive(Model)]
struct Event {
    #[key]
    device: String,
    #[range_key]
    at: u64,
}

fn main() {
    // begins_with needs a string sort key
    let _q = Event::query_by_device("d").sort_begins_with("1");
}
