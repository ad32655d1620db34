//! The generated client against a loopback server that checks every request on the wire
//! (method, path, query string, headers, body) and answers with each status the spec
//! documents; the client must decode every one, headers included.

mod client_common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use client_common::{
    customer_json, error_reply, problem_json, seed_customer, seed_customer_json, MockServer, Recorded, Reply,
};
use customers_api::client::{reqwest, servers, Client, DecodeError, Error, RetryPolicy};
use customers_api::operations::{
    DeleteCustomerParams, DeleteCustomerResponse, GetCustomerCollectionParams, GetCustomerCollectionResponse,
    GetCustomerParams, GetCustomerResponse, PostCustomerResponse, PutCustomerParams, PutCustomerResponse,
};
use futures_util::StreamExt;
use serde_json::json;

const KEY: &str = "sk_test_0123456789";

fn client(server: &MockServer) -> Client {
    Client::new(server.url()).with_secret_api_key(KEY)
}

/// Checks what every error status of this API decodes to: the typed problem body.
fn assert_problem(status: u16, problem: &customers_api::models::Problem) {
    assert_eq!(problem.status, Some(i64::from(status)));
    assert!(problem.detail.as_deref().is_some_and(|d| d.ends_with("(test)")), "{problem:?}");
}

fn assert_validation(error: &customers_api::models::ValidationError) {
    let fields = error.invalid_fields.as_ref().expect("invalidFields");
    assert_eq!(fields.len(), 2);
    assert_eq!(fields[1].field.as_deref(), Some("subObject.field2"));
    assert_eq!(fields[1].message.as_deref(), Some("field2 is invalid"));
}

fn assert_json_request(request: &Recorded) {
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.json(), seed_customer_json());
}

#[tokio::test]
async fn get_customer_collection_every_status() {
    let server = MockServer::start().await;
    let client = client(&server);
    let params = GetCustomerCollectionParams {
        limit: Some(20),
        offset: Some(40),
        filter: Some("firstName:John,Jane;locale:fr-FR".into()),
        q: Some("john doe".into()),
        sort: Some(vec!["-createdTime".into(), "lastName".into()]),
        fields: Some("id,email".into()),
        expand: None,
    };
    let query = "limit=20&offset=40&filter=firstName%3AJohn%2CJane%3Blocale%3Afr-FR&q=john%20doe\
                 &sort=-createdTime,lastName&fields=id%2Cemail";
    for status in [200, 401, 403, 422, 429] {
        server.reply(match status {
            200 => Reply::json(200, json!([customer_json("cus_1"), customer_json("cus_2")]))
                .header("Pagination-Total", "42")
                .header("Pagination-Limit", "20")
                .header("Pagination-Offset", "40"),
            other => error_reply(other),
        });
        let result = client.get_customer_collection(&params).await;
        let request = server.request();
        request.assert_line("GET", "/customers", Some(query));
        request.assert_api_key(KEY);
        assert_eq!(request.header("accept"), Some("application/json"));
        assert!(request.body.is_empty());
        match (status, result) {
            (200, Ok(GetCustomerCollectionResponse::Ok(page))) => {
                let ids: Vec<_> = page.body.iter().map(|c| c.id.as_deref().unwrap()).collect();
                assert_eq!(ids, ["cus_1", "cus_2"]);
                assert_eq!(
                    (page.pagination_total, page.pagination_limit, page.pagination_offset),
                    (Some(42), Some(20), Some(40))
                );
            }
            (401, Err(Error::Api(GetCustomerCollectionResponse::Unauthorized(p)))) => assert_problem(401, &p),
            (403, Err(Error::Api(GetCustomerCollectionResponse::Forbidden(p)))) => assert_problem(403, &p),
            (422, Err(Error::Api(GetCustomerCollectionResponse::UnprocessableEntity(e)))) => assert_validation(&e),
            (429, Err(error @ Error::Api(GetCustomerCollectionResponse::TooManyRequests(_)))) => {
                assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
                let Error::Api(GetCustomerCollectionResponse::TooManyRequests(r)) = error else { unreachable!() };
                assert_eq!(r.x_rate_limit_retry_after, Some(7));
                assert_problem(429, &r.body);
            }
            (status, other) => panic!("{status}: {other:?}"),
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn post_customer_every_status() {
    let server = MockServer::start().await;
    let client = client(&server);
    let body = seed_customer();
    for status in [201, 401, 403, 409, 422, 429] {
        server.reply(match status {
            201 => Reply::json(201, customer_json("cus_new"))
                .header("Location", "https://api.rebilly.com/organizations/org_1/customers/cus_new")
                .header("X-RateLimit-Limit", "3600")
                .header("X-RateLimit-Remaining", "3599"),
            other => error_reply(other),
        });
        let result = client.post_customer(&body).await;
        let request = server.request();
        request.assert_line("POST", "/customers", None);
        request.assert_api_key(KEY);
        assert_json_request(&request);
        match (status, result) {
            (201, Ok(PostCustomerResponse::Created(created))) => {
                assert_eq!(created.body.id.as_deref(), Some("cus_new"));
                assert_eq!(
                    created.location.as_deref(),
                    Some("https://api.rebilly.com/organizations/org_1/customers/cus_new")
                );
                assert_eq!((created.x_rate_limit_limit, created.x_rate_limit_remaining), (Some(3600), Some(3599)));
            }
            (401, Err(Error::Api(PostCustomerResponse::Unauthorized(p)))) => assert_problem(401, &p),
            (403, Err(Error::Api(PostCustomerResponse::Forbidden(p)))) => assert_problem(403, &p),
            (409, Err(Error::Api(PostCustomerResponse::Conflict(p)))) => assert_problem(409, &p),
            (422, Err(Error::Api(PostCustomerResponse::UnprocessableEntity(e)))) => assert_validation(&e),
            (429, Err(Error::Api(PostCustomerResponse::TooManyRequests(r)))) => {
                assert_eq!(r.x_rate_limit_retry_after, Some(7));
                assert_problem(429, &r.body);
            }
            (status, other) => panic!("{status}: {other:?}"),
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn get_customer_every_status() {
    let server = MockServer::start().await;
    let client = client(&server);
    let params =
        GetCustomerParams { id: "cus_0YV7DDSDD1C8DA64KHH2W33CPF".into(), expand: Some("website".into()), fields: None };
    for status in [200, 401, 403, 404, 429] {
        server.reply(match status {
            200 => Reply::json(200, customer_json("cus_0YV7DDSDD1C8DA64KHH2W33CPF"))
                .header("X-RateLimit-Limit", "3600")
                .header("X-RateLimit-Remaining", "12"),
            other => error_reply(other),
        });
        let result = client.get_customer(&params).await;
        let request = server.request();
        request.assert_line("GET", "/customers/cus_0YV7DDSDD1C8DA64KHH2W33CPF", Some("expand=website"));
        request.assert_api_key(KEY);
        match (status, result) {
            (200, Ok(GetCustomerResponse::Ok(ok))) => {
                assert_eq!(ok.body.id.as_deref(), Some("cus_0YV7DDSDD1C8DA64KHH2W33CPF"));
                assert_eq!(ok.body.created_time.map(|t| t.timestamp()), Some(1_714_558_830));
                assert!(ok.body.primary_address.is_null());
                assert_eq!((ok.x_rate_limit_limit, ok.x_rate_limit_remaining), (Some(3600), Some(12)));
            }
            (401, Err(Error::Api(GetCustomerResponse::Unauthorized(p)))) => assert_problem(401, &p),
            (403, Err(Error::Api(GetCustomerResponse::Forbidden(p)))) => assert_problem(403, &p),
            (404, Err(Error::Api(GetCustomerResponse::NotFound(p)))) => assert_problem(404, &p),
            (429, Err(Error::Api(GetCustomerResponse::TooManyRequests(r)))) => {
                assert_eq!(r.x_rate_limit_retry_after, Some(7));
            }
            (status, other) => panic!("{status}: {other:?}"),
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn put_customer_every_status() {
    let server = MockServer::start().await;
    let client = client(&server);
    let params = PutCustomerParams { id: "my-system-42".into() };
    let body = seed_customer();
    for status in [200, 201, 401, 403, 409, 422, 429] {
        server.reply(match status {
            200 => Reply::json(200, customer_json("my-system-42")).header("X-RateLimit-Remaining", "5"),
            201 => Reply::json(201, customer_json("my-system-42"))
                .header("Location", "https://api.rebilly.com/organizations/org_1/customers/my-system-42")
                .header("X-RateLimit-Limit", "3600"),
            other => error_reply(other),
        });
        let result = client.put_customer(&params, &body).await;
        let request = server.request();
        request.assert_line("PUT", "/customers/my-system-42", None);
        request.assert_api_key(KEY);
        assert_json_request(&request);
        match (status, result) {
            (200, Ok(PutCustomerResponse::Ok(ok))) => {
                assert_eq!(ok.body.id.as_deref(), Some("my-system-42"));
                assert_eq!((ok.x_rate_limit_limit, ok.x_rate_limit_remaining), (None, Some(5)));
            }
            (201, Ok(PutCustomerResponse::Created(created))) => {
                assert!(created.location.as_deref().is_some_and(|l| l.ends_with("/customers/my-system-42")));
                assert_eq!((created.x_rate_limit_limit, created.x_rate_limit_remaining), (Some(3600), None));
            }
            (401, Err(Error::Api(PutCustomerResponse::Unauthorized(p)))) => assert_problem(401, &p),
            (403, Err(Error::Api(PutCustomerResponse::Forbidden(p)))) => assert_problem(403, &p),
            (409, Err(Error::Api(PutCustomerResponse::Conflict(p)))) => assert_problem(409, &p),
            (422, Err(Error::Api(PutCustomerResponse::UnprocessableEntity(e)))) => assert_validation(&e),
            (429, Err(Error::Api(PutCustomerResponse::TooManyRequests(r)))) => {
                assert_eq!(r.x_rate_limit_retry_after, Some(7));
            }
            (status, other) => panic!("{status}: {other:?}"),
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn delete_customer_every_status() {
    let server = MockServer::start().await;
    let client = client(&server);
    let params = DeleteCustomerParams { id: "cus_dup".into(), target_customer_id: "cus_keep".into() };
    for status in [204, 401, 403, 404, 409, 422, 429] {
        server.reply(match status {
            204 => Reply::empty(204).header("X-RateLimit-Limit", "3600").header("X-RateLimit-Remaining", "3598"),
            other => error_reply(other),
        });
        let result = client.delete_customer(&params).await;
        let request = server.request();
        request.assert_line("DELETE", "/customers/cus_dup", Some("targetCustomerId=cus_keep"));
        request.assert_api_key(KEY);
        assert!(request.body.is_empty());
        match (status, result) {
            (204, Ok(DeleteCustomerResponse::NoContent(done))) => {
                assert_eq!((done.x_rate_limit_limit, done.x_rate_limit_remaining), (Some(3600), Some(3598)));
            }
            (401, Err(Error::Api(DeleteCustomerResponse::Unauthorized(p)))) => assert_problem(401, &p),
            (403, Err(Error::Api(DeleteCustomerResponse::Forbidden(p)))) => assert_problem(403, &p),
            (404, Err(Error::Api(DeleteCustomerResponse::NotFound(p)))) => assert_problem(404, &p),
            (409, Err(Error::Api(DeleteCustomerResponse::Conflict(p)))) => assert_problem(409, &p),
            (422, Err(Error::Api(DeleteCustomerResponse::UnprocessableEntity(e)))) => assert_validation(&e),
            (429, Err(Error::Api(DeleteCustomerResponse::TooManyRequests(r)))) => {
                assert_eq!(r.x_rate_limit_retry_after, Some(7));
            }
            (status, other) => panic!("{status}: {other:?}"),
        }
    }
    server.stop().await;
}

#[tokio::test]
async fn path_and_query_values_are_percent_encoded() {
    let server = MockServer::start().await;
    let client = client(&server);
    server.reply(error_reply(404));
    let params = GetCustomerParams { id: "a b/c?d#e%f".into(), expand: None, fields: Some("ü&=".into()) };
    let result = client.get_customer(&params).await;
    assert!(matches!(result, Err(Error::Api(GetCustomerResponse::NotFound(_)))), "{result:?}");
    server.request().assert_line("GET", "/customers/a%20b%2Fc%3Fd%23e%25f", Some("fields=%C3%BC%26%3D"));

    // A segment that would name another resource never leaves the client.
    for id in ["", ".", ".."] {
        let params = GetCustomerParams { id: id.into(), expand: None, fields: None };
        match client.get_customer(&params).await {
            Err(Error::InvalidRequest(e)) => assert!(e.to_string().contains("path parameter `id`"), "{e}"),
            other => panic!("{id:?}: {other:?}"),
        }
    }
    assert!(server.requests().is_empty());
    server.stop().await;
}

#[tokio::test]
async fn credentials_go_only_where_the_operation_accepts_them() {
    let server = MockServer::start().await;
    let params = GetCustomerParams { id: "cus_1".into(), expand: None, fields: None };
    let ok = || Reply::json(200, customer_json("cus_1"));

    // A JWT alone: `Authorization: Bearer`, no API key.
    server.reply(ok());
    Client::new(server.url()).with_jwt("eyJ.header.sig").get_customer(&params).await.unwrap();
    let request = server.request();
    assert_eq!(request.header("authorization"), Some("Bearer eyJ.header.sig"));
    assert_eq!(request.header("reb-apikey"), None);

    // Both: the operation's first alternative (`SecretApiKey`) only; the schemes are alternatives.
    server.reply(ok());
    Client::new(server.url()).with_jwt("eyJ.header.sig").with_secret_api_key(KEY).get_customer(&params).await.unwrap();
    server.request().assert_api_key(KEY);

    // None: nothing is made up.
    server.reply(error_reply(401));
    let result = Client::new(server.url()).get_customer(&params).await;
    assert!(matches!(result, Err(Error::Api(GetCustomerResponse::Unauthorized(_)))));
    let request = server.request();
    assert_eq!((request.header("authorization"), request.header("reb-apikey")), (None, None));

    // A credential that cannot be a header value is an invalid request, and never printed.
    let client = Client::new(server.url()).with_secret_api_key("bad\nkey");
    assert!(!format!("{client:?}").contains("bad"));
    let result = client.get_customer(&params).await;
    assert!(matches!(result, Err(Error::InvalidRequest(_))), "{result:?}");
    assert!(server.requests().is_empty());
    server.stop().await;
}

#[tokio::test]
async fn undocumented_status_keeps_the_raw_response() {
    let server = MockServer::start().await;
    let client = client(&server);
    server.reply(Reply::text(502, "upstream down").header("X-Request-Id", "req_1"));
    let params = GetCustomerParams { id: "cus_1".into(), expand: None, fields: None };
    let error = client.get_customer(&params).await.unwrap_err();
    assert_eq!(error.status(), Some(reqwest::StatusCode::BAD_GATEWAY));
    let Error::UnexpectedStatus(raw) = &error else { panic!("{error:?}") };
    assert_eq!(raw.status.as_u16(), 502);
    assert_eq!(raw.headers.get("x-request-id").unwrap(), "req_1");
    assert_eq!(raw.text(), "upstream down");
    assert_eq!(error.to_string(), "the server answered 502 Bad Gateway, a status this operation does not document");
    server.request();
    server.stop().await;
}

#[tokio::test]
async fn undecodable_bodies_and_headers_are_decode_errors() {
    let server = MockServer::start().await;
    let client = client(&server);
    let params = GetCustomerParams { id: "cus_1".into(), expand: None, fields: None };

    server.reply(Reply::text(200, "<html>oops</html>"));
    let error = client.get_customer(&params).await.unwrap_err();
    match &error {
        Error::Decode { response, error: DecodeError::Body(_) } => {
            assert_eq!(response.status.as_u16(), 200);
            assert_eq!(response.text(), "<html>oops</html>");
        }
        other => panic!("{other:?}"),
    }
    assert!(std::error::Error::source(&error).is_some());

    server.reply(Reply::json(200, customer_json("cus_1")).header("X-RateLimit-Limit", "lots"));
    match client.get_customer(&params).await.unwrap_err() {
        Error::Decode { error: DecodeError::Header { name, reason }, response } => {
            assert_eq!(name, "X-RateLimit-Limit");
            assert!(reason.contains("lots"), "{reason}");
            assert_eq!(response.json::<serde_json::Value>().unwrap()["id"], "cus_1");
        }
        other => panic!("{other:?}"),
    }

    // A documented error status with a body that is not the documented problem.
    server.reply(Reply::json(404, json!(["not", "a", "problem"])));
    let error = client.get_customer(&params).await.unwrap_err();
    assert!(matches!(error, Error::Decode { error: DecodeError::Body(_), .. }), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    server.requests();
    server.stop().await;
}

#[tokio::test]
async fn transport_failures_are_their_own_variant() {
    // A port that was free a moment ago: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::new(format!("http://{addr}")).with_secret_api_key(KEY);
    let params = GetCustomerParams { id: "cus_1".into(), expand: None, fields: None };
    let error = client.get_customer(&params).await.unwrap_err();
    assert!(matches!(&error, Error::Transport(e) if e.is_connect()), "{error:?}");
    assert_eq!(error.status(), None);
    assert!(error.to_string().starts_with("the request failed"), "{error}");

    let error = Client::new("not a url").get_customer(&params).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
}

#[tokio::test]
async fn retry_policy_waits_and_resends_after_429() {
    let server = MockServer::start().await;
    let body = seed_customer();
    let created = || Reply::json(201, customer_json("cus_new")).header("Location", "https://x.test/customers/cus_new");
    let quick =
        RetryPolicy { max_retries: 3, initial_backoff: Duration::from_millis(5), max_backoff: Duration::from_secs(2) };

    // Without a policy the 429 comes back at once, retry time included.
    server.reply(error_reply(429));
    let error = client(&server).post_customer(&body).await.unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    assert!(matches!(error, Error::Api(PostCustomerResponse::TooManyRequests(_))));
    assert_eq!(server.requests().len(), 1);

    // With one: the server's own wait (standard header, Unix-time header), then backoff.
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    server.reply(Reply::json(429, problem_json(429, "Slow down")).header("Retry-After", "0"));
    server.reply(Reply::json(429, problem_json(429, "Slow down")).header("X-RateLimit-Retry-After", &now.to_string()));
    server.reply(Reply::json(429, problem_json(429, "Slow down")));
    server.reply(created());
    let client = client(&server).with_retry_policy(quick.clone());
    let result = client.post_customer(&body).await;
    assert!(matches!(result, Ok(PostCustomerResponse::Created(_))), "{result:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for request in &requests {
        request.assert_line("POST", "/customers", None);
        request.assert_api_key(KEY);
        assert_json_request(request);
    }

    // Out of retries: the last 429 is the answer.
    for _ in 0..4 {
        server.reply(Reply::json(429, problem_json(429, "Slow down")).header("Retry-After", "0"));
    }
    let result = client.post_customer(&body).await;
    assert!(matches!(result, Err(Error::Api(PostCustomerResponse::TooManyRequests(_)))), "{result:?}");
    assert_eq!(server.requests().len(), 4);

    // A wait longer than the policy allows is not made.
    server.reply(error_reply(429).header("Retry-After", "3600"));
    let result = client.post_customer(&body).await;
    assert!(matches!(result, Err(Error::Api(PostCustomerResponse::TooManyRequests(_)))), "{result:?}");
    assert_eq!(server.requests().len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn collection_stream_walks_every_page() {
    let server = MockServer::start().await;
    let client = client(&server);
    let page = |ids: &[&str]| {
        Reply::json(200, json!(ids.iter().map(|id| customer_json(id)).collect::<Vec<_>>()))
            .header("Pagination-Total", "5")
            .header("Pagination-Limit", "2")
    };
    server.reply(page(&["c1", "c2"]));
    server.reply(page(&["c3", "c4"]));
    server.reply(page(&["c5"]));
    let params =
        GetCustomerCollectionParams { limit: Some(2), sort: Some(vec!["createdTime".into()]), ..Default::default() };
    let stream = client.get_customer_collection_stream(params.clone());
    let ids: Vec<String> = stream.map(|c| c.unwrap().id.unwrap()).collect().await;
    assert_eq!(ids, ["c1", "c2", "c3", "c4", "c5"]);
    let queries: Vec<_> = server.requests().into_iter().map(|r| r.query.unwrap()).collect();
    assert_eq!(
        queries,
        ["limit=2&sort=createdTime", "limit=2&offset=2&sort=createdTime", "limit=2&offset=4&sort=createdTime"]
    );

    // Lazily: one page is fetched only when its items are wanted.
    server.reply(page(&["c1", "c2"]));
    let mut stream = Box::pin(client.get_customer_collection_stream(params.clone()));
    assert_eq!(stream.next().await.unwrap().unwrap().id.as_deref(), Some("c1"));
    assert_eq!(server.requests().len(), 1);
    drop(stream);

    // Without a total, an empty page ends it; an error is the last item.
    server.reply(Reply::json(200, json!([customer_json("c1")])));
    server.reply(Reply::json(200, json!([])));
    let items: Vec<_> = client.get_customer_collection_stream(params.clone()).collect().await;
    assert_eq!(items.len(), 1);
    server.reply(Reply::json(200, json!([customer_json("c1")])));
    server.reply(error_reply(403));
    let items: Vec<_> = client.get_customer_collection_stream(params).collect().await;
    assert_eq!(items.len(), 2);
    assert!(matches!(&items[1], Err(Error::Api(GetCustomerCollectionResponse::Forbidden(_)))));
    assert_eq!(server.requests().len(), 4);
    server.stop().await;
}

#[tokio::test]
async fn base_urls_from_servers_or_anywhere() {
    assert_eq!(servers::sandbox("org_1"), "https://api-sandbox.rebilly.com/organizations/org_1");
    assert_eq!(servers::live("org 1/x"), "https://api.rebilly.com/organizations/org%201%2Fx");
    let client = Client::new(servers::sandbox("org_1"));
    assert_eq!(client.base_url(), "https://api-sandbox.rebilly.com/organizations/org_1");

    // A base URL with a path of its own and a trailing slash; the caller's own reqwest client.
    let server = MockServer::start().await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-caller", "mine".parse().unwrap());
    let http = reqwest::Client::builder().default_headers(headers).timeout(Duration::from_secs(10)).build().unwrap();
    let client = Client::with_http_client(format!("{}/organizations/org_1/", server.url()), http);
    server.reply(Reply::json(200, customer_json("cus_1")));
    let params = GetCustomerParams { id: "cus_1".into(), expand: None, fields: None };
    client.get_customer(&params).await.unwrap();
    let request = server.request();
    request.assert_line("GET", "/organizations/org_1/customers/cus_1", None);
    assert_eq!(request.header("x-caller"), Some("mine"));
    server.stop().await;
}
