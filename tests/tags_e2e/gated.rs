//! Run by `tests/tag_features.rs` inside the crate it generates with a feature per tag, once
//! with `server,pets` and once with `server,pets,admin`: the router serves exactly the
//! operations of the tags turned on.

use std::convert::Infallible;

use fixture_tags::operations::{ListPetsResponse, PingResponse};
use fixture_tags::server::{router, Api};

struct Pets;

impl Api for Pets {
    type Error = Infallible;

    async fn list_pets(&self) -> Result<ListPetsResponse, Infallible> {
        Ok(ListPetsResponse::NoContent)
    }

    #[cfg(feature = "admin")]
    async fn create_pet(&self) -> Result<fixture_tags::operations::CreatePetResponse, Infallible> {
        Ok(fixture_tags::operations::CreatePetResponse::NoContent)
    }

    #[cfg(feature = "internal")]
    async fn health(&self) -> Result<fixture_tags::operations::HealthResponse, Infallible> {
        Ok(fixture_tags::operations::HealthResponse::NoContent)
    }

    async fn ping(&self) -> Result<PingResponse, Infallible> {
        Ok(PingResponse::NoContent)
    }
}

#[tokio::test]
async fn the_router_serves_the_tags_turned_on() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    let server = tokio::spawn(async move { axum::serve(listener, router(Pets)).await });
    let http = reqwest::Client::new();
    let status = |response: &reqwest::Response| response.status().as_u16();
    let get = |path: &str| http.get(format!("{base}{path}")).send();
    assert_eq!(status(&get("/pets").await.expect("GET /pets")), 204);
    // Untagged: always compiled.
    assert_eq!(status(&get("/ping").await.expect("GET /ping")), 204);
    // `internal` is off: its only path is not routed at all.
    assert_eq!(status(&get("/health").await.expect("GET /health")), 404);
    let post = http.post(format!("{base}/pets")).send().await.expect("POST /pets");
    if cfg!(feature = "admin") {
        assert_eq!(status(&post), 204);
        let put = http.put(format!("{base}/pets")).send().await.expect("PUT /pets");
        assert_eq!(status(&put), 405);
        assert_eq!(put.headers()["allow"], "GET, HEAD, POST");
    } else {
        // The path is routed for its GET; the 405 names only what is compiled in.
        assert_eq!(status(&post), 405);
        assert_eq!(post.headers()["allow"], "GET, HEAD");
    }
    server.abort();
}
