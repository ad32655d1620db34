//! Naming: every Rust identifier the generator emits is made here from a wire name.
//!
//! Lowering settles all names (so the IR carries each identifier beside its wire name) and
//! the emitters only read them.

use std::collections::HashSet;

use heck::{ToKebabCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Type names the generated code already uses (prelude, serde derives, our runtime types).
const RESERVED_TYPES: &[&str] = &[
    "Box",
    "Clone",
    "Copy",
    "Default",
    "Deserialize",
    "Err",
    "Eq",
    "Hash",
    "None",
    "Nullable",
    "Ok",
    "Option",
    "PartialEq",
    "Result",
    "Self",
    "Send",
    "Serialize",
    "Some",
    "String",
    "Sync",
    "ToString",
    "Vec",
];

/// Words split the same way heck splits them, after transliterating to ASCII. A name made
/// only of symbols (an enum value such as `+` or `<=`) spells them out instead.
fn ascii(raw: &str) -> String {
    let ascii = deunicode::deunicode(raw);
    if !ascii.chars().any(|c| c.is_ascii_alphanumeric()) {
        return ascii.chars().filter_map(symbol_word).collect::<Vec<_>>().join(" ");
    }
    ascii.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '+' => "plus",
        '-' => "minus",
        '*' => "star",
        '/' => "slash",
        '\\' => "backslash",
        '=' => "eq",
        '<' => "lt",
        '>' => "gt",
        '!' => "not",
        '%' => "percent",
        '&' => "and",
        '|' => "or",
        '^' => "caret",
        '~' => "tilde",
        '.' => "dot",
        ',' => "comma",
        ':' => "colon",
        ';' => "semicolon",
        '@' => "at",
        '#' => "hash",
        '$' => "dollar",
        '?' => "question",
        '_' => "underscore",
        _ => return None,
    })
}

/// A `snake_case` identifier for a field, parameter or method; keywords become raw (`r#type`).
pub fn snake(raw: &str) -> String {
    let mut name = ascii(raw).to_snake_case();
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    escape_keyword(name)
}

/// An `UpperCamelCase` identifier for a type.
pub fn type_name(raw: &str) -> String {
    let mut name = pascal(raw, "T");
    if RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str("Model");
    }
    name
}

/// A `SCREAMING_SNAKE_CASE` identifier for a constant or static.
pub fn constant(raw: &str) -> String {
    let mut name = ascii(raw).to_shouty_snake_case();
    if name.is_empty() {
        name = "VALUE".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    name
}

/// Features of a generated crate that a tag's feature must not take the name of.
pub const OWN_FEATURES: &[&str] = &["default", "client", "server", "all-tags"];

/// A `kebab-case` cargo feature for a tag (`Payment instruments` → `payment-instruments`);
/// one of [`OWN_FEATURES`] gets a `-tag` suffix.
pub fn feature(tag: &str) -> String {
    let mut name = ascii(tag).to_kebab_case();
    if name.is_empty() {
        name = "tag".into();
    }
    if OWN_FEATURES.contains(&name.as_str()) {
        name.push_str("-tag");
    }
    name
}

/// An `UpperCamelCase` variant for one media type of a body that offers several: its subtype
/// (`application/pdf` → `Pdf`, `application/problem+json` → `ProblemJson`), its type for a
/// range (`image/*` → `Image`), `Any` for `*/*`; the two forms are `Form` and `Multipart`.
pub fn media_variant(media: &str) -> String {
    let essence = media.split(';').next().unwrap_or(media).trim().to_ascii_lowercase();
    let (kind, subtype) = essence.split_once('/').unwrap_or((&essence, ""));
    let raw = match (kind, subtype) {
        ("*", _) => "any",
        // The two kinds of form read best by what they are.
        ("application", "x-www-form-urlencoded") => "form",
        ("multipart", "form-data") => "multipart",
        (kind, "*" | "") => kind,
        (_, subtype) => subtype,
    };
    variant(raw)
}

/// An `UpperCamelCase` identifier for an enum variant.
pub fn variant(raw: &str) -> String {
    let name = pascal(raw, "V");
    if name == "Self" {
        return "SelfValue".into();
    }
    name
}

fn pascal(raw: &str, digit_prefix: &str) -> String {
    // A leading sign is meaningful in enum values ("-1" vs "1").
    let sign = if raw.starts_with('-') && raw[1..].starts_with(|c: char| c.is_ascii_digit()) { "Minus" } else { "" };
    let mut name = format!("{sign}{}", ascii(raw).to_upper_camel_case());
    if name.is_empty() {
        name = "Value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, digit_prefix);
    }
    name
}

fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Methods the generated `Client` and server `Api` trait define beside one per operation (the
/// client also has `with_<scheme>` per security scheme): an operation may not take these names.
pub const OWN_METHODS: &[&str] = &[
    "new",
    "with_http_client",
    "with_retry_policy",
    "base_url",
    "http_client",
    "request",
    "exchange",
    "send",
    "authenticate",
];

/// The client's setter for a security scheme's credential (`with_<scheme>`).
pub fn scheme_setter(scheme: &str) -> String {
    format!("with_{}", unraw(scheme))
}

/// The client's method that pages through every item of an operation's collection.
pub fn stream_method(operation: &str) -> String {
    format!("{}_stream", unraw(operation))
}

/// The identifier without a raw prefix, as serde and rustdoc see it.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// The element name for an array property: `taxNumbers` gives `TaxNumber`, `_links` gives `Link`.
pub fn singular(plural: &str) -> Option<String> {
    let lower = plural.to_ascii_lowercase();
    if let Some(stem) = plural.strip_suffix("ies").filter(|_| plural.len() > 4) {
        return Some(format!("{stem}y"));
    }
    let ends_plural = lower.ends_with('s') && !["ss", "us", "is", "os"].iter().any(|s| lower.ends_with(s));
    ends_plural.then(|| plural[..plural.len() - 1].to_string())
}

/// Words that say nothing about which server is meant (`Live environment` is `live`).
const SERVER_FILLER: &[&str] = &["api", "environment", "env", "server", "url"];

/// A function name for the server at `index` (0-based): the first words of its description
/// up to the first punctuation, without filler words (`Sandbox, for testing without real
/// money.` gives `sandbox`, `Live environment.` gives `live`); `server_1`, `server_2`, ... when
/// there is no description or its first clause is longer than three words.
pub fn server(description: Option<&str>, index: usize) -> String {
    let clause = description.and_then(|d| d.split([',', '.', ':', ';', '(', '\n']).next()).unwrap_or("");
    let mut words: Vec<String> = ascii(clause).split_whitespace().map(str::to_ascii_lowercase).collect();
    while words.len() > 1 && words.last().is_some_and(|w| SERVER_FILLER.contains(&w.as_str())) {
        words.pop();
    }
    if words.is_empty() || words.len() > 3 {
        return format!("server_{}", index + 1);
    }
    snake(&words.join(" "))
}

/// The variant name for a response status: `201` gives `Created`, `2XX` gives `Status2xx`.
pub fn status_variant(status: crate::ir::Status) -> String {
    use crate::ir::Status;
    let code = match status {
        Status::Code(code) => code,
        Status::Range(digit) => return format!("Status{digit}xx"),
        Status::Default => return "Default".into(),
    };
    let reason = match code {
        100 => "Continue",
        101 => "SwitchingProtocols",
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        414 => "UriTooLong",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        417 => "ExpectationFailed",
        422 => "UnprocessableEntity",
        423 => "Locked",
        424 => "FailedDependency",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return format!("Status{code}"),
    };
    reason.to_string()
}

/// Hands out unique names within one scope (a module, a struct, an enum).
#[derive(Debug, Default)]
pub struct Scope {
    taken: HashSet<String>,
}

impl Scope {
    /// A scope in which `reserved` are already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Scope { taken: reserved.into_iter().map(str::to_string).collect() }
    }

    /// `name` if free, else `name2`, `name3`, ... (`name_2` for snake case names).
    pub fn claim(&mut self, name: &str) -> String {
        if self.taken.insert(name.to_string()) {
            return name.to_string();
        }
        let base = unraw(name);
        let sep = if base.contains('_') || base.starts_with(|c: char| c.is_ascii_lowercase()) { "_" } else { "" };
        (2..)
            .map(|n| format!("{base}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursed_names() {
        let cases = [
            ("_links", "links", "Links"),
            ("_embedded", "embedded", "Embedded"),
            ("type", "r#type", "Type"),
            ("self", "self_", "SelfModel"),
            ("X-RateLimit-Limit", "x_rate_limit_limit", "XRateLimitLimit"),
            ("3dSecure", "_3d_secure", "T3dSecure"),
            ("eu-vat", "eu_vat", "EuVat"),
            ("café au lait", "cafe_au_lait", "CafeAuLait"),
            ("Option", "option", "OptionModel"),
            ("$", "dollar", "Dollar"),
            ("createdTime", "created_time", "CreatedTime"),
            ("isEDDRequired", "is_edd_required", "IsEddRequired"),
            ("async", "r#async", "Async"),
        ];
        for (raw, field, ty) in cases {
            assert_eq!(snake(raw), field, "field name of {raw:?}");
            let ty_expected = if raw == "self" { "SelfModel" } else { ty };
            assert_eq!(type_name(raw), ty_expected, "type name of {raw:?}");
        }
        assert_eq!(server(Some("Sandbox, for testing without real money."), 0), "sandbox");
        assert_eq!(server(Some("Live environment."), 1), "live");
        assert_eq!(server(Some("Production API server (EU)"), 0), "production");
        assert_eq!(server(Some("The staging cluster in Europe"), 2), "server_3");
        assert_eq!(server(None, 0), "server_1");
        assert_eq!(server(Some("Mock"), 0), "mock");
        assert_eq!(variant("Self"), "SelfValue");
        assert_eq!(variant("-1"), "Minus1");
        assert_eq!(variant("1"), "V1");
        assert_eq!(variant("+"), "Plus");
        assert_eq!(variant("-"), "Minus");
        assert_eq!(variant("<="), "LtEq");
        assert_eq!(snake("*"), "star");
        assert_eq!(constant("CustomerRequest"), "CUSTOMER_REQUEST");
        assert_eq!(constant("get_customer"), "GET_CUSTOMER");
        assert_eq!(constant("JWT"), "JWT");
        assert_eq!(constant("3dSecure"), "_3D_SECURE");
    }

    #[test]
    fn plurals() {
        assert_eq!(singular("taxNumbers").as_deref(), Some("taxNumber"));
        assert_eq!(singular("_links").as_deref(), Some("_link"));
        assert_eq!(singular("categories").as_deref(), Some("category"));
        assert_eq!(singular("address"), None);
        assert_eq!(singular("status"), None);
    }

    #[test]
    fn scope_suffixes() {
        let mut s = Scope::default();
        assert_eq!(s.claim("Customer"), "Customer");
        assert_eq!(s.claim("Customer"), "Customer2");
        assert_eq!(s.claim("r#type"), "r#type");
        assert_eq!(s.claim("r#type"), "type_2");
    }
}
