//! Micro-benchmark: parse + evaluate a typical ConditionExpression.
//!
//! Run: `cargo run --release -p ddb-emulator --example expr_bench`
//! Prints nanoseconds per parse, per evaluation, and per parse+evaluate.

use ddb_emulator::expr::{parse_request, RequestExpressions};
use ddb_emulator::value::{AttributeValue, Item, Number};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let condition =
        "attribute_exists(#pk) AND #count < :max AND (begins_with(#name, :prefix) OR #status IN (:a, :b))";
    let names: BTreeMap<String, String> =
        [("#pk", "pk"), ("#count", "count"), ("#name", "name"), ("#status", "status")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
    let values: Item = [
        (":max", AttributeValue::N(Number::from_i64(100))),
        (":prefix", AttributeValue::S("us".into())),
        (":a", AttributeValue::S("active".into())),
        (":b", AttributeValue::S("pending".into())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let item: Item = [
        ("pk", AttributeValue::S("user#42".into())),
        ("count", AttributeValue::N(Number::from_i64(7))),
        ("name", AttributeValue::S("user-name".into())),
        ("status", AttributeValue::S("active".into())),
        ("payload", AttributeValue::S("x".repeat(120))),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let parse = || {
        parse_request(RequestExpressions {
            condition: Some(condition),
            names: Some(&names),
            values: Some(&values),
            ..Default::default()
        })
        .expect("valid expression")
    };
    let iterations = 200_000;
    for _ in 0..10_000 {
        black_box(parse());
    }
    let t = Instant::now();
    for _ in 0..iterations {
        black_box(parse());
    }
    let parse_ns = t.elapsed().as_nanos() as f64 / iterations as f64;
    let parsed = parse();
    let cond = parsed.condition.expect("condition");
    let t = Instant::now();
    let mut hits = 0;
    for _ in 0..iterations {
        hits += usize::from(black_box(&cond).evaluate(black_box(&item)));
    }
    let eval_ns = t.elapsed().as_nanos() as f64 / iterations as f64;
    assert_eq!(hits, iterations);
    println!("condition: {condition}");
    println!("parse+resolve+validate: {parse_ns:.0} ns");
    println!("evaluate:               {eval_ns:.0} ns");
    println!("parse+evaluate:         {:.0} ns", parse_ns + eval_ns);
}
