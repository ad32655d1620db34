//! What every generated client shares: the error type, the raw response, the retry policy,
//! the decoding trait the operations' response enums implement, and the encoders the
//! generated methods build requests with (path segments, query strings, headers, JSON and
//! form bodies).
//!
//! The generated `client` module re-exports the public types, so that a caller names them
//! as `client::Error` and the like; the rest is called by the generated methods.

// The error keeps the typed response inline, so that a `match` can reach into it.
#![allow(clippy::result_large_err)]

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::stream::{ByteStream, EventStream};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
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
    /// The wait before retry number `attempt + 1`, or `None` to give up; `asked` is the wait
    /// the server asked for.
    pub fn delay(&self, attempt: u32, asked: Option<Duration>) -> Option<Duration> {
        if attempt >= self.max_retries {
            return None;
        }
        let delay = asked.unwrap_or_else(|| self.initial_backoff.saturating_mul(1 << attempt.min(20)));
        (delay <= self.max_backoff).then_some(delay)
    }
}

/// The standard header that names a retry time.
pub const RETRY_AFTER: &str = "retry-after";

/// How long the headers ask the client to wait before retrying, if they say; `names` are the
/// headers that may say it (`Retry-After` and the API's own), in the order they are read.
pub fn retry_after(headers: &HeaderMap, names: &[&str]) -> Option<Duration> {
    names.iter().find_map(|name| headers.get(*name)?.to_str().ok().and_then(parse_retry_after))
}

/// A retry header's value: a number of seconds, or a Unix time (a number that large
/// cannot be meant as a wait).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse().ok().map(retry_delay)
}

/// The wait that a retry header's number asks for: seconds, or a Unix time in seconds.
pub fn retry_delay(value: u64) -> Duration {
    const UNIX_TIME_FROM: u64 = 1_000_000_000;
    if value < UNIX_TIME_FROM {
        return Duration::from_secs(value);
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Duration::from_secs(value.saturating_sub(now))
}

/// A response enum of a generated crate's `operations` module, as the client reads it off the
/// wire.
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

    /// The headers that may name a retry time, in the order they are read: the standard
    /// `Retry-After`, then the API's own.
    const RETRY_AFTER_HEADERS: &'static [&'static str] = &[RETRY_AFTER];
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
            Error::UnexpectedStatus(raw) | Error::Decode { response: raw, .. } => {
                retry_after(&raw.headers, R::RETRY_AFTER_HEADERS)
            }
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

/// Why no response arrived: the part of [`Error`] that does not depend on the operation, so
/// that what sends requests is compiled once, not once per response type.
#[derive(Debug)]
pub enum Failure {
    /// See [`Error::Transport`].
    Transport(reqwest::Error),
    /// See [`Error::InvalidRequest`].
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
pub fn decode<R: ApiResponse>(raw: RawResponse) -> Result<R, Error<R>> {
    let response = match R::decode(&raw) {
        Ok(Some(response)) => response,
        Ok(None) => return Err(Error::UnexpectedStatus(raw)),
        Err(error) => return Err(Error::Decode { response: raw, error }),
    };
    classify(response)
}

/// Which of the `documented` media types (ranges such as `image/*` allowed) an answer's media
/// type `received` is, the first that fits; an answer without one is the first documented.
/// Parameters (`; charset=utf-8`) and case are ignored.
pub fn pick_media(received: &str, documented: &[&str]) -> Option<usize> {
    let essence = |m: &str| m.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let received = essence(received);
    if received.is_empty() {
        return (!documented.is_empty()).then_some(0);
    }
    let (kind, subtype) = received.split_once('/').unwrap_or((&received, ""));
    documented.iter().position(|d| {
        let d = essence(d);
        match d.split_once('/') {
            Some(("*", "*")) => true,
            Some((k, "*")) => k == kind,
            Some((k, s)) => k == kind && s == subtype,
            None => false,
        }
    })
}

/// Decodes the answer to an operation whose answer may be a stream. When `streams` says the
/// status's body (in the answer's media type, the second argument) is a stream, the response enum is decoded from the status and headers alone
/// and `attach` puts the live body into it, to be read as it arrives; otherwise the body is
/// read whole and decoded as [`decode`] does.
pub async fn decode_streaming<R: ApiResponse>(
    response: reqwest::Response,
    streams: fn(u16, &str) -> bool,
    attach: impl FnOnce(&mut R, reqwest::Response),
) -> Result<R, Error<R>> {
    let media = response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !streams(response.status().as_u16(), media) {
        return decode(RawResponse::read(response).await?);
    }
    let head = RawResponse::head(&response);
    let mut decoded = match R::decode(&head) {
        Ok(Some(decoded)) => decoded,
        Ok(None) => return Err(Error::UnexpectedStatus(head)),
        Err(error) => return Err(Error::Decode { response: head, error }),
    };
    attach(&mut decoded, response);
    classify(decoded)
}

/// `response` as the call's result: `Ok` for a success status, [`Error::Api`] for an error
/// status (what [`decode`] does after decoding).
pub fn classify<R: ApiResponse>(response: R) -> Result<R, Error<R>> {
    if (400..600).contains(&response.status_code()) {
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
    /// The body's `Content-Type` is none of the media types documented for the status.
    MediaType(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Body(error) => write!(f, "body: {error}"),
            DecodeError::MissingHeader(name) => write!(f, "header `{name}` is missing"),
            DecodeError::Header { name, reason } => write!(f, "header `{name}`: {reason}"),
            DecodeError::MediaType(media) => write!(f, "media type `{media}` is not one the API documents here"),
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
    pub async fn read(response: reqwest::Response) -> Result<Self, reqwest::Error> {
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok(RawResponse { status, headers, body })
    }

    /// The media type of the body (its `Content-Type`), or `""` when the answer names none.
    pub fn media_type(&self) -> &str {
        self.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// The status and headers of `response`, its body left unread (and empty here).
    pub fn head(response: &reqwest::Response) -> Self {
        RawResponse { status: response.status(), headers: response.headers().clone(), body: Vec::new() }
    }

    /// The body as a byte stream, with the answer's `Content-Type` and its length.
    pub fn byte_stream(&self) -> ByteStream {
        let stream = ByteStream::from_bytes(self.body.clone());
        match self.headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
            Some(content_type) => stream.with_content_type(content_type),
            None => stream,
        }
    }

    /// The body read as server-sent events, each event's data as `T`.
    pub fn event_stream<T: serde::de::DeserializeOwned + Send + 'static>(&self) -> EventStream<T> {
        EventStream::from_bytes(self.body.clone())
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

    /// The header `name` as a comma-separated list of `T`.
    pub fn header_list<T>(&self, name: &'static str) -> Result<Option<Vec<T>>, DecodeError>
    where
        T: std::str::FromStr,
        T::Err: fmt::Display,
    {
        let Some(text) = self.header::<String>(name)? else { return Ok(None) };
        text.split(',')
            .map(|item| item.trim().parse().map_err(|e| DecodeError::Header { name, reason: format!("`{item}`: {e}") }))
            .collect::<Result<Vec<T>, _>>()
            .map(Some)
    }

    /// The header `name` read as the JSON string it holds (enumerations and the like).
    pub fn header_json<T: serde::de::DeserializeOwned>(&self, name: &'static str) -> Result<Option<T>, DecodeError> {
        let Some(text) = self.header::<String>(name)? else { return Ok(None) };
        serde_json::from_value(serde_json::Value::String(text.clone()))
            .or_else(|_| serde_json::from_str(&text))
            .map(Some)
            .map_err(|e| DecodeError::Header { name, reason: format!("`{text}`: {e}") })
    }
}

/// Sends `request` with `http`; after a 429, waits and sends it again while `retry` allows,
/// for as long as the headers `retry_headers` ask (see [`retry_after`]) or the policy's
/// backoff. Not generic, so it is compiled once for all operations.
pub async fn send(
    http: &reqwest::Client,
    retry: Option<&RetryPolicy>,
    retry_headers: &[&str],
    request: reqwest::Request,
) -> Result<RawResponse, reqwest::Error> {
    RawResponse::read(send_live(http, retry, retry_headers, request).await?).await
}

/// [`send`], leaving the body of the last answer unread (a 429 that is retried is read whole
/// first, so that its connection can be used again).
async fn send_live(
    http: &reqwest::Client,
    retry: Option<&RetryPolicy>,
    retry_headers: &[&str],
    mut request: reqwest::Request,
) -> Result<reqwest::Response, reqwest::Error> {
    let mut attempt = 0;
    loop {
        let again = retry.and_then(|_| request.try_clone());
        let response = http.execute(request).await?;
        if response.status() != StatusCode::TOO_MANY_REQUESTS {
            return Ok(response);
        }
        let asked = retry_after(response.headers(), retry_headers);
        let delay = retry.and_then(|policy| policy.delay(attempt, asked));
        let (Some(delay), Some(again)) = (delay, again) else {
            return Ok(response);
        };
        response.bytes().await?;
        attempt += 1;
        tracing::warn!(attempt, ?delay, "429 Too Many Requests; retrying");
        tokio::time::sleep(delay).await;
        request = again;
    }
}

/// Sends `request` for `operation` (its `operationId`, and the path template `path`) in a
/// `tracing` span `request` that records the status, and reads the whole answer; see
/// [`send`].
pub async fn exchange(
    http: &reqwest::Client,
    retry: Option<&RetryPolicy>,
    retry_headers: &[&str],
    request: reqwest::Request,
    operation: &'static str,
    path: &'static str,
) -> Result<RawResponse, Failure> {
    let response = exchange_streaming(http, retry, retry_headers, request, operation, path).await?;
    Ok(RawResponse::read(response).await?)
}

/// Like [`exchange`] but the answer's body is left unread, for operations whose answer may be
/// a stream.
pub async fn exchange_streaming(
    http: &reqwest::Client,
    retry: Option<&RetryPolicy>,
    retry_headers: &[&str],
    request: reqwest::Request,
    operation: &'static str,
    path: &'static str,
) -> Result<reqwest::Response, Failure> {
    let method = request.method().as_str();
    let span = tracing::info_span!("request", operation, method, path, status = Empty);
    let response = send_live(http, retry, retry_headers, request).instrument(span.clone()).await?;
    span.record("status", response.status().as_u16());
    Ok(response)
}

/// `text` percent-encoded as a path segment or query component: everything but RFC 3986's
/// unreserved characters.
pub fn encode(text: &str) -> percent_encoding::PercentEncode<'_> {
    const RESERVED: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(text, RESERVED)
}

/// The path parameter `name` as an encoded path segment; an empty, `.` or `..` value would
/// name another resource, so it is refused.
pub fn segment(name: &str, value: &str) -> Result<String, InvalidRequest> {
    if matches!(value, "" | "." | "..") {
        return Err(InvalidRequest(format!("path parameter `{name}` cannot be `{value}`")));
    }
    Ok(encode(value).to_string())
}

/// `values` percent-encoded one by one and joined by `separator`.
pub fn join_encoded<T: AsRef<str>>(values: impl IntoIterator<Item = T>, separator: &str) -> String {
    values.into_iter().map(|v| encode(v.as_ref()).to_string()).collect::<Vec<_>>().join(separator)
}

/// A parameter value that is not a plain scalar, as JSON text (strings unquoted).
pub fn json_text<T: serde::Serialize>(value: &T) -> Result<String, InvalidRequest> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => Ok(text),
        Ok(other) => Ok(other.to_string()),
        Err(e) => Err(InvalidRequest(format!("a parameter does not serialize: {e}"))),
    }
}

/// `text` as a header value.
pub fn header_value(text: &str) -> Result<HeaderValue, InvalidRequest> {
    HeaderValue::from_str(text).map_err(|_| InvalidRequest(format!("`{text}` is not a valid header value")))
}

/// A credential as a header value that debug output does not show.
pub fn secret(value: &str) -> Result<HeaderValue, InvalidRequest> {
    let mut value =
        HeaderValue::from_str(value).map_err(|_| InvalidRequest("a credential is not a valid header value".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// The value of `Authorization: Basic` for `user` and `password`.
pub fn basic_credentials(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

/// Puts `body` on `request` as JSON, with the media type `content_type`.
pub fn set_json<T: serde::Serialize>(
    request: &mut reqwest::Request,
    content_type: &'static str,
    body: &T,
) -> Result<(), InvalidRequest> {
    let bytes = serde_json::to_vec(body).map_err(|e| InvalidRequest(format!("the body does not serialize: {e}")))?;
    request.headers_mut().insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    *request.body_mut() = Some(bytes.into());
    Ok(())
}

/// How a form field is written where the spec's `encoding` differs from the default
/// (`style: form`, `explode: true`: a list repeats its key, an object's members become fields
/// of their own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormStyle {
    /// `style: form`; with `explode: false`, a list or object as one comma-separated value.
    Form {
        /// Whether a list repeats its key and an object's members become fields.
        explode: bool,
    },
    /// A list joined with spaces.
    SpaceDelimited,
    /// A list joined with `|`.
    PipeDelimited,
    /// An object as `name[member]=value`.
    DeepObject,
    /// `contentType: application/json`: the value as JSON text.
    Json,
}

/// Puts `body` on `request` as `application/x-www-form-urlencoded`, each member written as
/// `encoding` says (the default for the others).
pub fn set_form<T: serde::Serialize>(
    request: &mut reqwest::Request,
    body: &T,
    encoding: &[(&str, FormStyle)],
) -> Result<(), InvalidRequest> {
    fn text(value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
    fn deep(out: &mut form_urlencoded::Serializer<'_, String>, key: &str, value: &serde_json::Value) {
        match value {
            serde_json::Value::Object(members) => {
                for (name, member) in members {
                    deep(out, &format!("{key}[{name}]"), member);
                }
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    deep(out, &format!("{key}[]"), item);
                }
            }
            serde_json::Value::Null => {}
            scalar => {
                out.append_pair(key, &text(scalar));
            }
        }
    }
    let value = serde_json::to_value(body).map_err(|e| InvalidRequest(format!("the body does not serialize: {e}")))?;
    let serde_json::Value::Object(members) = value else {
        return Err(InvalidRequest("a form body must be an object".into()));
    };
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &members {
        let style = encoding.iter().find(|(n, _)| n == name).map_or(FormStyle::Form { explode: true }, |(_, s)| *s);
        match (style, value) {
            (_, serde_json::Value::Null) => {}
            (FormStyle::Json, value) => {
                out.append_pair(name, &value.to_string());
            }
            (FormStyle::DeepObject, value) => deep(&mut out, name, value),
            (FormStyle::Form { explode: true }, serde_json::Value::Array(items)) => {
                for item in items {
                    out.append_pair(name, &text(item));
                }
            }
            (FormStyle::Form { explode: true }, serde_json::Value::Object(members)) => {
                for (member, item) in members {
                    out.append_pair(member, &text(item));
                }
            }
            (style, serde_json::Value::Array(items)) => {
                let separator = match style {
                    FormStyle::SpaceDelimited => " ",
                    FormStyle::PipeDelimited => "|",
                    _ => ",",
                };
                out.append_pair(name, &items.iter().map(text).collect::<Vec<_>>().join(separator));
            }
            (_, serde_json::Value::Object(members)) => {
                let flat: Vec<String> = members.iter().flat_map(|(k, v)| [k.clone(), text(v)]).collect();
                out.append_pair(name, &flat.join(","));
            }
            (_, scalar) => {
                out.append_pair(name, &text(scalar));
            }
        }
    }
    request
        .headers_mut()
        .insert(reqwest::header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
    *request.body_mut() = Some(out.finish().into());
    Ok(())
}

/// A query string, built parameter by parameter, percent-encoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query(String);

impl Query {
    /// The query string so far, without the `?`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Starts `name=`.
    fn start(&mut self, name: &str) {
        if !self.0.is_empty() {
            self.0.push('&');
        }
        self.0.extend(encode(name));
        self.0.push('=');
    }

    /// `name=value`.
    pub fn push(&mut self, name: &str, value: &str) {
        self.start(name);
        self.0.extend(encode(value));
    }

    /// `name=a&name=b`: an exploded list.
    pub fn push_each<T: AsRef<str>>(&mut self, name: &str, values: impl IntoIterator<Item = T>) {
        for value in values {
            self.push(name, value.as_ref());
        }
    }

    /// `name=a,b`: a list joined by `delimiter` (already encoded).
    pub fn push_joined<T: AsRef<str>>(&mut self, name: &str, values: impl IntoIterator<Item = T>, delimiter: &str) {
        self.start(name);
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.0.push_str(delimiter);
            }
            self.0.extend(encode(value.as_ref()));
        }
    }

    /// An object: `key=value&...` (form, exploded), `name=key,value,...` (form) or
    /// `name[key]=value&...` (deepObject). Values that are not objects go as one value.
    pub fn push_object<T: serde::Serialize>(
        &mut self,
        name: &str,
        value: &T,
        explode: bool,
        deep: bool,
    ) -> Result<(), InvalidRequest> {
        let value = serde_json::to_value(value)
            .map_err(|e| InvalidRequest(format!("query parameter `{name}` does not serialize: {e}")))?;
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let serde_json::Value::Object(members) = value else {
            self.push(name, &text(&value));
            return Ok(());
        };
        if deep {
            for (key, v) in &members {
                self.push(&format!("{name}[{key}]"), &text(v));
            }
        } else if explode {
            for (key, v) in &members {
                self.push(key, &text(v));
            }
        } else {
            let list: Vec<String> = members.iter().flat_map(|(k, v)| [k.clone(), text(v)]).collect();
            self.push(name, &list.join(","));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pairs of a query or form, sorted: members of an object come in the order of
    /// serde_json's map, which depends on its features.
    fn pairs(text: &str) -> Vec<&str> {
        let mut pairs: Vec<&str> = text.split('&').collect();
        pairs.sort_unstable();
        pairs
    }

    #[test]
    fn pick_media_takes_the_first_documented_type_that_fits() {
        let documented = ["application/json", "application/pdf", "image/*", "*/*"];
        assert_eq!(pick_media("application/json; charset=utf-8", &documented), Some(0));
        assert_eq!(pick_media("Application/PDF", &documented), Some(1));
        assert_eq!(pick_media("image/png", &documented), Some(2));
        assert_eq!(pick_media("text/csv", &documented), Some(3));
        assert_eq!(pick_media("text/csv", &documented[..2]), None);
        // No `Content-Type`: the body's own media type.
        assert_eq!(pick_media("", &documented), Some(0));
        assert_eq!(pick_media("", &[]), None);
    }

    #[test]
    fn a_path_segment_is_encoded_and_dot_segments_are_refused() {
        assert_eq!(segment("id", "a b/c").unwrap(), "a%20b%2Fc");
        assert_eq!(segment("id", "caf\u{e9}").unwrap(), "caf%C3%A9");
        for bad in ["", ".", ".."] {
            assert!(segment("id", bad).unwrap_err().0.contains("`id`"));
        }
        assert_eq!(join_encoded(["a,b", "c"], ","), "a%2Cb,c");
    }

    #[test]
    fn a_query_is_built_in_each_style() {
        let mut query = Query::default();
        query.push("q", "a&b=c");
        query.push_each("tag", ["x", "y"]);
        query.push_joined("ids", ["1", "2"], "%7C");
        let members = serde_json::json!({"min": 1, "max": "9"});
        query.push_object("range", &members, false, true).unwrap();
        query.push_object("filter", &members, false, false).unwrap();
        query.push_object("page", &serde_json::json!(3), true, false).unwrap();
        assert!(query.as_str().starts_with("q=a%26b%3Dc&tag=x&tag=y&ids=1%7C2&range%5B"), "{}", query.as_str());
        let filter = query.as_str().split('&').find(|p| p.starts_with("filter=")).unwrap();
        assert!(["filter=min%2C1%2Cmax%2C9", "filter=max%2C9%2Cmin%2C1"].contains(&filter), "{filter}");
        assert_eq!(
            pairs(query.as_str()),
            pairs("q=a%26b%3Dc&tag=x&tag=y&ids=1%7C2&range%5Bmin%5D=1&range%5Bmax%5D=9&filter=x&page=3")
                .into_iter()
                .map(|p| if p == "filter=x" { filter } else { p })
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_form_body_follows_its_encoding() {
        let url = reqwest::Url::parse("http://localhost/").unwrap();
        let mut request = reqwest::Request::new(reqwest::Method::POST, url);
        let body = serde_json::json!({
            "name": "Ada Lovelace",
            "tags": ["a", "b"],
            "piped": ["a", "b"],
            "meta": {"k": "v"},
            "deep": {"k": ["v"]},
            "gone": null,
        });
        let encoding =
            [("piped", FormStyle::PipeDelimited), ("meta", FormStyle::Json), ("deep", FormStyle::DeepObject)];
        set_form(&mut request, &body, &encoding).unwrap();
        assert_eq!(request.headers()["content-type"], "application/x-www-form-urlencoded");
        let sent = request.body().and_then(reqwest::Body::as_bytes).unwrap();
        assert_eq!(
            pairs(std::str::from_utf8(sent).unwrap()),
            pairs("name=Ada+Lovelace&tags=a&tags=b&piped=a%7Cb&meta=%7B%22k%22%3A%22v%22%7D&deep%5Bk%5D%5B%5D=v")
        );
        let not_an_object = set_form(&mut request, &serde_json::json!([1]), &[]);
        assert!(not_an_object.is_err());
    }

    #[test]
    fn retry_headers_are_read_in_order_and_waits_are_bounded() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-retry-after", HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, &[RETRY_AFTER]), None);
        assert_eq!(retry_after(&headers, &[RETRY_AFTER, "x-ratelimit-retry-after"]), Some(Duration::from_secs(7)));
        headers.insert("retry-after", HeaderValue::from_static(" 2 "));
        assert_eq!(retry_after(&headers, &[RETRY_AFTER, "x-ratelimit-retry-after"]), Some(Duration::from_secs(2)));
        // A Unix time in the past asks for no wait.
        assert_eq!(parse_retry_after("1000000000"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);

        let policy = RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(3),
        };
        assert_eq!(policy.delay(0, None), Some(Duration::from_secs(1)));
        assert_eq!(policy.delay(1, None), Some(Duration::from_secs(2)));
        assert_eq!(policy.delay(2, None), None, "no third retry");
        assert_eq!(policy.delay(0, Some(Duration::from_secs(4))), None, "longer than the longest wait");
    }

    #[test]
    fn headers_decode_as_lists_and_json_strings() {
        let mut headers = HeaderMap::new();
        headers.insert("x-ids", HeaderValue::from_static("1, 2,3"));
        headers.insert("x-kind", HeaderValue::from_static("gold"));
        headers.insert("x-bad", HeaderValue::from_static("1,x"));
        let raw = RawResponse { status: StatusCode::OK, headers, body: b"{\"a\":1}".to_vec() };
        assert_eq!(raw.header_list::<u32>("x-ids").unwrap(), Some(vec![1, 2, 3]));
        assert_eq!(raw.header_json::<String>("x-kind").unwrap(), Some("gold".to_string()));
        assert!(matches!(raw.header_list::<u32>("x-bad"), Err(DecodeError::Header { name: "x-bad", .. })));
        assert_eq!(raw.header::<u32>("x-missing").unwrap(), None);
        assert_eq!(raw.json::<serde_json::Value>().unwrap()["a"], 1);
    }

    /// A response enum with a success, a documented error and a status that does not decode.
    #[derive(Debug, PartialEq)]
    enum Answer {
        Ok,
        NotFound,
        Unavailable,
    }

    impl ApiResponse for Answer {
        fn decode(raw: &RawResponse) -> Result<Option<Self>, DecodeError> {
            match raw.status.as_u16() {
                200 => Ok(Some(Answer::Ok)),
                404 => Ok(Some(Answer::NotFound)),
                503 => Ok(Some(Answer::Unavailable)),
                400 => Err(DecodeError::MissingHeader("x-reason")),
                _ => Ok(None),
            }
        }

        fn status_code(&self) -> u16 {
            match self {
                Answer::Ok => 200,
                Answer::NotFound => 404,
                Answer::Unavailable => 503,
            }
        }
    }

    #[test]
    fn classify_and_decode_split_success_from_error_statuses() {
        assert_eq!(classify(Answer::Ok).unwrap(), Answer::Ok);
        assert!(matches!(classify(Answer::NotFound), Err(Error::Api(Answer::NotFound))));
        assert!(matches!(classify(Answer::Unavailable), Err(Error::Api(Answer::Unavailable))));
        let raw = |code: u16| RawResponse {
            status: StatusCode::from_u16(code).unwrap(),
            headers: HeaderMap::new(),
            body: Vec::new(),
        };
        assert_eq!(decode::<Answer>(raw(200)).unwrap(), Answer::Ok);
        assert!(matches!(decode::<Answer>(raw(404)), Err(Error::Api(Answer::NotFound))));
        assert!(matches!(decode::<Answer>(raw(400)), Err(Error::Decode { .. })));
        assert!(matches!(decode::<Answer>(raw(418)), Err(Error::UnexpectedStatus(_))));
    }

    /// A server on a local port that answers the connections it accepts with `answers`, one
    /// each, in order, closing each; what it was sent comes back from the thread.
    fn serve(answers: Vec<String>) -> (String, std::thread::JoinHandle<Vec<String>>) {
        use std::io::{Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let thread = std::thread::spawn(move || {
            let mut requests = Vec::new();
            for answer in answers {
                let (mut socket, _) = listener.accept().unwrap();
                let mut request = Vec::new();
                let mut buffer = [0; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    let n = socket.read(&mut buffer).unwrap();
                    if n == 0 {
                        break;
                    }
                    request.extend_from_slice(&buffer[..n]);
                }
                requests.push(String::from_utf8_lossy(&request).into_owned());
                socket.write_all(answer.as_bytes()).unwrap();
            }
            requests
        });
        (base, thread)
    }

    #[tokio::test]
    async fn exchange_streaming_retries_a_429_and_leaves_the_body_unread() {
        let events = "data: 1\n\ndata: 2\n\n";
        let (base, server) = serve(vec![
            "HTTP/1.1 429 Too Many Requests\r\nretry-after: 0\r\ncontent-length: 4\r\nconnection: close\r\n\r\nslow"
                .to_owned(),
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{events}",
                events.len()
            ),
        ]);
        let http = reqwest::Client::new();
        let request = http.get(format!("{base}/events")).build().unwrap();
        let policy = RetryPolicy::default();
        let response =
            exchange_streaming(&http, Some(&policy), &[RETRY_AFTER], request, "listEvents", "/events").await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let events: Vec<u32> = futures_util::StreamExt::collect::<Vec<_>>(
            super::super::stream::EventStream::<u32>::from_response(response),
        )
        .await
        .into_iter()
        .map(|event| event.unwrap().data)
        .collect();
        assert_eq!(events, [1, 2]);
        let requests = server.join().unwrap();
        assert_eq!(requests.len(), 2);
        assert!(requests.iter().all(|r| r.starts_with("GET /events HTTP/1.1")), "{requests:?}");
    }

    #[tokio::test]
    async fn without_a_policy_the_429_is_the_answer() {
        let (base, server) = serve(vec![
            "HTTP/1.1 429 Too Many Requests\r\nretry-after: 0\r\ncontent-length: 4\r\nconnection: close\r\n\r\nslow"
                .to_owned(),
        ]);
        let http = reqwest::Client::new();
        let request = http.get(format!("{base}/events")).build().unwrap();
        let raw = exchange(&http, None, &[RETRY_AFTER], request, "listEvents", "/events").await.unwrap();
        assert_eq!(raw.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(raw.body, b"slow");
        assert_eq!(server.join().unwrap().len(), 1);
    }

    #[test]
    fn credentials_are_hidden_from_debug_output() {
        assert_eq!(basic_credentials("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        let value = secret("Bearer t0ken").unwrap();
        assert!(value.is_sensitive());
        assert!(secret("line\nbreak").is_err());
    }
}
