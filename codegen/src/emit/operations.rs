//! The operations module: per-operation parameter structs and response enums, shared by the
//! client and the server so both speak the same types.

use quote::quote;

use crate::emit::multipart;
use crate::emit::render::{ident, Chunk, Module};
use crate::emit::rust_type::qualified_syntax_type;
use crate::emit::syntax;
use crate::ir::{Api, Body, BodyKind, Operation, Response, Status, TypeRef};

pub(crate) fn operations(api: &Api) -> Module<'_> {
    let items = Box::new(api.operations.iter().map(|op| Chunk::Syntax(operation(api, op)).gated(&op.features)));
    // Operations that take only scalars and return no schema need no models.
    let models_use = api.operations.iter().any(uses_models).then(|| {
        quote!(
            use crate::models;
        )
    });
    let gated = super::gated_imports(api);
    let head = quote! {
        //! Per-operation types: the parameters each operation takes and the responses it
        //! documents, one enum variant per status. The client returns them; a server returns
        //! them from its handlers, so it cannot answer with an undocumented status or leave
        //! out a required header.
        // A response is built once and consumed at once; boxing its body would only add noise.
        #![allow(clippy::large_enum_variant)]
        #gated

        #models_use
    };
    Module { head, items }
}

/// Where the operations' types find the models' types.
const MODELS: &[&str] = &["models"];

/// Whether the types emitted for `op` name a type of the models module.
fn uses_models(op: &Operation) -> bool {
    fn named(ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(_) => true,
            TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => named(t),
            TypeRef::Scalar(_) | TypeRef::Object | TypeRef::Any | TypeRef::External(_) => false,
        }
    }
    let body_named = |b: &Body| b.media().any(|(_, b)| b.typed().or(b.event_type()).is_some_and(named));
    op.params.iter().any(|p| named(&p.ty))
        || op.body.as_ref().is_some_and(|b| {
            b.media().any(|(_, m)| {
                let typed = m.form_type.is_some() || (b.choice.is_some() && m.kind.is_structured());
                typed && m.ty.as_ref().is_some_and(named)
            })
        })
        || op
            .responses
            .iter()
            .any(|r| r.body.as_ref().is_some_and(body_named) || r.headers.iter().any(|h| named(&h.ty)))
}

/// The parameters struct, the response enum with its `status`, and the response structs of
/// `op`, built as syntax trees.
fn operation(api: &Api, op: &Operation) -> Vec<syn::Item> {
    let mut items = Vec::new();
    if !op.params.is_empty() {
        let summary = op.summary.as_deref().unwrap_or(&op.id);
        let fields = op
            .params
            .iter()
            .map(|p| {
                let ty = qualified_syntax_type(api, &p.ty, MODELS);
                let ty = if p.required { ty } else { syntax::generic(&["Option"], vec![ty]) };
                let mut text = format!("`{}` ({})", p.wire_name, p.location.as_str());
                if let Some(d) = &p.docs {
                    text = format!("{text}: {d}");
                }
                syntax::field(syntax::doc_attrs(Some(&text)), ident(&p.name), ty)
            })
            .collect();
        let default = op.params.iter().all(|p| !p.required).then(|| quote!(Default,));
        let attrs = vec![
            syntax::doc_attr(&format!(" Parameters of `{}` (`{} {}`): {summary}", op.id, op.method, op.path)),
            syntax::attr_list("derive", quote!(Clone, Debug, #default PartialEq)),
        ];
        items.push(syntax::strukt(attrs, ident(&op.params_type), fields));
    }
    if let Some(body) = &op.body {
        for (_, media) in body.media() {
            if let Some(form) = multipart::form(api, media) {
                items.push(multipart::form_struct(api, &op.id, &form));
            }
        }
        items.extend(request_choice_enum(api, op, body));
    }

    let mut structs = Vec::new();
    let variants = op
        .responses
        .iter()
        .map(|r| {
            let docs = syntax::doc_attrs(Some(&response_docs(r)));
            let body = body_type(api, r);
            let with_status = matches!(r.status, Status::Range(_) | Status::Default);
            let content = match &r.type_name {
                Some(type_name) => {
                    structs.push(response_struct(api, op, r, type_name, body));
                    Some(("response", syntax::named(&[type_name])))
                }
                None => body.map(|body| ("body", body)),
            };
            let fields = match (content, with_status) {
                (Some((_, ty)), false) => syntax::unnamed(vec![ty]),
                (None, false) => syn::Fields::Unit,
                (content, true) => syntax::named_fields(
                    std::iter::once((ident("status"), syntax::named(&["u16"])))
                        .chain(content.map(|(name, ty)| (ident(name), ty)))
                        .collect(),
                ),
            };
            syntax::variant(docs, ident(&r.name), fields)
        })
        .collect();
    let attrs = vec![
        syntax::doc_attr(&format!(" Responses documented for `{}`.", op.id)),
        derives(op.responses.iter().any(streams)),
    ];
    items.push(syntax::enumeration(attrs, ident(&op.response_type), variants));
    items.push(status_impl(op));
    items.extend(structs);
    items.extend(op.responses.iter().filter_map(|r| choice_enum(api, op, r)));
    items
}

/// The media types of a request body's choice that the crate types, with their variants: all
/// but a multipart body without an object schema (whose parts the client would build by hand
/// and the server read as bytes, which one enum shared by both cannot hold). `None` when the
/// body has no choice.
pub(crate) fn request_choice<'a>(api: &Api, body: &'a Body) -> Option<(&'a str, Vec<(&'a str, &'a Body)>)> {
    let choice = body.choice.as_ref()?;
    let media = body
        .media()
        .filter_map(|(variant, media)| Some((variant?, media)))
        .filter(|(_, media)| media.kind != BodyKind::Multipart || multipart::form(api, media).is_some())
        .collect();
    Some((&choice.type_name, media))
}

/// The operations module's types that a request body is taken as: its structs of parts and
/// its choice.
pub(crate) fn request_types<'a>(api: &'a Api, body: &'a Body) -> Vec<&'a str> {
    let forms = body.media().filter_map(|(_, m)| multipart::form(api, m)).map(|f| f.type_name);
    forms.chain(request_choice(api, body).map(|(type_name, _)| type_name)).collect()
}

/// The Rust type of one media type of a request body: its schema's type (JSON, a form), its
/// struct of parts (multipart), text, or a stream of bytes.
pub(crate) fn request_media_type(api: &Api, body: &Body, models: &[&str]) -> syn::Type {
    match multipart::form(api, body) {
        Some(form) => syntax::named(&[form.type_name]),
        None => match (body.kind, &body.ty) {
            (BodyKind::Json | BodyKind::Form, Some(ty)) => qualified_syntax_type(api, ty, models),
            (BodyKind::Json | BodyKind::Form, None) => syntax::named(&["serde_json", "Value"]),
            (BodyKind::Text | BodyKind::EventStream, _) => syntax::named(&["String"]),
            (BodyKind::Binary, _) => syntax::named(&["crate", "runtime", "ByteStream"]),
            (BodyKind::Multipart, _) => syntax::generic(&["Vec"], vec![syntax::named(&["u8"])]),
        },
    }
}

/// The enum of a request body documented in several media types that do not read into one
/// type: the client sends the variant it is given, the server hands its handler the one
/// that came.
fn request_choice_enum(api: &Api, op: &Operation, body: &Body) -> Option<syn::Item> {
    let (type_name, media) = request_choice(api, body)?;
    let variants = media
        .iter()
        .map(|(variant, media)| {
            let docs = format!("`{}`", media.content_type);
            let ty = request_media_type(api, media, MODELS);
            syntax::variant(syntax::doc_attrs(Some(&docs)), ident(variant), syntax::unnamed(vec![ty]))
        })
        .collect();
    let doc = format!(" The request body of `{}`, in one of the media types it is documented in.", op.id);
    let streams = media.iter().any(|(_, m)| m.kind == BodyKind::Binary || multipart::form(api, m).is_some());
    let attrs = vec![syntax::doc_attr(&doc), derives(streams)];
    Some(syntax::enumeration(attrs, ident(type_name), variants))
}

/// The enum of a response body offered in several media types: one variant per media type,
/// each holding the body as that type reads.
fn choice_enum(api: &Api, op: &Operation, r: &Response) -> Option<syn::Item> {
    let body = r.body.as_ref()?;
    let choice = body.choice.as_ref()?;
    let variants = body
        .media()
        .filter_map(|(variant, media)| {
            let docs = format!("`{}`", media.content_type);
            let ty = media_type(api, media, MODELS);
            Some(syntax::variant(syntax::doc_attrs(Some(&docs)), ident(variant?), syntax::unnamed(vec![ty])))
        })
        .collect();
    let doc = format!(
        " The `{}` body of `{}`, in the media type the server chose.",
        response_docs(r).split(':').next().unwrap_or(""),
        op.id
    );
    let attrs = vec![syntax::doc_attr(&doc), derives(body.streams())];
    Some(syntax::enumeration(attrs, ident(&choice.type_name), variants))
}

/// `impl Response { pub fn status(&self) -> u16 { match self { .. } } }`.
fn status_impl(op: &Operation) -> syn::Item {
    let arms = op
        .responses
        .iter()
        .map(|r| {
            let variant: &[&str] = &["Self", &r.name];
            match r.status {
                Status::Code(c) => {
                    let pat = if r.type_name.is_some() || r.body.is_some() {
                        let rest = syn::Pat::Rest(syn::PatRest { attrs: Vec::new(), dot2_token: Default::default() });
                        syntax::pat_tuple_struct(variant, vec![rest])
                    } else {
                        syntax::pat_path(variant)
                    };
                    syntax::arm(pat, syntax::lit(proc_macro2::Literal::u16_unsuffixed(c)))
                }
                Status::Range(_) | Status::Default => syntax::arm(
                    syntax::pat_struct(variant, &[("status", "status")], true),
                    syntax::deref(syntax::path_expr(&["status"])),
                ),
            }
        })
        .collect();
    let sig = syntax::signature(ident("status"), vec![syntax::self_ref()], Some(syntax::named(&["u16"])));
    let body = syntax::match_expr(syntax::path_expr(&["self"]), arms);
    let status = syntax::impl_fn(
        vec![syntax::doc_attr(" The HTTP status code of this response.")],
        syntax::public(),
        sig,
        vec![syntax::tail(body)],
    );
    syntax::impl_type(syntax::named(&[&op.response_type]), vec![status])
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
fn body_type(api: &Api, r: &Response) -> Option<syn::Type> {
    let body = r.body.as_ref()?;
    Some(response_body_type(api, body, MODELS))
}

/// The Rust type of a response body, with the models behind `models` and the runtime's types
/// behind `crate::runtime`.
fn response_body_type(api: &Api, body: &Body, models: &[&str]) -> syn::Type {
    match &body.choice {
        Some(choice) => syntax::named(&[&choice.type_name]),
        None => media_type(api, body, models),
    }
}

/// The Rust type of a body in its own media type (one variant of a choice).
fn media_type(api: &Api, body: &Body, models: &[&str]) -> syn::Type {
    match (body.kind, &body.ty) {
        (BodyKind::Json, Some(ty)) => qualified_syntax_type(api, ty, models),
        (BodyKind::Json, None) => syntax::named(&["serde_json", "Value"]),
        // Lowering makes a form answer text; a form is typed only as a request.
        (BodyKind::Form | BodyKind::Text, _) => syntax::named(&["String"]),
        (BodyKind::EventStream, _) => {
            let data = body.event_type().map(|t| qualified_syntax_type(api, t, models));
            syntax::generic(&["crate", "runtime", "EventStream"], data.into_iter().collect())
        }
        (BodyKind::Binary, _) => syntax::named(&["crate", "runtime", "ByteStream"]),
        // A multipart answer is rare: its bytes, as they came.
        (BodyKind::Multipart, _) => syntax::generic(&["Vec"], vec![syntax::named(&["u8"])]),
    }
}

fn response_struct(api: &Api, op: &Operation, r: &Response, type_name: &str, body: Option<syn::Type>) -> syn::Item {
    let doc = format!(
        " The `{}` response of `{}`, with its headers.",
        response_docs(r).split(':').next().unwrap_or(""),
        op.id
    );
    let body = body.map(|ty| syntax::field(syntax::doc_attrs(Some("The response body.")), ident("body"), ty));
    let headers = r.headers.iter().map(|h| {
        let ty = qualified_syntax_type(api, &h.ty, MODELS);
        let ty = if h.required { ty } else { syntax::generic(&["Option"], vec![ty]) };
        let text = match &h.docs {
            Some(d) => format!("`{}` header: {d}", h.wire_name),
            None => format!("`{}` header.", h.wire_name),
        };
        syntax::field(syntax::doc_attrs(Some(&text)), ident(&h.name), ty)
    });
    let attrs = vec![syntax::doc_attr(&doc), derives(streams(r))];
    syntax::strukt(attrs, ident(type_name), body.into_iter().chain(headers).collect())
}

/// Whether a response's body is a stream, read once: what holds it is neither `Clone` nor
/// `PartialEq`.
fn streams(r: &Response) -> bool {
    r.body.as_ref().is_some_and(Body::streams)
}

fn derives(streams: bool) -> syn::Attribute {
    if streams {
        syntax::attr_list("derive", quote!(Debug))
    } else {
        syntax::attr_list("derive", quote!(Clone, Debug, PartialEq))
    }
}
