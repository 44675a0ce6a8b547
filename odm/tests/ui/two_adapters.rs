// A field is stored through one adapter: `with` or `serde`, not both.
#[derive(ddb_odm::Model)]
struct Job {
    #[key]
    id: String,
    #[odm(with = "ddb_odm::with::duration_secs", serde)]
    timeout: std::time::Duration,
}

fn main() {}
