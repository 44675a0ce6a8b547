//! Memory of a running emulator through a load-and-delete cycle, and under
//! one hostile request (for BENCHMARKS.md):
//!
//! ```sh
//! cargo build --release -p ddb-emulator                        # mimalloc
//! target/release/ddb-emulator --port 8123 & PID=$!
//! cargo run --release -p ddb-emulator --example rss_cycle -- 127.0.0.1:8123 $PID [ITEMS]
//! ```
//!
//! Loads ITEMS (default 50,000) items of ~1 KB with BatchWriteItem, deletes them all
//! (DeleteItem one by one through BatchWriteItem deletes, then the table),
//! and prints the server's RSS (VmRSS from /proc) before, after loading,
//! and 3 s after deleting; then sends one GetItem with 1,000,000 unused
//! ExpressionAttributeNames and prints the peak RSS (VmHWM) and the size of
//! the error answer.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;

const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc";

fn call(stream: &mut TcpStream, target: &str, body: &str) -> (u16, Vec<u8>) {
    let head = format!(
        "POST / HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/x-amz-json-1.0\r\nx-amz-target: DynamoDB_20120810.{target}\r\nauthorization: {AUTH}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "closed");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let status = head[9..12].parse().unwrap();
    let len: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).map_or(0, |v| v.trim().parse().unwrap());
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "closed");
        body.extend_from_slice(&chunk[..n]);
    }
    (status, body)
}

fn status_kb(pid: &str, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (addr, pid) = (&args[1], &args[2]);
    let mut s = TcpStream::connect(addr).unwrap();
    let mb = |kb: u64| kb as f64 / 1024.0;
    println!("start: RSS {:.1} MB", mb(status_kb(pid, "VmRSS:")));
    let table = json!({
        "TableName": "cycle", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    });
    assert_eq!(call(&mut s, "CreateTable", &table.to_string()).0, 200);
    let filler = "x".repeat(1000);
    let items: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(50_000);
    for batch in 0..items / 25 {
        let puts: Vec<Value> = (0..25)
            .map(|i| json!({"PutRequest": {"Item": {"pk": {"S": format!("item{:07}", batch * 25 + i)}, "data": {"S": filler}}}}))
            .collect();
        let (status, body) =
            call(&mut s, "BatchWriteItem", &json!({"RequestItems": {"cycle": puts}}).to_string());
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    }
    println!("loaded {items} items of ~1 KB: RSS {:.1} MB", mb(status_kb(pid, "VmRSS:")));
    for batch in 0..items / 25 {
        let dels: Vec<Value> = (0..25)
            .map(|i| json!({"DeleteRequest": {"Key": {"pk": {"S": format!("item{:07}", batch * 25 + i)}}}}))
            .collect();
        assert_eq!(
            call(&mut s, "BatchWriteItem", &json!({"RequestItems": {"cycle": dels}}).to_string()).0,
            200
        );
    }
    assert_eq!(call(&mut s, "DeleteTable", &json!({"TableName": "cycle"}).to_string()).0, 200);
    std::thread::sleep(std::time::Duration::from_secs(3));
    println!("deleted all, 3 s later: RSS {:.1} MB", mb(status_kb(pid, "VmRSS:")));

    assert_eq!(call(&mut s, "CreateTable", &table.to_string()).0, 200);
    let mut names = serde_json::Map::new();
    for i in 0..1_000_000 {
        names.insert(format!("#n{i}"), Value::String("a".into()));
    }
    let body = json!({"TableName": "cycle", "Key": {"pk": {"S": "a"}}, "ProjectionExpression": "#n0", "ExpressionAttributeNames": names}).to_string();
    let before = status_kb(pid, "VmHWM:");
    let (status, answer) = call(&mut s, "GetItem", &body);
    println!(
        "GetItem with 1,000,000 unused names ({:.1} MB body): status {status}, answer {} bytes, peak RSS {:.1} MB (was {:.1} MB), RSS after {:.1} MB",
        body.len() as f64 / 1e6,
        answer.len(),
        mb(status_kb(pid, "VmHWM:")),
        mb(before),
        mb(status_kb(pid, "VmRSS:"))
    );
}
