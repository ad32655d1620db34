//! Builders of `syn` syntax trees, shaped as syn parses the same code, for the items the
//! emitters build directly instead of as tokens (which skips parsing them).

use proc_macro2::{Span, TokenStream};

use super::render::ident;

/// `pub`.
pub(crate) fn public() -> syn::Visibility {
    syn::Visibility::Public(Default::default())
}

/// `#[doc]` attributes for a doc string, one per line (what [`super::models::docs`] writes).
pub(crate) fn doc_attrs(text: Option<&str>) -> Vec<syn::Attribute> {
    let Some(text) = text else { return Vec::new() };
    text.lines().map(|l| doc_attr(&if l.is_empty() { String::new() } else { format!(" {}", l.trim_end()) })).collect()
}

/// One `#[doc = "text"]` attribute, the text as given.
pub(crate) fn doc_attr(text: &str) -> syn::Attribute {
    // A `Lit::Str`, which prettyplease prints as a `///` line.
    let value = syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::new(doc_literal(text)) });
    attribute(syn::Meta::NameValue(syn::MetaNameValue { path: path(&["doc"]), eq_token: Default::default(), value }))
}

/// `pub(scope)`.
pub(crate) fn restricted(scope: &str) -> syn::Visibility {
    syn::Visibility::Restricted(syn::VisRestricted {
        pub_token: Default::default(),
        paren_token: Default::default(),
        in_token: None,
        path: Box::new(path(&[scope])),
    })
}

/// `#[name(tokens)]`.
pub(crate) fn attr_list(name: &str, tokens: TokenStream) -> syn::Attribute {
    attribute(syn::Meta::List(syn::MetaList {
        path: path(&[name]),
        delimiter: syn::MacroDelimiter::Paren(Default::default()),
        tokens,
    }))
}

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", feature = "b"))]` for several;
/// `None` for no features (always compiled).
pub(crate) fn cfg_features(features: &[String]) -> Option<syn::Attribute> {
    let one = |f: &String| quote::quote!(feature = #f);
    match features {
        [] => None,
        [feature] => Some(attr_list("cfg", one(feature))),
        many => {
            let each = many.iter().map(one);
            Some(attr_list("cfg", quote::quote!(any(#(#each),*))))
        }
    }
}

/// Puts `#[cfg(..)]` for `features` (see [`cfg_features`]) on each item, after its doc comment.
pub(crate) fn gate(items: &mut [syn::Item], features: &[String]) {
    for item in items {
        if let (Some(attrs), Some(cfg)) = (item_attrs(item), cfg_features(features)) {
            insert_cfg(attrs, cfg);
        }
    }
}

/// Puts `#[cfg(..)]` for `features` on a method of an `impl` block.
pub(crate) fn gate_impl_item(mut item: syn::ImplItem, features: &[String]) -> syn::ImplItem {
    if let (syn::ImplItem::Fn(f), Some(cfg)) = (&mut item, cfg_features(features)) {
        insert_cfg(&mut f.attrs, cfg);
    }
    item
}

/// Puts `#[cfg(..)]` for `features` on a method of a trait.
pub(crate) fn gate_trait_item(mut item: syn::TraitItem, features: &[String]) -> syn::TraitItem {
    if let (syn::TraitItem::Fn(f), Some(cfg)) = (&mut item, cfg_features(features)) {
        insert_cfg(&mut f.attrs, cfg);
    }
    item
}

/// Puts `cfg` after the doc comment: an attribute above it would print a blank line between them.
fn insert_cfg(attrs: &mut Vec<syn::Attribute>, cfg: syn::Attribute) {
    let docs = attrs.iter().take_while(|a| a.path().is_ident("doc")).count();
    attrs.insert(docs, cfg);
}

/// The attributes of an item, for the kinds the emitters build.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Macro(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Union(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

fn attribute(meta: syn::Meta) -> syn::Attribute {
    syn::Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta,
    }
}

/// `pub name: ty`.
pub(crate) fn field(attrs: Vec<syn::Attribute>, name: proc_macro2::Ident, ty: syn::Type) -> syn::Field {
    syn::Field {
        attrs,
        vis: public(),
        mutability: syn::FieldMutability::None,
        ident: Some(name),
        colon_token: Some(Default::default()),
        ty,
    }
}

/// `pub struct name { fields }`.
pub(crate) fn strukt(attrs: Vec<syn::Attribute>, name: proc_macro2::Ident, fields: Vec<syn::Field>) -> syn::Item {
    syn::Item::Struct(syn::ItemStruct {
        attrs,
        vis: public(),
        struct_token: Default::default(),
        ident: name,
        generics: Default::default(),
        fields: syn::Fields::Named(syn::FieldsNamed {
            brace_token: Default::default(),
            named: fields.into_iter().collect(),
        }),
        semi_token: None,
    })
}

/// `pub enum name { variants }`.
pub(crate) fn enumeration(
    attrs: Vec<syn::Attribute>,
    name: proc_macro2::Ident,
    variants: Vec<syn::Variant>,
) -> syn::Item {
    syn::Item::Enum(syn::ItemEnum {
        attrs,
        vis: public(),
        enum_token: Default::default(),
        ident: name,
        generics: Default::default(),
        brace_token: Default::default(),
        variants: variants.into_iter().collect(),
    })
}

/// An enum variant: `name`, `name(types)` or `name { fields }`, as `fields` says.
pub(crate) fn variant(attrs: Vec<syn::Attribute>, name: proc_macro2::Ident, fields: syn::Fields) -> syn::Variant {
    syn::Variant { attrs, ident: name, fields, discriminant: None }
}

/// The fields of a tuple variant or struct: `(types)`.
pub(crate) fn unnamed(types: Vec<syn::Type>) -> syn::Fields {
    let field = |ty| syn::Field {
        attrs: Vec::new(),
        vis: syn::Visibility::Inherited,
        mutability: syn::FieldMutability::None,
        ident: None,
        colon_token: None,
        ty,
    };
    syn::Fields::Unnamed(syn::FieldsUnnamed {
        paren_token: Default::default(),
        unnamed: types.into_iter().map(field).collect(),
    })
}

/// The fields of a struct variant, `{ name: ty }` (not `pub`: a variant's fields cannot be).
pub(crate) fn named_fields(fields: Vec<(proc_macro2::Ident, syn::Type)>) -> syn::Fields {
    let field = |(name, ty)| syn::Field {
        attrs: Vec::new(),
        vis: syn::Visibility::Inherited,
        mutability: syn::FieldMutability::None,
        ident: Some(name),
        colon_token: Some(Default::default()),
        ty,
    };
    syn::Fields::Named(syn::FieldsNamed {
        brace_token: Default::default(),
        named: fields.into_iter().map(field).collect(),
    })
}

/// `a::b!(tokens);`
pub(crate) fn macro_call(segments: &[&str], tokens: TokenStream) -> syn::Item {
    syn::Item::Macro(syn::ItemMacro {
        attrs: Vec::new(),
        ident: None,
        mac: syn::Macro {
            path: path(segments),
            bang_token: Default::default(),
            delimiter: syn::MacroDelimiter::Paren(Default::default()),
            tokens,
        },
        semi_token: Some(Default::default()),
    })
}

/// The path `a::b` of `segments`.
pub(crate) fn path(segments: &[&str]) -> syn::Path {
    syn::Path { leading_colon: None, segments: segments.iter().map(|s| syn::PathSegment::from(ident(s))).collect() }
}

/// The type at path `segments`.
pub(crate) fn named(segments: &[&str]) -> syn::Type {
    syn::Type::Path(syn::TypePath { qself: None, path: path(segments) })
}

/// The type at path `segments` with type arguments `args`.
pub(crate) fn generic(segments: &[&str], args: Vec<syn::Type>) -> syn::Type {
    let mut path = path(segments);
    if let Some(last) = path.segments.last_mut() {
        last.arguments = syn::PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
            colon2_token: None,
            lt_token: Default::default(),
            args: args.into_iter().map(syn::GenericArgument::Type).collect(),
            gt_token: Default::default(),
        });
    }
    syn::Type::Path(syn::TypePath { qself: None, path })
}

/// The path `segments` as an expression.
pub(crate) fn path_expr(segments: &[&str]) -> syn::Expr {
    syn::Expr::Path(syn::ExprPath { attrs: Vec::new(), qself: None, path: path(segments) })
}

/// `path(args)`.
pub(crate) fn call(segments: &[&str], args: Vec<syn::Expr>) -> syn::Expr {
    syn::Expr::Call(syn::ExprCall {
        attrs: Vec::new(),
        func: Box::new(path_expr(segments)),
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

/// `receiver.name(args)`.
pub(crate) fn method(receiver: syn::Expr, name: &str, args: Vec<syn::Expr>) -> syn::Expr {
    syn::Expr::MethodCall(syn::ExprMethodCall {
        attrs: Vec::new(),
        receiver: Box::new(receiver),
        dot_token: Default::default(),
        method: ident(name),
        turbofish: None,
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

/// `&expr`.
pub(crate) fn reference(expr: syn::Expr) -> syn::Expr {
    syn::Expr::Reference(syn::ExprReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        mutability: None,
        expr: Box::new(expr),
    })
}

/// `[elems]`.
pub(crate) fn array(elems: Vec<syn::Expr>) -> syn::Expr {
    syn::Expr::Array(syn::ExprArray {
        attrs: Vec::new(),
        bracket_token: Default::default(),
        elems: elems.into_iter().collect(),
    })
}

/// `(elems)`.
pub(crate) fn tuple(elems: Vec<syn::Expr>) -> syn::Expr {
    syn::Expr::Tuple(syn::ExprTuple {
        attrs: Vec::new(),
        paren_token: Default::default(),
        elems: elems.into_iter().collect(),
    })
}

/// A literal.
pub(crate) fn lit(literal: proc_macro2::Literal) -> syn::Expr {
    syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::new(literal) })
}

/// A string literal.
pub(crate) fn string(text: &str) -> syn::Expr {
    // Kept as the token (printed as it is): `syn::Lit::new` would read the whole text back
    // only to learn that it has no suffix.
    syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::Verbatim(string_literal(text)) })
}

/// The literal token for a doc comment's `text`: a raw string (`r#"text"#`), which syn and
/// prettyplease read back by slicing where an escaped one is decoded a character at a time
/// (doc comments are most of the text emitted). The comment printed is the same either way.
/// Tabs become four spaces (clippy denies tabs in doc comments; Markdown reads both alike).
pub(crate) fn doc_literal(text: &str) -> proc_macro2::Literal {
    let expanded;
    let text = if text.contains('\t') {
        expanded = text.replace('\t', "    ");
        expanded.as_str()
    } else {
        text
    };
    if text.contains('\r') {
        // A raw string may hold a carriage return only before a line feed.
        return string_literal(text);
    }
    // Enough `#`s that no `"` in the text closes the string early.
    let hashes = text
        .match_indices('"')
        .map(|(at, _)| 1 + text[at + 1..].bytes().take_while(|&b| b == b'#').count())
        .max()
        .unwrap_or(0);
    let fence = "#".repeat(hashes);
    format!("r{fence}\"{text}\"{fence}").parse().unwrap_or_else(|_| string_literal(text))
}

/// The string literal token for `text`, escaped exactly as `proc_macro2::Literal::string`
/// escapes it (its text is printed as it is), but copying runs of printable ASCII whole: its
/// escape, a character at a time, was a tenth of all generation work.
pub(crate) fn string_literal(text: &str) -> proc_macro2::Literal {
    let mut repr = String::with_capacity(text.len() + 2);
    repr.push('"');
    let mut plain_from = 0;
    let mut at = 0;
    while let Some(offset) =
        text.as_bytes()[at..].iter().position(|&b| !(b' '..=b'~').contains(&b) || b == b'"' || b == b'\\')
    {
        let i = at + offset;
        repr.push_str(&text[plain_from..i]);
        // `i` is where a character starts: every byte before it was ASCII, or a whole
        // character skipped below.
        let Some(c) = text[i..].chars().next() else { break };
        at = i + c.len_utf8();
        plain_from = at;
        if c == '\0' {
            // As proc-macro2 writes it: `\0` followed by a digit would read as an octal escape.
            let digit_next = text[at..].starts_with(|n: char| ('0'..='7').contains(&n));
            repr.push_str(if digit_next { r"\x00" } else { r"\0" });
        } else {
            repr.extend(c.escape_debug());
        }
    }
    repr.push_str(&text[plain_from..]);
    repr.push('"');
    // The text is a valid literal by construction; should the lexer still refuse it, the
    // slow escape gives the same token.
    repr.parse().unwrap_or_else(|_| proc_macro2::Literal::string(text))
}

// Builders for patterns, statements, expressions and functions.

/// `name::<args>` as an expression (a function named with its type arguments).
pub(crate) fn turbofish(name: proc_macro2::Ident, args: Vec<syn::Type>) -> syn::Expr {
    let mut segment = syn::PathSegment::from(name);
    segment.arguments = syn::PathArguments::AngleBracketed(angle_bracketed(Some(Default::default()), args));
    syn::Expr::Path(syn::ExprPath { attrs: Vec::new(), qself: None, path: syn::Path::from(segment) })
}

/// The variable, constant or function `name` as an expression.
pub(crate) fn name_expr(name: proc_macro2::Ident) -> syn::Expr {
    syn::Expr::Path(syn::ExprPath { attrs: Vec::new(), qself: None, path: syn::Path::from(name) })
}

/// `receiver.name::<types>(args)`.
pub(crate) fn method_turbofish(
    receiver: syn::Expr,
    name: &str,
    types: Vec<syn::Type>,
    args: Vec<syn::Expr>,
) -> syn::Expr {
    let mut call = method(receiver, name, args);
    if let syn::Expr::MethodCall(call) = &mut call {
        call.turbofish = Some(angle_bracketed(Some(Default::default()), types));
    }
    call
}

fn angle_bracketed(colon2_token: Option<syn::Token![::]>, args: Vec<syn::Type>) -> syn::AngleBracketedGenericArguments {
    syn::AngleBracketedGenericArguments {
        colon2_token,
        lt_token: Default::default(),
        args: args.into_iter().map(syn::GenericArgument::Type).collect(),
        gt_token: Default::default(),
    }
}

/// The inferred type `_`.
pub(crate) fn infer() -> syn::Type {
    syn::Type::Infer(syn::TypeInfer { underscore_token: Default::default() })
}

/// `impl Future<Output = output> + Send`.
pub(crate) fn impl_future(output: syn::Type) -> syn::Type {
    impl_bounds(vec![assoc_bound(&["Future"], "Output", output), bound(&["Send"])])
}

/// `true` or `false`.
pub(crate) fn boolean(value: bool) -> syn::Expr {
    syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::Bool(syn::LitBool::new(value, Span::call_site())) })
}

/// `&mut expr`.
pub(crate) fn reference_mut(expr: syn::Expr) -> syn::Expr {
    syn::Expr::Reference(syn::ExprReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        mutability: Some(Default::default()),
        expr: Box::new(expr),
    })
}

/// `expr?`.
pub(crate) fn question(expr: syn::Expr) -> syn::Expr {
    syn::Expr::Try(syn::ExprTry { attrs: Vec::new(), expr: Box::new(expr), question_token: Default::default() })
}

/// `expr.await`.
pub(crate) fn awaited(expr: syn::Expr) -> syn::Expr {
    syn::Expr::Await(syn::ExprAwait {
        attrs: Vec::new(),
        base: Box::new(expr),
        dot_token: Default::default(),
        await_token: Default::default(),
    })
}

/// `async { stmts }`.
pub(crate) fn async_block(stmts: Vec<syn::Stmt>) -> syn::Expr {
    syn::Expr::Async(syn::ExprAsync {
        attrs: Vec::new(),
        async_token: Default::default(),
        capture: None,
        block: block(stmts),
    })
}

/// `{ stmts }`.
pub(crate) fn block(stmts: Vec<syn::Stmt>) -> syn::Block {
    syn::Block { brace_token: Default::default(), stmts }
}

/// The pattern binding `name`.
pub(crate) fn binding(name: &str) -> syn::Pat {
    syn::Pat::Ident(syn::PatIdent {
        attrs: Vec::new(),
        by_ref: None,
        mutability: None,
        ident: ident(name),
        subpat: None,
    })
}

/// The pattern binding `mut name`.
pub(crate) fn binding_mut(name: &str) -> syn::Pat {
    let mut pat = binding(name);
    if let syn::Pat::Ident(pat) = &mut pat {
        pat.mutability = Some(Default::default());
    }
    pat
}

/// The pattern `_`.
pub(crate) fn wild() -> syn::Pat {
    syn::Pat::Wild(syn::PatWild { attrs: Vec::new(), underscore_token: Default::default() })
}

/// The pattern `(elems)`.
pub(crate) fn pat_tuple(elems: Vec<syn::Pat>) -> syn::Pat {
    syn::Pat::Tuple(syn::PatTuple {
        attrs: Vec::new(),
        paren_token: Default::default(),
        elems: elems.into_iter().collect(),
    })
}

/// The pattern `a::B` (a unit variant or constant).
pub(crate) fn pat_path(segments: &[&str]) -> syn::Pat {
    syn::Pat::Path(syn::ExprPath { attrs: Vec::new(), qself: None, path: path(segments) })
}

/// The pattern `a::B(elems)`.
pub(crate) fn pat_tuple_struct(segments: &[&str], elems: Vec<syn::Pat>) -> syn::Pat {
    syn::Pat::TupleStruct(syn::PatTupleStruct {
        attrs: Vec::new(),
        qself: None,
        path: path(segments),
        paren_token: Default::default(),
        elems: elems.into_iter().collect(),
    })
}

/// `let pat = init;`.
pub(crate) fn let_stmt(pat: syn::Pat, init: syn::Expr) -> syn::Stmt {
    syn::Stmt::Local(syn::Local {
        attrs: Vec::new(),
        let_token: Default::default(),
        pat,
        init: Some(syn::LocalInit { eq_token: Default::default(), expr: Box::new(init), diverge: None }),
        semi_token: Default::default(),
    })
}

/// `expr;`.
pub(crate) fn stmt(expr: syn::Expr) -> syn::Stmt {
    syn::Stmt::Expr(expr, Some(Default::default()))
}

/// `expr` ending a block, its value.
pub(crate) fn tail(expr: syn::Expr) -> syn::Stmt {
    syn::Stmt::Expr(expr, None)
}

/// `match expr { arms }`.
pub(crate) fn match_expr(expr: syn::Expr, arms: Vec<syn::Arm>) -> syn::Expr {
    syn::Expr::Match(syn::ExprMatch {
        attrs: Vec::new(),
        match_token: Default::default(),
        expr: Box::new(expr),
        brace_token: Default::default(),
        arms,
    })
}

/// `pat => body,`, or `pat => { .. }` without the comma when the body is a block.
pub(crate) fn arm(pat: syn::Pat, body: syn::Expr) -> syn::Arm {
    let comma = (!matches!(body, syn::Expr::Block(_))).then(Default::default);
    syn::Arm { attrs: Vec::new(), pat, guard: None, fat_arrow_token: Default::default(), body: Box::new(body), comma }
}

/// `{ stmts }` as an expression.
pub(crate) fn block_expr(stmts: Vec<syn::Stmt>) -> syn::Expr {
    syn::Expr::Block(syn::ExprBlock { attrs: Vec::new(), label: None, block: block(stmts) })
}

/// The receiver `&self`.
pub(crate) fn self_ref() -> syn::FnArg {
    syn::FnArg::Receiver(syn::Receiver {
        attrs: Vec::new(),
        reference: Some((Default::default(), None)),
        mutability: None,
        self_token: Default::default(),
        colon_token: None,
        ty: Box::new(syn::Type::Reference(syn::TypeReference {
            and_token: Default::default(),
            lifetime: None,
            mutability: None,
            elem: Box::new(named(&["Self"])),
        })),
    })
}

/// The receiver `self`.
pub(crate) fn self_value() -> syn::FnArg {
    syn::FnArg::Receiver(syn::Receiver {
        attrs: Vec::new(),
        reference: None,
        mutability: None,
        self_token: Default::default(),
        colon_token: None,
        ty: Box::new(named(&["Self"])),
    })
}

/// The parameter `pat: ty`.
pub(crate) fn arg(pat: syn::Pat, ty: syn::Type) -> syn::FnArg {
    syn::FnArg::Typed(syn::PatType {
        attrs: Vec::new(),
        pat: Box::new(pat),
        colon_token: Default::default(),
        ty: Box::new(ty),
    })
}

/// `fn name(inputs) -> output`; no return type for `None`.
pub(crate) fn signature(
    name: proc_macro2::Ident,
    inputs: Vec<syn::FnArg>,
    output: Option<syn::Type>,
) -> syn::Signature {
    syn::Signature {
        constness: None,
        asyncness: None,
        unsafety: None,
        abi: None,
        fn_token: Default::default(),
        ident: name,
        generics: Default::default(),
        paren_token: Default::default(),
        inputs: inputs.into_iter().collect(),
        variadic: None,
        output: match output {
            Some(ty) => syn::ReturnType::Type(Default::default(), Box::new(ty)),
            None => syn::ReturnType::Default,
        },
    }
}

/// `<name: bound>`, one bounded type parameter.
pub(crate) fn type_param(name: &str, bound: &str) -> syn::Generics {
    syn::Generics {
        lt_token: Some(Default::default()),
        params: std::iter::once(syn::GenericParam::Type(syn::TypeParam {
            attrs: Vec::new(),
            ident: ident(name),
            colon_token: Some(Default::default()),
            bounds: std::iter::once(self::bound(&[bound])).collect(),
            eq_token: None,
            default: None,
        }))
        .collect(),
        gt_token: Some(Default::default()),
        where_clause: None,
    }
}

/// A function item.
pub(crate) fn fn_item(
    attrs: Vec<syn::Attribute>,
    vis: syn::Visibility,
    sig: syn::Signature,
    stmts: Vec<syn::Stmt>,
) -> syn::Item {
    syn::Item::Fn(syn::ItemFn { attrs, vis, sig, block: Box::new(block(stmts)) })
}

/// A method of a trait, declared without a body.
pub(crate) fn trait_fn(attrs: Vec<syn::Attribute>, sig: syn::Signature) -> syn::TraitItem {
    syn::TraitItem::Fn(syn::TraitItemFn { attrs, sig, default: None, semi_token: Some(Default::default()) })
}

/// `vis static NAME: ty = expr;`.
pub(crate) fn static_item(
    attrs: Vec<syn::Attribute>,
    vis: syn::Visibility,
    name: proc_macro2::Ident,
    ty: syn::Type,
    expr: syn::Expr,
) -> syn::Item {
    syn::Item::Static(syn::ItemStatic {
        attrs,
        vis,
        static_token: Default::default(),
        mutability: syn::StaticMutability::None,
        ident: name,
        colon_token: Default::default(),
        ty: Box::new(ty),
        eq_token: Default::default(),
        expr: Box::new(expr),
        semi_token: Default::default(),
    })
}

/// The pattern `pat: ty`, as a `let` with a type annotation has it.
pub(crate) fn pat_typed(pat: syn::Pat, ty: syn::Type) -> syn::Pat {
    syn::Pat::Type(pat_type(pat, ty))
}

fn pat_type(pat: syn::Pat, ty: syn::Type) -> syn::PatType {
    syn::PatType { attrs: Vec::new(), pat: Box::new(pat), colon_token: Default::default(), ty: Box::new(ty) }
}

/// The literal pattern `literal`.
pub(crate) fn pat_lit(literal: proc_macro2::Literal) -> syn::Pat {
    syn::Pat::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::new(literal) })
}

/// The pattern `lo..=hi`.
pub(crate) fn pat_range(lo: proc_macro2::Literal, hi: proc_macro2::Literal) -> syn::Pat {
    syn::Pat::Range(syn::ExprRange {
        attrs: Vec::new(),
        start: Some(Box::new(lit(lo))),
        limits: syn::RangeLimits::Closed(Default::default()),
        end: Some(Box::new(lit(hi))),
    })
}

/// The pattern `a | b | ..`.
pub(crate) fn pat_or(cases: Vec<syn::Pat>) -> syn::Pat {
    syn::Pat::Or(syn::PatOr { attrs: Vec::new(), leading_vert: None, cases: cases.into_iter().collect() })
}

/// The pattern `a::B { member: binding }`, each member bound to a variable (written `member`
/// alone when the variable has its name), and `..` after them when `rest`.
pub(crate) fn pat_struct(segments: &[&str], fields: &[(&str, &str)], rest: bool) -> syn::Pat {
    let fields = fields.iter().map(|(name, bound)| syn::FieldPat {
        attrs: Vec::new(),
        member: syn::Member::Named(ident(name)),
        colon_token: (name != bound).then(Default::default),
        pat: Box::new(binding(bound)),
    });
    syn::Pat::Struct(syn::PatStruct {
        attrs: Vec::new(),
        qself: None,
        path: path(segments),
        brace_token: Default::default(),
        fields: fields.collect(),
        rest: rest.then(|| syn::PatRest { attrs: Vec::new(), dot2_token: Default::default() }),
    })
}

/// `return expr`.
pub(crate) fn return_(expr: syn::Expr) -> syn::Expr {
    syn::Expr::Return(syn::ExprReturn {
        attrs: Vec::new(),
        return_token: Default::default(),
        expr: Some(Box::new(expr)),
    })
}

/// `expr.name`.
pub(crate) fn member(expr: syn::Expr, name: &str) -> syn::Expr {
    member_of(expr, syn::Member::Named(ident(name)))
}

fn member_of(expr: syn::Expr, member: syn::Member) -> syn::Expr {
    syn::Expr::Field(syn::ExprField { attrs: Vec::new(), base: Box::new(expr), dot_token: Default::default(), member })
}

/// `|params| body`.
pub(crate) fn closure(params: Vec<syn::Pat>, body: syn::Expr) -> syn::Expr {
    syn::Expr::Closure(syn::ExprClosure {
        attrs: Vec::new(),
        lifetimes: None,
        constness: None,
        movability: None,
        asyncness: None,
        capture: None,
        or1_token: Default::default(),
        inputs: params.into_iter().collect(),
        or2_token: Default::default(),
        output: syn::ReturnType::Default,
        body: Box::new(body),
    })
}

/// `path { name: value, .. }`, each field with its value; a field whose value is the local of
/// the same name is written `name`.
pub(crate) fn struct_expr(segments: &[&str], fields: Vec<(&str, syn::Expr)>) -> syn::Expr {
    let fields = fields.into_iter().map(|(name, expr)| {
        let shorthand = matches!(&expr, syn::Expr::Path(local) if local.path.is_ident(name));
        syn::FieldValue {
            attrs: Vec::new(),
            member: syn::Member::Named(ident(name)),
            colon_token: (!shorthand).then(Default::default),
            expr,
        }
    });
    syn::Expr::Struct(syn::ExprStruct {
        attrs: Vec::new(),
        qself: None,
        path: path(segments),
        brace_token: Default::default(),
        fields: fields.collect(),
        dot2_token: None,
        rest: None,
    })
}

/// `if cond { stmts }`.
pub(crate) fn if_(cond: syn::Expr, stmts: Vec<syn::Stmt>) -> syn::Expr {
    syn::Expr::If(syn::ExprIf {
        attrs: Vec::new(),
        if_token: Default::default(),
        cond: Box::new(cond),
        then_branch: block(stmts),
        else_branch: None,
    })
}

/// `if let pat = expr { stmts }`.
pub(crate) fn if_let(pat: syn::Pat, expr: syn::Expr, stmts: Vec<syn::Stmt>) -> syn::Expr {
    let cond = syn::Expr::Let(syn::ExprLet {
        attrs: Vec::new(),
        let_token: Default::default(),
        pat: Box::new(pat),
        eq_token: Default::default(),
        expr: Box::new(expr),
    });
    if_(cond, stmts)
}

/// `*expr`.
pub(crate) fn deref(expr: syn::Expr) -> syn::Expr {
    unary(syn::UnOp::Deref(Default::default()), expr)
}

/// `!expr`.
pub(crate) fn not(expr: syn::Expr) -> syn::Expr {
    unary(syn::UnOp::Not(Default::default()), expr)
}

fn unary(op: syn::UnOp, expr: syn::Expr) -> syn::Expr {
    syn::Expr::Unary(syn::ExprUnary { attrs: Vec::new(), op, expr: Box::new(expr) })
}

/// `left = right`.
pub(crate) fn assign(left: syn::Expr, right: syn::Expr) -> syn::Expr {
    syn::Expr::Assign(syn::ExprAssign {
        attrs: Vec::new(),
        left: Box::new(left),
        eq_token: Default::default(),
        right: Box::new(right),
    })
}

/// `a::b!(tokens)` as an expression.
pub(crate) fn macro_expr(segments: &[&str], tokens: TokenStream) -> syn::Expr {
    syn::Expr::Macro(syn::ExprMacro {
        attrs: Vec::new(),
        mac: syn::Macro {
            path: path(segments),
            bang_token: Default::default(),
            delimiter: syn::MacroDelimiter::Paren(Default::default()),
            tokens,
        },
    })
}

/// `left + right`.
pub(crate) fn add(left: syn::Expr, right: syn::Expr) -> syn::Expr {
    binary(left, syn::BinOp::Add(Default::default()), right)
}

/// `left >= right`.
pub(crate) fn ge(left: syn::Expr, right: syn::Expr) -> syn::Expr {
    binary(left, syn::BinOp::Ge(Default::default()), right)
}

/// `left || right`.
pub(crate) fn or(left: syn::Expr, right: syn::Expr) -> syn::Expr {
    binary(left, syn::BinOp::Or(Default::default()), right)
}

fn binary(left: syn::Expr, op: syn::BinOp, right: syn::Expr) -> syn::Expr {
    syn::Expr::Binary(syn::ExprBinary { attrs: Vec::new(), left: Box::new(left), op, right: Box::new(right) })
}

/// `expr as ty`.
pub(crate) fn cast(expr: syn::Expr, ty: syn::Type) -> syn::Expr {
    syn::Expr::Cast(syn::ExprCast {
        attrs: Vec::new(),
        expr: Box::new(expr),
        as_token: Default::default(),
        ty: Box::new(ty),
    })
}

/// `loop { stmts }`.
pub(crate) fn loop_(stmts: Vec<syn::Stmt>) -> syn::Expr {
    syn::Expr::Loop(syn::ExprLoop {
        attrs: Vec::new(),
        label: None,
        loop_token: Default::default(),
        body: block(stmts),
    })
}

/// `async move { stmts }`.
pub(crate) fn async_move(stmts: Vec<syn::Stmt>) -> syn::Expr {
    syn::Expr::Async(syn::ExprAsync {
        attrs: Vec::new(),
        async_token: Default::default(),
        capture: Some(Default::default()),
        block: block(stmts),
    })
}

/// `#[name]`.
pub(crate) fn attr_path(name: &str) -> syn::Attribute {
    attribute(syn::Meta::Path(path(&[name])))
}

/// The type `&ty`.
pub(crate) fn ref_type(ty: syn::Type) -> syn::Type {
    syn::Type::Reference(syn::TypeReference {
        and_token: Default::default(),
        lifetime: None,
        mutability: None,
        elem: Box::new(ty),
    })
}

/// The type `impl bounds`, bounds joined by `+`.
pub(crate) fn impl_bounds(bounds: Vec<syn::TypeParamBound>) -> syn::Type {
    syn::Type::ImplTrait(syn::TypeImplTrait { impl_token: Default::default(), bounds: bounds.into_iter().collect() })
}

/// The bound `path`, a trait.
pub(crate) fn bound(segments: &[&str]) -> syn::TypeParamBound {
    bound_on(path(segments))
}

/// The bound `path<Name = ty>`, a trait with its associated type `name`.
pub(crate) fn assoc_bound(segments: &[&str], name: &str, ty: syn::Type) -> syn::TypeParamBound {
    let mut path = path(segments);
    if let Some(last) = path.segments.last_mut() {
        let assoc = syn::AssocType { ident: ident(name), generics: None, eq_token: Default::default(), ty };
        last.arguments = syn::PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
            colon2_token: None,
            lt_token: Default::default(),
            args: std::iter::once(syn::GenericArgument::AssocType(assoc)).collect(),
            gt_token: Default::default(),
        });
    }
    bound_on(path)
}

fn bound_on(path: syn::Path) -> syn::TypeParamBound {
    syn::TypeParamBound::Trait(syn::TraitBound {
        paren_token: None,
        modifier: syn::TraitBoundModifier::None,
        lifetimes: None,
        path,
    })
}

/// The bound `'name`, a lifetime.
pub(crate) fn lifetime_bound(name: &str) -> syn::TypeParamBound {
    syn::TypeParamBound::Lifetime(syn::Lifetime::new(&format!("'{name}"), Span::call_site()))
}

/// A function of an `impl` block: `attrs vis sig { stmts }`.
pub(crate) fn impl_fn(
    attrs: Vec<syn::Attribute>,
    vis: syn::Visibility,
    sig: syn::Signature,
    stmts: Vec<syn::Stmt>,
) -> syn::ImplItem {
    syn::ImplItem::Fn(syn::ImplItemFn { attrs, vis, defaultness: None, sig, block: block(stmts) })
}

/// `impl Trait for ty { items }`.
pub(crate) fn impl_trait(trait_: &[&str], ty: syn::Type, items: Vec<syn::ImplItem>) -> syn::Item {
    item_impl(Some(path(trait_)), ty, items)
}

/// `impl ty { items }`.
pub(crate) fn impl_type(ty: syn::Type, items: Vec<syn::ImplItem>) -> syn::Item {
    item_impl(None, ty, items)
}

fn item_impl(trait_: Option<syn::Path>, ty: syn::Type, items: Vec<syn::ImplItem>) -> syn::Item {
    syn::Item::Impl(syn::ItemImpl {
        attrs: Vec::new(),
        defaultness: None,
        unsafety: None,
        impl_token: Default::default(),
        generics: Default::default(),
        trait_: trait_.map(|path| (None, path, Default::default())),
        self_ty: Box::new(ty),
        brace_token: Default::default(),
        items,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn doc_literals_read_back_as_their_text() {
        let texts = [
            "",
            " plain",
            " a \"quoted\" word",
            " a quote then hashes: \"# and \"### and \"",
            " ends with a quote\"",
            " back\\slash, tab\t, nul \0",
            " a carriage\rreturn",
            " accents: café; emoji: 🦀",
        ];
        for text in texts {
            let syn::Lit::Str(lit) = syn::Lit::new(super::doc_literal(text)) else {
                panic!("{text:?} did not make a string literal");
            };
            assert_eq!(lit.value(), text.replace('\t', "    "), "tabs are expanded");
        }
    }

    #[test]
    fn string_literals_are_escaped_as_proc_macro2_escapes_them() {
        let texts = [
            "",
            "plain text, with 'quotes' and punctuation: ~!@#$%^&*()_+-=[]{};:,./<>?",
            "a \"quoted\" word and a back\\slash",
            "tabs\tand\nnew lines\r\n",
            "nul \0 then a digit \x001 and \x009",
            "bell \x07, escape \x1b, delete \x7f",
            "accents: café, naïve; CJK: 顧客; emoji: 🦀",
            "a combining mark: e\u{301}, alone: \u{301}",
            "zero width: \u{200b}\u{feff}, line separator: \u{2028}",
        ];
        for text in texts {
            assert_eq!(
                super::string_literal(text).to_string(),
                proc_macro2::Literal::string(text).to_string(),
                "{text:?}"
            );
        }
    }
}
