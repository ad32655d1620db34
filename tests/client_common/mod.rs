//! Shared by the client tests: a loopback HTTP server that records every request it gets and
//! answers with replies queued by the test, and request bodies and response bodies from the seed.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{HeaderMap, Request, Response, StatusCode};
use customers_api::models::{ContactEmail, ContactObjectRequest, CustomerRequest, TaxNumberRequest, TaxNumberType};
use customers_api::Nullable;
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A request as the server saw it on the wire.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// The path, still percent-encoded.
    pub path: String,
    /// The query string, still percent-encoded.
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Recorded {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("ASCII header"))
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }

    /// Asserts the request line.
    pub fn assert_line(&self, method: &str, path: &str, query: Option<&str>) {
        assert_eq!(self.method, method, "method");
        assert_eq!(self.path, path, "path");
        assert_eq!(self.query.as_deref(), query, "query string");
    }

    /// Asserts the request carried the API key and nothing else as credentials.
    pub fn assert_api_key(&self, key: &str) {
        assert_eq!(self.header("reb-apikey"), Some(key), "REB-APIKEY header");
        assert_eq!(self.header("authorization"), None, "no Authorization header");
    }
}

/// A reply the server sends, in the order queued.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// A reply with a JSON body.
    pub fn json(status: u16, body: Value) -> Self {
        Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: serde_json::to_vec(&body).unwrap(),
        }
    }

    /// A reply without a body.
    pub fn empty(status: u16) -> Self {
        Reply { status, headers: Vec::new(), body: Vec::new() }
    }

    /// A reply with a body that is not JSON.
    pub fn text(status: u16, body: &str) -> Self {
        Reply { status, headers: vec![("content-type".into(), "text/plain".into())], body: body.as_bytes().to_vec() }
    }

    /// The same reply with one more header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

#[derive(Default)]
struct State {
    replies: VecDeque<Reply>,
    requests: Vec<Recorded>,
}

/// A loopback server on 127.0.0.1 and a free port; stopped by [`MockServer::stop`] (or, if a
/// test panics first, when dropped).
pub struct MockServer {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |request: Request<Body>| {
            let state = shared.clone();
            async move { handle(state, request).await }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let (shutdown, stop) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stop.await;
                })
                .await
                .expect("mock server runs");
        });
        MockServer { addr, state, shutdown: Some(shutdown), task: Some(task) }
    }

    /// The base URL to give the client.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues `reply` as the answer to the next request.
    pub fn reply(&self, reply: Reply) {
        self.state.lock().unwrap().replies.push_back(reply);
    }

    /// The requests received so far, taken out.
    pub fn requests(&self) -> Vec<Recorded> {
        std::mem::take(&mut self.state.lock().unwrap().requests)
    }

    /// The one request received since the last call.
    pub fn request(&self) -> Recorded {
        let mut requests = self.requests();
        assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:#?}");
        requests.remove(0)
    }

    /// Stops the server and waits for it to finish.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task).await.is_err() {
                abort.abort();
            }
        }
        let left = self.state.lock().unwrap().replies.len();
        assert_eq!(left, 0, "replies queued but never asked for");
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

async fn handle(state: Arc<Mutex<State>>, request: Request<Body>) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, 1 << 20).await.expect("request body").to_vec();
    let reply = {
        let mut state = state.lock().unwrap();
        state.requests.push(Recorded {
            method: parts.method.to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
            headers: parts.headers,
            body,
        });
        state.replies.pop_front()
    };
    let reply = reply.unwrap_or_else(|| Reply::text(599, "no reply queued"));
    let mut response = Response::builder().status(StatusCode::from_u16(reply.status).unwrap());
    for (name, value) in &reply.headers {
        response = response.header(name, value);
    }
    response.body(Body::from(reply.body)).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The seed's shapes

/// The request body of the spec's `PostCustomer` example, as a consumer builds it.
pub fn seed_customer() -> CustomerRequest {
    CustomerRequest {
        website_id: Some("web_0YV7DE4Z26DQSA1AC92FBJ7SEG".into()),
        locale: "fr-FR".to_string().into(),
        is_edd_required: Some(false),
        custom_fields: json!({"foo": "bar"}).as_object().cloned(),
        primary_address: ContactObjectRequest {
            first_name: "Benjamin".to_string().into(),
            last_name: "Franklin".to_string().into(),
            address: "36 Craven St".to_string().into(),
            city: "Austin".to_string().into(),
            region: "Texas".to_string().into(),
            country: "GB".to_string().into(),
            postal_code: "WC2N 5NF".to_string().into(),
            emails: Some(vec![ContactEmail {
                label: "main".into(),
                value: "rebilly@example.com".into(),
                primary: Some(true),
            }]),
            ..Default::default()
        }
        .into(),
        tax_numbers: vec![TaxNumberRequest {
            r#type: TaxNumberType::EuVat,
            value: "GB980780684".into(),
            is_default: Some(true),
        }]
        .into(),
        default_payment_instrument_id: Nullable::Null,
        ..Default::default()
    }
}

/// [`seed_customer`] as JSON on the wire.
pub fn seed_customer_json() -> Value {
    json!({
        "websiteId": "web_0YV7DE4Z26DQSA1AC92FBJ7SEG",
        "defaultPaymentInstrumentId": null,
        "customFields": {"foo": "bar"},
        "primaryAddress": {
            "firstName": "Benjamin",
            "lastName": "Franklin",
            "address": "36 Craven St",
            "city": "Austin",
            "region": "Texas",
            "country": "GB",
            "postalCode": "WC2N 5NF",
            "emails": [{"label": "main", "value": "rebilly@example.com", "primary": true}]
        },
        "isEddRequired": false,
        "locale": "fr-FR",
        "taxNumbers": [{"type": "eu-vat", "value": "GB980780684", "isDefault": true}]
    })
}

/// A customer as the server sends it.
pub fn customer_json(id: &str) -> Value {
    json!({
        "id": id,
        "email": "rebilly@example.com",
        "firstName": "Benjamin",
        "lastName": "Franklin",
        "websiteId": "web_0YV7DE4Z26DQSA1AC92FBJ7SEG",
        "defaultPaymentInstrument": null,
        "createdTime": "2024-05-01T10:20:30Z",
        "updatedTime": "2024-05-02T10:20:30Z",
        "customFields": {"foo": "bar"},
        "primaryAddress": null,
        "revision": 1,
        "isEddRequired": false,
        "organizationId": "org_0YVDM8RC7GDADADSBSMW124JA8",
        "locale": "fr-FR",
        "taxNumbers": [{"type": "eu-vat", "value": "GB980780684", "isDefault": true}]
    })
}

/// An RFC 7807 problem for `status`.
pub fn problem_json(status: u16, title: &str) -> Value {
    json!({"type": "about:blank", "title": title, "status": status, "detail": format!("{title} (test)")})
}

/// The spec's example 422 body.
pub fn validation_json() -> Value {
    json!({
        "type": "about:blank",
        "title": "Validation Error",
        "status": 422,
        "detail": "The request contains invalid fields.",
        "invalidFields": [
            {"field": "field1", "message": "field1 is invalid"},
            {"field": "subObject.field2", "message": "field2 is invalid"}
        ]
    })
}

/// The documented reply for an error status of this API (a problem body; a 429 also names
/// its retry time).
pub fn error_reply(status: u16) -> Reply {
    match status {
        401 => Reply::json(401, problem_json(401, "Unauthorized")),
        403 => Reply::json(403, problem_json(403, "Forbidden")),
        404 => Reply::json(404, problem_json(404, "Not Found")),
        409 => Reply::json(409, problem_json(409, "Conflict")),
        422 => Reply::json(422, validation_json()),
        429 => Reply::json(429, problem_json(429, "Rate Limit Exceeded")).header("X-RateLimit-Retry-After", "7"),
        other => panic!("no documented error reply for {other}"),
    }
}
