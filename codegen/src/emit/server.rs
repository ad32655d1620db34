//! The server module: a trait with one method per operation and an axum router (feature `server`).
//!
//! The router is table-driven: every operation gets a static `Operation` (its parameters and
//! body as validation schemas, and the media types of the errors it documents), every named
//! request type a static `Schema` (in `src/server/schemas.rs`), and a short handler that
//! authenticates, extracts and calls the trait. The shared machinery is
//! `runtime/server_support.rs`, copied into each crate as `src/server/support.rs`.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::models::{docs, qualified_type};
use super::operations::body_type;
use super::pattern::{self, Run};
use super::{ident, syntax, Chunk, Module};
use crate::ir::{
    Api, Constraints, Operation, Param, ParamLocation, ParamStyle, Response, Scalar, SecurityKind, SecurityScheme,
    Status, TypeId, TypeKind, TypeRef,
};
use crate::names::{self, Scope};

/// Lines for `[dependencies]` that the `server` feature turns on (all `optional = true`).
pub(crate) const DEPENDENCIES: &[(&str, &str)] = &[
    ("axum", "version = \"0.8\", default-features = false"),
    ("form_urlencoded", "version = \"1\""),
    ("http-body-util", "version = \"0.1\""),
    ("regress", "version = \"0.10\""),
];

/// Names the generated module defines itself; handlers must not take them.
const RESERVED: &[&str] = &["router", "router_with", "authenticate", "support", "schemas"];

/// The `server` module, and its `schemas` submodule when requests have anything to check.
pub(crate) fn server(api: &Api) -> (Module<'_>, Option<Module<'static>>) {
    let mut schemas = Schemas::new(api);
    let used = used_schemes(api);
    let mut consts = Scope::with_reserved(RESERVED.iter().copied());
    let scheme_consts: Vec<(&SecurityScheme, Ident)> =
        used.iter().map(|s| (*s, ident(&consts.claim(&names::constant(&s.name))))).collect();
    let mut handler_scope = Scope::with_reserved(RESERVED.iter().copied());

    let mut methods = Vec::new();
    let mut handlers = Vec::new();
    let mut renders = Vec::new();
    let mut routes: Vec<(&str, Vec<(&str, Ident)>)> = Vec::new();
    for op in &api.operations {
        methods.push(trait_method(api, op));
        renders.push(render_impl(api, op));
        if !op.has_whole_segment_params() {
            // Lowering warned: the router cannot match part of a segment, so the operation
            // gets no handler; its method stays in the trait so implementations keep their shape.
            continue;
        }
        let handler = ident(&handler_scope.claim(&op.name));
        let op_const = ident(&consts.claim(&names::constant(&op.name)));
        handlers.push(handler_fn(api, op, &handler, &op_const, &scheme_consts, &mut schemas));
        match routes.iter_mut().find(|(path, _)| *path == op.path) {
            Some((_, list)) => list.push((&op.method, handler)),
            None => routes.push((&op.path, vec![(&op.method, handler)])),
        }
    }
    let routes: Vec<TokenStream> = routes.iter().map(|(path, list)| {
        let axum_path = path.to_string();
        let calls = list.iter().map(|(method, handler)| {
            let m = format_ident!("{}", method.to_ascii_lowercase());
            quote!(.#m(#handler::<A>))
        });
        let mut allow: Vec<&str> = list.iter().map(|(m, _)| *m).collect();
        if allow.contains(&"GET") && !allow.contains(&"HEAD") {
            // axum answers HEAD wherever there is a GET.
            allow.push("HEAD");
        }
        let allow = allow.join(", ");
        quote! {
            .route(#axum_path, MethodRouter::new() #(#calls)* .fallback(|| async { support::method_not_allowed(#allow) }))
        }
    }).collect();

    let secured = !used.is_empty();
    let credential = secured.then(|| credential_enum(&used));
    let scheme_defs = scheme_consts.iter().map(|(s, name)| {
        let source = match &s.kind {
            SecurityKind::ApiKey { location: ParamLocation::Header, name } => quote!(Source::Header(#name)),
            SecurityKind::ApiKey { location: ParamLocation::Query, name } => quote!(Source::Query(#name)),
            SecurityKind::ApiKey { location: _, name } => quote!(Source::Cookie(#name)),
            SecurityKind::Bearer { .. } | SecurityKind::OAuth2 => quote!(Source::Bearer),
            SecurityKind::Basic => quote!(Source::Basic),
        };
        let variant = ident(&s.variant);
        let doc = format!(" The `{}` security scheme.", s.wire_name);
        quote! {
            #[doc = #doc]
            const #name: Scheme<Credential> = Scheme { source: #source, credential: Credential::#variant };
        }
    });
    let principal = secured.then(|| {
        quote! {
            /// What an accepted credential stands for (a user, an account, the credential itself):
            /// the secured operations receive it.
            type Principal: Send;

            /// Checks a credential presented with a request to a secured operation, before the
            /// operation's method runs; `None` rejects it and the caller gets 401.
            ///
            /// When an operation accepts several schemes, each credential presented is checked
            /// in the order the spec lists them, until one is accepted.
            fn authenticate(&self, credential: Credential) -> impl Future<Output = Option<Self::Principal>> + Send;
        }
    });
    let authenticate = secured.then(|| {
        quote! {
            /// The principal for the first alternative whose credentials are all presented and
            /// accepted (the principal of its first scheme).
            async fn authenticate<A: Api>(api: &A, parts: &Parts, alternatives: &[&[Scheme<Credential>]]) -> Option<A::Principal> {
                'alternatives: for schemes in alternatives {
                    let mut principal = None;
                    for scheme in *schemes {
                        let Some(credential) = scheme.credential(parts) else { continue 'alternatives };
                        match api.authenticate(credential).await {
                            Some(accepted) => {
                                principal.get_or_insert(accepted);
                            }
                            None => continue 'alternatives,
                        }
                    }
                    if principal.is_some() {
                        return principal;
                    }
                }
                None
            }
        }
    });
    let op_types = operation_type_uses(api);
    let op_types_use = (!op_types.is_empty()).then(|| quote!(use crate::operations::{#(#op_types),*};));
    let schema_mod = schemas.module();
    let mut items: Vec<TokenStream> = scheme_defs.collect();
    items.extend(authenticate);
    items.extend(handlers);
    items.extend(renders);
    // Import what the items use, and nothing else.
    let routes = quote!(#(#routes)*);
    let mut scanned: Vec<&TokenStream> = items.iter().collect();
    let methods = quote!(#(#methods)*);
    let principal = principal.unwrap_or_default();
    scanned.extend([&routes, &methods, &principal]);
    let support_names = [
        "ErrorMedia",
        "Format",
        "IntFormat",
        "Operation",
        "Param",
        "Rejection",
        "RequestBody",
        "Schema",
        "Scheme",
        "Source",
        "Style",
    ];
    let mut candidates = vec!["Future", "Parts", "Request", "State", "IntoResponse", "Response", "MethodRouter"];
    candidates.extend(support_names);
    let used = identifiers(&scanned, &candidates);
    let only_used = |names: &[&str]| -> Vec<Ident> {
        names.iter().filter(|n| used.contains(**n)).map(|n| format_ident!("{n}")).collect()
    };
    let future_use = used.contains("Future").then(|| {
        quote!(
            use std::future::Future;
        )
    });
    let parts_use = used.contains("Parts").then(|| {
        quote!(
            use axum::http::request::Parts;
        )
    });
    let extract_uses = only_used(&["Request", "State"]);
    let response_uses = only_used(&["IntoResponse", "Response"]);
    let response_use = (!response_uses.is_empty()).then(|| quote!(use axum::response::{#(#response_uses),*};));
    let method_router_use = used.contains("MethodRouter").then(|| {
        quote!(
            use axum::routing::MethodRouter;
        )
    });
    let support_uses = support_names.iter().filter(|n| used.contains(**n)).map(|n| format_ident!("{n}"));
    let title = format!(" Server stubs for the {}: implement [`Api`] and serve it with [`router`].", api.title);
    // The handlers that take input read the configuration.
    let config_unread = (!api.operations.iter().any(takes_input)).then(|| {
        quote! {
            /// Read when requests are taken apart; no operation of this API takes any input.
            #[allow(dead_code)]
        }
    });
    let head = quote! {
        #![doc = #title]
        //!
        //! The router authenticates every request to a secured operation through
        //! [`Api::authenticate`] before anything else, then reads the parameters and the body
        //! and checks them against the spec's constraints, answering 422 with every invalid
        //! field named (`invalidFields`, in dot notation) before the operation's method runs.
        //! What the spec does not document (a malformed JSON body, an unknown path, a method
        //! the path lacks, a body over [`Config::body_limit`]) is answered with RFC 9457
        //! `application/problem+json`.
        //!
        //! ```ignore
        //! let app = customers_api::server::router(MyApi::default());
        //! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
        //! axum::serve(listener, app).await?;
        //! ```

        #future_use
        use std::sync::Arc;

        use axum::extract::{#(#extract_uses),*};
        #parts_use
        #response_use
        #method_router_use
        use axum::Router;

        #op_types_use
        use support::{#(#support_uses),*};

        #credential

        /// The API as a server implements it: one method per operation.
        ///
        /// Each method receives typed, validated input and returns the operation's response
        /// enum, whose variants are the responses the spec documents.
        pub trait Api: Send + Sync + 'static {
            #principal
            #methods
        }

        /// How the router treats requests.
        #[derive(Clone, Debug)]
        pub struct Config {
            /// Largest request body accepted, in bytes; larger ones are answered with 413.
            pub body_limit: usize,
        }

        impl Default for Config {
            fn default() -> Self {
                Config { body_limit: 1024 * 1024 }
            }
        }

        /// An axum router serving `api` with the default [`Config`].
        pub fn router<A: Api>(api: A) -> Router {
            router_with(api, Config::default())
        }

        /// An axum router serving `api`.
        pub fn router_with<A: Api>(api: A, config: Config) -> Router {
            Router::new()
                #routes
                .fallback(support::not_found)
                .with_state(Arc::new(Served { api, config }))
        }

        /// What every handler shares: the implementation and how the router treats requests.
        struct Served<A> {
            api: A,
            #config_unread
            config: Config,
        }
    };
    if schema_mod.is_some() {
        items.push(quote! {
            mod schemas;
        });
    }
    // The shared machinery, `runtime/server_support.rs`, goes out as written (`src/server/support.rs`).
    items.push(quote! {
        mod support;
    });
    (Module { head, items: Box::new(items.into_iter().map(Chunk::from)) }, schema_mod)
}

/// The schemes some operation requires, in declaration order.
fn used_schemes(api: &Api) -> Vec<&SecurityScheme> {
    let used: BTreeSet<&str> = api
        .operations
        .iter()
        .flat_map(|op| &op.security)
        .flat_map(|req| &req.schemes)
        .map(|(name, _)| name.as_str())
        .collect();
    api.security_schemes.iter().filter(|s| used.contains(s.wire_name.as_str())).collect()
}

fn credential_enum(schemes: &[&SecurityScheme]) -> TokenStream {
    let variants = schemes.iter().map(|s| {
        let how = match &s.kind {
            SecurityKind::ApiKey { location, name } => format!("the `{name}` {}", location_noun(*location)),
            SecurityKind::Bearer { format: Some(f) } => format!("`Authorization: Bearer <token>` ({f})"),
            SecurityKind::Bearer { format: None } | SecurityKind::OAuth2 => "`Authorization: Bearer <token>`".into(),
            SecurityKind::Basic => "`Authorization: Basic <credentials>`, still base64-encoded".into(),
        };
        let mut text = format!("`{}`: {how}.", s.wire_name);
        if let Some(d) = &s.docs {
            text = format!("{text}\n\n{d}");
        }
        let docs = docs(Some(&text));
        let variant = ident(&s.variant);
        quote!(#docs #variant(String),)
    });
    quote! {
        /// A credential presented with a request, by security scheme.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Credential {
            #(#variants)*
        }
    }
}

fn location_noun(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Header => "header",
        ParamLocation::Query => "query parameter",
        ParamLocation::Cookie => "cookie",
        ParamLocation::Path => "path parameter",
    }
}

/// How an operation's caller must authenticate.
#[derive(Clone, Copy)]
enum Auth {
    None,
    Required,
    Optional,
}

fn auth_of(op: &Operation) -> Auth {
    if op.security.is_empty() {
        Auth::None
    } else if op.security.iter().any(|r| r.schemes.is_empty()) {
        Auth::Optional
    } else {
        Auth::Required
    }
}

fn operation_type_uses(api: &Api) -> Vec<Ident> {
    let mut out = Vec::new();
    for op in &api.operations {
        if !op.params.is_empty() {
            out.push(ident(&op.params_type));
        }
        out.push(ident(&op.response_type));
    }
    out
}

fn request_body_type(api: &Api, op: &Operation) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    let t = match &body.ty {
        Some(ty) => qualified_type(api, ty, &quote!(crate::models::)),
        None if is_json(&body.content_type) => quote!(serde_json::Value),
        None => quote!(String),
    };
    Some(if body.required { t } else { quote!(Option<#t>) })
}

fn trait_method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let mut text = format!("`{} {}`", op.method, op.path);
    if let Some(s) = &op.summary {
        text = format!("{text}: {s}");
    }
    if let Some(d) = &op.description {
        text = format!("{text}\n\n{d}");
    }
    if op.deprecated {
        text.push_str("\n\nDeprecated.");
    }
    let docs = docs(Some(&text));
    let principal = match auth_of(op) {
        Auth::None => None,
        Auth::Required => Some(quote!(principal: Self::Principal,)),
        Auth::Optional => Some(quote!(principal: Option<Self::Principal>,)),
    };
    let params = (!op.params.is_empty()).then(|| {
        let t = ident(&op.params_type);
        quote!(params: #t,)
    });
    let body = request_body_type(api, op).map(|t| quote!(body: #t,));
    let response = ident(&op.response_type);
    quote! {
        #docs
        fn #name(&self, #principal #params #body) -> impl Future<Output = #response> + Send;
    }
}

fn handler_fn(
    api: &Api,
    op: &Operation,
    handler: &Ident,
    op_const: &Ident,
    schemes: &[(&SecurityScheme, Ident)],
    schemas: &mut Schemas<'_>,
) -> TokenStream {
    let method = ident(&op.name);
    let auth = auth_of(op);
    let extract = takes_input(op);
    let needs_parts = extract || !matches!(auth, Auth::None);

    let alternatives = op.security.iter().filter(|r| !r.schemes.is_empty()).map(|r| {
        let names = r
            .schemes
            .iter()
            .filter_map(|(wire, _)| schemes.iter().find(|(s, _)| s.wire_name == *wire).map(|(_, name)| name));
        quote!(&[#(#names),*])
    });
    let mut challenges: Vec<&str> = Vec::new();
    for (wire, _) in op.security.iter().flat_map(|r| &r.schemes) {
        let challenge = match schemes.iter().find(|(s, _)| s.wire_name == *wire).map(|(s, _)| &s.kind) {
            Some(SecurityKind::Bearer { .. } | SecurityKind::OAuth2) => "Bearer",
            Some(SecurityKind::Basic) => "Basic",
            _ => continue,
        };
        if !challenges.contains(&challenge) {
            challenges.push(challenge);
        }
    }
    let authenticate = match auth {
        Auth::None => None,
        Auth::Required => Some(quote! {
            let principal = authenticate(&served.api, &parts, &[#(#alternatives),*])
                .await
                .ok_or_else(|| #op_const.unauthorized(&[#(#challenges),*]))?;
        }),
        Auth::Optional => Some(quote! {
            let principal = authenticate(&served.api, &parts, &[#(#alternatives),*]).await;
        }),
    };
    let split = if extract {
        quote!(let (parts, body) = request.into_parts();)
    } else {
        quote!(let (parts, _) = request.into_parts();)
    };
    let input =
        extract.then(|| quote!(let mut input = #op_const.extract(parts, body, served.config.body_limit).await?;));
    let params = (!op.params.is_empty()).then(|| {
        let t = ident(&op.params_type);
        let fields = op.params.iter().map(|p| {
            let name = ident(&p.name);
            let wire = &p.wire_name;
            let getter = match p.location {
                ParamLocation::Path => quote!(path),
                ParamLocation::Query => quote!(query),
                ParamLocation::Header => quote!(header),
                ParamLocation::Cookie => quote!(cookie),
            };
            quote!(#name: input.#getter(#wire)?,)
        });
        quote!(let params = #t { #(#fields)* };)
    });
    let body = op.body.as_ref().map(|_| quote!(let body = input.body()?;));
    let args = [
        (!matches!(auth, Auth::None)).then(|| quote!(principal)),
        (!op.params.is_empty()).then(|| quote!(params)),
        op.body.as_ref().map(|_| quote!(body)),
    ]
    .into_iter()
    .flatten();
    let request_arg = needs_parts.then(|| quote!(, request: Request));
    let split = needs_parts.then_some(split);
    let doc = format!(" `{} {}` (`{}`).", op.method, op.path, op.id);
    // The static serves extraction and the 401 answer; an operation with neither needs none.
    let uses_static = extract || matches!(auth, Auth::Required);
    let static_def = uses_static.then(|| operation_static(api, op, op_const, schemas));
    quote! {
        #static_def

        #[doc = #doc]
        async fn #handler<A: Api>(State(served): State<Arc<Served<A>>> #request_arg) -> Result<Response, Rejection> {
            #split
            #authenticate
            #input
            #params
            #body
            Ok(served.api.#method(#(#args),*).await.into_response())
        }
    }
}

/// Whether an operation has parameters or a body for its handler to extract.
fn takes_input(op: &Operation) -> bool {
    !op.params.is_empty() || op.body.is_some()
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The documented JSON media type of the response for `code` (or its range, or `default`).
fn error_media(op: &Operation, code: u16) -> TokenStream {
    let documented = op
        .responses
        .iter()
        .find(|r| r.status == Status::Code(code))
        .or_else(|| op.responses.iter().find(|r| r.status == Status::Range((code / 100) as u8)))
        .or_else(|| op.responses.iter().find(|r| r.status == Status::Default));
    match documented.and_then(|r| r.body.as_ref()).map(|b| b.content_type.as_str()).filter(|ct| is_json(ct)) {
        Some(ct) => quote!(Some(#ct)),
        None => quote!(None),
    }
}

fn operation_static(api: &Api, op: &Operation, name: &Ident, schemas: &mut Schemas<'_>) -> TokenStream {
    let params: Vec<TokenStream> = op.params.iter().map(|p| param(p, schemas)).collect();
    let body = match &op.body {
        Some(b) => {
            let schema = match &b.ty {
                Some(ty) => schemas.expr(ty, &Constraints::default(), &["schemas"]),
                None => syntax::call(&["Schema", "any"], Vec::new()),
            };
            if b.required {
                quote!(Some(RequestBody::required(#schema)))
            } else {
                quote!(Some(RequestBody::optional(#schema)))
            }
        }
        None => quote!(None),
    };
    let _ = api;
    let unauthorized = error_media(op, 401);
    let not_found = error_media(op, 404);
    let unprocessable = error_media(op, 422);
    let bad_request = error_media(op, 400);
    quote! {
        static #name: Operation = Operation {
            params: &[#(#params),*],
            body: #body,
            errors: ErrorMedia {
                unauthorized: #unauthorized,
                not_found: #not_found,
                unprocessable: #unprocessable,
                bad_request: #bad_request,
            },
        };
    }
}

fn param(p: &Param, schemas: &mut Schemas<'_>) -> TokenStream {
    let wire = &p.wire_name;
    let schema = schemas.expr(&p.ty, &p.constraints, &["schemas"]);
    let (ctor, default_style, default_explode) = match p.location {
        ParamLocation::Path => (quote!(path), ParamStyle::Simple, false),
        ParamLocation::Query => (quote!(query), ParamStyle::Form, true),
        ParamLocation::Header => (quote!(header), ParamStyle::Simple, false),
        ParamLocation::Cookie => (quote!(cookie), ParamStyle::Form, true),
    };
    let required = (p.required && p.location != ParamLocation::Path).then(|| quote!(.required()));
    let style = (p.style != default_style || p.explode != default_explode).then(|| {
        let s = match p.style {
            ParamStyle::Simple => quote!(Simple),
            ParamStyle::Form => quote!(Form),
            ParamStyle::Label => quote!(Label),
            ParamStyle::Matrix => quote!(Matrix),
            ParamStyle::SpaceDelimited => quote!(SpaceDelimited),
            ParamStyle::PipeDelimited => quote!(PipeDelimited),
            ParamStyle::DeepObject => quote!(DeepObject),
        };
        let explode = p.explode;
        quote!(.style(Style::#s, #explode))
    });
    let default = p.constraints.default.as_ref().filter(|_| !p.required).map(|d| quote!(.default(#d)));
    quote!(Param::#ctor(#wire, #schema) #required #style #default)
}

/// The validation schemas of the request side: one static per named type that a parameter
/// or request body reaches, and one per distinct `pattern`.
struct Schemas<'a> {
    api: &'a Api,
    /// Static name of each reachable struct, enum or union.
    statics: Vec<(TypeId, Ident)>,
    /// Distinct patterns in order of first use, with their static names.
    patterns: Vec<(String, Ident)>,
    scope: Scope,
    /// Which of the runtime's schema types the expressions built since the last clear name.
    used: BTreeSet<&'static str>,
}

impl<'a> Schemas<'a> {
    fn new(api: &'a Api) -> Self {
        let mut reachable = BTreeSet::new();
        for op in &api.operations {
            for p in &op.params {
                reach(api, &p.ty, &mut reachable);
            }
            if let Some(ty) = op.body.as_ref().and_then(|b| b.ty.as_ref()) {
                reach(api, ty, &mut reachable);
            }
        }
        let mut scope = Scope::default();
        // Sorted by type name (the order of `api.types`), so the output is stable.
        let statics = reachable
            .into_iter()
            .filter(|id| !matches!(api.type_def(*id).kind, TypeKind::Alias(_)))
            .map(|id| (id, ident(&scope.claim(&names::constant(&api.type_def(id).name)))))
            .collect();
        Schemas { api, statics, patterns: Vec::new(), scope, used: BTreeSet::new() }
    }

    fn static_name(&self, id: TypeId) -> Option<&Ident> {
        self.statics.iter().find(|(t, _)| *t == id).map(|(_, name)| name)
    }

    fn pattern(&mut self, source: &str) -> Option<Ident> {
        // Only patterns that compile as ECMA-262 (Unicode mode) are checked; the spec's lint
        // is the place to catch the others.
        regress::Regex::with_flags(source, "u").ok()?;
        if let Some((_, name)) = self.patterns.iter().find(|(p, _)| p == source) {
            return Some(name.clone());
        }
        let name = ident(&self.scope.claim(&format!("PATTERN_{}", self.patterns.len() + 1)));
        self.patterns.push((source.to_string(), name.clone()));
        Some(name)
    }

    /// A `Schema` expression for a use of `ty` with the constraints written beside it;
    /// statics are named behind `prefix` (`schemas` outside the schemas module).
    fn expr(&mut self, ty: &TypeRef, constraints: &Constraints, prefix: &[&str]) -> syn::Expr {
        self.expr_at(ty, constraints, prefix, 0)
    }

    fn expr_at(&mut self, ty: &TypeRef, c: &Constraints, prefix: &[&str], depth: usize) -> syn::Expr {
        self.used.insert("Schema");
        let schema = |ctor: &str, args: Vec<syn::Expr>| syntax::call(&["Schema", ctor], args);
        let behind = |name: &Ident| {
            let name = name.to_string();
            let segments: Vec<&str> = prefix.iter().copied().chain([name.as_str()]).collect();
            syntax::reference(syntax::path_expr(&segments))
        };
        let int = |format: &str, used: &mut BTreeSet<&'static str>| {
            used.insert("IntFormat");
            schema("integer", vec![syntax::path_expr(&["IntFormat", format])])
        };
        let (inner, nullable) = ty.strip_null();
        let mut implied_format = None;
        let mut expr = match inner {
            _ if depth > 32 => schema("any", Vec::new()),
            TypeRef::Named(id) => match (&self.api.type_def(*id).kind, self.static_name(*id)) {
                // The alias may itself be nullable.
                (TypeKind::Alias(target), _) => {
                    let target = target.clone();
                    self.expr_at(&target, &Constraints::default(), prefix, depth + 1)
                }
                (_, Some(name)) => schema("reference", vec![behind(name)]),
                (_, None) => schema("any", Vec::new()),
            },
            TypeRef::Scalar(s) => match s {
                Scalar::String => schema("string", Vec::new()),
                Scalar::Bool => schema("boolean", Vec::new()),
                Scalar::I32 => int("I32", &mut self.used),
                Scalar::I64 => int("I64", &mut self.used),
                Scalar::U32 => int("U32", &mut self.used),
                Scalar::U64 => int("U64", &mut self.used),
                Scalar::F32 | Scalar::F64 => schema("number", Vec::new()),
                Scalar::DateTime => {
                    implied_format = Some("DateTime");
                    schema("string", Vec::new())
                }
                Scalar::Date => {
                    implied_format = Some("Date");
                    schema("string", Vec::new())
                }
            },
            TypeRef::Array(items) => {
                let items = self.expr_at(items, &Constraints::default(), prefix, depth + 1);
                schema("array", vec![syntax::reference(items)])
            }
            TypeRef::Map(values) => {
                let values = self.expr_at(values, &Constraints::default(), prefix, depth + 1);
                schema("map", vec![syntax::reference(values)])
            }
            TypeRef::Nullable(_) | TypeRef::Any => schema("any", Vec::new()),
            TypeRef::Object => schema("any_object", Vec::new()),
        };
        let count = |n: u64| vec![syntax::lit(Literal::u64_unsuffixed(n))];
        let float = |n: f64| vec![syntax::lit(Literal::f64_unsuffixed(n))];
        let mut call = |name: &str, args: Vec<syn::Expr>| {
            let receiver = std::mem::replace(&mut expr, syn::Expr::Verbatim(TokenStream::new()));
            expr = syntax::method(receiver, name, args);
        };
        if nullable {
            call("nullable", Vec::new());
        }
        if let Some(n) = c.min_length {
            call("min_length", count(n));
        }
        if let Some(n) = c.max_length {
            call("max_length", count(n));
        }
        if let Some(name) = c.pattern.as_deref().and_then(|p| self.pattern(p)) {
            call("pattern", vec![behind(&name)]);
        }
        let format = match c.format.as_deref() {
            Some("date-time") => Some("DateTime"),
            Some("date") => Some("Date"),
            Some("email") => Some("Email"),
            Some("uuid") => Some("Uuid"),
            Some("uri") => Some("Uri"),
            Some("ipv4") => Some("Ipv4"),
            Some("ipv6") => Some("Ipv6"),
            _ => None,
        }
        .or(implied_format);
        if let Some(f) = format {
            self.used.insert("Format");
            call("format", vec![syntax::path_expr(&["Format", f])]);
        }
        if let Some((n, exclusive)) = c.minimum {
            call(if exclusive { "exclusive_minimum" } else { "minimum" }, float(n));
        }
        if let Some((n, exclusive)) = c.maximum {
            call(if exclusive { "exclusive_maximum" } else { "maximum" }, float(n));
        }
        if let Some(n) = c.min_items {
            call("min_items", count(n));
        }
        if let Some(n) = c.max_items {
            call("max_items", count(n));
        }
        if let Some(n) = c.multiple_of {
            call("multiple_of", float(n));
        }
        if c.unique_items {
            call("unique_items", Vec::new());
        }
        // A struct's static checks its own member counts; a use of it repeats them (its
        // constraints follow the `$ref`), so only a bound of the use's own is added.
        let (own_min, own_max) = match inner {
            TypeRef::Named(id) => match &self.api.type_def(*id).kind {
                TypeKind::Struct(s) => (s.min_properties, s.max_properties),
                _ => (None, None),
            },
            _ => (None, None),
        };
        if let Some(n) = c.min_properties.filter(|n| own_min != Some(*n)) {
            call("min_properties", count(n));
        }
        if let Some(n) = c.max_properties.filter(|n| own_max != Some(*n)) {
            call("max_properties", count(n));
        }
        if let Some(json) = &c.fixed {
            call("fixed", vec![syntax::string(json)]);
        }
        if let Some(values) = &c.allowed {
            call("allowed", vec![syntax::reference(syntax::array(values.iter().map(|v| syntax::string(v)).collect()))]);
        }
        expr
    }

    /// The `schemas` module (`src/server/schemas.rs`): the statics of the named request types
    /// and the patterns, built as syntax trees; `None` when there are none.
    fn module(&mut self) -> Option<Module<'static>> {
        // What the statics below use, for the `use` line (operations' uses are counted apart).
        self.used.clear();
        let mut items = Vec::new();
        for (id, name) in self.statics.clone() {
            let def = self.api.type_def(id);
            let body = match &def.kind {
                TypeKind::Struct(s) => {
                    let properties: Vec<syn::Expr> = s
                        .fields
                        .iter()
                        .map(|f| {
                            let schema = self.expr(&f.ty, &f.constraints, &[]);
                            let ctor = if f.required { "required" } else { "optional" };
                            syntax::call(&["Property", ctor], vec![syntax::string(&f.wire_name), schema])
                        })
                        .collect();
                    if !properties.is_empty() {
                        self.used.insert("Property");
                    }
                    let properties = syntax::reference(syntax::array(properties));
                    let mut body = match &s.additional {
                        Some(extra) => {
                            let extra = self.expr(extra, &Constraints::default(), &[]);
                            syntax::call(&["Schema", "object_with"], vec![properties, syntax::reference(extra)])
                        }
                        None => syntax::call(&["Schema", "object"], vec![properties]),
                    };
                    if s.closed {
                        body = syntax::method(body, "closed", Vec::new());
                    }
                    if let Some(n) = s.min_properties {
                        body = syntax::method(body, "min_properties", vec![syntax::lit(Literal::u64_unsuffixed(n))]);
                    }
                    if let Some(n) = s.max_properties {
                        body = syntax::method(body, "max_properties", vec![syntax::lit(Literal::u64_unsuffixed(n))]);
                    }
                    body
                }
                TypeKind::Enum(e) => {
                    let values = e.variants.iter().map(|v| syntax::string(&v.wire_name)).collect();
                    syntax::call(&["Schema", "enumeration"], vec![syntax::reference(syntax::array(values))])
                }
                TypeKind::Union(u) => {
                    let alternatives: Vec<syn::Expr> =
                        u.variants.iter().map(|v| self.expr(&v.ty, &Constraints::default(), &[])).collect();
                    match &u.discriminator {
                        Some(d) => {
                            self.used.insert("Variant");
                            let variants = u.variants.iter().zip(alternatives).map(|(v, schema)| {
                                let tags = v.tags.iter().map(|t| syntax::string(t)).collect();
                                syntax::call(&["Variant", "new"], vec![syntax::reference(syntax::array(tags)), schema])
                            });
                            let variants = syntax::reference(syntax::array(variants.collect()));
                            syntax::call(&["Schema", "tagged"], vec![syntax::string(&d.property), variants])
                        }
                        None => {
                            syntax::call(&["Schema", "one_of"], vec![syntax::reference(syntax::array(alternatives))])
                        }
                    }
                }
                TypeKind::Alias(_) => continue,
            };
            self.used.insert("Schema");
            let doc = format!(" [`{}`](crate::models::{}).", def.name, names::unraw(&def.name));
            items.push(schema_static(&doc, name, "Schema", body));
        }
        for (source, name) in &self.patterns {
            self.used.insert("Pattern");
            let doc = format!(" `{}`", source.replace('`', "\\`"));
            let source_lit = syntax::string(source);
            // A pattern that only repeats a character class is checked without the regex engine.
            let pattern = match pattern::run(source) {
                Some(Run { ranges, min, max }) => {
                    let ranges = ranges
                        .iter()
                        .map(|&(first, last)| {
                            syntax::tuple(vec![
                                syntax::lit(Literal::character(first)),
                                syntax::lit(Literal::character(last)),
                            ])
                        })
                        .collect();
                    let max = match max {
                        Some(max) => syntax::call(&["Some"], vec![syntax::lit(Literal::usize_unsuffixed(max))]),
                        None => syntax::path_expr(&["None"]),
                    };
                    let args = vec![
                        source_lit,
                        syntax::reference(syntax::array(ranges)),
                        syntax::lit(Literal::usize_unsuffixed(min)),
                        max,
                    ];
                    syntax::call(&["Pattern", "run"], args)
                }
                None => syntax::call(&["Pattern", "new"], vec![source_lit]),
            };
            items.push(schema_static(&doc, name.clone(), "Pattern", pattern));
        }
        if items.is_empty() {
            return None;
        }
        let uses = self.used.iter().map(|n| format_ident!("{n}"));
        let head = quote! {
            //! Validation schemas of the request types, and the patterns they use.

            use super::support::{#(#uses),*};
        };
        Some(Module { head, items: Box::new(std::iter::once(Chunk::Syntax(items))) })
    }
}

/// `pub(super) static NAME: Ty = expr;` with a one-line doc.
fn schema_static(doc: &str, name: Ident, ty: &str, expr: syn::Expr) -> syn::Item {
    syn::Item::Static(syn::ItemStatic {
        attrs: vec![syntax::doc_attr(doc)],
        vis: syntax::restricted("super"),
        static_token: Default::default(),
        mutability: syn::StaticMutability::None,
        ident: name,
        colon_token: Default::default(),
        ty: Box::new(syntax::named(&[ty])),
        eq_token: Default::default(),
        expr: Box::new(expr),
        semi_token: Default::default(),
    })
}

/// Which of `candidates` appear as identifiers in `tokens`, to import only what is used.
fn identifiers(tokens: &[&TokenStream], candidates: &[&'static str]) -> BTreeSet<&'static str> {
    fn walk(tokens: TokenStream, candidates: &[&'static str], out: &mut BTreeSet<&'static str>) {
        for t in tokens {
            match t {
                // Comparing in place: turning every identifier into a `String` costs more.
                proc_macro2::TokenTree::Ident(i) => out.extend(candidates.iter().filter(|c| i == **c)),
                proc_macro2::TokenTree::Group(g) => walk(g.stream(), candidates, out),
                _ => {}
            }
        }
    }
    let mut out = BTreeSet::new();
    for t in tokens {
        walk((*t).clone(), candidates, &mut out);
    }
    out
}

/// Adds every named type `ty` reaches to `out`.
fn reach(api: &Api, ty: &TypeRef, out: &mut BTreeSet<TypeId>) {
    match ty {
        TypeRef::Named(id) => {
            if !out.insert(*id) {
                return;
            }
            match &api.type_def(*id).kind {
                TypeKind::Struct(s) => {
                    for f in &s.fields {
                        reach(api, &f.ty, out);
                    }
                    if let Some(extra) = &s.additional {
                        reach(api, extra, out);
                    }
                }
                TypeKind::Union(u) => {
                    for v in &u.variants {
                        reach(api, &v.ty, out);
                    }
                }
                TypeKind::Alias(t) => reach(api, t, out),
                TypeKind::Enum(_) => {}
            }
        }
        TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => reach(api, t, out),
        TypeRef::Scalar(_) | TypeRef::Object | TypeRef::Any => {}
    }
}

/// `impl IntoResponse` for an operation's response enum: status, documented headers, content type.
fn render_impl(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.response_type);
    let arms = op.responses.iter().map(|r| render_arm(api, r));
    quote! {
        impl IntoResponse for #name {
            fn into_response(self) -> Response {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

fn render_arm(api: &Api, r: &Response) -> TokenStream {
    let variant = ident(&r.name);
    let ranged = matches!(r.status, Status::Range(_) | Status::Default);
    let status = match r.status {
        Status::Code(c) => {
            let c = Literal::u16_unsuffixed(c);
            quote!(#c)
        }
        _ => quote!(status),
    };
    let has_body = body_type(api, r).is_some();
    let body_expr = |value: TokenStream| match &r.body {
        Some(b) if is_json(&b.content_type) || !matches!(b.ty, None | Some(TypeRef::Scalar(Scalar::String))) => {
            let ct = &b.content_type;
            quote!(support::json(#status, #ct, &#value))
        }
        Some(b) => {
            let ct = &b.content_type;
            quote!(support::text(#status, #ct, #value))
        }
        None => quote!(support::empty(#status)),
    };
    match &r.type_name {
        Some(_) => {
            let pattern =
                if ranged { quote!(Self::#variant { status, response: reply }) } else { quote!(Self::#variant(reply)) };
            let make = if has_body { body_expr(quote!(reply.body)) } else { quote!(support::empty(#status)) };
            let headers = r.headers.iter().map(|h| {
                let field = ident(&h.name);
                let wire = &h.wire_name;
                let value = if h.required { quote!(Some(reply.#field)) } else { quote!(reply.#field) };
                let value = header_text(api, &h.ty, value);
                quote!(support::header(&mut response, #wire, #value);)
            });
            quote! {
                #pattern => {
                    let mut response = #make;
                    #(#headers)*
                    response
                }
            }
        }
        None if has_body => {
            let pattern = if ranged { quote!(Self::#variant { status, body }) } else { quote!(Self::#variant(body)) };
            let make = body_expr(quote!(body));
            quote!(#pattern => #make,)
        }
        None => {
            let pattern = if ranged { quote!(Self::#variant { status }) } else { quote!(Self::#variant) };
            quote!(#pattern => support::empty(#status),)
        }
    }
}

/// `value` (an `Option` of the header's type) as an `Option` of something `Display`.
fn header_text(api: &Api, ty: &TypeRef, value: TokenStream) -> TokenStream {
    let mut ty = ty.strip_null().0;
    for _ in 0..32 {
        match ty {
            TypeRef::Named(id) => match &api.type_def(*id).kind {
                TypeKind::Alias(t) => ty = t.strip_null().0,
                TypeKind::Enum(_) => return value,
                _ => break,
            },
            _ => break,
        }
    }
    match ty {
        TypeRef::Scalar(Scalar::DateTime) => quote!(#value.map(|t| t.to_rfc3339())),
        TypeRef::Scalar(_) => value,
        TypeRef::Array(_) => {
            quote!(#value.map(|list| list.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")))
        }
        _ => quote!(#value.and_then(|v| serde_json::to_string(&v).ok())),
    }
}
