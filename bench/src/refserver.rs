//! A trivial HTTP/1.1 server answering every request with a fixed small JSON
//! body: the ceiling of requests/s this machine and this client reach.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;

pub const BODY: &[u8] = br#"{"Item":{"pk":{"S":"p0000"},"sk":{"S":"s0000000"}}}"#;

pub async fn serve(host: &str, port: u16) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind((host, port)).await?;
    println!("reference server listening on http://{}", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let svc = service_fn(|req: hyper::Request<hyper::body::Incoming>| async move {
                // Read the request body, as a real server would.
                let _ = req.into_body().collect().await;
                let resp = hyper::Response::builder()
                    .header(hyper::header::CONTENT_TYPE, "application/x-amz-json-1.0")
                    .body(Full::new(Bytes::from_static(BODY)))
                    .expect("valid response");
                Ok::<_, Infallible>(resp)
            });
            let _ =
                hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
        });
    }
}
