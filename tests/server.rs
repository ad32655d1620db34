//! The generated server (router, validation, security, rendering) and the example
//! implementation (`examples/customers-server`), over loopback HTTP: every operation, every
//! status the example produces, with headers; 401 on every secured operation; 422 naming
//! every invalid field; problem details for what the spec does not document.

use customers_api::server::{router_with, Config};
use customers_server::{app, Customers, Options};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::sync::oneshot;

/// Credentials the test server is started with (the server has none compiled in).
const KEY: &str = "test-key-1";
const TOKEN: &str = "test-token-1";

/// The example server on 127.0.0.1 and a free port, stopped by [`Server::stop`].
struct Server {
    base: String,
    http: reqwest::Client,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

async fn start() -> Server {
    start_with(Options { api_keys: vec![KEY.into()], bearer_tokens: vec![TOKEN.into()], ..Options::default() }).await
}

async fn start_with(options: Options) -> Server {
    serve(options, app).await
}

/// Serves the router `make` builds from the API on `options` (its base URL set to the bound
/// address, its database in memory).
async fn serve(mut options: Options, make: impl FnOnce(Customers) -> axum::Router) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    options.base_url = base.clone();
    let router = make(Customers::open(options).await.expect("an in-memory database"));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
            .expect("server runs");
    });
    Server { base, http: reqwest::Client::new(), stop, task }
}

/// A response, read whole.
struct Reply {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Value,
    text: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().expect("ASCII header"))
    }

    fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    /// The `field` of every `invalidFields` entry, in order.
    fn invalid_fields(&self) -> Vec<String> {
        self.body["invalidFields"]
            .as_array()
            .unwrap_or_else(|| panic!("no invalidFields in {}", self.text))
            .iter()
            .map(|f| f["field"].as_str().unwrap_or("").to_string())
            .collect()
    }
}

#[derive(Clone, Copy)]
enum Auth {
    None,
    Key(&'static str),
    Bearer(&'static str),
}

impl Server {
    async fn call(&self, method: Method, path: &str, auth: Auth, body: Option<&str>) -> Reply {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        request = match auth {
            Auth::None => request,
            Auth::Key(key) => request.header("REB-APIKEY", key),
            Auth::Bearer(token) => request.header("Authorization", format!("Bearer {token}")),
        };
        if let Some(body) = body {
            request = request.header("Content-Type", "application/json").body(body.to_string());
        }
        let response = request.send().await.expect("request reaches the server");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::Null) };
        Reply { status, headers, body, text }
    }

    async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, Auth::Key(KEY), None).await
    }

    async fn send(&self, method: Method, path: &str, body: &Value) -> Reply {
        self.call(method, path, Auth::Key(KEY), Some(&body.to_string())).await
    }

    async fn create(&self, body: &Value) -> String {
        let reply = self.send(Method::POST, "/customers", body).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.body["id"].as_str().expect("an id").to_string()
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.expect("server stops cleanly");
    }
}

fn benjamin() -> Value {
    json!({
        "websiteId": "web_0YV7DE4Z26DQSA1AC92FBJ7SEG",
        "locale": "fr-FR",
        "isEddRequired": false,
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
        "taxNumbers": [{"type": "eu-vat", "value": "GB980780684", "isDefault": true}]
    })
}

fn assert_problem(reply: &Reply, status: StatusCode, content_type: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.content_type(), content_type, "{}", reply.text);
    assert_eq!(reply.body["status"], json!(status.as_u16()), "{}", reply.text);
    assert_eq!(reply.body["type"], json!("about:blank"), "{}", reply.text);
    assert!(reply.body["title"].is_string() && reply.body["detail"].is_string(), "{}", reply.text);
}

#[tokio::test]
async fn health_route_answers_200() {
    let server = start().await;
    let reply = server.call(Method::GET, "/", Auth::None, None).await;
    assert_eq!(reply.status, StatusCode::OK);
    server.stop().await;
}

#[tokio::test]
async fn create_assigns_id_and_created_time_and_location() {
    let server = start().await;
    let reply = server.send(Method::POST, "/customers", &benjamin()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.content_type(), "application/json");
    let id = reply.body["id"].as_str().expect("id");
    assert!(id.starts_with("cus_") && id.len() <= 50, "{id}");
    assert_eq!(reply.header("location"), Some(format!("{}/customers/{id}", server.base).as_str()));
    let created = reply.body["createdTime"].as_str().expect("createdTime");
    assert!(chrono::DateTime::parse_from_rfc3339(created).is_ok(), "{created}");
    // Read-only members come from the server; write-only ones never come back.
    assert_eq!(reply.body["email"], json!("rebilly@example.com"));
    assert_eq!(reply.body["firstName"], json!("Benjamin"));
    assert_eq!(reply.body["revision"], json!(1));
    assert_eq!(reply.body["taxNumbers"][0]["type"], json!("eu-vat"));
    assert!(reply.body.get("paymentToken").is_none());

    let other = server.create(&json!({})).await;
    assert_ne!(other, id, "every create gets a new id");
    server.stop().await;
}

#[tokio::test]
async fn create_with_a_spent_payment_token_conflicts() {
    let server = start().await;
    let body = json!({"paymentToken": "tok_single_use"});
    let first = server.send(Method::POST, "/customers", &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert!(first.body["defaultPaymentInstrument"]["paymentInstrumentId"].is_string(), "{}", first.text);
    let second = server.send(Method::POST, "/customers", &body).await;
    assert_problem(&second, StatusCode::CONFLICT, "application/json");
    let put = server.send(Method::PUT, "/customers/cus_upsert", &body).await;
    assert_problem(&put, StatusCode::CONFLICT, "application/json");
    server.stop().await;
}

#[tokio::test]
async fn get_returns_the_customer_or_404() {
    let server = start().await;
    let id = server.create(&benjamin()).await;
    let reply = server.get(&format!("/customers/{id}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.content_type(), "application/json");
    assert_eq!(reply.body["id"], json!(id));
    assert_eq!(reply.body["primaryAddress"]["city"], json!("Austin"));
    assert!(reply.body["primaryAddress"]["hash"].is_string());

    let trimmed = server.get(&format!("/customers/{id}?fields=locale")).await;
    assert_eq!(trimmed.body, json!({"id": id, "locale": "fr-FR"}));

    let missing = server.get("/customers/cus_missing").await;
    assert_problem(&missing, StatusCode::NOT_FOUND, "application/json");
    // An id the spec's pattern forbids names no resource; GET documents no 422, so 404.
    let malformed = server.get("/customers/not%20an%20id").await;
    assert_problem(&malformed, StatusCode::NOT_FOUND, "application/json");
    server.stop().await;
}

#[tokio::test]
async fn put_creates_then_updates() {
    let server = start().await;
    let created = server.send(Method::PUT, "/customers/my-own-id", &benjamin()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.body["id"], json!("my-own-id"));
    assert_eq!(created.header("location"), Some(format!("{}/customers/my-own-id", server.base).as_str()));

    let updated = server.send(Method::PUT, "/customers/my-own-id", &json!({"locale": "en-US"})).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.text);
    assert_eq!(updated.content_type(), "application/json");
    assert_eq!(updated.header("location"), None);
    assert_eq!(updated.body["locale"], json!("en-US"));
    assert_eq!(updated.body["revision"], json!(2));
    assert_eq!(updated.body["createdTime"], created.body["createdTime"]);
    // A PUT sends the whole representation: what it leaves out is gone.
    assert!(updated.body.get("primaryAddress").is_none(), "{}", updated.text);

    let read = server.get("/customers/my-own-id").await;
    assert_eq!(read.body["locale"], json!("en-US"));
    server.stop().await;
}

#[tokio::test]
async fn list_pages_with_limit_and_offset() {
    let server = start().await;
    let mut ids = Vec::new();
    for locale in ["de-DE", "en-GB", "fr-FR", "it-IT", "nl-NL"] {
        ids.push(server.create(&json!({"locale": locale})).await);
    }

    let all = server.get("/customers").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert_eq!(all.content_type(), "application/json");
    assert_eq!(all.body.as_array().map(Vec::len), Some(5));
    assert_eq!(all.header("pagination-total"), Some("5"));
    assert_eq!(all.header("pagination-limit"), Some("100"), "the spec's default limit");
    assert_eq!(all.header("pagination-offset"), Some("0"));

    let page = server.get("/customers?limit=2&offset=1").await;
    let page_ids: Vec<&str> = page.body.as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(page_ids, [ids[1].as_str(), ids[2].as_str()]);
    assert_eq!(page.header("pagination-total"), Some("5"));
    assert_eq!(page.header("pagination-limit"), Some("2"));
    assert_eq!(page.header("pagination-offset"), Some("1"));

    let past_end = server.get("/customers?offset=10").await;
    assert_eq!(past_end.body, json!([]));
    assert_eq!(past_end.header("pagination-total"), Some("5"));

    let sorted = server.get("/customers?sort=-locale&limit=1").await;
    assert_eq!(sorted.body[0]["locale"], json!("nl-NL"));
    let filtered = server.get("/customers?filter=locale:fr-FR,it-IT").await;
    assert_eq!(filtered.header("pagination-total"), Some("2"));
    // Case-insensitive, and with a `-`, which the generated ids (`cus_` and base 32) never hold:
    // a bare `GB` would sometimes match an id too.
    let searched = server.get("/customers?q=en-gb").await;
    assert_eq!(searched.header("pagination-total"), Some("1"));
    assert_eq!(searched.body[0]["locale"], json!("en-GB"));
    server.stop().await;
}

#[tokio::test]
async fn delete_merges_into_the_target_and_then_404s() {
    let server = start().await;
    let source = server.create(&json!({"locale": "fr-FR", "customFields": {"a": 1}})).await;
    let target = server.create(&json!({"customFields": {"b": 2}})).await;

    let itself = server
        .call(Method::DELETE, &format!("/customers/{source}?targetCustomerId={source}"), Auth::Key(KEY), None)
        .await;
    assert_problem(&itself, StatusCode::CONFLICT, "application/json");

    let merged = server
        .call(Method::DELETE, &format!("/customers/{source}?targetCustomerId={target}"), Auth::Key(KEY), None)
        .await;
    assert_eq!(merged.status, StatusCode::NO_CONTENT, "{}", merged.text);
    assert!(merged.text.is_empty());

    let gone = server.get(&format!("/customers/{source}")).await;
    assert_problem(&gone, StatusCode::NOT_FOUND, "application/json");
    let kept = server.get(&format!("/customers/{target}")).await;
    assert_eq!(kept.body["locale"], json!("fr-FR"), "the target takes what it lacked");
    assert_eq!(kept.body["customFields"], json!({"a": 1, "b": 2}));
    assert_eq!(kept.body["revision"], json!(2));

    let again = server
        .call(Method::DELETE, &format!("/customers/{source}?targetCustomerId={target}"), Auth::Key(KEY), None)
        .await;
    assert_problem(&again, StatusCode::NOT_FOUND, "application/json");
    let no_target = server
        .call(Method::DELETE, &format!("/customers/{target}?targetCustomerId=cus_nobody"), Auth::Key(KEY), None)
        .await;
    assert_problem(&no_target, StatusCode::NOT_FOUND, "application/json");

    let missing_query = server.call(Method::DELETE, &format!("/customers/{target}"), Auth::Key(KEY), None).await;
    assert_problem(&missing_query, StatusCode::UNPROCESSABLE_ENTITY, "application/json");
    assert_eq!(missing_query.invalid_fields(), ["targetCustomerId"]);
    server.stop().await;
}

/// Every secured operation, with a request that would otherwise succeed or fail validation.
fn secured_operations() -> Vec<(Method, &'static str, Option<&'static str>)> {
    vec![
        (Method::GET, "/customers", None),
        (Method::POST, "/customers", Some("{}")),
        (Method::GET, "/customers/cus_1", None),
        (Method::PUT, "/customers/cus_1", Some("{}")),
        (Method::DELETE, "/customers/cus_1?targetCustomerId=cus_2", None),
        // Authentication comes before validation: bad input still gets 401.
        (Method::GET, "/customers?limit=-5", None),
        (Method::POST, "/customers", Some("{\"locale\": 5}")),
    ]
}

#[tokio::test]
async fn every_secured_operation_needs_a_valid_credential() {
    let server = start().await;
    for (method, path, body) in secured_operations() {
        for auth in [Auth::None, Auth::Key("wrong-key"), Auth::Bearer("wrong-token"), Auth::Key(""), Auth::Bearer(KEY)]
        {
            let reply = server.call(method.clone(), path, auth, body).await;
            assert_problem(&reply, StatusCode::UNAUTHORIZED, "application/json");
            assert_eq!(reply.header("www-authenticate"), Some("Bearer"), "{method} {path}");
        }
    }
    // Either scheme is enough.
    for auth in [Auth::Key(KEY), Auth::Bearer(TOKEN)] {
        let reply = server.call(Method::GET, "/customers", auth, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    }
    server.stop().await;
}

#[tokio::test]
async fn a_server_without_credentials_accepts_none() {
    let server = start_with(Options::default()).await;
    for auth in [Auth::None, Auth::Key(KEY), Auth::Key(""), Auth::Bearer(TOKEN)] {
        let reply = server.call(Method::GET, "/customers", auth, None).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.text);
    }
    server.stop().await;
}

#[tokio::test]
async fn validation_names_every_invalid_field() {
    let server = start().await;
    let body = json!({
        "websiteId": "w".repeat(51),
        "isEddRequired": "yes",
        "locale": 5,
        "defaultPaymentInstrument": {"method": "payment-card"},
        "customFields": [],
        "primaryAddress": {
            "firstName": "😀",
            "country": "gb",
            "postalCode": "12345678901",
            "dob": "1980-02-30",
            "emails": [
                {"label": "main", "value": "not-an-email"},
                {"value": "ok@example.com"}
            ],
            "phoneNumbers": "555-0100"
        },
        "taxNumbers": [{"type": "vat", "value": 7}, null],
        "id": "read-only members are ignored, whatever they hold",
        "unknownMember": true
    });
    let reply = server.send(Method::POST, "/customers", &body).await;
    assert_problem(&reply, StatusCode::UNPROCESSABLE_ENTITY, "application/json");
    let mut fields = reply.invalid_fields();
    fields.sort();
    assert_eq!(
        fields,
        [
            "customFields",
            "defaultPaymentInstrument.paymentInstrumentId",
            "isEddRequired",
            "locale",
            "primaryAddress.country",
            "primaryAddress.dob",
            "primaryAddress.emails.0.value",
            "primaryAddress.emails.1.label",
            "primaryAddress.firstName",
            "primaryAddress.phoneNumbers",
            "primaryAddress.postalCode",
            "taxNumbers.0.type",
            "taxNumbers.0.value",
            "taxNumbers.1",
            "websiteId",
        ],
        "{}",
        reply.text
    );
    for entry in reply.body["invalidFields"].as_array().unwrap() {
        assert!(entry["message"].as_str().is_some_and(|m| !m.is_empty()), "{entry}");
    }
    // Nothing was stored.
    assert_eq!(server.get("/customers").await.header("pagination-total"), Some("0"));

    // Path, query and body problems are reported together.
    let put = server.send(Method::PUT, &format!("/customers/{}", "x".repeat(51)), &json!({"locale": []})).await;
    assert_problem(&put, StatusCode::UNPROCESSABLE_ENTITY, "application/json");
    assert_eq!(put.invalid_fields(), ["id", "locale"]);
    let list = server.get("/customers?limit=abc&offset=-1").await;
    assert_problem(&list, StatusCode::UNPROCESSABLE_ENTITY, "application/json");
    assert_eq!(list.invalid_fields(), ["limit", "offset"]);
    let too_many = server.get("/customers?limit=1001").await;
    assert_eq!(too_many.invalid_fields(), ["limit"]);
    let delete = server
        .call(Method::DELETE, &format!("/customers/a%20b?targetCustomerId={}", "y".repeat(51)), Auth::Key(KEY), None)
        .await;
    assert_eq!(delete.invalid_fields(), ["id", "targetCustomerId"]);

    // A body that must be there.
    let empty = server.call(Method::POST, "/customers", Auth::Key(KEY), None).await;
    assert_problem(&empty, StatusCode::UNPROCESSABLE_ENTITY, "application/json");
    let not_object = server.send(Method::POST, "/customers", &json!([1, 2])).await;
    assert_problem(&not_object, StatusCode::UNPROCESSABLE_ENTITY, "application/json");

    // What passes validation is accepted: nullable members, null, unicode within the BMP.
    let valid = json!({
        "locale": null,
        "defaultPaymentInstrumentId": null,
        "taxNumbers": null,
        "primaryAddress": {"firstName": "Zoë", "lastName": null, "country": "NL", "postalCode": "1011 AB", "dob": "1980-02-29",
                           "emails": [{"label": "w", "value": "o'brien+tag@mail.example.co.uk"}]}
    });
    let created = server.send(Method::POST, "/customers", &valid).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    server.stop().await;
}

#[tokio::test]
async fn the_router_takes_bodies_up_to_its_configured_limit() {
    let options = Options { api_keys: vec![KEY.into()], ..Options::default() };
    let server = serve(options, |customers| router_with(customers, Config { body_limit: 256 })).await;
    let fits = json!({"primaryAddress": {"firstName": "Ada", "lastName": "Lovelace"}}).to_string();
    let created = server.call(Method::POST, "/customers", Auth::Key(KEY), Some(&fits)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    // Over the limit by one byte: refused before it is parsed, with problem details.
    let padded = format!("{fits}{}", " ".repeat(257 - fits.len()));
    let too_large = server.call(Method::POST, "/customers", Auth::Key(KEY), Some(&padded)).await;
    assert_problem(&too_large, StatusCode::PAYLOAD_TOO_LARGE, "application/problem+json");
    assert!(too_large.text.contains("larger than this server accepts"), "{}", too_large.text);
    let exact = format!("{fits}{}", " ".repeat(256 - fits.len()));
    let created = server.call(Method::POST, "/customers", Auth::Key(KEY), Some(&exact)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    server.stop().await;
}

#[tokio::test]
async fn what_the_spec_does_not_document_is_problem_json() {
    let server = start().await;
    let unknown = server.get("/nowhere").await;
    assert_problem(&unknown, StatusCode::NOT_FOUND, "application/problem+json");
    let trailing = server.get("/customers/").await;
    assert_problem(&trailing, StatusCode::NOT_FOUND, "application/problem+json");

    let patch = server.call(Method::PATCH, "/customers", Auth::Key(KEY), None).await;
    assert_problem(&patch, StatusCode::METHOD_NOT_ALLOWED, "application/problem+json");
    assert_eq!(patch.header("allow"), Some("GET, POST, HEAD"));
    let post_one = server.call(Method::POST, "/customers/cus_1", Auth::None, Some("{}")).await;
    assert_problem(&post_one, StatusCode::METHOD_NOT_ALLOWED, "application/problem+json");
    assert_eq!(post_one.header("allow"), Some("GET, PUT, DELETE, HEAD"));

    let huge = format!("{{\"locale\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let too_large = server.call(Method::POST, "/customers", Auth::Key(KEY), Some(&huge)).await;
    assert_problem(&too_large, StatusCode::PAYLOAD_TOO_LARGE, "application/problem+json");

    let xml = server
        .http
        .post(format!("{}/customers", server.base))
        .header("REB-APIKEY", KEY)
        .header("Content-Type", "application/xml")
        .body("<customer/>")
        .send()
        .await
        .unwrap();
    assert_eq!(xml.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(xml.headers()["content-type"], "application/problem+json");

    // Malformed JSON: these operations document 422 and not 400, so a client of the spec
    // gets the documented 422, naming no field.
    let malformed = server.call(Method::POST, "/customers", Auth::Key(KEY), Some("{\"locale\":")).await;
    assert_problem(&malformed, StatusCode::UNPROCESSABLE_ENTITY, "application/json");
    assert!(malformed.body["detail"].as_str().unwrap().contains("not valid JSON"), "{}", malformed.text);
    server.stop().await;
}

/// Every `invalidFields` entry as `field: message`, in order.
fn entries(reply: &Reply) -> Vec<String> {
    reply.body["invalidFields"]
        .as_array()
        .unwrap_or_else(|| panic!("no invalidFields in {}", reply.text))
        .iter()
        .map(|f| format!("{}: {}", f["field"].as_str().unwrap_or(""), f["message"].as_str().unwrap_or("")))
        .collect()
}

#[tokio::test]
async fn body_validation_lists_every_problem_in_schema_order() {
    let server = start().await;
    let post = |body: &'static str| server.call(Method::POST, "/customers", Auth::Key(KEY), Some(body));

    // Wrong types, nulls where none is allowed, missing and unknown members, nested arrays and
    // objects, escaped names and strings, repeated members (the last one counts, where the first stood).
    let reply = post(
        r#"{
            "taxNumbers": [{"type": "eu-vat", "value": "1", "type": "vat"}, {"value": null, "isDefault": 1}, "str", null],
            "websiteId": null,
            "paymentToken": 12,
            "defaultPaymentInstrument": {"method": null, "paymentInstrumentId": "\u0041AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
            "customFields": "no",
            "primaryAddress": {
                "firstNam\u0065": "",
                "lastName": "Franklin\ud83d\ude00",
                "country": "\u0067\u0062",
                "postalCode": ["x"],
                "phoneNumbers": [{"label": "a"}, 5, null, {"label": 1, "value": "v", "primary": "yes"}],
                "emails": {"label": "x"},
                "dob": "1980-13-01",
                "jobTitle": 7,
                "unknown": {"deep": [1, {"x": "\u0000"}]},
                "city": null,
                "region": "\u00e9t\u00e9"
            },
            "isEddRequired": null,
            "locale": false,
            "\u0077ebsiteId": "1234567890123456789012345678901234567890123456789012",
            "defaultPaymentInstrumentId": 1.5,
            "defaultPaymentInstrumentId": "ok"
        }"#,
    )
    .await;
    assert_problem(&reply, StatusCode::UNPROCESSABLE_ENTITY, "application/json");
    assert_eq!(
        entries(&reply),
        [
            "websiteId: must be at most 50 characters long",
            "paymentToken: must be a string",
            "defaultPaymentInstrument.method: must not be null",
            "defaultPaymentInstrument.paymentInstrumentId: must be at most 50 characters long",
            "customFields: must be an object",
            r#"primaryAddress.firstName: must match the pattern `^[\u0000-\uFFFF]+$`"#,
            r#"primaryAddress.lastName: must match the pattern `^[\u0000-\uFFFF]+$`"#,
            "primaryAddress.country: must match the pattern `^[A-Z]{2}$`",
            "primaryAddress.postalCode: must be a string",
            "primaryAddress.phoneNumbers.0.value: is required",
            "primaryAddress.phoneNumbers.1: must be an object",
            "primaryAddress.phoneNumbers.2: must not be null",
            "primaryAddress.phoneNumbers.3.label: must be a string",
            "primaryAddress.phoneNumbers.3.primary: must be a boolean",
            "primaryAddress.emails: must be an array",
            "primaryAddress.dob: must be a date (YYYY-MM-DD)",
            "primaryAddress.jobTitle: must be a string",
            "isEddRequired: must not be null",
            "locale: must be a string",
            "taxNumbers.0.type: must be one of `eu-vat`, `other`",
            "taxNumbers.1.type: is required",
            "taxNumbers.1.value: must not be null",
            "taxNumbers.1.isDefault: must be a boolean",
            "taxNumbers.2: must be an object",
            "taxNumbers.3: must not be null",
        ],
        "{}",
        reply.text
    );

    // The body as a whole.
    for (body, expected) in [
        ("[1, 2]", ": must be an object"),
        ("null", ": must not be null"),
        ("\"customer\"", ": must be an object"),
        ("{\"taxNumbers\": {}, \"taxNumbers\": 1}", "taxNumbers: must be an array"),
    ] {
        let reply = post(body).await;
        assert_problem(&reply, StatusCode::UNPROCESSABLE_ENTITY, "application/json");
        assert_eq!(entries(&reply), [expected], "{body}");
    }

    // A repeated member that is valid the last time is valid.
    let reply =
        post(r#"{"locale": 5, "primaryAddress": {"country": "gb"}, "locale": "fr", "primaryAddress": null}"#).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);

    // Malformed anywhere, even in a member nothing checks: the documented 422, naming no field.
    for (body, problem) in [
        (r#"{"unknown": 1e400}"#, "number out of range at line 1 column 17"),
        (r#"{"unknown": "\ud800"}"#, "unexpected end of hex escape at line 1 column 20"),
        (r#"{"unknown": "\x"}"#, "invalid escape at line 1 column 15"),
        (r#"{"locale": "fr"} x"#, "trailing characters at line 1 column 18"),
        (r#"{"customFields": {"a": [1, 2,]}}"#, "trailing comma at line 1 column 30"),
    ] {
        let reply = post(body).await;
        assert_problem(&reply, StatusCode::UNPROCESSABLE_ENTITY, "application/json");
        let detail = format!("The request body is not valid JSON: {problem}.");
        assert_eq!(reply.body["detail"], json!(detail), "{body}");
        assert_eq!(entries(&reply), [format!(": {detail}")], "{body}");
    }
    server.stop().await;
}
