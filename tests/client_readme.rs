//! The README's client example, compiled and run against a loopback server: a 201 with its
//! `Location` header, then a 422 with its invalid fields. The README must show this code as
//! it is between the `README` markers below (a test checks).

mod client_common;

use client_common::{customer_json, validation_json, MockServer, Reply};

// README begin
use customers_api::client::{servers, Client, Error};
use customers_api::models::{ContactEmail, ContactObjectRequest, CustomerRequest, TaxNumberRequest, TaxNumberType};
use customers_api::operations::PostCustomerResponse;

/// A client of the sandbox for one organization, authenticated with a secret API key.
fn sandbox_client(organization_id: &str, api_key: &str) -> Client {
    Client::new(servers::sandbox(organization_id)).with_secret_api_key(api_key)
}

/// The customer of the spec's example, in its request view (no server-set members).
fn new_customer() -> CustomerRequest {
    CustomerRequest {
        website_id: Some("web_0YV7DE4Z26DQSA1AC92FBJ7SEG".into()),
        locale: "fr-FR".to_string().into(),
        is_edd_required: Some(false),
        primary_address: ContactObjectRequest {
            first_name: "Benjamin".to_string().into(),
            last_name: "Franklin".to_string().into(),
            address: "36 Craven St".to_string().into(),
            city: "Austin".to_string().into(),
            region: "Texas".to_string().into(),
            country: "GB".to_string().into(),
            postal_code: "WC2N 5NF".to_string().into(),
            emails: Some(vec![ContactEmail {
                label: "main".into(),
                value: "rebilly@example.com".into(),
                primary: Some(true),
            }]),
            ..Default::default()
        }
        .into(),
        tax_numbers: vec![TaxNumberRequest {
            r#type: TaxNumberType::EuVat,
            value: "GB980780684".into(),
            is_default: Some(true),
        }]
        .into(),
        ..Default::default()
    }
}

/// Creates `customer` and returns the URL of the new resource; a 422 lists what to fix.
async fn create_customer(client: &Client, customer: &CustomerRequest) -> Result<String, Box<dyn std::error::Error>> {
    match client.post_customer(customer).await {
        Ok(PostCustomerResponse::Created(created)) => {
            println!("created {:?}", created.body.id);
            Ok(created.location.unwrap_or_default())
        }
        Err(Error::Api(PostCustomerResponse::UnprocessableEntity(invalid))) => {
            let fields: Vec<String> = invalid
                .invalid_fields
                .unwrap_or_default()
                .into_iter()
                .map(|f| format!("{}: {}", f.field.unwrap_or_default(), f.message.unwrap_or_default()))
                .collect();
            Err(format!("invalid customer: {}", fields.join("; ")).into())
        }
        // A 429 says when to come back; `Client::with_retry_policy` can wait for it instead.
        Err(error @ Error::Api(PostCustomerResponse::TooManyRequests(_))) => {
            Err(format!("rate limited, retry in {:?}", error.retry_after()).into())
        }
        // Other documented statuses (401, 403, 409) and transport or decoding failures.
        Err(error) => Err(error.into()),
        Ok(other) => Err(format!("unexpected status {}", other.status()).into()),
    }
}
// README end

#[tokio::test]
async fn readme_example_creates_a_customer_and_handles_a_422() {
    let client = sandbox_client("org_0YVDM8RC7GDADADSBSMW124JA8", "sk_sandbox_key");
    assert_eq!(client.base_url(), "https://api-sandbox.rebilly.com/organizations/org_0YVDM8RC7GDADADSBSMW124JA8");

    let server = MockServer::start().await;
    let client = Client::new(format!("{}/organizations/org_1", server.url())).with_secret_api_key("sk_sandbox_key");
    let location = "https://api-sandbox.rebilly.com/organizations/org_1/customers/cus_1";
    server.reply(Reply::json(201, customer_json("cus_1")).header("Location", location));
    assert_eq!(create_customer(&client, &new_customer()).await.unwrap(), location);
    let request = server.request();
    request.assert_line("POST", "/organizations/org_1/customers", None);
    request.assert_api_key("sk_sandbox_key");
    assert_eq!(request.json()["primaryAddress"]["emails"][0]["value"], "rebilly@example.com");

    server.reply(Reply::json(422, validation_json()));
    let error = create_customer(&client, &new_customer()).await.unwrap_err();
    assert_eq!(error.to_string(), "invalid customer: field1: field1 is invalid; subObject.field2: field2 is invalid");
    server.request();
    server.stop().await;
}

#[test]
fn readme_shows_this_example() {
    let source = include_str!("client_readme.rs");
    let begin = source.find("// README begin\n").expect("begin marker") + "// README begin\n".len();
    let end = source.find("// README end").expect("end marker");
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(&format!("```rust\n{}```", &source[begin..end])),
        "README.md must show the code between the README markers of tests/client_readme.rs, verbatim"
    );
}
