//! The generated client's `tracing` span, in a test binary of its own.
//!
//! The span has one callsite for every operation, and `tracing` caches a callsite's interest
//! for the whole process. With only a thread's own subscriber set, another test's thread that
//! reaches the callsite first, with none, has it cached as disabled; alone here, it cannot.

mod client_common;

use client_common::{error_reply, MockServer};
use customers_api::client::Client;
use customers_api::operations::DeleteCustomerParams;

mod spans {
    //! A subscriber that records spans, to check each call runs in one.

    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    /// A span's name and its fields, values in debug form.
    pub type Span = (String, Vec<(String, String)>);

    #[derive(Clone, Default)]
    pub struct Spans(pub Arc<Mutex<Vec<Span>>>);

    struct Fields<'a>(&'a mut Vec<(String, String)>);

    impl Visit for Fields<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.push((field.name().to_string(), format!("{value:?}")));
        }
    }

    impl Subscriber for Spans {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let mut spans = self.0.lock().unwrap();
            let mut fields = Vec::new();
            span.record(&mut Fields(&mut fields));
            spans.push((span.metadata().name().to_string(), fields));
            Id::from_u64(spans.len() as u64)
        }
        fn record(&self, span: &Id, values: &Record<'_>) {
            let mut spans = self.0.lock().unwrap();
            let index = span.into_u64() as usize - 1;
            values.record(&mut Fields(&mut spans[index].1));
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, _: &Event<'_>) {}
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }
}

#[tokio::test]
async fn every_call_runs_in_a_request_span_naming_the_operation() {
    let spans = spans::Spans::default();
    let _guard = tracing::subscriber::set_default(spans.clone());
    let server = MockServer::start().await;
    server.reply(error_reply(404));
    let params = DeleteCustomerParams { id: "cus_dup".into(), target_customer_id: "cus_keep".into() };
    let client = Client::new(server.url()).with_secret_api_key("sk_test_0123456789");
    let _ = client.delete_customer(&params).await;
    server.request();
    server.stop().await;
    let spans = spans.0.lock().unwrap();
    let requests: Vec<_> = spans.iter().filter(|(name, _)| name == "request").collect();
    assert_eq!(requests.len(), 1, "one request span per call: {spans:?}");
    let fields = &requests[0].1;
    let field = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    assert_eq!(field("operation"), Some("\"DeleteCustomer\""));
    assert_eq!(field("method"), Some("\"DELETE\""));
    assert_eq!(field("path"), Some("\"/customers/{id}\""));
    assert_eq!(field("status"), Some("404"));
}
