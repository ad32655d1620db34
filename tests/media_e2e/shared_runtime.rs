//! Two crates generated with the runtime crate share its types: a value of one crate's
//! `Nullable`, `Base64`, `RetryPolicy` or client `Error` is a value of the other's, with no
//! conversion. Each function below compiles only if the two paths name one type.
//!
//! Copied into the media fixture's crate by `tests/media.rs`, beside a dependency on the
//! project's own generated crate (`customers-api`).

use fixture_media_types as media;

fn nullable(value: media::Nullable<u32>) -> customers_api::Nullable<u32> {
    value
}

fn retry(policy: media::client::RetryPolicy) -> customers_api::client::RetryPolicy {
    policy
}

fn invalid(error: customers_api::client::InvalidRequest) -> media::client::InvalidRequest {
    error
}

fn runtime(value: media::runtime::Base64) -> customers_api::runtime::Base64 {
    value
}

#[test]
fn generated_crates_share_the_runtime_types() {
    assert_eq!(nullable(media::Nullable::Present(7)), customers_api::Nullable::Present(7));
    assert_eq!(retry(media::client::RetryPolicy::default()), customers_api::client::RetryPolicy::default());
    let error = invalid(customers_api::client::InvalidRequest("bad".into()));
    assert_eq!(error.to_string(), "invalid request: bad");
    assert_eq!(runtime(media::runtime::Base64(vec![1, 2])).0, vec![1, 2]);
}
