//! The crate generated at build time is the one `cargo xtask codegen` commits: same models,
//! same client, same server trait.

use build_script_example::models::{Customer, CustomerRequest};
use build_script_example::operations::GetCustomerResponse;

#[test]
fn the_models_the_client_and_the_server_are_there() {
    let request = CustomerRequest { website_id: Some("site".into()), ..CustomerRequest::default() };
    let json = serde_json::to_value(&request).unwrap();
    assert_eq!(json["websiteId"], "site");
    let customer: Customer = serde_json::from_str(r#"{"id": "c1"}"#).unwrap();
    assert_eq!(customer.id.as_deref(), Some("c1"));
    let client = build_script_example::client::Client::new("http://127.0.0.1:1");
    assert_eq!(client.base_url(), "http://127.0.0.1:1");
    assert!(build_script_example::server::Config::default().body_limit > 0);
    let answer = GetCustomerResponse::NotFound(build_script_example::models::Problem::default());
    assert_eq!(answer.status(), 404);
}
