//! The server's validation schemas: one static per named type a request reaches and one per
//! pattern, printed as the generated crate's `src/server/schemas.rs`.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::emit::pattern::{self, Run};
use crate::emit::render::{ident, Chunk, Module};
use crate::emit::syntax;
use crate::ir::{Api, Constraints, Scalar, TypeId, TypeKind, TypeRef};
use crate::names::{self, Scope};

/// The validation schemas of the request side: one static per named type that a parameter
/// or request body reaches, and one per distinct `pattern`.
pub(super) struct Schemas<'a> {
    api: &'a Api,
    /// Static name of each reachable struct, enum or union, with the features that compile
    /// it (empty: always).
    statics: Vec<(TypeId, Ident, Vec<String>)>,
    /// Distinct patterns in order of first use, with their static names.
    patterns: Vec<(String, Ident)>,
    scope: Scope,
    /// Which of the runtime's schema types the expressions built since the last clear name.
    pub(super) used: BTreeSet<&'static str>,
}

impl<'a> Schemas<'a> {
    /// `routed`: [`Api::routed`].
    pub(super) fn new(api: &'a Api, routed: &[bool]) -> Self {
        // What the always-compiled operations reach, in one walk; each operation behind
        // features (a crate with tag features) walks on its own, so that a type's static is
        // compiled with the features of the operations that reach it.
        let mut always = vec![false; api.types.len()];
        let mut gated: Vec<Option<BTreeSet<&str>>> = vec![None; api.types.len()];
        // Only what the router serves: an operation it leaves out has no handler to check its input.
        for (op, _) in api.operations.iter().zip(routed).filter(|(_, routed)| **routed) {
            let mut own = Vec::new();
            let reached = if op.features.is_empty() {
                &mut always
            } else {
                own.resize(api.types.len(), false);
                &mut own
            };
            for p in &op.params {
                api.mark_reachable(&p.ty, reached);
            }
            // Every media type of the body, each checked against its own schema.
            for (_, b) in op.body.iter().flat_map(crate::ir::Body::media) {
                if let Some(ty) = crate::emit::multipart::checked_type(api, b) {
                    api.mark_reachable(ty, reached);
                }
            }
            for (index, _) in own.iter().enumerate().filter(|(_, r)| **r) {
                gated[index].get_or_insert_with(BTreeSet::new).extend(op.features.iter().map(String::as_str));
            }
        }
        let mut scope = Scope::default();
        // Sorted by type name (the order of `api.types`), so the output is stable.
        let statics = (0..api.types.len())
            .filter(|&index| always[index] || gated[index].is_some())
            .map(TypeId)
            .filter(|id| !matches!(api.type_def(*id).kind, TypeKind::Alias(_)))
            .map(|id| {
                let features = match &gated[id.0] {
                    Some(set) if !always[id.0] => set.iter().map(|f| (*f).to_owned()).collect(),
                    _ => Vec::new(),
                };
                (id, ident(&scope.claim(&names::constant(&api.type_def(id).name))), features)
            })
            .collect();
        Schemas { api, statics, patterns: Vec::new(), scope, used: BTreeSet::new() }
    }

    pub(super) fn static_name(&self, id: TypeId) -> Option<&Ident> {
        self.statics.iter().find(|(t, _, _)| *t == id).map(|(_, name, _)| name)
    }

    pub(super) fn pattern(&mut self, source: &str) -> Option<Ident> {
        // Only patterns that compile as ECMA-262 (Unicode mode) are checked; the spec's lint
        // is the place to catch the others.
        regress::Regex::with_flags(source, "u").ok()?;
        if let Some((_, name)) = self.patterns.iter().find(|(p, _)| p == source) {
            return Some(name.clone());
        }
        let name = ident(&self.scope.claim(&format!("PATTERN_{}", self.patterns.len() + 1)));
        self.patterns.push((source.to_string(), name.clone()));
        Some(name)
    }

    /// A `Schema` expression for a use of `ty` with the constraints written beside it;
    /// statics are named behind `prefix` (`schemas` outside the schemas module).
    pub(super) fn expr(&mut self, ty: &TypeRef, constraints: &Constraints, prefix: &[&str]) -> syn::Expr {
        self.expr_at(ty, constraints, prefix, 0)
    }

    pub(super) fn expr_at(&mut self, ty: &TypeRef, c: &Constraints, prefix: &[&str], depth: usize) -> syn::Expr {
        self.used.insert("Schema");
        let schema = |ctor: &str, args: Vec<syn::Expr>| syntax::call(&["Schema", ctor], args);
        let behind = |name: &Ident| {
            let name = name.to_string();
            let segments: Vec<&str> = prefix.iter().copied().chain([name.as_str()]).collect();
            syntax::reference(syntax::path_expr(&segments))
        };
        let int = |format: &str, used: &mut BTreeSet<&'static str>| {
            used.insert("IntFormat");
            schema("integer", vec![syntax::path_expr(&["IntFormat", format])])
        };
        let (inner, nullable) = ty.strip_null();
        let mut implied_format = None;
        let mut only_null = false;
        let mut expr = match inner {
            _ if depth > 32 => schema("any", Vec::new()),
            TypeRef::Named(id) => match (&self.api.type_def(*id).kind, self.static_name(*id)) {
                // The alias may itself be nullable.
                (TypeKind::Alias(target), _) => {
                    let target = target.clone();
                    self.expr_at(&target, &Constraints::default(), prefix, depth + 1)
                }
                (_, Some(name)) => schema("reference", vec![behind(name)]),
                (_, None) => schema("any", Vec::new()),
            },
            TypeRef::Scalar(s) => match s {
                Scalar::String => schema("string", Vec::new()),
                Scalar::Bool => schema("boolean", Vec::new()),
                Scalar::I32 => int("I32", &mut self.used),
                Scalar::I64 => int("I64", &mut self.used),
                Scalar::U32 => int("U32", &mut self.used),
                Scalar::U64 => int("U64", &mut self.used),
                Scalar::F32 | Scalar::F64 => schema("number", Vec::new()),
                Scalar::I8 => int("I8", &mut self.used),
                Scalar::I16 => int("I16", &mut self.used),
                Scalar::U8 => int("U8", &mut self.used),
                Scalar::U16 => int("U16", &mut self.used),
                // Strings whose format the type implies, checked as the runtime's `Format`.
                Scalar::DateTime | Scalar::Date | Scalar::Uuid | Scalar::Ipv4 | Scalar::Ipv6 | Scalar::Ip => {
                    implied_format = Some(match s {
                        Scalar::DateTime => "DateTime",
                        Scalar::Date => "Date",
                        Scalar::Uuid => "Uuid",
                        Scalar::Ipv4 => "Ipv4",
                        Scalar::Ipv6 => "Ipv6",
                        _ => "Ip",
                    });
                    schema("string", Vec::new())
                }
                // Base64 is checked by the typed read.
                Scalar::Bytes | Scalar::Binary => schema("string", Vec::new()),
                // Only `null`: any kind, but `null` alone is allowed (the `fixed` value below).
                Scalar::Null => {
                    only_null = true;
                    schema("any", Vec::new())
                }
            },
            TypeRef::Array(items) => {
                let items = self.expr_at(items, &Constraints::default(), prefix, depth + 1);
                schema("array", vec![syntax::reference(items)])
            }
            TypeRef::Map(values) => {
                let values = self.expr_at(values, &Constraints::default(), prefix, depth + 1);
                schema("map", vec![syntax::reference(values)])
            }
            // What a type of the caller's own accepts is its own business: it is read as it reads.
            TypeRef::Nullable(_) | TypeRef::Any | TypeRef::External(_) => schema("any", Vec::new()),
            TypeRef::Object => schema("any_object", Vec::new()),
        };
        let count = |n: u64| vec![syntax::lit(Literal::u64_unsuffixed(n))];
        let float = |n: f64| vec![syntax::lit(Literal::f64_unsuffixed(n))];
        let mut call = |name: &str, args: Vec<syn::Expr>| {
            let receiver = std::mem::replace(&mut expr, syn::Expr::Verbatim(TokenStream::new()));
            expr = syntax::method(receiver, name, args);
        };
        if nullable || only_null {
            call("nullable", Vec::new());
        }
        if only_null && c.fixed.is_none() {
            call("fixed", vec![syntax::string("null")]);
        }
        if let Some(n) = c.min_length {
            call("min_length", count(n));
        }
        if let Some(n) = c.max_length {
            call("max_length", count(n));
        }
        if let Some(name) = c.pattern.as_deref().and_then(|p| self.pattern(p)) {
            call("pattern", vec![behind(&name)]);
        }
        let format = match c.format.as_deref() {
            Some("date-time") => Some("DateTime"),
            Some("date") => Some("Date"),
            Some("email") => Some("Email"),
            Some("uuid") => Some("Uuid"),
            Some("uri") => Some("Uri"),
            Some("ipv4") => Some("Ipv4"),
            Some("ipv6") => Some("Ipv6"),
            Some("ip") => Some("Ip"),
            _ => None,
        }
        .or(implied_format);
        if let Some(f) = format {
            self.used.insert("Format");
            call("format", vec![syntax::path_expr(&["Format", f])]);
        }
        if let Some((n, exclusive)) = c.minimum {
            call(if exclusive { "exclusive_minimum" } else { "minimum" }, float(n));
        }
        if let Some((n, exclusive)) = c.maximum {
            call(if exclusive { "exclusive_maximum" } else { "maximum" }, float(n));
        }
        if let Some(n) = c.min_items {
            call("min_items", count(n));
        }
        if let Some(n) = c.max_items {
            call("max_items", count(n));
        }
        if let Some(n) = c.multiple_of {
            call("multiple_of", float(n));
        }
        if c.unique_items {
            call("unique_items", Vec::new());
        }
        // A struct's static checks its own member counts; a use of it repeats them (its
        // constraints follow the `$ref`), so only a bound of the use's own is added.
        let (own_min, own_max) = match inner {
            TypeRef::Named(id) => match &self.api.type_def(*id).kind {
                TypeKind::Struct(s) => (s.min_properties, s.max_properties),
                _ => (None, None),
            },
            _ => (None, None),
        };
        if let Some(n) = c.min_properties.filter(|n| own_min != Some(*n)) {
            call("min_properties", count(n));
        }
        if let Some(n) = c.max_properties.filter(|n| own_max != Some(*n)) {
            call("max_properties", count(n));
        }
        if let Some(json) = &c.fixed {
            call("fixed", vec![syntax::string(json)]);
        }
        if let Some(values) = &c.allowed {
            call("allowed", vec![syntax::reference(syntax::array(values.iter().map(|v| syntax::string(v)).collect()))]);
        }
        expr
    }

    /// The `schemas` module (`src/server/schemas.rs`): the statics of the named request types
    /// and the patterns, built as syntax trees; `None` when there are none.
    pub(super) fn module(&mut self) -> Option<Module<'static>> {
        // What the statics below use, for the `use` line (operations' uses are counted apart).
        self.used.clear();
        let mut items = Vec::new();
        for (id, name, features) in self.statics.clone() {
            let def = self.api.type_def(id);
            let body = match &def.kind {
                TypeKind::Struct(s) => {
                    let properties: Vec<syn::Expr> = s
                        .fields
                        .iter()
                        .map(|f| {
                            let schema = self.expr(&f.ty, &f.constraints, &[]);
                            let ctor = if f.required { "required" } else { "optional" };
                            syntax::call(&["Property", ctor], vec![syntax::string(&f.wire_name), schema])
                        })
                        .collect();
                    if !properties.is_empty() {
                        self.used.insert("Property");
                    }
                    let properties = syntax::reference(syntax::array(properties));
                    let mut body = match &s.additional {
                        Some(extra) => {
                            let extra = self.expr(extra, &Constraints::default(), &[]);
                            syntax::call(&["Schema", "object_with"], vec![properties, syntax::reference(extra)])
                        }
                        None => syntax::call(&["Schema", "object"], vec![properties]),
                    };
                    if s.closed {
                        body = syntax::method(body, "closed", Vec::new());
                    }
                    if let Some(n) = s.min_properties {
                        body = syntax::method(body, "min_properties", vec![syntax::lit(Literal::u64_unsuffixed(n))]);
                    }
                    if let Some(n) = s.max_properties {
                        body = syntax::method(body, "max_properties", vec![syntax::lit(Literal::u64_unsuffixed(n))]);
                    }
                    body
                }
                TypeKind::Enum(e) => {
                    let values = e.variants.iter().map(|v| syntax::string(&v.wire_name)).collect();
                    syntax::call(&["Schema", "enumeration"], vec![syntax::reference(syntax::array(values))])
                }
                TypeKind::Union(u) => {
                    let alternatives: Vec<syn::Expr> =
                        u.variants.iter().map(|v| self.expr(&v.ty, &Constraints::default(), &[])).collect();
                    match &u.discriminator {
                        Some(d) => {
                            self.used.insert("Variant");
                            let variants = u.variants.iter().zip(alternatives).map(|(v, schema)| {
                                let tags = v.tags.iter().map(|t| syntax::string(t)).collect();
                                syntax::call(&["Variant", "new"], vec![syntax::reference(syntax::array(tags)), schema])
                            });
                            let variants = syntax::reference(syntax::array(variants.collect()));
                            syntax::call(&["Schema", "tagged"], vec![syntax::string(&d.property), variants])
                        }
                        None => {
                            syntax::call(&["Schema", "one_of"], vec![syntax::reference(syntax::array(alternatives))])
                        }
                    }
                }
                TypeKind::Alias(_) => continue,
            };
            self.used.insert("Schema");
            let doc = format!(" [`{}`](crate::models::{}).", def.name, names::unraw(&def.name));
            let mut item = schema_static(&doc, name, "Schema", body);
            syntax::gate(std::slice::from_mut(&mut item), &features);
            items.push(item);
        }
        for (source, name) in &self.patterns {
            self.used.insert("Pattern");
            let doc = format!(" `{}`", source.replace('`', "\\`"));
            let source_lit = syntax::string(source);
            // A pattern that only repeats a character class is checked without the regex engine.
            let pattern = match pattern::run(source) {
                Some(Run { ranges, min, max }) => {
                    let ranges = ranges
                        .iter()
                        .map(|&(first, last)| {
                            syntax::tuple(vec![
                                syntax::lit(Literal::character(first)),
                                syntax::lit(Literal::character(last)),
                            ])
                        })
                        .collect();
                    let max = match max {
                        Some(max) => syntax::call(&["Some"], vec![syntax::lit(Literal::usize_unsuffixed(max))]),
                        None => syntax::path_expr(&["None"]),
                    };
                    let args = vec![
                        source_lit,
                        syntax::reference(syntax::array(ranges)),
                        syntax::lit(Literal::usize_unsuffixed(min)),
                        max,
                    ];
                    syntax::call(&["Pattern", "run"], args)
                }
                None => syntax::call(&["Pattern", "new"], vec![source_lit]),
            };
            items.push(schema_static(&doc, name.clone(), "Pattern", pattern));
        }
        if items.is_empty() {
            return None;
        }
        let uses = self.used.iter().map(|n| format_ident!("{n}"));
        // A pattern is kept whichever features are on.
        let gated = (!self.api.features.is_empty()).then(|| quote!(#![allow(dead_code, unused_imports)]));
        let head = quote! {
            //! Validation schemas of the request types, and the patterns they use.
            #gated

            use super::support::{#(#uses),*};
        };
        Some(Module { head, items: Box::new(std::iter::once(Chunk::Syntax(items))) })
    }
}

/// `pub(super) static NAME: Ty = expr;` with a one-line doc.
fn schema_static(doc: &str, name: Ident, ty: &str, expr: syn::Expr) -> syn::Item {
    syntax::static_item(vec![syntax::doc_attr(doc)], syntax::restricted("super"), name, syntax::named(&[ty]), expr)
}
