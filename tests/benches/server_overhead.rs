//! Server overhead: the generated axum router (validation on) serving the example
//! implementation (`customers-server`), against a hand-written axum router doing the same
//! work, both on loopback under the same load loop. Prints a Markdown table (see `cargo xtask
//! bench`, section 5).
//!
//! Both routers call the same `Customers` implementation (on an in-memory SQLite database),
//! so what differs is what sits between the socket and the store: routing, authentication, parameter and body extraction, validation
//! and response rendering. The servers run on a tokio runtime of one worker thread, the load
//! loop on another, so a rate is what one thread of server can answer. Each measurement
//! starts a fresh server (an empty store, new connections), warms it up, then counts for a
//! fixed window; rounds alternate the order of the two servers so that drift in the
//! machine's load hits both.
//!
//! `--quick` (or `SERVER_OVERHEAD_QUICK=1`) shortens the runs to a smoke test.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::serve::ListenerExt as _;
use axum::Router;
use customers_server::{Customers, Options};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Handle;
use tokio::sync::oneshot;

/// The API key both servers accept (`REB-APIKEY`).
const KEY: &str = "bench-key";
/// Concurrent keep-alive connections of the load loop.
const CONNECTIONS: usize = 16;
/// The target of the issue: generated throughput at least this share of the hand-written one.
const TARGET: f64 = 0.9;

/// How long to run.
#[derive(Clone, Copy)]
struct Plan {
    rounds: usize,
    warm_up: Duration,
    window: Duration,
}

impl Plan {
    fn from_env() -> Plan {
        let quick = std::env::args().any(|a| a == "--quick")
            || std::env::var_os("SERVER_OVERHEAD_QUICK").is_some_and(|v| !v.is_empty() && v != "0");
        if quick {
            Plan { rounds: 2, warm_up: Duration::from_millis(100), window: Duration::from_millis(300) }
        } else {
            Plan { rounds: 5, warm_up: Duration::from_millis(500), window: Duration::from_secs(2) }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Server {
    Hand,
    Generated,
}

impl Server {
    fn label(self) -> &'static str {
        match self {
            Server::Hand => "hand-written axum",
            Server::Generated => "generated router",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Endpoint {
    Get,
    Post,
}

impl Endpoint {
    fn label(self) -> &'static str {
        match self {
            Endpoint::Get => "`GET /customers/{id}`",
            Endpoint::Post => "`POST /customers`",
        }
    }

    fn expected(self) -> u16 {
        match self {
            Endpoint::Get => 200,
            Endpoint::Post => 201,
        }
    }
}

/// A customer as a client creates it: every member of the request view except the single-use
/// `paymentToken` (a repeated token is a 409 by design).
fn customer_request() -> Value {
    json!({
        "websiteId": "web_0YV7DE4Z26DQSA1AC92FBJ7SEG",
        "defaultPaymentInstrument": {"method": "payment-card", "paymentInstrumentId": "inst_0YVB8KPKNXCBR9EDX7JHSED75N"},
        "defaultPaymentInstrumentId": "inst_0YVB8KPKNXCBR9EDX7JHSED75N",
        "customFields": {"foo": "bar", "tier": 2},
        "primaryAddress": {
            "firstName": "Benjamin", "lastName": "Franklin", "organization": "Rebilly",
            "address": "36 Craven St", "address2": "Suite 4", "city": "Austin", "region": "Texas",
            "country": "GB", "postalCode": "WC2N 5NF",
            "phoneNumbers": [{"label": "main", "value": "+1 555 0100", "primary": true}],
            "emails": [{"label": "main", "value": "rebilly@example.com", "primary": true}],
            "dob": "1980-04-01", "jobTitle": "CEO"
        },
        "isEddRequired": false,
        "locale": "fr-FR",
        "taxNumbers": [{"type": "eu-vat", "value": "GB980780684", "isDefault": true}]
    })
}

/// The hand-written server: what a person would write with axum's extractors for the same two
/// routes, calling the same store.
mod hand {
    use std::sync::Arc;

    use axum::body::Bytes;
    use axum::extract::{Path, State};
    use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
    use axum::response::{IntoResponse, Response};
    use axum::routing::{get, post};
    use axum::Router;
    use customers_api::models::{
        ContactObjectRequest, CustomerRequest, InvalidField, Problem, TaxNumberType, ValidationError,
    };
    use customers_api::operations::{GetCustomerParams, GetCustomerResponse, PostCustomerResponse};
    use customers_api::server::{Api as _, Credential};
    use customers_api::Nullable;
    use customers_server::Customers;
    use serde::Serialize;

    pub(crate) fn router(api: Customers) -> Router {
        Router::new().route("/customers", post(create)).route("/customers/{id}", get(fetch)).with_state(Arc::new(api))
    }

    async fn create(State(api): State<Arc<Customers>>, headers: HeaderMap, body: Bytes) -> Response {
        let Some(principal) = authenticate(&api, &headers).await else { return unauthorized() };
        let json = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "The request body must be JSON.".into(), Vec::new());
        }
        let request: CustomerRequest = match serde_json::from_slice(&body) {
            Ok(request) => request,
            Err(e) => return problem(StatusCode::UNPROCESSABLE_ENTITY, format!("Invalid JSON: {e}."), Vec::new()),
        };
        let invalid = validate(&request);
        if !invalid.is_empty() {
            let detail = "The request contains invalid fields.".into();
            return problem(StatusCode::UNPROCESSABLE_ENTITY, detail, invalid);
        }
        match api.post_customer(principal, request).await {
            Ok(PostCustomerResponse::Created(created)) => {
                let mut response = json_response(StatusCode::CREATED, &created.body);
                if let Some(location) = created.location.and_then(|l| HeaderValue::try_from(l).ok()) {
                    response.headers_mut().insert(header::LOCATION, location);
                }
                response
            }
            Ok(PostCustomerResponse::Conflict(body)) => json_response(StatusCode::CONFLICT, &body),
            _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }

    async fn fetch(State(api): State<Arc<Customers>>, headers: HeaderMap, Path(id): Path<String>) -> Response {
        let Some(principal) = authenticate(&api, &headers).await else { return unauthorized() };
        // The spec's `id`: at most 50 characters of `^[@~\-\.\w]+$`; anything else names no customer.
        let valid = !id.is_empty()
            && id.chars().count() <= 50
            && id.chars().all(|c| c.is_ascii_alphanumeric() || "@~-._".contains(c));
        if !valid {
            return problem(StatusCode::NOT_FOUND, "No customer has this identifier.".into(), Vec::new());
        }
        // The load sends no query; `fields` and `expand` would be read here.
        match api.get_customer(principal, GetCustomerParams { id, expand: None, fields: None }).await {
            Ok(GetCustomerResponse::Ok(found)) => json_response(StatusCode::OK, &found.body),
            Ok(GetCustomerResponse::NotFound(body)) => json_response(StatusCode::NOT_FOUND, &body),
            _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }

    async fn authenticate(api: &Customers, headers: &HeaderMap) -> Option<customers_server::Caller> {
        let key = headers.get("REB-APIKEY")?.to_str().ok()?;
        api.authenticate(Credential::SecretApiKey(key.to_owned())).await
    }

    fn unauthorized() -> Response {
        let mut response =
            problem(StatusCode::UNAUTHORIZED, "Invalid authentication credentials were provided.".into(), Vec::new());
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        response
    }

    fn json_response<T: Serialize>(status: StatusCode, body: &T) -> Response {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], bytes).into_response()
            }
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }

    fn problem(status: StatusCode, detail: String, invalid: Vec<InvalidField>) -> Response {
        let title = status.canonical_reason().map(str::to_owned);
        if invalid.is_empty() {
            let body = Problem {
                r#type: Some("about:blank".into()),
                title,
                status: Some(i64::from(status.as_u16())),
                detail: Some(detail),
                instance: None,
            };
            json_response(status, &body)
        } else {
            let body = ValidationError {
                r#type: Some("about:blank".into()),
                title,
                status: Some(i64::from(status.as_u16())),
                detail: Some(detail),
                instance: None,
                invalid_fields: Some(invalid),
            };
            json_response(status, &body)
        }
    }

    /// What the spec asks of a `CustomerRequest` beyond what its Rust types already enforce
    /// (required members, types, the `dob` date): lengths, patterns, the email format and the
    /// tax number enum. Field names in dot notation, as the generated router reports them.
    fn validate(c: &CustomerRequest) -> Vec<InvalidField> {
        let mut out = Vec::new();
        if let Some(id) = &c.website_id {
            max_chars(&mut out, id, 50, || "websiteId".into());
        }
        if let Nullable::Present(instrument) = &c.default_payment_instrument {
            let id = &instrument.payment_instrument_id;
            max_chars(&mut out, id, 50, || "defaultPaymentInstrument.paymentInstrumentId".into());
        }
        if let Nullable::Present(id) = &c.default_payment_instrument_id {
            max_chars(&mut out, id, 50, || "defaultPaymentInstrumentId".into());
        }
        if let Nullable::Present(address) = &c.primary_address {
            validate_address(&mut out, address);
        }
        if let Nullable::Present(numbers) = &c.tax_numbers {
            for (i, number) in numbers.iter().enumerate() {
                if !matches!(number.r#type, TaxNumberType::EuVat | TaxNumberType::Other) {
                    out.push(invalid(format!("taxNumbers.{i}.type"), "must be one of `eu-vat`, `other`"));
                }
            }
        }
        out
    }

    fn validate_address(out: &mut Vec<InvalidField>, a: &ContactObjectRequest) {
        let names = [
            (&a.first_name, "firstName", 45),
            (&a.last_name, "lastName", 45),
            (&a.organization, "organization", 255),
            (&a.address, "address", 60),
            (&a.address2, "address2", 60),
            (&a.city, "city", 45),
            (&a.region, "region", 45),
            (&a.job_title, "jobTitle", 255),
        ];
        for (value, name, max) in names {
            if let Nullable::Present(text) = value {
                max_chars(out, text, max, || format!("primaryAddress.{name}"));
                // `^[\u0000-\uFFFF]+$` with the `u` flag: not empty, no character beyond the BMP.
                if text.is_empty() || text.chars().any(|c| u32::from(c) > 0xFFFF) {
                    out.push(invalid(
                        format!("primaryAddress.{name}"),
                        "must match the pattern `^[\\u0000-\\uFFFF]+$`",
                    ));
                }
            }
        }
        if let Nullable::Present(country) = &a.country {
            max_chars(out, country, 2, || "primaryAddress.country".into());
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
                out.push(invalid("primaryAddress.country".into(), "must match the pattern `^[A-Z]{2}$`"));
            }
        }
        if let Nullable::Present(code) = &a.postal_code {
            max_chars(out, code, 10, || "primaryAddress.postalCode".into());
            let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || ecma_space(c);
            if code.is_empty() || !code.chars().all(allowed) {
                out.push(invalid("primaryAddress.postalCode".into(), "must match the pattern `^[\\w\\s\\-]+$`"));
            }
        }
        for (i, phone) in a.phone_numbers.iter().flatten().enumerate() {
            max_chars(out, &phone.label, 45, || format!("primaryAddress.phoneNumbers.{i}.label"));
            max_chars(out, &phone.value, 50, || format!("primaryAddress.phoneNumbers.{i}.value"));
        }
        for (i, email) in a.emails.iter().flatten().enumerate() {
            max_chars(out, &email.label, 45, || format!("primaryAddress.emails.{i}.label"));
            max_chars(out, &email.value, 255, || format!("primaryAddress.emails.{i}.value"));
            if !is_email(&email.value) {
                out.push(invalid(format!("primaryAddress.emails.{i}.value"), "must be an email address"));
            }
        }
    }

    fn invalid(field: String, message: &str) -> InvalidField {
        InvalidField { field: Some(field), message: Some(message.into()) }
    }

    fn max_chars(out: &mut Vec<InvalidField>, text: &str, max: usize, field: impl FnOnce() -> String) {
        if text.chars().count() > max {
            out.push(invalid(field(), &format!("must be at most {max} characters long")));
        }
    }

    /// ECMAScript's `\s`: WhiteSpace and LineTerminator.
    fn ecma_space(c: char) -> bool {
        matches!(
            c,
            '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
                ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
        )
    }

    /// `local@domain`: dot-separated atoms, then a dotted host name or a bracketed IP literal.
    fn is_email(text: &str) -> bool {
        let Some((local, domain)) = text.rsplit_once('@') else { return false };
        let atom =
            |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c));
        let label = |s: &str| {
            !s.is_empty()
                && s.len() <= 63
                && !s.starts_with('-')
                && !s.ends_with('-')
                && s.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        let domain_ok = match domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
            Some(literal) => {
                literal.parse::<std::net::Ipv4Addr>().is_ok()
                    || literal.strip_prefix("IPv6:").is_some_and(|v6| v6.parse::<std::net::Ipv6Addr>().is_ok())
            }
            None => domain.len() <= 253 && domain.split('.').all(label),
        };
        local.len() <= 64 && local.split('.').all(atom) && domain_ok
    }
}

/// A server on 127.0.0.1 and a free port, stopped by [`Running::stop`].
struct Running {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Starts `server` on the `servers` runtime, on an in-memory database.
async fn start(servers: &Handle, server: Server) -> Result<Running, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot bind 127.0.0.1:0: {e}"))?;
    listener.set_nonblocking(true).map_err(|e| format!("set_nonblocking: {e}"))?;
    let addr = listener.local_addr().map_err(|e| format!("no local address: {e}"))?;
    let options = Options { api_keys: vec![KEY.into()], base_url: format!("http://{addr}"), ..Options::default() };
    let customers = Customers::open(options).await.map_err(|e| format!("the database: {e}"))?;
    let app: Router = match server {
        Server::Hand => hand::router(customers),
        Server::Generated => customers_api::server::router(customers),
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let task = servers.spawn(async move {
        // Registered with the runtime it is served on.
        let listener = TcpListener::from_std(listener)?;
        // Both servers answer small requests on the same keep-alive connection: no Nagle delays.
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Running { addr, stop, task })
}

impl Running {
    async fn stop(self) -> Result<(), String> {
        let _ = self.stop.send(());
        match tokio::time::timeout(Duration::from_secs(10), self.task).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(e))) => Err(format!("the server failed: {e}")),
            Ok(Err(e)) => Err(format!("the server task failed: {e}")),
            Err(_) => Err("the server did not stop within 10 s".into()),
        }
    }
}

/// One keep-alive HTTP/1.1 connection that sends a prepared request and reads the status of
/// the answer (bodies with `Content-Length`, as both servers send them). Kept minimal so the
/// load loop spends as little of the shared CPU as it can.
struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    async fn open(addr: SocketAddr) -> Result<Connection, String> {
        let stream = TcpStream::connect(addr).await.map_err(|e| format!("connect: {e}"))?;
        stream.set_nodelay(true).map_err(|e| format!("set_nodelay: {e}"))?;
        Ok(Connection { stream, buffer: Vec::with_capacity(8192) })
    }

    /// Sends `request` and returns the status of the whole answer, read to its end.
    async fn exchange(&mut self, request: &[u8]) -> Result<u16, String> {
        self.stream.write_all(request).await.map_err(|e| format!("write: {e}"))?;
        loop {
            if let Some(end) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                let (status, length) = head(&self.buffer[..end])?;
                let total = end + 4 + length;
                while self.buffer.len() < total {
                    self.fill().await?;
                }
                self.buffer.drain(..total);
                return Ok(status);
            }
            self.fill().await?;
        }
    }

    async fn fill(&mut self) -> Result<(), String> {
        match self.stream.read_buf(&mut self.buffer).await {
            Ok(0) => Err("the server closed the connection".into()),
            Ok(_) => Ok(()),
            Err(e) => Err(format!("read: {e}")),
        }
    }
}

/// Status and `Content-Length` of a response head.
fn head(head: &[u8]) -> Result<(u16, usize), String> {
    let text = std::str::from_utf8(head).map_err(|_| "a response head that is not UTF-8".to_string())?;
    let mut lines = text.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| "a response without a status line".to_string())?;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else { continue };
        if name.eq_ignore_ascii_case("content-length") {
            return value.trim().parse().map(|n| (status, n)).map_err(|_| "a bad Content-Length".into());
        }
        if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err("a chunked response (the load loop reads Content-Length bodies only)".into());
        }
    }
    Err("a response without Content-Length".into())
}

/// What one measurement saw.
#[derive(Default)]
struct Tally {
    /// Latency of every request started in the window, in microseconds.
    latencies_us: Vec<u32>,
    /// Answers with another status than the expected one (warm-up included), by status.
    unexpected: BTreeMap<u16, u64>,
    /// Requests that got no answer (warm-up included), and the first reason.
    failures: u64,
    first_failure: Option<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.latencies_us.extend(other.latencies_us);
        for (status, n) in other.unexpected {
            *self.unexpected.entry(status).or_default() += n;
        }
        self.failures += other.failures;
        if self.first_failure.is_none() {
            self.first_failure = other.first_failure;
        }
    }

    fn fail(&mut self, reason: String) {
        self.failures += 1;
        self.first_failure.get_or_insert(reason);
    }

    fn errors(&self) -> u64 {
        self.failures + self.unexpected.values().sum::<u64>()
    }

    fn describe_errors(&self) -> String {
        let mut parts: Vec<String> = self.unexpected.iter().map(|(s, n)| format!("{n} × status {s}")).collect();
        if self.failures > 0 {
            parts.push(format!("{} without answer ({})", self.failures, self.first_failure.as_deref().unwrap_or("?")));
        }
        parts.join(", ")
    }
}

/// One connection sending `request` back to back until `until`, timing those started after `from`.
async fn drive(addr: SocketAddr, request: Arc<[u8]>, expected: u16, from: Instant, until: Instant) -> Tally {
    let mut tally = Tally::default();
    let mut connection: Option<Connection> = None;
    loop {
        let started = Instant::now();
        if started >= until {
            return tally;
        }
        let open = match connection.as_mut() {
            Some(open) => open,
            None => match Connection::open(addr).await {
                Ok(open) => connection.insert(open),
                Err(e) => {
                    tally.fail(e);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        match open.exchange(&request).await {
            Ok(status) => {
                if started >= from {
                    let us = started.elapsed().as_micros();
                    tally.latencies_us.push(u32::try_from(us).unwrap_or(u32::MAX));
                }
                if status != expected {
                    *tally.unexpected.entry(status).or_default() += 1;
                }
            }
            Err(e) => {
                tally.fail(e);
                connection = None;
            }
        }
    }
}

/// Result of one measurement.
struct Measurement {
    rate: f64,
    p99_ms: f64,
    /// CPU time the server's threads spent per answered request, in µs (`None` where Linux's
    /// per-thread accounting is not readable).
    cpu_us: Option<f64>,
    tally: Tally,
}

/// The threads of the servers' runtime, as `/proc/self/task/<tid>`, recorded as they start.
static SERVER_THREADS: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Records the calling thread as one of the servers' (see [`server_cpu`]).
fn record_server_thread() {
    if let Ok(task) = std::fs::read_link("/proc/thread-self") {
        if let Ok(mut threads) = SERVER_THREADS.lock() {
            threads.push(std::path::Path::new("/proc").join(task));
        }
    }
}

/// CPU time used so far by the servers' threads: the sum of the first field of each one's
/// `schedstat` (nanoseconds on a CPU). Unlike a rate, it does not move when other work on
/// the machine takes the CPU away.
fn server_cpu() -> Option<Duration> {
    let threads = SERVER_THREADS.lock().ok()?;
    let mut total = 0u64;
    for task in threads.iter() {
        let stat = std::fs::read_to_string(task.join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    (!threads.is_empty()).then(|| Duration::from_nanos(total))
}

/// Creates a customer through `base` with reqwest and returns its id.
async fn create(http: &reqwest::Client, base: &str) -> Result<String, String> {
    let reply = http
        .post(format!("{base}/customers"))
        .header("REB-APIKEY", KEY)
        .header("Content-Type", "application/json")
        .body(customer_request().to_string())
        .send()
        .await
        .map_err(|e| format!("POST /customers: {e}"))?;
    let status = reply.status().as_u16();
    let body = reply.bytes().await.map_err(|e| format!("POST /customers body: {e}"))?;
    if status != 201 {
        return Err(format!("POST /customers answered {status}: {}", String::from_utf8_lossy(&body)));
    }
    let value: Value = serde_json::from_slice(&body).map_err(|e| format!("POST /customers body: {e}"))?;
    value["id"].as_str().map(str::to_owned).ok_or_else(|| "POST /customers answered no id".into())
}

/// One measurement: a fresh server, `CONNECTIONS` load tasks, warm-up, then the window.
async fn measure(servers: &Handle, server: Server, endpoint: Endpoint, plan: Plan) -> Result<Measurement, String> {
    let running = start(servers, server).await?;
    let addr = running.addr;
    let request: Arc<[u8]> = match endpoint {
        Endpoint::Get => {
            let id = create(&reqwest::Client::new(), &format!("http://{addr}")).await?;
            format!("GET /customers/{id} HTTP/1.1\r\nHost: {addr}\r\nREB-APIKEY: {KEY}\r\n\r\n").into_bytes().into()
        }
        Endpoint::Post => {
            let body = customer_request().to_string();
            format!(
                "POST /customers HTTP/1.1\r\nHost: {addr}\r\nREB-APIKEY: {KEY}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
            .into_bytes()
            .into()
        }
    };
    let from = Instant::now() + plan.warm_up;
    let until = from + plan.window;
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|_| tokio::spawn(drive(addr, request.clone(), endpoint.expected(), from, until)))
        .collect();
    tokio::time::sleep_until(from.into()).await;
    let cpu_from = server_cpu();
    tokio::time::sleep_until(until.into()).await;
    let cpu_until = server_cpu();
    let mut tally = Tally::default();
    for task in tasks {
        match task.await {
            Ok(t) => tally.merge(t),
            Err(e) => tally.fail(format!("a load task failed: {e}")),
        }
    }
    running.stop().await?;
    let rate = tally.latencies_us.len() as f64 / plan.window.as_secs_f64();
    tally.latencies_us.sort_unstable();
    let p99_ms = percentile(&tally.latencies_us, 0.99) / 1000.0;
    let answered = tally.latencies_us.len() as f64;
    let cpu_us = cpu_from.zip(cpu_until).map(|(from, until)| (until - from).as_secs_f64() * 1e6 / answered);
    Ok(Measurement { rate, p99_ms, cpu_us, tally })
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
    f64::from(sorted[rank - 1])
}

/// Before measuring: both servers answer the load's requests with the expected statuses, the
/// same JSON members and a `Location`, refuse a missing key, and name the same invalid fields.
async fn preflight(servers: &Handle) -> Result<(), String> {
    let http = reqwest::Client::new();
    let mut seen: Vec<(Server, Vec<String>, Vec<String>)> = Vec::new();
    for server in [Server::Hand, Server::Generated] {
        let running = start(servers, server).await?;
        let base = format!("http://{}", running.addr);
        let name = server.label();
        let checked = async {
            let post = http
                .post(format!("{base}/customers"))
                .header("REB-APIKEY", KEY)
                .header("Content-Type", "application/json")
                .body(customer_request().to_string())
                .send()
                .await
                .map_err(|e| format!("{name}: POST: {e}"))?;
            if post.status().as_u16() != 201 {
                return Err(format!("{name}: POST answered {}", post.status()));
            }
            let location = post.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
            let created: Value = serde_json::from_slice(&post.bytes().await.map_err(|e| format!("{name}: POST: {e}"))?)
                .map_err(|e| format!("{name}: POST body: {e}"))?;
            let id = created["id"].as_str().ok_or_else(|| format!("{name}: POST answered no id"))?;
            if location != Some(format!("{base}/customers/{id}")) {
                return Err(format!("{name}: POST answered Location {location:?} for {id}"));
            }
            let got = http
                .get(format!("{base}/customers/{id}"))
                .header("REB-APIKEY", KEY)
                .send()
                .await
                .map_err(|e| format!("{name}: GET: {e}"))?;
            if got.status().as_u16() != 200 {
                return Err(format!("{name}: GET answered {}", got.status()));
            }
            let body: Value = serde_json::from_slice(&got.bytes().await.map_err(|e| format!("{name}: GET: {e}"))?)
                .map_err(|e| format!("{name}: GET body: {e}"))?;
            if body != created {
                return Err(format!("{name}: GET answered another customer than POST created"));
            }
            serde_json::from_value::<customers_api::models::Customer>(body.clone())
                .map_err(|e| format!("{name}: GET body is not a Customer: {e}"))?;
            let members: Vec<String> = body.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
            let anonymous = http
                .get(format!("{base}/customers/{id}"))
                .send()
                .await
                .map_err(|e| format!("{name}: GET without key: {e}"))?;
            if anonymous.status().as_u16() != 401 {
                return Err(format!("{name}: GET without a key answered {}", anonymous.status()));
            }
            let mut bad = customer_request();
            bad["websiteId"] = json!("w".repeat(51));
            bad["primaryAddress"]["country"] = json!("gb");
            bad["primaryAddress"]["postalCode"] = json!("WC2N/5NF");
            bad["primaryAddress"]["emails"][0]["value"] = json!("not an email");
            bad["taxNumbers"][0]["type"] = json!("us-ein");
            let rejected = http
                .post(format!("{base}/customers"))
                .header("REB-APIKEY", KEY)
                .header("Content-Type", "application/json")
                .body(bad.to_string())
                .send()
                .await
                .map_err(|e| format!("{name}: invalid POST: {e}"))?;
            if rejected.status().as_u16() != 422 {
                return Err(format!("{name}: an invalid POST answered {}", rejected.status()));
            }
            let problem: Value =
                serde_json::from_slice(&rejected.bytes().await.map_err(|e| format!("{name}: invalid POST: {e}"))?)
                    .map_err(|e| format!("{name}: 422 body: {e}"))?;
            let mut fields: Vec<String> = problem["invalidFields"]
                .as_array()
                .map(|list| list.iter().filter_map(|f| f["field"].as_str().map(str::to_owned)).collect())
                .unwrap_or_default();
            fields.sort();
            fields.dedup();
            Ok((members, fields))
        }
        .await;
        running.stop().await?;
        let (members, fields) = checked?;
        seen.push((server, members, fields));
    }
    if let [(_, hand_members, hand_fields), (_, generated_members, generated_fields)] = seen.as_slice() {
        if hand_members != generated_members {
            return Err(format!("the GET bodies differ: {hand_members:?} against {generated_members:?}"));
        }
        if hand_fields != generated_fields {
            return Err(format!("the servers reject different fields: {hand_fields:?} against {generated_fields:?}"));
        }
    }
    Ok(())
}

/// Median, min and max.
fn stats(values: &[f64]) -> (f64, f64, f64) {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let median = if v.len() % 2 == 1 { v[v.len() / 2] } else { (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0 };
    (median, v[0], v[v.len() - 1])
}

async fn run(servers: &Handle, plan: Plan) -> Result<bool, String> {
    preflight(servers).await?;
    let mut results: BTreeMap<(Endpoint, Server), Vec<Measurement>> = BTreeMap::new();
    for round in 0..plan.rounds {
        for endpoint in [Endpoint::Get, Endpoint::Post] {
            // Alternate which server goes first, so drift within a round hits both alike.
            let order =
                if round % 2 == 0 { [Server::Hand, Server::Generated] } else { [Server::Generated, Server::Hand] };
            for server in order {
                let m = measure(servers, server, endpoint, plan).await?;
                eprintln!(
                    "round {}/{}: {} {}: {:.0} requests/s, p99 {:.2} ms, server CPU {}{}",
                    round + 1,
                    plan.rounds,
                    endpoint.label(),
                    server.label(),
                    m.rate,
                    m.p99_ms,
                    m.cpu_us.map_or("n/a".into(), |us| format!("{us:.1} µs/request")),
                    if m.tally.errors() > 0 {
                        format!(", errors: {}", m.tally.describe_errors())
                    } else {
                        String::new()
                    }
                );
                results.entry((endpoint, server)).or_default().push(m);
            }
        }
    }
    let window = plan.window.as_secs_f64();
    println!(
        "| endpoint ({CONNECTIONS} connections, server on 1 thread, {} rounds of {window} s) | server | requests/s, median (min–max) | p99 latency, ms | server CPU per request, µs | errors |",
        plan.rounds
    );
    println!("|---|---|---|---|---|---|");
    let mut clean = true;
    for endpoint in [Endpoint::Get, Endpoint::Post] {
        let mut rates = BTreeMap::new();
        let mut cpu = BTreeMap::new();
        for server in [Server::Hand, Server::Generated] {
            let runs = results.get(&(endpoint, server)).map(Vec::as_slice).unwrap_or_default();
            let errors: u64 = runs.iter().map(|m| m.tally.errors()).sum();
            if errors > 0 {
                clean = false;
                let what: Vec<String> =
                    runs.iter().filter(|m| m.tally.errors() > 0).map(|m| m.tally.describe_errors()).collect();
                println!(
                    "| {} | {} | not reported: {errors} errors | | | {} |",
                    endpoint.label(),
                    server.label(),
                    what.join("; ")
                );
                continue;
            }
            let rate: Vec<f64> = runs.iter().map(|m| m.rate).collect();
            let p99: Vec<f64> = runs.iter().map(|m| m.p99_ms).collect();
            let (r, r_min, r_max) = stats(&rate);
            let (l, l_min, l_max) = stats(&p99);
            let cpu_us: Option<Vec<f64>> = runs.iter().map(|m| m.cpu_us).collect();
            let cpu_cell = cpu_us.as_deref().map_or("n/a".into(), |us| {
                let (c, c_min, c_max) = stats(us);
                format!("{c:.1} ({c_min:.1}–{c_max:.1})")
            });
            println!(
                "| {} | {} | {r:.0} ({r_min:.0}–{r_max:.0}) | {l:.2} ({l_min:.2}–{l_max:.2}) | {cpu_cell} | 0 |",
                endpoint.label(),
                server.label()
            );
            rates.insert(server, rate);
            if let Some(us) = cpu_us {
                cpu.insert(server, us);
            }
        }
        match (rates.get(&Server::Hand), rates.get(&Server::Generated)) {
            (Some(hand), Some(generated)) => {
                let ratio = stats(generated).0 / stats(hand).0;
                let paired: Vec<f64> = generated.iter().zip(hand).map(|(g, h)| g / h).collect();
                let (_, p_min, p_max) = stats(&paired);
                let verdict = if ratio >= TARGET { "met" } else { "missed" };
                // Requests per CPU-second of server, generated against hand-written: what the
                // rate ratio would be if both servers had the CPU to themselves.
                let efficiency = match (cpu.get(&Server::Hand), cpu.get(&Server::Generated)) {
                    (Some(hand), Some(generated)) => format!("{:.3} by CPU time", stats(hand).0 / stats(generated).0),
                    _ => String::new(),
                };
                println!(
                    "| {} | **generated / hand-written** (target ≥ {TARGET}) | **{ratio:.3}** (per round {p_min:.3}–{p_max:.3}) | {verdict} | {efficiency} | |",
                    endpoint.label()
                );
            }
            _ => println!(
                "| {} | **generated / hand-written** (target ≥ {TARGET}) | not reported: a run had errors | | | |",
                endpoint.label()
            ),
        }
    }
    Ok(clean)
}

fn main() -> ExitCode {
    let plan = Plan::from_env();
    // The servers on one worker thread, the load loop on another: each request crosses from
    // one to the other, whichever server runs (one shared runtime lets tasks migrate between
    // workers, which made rates of the same server swing by up to 2× between runs).
    let build = |name: &str, on_start: fn()| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name(name)
            .on_thread_start(on_start)
            .enable_all()
            .build()
    };
    let (servers, load) = match (build("server", record_server_thread), build("load", || ())) {
        (Ok(servers), Ok(load)) => (servers, load),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("server_overhead: cannot start a tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match load.block_on(run(servers.handle(), plan)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            println!("| server overhead | not measured: {e} |");
            eprintln!("server_overhead: {e}");
            ExitCode::FAILURE
        }
    }
}
