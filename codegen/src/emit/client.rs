//! The client module: an async HTTP client with one method per operation (feature `client`).
//!
//! Every method returns the operation's response enum from the operations module, shared
//! with the server: `Ok` for a success status, `Err(Error::Api(..))` for an error status the
//! spec documents (the same enum, so the typed problem body is one `match` away), and other
//! `Error` variants for what the spec does not cover (transport failures, undocumented
//! statuses, bodies or headers that do not decode), which keep the raw response.
//!
//! What does not depend on the spec (errors, retries, query building, header parsing) is the
//! runtime's `client` module; this module imports what its operations use.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::models::{docs, qualified_syntax_type};
use super::render::internal;
use super::{ident, syntax, Chunk, Module};
use crate::diag::Diagnostic;
use crate::ir::{
    Api, Body, BodyKind, Header, Operation, Param, ParamLocation, ParamStyle, Response, Scalar, SecurityKind, Server,
    Status, TypeKind, TypeRef,
};

/// Lines for `[dependencies]` that the `client` feature turns on (all `optional = true`),
/// beside the runtime's: what the generated module names itself.
pub(crate) const DEPENDENCIES: &[(&str, &str)] = &[
    ("futures-util", "version = \"0.3\", default-features = false"),
    ("reqwest", "version = \"0.13\", default-features = false, features = [\"rustls\", \"stream\"]"),
];

/// Which pieces of runtime support the emitted methods use.
#[derive(Default)]
struct Needs {
    /// `encode` / `segment`: percent-encoding of path segments and server variables.
    encode: bool,
    /// `segment`: a checked path segment.
    segment: bool,
    /// `join_encoded`: a list in a path.
    join_encoded: bool,
    /// `Query` and its `push`.
    query: bool,
    /// `json_text`: a parameter value serialised as JSON text.
    json_text: bool,
    /// `header_value`: a header parameter.
    header_value: bool,
    /// `set_json`: a JSON request body.
    json_body: bool,
    /// `set_form` and `FormStyle`: a form request body.
    form_body: bool,
    /// `secret`: a credential as a header value.
    secret: bool,
    /// `Duration`: a documented retry header.
    duration: bool,
    /// `retry_delay`: a retry header that is a number.
    retry_delay: bool,
    /// `parse_retry_after`: a retry header that is text.
    parse_retry_after: bool,
    /// `Pages`: a paginated collection.
    pages: bool,
    /// `base64`: HTTP basic credentials.
    base64: bool,
}

pub(crate) fn client(api: &Api) -> Result<Module<'_>, Diagnostic> {
    let mut needs = Needs::default();
    let methods: Vec<syn::ImplItem> = api.operations.iter().map(|op| method(api, op, &mut needs)).collect();
    let streams: Vec<syn::ImplItem> = api.operations.iter().filter_map(|op| stream(api, op, &mut needs)).collect();
    let retry_headers = retry_headers(api);
    // The trait's default names only the standard header.
    let own_retry_headers = retry_headers.len() > 1;
    let decoders: Vec<syn::Item> =
        api.operations.iter().map(|op| api_response(api, op, own_retry_headers, &mut needs)).collect();
    let servers = servers(api, &mut needs);
    let credentials = credentials(api, &mut needs);
    let has_security = !api.security_schemes.is_empty();
    let runtime_uses = runtime_uses(&needs);
    let duration_use = needs.duration.then(|| {
        quote!(
            use std::time::Duration;
        )
    });
    let pages = pages(&needs);

    let response_types: Vec<_> = api.operations.iter().map(|op| ident(&op.response_type)).collect();
    let params_types: Vec<_> =
        api.operations.iter().filter(|op| !op.params.is_empty()).map(|op| ident(&op.params_type)).collect();
    let op_types = api
        .operations
        .iter()
        .flat_map(|op| op.responses.iter().filter_map(|r| r.type_name.as_deref()).map(ident).collect::<Vec<_>>());
    let mut imports: Vec<_> = response_types.iter().cloned().chain(params_types).chain(op_types).collect();
    imports.sort_by_key(ToString::to_string);
    imports.dedup_by_key(|i| i.to_string());
    // Only a JSON body is sent as its model; other bodies go as bytes or text.
    let uses_models = api
        .operations
        .iter()
        .any(|op| op.body.as_ref().and_then(|b| b.typed()).is_some_and(mentions_named) || paginated(api, op).is_some());
    let models_use = uses_models.then(|| {
        quote!(
            use crate::models;
        )
    });
    let operations_use = (!imports.is_empty()).then(|| quote!(use crate::operations::{#(#imports),*};));

    let title = format!(" An async client for the {} (version {}), on reqwest.", api.title, api.version);
    let credentials_field = has_security.then(|| quote!(credentials: Credentials,));
    let credentials_init = has_security.then(|| quote!(credentials: Credentials::default(),));
    let authorize_param = has_security.then(|| quote!(, security: &[&[&str]]));
    let authorize = has_security.then(|| quote!(self.credentials.authorize(&mut request, security)?;));
    let request_mut = if has_security { quote!(mut request) } else { quote!(request) };
    let setters = setters(api);

    let head = quote! {
        #![doc = #title]
        //!
        //! [`Client`] has one method per operation, named after its `operationId`. A method
        //! returns the operation's response enum from [`crate::operations`], split by status:
        //!
        //! - `Ok(response)`: a success status (below 400), with its typed body and headers.
        //! - `Err(Error::Api(response))`: an error status the API documents for the operation,
        //!   with the body and headers documented for that status.
        //! - Any other [`Error`]: what the API does not describe (a transport failure, an
        //!   undocumented status, a body or header that does not decode), keeping what arrived.
        //!
        //! Every call runs in a `tracing` span `request` that names the operation; a [`RetryPolicy`]
        //! makes the client wait and resend after `429 Too Many Requests`.
        // The error keeps the typed response inline, so that a `match` can reach into it.
        #![allow(clippy::result_large_err)]

        use std::fmt;
        #duration_use

        use reqwest::header::HeaderValue;
        use reqwest::Method;

        pub use crate::runtime::client::{ApiResponse, DecodeError, Error, InvalidRequest, RawResponse, RetryPolicy};
        use crate::runtime::client::{#(#runtime_uses),*};

        #models_use
        #operations_use

        /// The HTTP client crate, for building a [`reqwest::Client`] to pass to
        /// [`Client::with_http_client`] without depending on a second copy.
        pub use reqwest;

        #servers

        /// A client of the API: a base URL, an HTTP client, credentials and a retry policy.
        ///
        /// Cloning is cheap: clones share the connection pool.
        #[derive(Clone)]
        pub struct Client {
            base_url: String,
            http: reqwest::Client,
            #credentials_field
            retry: Option<RetryPolicy>,
        }

        impl fmt::Debug for Client {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Client").field("base_url", &self.base_url).field("retry", &self.retry).finish_non_exhaustive()
            }
        }
    };
    // The methods of the operations are built as syntax trees; the few written out here are
    // parsed around them.
    let constructors = impl_items(quote! {
        /// A client of the API at `base_url` (such as a URL from [`servers`]), with a
        /// default `reqwest::Client`.
        pub fn new(base_url: impl Into<String>) -> Self {
            Self::with_http_client(base_url, reqwest::Client::new())
        }

        /// A client of the API at `base_url` that sends its requests through `http`, the
        /// caller's own client with its timeouts, proxies, TLS settings and default headers.
        pub fn with_http_client(base_url: impl Into<String>, http: reqwest::Client) -> Self {
            let base_url = base_url.into().trim_end_matches('/').to_string();
            Client { base_url, http, #credentials_init retry: None }
        }

        #setters

        /// Waits and resends a request answered with `429 Too Many Requests`, as `policy`
        /// says. Without it, a 429 is returned at once.
        pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
            self.retry = Some(policy);
            self
        }

        /// The base URL that operation paths are appended to.
        pub fn base_url(&self) -> &str {
            &self.base_url
        }

        /// The underlying HTTP client.
        pub fn http_client(&self) -> &reqwest::Client {
            &self.http
        }
    })?;
    let plumbing = impl_items(quote! {
        /// A request for `path` below the base URL with `query` (both already encoded),
        /// accepting the media types `accept`.
        fn request(&self, method: Method, path: &str, query: &str, accept: Option<&'static str>) -> Result<reqwest::Request, InvalidRequest> {
            let mut url = format!("{}{path}", self.base_url);
            if !query.is_empty() {
                url.push('?');
                url.push_str(query);
            }
            let url = reqwest::Url::parse(&url).map_err(|e| InvalidRequest(format!("`{url}` is not a valid URL: {e}")))?;
            let mut request = reqwest::Request::new(method, url);
            if let Some(accept) = accept {
                request.headers_mut().insert(reqwest::header::ACCEPT, HeaderValue::from_static(accept));
            }
            Ok(request)
        }

        /// Authorizes and sends `request` for `operation` in a span of its own, retrying as the
        /// policy says. Not generic over the response, so it is compiled once for all
        /// operations; each method decodes what it returns with [`decode`].
        async fn exchange(&self, #request_mut: reqwest::Request, operation: &'static str, path: &'static str #authorize_param) -> Result<RawResponse, Failure> {
            #authorize
            exchange(&self.http, self.retry.as_ref(), RETRY_AFTER_HEADERS, request, operation, path).await
        }
    })?;
    let items = constructors.into_iter().chain(methods).chain(streams).chain(plumbing).collect();
    let client_impl = syntax::impl_type(syntax::named(&["Client"]), items);
    let rest = quote! {
        #credentials

        /// Headers that name a retry time, the standard one first.
        const RETRY_AFTER_HEADERS: &[&str] = &[#(#retry_headers),*];

        #pages
    };
    let decoders = decoders.into_iter().map(|decoder| Chunk::Syntax(vec![decoder]));
    let items = [Chunk::Syntax(vec![client_impl]), Chunk::Tokens(rest)].into_iter().chain(decoders);
    Ok(Module { head, items: Box::new(items) })
}

/// The functions of an `impl` block written as tokens.
fn impl_items(tokens: TokenStream) -> Result<Vec<syn::ImplItem>, Diagnostic> {
    Ok(syn::parse2::<syn::ItemImpl>(quote!(impl Client { #tokens })).map_err(internal)?.items)
}

// ---------------------------------------------------------------------------------------------
// Servers and credentials

fn servers(api: &Api, needs: &mut Needs) -> Option<TokenStream> {
    if api.servers.is_empty() {
        return None;
    }
    let fns = api.servers.iter().map(|s| server_fn(s, needs));
    Some(quote! {
        /// Base URLs of the servers the API lists, for [`Client::new`].
        pub mod servers {
            #(#fns)*
        }
    })
}

fn server_fn(server: &Server, needs: &mut Needs) -> TokenStream {
    let name = ident(&server.name);
    let mut text = server.description.clone().unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{}`", server.url));
    let used: Vec<_> =
        server.variables.iter().filter(|v| server.url.contains(&format!("{{{}}}", v.wire_name))).collect();
    for v in &used {
        let mut line = format!("\n- `{}`", v.name);
        if let Some(d) = &v.docs {
            line.push_str(&format!(": {}", d.trim()));
        }
        if !v.allowed.is_empty() {
            let list = v.allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ");
            line.push_str(&format!(" One of {list}."));
        }
        line.push_str(&format!(" The spec's default is `{}`.", v.default));
        if text.ends_with('`') {
            text.push('\n');
        }
        text.push_str(&line);
    }
    let doc = docs(Some(&text));
    let (format, args) = template(&server.url, |var| {
        let v = used.iter().find(|v| v.wire_name == var)?;
        let arg = ident(&v.name);
        Some(quote!(super::encode(#arg)))
    });
    let params = used.iter().map(|v| {
        let arg = ident(&v.name);
        quote!(#arg: &str)
    });
    if args.is_empty() {
        quote! {
            #doc
            pub fn #name() -> String {
                #format.to_string()
            }
        }
    } else {
        needs.encode = true;
        quote! {
            #doc
            pub fn #name(#(#params),*) -> String {
                format!(#format, #(#args),*)
            }
        }
    }
}

/// A `format!` string for a `{var}` template (literal braces doubled) and the argument of each
/// placeholder, in order.
fn template<T>(url: &str, mut arg: impl FnMut(&str) -> Option<T>) -> (String, Vec<T>) {
    let mut format = String::new();
    let mut args = Vec::new();
    let mut rest = url;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        let var = &rest[start + 1..start + len];
        format.push_str(&rest[..start].replace('}', "}}"));
        match arg(var) {
            Some(a) => {
                format.push_str("{}");
                args.push(a);
            }
            None => format.push_str(&rest[start..start + len + 1].replace('{', "{{").replace('}', "}}")),
        }
        rest = &rest[start + len + 1..];
    }
    format.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    (format, args)
}

/// `with_<scheme>` methods on the client.
fn setters(api: &Api) -> TokenStream {
    let items = api.security_schemes.iter().map(|s| {
        let field = ident(&s.name);
        let method = ident(&crate::names::scheme_setter(&s.name));
        let how = match &s.kind {
            SecurityKind::ApiKey { location, name } => {
                format!("an API key in the `{name}` {}", location.as_str())
            }
            SecurityKind::Bearer { format: Some(f) } => format!("a bearer token ({f}) in `Authorization`"),
            SecurityKind::Bearer { format: None } | SecurityKind::OAuth2 => "a bearer token in `Authorization`".into(),
            SecurityKind::Basic => "a user name and password in `Authorization: Basic`".into(),
        };
        let mut text = format!("Authenticates with `{}`: {how}.", s.wire_name);
        if let Some(d) = &s.docs {
            text.push_str(&format!("\n\n{}", d.trim()));
        }
        text.push_str("\n\nIt is sent only with the operations whose security accepts it.");
        let doc = docs(Some(&text));
        match &s.kind {
            SecurityKind::Basic => quote! {
                #doc
                pub fn #method(mut self, user: &str, password: &str) -> Self {
                    self.credentials.#field = Some(basic_credentials(user, password));
                    self
                }
            },
            SecurityKind::ApiKey { .. } => quote! {
                #doc
                pub fn #method(mut self, key: impl Into<String>) -> Self {
                    self.credentials.#field = Some(key.into());
                    self
                }
            },
            SecurityKind::Bearer { .. } | SecurityKind::OAuth2 => quote! {
                #doc
                pub fn #method(mut self, token: impl Into<String>) -> Self {
                    self.credentials.#field = Some(format!("Bearer {}", token.into()));
                    self
                }
            },
        }
    });
    quote!(#(#items)*)
}

/// The `Credentials` struct and how it authorizes a request.
fn credentials(api: &Api, needs: &mut Needs) -> Option<TokenStream> {
    if api.security_schemes.is_empty() {
        return None;
    }
    let fields = api.security_schemes.iter().map(|s| {
        let field = ident(&s.name);
        let doc = format!(" `{}`.", s.wire_name);
        quote!(#[doc = #doc] #field: Option<String>,)
    });
    let debug_fields = api.security_schemes.iter().map(|s| {
        let field = ident(&s.name);
        let label = crate::names::unraw(&s.name);
        quote!(.field(#label, &self.#field.as_ref().map(|_| "<redacted>")))
    });
    let has = api.security_schemes.iter().map(|s| {
        let field = ident(&s.name);
        let wire = &s.wire_name;
        quote!(#wire => self.#field.is_some(),)
    });
    let mut uses_cookie = false;
    let apply = api.security_schemes.iter().map(|s| {
        let field = ident(&s.name);
        let wire = &s.wire_name;
        let insert = match &s.kind {
            SecurityKind::ApiKey { location: ParamLocation::Query, name } => quote! {
                request.url_mut().query_pairs_mut().append_pair(#name, value);
            },
            SecurityKind::ApiKey { location: ParamLocation::Cookie, name } => {
                uses_cookie = true;
                let prefix = format!("{name}=");
                quote! {
                    let cookie = format!("{}{}", #prefix, encode(value));
                    request.headers_mut().append(reqwest::header::COOKIE, secret(&cookie)?);
                }
            }
            SecurityKind::ApiKey { name, .. } => {
                let header = header_name(name);
                quote!(request.headers_mut().insert(#header, secret(value)?);)
            }
            SecurityKind::Bearer { .. } | SecurityKind::OAuth2 | SecurityKind::Basic => {
                quote!(request.headers_mut().insert(reqwest::header::AUTHORIZATION, secret(value)?);)
            }
        };
        let body = quote! {
            if let Some(value) = &self.#field {
                #insert
            }
        };
        (wire, body)
    });
    let apply: Vec<_> = apply.collect();
    // One scheme is one comparison (clippy's `single_match` would flag a `match`).
    let apply = match apply.as_slice() {
        [(wire, body)] => quote!(if *scheme == #wire { #body }),
        _ => {
            let arms = apply.iter().map(|(wire, body)| quote!(#wire => { #body }));
            quote! {
                match *scheme {
                    #(#arms)*
                    _ => {}
                }
            }
        }
    };
    needs.encode |= uses_cookie;
    needs.base64 = api.security_schemes.iter().any(|s| s.kind == SecurityKind::Basic);
    needs.secret = true;
    Some(quote! {
        /// The credentials the client holds, by security scheme.
        #[derive(Clone, Default)]
        struct Credentials {
            #(#fields)*
        }

        impl fmt::Debug for Credentials {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Credentials") #(#debug_fields)* .finish()
            }
        }

        impl Credentials {
            /// Whether the client holds a credential for the scheme named `scheme`.
            fn has(&self, scheme: &str) -> bool {
                match scheme {
                    #(#has)*
                    _ => false,
                }
            }

            /// Adds to `request` the credentials of the first of `alternatives` (each a set of
            /// schemes to use together) that the client holds all of; nothing if it holds none.
            fn authorize(&self, request: &mut reqwest::Request, alternatives: &[&[&str]]) -> Result<(), InvalidRequest> {
                let Some(schemes) = alternatives.iter().find(|schemes| schemes.iter().all(|s| self.has(s))) else {
                    return Ok(());
                };
                for scheme in *schemes {
                    #apply
                }
                Ok(())
            }
        }

    })
}

/// A `HeaderName` expression: `from_static` when the name is a valid token.
fn header_name(name: &str) -> syn::Expr {
    let lower = name.to_ascii_lowercase();
    let token =
        !lower.is_empty() && lower.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if token {
        syntax::call(&["reqwest", "header", "HeaderName", "from_static"], vec![syntax::string(&lower)])
    } else {
        // Not a valid header name: the request fails to build with this message.
        let bytes = syntax::method(syntax::string(name), "as_bytes", Vec::new());
        let parsed = syntax::call(&["reqwest", "header", "HeaderName", "from_bytes"], vec![bytes]);
        or_invalid(parsed, &format!("`{name}` is not a valid header name"))
    }
}

/// `result.map_err(|_| InvalidRequest(message.into()))?`.
fn or_invalid(result: syn::Expr, message: &str) -> syn::Expr {
    let error = syntax::call(&["InvalidRequest"], vec![syntax::method(syntax::string(message), "into", Vec::new())]);
    syntax::question(syntax::method(result, "map_err", vec![syntax::closure(vec![syntax::wild()], error)]))
}

// ---------------------------------------------------------------------------------------------
// Operations

/// The security alternatives of an operation, as wire names.
fn security_arg(api: &Api, op: &Operation) -> Option<syn::Expr> {
    if api.security_schemes.is_empty() {
        return None;
    }
    let alternatives = op.security.iter().map(|alt| {
        let names = alt.schemes.iter().map(|(name, _)| syntax::string(name));
        syntax::reference(syntax::array(names.collect()))
    });
    Some(syntax::reference(syntax::array(alternatives.collect())))
}

fn security_text(op: &Operation) -> String {
    if op.security.is_empty() {
        return "Sends no credentials.".into();
    }
    let alts: Vec<String> = op
        .security
        .iter()
        .map(|alt| {
            if alt.schemes.is_empty() {
                "none".into()
            } else {
                alt.schemes.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(" and ")
            }
        })
        .collect();
    format!("Credentials: {}.", alts.join(" or "))
}

fn method_docs(op: &Operation, extra: &str) -> Vec<syn::Attribute> {
    let mut text = String::new();
    if let Some(s) = &op.summary {
        text.push_str(s.trim());
        if !text.ends_with(['.', '!', '?']) {
            text.push('.');
        }
    }
    if let Some(d) = &op.description {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(d.trim());
    }
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{} {}` (`{}`). {}", op.method, op.path, op.id, security_text(op)));
    if !extra.is_empty() {
        text.push_str("\n\n");
        text.push_str(extra);
    }
    if op.deprecated {
        text.push_str("\n\nDeprecated.");
    }
    syntax::doc_attrs(Some(&text))
}

/// The expression `name`, a local or an argument.
fn local(name: &str) -> syn::Expr {
    syntax::path_expr(&[name])
}

/// `request.headers_mut().insert(name, value);`
fn insert_header(name: syn::Expr, value: syn::Expr) -> syn::Stmt {
    let headers = syntax::method(local("request"), "headers_mut", Vec::new());
    syntax::stmt(syntax::method(headers, "insert", vec![name, value]))
}

fn method(api: &Api, op: &Operation, needs: &mut Needs) -> syn::ImplItem {
    let mut args = vec![syntax::self_ref()];
    if !op.params.is_empty() {
        args.push(syntax::arg(syntax::binding("params"), syntax::ref_type(syntax::named(&[&op.params_type]))));
    }
    let mut body_stmt = None;
    if let Some(body) = &op.body {
        let (arg_ty, stmts) = request_body(api, body, needs);
        let arg_ty = match arg_ty {
            _ if body.required => arg_ty,
            // `None` of an `impl Trait` would need a type spelt out at every call.
            syn::Type::ImplTrait(_) => syntax::generic(&["Option"], vec![syntax::named(&["reqwest", "Body"])]),
            arg_ty => syntax::generic(&["Option"], vec![arg_ty]),
        };
        args.push(syntax::arg(syntax::binding("body"), arg_ty));
        if takes_content_type(body) {
            args.push(syntax::arg(syntax::binding("content_type"), syntax::ref_type(syntax::named(&["str"]))));
        }
        body_stmt = Some(if body.required {
            stmts
        } else {
            let some = syntax::pat_tuple_struct(&["Some"], vec![syntax::binding("body")]);
            vec![syntax::tail(syntax::if_let(some, local("body"), stmts))]
        });
    }
    let mut stmts = Vec::new();

    // Path: each segment into a local named after its parameter, then `format!`.
    // A variable may stand in the template twice (`/a/{id}/b/{id}`): one local serves both.
    let mut made: Vec<&str> = Vec::new();
    let (format, path_args) = template(&op.path, |var| {
        let p = op.params.iter().find(|p| p.location == ParamLocation::Path && p.wire_name == var)?;
        let unraw = crate::names::unraw(&p.name);
        let name = if LOCALS.contains(&unraw) { format!("{unraw}_segment") } else { p.name.clone() };
        if !made.contains(&p.wire_name.as_str()) {
            made.push(&p.wire_name);
            stmts.extend(path_value(api, p, &name, needs));
        }
        Some(name)
    });
    let path = if path_args.is_empty() {
        syntax::string(&format)
    } else {
        // Inline the locals into the format string: `format!("/customers/{id}")`.
        let mut inline = String::new();
        let mut args = path_args.iter();
        let mut rest = format.as_str();
        while let Some(at) = rest.find("{}") {
            inline.push_str(&rest[..at]);
            inline.push_str(&format!("{{{}}}", args.next().map(String::as_str).unwrap_or_default()));
            rest = &rest[at + 2..];
        }
        inline.push_str(rest);
        let tokens = if path_args.iter().any(|a| a.starts_with("r#")) {
            let args = path_args.iter().map(|a| ident(a));
            quote!(#format, #(#args),*)
        } else {
            quote!(#inline)
        };
        stmts.push(syntax::let_stmt(syntax::binding("path"), syntax::macro_expr(&["format"], tokens)));
        syntax::reference(local("path"))
    };

    // Query, headers, cookies.
    let query_params: Vec<&Param> = op.params.iter().filter(|p| p.location == ParamLocation::Query).collect();
    let query = if query_params.is_empty() {
        syntax::string("")
    } else {
        needs.query = true;
        stmts.push(syntax::let_stmt(syntax::binding_mut("query"), syntax::call(&["Query", "default"], Vec::new())));
        stmts.extend(query_params.iter().map(|p| query_push(api, p)));
        syntax::method(local("query"), "as_str", Vec::new())
    };
    let header_stmts: Vec<syn::Stmt> =
        op.params.iter().filter(|p| p.location == ParamLocation::Header).map(|p| header_param(api, p, needs)).collect();
    let cookie_params: Vec<&Param> = op.params.iter().filter(|p| p.location == ParamLocation::Cookie).collect();
    let cookie_stmts = (!cookie_params.is_empty()).then(|| {
        needs.encode = true;
        needs.header_value = true;
        let cookies = syntax::pat_typed(
            syntax::binding_mut("cookies"),
            syntax::generic(&["Vec"], vec![syntax::named(&["String"])]),
        );
        let mut stmts = vec![syntax::let_stmt(cookies, syntax::call(&["Vec", "new"], Vec::new()))];
        stmts.extend(cookie_params.iter().map(|p| {
            let text = single_text(api, p, needs);
            let format = format!("{}={{}}", p.wire_name.replace('{', "{{").replace('}', "}}"));
            with_value(p, |v, is_ref| {
                let text = text(v, is_ref);
                let cookie = syntax::macro_expr(&["format"], quote!(#format, encode(#text)));
                syntax::stmt(syntax::method(local("cookies"), "push", vec![cookie]))
            })
        }));
        let joined = syntax::method(local("cookies"), "join", vec![syntax::string("; ")]);
        let value = syntax::question(syntax::call(&["header_value"], vec![syntax::reference(joined)]));
        let set = insert_header(syntax::path_expr(&["reqwest", "header", "COOKIE"]), value);
        let any = syntax::not(syntax::method(local("cookies"), "is_empty", Vec::new()));
        stmts.push(syntax::tail(syntax::if_(any, vec![set])));
        stmts
    });

    let accept = match accept(op) {
        Some(a) => syntax::call(&["Some"], vec![syntax::string(&a)]),
        None => syntax::path_expr(&["None"]),
    };
    let mutates = body_stmt.is_some() || !header_stmts.is_empty() || cookie_stmts.is_some();
    let request = if mutates { syntax::binding_mut("request") } else { syntax::binding("request") };
    let built = syntax::method(local("self"), "request", vec![method_expr(&op.method), path, query, accept]);
    stmts.push(syntax::let_stmt(request, syntax::question(built)));
    stmts.extend(header_stmts);
    stmts.extend(cookie_stmts.into_iter().flatten());
    stmts.extend(body_stmt.into_iter().flatten());
    let exchange_args = [local("request"), syntax::string(&op.id), syntax::string(&op.path)];
    let exchange =
        syntax::method(local("self"), "exchange", exchange_args.into_iter().chain(security_arg(api, op)).collect());
    stmts.push(syntax::let_stmt(syntax::binding("raw"), syntax::question(syntax::awaited(exchange))));
    stmts.push(syntax::tail(syntax::call(&["decode"], vec![local("raw")])));

    let response = || syntax::named(&[&op.response_type]);
    let output = syntax::generic(&["Result"], vec![response(), syntax::generic(&["Error"], vec![response()])]);
    let mut sig = syntax::signature(ident(&op.name), args, Some(output));
    sig.asyncness = Some(Default::default());
    let mut attrs = method_docs(op, "");
    if op.deprecated {
        attrs.push(syntax::attr_path("deprecated"));
    }
    syntax::impl_fn(attrs, syntax::public(), sig, stmts)
}

/// `Method::GET`, or a method parsed from its name when it is not a standard one.
fn method_expr(method: &str) -> syn::Expr {
    match method {
        "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH" | "TRACE" => {
            syntax::path_expr(&["Method", method])
        }
        other => {
            let bytes = syntax::method(syntax::string(other), "as_bytes", Vec::new());
            or_invalid(
                syntax::call(&["Method", "from_bytes"], vec![bytes]),
                &format!("`{other}` is not an HTTP method"),
            )
        }
    }
}

fn is_json(content_type: &str) -> bool {
    let m = content_type.split(';').next().unwrap_or(content_type).trim();
    m == "application/json" || m.ends_with("+json")
}

/// Whether `HeaderValue::from_static` takes `text` (visible ASCII and spaces).
fn static_header_value(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
}

/// The `Accept` header: the media types of the documented response bodies.
fn accept(op: &Operation) -> Option<String> {
    let mut types: Vec<&str> = Vec::new();
    for r in &op.responses {
        if let Some(b) = &r.body {
            if !types.contains(&b.content_type.as_str()) && static_header_value(&b.content_type) {
                types.push(&b.content_type);
            }
        }
    }
    (!types.is_empty()).then(|| types.join(", "))
}

/// The argument type of a request body and the statements that put it on the request.
/// The type the method takes the body as, and the statements that put it on `request`.
///
/// A body whose media type is a range (`*/*`, `image/*`) is sent with the `Content-Type` the
/// caller gives in the argument `content_type`; [`takes_content_type`] says when.
fn request_body(api: &Api, body: &Body, needs: &mut Needs) -> (syn::Type, Vec<syn::Stmt>) {
    let fixed = !takes_content_type(body);
    let content_type =
        if static_header_value(&body.content_type) { body.content_type.as_str() } else { "application/octet-stream" };
    let ty = body.ty.as_ref();
    let model = || match ty {
        Some(t) => qualified_syntax_type(api, t, &["models"]),
        None => syntax::named(&["serde_json", "Value"]),
    };
    let header = if fixed {
        syntax::call(&["HeaderValue", "from_static"], vec![syntax::string(content_type)])
    } else {
        needs.header_value = true;
        syntax::question(syntax::call(&["header_value"], vec![local("content_type")]))
    };
    match body.kind {
        BodyKind::Json if fixed => {
            needs.json_body = true;
            let args = vec![syntax::reference_mut(local("request")), syntax::string(content_type), local("body")];
            (syntax::ref_type(model()), vec![syntax::stmt(syntax::question(syntax::call(&["set_json"], args)))])
        }
        BodyKind::Form => {
            needs.form_body = true;
            let encoding = form_encoding(body);
            let args = vec![syntax::reference_mut(local("request")), local("body"), encoding];
            (syntax::ref_type(model()), vec![syntax::stmt(syntax::question(syntax::call(&["set_form"], args)))])
        }
        BodyKind::Text | BodyKind::EventStream => {
            let value = syntax::method(local("body"), "to_owned", Vec::new());
            (syntax::ref_type(syntax::named(&["str"])), set_body(header, syntax::method(value, "into", Vec::new())))
        }
        // Bytes from memory, a file or a stream: anything reqwest can send.
        BodyKind::Json | BodyKind::Binary | BodyKind::Multipart => {
            let arg: syn::Type = syn::parse_quote!(impl Into<reqwest::Body>);
            // An optional body is taken as `reqwest::Body` itself (see `method`).
            let value = if body.required { syntax::method(local("body"), "into", Vec::new()) } else { local("body") };
            (arg, set_body(header, value))
        }
    }
}

/// Whether the method takes the body's `Content-Type` from the caller: its media type is a
/// range, which is no content type to send.
fn takes_content_type(body: &Body) -> bool {
    body.content_type.contains('*')
}

/// `request.headers_mut().insert(CONTENT_TYPE, header); *request.body_mut() = Some(value);`
fn set_body(header: syn::Expr, value: syn::Expr) -> Vec<syn::Stmt> {
    let body = syntax::deref(syntax::method(local("request"), "body_mut", Vec::new()));
    let value = syntax::call(&["Some"], vec![value]);
    vec![
        insert_header(syntax::path_expr(&["reqwest", "header", "CONTENT_TYPE"]), header),
        syntax::stmt(syntax::assign(body, value)),
    ]
}

/// `&[("name", FormStyle::..), ...]`: the properties whose `encoding` differs from the default.
fn form_encoding(body: &Body) -> syn::Expr {
    let entries: Vec<syn::Expr> = body
        .encoding
        .iter()
        .filter_map(|e| {
            let style: syn::Expr = if e.content_type.as_deref().is_some_and(is_json) {
                syn::parse_quote!(FormStyle::Json)
            } else {
                match e.form_style()? {
                    (ParamStyle::SpaceDelimited, _) => syn::parse_quote!(FormStyle::SpaceDelimited),
                    (ParamStyle::PipeDelimited, _) => syn::parse_quote!(FormStyle::PipeDelimited),
                    (ParamStyle::DeepObject, _) => syn::parse_quote!(FormStyle::DeepObject),
                    (_, explode) => syn::parse_quote!(FormStyle::Form { explode: #explode }),
                }
            };
            let name = syntax::string(&e.property);
            Some(syn::parse_quote!((#name, #style)))
        })
        .collect();
    syn::parse_quote!(&[#(#entries),*])
}

/// Follows aliases to the type a name stands for.
fn resolve<'a>(api: &'a Api, ty: &'a TypeRef) -> &'a TypeRef {
    let mut ty = ty;
    for _ in 0..32 {
        match ty {
            TypeRef::Named(id) => match &api.type_def(*id).kind {
                TypeKind::Alias(t) => ty = t,
                _ => return ty,
            },
            _ => return ty,
        }
    }
    ty
}

fn mentions_named(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(_) => true,
        TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => mentions_named(t),
        _ => false,
    }
}

/// How to get the text of a single value.
enum Text {
    /// It is a `String`.
    Itself,
    /// A method call giving its text (`.as_str()`, `.to_string()`) on the value it is given,
    /// and whether it gives a `String`.
    Call(fn(syn::Expr) -> syn::Expr, bool),
}

impl Text {
    /// The text of `v` as a `&str` argument; `is_ref` says whether `v` is a reference
    /// (`value` bound by `if let`) or a place (`params.id`).
    fn arg(&self, v: syn::Expr, is_ref: bool) -> syn::Expr {
        match self {
            Text::Itself if is_ref => v,
            Text::Itself => syntax::reference(v),
            Text::Call(call, false) => call(v),
            Text::Call(call, true) => syntax::reference(call(v)),
        }
    }

    /// An `IntoIterator` of `AsRef<str>` over the list `v` of values with this text.
    fn list(&self, v: syn::Expr, is_ref: bool) -> syn::Expr {
        match self {
            Text::Itself if is_ref => v,
            Text::Itself => syntax::reference(v),
            Text::Call(call, _) => map_items(v, *call),
        }
    }
}

/// `v.iter().map(|v| call(v))`.
fn map_items(v: syn::Expr, call: fn(syn::Expr) -> syn::Expr) -> syn::Expr {
    let each = syntax::closure(vec![syntax::binding("v")], call(local("v")));
    syntax::method(syntax::method(v, "iter", Vec::new()), "map", vec![each])
}

/// The text of a single value of type `ty`; `None` for lists, objects and unions.
fn text_of(api: &Api, ty: &TypeRef) -> Option<Text> {
    Some(match resolve(api, ty.strip_null().0) {
        TypeRef::Scalar(Scalar::String) => Text::Itself,
        TypeRef::Scalar(Scalar::DateTime) => Text::Call(
            |v| {
                let format = syntax::path_expr(&["chrono", "SecondsFormat", "AutoSi"]);
                syntax::method(v, "to_rfc3339_opts", vec![format, syntax::boolean(true)])
            },
            true,
        ),
        // `()` has no text of its own; JSON's `null` is it.
        TypeRef::Scalar(Scalar::Null) => None?,
        TypeRef::Scalar(_) => Text::Call(|v| syntax::method(v, "to_string", Vec::new()), true),
        TypeRef::Named(id) if matches!(api.type_def(*id).kind, TypeKind::Enum(_)) => {
            Text::Call(|v| syntax::method(v, "as_str", Vec::new()), false)
        }
        _ => None?,
    })
}

/// The text of a list: an `IntoIterator` of `AsRef<str>` over `v`, when its items have a text.
fn list_text(api: &Api, ty: &TypeRef, v: syn::Expr, is_ref: bool) -> Option<syn::Expr> {
    Some(item_text(api, ty)?.list(v, is_ref))
}

/// A closure giving the `&str` text of a parameter value, through JSON for structured types.
fn single_text<'a>(api: &'a Api, p: &'a Param, needs: &mut Needs) -> impl Fn(syn::Expr, bool) -> syn::Expr + 'a {
    let text = text_of(api, &p.ty);
    if text.is_none() {
        needs.json_text = true;
    }
    move |v: syn::Expr, is_ref: bool| match &text {
        Some(t) => t.arg(v, is_ref),
        None => {
            let v = if is_ref { v } else { syntax::reference(v) };
            syntax::reference(syntax::question(syntax::call(&["json_text"], vec![v])))
        }
    }
}

/// Builds the statement for a parameter's value, inside the `if let` an optional or nullable
/// parameter needs; `build` gets the value expression and whether it is a reference.
fn with_value(p: &Param, build: impl FnOnce(syn::Expr, bool) -> syn::Stmt) -> syn::Stmt {
    let field = syntax::member(local("params"), &p.name);
    let (_, nullable) = p.ty.strip_null();
    let some = |pat| syntax::pat_tuple_struct(&["Some"], vec![pat]);
    let pattern = match (p.required, nullable) {
        (true, false) => return build(field, false),
        (true, true) | (false, false) => some(syntax::binding("value")),
        (false, true) => some(some(syntax::binding("value"))),
    };
    let stmt = build(local("value"), true);
    syntax::tail(syntax::if_let(pattern, syntax::reference(field), vec![stmt]))
}

/// The text of the items of a list type, when it is a list of single values.
fn item_text(api: &Api, ty: &TypeRef) -> Option<Text> {
    let TypeRef::Array(item) = resolve(api, ty.strip_null().0) else { return None };
    text_of(api, item)
}

/// Names of the locals a method body uses, which path parameters' locals must not shadow.
const LOCALS: &[&str] = &["body", "cookies", "params", "path", "query", "raw", "request", "value"];

/// The statements putting the (encoded) text of a path parameter in the local `name`.
fn path_value(api: &Api, p: &Param, name: &str, needs: &mut Needs) -> Vec<syn::Stmt> {
    let wire = &p.wire_name;
    let value = || syntax::member(local("params"), &p.name);
    let text = match list_text(api, &p.ty, value(), false) {
        Some(list) => {
            needs.join_encoded = true;
            let sep = if p.explode && p.style == ParamStyle::Label { "." } else { "," };
            syntax::call(&["join_encoded"], vec![list, syntax::string(sep)])
        }
        None => {
            needs.segment = true;
            let text = single_text(api, p, needs)(value(), false);
            syntax::question(syntax::call(&["segment"], vec![syntax::string(wire), text]))
        }
    };
    let text = syntax::let_stmt(syntax::binding(name), text);
    let prefix = match p.style {
        ParamStyle::Label => ".".to_string(),
        ParamStyle::Matrix => format!(";{}=", wire.replace('{', "{{").replace('}', "}}")),
        _ => return vec![text],
    };
    let format = format!("{prefix}{{}}");
    let local = ident(name);
    vec![text, syntax::let_stmt(syntax::binding(name), syntax::macro_expr(&["format"], quote!(#format, #local)))]
}

/// The statement adding a query parameter.
fn query_push(api: &Api, p: &Param) -> syn::Stmt {
    let wire = || syntax::string(&p.wire_name);
    let push = |method: &str, args: Vec<syn::Expr>| syntax::method(local("query"), method, args);
    if let Some(text) = text_of(api, &p.ty) {
        return with_value(p, |v, is_ref| syntax::stmt(push("push", vec![wire(), text.arg(v, is_ref)])));
    }
    if let Some(item) = item_text(api, &p.ty) {
        let each =
            p.explode && matches!(p.style, ParamStyle::Form | ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited);
        let sep = match p.style {
            ParamStyle::SpaceDelimited => "%20",
            ParamStyle::PipeDelimited => "%7C",
            _ => ",",
        };
        return with_value(p, |v, is_ref| {
            let list = item.list(v, is_ref);
            if each {
                syntax::stmt(push("push_each", vec![wire(), list]))
            } else {
                syntax::stmt(push("push_joined", vec![wire(), list, syntax::string(sep)]))
            }
        });
    }
    let deep = syntax::boolean(p.style == ParamStyle::DeepObject);
    let explode = syntax::boolean(p.explode);
    with_value(p, |v, is_ref| {
        let v = if is_ref { v } else { syntax::reference(v) };
        syntax::stmt(syntax::question(push("push_object", vec![wire(), v, explode, deep])))
    })
}

/// The statement adding a header parameter.
fn header_param(api: &Api, p: &Param, needs: &mut Needs) -> syn::Stmt {
    needs.header_value = true;
    let set =
        |text| insert_header(header_name(&p.wire_name), syntax::question(syntax::call(&["header_value"], vec![text])));
    let join = |list| syntax::reference(syntax::method(list, "join", vec![syntax::string(",")]));
    match item_text(api, &p.ty) {
        Some(Text::Itself) => with_value(p, |v, _| set(join(v))),
        Some(Text::Call(call, _)) => with_value(p, |v, _| {
            let vec = syntax::generic(&["Vec"], vec![syntax::infer()]);
            set(join(syntax::method_turbofish(map_items(v, call), "collect", vec![vec], Vec::new())))
        }),
        None => {
            let single = single_text(api, p, needs);
            with_value(p, |v, is_ref| set(single(v, is_ref)))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Responses

/// The headers that carry a retry time: `retry-after`, then any documented header named so.
fn retry_headers(api: &Api) -> Vec<String> {
    let mut names = vec!["retry-after".to_string()];
    for op in &api.operations {
        for r in &op.responses {
            for h in &r.headers {
                let lower = h.wire_name.to_ascii_lowercase();
                if lower.contains("retry-after") && !names.contains(&lower) {
                    names.push(lower);
                }
            }
        }
    }
    names[1..].sort();
    names
}

fn is_retry_header(h: &Header) -> bool {
    h.wire_name.to_ascii_lowercase().contains("retry-after")
}

/// `impl ApiResponse` for an operation's response enum.
fn api_response(api: &Api, op: &Operation, own_retry_headers: bool, needs: &mut Needs) -> syn::Item {
    let has_default = op.responses.iter().any(|r| r.status == Status::Default);
    let codes: Vec<u16> =
        op.responses.iter().filter_map(|r| if let Status::Code(c) = r.status { Some(c) } else { None }).collect();
    let mut arms: Vec<syn::Arm> = op.responses.iter().filter_map(|r| decode_arm(api, r, &codes)).collect();
    if !has_default {
        let none = syntax::call(&["Ok"], vec![syntax::path_expr(&["None"])]);
        arms.push(syntax::arm(syntax::wild(), syntax::return_(none)));
    }
    // A lone catch-all (only `default` is documented) needs no `match`.
    let lone_catch_all = matches!(arms.as_slice(), [only] if matches!(only.pat, syn::Pat::Wild(_)));
    let decoded = match arms.pop() {
        Some(only) if lone_catch_all => *only.body,
        last => {
            arms.extend(last);
            syntax::match_expr(status(), arms)
        }
    };
    let raw = syntax::ref_type(syntax::named(&["RawResponse"]));
    let option = syntax::generic(&["Option"], vec![syntax::named(&["Self"])]);
    let result = syntax::generic(&["Result"], vec![option, syntax::named(&["DecodeError"])]);
    let response = syntax::call(&["Ok"], vec![syntax::call(&["Some"], vec![syntax::path_expr(&["response"])])]);
    let decode = syntax::impl_fn(
        Vec::new(),
        syn::Visibility::Inherited,
        syntax::signature(ident("decode"), vec![syntax::arg(syntax::binding("raw"), raw)], Some(result)),
        vec![syntax::let_stmt(syntax::binding("response"), decoded), syntax::tail(response)],
    );
    let status_code = syntax::impl_fn(
        Vec::new(),
        syn::Visibility::Inherited,
        syntax::signature(ident("status_code"), vec![syntax::self_ref()], Some(syntax::named(&["u16"]))),
        vec![syntax::tail(syntax::method(syntax::path_expr(&["self"]), "status", Vec::new()))],
    );
    let mut items = vec![decode, status_code];
    if own_retry_headers {
        items.push(syn::parse_quote!(
            const RETRY_AFTER_HEADERS: &'static [&'static str] = RETRY_AFTER_HEADERS;
        ));
    }
    let mut retry_arms: Vec<syn::Arm> = op.responses.iter().filter_map(|r| retry_arm(api, r, needs)).collect();
    if !retry_arms.is_empty() {
        // Every response may carry a retry header; a catch-all would then be unreachable.
        if retry_arms.len() < op.responses.len() {
            retry_arms.push(syntax::arm(syntax::wild(), syntax::path_expr(&["None"])));
        }
        needs.duration = true;
        let delay = syntax::generic(&["Option"], vec![syntax::named(&["Duration"])]);
        items.push(syntax::impl_fn(
            Vec::new(),
            syn::Visibility::Inherited,
            syntax::signature(ident("retry_after"), vec![syntax::self_ref()], Some(delay)),
            vec![syntax::tail(syntax::match_expr(syntax::path_expr(&["self"]), retry_arms))],
        ));
    }
    syntax::impl_trait(&["ApiResponse"], syntax::named(&[&op.response_type]), items)
}

/// `raw.status.as_u16()`.
fn status() -> syn::Expr {
    syntax::method(syntax::member(syntax::path_expr(&["raw"]), "status"), "as_u16", Vec::new())
}

/// The arm decoding `r`; none for a range whose every code has an arm of its own.
fn decode_arm(api: &Api, r: &Response, codes: &[u16]) -> Option<syn::Arm> {
    let pattern = match r.status {
        Status::Code(c) => syntax::pat_lit(Literal::u16_unsuffixed(c)),
        Status::Range(d) => range_pattern(u16::from(d) * 100, codes)?,
        Status::Default => syntax::wild(),
    };
    let body = r.body.as_ref().map(body_decode);
    let value = match (&r.type_name, body) {
        (Some(type_name), body) => {
            let body = body.map(|b| ("body", b));
            let headers = r.headers.iter().map(|h| header_decode(api, h));
            Some(syntax::struct_expr(&[type_name], body.into_iter().chain(headers).collect()))
        }
        (None, body) => body,
    };
    let field = if r.type_name.is_some() { "response" } else { "body" };
    let variant = ["Self", r.name.as_str()];
    let built = match (r.status, value) {
        (Status::Code(_), Some(v)) => syntax::call(&variant, vec![v]),
        (Status::Code(_), None) => syntax::path_expr(&variant),
        (_, Some(v)) => syntax::struct_expr(&variant, vec![("status", status()), (field, v)]),
        (_, None) => syntax::struct_expr(&variant, vec![("status", status())]),
    };
    Some(syntax::arm(pattern, built))
}

/// The codes of the class starting at `first` (`200` for `2XX`) that no arm of their own
/// takes, as a pattern: `200..=299`, or `201..=299` beside an arm for 200 (ranges that
/// overlap an earlier arm are dead code, and clippy says so).
fn range_pattern(first: u16, codes: &[u16]) -> Option<syn::Pat> {
    let last = first + 99;
    let mut taken: Vec<u16> = codes.iter().copied().filter(|c| (first..=last).contains(c)).collect();
    taken.sort_unstable();
    let mut parts = Vec::new();
    let mut from = first;
    for code in taken.into_iter().chain([last + 1]) {
        match code.checked_sub(1) {
            Some(to) if to == from => parts.push(syntax::pat_lit(Literal::u16_unsuffixed(from))),
            Some(to) if to > from => {
                parts.push(syntax::pat_range(Literal::u16_unsuffixed(from), Literal::u16_unsuffixed(to)))
            }
            _ => {}
        }
        from = code + 1;
    }
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(syntax::pat_or(parts)),
    }
}

fn body_decode(b: &Body) -> syn::Expr {
    let raw = syntax::path_expr(&["raw"]);
    match b.kind {
        BodyKind::Json => syntax::question(syntax::method(raw, "json", Vec::new())),
        BodyKind::Form | BodyKind::Text | BodyKind::EventStream => {
            syntax::method(syntax::method(raw, "text", Vec::new()), "into_owned", Vec::new())
        }
        BodyKind::Binary | BodyKind::Multipart => syntax::method(syntax::member(raw, "body"), "clone", Vec::new()),
    }
}

/// The field of a typed response that holds the header `h`, and how it is read.
fn header_decode<'a>(api: &Api, h: &'a Header) -> (&'a str, syn::Expr) {
    let wire = || syntax::string(&h.wire_name);
    let (ty, _) = h.ty.strip_null();
    let read = match resolve(api, ty) {
        TypeRef::Scalar(_) => "header",
        TypeRef::Array(item) if matches!(resolve(api, item), TypeRef::Scalar(_)) => "header_list",
        _ => "header_json",
    };
    let read = syntax::question(syntax::method(syntax::path_expr(&["raw"]), read, vec![wire()]));
    if h.required {
        let missing = syntax::call(&["DecodeError", "MissingHeader"], vec![wire()]);
        (&h.name, syntax::question(syntax::method(read, "ok_or", vec![missing])))
    } else {
        (&h.name, read)
    }
}

/// A `retry_after` arm for a response with a typed retry header.
fn retry_arm(api: &Api, r: &Response, needs: &mut Needs) -> Option<syn::Arm> {
    r.type_name.as_ref()?;
    let h = r.headers.iter().find(|h| is_retry_header(h))?;
    let value = || syntax::member(syntax::path_expr(&["response"]), &h.name);
    let v = || syntax::path_expr(&["v"]);
    let retry_delay = || syntax::path_expr(&["retry_delay"]);
    let delay = |arg| syntax::call(&["retry_delay"], vec![arg]);
    let some = |arg| syntax::call(&["Some"], vec![arg]);
    let into = |arg| syntax::method(arg, "into", Vec::new());
    let to_u64 = |arg| syntax::method(syntax::call(&["u64", "try_from"], vec![arg]), "ok", Vec::new());
    let (ty, _) = h.ty.strip_null();
    let required = h.required;
    let delay = match resolve(api, ty) {
        TypeRef::Scalar(Scalar::U64) if required => some(delay(value())),
        TypeRef::Scalar(Scalar::U64) => syntax::method(value(), "map", vec![retry_delay()]),
        TypeRef::Scalar(Scalar::U32) if required => some(delay(into(value()))),
        TypeRef::Scalar(Scalar::U32) => {
            syntax::method(value(), "map", vec![syntax::closure(vec![syntax::binding("v")], delay(into(v())))])
        }
        TypeRef::Scalar(Scalar::I64 | Scalar::I32) if required => {
            syntax::method(to_u64(value()), "map", vec![retry_delay()])
        }
        TypeRef::Scalar(Scalar::I64 | Scalar::I32) => {
            let checked =
                syntax::method(value(), "and_then", vec![syntax::closure(vec![syntax::binding("v")], to_u64(v()))]);
            syntax::method(checked, "map", vec![retry_delay()])
        }
        TypeRef::Scalar(Scalar::String) if required => {
            syntax::call(&["parse_retry_after"], vec![syntax::reference(value())])
        }
        TypeRef::Scalar(Scalar::String) => {
            let text = syntax::method(value(), "as_deref", Vec::new());
            syntax::method(text, "and_then", vec![syntax::path_expr(&["parse_retry_after"])])
        }
        _ => return None,
    };
    match resolve(api, ty) {
        TypeRef::Scalar(Scalar::String) => needs.parse_retry_after = true,
        _ => needs.retry_delay = true,
    }
    let variant = ["Self", r.name.as_str()];
    let pattern = match r.status {
        Status::Code(_) => syntax::pat_tuple_struct(&variant, vec![syntax::binding("response")]),
        _ => syntax::pat_struct(&variant, &[("response", "response")], true),
    };
    Some(syntax::arm(pattern, delay))
}

// ---------------------------------------------------------------------------------------------
// Pagination

/// For a limit/offset collection: the `offset` parameter, the success response whose body is
/// the page (an array), and its total-count header if it documents one.
struct Paging<'a> {
    offset: &'a Param,
    page: &'a Response,
    item: &'a TypeRef,
    total: Option<&'a Header>,
}

fn paginated<'a>(api: &'a Api, op: &'a Operation) -> Option<Paging<'a>> {
    let int =
        |t: &TypeRef| matches!(resolve(api, t), TypeRef::Scalar(Scalar::I32 | Scalar::I64 | Scalar::U32 | Scalar::U64));
    let query = |name: &str| {
        op.params
            .iter()
            .find(|p| p.location == ParamLocation::Query && p.wire_name == name && !p.required && int(&p.ty))
    };
    let offset = query("offset")?;
    query("limit")?;
    let mut success = op.responses.iter().filter(|r| matches!(r.status, Status::Code(200..=299)));
    let page = success.next()?;
    if success.next().is_some() {
        return None;
    }
    let TypeRef::Array(item) = resolve(api, page.body.as_ref()?.typed()?) else { return None };
    let total = page.headers.iter().find(|h| h.wire_name.to_ascii_lowercase().contains("total") && int(&h.ty));
    if total.is_some() && page.type_name.is_none() {
        return None;
    }
    Some(Paging { offset, page, item, total })
}

/// `<operation>_stream`: every item of a paginated collection, a stream that fetches a page
/// when the items of the last one are used up:
///
/// ```text
/// let pages = Pages { client: self.clone(), params, items: Vec::new().into_iter(), done: false };
/// futures_util::stream::unfold(pages, |mut pages| async move {
///     loop {
///         if let Some(item) = pages.items.next() {
///             return Some((Ok(item), pages));
///         }
///         if pages.done {
///             return None;
///         }
///         match pages.client.operation(&pages.params).await {
///             Ok(Response::Ok(page)) => { /* advance the offset, keep the items */ }
///             Ok(_) => pages.done = true,
///             Err(error) => {
///                 pages.done = true;
///                 return Some((Err(error), pages));
///             }
///         }
///     }
/// })
/// ```
fn stream(api: &Api, op: &Operation, needs: &mut Needs) -> Option<syn::ImplItem> {
    let paging = paginated(api, op)?;
    needs.pages = true;
    let item = qualified_syntax_type(api, paging.item, &["models"]);
    let offset = paging.offset.name.as_str();
    let offset_ty = || qualified_syntax_type(api, &paging.offset.ty, &["models"]);
    let variant = [op.response_type.as_str(), paging.page.name.as_str()];
    let status = matches!(paging.page.status, Status::Code(_));
    let pattern = match (status, paging.page.type_name.is_some()) {
        (true, _) => syntax::pat_tuple_struct(&variant, vec![syntax::binding("page")]),
        (false, true) => syntax::pat_struct(&variant, &[("response", "page")], true),
        (false, false) => syntax::pat_struct(&variant, &[("body", "page")], true),
    };
    let typed = paging.page.type_name.is_some();
    // The items of a page: the body of a typed response, or the response itself.
    let items = || if typed { syntax::member(local("page"), "body") } else { local("page") };
    let empty = syntax::method(items(), "is_empty", Vec::new());
    let done = match (typed, paging.total) {
        (true, Some(total)) => {
            let compare = if total.ty == paging.offset.ty {
                syntax::ge(local("next"), local("total"))
            } else {
                let wide = |v| syntax::call(&["i128", "from"], vec![local(v)]);
                syntax::ge(wide("next"), wide("total"))
            };
            let field = syntax::member(local("page"), &total.name);
            let total_value = if total.required { syntax::call(&["Some"], vec![field]) } else { field };
            let seen = syntax::closure(vec![syntax::binding("total")], compare);
            syntax::or(empty, syntax::method(total_value, "is_some_and", vec![seen]))
        }
        _ => empty,
    };
    let pages = |fields: &[&str]| fields.iter().fold(local("pages"), |expr, field| syntax::member(expr, field));
    let set = |fields: &[&str], value| syntax::stmt(syntax::assign(pages(fields), value));
    let some = |value| syntax::call(&["Some"], vec![value]);
    let next_page = vec![
        syntax::let_stmt(
            syntax::binding("next"),
            syntax::add(
                syntax::method(pages(&["params", offset]), "unwrap_or", vec![syntax::lit(Literal::u8_unsuffixed(0))]),
                syntax::cast(syntax::method(items(), "len", Vec::new()), offset_ty()),
            ),
        ),
        set(&["done"], done),
        set(&["params", offset], some(local("next"))),
        set(&["items"], syntax::method(items(), "into_iter", Vec::new())),
    ];
    let result = |variant: &str, pat| syntax::pat_tuple_struct(&[variant], vec![pat]);
    let yield_ = |value| syntax::stmt(syntax::return_(some(syntax::tuple(vec![value, local("pages")]))));
    let mut arms = vec![syntax::arm(result("Ok", pattern), syntax::block_expr(next_page))];
    // Another success status carries no page: the end.
    if op.responses.len() > 1 {
        arms.push(syntax::arm(result("Ok", syntax::wild()), syntax::assign(pages(&["done"]), syntax::boolean(true))));
    }
    let failed = vec![set(&["done"], syntax::boolean(true)), yield_(syntax::call(&["Err"], vec![local("error")]))];
    arms.push(syntax::arm(result("Err", syntax::binding("error")), syntax::block_expr(failed)));
    let fetched = syntax::method(pages(&["client"]), &op.name, vec![syntax::reference(pages(&["params"]))]);
    let next_item = syntax::method(pages(&["items"]), "next", Vec::new());
    let turn = vec![
        syntax::tail(syntax::if_let(
            result("Some", syntax::binding("item")),
            next_item,
            vec![yield_(syntax::call(&["Ok"], vec![local("item")]))],
        )),
        syntax::tail(syntax::if_(pages(&["done"]), vec![syntax::stmt(syntax::return_(syntax::path_expr(&["None"])))])),
        syntax::tail(syntax::match_expr(syntax::awaited(fetched), arms)),
    ];
    let step = syntax::closure(
        vec![syntax::binding_mut("pages")],
        syntax::async_move(vec![syntax::tail(syntax::loop_(turn))]),
    );
    let start = syntax::struct_expr(
        &["Pages"],
        vec![
            ("client", syntax::method(local("self"), "clone", Vec::new())),
            ("params", local("params")),
            ("items", syntax::method(syntax::call(&["Vec", "new"], Vec::new()), "into_iter", Vec::new())),
            ("done", syntax::boolean(false)),
        ],
    );
    let stmts = vec![
        syntax::let_stmt(syntax::binding("pages"), start),
        syntax::tail(syntax::call(&["futures_util", "stream", "unfold"], vec![local("pages"), step])),
    ];

    let error = syntax::generic(&["Error"], vec![syntax::named(&[&op.response_type])]);
    let output = syntax::impl_bounds(vec![
        syntax::assoc_bound(&["futures_util", "Stream"], "Item", syntax::generic(&["Result"], vec![item, error])),
        syntax::bound(&["Send"]),
        syntax::lifetime_bound("static"),
    ]);
    let args = vec![syntax::self_ref(), syntax::arg(syntax::binding("params"), syntax::named(&[&op.params_type]))];
    let total_text = match paging.total {
        Some(t) => format!(" or once `{}` items have been seen", t.wire_name),
        None => String::new(),
    };
    let extra = format!(
        "Every item of the collection, page after page: a stream that requests the next page (advancing `{}` by the length of the page) only when the items fetched so far are used up. It ends after an empty page{total_text}; an error is the last item.\n\nThe other parameters apply to every page; `limit` sets the page size and `{}` where to start.",
        paging.offset.wire_name, paging.offset.wire_name
    );
    let mut attrs = method_docs(op, &extra);
    if op.deprecated {
        attrs.push(syntax::attr_path("deprecated"));
        attrs.push(syntax::attr_list("allow", quote!(deprecated)));
    }
    Some(syntax::impl_fn(attrs, syntax::public(), syntax::signature(ident(&op.stream_name), args, Some(output)), stmts))
}

// ---------------------------------------------------------------------------------------------
// Runtime support, emitted where used

/// The runtime's items the module imports, sorted: the ones every client uses, and those the
/// API's operations turned out to need.
fn runtime_uses(needs: &Needs) -> Vec<syn::Ident> {
    let mut names = vec!["decode", "exchange", "Failure"];
    let wanted = [
        (needs.query, "Query"),
        (needs.form_body, "FormStyle"),
        (needs.base64, "basic_credentials"),
        (needs.encode, "encode"),
        (needs.header_value, "header_value"),
        (needs.join_encoded, "join_encoded"),
        (needs.json_text, "json_text"),
        (needs.parse_retry_after, "parse_retry_after"),
        (needs.retry_delay, "retry_delay"),
        (needs.secret, "secret"),
        (needs.segment, "segment"),
        (needs.form_body, "set_form"),
        (needs.json_body, "set_json"),
    ];
    names.extend(wanted.iter().filter(|(used, _)| *used).map(|(_, name)| *name));
    names.sort_unstable();
    names.into_iter().map(|n| quote::format_ident!("{n}")).collect()
}

/// The state of a collection stream, when the API has one.
fn pages(needs: &Needs) -> Option<TokenStream> {
    needs.pages.then(|| {
        quote! {
            /// The state of a collection stream: the next page's parameters and the items left.
            struct Pages<P, T> {
                client: Client,
                params: P,
                items: std::vec::IntoIter<T>,
                done: bool,
            }
        }
    })
}
