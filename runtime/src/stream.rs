//! Bodies read or written as streams: [`ByteStream`], a body of any media type as byte
//! chunks, and [`EventStream`], a `text/event-stream` body as typed [`Event`]s; neither is
//! held in memory whole unless asked to ([`ByteStream::collect`]).
//!
//! A client reads them off a response lazily (`from_response`); a server handler returns them
//! and the server writes them chunk by chunk, event by event (`respond`).

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{self, Stream, StreamExt as _};

/// Any error, boxed.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why reading a stream failed: the transport, or one event's data that is not of the event
/// type.
///
/// A transport error ends the stream; an event whose data does not decode is reported
/// ([`is_decode`](Self::is_decode)) and the stream goes on with the next event.
#[derive(Debug)]
pub struct StreamError {
    kind: ErrorKind,
}

/// What failed.
#[derive(Debug)]
enum ErrorKind {
    /// Reading or writing the bytes: `context` says which.
    Transport { context: &'static str, error: BoxError },
    /// One event's data, which is not of the event type.
    #[cfg_attr(not(feature = "client"), allow(dead_code))]
    Decode { data: String, error: serde_json::Error },
    /// One event's data, which does not serialize.
    #[cfg_attr(not(feature = "server"), allow(dead_code))]
    Encode(serde_json::Error),
}

impl StreamError {
    /// A transport error; a boxed `StreamError` is unboxed, not wrapped.
    fn transport(context: &'static str, error: BoxError) -> Self {
        match error.downcast::<StreamError>() {
            Ok(error) => *error,
            Err(error) => StreamError { kind: ErrorKind::Transport { context, error } },
        }
    }

    /// Whether one event's data did not decode into the event type (the stream goes on).
    pub fn is_decode(&self) -> bool {
        matches!(self.kind, ErrorKind::Decode { .. })
    }

    /// The raw data of an event that did not decode.
    pub fn data(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Decode { data, .. } => Some(data),
            _ => None,
        }
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Transport { context, error } => write!(f, "{context}: {error}"),
            ErrorKind::Decode { error, .. } => write!(f, "an event's data does not decode: {error}"),
            ErrorKind::Encode(error) => write!(f, "an event's data does not serialize: {error}"),
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Transport { error, .. } => Some(&**error),
            ErrorKind::Decode { error, .. } | ErrorKind::Encode(error) => Some(error),
        }
    }
}

/// A body read or written as a stream of byte chunks, with its media type and length when
/// known.
pub struct ByteStream {
    content_type: Option<String>,
    content_length: Option<u64>,
    inner: Pin<Box<dyn Stream<Item = Result<Bytes, StreamError>> + Send>>,
}

/// An empty body.
impl Default for ByteStream {
    fn default() -> Self {
        ByteStream::from_bytes(Bytes::new())
    }
}

impl ByteStream {
    /// A body already in memory; its length is known.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        let length = bytes.len() as u64;
        let chunk = (!bytes.is_empty()).then_some(Ok(bytes));
        ByteStream { content_type: None, content_length: Some(length), inner: Box::pin(stream::iter(chunk)) }
    }

    /// A body made of the chunks of `stream`, read as they come; an error ends the body.
    pub fn from_stream<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        let inner = stream.map(|chunk| chunk.map_err(|e| StreamError::transport("the stream failed", e.into())));
        ByteStream { content_type: None, content_length: None, inner: Box::pin(inner) }
    }

    /// The body with the media type `content_type`.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The body with its length in bytes, `length`, known in advance.
    pub fn with_content_length(mut self, length: u64) -> Self {
        self.content_length = Some(length);
        self
    }

    /// The media type, when known.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The length in bytes, when known in advance.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// Reads the whole body into memory.
    pub async fn collect(mut self) -> Result<Bytes, StreamError> {
        let Some(first) = self.inner.next().await.transpose()? else { return Ok(Bytes::new()) };
        let Some(second) = self.inner.next().await.transpose()? else { return Ok(first) };
        let mut body = Vec::with_capacity(first.len() + second.len());
        body.extend_from_slice(&first);
        body.extend_from_slice(&second);
        while let Some(chunk) = self.inner.next().await {
            body.extend_from_slice(&chunk?);
        }
        Ok(body.into())
    }

    /// Writes the body to the file at `path` (created, or truncated), chunk by chunk; the
    /// number of bytes written.
    #[cfg(feature = "client")]
    pub async fn write_to(mut self, path: impl AsRef<std::path::Path>) -> Result<u64, StreamError> {
        use tokio::io::AsyncWrite;

        const CONTEXT: &str = "the file could not be written";
        let io = |error: std::io::Error| StreamError::transport(CONTEXT, Box::new(error));
        let mut file = tokio::fs::File::create(path.as_ref()).await.map_err(io)?;
        let mut written = 0u64;
        while let Some(chunk) = self.inner.next().await {
            let chunk = chunk?;
            let mut rest = &chunk[..];
            while !rest.is_empty() {
                let n = std::future::poll_fn(|cx| Pin::new(&mut file).poll_write(cx, rest)).await.map_err(io)?;
                if n == 0 {
                    return Err(io(std::io::ErrorKind::WriteZero.into()));
                }
                rest = rest.get(n..).unwrap_or_default();
            }
            written += chunk.len() as u64;
        }
        std::future::poll_fn(|cx| Pin::new(&mut file).poll_flush(cx)).await.map_err(io)?;
        Ok(written)
    }

    /// The body of `response`, read lazily as it arrives; its media type and length are the
    /// response's.
    #[cfg(feature = "client")]
    pub fn from_response(response: reqwest::Response) -> Self {
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let content_length = response.content_length();
        let inner = response
            .bytes_stream()
            .map(|chunk| chunk.map_err(|e| StreamError::transport("the stream failed", Box::new(e))));
        ByteStream { content_type, content_length, inner: Box::pin(inner) }
    }

    /// A response with status `status` whose body is this stream, written as it is read;
    /// `Content-Type` is the stream's own media type if set, else `content_type`, and
    /// `Content-Length` is set when the length is known.
    #[cfg(feature = "server")]
    pub fn respond(self, status: u16, content_type: &'static str) -> axum::response::Response {
        use axum::http::{header, HeaderValue};

        let media = self
            .content_type
            .as_deref()
            .and_then(|own| HeaderValue::from_str(own).ok())
            .or_else(|| HeaderValue::from_str(content_type).ok());
        let mut response = axum::response::Response::new(axum::body::Body::from_stream(self.inner));
        *response.status_mut() = status_code(status);
        if let Some(media) = media {
            response.headers_mut().insert(header::CONTENT_TYPE, media);
        }
        if let Some(length) = self.content_length {
            response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        response
    }
}

/// A request body sent as the stream is read (chunked: its length is not sent).
#[cfg(feature = "client")]
impl From<ByteStream> for reqwest::Body {
    fn from(stream: ByteStream) -> Self {
        reqwest::Body::wrap_stream(stream.inner)
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("content_type", &self.content_type)
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}

/// One server-sent event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event<T> {
    /// The data, of the type the API documents for the stream's events.
    pub data: T,
    /// The event type (`event:`); `None` for the default type, `message`.
    pub event: Option<String>,
    /// The event ID (`id:`). Read by a client, the last ID the stream set, as SSE carries it
    /// over to the events after it.
    pub id: Option<String>,
    /// How long a client should wait before reconnecting (`retry:`).
    pub retry: Option<Duration>,
}

impl<T> Event<T> {
    /// An event with `data` only.
    pub fn new(data: T) -> Self {
        Event { data, event: None, id: None, retry: None }
    }

    /// The event with the type `name`.
    pub fn with_event(mut self, name: impl Into<String>) -> Self {
        self.event = Some(name.into());
        self
    }

    /// The event with the ID `id`.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The event asking a client to wait `retry` before reconnecting.
    pub fn with_retry(mut self, retry: Duration) -> Self {
        self.retry = Some(retry);
        self
    }
}

/// A `text/event-stream` body: typed events, read or written one at a time, never buffered
/// whole.
pub struct EventStream<T> {
    inner: Pin<Box<dyn Stream<Item = Result<Event<T>, StreamError>> + Send>>,
}

impl<T: Send + 'static> EventStream<T> {
    /// The events of `events`, taken as they come (what a server handler returns).
    pub fn from_stream(events: impl Stream<Item = Event<T>> + Send + 'static) -> Self {
        EventStream { inner: Box::pin(events.map(Ok)) }
    }

    /// The events of `events`, in order.
    pub fn from_events<I>(events: I) -> Self
    where
        I: IntoIterator<Item = Event<T>>,
        I::IntoIter: Send + 'static,
    {
        Self::from_stream(stream::iter(events))
    }
}

#[cfg(feature = "client")]
impl<T: serde::de::DeserializeOwned + Send + 'static> EventStream<T> {
    /// The events of `response`'s body, parsed lazily as it arrives.
    ///
    /// Each event's data is read as JSON of type `T`, else as a JSON string holding the text
    /// (so a `String` takes plain text). An event whose data is neither comes as an `Err`
    /// ([`StreamError::is_decode`]), and the stream goes on; an event with no data and no type
    /// (a keep-alive) is skipped; a transport error ends the stream.
    pub fn from_response(response: reqwest::Response) -> Self {
        Self::parse(response.bytes_stream())
    }

    /// The events of a body already read whole; see [`from_response`](Self::from_response).
    pub fn from_bytes(body: impl Into<Bytes>) -> Self {
        Self::parse(stream::iter([Ok::<Bytes, std::convert::Infallible>(body.into())]))
    }

    /// The events of the body `bytes`.
    fn parse<S, E>(bytes: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: std::error::Error + Send + Sync + 'static,
    {
        use eventsource_stream::{EventStreamError, Eventsource as _};

        let mut carry = Vec::new();
        let text = bytes.map(move |chunk| chunk.map(|chunk| lossy_utf8(&mut carry, &chunk)));
        let events = Box::pin(text.eventsource());
        // After an error the parser is in no state to go on, so the stream ends there.
        let inner = stream::unfold(Some(events), |events| async move {
            let mut events = events?;
            loop {
                match events.next().await? {
                    Ok(event) => match decode_event(event) {
                        Some(item) => return Some((item, Some(events))),
                        None => continue,
                    },
                    Err(EventStreamError::Transport(error)) => {
                        return Some((Err(StreamError::transport("the stream failed", Box::new(error))), None))
                    }
                    Err(error) => {
                        let error = StreamError::transport("the body is not an event stream", error.to_string().into());
                        return Some((Err(error), None));
                    }
                }
            }
        });
        EventStream { inner: Box::pin(inner) }
    }
}

/// `chunk` as text, after the bytes `carry` left by the chunk before: a sequence that is not
/// UTF-8 becomes U+FFFD, and one cut off at the end is left in `carry` for the next chunk.
/// (The parser would otherwise hold bytes that are not UTF-8 forever, and all after them.)
#[cfg(feature = "client")]
fn lossy_utf8(carry: &mut Vec<u8>, chunk: &[u8]) -> String {
    let joined;
    let mut input = if carry.is_empty() {
        chunk
    } else {
        carry.extend_from_slice(chunk);
        joined = std::mem::take(carry);
        &joined[..]
    };
    let mut text = String::with_capacity(input.len());
    loop {
        match std::str::from_utf8(input) {
            Ok(valid) => {
                text.push_str(valid);
                return text;
            }
            Err(error) => {
                let (valid, rest) = input.split_at(error.valid_up_to());
                text.push_str(std::str::from_utf8(valid).unwrap_or_default());
                match error.error_len() {
                    Some(len) => {
                        text.push(char::REPLACEMENT_CHARACTER);
                        input = rest.get(len..).unwrap_or_default();
                    }
                    None => {
                        carry.extend_from_slice(rest);
                        return text;
                    }
                }
            }
        }
    }
}

/// The event `raw` with its data decoded; `None` for a keep-alive.
#[cfg(feature = "client")]
fn decode_event<T: serde::de::DeserializeOwned>(
    raw: eventsource_stream::Event,
) -> Option<Result<Event<T>, StreamError>> {
    // The parser names an event without a type `message`, as SSE says.
    let event = (raw.event != "message" && !raw.event.is_empty()).then_some(raw.event);
    if raw.data.is_empty() && event.is_none() {
        return None;
    }
    let data = match serde_json::from_str::<T>(&raw.data) {
        Ok(data) => data,
        Err(json) => match serde_json::from_value::<T>(serde_json::Value::String(raw.data.clone())) {
            Ok(data) => data,
            Err(text) => {
                // Data that is JSON says what is wrong with it; other data, what is wrong with
                // it as text.
                let error = if json.classify() == serde_json::error::Category::Data { json } else { text };
                return Some(Err(StreamError { kind: ErrorKind::Decode { data: raw.data, error } }));
            }
        },
    };
    let id = (!raw.id.is_empty()).then_some(raw.id);
    Some(Ok(Event { data, event, id, retry: raw.retry }))
}

#[cfg(feature = "server")]
impl<T: serde::Serialize + Send + 'static> EventStream<T> {
    /// A `text/event-stream` response with status `status`, each event written as it comes.
    ///
    /// An event's data is its JSON serialization, except that a string is sent as its text
    /// (with `\r\n` and `\r` as `\n`); an empty string sends no `data` field, and readers skip
    /// such an event. Line breaks are left out of event types, and line breaks and NUL out of
    /// IDs. Data that does not serialize ends the stream.
    pub fn respond(self, status: u16) -> axum::response::Response {
        use axum::response::IntoResponse as _;

        let events = self.inner.map(|item| item.and_then(|event| encode_event(&event)));
        let mut response = axum::response::sse::Sse::new(events).into_response();
        *response.status_mut() = status_code(status);
        response
    }
}

/// `event` as axum writes it; never panics (axum does on line breaks in a type or an ID).
#[cfg(feature = "server")]
fn encode_event<T: serde::Serialize>(event: &Event<T>) -> Result<axum::response::sse::Event, StreamError> {
    let value = serde_json::to_value(&event.data).map_err(|e| StreamError { kind: ErrorKind::Encode(e) })?;
    let text = match value {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    };
    let text = if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text };
    let mut out = axum::response::sse::Event::default().data(text);
    if let Some(name) = event.event.as_deref() {
        let name: String = name.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
        if !name.is_empty() {
            out = out.event(name);
        }
    }
    if let Some(id) = event.id.as_deref() {
        out = out.id(id.chars().filter(|c| !matches!(c, '\r' | '\n' | '\0')).collect::<String>());
    }
    if let Some(retry) = event.retry {
        out = out.retry(retry);
    }
    Ok(out)
}

/// `status` as a status code; one out of range is a server error.
#[cfg(feature = "server")]
fn status_code(status: u16) -> axum::http::StatusCode {
    axum::http::StatusCode::from_u16(status).unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR)
}

impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, StreamError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(parts: &[&'static str]) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
        stream::iter(parts.iter().map(|part| Ok(Bytes::from_static(part.as_bytes()))).collect::<Vec<_>>())
    }

    #[tokio::test]
    async fn a_byte_stream_from_bytes_collects_whole_with_its_length() {
        let body = ByteStream::from_bytes("hello").with_content_type("text/plain");
        assert_eq!(body.content_type(), Some("text/plain"));
        assert_eq!(body.content_length(), Some(5));
        assert!(format!("{body:?}").contains("text/plain"));
        assert_eq!(body.collect().await.unwrap(), "hello");
        let empty = ByteStream::from_bytes(Vec::new());
        assert_eq!(empty.content_length(), Some(0));
        assert_eq!(empty.collect().await.unwrap(), "");
    }

    #[tokio::test]
    async fn a_byte_stream_from_chunks_collects_them_in_order() {
        let body = ByteStream::from_stream(chunks(&["ab", "", "cd", "ef"]));
        assert_eq!((body.content_type(), body.content_length()), (None, None));
        let body = body.with_content_length(6);
        assert_eq!(body.content_length(), Some(6));
        assert_eq!(body.collect().await.unwrap(), "abcdef");
        let single = ByteStream::from_stream(chunks(&["only"]));
        assert_eq!(single.collect().await.unwrap(), "only");
    }

    #[tokio::test]
    async fn an_error_chunk_surfaces_as_an_error() {
        let parts = vec![Ok(Bytes::from_static(b"ab")), Err(std::io::Error::other("connection reset"))];
        let mut body = ByteStream::from_stream(stream::iter(parts));
        assert_eq!(body.next().await.unwrap().unwrap(), "ab");
        let error = body.next().await.unwrap().unwrap_err();
        assert!(!error.is_decode());
        assert_eq!(error.data(), None);
        assert!(error.to_string().contains("connection reset"), "{error}");
        assert!(std::error::Error::source(&error).is_some());

        let parts = vec![Ok(Bytes::from_static(b"ab")), Err(std::io::Error::other("boom"))];
        assert!(ByteStream::from_stream(stream::iter(parts)).collect().await.is_err());
    }

    #[tokio::test]
    async fn a_stream_error_passed_through_from_stream_keeps_its_kind() {
        let inner = StreamError {
            kind: ErrorKind::Decode { data: "x".into(), error: serde_json::from_str::<u8>("x").unwrap_err() },
        };
        let mut body = ByteStream::from_stream(stream::iter([Err::<Bytes, _>(inner)]));
        let error = body.next().await.unwrap().unwrap_err();
        assert!(error.is_decode());
        assert_eq!(error.data(), Some("x"));
    }

    #[cfg(feature = "client")]
    #[tokio::test]
    async fn a_byte_stream_is_written_to_a_file_chunk_by_chunk() {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("openapi-rs-runtime-stream-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("body.bin");
        let written = ByteStream::from_stream(chunks(&["abc", "", "def", "g"])).write_to(&path).await;
        let on_disk = std::fs::read(&path);
        let missing = ByteStream::from_bytes("x").write_to(dir.join("no/such/dir/file")).await;
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(written.unwrap(), 7);
        assert_eq!(on_disk.unwrap(), b"abcdefg");
        let error = missing.unwrap_err();
        assert!(error.to_string().starts_with("the file could not be written"), "{error}");
    }

    #[tokio::test]
    async fn an_event_stream_is_read_lazily() {
        let events = EventStream::from_stream(stream::iter(0u64..).map(Event::new));
        let first: Vec<u64> = events.take(5).map(|event| event.unwrap().data).collect().await;
        assert_eq!(first, [0, 1, 2, 3, 4]);
        let listed = EventStream::from_events(vec![Event::new("a").with_id("1"), Event::new("b")]);
        assert_eq!(format!("{listed:?}"), "EventStream { .. }");
        let listed: Vec<_> = listed.collect().await;
        assert_eq!(listed[0].as_ref().unwrap(), &Event::new("a").with_id("1"));
    }

    #[cfg(feature = "client")]
    mod client {
        use super::*;

        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Item {
            id: u32,
            name: String,
        }

        async fn read<T: serde::de::DeserializeOwned + Send + 'static>(
            body: &str,
        ) -> Vec<Result<Event<T>, StreamError>> {
            EventStream::from_bytes(body.to_owned()).collect().await
        }

        #[tokio::test]
        async fn typed_events_are_parsed_with_their_fields() {
            let body = concat!(
                ": a comment\n",
                "data: {\"id\":1,\"name\":\"a\"}\n\n",
                "event: update\r\nid: 7\r\nretry: 1500\r\ndata: {\"id\":2,\r\ndata: \"name\":\"b\"}\r\n\r\n",
                "data: not json\n\n",
                "data: {\"id\":\"three\"}\n\n",
                "data:\n\n",
                ":keep-alive\n\n",
                "data: {\"id\":4,\"name\":\"d\"}\n\n",
                "data: {\"id\":5,\"name\":\"never dispatched\"}\n",
            );
            let events = read::<Item>(body).await;
            assert_eq!(events.len(), 5, "{events:?}");
            assert_eq!(events[0].as_ref().unwrap(), &Event::new(Item { id: 1, name: "a".into() }));
            assert_eq!(
                events[1].as_ref().unwrap(),
                &Event::new(Item { id: 2, name: "b".into() })
                    .with_event("update")
                    .with_id("7")
                    .with_retry(Duration::from_millis(1500))
            );
            let error = events[2].as_ref().unwrap_err();
            assert!(error.is_decode());
            assert_eq!(error.data(), Some("not json"));
            let error = events[3].as_ref().unwrap_err();
            assert_eq!(error.data(), Some("{\"id\":\"three\"}"));
            assert!(error.to_string().contains("invalid type"), "JSON data says what is wrong with it: {error}");
            // The last event ID carries over, as SSE says.
            assert_eq!(events[4].as_ref().unwrap(), &Event::new(Item { id: 4, name: "d".into() }).with_id("7"));
        }

        #[tokio::test]
        async fn string_events_take_plain_text_and_json_strings() {
            let body =
                "data: hello\n\ndata: two\ndata: lines\n\ndata: \"quoted\"\n\ndata: 42\n\nevent: ping\ndata:\n\n";
            let data: Vec<String> = read::<String>(body).await.into_iter().map(|e| e.unwrap().data).collect();
            assert_eq!(data, ["hello", "two\nlines", "quoted", "42", ""]);
            let values = read::<serde_json::Value>("data: {\"a\":1}\n\ndata: text\n\n").await;
            assert_eq!(values[0].as_ref().unwrap().data, serde_json::json!({"a": 1}));
            assert_eq!(values[1].as_ref().unwrap().data, serde_json::json!("text"));
        }

        #[tokio::test]
        async fn bytes_that_are_not_utf8_are_replaced_and_the_stream_goes_on() {
            let parts = [&b"data: a\xFFb\n\ndata: caf\xC3"[..], b"\xA9\n\n", b"data: next\n\n"];
            let bytes = stream::iter(parts.map(|part| Ok::<_, std::io::Error>(Bytes::from_static(part))));
            let events: Vec<_> = EventStream::<String>::parse(bytes).collect().await;
            let data: Vec<String> = events.into_iter().map(|e| e.unwrap().data).collect();
            assert_eq!(data, ["a\u{FFFD}b", "caf\u{e9}", "next"]);
        }

        #[tokio::test]
        async fn a_transport_error_ends_the_stream() {
            let parts = vec![
                Ok(Bytes::from_static(b"data: 1\n\n")),
                Err(std::io::Error::other("connection reset")),
                Ok(Bytes::from_static(b"data: 2\n\n")),
            ];
            let events: Vec<_> = EventStream::<u32>::parse(stream::iter(parts)).collect().await;
            assert_eq!(events.len(), 2, "{events:?}");
            assert_eq!(events[0].as_ref().unwrap().data, 1);
            let error = events[1].as_ref().unwrap_err();
            assert!(!error.is_decode());
            assert!(error.to_string().contains("connection reset"), "{error}");
        }

        #[test]
        fn utf8_cut_between_chunks_is_carried_over() {
            let mut carry = Vec::new();
            assert_eq!(lossy_utf8(&mut carry, b"ab\xE2\x82"), "ab");
            assert_eq!(carry, b"\xE2\x82");
            assert_eq!(lossy_utf8(&mut carry, b"\xAC!\xC0"), "\u{20AC}!\u{FFFD}");
            assert!(carry.is_empty());
        }
    }

    #[cfg(feature = "server")]
    mod server {
        use super::*;

        async fn body_text(response: axum::response::Response) -> String {
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
            String::from_utf8(bytes.to_vec()).unwrap()
        }

        #[tokio::test]
        async fn an_event_stream_responds_in_the_event_stream_format() {
            let events = EventStream::from_events(vec![
                Event::new(serde_json::json!({"id": 1}))
                    .with_event("update")
                    .with_id("1")
                    .with_retry(Duration::from_millis(1500)),
                Event::new(serde_json::json!("a\r\nb\rc\nd")),
                Event::new(serde_json::json!("")),
                Event::new(serde_json::json!(2)).with_event("up\r\ndate").with_id("x\n\0y\r"),
                Event::new(serde_json::json!(3)).with_event("\n"),
            ]);
            let response = events.respond(201);
            assert_eq!(response.status(), 201);
            assert_eq!(response.headers()["content-type"], "text/event-stream");
            assert_eq!(
                body_text(response).await,
                concat!(
                    "data: {\"id\":1}\nevent: update\nid: 1\nretry: 1500\n\n",
                    "data: a\ndata: b\ndata: c\ndata: d\n\n",
                    "\n",
                    "data: 2\nevent: update\nid: xy\n\n",
                    "data: 3\n\n",
                )
            );
        }

        #[tokio::test]
        async fn an_event_stream_response_is_written_as_it_comes() {
            let events = EventStream::from_stream(stream::iter(0u64..).map(Event::new));
            let mut body = events.respond(200).into_body().into_data_stream();
            for n in 0..3 {
                assert_eq!(body.next().await.unwrap().unwrap(), format!("data: {n}\n\n"));
            }
        }

        #[tokio::test]
        async fn data_that_does_not_serialize_ends_the_response() {
            struct Unserializable;
            impl serde::Serialize for Unserializable {
                fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                    Err(serde::ser::Error::custom("not today"))
                }
            }
            let events = EventStream::from_events(vec![Event::new(Unserializable)]);
            let error = axum::body::to_bytes(events.respond(200).into_body(), usize::MAX).await.unwrap_err();
            assert!(format!("{error:?}").contains("not today"), "{error:?}");
        }

        #[tokio::test]
        async fn a_byte_stream_responds_with_its_media_type_and_length() {
            let response = ByteStream::from_bytes("hello").respond(200, "application/octet-stream");
            assert_eq!(response.status(), 200);
            assert_eq!(response.headers()["content-type"], "application/octet-stream");
            assert_eq!(response.headers()["content-length"], "5");
            assert_eq!(body_text(response).await, "hello");

            let own = ByteStream::from_stream(chunks(&["a", "b"])).with_content_type("image/png");
            let response = own.respond(206, "application/octet-stream");
            assert_eq!(response.status(), 206);
            assert_eq!(response.headers()["content-type"], "image/png");
            assert!(!response.headers().contains_key("content-length"));
            assert_eq!(body_text(response).await, "ab");

            let response = ByteStream::from_bytes("x").respond(1000, "bad\nmedia");
            assert_eq!(response.status(), 500);
            assert!(!response.headers().contains_key("content-type"));
        }
    }
}
