//! Both generated halves together: the generated client against the example server (on the
//! generated router) over loopback, for every operation and every status the example
//! produces, headers included.

use customers_api::client::{Client, Error};
use customers_api::models::{ContactEmail, ContactObjectRequest, CustomerRequest};
use customers_api::operations::{
    DeleteCustomerParams, DeleteCustomerResponse, GetCustomerCollectionParams, GetCustomerCollectionResponse,
    GetCustomerParams, GetCustomerResponse, PostCustomerResponse, PutCustomerParams, PutCustomerResponse,
};
use customers_api::Nullable;
use customers_server::{app, Options};
use futures_util::StreamExt;
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
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let options = Options { api_keys: vec![KEY.into()], bearer_tokens: vec![TOKEN.into()], base_url: base.clone() };
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app(options))
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
