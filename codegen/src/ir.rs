//! The intermediate model: plain data describing an API, between the spec and the Rust tokens.
//!
//! Lowering ([`crate::lower`]) builds an [`Api`] from a spec; the emitters (`emit`)
//! read nothing else. It holds no spec types and no token streams, every name in it is a
//! settled Rust identifier beside its wire name, and every list is in a deterministic order.

/// Everything the emitters need to know about one API.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The spec's `openapi` version string.
    pub openapi: String,
    /// `servers`, in spec order.
    pub servers: Vec<Server>,
    /// `components.securitySchemes`, by name.
    pub security_schemes: Vec<SecurityScheme>,
    /// Operations in spec order (paths as written, then methods in a fixed order).
    pub operations: Vec<Operation>,
    /// Webhook payloads: one entry per webhook operation with a request body.
    pub webhooks: Vec<Webhook>,
    /// Every named type, sorted by name. [`TypeId`] indexes this list.
    pub types: Vec<TypeDef>,
    /// The cargo features that each compile one tag's operations, by feature name; empty
    /// unless the configuration asks for them ([`crate::Config::tag_features`]).
    pub features: Vec<Feature>,
}

/// A cargo feature of the generated crate that compiles the operations of one tag, and the
/// types they reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    /// The feature's name (the tag in kebab case).
    pub name: String,
    /// The tag as the spec writes it.
    pub tag: String,
    /// How many operations carry the tag.
    pub operations: usize,
}

impl Api {
    /// The type a [`TypeId`] names.
    pub fn type_def(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// Marks in `seen` (indexed by [`TypeId`]) every named type that `ty` reaches: its own,
    /// the ones those hold, and so on.
    pub fn mark_reachable(&self, ty: &TypeRef, seen: &mut [bool]) {
        match ty {
            TypeRef::Named(id) => {
                if std::mem::replace(&mut seen[id.0], true) {
                    return;
                }
                match &self.type_def(*id).kind {
                    TypeKind::Struct(s) => {
                        s.fields.iter().for_each(|f| self.mark_reachable(&f.ty, seen));
                        if let Some(a) = &s.additional {
                            self.mark_reachable(a, seen);
                        }
                    }
                    TypeKind::Union(u) => u.variants.iter().for_each(|v| self.mark_reachable(&v.ty, seen)),
                    TypeKind::Alias(t) => self.mark_reachable(t, seen),
                    TypeKind::Enum(_) => {}
                }
            }
            TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => self.mark_reachable(t, seen),
            TypeRef::Scalar(_) | TypeRef::Object | TypeRef::Any | TypeRef::External(_) => {}
        }
    }

    /// The object whose properties a multipart request's parts are, when they are typed: a
    /// struct with properties, named by the body's schema (see [`Body::form_type`]).
    pub fn form_object(&self, body: &Body) -> Option<&Struct> {
        body.form_type.as_ref()?;
        let TypeRef::Named(id) = self.resolve(body.ty.as_ref()?) else { return None };
        match &self.type_def(*id).kind {
            TypeKind::Struct(s) if !s.fields.is_empty() => Some(s),
            _ => None,
        }
    }

    /// `ty` with aliases followed to what they name (at most 32 links: aliases may form a
    /// cycle, which then stays a name).
    pub fn resolve<'a>(&'a self, ty: &'a TypeRef) -> &'a TypeRef {
        let mut ty = ty;
        for _ in 0..32 {
            match ty {
                TypeRef::Named(id) => match &self.type_def(*id).kind {
                    TypeKind::Alias(t) => ty = t,
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    /// For each operation, in order, whether the generated router serves it: its path has
    /// only whole-segment parameters, and no earlier operation's path is the same route with
    /// other parameter names (`/pets/{id}` then `/pets/{name}`), which a router cannot tell
    /// apart. Operations it leaves out stay in the server trait and the client.
    pub fn routed(&self) -> Vec<bool> {
        routed(&self.operations)
    }
}

/// [`Api::routed`] of a list of operations.
pub fn routed(operations: &[Operation]) -> Vec<bool> {
    let mut taken: Vec<(String, &str)> = Vec::new();
    operations
        .iter()
        .map(|op| {
            if !op.has_whole_segment_params() || op.repeats_a_param() {
                return false;
            }
            let shape = op.route_shape();
            match taken.iter().find(|(s, _)| *s == shape) {
                Some((_, path)) => *path == op.path,
                None => {
                    taken.push((shape, &op.path));
                    true
                }
            }
        })
        .collect()
}

/// Index into [`Api::types`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// Where in the spec something came from, for docs and diagnostics.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// File, relative to the root spec's folder, `/`-separated.
    pub file: String,
    /// JSON pointer into the file.
    pub pointer: String,
}

/// A server URL template with its variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Server {
    /// Rust identifier (snake case) naming the server, from the first words of its
    /// description (`Sandbox, for testing` gives `sandbox`), else its position (`server_1`).
    pub name: String,
    /// The URL, with `{variable}` placeholders.
    pub url: String,
    /// `description`.
    pub description: Option<String>,
    /// The template variables.
    pub variables: Vec<ServerVariable>,
}

/// One `{variable}` of a server URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerVariable {
    /// Rust identifier.
    pub name: String,
    /// Name in the URL template.
    pub wire_name: String,
    /// Default value.
    pub default: String,
    /// Allowed values, if restricted.
    pub allowed: Vec<String>,
    /// `description`.
    pub docs: Option<String>,
}

/// A security scheme from `components.securitySchemes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityScheme {
    /// Rust identifier (snake case).
    pub name: String,
    /// Rust type-case identifier, unique among the schemes (the server's `Credential` variant).
    pub variant: String,
    /// The client's method that sets this scheme's credential (`with_<name>`).
    pub setter: String,
    /// Name of the scheme in the spec.
    pub wire_name: String,
    /// `description`.
    pub docs: Option<String>,
    /// How the credential travels.
    pub kind: SecurityKind,
}

/// How a credential travels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecurityKind {
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where.
        location: ParamLocation,
        /// Header, parameter or cookie name.
        name: String,
    },
    /// `Authorization: Bearer ...`.
    Bearer {
        /// `bearerFormat`, e.g. `JWT`.
        format: Option<String>,
    },
    /// `Authorization: Basic ...`.
    Basic,
    /// Another HTTP authentication scheme (`Digest`, `Negotiate`, a vendor's own):
    /// `Authorization: <scheme> <credentials>`, the credentials as the caller gives them.
    Http {
        /// The scheme's name as the spec writes it.
        scheme: String,
    },
    /// OAuth2 or OpenID Connect: a bearer token obtained elsewhere.
    OAuth2,
}

/// One alternative of an operation's security: all these schemes together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityRequirement {
    /// Scheme names (wire names) with their scopes.
    pub schemes: Vec<(String, Vec<String>)>,
}

/// One HTTP operation.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// `operationId` as written.
    pub id: String,
    /// Rust method name (snake case).
    pub name: String,
    /// The client's method that pages through every item, should the operation be a
    /// limit/offset collection (`get_customers_stream`); unique among the methods.
    pub stream_name: String,
    /// Rust type-name stem (`PostCustomer`), unique among operations.
    pub type_name: String,
    /// Name of the struct holding all parameters (`GetCustomerParams`); emitted only when
    /// the operation has parameters.
    pub params_type: String,
    /// Name of the enum with one variant per documented response (`PostCustomerResponse`).
    pub response_type: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template, e.g. `/customers/{id}`.
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// When a deprecated operation goes away (`x-sunset`, a date), if the spec says.
    pub sunset: Option<String>,
    /// Path, query, header and cookie parameters, path ones first in template order.
    pub params: Vec<Param>,
    /// The request body, if any.
    pub body: Option<Body>,
    /// Documented responses, sorted by status.
    pub responses: Vec<Response>,
    /// Alternatives; empty means no authentication. `None` is not used: the document-level
    /// default is already applied.
    pub security: Vec<SecurityRequirement>,
    /// Where the operation is defined.
    pub origin: Origin,
    /// The cargo features (see [`Api::features`]) any of which compiles it, sorted; empty
    /// when it is always compiled.
    pub features: Vec<String>,
}

impl Operation {
    /// Every schema type the operation names: its parameters', its request body's in each
    /// media type (`true`: sent by clients) and its responses' bodies and headers (`false`).
    pub fn types(&self) -> impl Iterator<Item = (&TypeRef, bool)> {
        let params = self.params.iter().map(|p| (&p.ty, true));
        let request = self.body.iter().flat_map(Body::media).filter_map(|(_, b)| b.ty.as_ref()).map(|t| (t, true));
        let responses = self.responses.iter().flat_map(|r| {
            let bodies = r.body.iter().flat_map(Body::media).filter_map(|(_, b)| b.ty.as_ref());
            bodies.chain(r.headers.iter().map(|h| &h.ty)).map(|t| (t, false))
        });
        params.chain(request).chain(responses)
    }

    /// The path as a router sees it: each `{variable}` a bare `{}`, so that `/pets/{id}` and
    /// `/pets/{name}` are the same route.
    pub fn route_shape(&self) -> String {
        self.path
            .split('/')
            .map(|seg| if seg.starts_with('{') && seg.ends_with('}') { "{}" } else { seg })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Whether a template variable stands in the path twice (`/a/{id}/b/{id}`), which a
    /// router cannot capture.
    pub fn repeats_a_param(&self) -> bool {
        let vars: Vec<&str> = self.path.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(v, _)| v)).collect();
        vars.iter().enumerate().any(|(i, v)| vars[..i].contains(v))
    }

    /// Whether every templated path segment is a whole `{parameter}` (no `{name}.json`), the
    /// only form the generated server's router can match.
    pub fn has_whole_segment_params(&self) -> bool {
        self.path.split('/').all(|seg| {
            !seg.contains(['{', '}']) || (seg.starts_with('{') && seg.ends_with('}') && seg.matches('{').count() == 1)
        })
    }
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In a cookie.
    Cookie,
}

impl ParamLocation {
    /// The spec's spelling (`path`, `query`, `header`, `cookie`).
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

/// How a parameter value is serialised (`style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamStyle {
    /// `simple` (path, header default).
    Simple,
    /// `form` (query, cookie default).
    Form,
    /// `label`.
    Label,
    /// `matrix`.
    Matrix,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
}

impl ParamStyle {
    /// The style's name in a spec.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamStyle::Simple => "simple",
            ParamStyle::Form => "form",
            ParamStyle::Label => "label",
            ParamStyle::Matrix => "matrix",
            ParamStyle::SpaceDelimited => "spaceDelimited",
            ParamStyle::PipeDelimited => "pipeDelimited",
            ParamStyle::DeepObject => "deepObject",
        }
    }
}

/// One parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Rust identifier.
    pub name: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Where it travels.
    pub location: ParamLocation,
    /// Whether the caller must give it.
    pub required: bool,
    /// Its type.
    pub ty: TypeRef,
    /// `style`, with the location's default filled in.
    pub style: ParamStyle,
    /// `explode`, with the style's default filled in.
    pub explode: bool,
    /// `description`.
    pub docs: Option<String>,
    /// Validation rules.
    pub constraints: Constraints,
    /// `deprecated`.
    pub deprecated: bool,
}

/// A request or response body.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// The media type chosen (JSON when offered). It may be a range (`*/*`, `image/*`): the
    /// caller then says which type it sends.
    pub content_type: String,
    /// How a body of that media type travels.
    pub kind: BodyKind,
    /// The media type's `encoding`, per property (form and multipart bodies), in spec order.
    pub encoding: Vec<Encoding>,
    /// What the body holds; `None` when the media type has no schema.
    pub ty: Option<TypeRef>,
    /// Whether a request body is required (always true for responses).
    pub required: bool,
    /// `description`.
    pub docs: Option<String>,
    /// A multipart request's struct of parts (`UploadAvatarForm`), named when its schema is a
    /// named type; the emitters type its parts when that type is an object.
    pub form_type: Option<String>,
    /// The body's other media types, each a body of its own (without alternatives). For a
    /// response, exact types before ranges: the client asks for all and reads the one
    /// answered, the server may answer any. For a request, in the spec's order: the client
    /// may send any, the server takes each.
    pub alternatives: Vec<Body>,
    /// The enum of the media types (`GetInvoiceOkBody`, `UploadBody`) and its variants, this
    /// body's first, then the alternatives' in order: for every response with alternatives,
    /// and for a request whose media types do not all read into one type (JSON and a form
    /// of one schema need none).
    pub choice: Option<Choice>,
}

/// The enum of a body offered in several media types.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// Its name in the operations module.
    pub type_name: String,
    /// One variant per media type, the body's own first, then each alternative's.
    pub variants: Vec<String>,
}

impl Body {
    /// The schema's type, when the body travels as it (JSON, or a form request); other bodies
    /// travel as text or bytes.
    pub fn typed(&self) -> Option<&TypeRef> {
        matches!(self.kind, BodyKind::Json | BodyKind::Form).then_some(self.ty.as_ref()).flatten()
    }

    /// Whether a response body is read and written as a stream, not whole: bytes, and
    /// server-sent events (in any of its media types).
    pub fn streams(&self) -> bool {
        matches!(self.kind, BodyKind::Binary | BodyKind::EventStream) || self.alternatives.iter().any(Body::streams)
    }

    /// Each media type of the body with its variant in [`Body::choice`]: the body itself,
    /// then its alternatives (no variant without a choice).
    pub fn media(&self) -> impl Iterator<Item = (Option<&str>, &Body)> {
        let variants = self.choice.iter().flat_map(|c| c.variants.iter().map(|v| Some(v.as_str())));
        variants.chain(std::iter::repeat(None)).zip(std::iter::once(self).chain(&self.alternatives))
    }

    /// The schema types of every media type of the body, its own first: what the lowering
    /// passes rewrite.
    pub fn types_mut(&mut self) -> impl Iterator<Item = &mut TypeRef> {
        self.ty.iter_mut().chain(self.alternatives.iter_mut().flat_map(|a| a.ty.iter_mut()))
    }

    /// The type each server-sent event's data holds; `None` when the body is not an event
    /// stream, and plain text when the spec gives no schema.
    pub fn event_type(&self) -> Option<&TypeRef> {
        const TEXT: TypeRef = TypeRef::Scalar(Scalar::String);
        (self.kind == BodyKind::EventStream).then(|| self.ty.as_ref().unwrap_or(&TEXT))
    }
}

/// How one property of a form or multipart body is written (an `encoding` entry).
#[derive(Clone, Debug, PartialEq)]
pub struct Encoding {
    /// The property's wire name.
    pub property: String,
    /// `contentType`: `application/json` sends the property as JSON text.
    pub content_type: Option<String>,
    /// `style` (form bodies): `form`, `spaceDelimited`, `pipeDelimited` or `deepObject`.
    pub style: Option<ParamStyle>,
    /// `explode` (form bodies).
    pub explode: Option<bool>,
}

impl Encoding {
    /// How this form field is written when it is not the default (`style: form`, `explode:
    /// true`): its style and whether it explodes. Styles that do not apply to forms (`simple`,
    /// `label`, `matrix`) read as the default.
    pub fn form_style(&self) -> Option<(ParamStyle, bool)> {
        let style = self.style.unwrap_or(ParamStyle::Form);
        let explode = self.explode.unwrap_or(style == ParamStyle::Form);
        match style {
            ParamStyle::Form if explode => None,
            ParamStyle::Form | ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited | ParamStyle::DeepObject => {
                Some((style, explode))
            }
            ParamStyle::Simple | ParamStyle::Label | ParamStyle::Matrix => None,
        }
    }
}

/// How a body travels, by its media type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BodyKind {
    /// `application/json`, any `+json`: the schema's type as JSON.
    Json,
    /// `application/x-www-form-urlencoded`: the schema's object as form fields.
    Form,
    /// `text/*` and other textual types (`application/xml`, `application/sdp`, ...): a string.
    Text,
    /// `multipart/*`: parts, typed as a struct when the schema is an object.
    Multipart,
    /// `text/event-stream`: server-sent events, each event's data of the schema's type.
    EventStream,
    /// Anything else (`application/octet-stream`, `image/png`, `application/pdf`, `*/*`): bytes.
    Binary,
}

impl BodyKind {
    /// Whether a body of this kind is read into its schema's type (JSON, a form).
    pub fn is_structured(self) -> bool {
        matches!(self, BodyKind::Json | BodyKind::Form)
    }

    /// How a body of the media type `media` (parameters allowed) travels.
    pub fn of(media: &str) -> BodyKind {
        let essence = media.split(';').next().unwrap_or(media).trim().to_ascii_lowercase();
        match essence.as_str() {
            // `text/json` is JSON too (ASP.NET lists it beside `application/json`).
            "application/json" | "text/json" => BodyKind::Json,
            m if m.ends_with("+json") => BodyKind::Json,
            "application/x-www-form-urlencoded" => BodyKind::Form,
            "text/event-stream" => BodyKind::EventStream,
            m if m.starts_with("multipart/") => BodyKind::Multipart,
            "text/*" => BodyKind::Text,
            m if m.starts_with("text/") || m.ends_with("+xml") => BodyKind::Text,
            "application/xml"
            | "application/sdp"
            | "application/javascript"
            | "application/yaml"
            | "application/x-yaml"
            | "application/graphql"
            | "application/x-ndjson" => BodyKind::Text,
            _ => BodyKind::Binary,
        }
    }
}

/// Which responses a [`Response`] covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// One status code.
    Code(u16),
    /// `1XX` ... `5XX`: the hundreds digit.
    Range(u8),
    /// `default`.
    Default,
}

/// One documented response.
#[derive(Clone, Debug, PartialEq)]
pub struct Response {
    /// Status covered.
    pub status: Status,
    /// Rust identifier for a variant standing for this response (e.g. `Created`).
    pub name: String,
    /// Name of the struct holding body and headers, when the response documents headers
    /// (`PostCustomerCreated`); without headers the variant holds the body alone.
    pub type_name: Option<String>,
    /// `description`.
    pub docs: Option<String>,
    /// The body, if any.
    pub body: Option<Body>,
    /// Documented headers.
    pub headers: Vec<Header>,
}

/// A documented response header.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// Rust identifier.
    pub name: String,
    /// Header name as documented.
    pub wire_name: String,
    /// Its type.
    pub ty: TypeRef,
    /// `required`.
    pub required: bool,
    /// `description`.
    pub docs: Option<String>,
}

/// A webhook: an operation the API calls on the consumer.
#[derive(Clone, Debug, PartialEq)]
pub struct Webhook {
    /// Webhook name as written under `webhooks`.
    pub wire_name: String,
    /// The operation, with the payload as its body.
    pub operation: Operation,
}

/// A named type.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeDef {
    /// Rust identifier, unique in the models module.
    pub name: String,
    /// Documentation (`title` and `description`).
    pub docs: Option<String>,
    /// The schema it was made from.
    pub origin: Origin,
    /// Which view of a schema with readOnly/writeOnly members this is.
    pub view: View,
    /// The name shared by both views of a schema (the response view's name).
    pub schema_name: String,
    /// The shape.
    pub kind: TypeKind,
    /// The cargo features (see [`Api::features`]) any of which compiles it, sorted; empty
    /// when it is always compiled.
    pub features: Vec<String>,
}

/// Which side of the wire a type is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum View {
    /// The schema has no readOnly/writeOnly members (nor do the types it holds): one type serves both.
    Both,
    /// Sent by clients: readOnly members left out.
    Request,
    /// Sent by servers: writeOnly members left out.
    Response,
}

/// The shape of a named type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string enumeration, open to values added later.
    Enum(Enum),
    /// `oneOf` / `anyOf`: one of several shapes.
    Union(Union),
    /// Another name for a type (a component that is a primitive, array or map).
    Alias(TypeRef),
}

/// An object with known properties.
#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    /// Properties in spec order.
    pub fields: Vec<Field>,
    /// Type of additional properties kept beside the fields, when the schema gives one.
    pub additional: Option<TypeRef>,
    /// `additionalProperties: false` (on the schema or one it is merged from): a member that
    /// is not a field is invalid. Not set on a view that leaves fields out (a request view
    /// without the readOnly ones), so that no member the schema declares is ever refused.
    pub closed: bool,
    /// `minProperties`: the fewest members an instance has (additional ones included).
    pub min_properties: Option<u64>,
    /// `maxProperties`: the most members an instance has.
    pub max_properties: Option<u64>,
}

/// One property.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// Rust identifier (snake case, raw when a keyword).
    pub name: String,
    /// Property name on the wire.
    pub wire_name: String,
    /// Documentation.
    pub docs: Option<String>,
    /// Its type; [`TypeRef::Nullable`] when `null` is allowed.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// Box the value: the field's type contains this struct.
    pub boxed: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// Who sends the member (`readOnly`, `writeOnly`).
    pub access: Access,
    /// Validation rules.
    pub constraints: Constraints,
}

/// Which side of an exchange sends a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Both (neither `readOnly` nor `writeOnly`).
    ReadWrite,
    /// `readOnly`: only servers send it; it is left out of request views.
    ReadOnly,
    /// `writeOnly`: only clients send it; it is left out of response views.
    WriteOnly,
    /// Both `readOnly` and `writeOnly`: neither side sends it.
    Neither,
}

impl Access {
    /// Whether a request carries the member.
    pub fn sent_by_clients(self) -> bool {
        matches!(self, Access::ReadWrite | Access::WriteOnly)
    }

    /// Whether a response carries the member.
    pub fn sent_by_servers(self) -> bool {
        matches!(self, Access::ReadWrite | Access::ReadOnly)
    }
}

/// A string enumeration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enum {
    /// Known values.
    pub variants: Vec<EnumVariant>,
    /// Variant holding a value not listed (always last).
    pub unknown_variant: String,
}

/// One known value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumVariant {
    /// Rust identifier.
    pub name: String,
    /// The value.
    pub wire_name: String,
}

/// One of several shapes.
#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    /// Alternatives, in spec order.
    pub variants: Vec<UnionVariant>,
    /// The tag property, when a `discriminator` gives one.
    pub discriminator: Option<Discriminator>,
}

/// A tag property that tells the alternatives apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discriminator {
    /// Property name on the wire.
    pub property: String,
    /// Variant holding a value with an unknown tag.
    pub unknown_variant: String,
}

/// One alternative.
#[derive(Clone, Debug, PartialEq)]
pub struct UnionVariant {
    /// Rust identifier.
    pub name: String,
    /// What it holds.
    pub ty: TypeRef,
    /// Tag values that select it (with a discriminator).
    pub tags: Vec<String>,
    /// Box the value: it contains the union.
    pub boxed: bool,
}

/// A use of a type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// A named type.
    Named(TypeId),
    /// A scalar.
    Scalar(Scalar),
    /// A list.
    Array(Box<TypeRef>),
    /// A map from string keys.
    Map(Box<TypeRef>),
    /// `null` is allowed as well.
    Nullable(Box<TypeRef>),
    /// Any JSON object.
    Object,
    /// Any JSON value.
    Any,
    /// A Rust type the configuration chose (by the schema's `format`, or the schema's
    /// `x-rust-type`), by its path (`rust_decimal::Decimal`).
    External(String),
}

impl TypeRef {
    /// The type with nullability removed, and whether it was nullable.
    pub fn strip_null(&self) -> (&TypeRef, bool) {
        match self {
            TypeRef::Nullable(inner) => (inner, true),
            other => (other, false),
        }
    }
}

/// A scalar type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scalar {
    /// `string`.
    String,
    /// `boolean`.
    Bool,
    /// `integer` with `format: int32`.
    I32,
    /// `integer` (int64 or no format).
    I64,
    /// `integer` with `format: uint32`.
    U32,
    /// `integer` with `format: uint64`.
    U64,
    /// `number` with `format: float`.
    F32,
    /// `number` (double or no format).
    F64,
    /// `string` with `format: date-time`.
    DateTime,
    /// `string` with `format: date`.
    Date,
    /// A schema whose only value is `null` (`type: 'null'`, `enum: [null]`, `const: null`).
    Null,
    /// `integer` with `format: int8`.
    I8,
    /// `integer` with `format: int16`.
    I16,
    /// `integer` with `format: uint8`.
    U8,
    /// `integer` with `format: uint16`.
    U16,
    /// `string` with `format: uuid`.
    Uuid,
    /// `string` with `format: ipv4`.
    Ipv4,
    /// `string` with `format: ipv6`.
    Ipv6,
    /// `string` with `format: ip` (either version).
    Ip,
    /// `string` with `format: byte` (or 3.1's `contentEncoding: base64`): bytes as base64 text.
    Bytes,
    /// `string` with `format: binary` (or 3.1's `contentMediaType` without an encoding): raw
    /// bytes, which only a multipart part or a whole body can carry; in JSON it is text.
    Binary,
}

/// Validation rules a server checks (and clients may document).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern` (ECMA-262).
    pub pattern: Option<String>,
    /// `format`, when it is one a validator checks (`email`, `uri`, ...).
    pub format: Option<String>,
    /// `minimum` (or `exclusiveMinimum`, with the flag).
    pub minimum: Option<(f64, bool)>,
    /// `maximum` (or `exclusiveMaximum`, with the flag).
    pub maximum: Option<(f64, bool)>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `multipleOf`.
    pub multiple_of: Option<f64>,
    /// `uniqueItems: true`.
    pub unique_items: bool,
    /// `minProperties`.
    pub min_properties: Option<u64>,
    /// `maxProperties`.
    pub max_properties: Option<u64>,
    /// `const`, or a one-value `enum` of a non-string type, as JSON.
    pub fixed: Option<String>,
    /// The values of an `enum` that lists other values than strings, as JSON (string enums
    /// are types of their own).
    pub allowed: Option<Vec<String>>,
    /// `default`, as JSON.
    pub default: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoding(style: Option<ParamStyle>, explode: Option<bool>) -> Encoding {
        Encoding { property: "p".into(), content_type: None, style, explode }
    }

    #[test]
    fn a_form_field_differs_from_the_default_only_where_its_encoding_says_so() {
        assert_eq!(encoding(None, None).form_style(), None);
        assert_eq!(encoding(Some(ParamStyle::Form), Some(true)).form_style(), None);
        assert_eq!(encoding(None, Some(false)).form_style(), Some((ParamStyle::Form, false)));
        assert_eq!(
            encoding(Some(ParamStyle::PipeDelimited), None).form_style(),
            Some((ParamStyle::PipeDelimited, false))
        );
        assert_eq!(
            encoding(Some(ParamStyle::DeepObject), Some(true)).form_style(),
            Some((ParamStyle::DeepObject, true))
        );
        // Not a form style: client and server both read it as the default.
        assert_eq!(encoding(Some(ParamStyle::Simple), None).form_style(), None);
    }
}
