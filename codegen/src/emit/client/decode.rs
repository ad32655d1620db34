//! How the client reads a response: `impl ApiResponse` for each operation's response enum
//! (status, body and headers) and the retry header of a 429.

use proc_macro2::Literal;

use super::shared::Needs;
use crate::emit::render::ident;
use crate::emit::syntax;
use crate::ir::{Api, Body, BodyKind, Header, Operation, Response, Scalar, Status, TypeRef};

/// The headers that carry a retry time: `retry-after`, then any documented header named so.
pub(super) fn retry_headers(api: &Api) -> Vec<String> {
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

pub(super) fn is_retry_header(h: &Header) -> bool {
    h.wire_name.to_ascii_lowercase().contains("retry-after")
}

/// `impl ApiResponse` for an operation's response enum.
pub(super) fn api_response(api: &Api, op: &Operation, own_retry_headers: bool, needs: &mut Needs) -> syn::Item {
    needs.pick_media |= op.responses.iter().any(|r| r.body.as_ref().is_some_and(|b| b.choice.is_some()));
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
pub(super) fn status() -> syn::Expr {
    syntax::method(syntax::member(syntax::path_expr(&["raw"]), "status"), "as_u16", Vec::new())
}

/// The arm decoding `r`; none for a range whose every code has an arm of its own.
pub(super) fn decode_arm(api: &Api, r: &Response, codes: &[u16]) -> Option<syn::Arm> {
    let pattern = status_pattern(r, codes)?;
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

/// The statuses the arm for `r` takes; none for a range whose every code has an arm of its
/// own. `codes` are the operation's single codes.
pub(super) fn status_pattern(r: &Response, codes: &[u16]) -> Option<syn::Pat> {
    Some(match r.status {
        Status::Code(c) => syntax::pat_lit(Literal::u16_unsuffixed(c)),
        Status::Range(d) => range_pattern(u16::from(d) * 100, codes)?,
        Status::Default => syntax::wild(),
    })
}

/// The codes of the class starting at `first` (`200` for `2XX`) that no arm of their own
/// takes, as a pattern: `200..=299`, or `201..=299` beside an arm for 200 (ranges that
/// overlap an earlier arm are dead code, and clippy says so).
pub(super) fn range_pattern(first: u16, codes: &[u16]) -> Option<syn::Pat> {
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

/// How a body is read from `raw`, the whole response. A streamed body read so is the stream
/// of what arrived; a method whose answer may stream replaces it with the live body (see
/// [`streaming_tail`]).
pub(super) fn body_decode(b: &Body) -> syn::Expr {
    match &b.choice {
        Some(choice) => choice_decode(b, &choice.type_name),
        None => media_decode(b),
    }
}

/// How a body in its own media type (one variant of a choice) is read from `raw`.
fn media_decode(b: &Body) -> syn::Expr {
    let raw = syntax::path_expr(&["raw"]);
    match b.kind {
        BodyKind::Json => syntax::question(syntax::method(raw, "json", Vec::new())),
        BodyKind::Form | BodyKind::Text => {
            syntax::method(syntax::method(raw, "text", Vec::new()), "into_owned", Vec::new())
        }
        BodyKind::EventStream => syntax::method(raw, "event_stream", Vec::new()),
        BodyKind::Binary => syntax::method(raw, "byte_stream", Vec::new()),
        BodyKind::Multipart => syntax::method(syntax::member(raw, "body"), "clone", Vec::new()),
    }
}

/// A body offered in several media types, read as the one the answer's `Content-Type` names
/// (the body's own when it names none); another type is a decode error.
fn choice_decode(b: &Body, choice: &str) -> syn::Expr {
    let choice = ident(choice);
    let mut arms = Vec::new();
    for (i, (variant, media)) in b.media().enumerate() {
        let Some(variant) = variant else { continue };
        let variant = ident(variant);
        let read = media_decode(media);
        let i = Literal::usize_unsuffixed(i);
        arms.push(quote::quote!(Some(#i) => #choice::#variant(#read),));
    }
    let list = media_list(b);
    syn::parse_quote!({
        let media = raw.media_type();
        match pick_media(media, #list) {
            #(#arms)*
            _ => return Err(DecodeError::MediaType(media.to_owned())),
        }
    })
}

/// `&["application/json", "application/pdf"]`: the media types of a body, its own first.
fn media_list(b: &Body) -> syn::Expr {
    let types = b.media().map(|(_, m)| m.content_type.as_str());
    syn::parse_quote!(&[#(#types),*])
}

/// Whether some documented answer of `op` streams its body.
pub(super) fn streams(op: &Operation) -> bool {
    op.responses.iter().any(|r| r.body.as_ref().is_some_and(Body::streams))
}

/// `0 | 2..=4`: the indices (ascending) as a pattern, runs of neighbours as ranges (clippy
/// asks for them).
fn index_pattern(indices: &[usize]) -> syn::Pat {
    let mut parts: Vec<syn::Pat> = Vec::new();
    let mut rest = indices;
    while let [first, ..] = rest {
        let run = rest.windows(2).take_while(|w| w[1] == w[0] + 1).count();
        parts.push(if run == 0 {
            syntax::pat_lit(Literal::usize_unsuffixed(*first))
        } else {
            syntax::pat_range(Literal::usize_unsuffixed(*first), Literal::usize_unsuffixed(rest[run]))
        });
        rest = &rest[run + 1..];
    }
    match parts.len() {
        1 => parts.remove(0),
        _ => syntax::pat_or(parts),
    }
}

/// Whether a body in its own media type is a stream.
fn media_streams(b: &Body) -> bool {
    matches!(b.kind, BodyKind::Binary | BodyKind::EventStream)
}

/// The end of a method whose answer may stream: `decode_streaming(response, streams, attach)`,
/// where `streams` says by status (and, for a body offered in several media types, by the
/// answer's media type) whether the answer's body is a stream, and `attach` puts the live
/// body into the variant decoded from the status and headers.
pub(super) fn streaming_tail(op: &Operation) -> syn::Expr {
    let codes: Vec<u16> =
        op.responses.iter().filter_map(|r| if let Status::Code(c) = r.status { Some(c) } else { None }).collect();
    let streamed = |r: &Response| r.body.as_ref().is_some_and(Body::streams);
    let predicate: syn::Expr =
        if op.responses.iter().any(|r| r.body.as_ref().is_some_and(|b| b.choice.is_some() && b.streams())) {
            // By status, then by media type where the body offers several.
            let mut arms: Vec<syn::Arm> = Vec::new();
            for r in &op.responses {
                let Some(pattern) = status_pattern(r, &codes) else { continue };
                let cond: syn::Expr = match r.body.as_ref() {
                    Some(b) if b.choice.is_some() && b.streams() => {
                        let indices: Vec<usize> =
                            b.media().enumerate().filter(|(_, (_, m))| media_streams(m)).map(|(i, _)| i).collect();
                        let (list, indices) = (media_list(b), index_pattern(&indices));
                        syn::parse_quote!(matches!(pick_media(media, #list), Some(#indices)))
                    }
                    Some(b) => syntax::boolean(b.streams()),
                    None => syntax::boolean(false),
                };
                arms.push(syn::parse_quote!(#pattern => #cond,));
            }
            if !op.responses.iter().any(|r| r.status == Status::Default) {
                arms.push(syn::parse_quote!(_ => false,));
            }
            syn::parse_quote!(|status, media| match status { #(#arms)* })
        } else {
            let patterns = |yes: bool| -> Vec<syn::Pat> {
                op.responses.iter().filter(|r| streamed(r) == yes).filter_map(|r| status_pattern(r, &codes)).collect()
            };
            let default_streams = op.responses.iter().any(|r| r.status == Status::Default && streamed(r));
            if default_streams {
                match patterns(false) {
                    others if others.is_empty() => syn::parse_quote!(|_, _| true),
                    others => syn::parse_quote!(|status, _| !matches!(status, #(#others)|*)),
                }
            } else {
                let streaming = patterns(true);
                syn::parse_quote!(|status, _| matches!(status, #(#streaming)|*))
            }
        };
    // Every variant (and media type) that holds a stream, with the live stream it takes.
    let mut arms: Vec<(syn::Pat, syn::Expr)> = Vec::new();
    let mut places = 0;
    for r in &op.responses {
        let Some(b) = r.body.as_ref() else {
            places += 1;
            continue;
        };
        for (choice_variant, media) in b.media() {
            places += 1;
            if !media_streams(media) {
                continue;
            }
            let live: syn::Expr = match media.kind {
                BodyKind::EventStream => syn::parse_quote!(crate::runtime::EventStream::from_response(response)),
                _ => syn::parse_quote!(crate::runtime::ByteStream::from_response(response)),
            };
            // `Choice::Pdf(body)` in a field `body: ..`, or plain `body` (the shorthand).
            let (inner, field): (syn::Pat, proc_macro2::TokenStream) = match (&b.choice, choice_variant) {
                (Some(choice), Some(v)) => {
                    let path = syntax::path(&[choice.type_name.as_str(), v]);
                    (syn::parse_quote!(#path(body)), quote::quote!(body: #path(body)))
                }
                _ => (syn::parse_quote!(body), quote::quote!(body)),
            };
            let variant = syntax::path(&[op.response_type.as_str(), r.name.as_str()]);
            let pattern: syn::Pat = match (&r.type_name, r.status) {
                (Some(t), Status::Code(_)) => {
                    let t = ident(t);
                    syn::parse_quote!(#variant(#t { #field, .. }))
                }
                (Some(t), _) => {
                    let t = ident(t);
                    syn::parse_quote!(#variant { response: #t { #field, .. }, .. })
                }
                (None, Status::Code(_)) => syn::parse_quote!(#variant(#inner)),
                (None, _) => syn::parse_quote!(#variant { #field, .. }),
            };
            arms.push((pattern, live));
        }
    }
    // One arm is a `let` when it is the only place, else an `if let`; clippy asks for both.
    let attach: syn::Expr = match (arms.pop(), arms.is_empty()) {
        (Some((pattern, live)), true) if places == 1 => {
            syn::parse_quote!({
                let #pattern = decoded;
                *body = #live;
            })
        }
        (Some((pattern, live)), true) => syn::parse_quote!(if let #pattern = decoded { *body = #live; }),
        (last, _) => {
            arms.extend(last);
            let wild = (arms.len() < places).then(|| quote::quote!(_ => {}));
            let arms = arms.iter().map(|(pattern, live)| quote::quote!(#pattern => *body = #live,));
            syn::parse_quote!(match decoded { #(#arms)* #wild })
        }
    };
    syn::parse_quote!(decode_streaming(response, #predicate, |decoded, response| #attach).await)
}

/// The field of a typed response that holds the header `h`, and how it is read.
pub(super) fn header_decode<'a>(api: &Api, h: &'a Header) -> (&'a str, syn::Expr) {
    let wire = || syntax::string(&h.wire_name);
    let (ty, _) = h.ty.strip_null();
    let read = match api.resolve(ty) {
        TypeRef::Scalar(_) => "header",
        TypeRef::Array(item) if matches!(api.resolve(item), TypeRef::Scalar(_)) => "header_list",
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
pub(super) fn retry_arm(api: &Api, r: &Response, needs: &mut Needs) -> Option<syn::Arm> {
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
    let delay = match api.resolve(ty) {
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
    match api.resolve(ty) {
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
