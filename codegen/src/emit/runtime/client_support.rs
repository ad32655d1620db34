//! What every generated client shares: the error type, the raw response, the retry policy
//! and the decoding trait the operations' response enums implement.
//
// `emit/client.rs` splices these items into each generated `client.rs`: the `use` items go
// with the module's imports, the rest after the generated `Client`, and these `//!` lines are
// dropped. Names this file uses but does not define (`RETRY_AFTER_HEADERS`) come from the
// generated part of the module, which also relies on some of these imports. It is compiled in
// every generated crate with the `client` feature, not on its own.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use tracing::field::Empty;
use tracing::Instrument as _;

/// What the client does after `429 Too Many Requests`: wait, then send the request again.
///
/// The wait is the one the server asks for in a retry header when it sends one, else an
/// exponential backoff starting at `initial_backoff`. A wait longer than `max_backoff`
/// is not made: the 429 is returned instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The wait before the first retry when the server names none; doubled for each next one.
    pub initial_backoff: Duration,
    /// The longest wait.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// Three retries, backing off from half a second, waiting at most a minute.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `attempt + 1`, or `None` to give up.
    fn delay(&self, attempt: u32, asked: Option<Duration>) -> Option<Duration> {
        if attempt >= self.max_retries {
            return None;
        }
        let delay = asked.unwrap_or_else(|| self.initial_backoff.saturating_mul(1 << attempt.min(20)));
        (delay <= self.max_backoff).then_some(delay)
    }
}

/// How long the headers ask the client to wait before retrying, if they say; the generated
/// module lists the headers that may say it (`Retry-After` and the API's own).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    RETRY_AFTER_HEADERS.iter().find_map(|name| headers.get(*name)?.to_str().ok().and_then(parse_retry_after))
}

/// A retry header's value: a number of seconds, or a Unix time (a number that large
/// cannot be meant as a wait).
fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse().ok().map(retry_delay)
}

/// The wait that a retry header's number asks for: seconds, or a Unix time in seconds.
fn retry_delay(value: u64) -> Duration {
    const UNIX_TIME_FROM: u64 = 1_000_000_000;
    if value < UNIX_TIME_FROM {
        return Duration::from_secs(value);
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Duration::from_secs(value.saturating_sub(now))
}

/// A response enum of [`crate::operations`], as the client reads it off the wire.
pub trait ApiResponse: Sized + fmt::Debug {
    /// Decodes `raw` into the variant its status selects; `Ok(None)` when the operation
    /// does not document that status.
    fn decode(raw: &RawResponse) -> Result<Option<Self>, DecodeError>;

    /// The HTTP status code.
    fn status_code(&self) -> u16;

    /// How long a documented retry header (a 429's) asks the client to wait, if it does.
    fn retry_after(&self) -> Option<Duration> {
        None
    }
}

/// Why a call did not give a documented success.
///
/// `R` is the operation's response enum: [`Error::Api`] holds the error statuses the operation
/// documents, so a pattern like `Err(Error::Api(GetThingResponse::NotFound(problem)))` reaches
/// the typed body of a 404.
#[derive(Debug)]
pub enum Error<R> {
    /// The server answered with an error status (4XX, 5XX) documented for the operation.
    Api(R),
    /// The server answered with a status the operation does not document.
    UnexpectedStatus(RawResponse),
    /// The status is documented, but the body or a header is not what the API says.
    Decode {
        /// The response as it arrived.
        response: RawResponse,
        /// What did not decode.
        error: DecodeError,
    },
    /// No response arrived: the connection failed, timed out, or was cut off.
    Transport(reqwest::Error),
    /// The request could not be built from the arguments.
    InvalidRequest(InvalidRequest),
}

impl<R: ApiResponse> Error<R> {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(response) => StatusCode::from_u16(response.status_code()).ok(),
            Error::UnexpectedStatus(raw) | Error::Decode { response: raw, .. } => Some(raw.status),
            Error::Transport(error) => error.status(),
            Error::InvalidRequest(_) => None,
        }
    }

    /// How long the server asks the client to wait before retrying, when it says.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(response) => response.retry_after(),
            Error::UnexpectedStatus(raw) | Error::Decode { response: raw, .. } => retry_after(&raw.headers),
            Error::Transport(_) | Error::InvalidRequest(_) => None,
        }
    }

    /// The raw response, for the variants that keep one.
    pub fn raw_response(&self) -> Option<&RawResponse> {
        match self {
            Error::UnexpectedStatus(raw) | Error::Decode { response: raw, .. } => Some(raw),
            _ => None,
        }
    }
}

impl<R: ApiResponse> fmt::Display for Error<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(response) => match StatusCode::from_u16(response.status_code()) {
                Ok(status) => write!(f, "the server answered {status}"),
                Err(_) => write!(f, "the server answered {}", response.status_code()),
            },
            Error::UnexpectedStatus(raw) => {
                write!(f, "the server answered {}, a status this operation does not document", raw.status)
            }
            Error::Decode { response, error } => {
                write!(f, "the {} response does not decode: {error}", response.status)
            }
            Error::Transport(error) => write!(f, "the request failed: {error}"),
            Error::InvalidRequest(error) => error.fmt(f),
        }
    }
}

impl<R: ApiResponse> std::error::Error for Error<R> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { error, .. } => Some(error),
            Error::Transport(error) => Some(error),
            Error::InvalidRequest(error) => Some(error),
            Error::Api(_) | Error::UnexpectedStatus(_) => None,
        }
    }
}

impl<R> From<reqwest::Error> for Error<R> {
    fn from(error: reqwest::Error) -> Self {
        Error::Transport(error)
    }
}

impl<R> From<InvalidRequest> for Error<R> {
    fn from(error: InvalidRequest) -> Self {
        Error::InvalidRequest(error)
    }
}

/// Why no response arrived: the part of [`Error`] that does not depend on the operation.
enum Failure {
    Transport(reqwest::Error),
    InvalidRequest(InvalidRequest),
}

impl From<reqwest::Error> for Failure {
    fn from(error: reqwest::Error) -> Self {
        Failure::Transport(error)
    }
}

impl From<InvalidRequest> for Failure {
    fn from(error: InvalidRequest) -> Self {
        Failure::InvalidRequest(error)
    }
}

impl<R> From<Failure> for Error<R> {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Transport(error) => Error::Transport(error),
            Failure::InvalidRequest(error) => Error::InvalidRequest(error),
        }
    }
}

/// Decodes the answer to an operation into its response enum: `Ok` for a success status,
/// [`Error::Api`] for a documented error status.
fn decode<R: ApiResponse>(raw: RawResponse) -> Result<R, Error<R>> {
    let response = match R::decode(&raw) {
        Ok(Some(response)) => response,
        Ok(None) => return Err(Error::UnexpectedStatus(raw)),
        Err(error) => return Err(Error::Decode { response: raw, error }),
    };
    if raw.status.is_client_error() || raw.status.is_server_error() {
        Err(Error::Api(response))
    } else {
        Ok(response)
    }
}

/// Arguments that cannot make a request: a value a header cannot carry, a path
/// segment that would change the path, a base URL that does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidRequest(pub String);

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid request: {}", self.0)
    }
}

impl std::error::Error for InvalidRequest {}

/// Why a response with a documented status could not be decoded.
#[derive(Debug)]
pub enum DecodeError {
    /// The body is not the JSON the API documents for the status.
    Body(serde_json::Error),
    /// A required header is absent.
    MissingHeader(&'static str),
    /// A header's value is not of its documented type.
    Header {
        /// The header.
        name: &'static str,
        /// What is wrong with the value.
        reason: String,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Body(error) => write!(f, "body: {error}"),
            DecodeError::MissingHeader(name) => write!(f, "header `{name}` is missing"),
            DecodeError::Header { name, reason } => write!(f, "header `{name}`: {reason}"),
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DecodeError::Body(error) => Some(error),
            _ => None,
        }
    }
}

/// A response as it arrived: status, headers and the whole body.
#[derive(Clone, Debug)]
pub struct RawResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// Reads the whole response.
    async fn read(response: reqwest::Response) -> Result<Self, reqwest::Error> {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok(RawResponse { status, headers, body })
    }

    /// The body as text (bytes that are not UTF-8 replaced).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body decoded from JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, DecodeError> {
        serde_json::from_slice(&self.body).map_err(DecodeError::Body)
    }

    /// The header `name` parsed as `T`; `None` when absent.
    pub fn header<T>(&self, name: &'static str) -> Result<Option<T>, DecodeError>
    where
        T: std::str::FromStr,
        T::Err: fmt::Display,
    {
        let Some(value) = self.headers.get(name) else { return Ok(None) };
        let text = value.to_str().map_err(|_| DecodeError::Header { name, reason: "not visible ASCII".into() })?;
        text.trim().parse().map(Some).map_err(|e| DecodeError::Header { name, reason: format!("`{text}`: {e}") })
    }
}
