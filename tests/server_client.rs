//! Both generated halves together: the generated client against the example server (on the
//! generated router) over loopback, for every operation and every status the example
//! produces, headers included.

use customers_api::client::RetryPolicy;
use customers_api::client::{Client, Error};
use customers_api::models::{ContactEmail, ContactObjectRequest, CustomerRequest};
use customers_api::operations::{
    DeleteCustomerParams, DeleteCustomerResponse, GetCustomerCollectionParams, GetCustomerCollectionResponse,
    GetCustomerParams, GetCustomerResponse, PostCustomerResponse, PutCustomerParams, PutCustomerResponse,
};
use customers_api::Nullable;
use customers_server::{app, Customers, Options, RateLimit};
use futures_util::StreamExt;
use std::num::NonZeroU32;
use std::time::Duration;
use tokio::sync::oneshot;

const KEY: &str = "client-test-key";
const TOKEN: &str = "client-test-token";

struct Server {
    base: String,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn start() -> Server {
        Server::start_with(|_| {}).await
    }

    /// A server with the test's credentials and whatever `adjust` adds.
    async fn start_with(adjust: impl FnOnce(&mut Options)) -> Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let mut options = Options {
            api_keys: vec![KEY.into()],
            bearer_tokens: vec![TOKEN.into()],
            base_url: base.clone(),
            ..Options::default()
        };
        adjust(&mut options);
        let customers = Customers::open(options).await.expect("an in-memory database");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app(customers))
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
                .expect("server runs");
        });
        Server { base, stop, task }
    }

    fn client(&self) -> Client {
        Client::new(self.base.clone()).with_secret_api_key(KEY)
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.expect("server stops cleanly");
    }
}

fn named(first: &str, email: &str) -> CustomerRequest {
    CustomerRequest {
        locale: Nullable::Present("en-GB".into()),
        primary_address: Nullable::Present(ContactObjectRequest {
            first_name: Nullable::Present(first.into()),
            emails: Some(vec![ContactEmail { label: "main".into(), value: email.into(), primary: Some(true) }]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn get(id: &str) -> GetCustomerParams {
    GetCustomerParams { id: id.into(), expand: None, fields: None }
}

fn merge(id: &str, target: &str) -> DeleteCustomerParams {
    DeleteCustomerParams { id: id.into(), target_customer_id: target.into() }
}

#[tokio::test]
async fn every_operation_through_the_generated_client() {
    let server = Server::start().await;
    let client = server.client();

    // PostCustomer: 201 with Location; 409 for a spent payment token; 422.
    let created = match client.post_customer(&named("Ada", "ada@example.com")).await {
        Ok(PostCustomerResponse::Created(created)) => created,
        other => panic!("expected 201, got {other:?}"),
    };
    let ada = created.body.id.clone().expect("an id");
    assert!(ada.starts_with("cus_"));
    assert_eq!(created.location.as_deref(), Some(format!("{}/customers/{ada}", server.base).as_str()));
    assert_eq!(created.body.email.as_ref().map(String::as_str), Some("ada@example.com"));
    assert!(created.body.created_time.is_some());

    let token = CustomerRequest { payment_token: Some("tok_once".into()), ..Default::default() };
    assert!(matches!(client.post_customer(&token).await, Ok(PostCustomerResponse::Created(_))));
    match client.post_customer(&token).await {
        Err(Error::Api(PostCustomerResponse::Conflict(problem))) => assert_eq!(problem.status, Some(409)),
        other => panic!("expected 409, got {other:?}"),
    }
    let too_long = CustomerRequest { website_id: Some("w".repeat(51)), ..Default::default() };
    match client.post_customer(&too_long).await {
        Err(Error::Api(PostCustomerResponse::UnprocessableEntity(error))) => {
            let fields: Vec<_> = error.invalid_fields.unwrap().into_iter().filter_map(|f| f.field).collect();
            assert_eq!(fields, ["websiteId"]);
        }
        other => panic!("expected 422, got {other:?}"),
    }

    // GetCustomer: 200 and 404.
    match client.get_customer(&get(&ada)).await {
        Ok(GetCustomerResponse::Ok(ok)) => assert_eq!(ok.body.id.as_deref(), Some(ada.as_str())),
        other => panic!("expected 200, got {other:?}"),
    }
    match client.get_customer(&get("cus_nobody")).await {
        Err(Error::Api(GetCustomerResponse::NotFound(problem))) => assert_eq!(problem.status, Some(404)),
        other => panic!("expected 404, got {other:?}"),
    }

    // PutCustomer: 201 then 200; 409; 422.
    let put = PutCustomerParams { id: "grace".into() };
    match client.put_customer(&put, &named("Grace", "grace@example.com")).await {
        Ok(PutCustomerResponse::Created(created)) => {
            assert_eq!(created.body.id.as_deref(), Some("grace"));
            assert_eq!(created.location.as_deref(), Some(format!("{}/customers/grace", server.base).as_str()));
        }
        other => panic!("expected 201, got {other:?}"),
    }
    match client.put_customer(&put, &named("Grace", "grace@navy.example")).await {
        Ok(PutCustomerResponse::Ok(ok)) => {
            assert_eq!(ok.body.revision, Some(2));
            assert_eq!(ok.body.email.as_ref().map(String::as_str), Some("grace@navy.example"));
        }
        other => panic!("expected 200, got {other:?}"),
    }
    match client.put_customer(&put, &token).await {
        Err(Error::Api(PutCustomerResponse::Conflict(_))) => {}
        other => panic!("expected 409, got {other:?}"),
    }
    match client.put_customer(&PutCustomerParams { id: "x".repeat(51) }, &CustomerRequest::default()).await {
        Err(Error::Api(PutCustomerResponse::UnprocessableEntity(error))) => {
            assert_eq!(error.invalid_fields.unwrap()[0].field.as_deref(), Some("id"));
        }
        other => panic!("expected 422, got {other:?}"),
    }

    // GetCustomerCollection: 200 with the Pagination-* headers; 422; pages through a stream.
    let page = GetCustomerCollectionParams { limit: Some(1), offset: Some(1), ..Default::default() };
    match client.get_customer_collection(&page).await {
        Ok(GetCustomerCollectionResponse::Ok(ok)) => {
            assert_eq!(ok.body.len(), 1);
            assert_eq!((ok.pagination_total, ok.pagination_limit, ok.pagination_offset), (Some(3), Some(1), Some(1)));
        }
        other => panic!("expected 200, got {other:?}"),
    }
    let negative = GetCustomerCollectionParams { limit: Some(-1), ..Default::default() };
    match client.get_customer_collection(&negative).await {
        Err(Error::Api(GetCustomerCollectionResponse::UnprocessableEntity(error))) => {
            assert_eq!(error.invalid_fields.unwrap()[0].field.as_deref(), Some("limit"));
        }
        other => panic!("expected 422, got {other:?}"),
    }
    let sorted = GetCustomerCollectionParams { limit: Some(2), sort: Some(vec!["-id".into()]), ..Default::default() };
    let all: Vec<_> = client.get_customer_collection_stream(sorted).collect().await;
    let ids: Vec<String> = all.into_iter().map(|c| c.expect("a customer").id.expect("an id")).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.windows(2).all(|w| w[0] >= w[1]), "{ids:?}");

    // DeleteCustomer: 409 into itself, 204, then 404; 422.
    match client.delete_customer(&merge(&ada, &ada)).await {
        Err(Error::Api(DeleteCustomerResponse::Conflict(_))) => {}
        other => panic!("expected 409, got {other:?}"),
    }
    assert!(matches!(client.delete_customer(&merge(&ada, "grace")).await, Ok(DeleteCustomerResponse::NoContent(_))));
    assert!(matches!(client.get_customer(&get(&ada)).await, Err(Error::Api(GetCustomerResponse::NotFound(_)))));
    assert!(matches!(
        client.delete_customer(&merge(&ada, "grace")).await,
        Err(Error::Api(DeleteCustomerResponse::NotFound(_)))
    ));
    match client.delete_customer(&merge("grace", &"y".repeat(51))).await {
        Err(Error::Api(DeleteCustomerResponse::UnprocessableEntity(_))) => {}
        other => panic!("expected 422, got {other:?}"),
    }
    server.stop().await;
}

#[tokio::test]
async fn credentials_through_the_generated_client() {
    let server = Server::start().await;
    let bearer = Client::new(server.base.clone()).with_jwt(TOKEN);
    assert!(matches!(
        bearer.get_customer_collection(&Default::default()).await,
        Ok(GetCustomerCollectionResponse::Ok(_))
    ));

    let nobody = Client::new(server.base.clone());
    let wrong_key = Client::new(server.base.clone()).with_secret_api_key("not-the-key");
    let wrong_token = Client::new(server.base.clone()).with_jwt("not-the-token");
    for client in [&nobody, &wrong_key, &wrong_token] {
        assert!(matches!(
            client.get_customer_collection(&Default::default()).await,
            Err(Error::Api(GetCustomerCollectionResponse::Unauthorized(_)))
        ));
        assert!(matches!(
            client.post_customer(&CustomerRequest::default()).await,
            Err(Error::Api(PostCustomerResponse::Unauthorized(_)))
        ));
        assert!(matches!(client.get_customer(&get("a")).await, Err(Error::Api(GetCustomerResponse::Unauthorized(_)))));
        assert!(matches!(
            client.put_customer(&PutCustomerParams { id: "a".into() }, &CustomerRequest::default()).await,
            Err(Error::Api(PutCustomerResponse::Unauthorized(_)))
        ));
        assert!(matches!(
            client.delete_customer(&merge("a", "b")).await,
            Err(Error::Api(DeleteCustomerResponse::Unauthorized(_)))
        ));
    }
    server.stop().await;
}

const READ_ONLY: &str = "client-test-read-only-key";

#[tokio::test]
async fn a_read_only_key_reads_and_every_write_is_forbidden() {
    let server = Server::start_with(|o| o.read_only_keys = vec![READ_ONLY.into()]).await;
    let writer = server.client();
    let Ok(PostCustomerResponse::Created(created)) = writer.post_customer(&named("Ada", "ada@example.com")).await
    else {
        panic!("the full key writes");
    };
    let id = created.body.id.clone().expect("an id");
    let reader = Client::new(server.base.clone()).with_secret_api_key(READ_ONLY);
    let listed = reader.get_customer_collection(&GetCustomerCollectionParams::default()).await;
    assert!(matches!(listed, Ok(GetCustomerCollectionResponse::Ok(ref page)) if page.body.len() == 1), "{listed:?}");
    let read = reader.get_customer(&GetCustomerParams { id: id.clone(), expand: None, fields: None }).await;
    assert!(matches!(read, Ok(GetCustomerResponse::Ok(_))), "{read:?}");
    let forbidden = |status: Option<i64>| status == Some(403);
    match reader.post_customer(&named("Bob", "bob@example.com")).await {
        Err(Error::Api(PostCustomerResponse::Forbidden(p))) => assert!(forbidden(p.status)),
        other => panic!("POST with a read-only key: {other:?}"),
    }
    let put = PutCustomerParams { id: id.clone() };
    match reader.put_customer(&put, &named("Ada", "ada@example.com")).await {
        Err(Error::Api(PutCustomerResponse::Forbidden(p))) => assert!(forbidden(p.status)),
        other => panic!("PUT with a read-only key: {other:?}"),
    }
    let delete = DeleteCustomerParams { id: id.clone(), target_customer_id: id.clone() };
    match reader.delete_customer(&delete).await {
        Err(Error::Api(DeleteCustomerResponse::Forbidden(p))) => assert!(forbidden(p.status)),
        other => panic!("DELETE with a read-only key: {other:?}"),
    }
    // Nothing was written.
    let listed = writer.get_customer_collection(&GetCustomerCollectionParams::default()).await;
    assert!(matches!(listed, Ok(GetCustomerCollectionResponse::Ok(ref page)) if page.body.len() == 1), "{listed:?}");
    server.stop().await;
}

#[tokio::test]
async fn a_rate_limit_answers_429_with_its_reset_and_counts_down_in_the_headers() {
    let limit = RateLimit { requests: NonZeroU32::new(3).unwrap(), period: Duration::from_secs(3600) };
    let server = Server::start_with(|o| o.rate_limit = Some(limit)).await;
    let client = server.client();
    let Ok(PostCustomerResponse::Created(created)) = client.post_customer(&named("Ada", "ada@example.com")).await
    else {
        panic!("the first request is within the budget");
    };
    assert_eq!((created.x_rate_limit_limit, created.x_rate_limit_remaining), (Some(3), Some(2)));
    let id = created.body.id.clone().expect("an id");
    let params = GetCustomerParams { id: id.clone(), expand: None, fields: None };
    let Ok(GetCustomerResponse::Ok(read)) = client.get_customer(&params).await else { panic!("the second too") };
    assert_eq!((read.x_rate_limit_limit, read.x_rate_limit_remaining), (Some(3), Some(1)));
    let listed = client.get_customer_collection(&GetCustomerCollectionParams::default()).await;
    assert!(matches!(listed, Ok(GetCustomerCollectionResponse::Ok(_))), "{listed:?}");
    // The budget is spent: each operation answers 429 with the time it refills (a Unix time).
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let refill = |at: Option<i64>| at.is_some_and(|at| at > now && at <= now + 3600 / 3 + 2);
    match client.get_customer(&params).await {
        Err(Error::Api(GetCustomerResponse::TooManyRequests(r))) => {
            assert!(refill(r.x_rate_limit_retry_after), "{r:?}");
            assert_eq!(r.body.status, Some(429));
        }
        other => panic!("GET over the limit: {other:?}"),
    }
    let collection = client.get_customer_collection(&GetCustomerCollectionParams::default()).await;
    assert!(
        matches!(collection, Err(Error::Api(GetCustomerCollectionResponse::TooManyRequests(ref r))) if refill(r.x_rate_limit_retry_after)),
        "{collection:?}"
    );
    let post = client.post_customer(&named("Bob", "bob@example.com")).await;
    assert!(matches!(post, Err(Error::Api(PostCustomerResponse::TooManyRequests(_)))), "{post:?}");
    let put = client.put_customer(&PutCustomerParams { id: id.clone() }, &named("Ada", "ada@example.com")).await;
    assert!(matches!(put, Err(Error::Api(PutCustomerResponse::TooManyRequests(_)))), "{put:?}");
    let delete = client.delete_customer(&DeleteCustomerParams { id: id.clone(), target_customer_id: id }).await;
    assert!(matches!(delete, Err(Error::Api(DeleteCustomerResponse::TooManyRequests(_)))), "{delete:?}");
    // Budgets are per credential: the bearer token still has its own.
    let other = Client::new(server.base.clone()).with_jwt(TOKEN);
    let listed = other.get_customer_collection(&GetCustomerCollectionParams::default()).await;
    assert!(matches!(listed, Ok(GetCustomerCollectionResponse::Ok(_))), "{listed:?}");
    server.stop().await;
}

#[tokio::test]
async fn the_clients_retry_policy_waits_out_the_rate_limit_and_succeeds() {
    let limit = RateLimit { requests: NonZeroU32::new(2).unwrap(), period: Duration::from_secs(1) };
    let server = Server::start_with(|o| o.rate_limit = Some(limit)).await;
    let patient = server.client().with_retry_policy(RetryPolicy { max_retries: 2, ..RetryPolicy::default() });
    let params = GetCustomerCollectionParams::default();
    for _ in 0..2 {
        assert!(matches!(patient.get_customer_collection(&params).await, Ok(GetCustomerCollectionResponse::Ok(_))));
    }
    // Over the budget: the client waits for X-RateLimit-Retry-After, then gets through.
    let impatient = server.client();
    let refused = impatient.get_customer_collection(&params).await;
    assert!(matches!(refused, Err(Error::Api(GetCustomerCollectionResponse::TooManyRequests(_)))), "{refused:?}");
    let started = std::time::Instant::now();
    let waited = patient.get_customer_collection(&params).await;
    assert!(matches!(waited, Ok(GetCustomerCollectionResponse::Ok(_))), "{waited:?}");
    assert!(started.elapsed() >= Duration::from_millis(200), "the client waited: {:?}", started.elapsed());
    server.stop().await;
}
