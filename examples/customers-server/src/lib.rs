//! A Customers API service: the generated [`customers_api::server::Api`] trait implemented
//! by hand on a database, to show what an implementation looks like and to give the
//! generated router a real server to be tested against.
//!
//! Customers are kept in SQLite or PostgreSQL ([`store`]); every write is one transaction.
//! Credentials are whatever the operator passes at start-up ([`Options`]); nothing secret is
//! compiled in. A read-only key may list and read but not write (403), a write-only key the
//! other way round, and each credential
//! may have a rate limit (429, with the time it resets; its budget in the headers of the
//! answers that document them). A failure of the database is answered 500 by the generated
//! router, and logged.

pub mod customer;
pub mod store;

use std::num::NonZeroU32;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::{HeaderName, Request, StatusCode};
use axum::routing::get;
use axum::Router;
use customers_api::models::{Customer, CustomerRequest, Problem};
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
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::store::{Conflict, Merged, Store, Upserted};

/// What the server accepts, and where it says it lives.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Secret API keys accepted in the `REB-APIKEY` header.
    pub api_keys: Vec<String>,
    /// Secret API keys accepted for reading only: a write with one is answered 403.
    pub read_only_keys: Vec<String>,
    /// Secret API keys accepted for writing only (a sign-up form's backend, say): listing or
    /// reading with one is answered 403.
    pub write_only_keys: Vec<String>,
    /// Requests each credential may make per period; more are answered 429. `None`: no limit.
    pub rate_limit: Option<RateLimit>,
    /// Tokens accepted as `Authorization: Bearer <token>`.
    pub bearer_tokens: Vec<String>,
    /// Absolute URL the API is reached at (no trailing slash), for `Location` headers.
    pub base_url: String,
    /// Where customers are kept (see [`Store::open`]); `None`: in memory, gone at exit.
    pub database: Option<String>,
}

/// The header that carries a request's identifier: taken from the request when it has one,
/// made otherwise, and sent back with the answer.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole app: the generated router over `customers`, `GET /` and `GET /health` for
/// health checks, and a log line per request (through `tracing`, in a span that holds the
/// request's `x-request-id`).
pub fn app(customers: Customers) -> Router {
    let store = customers.store.clone();
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request<_>| {
            let id = request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok());
            tracing::info_span!("request", id = id.unwrap_or(""), method = %request.method(), path = request.uri().path())
        })
        .on_request(())
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO));
    let health = Router::new().route("/health", get(health)).with_state(store);
    server::router(customers)
        .route("/", get(|| async { "ok\n" }))
        .merge(health)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// `GET /health`: 200 when the database answers, 503 when it does not.
async fn health(State(store): State<Store>) -> (StatusCode, &'static str) {
    match store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(e) => {
            tracing::error!(error = %e, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "the database does not answer\n")
        }
    }
}

/// Page size when the request gives none (the spec's default for `limit`).
const DEFAULT_LIMIT: i64 = 100;

/// The implementation of the API.
pub struct Customers {
    options: Options,
    store: Store,
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
    /// What the credential may do.
    scope: Scope,
}

/// What a credential may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// Everything.
    All,
    /// List and read customers.
    Read,
    /// Create, upsert and merge customers.
    Write,
}

impl Scope {
    fn may_read(self) -> bool {
        self != Scope::Write
    }

    fn may_write(self) -> bool {
        self != Scope::Read
    }
}

/// `X-RateLimit-Limit` and `X-RateLimit-Remaining` after a request within its budget (`None`
/// without a rate limit).
type Headers = (Option<i64>, Option<i64>);

impl Customers {
    /// The API on `store`, accepting the credentials in `options`.
    pub fn new(options: Options, store: Store) -> Self {
        let limiter = options.rate_limit.and_then(|limit| {
            let quota = Quota::with_period(limit.period / limit.requests.get())?.allow_burst(limit.requests);
            Some(RateLimiter::keyed(quota).with_middleware())
        });
        Customers { options, store, limiter }
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The API on the database `options.database` names, its schema brought up to date.
    pub async fn open(options: Options) -> Result<Self, store::Error> {
        let store = Store::open(options.database.as_deref().unwrap_or(":memory:")).await?;
        Ok(Customers::new(options, store))
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

    fn location(&self, id: &str) -> String {
        format!("{}/customers/{id}", self.options.base_url)
    }
}

impl Api for Customers {
    /// Which credential was accepted, and what it may do.
    type Principal = Caller;
    /// The database failed: answered 500, and logged.
    type Error = store::Error;

    async fn authenticate(&self, credential: Credential) -> Option<Caller> {
        let o = &self.options;
        let lists: &[(&[String], &str, Scope)] = match &credential {
            Credential::SecretApiKey(_) => &[
                (&o.api_keys, "key", Scope::All),
                (&o.read_only_keys, "read-only key", Scope::Read),
                (&o.write_only_keys, "write-only key", Scope::Write),
            ],
            Credential::Jwt(_) => &[(&o.bearer_tokens, "token", Scope::All)],
        };
        let (Credential::SecretApiKey(presented) | Credential::Jwt(presented)) = &credential;
        lists.iter().find_map(|(accepted, kind, scope)| {
            let index = accepted.iter().position(|a| constant_time_eq(a.as_bytes(), presented.as_bytes()))?;
            Some(Caller { id: format!("{kind} {}", index + 1), scope: *scope })
        })
    }

    async fn get_customer_collection(
        &self,
        caller: Caller,
        params: GetCustomerCollectionParams,
    ) -> Result<GetCustomerCollectionResponse, store::Error> {
        if let Err(reset) = self.spend(&caller) {
            let body = too_many_requests();
            return Ok(GetCustomerCollectionResponse::TooManyRequests(GetCustomerCollectionTooManyRequests {
                body,
                x_rate_limit_retry_after: Some(reset),
            }));
        }
        if !caller.scope.may_read() {
            return Ok(GetCustomerCollectionResponse::Forbidden(write_only()));
        }
        let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
        let offset = params.offset.unwrap_or(0);
        let (total, page) = match (&params.q, &params.filter, &params.sort) {
            // The plain list is paged by the database.
            (None, None, None) => self.store.page(limit, offset).await?,
            // Searching, filtering and sorting by any field read every customer.
            _ => {
                let all = self.store.all().await?;
                let mut matches: Vec<&Customer> = all
                    .iter()
                    .filter(|c| params.q.as_deref().is_none_or(|q| customer::matches_text(c, q)))
                    .filter(|c| params.filter.as_deref().is_none_or(|f| customer::matches_filter(c, f)))
                    .collect();
                if let Some(sort) = &params.sort {
                    customer::sort_by_fields(&mut matches, sort);
                }
                let total = matches.len() as i64;
                let skip = usize::try_from(offset).unwrap_or(usize::MAX);
                let take = usize::try_from(limit).unwrap_or(usize::MAX);
                (total, matches.into_iter().skip(skip).take(take).cloned().collect())
            }
        };
        let page = page.into_iter().map(|c| customer::trimmed(c, params.fields.as_deref())).collect();
        Ok(GetCustomerCollectionResponse::Ok(GetCustomerCollectionOk {
            body: page,
            pagination_total: Some(total),
            pagination_limit: Some(limit),
            pagination_offset: Some(offset),
        }))
    }

    async fn post_customer(&self, caller: Caller, body: CustomerRequest) -> Result<PostCustomerResponse, store::Error> {
        let (x_rate_limit_limit, x_rate_limit_remaining) = match self.spend(&caller) {
            Ok(headers) => headers,
            Err(reset) => {
                let body = too_many_requests();
                return Ok(PostCustomerResponse::TooManyRequests(PostCustomerTooManyRequests {
                    body,
                    x_rate_limit_retry_after: Some(reset),
                }));
            }
        };
        if !caller.scope.may_write() {
            return Ok(PostCustomerResponse::Forbidden(read_only()));
        }
        Ok(match self.store.create(&body).await? {
            Ok(customer) => PostCustomerResponse::Created(PostCustomerCreated {
                location: customer.id.as_deref().map(|id| self.location(id)),
                body: customer,
                x_rate_limit_limit,
                x_rate_limit_remaining,
            }),
            Err(Conflict(reason)) => PostCustomerResponse::Conflict(problem(409, "Conflict", reason)),
        })
    }

    async fn get_customer(
        &self,
        caller: Caller,
        params: GetCustomerParams,
    ) -> Result<GetCustomerResponse, store::Error> {
        let (x_rate_limit_limit, x_rate_limit_remaining) = match self.spend(&caller) {
            Ok(headers) => headers,
            Err(reset) => {
                let body = too_many_requests();
                return Ok(GetCustomerResponse::TooManyRequests(GetCustomerTooManyRequests {
                    body,
                    x_rate_limit_retry_after: Some(reset),
                }));
            }
        };
        if !caller.scope.may_read() {
            return Ok(GetCustomerResponse::Forbidden(write_only()));
        }
        Ok(match self.store.get(&params.id).await? {
            Some(customer) => GetCustomerResponse::Ok(GetCustomerOk {
                body: customer::trimmed(customer, params.fields.as_deref()),
                x_rate_limit_limit,
                x_rate_limit_remaining,
            }),
            None => GetCustomerResponse::NotFound(not_found("Customer")),
        })
    }

    async fn put_customer(
        &self,
        caller: Caller,
        params: PutCustomerParams,
        body: CustomerRequest,
    ) -> Result<PutCustomerResponse, store::Error> {
        let (x_rate_limit_limit, x_rate_limit_remaining) = match self.spend(&caller) {
            Ok(headers) => headers,
            Err(reset) => {
                let body = too_many_requests();
                return Ok(PutCustomerResponse::TooManyRequests(PutCustomerTooManyRequests {
                    body,
                    x_rate_limit_retry_after: Some(reset),
                }));
            }
        };
        if !caller.scope.may_write() {
            return Ok(PutCustomerResponse::Forbidden(read_only()));
        }
        Ok(match self.store.upsert(&params.id, &body).await? {
            Ok(Upserted { customer, created: false }) => {
                PutCustomerResponse::Ok(PutCustomerOk { body: customer, x_rate_limit_limit, x_rate_limit_remaining })
            }
            Ok(Upserted { customer, created: true }) => PutCustomerResponse::Created(PutCustomerCreated {
                body: customer,
                location: Some(self.location(&params.id)),
                x_rate_limit_limit,
                x_rate_limit_remaining,
            }),
            Err(Conflict(reason)) => PutCustomerResponse::Conflict(problem(409, "Conflict", reason)),
        })
    }

    async fn delete_customer(
        &self,
        caller: Caller,
        params: DeleteCustomerParams,
    ) -> Result<DeleteCustomerResponse, store::Error> {
        let (x_rate_limit_limit, x_rate_limit_remaining) = match self.spend(&caller) {
            Ok(headers) => headers,
            Err(reset) => {
                let body = too_many_requests();
                return Ok(DeleteCustomerResponse::TooManyRequests(DeleteCustomerTooManyRequests {
                    body,
                    x_rate_limit_retry_after: Some(reset),
                }));
            }
        };
        if !caller.scope.may_write() {
            return Ok(DeleteCustomerResponse::Forbidden(read_only()));
        }
        Ok(match self.store.merge(&params.id, &params.target_customer_id).await? {
            Merged::Done => DeleteCustomerResponse::NoContent(DeleteCustomerNoContent {
                x_rate_limit_limit,
                x_rate_limit_remaining,
            }),
            Merged::NotFound => DeleteCustomerResponse::NotFound(not_found("Customer")),
            Merged::IntoItself => {
                DeleteCustomerResponse::Conflict(problem(409, "Conflict", "A customer cannot be merged into itself."))
            }
        })
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

/// The 403 for a read with a write-only key.
fn write_only() -> Problem {
    problem(403, "Forbidden", "This API key may only write: creating, upserting and merging customers.")
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
