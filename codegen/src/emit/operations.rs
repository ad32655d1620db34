//! The operations module: per-operation parameter structs and response enums, shared by the
//! client and the server so both speak the same types.

use proc_macro2::TokenStream;
use quote::quote;

use super::models::{docs, qualified_type};
use super::{ident, Chunk, Module};
use crate::ir::{Api, Operation, Response, Status, TypeRef};

pub(crate) fn operations(api: &Api) -> Module<'_> {
    let items = Box::new(api.operations.iter().map(|op| Chunk::from(operation(api, op))));
    // Operations that take only scalars and return no schema need no models.
    let models_use = api.operations.iter().any(uses_models).then(|| {
        quote!(
            use crate::models;
        )
    });
    let head = quote! {
        //! Per-operation types: the parameters each operation takes and the responses it
        //! documents, one enum variant per status. The client returns them; a server returns
        //! them from its handlers, so it cannot answer with an undocumented status or leave
        //! out a required header.
        // A response is built once and consumed at once; boxing its body would only add noise.
        #![allow(clippy::large_enum_variant)]

        #models_use
    };
    Module { head, items }
}

/// Whether the types emitted for `op` name a type of the models module.
fn uses_models(op: &Operation) -> bool {
    fn named(ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(_) => true,
            TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => named(t),
            TypeRef::Scalar(_) | TypeRef::Object | TypeRef::Any => false,
        }
    }
    op.params.iter().any(|p| named(&p.ty))
        || op.responses.iter().any(|r| {
            r.body.as_ref().and_then(|b| b.ty.as_ref()).is_some_and(named) || r.headers.iter().any(|h| named(&h.ty))
        })
}

fn models_path() -> TokenStream {
    quote!(models::)
}

fn operation(api: &Api, op: &Operation) -> TokenStream {
    let path = models_path();
    let params_name = ident(&op.params_type);
    let summary = op.summary.clone().unwrap_or_else(|| op.id.clone());
    let params_doc = format!(" Parameters of `{}` (`{} {}`): {summary}", op.id, op.method, op.path);
    let fields = op.params.iter().map(|p| {
        let name = ident(&p.name);
        let t = qualified_type(api, &p.ty, &path);
        let t = if p.required { t } else { quote!(Option<#t>) };
        let mut text = format!("`{}` ({})", p.wire_name, p.location.as_str());
        if let Some(d) = &p.docs {
            text = format!("{text}: {d}");
        }
        let docs = docs(Some(&text));
        quote!(#docs pub #name: #t,)
    });
    let default = op.params.iter().all(|p| !p.required).then(|| quote!(Default,));
    let params = (!op.params.is_empty()).then(|| {
        quote! {
            #[doc = #params_doc]
            #[derive(Clone, Debug, #default PartialEq)]
            pub struct #params_name {
                #(#fields)*
            }
        }
    });

    let response_name = ident(&op.response_type);
    let response_doc = format!(" Responses documented for `{}`.", op.id);
    let mut structs = Vec::new();
    let variants: Vec<TokenStream> = op
        .responses
        .iter()
        .map(|r| {
            let vname = ident(&r.name);
            let docs = docs(Some(&response_docs(r)));
            let body = body_type(api, r);
            let status_field = matches!(r.status, Status::Range(_) | Status::Default).then(|| quote!(status: u16,));
            match (&r.type_name, body) {
                (Some(type_name), body) => {
                    structs.push(response_struct(api, op, r, type_name, body));
                    let t = ident(type_name);
                    match status_field {
                        Some(_) => quote!(#docs #vname { status: u16, response: #t },),
                        None => quote!(#docs #vname(#t),),
                    }
                }
                (None, Some(body)) => match status_field {
                    Some(_) => quote!(#docs #vname { status: u16, body: #body },),
                    None => quote!(#docs #vname(#body),),
                },
                (None, None) => match status_field {
                    Some(_) => quote!(#docs #vname { status: u16 },),
                    None => quote!(#docs #vname,),
                },
            }
        })
        .collect();
    let status_arms = op.responses.iter().map(|r| {
        let vname = ident(&r.name);
        match r.status {
            Status::Code(c) => {
                let c = proc_macro2::Literal::u16_unsuffixed(c);
                let pattern = if r.type_name.is_some() || body_type(api, r).is_some() {
                    quote!(Self::#vname(..))
                } else {
                    quote!(Self::#vname)
                };
                quote!(#pattern => #c,)
            }
            Status::Range(_) | Status::Default => quote!(Self::#vname { status, .. } => *status,),
        }
    });
    quote! {
        #params

        #[doc = #response_doc]
        #[derive(Clone, Debug, PartialEq)]
        pub enum #response_name {
            #(#variants)*
        }

        impl #response_name {
            /// The HTTP status code of this response.
            pub fn status(&self) -> u16 {
                match self {
                    #(#status_arms)*
                }
            }
        }

        #(#structs)*
    }
}

fn response_docs(r: &Response) -> String {
    let status = match r.status {
        Status::Code(c) => c.to_string(),
        Status::Range(d) => format!("{d}XX"),
        Status::Default => "Any other status".into(),
    };
    match &r.docs {
        Some(d) => format!("{status}: {d}"),
        None => status,
    }
}

/// The Rust type of a response body, if the response has one.
pub(crate) fn body_type(api: &Api, r: &Response) -> Option<TokenStream> {
    let body = r.body.as_ref()?;
    Some(match &body.ty {
        Some(ty) => qualified_type(api, ty, &models_path()),
        None if body.content_type.contains("json") => quote!(serde_json::Value),
        None => quote!(String),
    })
}

fn response_struct(api: &Api, op: &Operation, r: &Response, type_name: &str, body: Option<TokenStream>) -> TokenStream {
    let name = ident(type_name);
    let doc = format!(
        " The `{}` response of `{}`, with its headers.",
        response_docs(r).split(':').next().unwrap_or(""),
        op.id
    );
    let body = body.map(|t| {
        quote!(/// The response body.
        pub body: #t,)
    });
    let headers = r.headers.iter().map(|h| {
        let hname = ident(&h.name);
        let t = qualified_type(api, &h.ty, &models_path());
        let t = if h.required { t } else { quote!(Option<#t>) };
        let text = match &h.docs {
            Some(d) => format!("`{}` header: {d}", h.wire_name),
            None => format!("`{}` header.", h.wire_name),
        };
        let docs = docs(Some(&text));
        quote!(#docs pub #hname: #t,)
    });
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name {
            #body
            #(#headers)*
        }
    }
}
