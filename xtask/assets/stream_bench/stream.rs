//! 200 MiB through the generated client and server (`ours`), or through reqwest and axum used
//! by hand (`plain`), in one direction (`upload` or `download`); server and client share this
//! process, so its peak memory bounds either side's. The transfer runs `ROUNDS` times, one after
//! the other, so that one run is long enough to time. Written into the bench's scratch crate
//! by `cargo xtask bench`; prints `timings: seconds S` (all rounds) and fails if a byte is
//! missing.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use axum::body::Body;
use axum::http::StatusCode;
use futures_util::{Stream, StreamExt as _};

use bench_streams::client::Client;
use bench_streams::operations::{DownloadResponse, UploadResponse};
use bench_streams::runtime::bytes::Bytes;
use bench_streams::runtime::ByteStream;
use bench_streams::server::{self, Api};

const LEN: usize = 200 << 20;
const CHUNK: usize = 64 * 1024;
const ROUNDS: usize = 5;

/// What the server received, for the check at the end.
static RECEIVED: AtomicUsize = AtomicUsize::new(0);

/// `LEN` bytes in chunks made as they are sent (one shared chunk: nothing piles up).
fn chunks() -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + Sync + 'static {
    let chunk = Bytes::from(vec![7u8; CHUNK]);
    futures_util::stream::iter(0..LEN / CHUNK).map(move |_| Ok(chunk.clone()))
}

/// Counts what a stream of chunks holds, a chunk at a time.
async fn count<E>(mut stream: impl Stream<Item = Result<Bytes, E>> + Unpin) -> usize {
    let mut n = 0;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => n += chunk.len(),
            Err(_) => break,
        }
    }
    n
}

#[derive(Clone)]
struct Service;

impl Api for Service {
    type Error = Infallible;

    async fn upload(&self, body: ByteStream) -> Result<UploadResponse, Infallible> {
        RECEIVED.store(count(body).await, Ordering::SeqCst);
        Ok(UploadResponse::NoContent)
    }

    async fn download(&self) -> Result<DownloadResponse, Infallible> {
        Ok(DownloadResponse::Ok(ByteStream::from_stream(chunks()).with_content_length(LEN as u64)))
    }
}

async fn plain_upload(body: Body) -> StatusCode {
    RECEIVED.store(count(body.into_data_stream()).await, Ordering::SeqCst);
    StatusCode::NO_CONTENT
}

async fn plain_download() -> axum::response::Response {
    let mut response = axum::response::Response::new(Body::from_stream(chunks()));
    let headers = response.headers_mut();
    headers.insert("content-type", "application/octet-stream".parse().expect("a header value"));
    headers.insert("content-length", LEN.to_string().parse().expect("a header value"));
    response
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (side, direction) = (args.get(1).map_or("ours", String::as_str), args.get(2).map_or("upload", String::as_str));
    let app = match side {
        "ours" => server::router_with(Service, server::Config { body_limit: LEN + 1 }),
        _ => axum::Router::new().route("/blob", axum::routing::put(plain_upload).get(plain_download)),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move { axum::serve(listener, app).await.expect("the server runs") });
    let http = reqwest::Client::new();
    let client = Client::with_http_client(base.clone(), http.clone());

    let started = Instant::now();
    for _ in 0..ROUNDS {
        transfer(side, direction, &base, &http, &client).await;
    }
    println!("timings: seconds {}", started.elapsed().as_secs_f64());
}

/// One transfer of `LEN` bytes, checked.
async fn transfer(side: &str, direction: &str, base: &str, http: &reqwest::Client, client: &Client) {
    let moved = match (side, direction) {
        ("ours", "upload") => {
            let answer = client.upload(reqwest::Body::wrap_stream(chunks())).await;
            assert!(matches!(answer, Ok(UploadResponse::NoContent)), "{answer:?}");
            RECEIVED.load(Ordering::SeqCst)
        }
        ("ours", _) => match client.download().await {
            Ok(DownloadResponse::Ok(stream)) => count(stream).await,
            other => panic!("{other:?}"),
        },
        (_, "upload") => {
            let answer = http.put(format!("{base}/blob")).body(reqwest::Body::wrap_stream(chunks())).send().await;
            assert_eq!(answer.expect("an answer").status().as_u16(), 204);
            RECEIVED.load(Ordering::SeqCst)
        }
        _ => {
            let answer = http.get(format!("{base}/blob")).send().await.expect("an answer");
            count(answer.bytes_stream()).await
        }
    };
    assert_eq!(moved, LEN, "every byte arrived");
}
