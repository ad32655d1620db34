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

mod auth;
mod decode;
mod request;
mod shared;
mod stream;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diag::Diagnostic;
use crate::emit::operations;
use crate::emit::render::{ident, internal, Chunk, Module};
use crate::emit::syntax;
use crate::ir::Api;
use auth::{credentials, servers, setters};
use decode::{api_response, retry_headers};
use request::method;
use shared::{mentions_named, Needs};
use stream::{paginated, stream};

/// Lines for `[dependencies]` that the `client` feature turns on (all `optional = true`),
/// beside the runtime's: what the generated module names itself.
pub(crate) const DEPENDENCIES: &[(&str, &str)] = &[
    ("futures-util", "version = \"0.3\", default-features = false"),
    ("reqwest", "version = \"0.13\", default-features = false, features = [\"rustls\", \"stream\"]"),
];

pub(crate) fn client(api: &Api) -> Result<Module<'_>, Diagnostic> {
    let mut needs = Needs::default();
    let methods: Vec<syn::ImplItem> =
        api.operations.iter().map(|op| syntax::gate_impl_item(method(api, op, &mut needs), &op.features)).collect();
    let streams: Vec<syn::ImplItem> = api
        .operations
        .iter()
        .filter_map(|op| Some(syntax::gate_impl_item(stream(api, op, &mut needs)?, &op.features)))
        .collect();
    let retry_headers = retry_headers(api);
    // The trait's default names only the standard header.
    let own_retry_headers = retry_headers.len() > 1;
    let decoders: Vec<Chunk> = api
        .operations
        .iter()
        .map(|op| Chunk::Syntax(vec![api_response(api, op, own_retry_headers, &mut needs)]).gated(&op.features))
        .collect();
    let servers = servers(api, &mut needs);
    let credentials = credentials(api, &mut needs);
    let has_security = !api.security_schemes.is_empty();
    let runtime_uses = runtime_uses(&needs);
    // A retry header, read either way, is a `Duration`.
    let duration_use = (needs.retry_delay || needs.parse_retry_after).then(|| {
        quote!(
            use std::time::Duration;
        )
    });
    let pages = pages(&needs);

    // Each operation's own types, imported behind its features.
    let mut imports: std::collections::BTreeMap<&[String], Vec<syn::Ident>> = std::collections::BTreeMap::new();
    for op in &api.operations {
        let list = imports.entry(&op.features).or_default();
        list.push(ident(&op.response_type));
        if !op.params.is_empty() {
            list.push(ident(&op.params_type));
        }
        list.extend(op.responses.iter().filter_map(|r| r.type_name.as_deref()).map(ident));
        if let Some(b) = &op.body {
            // The method takes a choice, or the body's struct of parts (a choice's are named
            // only by its variants).
            match operations::request_choice(api, b) {
                Some((choice, _)) => list.push(ident(choice)),
                None => list.extend(operations::request_types(api, b).into_iter().map(ident)),
            }
        }
        list.extend(op.responses.iter().filter_map(|r| r.body.as_ref()?.choice.as_ref()).map(|c| ident(&c.type_name)));
    }
    let operations_use: TokenStream = imports
        .into_iter()
        .map(|(features, mut list)| {
            list.sort_by_key(ToString::to_string);
            list.dedup_by_key(|i| i.to_string());
            let cfg = syntax::cfg_features(features);
            quote!(#cfg use crate::operations::{#(#list),*};)
        })
        .collect();
    // Only a JSON body is sent as its model; other bodies go as bytes or text, and a choice of
    // bodies names its types in the operations module.
    let uses_models = api.operations.iter().any(|op| {
        op.body
            .as_ref()
            .filter(|b| operations::request_choice(api, b).is_none())
            .and_then(|b| b.typed())
            .is_some_and(mentions_named)
            || paginated(api, op).is_some()
    });
    let models_use = uses_models.then(|| {
        quote!(
            use crate::models;
        )
    });

    let title = format!(" An async client for the {} (version {}), on reqwest.", api.title, api.version);
    let credentials_field = has_security.then(|| quote!(credentials: Credentials,));
    let credentials_init = has_security.then(|| quote!(credentials: Credentials::default(),));
    let authorize_param = has_security.then(|| quote!(, security: &[&[&str]]));
    let authorize = has_security.then(|| quote!(self.credentials.authorize(&mut request, security)?;));
    let request_mut = if has_security { quote!(mut request) } else { quote!(request) };
    let setters = setters(api);

    // Which helpers and imports the methods use depends on the tag features turned on.
    let gated = (!api.features.is_empty()).then(|| quote!(#![allow(dead_code, unused_imports)]));
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
        #gated

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
    let request_fn = impl_items(quote! {
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
    })?;
    let whole = if needs.whole {
        impl_items(quote! {
            /// Authorizes and sends `request` for `operation` in a span of its own, retrying as the
            /// policy says. Not generic over the response, so it is compiled once for all
            /// operations; each method decodes what it returns with [`decode`].
            async fn exchange(&self, #request_mut: reqwest::Request, operation: &'static str, path: &'static str #authorize_param) -> Result<RawResponse, Failure> {
                #authorize
                exchange(&self.http, self.retry.as_ref(), RETRY_AFTER_HEADERS, request, operation, path).await
            }
        })?
    } else {
        Vec::new()
    };
    let streaming = if needs.streaming {
        impl_items(quote! {
            /// Authorizes and sends `request` like `exchange`, but leaves the answer's body
            /// unread, for operations whose answer may be a stream.
            async fn exchange_streaming(&self, #request_mut: reqwest::Request, operation: &'static str, path: &'static str #authorize_param) -> Result<reqwest::Response, Failure> {
                #authorize
                exchange_streaming(&self.http, self.retry.as_ref(), RETRY_AFTER_HEADERS, request, operation, path).await
            }
        })?
    } else {
        Vec::new()
    };
    let items = constructors
        .into_iter()
        .chain(methods)
        .chain(streams)
        .chain(request_fn)
        .chain(whole)
        .chain(streaming)
        .collect();
    let client_impl = syntax::impl_type(syntax::named(&["Client"]), items);
    let rest = quote! {
        #credentials

        /// Headers that name a retry time, the standard one first.
        const RETRY_AFTER_HEADERS: &[&str] = &[#(#retry_headers),*];

        #pages
    };
    let items = [Chunk::Syntax(vec![client_impl]), Chunk::Tokens(rest)].into_iter().chain(decoders);
    Ok(Module { head, items: Box::new(items) })
}

/// The functions of an `impl` block written as tokens.
fn impl_items(tokens: TokenStream) -> Result<Vec<syn::ImplItem>, Diagnostic> {
    Ok(syn::parse2::<syn::ItemImpl>(quote!(impl Client { #tokens })).map_err(internal)?.items)
}

/// The runtime's items the module imports, sorted: the ones every client uses, and those the
/// API's operations turned out to need.
fn runtime_uses(needs: &Needs) -> Vec<syn::Ident> {
    let mut names = vec!["Failure"];
    let wanted = [
        (needs.whole, "decode"),
        (needs.whole, "exchange"),
        (needs.query, "Query"),
        (needs.form_style, "FormStyle"),
        (needs.base64, "basic_credentials"),
        (needs.encode, "encode"),
        (needs.header_value, "header_value"),
        (needs.join_encoded, "join_encoded"),
        (needs.json_text, "json_text"),
        (needs.parse_retry_after, "parse_retry_after"),
        (needs.retry_delay, "retry_delay"),
        (needs.streaming, "decode_streaming"),
        (needs.pick_media, "pick_media"),
        (needs.streaming, "exchange_streaming"),
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
