//! Multipart bodies: the file part ([`File`]) that generated clients send and generated servers
//! receive, and with the `client` feature the form a generated client builds (`Form`).
//!
//! A client's form is streamed: a file opened from disk (`File::open`) or given as a stream
//! is read as the request goes out, never held whole. A server reads the body it accepted
//! (within its size limit) and hands each file part over as bytes.

use std::fmt;

use bytes::Bytes;

/// A file part of a multipart body: its bytes (in memory, or streamed from disk or any stream
/// on the client side), file name and media type.
///
/// On the server side a file always holds its bytes; [`File::bytes`] is then never `None`.
pub struct File {
    file_name: Option<String>,
    content_type: Option<String>,
    content: Content,
}

/// What a [`File`] holds.
enum Content {
    /// The whole content, in memory.
    Bytes(Bytes),
    /// A body read as it is sent, and its length when known.
    #[cfg(feature = "client")]
    Body { body: reqwest::Body, size: Option<u64> },
}

impl File {
    /// A file of these bytes, without a name or media type.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        File { file_name: None, content_type: None, content: Content::Bytes(bytes.into()) }
    }

    /// The same file, named `name` (the `filename` of its part).
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The same file, of the media type `content_type` (the `Content-Type` of its part).
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file's name, if it has one.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The file's media type, if it has one.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The file's length in bytes, when known (always, for a file in memory).
    pub fn size(&self) -> Option<u64> {
        match &self.content {
            Content::Bytes(bytes) => Some(bytes.len() as u64),
            #[cfg(feature = "client")]
            Content::Body { size, .. } => *size,
        }
    }

    /// The file's bytes; `None` when it is streamed (never for a file a server received).
    pub fn bytes(&self) -> Option<&Bytes> {
        match &self.content {
            Content::Bytes(bytes) => Some(bytes),
            #[cfg(feature = "client")]
            Content::Body { .. } => None,
        }
    }

    /// The file's bytes, taken; `None` when it is streamed (never for a file a server received).
    pub fn into_bytes(self) -> Option<Bytes> {
        match self.content {
            Content::Bytes(bytes) => Some(bytes),
            #[cfg(feature = "client")]
            Content::Body { .. } => None,
        }
    }
}

#[cfg(feature = "client")]
impl File {
    /// The file at `path`, streamed from disk as the request is sent (never read whole), named
    /// by the last component of the path; its size is known when it is a regular file.
    ///
    /// Needs a Tokio runtime, as the client does.
    pub async fn open(path: impl AsRef<std::path::Path>) -> std::io::Result<File> {
        let path = path.as_ref();
        let file = tokio::fs::File::open(path).await?;
        let metadata = file.metadata().await?;
        // A pipe or a device tells no length worth trusting.
        let size = metadata.is_file().then_some(metadata.len());
        // Read in chunks larger than the default 4 KiB: fewer reads for a large file.
        let body = reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024));
        let opened = File::from_body(body, size);
        Ok(match path.file_name() {
            Some(name) => opened.with_file_name(name.to_string_lossy()),
            None => opened,
        })
    }

    /// A file whose bytes come from `stream` as the request is sent; `size` is its length
    /// when known.
    pub fn from_stream<S, E>(stream: S, size: Option<u64>) -> Self
    where
        S: futures_util::Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        File::from_body(reqwest::Body::wrap_stream(stream), size)
    }

    /// A file whose bytes are `body`; `size` is its length when known. A body that is in
    /// memory already is held as bytes (and its own length counts).
    pub fn from_body(body: reqwest::Body, size: Option<u64>) -> Self {
        let content = match body.as_bytes() {
            Some(bytes) => Content::Bytes(Bytes::copy_from_slice(bytes)),
            None => Content::Body { body, size },
        };
        File { file_name: None, content_type: None, content }
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("size", &self.size())
            .finish()
    }
}

/// The media type of a file part that names none (RFC 7578 §4.4).
#[cfg(feature = "client")]
const OCTET_STREAM: &str = "application/octet-stream";

/// A multipart body being built by a generated client: one part per file and per field,
/// written as OpenAPI's `encoding` defaults say (see [`Form::field`]). Files are streamed
/// as the request is sent.
#[cfg(feature = "client")]
pub struct Form {
    inner: reqwest::multipart::Form,
    /// How many parts were added.
    parts: usize,
}

#[cfg(feature = "client")]
impl Default for Form {
    fn default() -> Self {
        Form::new()
    }
}

#[cfg(feature = "client")]
impl fmt::Debug for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Form").field("boundary", &self.inner.boundary()).field("parts", &self.parts).finish()
    }
}

#[cfg(feature = "client")]
impl Form {
    /// An empty form.
    pub fn new() -> Self {
        // Names are written as RFC 7578 and browsers write them (UTF-8, `"` and line breaks
        // escaped, see `part_name`), not percent-encoded as `name*=`, which servers do not read.
        Form { inner: reqwest::multipart::Form::new().percent_encode_noop(), parts: 0 }
    }

    fn part(mut self, name: &'static str, part: reqwest::multipart::Part) -> Self {
        self.inner = self.inner.part(part_name(name), part);
        self.parts += 1;
        self
    }

    /// Adds `file` as the part `name`, with its file name (the part's name when it has none:
    /// many servers take a part for a file only when it has one) and media type
    /// (`application/octet-stream` when it has none).
    pub fn file(self, name: &'static str, file: File) -> Result<Self, super::client::InvalidRequest> {
        use reqwest::multipart::Part;
        let File { file_name, content_type, content } = file;
        let part = match content {
            // A body of bytes knows its length.
            Content::Bytes(bytes) => Part::stream(bytes),
            Content::Body { body, size: Some(size) } => Part::stream_with_length(body, size),
            Content::Body { body, size: None } => Part::stream(body),
        };
        let content_type = content_type.as_deref().unwrap_or(OCTET_STREAM);
        let part = part.file_name(file_name.unwrap_or_else(|| name.to_owned()));
        let part = with_media_type(part, name, content_type)?;
        Ok(self.part(name, part))
    }

    /// Adds each of `files` as a part named `name`, in order.
    pub fn files(
        self,
        name: &'static str,
        files: impl IntoIterator<Item = File>,
    ) -> Result<Self, super::client::InvalidRequest> {
        files.into_iter().try_fold(self, |form, file| form.file(name, file))
    }

    /// Adds `value` as parts named `name`, as OpenAPI's `encoding` defaults write it: nothing
    /// for `null`; a string as text; a number or boolean as its JSON text; an object as JSON
    /// (`application/json`); an array as one part per item, each by these rules. With a
    /// `content_type`, a JSON media type (`application/json`, `*+json`) sends the whole value
    /// (an array too) as one part of JSON; any other is the media type of each part written
    /// as above.
    pub fn field<T: serde::Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
        content_type: Option<&'static str>,
    ) -> Result<Self, super::client::InvalidRequest> {
        let value = serde_json::to_value(value).map_err(|e| {
            super::client::InvalidRequest(format!("the multipart field `{name}` does not serialize: {e}"))
        })?;
        match (content_type, value) {
            (_, serde_json::Value::Null) => Ok(self),
            (Some(json), value) if is_json(json) => {
                let part = with_media_type(reqwest::multipart::Part::text(value.to_string()), name, json)?;
                Ok(self.part(name, part))
            }
            (_, value) => self.value(name, value, content_type),
        }
    }

    /// Adds `value` by [`Form::field`]'s rules for a media type that is not JSON.
    fn value(
        self,
        name: &'static str,
        value: serde_json::Value,
        content_type: Option<&'static str>,
    ) -> Result<Self, super::client::InvalidRequest> {
        use serde_json::Value;
        let (text, default) = match value {
            Value::Null => return Ok(self),
            Value::Array(items) => {
                return items.into_iter().try_fold(self, |form, item| form.value(name, item, content_type));
            }
            Value::String(text) => (text, None),
            Value::Object(_) => (value.to_string(), Some("application/json")),
            Value::Bool(_) | Value::Number(_) => (value.to_string(), None),
        };
        let part = reqwest::multipart::Part::text(text);
        let part = match content_type.or(default) {
            Some(media_type) => with_media_type(part, name, media_type)?,
            None => part,
        };
        Ok(self.part(name, part))
    }

    /// Puts the form on `request` as its body, streamed as it is sent, with the media type
    /// `media_type` (`multipart/form-data`, `multipart/mixed`, ...) and the form's boundary.
    pub fn send_in(self, request: &mut reqwest::Request, media_type: &str) {
        use reqwest::header::{HeaderValue, CONTENT_TYPE};
        let boundary = self.inner.boundary().to_owned();
        let value = HeaderValue::from_str(&format!("{media_type}; boundary={boundary}"))
            .or_else(|_| HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}")));
        if let Ok(value) = value {
            request.headers_mut().insert(CONTENT_TYPE, value);
        }
        let body = if self.parts == 0 {
            // A multipart body holds at least its closing delimiter (RFC 2046 §5.1.1).
            reqwest::Body::from(format!("--{boundary}--\r\n"))
        } else {
            reqwest::Body::wrap_stream(self.inner.into_stream())
        };
        *request.body_mut() = Some(body);
    }
}

/// `name` as a `Content-Disposition` name: `"`, CR and LF percent-encoded, as the HTML
/// standard writes them.
#[cfg(feature = "client")]
fn part_name(name: &'static str) -> std::borrow::Cow<'static, str> {
    if !name.contains(['"', '\r', '\n']) {
        return std::borrow::Cow::Borrowed(name);
    }
    std::borrow::Cow::Owned(name.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A"))
}

#[cfg(feature = "client")]
fn with_media_type(
    part: reqwest::multipart::Part,
    name: &str,
    media_type: &str,
) -> Result<reqwest::multipart::Part, super::client::InvalidRequest> {
    part.mime_str(media_type).map_err(|_| {
        super::client::InvalidRequest(format!(
            "the media type `{media_type}` of the multipart part `{name}` does not parse"
        ))
    })
}

/// Whether `media_type` is JSON: `application/json` or `*+json`, parameters aside.
#[cfg(feature = "client")]
fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().as_bytes();
    essence.eq_ignore_ascii_case(b"application/json")
        || essence.eq_ignore_ascii_case(b"text/json")
        || essence.len() >= 5 && essence[essence.len() - 5..].eq_ignore_ascii_case(b"+json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_in_memory_knows_its_bytes_and_size() {
        let file = File::from_bytes(&b"hello"[..]).with_file_name("a.txt").with_content_type("text/plain");
        assert_eq!((file.file_name(), file.content_type(), file.size()), (Some("a.txt"), Some("text/plain"), Some(5)));
        assert_eq!(file.bytes().map(|b| &b[..]), Some(&b"hello"[..]));
        assert_eq!(
            format!("{file:?}"),
            r#"File { file_name: Some("a.txt"), content_type: Some("text/plain"), size: Some(5) }"#
        );
        assert_eq!(file.into_bytes(), Some(Bytes::from_static(b"hello")));
        let bare = File::from_bytes(Vec::new());
        assert_eq!((bare.file_name(), bare.content_type(), bare.size()), (None, None, Some(0)));
    }

    #[cfg(feature = "client")]
    mod client {
        use std::future::Future;

        use futures_util::StreamExt as _;

        use super::super::*;

        fn run<F: Future>(future: F) -> F::Output {
            // The client's own runtime (`rt` comes with reqwest's Tokio), which `tokio::fs` needs.
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            runtime.block_on(future)
        }

        /// One part as it went out: its headers (lowercase names) and content.
        #[derive(Debug, PartialEq)]
        struct Sent {
            headers: Vec<(String, String)>,
            content: Vec<u8>,
        }

        impl Sent {
            fn header(&self, name: &str) -> Option<&str> {
                self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
            }

            fn text(&self) -> &str {
                std::str::from_utf8(&self.content).expect("text")
            }
        }

        /// The parts of `form`, read off its stream and split at its boundary.
        fn sent(form: Form) -> Vec<Sent> {
            let boundary = form.inner.boundary().to_owned();
            let chunks: Vec<_> = run(form.inner.into_stream().collect());
            let body: Vec<u8> = chunks.into_iter().flat_map(|chunk| chunk.expect("a chunk").to_vec()).collect();
            split(&body, &boundary)
        }

        fn split(body: &[u8], boundary: &str) -> Vec<Sent> {
            let delimiter = format!("--{boundary}");
            let closing = format!("{delimiter}--\r\n");
            assert!(body.ends_with(closing.as_bytes()), "{}", String::from_utf8_lossy(body));
            let body = &body[..body.len() - closing.len()];
            let mut parts = Vec::new();
            let mut rest = body;
            while !rest.is_empty() {
                let start = format!("{delimiter}\r\n");
                assert!(rest.starts_with(start.as_bytes()));
                rest = &rest[start.len()..];
                let end = find(rest, format!("\r\n{delimiter}").as_bytes()).unwrap_or(rest.len() - 2);
                let part = &rest[..end];
                rest = &rest[end + 2..];
                let split = find(part, b"\r\n\r\n").expect("headers end");
                let head = std::str::from_utf8(&part[..split]).expect("headers");
                let headers = head
                    .split("\r\n")
                    .filter_map(|line| line.split_once(": "))
                    .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
                    .collect();
                parts.push(Sent { headers, content: part[split + 4..].to_vec() });
            }
            parts
        }

        fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
            haystack.windows(needle.len()).position(|w| w == needle)
        }

        #[derive(serde::Serialize)]
        struct Meta {
            id: u32,
            tags: Vec<&'static str>,
        }

        fn form() -> Form {
            let chunks = vec![Ok::<_, std::io::Error>(Bytes::from_static(b"str")), Ok(Bytes::from_static(b"eamed"))];
            let streamed = File::from_stream(futures_util::stream::iter(chunks), Some(8)).with_file_name("s.bin");
            let photo = File::from_bytes(&b"\x89PNG"[..]).with_file_name("photo.png").with_content_type("image/png");
            let anonymous = File::from_bytes(&b"x"[..]);
            Form::new()
                .file("photo", photo)
                .and_then(|f| f.files("more", [streamed, anonymous]))
                .and_then(|f| f.field("name", "Zoë", None))
                .and_then(|f| f.field("count", &42, None))
                .and_then(|f| f.field("flag", &true, None))
                .and_then(|f| f.field("meta", &Meta { id: 7, tags: vec!["a"] }, None))
                .and_then(|f| f.field("tags", &["x", "y"], None))
                .and_then(|f| f.field("none", &None::<String>, None))
                .and_then(|f| f.field("list", &[1, 2], Some("application/json")))
                .and_then(|f| f.field("notes", &["a", "b"], Some("text/markdown")))
                .and_then(|f| f.field("null_json", &(), Some("application/problem+json")))
                .expect("a form")
        }

        #[test]
        fn a_form_writes_each_part_as_openapi_encodes_it() {
            let parts = sent(form());
            let disposition: Vec<_> = parts.iter().map(|p| p.header("content-disposition").unwrap_or("")).collect();
            assert_eq!(
                disposition,
                [
                    r#"form-data; name="photo"; filename="photo.png""#,
                    r#"form-data; name="more"; filename="s.bin""#,
                    r#"form-data; name="more"; filename="more""#,
                    r#"form-data; name="name""#,
                    r#"form-data; name="count""#,
                    r#"form-data; name="flag""#,
                    r#"form-data; name="meta""#,
                    r#"form-data; name="tags""#,
                    r#"form-data; name="tags""#,
                    r#"form-data; name="list""#,
                    r#"form-data; name="notes""#,
                    r#"form-data; name="notes""#,
                ]
            );
            let types: Vec<_> = parts.iter().map(|p| p.header("content-type")).collect();
            assert_eq!(
                types,
                [
                    Some("image/png"),
                    Some("application/octet-stream"),
                    Some("application/octet-stream"),
                    None,
                    None,
                    None,
                    Some("application/json"),
                    None,
                    None,
                    Some("application/json"),
                    Some("text/markdown"),
                    Some("text/markdown"),
                ]
            );
            assert_eq!(parts[0].content, b"\x89PNG");
            assert_eq!(parts[1].content, b"streamed");
            assert_eq!(parts[2].content, b"x");
            let texts: Vec<_> = parts[3..].iter().map(Sent::text).collect();
            assert_eq!(texts, ["Zoë", "42", "true", r#"{"id":7,"tags":["a"]}"#, "x", "y", "[1,2]", "a", "b"]);
        }

        #[test]
        fn a_form_is_sent_streamed_with_its_boundary() {
            let url = reqwest::Url::parse("http://localhost/upload").expect("a URL");
            let mut request = reqwest::Request::new(reqwest::Method::POST, url.clone());
            let form = Form::new().field("a", "1", None).expect("a form");
            let boundary = form.inner.boundary().to_owned();
            form.send_in(&mut request, "multipart/mixed");
            let content_type = request.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
            assert_eq!(content_type, Some(format!("multipart/mixed; boundary={boundary}").as_str()));
            assert!(request.body().is_some_and(|body| body.as_bytes().is_none()), "streamed, not buffered");

            // An empty form is still a multipart body: its closing delimiter.
            let mut request = reqwest::Request::new(reqwest::Method::POST, url);
            let form = Form::default();
            let boundary = form.inner.boundary().to_owned();
            form.send_in(&mut request, "multipart/form-data");
            let body = request.body().and_then(reqwest::Body::as_bytes).expect("bytes");
            assert_eq!(body, format!("--{boundary}--\r\n").as_bytes());
        }

        #[test]
        fn what_cannot_be_sent_is_an_invalid_request_naming_the_part() {
            let file = File::from_bytes(&b"x"[..]).with_content_type("not a type");
            let error = Form::new().file("doc", file).expect_err("a bad media type");
            assert!(error.0.contains("`doc`") && error.0.contains("`not a type`"), "{error}");
            let error = Form::new().field("n", &1, Some("nope")).expect_err("a bad media type");
            assert!(error.0.contains("`n`"), "{error}");
            let map = std::collections::HashMap::from([((1, 2), 3)]);
            let error = Form::new().field("map", &map, None).expect_err("keys JSON cannot hold");
            assert!(error.0.contains("`map`"), "{error}");
            // A name that would break its header is escaped.
            let parts = sent(Form::new().field("a\"b", "v", None).expect("a form"));
            assert_eq!(parts[0].header("content-disposition"), Some(r#"form-data; name="a%22b""#));
        }

        #[test]
        fn a_file_opened_from_disk_is_streamed_with_its_name_and_size() {
            let dir = std::env::temp_dir().join(format!("openapi-rs-runtime-multipart-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("a directory");
            let path = dir.join("report.csv");
            let content = b"a,b\n1,2\n".repeat(10_000);
            std::fs::write(&path, &content).expect("a file");
            let file = run(File::open(&path)).expect("opened");
            assert_eq!((file.file_name(), file.size(), file.content_type()), (Some("report.csv"), Some(80_000), None));
            assert!(file.bytes().is_none(), "streamed, not read whole");
            let parts = sent(Form::new().file("report", file.with_content_type("text/csv")).expect("a form"));
            assert_eq!(
                parts[0].header("content-disposition"),
                Some(r#"form-data; name="report"; filename="report.csv""#)
            );
            assert_eq!(parts[0].header("content-type"), Some("text/csv"));
            assert!(parts[0].content == content);
            assert!(run(File::open(dir.join("missing"))).is_err());
            let _ = std::fs::remove_dir_all(&dir);
        }

        /// What a generated server reads from what a generated client sends.
        #[cfg(feature = "server")]
        #[test]
        fn a_form_sent_is_read_back_by_a_server() {
            use super::super::super::server::{ErrorMedia, IntFormat, Media, Operation, Property, RequestBody, Schema};
            static META: Schema = Schema::object(&[Property::required("id", Schema::integer(IntFormat::U32))]);
            static UPLOAD: Schema = Schema::object(&[
                Property::required("photo", Schema::string()),
                Property::optional("more", Schema::array(&Schema::string())),
                Property::required("name", Schema::string()),
                Property::required("count", Schema::integer(IntFormat::I64)),
                Property::required("flag", Schema::boolean()),
                Property::required("meta", Schema::reference(&META)),
                Property::required("tags", Schema::array(&Schema::string())),
                Property::optional("none", Schema::string()),
                Property::required("list", Schema::array(&Schema::integer(IntFormat::I64))),
                Property::required("notes", Schema::array(&Schema::string())),
            ]);
            static OPERATION: Operation = Operation {
                params: &[],
                body: Some(
                    RequestBody::required(Schema::reference(&UPLOAD)).media(Media::Multipart).files(&["photo", "more"]),
                ),
                errors: ErrorMedia { unauthorized: None, not_found: None, unprocessable: None, bad_request: None },
            };
            let url = reqwest::Url::parse("http://localhost/upload").expect("a URL");
            let mut request = reqwest::Request::new(reqwest::Method::POST, url);
            form().send_in(&mut request, "multipart/form-data");
            let mut sent = axum::http::Request::builder().method("POST").uri("/upload");
            for (name, value) in request.headers() {
                sent = sent.header(name, value);
            }
            let body = axum::body::Body::new(request.body_mut().take().expect("a body"));
            let (parts, body) = sent.body(body).expect("a request").into_parts();
            let mut input = match run(OPERATION.extract(parts, body, 1 << 20)) {
                Ok(input) => input,
                Err(_) => panic!("the form was refused"),
            };
            let value: serde_json::Value = input.body().ok().expect("a body");
            let expected = serde_json::json!({
                "photo": "", "more": ["", ""], "name": "Zoë", "count": 42, "flag": true, "meta": {"id": 7, "tags": ["a"]},
                "tags": ["x", "y"], "list": [1, 2], "notes": ["a", "b"],
            });
            assert_eq!(value, expected);
            let photo = input.file("photo").ok().expect("the photo");
            assert_eq!((photo.file_name(), photo.content_type()), (Some("photo.png"), Some("image/png")));
            assert_eq!(photo.into_bytes(), Some(Bytes::from_static(b"\x89PNG")));
            let more: Vec<_> = input
                .file_list("more")
                .into_iter()
                .map(|f| (f.file_name().map(str::to_owned), f.into_bytes()))
                .collect();
            assert_eq!(
                more,
                [
                    (Some("s.bin".to_owned()), Some(Bytes::from_static(b"streamed"))),
                    (Some("more".to_owned()), Some(Bytes::from_static(b"x"))),
                ]
            );
        }

        #[test]
        fn a_body_in_memory_is_held_as_bytes() {
            let file = File::from_body(reqwest::Body::from("abc"), None);
            assert_eq!((file.size(), file.bytes().map(|b| &b[..])), (Some(3), Some(&b"abc"[..])));
            let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"ab"))]);
            let streamed = File::from_stream(chunks, None);
            assert_eq!((streamed.size(), streamed.bytes().is_none()), (None, true));
            assert_eq!(format!("{streamed:?}"), "File { file_name: None, content_type: None, size: None }");
        }
    }
}
