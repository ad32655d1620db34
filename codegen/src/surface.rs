//! The API surface: what a spec promises on the wire, as plain comparable data.
//!
//! [`Surface::of`] reads it off the IR; the generator writes it beside its output
//! (`api-surface.json`) so the next run can tell what a spec change did (see [`crate::compat`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ir::{Access, Api, Body, Constraints, Scalar, Status, TypeDef, TypeKind, TypeRef};

/// What [`Surface::of`] records: 2 adds validation keywords, defaults, parameter styles,
/// deprecation, other members and servers to what 1 had.
pub const FORMAT: u32 = 2;

/// Everything a client or a server relies on, keyed by wire names.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Surface {
    /// What the surface records (see [`FORMAT`]); 1 for a surface written before it was
    /// recorded. What one side of a comparison does not record is not compared.
    #[serde(default = "first_format")]
    pub format: u32,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// Operations by `operationId`.
    pub operations: BTreeMap<String, OperationSurface>,
    /// Schemas by name.
    pub schemas: BTreeMap<String, SchemaSurface>,
    /// The URLs of the servers the API lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<String>,
}

/// One operation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OperationSurface {
    /// HTTP method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Parameters by `location:name`.
    pub params: BTreeMap<String, FieldSurface>,
    /// The request body's type, if any.
    pub body: Option<FieldSurface>,
    /// The request body's media type, if there is a body (absent from surfaces written before
    /// media types were recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_media_type: Option<String>,
    /// The other media types the request body may be sent in (with the same schema).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body_other_media_types: Vec<String>,
    /// Responses by status (`201`, `4XX`, `default`).
    pub responses: BTreeMap<String, ResponseSurface>,
    /// Security alternatives, each a list of scheme names.
    pub security: Vec<Vec<String>>,
    /// `deprecated`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// `x-sunset`: when a deprecated operation goes away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sunset: Option<String>,
    /// The scopes each security scheme asks for, over all alternatives.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub scopes: BTreeMap<String, Vec<String>>,
    /// The generated crate's items for the operation (`client::Client::get_pet`,
    /// `operations::GetPetResponse`, `server::Api::get_pet` for the trait's method).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rust: Vec<String>,
}

/// One documented response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponseSurface {
    /// The body's type, if any.
    pub body: Option<String>,
    /// The body's media type, if there is a body (absent from surfaces written before media
    /// types were recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// The other media types the body is offered in, in the order a client tries them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_media_types: Vec<String>,
    /// Headers by name (lower case).
    pub headers: BTreeMap<String, FieldSurface>,
}

/// A member, parameter, header or body: its type and whether it must be there.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSurface {
    /// The type, without `null`.
    pub ty: String,
    /// Must be present.
    pub required: bool,
    /// May be `null`.
    pub nullable: bool,
    /// `readOnly`, `writeOnly` or empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub access: String,
    /// Validation keywords (`maxLength`, `minimum`, `pattern`, ...) with their values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub constraints: BTreeMap<String, String>,
    /// `default`, as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// A parameter's `style` and `explode` (`form, explode`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// `deprecated`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
}

/// One schema.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SchemaSurface {
    /// `object`, `enum`, `union` or `alias`.
    pub kind: String,
    /// Object members by wire name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, FieldSurface>,
    /// Enum values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Union alternatives (their types).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<String>,
    /// Whether a discriminator picks the alternative (unknown tags are then tolerated).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub discriminated: bool,
    /// What an alias stands for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// An object's other members: `none` when closed, their type when typed; absent when any
    /// member is allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional: Option<String>,
    /// The generated crate's types for the schema (`models::Pet`, and `models::PetRequest`
    /// when its views differ).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rust: Vec<String>,
    /// Sent by clients (in a request).
    pub in_requests: bool,
    /// Sent by servers (in a response or webhook).
    pub in_responses: bool,
}

impl Surface {
    /// The surface of a lowered API.
    pub fn of(api: &Api) -> Surface {
        let mut surface =
            Surface { format: FORMAT, title: api.title.clone(), version: api.version.clone(), ..Surface::default() };
        for op in &api.operations {
            let params = op
                .params
                .iter()
                .map(|p| {
                    let mut f = field(api, &p.ty, p.required, "");
                    (f.constraints, f.default) = constraints(&p.constraints);
                    f.style = Some(format!("{}{}", p.style.as_str(), if p.explode { ", explode" } else { "" }));
                    f.deprecated = p.deprecated;
                    (format!("{}:{}", p.location.as_str(), p.wire_name), f)
                })
                .collect();
            let body = op.body.as_ref().map(|b| match &b.ty {
                Some(t) => field(api, t, b.required, ""),
                None => FieldSurface { ty: b.content_type.clone(), required: b.required, ..FieldSurface::default() },
            });
            let responses = op
                .responses
                .iter()
                .map(|r| {
                    let status = match r.status {
                        Status::Code(c) => c.to_string(),
                        Status::Range(d) => format!("{d}XX"),
                        Status::Default => "default".into(),
                    };
                    let body = r
                        .body
                        .as_ref()
                        .map(|b| b.ty.as_ref().map_or_else(|| b.content_type.clone(), |t| describe(api, t)));
                    let headers = r
                        .headers
                        .iter()
                        .map(|h| (h.wire_name.to_ascii_lowercase(), field(api, &h.ty, h.required, "")))
                        .collect();
                    let media_type = r.body.as_ref().map(|b| b.content_type.clone());
                    let other_media_types =
                        r.body.iter().flat_map(|b| &b.alternatives).map(|a| a.content_type.clone()).collect();
                    (status, ResponseSurface { body, media_type, other_media_types, headers })
                })
                .collect();
            let security = op.security.iter().map(|s| s.schemes.iter().map(|(n, _)| n.clone()).collect()).collect();
            surface.operations.insert(
                op.id.clone(),
                OperationSurface {
                    method: op.method.clone(),
                    path: op.path.clone(),
                    params,
                    body,
                    body_media_type: op.body.as_ref().map(|b| b.content_type.clone()),
                    body_other_media_types: op
                        .body
                        .iter()
                        .flat_map(|b| &b.alternatives)
                        .map(|a| a.content_type.clone())
                        .collect(),
                    responses,
                    security,
                    deprecated: op.deprecated,
                    sunset: op.sunset.clone(),
                    scopes: scopes(op),
                    rust: rust_items(op),
                },
            );
        }
        surface.servers = api.servers.iter().map(|s| s.url.clone()).collect();
        let (requests, responses) = reachable(api);
        for (i, def) in api.types.iter().enumerate() {
            let entry = surface.schemas.entry(def.schema_name.clone()).or_default();
            entry.rust.push(format!("models::{}", def.name));
            entry.in_requests |= requests[i];
            entry.in_responses |= responses[i];
            merge_view(api, def, entry);
        }
        surface
    }
}

/// The scopes each scheme of an operation's security asks for, sorted, over all alternatives.
fn scopes(op: &crate::ir::Operation) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (scheme, scopes) in op.security.iter().flat_map(|r| &r.schemes).filter(|(_, s)| !s.is_empty()) {
        let entry = out.entry(scheme.clone()).or_default();
        entry.extend(scopes.iter().cloned());
        entry.sort();
        entry.dedup();
    }
    out
}

/// The generated crate's items for an operation.
fn rust_items(op: &crate::ir::Operation) -> Vec<String> {
    let mut items = vec![format!("client::Client::{}", op.name), format!("server::Api::{}", op.name)];
    let mut types = vec![&op.params_type, &op.response_type];
    types.extend(op.responses.iter().filter_map(|r| r.type_name.as_ref()));
    let bodies = op.responses.iter().filter_map(|r| r.body.as_ref()).chain(&op.body);
    for body in bodies {
        types.extend(body.choice.iter().map(|c| &c.type_name));
        types.extend(body.media().filter_map(|(_, m)| m.form_type.as_ref()));
    }
    items.extend(types.into_iter().map(|t| format!("operations::{t}")));
    items
}

fn first_format() -> u32 {
    1
}

/// Adds what one view of a schema shows to its surface.
fn merge_view(api: &Api, def: &TypeDef, entry: &mut SchemaSurface) {
    match &def.kind {
        TypeKind::Struct(s) => {
            entry.kind = "object".into();
            for f in &s.fields {
                let access = match f.access {
                    Access::ReadWrite | Access::Neither => "",
                    Access::ReadOnly => "readOnly",
                    Access::WriteOnly => "writeOnly",
                };
                // Both views list a member that travels both ways; the first one seen is kept.
                entry.fields.entry(f.wire_name.clone()).or_insert_with(|| {
                    let mut member = field(api, &f.ty, f.required, access);
                    (member.constraints, member.default) = constraints(&f.constraints);
                    member.deprecated = f.deprecated;
                    member
                });
            }
            entry.additional = match (&s.additional, s.closed) {
                (_, true) => Some("none".into()),
                (Some(t), false) => Some(describe(api, t)),
                (None, false) => None,
            };
        }
        TypeKind::Enum(e) => {
            entry.kind = "enum".into();
            entry.values = e.variants.iter().map(|v| v.wire_name.clone()).collect();
        }
        TypeKind::Union(u) => {
            entry.kind = "union".into();
            entry.discriminated = u.discriminator.is_some();
            entry.variants = u.variants.iter().map(|v| describe(api, &v.ty)).collect();
        }
        TypeKind::Alias(t) => {
            entry.kind = "alias".into();
            entry.alias = Some(describe(api, t));
        }
    }
}

fn field(api: &Api, ty: &TypeRef, required: bool, access: &str) -> FieldSurface {
    let (inner, nullable) = ty.strip_null();
    FieldSurface { ty: describe(api, inner), required, nullable, access: access.into(), ..FieldSurface::default() }
}

/// Validation keywords by their JSON Schema names, and the `default`.
fn constraints(c: &Constraints) -> (BTreeMap<String, String>, Option<String>) {
    let mut out = BTreeMap::new();
    let mut put = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            out.insert(key.to_owned(), value);
        }
    };
    put("minLength", c.min_length.map(|n| n.to_string()));
    put("maxLength", c.max_length.map(|n| n.to_string()));
    put("pattern", c.pattern.clone());
    put("format", c.format.clone());
    let bound = |(n, exclusive): (f64, bool)| format!("{n}{}", if exclusive { " (exclusive)" } else { "" });
    put("minimum", c.minimum.map(bound));
    put("maximum", c.maximum.map(bound));
    put("minItems", c.min_items.map(|n| n.to_string()));
    put("maxItems", c.max_items.map(|n| n.to_string()));
    put("multipleOf", c.multiple_of.map(|n| n.to_string()));
    put("uniqueItems", c.unique_items.then(|| "true".to_owned()));
    put("minProperties", c.min_properties.map(|n| n.to_string()));
    put("maxProperties", c.max_properties.map(|n| n.to_string()));
    put("const", c.fixed.clone());
    put("enum", c.allowed.as_ref().map(|values| values.join(", ")));
    (out, c.default.clone())
}

/// A type as a short string: schema names, `array<T>`, `map<T>`, `T | null`, scalars.
pub fn describe(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(id) => api.type_def(*id).schema_name.clone(),
        TypeRef::Scalar(s) => match s {
            Scalar::String => "string",
            Scalar::Bool => "boolean",
            Scalar::I32 => "int32",
            Scalar::I64 => "int64",
            Scalar::U32 => "uint32",
            Scalar::U64 => "uint64",
            Scalar::F32 => "float",
            Scalar::F64 => "double",
            Scalar::DateTime => "date-time",
            Scalar::Date => "date",
            Scalar::Null => "null",
            Scalar::I8 => "int8",
            Scalar::I16 => "int16",
            Scalar::U8 => "uint8",
            Scalar::U16 => "uint16",
            Scalar::Uuid => "uuid",
            Scalar::Ipv4 => "ipv4",
            Scalar::Ipv6 => "ipv6",
            Scalar::Ip => "ip",
            Scalar::Bytes => "byte",
            Scalar::Binary => "binary",
        }
        .to_string(),
        TypeRef::Array(t) => format!("array<{}>", describe(api, t)),
        TypeRef::Map(t) => format!("map<{}>", describe(api, t)),
        TypeRef::Nullable(t) => format!("{} | null", describe(api, t)),
        TypeRef::Object => "object".into(),
        TypeRef::Any => "any".into(),
        TypeRef::External(path) => format!("rust:{path}"),
    }
}

/// Which types are reachable from requests and from responses.
fn reachable(api: &Api) -> (Vec<bool>, Vec<bool>) {
    let mut requests = vec![false; api.types.len()];
    let mut responses = vec![false; api.types.len()];
    for op in &api.operations {
        for (ty, sent_by_clients) in op.types() {
            api.mark_reachable(ty, if sent_by_clients { &mut requests } else { &mut responses });
        }
    }
    for hook in &api.webhooks {
        for (_, b) in hook.operation.body.iter().flat_map(Body::media) {
            b.ty.iter().for_each(|t| api.mark_reachable(t, &mut responses));
        }
    }
    (requests, responses)
}
