//! The media-types fixture's generated client against its generated server, over loopback:
//! a form login (and its 422), a streamed upload, a binary download, text both ways.
//!
//! Copied into the generated fixture crate by `tests/media.rs` and run there with
//! `cargo test`; it is not a target of the `tests` package itself.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use fixture_media_types::client::{Client, Error};
use fixture_media_types::models::LoginRequest;
use fixture_media_types::operations::*;
use fixture_media_types::server::{self, Api};

/// Bytes of the PDF the server hands out.
const PDF: &[u8] = b"%PDF-1.7\n\x00\x01\x02\xff binary, not UTF-8\n%%EOF";

#[derive(Clone, Default)]
struct Service {
    uploaded: Arc<AtomicUsize>,
    logins: Arc<std::sync::Mutex<Vec<LoginRequest>>>,
}

impl Api for Service {
    async fn login(&self, body: LoginRequest) -> LoginResponse {
        let token = format!("token-for-{}", body.username);
        self.logins.lock().expect("not poisoned").push(body);
        LoginResponse::Ok(fixture_media_types::models::LoginResponse200 { token: Some(token) })
    }

    async fn upload_file(&self, _params: UploadFileParams, body: Vec<u8>) -> UploadFileResponse {
        self.uploaded.store(body.len(), Ordering::SeqCst);
        UploadFileResponse::Created
    }

    async fn download_file(&self, params: DownloadFileParams) -> DownloadFileResponse {
        if params.id == "report" {
            DownloadFileResponse::Ok(PDF.to_vec())
        } else {
            DownloadFileResponse::NotFound(format!("no file `{}`", params.id))
        }
    }

    async fn replace_file(&self, _params: ReplaceFileParams, body: Option<Vec<u8>>) -> ReplaceFileResponse {
        self.uploaded.store(body.map_or(0, |b| b.len()), Ordering::SeqCst);
        ReplaceFileResponse::NoContent
    }

    async fn post_note(&self, body: String) -> PostNoteResponse {
        PostNoteResponse::Ok(format!("note\n\"{}\"\n", body.replace('"', "\"\"")))
    }

    async fn stream_events(&self) -> StreamEventsResponse {
        StreamEventsResponse::Ok("data: one\n\ndata: two\n\n".into())
    }

    async fn upload_avatar(&self, body: Vec<u8>) -> UploadAvatarResponse {
        UploadAvatarResponse::Ok(body)
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
}

#[tokio::test]
async fn binary_and_text_answers_arrive_as_sent() {
    let client = serve(Service::default(), 1 << 20).await;
    match client.download_file(&DownloadFileParams { id: "report".into() }).await {
        Ok(DownloadFileResponse::Ok(bytes)) => assert_eq!(bytes, PDF),
        other => panic!("expected the PDF, got {other:?}"),
    }
    match client.download_file(&DownloadFileParams { id: "nope".into() }).await {
        Err(Error::Api(DownloadFileResponse::NotFound(text))) => assert_eq!(text, "no file `nope`"),
        other => panic!("expected 404, got {other:?}"),
    }
    match client.post_note("say \"hi\"").await {
        Ok(PostNoteResponse::Ok(csv)) => assert_eq!(csv, "note\n\"say \"\"hi\"\"\"\n"),
        other => panic!("expected CSV, got {other:?}"),
    }
    let image = vec![0x89, b'P', b'N', b'G', 0, 0xff];
    match client.upload_avatar(image.clone()).await {
        Ok(UploadAvatarResponse::Ok(bytes)) => assert_eq!(bytes, image),
        other => panic!("expected the image back, got {other:?}"),
    }
}
