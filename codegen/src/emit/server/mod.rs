//! The server module: a trait with one method per operation and an axum router (feature `server`).
//!
//! The router is table-driven: every operation gets a static `Operation` (its parameters and
//! body as validation schemas, and the media types of the errors it documents), every named
//! request type a static `Schema` (in `src/server/schemas.rs`), and a short handler that
//! authenticates, extracts and calls the trait. The shared machinery is the runtime's
//! `server` module, imported as `support`.

mod schemas;

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::diag::Diagnostic;
use crate::emit::docs::docs;
use crate::emit::multipart::{self, FileShape};
use crate::emit::operations;
use crate::emit::render::{ident, Chunk, Module, Sink};
use crate::emit::rust_type::qualified_syntax_type;
use crate::emit::syntax;
use crate::ir::{
    Api, Body, BodyKind, Constraints, Operation, Param, ParamLocation, ParamStyle, Response, Scalar, SecurityKind,
    SecurityScheme, Status, TypeKind, TypeRef,
};
use crate::names::{self, Scope};
use schemas::Schemas;

/// Lines for `[dependencies]` that the `server` feature turns on (all `optional = true`),
/// beside the runtime's: what the generated module names itself.
pub(crate) const DEPENDENCIES: &[(&str, &str)] = &[("axum", "version = \"0.8\", default-features = false")];

/// Names the generated module defines itself; handlers must not take them.
const RESERVED: &[&str] = &["router", "router_with", "authenticate", "support", "schemas"];

/// The `server` module, its items pushed to `body` as they are built, so that their syntax
/// trees are printed and freed one operation at a time; returns the module's head (which
/// imports what the items turned out to use), and its `schemas` submodule when requests have
/// anything to check.
///
/// The per-operation items (the handlers with their statics, the response impls, the trait's
/// methods and the routes) are built as syntax trees; the head and the one-off items as tokens.
pub(crate) fn server(api: &Api, body: &mut Sink) -> Result<(TokenStream, Option<Module<'static>>), Diagnostic> {
    let routed = api.routed();
    let mut schemas = Schemas::new(api, &routed);
    let mut imports = Imports::default();
    let used = used_schemes(api);
    let mut consts = Scope::with_reserved(RESERVED.iter().copied());
    let scheme_consts: Vec<(&SecurityScheme, Ident)> =
        used.iter().map(|s| (*s, ident(&consts.claim(&names::constant(&s.name))))).collect();

    // Names first: the routes come before the handlers.
    let mut handler_scope = Scope::with_reserved(RESERVED.iter().copied());
    let handled: Vec<(&Operation, Ident, Ident)> = api
        .operations
        .iter()
        .zip(&routed)
        // Lowering warned: the router cannot match part of a segment, or tell this path from
        // another's, so the operation gets no handler; its method stays in the trait so
        // implementations keep their shape.
        .filter(|(_, routed)| **routed)
        .map(|(op, _)| op)
        .map(|op| (op, ident(&handler_scope.claim(&op.name)), ident(&consts.claim(&names::constant(&op.name)))))
        .collect();
    let mut routes: Vec<(&str, Vec<Route<'_>>)> = Vec::new();
    for (op, handler, _) in &handled {
        let route = Route { method: &op.method, handler: handler.clone(), features: &op.features };
        match routes.iter_mut().find(|(path, _)| *path == op.path) {
            Some((_, list)) => list.push(route),
            None => routes.push((&op.path, vec![route])),
        }
    }
    let router_with = if api.features.is_empty() {
        router_with(&routes, &mut imports)
    } else {
        gated_router_with(&routes, &mut imports)?
    };

    let secured = !used.is_empty();
    let credential = secured.then(|| credential_enum(&used));
    let scheme_defs = scheme_consts.iter().map(|(s, name)| {
        let source = match &s.kind {
            SecurityKind::ApiKey { location: ParamLocation::Header, name } => quote!(Source::Header(#name)),
            SecurityKind::ApiKey { location: ParamLocation::Query, name } => quote!(Source::Query(#name)),
            SecurityKind::ApiKey { location: _, name } => quote!(Source::Cookie(#name)),
            SecurityKind::Bearer { .. } | SecurityKind::OAuth2 => quote!(Source::Bearer),
            SecurityKind::Basic => quote!(Source::Basic),
            SecurityKind::Http { scheme } => quote!(Source::Authorization(#scheme)),
        };
        imports.add("Scheme");
        imports.add("Source");
        imports.note(&s.variant);
        let variant = ident(&s.variant);
        let doc = format!(" The `{}` security scheme.", s.wire_name);
        quote! {
            #[doc = #doc]
            const #name: Scheme<Credential> = Scheme { source: #source, credential: Credential::#variant };
        }
    });
    let scheme_defs: TokenStream = scheme_defs.collect();
    let principal = secured.then(|| principal_items(&mut imports));
    let authenticate = secured.then(|| {
        imports.add("Parts");
        imports.add("Scheme");
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
    // The handlers that take input read the configuration.
    let config_unread = (!api.operations.iter().any(takes_input)).then(|| {
        quote! {
            /// Read when requests are taken apart; no operation of this API takes any input.
            #[allow(dead_code)]
        }
    });
    let config = quote! {
        /// How the router treats requests.
        #[derive(Clone, Debug)]
        pub struct Config {
            /// Largest request body accepted, in bytes; larger ones are answered with 413 (a
            /// body streamed to its handler without a declared length ends its stream with an
            /// error instead, once past the limit).
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
    };
    let served = quote! {
        /// What every handler shares: the implementation and how the router treats requests.
        struct Served<A> {
            api: A,
            #config_unread
            config: Config,
        }

        #scheme_defs
        #authenticate
    };
    let principal = principal.into_iter().flatten();
    let error = (!api.operations.is_empty()).then(error_item);
    let methods: Vec<syn::TraitItem> = api
        .operations
        .iter()
        .map(|op| syntax::gate_trait_item(trait_method(api, op, &mut imports), &op.features))
        .collect();
    body.push(Chunk::Syntax(vec![api_trait(error.into_iter().chain(principal).chain(methods).collect())]))?;
    body.push(config)?;
    body.push(Chunk::Syntax(vec![router_with]))?;
    body.push(served)?;
    for (op, name, op_const) in &handled {
        let context = Handler { api, op, name, op_const, schemes: &scheme_consts };
        body.push(Chunk::Syntax(handler_fn(&context, &mut schemas, &mut imports)).gated(&op.features))?;
    }
    for op in &api.operations {
        body.push(Chunk::Syntax(vec![render_impl(api, op, &mut imports)]).gated(&op.features))?;
    }
    // The operations' schema expressions name runtime types too; take them before the
    // schemas module counts its own.
    imports.extend(&schemas.used);
    let schema_mod = schemas.module();
    if schema_mod.is_some() {
        body.push(quote! {
            mod schemas;
        })?;
    }

    let op_types_use = operation_type_uses(api);
    let used = imports.0;
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
    let support_uses = only_used(SUPPORT_NAMES);
    let title = format!(" Server stubs for the {}: implement [`Api`] and serve it with [`router`].", api.title);
    // Which helpers and imports the handlers use depends on the tag features turned on.
    let gated = (!api.features.is_empty()).then(|| quote!(#![allow(dead_code, unused_imports)]));
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
        #gated

        #future_use
        use std::sync::Arc;

        use axum::extract::{#(#extract_uses),*};
        #parts_use
        #response_use
        #method_router_use
        use axum::Router;

        #op_types_use
        use crate::runtime::server as support;
        use support::{#(#support_uses),*};

        #credential
    };
    Ok((head, schema_mod))
}

/// The runtime's names the server module may import from `support`, in `use` order.
const SUPPORT_NAMES: &[&str] = &[
    "ErrorMedia",
    "Format",
    "IntFormat",
    "Media",
    "Operation",
    "Param",
    "Rejection",
    "RequestBody",
    "Schema",
    "Scheme",
    "Source",
    "Style",
];

/// The other names the server module may import.
const OTHER_NAMES: &[&str] = &["Future", "Parts", "Request", "State", "IntoResponse", "Response", "MethodRouter"];

/// Which importable names the items built so far use, for the `use` lines.
#[derive(Default)]
struct Imports(BTreeSet<&'static str>);

impl Imports {
    /// Records a use of `name`, one of [`SUPPORT_NAMES`] or [`OTHER_NAMES`].
    fn add(&mut self, name: &'static str) {
        self.0.insert(name);
    }

    /// Records the importable names among `names` (the runtime types a schema uses).
    fn extend(&mut self, names: &BTreeSet<&'static str>) {
        for name in SUPPORT_NAMES.iter().filter(|n| names.contains(**n)) {
            self.add(name);
        }
    }

    /// Records a type or variant named in the spec that is spelt like an importable name.
    ///
    /// The imports used to be found by scanning the emitted tokens, which counted such a
    /// name (a model `Source`) as a use; it still counts, so that no spec's imports change.
    fn note(&mut self, spec_name: &str) {
        if let Some(name) = SUPPORT_NAMES.iter().chain(OTHER_NAMES).find(|n| **n == spec_name) {
            self.add(name);
        }
    }

    /// [`Self::note`] for every named type `ty` names.
    fn note_type(&mut self, api: &Api, ty: &TypeRef) {
        match ty {
            TypeRef::Named(id) => self.note(&api.type_def(*id).name),
            TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => self.note_type(api, t),
            TypeRef::Scalar(_) | TypeRef::Object | TypeRef::Any | TypeRef::External(_) => {}
        }
    }
}

/// `async fn name<A: Api>(State(served): State<Arc<Served<A>>>, request: Request) -> Result<Response, Rejection>`,
/// without the request when the handler does not read it.
fn handler_signature(name: Ident, takes_request: bool) -> syn::Signature {
    let served = syntax::generic(&["Arc"], vec![syntax::generic(&["Served"], vec![syntax::named(&["A"])])]);
    let mut inputs = vec![syntax::arg(
        syntax::pat_tuple_struct(&["State"], vec![syntax::binding("served")]),
        syntax::generic(&["State"], vec![served]),
    )];
    if takes_request {
        inputs.push(syntax::arg(syntax::binding("request"), syntax::named(&["Request"])));
    }
    let output = syntax::generic(&["Result"], vec![syntax::named(&["Response"]), syntax::named(&["Rejection"])]);
    let mut sig = syntax::signature(name, inputs, Some(output));
    sig.asyncness = Some(Default::default());
    sig.generics = syntax::type_param("A", "Api");
    sig
}

/// `pub trait Api: Send + Sync + 'static { items }`.
fn api_trait(items: Vec<syn::TraitItem>) -> syn::Item {
    let docs = "The API as a server implements it: one method per operation.\n\nEach method receives typed, validated input and returns the operation's response\nenum, whose variants are the responses the spec documents.";
    let supertraits = [syntax::bound(&["Send"]), syntax::bound(&["Sync"]), syntax::lifetime_bound("static")];
    syn::Item::Trait(syn::ItemTrait {
        attrs: syntax::doc_attrs(Some(docs)),
        vis: syntax::public(),
        unsafety: None,
        auto_token: None,
        restriction: None,
        trait_token: Default::default(),
        ident: ident("Api"),
        generics: Default::default(),
        colon_token: Some(Default::default()),
        supertraits: supertraits.into_iter().collect(),
        brace_token: Default::default(),
        items,
    })
}

/// The trait's `Principal` type and `authenticate` method, for an API with secured operations.
fn principal_items(imports: &mut Imports) -> [syn::TraitItem; 2] {
    let principal = syn::TraitItem::Type(syn::TraitItemType {
        attrs: syntax::doc_attrs(Some(
            "What an accepted credential stands for (a user, an account, the credential itself):\nthe secured operations receive it.",
        )),
        type_token: Default::default(),
        ident: ident("Principal"),
        generics: Default::default(),
        colon_token: Some(Default::default()),
        bounds: std::iter::once(syntax::bound(&["Send"])).collect(),
        default: None,
        semi_token: Default::default(),
    });
    imports.add("Future");
    let output = syntax::impl_future(syntax::generic(&["Option"], vec![syntax::named(&["Self", "Principal"])]));
    let inputs = vec![syntax::self_ref(), syntax::arg(syntax::binding("credential"), syntax::named(&["Credential"]))];
    let docs = "Checks a credential presented with a request to a secured operation, before the\noperation's method runs; `None` rejects it and the caller gets 401.\n\nWhen an operation accepts several schemes, each credential presented is checked\nin the order the spec lists them, until one is accepted.";
    let authenticate =
        syntax::trait_fn(syntax::doc_attrs(Some(docs)), syntax::signature(ident("authenticate"), inputs, Some(output)));
    [principal, authenticate]
}

/// The trait's `Error` type: what a method fails with when no documented answer fits.
fn error_item() -> syn::TraitItem {
    syn::parse_quote! {
        /// What a method fails with when no answer the spec documents fits (the database is
        /// down, a bug): the router logs it through `tracing` and answers 500 with problem
        /// details that do not reveal it. An implementation that cannot fail says
        /// `type Error = std::convert::Infallible;`.
        type Error: std::fmt::Display + Send;
    }
}

/// One method of a path as the router serves it.
struct Route<'a> {
    method: &'a str,
    handler: Ident,
    /// The operation's features ([`Operation::features`]).
    features: &'a [String],
}

/// `pub fn router_with<A: Api>(api: A, config: Config) -> Router`, which routes every path.
fn router_with(routes: &[(&str, Vec<Route<'_>>)], imports: &mut Imports) -> syn::Item {
    let mut router = syntax::call(&["Router", "new"], Vec::new());
    for (path, list) in routes {
        imports.add("MethodRouter");
        let mut methods = syntax::call(&["MethodRouter", "new"], Vec::new());
        for route in list {
            let handler = syntax::turbofish(route.handler.clone(), vec![syntax::named(&["A"])]);
            methods = syntax::method(methods, &route.method.to_ascii_lowercase(), vec![handler]);
        }
        let mut allow: Vec<&str> = list.iter().map(|r| r.method).collect();
        if allow.contains(&"GET") && !allow.contains(&"HEAD") {
            // axum answers HEAD wherever there is a GET.
            allow.push("HEAD");
        }
        let not_allowed = syntax::call(&["support", "method_not_allowed"], vec![syntax::string(&allow.join(", "))]);
        let fallback = syntax::closure(Vec::new(), syntax::async_block(vec![syntax::tail(not_allowed)]));
        methods = syntax::method(methods, "fallback", vec![fallback]);
        router = syntax::method(router, "route", vec![syntax::string(path), methods]);
    }
    router = syntax::method(router, "fallback", vec![syntax::path_expr(&["support", "not_found"])]);
    let served = syntax::struct_expr(
        &["Served"],
        vec![("api", syntax::path_expr(&["api"])), ("config", syntax::path_expr(&["config"]))],
    );
    router = syntax::method(router, "with_state", vec![syntax::call(&["Arc", "new"], vec![served])]);
    let inputs = vec![
        syntax::arg(syntax::binding("api"), syntax::named(&["A"])),
        syntax::arg(syntax::binding("config"), syntax::named(&["Config"])),
    ];
    let mut sig = syntax::signature(ident("router_with"), inputs, Some(syntax::named(&["Router"])));
    sig.generics = syntax::type_param("A", "Api");
    let docs = syntax::doc_attrs(Some("An axum router serving `api`."));
    syntax::fn_item(docs, syntax::public(), sig, vec![syntax::tail(router)])
}

/// [`router_with`] for a crate with tag features: each path is routed when a feature of one
/// of its operations is on, each method when its operation's is, and the `Allow` header of a
/// 405 lists the methods compiled in.
fn gated_router_with(routes: &[(&str, Vec<Route<'_>>)], imports: &mut Imports) -> Result<syn::Item, Diagnostic> {
    let paths = routes.iter().map(|(path, list)| {
        imports.add("MethodRouter");
        // Always routed when one of its operations is always compiled.
        let mut features: Vec<String> = Vec::new();
        if list.iter().all(|r| !r.features.is_empty()) {
            features = list.iter().flat_map(|r| r.features.iter().cloned()).collect();
            features.sort();
            features.dedup();
        }
        let path_cfg = syntax::cfg_features(&features);
        let methods = list.iter().map(|r| {
            let cfg = syntax::cfg_features(r.features);
            let method = format_ident!("{}", r.method.to_ascii_lowercase());
            let handler = &r.handler;
            let names: Vec<&str> = if r.method == "GET" && !list.iter().any(|o| o.method == "HEAD") {
                // axum answers HEAD wherever there is a GET.
                vec!["GET", "HEAD"]
            } else {
                vec![r.method]
            };
            quote! {
                #cfg
                let methods = {
                    allow.extend([#(#names),*]);
                    methods.#method(#handler::<A>)
                };
            }
        });
        quote! {
            #path_cfg
            let router = {
                let methods = MethodRouter::new();
                let mut allow: Vec<&str> = Vec::new();
                #(#methods)*
                let allow = allow.join(", ");
                router.route(#path, methods.fallback(move || {
                    let allow = allow.clone();
                    async move { support::method_not_allowed(&allow) }
                }))
            };
        }
    });
    let tokens = quote! {
        /// An axum router serving `api`.
        pub fn router_with<A: Api>(api: A, config: Config) -> Router {
            let router = Router::new();
            #(#paths)*
            router.fallback(support::not_found).with_state(Arc::new(Served { api, config }))
        }
    };
    syn::parse2(tokens).map_err(crate::emit::render::internal)
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
            SecurityKind::Http { scheme } => format!("`Authorization: {scheme} <credentials>`, as sent"),
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

fn operation_type_uses(api: &Api) -> TokenStream {
    let mut uses: std::collections::BTreeMap<&[String], Vec<Ident>> = std::collections::BTreeMap::new();
    for op in &api.operations {
        let out = uses.entry(&op.features).or_default();
        if !op.params.is_empty() {
            out.push(ident(&op.params_type));
        }
        if let Some(body) = &op.body {
            out.extend(operations::request_types(api, body).into_iter().map(ident));
        }
        for choice in op.responses.iter().filter_map(|r| r.body.as_ref()?.choice.as_ref()) {
            out.push(ident(&choice.type_name));
        }
        out.push(ident(&op.response_type));
    }
    // Each operation's types behind its features.
    uses.into_iter()
        .map(|(features, list)| {
            let cfg = syntax::cfg_features(features);
            quote!(#cfg use crate::operations::{#(#list),*};)
        })
        .collect()
}

/// The type of an operation's request body, as its trait method takes it.
fn request_body_type(api: &Api, op: &Operation, imports: &mut Imports) -> Option<syn::Type> {
    let body = op.body.as_ref()?;
    let t = match operations::request_choice(api, body) {
        Some((type_name, _)) => syntax::named(&[type_name]),
        None => {
            if let (None, Some(ty)) = (&body.form_type, body.typed()) {
                imports.note_type(api, ty);
            }
            operations::request_media_type(api, body, &["crate", "models"])
        }
    };
    Some(if body.required { t } else { syntax::generic(&["Option"], vec![t]) })
}

fn trait_method(api: &Api, op: &Operation, imports: &mut Imports) -> syn::TraitItem {
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
    let principal = syntax::named(&["Self", "Principal"]);
    let mut inputs = vec![syntax::self_ref()];
    match auth_of(op) {
        Auth::None => {}
        Auth::Required => inputs.push(syntax::arg(syntax::binding("principal"), principal)),
        Auth::Optional => {
            inputs.push(syntax::arg(syntax::binding("principal"), syntax::generic(&["Option"], vec![principal])))
        }
    }
    if !op.params.is_empty() {
        imports.note(&op.params_type);
        inputs.push(syntax::arg(syntax::binding("params"), syntax::named(&[&op.params_type])));
    }
    if let Some(t) = request_body_type(api, op, imports) {
        inputs.push(syntax::arg(syntax::binding("body"), t));
    }
    imports.add("Future");
    imports.note(&op.response_type);
    let result =
        syntax::generic(&["Result"], vec![syntax::named(&[&op.response_type]), syntax::named(&["Self", "Error"])]);
    let output = syntax::impl_future(result);
    syntax::trait_fn(syntax::doc_attrs(Some(&text)), syntax::signature(ident(&op.name), inputs, Some(output)))
}

/// The operation a handler serves, and the names it is given.
struct Handler<'a> {
    api: &'a Api,
    op: &'a Operation,
    /// The handler function's name.
    name: &'a Ident,
    /// The name of the operation's static.
    op_const: &'a Ident,
    /// The security schemes' constants.
    schemes: &'a [(&'a SecurityScheme, Ident)],
}

/// The handler of an operation, after its static when it has one.
fn handler_fn(handler: &Handler<'_>, schemas: &mut Schemas<'_>, imports: &mut Imports) -> Vec<syn::Item> {
    let Handler { api, op, op_const, schemes, .. } = *handler;
    let auth = auth_of(op);
    let extract = takes_input(op);
    let offered = negotiated_media(op);
    let needs_parts = extract || !matches!(auth, Auth::None) || !offered.is_empty();
    let op_static = || syntax::name_expr(op_const.clone());
    let served = |name: &str| syntax::member(syntax::path_expr(&["served"]), name);

    let alternatives = op.security.iter().filter(|r| !r.schemes.is_empty()).map(|r| {
        let names = r
            .schemes
            .iter()
            .filter_map(|(wire, _)| schemes.iter().find(|(s, _)| s.wire_name == *wire))
            .map(|(_, name)| syntax::name_expr(name.clone()));
        syntax::reference(syntax::array(names.collect()))
    });
    let mut challenges: Vec<&str> = Vec::new();
    for (wire, _) in op.security.iter().flat_map(|r| &r.schemes) {
        let challenge = match schemes.iter().find(|(s, _)| s.wire_name == *wire).map(|(s, _)| &s.kind) {
            Some(SecurityKind::Bearer { .. } | SecurityKind::OAuth2) => "Bearer",
            Some(SecurityKind::Basic) => "Basic",
            Some(SecurityKind::Http { scheme }) => scheme.as_str(),
            _ => continue,
        };
        if !challenges.contains(&challenge) {
            challenges.push(challenge);
        }
    }
    let mut stmts = Vec::new();
    if needs_parts {
        let body = if extract { syntax::binding("body") } else { syntax::wild() };
        let into_parts = syntax::method(syntax::path_expr(&["request"]), "into_parts", Vec::new());
        stmts.push(syntax::let_stmt(syntax::pat_tuple(vec![syntax::binding("parts"), body]), into_parts));
    }
    let authenticate = syntax::awaited(syntax::call(
        &["authenticate"],
        vec![
            syntax::reference(served("api")),
            syntax::reference(syntax::path_expr(&["parts"])),
            syntax::reference(syntax::array(alternatives.collect())),
        ],
    ));
    match auth {
        Auth::None => {}
        Auth::Required => {
            let challenges = syntax::array(challenges.iter().map(|c| syntax::string(c)).collect());
            let unauthorized = syntax::method(op_static(), "unauthorized", vec![syntax::reference(challenges)]);
            let principal = syntax::method(authenticate, "ok_or_else", vec![syntax::closure(Vec::new(), unauthorized)]);
            stmts.push(syntax::let_stmt(syntax::binding("principal"), syntax::question(principal)));
        }
        Auth::Optional => stmts.push(syntax::let_stmt(syntax::binding("principal"), authenticate)),
    }
    if !offered.is_empty() {
        stmts.push(syn::parse_quote!(support::acceptable(&parts, &[#(#offered),*])?;));
    }
    if extract {
        let limit = syntax::member(served("config"), "body_limit");
        let parts_and_body = vec![syntax::path_expr(&["parts"]), syntax::path_expr(&["body"]), limit];
        let input = syntax::awaited(syntax::method(op_static(), "extract", parts_and_body));
        stmts.push(syntax::let_stmt(syntax::binding_mut("input"), syntax::question(input)));
    }
    let input = |getter: &str, args: Vec<syn::Expr>| {
        syntax::question(syntax::method(syntax::path_expr(&["input"]), getter, args))
    };
    if !op.params.is_empty() {
        let fields = op.params.iter().map(|p| {
            let getter = match p.location {
                ParamLocation::Path => "path",
                ParamLocation::Query => "query",
                ParamLocation::Header => "header",
                ParamLocation::Cookie => "cookie",
            };
            (p.name.as_str(), input(getter, vec![syntax::string(&p.wire_name)]))
        });
        imports.note(&op.params_type);
        let params = syntax::struct_expr(&[&op.params_type], fields.collect());
        stmts.push(syntax::let_stmt(syntax::binding("params"), params));
    }
    if let Some(b) = &op.body {
        let value = match operations::request_choice(api, b) {
            Some((type_name, media)) => {
                // The variant of the media type the request came in (see the runtime's
                // `Input::media`); a required body that did not come was answered already.
                let arms = media.iter().enumerate().map(|(i, (variant, media))| {
                    let value = syntax::call(&[type_name, variant], vec![media_value(api, media, true)]);
                    let value = if b.required { value } else { syntax::call(&["Some"], vec![value]) };
                    let index = Literal::usize_unsuffixed(i);
                    let pattern = if i == 0 { quote!(_) } else { quote!(Some(#index)) };
                    quote!(#pattern => #value,)
                });
                let none = (!b.required).then(|| quote!(None => None,));
                let arms: Vec<TokenStream> = arms.collect();
                let (first, rest) = arms.split_first().map_or((None, &[][..]), |(f, r)| (Some(f), r));
                syn::parse_quote!(match input.media() { #none #(#rest)* #first })
            }
            None => media_value(api, b, b.required),
        };
        stmts.push(syntax::let_stmt(syntax::binding("body"), value));
    }
    let args = [
        (!matches!(auth, Auth::None)).then_some("principal"),
        (!op.params.is_empty()).then_some("params"),
        op.body.as_ref().map(|_| "body"),
    ];
    let args = args.into_iter().flatten().map(|arg| syntax::path_expr(&[arg])).collect();
    let response = syntax::awaited(syntax::method(served("api"), &op.name, args));
    let id = &op.id;
    stmts.push(syn::parse_quote!(let response = #response.map_err(|error| support::internal_error(#id, &error))?;));
    stmts.push(syntax::tail(syn::parse_quote!(Ok(response.into_response()))));

    if needs_parts {
        imports.add("Request");
    }
    imports.add("State");
    imports.add("Response");
    imports.add("Rejection");
    let doc = format!(" `{} {}` (`{}`).", op.method, op.path, op.id);
    let sig = handler_signature(handler.name.clone(), needs_parts);
    let handler = syntax::fn_item(vec![syntax::doc_attr(&doc)], syn::Visibility::Inherited, sig, stmts);
    // The static serves extraction and the 401 answer; an operation with neither needs none.
    let uses_static = extract || matches!(auth, Auth::Required);
    match uses_static {
        true => {
            let mut items = operation_static(api, op, op_const, schemas, imports);
            items.push(handler);
            items
        }
        false => vec![handler],
    }
}

/// A request body in its one media type, read from `input`: `Option` unless `required`
/// (a required body that did not come was answered 422 by `extract`).
fn media_value(api: &Api, b: &Body, required: bool) -> syn::Expr {
    let raw = |getter: &str| {
        let taken = syntax::method(syntax::path_expr(&["input"]), getter, Vec::new());
        if required {
            syntax::method(taken, "unwrap_or_default", Vec::new())
        } else {
            taken
        }
    };
    match b.kind {
        // `Option<T>` reads as `T` does.
        BodyKind::Json | BodyKind::Form => syn::parse_quote!(input.body()?),
        BodyKind::Text | BodyKind::EventStream => raw("text"),
        BodyKind::Multipart => match multipart::form(api, b) {
            Some(form) => form_parts(api, &form, required),
            None => raw("bytes"),
        },
        BodyKind::Binary => raw("byte_stream"),
    }
}

/// The struct of parts of a multipart body, built from `input`: the parts that are not files
/// are checked and read as the body's models type, then each part moves into the struct,
/// files taken from the input as they came.
fn form_parts(api: &Api, form: &multipart::Form<'_>, required: bool) -> syn::Expr {
    let object = qualified_syntax_type(api, form.object, &["crate", "models"]);
    let fields = form.parts.iter().map(|part| {
        let name = ident(&part.field.name);
        let wire = &part.field.wire_name;
        let value: syn::Expr = match part.file {
            Some(FileShape::One) => syn::parse_quote!(input.file(#wire)?),
            Some(FileShape::Optional) => syn::parse_quote!(input.file_opt(#wire)),
            Some(FileShape::Many) => syn::parse_quote!(input.file_list(#wire)),
            None => syn::parse_quote!(parts.#name),
        };
        quote!(#name: #value)
    });
    let type_name = ident(form.type_name);
    let built = quote!(#type_name { #(#fields),* });
    // Only files: the other parts are checked, but nothing is read from them.
    let parts = if form.parts.iter().all(|p| p.file.is_some()) { quote!(_) } else { quote!(parts) };
    if required {
        syn::parse_quote!({
            let #parts: #object = input.body()?;
            #built
        })
    } else {
        syn::parse_quote!(
            match input.body::<Option<#object>>()? {
                Some(#parts) => Some(#built),
                None => None,
            }
        )
    }
}

/// What an operation that negotiates its answer's media type offers, for the 406 check: every
/// media type of its success answers, when one of them comes in several; else nothing (an
/// answer in one media type is sent whatever the request accepts).
fn negotiated_media(op: &Operation) -> Vec<&str> {
    let success = |r: &&Response| match r.status {
        Status::Code(c) => c < 400,
        Status::Range(d) => d < 4,
        Status::Default => false,
    };
    let bodies = || op.responses.iter().filter(success).filter_map(|r| r.body.as_ref());
    if !bodies().any(|b| b.choice.is_some()) {
        return Vec::new();
    }
    let mut offered: Vec<&str> = Vec::new();
    for (_, media) in bodies().flat_map(Body::media) {
        if !offered.contains(&media.content_type.as_str()) {
            offered.push(&media.content_type);
        }
    }
    offered
}

/// Whether an operation has parameters or a body for its handler to extract.
fn takes_input(op: &Operation) -> bool {
    !op.params.is_empty() || op.body.is_some()
}

fn is_json(content_type: &str) -> bool {
    BodyKind::of(content_type) == BodyKind::Json
}

/// The documented JSON media type of the response for `code` (or its range, or `default`).
fn error_media(op: &Operation, code: u16) -> syn::Expr {
    let documented = op
        .responses
        .iter()
        .find(|r| r.status == Status::Code(code))
        .or_else(|| op.responses.iter().find(|r| r.status == Status::Range((code / 100) as u8)))
        .or_else(|| op.responses.iter().find(|r| r.status == Status::Default));
    match documented.and_then(|r| r.body.as_ref()).map(|b| b.content_type.as_str()).filter(|ct| is_json(ct)) {
        Some(ct) => syntax::call(&["Some"], vec![syntax::string(ct)]),
        None => syntax::path_expr(&["None"]),
    }
}

fn operation_static(
    api: &Api,
    op: &Operation,
    name: &Ident,
    schemas: &mut Schemas<'_>,
    imports: &mut Imports,
) -> Vec<syn::Item> {
    let mut items = Vec::new();
    let params: Vec<syn::Expr> = op.params.iter().map(|p| param(p, schemas, imports)).collect();
    let body = match &op.body {
        Some(b) => match operations::request_choice(api, b) {
            // One body per media type, in the choice's order: the first is the operation's, the
            // others follow in a static of their own (see the runtime's `RequestBody::or`).
            Some((_, media)) => {
                let mut bodies = media.iter().map(|(_, m)| request_body(api, m, b.required, true, schemas, imports));
                let first = bodies.next();
                let others: Vec<syn::Expr> = bodies.collect();
                let others_name = format_ident!("{name}_OTHERS");
                let len = Literal::usize_unsuffixed(others.len());
                let ty: syn::Type = syn::parse_quote!([RequestBody; #len]);
                let value = syntax::array(others);
                items.push(syntax::static_item(Vec::new(), syn::Visibility::Inherited, others_name.clone(), ty, value));
                first.map(|first| syntax::method(first, "or", vec![syn::parse_quote!(&#others_name)]))
            }
            None => Some(request_body(api, b, b.required, false, schemas, imports)),
        },
        None => None,
    };
    let body = match body {
        Some(body) => syntax::call(&["Some"], vec![body]),
        None => syntax::path_expr(&["None"]),
    };
    let errors = [("unauthorized", 401), ("not_found", 404), ("unprocessable", 422), ("bad_request", 400)]
        .map(|(field, code)| (field, error_media(op, code)));
    let operation = syntax::struct_expr(
        &["Operation"],
        vec![
            ("params", syntax::reference(syntax::array(params))),
            ("body", body),
            ("errors", syntax::struct_expr(&["ErrorMedia"], errors.into())),
        ],
    );
    imports.add("Operation");
    imports.add("ErrorMedia");
    let ty = syntax::named(&["Operation"]);
    items.insert(0, syntax::static_item(Vec::new(), syn::Visibility::Inherited, name.clone(), ty, operation));
    items
}

/// The runtime's `RequestBody` of one media type of a request body; `exact` says its media
/// type, for a body documented in several.
fn request_body(
    api: &Api,
    b: &Body,
    required: bool,
    exact: bool,
    schemas: &mut Schemas<'_>,
    imports: &mut Imports,
) -> syn::Expr {
    let form = multipart::form(api, b);
    let schema = match multipart::checked_type(api, b) {
        Some(ty) => schemas.expr(ty, &Constraints::default(), &["schemas"]),
        None => {
            imports.add("Schema");
            syntax::call(&["Schema", "any"], Vec::new())
        }
    };
    imports.add("RequestBody");
    let ctor = if required { "required" } else { "optional" };
    let mut body = syntax::call(&["RequestBody", ctor], vec![schema]);
    let media = match b.kind {
        BodyKind::Json => None,
        BodyKind::Form => Some("Form"),
        BodyKind::Multipart if form.is_some() => Some("Multipart"),
        BodyKind::Text | BodyKind::EventStream => Some("Text"),
        BodyKind::Binary => Some("Stream"),
        BodyKind::Multipart => Some("Bytes"),
    };
    if let Some(media) = media {
        imports.add("Media");
        body = syntax::method(body, "media", vec![syntax::path_expr(&["Media", media])]);
    }
    // The same schema as JSON or a form, beside the other: either is read into it (with a
    // choice, each is a body of its own).
    let mut also: Vec<&str> = Vec::new();
    if !exact && b.kind.is_structured() && b.typed().is_some() {
        for kind in b.alternatives.iter().map(|a| a.kind) {
            let media = match kind {
                BodyKind::Json if b.kind != BodyKind::Json => "Json",
                BodyKind::Form if b.kind != BodyKind::Form => "Form",
                _ => continue,
            };
            if !also.contains(&media) {
                also.push(media);
            }
        }
    }
    if !also.is_empty() {
        imports.add("Media");
        let also = also.iter().map(|m| syntax::path_expr(&["Media", m]));
        body = syntax::method(body, "also", vec![syn::parse_quote!(&[#(#also),*])]);
    }
    // The form's encoding, the body's own or its form alternative's.
    let mut own = b.media().map(|(_, m)| m).take(if exact { 1 } else { usize::MAX });
    let form_media = own.find(|m| m.kind == BodyKind::Form);
    let styles: Vec<syn::Expr> = form_media
        .iter()
        .flat_map(|f| &f.encoding)
        .filter_map(|e| {
            let (style, explode) = e.form_style()?;
            let style = match style {
                ParamStyle::SpaceDelimited => "SpaceDelimited",
                ParamStyle::PipeDelimited => "PipeDelimited",
                ParamStyle::DeepObject => "DeepObject",
                _ => "Form",
            };
            let name = syntax::string(&e.property);
            let style = syntax::path_expr(&["Style", style]);
            let explode = syntax::boolean(explode);
            Some(syn::parse_quote!((#name, #style, #explode)))
        })
        .collect();
    if !styles.is_empty() {
        imports.add("Style");
        body = syntax::method(body, "styles", vec![syn::parse_quote!(&[#(#styles),*])]);
    }
    let files = form.iter().flat_map(|f| &f.parts).filter(|p| p.file.is_some()).map(|p| &p.field.wire_name);
    let files: Vec<&String> = files.collect();
    if !files.is_empty() {
        body = syntax::method(body, "files", vec![syn::parse_quote!(&[#(#files),*])]);
    }
    if exact {
        body = syntax::method(body, "content_type", vec![syntax::string(&b.content_type)]);
    }
    body
}

fn param(p: &Param, schemas: &mut Schemas<'_>, imports: &mut Imports) -> syn::Expr {
    let schema = schemas.expr(&p.ty, &p.constraints, &["schemas"]);
    let (ctor, default_style, default_explode) = match p.location {
        ParamLocation::Path => ("path", ParamStyle::Simple, false),
        ParamLocation::Query => ("query", ParamStyle::Form, true),
        ParamLocation::Header => ("header", ParamStyle::Simple, false),
        ParamLocation::Cookie => ("cookie", ParamStyle::Form, true),
    };
    imports.add("Param");
    let mut expr = syntax::call(&["Param", ctor], vec![syntax::string(&p.wire_name), schema]);
    if p.required && p.location != ParamLocation::Path {
        expr = syntax::method(expr, "required", Vec::new());
    }
    if p.style != default_style || p.explode != default_explode {
        let style = match p.style {
            ParamStyle::Simple => "Simple",
            ParamStyle::Form => "Form",
            ParamStyle::Label => "Label",
            ParamStyle::Matrix => "Matrix",
            ParamStyle::SpaceDelimited => "SpaceDelimited",
            ParamStyle::PipeDelimited => "PipeDelimited",
            ParamStyle::DeepObject => "DeepObject",
        };
        imports.add("Style");
        expr = syntax::method(expr, "style", vec![syntax::path_expr(&["Style", style]), syntax::boolean(p.explode)]);
    }
    if let Some(default) = p.constraints.default.as_ref().filter(|_| !p.required) {
        expr = syntax::method(expr, "default", vec![syntax::string(default)]);
    }
    expr
}

/// `impl IntoResponse` for an operation's response enum: status, documented headers, content type.
fn render_impl(api: &Api, op: &Operation, imports: &mut Imports) -> syn::Item {
    imports.add("IntoResponse");
    imports.add("Response");
    imports.note(&op.response_type);
    let arms = op.responses.iter().map(|r| render_arm(api, r, imports)).collect();
    let body = syntax::match_expr(syntax::path_expr(&["self"]), arms);
    let sig = syntax::signature(ident("into_response"), vec![syntax::self_value()], Some(syntax::named(&["Response"])));
    let into_response = syntax::impl_fn(Vec::new(), syn::Visibility::Inherited, sig, vec![syntax::tail(body)]);
    syntax::impl_trait(&["IntoResponse"], syntax::named(&[&op.response_type]), vec![into_response])
}

/// The answer writing `value`, a body in the media type of `b`, with the status `status`.
fn media_response(b: &Body, value: syn::Expr, status: syn::Expr) -> syn::Expr {
    // A range (`*/*`, `image/*`) is no content type to send.
    let content_type =
        |fallback: &str| syntax::string(if b.content_type.contains('*') { fallback } else { &b.content_type });
    match b.kind {
        BodyKind::Json | BodyKind::Form => {
            let args = vec![status, content_type("application/json"), syntax::reference(value)];
            syntax::call(&["support", "json"], args)
        }
        BodyKind::Text => syntax::call(&["support", "text"], vec![status, content_type("text/plain"), value]),
        BodyKind::EventStream => syntax::method(value, "respond", vec![status]),
        BodyKind::Binary => syntax::method(value, "respond", vec![status, content_type("application/octet-stream")]),
        BodyKind::Multipart => {
            syntax::call(&["support", "bytes"], vec![status, content_type("application/octet-stream"), value])
        }
    }
}

fn render_arm(api: &Api, r: &Response, imports: &mut Imports) -> syn::Arm {
    imports.note(&r.name);
    let variant = ["Self", r.name.as_str()];
    let ranged = matches!(r.status, Status::Range(_) | Status::Default);
    let status = || match r.status {
        Status::Code(c) => syntax::lit(Literal::u16_unsuffixed(c)),
        _ => syntax::path_expr(&["status"]),
    };
    let empty = || syntax::call(&["support", "empty"], vec![status()]);
    let has_body = r.body.is_some();
    let body_expr = |value: syn::Expr| match &r.body {
        Some(b) if b.choice.is_some() => {
            // The implementation chose the media type: each variant is written as its own.
            let arms = b.media().filter_map(|(variant, media)| {
                let path = syntax::path(&[b.choice.as_ref()?.type_name.as_str(), variant?]);
                let written = media_response(media, syntax::path_expr(&["body"]), status());
                Some(quote!(#path(body) => #written,))
            });
            syn::parse_quote!(match #value { #(#arms)* })
        }
        Some(b) => media_response(b, value, status()),
        None => empty(),
    };
    match &r.type_name {
        Some(_) => {
            let pattern = if ranged {
                syntax::pat_struct(&variant, &[("status", "status"), ("response", "reply")], false)
            } else {
                syntax::pat_tuple_struct(&variant, vec![syntax::binding("reply")])
            };
            let reply = |field: &str| syntax::member(syntax::path_expr(&["reply"]), field);
            let make = if has_body { body_expr(reply("body")) } else { empty() };
            let mut stmts = vec![syntax::let_stmt(syntax::binding_mut("response"), make)];
            for h in &r.headers {
                let value = if h.required { syntax::call(&["Some"], vec![reply(&h.name)]) } else { reply(&h.name) };
                let response = syntax::reference_mut(syntax::path_expr(&["response"]));
                let args = vec![response, syntax::string(&h.wire_name), header_text(api, &h.ty, value)];
                stmts.push(syntax::stmt(syntax::call(&["support", "header"], args)));
            }
            stmts.push(syntax::tail(syntax::path_expr(&["response"])));
            syntax::arm(pattern, syntax::block_expr(stmts))
        }
        None if has_body => {
            let pattern = if ranged {
                syntax::pat_struct(&variant, &[("status", "status"), ("body", "body")], false)
            } else {
                syntax::pat_tuple_struct(&variant, vec![syntax::binding("body")])
            };
            syntax::arm(pattern, body_expr(syntax::path_expr(&["body"])))
        }
        None => {
            let pattern = if ranged {
                syntax::pat_struct(&variant, &[("status", "status")], false)
            } else {
                syntax::pat_path(&variant)
            };
            syntax::arm(pattern, empty())
        }
    }
}

/// `value` (an `Option` of the header's type) as an `Option` of something `Display`.
fn header_text(api: &Api, ty: &TypeRef, value: syn::Expr) -> syn::Expr {
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
    let var = |name: &str| syntax::path_expr(&[name]);
    match ty {
        TypeRef::Scalar(Scalar::DateTime) => {
            let text = syntax::method(var("t"), "to_rfc3339", Vec::new());
            syntax::method(value, "map", vec![syntax::closure(vec![syntax::binding("t")], text)])
        }
        TypeRef::Scalar(_) => value,
        TypeRef::Array(_) => {
            // `list.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")`
            let items = syntax::method(var("list"), "iter", Vec::new());
            let texts = syntax::method(items, "map", vec![syntax::path_expr(&["ToString", "to_string"])]);
            let vec = syntax::generic(&["Vec"], vec![syntax::infer()]);
            let texts = syntax::method_turbofish(texts, "collect", vec![vec], Vec::new());
            let text = syntax::method(texts, "join", vec![syntax::string(",")]);
            syntax::method(value, "map", vec![syntax::closure(vec![syntax::binding("list")], text)])
        }
        _ => {
            let json = syntax::call(&["serde_json", "to_string"], vec![syntax::reference(var("v"))]);
            syntax::method(
                value,
                "and_then",
                vec![syntax::closure(vec![syntax::binding("v")], syntax::method(json, "ok", Vec::new()))],
            )
        }
    }
}
