//! Builders of `syn` syntax trees, shaped as syn parses the same code, for the items the
//! emitters build directly instead of as tokens (which skips parsing them).

use proc_macro2::TokenStream;

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
    // A `Lit::Str`, which prettyplease prints as a `///` line.
    let value = syn::Expr::Lit(syn::ExprLit { attrs: Vec::new(), lit: syn::Lit::new(string_literal(text)) });
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

/// The string literal token for `text`, escaped exactly as `proc_macro2::Literal::string`
/// escapes it, but copying runs of printable ASCII whole: its escape, a character at a time,
/// was a tenth of all generation work (doc comments are most of the text emitted).
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

#[cfg(test)]
mod tests {
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
