//! The README's "Serving the API" example, completed, compiled and run over loopback, so the
//! README stays true.

use customers_api::models::{CustomerRequest, Problem};
use customers_api::operations::*;
use customers_api::server::{router, Api, Credential};

struct MyApi {
    api_key: String,
}

impl Api for MyApi {
    /// What an accepted credential stands for; every secured operation receives it.
    type Principal = ();

    async fn authenticate(&self, credential: Credential) -> Option<()> {
        matches!(credential, Credential::SecretApiKey(key) if key == self.api_key).then_some(())
    }

    async fn get_customer(&self, _: (), params: GetCustomerParams) -> GetCustomerResponse {
        let detail = format!("No customer {}.", params.id);
        GetCustomerResponse::NotFound(Problem { detail: Some(detail), ..Default::default() })
    }

    async fn post_customer(&self, _: (), body: CustomerRequest) -> PostCustomerResponse {
        let _ = body;
        PostCustomerResponse::Conflict(Problem::default())
    }

    async fn get_customer_collection(
        &self,
        _: (),
        params: GetCustomerCollectionParams,
    ) -> GetCustomerCollectionResponse {
        GetCustomerCollectionResponse::Ok(GetCustomerCollectionOk {
            body: Vec::new(),
            pagination_total: Some(0),
            pagination_limit: params.limit,
            pagination_offset: params.offset,
        })
    }

    async fn put_customer(&self, _: (), _: PutCustomerParams, _: CustomerRequest) -> PutCustomerResponse {
        PutCustomerResponse::Forbidden(Problem::default())
    }

    async fn delete_customer(&self, _: (), _: DeleteCustomerParams) -> DeleteCustomerResponse {
        DeleteCustomerResponse::NoContent(DeleteCustomerNoContent {
            x_rate_limit_limit: Some(10),
            x_rate_limit_remaining: Some(9),
        })
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
