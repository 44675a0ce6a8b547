//! Every HTTP request runs in a `tracing` span carrying its request id, the
//! operation and the table; a failed request logs its error's `__type` at
//! debug inside that span.

use std::io::Write;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn post(addr: std::net::SocketAddr, op: &str, body: &str) -> String {
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-amz-json-1.0\r\n\
         X-Amz-Target: DynamoDB_20120810.{op}\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    response
}

fn request_id(response: &str) -> &str {
    let line = response.lines().find(|l| l.to_ascii_lowercase().starts_with("x-amzn-requestid:")).unwrap();
    line.split_once(':').unwrap().1.trim()
}

#[test]
fn a_failed_request_logs_its_type_in_a_span_with_id_operation_and_table() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // A current-thread runtime: the server's tasks run on this thread, where
    // the subscriber is the default.
    let _guard = tracing::subscriber::set_default(subscriber);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let response = rt.block_on(async {
        let emu = ddb_emulator::Emulator::builder().port(0).start().await.unwrap();
        let response =
            post(emu.addr(), "GetItem", r#"{"TableName": "no_such_table", "Key": {"pk": {"S": "a"}}}"#).await;
        emu.shutdown().await;
        response
    });
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    let id = request_id(&response);
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("request failed"))
        .unwrap_or_else(|| panic!("no error line in {log}"));
    assert!(
        line.contains(&format!("request_id=\"{id}\"")) || line.contains(&format!("request_id={id}")),
        "{line}"
    );
    assert!(line.contains("operation=\"GetItem\"") || line.contains("operation=GetItem"), "{line}");
    assert!(line.contains("table=\"no_such_table\"") || line.contains("table=no_such_table"), "{line}");
    assert!(line.contains("com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"), "{line}");
}
