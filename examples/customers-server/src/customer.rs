//! What a customer is made of, apart from where it is kept: the record a request describes,
//! a merge of two records, and the list's `q`, `filter`, `sort` and `fields`.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::Utc;
use customers_api::models::{
    ContactObject, ContactObjectRequest, Customer, CustomerRequest, DefaultPaymentInstrument, TaxNumber,
};
use customers_api::Nullable;
use serde_json::Value;

/// A fresh identifier such as `cus_0YV7DDSDD1C8DA64KHH2W33CPF`: a prefix and 26 characters
/// of Crockford's base 32, from the clock and a process-wide counter.
pub fn next_id(prefix: &str) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed) + 1;
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default() as u64;
    // A 128-bit number: the time on top, the counter mixed in below.
    let mut n = (u128::from(nanos) << 64) | u128::from(sequence.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut text = [0u8; 26];
    for slot in text.iter_mut().rev() {
        *slot = ALPHABET[(n & 31) as usize];
        n >>= 5;
    }
    format!("{prefix}_{}", String::from_utf8_lossy(&text))
}

/// The customer a request describes, with what the server sets; `previous` is the record an
/// upsert replaces (its identity, creation time and statistics are kept).
pub fn build(id: String, request: CustomerRequest, previous: Option<&Customer>) -> Customer {
    let now = Utc::now();
    let primary_address = match request.primary_address {
        Nullable::Present(address) => Nullable::Present(contact(address)),
        Nullable::Null => Nullable::Null,
        Nullable::Absent => Nullable::Absent,
    };
    let address = primary_address.as_ref();
    let email = address
        .and_then(|a| a.emails.as_ref())
        .and_then(|emails| emails.iter().find(|e| e.primary == Some(true)).or(emails.first()))
        .map(|e| e.value.clone());
    let mut default_payment_instrument = request.default_payment_instrument;
    match request.default_payment_instrument_id {
        Nullable::Present(instrument) => {
            default_payment_instrument = Nullable::Present(DefaultPaymentInstrument {
                method: "payment-card".into(),
                payment_instrument_id: instrument,
            })
        }
        Nullable::Null => default_payment_instrument = Nullable::Null,
        Nullable::Absent => {}
    }
    if request.payment_token.is_some() {
        // The token becomes an instrument, which becomes the default.
        default_payment_instrument = Nullable::Present(DefaultPaymentInstrument {
            method: "payment-card".into(),
            payment_instrument_id: next_id("inst"),
        });
    }
    Customer {
        id: Some(id),
        email: email.into(),
        first_name: address.and_then(|a| a.first_name.as_ref().cloned()).into(),
        last_name: address.and_then(|a| a.last_name.as_ref().cloned()).into(),
        website_id: request.website_id,
        default_payment_instrument,
        created_time: Some(previous.and_then(|p| p.created_time).unwrap_or(now)),
        updated_time: Some(now),
        custom_fields: Some(request.custom_fields.unwrap_or_default()),
        primary_address,
        company: Nullable::Absent,
        average_value: None,
        payment_count: Some(previous.and_then(|p| p.payment_count).unwrap_or(0)),
        last_payment_time: previous.map_or(Nullable::Null, |p| p.last_payment_time),
        lifetime_revenue: None,
        invoice_count: Some(previous.and_then(|p| p.invoice_count).unwrap_or(0)),
        tags: Some(previous.and_then(|p| p.tags.clone()).unwrap_or_default()),
        revision: Some(previous.and_then(|p| p.revision).map_or(1, |r| r + 1)),
        is_edd_required: Some(request.is_edd_required.unwrap_or(false)),
        has_fulfilled_kyc: Some(previous.and_then(|p| p.has_fulfilled_kyc).unwrap_or(false)),
        organization_id: None,
        locale: request.locale,
        tax_numbers: match request.tax_numbers {
            Nullable::Present(numbers) => Nullable::Present(
                numbers
                    .into_iter()
                    .map(|n| TaxNumber {
                        r#type: n.r#type,
                        value: n.value,
                        is_default: n.is_default,
                        is_valid: Nullable::Null,
                    })
                    .collect(),
            ),
            Nullable::Null => Nullable::Null,
            Nullable::Absent => Nullable::Absent,
        },
        embedded: None,
    }
}

/// The stored form of an address: the request's members plus the server's digest.
fn contact(a: ContactObjectRequest) -> ContactObject {
    let mut stored = ContactObject {
        first_name: a.first_name,
        last_name: a.last_name,
        organization: a.organization,
        address: a.address,
        address2: a.address2,
        city: a.city,
        region: a.region,
        country: a.country,
        postal_code: a.postal_code,
        phone_numbers: a.phone_numbers,
        emails: a.emails,
        dob: a.dob,
        job_title: a.job_title,
        hash: None,
    };
    // FNV-1a over the serialized members: equal addresses get equal hashes.
    let text = serde_json::to_string(&stored).unwrap_or_default();
    let digest = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    stored.hash = Some(format!("{digest:016x}"));
    stored
}

/// Folds `source` into `target`: the target keeps what it has and takes what it lacks.
pub fn merge_into(target: &mut Customer, source: Customer) {
    fn fill<T>(slot: &mut Nullable<T>, from: Nullable<T>) {
        if !matches!(slot, Nullable::Present(_)) && matches!(from, Nullable::Present(_)) {
            *slot = from;
        }
    }
    fill(&mut target.email, source.email);
    fill(&mut target.first_name, source.first_name);
    fill(&mut target.last_name, source.last_name);
    fill(&mut target.primary_address, source.primary_address);
    fill(&mut target.default_payment_instrument, source.default_payment_instrument);
    fill(&mut target.locale, source.locale);
    target.website_id = target.website_id.take().or(source.website_id);
    if let Nullable::Present(numbers) = source.tax_numbers {
        match &mut target.tax_numbers {
            Nullable::Present(mine) => mine.extend(numbers),
            slot => *slot = Nullable::Present(numbers),
        }
    }
    let fields = target.custom_fields.get_or_insert_with(Default::default);
    for (key, value) in source.custom_fields.unwrap_or_default() {
        fields.entry(key).or_insert(value);
    }
    let add = |a: Option<i64>, b: Option<i64>| Some(a.unwrap_or(0).saturating_add(b.unwrap_or(0)));
    target.payment_count = add(target.payment_count, source.payment_count);
    target.invoice_count = add(target.invoice_count, source.invoice_count);
    target.revision = Some(target.revision.unwrap_or(0) + 1);
    target.updated_time = Some(Utc::now());
}

/// The customer with only the `fields` asked for (and `id`, always).
pub fn trimmed(customer: Customer, fields: Option<&str>) -> Customer {
    let Some(fields) = fields.filter(|f| !f.trim().is_empty()) else { return customer };
    let Ok(Value::Object(all)) = serde_json::to_value(&customer) else { return customer };
    let keep: Vec<&str> = fields.split(',').map(str::trim).chain(["id"]).collect();
    let kept = all.into_iter().filter(|(k, _)| keep.contains(&k.as_str())).collect();
    serde_json::from_value(Value::Object(kept)).unwrap_or(customer)
}

fn field_text(customer: &Customer, field: &str) -> Option<String> {
    let value = serde_json::to_value(customer).ok()?;
    match value.get(field)? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// `q`: a case-insensitive match against the text fields.
pub fn matches_text(customer: &Customer, q: &str) -> bool {
    let q = q.to_lowercase();
    ["id", "email", "firstName", "lastName", "locale", "websiteId"]
        .iter()
        .filter_map(|f| field_text(customer, f))
        .any(|text| text.to_lowercase().contains(&q))
}

/// `filter`: `field:value1,value2;other:value`, every criterion met, any value per field.
pub fn matches_filter(customer: &Customer, filter: &str) -> bool {
    filter.split(';').filter(|c| !c.trim().is_empty()).all(|criterion| match criterion.split_once(':') {
        Some((field, values)) => {
            let actual = field_text(customer, field.trim());
            values.split(',').any(|v| actual.as_deref() == Some(v.trim()))
        }
        None => true,
    })
}

/// `sort`: fields in priority order, `-` before a field for descending.
pub fn sort_by_fields(customers: &mut [&Customer], sort: &[String]) {
    customers.sort_by(|a, b| {
        for key in sort {
            let (field, descending) = match key.strip_prefix('-') {
                Some(f) => (f, true),
                None => (key.as_str(), false),
            };
            let order = field_text(a, field).cmp(&field_text(b, field));
            let order = if descending { order.reverse() } else { order };
            if order.is_ne() {
                return order;
            }
        }
        std::cmp::Ordering::Equal
    });
}
