//! A `Stream` of every item of a limit/offset collection, page after page.

use proc_macro2::Literal;
use quote::quote;

use super::request::method_docs;
use super::shared::{local, Needs};
use crate::emit::render::ident;
use crate::emit::rust_type::qualified_syntax_type;
use crate::emit::syntax;
use crate::ir::{Api, Header, Operation, Param, ParamLocation, Response, Scalar, Status, TypeRef};

/// For a limit/offset collection: the `offset` parameter, the success response whose body is
/// the page (an array), and its total-count header if it documents one.
pub(super) struct Paging<'a> {
    offset: &'a Param,
    page: &'a Response,
    item: &'a TypeRef,
    total: Option<&'a Header>,
}

pub(super) fn paginated<'a>(api: &'a Api, op: &'a Operation) -> Option<Paging<'a>> {
    let int =
        |t: &TypeRef| matches!(api.resolve(t), TypeRef::Scalar(Scalar::I32 | Scalar::I64 | Scalar::U32 | Scalar::U64));
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
    let TypeRef::Array(item) = api.resolve(page.body.as_ref()?.typed()?) else { return None };
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
pub(super) fn stream(api: &Api, op: &Operation, needs: &mut Needs) -> Option<syn::ImplItem> {
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
