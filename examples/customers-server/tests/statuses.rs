//! Every status the spec documents for every operation, provoked against the server over
//! loopback: the list of what to provoke comes from the generated crate's API surface, so a
//! status the spec gains fails this test until a request here provokes it.

use std::collections::BTreeSet;
use std::num::NonZeroU32;
use std::time::Duration;

use customers_server::{app, Customers, Options, RateLimit};
use reqwest::Method;
use serde_json::{json, Value};

const KEY: &str = "statuses-key";
const READ_ONLY: &str = "statuses-read-only-key";
const WRITE_ONLY: &str = "statuses-write-only-key";

/// The server on a free loopback port, with an in-memory database.
async fn serve(adjust: impl FnOnce(&mut Options)) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    let mut options = Options {
        api_keys: vec![KEY.into()],
        read_only_keys: vec![READ_ONLY.into()],
        write_only_keys: vec![WRITE_ONLY.into()],
        base_url: base.clone(),
        ..Options::default()
    };
    adjust(&mut options);
    let customers = Customers::open(options).await.expect("an in-memory database");
    tokio::spawn(async move { axum::serve(listener, app(customers)).await });
    base
}

/// One request: which operation it is, and the status it must get.
struct Case {
    operation: &'static str,
    method: Method,
    path: &'static str,
    key: Option<&'static str>,
    body: Option<Value>,
    status: u16,
}

fn case(operation: &'static str, method: Method, path: &'static str, key: Option<&'static str>) -> Case {
    Case { operation, method, path, key, body: None, status: 0 }
}

impl Case {
    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    fn expect(mut self, status: u16) -> Self {
        self.status = status;
        self
    }
}

/// Sends each case in order, checks its status, and returns the (operation, status) pairs.
async fn send(base: &str, cases: Vec<Case>) -> BTreeSet<(String, u16)> {
    let http = reqwest::Client::new();
    let mut seen = BTreeSet::new();
    for case in cases {
        let mut request = http.request(case.method.clone(), format!("{base}{}", case.path));
        if let Some(key) = case.key {
            request = request.header("REB-APIKEY", key);
        }
        if let Some(body) = &case.body {
            request = request.json(body);
        }
        let response = request.send().await.expect("an answer");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        assert_eq!(status, case.status, "{} {} ({}): {text}", case.method, case.path, case.operation);
        seen.insert((case.operation.to_owned(), status));
    }
    seen
}

/// Every (operationId, status) the spec documents, from `generated/api-surface.json`.
fn documented() -> BTreeSet<(String, u16)> {
    let surface: Value = serde_json::from_str(include_str!("../../../generated/api-surface.json")).expect("JSON");
    let mut all = BTreeSet::new();
    for (operation, details) in surface["operations"].as_object().expect("operations") {
        for status in details["responses"].as_object().expect("responses").keys() {
            let status = status.parse().unwrap_or_else(|_| panic!("{operation}: a status range or default: {status}"));
            all.insert((operation.clone(), status));
        }
    }
    all
}

#[tokio::test]
async fn every_documented_status_of_every_operation_is_provoked() {
    use Method as M;
    let (list, post, get, put, delete) =
        ("GetCustomerCollection", "PostCustomer", "GetCustomer", "PutCustomer", "DeleteCustomer");
    let base = serve(|_| {}).await;
    let token = json!({ "paymentToken": "tok_statuses" });
    let cases = vec![
        case(put, M::PUT, "/customers/cus_a", Some(KEY)).body(json!({})).expect(201),
        case(put, M::PUT, "/customers/cus_a", Some(KEY)).body(json!({})).expect(200),
        case(put, M::PUT, "/customers/cus_b", Some(KEY)).body(token.clone()).expect(201),
        case(put, M::PUT, "/customers/cus_c", Some(KEY)).body(token.clone()).expect(409),
        case(put, M::PUT, "/customers/cus_c", None).body(json!({})).expect(401),
        case(put, M::PUT, "/customers/cus_c", Some(READ_ONLY)).body(json!({})).expect(403),
        case(put, M::PUT, "/customers/cus_c", Some(KEY)).body(json!({ "primaryAddress": 5 })).expect(422),
        case(post, M::POST, "/customers", Some(KEY)).body(json!({})).expect(201),
        case(post, M::POST, "/customers", Some(WRITE_ONLY)).body(json!({})).expect(201),
        case(post, M::POST, "/customers", Some(KEY)).body(token).expect(409),
        case(post, M::POST, "/customers", None).body(json!({})).expect(401),
        case(post, M::POST, "/customers", Some(READ_ONLY)).body(json!({})).expect(403),
        case(post, M::POST, "/customers", Some(KEY)).body(json!({ "locale": 5 })).expect(422),
        case(list, M::GET, "/customers", Some(KEY)).expect(200),
        case(list, M::GET, "/customers", Some(READ_ONLY)).expect(200),
        case(list, M::GET, "/customers", None).expect(401),
        case(list, M::GET, "/customers", Some(WRITE_ONLY)).expect(403),
        case(list, M::GET, "/customers?limit=-1", Some(KEY)).expect(422),
        case(get, M::GET, "/customers/cus_a", Some(READ_ONLY)).expect(200),
        case(get, M::GET, "/customers/cus_a", None).expect(401),
        case(get, M::GET, "/customers/cus_a", Some(WRITE_ONLY)).expect(403),
        case(get, M::GET, "/customers/cus_none", Some(KEY)).expect(404),
        case(delete, M::DELETE, "/customers/cus_b?targetCustomerId=cus_a", None).expect(401),
        case(delete, M::DELETE, "/customers/cus_b?targetCustomerId=cus_a", Some(READ_ONLY)).expect(403),
        case(delete, M::DELETE, "/customers/cus_b", Some(KEY)).expect(422),
        case(delete, M::DELETE, "/customers/cus_none?targetCustomerId=cus_a", Some(KEY)).expect(404),
        case(delete, M::DELETE, "/customers/cus_a?targetCustomerId=cus_a", Some(KEY)).expect(409),
        case(delete, M::DELETE, "/customers/cus_b?targetCustomerId=cus_a", Some(WRITE_ONLY)).expect(204),
        case(delete, M::DELETE, "/customers/cus_b?targetCustomerId=cus_a", Some(KEY)).expect(404),
    ];
    let mut seen = send(&base, cases).await;

    // A budget of one request an hour: after the first, every operation answers 429.
    let limit = RateLimit { requests: NonZeroU32::MIN, period: Duration::from_secs(3600) };
    let limited = serve(|o| o.rate_limit = Some(limit)).await;
    let cases = vec![
        case(list, M::GET, "/customers", Some(KEY)).expect(200),
        case(list, M::GET, "/customers", Some(KEY)).expect(429),
        case(post, M::POST, "/customers", Some(KEY)).body(json!({})).expect(429),
        case(get, M::GET, "/customers/cus_a", Some(KEY)).expect(429),
        case(put, M::PUT, "/customers/cus_a", Some(KEY)).body(json!({})).expect(429),
        case(delete, M::DELETE, "/customers/cus_a?targetCustomerId=cus_b", Some(KEY)).expect(429),
    ];
    seen.extend(send(&limited, cases).await);

    let missing: Vec<_> = documented().difference(&seen).cloned().collect();
    assert!(missing.is_empty(), "documented but never provoked: {missing:?}");
    let undocumented: Vec<_> = seen.difference(&documented()).cloned().collect();
    assert!(undocumented.is_empty(), "provoked but not documented: {undocumented:?}");
}
