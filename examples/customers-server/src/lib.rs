//! An in-memory Customers API: the generated [`customers_api::server::Api`] trait implemented
//! by hand, to show what an implementation looks like and to give the generated router a
//! real server to be tested against.
//!
//! Customers live in memory and vanish when the process ends. Credentials are whatever the
//! operator passes at start-up ([`Options`]); nothing secret is compiled in. A read-only key
//! may list and read but not write (403), and each credential may have a rate limit (429,
//! with the time it resets; its budget in the headers of the answers that document them).

use std::collections::HashSet;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::routing::get;
use axum::Router;
use chrono::Utc;
use customers_api::models::{
    ContactObject, ContactObjectRequest, Customer, CustomerRequest, DefaultPaymentInstrument, Problem, TaxNumber,
};
use customers_api::operations::{
    DeleteCustomerNoContent, DeleteCustomerParams, DeleteCustomerResponse, GetCustomerCollectionOk,
    GetCustomerCollectionParams, GetCustomerCollectionResponse, GetCustomerOk, GetCustomerParams, GetCustomerResponse,
    PostCustomerCreated, PostCustomerResponse, PutCustomerCreated, PutCustomerOk, PutCustomerParams,
    PutCustomerResponse,
};
use customers_api::operations::{
    DeleteCustomerTooManyRequests, GetCustomerCollectionTooManyRequests, GetCustomerTooManyRequests,
    PostCustomerTooManyRequests, PutCustomerTooManyRequests,
};
use customers_api::server::{self, Api, Credential};
use customers_api::Nullable;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use serde_json::Value;

/// What the server accepts, and where it says it lives.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Secret API keys accepted in the `REB-APIKEY` header.
    pub api_keys: Vec<String>,
    /// Secret API keys accepted for reading only: a write with one is answered 403.
    pub read_only_keys: Vec<String>,
    /// Requests each credential may make per period; more are answered 429. `None`: no limit.
    pub rate_limit: Option<RateLimit>,
    /// Tokens accepted as `Authorization: Bearer <token>`.
    pub bearer_tokens: Vec<String>,
    /// Absolute URL the API is reached at (no trailing slash), for `Location` headers.
    pub base_url: String,
}

/// The whole app: the generated router over [`Customers`], plus `GET /` for health checks.
pub fn app(options: Options) -> Router {
    server::router(Customers::new(options)).route("/", get(|| async { "ok\n" }))
}

/// Page size when the request gives none (the spec's default for `limit`).
const DEFAULT_LIMIT: i64 = 100;

/// The in-memory implementation of the API.
pub struct Customers {
    options: Options,
    store: Mutex<Store>,
    /// Each credential's budget, when there is a rate limit.
    limiter: Option<Limiter>,
}

/// A budget of requests per period for each credential: a burst of `requests`, refilled
/// evenly over `period`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests per period.
    pub requests: NonZeroU32,
    /// The period.
    pub period: Duration,
}

impl std::str::FromStr for RateLimit {
    type Err = String;

    /// `N` (per minute), `N/s`, `N/min` or `N/h`.
    fn from_str(text: &str) -> Result<Self, String> {
        let (count, unit) = text.trim().split_once('/').unwrap_or((text.trim(), "min"));
        let requests = count.trim().parse().map_err(|_| format!("`{count}` is not a positive number of requests"))?;
        let period = match unit.trim() {
            "s" => Duration::from_secs(1),
            "min" => Duration::from_secs(60),
            "h" => Duration::from_secs(3600),
            other => return Err(format!("`{other}` is not a period: use s, min or h")),
        };
        Ok(RateLimit { requests, period })
    }
}

/// A rate limiter per credential, which reports what is left.
type Limiter = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// Who is calling, once authenticated.
#[derive(Clone, Debug)]
pub struct Caller {
    /// Which accepted credential it is (`key 1`, `token 2`): the rate limit's key, and no secret.
    id: String,
    /// A read-only key.
    read_only: bool,
}

/// `X-RateLimit-Limit` and `X-RateLimit-Remaining` after a request within its budget (`None`
/// without a rate limit).
type Headers = (Option<i64>, Option<i64>);

#[derive(Default)]
struct Store {
    /// In creation order.
    customers: Vec<Customer>,
    /// Payment tokens already turned into instruments: each works once.
    used_tokens: HashSet<String>,
    /// Source of identifiers.
    sequence: u64,
}

impl Customers {
    /// An empty store accepting the credentials in `options`.
    pub fn new(options: Options) -> Self {
        let limiter = options.rate_limit.and_then(|limit| {
            let quota = Quota::with_period(limit.period / limit.requests.get())?.allow_burst(limit.requests);
            Some(RateLimiter::keyed(quota).with_middleware())
        });
        Customers { options, store: Mutex::new(Store::default()), limiter }
    }

    /// Spends one request of `caller`'s budget: the budget's headers, or, over it, the Unix
    /// time (seconds) at which a request may be made again.
    fn spend(&self, caller: &Caller) -> Result<Headers, i64> {
        let Some(limiter) = &self.limiter else { return Ok((None, None)) };
        match limiter.check_key(&caller.id) {
            Ok(state) => Ok((
                Some(i64::from(state.quota().burst_size().get())),
                Some(i64::from(state.remaining_burst_capacity())),
            )),
            Err(not_until) => {
                let wait = not_until.wait_time_from(limiter.clock().now());
                let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
                // Rounded up: a client that waits until then is let through.
                let reset = (now + wait).as_secs() + 1;
                Err(i64::try_from(reset).unwrap_or(i64::MAX))
            }
        }
    }

    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn location(&self, id: &str) -> String {
        format!("{}/customers/{id}", self.options.base_url)
    }
}

impl Api for Customers {
    /// Which credential was accepted, and what it may do.
    type Principal = Caller;

    async fn authenticate(&self, credential: Credential) -> Option<Caller> {
        let o = &self.options;
        let lists: &[(&[String], &str, bool)] = match &credential {
            Credential::SecretApiKey(_) => &[(&o.api_keys, "key", false), (&o.read_only_keys, "read-only key", true)],
            Credential::Jwt(_) => &[(&o.bearer_tokens, "token", false)],
        };
        let (Credential::SecretApiKey(presented) | Credential::Jwt(presented)) = &credential;
        lists.iter().find_map(|(accepted, kind, read_only)| {
            let index = accepted.iter().position(|a| constant_time_eq(a.as_bytes(), presented.as_bytes()))?;
            Some(Caller { id: format!("{kind} {}", index + 1), read_only: *read_only })
        })
    }

    async fn get_customer_collection(
        &self,
        caller: Caller,
        params: GetCustomerCollectionParams,
    ) -> GetCustomerCollectionResponse {
        if let Err(reset) = self.spend(&caller) {
            let body = too_many_requests();
            return GetCustomerCollectionResponse::TooManyRequests(GetCustomerCollectionTooManyRequests {
                body,
                x_rate_limit_retry_after: Some(reset),
            });
        }
        let store = self.store();
        let mut matches: Vec<&Customer> = store
            .customers
            .iter()
            .filter(|c| params.q.as_deref().is_none_or(|q| matches_text(c, q)))
            .filter(|c| params.filter.as_deref().is_none_or(|f| matches_filter(c, f)))
            .collect();
        if let Some(sort) = &params.sort {
            sort_by_fields(&mut matches, sort);
        }
        let total = matches.len() as i64;
        let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
        let offset = params.offset.unwrap_or(0);
        let page = matches
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|c| trimmed(c.clone(), params.fields.as_deref()))
            .collect();
        GetCustomerCollectionResponse::Ok(GetCustomerCollectionOk {
            body: page,
            pagination_total: Some(total),
            pagination_limit: Some(limit),
            pagination_offset: Some(offset),
        })
    }

    async fn post_customer(&self, caller: Caller, body: CustomerRequest) -> PostCustomerResponse {
        let (x_rate_limit_limit, x_rate_limit_remaining) = match self.spend(&caller) {
            Ok(headers) => headers,
            Err(reset) => {
                let body = too_many_requests();
                return PostCustomerResponse::TooManyRequests(PostCustomerTooManyRequests {
                    body,
                    x_rate_limit_retry_after: Some(reset),
                });
            }
        };
        if caller.read_only {
            return PostCustomerResponse::Forbidden(read_only());
        }
        let mut store = self.store();
        if let Some(conflict) = spend_token(&mut store, &body) {
            return PostCustomerResponse::Conflict(conflict);
        }
        let id = next_id(&mut store, "cus");
        let customer = build(&mut store, id.clone(), body, None);
        store.customers.push(customer.clone());
        PostCustomerResponse::Created(PostCustomerCreated {
            body: customer,
            location: Some(self.location(&id)),
            x_rate_limit_limit,
            x_rate_limit_remaining,
        })
    }

    async fn get_customer(&self, caller: Caller, params: GetCustomerParams) -> GetCustomerResponse {
        let (x_rate_limit_limit, x_rate_limit_remaining) = match self.spend(&caller) {
            Ok(headers) => headers,
            Err(reset) => {
                let body = too_many_requests();
                return GetCustomerResponse::TooManyRequests(GetCustomerTooManyRequests {
                    body,
                    x_rate_limit_retry_after: Some(reset),
                });
            }
        };
        let store = self.store();
        match store.customers.iter().find(|c| c.id.as_deref() == Some(&params.id)) {
            Some(customer) => GetCustomerResponse::Ok(GetCustomerOk {
                body: trimmed(customer.clone(), params.fields.as_deref()),
                x_rate_limit_limit,
                x_rate_limit_remaining,
            }),
            None => GetCustomerResponse::NotFound(not_found("Customer")),
        }
    }

    async fn put_customer(
        &self,
        caller: Caller,
        params: PutCustomerParams,
        body: CustomerRequest,
    ) -> PutCustomerResponse {
        let (x_rate_limit_limit, x_rate_limit_remaining) = match self.spend(&caller) {
            Ok(headers) => headers,
            Err(reset) => {
                let body = too_many_requests();
                return PutCustomerResponse::TooManyRequests(PutCustomerTooManyRequests {
                    body,
                    x_rate_limit_retry_after: Some(reset),
                });
            }
        };
        if caller.read_only {
            return PutCustomerResponse::Forbidden(read_only());
        }
        let mut store = self.store();
        if let Some(conflict) = spend_token(&mut store, &body) {
            return PutCustomerResponse::Conflict(conflict);
        }
        let existing = store.customers.iter().position(|c| c.id.as_deref() == Some(&params.id));
        match existing {
            Some(index) => {
                let previous = store.customers[index].clone();
                let customer = build(&mut store, params.id, body, Some(&previous));
                store.customers[index] = customer.clone();
                PutCustomerResponse::Ok(PutCustomerOk { body: customer, x_rate_limit_limit, x_rate_limit_remaining })
            }
            None => {
                let customer = build(&mut store, params.id.clone(), body, None);
                store.customers.push(customer.clone());
                PutCustomerResponse::Created(PutCustomerCreated {
                    body: customer,
                    location: Some(self.location(&params.id)),
                    x_rate_limit_limit,
                    x_rate_limit_remaining,
                })
            }
        }
    }

    async fn delete_customer(&self, caller: Caller, params: DeleteCustomerParams) -> DeleteCustomerResponse {
        let (x_rate_limit_limit, x_rate_limit_remaining) = match self.spend(&caller) {
            Ok(headers) => headers,
            Err(reset) => {
                let body = too_many_requests();
                return DeleteCustomerResponse::TooManyRequests(DeleteCustomerTooManyRequests {
                    body,
                    x_rate_limit_retry_after: Some(reset),
                });
            }
        };
        if caller.read_only {
            return DeleteCustomerResponse::Forbidden(read_only());
        }
        let mut store = self.store();
        let position = |id: &str| store.customers.iter().position(|c| c.id.as_deref() == Some(id));
        let (Some(source), Some(target)) = (position(&params.id), position(&params.target_customer_id)) else {
            return DeleteCustomerResponse::NotFound(not_found("Customer"));
        };
        if source == target {
            return DeleteCustomerResponse::Conflict(problem(
                409,
                "Conflict",
                "A customer cannot be merged into itself.",
            ));
        }
        let merged = store.customers.remove(source);
        let target = if target > source { target - 1 } else { target };
        merge_into(&mut store.customers[target], merged);
        DeleteCustomerResponse::NoContent(DeleteCustomerNoContent { x_rate_limit_limit, x_rate_limit_remaining })
    }
}

/// Compares secrets without leaking, through timing, how much of them matched.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn problem(status: i64, title: &str, detail: &str) -> Problem {
    Problem {
        r#type: Some("about:blank".into()),
        title: Some(title.into()),
        status: Some(status),
        detail: Some(detail.into()),
        instance: None,
    }
}

/// The 403 for a write with a read-only key.
fn read_only() -> Problem {
    problem(403, "Forbidden", "This API key may only read: listing and reading customers.")
}

/// The 429 for a caller over its rate limit.
fn too_many_requests() -> Problem {
    problem(
        429,
        "Rate Limit Exceeded",
        "Too many requests with this credential in the current period; retry after the time in X-RateLimit-Retry-After.",
    )
}

fn not_found(what: &str) -> Problem {
    problem(404, "Not Found", &format!("{what} not found."))
}

/// A payment token works once: a second use is a conflict.
fn spend_token(store: &mut Store, body: &CustomerRequest) -> Option<Problem> {
    let token = body.payment_token.as_ref()?;
    if store.used_tokens.insert(token.clone()) {
        None
    } else {
        Some(problem(409, "Conflict", "The payment token has already been used."))
    }
}

/// A fresh identifier such as `cus_0YV7DDSDD1C8DA64KHH2W33CPF`: a prefix and 26 characters
/// of Crockford's base 32, from the clock and a counter.
fn next_id(store: &mut Store, prefix: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    store.sequence += 1;
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default() as u64;
    // A 128-bit number: the time on top, the counter mixed in below.
    let mut n = (u128::from(nanos) << 64) | u128::from(store.sequence.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut text = [0u8; 26];
    for slot in text.iter_mut().rev() {
        *slot = ALPHABET[(n & 31) as usize];
        n >>= 5;
    }
    format!("{prefix}_{}", String::from_utf8_lossy(&text))
}

/// The customer a request describes, with what the server sets; `previous` is the record an
/// upsert replaces (its identity, creation time and statistics are kept).
fn build(store: &mut Store, id: String, request: CustomerRequest, previous: Option<&Customer>) -> Customer {
    let now = Utc::now();
    let primary_address = match request.primary_address {
        Nullable::Present(address) => Nullable::Present(contact(address)),
        Nullable::Null => Nullable::Null,
        Nullable::Absent => Nullable::Absent,
    };
    let address = primary_address.as_ref();
    let email = address
        .and_then(|a| a.emails.as_ref())
        .and_then(|emails| emails.iter().find(|e| e.primary == Some(true)).or(emails.first()))
        .map(|e| e.value.clone());
    let mut default_payment_instrument = request.default_payment_instrument;
    match request.default_payment_instrument_id {
        Nullable::Present(instrument) => {
            default_payment_instrument = Nullable::Present(DefaultPaymentInstrument {
                method: "payment-card".into(),
                payment_instrument_id: instrument,
            })
        }
        Nullable::Null => default_payment_instrument = Nullable::Null,
        Nullable::Absent => {}
    }
    if request.payment_token.is_some() {
        // The token becomes an instrument, which becomes the default.
        default_payment_instrument = Nullable::Present(DefaultPaymentInstrument {
            method: "payment-card".into(),
            payment_instrument_id: next_id(store, "inst"),
        });
    }
    Customer {
        id: Some(id),
        email: email.into(),
        first_name: address.and_then(|a| a.first_name.as_ref().cloned()).into(),
        last_name: address.and_then(|a| a.last_name.as_ref().cloned()).into(),
        website_id: request.website_id,
        default_payment_instrument,
        created_time: Some(previous.and_then(|p| p.created_time).unwrap_or(now)),
        updated_time: Some(now),
        custom_fields: Some(request.custom_fields.unwrap_or_default()),
        primary_address,
        company: Nullable::Absent,
        average_value: None,
        payment_count: Some(previous.and_then(|p| p.payment_count).unwrap_or(0)),
        last_payment_time: previous.map_or(Nullable::Null, |p| p.last_payment_time),
        lifetime_revenue: None,
        invoice_count: Some(previous.and_then(|p| p.invoice_count).unwrap_or(0)),
        tags: Some(previous.and_then(|p| p.tags.clone()).unwrap_or_default()),
        revision: Some(previous.and_then(|p| p.revision).map_or(1, |r| r + 1)),
        is_edd_required: Some(request.is_edd_required.unwrap_or(false)),
        has_fulfilled_kyc: Some(previous.and_then(|p| p.has_fulfilled_kyc).unwrap_or(false)),
        organization_id: None,
        locale: request.locale,
        tax_numbers: match request.tax_numbers {
            Nullable::Present(numbers) => Nullable::Present(
                numbers
                    .into_iter()
                    .map(|n| TaxNumber {
                        r#type: n.r#type,
                        value: n.value,
                        is_default: n.is_default,
                        is_valid: Nullable::Null,
                    })
                    .collect(),
            ),
            Nullable::Null => Nullable::Null,
            Nullable::Absent => Nullable::Absent,
        },
        embedded: None,
    }
}

/// The stored form of an address: the request's members plus the server's digest.
fn contact(a: ContactObjectRequest) -> ContactObject {
    let mut stored = ContactObject {
        first_name: a.first_name,
        last_name: a.last_name,
        organization: a.organization,
        address: a.address,
        address2: a.address2,
        city: a.city,
        region: a.region,
        country: a.country,
        postal_code: a.postal_code,
        phone_numbers: a.phone_numbers,
        emails: a.emails,
        dob: a.dob,
        job_title: a.job_title,
        hash: None,
    };
    // FNV-1a over the serialized members: equal addresses get equal hashes.
    let text = serde_json::to_string(&stored).unwrap_or_default();
    let digest = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    stored.hash = Some(format!("{digest:016x}"));
    stored
}

/// Folds `source` into `target`: the target keeps what it has and takes what it lacks.
fn merge_into(target: &mut Customer, source: Customer) {
    fn fill<T>(slot: &mut Nullable<T>, from: Nullable<T>) {
        if !matches!(slot, Nullable::Present(_)) && matches!(from, Nullable::Present(_)) {
            *slot = from;
        }
    }
    fill(&mut target.email, source.email);
    fill(&mut target.first_name, source.first_name);
    fill(&mut target.last_name, source.last_name);
    fill(&mut target.primary_address, source.primary_address);
    fill(&mut target.default_payment_instrument, source.default_payment_instrument);
    fill(&mut target.locale, source.locale);
    target.website_id = target.website_id.take().or(source.website_id);
    if let Nullable::Present(numbers) = source.tax_numbers {
        match &mut target.tax_numbers {
            Nullable::Present(mine) => mine.extend(numbers),
            slot => *slot = Nullable::Present(numbers),
        }
    }
    let fields = target.custom_fields.get_or_insert_with(Default::default);
    for (key, value) in source.custom_fields.unwrap_or_default() {
        fields.entry(key).or_insert(value);
    }
    let add = |a: Option<i64>, b: Option<i64>| Some(a.unwrap_or(0).saturating_add(b.unwrap_or(0)));
    target.payment_count = add(target.payment_count, source.payment_count);
    target.invoice_count = add(target.invoice_count, source.invoice_count);
    target.revision = Some(target.revision.unwrap_or(0) + 1);
    target.updated_time = Some(Utc::now());
}

/// The customer with only the `fields` asked for (and `id`, always).
fn trimmed(customer: Customer, fields: Option<&str>) -> Customer {
    let Some(fields) = fields.filter(|f| !f.trim().is_empty()) else { return customer };
    let Ok(Value::Object(all)) = serde_json::to_value(&customer) else { return customer };
    let keep: Vec<&str> = fields.split(',').map(str::trim).chain(["id"]).collect();
    let kept = all.into_iter().filter(|(k, _)| keep.contains(&k.as_str())).collect();
    serde_json::from_value(Value::Object(kept)).unwrap_or(customer)
}

fn field_text(customer: &Customer, field: &str) -> Option<String> {
    let value = serde_json::to_value(customer).ok()?;
    match value.get(field)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// `q`: a case-insensitive match against the text fields.
fn matches_text(customer: &Customer, q: &str) -> bool {
    let q = q.to_lowercase();
    ["id", "email", "firstName", "lastName", "locale", "websiteId"]
        .iter()
        .filter_map(|f| field_text(customer, f))
        .any(|text| text.to_lowercase().contains(&q))
}

/// `filter`: `field:value1,value2;other:value`, every criterion met, any value per field.
fn matches_filter(customer: &Customer, filter: &str) -> bool {
    filter.split(';').filter(|c| !c.trim().is_empty()).all(|criterion| match criterion.split_once(':') {
        Some((field, values)) => {
            let actual = field_text(customer, field.trim());
            values.split(',').any(|v| actual.as_deref() == Some(v.trim()))
        }
        None => true,
    })
}

/// `sort`: fields in priority order, `-` before a field for descending.
fn sort_by_fields(customers: &mut [&Customer], sort: &[String]) {
    customers.sort_by(|a, b| {
        for key in sort {
            let (field, descending) = match key.strip_prefix('-') {
                Some(f) => (f, true),
                None => (key.as_str(), false),
            };
            let order = field_text(a, field).cmp(&field_text(b, field));
            let order = if descending { order.reverse() } else { order };
            if order.is_ne() {
                return order;
            }
        }
        std::cmp::Ordering::Equal
    });
}
