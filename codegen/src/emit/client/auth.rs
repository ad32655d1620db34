//! The client's base URLs (`servers`) and credentials: the `with_<scheme>` setters and how a
//! request is authorized.

use proc_macro2::TokenStream;
use quote::quote;

use super::shared::Needs;
use crate::emit::docs::docs;
use crate::emit::render::ident;
use crate::emit::syntax;
use crate::ir::{Api, ParamLocation, SecurityKind, Server};

pub(super) fn servers(api: &Api, needs: &mut Needs) -> Option<TokenStream> {
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

pub(super) fn server_fn(server: &Server, needs: &mut Needs) -> TokenStream {
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
pub(super) fn template<T>(url: &str, mut arg: impl FnMut(&str) -> Option<T>) -> (String, Vec<T>) {
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
pub(super) fn setters(api: &Api) -> TokenStream {
    let items = api.security_schemes.iter().map(|s| {
        let field = ident(&s.name);
        let method = ident(&s.setter);
        let how = match &s.kind {
            SecurityKind::ApiKey { location, name } => {
                format!("an API key in the `{name}` {}", location.as_str())
            }
            SecurityKind::Bearer { format: Some(f) } => format!("a bearer token ({f}) in `Authorization`"),
            SecurityKind::Bearer { format: None } | SecurityKind::OAuth2 => "a bearer token in `Authorization`".into(),
            SecurityKind::Basic => "a user name and password in `Authorization: Basic`".into(),
            SecurityKind::Http { scheme } => {
                format!("credentials in `Authorization: {scheme} <credentials>`, sent as given")
            }
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
            SecurityKind::Http { scheme } => {
                // A scheme is a token: it has no braces to escape.
                let template = format!("{scheme} {{}}");
                quote! {
                    #doc
                    pub fn #method(mut self, credentials: impl Into<String>) -> Self {
                        self.credentials.#field = Some(format!(#template, credentials.into()));
                        self
                    }
                }
            }
        }
    });
    quote!(#(#items)*)
}

/// The `Credentials` struct and how it authorizes a request.
pub(super) fn credentials(api: &Api, needs: &mut Needs) -> Option<TokenStream> {
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
            SecurityKind::Bearer { .. } | SecurityKind::OAuth2 | SecurityKind::Basic | SecurityKind::Http { .. } => {
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
pub(super) fn header_name(name: &str) -> syn::Expr {
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
pub(super) fn or_invalid(result: syn::Expr, message: &str) -> syn::Expr {
    let error = syntax::call(&["InvalidRequest"], vec![syntax::method(syntax::string(message), "into", Vec::new())]);
    syntax::question(syntax::method(result, "map_err", vec![syntax::closure(vec![syntax::wild()], error)]))
}
