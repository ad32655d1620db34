//! What every generated router shares: validation schemas, parameter extraction, request
//! bodies, authentication and RFC 9457 problem responses.
//!
//! Each operation is described by a static [`Operation`]; its handler authenticates the
//! request, then [`Operation::extract`] reads and validates every parameter and the body,
//! reporting every invalid field at once, before the typed values are handed over. A JSON
//! body is checked as the typed value is read from it, in one pass (see `read_checked`);
//! where that cannot be (a union, or other problems to report with the body's), it is
//! checked while it is parsed, without building a `serde_json::Value` (see `check_body`),
//! and the typed value is read after.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::sync::OnceLock;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, RawPathParams, Request};
use axum::http::{header, request::Parts, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::{Map, Value};

use super::multipart::File;
use super::stream::ByteStream;

/// The media type of RFC 9457 problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// What a JSON value must look like: a shape, the rules that apply to it, and whether `null`
/// is allowed too.
pub struct Schema {
    kind: Kind,
    nullable: bool,
    rules: Rules,
}

enum Kind {
    Any,
    Boolean,
    Integer(IntFormat),
    Number,
    String,
    Enum(&'static [&'static str]),
    Array(&'static Schema),
    Object(&'static [Property], Option<&'static Schema>),
    Map(&'static Schema),
    AnyObject,
    Ref(&'static Schema),
    OneOf(&'static [Schema]),
    Tagged(&'static str, &'static [Variant]),
}

/// Which integers an integer schema admits.
#[derive(Clone, Copy)]
pub enum IntFormat {
    /// `int8`.
    I8,
    /// `int16`.
    I16,
    /// `uint8`.
    U8,
    /// `uint16`.
    U16,
    /// `int32`.
    I32,
    /// `int64`, or no format.
    I64,
    /// `uint32`.
    U32,
    /// `uint64`.
    U64,
}

/// A `format` that is checked (others are annotations only).
#[derive(Clone, Copy)]
pub enum Format {
    /// `date-time` (RFC 3339).
    DateTime,
    /// `date` (RFC 3339 `full-date`).
    Date,
    /// `email`.
    Email,
    /// `uuid`.
    Uuid,
    /// `uri`: an absolute URI.
    Uri,
    /// `ipv4`.
    Ipv4,
    /// `ipv6`.
    Ipv6,
    /// `ip`: IPv4 or IPv6.
    Ip,
}

#[derive(Clone, Copy)]
struct Bound {
    value: f64,
    exclusive: bool,
}

/// JSON Schema's validation keywords; each applies to values of its own type only.
struct Rules {
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<&'static Pattern>,
    format: Option<Format>,
    minimum: Option<Bound>,
    maximum: Option<Bound>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    multiple_of: Option<f64>,
    unique_items: bool,
    min_properties: Option<u64>,
    max_properties: Option<u64>,
    /// `additionalProperties: false`: members no property names are invalid.
    closed: bool,
    fixed: Option<&'static str>,
    /// The values an `enum` of numbers, booleans or structures allows, as JSON.
    allowed: Option<&'static [&'static str]>,
}

/// A member of an object schema.
pub struct Property {
    name: &'static str,
    required: bool,
    schema: Schema,
}

/// One alternative of a discriminated union: the tag values that select it.
pub struct Variant {
    tags: &'static [&'static str],
    schema: Schema,
}

/// An ECMA-262 regular expression (with the `u` flag, as JSON Schema asks), compiled on first use.
pub struct Pattern {
    source: &'static str,
    /// What the pattern means, when it only repeats a character class.
    run: Option<Run>,
    compiled: OnceLock<Option<regress::Regex>>,
}

/// Texts of `min..=max` characters (no upper bound without `max`), each within one of
/// `ranges`: what a pattern like `^[A-Z]{2}$` means, as the generator read it.
struct Run {
    ranges: &'static [(char, char)],
    min: usize,
    max: Option<usize>,
}

impl Pattern {
    /// The ECMA-262 pattern `source`, compiled when first used.
    pub const fn new(source: &'static str) -> Self {
        Pattern { source, run: None, compiled: OnceLock::new() }
    }

    /// A pattern that only repeats a character class, checked without the regex engine.
    pub const fn run(source: &'static str, ranges: &'static [(char, char)], min: usize, max: Option<usize>) -> Self {
        Pattern { source, run: Some(Run { ranges, min, max }), compiled: OnceLock::new() }
    }

    fn is_match(&self, text: &str) -> bool {
        if let Some(run) = &self.run {
            return run.matches(text);
        }
        // The generator only emits patterns that compile; one that did not would match anything.
        let regex = self.compiled.get_or_init(|| regress::Regex::with_flags(self.source, "u").ok());
        regex.as_ref().is_none_or(|r| r.find(text).is_some())
    }
}

impl Run {
    fn matches(&self, text: &str) -> bool {
        let mut count = 0;
        for c in text.chars() {
            count += 1;
            let within = self.ranges.iter().any(|&(first, last)| first <= c && c <= last);
            if !within || self.max.is_some_and(|max| count > max) {
                return false;
            }
        }
        count >= self.min
    }
}

impl Property {
    /// A member that must be present.
    pub const fn required(name: &'static str, schema: Schema) -> Self {
        Property { name, required: true, schema }
    }

    /// A member that may be absent.
    pub const fn optional(name: &'static str, schema: Schema) -> Self {
        Property { name, required: false, schema }
    }
}

impl Variant {
    /// The alternative of a tagged union chosen by one of `tags`.
    pub const fn new(tags: &'static [&'static str], schema: Schema) -> Self {
        Variant { tags, schema }
    }
}

impl Schema {
    const fn of(kind: Kind) -> Self {
        Schema {
            kind,
            nullable: false,
            rules: Rules {
                min_length: None,
                max_length: None,
                pattern: None,
                format: None,
                minimum: None,
                maximum: None,
                min_items: None,
                max_items: None,
                multiple_of: None,
                unique_items: false,
                min_properties: None,
                max_properties: None,
                closed: false,
                fixed: None,
                allowed: None,
            },
        }
    }

    /// Any JSON value.
    pub const fn any() -> Self {
        Self::of(Kind::Any)
    }

    /// `true` or `false`.
    pub const fn boolean() -> Self {
        Self::of(Kind::Boolean)
    }

    /// An integer of `format`'s range.
    pub const fn integer(format: IntFormat) -> Self {
        Self::of(Kind::Integer(format))
    }

    /// Any number.
    pub const fn number() -> Self {
        Self::of(Kind::Number)
    }

    /// A string.
    pub const fn string() -> Self {
        Self::of(Kind::String)
    }

    /// One of the strings `values`.
    pub const fn enumeration(values: &'static [&'static str]) -> Self {
        Self::of(Kind::Enum(values))
    }

    /// An array whose items are `items`.
    pub const fn array(items: &'static Schema) -> Self {
        Self::of(Kind::Array(items))
    }

    /// An object with the members `properties`; members not listed are allowed.
    pub const fn object(properties: &'static [Property]) -> Self {
        Self::of(Kind::Object(properties, None))
    }

    /// An object whose members beyond `properties` must match `additional`.
    pub const fn object_with(properties: &'static [Property], additional: &'static Schema) -> Self {
        Self::of(Kind::Object(properties, Some(additional)))
    }

    /// An object whose members are all `values`.
    pub const fn map(values: &'static Schema) -> Self {
        Self::of(Kind::Map(values))
    }

    /// Any object.
    pub const fn any_object() -> Self {
        Self::of(Kind::AnyObject)
    }

    /// The schema of a named type.
    pub const fn reference(target: &'static Schema) -> Self {
        Self::of(Kind::Ref(target))
    }

    /// Exactly one of `alternatives`.
    pub const fn one_of(alternatives: &'static [Schema]) -> Self {
        Self::of(Kind::OneOf(alternatives))
    }

    /// A union whose member `property` names the alternative.
    pub const fn tagged(property: &'static str, variants: &'static [Variant]) -> Self {
        Self::of(Kind::Tagged(property, variants))
    }

    /// `null` allowed too.
    pub const fn nullable(mut self) -> Self {
        self.nullable = true;
        self
    }

    /// At least `n` characters.
    pub const fn min_length(mut self, n: u64) -> Self {
        self.rules.min_length = Some(n);
        self
    }

    /// At most `n` characters.
    pub const fn max_length(mut self, n: u64) -> Self {
        self.rules.max_length = Some(n);
        self
    }

    /// Matching `pattern`.
    pub const fn pattern(mut self, pattern: &'static Pattern) -> Self {
        self.rules.pattern = Some(pattern);
        self
    }

    /// A string of `format`.
    pub const fn format(mut self, format: Format) -> Self {
        self.rules.format = Some(format);
        self
    }

    /// At least `value`.
    pub const fn minimum(mut self, value: f64) -> Self {
        self.rules.minimum = Some(Bound { value, exclusive: false });
        self
    }

    /// More than `value`.
    pub const fn exclusive_minimum(mut self, value: f64) -> Self {
        self.rules.minimum = Some(Bound { value, exclusive: true });
        self
    }

    /// At most `value`.
    pub const fn maximum(mut self, value: f64) -> Self {
        self.rules.maximum = Some(Bound { value, exclusive: false });
        self
    }

    /// Less than `value`.
    pub const fn exclusive_maximum(mut self, value: f64) -> Self {
        self.rules.maximum = Some(Bound { value, exclusive: true });
        self
    }

    /// At least `n` items.
    pub const fn min_items(mut self, n: u64) -> Self {
        self.rules.min_items = Some(n);
        self
    }

    /// At most `n` items.
    pub const fn max_items(mut self, n: u64) -> Self {
        self.rules.max_items = Some(n);
        self
    }

    /// The only value allowed (`const`), as JSON.
    pub const fn fixed(mut self, json: &'static str) -> Self {
        self.rules.fixed = Some(json);
        self
    }

    /// A multiple of `n`.
    pub const fn multiple_of(mut self, n: f64) -> Self {
        self.rules.multiple_of = Some(n);
        self
    }

    /// No two items equal.
    pub const fn unique_items(mut self) -> Self {
        self.rules.unique_items = true;
        self
    }

    /// At least `n` members.
    pub const fn min_properties(mut self, n: u64) -> Self {
        self.rules.min_properties = Some(n);
        self
    }

    /// At most `n` members.
    pub const fn max_properties(mut self, n: u64) -> Self {
        self.rules.max_properties = Some(n);
        self
    }

    /// No members but the listed ones (`additionalProperties: false`).
    pub const fn closed(mut self) -> Self {
        self.rules.closed = true;
        self
    }

    /// One of the values `values` (an enumeration of strings).
    pub const fn allowed(mut self, values: &'static [&'static str]) -> Self {
        self.rules.allowed = Some(values);
        self
    }

    /// The schema that decides a value's shape: references followed.
    fn resolved(&self) -> &Schema {
        match self.kind {
            Kind::Ref(target) => target.resolved(),
            _ => self,
        }
    }

    /// Whether `null` is allowed: the schema says so, allows anything, or names a type that does.
    fn allows_null(&self) -> bool {
        self.nullable || matches!(self.kind, Kind::Any) || self.ref_allows_null()
    }

    fn ref_allows_null(&self) -> bool {
        match self.kind {
            Kind::Ref(target) => target.nullable || target.ref_allows_null(),
            _ => false,
        }
    }

    /// Whether checking a value takes the value whole (a union picks its alternative by it, a
    /// `const` compares it), rather than a look at each member as it is read.
    fn needs_whole_value(&self) -> bool {
        // Rules that compare whole values (`const`, `enum` beyond strings, `uniqueItems`) or
        // count an object's distinct members see them as `Value`s.
        self.rules.fixed.is_some()
            || self.rules.allowed.is_some()
            || self.rules.unique_items
            || self.rules.closed
            || self.rules.min_properties.is_some()
            || self.rules.max_properties.is_some()
            || match self.kind {
                Kind::OneOf(_) | Kind::Tagged(..) => true,
                Kind::Ref(target) => target.needs_whole_value(),
                _ => false,
            }
    }

    /// What is wrong with the shape of a non-null value for this schema's kind, if anything.
    /// References and `oneOf` are judged by what they point to.
    fn mismatch(&self, seen: &Seen<'_>) -> Option<String> {
        let message = match (&self.kind, seen) {
            (Kind::Any | Kind::Ref(_) | Kind::OneOf(_), _)
            | (Kind::Boolean, Seen::Bool)
            | (Kind::Number, Seen::Number(_))
            | (Kind::String, Seen::String(_))
            | (Kind::Array(_), Seen::Array(_))
            | (Kind::Object(..) | Kind::Map(_) | Kind::AnyObject | Kind::Tagged(..), Seen::Object) => return None,
            (Kind::Integer(format), Seen::Number(n)) if format.admits(n) => return None,
            (Kind::Enum(values), Seen::String(text)) if values.contains(text) => return None,
            (Kind::Enum(values), _) => return Some(format!("must be one of {}", quoted_list(values))),
            (Kind::Boolean, _) => "must be a boolean",
            (Kind::Integer(format), _) => format.requirement(),
            (Kind::Number, _) => "must be a number",
            (Kind::String, _) => "must be a string",
            (Kind::Array(_), _) => "must be an array",
            (Kind::Object(..) | Kind::Map(_) | Kind::AnyObject | Kind::Tagged(..), _) => "must be an object",
        };
        Some(message.to_owned())
    }

    /// Appends a problem to `errors` for everything wrong with `value`.
    fn check(&self, value: &Value, at: &mut FieldPath, errors: &mut Vec<InvalidField>) {
        let Some(seen) = Seen::of(value) else {
            if !self.allows_null() {
                errors.push(at.invalid("must not be null"));
            }
            return;
        };
        match self.kind {
            Kind::Ref(target) => target.check(value, at, errors),
            Kind::OneOf(alternatives) => {
                let fits = alternatives.iter().any(|alt| {
                    let mut scratch = Vec::new();
                    alt.check(value, at, &mut scratch);
                    scratch.is_empty()
                });
                if !fits {
                    return errors.push(at.invalid("matches none of the allowed shapes"));
                }
            }
            Kind::Tagged(property, variants) => {
                let Some(object) = value.as_object() else { return errors.push(at.invalid("must be an object")) };
                let tag = object.get(property).and_then(Value::as_str);
                match variants.iter().find(|v| tag.is_some_and(|t| v.tags.contains(&t))) {
                    Some(variant) => variant.schema.check(value, at, errors),
                    None => {
                        let tags: Vec<&str> = variants.iter().flat_map(|v| v.tags.iter().copied()).collect();
                        at.push(property.to_string());
                        errors.push(at.invalid(format!("must be one of {}", quoted_list(&tags))));
                        at.pop();
                    }
                }
            }
            _ => {
                if let Some(message) = self.mismatch(&seen) {
                    errors.push(at.invalid(message));
                    // A boolean's other rules still apply; every other kind stops here.
                    if !matches!(self.kind, Kind::Boolean) {
                        return;
                    }
                }
                match (&self.kind, value) {
                    (Kind::Array(items), Value::Array(list)) => {
                        for (i, item) in list.iter().enumerate() {
                            at.push(i.to_string());
                            items.check(item, at, errors);
                            at.pop();
                        }
                    }
                    (Kind::Object(properties, additional), Value::Object(object)) => {
                        check_properties(properties, object, at, errors);
                        for (name, member) in
                            object.iter().filter(|(name, _)| properties.iter().all(|p| p.name != *name))
                        {
                            at.push(name.clone());
                            match additional {
                                Some(additional) => additional.check(member, at, errors),
                                None if self.rules.closed => errors.push(at.invalid("is not allowed")),
                                None => {}
                            }
                            at.pop();
                        }
                    }
                    (Kind::Map(values), Value::Object(object)) => {
                        for (name, member) in object {
                            at.push(name.clone());
                            values.check(member, at, errors);
                            at.pop();
                        }
                    }
                    _ => {}
                }
            }
        }
        self.rules.check(value, &seen, at, errors);
    }
}

fn check_properties(
    properties: &[Property],
    object: &Map<String, Value>,
    at: &mut FieldPath,
    errors: &mut Vec<InvalidField>,
) {
    for property in properties {
        at.push(property.name.to_string());
        match object.get(property.name) {
            Some(member) => property.schema.check(member, at, errors),
            None if property.required => errors.push(at.invalid("is required")),
            None => {}
        }
        at.pop();
    }
}

fn quoted_list(values: &[&str]) -> String {
    values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}

impl IntFormat {
    fn admits(self, n: &serde_json::Number) -> bool {
        match self {
            IntFormat::I8 => n.as_i64().is_some_and(|n| i8::try_from(n).is_ok()),
            IntFormat::I16 => n.as_i64().is_some_and(|n| i16::try_from(n).is_ok()),
            IntFormat::U8 => n.as_u64().is_some_and(|n| u8::try_from(n).is_ok()),
            IntFormat::U16 => n.as_u64().is_some_and(|n| u16::try_from(n).is_ok()),
            IntFormat::I32 => n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            IntFormat::I64 => n.as_i64().is_some(),
            IntFormat::U32 => n.as_u64().is_some_and(|n| u32::try_from(n).is_ok()),
            IntFormat::U64 => n.as_u64().is_some(),
        }
    }

    fn requirement(self) -> &'static str {
        match self {
            IntFormat::I8 => "must be an integer from -128 to 127",
            IntFormat::I16 => "must be an integer from -32768 to 32767",
            IntFormat::U8 => "must be an integer from 0 to 255",
            IntFormat::U16 => "must be an integer from 0 to 65535",
            IntFormat::I32 => "must be an integer that fits in 32 bits",
            IntFormat::I64 => "must be an integer that fits in 64 bits",
            IntFormat::U32 => "must be a non-negative integer that fits in 32 bits",
            IntFormat::U64 => "must be a non-negative integer that fits in 64 bits",
        }
    }
}

/// A non-null JSON value as far as a schema's kind and rules look at it: its type, the text
/// of a string, the value of a number, the length of an array.
enum Seen<'a> {
    Bool,
    Number(serde_json::Number),
    String(&'a str),
    Array(usize),
    Object,
}

impl Seen<'_> {
    /// What the rules see of `value`; nothing when it is `null`.
    fn of(value: &Value) -> Option<Seen<'_>> {
        Some(match value {
            Value::Null => return None,
            Value::Bool(_) => Seen::Bool,
            Value::Number(n) => Seen::Number(n.clone()),
            Value::String(text) => Seen::String(text),
            Value::Array(items) => Seen::Array(items.len()),
            Value::Object(_) => Seen::Object,
        })
    }
}

impl Rules {
    fn check(&self, value: &Value, seen: &Seen<'_>, at: &FieldPath, errors: &mut Vec<InvalidField>) {
        if let Some(json) = self.fixed {
            if serde_json::from_str::<Value>(json).is_ok_and(|fixed| !same_json(&fixed, value)) {
                errors.push(at.invalid(format!("must be {json}")));
            }
        }
        if let Some(allowed) = self.allowed {
            // Numbers compare by value (`1.0` is `1`), as JSON Schema compares them.
            let same = |json: &&str| serde_json::from_str::<Value>(json).is_ok_and(|v| same_json(&v, value));
            if !allowed.iter().any(same) {
                errors.push(at.invalid(format!("must be one of {}", allowed.join(", "))));
            }
        }
        if let Value::Object(members) = value {
            let count = members.len() as u64;
            if let Some(min) = self.min_properties.filter(|&min| count < min) {
                errors.push(at.invalid(format!("must have at least {min} member{}", plural(min))));
            }
            if let Some(max) = self.max_properties.filter(|&max| count > max) {
                errors.push(at.invalid(format!("must have at most {max} member{}", plural(max))));
            }
        }
        if let (true, Value::Array(items)) = (self.unique_items, value) {
            if items.iter().enumerate().any(|(i, item)| items[..i].iter().any(|seen| same_json(seen, item))) {
                errors.push(at.invalid("must not repeat an item"));
            }
        }
        self.check_seen(seen, |message| errors.push(at.invalid(message)));
    }

    /// The rules that look at a value's type, text, number or length (all but `const`);
    /// `fail` receives the problem each broken rule names.
    fn check_seen(&self, seen: &Seen<'_>, mut fail: impl FnMut(String)) {
        match *seen {
            Seen::String(text) => self.check_string(text, fail),
            Seen::Number(ref n) => {
                let Some(n) = n.as_f64() else { return };
                if let Some(m) = self.multiple_of {
                    // In floating point, 0.3 / 0.1 is 2.9999999999999996: allow for rounding.
                    let quotient = n / m;
                    if (quotient - quotient.round()).abs() > 1e-9 * quotient.abs().max(1.0) {
                        fail(format!("must be a multiple of {m}"));
                    }
                }
                if let Some(b) = self.minimum {
                    if n < b.value || (b.exclusive && n == b.value) {
                        let relation = if b.exclusive { "greater than" } else { "at least" };
                        fail(format!("must be {relation} {}", b.value));
                    }
                }
                if let Some(b) = self.maximum {
                    if n > b.value || (b.exclusive && n == b.value) {
                        let relation = if b.exclusive { "less than" } else { "at most" };
                        fail(format!("must be {relation} {}", b.value));
                    }
                }
            }
            Seen::Array(count) => {
                let count = count as u64;
                if let Some(min) = self.min_items.filter(|&min| count < min) {
                    fail(format!("must have at least {min} item{}", plural(min)));
                }
                if let Some(max) = self.max_items.filter(|&max| count > max) {
                    fail(format!("must have at most {max} item{}", plural(max)));
                }
            }
            Seen::Bool | Seen::Object => {}
        }
    }

    fn check_string(&self, text: &str, mut fail: impl FnMut(String)) {
        // JSON Schema counts characters (code points), not bytes; there are no more of them
        // than bytes, so a short text needs no count against a maximum.
        if self.min_length.is_some() || self.max_length.is_some_and(|max| text.len() as u64 > max) {
            let length = text.chars().count() as u64;
            if let Some(min) = self.min_length.filter(|&min| length < min) {
                fail(format!("must be at least {min} character{} long", plural(min)));
            }
            if let Some(max) = self.max_length.filter(|&max| length > max) {
                fail(format!("must be at most {max} character{} long", plural(max)));
            }
        }
        if let Some(pattern) = self.pattern.filter(|p| !p.is_match(text)) {
            fail(format!("must match the pattern `{}`", pattern.source));
        }
        if let Some(format) = self.format {
            let (valid, what) = match format {
                Format::DateTime => (is_date_time(text), "an RFC 3339 date-time"),
                Format::Date => (is_date(text), "a date (YYYY-MM-DD)"),
                Format::Email => (is_email(text), "an email address"),
                Format::Uuid => (is_uuid(text), "a UUID"),
                Format::Uri => (is_uri(text), "an absolute URI"),
                Format::Ipv4 => (text.parse::<std::net::Ipv4Addr>().is_ok(), "an IPv4 address"),
                Format::Ipv6 => (text.parse::<std::net::Ipv6Addr>().is_ok(), "an IPv6 address"),
                Format::Ip => (text.parse::<std::net::IpAddr>().is_ok(), "an IPv4 or IPv6 address"),
            };
            if !valid {
                fail(format!("must be {what}"));
            }
        }
    }
}

/// JSON equality as JSON Schema has it: numbers by value, so `1.0` equals `1`.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64().is_some_and(|x| y.as_f64() == Some(x)),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// RFC 3339 `full-date`.
fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (digits(&text[..4]), digits(&text[5..7]), digits(&text[8..])) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// RFC 3339 `date-time`: `full-date "T" full-time`, with a `Z` or numeric offset.
fn is_date_time(text: &str) -> bool {
    let Some((date, time)) = text.split_once(['T', 't']) else { return false };
    if !is_date(date) {
        return false;
    }
    let (clock, offset) = match time.find(['Z', 'z', '+', '-']) {
        Some(i) => time.split_at(i),
        None => return false,
    };
    let offset_ok = match offset {
        "Z" | "z" => true,
        _ => {
            let b = offset.as_bytes();
            b.len() == 6
                && b[3] == b':'
                && digits(&offset[1..3]).is_some_and(|h| h < 24)
                && digits(&offset[4..]).is_some_and(|m| m < 60)
        }
    };
    let (hms, fraction) = match clock.split_once('.') {
        Some((hms, fraction)) => (hms, Some(fraction)),
        None => (clock, None),
    };
    let b = hms.as_bytes();
    offset_ok
        && b.len() == 8
        && b[2] == b':'
        && b[5] == b':'
        && digits(&hms[..2]).is_some_and(|h| h < 24)
        && digits(&hms[3..5]).is_some_and(|m| m < 60)
        && digits(&hms[6..]).is_some_and(|s| s <= 60)
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|c| c.is_ascii_digit()))
}

/// An addr-spec without quoting or comments: `local@domain`, the domain a dotted host name
/// or a bracketed address literal.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else { return false };
    const SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~";
    let atom = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || SPECIALS.contains(c));
    let local_ok = local.len() <= 64 && local.split('.').all(atom);
    let label = |s: &str| {
        !s.is_empty()
            && s.len() <= 63
            && !s.starts_with('-')
            && !s.ends_with('-')
            && s.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let domain_ok = match domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        Some(literal) => {
            literal.parse::<std::net::Ipv4Addr>().is_ok()
                || literal.strip_prefix("IPv6:").is_some_and(|v6| v6.parse::<std::net::Ipv6Addr>().is_ok())
        }
        None => domain.len() <= 253 && domain.split('.').all(label),
    };
    local_ok && domain_ok
}

fn is_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// RFC 3986 absolute URI: a scheme, a colon, and no characters a URI cannot hold.
fn is_uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else { return false };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    scheme_ok && rest.chars().all(|c| c.is_ascii_graphic() && !"<>\"{}|\\^`".contains(c))
}

/// Where a field sits: a parameter's name, or a dotted path into the body.
#[derive(Default)]
struct FieldPath {
    /// The parameter the value is; none for the body.
    param: Option<&'static str>,
    /// Members and indices below it.
    steps: Vec<String>,
}

impl FieldPath {
    fn param(name: &'static str) -> Self {
        FieldPath { param: Some(name), steps: Vec::new() }
    }

    fn push(&mut self, segment: String) {
        self.steps.push(segment);
    }

    fn pop(&mut self) {
        self.steps.pop();
    }

    fn invalid(&self, message: impl Into<String>) -> InvalidField {
        let mut parts = self.param.into_iter().chain(self.steps.iter().map(String::as_str));
        let field = parts.next().map(|first| {
            parts.fold(first.to_owned(), |mut field, part| {
                field.push('.');
                field.push_str(part);
                field
            })
        });
        InvalidField { field, message: message.into() }
    }
}

/// One entry of `invalidFields`.
#[derive(Serialize)]
pub struct InvalidField {
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    message: String,
}

/// Checks a JSON body against `schema` while parsing it, without building a `Value`.
///
/// The problems are the ones [`Schema::check`] finds in the parsed value, in the same order;
/// the body is malformed exactly when `serde_json::from_slice::<Value>` says so, with the same
/// error, since every part of it is read as that reads it. A union or a `const` takes its
/// value whole: that part alone is built as a `Value` and given to [`Schema::check`].
fn check_body(schema: &Schema, body: &[u8]) -> Result<BodyCheck, serde_json::Error> {
    // Text known to be UTF-8 spares the parser checking each string; other bytes get the
    // error they always got.
    match std::str::from_utf8(body) {
        Ok(text) => check_json(schema, serde_json::Deserializer::from_str(text)),
        Err(_) => check_json(schema, serde_json::Deserializer::from_slice(body)),
    }
}

fn check_json<'de, R: serde_json::de::Read<'de>>(
    schema: &Schema,
    mut parser: serde_json::Deserializer<R>,
) -> Result<BodyCheck, serde_json::Error> {
    let mut walk = Walk::new();
    let problems = Check { schema, walk: &mut walk }.deserialize(&mut parser)?;
    parser.end()?;
    Ok(BodyCheck { repeats: walk.repeats, errors: walk.into_errors(problems) })
}

/// What [`check_body`] found.
struct BodyCheck {
    errors: Vec<InvalidField>,
    /// Whether an object in a part taken whole repeats a member. The check saw only the last
    /// occurrence (as a `Value` keeps it), but an untagged union reading the body directly
    /// would see every one: the typed body must then be read from a `Value`.
    repeats: bool,
}

/// Where [`check_body`] is in the body, and what it found so far.
struct Walk<'de> {
    /// The members and items that lead to the value being read.
    path: Vec<Step<'de>>,
    /// Every problem found, in the order found, with the one listed after it.
    found: Vec<(Option<InvalidField>, Option<usize>)>,
    /// One entry per property of each object being read (innermost last): the problems of
    /// its last occurrence.
    properties: Vec<Option<Chain>>,
    /// See [`BodyCheck::repeats`].
    repeats: bool,
    /// The problems of the value [`Checked`] read last.
    last: Chain,
    /// Whether [`Checked`] met a part it cannot check as it goes.
    bailed: bool,
}

/// The problems of one value, in [`Schema::check`]'s order: a chain through [`Walk::found`],
/// so that an object puts its members' problems in order without moving any.
#[derive(Clone, Copy, Default)]
struct Chain {
    /// The first problem and the last.
    ends: Option<(usize, usize)>,
}

/// One step of a path into the body.
enum Step<'de> {
    Property(&'static str),
    Member(Cow<'de, str>),
    Item(usize),
}

impl Step<'_> {
    fn write_to(&self, out: &mut String) {
        match self {
            Step::Property(name) => out.push_str(name),
            Step::Member(name) => out.push_str(name),
            Step::Item(index) => {
                let _ = write!(out, "{index}");
            }
        }
    }
}

impl<'de> Walk<'de> {
    fn new() -> Self {
        // Room for the usual depth and breadth, so that the walk seldom grows them.
        let (path, properties) = (Vec::with_capacity(8), Vec::with_capacity(32));
        Walk { path, found: Vec::new(), properties, repeats: false, last: Chain::default(), bailed: false }
    }

    /// Appends `tail` to `chain`.
    fn join(&mut self, chain: &mut Chain, tail: Chain) {
        match (chain.ends, tail.ends) {
            (Some((first, last)), Some((next, end))) => {
                self.found[last].1 = Some(next);
                chain.ends = Some((first, end));
            }
            (None, _) => *chain = tail,
            (_, None) => {}
        }
    }

    /// Appends `error` to `chain`.
    fn add(&mut self, chain: &mut Chain, error: InvalidField) {
        self.found.push((Some(error), None));
        let i = self.found.len() - 1;
        self.join(chain, Chain { ends: Some((i, i)) });
    }

    /// Appends a problem with the value being read to `chain`.
    fn fail(&mut self, chain: &mut Chain, message: impl Into<String>) {
        let field = self.path.split_first().map(|(first, rest)| {
            let mut field = String::new();
            first.write_to(&mut field);
            for step in rest {
                field.push('.');
                step.write_to(&mut field);
            }
            field
        });
        self.add(chain, InvalidField { field, message: message.into() });
    }

    /// The problems in `chain`, in order.
    fn into_errors(mut self, chain: Chain) -> Vec<InvalidField> {
        let mut errors = Vec::new();
        let mut next = chain.ends.map(|(first, _)| first);
        while let Some((error, after)) = next.and_then(|i| self.found.get_mut(i)) {
            errors.extend(error.take());
            next = after.take();
        }
        errors
    }

    /// What is wrong with a non-null value of the shape `seen`, its members and items aside
    /// (they were checked as they were read), in [`Schema::check`]'s order: what a reference
    /// points to first, then the reference's own rules.
    fn judge(&mut self, schema: &Schema, seen: &Seen<'_>) -> Chain {
        let mut chain = Chain::default();
        if let Kind::Ref(target) = schema.kind {
            chain = self.judge(target, seen);
        } else if let Some(message) = schema.mismatch(seen) {
            self.fail(&mut chain, message);
            // A boolean's other rules still apply; every other kind stops here.
            if !matches!(schema.kind, Kind::Boolean) {
                return chain;
            }
        }
        schema.rules.check_seen(seen, |message| self.fail(&mut chain, message));
        chain
    }

    /// Reads an object's members, each property against its schema and every other member
    /// against `additional` (or not at all without it); their problems in [`Schema::check`]'s
    /// order (see [`Walk::close`]).
    fn object<A: MapAccess<'de>>(
        &mut self,
        properties: &'static [Property],
        additional: Option<&Schema>,
        access: &mut A,
    ) -> Result<Chain, A::Error> {
        let mut members = self.open(properties, additional);
        while let Some(name) = access.next_key_seed(Name)? {
            let slot = self.enter(&mut members, name);
            let problems = match slot {
                Slot::Property(_, schema) | Slot::Other(schema) => {
                    access.next_value_seed(Check { schema, walk: self })?
                }
                Slot::Unchecked => {
                    access.next_value_seed(Skip)?;
                    Chain::default()
                }
            };
            self.leave(&mut members, slot, problems);
        }
        Ok(self.close(members))
    }

    /// Starts reading an object with these properties and rule for other members.
    fn open<'s>(&mut self, properties: &'static [Property], additional: Option<&'s Schema>) -> Members<'s, 'de> {
        let slots = self.properties.len();
        self.properties.resize(slots + properties.len(), None);
        Members { properties, additional, slots, next: 0, others: Vec::new() }
    }

    /// Where the member `name` goes; a member that is checked is stepped into, until
    /// [`Walk::leave`].
    fn enter<'s>(&mut self, members: &mut Members<'s, 'de>, name: Cow<'de, str>) -> Slot<'s> {
        let (properties, next) = (members.properties, members.next);
        // Members mostly come in the schema's order: look for each from where the last one was.
        if let Some(i) = (next..properties.len()).chain(0..next).find(|&i| properties[i].name == name) {
            members.next = i + 1;
            self.path.push(Step::Property(properties[i].name));
            Slot::Property(i, &properties[i].schema)
        } else if let Some(schema) = members.additional {
            self.path.push(Step::Member(name));
            Slot::Other(schema)
        } else {
            Slot::Unchecked
        }
    }

    /// Keeps the problems of the member in `slot` (of a repeated member, the last occurrence
    /// counts) and steps out of it.
    fn leave(&mut self, members: &mut Members<'_, 'de>, slot: Slot<'_>, problems: Chain) {
        match slot {
            Slot::Property(i, _) => {
                self.path.pop();
                self.properties[members.slots + i] = Some(problems);
            }
            Slot::Other(_) => {
                if let Some(Step::Member(name)) = self.path.pop() {
                    members.others.push((name, problems));
                }
            }
            Slot::Unchecked => {}
        }
    }

    /// The problems of an object whose members are all read: properties in the schema's
    /// order, with a missing required one where it would stand, then other members in the
    /// order a `serde_json::Map` keeps them.
    fn close(&mut self, members: Members<'_, 'de>) -> Chain {
        let mut chain = Chain::default();
        for (i, property) in members.properties.iter().enumerate() {
            match self.properties[members.slots + i].take() {
                Some(problems) => self.join(&mut chain, problems),
                None if property.required => {
                    self.path.push(Step::Property(property.name));
                    self.fail(&mut chain, "is required");
                    self.path.pop();
                }
                None => {}
            }
        }
        self.properties.truncate(members.slots);
        let others = members.others;
        if others.iter().any(|(_, problems)| problems.ends.is_some()) {
            for i in map_order(others.iter().map(|(name, _)| &**name)) {
                self.join(&mut chain, others[i].1);
            }
        }
        chain
    }
}

/// The members of an object being read: see [`Walk::open`].
struct Members<'s, 'de> {
    properties: &'static [Property],
    /// The rule for members no property names.
    additional: Option<&'s Schema>,
    /// Where this object's entries start in [`Walk::properties`].
    slots: usize,
    /// The property after the one found last.
    next: usize,
    /// Members checked against `additional`, with their problems.
    others: Vec<(Cow<'de, str>, Chain)>,
}

/// Where a member's value goes (see [`Walk::enter`]).
#[derive(Clone, Copy)]
enum Slot<'s> {
    /// The `i`th property, checked against its schema.
    Property(usize, &'s Schema),
    /// A member no property names, checked against the rule for such members.
    Other(&'s Schema),
    /// A member no schema looks into.
    Unchecked,
}

/// The indices of `names` in the order a `serde_json::Map` holding them iterates, one for each
/// distinct name (its last occurrence): the order [`Schema::check`] visits members in.
fn map_order<'a>(names: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let mut map = Map::new();
    for (i, name) in names.enumerate() {
        map.insert(name.to_owned(), Value::from(i));
    }
    map.values().filter_map(Value::as_u64).filter_map(|i| usize::try_from(i).ok()).collect()
}

/// Checks one value of the body against `schema` as it is parsed; its problems are the result.
struct Check<'a, 'de> {
    schema: &'a Schema,
    walk: &'a mut Walk<'de>,
}

impl<'de> DeserializeSeed<'de> for Check<'_, 'de> {
    type Value = Chain;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Chain, D::Error> {
        if !self.schema.needs_whole_value() {
            return deserializer.deserialize_any(self);
        }
        let value = deserializer.deserialize_any(Whole { repeats: &mut self.walk.repeats })?;
        let steps = self.walk.path.iter().map(|step| {
            let mut text = String::new();
            step.write_to(&mut text);
            text
        });
        let mut at = FieldPath { param: None, steps: steps.collect() };
        let mut errors = Vec::new();
        self.schema.check(&value, &mut at, &mut errors);
        let mut chain = Chain::default();
        for error in errors {
            self.walk.add(&mut chain, error);
        }
        Ok(chain)
    }
}

impl Check<'_, '_> {
    fn null(self) -> Chain {
        let mut chain = Chain::default();
        if !self.schema.allows_null() {
            self.walk.fail(&mut chain, "must not be null");
        }
        chain
    }
}

impl<'de> Visitor<'de> for Check<'_, 'de> {
    type Value = Chain;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Chain, E> {
        Ok(self.null())
    }

    fn visit_bool<E>(self, _: bool) -> Result<Chain, E> {
        Ok(self.walk.judge(self.schema, &Seen::Bool))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Chain, E> {
        Ok(self.walk.judge(self.schema, &Seen::Number(n.into())))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Chain, E> {
        Ok(self.walk.judge(self.schema, &Seen::Number(n.into())))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Chain, E> {
        match serde_json::Number::from_f64(n) {
            Some(n) => Ok(self.walk.judge(self.schema, &Seen::Number(n))),
            // As a `Value` holds it: a number JSON cannot write is null.
            None => Ok(self.null()),
        }
    }

    fn visit_str<E>(self, text: &str) -> Result<Chain, E> {
        Ok(self.walk.judge(self.schema, &Seen::String(text)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Chain, A::Error> {
        let mut chain = Chain::default();
        let mut count = 0;
        if let Kind::Array(schema) = self.schema.resolved().kind {
            loop {
                self.walk.path.push(Step::Item(count));
                let item = items.next_element_seed(Check { schema, walk: self.walk })?;
                self.walk.path.pop();
                let Some(problems) = item else { break };
                self.walk.join(&mut chain, problems);
                count += 1;
            }
        } else {
            while items.next_element_seed(Skip)?.is_some() {
                count += 1;
            }
        }
        let own = self.walk.judge(self.schema, &Seen::Array(count));
        self.walk.join(&mut chain, own);
        Ok(chain)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Chain, A::Error> {
        let mut chain = match self.schema.resolved().kind {
            Kind::Object(properties, additional) => self.walk.object(properties, additional, &mut members)?,
            Kind::Map(values) => self.walk.object(&[], Some(values), &mut members)?,
            _ => {
                while members.next_key_seed(Skip)?.is_some() {
                    members.next_value_seed(Skip)?;
                }
                Chain::default()
            }
        };
        let own = self.walk.judge(self.schema, &Seen::Object);
        self.walk.join(&mut chain, own);
        Ok(chain)
    }
}

/// Builds a `Value` as `Value::deserialize` does, noting whether an object repeats a member.
struct Whole<'a> {
    repeats: &'a mut bool,
}

impl<'de> DeserializeSeed<'de> for Whole<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Whole<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(n.into())
    }

    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        Ok(n.into())
    }

    fn visit_f64<E>(self, n: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, text: &str) -> Result<Value, E> {
        Ok(Value::String(text.to_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut list = Vec::new();
        while let Some(item) = items.next_element_seed(Whole { repeats: &mut *self.repeats })? {
            list.push(item);
        }
        Ok(Value::Array(list))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(name) = members.next_key::<String>()? {
            let member = members.next_value_seed(Whole { repeats: &mut *self.repeats })?;
            if object.insert(name, member).is_some() {
                *self.repeats = true;
            }
        }
        Ok(Value::Object(object))
    }
}

/// Reads a member name, borrowed from the body unless it holds escapes.
struct Name;

impl<'de> DeserializeSeed<'de> for Name {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Cow<'de, str>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Name {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, name: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(name))
    }

    fn visit_str<E>(self, name: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(name.to_owned()))
    }
}

/// Reads a value no schema looks into. Unlike `IgnoredAny`, which skims numbers and escapes,
/// it parses every part as a `Value` would, so what is malformed there is malformed here.
struct Skip;

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        while items.next_element_seed(Skip)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<(), A::Error> {
        while members.next_key_seed(Skip)?.is_some() {
            members.next_value_seed(Skip)?;
        }
        Ok(())
    }
}

/// Reads the typed body `T` from `text` and checks it against `schema` in the same pass: the
/// typed reader pulls every value through [`Checked`], which judges it as [`Check`] would
/// before handing it on, so the problems are [`check_body`]'s, in its order.
///
/// `None` when the typed read fails (the text is malformed, or the value is not of the
/// type: the check then says what is wrong) or a part needs its value whole (a union, a
/// `const`); the body must then be checked first and read after.
fn read_checked<T: DeserializeOwned>(schema: &Schema, text: &str) -> Option<Result<T, Vec<InvalidField>>> {
    let mut walk = Walk::new();
    let mut parser = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(Checked { inner: &mut parser, schema: Some(schema), walk: &mut walk, vetted: false });
    // A bail inside a part the type read leniently (an untagged union trying alternatives)
    // may not have surfaced as an error.
    if walk.bailed {
        return None;
    }
    let value = value.ok()?;
    parser.end().ok()?;
    let problems = std::mem::take(&mut walk.last);
    let errors = walk.into_errors(problems);
    Some(if errors.is_empty() { Ok(value) } else { Err(errors) })
}

/// A deserializer that checks each value it hands out against `schema`, leaving its problems
/// in [`Walk::last`]; without a schema, values pass unchecked (but parsed as strictly as
/// [`Skip`] parses them).
struct Checked<'s, 'w, 'de, D> {
    inner: D,
    schema: Option<&'s Schema>,
    walk: &'w mut Walk<'de>,
    /// Whether `schema` is known not to need the value whole: the inside of an `Option`
    /// or a newtype is read against the schema its outside was checked for.
    vetted: bool,
}

impl<'s, 'w, 'de, D: Deserializer<'de>> Checked<'s, 'w, 'de, D> {
    /// The inner deserializer and `visitor` wrapped to check what it visits; an error when
    /// the schema needs the value whole.
    fn split<V>(self, visitor: V) -> Result<(D, CheckedVisitor<'s, 'w, 'de, V>), D::Error> {
        if !self.vetted && self.schema.is_some_and(Schema::needs_whole_value) {
            self.walk.bailed = true;
            return Err(serde::de::Error::custom("this part is checked on its own"));
        }
        Ok((self.inner, CheckedVisitor { visitor, schema: self.schema, walk: self.walk }))
    }
}

/// `Deserializer` methods of [`Checked`] that hand the inner deserializer a checking visitor.
macro_rules! checked_methods {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
            let (inner, visitor) = self.split(visitor)?;
            inner.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Checked<'_, '_, 'de, D> {
    type Error = D::Error;

    checked_methods! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        // Parsed in full, as a `Value` would be: `IgnoredAny` skims numbers and escapes.
        let (inner, visitor) = self.split(visitor)?;
        inner.deserialize_any(visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// Judges each value it visits, then visits it with the typed reader's visitor.
struct CheckedVisitor<'s, 'w, 'de, V> {
    visitor: V,
    schema: Option<&'s Schema>,
    walk: &'w mut Walk<'de>,
}

impl<'de, V> CheckedVisitor<'_, '_, 'de, V> {
    /// Judges a value that is not null.
    fn judge(&mut self, seen: &Seen<'_>) {
        self.walk.last = match self.schema {
            Some(schema) => self.walk.judge(schema, seen),
            None => Chain::default(),
        };
    }

    fn null(&mut self) {
        let mut chain = Chain::default();
        if self.schema.is_some_and(|schema| !schema.allows_null()) {
            self.walk.fail(&mut chain, "must not be null");
        }
        self.walk.last = chain;
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for CheckedVisitor<'_, '_, 'de, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_bool<E: serde::de::Error>(mut self, b: bool) -> Result<V::Value, E> {
        self.judge(&Seen::Bool);
        self.visitor.visit_bool(b)
    }

    fn visit_i64<E: serde::de::Error>(mut self, n: i64) -> Result<V::Value, E> {
        self.judge(&Seen::Number(n.into()));
        self.visitor.visit_i64(n)
    }

    fn visit_u64<E: serde::de::Error>(mut self, n: u64) -> Result<V::Value, E> {
        self.judge(&Seen::Number(n.into()));
        self.visitor.visit_u64(n)
    }

    fn visit_f64<E: serde::de::Error>(mut self, n: f64) -> Result<V::Value, E> {
        match serde_json::Number::from_f64(n) {
            Some(number) => self.judge(&Seen::Number(number)),
            // As a `Value` holds it: a number JSON cannot write is null.
            None => self.null(),
        }
        self.visitor.visit_f64(n)
    }

    fn visit_str<E: serde::de::Error>(mut self, text: &str) -> Result<V::Value, E> {
        self.judge(&Seen::String(text));
        self.visitor.visit_str(text)
    }

    fn visit_borrowed_str<E: serde::de::Error>(mut self, text: &'de str) -> Result<V::Value, E> {
        self.judge(&Seen::String(text));
        self.visitor.visit_borrowed_str(text)
    }

    fn visit_string<E: serde::de::Error>(mut self, text: String) -> Result<V::Value, E> {
        self.judge(&Seen::String(&text));
        self.visitor.visit_string(text)
    }

    fn visit_unit<E: serde::de::Error>(mut self) -> Result<V::Value, E> {
        self.null();
        self.visitor.visit_unit()
    }

    fn visit_none<E: serde::de::Error>(mut self) -> Result<V::Value, E> {
        self.null();
        self.visitor.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, value: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_some(Checked { inner: value, schema: self.schema, walk: self.walk, vetted: true })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, value: D) -> Result<V::Value, D::Error> {
        self.visitor.visit_newtype_struct(Checked { inner: value, schema: self.schema, walk: self.walk, vetted: true })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, items: A) -> Result<V::Value, A::Error> {
        let item = match self.schema.map(|schema| &schema.resolved().kind) {
            Some(Kind::Array(item)) => Some(*item),
            _ => None,
        };
        let mut seq = CheckedSeq { inner: items, item, walk: &mut *self.walk, count: 0, chain: Chain::default() };
        let value = self.visitor.visit_seq(&mut seq)?;
        let CheckedSeq { count, mut chain, .. } = seq;
        if let Some(schema) = self.schema {
            let own = self.walk.judge(schema, &Seen::Array(count));
            self.walk.join(&mut chain, own);
        }
        self.walk.last = chain;
        Ok(value)
    }

    fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<V::Value, A::Error> {
        let members = match self.schema.map(|schema| &schema.resolved().kind) {
            Some(Kind::Object(properties, additional)) => Some(self.walk.open(properties, *additional)),
            Some(Kind::Map(values)) => Some(self.walk.open(&[], Some(*values))),
            _ => None,
        };
        let mut map = CheckedMap { inner: access, members, slot: Slot::Unchecked, walk: &mut *self.walk };
        let value = self.visitor.visit_map(&mut map)?;
        let mut chain = match map.members {
            Some(members) => self.walk.close(members),
            None => Chain::default(),
        };
        if let Some(schema) = self.schema {
            let own = self.walk.judge(schema, &Seen::Object);
            self.walk.join(&mut chain, own);
        }
        self.walk.last = chain;
        Ok(value)
    }
}

/// The items of an array, each checked against `item` (or unchecked without it).
struct CheckedSeq<'s, 'w, 'de, A> {
    inner: A,
    item: Option<&'s Schema>,
    walk: &'w mut Walk<'de>,
    count: usize,
    chain: Chain,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for CheckedSeq<'_, '_, 'de, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        if self.item.is_some() {
            self.walk.path.push(Step::Item(self.count));
        }
        let item = self.inner.next_element_seed(CheckedSeed { seed, schema: self.item, walk: &mut *self.walk });
        if self.item.is_some() {
            self.walk.path.pop();
        }
        let Some(value) = item? else { return Ok(None) };
        if self.item.is_some() {
            let problems = std::mem::take(&mut self.walk.last);
            self.walk.join(&mut self.chain, problems);
        }
        self.count += 1;
        Ok(Some(value))
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// The members of an object, each checked as [`Walk::object`] checks it.
struct CheckedMap<'s, 'w, 'de, A> {
    inner: A,
    /// The members, when a schema looks into them.
    members: Option<Members<'s, 'de>>,
    /// Where the value of the member whose name was read last goes.
    slot: Slot<'s>,
    walk: &'w mut Walk<'de>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CheckedMap<'_, '_, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        let Some(name) = self.inner.next_key_seed(Name)? else { return Ok(None) };
        let key = match &name {
            Cow::Borrowed(name) => seed.deserialize(serde::de::value::BorrowedStrDeserializer::new(name))?,
            Cow::Owned(name) => seed.deserialize(serde::de::value::StrDeserializer::new(name))?,
        };
        self.slot = match &mut self.members {
            Some(members) => self.walk.enter(members, name),
            None => Slot::Unchecked,
        };
        Ok(Some(key))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        let slot = std::mem::replace(&mut self.slot, Slot::Unchecked);
        let schema = match slot {
            Slot::Property(_, schema) | Slot::Other(schema) => Some(schema),
            Slot::Unchecked => None,
        };
        let value = self.inner.next_value_seed(CheckedSeed { seed, schema, walk: &mut *self.walk })?;
        if let Some(members) = &mut self.members {
            let problems = std::mem::take(&mut self.walk.last);
            self.walk.leave(members, slot, problems);
        }
        Ok(value)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A typed reader's seed, fed through [`Checked`].
struct CheckedSeed<'s, 'w, 'de, T> {
    seed: T,
    schema: Option<&'s Schema>,
    walk: &'w mut Walk<'de>,
}

impl<'de, T: DeserializeSeed<'de>> DeserializeSeed<'de> for CheckedSeed<'_, '_, 'de, T> {
    type Value = T::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T::Value, D::Error> {
        self.seed.deserialize(Checked { inner: deserializer, schema: self.schema, walk: self.walk, vetted: false })
    }
}

/// Where a parameter travels.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum In {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In a cookie.
    Cookie,
}

/// How a parameter's value is written (`style`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `a,b` (path and header default).
    Simple,
    /// `name=a&name=b` or `name=a,b` (query and cookie default).
    Form,
    /// `.a.b` (path).
    Label,
    /// `;name=a,b` (path).
    Matrix,
    /// `a b` (query).
    SpaceDelimited,
    /// `a|b` (query).
    PipeDelimited,
    /// `name[key]=value` (query objects).
    DeepObject,
}

/// A parameter of an operation.
pub struct Param {
    name: &'static str,
    location: In,
    required: bool,
    style: Style,
    explode: bool,
    schema: Schema,
    default: Option<&'static str>,
}

impl Param {
    const fn new(name: &'static str, location: In, style: Style, schema: Schema) -> Self {
        let explode = matches!(style, Style::Form);
        Param { name, location, required: matches!(location, In::Path), style, explode, schema, default: None }
    }

    /// A path parameter (always required).
    pub const fn path(name: &'static str, schema: Schema) -> Self {
        Self::new(name, In::Path, Style::Simple, schema)
    }

    /// A query parameter, optional until [`Param::required`].
    pub const fn query(name: &'static str, schema: Schema) -> Self {
        Self::new(name, In::Query, Style::Form, schema)
    }

    /// A header, optional until [`Param::required`].
    pub const fn header(name: &'static str, schema: Schema) -> Self {
        Self::new(name, In::Header, Style::Simple, schema)
    }

    /// A cookie, optional until [`Param::required`].
    pub const fn cookie(name: &'static str, schema: Schema) -> Self {
        Self::new(name, In::Cookie, Style::Form, schema)
    }

    /// Required.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Written in `style`, exploded or not.
    pub const fn style(mut self, style: Style, explode: bool) -> Self {
        self.style = style;
        self.explode = explode;
        self
    }

    /// The value used when the request leaves the parameter out, as JSON.
    pub const fn default(mut self, json: &'static str) -> Self {
        self.default = Some(json);
        self
    }

    /// The parameter's value as JSON, read from its text as the schema says.
    fn read(&self, request: &Raw<'_>) -> Result<Option<Value>, String> {
        let schema = self.schema.resolved();
        if let Kind::Array(items) = schema.kind {
            let texts = match (self.location, self.explode && self.style == Style::Form) {
                (In::Query, true) => request.query_all(self.name),
                _ => match self.text(request)? {
                    Some(text) => {
                        let separator = match self.style {
                            Style::SpaceDelimited => ' ',
                            Style::PipeDelimited => '|',
                            Style::Label if self.explode => '.',
                            _ => ',',
                        };
                        if text.is_empty() {
                            Vec::new()
                        } else {
                            text.split(separator).map(str::to_owned).collect()
                        }
                    }
                    None => return Ok(None),
                },
            };
            if texts.is_empty() && !(self.location == In::Query && request.query_has(self.name)) {
                return Ok(None);
            }
            return texts
                .iter()
                .map(|t| coerce(items.resolved(), t))
                .collect::<Result<Vec<_>, _>>()
                .map(|v| Some(Value::Array(v)));
        }
        if self.style == Style::DeepObject {
            let prefix = format!("{}[", self.name);
            let members: Map<String, Value> = request
                .query
                .iter()
                .filter_map(|(k, v)| {
                    let key = k.strip_prefix(&prefix)?.strip_suffix(']')?;
                    let value = match schema.kind {
                        Kind::Object(properties, _) => {
                            properties.iter().find(|p| p.name == key).map_or(Value::String(v.clone()), |p| {
                                coerce(p.schema.resolved(), v).unwrap_or(Value::String(v.clone()))
                            })
                        }
                        _ => Value::String(v.clone()),
                    };
                    Some((key.to_owned(), value))
                })
                .collect();
            return Ok((!members.is_empty()).then_some(Value::Object(members)));
        }
        match self.text(request)? {
            Some(text) => coerce(schema, &text).map(Some),
            None => Ok(None),
        }
    }

    /// The parameter's text, with the style's prefix removed.
    fn text(&self, request: &Raw<'_>) -> Result<Option<String>, String> {
        let text = match self.location {
            In::Path => {
                request.path.iter().flat_map(|p| p.iter()).find(|(k, _)| *k == self.name).map(|(_, v)| v.to_owned())
            }
            In::Query => {
                let all = request.query_all(self.name);
                if all.len() > 1 {
                    return Err("must be given once".into());
                }
                all.into_iter().next()
            }
            In::Header => {
                match request.parts.headers.get_all(self.name).iter().map(|v| v.to_str()).collect::<Result<Vec<_>, _>>()
                {
                    Ok(values) if values.is_empty() => None,
                    Ok(values) => Some(values.join(",")),
                    Err(_) => return Err("must be visible ASCII".into()),
                }
            }
            In::Cookie => cookie(&request.parts.headers, self.name),
        };
        Ok(text.map(|t| match self.style {
            Style::Label => t.strip_prefix('.').map(str::to_owned).unwrap_or(t),
            Style::Matrix => {
                let prefix = format!(";{}=", self.name);
                t.strip_prefix(&prefix).map(str::to_owned).unwrap_or(t)
            }
            _ => t,
        }))
    }
}

/// A parameter's text as the JSON value the schema expects; anything not a number or
/// boolean stays a string, for the schema to judge.
fn coerce(schema: &Schema, text: &str) -> Result<Value, String> {
    match schema.kind {
        Kind::Integer(_) => match (text.parse::<i64>(), text.parse::<u64>()) {
            (Ok(n), _) => Ok(Value::from(n)),
            (_, Ok(n)) => Ok(Value::from(n)),
            _ => Err("must be an integer".into()),
        },
        Kind::Number => text
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| "must be a number".into()),
        Kind::Boolean => match text {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("must be `true` or `false`".into()),
        },
        Kind::Object(..) | Kind::Map(_) | Kind::AnyObject | Kind::OneOf(_) | Kind::Tagged(..) => {
            Ok(serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())))
        }
        _ => Ok(Value::String(text.to_owned())),
    }
}

fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"').to_owned())
}

/// The parts of a request that parameters are read from.
struct Raw<'a> {
    parts: &'a Parts,
    path: Option<RawPathParams>,
    query: Vec<(String, String)>,
}

impl Raw<'_> {
    fn query_all(&self, name: &str) -> Vec<String> {
        self.query.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    fn query_has(&self, name: &str) -> bool {
        self.query.iter().any(|(k, _)| k == name)
    }
}

/// How a request body travels.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// JSON, checked against the body's schema.
    Json,
    /// `application/x-www-form-urlencoded`: read into JSON by the schema, then checked as JSON.
    Form,
    /// Text, taken as it is (UTF-8).
    Text,
    /// Bytes, taken as they are.
    Bytes,
    /// Bytes, handed to the handler as a stream as they arrive (see [`Input::byte_stream`]).
    Stream,
    /// `multipart/*`: parts read into JSON by the schema, file parts kept aside (see
    /// [`RequestBody::files`] and [`Input::file`]).
    Multipart,
}

/// A request body.
pub struct RequestBody {
    required: bool,
    schema: Schema,
    media: Media,
    /// Form fields written otherwise than `style: form, explode: true` (the `encoding`).
    styles: &'static [(&'static str, Style, bool)],
    /// The properties of a multipart body whose parts are files.
    files: &'static [&'static str],
    /// Other media types the body may come in, read into the same schema (JSON or a form).
    also: &'static [Media],
    /// The documented media type, which a text or byte body's `Content-Type` must match when
    /// the body has others (see [`RequestBody::or`]); empty for any.
    content_type: &'static str,
    /// Other media types the body may come in, each with a schema of its own.
    or: &'static [RequestBody],
}

impl RequestBody {
    /// A JSON body that must be sent.
    pub const fn required(schema: Schema) -> Self {
        RequestBody::new(true, schema)
    }

    /// A JSON body that may be left out.
    pub const fn optional(schema: Schema) -> Self {
        RequestBody::new(false, schema)
    }

    const fn new(required: bool, schema: Schema) -> Self {
        let (media, styles, files, also, content_type, or) = (Media::Json, &[], &[], &[], "", &[]);
        RequestBody { required, schema, media, styles, files, also, content_type, or }
    }

    /// The documented media type (a range such as `image/*` matches its types): the
    /// `Content-Type` a text or byte body must have to be taken as this one, when the body
    /// has others.
    pub const fn content_type(mut self, content_type: &'static str) -> Self {
        self.content_type = content_type;
        self
    }

    /// Other media types the body may come in, each with a schema of its own: the request's
    /// `Content-Type` picks the first that fits, after this one (see [`Input::media`]).
    pub const fn or(mut self, others: &'static [RequestBody]) -> Self {
        self.or = others;
        self
    }

    /// A body that is not JSON.
    pub const fn media(mut self, media: Media) -> Self {
        self.media = media;
        self
    }

    /// How the form fields that differ from the default are written: name, style, explode.
    pub const fn styles(mut self, styles: &'static [(&'static str, Style, bool)]) -> Self {
        self.styles = styles;
        self
    }

    /// Other media types the body may come in, read into the same schema: JSON and a form
    /// each take the other's place; the `Content-Type` says which came.
    pub const fn also(mut self, also: &'static [Media]) -> Self {
        self.also = also;
        self
    }

    /// The properties of a multipart body whose parts are files: each is kept as a
    /// [`File`] (see [`Input::file`]), and stands in the body's JSON as an empty string (an
    /// item of a list, for a list of files), so that the schema sees it present.
    pub const fn files(mut self, files: &'static [&'static str]) -> Self {
        self.files = files;
        self
    }

    /// Whether a request's `Content-Type` is one this body, read as `media`, may come in,
    /// and how to name it to a client that sent another.
    fn accepts(&self, media: Media, content_type: &str) -> bool {
        match media {
            Media::Json => is_json(content_type),
            Media::Form => is_form(content_type),
            Media::Multipart => is_multipart(content_type),
            Media::Text | Media::Bytes | Media::Stream => media_matches(self.content_type, content_type),
        }
    }

    fn describe(&self, media: Media) -> String {
        // The documented type names the body's own media; one it reads through `also` is
        // named by its kind's usual type.
        let named = |usual: &'static str| match self.content_type {
            documented if self.media == media && !documented.is_empty() => documented,
            _ => usual,
        };
        match media {
            Media::Json => format!("JSON (`{}`)", named("application/json")),
            Media::Form => format!("a form (`{}`)", named("application/x-www-form-urlencoded")),
            Media::Multipart => format!("multipart (`{}`)", named("multipart/form-data")),
            _ if self.content_type.is_empty() => "any media type".into(),
            _ => format!("`{}`", self.content_type),
        }
    }
}

/// A form body as the JSON object its schema describes: each field's text read as its
/// property's type (a list property collects every occurrence of its key, `name[member]`
/// fills an object), so that it is checked and read like a JSON body. Text that is not of
/// its property's type is kept as a string, for the check to name.
fn form_to_json(schema: &Schema, styles: &[(&str, Style, bool)], bytes: &[u8]) -> Value {
    let mut out = serde_json::Map::new();
    for (key, text) in form_urlencoded::parse(bytes) {
        let (name, member) = match key.split_once('[') {
            Some((name, rest)) if rest.ends_with(']') => (name, Some(&rest[..rest.len() - 1])),
            _ => (key.as_ref(), None),
        };
        let schema = property_schema(schema, name);
        match (schema.map(|s| &s.kind), member) {
            (Some(Kind::Array(items)), _) => {
                // A list not exploded is one field, its items joined by the style's separator.
                let separator = match styles.iter().find(|(n, ..)| *n == name) {
                    Some((_, Style::SpaceDelimited, _)) => Some(' '),
                    Some((_, Style::PipeDelimited, _)) => Some('|'),
                    Some((_, _, false)) => Some(','),
                    _ => None,
                };
                let texts: Vec<&str> = match separator {
                    Some(c) => text.split(c).collect(),
                    None => vec![&text],
                };
                extend_list(&mut out, name, texts.into_iter().map(|t| field_value(Some(items.resolved()), t)));
            }
            (_, Some(member)) if !member.is_empty() => {
                let inner = match schema.map(|s| &s.kind) {
                    Some(Kind::Object(props, _)) => {
                        props.iter().find(|p| p.name == member).map(|p| p.schema.resolved())
                    }
                    Some(Kind::Map(values)) => Some(values.resolved()),
                    _ => None,
                };
                let value = field_value(inner, &text);
                match out.entry(name).or_insert_with(|| Value::Object(serde_json::Map::new())) {
                    Value::Object(members) => {
                        members.insert(member.to_owned(), value);
                    }
                    other => *other = Value::Object([(member.to_owned(), value)].into_iter().collect()),
                }
            }
            _ => {
                out.insert(name.to_owned(), field_value(schema, &text));
            }
        }
    }
    Value::Object(out)
}

/// The schema of the property `name` of an object schema, references followed.
fn property_schema<'s>(schema: &'s Schema, name: &str) -> Option<&'s Schema> {
    match schema.resolved().kind {
        Kind::Object(properties, _) => properties.iter().find(|p| p.name == name).map(|p| p.schema.resolved()),
        _ => None,
    }
}

/// A field's text as the JSON value its schema expects (see [`coerce`]); text that is not of
/// its type, or of no known property, is kept as a string, for the check to name.
fn field_value(schema: Option<&Schema>, text: &str) -> Value {
    match schema {
        Some(schema) => coerce(schema, text).unwrap_or_else(|_| Value::String(text.to_owned())),
        None => Value::String(text.to_owned()),
    }
}

/// Appends `items` to the list that the member `name` of `out` holds (made one if it is not).
fn extend_list(out: &mut Map<String, Value>, name: &str, items: impl IntoIterator<Item = Value>) {
    let entry = out.entry(name).or_insert_with(|| Value::Array(Vec::new()));
    if !entry.is_array() {
        *entry = Value::Array(Vec::new());
    }
    if let Value::Array(list) = entry {
        list.extend(items);
    }
}

/// One part of a multipart body, as it came.
struct BodyPart {
    name: Option<String>,
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Bytes,
}

/// The parts of the multipart `body` sent as `content_type`; else what is wrong with it.
async fn read_parts(content_type: Option<&str>, body: Bytes) -> Result<Vec<BodyPart>, String> {
    let Some(content_type) = content_type else {
        return Err("The request body has no `Content-Type` to name its multipart boundary.".into());
    };
    // `multer` reads the boundary of `multipart/form-data` only; every subtype names it alike.
    let params = content_type.split_once(';').map_or("", |(_, params)| params);
    let boundary = multer::parse_boundary(format!("multipart/form-data;{params}"))
        .map_err(|e| format!("The multipart boundary cannot be read from `{content_type}`: {e}."))?;
    let body = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(body)]);
    let mut multipart = multer::Multipart::new(body, boundary);
    let malformed = |e: multer::Error| format!("The request body is not valid multipart: {e}.");
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().map(str::to_owned);
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = field.bytes().await.map_err(malformed)?;
        parts.push(BodyPart { name, file_name, content_type, bytes });
    }
    Ok(parts)
}

/// What [`multipart_to_json`] made of a multipart body.
struct MultipartBody {
    /// The body as JSON, files standing in as empty strings.
    value: Value,
    /// The file parts, in order, with their names.
    files: Vec<(String, File)>,
    /// The names of text parts that are not UTF-8.
    unreadable: Vec<String>,
}

/// A multipart body as the JSON object its schema describes, read like a form body (see
/// [`form_to_json`]): each text part read as its property's type (parsed as JSON when the
/// part says it is JSON, kept as a string if it is not), a list property collecting every
/// part of its name. The parts of `files` are kept aside, each standing in the object as an
/// empty string (an item, for a list), so that the check sees it present.
fn multipart_to_json(schema: &Schema, files: &[&str], parts: Vec<BodyPart>) -> MultipartBody {
    let mut out = Map::new();
    let mut read = MultipartBody { value: Value::Null, files: Vec::new(), unreadable: Vec::new() };
    for part in parts {
        // A part without a name is no property's.
        let Some(name) = part.name else { continue };
        let property = property_schema(schema, &name);
        let items = match property.map(|s| &s.kind) {
            Some(Kind::Array(items)) => Some(items.resolved()),
            _ => None,
        };
        if files.contains(&name.as_str()) {
            let mut file = File::from_bytes(part.bytes);
            if let Some(file_name) = part.file_name {
                file = file.with_file_name(file_name);
            }
            if let Some(content_type) = part.content_type {
                file = file.with_content_type(content_type);
            }
            let present = Value::String(String::new());
            match items {
                Some(_) => extend_list(&mut out, &name, [present]),
                None => {
                    out.insert(name.clone(), present);
                }
            }
            read.files.push((name, file));
            continue;
        }
        let Ok(text) = std::str::from_utf8(&part.bytes) else {
            if !read.unreadable.contains(&name) {
                read.unreadable.push(name);
            }
            continue;
        };
        let json = part.content_type.as_deref().is_some_and(is_json);
        let value = |schema: Option<&Schema>| {
            if json {
                serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
            } else {
                field_value(schema, text)
            }
        };
        match items {
            Some(items) => match value(Some(items)) {
                // A list sent whole, as one part of JSON.
                Value::Array(list) if json => extend_list(&mut out, &name, list),
                item => extend_list(&mut out, &name, [item]),
            },
            None => {
                out.insert(name, value(property));
            }
        }
    }
    read.value = Value::Object(out);
    read
}

/// Whether `field` is `name` or lies within it.
fn within(field: Option<&str>, name: &str) -> bool {
    field.and_then(|f| f.strip_prefix(name)).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

fn is_multipart(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.get(..10).is_some_and(|start| start.eq_ignore_ascii_case("multipart/"))
}

/// Whether `content_type` is of the documented media type `documented`: the same essence, or
/// within a range (`image/*`, `*/*`); an empty `documented` takes any.
fn media_matches(documented: &str, content_type: &str) -> bool {
    let essence = |m: &str| m.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let (documented, content_type) = (essence(documented), essence(content_type));
    match documented.strip_suffix("/*") {
        _ if documented.is_empty() || documented == "*/*" => true,
        Some(kind) => content_type.split_once('/').is_some_and(|(k, _)| k == kind),
        None => documented == content_type,
    }
}

fn is_form(content_type: &str) -> bool {
    content_type.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

/// Media types of the error responses an operation documents; `None` when undocumented,
/// in which case the answer is `application/problem+json`.
pub struct ErrorMedia {
    /// The 401 response.
    pub unauthorized: Option<&'static str>,
    /// The 404 response.
    pub not_found: Option<&'static str>,
    /// The 422 response.
    pub unprocessable: Option<&'static str>,
    /// The 400 response.
    pub bad_request: Option<&'static str>,
}

/// What the router knows about one operation.
pub struct Operation {
    /// The parameters, in the order the handler takes them.
    pub params: &'static [Param],
    /// The request body, if the operation takes one.
    pub body: Option<RequestBody>,
    /// The media types of the operation's documented error responses.
    pub errors: ErrorMedia,
}

/// An early answer: the request is rejected before the handler runs.
pub struct Rejection(Box<Response>);

impl Rejection {
    fn new(response: Response) -> Self {
        Rejection(Box::new(response))
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// The validated inputs of a request, ready to become typed values.
pub struct Input {
    operation: &'static Operation,
    params: Vec<Value>,
    /// The JSON body; empty when there is none.
    body: Bytes,
    /// Whether the body is still to be checked, as it is read (see [`Input::body`]).
    body_unchecked: bool,
    /// See [`BodyCheck::repeats`].
    body_repeats: bool,
    /// The file parts of a multipart body, in order, with their names.
    files: Vec<(String, File)>,
    /// A body streamed to the handler ([`Media::Stream`]).
    body_stream: Option<ByteStream>,
    /// See [`Input::media`].
    media: Option<usize>,
    /// The documented body the request's came as (its schema reads it).
    body_spec: Option<&'static RequestBody>,
}

impl Operation {
    /// The answer to a request whose credentials are missing or rejected.
    pub fn unauthorized(&self, challenges: &[&'static str]) -> Rejection {
        let mut response = problem(
            StatusCode::UNAUTHORIZED,
            self.errors.unauthorized.unwrap_or(PROBLEM_JSON),
            "Invalid authentication credentials were provided.",
            Vec::new(),
        );
        for challenge in challenges {
            response.headers_mut().append(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        Rejection::new(response)
    }

    /// Reads every parameter and the body, and checks them against their schemas.
    ///
    /// Malformed JSON or multipart answers 400, a body over `body_limit` bytes 413, a body
    /// not of the operation's media type 415; otherwise every invalid field is listed in one
    /// answer (422, or what the operation documents instead).
    pub async fn extract(&'static self, mut parts: Parts, body: Body, body_limit: usize) -> Result<Input, Rejection> {
        let mut errors = Vec::new();
        let mut path_errors = 0;
        // Only what some parameter reads is taken apart.
        let takes = |location: In| self.params.iter().any(|p| p.location == location);
        let mut path = None;
        if takes(In::Path) {
            match RawPathParams::from_request_parts(&mut parts, &()).await {
                Ok(params) => path = Some(params),
                Err(_) => {
                    for p in self.params.iter().filter(|p| p.location == In::Path) {
                        errors.push(InvalidField { field: Some(p.name.into()), message: "must be valid UTF-8".into() });
                        path_errors += 1;
                    }
                }
            }
        }
        let mut query = Vec::new();
        if takes(In::Query) {
            query = form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()).into_owned().collect();
        }
        let raw = Raw { parts: &parts, path, query };
        let mut params = Vec::with_capacity(self.params.len());
        for param in self.params {
            let before = errors.len();
            let mut at = FieldPath::param(param.name);
            let value = match param.read(&raw) {
                Ok(Some(value)) => {
                    param.schema.check(&value, &mut at, &mut errors);
                    value
                }
                Ok(None) => {
                    if param.required {
                        errors.push(at.invalid("is required"));
                    }
                    param.default.and_then(|d| serde_json::from_str(d).ok()).unwrap_or(Value::Null)
                }
                Err(message) => {
                    errors.push(at.invalid(message));
                    Value::Null
                }
            };
            if param.location == In::Path {
                path_errors += errors.len() - before;
            }
            params.push(value);
        }

        let (mut body_bytes, mut body_unchecked, mut body_repeats) = (Bytes::new(), false, false);
        let mut files = Vec::new();
        let mut body_stream = None;
        // Which documented body came (see `Input::media`), and its description.
        let mut chosen_body: Option<(usize, &'static RequestBody)> = None;
        let mut came = false;
        // Multipart fields that are not UTF-8: named once, not again by the check.
        let mut unreadable = Vec::new();
        if let Some(spec) = &self.body {
            let content_type = parts.headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap_or("?"));
            // Every documented way in: this body in its media type and the others it reads
            // into the same schema, then each body with a schema of its own.
            let own = std::iter::once(spec.media).chain(spec.also.iter().copied()).map(|m| (0, spec, m));
            let others = spec.or.iter().enumerate().map(|(i, other)| (i + 1, other, other.media));
            let offered = own.chain(others);
            // The first that the request's `Content-Type` names.
            let chosen = content_type.and_then(|ct| offered.clone().find(|(_, body, m)| body.accepts(*m, ct)));
            let (index, spec, media) = chosen.unwrap_or((0, spec, spec.media));
            chosen_body = Some((index, spec));
            let expected = offered.map(|(_, body, m)| body.describe(m)).collect::<Vec<_>>().join(" or ");
            let unsupported = content_type.filter(|_| chosen.is_none()).map(str::to_owned);
            if media == Media::Stream {
                // Handed to the handler as it arrives: only a declared length over the limit is
                // refused here; a body that grows past it ends its stream with an error.
                let length =
                    parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
                if length.is_some_and(|length| length > body_limit as u64) {
                    let detail = "The request body is larger than this server accepts.";
                    return Err(Rejection::new(problem(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        PROBLEM_JSON,
                        detail,
                        Vec::new(),
                    )));
                }
                if axum::body::HttpBody::is_end_stream(&body) || length == Some(0) {
                    if spec.required {
                        errors.push(InvalidField { field: None, message: "a request body is required".into() });
                    }
                } else {
                    came = true;
                    let limited = http_body_util::Limited::new(body, body_limit);
                    let mut stream = ByteStream::from_stream(http_body_util::BodyExt::into_data_stream(limited));
                    if let Some(content_type) = content_type {
                        stream = stream.with_content_type(content_type);
                    }
                    if let Some(length) = length {
                        stream = stream.with_content_length(length);
                    }
                    body_stream = Some(stream);
                }
            } else {
                let bytes = axum::body::to_bytes(body, body_limit).await.map_err(|error| {
                    let (status, detail) = if error.into_inner().is::<http_body_util::LengthLimitError>() {
                        (StatusCode::PAYLOAD_TOO_LARGE, "The request body is larger than this server accepts.")
                    } else {
                        (StatusCode::BAD_REQUEST, "The request body could not be read.")
                    };
                    Rejection::new(problem(status, PROBLEM_JSON, detail, Vec::new()))
                })?;
                if !bytes.is_empty() {
                    if let Some(ct) = unsupported {
                        let detail = format!("The request body must be {expected}, not `{ct}`.");
                        return Err(Rejection::new(problem(
                            StatusCode::UNSUPPORTED_MEDIA_TYPE,
                            PROBLEM_JSON,
                            detail,
                            Vec::new(),
                        )));
                    }
                    came = true;
                    let bytes = match media {
                        Media::Json => bytes,
                        Media::Form => Bytes::from(form_to_json(&spec.schema, spec.styles, &bytes).to_string()),
                        Media::Multipart => {
                            let parts = read_parts(content_type, bytes).await.map_err(|e| self.malformed_body(e))?;
                            let read = multipart_to_json(&spec.schema, spec.files, parts);
                            for name in &read.unreadable {
                                errors.push(InvalidField {
                                    field: Some(name.clone()),
                                    message: "must be UTF-8 text".into(),
                                });
                            }
                            (files, unreadable) = (read.files, read.unreadable);
                            Bytes::from(read.value.to_string())
                        }
                        Media::Text if std::str::from_utf8(&bytes).is_err() => {
                            errors.push(InvalidField {
                                field: None,
                                message: "the request body must be UTF-8 text".into(),
                            });
                            Bytes::new()
                        }
                        // Taken as they are: there is no schema to check them against.
                        Media::Text | Media::Bytes | Media::Stream => {
                            body_bytes = bytes;
                            Bytes::new()
                        }
                    };
                    if bytes.is_empty() {
                        // A text or byte body, kept above.
                    } else if errors.is_empty() {
                        // Nothing else is wrong: the body is checked as it is read, in one pass.
                        (body_bytes, body_unchecked) = (bytes, true);
                    } else {
                        // Its problems go with the others.
                        let mut checked = check_body(&spec.schema, &bytes).map_err(|e| self.malformed(e))?;
                        checked.errors.retain(|e| !unreadable.iter().any(|name| within(e.field.as_deref(), name)));
                        errors.append(&mut checked.errors);
                        (body_bytes, body_repeats) = (bytes, checked.repeats);
                    }
                } else if spec.required {
                    errors.push(InvalidField { field: None, message: "a request body is required".into() });
                }
            }
        }

        if errors.is_empty() {
            let (media, body_spec) = match chosen_body {
                Some((index, spec)) => (came.then_some(index), Some(spec)),
                None => (None, None),
            };
            Ok(Input {
                operation: self,
                params,
                body: body_bytes,
                body_unchecked,
                body_repeats,
                files,
                body_stream,
                media,
                body_spec,
            })
        } else {
            Err(self.invalid(errors, path_errors))
        }
    }

    /// The answer to a body that is not JSON at all: 400 when documented, else the documented
    /// 422 (a client of the spec expects only documented statuses), else 400 problem details.
    fn malformed(&self, error: serde_json::Error) -> Rejection {
        self.malformed_body(format!("The request body is not valid JSON: {error}."))
    }

    /// The answer to a body that cannot be read at all, `detail` saying why: as [`Operation::malformed`].
    fn malformed_body(&self, detail: String) -> Rejection {
        match (self.errors.bad_request, self.errors.unprocessable) {
            (None, Some(media)) => {
                let invalid = vec![InvalidField { field: None, message: detail.clone() }];
                Rejection::new(problem(StatusCode::UNPROCESSABLE_ENTITY, media, detail, invalid))
            }
            (media, _) => {
                Rejection::new(problem(StatusCode::BAD_REQUEST, media.unwrap_or(PROBLEM_JSON), detail, Vec::new()))
            }
        }
    }

    /// The answer listing invalid fields: 422 when documented, else 400 when documented,
    /// else 404 when only the path is wrong (it names no resource), else 422 problem details.
    fn invalid(&self, errors: Vec<InvalidField>, path_errors: usize) -> Rejection {
        let (status, media) = match (&self.errors, path_errors == errors.len()) {
            (ErrorMedia { unprocessable: Some(m), .. }, _) => (StatusCode::UNPROCESSABLE_ENTITY, *m),
            (ErrorMedia { bad_request: Some(m), .. }, _) => (StatusCode::BAD_REQUEST, *m),
            (ErrorMedia { not_found: Some(m), .. }, true) => {
                return Rejection::new(problem(
                    StatusCode::NOT_FOUND,
                    m,
                    "No resource exists with the given identifier.",
                    Vec::new(),
                ));
            }
            _ => (StatusCode::UNPROCESSABLE_ENTITY, PROBLEM_JSON),
        };
        Rejection::new(problem(status, media, "The request contains invalid fields.", errors))
    }
}

impl Input {
    fn take<T: DeserializeOwned>(&mut self, value: Value, field: Option<&str>) -> Result<T, Rejection> {
        serde_json::from_value(value).map_err(|e| {
            let field = field.map(str::to_owned);
            self.operation.invalid(vec![InvalidField { field, message: e.to_string() }], 0)
        })
    }

    fn param<T: DeserializeOwned>(&mut self, location: In, name: &str) -> Result<T, Rejection> {
        let index = self.operation.params.iter().position(|p| p.location == location && p.name == name);
        let value = index.map(|i| std::mem::take(&mut self.params[i])).unwrap_or_default();
        self.take(value, Some(name))
    }

    /// The path parameter `name`, typed.
    pub fn path<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, Rejection> {
        self.param(In::Path, name)
    }

    /// The query parameter `name`, typed (`Option` when optional).
    pub fn query<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, Rejection> {
        self.param(In::Query, name)
    }

    /// The header parameter `name`, typed (`Option` when optional).
    pub fn header<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, Rejection> {
        self.param(In::Header, name)
    }

    /// The cookie parameter `name`, typed (`Option` when optional).
    pub fn cookie<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, Rejection> {
        self.param(In::Cookie, name)
    }

    /// The request body, typed (`Option` when optional); a body left unchecked by
    /// [`Operation::extract`] is checked as it is read, and answered 422 with every problem.
    /// Which documented body the request's came as: `0` for the operation's own (or a media
    /// type read into its schema, see [`RequestBody::also`]), `i` for the `i`-th of
    /// [`RequestBody::or`]; `None` when the request had no body.
    pub fn media(&self) -> Option<usize> {
        self.media
    }

    /// A text body as it came; `None` when the request had none.
    pub fn text(&mut self) -> Option<String> {
        let bytes = std::mem::take(&mut self.body);
        // `extract` checked that it is UTF-8.
        (!bytes.is_empty()).then(|| String::from_utf8_lossy(&bytes).into_owned())
    }

    /// A byte body as it came; `None` when the request had none.
    pub fn bytes(&mut self) -> Option<Vec<u8>> {
        let bytes = std::mem::take(&mut self.body);
        (!bytes.is_empty()).then(|| bytes.to_vec())
    }

    /// A streamed body ([`Media::Stream`]) with its media type and declared length; `None`
    /// when the request had none.
    pub fn byte_stream(&mut self) -> Option<ByteStream> {
        self.body_stream.take()
    }

    /// The file part `name` of a multipart body (the first, if several came); when the request
    /// has none, the answer to a missing required field.
    pub fn file(&mut self, name: &str) -> Result<File, Rejection> {
        self.file_opt(name).ok_or_else(|| {
            let missing = InvalidField { field: Some(name.to_owned()), message: "is required".into() };
            self.operation.invalid(vec![missing], 0)
        })
    }

    /// The file part `name` of a multipart body (the first, if several came), if the request has one.
    pub fn file_opt(&mut self, name: &str) -> Option<File> {
        let index = self.files.iter().position(|(n, _)| n == name)?;
        Some(self.files.remove(index).1)
    }

    /// Every file part named `name` of a multipart body, in order.
    pub fn file_list(&mut self, name: &str) -> Vec<File> {
        let (taken, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.files).into_iter().partition(|(n, _)| n == name);
        self.files = kept;
        taken.into_iter().map(|(_, file)| file).collect()
    }

    /// The JSON body as `T`; the body was checked by `extract`, so a failure here names what serde found.
    pub fn body<T: DeserializeOwned>(&mut self) -> Result<T, Rejection> {
        let bytes = std::mem::take(&mut self.body);
        let text = std::str::from_utf8(&bytes).unwrap_or_default();
        if let (true, Some(spec)) = (std::mem::take(&mut self.body_unchecked), self.body_spec) {
            if let Some(read) = read_checked(&spec.schema, text) {
                return read.map_err(|errors| self.operation.invalid(errors, 0));
            }
            // Checked first, then read, as when the check found the problems.
            let checked = check_body(&spec.schema, &bytes).map_err(|e| self.operation.malformed(e))?;
            if !checked.errors.is_empty() {
                return Err(self.operation.invalid(checked.errors, 0));
            }
            self.body_repeats = checked.repeats;
        }
        // The body was parsed as JSON already, so it is UTF-8.
        if !text.is_empty() && !self.body_repeats {
            if let Ok(body) = serde_json::from_str(text) {
                return Ok(body);
            }
        }
        // Through a `Value`, which keeps only the last of a repeated member, as the check saw
        // it; this also words an error as before, should the types reject what the schemas
        // accepted. No body reads as `null`.
        let value = serde_json::from_str(text).unwrap_or_default();
        self.take(value, None)
    }
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().as_bytes();
    essence.eq_ignore_ascii_case(b"application/json")
        || essence.eq_ignore_ascii_case(b"text/json")
        || essence.len() >= 5 && essence[essence.len() - 5..].eq_ignore_ascii_case(b"+json")
}

/// Where a security scheme's credential travels.
pub enum Source {
    /// An API key in a header.
    Header(&'static str),
    /// An API key in a query parameter.
    Query(&'static str),
    /// An API key in a cookie.
    Cookie(&'static str),
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <credentials>` (passed on still encoded).
    Basic,
    /// `Authorization: <scheme> <credentials>` for another scheme, named here (matched
    /// without regard to case); the credentials are passed on as sent.
    Authorization(&'static str),
}

/// A security scheme: where its credential travels and the variant that carries it.
pub struct Scheme<C> {
    /// Where the credential travels.
    pub source: Source,
    /// Wraps the credential presented in the variant of the API's credential enum.
    pub credential: fn(String) -> C,
}

impl<C> Scheme<C> {
    /// The credential the request presents for this scheme, if any.
    pub fn credential(&self, parts: &Parts) -> Option<C> {
        let authorization = |expected: &str| {
            let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
            let (scheme, token) = value.split_once(' ')?;
            let token = token.trim();
            (scheme.eq_ignore_ascii_case(expected) && !token.is_empty()).then(|| token.to_owned())
        };
        let text = match self.source {
            Source::Header(name) => parts.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned),
            Source::Query(name) => form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned()),
            Source::Cookie(name) => cookie(&parts.headers, name),
            Source::Bearer => authorization("bearer"),
            Source::Basic => authorization("basic"),
            Source::Authorization(scheme) => authorization(scheme),
        };
        text.map(self.credential)
    }
}

/// A response with a JSON body.
pub fn json<T: Serialize>(status: u16, content_type: &'static str, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => with_body(status, content_type, bytes),
        Err(e) => problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            PROBLEM_JSON,
            format!("The response could not be serialized: {e}."),
            Vec::new(),
        ),
    }
}

/// A response with a byte body.
#[inline]
pub fn bytes(status: u16, content_type: &'static str, body: Vec<u8>) -> Response {
    with_body(status, content_type, body)
}

/// A response with a text body.
#[inline]
pub fn text(status: u16, content_type: &'static str, body: String) -> Response {
    with_body(status, content_type, body.into_bytes())
}

/// A response without a body.
#[inline]
pub fn empty(status: u16) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status_code(status);
    response
}

#[inline]
fn with_body(status: u16, content_type: &'static str, bytes: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status_code(status);
    // Checked, but not copied.
    if let Ok(value) = HeaderValue::from_maybe_shared(Bytes::from_static(content_type.as_bytes())) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

#[inline]
fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Sets a documented response header; a value (or name) that cannot travel in a header is
/// left out.
pub fn header(response: &mut Response, name: &'static str, value: Option<impl std::fmt::Display>) {
    let Some(value) = value.and_then(|v| HeaderValue::try_from(v.to_string()).ok()) else { return };
    if let Ok(name) = HeaderName::try_from(name) {
        response.headers_mut().insert(name, value);
    }
}

/// An RFC 9457 problem details response (with `invalidFields` when there are any).
pub fn problem(
    status: StatusCode,
    content_type: &'static str,
    detail: impl Into<String>,
    invalid_fields: Vec<InvalidField>,
) -> Response {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Problem<'a> {
        r#type: &'a str,
        title: &'a str,
        status: u16,
        detail: String,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        invalid_fields: Vec<InvalidField>,
    }
    let title = status.canonical_reason().unwrap_or("Error");
    let body = Problem { r#type: "about:blank", title, status: status.as_u16(), detail: detail.into(), invalid_fields };
    json(status.as_u16(), content_type, &body)
}

/// Checks that the request's `Accept` header takes one of the media types `offered` (ranges
/// such as `image/*` allowed on either side); a request without one takes any. Otherwise the
/// answer is 406 with problem details naming what the operation offers.
pub fn acceptable(parts: &Parts, offered: &[&str]) -> Result<(), Rejection> {
    let mut ranges = Vec::new();
    for value in parts.headers.get_all(header::ACCEPT) {
        let Ok(text) = value.to_str() else { continue };
        for range in text.split(',') {
            let mut params = range.split(';');
            let media = params.next().unwrap_or("").trim().to_ascii_lowercase();
            let refused = params.any(|p| {
                let (name, value) = p.split_once('=').unwrap_or((p, ""));
                name.trim().eq_ignore_ascii_case("q") && value.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
            });
            if !media.is_empty() && !refused {
                ranges.push(media);
            }
        }
    }
    if ranges.is_empty() || offered.iter().any(|o| ranges.iter().any(|r| media_overlap(r, o))) {
        return Ok(());
    }
    let list = offered.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ");
    let detail = format!("This operation answers with {list}; the request's `Accept` header takes none of them.");
    Err(Rejection::new(problem(StatusCode::NOT_ACCEPTABLE, PROBLEM_JSON, detail, Vec::new())))
}

/// Whether two media types or ranges (`text/*`, `*/*`) have a type in common.
fn media_overlap(a: &str, b: &str) -> bool {
    let split = |m: &str| {
        let m = m.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let (kind, subtype) = m.split_once('/').unwrap_or((&m, "*"));
        (kind.to_owned(), subtype.to_owned())
    };
    let ((ak, asub), (bk, bsub)) = (split(a), split(b));
    let part = |x: &str, y: &str| x == "*" || y == "*" || x == y;
    part(&ak, &bk) && (ak == "*" || bk == "*" || part(&asub, &bsub))
}

/// The answer for a path no operation has.
pub async fn not_found(request: Request) -> Response {
    let mut detail = String::new();
    let _ = write!(detail, "No operation matches `{} {}`.", request.method(), request.uri().path());
    problem(StatusCode::NOT_FOUND, PROBLEM_JSON, detail, Vec::new())
}

/// The answer when the implementation's method for `operation` (its operationId) returned
/// `Err(error)`: the error is logged through `tracing` (level error, in the request's span),
/// and the client gets 500 with problem details that do not reveal it.
pub fn internal_error(operation: &str, error: &dyn fmt::Display) -> Rejection {
    tracing::error!(operation, %error, "the implementation failed; answering 500");
    let detail = "The server could not complete the request. The failure is logged; retrying may help.";
    Rejection::new(problem(StatusCode::INTERNAL_SERVER_ERROR, PROBLEM_JSON, detail, Vec::new()))
}

/// The answer for a method the path does not have; `allow` lists the ones it has (method
/// names joined by `, `).
pub fn method_not_allowed(allow: &str) -> Response {
    let detail = format!("This path supports only {allow}.");
    let mut response = problem(StatusCode::METHOD_NOT_ALLOWED, PROBLEM_JSON, detail, Vec::new());
    // Method names are tokens, always a valid header value.
    if let Ok(value) = HeaderValue::from_str(allow) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_is_checked_against_what_an_operation_offers() {
        let parts = |accept: Option<&str>| {
            let mut request = axum::http::Request::builder();
            if let Some(accept) = accept {
                request = request.header(header::ACCEPT, accept);
            }
            request.body(()).expect("a request").into_parts().0
        };
        let offered = ["application/json", "application/pdf"];
        for accept in [
            None,
            Some("application/pdf"),
            Some("*/*"),
            Some("application/*;q=0.5"),
            Some("text/csv, application/json"),
        ] {
            assert!(acceptable(&parts(accept), &offered).is_ok(), "{accept:?}");
        }
        for accept in ["text/csv", "image/*", "application/json;q=0, text/html"] {
            let answer = acceptable(&parts(Some(accept)), &offered).expect_err("refused").into_response();
            assert_eq!(answer.status(), StatusCode::NOT_ACCEPTABLE, "{accept}");
        }
        // A range offered takes any type of its kind.
        assert!(acceptable(&parts(Some("image/png")), &["image/*"]).is_ok());
    }

    #[test]
    fn a_json_body_comes_as_any_json_media_type() {
        let body = RequestBody::required(Schema::any());
        for json in ["application/json", "application/json; charset=utf-8", "text/json", "application/merge-patch+json"]
        {
            assert!(body.accepts(Media::Json, json), "{json}");
        }
        for other in ["text/plain", "application/xml", "application/jsonl"] {
            assert!(!body.accepts(Media::Json, other), "{other}");
        }
    }

    #[test]
    fn a_scheme_of_its_own_reads_its_credentials_from_authorization() {
        let parts = |authorization: &str| {
            let request = axum::http::Request::builder().header(header::AUTHORIZATION, authorization);
            request.body(()).expect("a request").into_parts().0
        };
        let digest = Scheme { source: Source::Authorization("Digest"), credential: |c| c };
        let sent = r#"username="Mufasa", realm="http-auth@example.org", response="8ca5""#;
        assert_eq!(digest.credential(&parts(&format!("Digest {sent}"))).as_deref(), Some(sent));
        assert_eq!(
            digest.credential(&parts("digest  abc ")).as_deref(),
            Some("abc"),
            "the scheme is matched without case"
        );
        for other in ["Bearer abc", "Digest", "Digest ", "Digestive abc"] {
            assert_eq!(digest.credential(&parts(other)), None, "{other}");
        }
    }

    fn errors(schema: &Schema, value: Value) -> Vec<(String, String)> {
        let mut out = Vec::new();
        schema.check(&value, &mut FieldPath::default(), &mut out);
        out.into_iter().map(|e| (e.field.unwrap_or_default(), e.message)).collect()
    }

    fn fields(schema: &Schema, value: Value) -> Vec<String> {
        errors(schema, value).into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn dates_and_times_follow_rfc_3339() {
        for ok in ["2024-02-29", "2023-12-31", "0001-01-01"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in ["2023-02-29", "2023-13-01", "2023-1-01", "2023-01-00", "20230101", "2023-01-01T00:00:00Z", ""] {
            assert!(!is_date(bad), "{bad}");
        }
        for ok in [
            "2024-05-01T12:30:00Z",
            "2024-05-01t12:30:00.123456z",
            "2024-05-01T23:59:60+01:00",
            "2024-05-01T00:00:00-05:30",
        ] {
            assert!(is_date_time(ok), "{ok}");
        }
        for bad in [
            "2024-05-01T12:30:00",
            "2024-05-01 12:30:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:30:00.Z",
            "2024-05-01T12:30Z",
            "2024-05-01T12:30:00+0100",
        ] {
            assert!(!is_date_time(bad), "{bad}");
        }
    }

    #[test]
    fn emails_uris_and_uuids() {
        for ok in [
            "a@b.co",
            "o'brien+tag@mail.example.co.uk",
            "x@[127.0.0.1]",
            "#!$%&'*+-/=?^_`{}|~@example.org",
            "zoë@exämple.de",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in ["plain", "@example.com", "a@", "a@-x.com", "a..b@example.com", "a b@example.com", "a@exa mple.com"]
        {
            assert!(!is_email(bad), "{bad}");
        }
        assert!(is_uri("https://example.com/a?b=c#d") && is_uri("urn:isbn:0451450523"));
        assert!(!is_uri("/relative/path") && !is_uri("https://exa mple.com") && !is_uri("1http://x"));
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(!is_uuid("123e4567e89b12d3a456426614174000") && !is_uuid("123e4567-e89b-12d3-a456-42661417400g"));
    }

    #[test]
    fn patterns_are_ecma_262_in_unicode_mode() {
        static BMP: Pattern = Pattern::new("^[\\u0000-\\uFFFF]+$");
        static WORD: Pattern = Pattern::new("^[@~\\-\\.\\w]+$");
        static ANYWHERE: Pattern = Pattern::new("b+");
        assert!(BMP.is_match("Zoë") && !BMP.is_match("😀"));
        assert!(WORD.is_match("cus_1.a-b@c~") && !WORD.is_match("é") && !WORD.is_match("a b"));
        assert!(ANYWHERE.is_match("abbc"), "patterns are not anchored unless they say so");
    }

    #[test]
    fn runs_match_what_the_regex_engine_matches() {
        static COUNTRY: Pattern = Pattern::run("^[A-Z]{2}$", &[('A', 'Z')], 2, Some(2));
        static COUNTRY_RE: Pattern = Pattern::new("^[A-Z]{2}$");
        static BMP: Pattern = Pattern::run("^[\\u0000-\\uFFFF]+$", &[('\0', '\u{ffff}')], 1, None);
        static BMP_RE: Pattern = Pattern::new("^[\\u0000-\\uFFFF]+$");
        static SOME: Pattern = Pattern::run("^[a-c_]{0,2}$", &[('a', 'c'), ('_', '_')], 0, Some(2));
        static SOME_RE: Pattern = Pattern::new("^[a-c_]{0,2}$");
        for text in ["", "G", "GB", "GBR", "gb", "G1", "Zoë", "😀", "a", "ab_", "_c", "a\n", "c😀"] {
            for (run, regex) in [(&COUNTRY, &COUNTRY_RE), (&BMP, &BMP_RE), (&SOME, &SOME_RE)] {
                assert_eq!(run.is_match(text), regex.is_match(text), "{} on {text:?}", run.source);
            }
        }
    }

    #[test]
    fn parameter_text_becomes_json() {
        assert_eq!(coerce(&Schema::integer(IntFormat::I64), "-12"), Ok(Value::from(-12)));
        assert_eq!(coerce(&Schema::integer(IntFormat::U64), "18446744073709551615"), Ok(Value::from(u64::MAX)));
        assert!(coerce(&Schema::integer(IntFormat::I64), "1.5").is_err());
        assert_eq!(coerce(&Schema::number(), "1.5"), Ok(Value::from(1.5)));
        assert!(coerce(&Schema::number(), "NaN").is_err());
        assert_eq!(coerce(&Schema::boolean(), "true"), Ok(Value::Bool(true)));
        assert!(coerce(&Schema::boolean(), "yes").is_err());
        assert_eq!(coerce(&Schema::string(), "42"), Ok(Value::from("42")));
    }

    #[test]
    fn every_invalid_member_is_reported_with_its_path() {
        static TAG: Schema = Schema::enumeration(&["a", "b"]);
        static ITEM: Schema = Schema::object(&[
            Property::required("tag", Schema::reference(&TAG)),
            Property::optional("n", Schema::integer(IntFormat::I32).exclusive_minimum(0.0).maximum(10.0)),
        ]);
        static ROOT: Schema = Schema::object(&[
            Property::required("name", Schema::string().min_length(2).max_length(3)),
            Property::optional("note", Schema::string().nullable()),
            Property::optional("items", Schema::array(&Schema::reference(&ITEM)).min_items(1).max_items(2)),
            Property::optional("counts", Schema::map(&Schema::integer(IntFormat::U32))),
            Property::optional("fixed", Schema::string().fixed("\"x\"")),
        ]);
        assert!(errors(&ROOT, json(r#"{"name": "ab", "note": null, "items": [{"tag": "a", "n": 10}]}"#)).is_empty());
        assert_eq!(
            fields(
                &ROOT,
                json(r#"{"items": [{"tag": "c", "n": 0}, {"n": 99999999999}, {}], "counts": {"x": -1}, "fixed": "y"}"#)
            ),
            [
                "name",
                "items.0.tag",
                "items.0.n",
                "items.1.tag",
                "items.1.n",
                "items.2.tag",
                "items",
                "counts.x",
                "fixed"
            ]
        );
        assert_eq!(fields(&ROOT, json(r#"{"name": "abcd", "note": 1}"#)), ["name", "note"]);
        assert_eq!(fields(&ROOT, json("[]")), [""]);
        assert_eq!(fields(&ROOT, Value::Null), [""]);
    }

    #[test]
    fn unions_check_the_alternative_they_name() {
        static CAT: Schema = Schema::object(&[
            Property::required("kind", Schema::string()),
            Property::required("lives", Schema::integer(IntFormat::I64)),
        ]);
        static DOG: Schema = Schema::object(&[
            Property::required("kind", Schema::string()),
            Property::required("good", Schema::boolean()),
        ]);
        static PET: Schema = Schema::tagged(
            "kind",
            &[Variant::new(&["cat"], Schema::reference(&CAT)), Variant::new(&["dog"], Schema::reference(&DOG))],
        );
        static EITHER: Schema = Schema::one_of(&[Schema::string(), Schema::integer(IntFormat::I64)]);
        assert!(fields(&PET, json(r#"{"kind": "cat", "lives": 9}"#)).is_empty());
        assert_eq!(fields(&PET, json(r#"{"kind": "dog", "lives": 9}"#)), ["good"]);
        assert_eq!(fields(&PET, json(r#"{"kind": "cow"}"#)), ["kind"]);
        assert!(fields(&EITHER, json("7")).is_empty() && fields(&EITHER, json("\"7\"")).is_empty());
        assert_eq!(fields(&EITHER, json("true")), [""]);
    }

    static UPPER: Pattern = Pattern::new("^[A-Z]+$");
    static CODE: Schema = Schema::string().min_length(2).max_length(3).pattern(&UPPER);
    static COLOR: Schema = Schema::enumeration(&["red", "green"]);
    static POINT: Schema = Schema::object(&[
        Property::required("x", Schema::integer(IntFormat::I32).minimum(-10.0)),
        Property::required("y", Schema::number().exclusive_maximum(1.5)),
        Property::optional("label", Schema::reference(&CODE).nullable()),
    ]);
    static CIRCLE: Schema = Schema::object(&[
        Property::required("kind", Schema::string()),
        Property::required("center", Schema::reference(&POINT)),
    ]);
    static SQUARE: Schema =
        Schema::object(&[Property::required("kind", Schema::string()), Property::required("side", Schema::number())]);
    /// Every kind of schema and rule, with members beyond its properties held to a rule too.
    static SHAPE: Schema = Schema::object_with(
        &[
            Property::required("color", Schema::reference(&COLOR)),
            Property::optional("points", Schema::array(&Schema::reference(&POINT)).min_items(2).max_items(3)),
            Property::optional("tags", Schema::map(&Schema::integer(IntFormat::U32).maximum(9.0))),
            Property::optional("meta", Schema::any_object()),
            Property::optional("anything", Schema::any()),
            Property::optional("flag", Schema::boolean().nullable()),
            Property::optional("when", Schema::string().format(Format::DateTime)),
            Property::optional("size", Schema::integer(IntFormat::U64).maximum(100.0)),
            Property::optional("id", Schema::integer(IntFormat::I64)),
            Property::optional("ratio", Schema::number().minimum(0.0)),
            Property::optional("either", Schema::one_of(&[Schema::string(), Schema::reference(&POINT)])),
            Property::optional(
                "outline",
                Schema::tagged(
                    "kind",
                    &[
                        Variant::new(&["circle"], Schema::reference(&CIRCLE)),
                        Variant::new(&["square"], Schema::reference(&SQUARE)),
                    ],
                ),
            ),
            Property::optional("version", Schema::integer(IntFormat::I64).fixed("2")),
            Property::optional("short", Schema::reference(&CODE).max_length(2)),
            Property::optional("odd", Schema::boolean().min_length(1).min_items(1)),
            Property::optional("code", Schema::reference(&CODE)),
        ],
        &Schema::string().max_length(1),
    );

    /// The problems [`check_body`] finds in `body`, after making sure they are the ones the
    /// `Value`-based check finds, in the same order.
    fn streamed(schema: &Schema, body: &str) -> Vec<(String, String)> {
        let checked = check_body(schema, body.as_bytes()).expect("test JSON");
        let streamed: Vec<_> = checked.errors.into_iter().map(|e| (e.field.unwrap_or_default(), e.message)).collect();
        assert_eq!(streamed, errors(schema, json(body)), "{body}");
        streamed
    }

    /// A body [`SHAPE`] accepts, every member present.
    const VALID: &str = r#"{
            "color": "red",
            "points": [{"x": -10, "y": 1.4, "label": "AB"}, {"x": 2147483647, "y": -1e300, "label": null}],
            "tags": {"a": 0, "b": 9},
            "meta": {"deep": [1, {"x": null}]},
            "anything": [null, "x", {"y": [true]}],
            "flag": null,
            "when": "2024-05-01T12:30:00Z",
            "size": 100,
            "id": -9223372036854775808,
            "ratio": 0,
            "either": {"x": 1, "y": 0},
            "outline": {"kind": "circle", "center": {"x": 0, "y": 0}},
            "version": 2,
            "short": "AB",
            "odd": true,
            "code": "ABC",
            "z": "1"
        }"#;

    /// A body with every kind of problem [`SHAPE`] finds, repeated members among them.
    const INVALID: &str = r#"{
            "points": [{"x": -11, "y": 1.5, "label": "abcd"}, 5, null, {"x": 1.0, "y": "1"}],
            "tags": {"a": 10, "b": -1, "c": null, "a": 1, "\u0064": "x"},
            "meta": [],
            "flag": "no",
            "when": "2024-05-01 12:30:00Z",
            "size": -1,
            "id": 9223372036854775808,
            "ratio": -0.5,
            "either": true,
            "outline": {"kind": "triangle"},
            "version": 3,
            "short": "ABC",
            "odd": "",
            "code": "\u0041",
            "c\u006f\u006cor": "blue",
            "n": null,
            "q": 5,
            "zz": "long",
            "zz": "ok",
            "color": null,
            "code": "a"
        }"#;

    #[test]
    fn a_body_checked_as_it_is_parsed_has_the_problems_of_its_value() {
        assert_eq!(streamed(&SHAPE, VALID), []);

        let problems = streamed(&SHAPE, INVALID);
        let fields: Vec<&str> = problems.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "color",
                "points.0.x",
                "points.0.y",
                "points.0.label",
                "points.0.label",
                "points.1",
                "points.2",
                "points.3.x",
                "points.3.y",
                "points",
                "tags.b",
                "tags.c",
                "tags.d",
                "meta",
                "flag",
                "when",
                "size",
                "id",
                "ratio",
                "either",
                "outline.kind",
                "version",
                "short",
                "odd",
                "odd",
                "code",
                "code",
                "n",
                "q",
                "zz",
            ]
        );

        // Shapes the whole body can have.
        for body in ["null", "[]", "\"x\"", "1.5", "true", "{}", "{\"color\": \"red\", \"points\": []}"] {
            streamed(&SHAPE, body);
        }
        // Numbers at the edges of what each integer format admits.
        static NUMBERS: Schema = Schema::object(&[
            Property::optional("i32", Schema::integer(IntFormat::I32)),
            Property::optional("u32", Schema::integer(IntFormat::U32)),
            Property::optional("i64", Schema::integer(IntFormat::I64)),
            Property::optional("u64", Schema::integer(IntFormat::U64)),
        ]);
        let edges = ["0", "-0", "1e2", "1.0", "-1", "2147483648", "-2147483649", "4294967296"];
        for n in edges.into_iter().chain(["18446744073709551616", "-9223372036854775809"]) {
            let body = format!(r#"{{"i32": {n}, "u32": {n}, "i64": {n}, "u64": {n}}}"#);
            streamed(&NUMBERS, &body);
        }
    }

    /// What [`read_checked`] makes of `body` as a `T`, problems as (field, message) pairs.
    fn fused<T: DeserializeOwned>(schema: &Schema, body: &str) -> Option<Result<T, Vec<(String, String)>>> {
        let pairs = |errors: Vec<InvalidField>| errors.into_iter().map(|e| (e.field.unwrap_or_default(), e.message));
        read_checked::<T>(schema, body).map(|read| read.map_err(|errors| pairs(errors).collect()))
    }

    /// [`SHAPE`] without the parts that are checked on their own (unions, `const`).
    static PLAIN: Schema = Schema::object_with(
        &[
            Property::required("color", Schema::reference(&COLOR)),
            Property::optional("points", Schema::array(&Schema::reference(&POINT)).min_items(2).max_items(3)),
            Property::optional("tags", Schema::map(&Schema::integer(IntFormat::U32).maximum(9.0))),
            Property::optional("meta", Schema::any_object()),
            Property::optional("anything", Schema::any()),
            Property::optional("flag", Schema::boolean().nullable()),
            Property::optional("when", Schema::string().format(Format::DateTime)),
            Property::optional("size", Schema::integer(IntFormat::U64).maximum(100.0)),
            Property::optional("id", Schema::integer(IntFormat::I64)),
            Property::optional("ratio", Schema::number().minimum(0.0)),
            Property::optional("short", Schema::reference(&CODE).max_length(2)),
            Property::optional("odd", Schema::boolean().min_length(1).min_items(1)),
            Property::optional("code", Schema::reference(&CODE)),
        ],
        &Schema::string().max_length(1),
    );

    #[test]
    fn a_body_read_and_checked_in_one_pass_has_the_problems_the_check_finds() {
        // The bodies of the streaming test without the members `PLAIN` leaves out (each on a
        // line of its own, none the last of its object).
        let without_unions = |body: &str| {
            let kept =
                body.lines().filter(|l| !["\"either\"", "\"outline\"", "\"version\""].iter().any(|k| l.contains(k)));
            kept.collect::<Vec<_>>().join("\n")
        };
        let (valid, invalid) = (without_unions(VALID), without_unions(INVALID));
        let shapes = ["null", "[]", "\"x\"", "1.5", "true", "{}", "{\"color\": \"red\", \"points\": []}"];
        for body in [valid.as_str(), invalid.as_str()].into_iter().chain(shapes) {
            let problems = streamed(&PLAIN, body);
            let expected = if problems.is_empty() { Ok(json(body)) } else { Err(problems) };
            assert_eq!(fused::<Value>(&PLAIN, body), Some(expected), "{body}");
        }
        // The streaming test's problems but for the three members left out.
        assert_eq!(streamed(&PLAIN, &invalid).len(), 27);

        // Typed: options, sequences, maps and members the type does not know all go through
        // the check.
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Point {
            x: i32,
            y: f64,
            label: Option<String>,
        }
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Plain {
            color: String,
            points: Option<Vec<Point>>,
            tags: Option<std::collections::BTreeMap<String, u32>>,
            flag: Option<bool>,
            size: Option<u64>,
            short: Option<String>,
        }
        let typed = r#"{"color": "blue", "points": [{"x": -11, "y": 1.5, "label": "abcd"}],
            "tags": {"a": 10, "b": 1}, "flag": null, "size": 101, "short": "ABC", "zz": "long", "meta": 1}"#;
        let problems = streamed(&PLAIN, typed);
        assert_eq!(problems.len(), 11, "{problems:?}");
        assert_eq!(fused::<Plain>(&PLAIN, typed), Some(Err(problems)));
        let fine = r#"{"color": "red", "points": [{"x": 1, "y": 0, "label": null}, {"x": 2, "y": 1}], "z": "1"}"#;
        assert_eq!(streamed(&PLAIN, fine), []);
        let point = |x, label: Option<&str>| Point { x, y: f64::from(x - 1), label: label.map(str::to_owned) };
        let plain = Plain {
            color: "red".into(),
            points: Some(vec![point(1, None), point(2, None)]),
            tags: None,
            flag: None,
            size: None,
            short: None,
        };
        assert_eq!(fused::<Plain>(&PLAIN, fine), Some(Ok(plain)));
        // What the type cannot hold, and what must be checked on its own, is left to the check.
        assert_eq!(fused::<Plain>(&PLAIN, r#"{"color": 5}"#), None);
        assert_eq!(fused::<Plain>(&PLAIN, r#"{"points": [{"x": 1}]}"#), None);
        assert_eq!(fused::<Value>(&SHAPE, r#"{"color": "red", "either": "x"}"#), None);
        assert_eq!(fused::<Value>(&SHAPE, r#"{"color": "red", "version": 2}"#), None);
        assert_eq!(
            fused::<Value>(&SHAPE, r#"{"color": "red", "short": "AB"}"#),
            Some(Ok(json(r#"{"color": "red", "short": "AB"}"#)))
        );
    }

    #[test]
    fn multiples_unique_items_and_enums_beyond_strings() {
        static CENTS: Schema = Schema::number().multiple_of(0.01);
        static EVEN: Schema = Schema::integer(IntFormat::I64).multiple_of(2.0);
        static SET: Schema = Schema::array(&Schema::any()).unique_items();
        static LEVEL: Schema = Schema::integer(IntFormat::I64).allowed(&["1", "2", "3"]);
        static ONE: Schema = Schema::number().fixed("1");
        let none: [(String, String); 0] = [];
        for ok in ["0.3", "19.99", "1e2", "0", "-0.07", "1000000.01"] {
            assert_eq!(errors(&CENTS, json(ok)), none, "{ok}");
        }
        assert_eq!(errors(&CENTS, json("0.001")), [(String::new(), "must be a multiple of 0.01".to_owned())]);
        assert_eq!(fields(&EVEN, json("-4")).len(), 0);
        assert_eq!(fields(&EVEN, json("3")).len(), 1);
        assert_eq!(errors(&SET, json(r#"[1, "1", [1], {"a": 1}, {"a": 2}, null]"#)), none);
        let repeated = json(r#"[{"a": 1, "b": [2]}, 1, {"b": [2.0], "a": 1}]"#);
        assert_eq!(errors(&SET, repeated), [(String::new(), "must not repeat an item".to_owned())]);
        assert_eq!(errors(&LEVEL, json("2")), none);
        assert_eq!(errors(&LEVEL, json("4")), [(String::new(), "must be one of 1, 2, 3".to_owned())]);
        assert_eq!(errors(&ONE, json("1.0")), none);

        // In a body: checked as it is parsed, or in one pass with the typed read.
        static BODY: Schema = Schema::object(&[
            Property::optional("price", Schema::reference(&CENTS)),
            Property::optional("tags", Schema::reference(&SET)),
            Property::optional("level", Schema::reference(&LEVEL)),
        ]);
        let body = r#"{"price": 1.005, "tags": [1, 2, 1], "level": 7}"#;
        let problems: Vec<String> = streamed(&BODY, body).into_iter().map(|(field, _)| field).collect();
        assert_eq!(problems, ["price", "tags", "level"]);
        // Whole values are compared apart: the one-pass read leaves such a body to the check.
        assert_eq!(fused::<Value>(&BODY, body), None);
        let price = r#"{"price": 1.005}"#;
        assert_eq!(fused::<Value>(&BODY, price), Some(Err(streamed(&BODY, price))));
    }

    #[test]
    fn closed_objects_and_counted_members() {
        static CLOSED: Schema = Schema::object(&[Property::optional("id", Schema::string())]).closed();
        static TAGS: Schema = Schema::map(&Schema::string()).min_properties(1).max_properties(2);
        static BODY: Schema = Schema::object(&[
            Property::optional("limit", Schema::reference(&CLOSED)),
            Property::optional("tags", Schema::reference(&TAGS)),
        ]);
        let none: [(String, String); 0] = [];
        assert_eq!(errors(&CLOSED, json(r#"{"id": "a"}"#)), none);
        let extra = errors(&CLOSED, json(r#"{"x": null, "id": "a", "y": 1}"#));
        assert_eq!(
            extra,
            [("x".to_owned(), "is not allowed".to_owned()), ("y".to_owned(), "is not allowed".to_owned())]
        );
        assert_eq!(errors(&TAGS, json(r#"{"a": "1"}"#)), none);
        assert_eq!(errors(&TAGS, json("{}")), [(String::new(), "must have at least 1 member".to_owned())]);
        assert_eq!(fields(&TAGS, json(r#"{"a": "1", "b": "2", "c": 3}"#)), ["c", ""]);

        let body = r#"{"limit": {"id": "a", "max": 3}, "tags": {}}"#;
        let problems: Vec<String> = streamed(&BODY, body).into_iter().map(|(field, _)| field).collect();
        assert_eq!(problems, ["limit.max", "tags"]);
        assert_eq!(fused::<Value>(&BODY, body), None);
        // A repeated member counts once, as in the `Value` the rules see.
        assert_eq!(streamed(&BODY, r#"{"tags": {"a": "1", "b": "2", "a": "3"}}"#), none);
    }

    #[test]
    fn a_body_is_malformed_exactly_when_a_value_cannot_be_read_from_it() {
        let deep = format!("{{\"anything\": {}{}}}", "[".repeat(200), "]".repeat(200));
        let bodies: Vec<&[u8]> = vec![
            b"",
            b"{",
            b"nul",
            b"{\"color\": \"red\",}",
            b"{\"color\": \"red\"} x",
            b"{\"color\": \"red\"}\n ",
            b"{\"unknown\": 1e400}",
            b"{\"points\": [{\"x\": 1e999}]}",
            b"{\"anything\": [\"\\ud800\"]}",
            b"{\"anything\": \"\\ud83d\\ude00\"}",
            b"{\"meta\": {\"a\": \"\\x\"}}",
            b"{\"meta\": {\"a\": \"\x01\"}}",
            b"{\"tags\": {\"a\": [1, 2,]}}",
            b"{\"color\": \"r\xffd\"}",
            b"{\"zz\xff\": 1}",
            b"{\"meta\": {\"\xc3\": 1}}",
            b"{\"either\": [1e400]}",
            b"{\"outline\": {\"kind\": \"square\", \"side\": 01}}",
            b"{\"q\": tru}",
            deep.as_bytes(),
        ];
        for body in bodies {
            let expected = serde_json::from_slice::<Value>(body).map(drop).map_err(|e| e.to_string());
            let got = check_body(&SHAPE, body).map(drop).map_err(|e| e.to_string());
            assert_eq!(got, expected, "{}", String::from_utf8_lossy(body));
            // Read in one pass, a malformed body is left to the check, which says why.
            if expected.is_err() {
                let text = std::str::from_utf8(body).unwrap_or_default();
                assert_eq!(fused::<Value>(&SHAPE, text), None, "{text}");
            }
        }
    }

    #[test]
    fn a_typed_body_keeps_the_last_of_a_repeated_member_as_the_check_did() {
        static ABOUT: Schema = Schema::object(&[Property::required("x", Schema::any())]);
        static EITHER: Schema = Schema::one_of(&[Schema::reference(&ABOUT)]);
        static OPERATION: Operation = Operation {
            params: &[],
            body: Some(RequestBody::optional(Schema::reference(&EITHER))),
            errors: ErrorMedia { unauthorized: None, not_found: None, unprocessable: None, bad_request: None },
        };
        #[derive(Debug, PartialEq, serde::Deserialize)]
        #[serde(untagged)]
        enum Either {
            Number { x: i64 },
            Other { x: Value },
        }
        let input = |body: &'static str| {
            let checked = check_body(&EITHER, body.as_bytes()).expect("test JSON");
            assert!(checked.errors.is_empty());
            Input {
                operation: &OPERATION,
                params: Vec::new(),
                body: Bytes::from(body),
                body_unchecked: false,
                body_repeats: checked.repeats,
                files: Vec::new(),
                body_stream: None,
                media: Some(0),
                body_spec: OPERATION.body.as_ref(),
            }
        };
        let mut empty = Input {
            operation: &OPERATION,
            params: Vec::new(),
            body: Bytes::new(),
            body_unchecked: false,
            body_repeats: false,
            files: Vec::new(),
            body_stream: None,
            media: None,
            body_spec: OPERATION.body.as_ref(),
        };
        // Read directly, the union would see `"s"` first and settle for `Other`.
        assert_eq!(input(r#"{"x": "s", "x": 1}"#).body::<Either>().ok(), Some(Either::Number { x: 1 }));
        assert_eq!(input(r#"{"x": "s"}"#).body::<Either>().ok(), Some(Either::Other { x: json("\"s\"") }));
        assert_eq!(empty.body::<Option<Either>>().ok(), Some(None));
    }

    /// Runs a future that never waits (the request bodies here are all in memory).
    fn ready<F: std::future::Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        for _ in 0..1000 {
            if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut context) {
                return output;
            }
        }
        panic!("the future kept waiting");
    }

    /// The status and problem details of a refusal.
    fn answer<T>(result: Result<T, Rejection>) -> (StatusCode, Value) {
        let Err(rejection) = result else { panic!("accepted") };
        let response = rejection.into_response();
        let status = response.status();
        let body = ready(axum::body::to_bytes(response.into_body(), usize::MAX)).expect("a body");
        (status, serde_json::from_slice(&body).expect("problem details"))
    }

    /// The fields an answer lists as invalid, with their messages.
    fn invalid_fields(problem: &Value) -> Vec<(String, String)> {
        let fields = problem["invalidFields"].as_array().cloned().unwrap_or_default();
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        fields.iter().map(|f| (text(&f["field"]), text(&f["message"]))).collect()
    }

    /// A part of a multipart body: name, file name, media type, content.
    type TestPart<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

    /// A multipart body of `parts`, delimited by `BOUNDARY`.
    fn multipart_body(parts: &[TestPart<'_>]) -> Vec<u8> {
        let mut body = Vec::new();
        for (name, file_name, content_type, content) in parts {
            body.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"").as_bytes(),
            );
            if let Some(file_name) = file_name {
                body.extend_from_slice(format!("; filename=\"{file_name}\"").as_bytes());
            }
            if let Some(content_type) = content_type {
                body.extend_from_slice(format!("\r\nContent-Type: {content_type}").as_bytes());
            }
            body.extend_from_slice(b"\r\n\r\n");
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        body
    }

    const BOUNDARY: &str = "XyZ-boundary";

    static UPLOAD: Schema = Schema::object(&[
        Property::required("avatar", Schema::string()),
        Property::optional("attachments", Schema::array(&Schema::string()).max_items(2)),
        Property::required("count", Schema::integer(IntFormat::I32).minimum(1.0)),
        Property::optional("meta", Schema::object(&[Property::required("id", Schema::integer(IntFormat::I64))])),
        Property::optional("tags", Schema::array(&Schema::string())),
        Property::optional("note", Schema::string().min_length(3)),
    ]);
    static UPLOAD_OPERATION: Operation = Operation {
        params: &[],
        body: Some(
            RequestBody::required(Schema::reference(&UPLOAD)).media(Media::Multipart).files(&["avatar", "attachments"]),
        ),
        errors: ErrorMedia { unauthorized: None, not_found: None, unprocessable: None, bad_request: None },
    };

    /// What `extract` makes of `body` sent as `content_type`, within `limit` bytes.
    fn upload(content_type: Option<&str>, body: Vec<u8>, limit: usize) -> Result<Input, Rejection> {
        let mut request = axum::http::Request::builder().method("POST").uri("/upload");
        if let Some(content_type) = content_type {
            request = request.header(header::CONTENT_TYPE, content_type);
        }
        let (parts, body) = request.body(Body::from(body)).expect("a request").into_parts();
        ready(UPLOAD_OPERATION.extract(parts, body, limit))
    }

    fn form_data() -> String {
        format!("multipart/form-data; boundary={BOUNDARY}")
    }

    #[test]
    fn a_multipart_body_is_read_into_its_value_and_its_files() {
        let body = multipart_body(&[
            ("avatar", Some("me.png"), Some("image/png"), b"\x89PNG\xff"),
            ("count", None, None, b"42"),
            ("meta", None, Some("application/json"), br#"{"id": 7}"#),
            ("tags", None, None, b"a"),
            ("attachments", Some("a.txt"), None, b"first"),
            ("tags", None, None, b"b"),
            ("attachments", None, Some("text/csv"), b"x,y"),
            ("unknown", None, None, b"kept"),
        ]);
        for content_type in [form_data(), format!("Multipart/Mixed; boundary=\"{BOUNDARY}\"")] {
            let mut input = match upload(Some(&content_type), body.clone(), 1 << 20) {
                Ok(input) => input,
                Err(rejection) => panic!("{:?}", answer::<()>(Err(rejection))),
            };
            let value: Value = input.body().ok().expect("a body");
            assert_eq!(
                value,
                json(
                    r#"{"avatar": "", "count": 42, "meta": {"id": 7}, "tags": ["a", "b"], "attachments": ["", ""],
                        "unknown": "kept"}"#
                )
            );
            let avatar = input.file("avatar").ok().expect("the avatar");
            assert_eq!((avatar.file_name(), avatar.content_type()), (Some("me.png"), Some("image/png")));
            assert_eq!(avatar.bytes().map(|b| &b[..]), Some(&b"\x89PNG\xff"[..]));
            let attachments = input.file_list("attachments");
            let names: Vec<_> = attachments.iter().map(|f| (f.file_name(), f.content_type(), f.size())).collect();
            assert_eq!(names, [(Some("a.txt"), None, Some(5)), (None, Some("text/csv"), Some(3))]);
            assert!(input.file_opt("avatar").is_none() && input.file_list("attachments").is_empty());
            let (status, problem) = answer(input.file("avatar"));
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(invalid_fields(&problem), [("avatar".to_owned(), "is required".to_owned())]);
        }
    }

    #[test]
    fn every_invalid_part_is_named_in_one_answer() {
        let body = multipart_body(&[
            ("count", None, None, b"many"),
            ("meta", None, Some("application/json"), b"{not json"),
            ("note", None, None, b"\xff\xfe"),
            ("attachments", Some("1"), None, b"1"),
            ("attachments", Some("2"), None, b"2"),
            ("attachments", Some("3"), None, b"3"),
        ]);
        let (status, problem) = answer(upload(Some(&form_data()), body, 1 << 20));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let field = |field: &str, message: &str| (field.to_owned(), message.to_owned());
        assert_eq!(
            invalid_fields(&problem),
            [
                // Not UTF-8: named once, the length rule left unsaid.
                field("note", "must be UTF-8 text"),
                field("avatar", "is required"),
                field("attachments", "must have at most 2 items"),
                field("count", "must be an integer that fits in 32 bits"),
                field("meta", "must be an object"),
            ]
        );

        // Nothing wrong but what the check finds: checked as the body is read.
        let body = multipart_body(&[("avatar", None, None, b""), ("count", None, None, b"0")]);
        let mut input = upload(Some(&form_data()), body, 1 << 20).ok().expect("read");
        let (status, problem) = answer(input.body::<Value>());
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(invalid_fields(&problem), [field("count", "must be at least 1")]);

        // No parts at all: the required ones are missing.
        let mut input = upload(Some(&form_data()), multipart_body(&[]), 1 << 20).ok().expect("read");
        let (_, problem) = answer(input.body::<Value>());
        assert_eq!(invalid_fields(&problem), [field("avatar", "is required"), field("count", "is required")]);
    }

    #[test]
    fn a_body_that_is_not_multipart_is_refused() {
        let body = || multipart_body(&[("avatar", None, None, b"x"), ("count", None, None, b"1")]);
        let (status, problem) = answer(upload(Some("application/json"), body(), 1 << 20));
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(
            problem["detail"],
            "The request body must be multipart (`multipart/form-data`), not `application/json`."
        );

        let refusals = [
            (
                Some("multipart/form-data"),
                "The multipart boundary cannot be read from `multipart/form-data`: multipart boundary not found in \
                 Content-Type.",
            ),
            (None, "The request body has no `Content-Type` to name its multipart boundary."),
            (
                Some("multipart/form-data; boundary=other"),
                "The request body is not valid multipart: incomplete multipart stream.",
            ),
        ];
        for (content_type, detail) in refusals {
            let (status, problem) = answer(upload(content_type, body(), 1 << 20));
            assert_eq!((status, problem["detail"].as_str()), (StatusCode::BAD_REQUEST, Some(detail)));
        }
        let (status, problem) = answer(upload(Some(&form_data()), b"junk".to_vec(), 1 << 20));
        assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");

        let (status, _) = answer(upload(Some(&form_data()), body(), 16));
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    }

    static LINK: Schema = Schema::object(&[Property::required("url", Schema::string())]);
    static CHOICE_OTHERS: [RequestBody; 3] = [
        RequestBody::optional(Schema::reference(&UPLOAD))
            .media(Media::Multipart)
            .files(&["avatar", "attachments"])
            .content_type("multipart/form-data"),
        RequestBody::optional(Schema::any()).media(Media::Bytes).content_type("image/*"),
        RequestBody::optional(Schema::any()).media(Media::Text).content_type("application/sdp"),
    ];
    static CHOICE_OPERATION: Operation = Operation {
        params: &[],
        body: Some(RequestBody::optional(Schema::reference(&LINK)).content_type("application/json").or(&CHOICE_OTHERS)),
        errors: ErrorMedia { unauthorized: None, not_found: None, unprocessable: None, bad_request: None },
    };

    #[test]
    fn a_body_in_several_media_types_is_read_as_the_one_its_content_type_names() {
        let send = |content_type: Option<&str>, body: Vec<u8>| {
            let mut request = axum::http::Request::builder().method("POST").uri("/choice");
            if let Some(content_type) = content_type {
                request = request.header(header::CONTENT_TYPE, content_type);
            }
            let (parts, body) = request.body(Body::from(body)).expect("a request").into_parts();
            ready(CHOICE_OPERATION.extract(parts, body, 1 << 20))
        };
        let mut input = send(Some("application/json"), br#"{"url": "u"}"#.to_vec()).ok().expect("JSON");
        assert_eq!(input.media(), Some(0));
        assert_eq!(input.body::<Value>().ok(), Some(json(r#"{"url": "u"}"#)));
        // Each is checked against its own schema (as it is read).
        let mut input = send(Some("application/json"), b"{}".to_vec()).ok().expect("JSON");
        let (status, problem) = answer(input.body::<Value>());
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(invalid_fields(&problem), [("url".to_owned(), "is required".to_owned())]);
        let parts = multipart_body(&[("avatar", Some("a.png"), None, b"png"), ("count", None, None, b"2")]);
        let mut input = send(Some(&form_data()), parts).ok().expect("multipart");
        assert_eq!(input.media(), Some(1));
        assert_eq!(input.body::<Value>().ok(), Some(json(r#"{"avatar": "", "count": 2}"#)));
        assert_eq!(input.file("avatar").ok().and_then(|f| f.bytes().cloned()), Some(Bytes::from_static(b"png")));
        let mut input = send(Some(&form_data()), multipart_body(&[("count", None, None, b"0")])).ok().expect("parts");
        let (status, problem) = answer(input.body::<Value>());
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let names: Vec<String> = invalid_fields(&problem).into_iter().map(|(field, _)| field).collect();
        assert_eq!(names, ["avatar", "count"]);
        // A range takes each of its types; an exact type only itself, parameters aside.
        let mut input = send(Some("Image/PNG"), b"\x89PNG".to_vec()).ok().expect("an image");
        assert_eq!((input.media(), input.bytes()), (Some(2), Some(b"\x89PNG".to_vec())));
        let mut input = send(Some("application/sdp; charset=utf-8"), b"v=0".to_vec()).ok().expect("text");
        assert_eq!((input.media(), input.text().as_deref()), (Some(3), Some("v=0")));
        let (status, problem) = answer(send(Some("text/plain"), b"v=0".to_vec()));
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(
            problem["detail"],
            "The request body must be JSON (`application/json`) or multipart (`multipart/form-data`) or \
             `image/*` or `application/sdp`, not `text/plain`."
        );
        // No body: none of them came.
        let input = send(None, Vec::new()).ok().expect("no body");
        assert_eq!(input.media(), None);
    }

    #[test]
    fn extracting_a_multipart_body_can_move_between_threads() {
        fn send<T: Send>(_: &T) {}
        let (parts, body) = axum::http::Request::new(Body::empty()).into_parts();
        send(&UPLOAD_OPERATION.extract(parts, body, 0));
    }

    fn json(text: &str) -> Value {
        serde_json::from_str(text).expect("test JSON")
    }
}
