//! The models module: one Rust type per named type of the IR.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::docs;
use crate::emit::render::{ident, Chunk, Module};
use crate::emit::rust_type::qualified_syntax_type;
use crate::emit::syntax;
use crate::ir::{Api, Enum, Field, Struct, TypeDef, TypeKind, TypeRef, Union};
use crate::names::Scope;

/// Which imports the emitted items need.
#[derive(Default)]
struct Uses {
    map: bool,
    nullable: bool,
    /// Structs or enums, implemented with the `json` macros.
    json: bool,
    /// Unions, which derive serde's traits.
    serde: bool,
}

impl Uses {
    fn of<'a>(types: impl IntoIterator<Item = &'a TypeDef>) -> Uses {
        let mut uses = Uses::default();
        for def in types {
            match &def.kind {
                TypeKind::Struct(s) => {
                    uses.json = true;
                    uses.map |= s.additional.is_some() || s.fields.iter().any(|f| uses_map(&f.ty));
                    uses.nullable |= s.fields.iter().any(|f| !f.required && f.ty.strip_null().1);
                }
                TypeKind::Union(u) => {
                    uses.serde = true;
                    uses.map |= u.variants.iter().any(|v| uses_map(&v.ty));
                }
                TypeKind::Alias(t) => uses.map |= uses_map(t),
                TypeKind::Enum(_) => uses.json = true,
            }
        }
        uses
    }

    /// The `use` lines.
    fn tokens(&self) -> TokenStream {
        let serde_use = self.serde.then(|| {
            quote!(
                use serde::{Deserialize, Serialize};
            )
        });
        let json_use = self.json.then(|| {
            quote!(
                use crate::runtime::json;
            )
        });
        let map_use = self.map.then(|| {
            quote!(
                use std::collections::BTreeMap;
            )
        });
        let nullable_use = self.nullable.then(|| {
            quote!(
                use crate::Nullable;
            )
        });
        quote!(#serde_use #json_use #map_use #nullable_use)
    }
}

/// Above this many types, the models are split into one file per initial letter.
///
/// rustc compiles a module into one unit of machine code; with thousands of types in one
/// module, that unit alone took half a gigabyte of the compiler's peak memory on
/// Rebilly's API. Each file is a module of its own, re-exported whole, so paths stay
/// `models::Name`.
const SPLIT_ABOVE: usize = 256;

/// The models of one file of a split models module: the types whose names start with one letter.
pub(crate) struct Group<'a> {
    /// The module's name: the lowercase initial, or `other`.
    pub(crate) module: String,
    pub(crate) types: Vec<&'a TypeDef>,
}

/// The groups the models are split into, in module order, or `None` for one `models.rs`.
pub(crate) fn groups(api: &Api) -> Option<Vec<Group<'_>>> {
    if api.types.len() <= SPLIT_ABOVE {
        return None;
    }
    let mut groups: std::collections::BTreeMap<String, Vec<&TypeDef>> = std::collections::BTreeMap::new();
    for def in &api.types {
        groups.entry(group_of(&def.name)).or_default().push(def);
    }
    Some(groups.into_iter().map(|(module, types)| Group { module, types }).collect())
}

fn group_of(type_name: &str) -> String {
    match type_name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => c.to_ascii_lowercase().to_string(),
        _ => "other".into(),
    }
}

/// `src/models.rs`: every type, or (for a split module) the list of files it re-exports.
pub(crate) fn models<'a>(api: &'a Api, groups: Option<&[Group<'_>]>) -> Module<'a> {
    let docs = quote! {
        //! Data types: one for every schema of the API, request and response views apart.
        //!
        //! A schema with `readOnly` or `writeOnly` members gives two types: `Name`, as the server
        //! sends it (no writeOnly members), and `NameRequest`, as a client sends it (no readOnly ones).
        //!
        //! Structs and enums get `Serialize` and `Deserialize` from the `json::object!` and
        //! `json::enumeration!` lines after them, which list each member's name on the wire.
    };
    // Unions hold whole objects side by side, and variant names repeat the schemas' names.
    let allow = quote!(#![allow(clippy::large_enum_variant, clippy::enum_variant_names)]);
    if let Some(groups) = groups {
        let count = format!(
            " The {} types live in one file per initial letter (`models/c.rs` holds the types whose names start with `C`), all re-exported here, so that rustc compiles them in less memory.",
            api.types.len()
        );
        let modules: Vec<_> = groups.iter().map(|g| ident(&g.module)).collect();
        // A file whose types are all behind features left off re-exports nothing.
        let gated = super::gated_imports(api);
        let head = quote! {
            #docs
            //!
            #![doc = #count]
            #allow
            #gated

            #(mod #modules;)*

            #(pub use self::#modules::*;)*
        };
        return head.into();
    }
    let uses = Uses::of(&api.types).tokens();
    let gated = super::gated_imports(api);
    let head = quote! {
        #docs
        #allow
        #gated

        #uses
    };
    Module { head, items: Box::new(api.types.iter().map(|def| type_def(api, def).gated(&def.features))) }
}

/// `src/models/<letter>.rs` of a split models module.
pub(crate) fn group<'a>(api: &'a Api, group: &Group<'a>) -> Module<'a> {
    let doc = format!(" Models whose names start with `{}`.", group.module.to_uppercase());
    let doc = if group.module == "other" { " Models whose names start with neither letter.".to_string() } else { doc };
    let uses = Uses::of(group.types.iter().copied()).tokens();
    // Types of the other files come in through the parent's re-exports.
    let siblings = refers_outside(api, group).then(|| {
        quote!(
            use super::*;
        )
    });
    let gated = super::gated_imports(api);
    let head = quote! {
        #![doc = #doc]
        #![allow(clippy::large_enum_variant, clippy::enum_variant_names)]
        #gated

        #uses
        #siblings
    };
    let types = group.types.clone();
    Module { head, items: Box::new(types.into_iter().map(|def| type_def(api, def).gated(&def.features))) }
}

/// Whether a type of `group` holds a type of another group.
fn refers_outside(api: &Api, group: &Group<'_>) -> bool {
    fn outside(api: &Api, ty: &TypeRef, module: &str) -> bool {
        match ty {
            TypeRef::Named(id) => group_of(&api.type_def(*id).name) != module,
            TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => outside(api, t, module),
            TypeRef::Scalar(_) | TypeRef::Object | TypeRef::Any | TypeRef::External(_) => false,
        }
    }
    let module = group.module.as_str();
    group.types.iter().any(|def| match &def.kind {
        TypeKind::Struct(s) => {
            s.fields.iter().any(|f| outside(api, &f.ty, module))
                || s.additional.as_ref().is_some_and(|t| outside(api, t, module))
        }
        TypeKind::Union(u) => u.variants.iter().any(|v| outside(api, &v.ty, module)),
        TypeKind::Alias(t) => outside(api, t, module),
        TypeKind::Enum(_) => false,
    })
}

fn uses_map(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Map(_) => true,
        TypeRef::Array(t) | TypeRef::Nullable(t) => uses_map(t),
        _ => false,
    }
}

/// A type of the models: structs, enums and aliases as syntax trees built here (they are most
/// of the models, and skipping their parse is a good part of formatting time); unions, with
/// their hand-written `Deserialize`, as tokens.
fn type_def(api: &Api, def: &TypeDef) -> Chunk {
    let name = ident(&def.name);
    let docs = syntax::doc_attrs(def.docs.as_deref());
    match &def.kind {
        TypeKind::Struct(s) => Chunk::Syntax(strukt(api, docs, name, s)),
        TypeKind::Enum(e) => Chunk::Syntax(enumeration(docs, name, e)),
        TypeKind::Union(u) => Chunk::Tokens(union(api, &self::docs(def.docs.as_deref()), &name, u)),
        TypeKind::Alias(t) => Chunk::Syntax(vec![syn::Item::Type(syn::ItemType {
            attrs: docs,
            vis: syntax::public(),
            type_token: Default::default(),
            ident: name,
            generics: Default::default(),
            eq_token: Default::default(),
            ty: Box::new(syntax_type(api, t)),
            semi_token: Default::default(),
        })]),
    }
}

fn strukt(api: &Api, mut attrs: Vec<syn::Attribute>, name: proc_macro2::Ident, s: &Struct) -> Vec<syn::Item> {
    let mut fields: Vec<syn::Field> = s.fields.iter().map(|f| field(api, f)).collect();
    let wire = s.fields.iter().map(|f| {
        let name = ident(&f.name);
        let kind = match (f.required, f.ty.strip_null().1) {
            (true, false) => quote!(required),
            (true, true) => quote!(required_nullable),
            (false, false) => quote!(optional),
            (false, true) => quote!(nullable),
        };
        let wire = &f.wire_name;
        quote!(#name: #kind #wire,)
    });
    let mut extra_list = None;
    if let Some(extra) = &s.additional {
        let mut scope = Scope::with_reserved(s.fields.iter().map(|f| f.name.as_str()));
        let extra_name = ident(&scope.claim("additional_properties"));
        let map = syntax::generic(&["BTreeMap"], vec![syntax::named(&["String"]), syntax_type(api, extra)]);
        fields.push(syntax::field(syntax::doc_attrs(Some("Members not listed above.")), extra_name.clone(), map));
        extra_list = Some(quote!(..#extra_name));
    }
    let all_optional = s.fields.iter().all(|f| !f.required);
    let default = all_optional.then(|| quote!(Default,));
    attrs.push(syntax::attr_list("derive", quote!(Clone, Debug, #default PartialEq)));
    let json = syntax::macro_call(&["json", "object"], quote!(#name { #(#wire)* #extra_list }));
    vec![syntax::strukt(attrs, name, fields), json]
}

fn field(api: &Api, f: &Field) -> syn::Field {
    let mut doc_text = f.docs.clone();
    // An `enum` of numbers (or other non-strings) keeps its Rust type: say what it allows.
    if let Some(values) = &f.constraints.allowed {
        let list = values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
        let line = format!("One of {list}.");
        doc_text = Some(match doc_text {
            Some(d) => format!("{d}\n\n{line}"),
            None => line,
        });
    }
    if f.deprecated {
        doc_text = Some(match doc_text {
            Some(d) => format!("{d}\n\nDeprecated."),
            None => "Deprecated.".into(),
        });
    }
    let (inner, nullable) = f.ty.strip_null();
    let mut ty = syntax_type(api, inner);
    if f.boxed {
        ty = syntax::generic(&["Box"], vec![ty]);
    }
    let ty = match (f.required, nullable) {
        (true, false) => ty,
        (true, true) | (false, false) => syntax::generic(&["Option"], vec![ty]),
        (false, true) => syntax::generic(&["Nullable"], vec![ty]),
    };
    syntax::field(syntax::doc_attrs(doc_text.as_deref()), ident(&f.name), ty)
}

fn enumeration(mut attrs: Vec<syn::Attribute>, name: proc_macro2::Ident, e: &Enum) -> Vec<syn::Item> {
    let mut variants: Vec<syn::Variant> =
        e.variants.iter().map(|v| syntax::variant(Vec::new(), ident(&v.name), syn::Fields::Unit)).collect();
    let wire = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire_name;
        quote!(#vname = #wire,)
    });
    let other = ident(&e.unknown_variant);
    variants.push(syntax::variant(
        syntax::doc_attrs(Some("A value this version of the API did not list, kept as sent.")),
        other.clone(),
        syntax::unnamed(vec![syntax::named(&["String"])]),
    ));
    attrs.push(syntax::attr_list("derive", quote!(Clone, Debug, PartialEq, Eq, Hash)));
    // Old code already keeps a value it does not know (the catch-all): a value a later
    // version lists is a new variant that code matching the enum must not be broken by.
    attrs.push(syntax::attr_path("non_exhaustive"));
    let json = syntax::macro_call(&["json", "enumeration"], quote!(#name { #(#wire)* ..#other }));
    vec![syntax::enumeration(attrs, name, variants), json]
}

/// The Rust type for a use of a type, inside the models module.
fn syntax_type(api: &Api, ty: &TypeRef) -> syn::Type {
    qualified_syntax_type(api, ty, &[])
}

fn union(api: &Api, docs: &TokenStream, name: &proc_macro2::Ident, u: &Union) -> TokenStream {
    let variant_ty = |v: &crate::ir::UnionVariant| {
        let t = syntax_type(api, &v.ty);
        if v.boxed {
            syntax::generic(&["Box"], vec![t])
        } else {
            t
        }
    };
    let variants = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let t = variant_ty(v);
        let tags = (!v.tags.is_empty()).then(|| {
            let list = v.tags.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
            let text = format!(" Selected by {list}.");
            quote!(#[doc = #text])
        });
        quote!(#tags #vname(#t),)
    });
    let Some(d) = &u.discriminator else {
        return quote! {
            #docs
            #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#variants)*
            }
        };
    };
    let other = ident(&d.unknown_variant);
    let property = &d.property;
    let arms = u.variants.iter().filter(|v| !v.tags.is_empty()).map(|v| {
        let vname = ident(&v.name);
        let tags = &v.tags;
        let wrap = if v.boxed { quote!(|v| Self::#vname(Box::new(v))) } else { quote!(Self::#vname) };
        quote!(Some(#(#tags)|*) => serde_json::from_value(value).map(#wrap).map_err(D::Error::custom),)
    });
    let doc = format!(" Chosen by the `{property}` member; a value with a tag not listed here is kept whole.");
    quote! {
        #docs
        #[doc = ""]
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value whose tag this version of the API did not list.
            #other(serde_json::Value),
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                let value = serde_json::Value::deserialize(deserializer)?;
                let tag = value.get(#property).and_then(serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => Ok(Self::#other(value)),
                }
            }
        }
    }
}
