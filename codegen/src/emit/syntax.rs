//! Builders of `syn` syntax trees, shaped as syn parses the same code, for the items the
//! emitters build directly instead of as tokens (which skips parsing them).

use proc_macro2::{Span, TokenStream};

use super::ident;

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
    let value = syn::Expr::Lit(syn::ExprLit {
        attrs: Vec::new(),
        lit: syn::Lit::Str(syn::LitStr::new(text, Span::call_site())),
    });
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
    lit(proc_macro2::Literal::string(text))
}

// Builders for statements and functions (client).

/// The pattern `name`, binding a value.
pub(crate) fn bind(name: &str) -> syn::Pat {
    binding(name, None)
}

/// The pattern `mut name`.
pub(crate) fn bind_mut(name: &str) -> syn::Pat {
    binding(name, Some(Default::default()))
}

fn binding(name: &str, mutability: Option<syn::Token![mut]>) -> syn::Pat {
    syn::Pat::Ident(syn::PatIdent { attrs: Vec::new(), by_ref: None, mutability, ident: ident(name), subpat: None })
}

/// The pattern `_`.
pub(crate) fn wild() -> syn::Pat {
    syn::Pat::Wild(syn::PatWild { attrs: Vec::new(), underscore_token: Default::default() })
}

/// The pattern `pat: ty`, as a `let` with a type annotation has it.
pub(crate) fn typed(pat: syn::Pat, ty: syn::Type) -> syn::Pat {
    syn::Pat::Type(pat_type(pat, ty))
}

fn pat_type(pat: syn::Pat, ty: syn::Type) -> syn::PatType {
    syn::PatType { attrs: Vec::new(), pat: Box::new(pat), colon_token: Default::default(), ty: Box::new(ty) }
}

/// The literal pattern `literal`.
pub(crate) fn lit_pat(literal: proc_macro2::Literal) -> syn::Pat {
    syn::Pat::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::new(literal) })
}

/// The pattern `lo..=hi`.
pub(crate) fn range_pat(lo: proc_macro2::Literal, hi: proc_macro2::Literal) -> syn::Pat {
    syn::Pat::Range(syn::ExprRange {
        attrs: Vec::new(),
        start: Some(Box::new(lit(lo))),
        limits: syn::RangeLimits::Closed(Default::default()),
        end: Some(Box::new(lit(hi))),
    })
}

/// The pattern `path(elems)`.
pub(crate) fn tuple_struct_pat(segments: &[&str], elems: Vec<syn::Pat>) -> syn::Pat {
    syn::Pat::TupleStruct(syn::PatTupleStruct {
        attrs: Vec::new(),
        qself: None,
        path: path(segments),
        paren_token: Default::default(),
        elems: elems.into_iter().collect(),
    })
}

/// The pattern `path { field: binding, .. }`, the fields not named ignored; a field bound to
/// its own name is written `field`.
pub(crate) fn struct_rest_pat(segments: &[&str], fields: &[(&str, &str)]) -> syn::Pat {
    let fields = fields.iter().map(|(name, binding)| syn::FieldPat {
        attrs: Vec::new(),
        member: syn::Member::Named(ident(name)),
        colon_token: (name != binding).then(Default::default),
        pat: Box::new(bind(binding)),
    });
    syn::Pat::Struct(syn::PatStruct {
        attrs: Vec::new(),
        qself: None,
        path: path(segments),
        brace_token: Default::default(),
        fields: fields.collect(),
        rest: Some(syn::PatRest { attrs: Vec::new(), dot2_token: Default::default() }),
    })
}

/// `let pat = init;`
pub(crate) fn let_(pat: syn::Pat, init: syn::Expr) -> syn::Stmt {
    syn::Stmt::Local(syn::Local {
        attrs: Vec::new(),
        let_token: Default::default(),
        pat,
        init: Some(syn::LocalInit { eq_token: Default::default(), expr: Box::new(init), diverge: None }),
        semi_token: Default::default(),
    })
}

/// `expr;`
pub(crate) fn semi(expr: syn::Expr) -> syn::Stmt {
    syn::Stmt::Expr(expr, Some(Default::default()))
}

/// `expr` as a statement without a semicolon: a block's value, or an `if` or `match`.
pub(crate) fn tail(expr: syn::Expr) -> syn::Stmt {
    syn::Stmt::Expr(expr, None)
}

/// `{ stmts }`.
pub(crate) fn block(stmts: Vec<syn::Stmt>) -> syn::Block {
    syn::Block { brace_token: Default::default(), stmts }
}

/// `expr?`.
pub(crate) fn try_(expr: syn::Expr) -> syn::Expr {
    syn::Expr::Try(syn::ExprTry { attrs: Vec::new(), expr: Box::new(expr), question_token: Default::default() })
}

/// `expr.await`.
pub(crate) fn await_(expr: syn::Expr) -> syn::Expr {
    syn::Expr::Await(syn::ExprAwait {
        attrs: Vec::new(),
        base: Box::new(expr),
        dot_token: Default::default(),
        await_token: Default::default(),
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

/// `expr.index`, a tuple field.
pub(crate) fn member_index(expr: syn::Expr, index: u32) -> syn::Expr {
    member_of(expr, syn::Member::Unnamed(syn::Index { index, span: Span::call_site() }))
}

fn member_of(expr: syn::Expr, member: syn::Member) -> syn::Expr {
    syn::Expr::Field(syn::ExprField { attrs: Vec::new(), base: Box::new(expr), dot_token: Default::default(), member })
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
        call.turbofish = Some(syn::AngleBracketedGenericArguments {
            colon2_token: Some(Default::default()),
            lt_token: Default::default(),
            args: types.into_iter().map(syn::GenericArgument::Type).collect(),
            gt_token: Default::default(),
        });
    }
    call
}

/// `|param| body`.
pub(crate) fn closure(param: syn::Pat, body: syn::Expr) -> syn::Expr {
    syn::Expr::Closure(syn::ExprClosure {
        attrs: Vec::new(),
        lifetimes: None,
        constness: None,
        movability: None,
        asyncness: None,
        capture: None,
        or1_token: Default::default(),
        inputs: std::iter::once(param).collect(),
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

/// `pat => body,`.
pub(crate) fn arm(pat: syn::Pat, body: syn::Expr) -> syn::Arm {
    syn::Arm {
        attrs: Vec::new(),
        pat,
        guard: None,
        fat_arrow_token: Default::default(),
        body: Box::new(body),
        comma: Some(Default::default()),
    }
}

/// `match expr { arms }`.
pub(crate) fn match_(expr: syn::Expr, arms: Vec<syn::Arm>) -> syn::Expr {
    syn::Expr::Match(syn::ExprMatch {
        attrs: Vec::new(),
        match_token: Default::default(),
        expr: Box::new(expr),
        brace_token: Default::default(),
        arms,
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

/// `true` or `false`.
pub(crate) fn bool_lit(value: bool) -> syn::Expr {
    syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::Bool(syn::LitBool::new(value, Span::call_site())) })
}

/// `&mut expr`.
pub(crate) fn mut_reference(expr: syn::Expr) -> syn::Expr {
    syn::Expr::Reference(syn::ExprReference {
        attrs: Vec::new(),
        and_token: Default::default(),
        mutability: Some(Default::default()),
        expr: Box::new(expr),
    })
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

/// `{ stmts }` as an expression (a match arm's body, say).
pub(crate) fn block_expr(stmts: Vec<syn::Stmt>) -> syn::Expr {
    syn::Expr::Block(syn::ExprBlock { attrs: Vec::new(), label: None, block: block(stmts) })
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

/// `&self`, a method's receiver.
pub(crate) fn ref_self() -> syn::FnArg {
    syn::FnArg::Receiver(syn::Receiver {
        attrs: Vec::new(),
        reference: Some((Default::default(), None)),
        mutability: None,
        self_token: Default::default(),
        colon_token: None,
        ty: Box::new(ref_type(named(&["Self"]))),
    })
}

/// `name: ty`, a function's argument.
pub(crate) fn arg(name: &str, ty: syn::Type) -> syn::FnArg {
    syn::FnArg::Typed(pat_type(bind(name), ty))
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

/// The type `_`, left to inference.
pub(crate) fn infer() -> syn::Type {
    syn::Type::Infer(syn::TypeInfer { underscore_token: Default::default() })
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

/// `fn name(inputs) -> output`.
pub(crate) fn signature(name: &str, inputs: Vec<syn::FnArg>, output: syn::Type) -> syn::Signature {
    syn::Signature {
        constness: None,
        asyncness: None,
        unsafety: None,
        abi: None,
        fn_token: Default::default(),
        ident: ident(name),
        generics: Default::default(),
        paren_token: Default::default(),
        inputs: inputs.into_iter().collect(),
        variadic: None,
        output: syn::ReturnType::Type(Default::default(), Box::new(output)),
    }
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
    syn::Item::Impl(syn::ItemImpl {
        attrs: Vec::new(),
        defaultness: None,
        unsafety: None,
        impl_token: Default::default(),
        generics: Default::default(),
        trait_: Some((None, path(trait_), Default::default())),
        self_ty: Box::new(ty),
        brace_token: Default::default(),
        items,
    })
}

/// `impl ty { items }`.
pub(crate) fn impl_type(ty: syn::Type, items: Vec<syn::ImplItem>) -> syn::Item {
    syn::Item::Impl(syn::ItemImpl {
        attrs: Vec::new(),
        defaultness: None,
        unsafety: None,
        impl_token: Default::default(),
        generics: Default::default(),
        trait_: None,
        self_ty: Box::new(ty),
        brace_token: Default::default(),
        items,
    })
}
