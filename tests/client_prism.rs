//! Third-party check of the generated client: Stoplight Prism, a mock server that validates
//! every request against `spec/` (parameters, body, security), answers with the spec's
//! examples, and logs each violation it finds. Every operation is called through the client
//! and Prism must find nothing wrong; a second test sends requests that break the spec and
//! checks that Prism does complain, so a silent Prism cannot pass the first one.
//!
//! Prism is found through `PRISM_BIN` (`.ci/run` installs `@stoplight/prism-cli` and sets it).
//! Without it the tests print a note and pass, except under CI (`CI` set), where they fail.

mod client_common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use client_common::seed_customer;
use customers_api::client::{reqwest, Client, Error};
use customers_api::models::{TaxNumberRequest, TaxNumberType};
use customers_api::operations::{
    DeleteCustomerParams, DeleteCustomerResponse, GetCustomerCollectionParams, GetCustomerCollectionResponse,
    GetCustomerParams, GetCustomerResponse, PostCustomerResponse, PutCustomerParams, PutCustomerResponse,
};
use futures_util::StreamExt;

/// A token of the shape Prism checks for `bearerFormat: JWT`.
const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2ln";

/// A Prism mock server on 127.0.0.1, killed when dropped.
struct Prism {
    child: Child,
    url: String,
    log: Arc<Mutex<String>>,
}

impl Prism {
    /// Starts Prism on a free port with request validation on and `--errors`, so that any
    /// violation becomes an error response as well as a log line; `None` (with a note) when
    /// `PRISM_BIN` is not set outside CI.
    fn start() -> Option<Prism> {
        let Some(bin) = std::env::var_os("PRISM_BIN") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "PRISM_BIN is not set under CI: .ci/run must install Prism and export it"
            );
            eprintln!(
                "note: skipping the Prism check: set PRISM_BIN to a `prism` binary \
                 (npm i @stoplight/prism-cli@5.16.0; .ci/run does this) to run it"
            );
            return None;
        };
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut child = Command::new(PathBuf::from(&bin))
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string(), "--errors"])
            .arg(&spec)
            .env("NO_COLOR", "1")
            .env("FORCE_COLOR", "0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start PRISM_BIN={bin:?}: {e}"));
        let log = Arc::new(Mutex::new(String::new()));
        for pipe in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let mut prism = Prism { child, url: format!("http://127.0.0.1:{port}"), log };
        let started = Instant::now();
        while !prism.log().contains("Prism is listening") {
            if let Some(status) = prism.child.try_wait().unwrap() {
                panic!("Prism exited ({status}) before listening:\n{}", prism.log());
            }
            assert!(started.elapsed() < Duration::from_secs(60), "Prism did not start in 60 s:\n{}", prism.log());
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(prism)
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Requests Prism validated, and the violations it reported.
    fn verdicts(&self) -> (usize, Vec<String>) {
        let log = self.log();
        let passed = log.matches("The request passed the validation rules").count();
        let violations = log
            .lines()
            .filter(|l| l.contains("Violation:") || l.contains("did not pass the validation rules"))
            .map(str::to_string)
            .collect();
        (passed, violations)
    }

    fn client(&self) -> Client {
        Client::new(&self.url).with_secret_api_key("sk_test_prism")
    }

    /// A client that asks Prism for the documented response with status `code`.
    fn client_asking_for(&self, code: u16) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("prefer", format!("code={code}").parse().unwrap());
        let http = reqwest::Client::builder().default_headers(headers).build().unwrap();
        Client::with_http_client(&self.url, http).with_jwt(JWT)
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn statuses<R>(result: Result<R, Error<R>>, status: impl Fn(&R) -> u16) -> u16
where
    R: customers_api::client::ApiResponse,
{
    match result {
        Ok(response) => status(&response),
        Err(Error::Api(response)) => status(&response),
        Err(other) => panic!("not a documented response: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prism_finds_no_violation_in_any_operation() {
    let Some(prism) = Prism::start() else { return };
    let mut sent = 0;
    let id = "cus_0YV7DDSDD1C8DA64KHH2W33CPF";
    let list = GetCustomerCollectionParams {
        limit: Some(10),
        offset: Some(0),
        filter: Some("firstName:John,Jane;locale:fr-FR".into()),
        q: Some("john".into()),
        sort: Some(vec!["-createdTime".into(), "lastName".into()]),
        fields: Some("id,email,createdTime".into()),
        expand: Some("website,leadSource".into()),
    };
    let get = GetCustomerParams { id: id.into(), expand: Some("website".into()), fields: Some("id,email".into()) };
    let put = PutCustomerParams { id: id.into() };
    let delete = DeleteCustomerParams { id: id.into(), target_customer_id: "cus_0YV7DDSDD1C8DA64KHH2W33CPG".into() };
    let body = seed_customer();

    // Each operation with each credential; Prism answers with the first success it documents.
    for client in [prism.client(), Client::new(&prism.url).with_jwt(JWT)] {
        match client.get_customer_collection(&list).await {
            Ok(GetCustomerCollectionResponse::Ok(page)) => {
                assert!(!page.body.is_empty());
                assert!(page.pagination_total.is_some(), "{page:?}");
            }
            other => panic!("GetCustomerCollection: {other:?}\n{}", prism.log()),
        }
        match client.post_customer(&body).await {
            Ok(PostCustomerResponse::Created(created)) => {
                assert!(created.location.is_some_and(|l| l.contains("/customers/")));
                assert!(created.body.id.is_some());
            }
            other => panic!("PostCustomer: {other:?}\n{}", prism.log()),
        }
        match client.get_customer(&get).await {
            Ok(GetCustomerResponse::Ok(ok)) => assert!(ok.body.id.is_some()),
            other => panic!("GetCustomer: {other:?}\n{}", prism.log()),
        }
        match client.put_customer(&put, &body).await {
            Ok(PutCustomerResponse::Ok(_) | PutCustomerResponse::Created(_)) => {}
            other => panic!("PutCustomer: {other:?}\n{}", prism.log()),
        }
        match client.delete_customer(&delete).await {
            Ok(DeleteCustomerResponse::NoContent(_)) => {}
            other => panic!("DeleteCustomer: {other:?}\n{}", prism.log()),
        }
        sent += 5;
    }

    // Every documented status, as Prism makes it from the spec's examples and schemas.
    for code in [200, 401, 403, 422, 429] {
        let result = prism.client_asking_for(code).get_customer_collection(&list).await;
        assert_eq!(statuses(result, GetCustomerCollectionResponse::status), code);
    }
    for code in [201, 401, 403, 409, 422, 429] {
        let result = prism.client_asking_for(code).post_customer(&body).await;
        assert_eq!(statuses(result, PostCustomerResponse::status), code);
    }
    for code in [200, 401, 403, 404, 429] {
        let result = prism.client_asking_for(code).get_customer(&get).await;
        assert_eq!(statuses(result, GetCustomerResponse::status), code);
    }
    for code in [200, 201, 401, 403, 409, 422, 429] {
        let result = prism.client_asking_for(code).put_customer(&put, &body).await;
        assert_eq!(statuses(result, PutCustomerResponse::status), code);
    }
    for code in [204, 401, 403, 404, 409, 422, 429] {
        let result = prism.client_asking_for(code).delete_customer(&delete).await;
        assert_eq!(statuses(result, DeleteCustomerResponse::status), code);
    }
    sent += 5 + 6 + 5 + 7 + 7;

    // A 429 from Prism carries the spec's example retry time.
    match prism.client_asking_for(429).get_customer(&get).await {
        Err(error @ Error::Api(GetCustomerResponse::TooManyRequests(_))) => {
            let Error::Api(GetCustomerResponse::TooManyRequests(r)) = &error else { unreachable!() };
            assert_eq!(r.x_rate_limit_retry_after, Some(1_713_187_500));
            assert!(error.retry_after().is_some());
        }
        other => panic!("{other:?}"),
    }
    sent += 1;

    // The collection stream's follow-up pages (offset advanced) are valid requests too.
    let items: Vec<_> = prism.client().get_customer_collection_stream(list.clone()).take(3).collect().await;
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    sent += 3; // Prism's example page holds one customer: a request per item

    let (passed, violations) = prism.verdicts();
    assert!(violations.is_empty(), "Prism reported violations:\n{}\n\nlog:\n{}", violations.join("\n"), prism.log());
    assert_eq!(passed, sent, "every request was validated and passed:\n{}", prism.log());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prism_does_report_requests_that_break_the_spec() {
    let Some(prism) = Prism::start() else { return };

    // `limit` above the spec's maximum of 1000.
    let list = GetCustomerCollectionParams { limit: Some(5000), ..Default::default() };
    let result = prism.client().get_customer_collection(&list).await;
    assert!(matches!(result, Err(Error::Api(GetCustomerCollectionResponse::UnprocessableEntity(_)))), "{result:?}");

    // A tax number type the spec does not list.
    let mut body = seed_customer();
    body.tax_numbers = vec![TaxNumberRequest {
        r#type: TaxNumberType::Unknown("made-up".into()),
        value: "1".into(),
        is_default: None,
    }]
    .into();
    let result = prism.client().post_customer(&body).await;
    assert!(matches!(result, Err(Error::Api(PostCustomerResponse::UnprocessableEntity(_)))), "{result:?}");

    // No credentials at all.
    let get = GetCustomerParams { id: "cus_1".into(), expand: None, fields: None };
    let result = Client::new(&prism.url).get_customer(&get).await;
    assert!(matches!(result, Err(Error::Api(GetCustomerResponse::Unauthorized(_)))), "{result:?}");

    let (passed, violations) = prism.verdicts();
    let log = prism.log();
    assert_eq!(passed, 0, "{log}");
    for expected in ["request.query.limit", "request.body.taxNumbers", "Invalid security scheme"] {
        assert!(violations.iter().any(|v| v.contains(expected)), "no violation about {expected}:\n{log}");
    }
}
