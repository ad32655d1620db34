//! The README's "Serving the API" example, completed, compiled and run over loopback, so the
//! README stays true; and an implementation that fails, to show what the client then sees.

use std::convert::Infallible;

use customers_api::models::{CustomerRequest, Problem};
use customers_api::operations::*;
use customers_api::server::{router, Api, Credential};

struct MyApi {
    api_key: String,
}

impl Api for MyApi {
    /// What an accepted credential stands for; every secured operation receives it.
    type Principal = ();
    /// What a method fails with when no documented answer fits; this one never fails.
    type Error = Infallible;

    async fn authenticate(&self, credential: Credential) -> Option<()> {
        matches!(credential, Credential::SecretApiKey(key) if key == self.api_key).then_some(())
    }

    async fn get_customer(&self, _: (), params: GetCustomerParams) -> Result<GetCustomerResponse, Self::Error> {
        let detail = format!("No customer {}.", params.id);
        Ok(GetCustomerResponse::NotFound(Problem { detail: Some(detail), ..Default::default() }))
    }

    async fn post_customer(&self, _: (), body: CustomerRequest) -> Result<PostCustomerResponse, Self::Error> {
        let _ = body;
        Ok(PostCustomerResponse::Conflict(Problem::default()))
    }

    async fn get_customer_collection(
        &self,
        _: (),
        params: GetCustomerCollectionParams,
    ) -> Result<GetCustomerCollectionResponse, Self::Error> {
        Ok(GetCustomerCollectionResponse::Ok(GetCustomerCollectionOk {
            body: Vec::new(),
            pagination_total: Some(0),
            pagination_limit: params.limit,
            pagination_offset: params.offset,
        }))
    }

    async fn put_customer(
        &self,
        _: (),
        _: PutCustomerParams,
        _: CustomerRequest,
    ) -> Result<PutCustomerResponse, Self::Error> {
        Ok(PutCustomerResponse::Forbidden(Problem::default()))
    }

    async fn delete_customer(&self, _: (), _: DeleteCustomerParams) -> Result<DeleteCustomerResponse, Self::Error> {
        Ok(DeleteCustomerResponse::NoContent(DeleteCustomerNoContent {
            x_rate_limit_limit: Some(10),
            x_rate_limit_remaining: Some(9),
        }))
    }
}

/// What the database of [`DatabaseDown`] says: detail for the server's log, not the client.
const DATABASE_ERROR: &str = "connection to db.internal:5432 refused";

/// A query against a database that is down.
fn query<T>() -> std::io::Result<T> {
    Err(std::io::Error::new(std::io::ErrorKind::ConnectionRefused, DATABASE_ERROR))
}

/// An implementation whose database is down: every method fails with `?`, for which the spec
/// documents no answer.
struct DatabaseDown;

impl Api for DatabaseDown {
    type Principal = ();
    type Error = std::io::Error;

    async fn authenticate(&self, _: Credential) -> Option<()> {
        Some(())
    }

    async fn get_customer(&self, _: (), _: GetCustomerParams) -> Result<GetCustomerResponse, Self::Error> {
        Ok(GetCustomerResponse::Ok(query()?))
    }

    async fn post_customer(&self, _: (), _: CustomerRequest) -> Result<PostCustomerResponse, Self::Error> {
        Ok(PostCustomerResponse::Created(query()?))
    }

    async fn get_customer_collection(
        &self,
        _: (),
        _: GetCustomerCollectionParams,
    ) -> Result<GetCustomerCollectionResponse, Self::Error> {
        Ok(GetCustomerCollectionResponse::Ok(query()?))
    }

    async fn put_customer(
        &self,
        _: (),
        _: PutCustomerParams,
        _: CustomerRequest,
    ) -> Result<PutCustomerResponse, Self::Error> {
        Ok(PutCustomerResponse::Ok(query()?))
    }

    async fn delete_customer(&self, _: (), _: DeleteCustomerParams) -> Result<DeleteCustomerResponse, Self::Error> {
        Ok(DeleteCustomerResponse::NoContent(query()?))
    }
}

#[tokio::test]
async fn the_readme_server_serves() {
    let app = router(MyApi { api_key: "readme-key".into() });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app).with_graceful_shutdown(async { stopped.await.unwrap_or(()) }).await.unwrap()
    });
    let http = reqwest::Client::new();

    let found = http.get(format!("{base}/customers/cus_1")).header("REB-APIKEY", "readme-key").send().await.unwrap();
    assert_eq!(found.status(), 404);
    assert!(found.text().await.unwrap().contains("No customer cus_1."));

    let anonymous = http.get(format!("{base}/customers/cus_1")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);

    // Defaults from the spec fill parameters the request leaves out (limit 100, offset 0).
    let list = http.get(format!("{base}/customers")).header("REB-APIKEY", "readme-key").send().await.unwrap();
    assert_eq!(list.status(), 200);
    assert_eq!(list.headers()["pagination-limit"], "100");
    assert_eq!(list.headers()["pagination-offset"], "0");

    let forbidden = http
        .put(format!("{base}/customers/cus_1"))
        .header("REB-APIKEY", "readme-key")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(forbidden.status(), 403);
    assert_eq!(forbidden.headers()["content-type"], "application/json");

    let deleted = http
        .delete(format!("{base}/customers/cus_1?targetCustomerId=cus_2"))
        .header("REB-APIKEY", "readme-key")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(deleted.headers()["x-ratelimit-limit"], "10");
    assert_eq!(deleted.headers()["x-ratelimit-remaining"], "9");

    let _ = stop.send(());
    server.await.unwrap();
}

#[tokio::test]
async fn an_error_is_answered_500_with_problem_details_that_do_not_reveal_it() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, router(DatabaseDown)).await.unwrap() });
    let http = reqwest::Client::new();

    let requests = [
        http.get(format!("{base}/customers/cus_1")),
        http.delete(format!("{base}/customers/cus_1?targetCustomerId=cus_2")),
    ];
    for request in requests {
        let answer = request.header("REB-APIKEY", "any").send().await.unwrap();
        assert_eq!(answer.status(), 500, "{}", answer.url());
        assert_eq!(answer.headers()["content-type"], "application/problem+json");
        let text = answer.text().await.unwrap();
        let problem: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(problem["status"], 500, "{text}");
        assert_eq!(problem["title"], "Internal Server Error", "{text}");
        assert!(!text.contains("db.internal") && !text.contains("refused"), "the error stays on the server: {text}");
    }

    server.abort();
}
