//! One method per operation: its arguments, and the request it builds from them (path,
//! query, headers, cookies, body).

use quote::quote;

use super::auth::{header_name, or_invalid, template};
use super::decode;
use super::shared::{local, Needs};
use crate::emit::multipart::{self, FileShape};
use crate::emit::operations;
use crate::emit::render::ident;
use crate::emit::rust_type::qualified_syntax_type;
use crate::emit::syntax;
use crate::ir::{Api, Body, BodyKind, Operation, Param, ParamLocation, ParamStyle, Scalar, TypeKind, TypeRef};

/// The security alternatives of an operation, as wire names.
pub(super) fn security_arg(api: &Api, op: &Operation) -> Option<syn::Expr> {
    if api.security_schemes.is_empty() {
        return None;
    }
    let alternatives = op.security.iter().map(|alt| {
        let names = alt.schemes.iter().map(|(name, _)| syntax::string(name));
        syntax::reference(syntax::array(names.collect()))
    });
    Some(syntax::reference(syntax::array(alternatives.collect())))
}

pub(super) fn security_text(op: &Operation) -> String {
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

pub(super) fn method_docs(op: &Operation, extra: &str) -> Vec<syn::Attribute> {
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

/// `request.headers_mut().insert(name, value);`
pub(super) fn insert_header(name: syn::Expr, value: syn::Expr) -> syn::Stmt {
    let headers = syntax::method(local("request"), "headers_mut", Vec::new());
    syntax::stmt(syntax::method(headers, "insert", vec![name, value]))
}

pub(super) fn method(api: &Api, op: &Operation, needs: &mut Needs) -> syn::ImplItem {
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
        // A choice's variants say their own.
        if takes_content_type(body) && body.choice.is_none() {
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
    let exchange_args = exchange_args.into_iter().chain(security_arg(api, op)).collect();
    if decode::streams(op) {
        needs.streaming = true;
        let exchange = syntax::method(local("self"), "exchange_streaming", exchange_args);
        stmts.push(syntax::let_stmt(syntax::binding("response"), syntax::question(syntax::awaited(exchange))));
        stmts.push(syntax::tail(decode::streaming_tail(op)));
    } else {
        needs.whole = true;
        let exchange = syntax::method(local("self"), "exchange", exchange_args);
        stmts.push(syntax::let_stmt(syntax::binding("raw"), syntax::question(syntax::awaited(exchange))));
        stmts.push(syntax::tail(syntax::call(&["decode"], vec![local("raw")])));
    }

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
pub(super) fn method_expr(method: &str) -> syn::Expr {
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

pub(super) fn is_json(content_type: &str) -> bool {
    BodyKind::of(content_type) == BodyKind::Json
}

/// Whether `HeaderValue::from_static` takes `text` (visible ASCII and spaces).
pub(super) fn static_header_value(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
}

/// The `Accept` header: the media types of the documented response bodies.
pub(super) fn accept(op: &Operation) -> Option<String> {
    let mut types: Vec<&str> = Vec::new();
    for (_, b) in op.responses.iter().filter_map(|r| r.body.as_ref()).flat_map(Body::media) {
        if !types.contains(&b.content_type.as_str()) && static_header_value(&b.content_type) {
            types.push(&b.content_type);
        }
    }
    (!types.is_empty()).then(|| types.join(", "))
}

/// The argument type of a request body and the statements that put it on the request.
/// The type the method takes the body as, and the statements that put it on `request`.
///
/// A body whose media type is a range (`*/*`, `image/*`) is sent with the `Content-Type` the
/// caller gives in the argument `content_type`; [`takes_content_type`] says when.
pub(super) fn request_body(api: &Api, body: &Body, needs: &mut Needs) -> (syn::Type, Vec<syn::Stmt>) {
    match operations::request_choice(api, body) {
        Some((type_name, media)) => choice_body(api, type_name, &media, needs),
        None => media_body(api, body, needs),
    }
}

/// A body documented in several media types, taken as their enum: each variant is sent in
/// its own media type, as a body of that type alone would be.
fn choice_body(api: &Api, type_name: &str, media: &[(&str, &Body)], needs: &mut Needs) -> (syn::Type, Vec<syn::Stmt>) {
    let enum_name = ident(type_name);
    let arms = media.iter().map(|(variant, media)| {
        let (_, stmts) = media_body(api, media, needs);
        // Each arm holds its value; the statements of a lone body take what its method would.
        let prelude: Vec<syn::Stmt> = match media.kind {
            _ if multipart::form(api, media).is_some() => Vec::new(),
            BodyKind::Json | BodyKind::Form => vec![syn::parse_quote!(let body = &body;)],
            BodyKind::Text | BodyKind::EventStream => vec![syn::parse_quote!(let body = body.as_str();)],
            BodyKind::Binary if takes_content_type(media) => {
                // A range is no type to send: the stream's own, else bytes.
                let fallback =
                    if media.content_type.starts_with("text/") { "text/plain" } else { "application/octet-stream" };
                vec![
                    syn::parse_quote!(let content_type = body.content_type().unwrap_or(#fallback).to_owned();),
                    syn::parse_quote!(let content_type = content_type.as_str();),
                ]
            }
            BodyKind::Binary | BodyKind::Multipart => Vec::new(),
        };
        let variant = ident(variant);
        quote!(#enum_name::#variant(body) => { #(#prelude)* #(#stmts)* })
    });
    let stmt = syn::parse_quote!(match body { #(#arms)* });
    (syntax::named(&[type_name]), vec![stmt])
}

/// A body in its one media type: the type the method takes it as, and the statements that
/// put it on `request`.
fn media_body(api: &Api, body: &Body, needs: &mut Needs) -> (syn::Type, Vec<syn::Stmt>) {
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
    if let Some(form) = multipart::form(api, body) {
        return (syntax::named(&[form.type_name]), multipart_stmts(body, &form));
    }
    match body.kind {
        BodyKind::Multipart => {
            // No object schema to type the parts by: the caller builds them.
            (syntax::named(&["crate", "runtime", "multipart", "Form"]), vec![send_form(body, "body")])
        }
        BodyKind::Json if fixed => {
            needs.json_body = true;
            let args = vec![syntax::reference_mut(local("request")), syntax::string(content_type), local("body")];
            (syntax::ref_type(model()), vec![syntax::stmt(syntax::question(syntax::call(&["set_json"], args)))])
        }
        BodyKind::Form => {
            needs.form_body = true;
            let encoding = form_encoding(body, needs);
            let args = vec![syntax::reference_mut(local("request")), local("body"), encoding];
            (syntax::ref_type(model()), vec![syntax::stmt(syntax::question(syntax::call(&["set_form"], args)))])
        }
        BodyKind::Text | BodyKind::EventStream => {
            let value = syntax::method(local("body"), "to_owned", Vec::new());
            (syntax::ref_type(syntax::named(&["str"])), set_body(header, syntax::method(value, "into", Vec::new())))
        }
        // Bytes from memory, a file or a stream: anything reqwest can send.
        BodyKind::Json | BodyKind::Binary => {
            let arg: syn::Type = syn::parse_quote!(impl Into<reqwest::Body>);
            // An optional body is taken as `reqwest::Body` itself (see `method`).
            let value = if body.required { syntax::method(local("body"), "into", Vec::new()) } else { local("body") };
            (arg, set_body(header, value))
        }
    }
}

/// The statements that write the struct of parts `body` into a multipart form and send it:
/// a file part as the file, any other as text or JSON (see the runtime's `Form::field`).
fn multipart_stmts(body: &Body, form: &multipart::Form<'_>) -> Vec<syn::Stmt> {
    let mut stmts: Vec<syn::Stmt> = vec![syn::parse_quote!(let mut form = crate::runtime::multipart::Form::new();)];
    for part in &form.parts {
        let wire = &part.field.wire_name;
        let field = ident(&part.field.name);
        stmts.push(match part.file {
            Some(FileShape::One) => syn::parse_quote!(form = form.file(#wire, body.#field)?;),
            Some(FileShape::Optional) => {
                syn::parse_quote!(if let Some(file) = body.#field { form = form.file(#wire, file)?; })
            }
            Some(FileShape::Many) => syn::parse_quote!(form = form.files(#wire, body.#field)?;),
            None => {
                let content_type = match part.content_type {
                    Some(ct) => quote::quote!(Some(#ct)),
                    None => quote::quote!(None),
                };
                syn::parse_quote!(form = form.field(#wire, &body.#field, #content_type)?;)
            }
        });
    }
    stmts.push(send_form(body, "form"));
    stmts
}

/// `form.send_in(&mut request, "multipart/form-data");`: the form in the local `form` as the
/// request's body, with its boundary in the `Content-Type`.
fn send_form(body: &Body, form: &str) -> syn::Stmt {
    let media = body.content_type.split(';').next().unwrap_or("").trim();
    let media = if media.contains('*') || !static_header_value(media) { "multipart/form-data" } else { media };
    let form = ident(form);
    syn::parse_quote!(#form.send_in(&mut request, #media);)
}

/// Whether the method takes the body's `Content-Type` from the caller: its media type is a
/// range, which is no content type to send.
pub(super) fn takes_content_type(body: &Body) -> bool {
    // A multipart body's type comes with its boundary (see `send_form`).
    body.content_type.contains('*') && body.kind != BodyKind::Multipart
}

/// `request.headers_mut().insert(CONTENT_TYPE, header); *request.body_mut() = Some(value);`
pub(super) fn set_body(header: syn::Expr, value: syn::Expr) -> Vec<syn::Stmt> {
    let body = syntax::deref(syntax::method(local("request"), "body_mut", Vec::new()));
    let value = syntax::call(&["Some"], vec![value]);
    vec![
        insert_header(syntax::path_expr(&["reqwest", "header", "CONTENT_TYPE"]), header),
        syntax::stmt(syntax::assign(body, value)),
    ]
}

/// `&[("name", FormStyle::..), ...]`: the properties whose `encoding` differs from the default.
pub(super) fn form_encoding(body: &Body, needs: &mut Needs) -> syn::Expr {
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
    needs.form_style |= !entries.is_empty();
    syn::parse_quote!(&[#(#entries),*])
}

/// How to get the text of a single value.
pub(super) enum Text {
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
pub(super) fn map_items(v: syn::Expr, call: fn(syn::Expr) -> syn::Expr) -> syn::Expr {
    let each = syntax::closure(vec![syntax::binding("v")], call(local("v")));
    syntax::method(syntax::method(v, "iter", Vec::new()), "map", vec![each])
}

/// The text of a single value of type `ty`; `None` for lists, objects and unions.
pub(super) fn text_of(api: &Api, ty: &TypeRef) -> Option<Text> {
    Some(match api.resolve(ty.strip_null().0) {
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
pub(super) fn list_text(api: &Api, ty: &TypeRef, v: syn::Expr, is_ref: bool) -> Option<syn::Expr> {
    Some(item_text(api, ty)?.list(v, is_ref))
}

/// A closure giving the `&str` text of a parameter value, through JSON for structured types.
pub(super) fn single_text<'a>(
    api: &'a Api,
    p: &'a Param,
    needs: &mut Needs,
) -> impl Fn(syn::Expr, bool) -> syn::Expr + 'a {
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
pub(super) fn with_value(p: &Param, build: impl FnOnce(syn::Expr, bool) -> syn::Stmt) -> syn::Stmt {
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
pub(super) fn item_text(api: &Api, ty: &TypeRef) -> Option<Text> {
    let TypeRef::Array(item) = api.resolve(ty.strip_null().0) else { return None };
    text_of(api, item)
}

/// Names of the locals a method body uses, which path parameters' locals must not shadow.
pub(super) const LOCALS: &[&str] = &["body", "cookies", "params", "path", "query", "raw", "request", "value"];

/// The statements putting the (encoded) text of a path parameter in the local `name`.
pub(super) fn path_value(api: &Api, p: &Param, name: &str, needs: &mut Needs) -> Vec<syn::Stmt> {
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
pub(super) fn query_push(api: &Api, p: &Param) -> syn::Stmt {
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
pub(super) fn header_param(api: &Api, p: &Param, needs: &mut Needs) -> syn::Stmt {
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
