#[derive(ddb_odm::Document)]
struct Point {
    x: f64,
}

// A tuple variant holds one document, not several values.
#[derive(ddb_odm::Enum)]
#[odm(tag = "type")]
enum Shape {
    Line(Point, Point),
}

// A variant field cannot be stored under the tag's name.
#[derive(ddb_odm::Enum)]
#[odm(tag = "kind")]
enum Event {
    Click { kind: String },
}

fn main() {}
