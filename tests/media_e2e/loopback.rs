//! The media-types fixture's generated client against its generated server, over loopback:
//! a form login (and its 422), a streamed upload, a binary download streamed both ways, text
//! both ways, a typed multipart upload of a 50 MiB file that is never whole in memory (and
//! its 422s), server-sent events read lazily, and one answer in several media types (and the
//! 406 for a request that accepts none).
//!
//! Copied into the generated fixture crate by `tests/media.rs` and run there with
//! `cargo test`; it is not a target of the `tests` package itself.

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt as _;

use fixture_media_types::client::{Client, Error};
use fixture_media_types::models::{ImageLink, ImageTaken, LoginRequest, Report, Tick, UploadAvatarBodyMeta};
use fixture_media_types::operations::*;
use fixture_media_types::runtime::bytes::Bytes;
use fixture_media_types::runtime::{ByteStream, Event, EventStream, File};
use fixture_media_types::server::{self, Api};

/// Bytes of the PDF the server hands out.
const PDF: &[u8] = b"%PDF-1.7\n\x00\x01\x02\xff binary, not UTF-8\n%%EOF";

/// What the server saw of a multipart upload.
#[derive(Debug, Default)]
struct Seen {
    file_name: Option<String>,
    content_type: Option<String>,
    file_len: usize,
    file_sum: u64,
    caption: Option<String>,
    size: i64,
    tags: Option<Vec<String>>,
    meta: Option<UploadAvatarBodyMeta>,
    thumbnails: Vec<(Option<String>, usize)>,
    original: Option<usize>,
}

#[derive(Clone, Default)]
struct Service {
    uploaded: Arc<AtomicUsize>,
    logins: Arc<Mutex<Vec<LoginRequest>>>,
    avatars: Arc<Mutex<Vec<Seen>>>,
}

/// The byte at `offset` of the test's large file: a pattern, so that order is checked too.
fn pattern(offset: usize) -> u8 {
    (offset % 251) as u8
}

/// `len` bytes of [`pattern`] in chunks of `chunk`, made one at a time as they are asked
/// for, and counted in `made`: whoever reads this never has it whole.
fn lazy_chunks(
    len: usize,
    chunk: usize,
    made: Arc<AtomicUsize>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + Sync + 'static {
    futures_util::stream::iter((0..len).step_by(chunk)).map(move |start| {
        made.fetch_add(1, Ordering::SeqCst);
        Ok((start..(start + chunk).min(len)).map(pattern).collect::<Vec<u8>>().into())
    })
}

impl Api for Service {
    type Error = Infallible;

    async fn login(&self, body: LoginRequest) -> Result<LoginResponse, Infallible> {
        let token = format!("token-for-{}", body.username);
        self.logins.lock().expect("not poisoned").push(body);
        Ok(LoginResponse::Ok(fixture_media_types::models::LoginResponse200 { token: Some(token) }))
    }

    async fn upload_file(
        &self,
        _params: UploadFileParams,
        mut body: ByteStream,
    ) -> Result<UploadFileResponse, Infallible> {
        // Read as it arrives, a chunk at a time.
        let mut len = 0;
        while let Some(chunk) = body.next().await {
            match chunk {
                Ok(chunk) => len += chunk.len(),
                Err(_) => return Ok(UploadFileResponse::Created),
            }
        }
        self.uploaded.store(len, Ordering::SeqCst);
        Ok(UploadFileResponse::Created)
    }

    async fn download_file(&self, params: DownloadFileParams) -> Result<DownloadFileResponse, Infallible> {
        Ok(match params.id.as_str() {
            "report" => DownloadFileResponse::Ok(ByteStream::from_bytes(PDF)),
            // 8 MiB made as it is sent.
            "large" => {
                let chunks = lazy_chunks(8 << 20, 64 * 1024, Arc::default());
                DownloadFileResponse::Ok(ByteStream::from_stream(chunks))
            }
            id => DownloadFileResponse::NotFound(format!("no file `{id}`")),
        })
    }

    async fn replace_file(
        &self,
        _params: ReplaceFileParams,
        body: Option<ByteStream>,
    ) -> Result<ReplaceFileResponse, Infallible> {
        let len = match body {
            Some(body) => body.collect().await.map_or(0, |b| b.len()),
            None => 0,
        };
        self.uploaded.store(len, Ordering::SeqCst);
        Ok(ReplaceFileResponse::NoContent)
    }

    async fn post_note(&self, body: String) -> Result<PostNoteResponse, Infallible> {
        Ok(PostNoteResponse::Ok(format!("note\n\"{}\"\n", body.replace('"', "\"\""))))
    }

    async fn stream_events(&self, params: StreamEventsParams) -> Result<StreamEventsResponse, Infallible> {
        // Without a count the stream never ends: only a reader that takes events one at a
        // time can read it.
        let ticks = futures_util::stream::iter(0..).take(params.count.map_or(usize::MAX, |c| c as usize));
        let events = ticks.map(|n| {
            let event = Event::new(Tick { n: n as i64, label: Some(format!("tick {n}")) }).with_id(n.to_string());
            if n % 1000 == 0 { event.with_event("milestone") } else { event }
        });
        Ok(StreamEventsResponse::Ok(EventStream::from_stream(events)))
    }

    async fn tail_log(&self) -> Result<TailLogResponse, Infallible> {
        let lines = ["first line", "second line\nwith a break", "third"].map(|l| Event::new(l.to_string()));
        Ok(TailLogResponse::Ok(TailLogOk { body: EventStream::from_events(lines), x_log_start: Some(7) }))
    }

    async fn upload_avatar(&self, body: UploadAvatarForm) -> Result<UploadAvatarResponse, Infallible> {
        let bytes = body.file.bytes().cloned().unwrap_or_default();
        let seen = Seen {
            file_name: body.file.file_name().map(str::to_owned),
            content_type: body.file.content_type().map(str::to_owned),
            file_len: bytes.len(),
            file_sum: bytes.iter().enumerate().map(|(i, b)| (i as u64 + 1) * u64::from(*b)).sum(),
            caption: body.caption,
            size: body.size,
            tags: body.tags,
            meta: body.meta,
            thumbnails: body.thumbnails.iter().map(|t| (t.file_name().map(str::to_owned), t.size().unwrap_or(0) as usize)).collect(),
            original: body.original.as_ref().and_then(File::size).map(|s| s as usize),
        };
        self.avatars.lock().expect("not poisoned").push(seen);
        Ok(UploadAvatarResponse::Ok(ByteStream::from_bytes(&b"\x89PNG"[..]).with_content_type("image/png")))
    }

    async fn get_report(&self, params: GetReportParams) -> Result<GetReportResponse, Infallible> {
        Ok(match params.id.as_str() {
            "json" => GetReportResponse::Ok(GetReportOkBody::Json(Report { id: "json".into(), pages: Some(3) })),
            "pdf" => GetReportResponse::Ok(GetReportOkBody::Pdf(ByteStream::from_bytes(PDF))),
            "csv" => GetReportResponse::Ok(GetReportOkBody::Csv("id,pages\ncsv,1\n".into())),
            "text-problem" => {
                GetReportResponse::Status4xx { status: 404, body: GetReportStatus4xxBody::Plain("no such report".into()) }
            }
            id => GetReportResponse::Status4xx {
                status: 404,
                body: GetReportStatus4xxBody::ProblemJson(fixture_media_types::models::GetReportResponse4xx {
                    title: Some(format!("no report `{id}`")),
                }),
            },
        })
    }

    async fn post_report(&self, body: Report) -> Result<PostReportResponse, Infallible> {
        Ok(PostReportResponse::Created(body))
    }

    async fn post_image(&self, body: PostImageBody) -> Result<PostImageResponse, Infallible> {
        let taken = |via: &str, size: usize, prompt: Option<String>, content_type: Option<&str>| ImageTaken {
            via: via.into(),
            size: size as i64,
            prompt,
            content_type: content_type.map(str::to_owned),
        };
        Ok(PostImageResponse::Created(match body {
            PostImageBody::Json(link) => taken("json", link.url.len(), link.prompt, None),
            PostImageBody::Form(link) => taken("form", link.url.len(), link.prompt, None),
            PostImageBody::Multipart(form) => {
                let size = form.image.bytes().map_or(0, Bytes::len);
                taken("multipart", size, Some(form.prompt), form.image.content_type())
            }
            PostImageBody::Image(image) => {
                let content_type = image.content_type().map(str::to_owned);
                let bytes = image.collect().await.unwrap_or_default();
                taken("image", bytes.len(), None, content_type.as_deref())
            }
        }))
    }

    async fn post_bundle(&self, body: Option<Vec<u8>>) -> Result<PostBundleResponse, Infallible> {
        self.uploaded.store(body.map_or(0, |b| b.len()), Ordering::SeqCst);
        Ok(PostBundleResponse::Accepted)
    }
}


/// Serves `service` on a free loopback port; the server stops with the test's runtime.
async fn serve(service: Service, body_limit: usize) -> Client {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free loopback port");
    let address = listener.local_addr().expect("a bound address");
    let app = server::router_with(service, server::Config { body_limit });
    tokio::spawn(async move { axum::serve(listener, app).await.expect("the server runs") });
    Client::new(format!("http://{address}"))
}

#[tokio::test]
async fn a_form_login_is_encoded_decoded_and_checked() {
    let service = Service::default();
    let client = serve(service.clone(), 1 << 20).await;
    let login = LoginRequest {
        username: "ada".into(),
        password: "s3cret & more=".into(),
        remember: Some(true),
        attempts: Some(2),
        scopes: Some(vec!["read".into(), "write".into()]),
        tags: Some(vec!["a b".into(), "c".into()]),
        metadata: Some([("team".to_string(), "core".to_string())].into_iter().collect()),
        extra: None,
        avatar: Some(vec![0xfb, 0xff, 0x00].into()),
    };
    match client.login(&login).await {
        Ok(LoginResponse::Ok(session)) => assert_eq!(session.token.as_deref(), Some("token-for-ada")),
        other => panic!("expected a session, got {other:?}"),
    }
    // The server read every field back as its type, lists and maps included.
    let seen = service.logins.lock().expect("not poisoned").pop().expect("one login");
    assert_eq!(seen, login);
}

#[tokio::test]
async fn a_bad_form_field_is_named_in_a_422() {
    let client = serve(Service::default(), 1 << 20).await;
    let http = reqwest::Client::new();
    let url = format!("{}/login", client.base_url());
    let response = http
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("username=ada&password=x&attempts=many")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 422);
    let text = response.text().await.expect("a body");
    assert!(text.contains("attempts"), "the problem names the field: {text}");
    // And a JSON body where a form is documented is refused, naming the type wanted.
    let response = client_post_json(&http, &client).await;
    assert_eq!(response.status().as_u16(), 415);
}

async fn client_post_json(http: &reqwest::Client, client: &Client) -> reqwest::Response {
    http.post(format!("{}/login", client.base_url()))
        .header("content-type", "application/json")
        .body(r#"{"username":"ada","password":"x"}"#)
        .send()
        .await
        .expect("an answer")
}

#[tokio::test]
async fn an_upload_streams_from_the_caller_with_the_content_type_it_chooses() {
    let service = Service::default();
    let client = serve(service.clone(), 8 << 20).await;
    // A stream of chunks, made as they are sent: the client never holds the whole body.
    let chunks = (0..64).map(|i| Ok::<_, std::io::Error>(vec![i as u8; 64 * 1024]));
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let params = UploadFileParams { name: "blob.bin".into() };
    match client.upload_file(&params, body, "application/x-tar").await {
        Ok(UploadFileResponse::Created) => {}
        other => panic!("expected 201, got {other:?}"),
    }
    assert_eq!(service.uploaded.load(Ordering::SeqCst), 64 * 64 * 1024);
    // `*/*` is a range, not a content type: a bad one is refused before sending.
    assert!(matches!(client.upload_file(&params, vec![1u8], "not a\ntype").await, Err(Error::InvalidRequest(_))));
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let client = serve(Service::default(), 1024).await;
    let params = ReplaceFileParams { id: "x".into() };
    match client.replace_file(&params, Some(vec![0u8; 4096].into())).await {
        Err(Error::UnexpectedStatus(raw)) => assert_eq!(raw.status.as_u16(), 413),
        other => panic!("expected 413, got {other:?}"),
    }
    // A streamed body of no declared length reaches the handler, whose stream ends in an
    // error once the limit is passed: it never holds more than the limit.
    let service = Service::default();
    let client = serve(service.clone(), 64 * 1024).await;
    let chunks = (0..4).map(|_| Ok::<_, std::io::Error>(vec![1u8; 32 * 1024]));
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let params = UploadFileParams { name: "big".into() };
    let _ = client.upload_file(&params, body, "application/octet-stream").await;
    assert_eq!(service.uploaded.load(Ordering::SeqCst), 0, "the handler saw the error, not a whole body");
}

#[tokio::test]
async fn binary_and_text_answers_arrive_as_sent() {
    let client = serve(Service::default(), 1 << 20).await;
    match client.download_file(&DownloadFileParams { id: "report".into() }).await {
        Ok(DownloadFileResponse::Ok(stream)) => {
            assert_eq!(stream.content_type(), Some("application/pdf"));
            assert_eq!(stream.content_length(), Some(PDF.len() as u64));
            assert_eq!(stream.collect().await.expect("the whole body"), PDF);
        }
        other => panic!("expected the PDF, got {other:?}"),
    }
    // A large answer, read chunk by chunk as it arrives.
    match client.download_file(&DownloadFileParams { id: "large".into() }).await {
        Ok(DownloadFileResponse::Ok(mut stream)) => {
            let (mut offset, mut chunks) = (0usize, 0usize);
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.expect("a chunk");
                assert!(chunk.iter().enumerate().all(|(i, b)| *b == pattern(offset + i)), "bytes in order");
                offset += chunk.len();
                chunks += 1;
            }
            assert_eq!(offset, 8 << 20);
            assert!(chunks > 1, "the body arrived in pieces");
        }
        other => panic!("expected the large file, got {other:?}"),
    }
    match client.download_file(&DownloadFileParams { id: "nope".into() }).await {
        Err(Error::Api(DownloadFileResponse::NotFound(text))) => assert_eq!(text, "no file `nope`"),
        other => panic!("expected 404, got {other:?}"),
    }
    match client.post_note("say \"hi\"").await {
        Ok(PostNoteResponse::Ok(csv)) => assert_eq!(csv, "note\n\"say \"\"hi\"\"\"\n"),
        other => panic!("expected CSV, got {other:?}"),
    }
}

#[tokio::test]
async fn a_multipart_upload_of_50_mib_streams_from_the_caller_with_every_part_typed() {
    const LEN: usize = 50 << 20;
    const CHUNK: usize = 256 * 1024;
    let service = Service::default();
    let client = serve(service.clone(), 64 << 20).await;
    let made = Arc::new(AtomicUsize::new(0));
    let file = File::from_stream(lazy_chunks(LEN, CHUNK, made.clone()), Some(LEN as u64))
        .with_file_name("big.bin")
        .with_content_type("application/x-big");
    let form = UploadAvatarForm {
        file,
        caption: Some("a caption".into()),
        size: 3,
        tags: Some(vec!["one".into(), "two words".into()]),
        meta: Some(UploadAvatarBodyMeta { width: Some(640), height: Some(480) }),
        thumbnails: vec![
            File::from_bytes(vec![1u8; 10]).with_file_name("t1.png"),
            File::from_bytes(vec![2u8; 20]).with_file_name("t2.png"),
        ],
        original: None,
    };
    // The file is read as it is sent: nothing was made before the call.
    assert_eq!(made.load(Ordering::SeqCst), 0);
    match client.upload_avatar(form).await {
        Ok(UploadAvatarResponse::Ok(image)) => {
            assert_eq!(image.content_type(), Some("image/png"));
            assert_eq!(image.collect().await.expect("the image"), &b"\x89PNG"[..]);
        }
        other => panic!("expected the image back, got {other:?}"),
    }
    // Each chunk was made once, as the body went out.
    assert_eq!(made.load(Ordering::SeqCst), LEN.div_ceil(CHUNK));
    let seen = service.avatars.lock().expect("not poisoned").pop().expect("one upload");
    assert_eq!(seen.file_name.as_deref(), Some("big.bin"));
    assert_eq!(seen.content_type.as_deref(), Some("application/x-big"));
    assert_eq!(seen.file_len, LEN);
    let sum: u64 = (0..LEN).map(|i| (i as u64 + 1) * u64::from(pattern(i))).sum();
    assert_eq!(seen.file_sum, sum, "the server got the bytes in order");
    assert_eq!(seen.caption.as_deref(), Some("a caption"));
    assert_eq!(seen.size, 3);
    assert_eq!(seen.tags, Some(vec!["one".to_string(), "two words".to_string()]));
    assert_eq!(seen.meta, Some(UploadAvatarBodyMeta { width: Some(640), height: Some(480) }));
    assert_eq!(seen.thumbnails, vec![(Some("t1.png".to_string()), 10), (Some("t2.png".to_string()), 20)]);
    assert_eq!(seen.original, None);
}

#[tokio::test]
async fn a_multipart_upload_names_each_bad_part_in_a_422() {
    let client = serve(Service::default(), 1 << 20).await;
    let form = UploadAvatarForm {
        file: File::from_bytes(vec![0u8; 4]),
        caption: Some("far too long for the twenty characters allowed".into()),
        size: 0,
        tags: None,
        meta: None,
        thumbnails: Vec::new(),
        original: None,
    };
    match client.upload_avatar(form).await {
        Err(Error::UnexpectedStatus(raw)) => {
            assert_eq!(raw.status.as_u16(), 422);
            let text = raw.text();
            assert!(text.contains("caption") && text.contains("size"), "both parts are named: {text}");
        }
        other => panic!("expected 422, got {other:?}"),
    }
    // Without the required file part, the problem names it.
    let http = reqwest::Client::new();
    let boundary = "XyZ";
    let body = format!("--{boundary}\r\ncontent-disposition: form-data; name=\"size\"\r\n\r\n2\r\n--{boundary}--\r\n");
    let response = http
        .post(format!("{}/avatars", client.base_url()))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 422);
    let text = response.text().await.expect("a body");
    assert!(text.contains("file"), "the missing file is named: {text}");
}

#[tokio::test]
async fn an_untyped_multipart_body_is_built_by_the_caller() {
    let service = Service::default();
    let client = serve(service.clone(), 1 << 20).await;
    let form = fixture_media_types::runtime::multipart::Form::new()
        .field("note", "hello", Some("text/plain"))
        .expect("a text part")
        .file("data", File::from_bytes(vec![7u8; 100]))
        .expect("a file part");
    match client.post_bundle(Some(form)).await {
        Ok(PostBundleResponse::Accepted) => {}
        other => panic!("expected 202, got {other:?}"),
    }
    assert!(service.uploaded.load(Ordering::SeqCst) > 100, "the parts arrived with their framing");
}

#[tokio::test]
async fn server_sent_events_arrive_typed_and_one_at_a_time() {
    let client = serve(Service::default(), 1 << 20).await;
    // 10,000 events, read one by one.
    let params = StreamEventsParams { count: Some(10_000) };
    let Ok(StreamEventsResponse::Ok(mut events)) = client.stream_events(&params).await else {
        panic!("expected an event stream")
    };
    let mut n = 0i64;
    while let Some(event) = events.next().await {
        let event = event.expect("an event");
        assert_eq!(event.data.n, n);
        assert_eq!(event.data.label.as_deref(), Some(format!("tick {n}").as_str()));
        assert_eq!(event.id.as_deref(), Some(n.to_string().as_str()));
        assert_eq!(event.event.as_deref(), (n % 1000 == 0).then_some("milestone"));
        n += 1;
    }
    assert_eq!(n, 10_000);
    // A stream without end: only a lazy reader gets its first events.
    let params = StreamEventsParams { count: None };
    let Ok(StreamEventsResponse::Ok(events)) = client.stream_events(&params).await else {
        panic!("expected an event stream")
    };
    let first: Vec<i64> = events.take(3).map(|e| e.expect("an event").data.n).collect().await;
    assert_eq!(first, vec![0, 1, 2]);
    // Events without a schema are text, a line break kept; the headers are read too.
    match client.tail_log().await {
        Ok(TailLogResponse::Ok(TailLogOk { body, x_log_start })) => {
            assert_eq!(x_log_start, Some(7));
            let lines: Vec<String> = body.map(|e| e.expect("an event").data).collect().await;
            assert_eq!(lines, ["first line", "second line\nwith a break", "third"]);
        }
        other => panic!("expected the log, got {other:?}"),
    }
}

#[tokio::test]
async fn one_answer_in_several_media_types_is_read_as_the_one_sent() {
    let client = serve(Service::default(), 1 << 20).await;
    let report = |id: &str| GetReportParams { id: id.into() };
    match client.get_report(&report("json")).await {
        Ok(GetReportResponse::Ok(GetReportOkBody::Json(report))) => {
            assert_eq!(report, Report { id: "json".into(), pages: Some(3) })
        }
        other => panic!("expected JSON, got {other:?}"),
    }
    match client.get_report(&report("pdf")).await {
        Ok(GetReportResponse::Ok(GetReportOkBody::Pdf(pdf))) => {
            assert_eq!(pdf.content_type(), Some("application/pdf"));
            assert_eq!(pdf.collect().await.expect("the PDF"), PDF);
        }
        other => panic!("expected a PDF, got {other:?}"),
    }
    match client.get_report(&report("csv")).await {
        Ok(GetReportResponse::Ok(GetReportOkBody::Csv(csv))) => assert_eq!(csv, "id,pages\ncsv,1\n"),
        other => panic!("expected CSV, got {other:?}"),
    }
    match client.get_report(&report("nope")).await {
        Err(Error::Api(GetReportResponse::Status4xx { status: 404, body: GetReportStatus4xxBody::ProblemJson(p) })) => {
            assert_eq!(p.title.as_deref(), Some("no report `nope`"))
        }
        other => panic!("expected a JSON problem, got {other:?}"),
    }
    match client.get_report(&report("text-problem")).await {
        Err(Error::Api(GetReportResponse::Status4xx { status: 404, body: GetReportStatus4xxBody::Plain(text) })) => {
            assert_eq!(text, "no such report")
        }
        other => panic!("expected a text problem, got {other:?}"),
    }
    // The client asks for every documented type.
    let http = reqwest::Client::new();
    let answer = http.get(format!("{}/reports/json", client.base_url())).send().await.expect("an answer");
    assert_eq!(answer.headers()["content-type"], "application/json");
    // A request that accepts none of them is answered 406, naming what is offered.
    let answer = http
        .get(format!("{}/reports/json", client.base_url()))
        .header("accept", "text/html, application/json;q=0")
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status().as_u16(), 406);
    let text = answer.text().await.expect("a body");
    assert!(text.contains("application/pdf") && text.contains("text/csv"), "the offer is named: {text}");
}

#[tokio::test]
async fn a_body_documented_as_json_or_a_form_is_accepted_as_either() {
    let client = serve(Service::default(), 1 << 20).await;
    let report = Report { id: "r1".into(), pages: Some(2) };
    match client.post_report(&report).await {
        Ok(PostReportResponse::Created(read)) => assert_eq!(read, report),
        other => panic!("expected 201, got {other:?}"),
    }
    let http = reqwest::Client::new();
    let url = format!("{}/reports", client.base_url());
    let post = |content_type: &'static str, body: &'static str| {
        http.post(&url).header("content-type", content_type).body(body).send()
    };
    let answer = post("application/x-www-form-urlencoded", "id=r2&pages=5").await.expect("an answer");
    assert_eq!(answer.status().as_u16(), 201);
    assert_eq!(answer.text().await.expect("a body"), r#"{"id":"r2","pages":5}"#);
    // A form is checked as JSON is: the bad field is named.
    let answer = post("application/x-www-form-urlencoded", "pages=many").await.expect("an answer");
    assert_eq!(answer.status().as_u16(), 422);
    let text = answer.text().await.expect("a body");
    assert!(text.contains("pages") && text.contains("id"), "{text}");
    // Neither: 415, naming both.
    let answer = post("text/plain", "id=r3").await.expect("an answer");
    assert_eq!(answer.status().as_u16(), 415);
    let text = answer.text().await.expect("a body");
    assert!(text.contains("JSON") && text.contains("form"), "{text}");
}

#[tokio::test]
async fn a_body_documented_in_four_media_types_with_their_own_schemas_is_sent_and_read_as_each() {
    let client = serve(Service::default(), 1 << 20).await;
    let link = || ImageLink { url: "https://example.com/cat.png".into(), prompt: Some("a cat".into()) };
    let png = File::from_bytes(&b"\x89PNG\r\n"[..]).with_file_name("cat.png").with_content_type("image/png");
    let sent = [
        (PostImageBody::Json(link()), "json", 27, Some("a cat"), None),
        (PostImageBody::Form(link()), "form", 27, Some("a cat"), None),
        (PostImageBody::Multipart(PostImageForm { image: png, prompt: "a dog".into() }), "multipart", 6, Some("a dog"), Some("image/png")),
        (
            PostImageBody::Image(ByteStream::from_bytes(&b"GIF89a!"[..]).with_content_type("image/gif")),
            "image",
            7,
            None,
            Some("image/gif"),
        ),
    ];
    for (body, via, size, prompt, content_type) in sent {
        match client.post_image(body).await {
            Ok(PostImageResponse::Created(taken)) => {
                assert_eq!(taken.via, via);
                assert_eq!(taken.size, size, "{via}");
                assert_eq!(taken.prompt.as_deref(), prompt, "{via}");
                assert_eq!(taken.content_type.as_deref(), content_type, "{via}");
            }
            other => panic!("expected 201 for {via}, got {other:?}"),
        }
    }
    let http = reqwest::Client::new();
    let url = format!("{}/images", client.base_url());
    let post = |content_type: &'static str, body: &'static str| {
        http.post(&url).header("content-type", content_type).body(body).send()
    };
    // Each media type is checked against its own schema: JSON needs `url`, the form too.
    let answer = post("application/json", r#"{"prompt": ""}"#).await.expect("an answer");
    assert_eq!(answer.status().as_u16(), 422);
    let text = answer.text().await.expect("a body");
    assert!(text.contains("url") && text.contains("prompt"), "{text}");
    let answer = post("application/x-www-form-urlencoded", "prompt=x").await.expect("an answer");
    assert_eq!(answer.status().as_u16(), 422);
    assert!(answer.text().await.expect("a body").contains("url"));
    // Multipart needs its file part and its prompt.
    let boundary = "XyZ";
    let body = format!("--{boundary}\r\ncontent-disposition: form-data; name=\"prompt\"\r\n\r\n\r\n--{boundary}--\r\n");
    let answer = http
        .post(&url)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status().as_u16(), 422);
    let text = answer.text().await.expect("a body");
    assert!(text.contains("prompt"), "{text}");
    // Any image type is taken as bytes; a type none of the four admits is 415, naming each.
    let answer = post("image/webp", "RIFF").await.expect("an answer");
    assert_eq!(answer.status().as_u16(), 201);
    assert!(answer.text().await.expect("a body").contains(r#""via":"image""#));
    let answer = post("text/plain", "a cat").await.expect("an answer");
    assert_eq!(answer.status().as_u16(), 415);
    let text = answer.text().await.expect("a body");
    for named in ["JSON", "multipart", "image/*", "form"] {
        assert!(text.contains(named), "{named} is named: {text}");
    }
}

// README media begin
/// Uploads a file from disk, a multipart form with a file streamed from disk, downloads a PDF
/// to disk, reads server-sent events as they come, reads an answer in whichever media type
/// the server chose, and sends one request body in two of its media types.
async fn media_tour(client: &Client, dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    // A raw upload: the method takes the media type, since the spec allows any (`*/*`).
    let file = tokio::fs::File::open(dir.join("report.tar")).await?;
    client.upload_file(&UploadFileParams { name: "report.tar".into() }, file, "application/x-tar").await?;

    // A multipart upload: a file part is a `File`, streamed as it is sent.
    let form = UploadAvatarForm {
        file: File::open(dir.join("me.png")).await?,
        size: 1,
        caption: Some("me".into()),
        tags: None,
        meta: None,
        thumbnails: vec![File::from_bytes(vec![0u8; 16]).with_file_name("small.png")],
        original: None,
    };
    client.upload_avatar(form).await?;

    // A binary answer, written to disk a chunk at a time.
    if let DownloadFileResponse::Ok(pdf) = client.download_file(&DownloadFileParams { id: "report".into() }).await? {
        pdf.write_to(dir.join("report.pdf")).await?;
    }

    // Server-sent events, typed, one at a time.
    let StreamEventsResponse::Ok(mut ticks) = client.stream_events(&StreamEventsParams { count: Some(3) }).await?;
    while let Some(tick) = ticks.next().await {
        println!("tick {}", tick?.data.n);
    }

    // One answer, several media types: the variant says which came.
    match client.get_report(&GetReportParams { id: "csv".into() }).await? {
        GetReportResponse::Ok(GetReportOkBody::Json(report)) => println!("{} pages", report.pages.unwrap_or(0)),
        GetReportResponse::Ok(GetReportOkBody::Pdf(pdf)) => println!("{:?} bytes of PDF", pdf.content_length()),
        GetReportResponse::Ok(GetReportOkBody::Csv(text)) => print!("{text}"),
        GetReportResponse::Status4xx { status, .. } => println!("refused: {status}"),
    }

    // One request, several media types with schemas of their own: the variant says which to send.
    let upload = PostImageForm { image: File::open(dir.join("me.png")).await?, prompt: "me".into() };
    client.post_image(PostImageBody::Multipart(upload)).await?;
    let png = ByteStream::from_bytes(tokio::fs::read(dir.join("me.png")).await?).with_content_type("image/png");
    client.post_image(PostImageBody::Image(png)).await?;
    Ok(())
}
// README media end

#[tokio::test]
async fn the_readme_tour_of_media_types_runs() {
    let dir = std::env::temp_dir().join(format!("media-tour-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    std::fs::write(dir.join("report.tar"), vec![1u8; 3000]).expect("a file to upload");
    std::fs::write(dir.join("me.png"), b"\x89PNG not really").expect("an image to upload");
    let service = Service::default();
    let client = serve(service.clone(), 1 << 20).await;
    let toured = media_tour(&client, &dir).await;
    let written = std::fs::read(dir.join("report.pdf"));
    let _ = std::fs::remove_dir_all(&dir);
    toured.expect("the tour runs");
    assert_eq!(written.expect("the PDF was written"), PDF);
    assert_eq!(service.uploaded.load(Ordering::SeqCst), 3000);
    let avatar = service.avatars.lock().expect("not poisoned").pop().expect("one upload");
    assert_eq!(avatar.file_name.as_deref(), Some("me.png"));
    assert_eq!(avatar.file_len, b"\x89PNG not really".len());
}
