//! Serde round trips of the seed's shapes through the generated models.

use customers_api::models::{Customer, CustomerRequest, TagType, TaxNumberRequest, TaxNumberType, ValidationError};
use customers_api::Nullable;
use serde_json::{json, Value};

/// Decodes `value` as `T`, encodes it again, and checks nothing was lost or added.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(value: Value) -> T {
    let typed: T = serde_json::from_value(value.clone()).expect("decodes");
    assert_eq!(serde_json::to_value(&typed).expect("encodes"), value);
    typed
}

#[test]
fn validation_error_keeps_every_invalid_field() {
    let body = json!({
        "type": "https://www.rebilly.com/catalog/all/errors/validation",
        "title": "Invalid data was sent.",
        "status": 422,
        "detail": "The request body has fields that failed validation.",
        "invalidFields": [
            {"field": "field1", "message": "field1 is invalid"},
            {"field": "subObject.field2", "message": "field2 is invalid"},
            {"field": "subObject.field2", "message": "another error in the field2"}
        ]
    });
    let error: ValidationError = round_trip(body);
    let fields = error.invalid_fields.expect("invalidFields present");
    assert_eq!(fields.len(), 3);
    assert_eq!(fields[1].field.as_deref(), Some("subObject.field2"));
    assert_eq!(error.status, Some(422));
}

#[test]
fn customer_response_with_every_seed_field() {
    let body = json!({
        "id": "cus_0YV7DDSDD1C8DA64KHH2W33CPF",
        "email": "ann@example.com",
        "firstName": "Ann",
        "lastName": null,
        "websiteId": "web_0YV7DE4Z26DQSA1AC92FBJ7SEG",
        "defaultPaymentInstrument": {"method": "payment-card", "paymentInstrumentId": "inst_0YVB8KPKNXCBR9EDX7JHSED75N"},
        "createdTime": "2024-05-01T10:20:30Z",
        "updatedTime": "2024-05-02T10:20:30Z",
        "customFields": {"foo": "bar", "n": 1},
        "primaryAddress": null,
        "company": {
            "name": "Acme", "domain": "acme.test", "yearFounded": 1999.0, "industry": null,
            "employeesCount": 12.0, "country": "CA", "locality": "Montreal",
            "_links": [{"href": "https://linkedin.example/acme", "rel": "linkedin"}]
        },
        "averageValue": {"currency": "USD", "amount": 10.5, "amountUsd": 10.5},
        "paymentCount": 3,
        "lastPaymentTime": null,
        "lifetimeRevenue": {"amount": 31.5, "amountUsd": 31.5},
        "invoiceCount": 2,
        "tags": [{"id": "tag_1", "name": "New", "type": "customer"}],
        "revision": 7,
        "isEddRequired": false,
        "hasFulfilledKyc": true,
        "organizationId": "org_0YVDM8RC7GDADADSBSMW124JA8",
        "locale": "fr-FR",
        "taxNumbers": [{"type": "eu-vat", "value": "GB980780684", "isDefault": true, "isValid": null}],
        "_embedded": {"website": {"id": "web_1"}, "leadSource": {}}
    });
    let customer: Customer = round_trip(body);
    assert_eq!(customer.id.as_deref(), Some("cus_0YV7DDSDD1C8DA64KHH2W33CPF"));
    assert!(customer.primary_address.is_null(), "explicit null is kept apart from absence");
    assert!(customer.last_name.is_null());
    assert_eq!(customer.created_time.map(|t| t.timestamp()), Some(1_714_558_830));
    assert_eq!(customer.tags.as_ref().map(|t| t[0].r#type.clone()), Some(TagType::Customer));
    let tax = customer.tax_numbers.as_ref().expect("taxNumbers present");
    assert_eq!(tax[0].r#type, TaxNumberType::EuVat);
}

#[test]
fn absent_null_and_value_stay_apart() {
    let absent: Customer = round_trip(json!({}));
    assert!(absent.primary_address.is_absent());
    let null: Customer = round_trip(json!({"primaryAddress": null}));
    assert!(null.primary_address.is_null());
    let present: Customer = round_trip(json!({"primaryAddress": {"firstName": "Ann", "city": "Montreal"}}));
    let address = present.primary_address.as_ref().expect("address present");
    assert_eq!(address.city.as_ref().map(String::as_str), Some("Montreal"));
}

#[test]
fn a_put_can_clear_the_default_payment_instrument() {
    let clear = CustomerRequest { default_payment_instrument_id: Nullable::Null, ..Default::default() };
    assert_eq!(serde_json::to_value(&clear).unwrap(), json!({"defaultPaymentInstrumentId": null}));
    let leave = CustomerRequest::default();
    assert_eq!(serde_json::to_value(&leave).unwrap(), json!({}));
    let set = CustomerRequest { default_payment_instrument_id: "inst_1".to_string().into(), ..Default::default() };
    assert_eq!(serde_json::to_value(&set).unwrap(), json!({"defaultPaymentInstrumentId": "inst_1"}));
}

#[test]
fn the_request_view_sends_no_server_fields() {
    // The request view has no `id`, `createdTime` or `revision` to set; sent ones are ignored.
    let request: CustomerRequest = serde_json::from_value(json!({
        "id": "cus_x", "createdTime": "2024-01-01T00:00:00Z", "revision": 3,
        "websiteId": "web_1", "paymentToken": "tok_1",
        "taxNumbers": [{"type": "other", "value": "123"}]
    }))
    .unwrap();
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"websiteId": "web_1", "paymentToken": "tok_1", "taxNumbers": [{"type": "other", "value": "123"}]})
    );
    // And the response view never expects the write-only token back.
    let customer: Customer = serde_json::from_value(json!({"paymentToken": "tok_1", "id": "cus_1"})).unwrap();
    assert_eq!(serde_json::to_value(&customer).unwrap(), json!({"id": "cus_1"}));
}

#[test]
fn unknown_enum_values_survive() {
    let tax: TaxNumberRequest = round_trip(json!({"type": "us-ein", "value": "12-3456789"}));
    assert_eq!(tax.r#type, TaxNumberType::Unknown("us-ein".into()));
    assert_eq!(tax.r#type.as_str(), "us-ein");
    assert_eq!(TaxNumberType::EuVat.to_string(), "eu-vat");
}

#[test]
fn required_members_are_required() {
    let missing_value = serde_json::from_value::<TaxNumberRequest>(json!({"type": "eu-vat"}));
    let message = missing_value.expect_err("value is required").to_string();
    assert!(message.contains("missing field `value`"), "{message}");
}
