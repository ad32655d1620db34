//! Encode + decode of a Customer with every seed field: the generated model against a
//! hand-written serde struct of the same shape. Prints a Markdown table (see `cargo xtask bench`).

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::json;

/// What a person would write by hand for the same JSON, with plain `Option`s.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HandCustomer {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    website_id: Option<String>,
    default_payment_instrument: Option<HandInstrument>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_time: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated_time: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom_fields: Option<serde_json::Map<String, serde_json::Value>>,
    primary_address: Option<serde_json::Value>,
    company: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    average_value: Option<HandMoney>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_count: Option<i64>,
    last_payment_time: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lifetime_revenue: Option<HandMoney>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invoice_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<HandTag>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_edd_required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    has_fulfilled_kyc: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_id: Option<String>,
    locale: Option<String>,
    tax_numbers: Option<Vec<HandTaxNumber>>,
    #[serde(rename = "_embedded", skip_serializing_if = "Option::is_none")]
    embedded: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HandInstrument {
    method: String,
    payment_instrument_id: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HandMoney {
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount_usd: Option<f64>,
}

#[derive(Serialize, Deserialize)]
struct HandTag {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    name: String,
    r#type: String,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct HandTaxNumber {
    r#type: String,
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    is_default: Option<bool>,
    is_valid: Option<bool>,
}

fn customer_json() -> String {
    json!({
        "id": "cus_0YV7DDSDD1C8DA64KHH2W33CPF", "email": "ann@example.com", "firstName": "Ann", "lastName": "Lee",
        "websiteId": "web_0YV7DE4Z26DQSA1AC92FBJ7SEG",
        "defaultPaymentInstrument": {"method": "payment-card", "paymentInstrumentId": "inst_0YVB8KPKNXCBR9EDX7JHSED75N"},
        "createdTime": "2024-05-01T10:20:30Z", "updatedTime": "2024-05-02T10:20:30Z",
        "customFields": {"foo": "bar"},
        "primaryAddress": {"firstName": "Ann", "lastName": "Lee", "city": "Montreal", "country": "CA"},
        "company": {"name": "Acme", "domain": "acme.test", "yearFounded": 1999.0},
        "averageValue": {"currency": "USD", "amount": 10.5, "amountUsd": 10.5},
        "paymentCount": 3, "lastPaymentTime": "2024-05-03T10:20:30Z",
        "lifetimeRevenue": {"amount": 31.5, "amountUsd": 31.5}, "invoiceCount": 2,
        "tags": [{"id": "tag_1", "name": "New", "type": "customer"}],
        "revision": 7, "isEddRequired": false, "hasFulfilledKyc": true,
        "organizationId": "org_0YVDM8RC7GDADADSBSMW124JA8", "locale": "fr-FR",
        "taxNumbers": [{"type": "eu-vat", "value": "GB980780684", "isDefault": true, "isValid": true}],
        "_embedded": {"website": {"id": "web_1"}}
    })
    .to_string()
}

/// Round trips per second over `budget`.
fn rate<T: Serialize + for<'de> Deserialize<'de>>(text: &str, budget: Duration) -> f64 {
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < budget {
        for _ in 0..200 {
            let value: T = serde_json::from_str(black_box(text)).expect("decodes");
            black_box(serde_json::to_string(&value).expect("encodes"));
        }
        n += 200;
    }
    n as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let text = customer_json();
    let budget = Duration::from_millis(400);
    let (mut ours, mut hand) = (Vec::new(), Vec::new());
    // Interleaved rounds, so both see the same machine load.
    for _ in 0..7 {
        ours.push(rate::<customers_api::models::Customer>(&text, budget));
        hand.push(rate::<HandCustomer>(&text, budget));
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (o, h) = (median(&mut ours), median(&mut hand));
    println!("| model | round trips / s (median of 7) |\n|---|---|");
    println!("| generated `models::Customer` | {o:.0} |");
    println!("| hand-written serde struct | {h:.0} |");
    println!("| **ratio generated / hand-written** (target ≥ 0.95) | {:.3} |", o / h);
}
