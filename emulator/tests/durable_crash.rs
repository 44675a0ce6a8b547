//! Crash test of durable mode: writers with acknowledged PutItem,
//! UpdateItem and TransactWriteItems against the binary, `kill -9` at a
//! random moment, restart on the same data directory, and check that every
//! acknowledged write is there and nothing is half applied. Each round uses
//! a different sync policy; the data directory carries over between rounds,
//! so recovery also replays earlier rounds' logs and checkpoints. The
//! table has a stream: every round also checks that the stream kept what it
//! held and has a record of every acknowledged write (and of both sides of
//! each applied transaction, or of neither).

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const ROUNDS: usize = 12;
const WRITERS: usize = 3;

/// One keep-alive HTTP connection speaking the DynamoDB JSON protocol.
struct Client {
    stream: BufReader<TcpStream>,
}

impl Client {
    fn connect(addr: &str) -> std::io::Result<Client> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        Ok(Client { stream: BufReader::new(stream) })
    }

    /// The response body of a successful call; an error for anything else
    /// (including the connection dying with the server).
    fn call(&mut self, op: &str, body: &Value) -> std::io::Result<Value> {
        self.call_target("DynamoDB_20120810", op, body)
    }

    /// A DynamoDB Streams call.
    fn streams(&mut self, op: &str, body: &Value) -> std::io::Result<Value> {
        self.call_target("DynamoDBStreams_20120810", op, body)
    }

    fn call_target(&mut self, target: &str, op: &str, body: &Value) -> std::io::Result<Value> {
        let body = body.to_string();
        let request = format!(
            "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\n\
             X-Amz-Target: {target}.{op}\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        self.stream.get_mut().write_all(request.as_bytes())?;
        let mut status = String::new();
        self.stream.read_line(&mut status)?;
        let mut length = 0;
        loop {
            let mut line = String::new();
            if self.stream.read_line(&mut line)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body)?;
        if !status.starts_with("HTTP/1.1 200") {
            return Err(std::io::Error::other(format!("{status}: {}", String::from_utf8_lossy(&body))));
        }
        serde_json::from_slice(&body).map_err(std::io::Error::other)
    }
}

fn start(dir: &Path, sync: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ddb-emulator"))
        .args(["--port", "0", "--data-dir"])
        .arg(dir)
        .args(["--sync", sync])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the binary");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).expect("read the endpoint line");
    let addr =
        line.trim().strip_prefix("listening on http://").unwrap_or_else(|| panic!("{line}")).to_string();
    (child, addr)
}

/// What one writer did in one round: the operations it sent, and which
/// were acknowledged.
#[derive(Default)]
struct Log {
    puts_acked: Vec<u32>,
    adds_sent: u64,
    adds_acked: u64,
    transactions_sent: Vec<u32>,
    transactions_acked: Vec<u32>,
}

fn key(pk: &str, sk: u32) -> Value {
    json!({"pk": {"S": pk}, "sk": {"N": sk.to_string()}})
}

fn write_until_killed(addr: &str, round: usize, writer: usize, stop: &AtomicBool) -> Log {
    let mut log = Log::default();
    let Ok(mut client) = Client::connect(addr) else { return log };
    let pk = format!("r{round}w{writer}");
    let mut i = 0u32;
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let result = match i % 3 {
            0 => {
                let item = json!({"pk": {"S": pk}, "sk": {"N": i.to_string()}, "v": {"N": i.to_string()}});
                client
                    .call("PutItem", &json!({"TableName": "crash", "Item": item}))
                    .map(|_| log.puts_acked.push(i))
            }
            1 => {
                log.adds_sent += 1;
                client
                    .call(
                        "UpdateItem",
                        &json!({"TableName": "crash", "Key": key(&format!("{pk}-counter"), 0),
                            "UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}}),
                    )
                    .map(|_| log.adds_acked += 1)
            }
            _ => {
                log.transactions_sent.push(i);
                let put = |side: &str| json!({"Put": {"TableName": "crash", "Item": {"pk": {"S": format!("{pk}-{side}")}, "sk": {"N": i.to_string()}}}});
                client
                    .call("TransactWriteItems", &json!({"TransactItems": [put("a"), put("b")]}))
                    .map(|_| log.transactions_acked.push(i))
            }
        };
        if result.is_err() {
            break; // The server died.
        }
    }
    log
}

fn exists(client: &mut Client, pk: &str, sk: u32) -> bool {
    let out = client
        .call("GetItem", &json!({"TableName": "crash", "Key": key(pk, sk), "ConsistentRead": true}))
        .unwrap();
    out.get("Item").is_some()
}

#[test]
fn acknowledged_writes_survive_kill_9_and_nothing_is_half_applied() {
    let dir = std::env::temp_dir().join(format!("ddb-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let policies = ["batch", "never", "always"];
    let (mut child, mut addr) = start(&dir, policies[0]);
    Client::connect(&addr)
        .unwrap()
        .call(
            "CreateTable",
            &json!({"TableName": "crash", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}}),
        )
        .unwrap();
    let mut acknowledged = 0;
    let mut stream_before: Vec<(u128, String)> = Vec::new();
    for round in 0..ROUNDS {
        let stop = AtomicBool::new(false);
        let logs: Vec<Log> = std::thread::scope(|s| {
            let writers: Vec<_> = (0..WRITERS)
                .map(|w| {
                    let (addr, stop) = (&addr, &stop);
                    s.spawn(move || write_until_killed(addr, round, w, stop))
                })
                .collect();
            std::thread::sleep(Duration::from_millis(30 + fastrand_below(150)));
            child.kill().expect("kill -9");
            child.wait().unwrap();
            stop.store(true, Ordering::Relaxed);
            writers.into_iter().map(|h| h.join().unwrap()).collect()
        });
        (child, addr) = start(&dir, policies[(round + 1) % policies.len()]);
        let mut client = Client::connect(&addr).unwrap();
        for (w, log) in logs.iter().enumerate() {
            let pk = format!("r{round}w{w}");
            for &i in &log.puts_acked {
                assert!(exists(&mut client, &pk, i), "round {round}: acknowledged put {pk}/{i} lost");
            }
            let counter = client
                .call("GetItem", &json!({"TableName": "crash", "Key": key(&format!("{pk}-counter"), 0)}))
                .unwrap();
            let n: u64 = counter["Item"]["n"]["N"].as_str().map_or(0, |n| n.parse().unwrap());
            assert!(
                (log.adds_acked..=log.adds_sent).contains(&n),
                "round {round}: counter {pk} is {n}, acknowledged {}, sent {}",
                log.adds_acked,
                log.adds_sent
            );
            for &i in &log.transactions_sent {
                let (a, b) =
                    (exists(&mut client, &format!("{pk}-a"), i), exists(&mut client, &format!("{pk}-b"), i));
                assert_eq!(a, b, "round {round}: transaction {pk}/{i} half applied");
                assert!(
                    a || !log.transactions_acked.contains(&i),
                    "round {round}: acknowledged transaction {pk}/{i} lost"
                );
            }
            acknowledged +=
                log.puts_acked.len() as u64 + log.adds_acked + log.transactions_acked.len() as u64;
        }
        // The stream: what it held before is still there, unchanged, and
        // it has a record of every acknowledged put and of both sides of
        // every transaction applied (and of neither side of any other).
        let stream = stream_records(&mut client);
        assert!(stream.len() >= stream_before.len(), "round {round}: stream records lost");
        assert_eq!(
            &stream[..stream_before.len()],
            &stream_before[..],
            "round {round}: stream records changed"
        );
        assert!(stream.windows(2).all(|w| w[0].0 < w[1].0), "round {round}: sequence numbers out of order");
        let keys: std::collections::HashSet<&str> = stream.iter().map(|(_, k)| k.as_str()).collect();
        for (w, log) in logs.iter().enumerate() {
            let pk = format!("r{round}w{w}");
            for &i in &log.puts_acked {
                assert!(
                    keys.contains(format!("{pk}/{i}").as_str()),
                    "round {round}: no stream record of put {pk}/{i}"
                );
            }
            for &i in &log.transactions_sent {
                let (a, b) = (
                    keys.contains(format!("{pk}-a/{i}").as_str()),
                    keys.contains(format!("{pk}-b/{i}").as_str()),
                );
                assert_eq!(a, b, "round {round}: transaction {pk}/{i} half in the stream");
                assert_eq!(
                    a,
                    exists(&mut client, &format!("{pk}-a"), i),
                    "round {round}: stream and table disagree on {pk}/{i}"
                );
            }
        }
        stream_before = stream;
    }
    eprintln!("{ROUNDS} rounds of kill -9: {acknowledged} acknowledged writes, all found after restart");
    // Every round wrote something before it was killed.
    assert!(acknowledged > ROUNDS as u64, "only {acknowledged} writes acknowledged in {ROUNDS} rounds");
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every record of the crash table's stream: sequence number and `pk/sk`.
fn stream_records(client: &mut Client) -> Vec<(u128, String)> {
    let table = client.call("DescribeTable", &json!({"TableName": "crash"})).unwrap();
    let arn = table["Table"]["LatestStreamArn"].clone();
    let desc = client.streams("DescribeStream", &json!({"StreamArn": arn})).unwrap();
    let mut out = Vec::new();
    for shard in desc["StreamDescription"]["Shards"].as_array().unwrap() {
        let it = client
            .streams(
                "GetShardIterator",
                &json!({"StreamArn": arn, "ShardId": shard["ShardId"], "ShardIteratorType": "TRIM_HORIZON"}),
            )
            .unwrap();
        let mut it = it["ShardIterator"].clone();
        while it.is_string() {
            let page = client.streams("GetRecords", &json!({"ShardIterator": it, "Limit": 1000})).unwrap();
            let records = page["Records"].as_array().unwrap();
            if records.is_empty() {
                break;
            }
            for r in records {
                let d = &r["dynamodb"];
                let key = format!(
                    "{}/{}",
                    d["Keys"]["pk"]["S"].as_str().unwrap(),
                    d["Keys"]["sk"]["N"].as_str().unwrap()
                );
                out.push((d["SequenceNumber"].as_str().unwrap().parse().unwrap(), key));
            }
            it = page["NextShardIterator"].clone();
        }
    }
    out
}

fn fastrand_below(n: u64) -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(0u8) % n
}

#[test]
fn a_second_process_is_refused_the_directory_with_the_holders_pid() {
    let dir = std::env::temp_dir().join(format!("ddb-two-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut first, _) = start(&dir, "batch");
    // Another process (the binary again) is refused and names the holder.
    let second = Command::new(env!("CARGO_BIN_EXE_ddb-emulator"))
        .args(["--port", "0", "--data-dir"])
        .arg(&dir)
        .output()
        .expect("run a second binary");
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains(&format!("in use by process {}", first.id())), "{stderr}");
    // So is this process, embedding it.
    let config = ddb_emulator::Config { data_dir: Some(dir.clone()), ..ddb_emulator::Config::default() };
    let err = ddb_emulator::Service::open(config.clone()).expect_err("the directory is taken");
    assert!(err.to_string().contains(&first.id().to_string()), "{err}");
    // Once the holder is gone (even killed), the directory is free.
    first.kill().unwrap();
    first.wait().unwrap();
    drop(ddb_emulator::Service::open(config).expect("free after the holder died"));
    let _ = std::fs::remove_dir_all(&dir);
}
