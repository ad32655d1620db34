//! The public Rust API of a generated crate, read off its source with `syn`, as comparable
//! data: what code written against the crate can name, and so what a change can break.
//!
//! The generated source is the truth here, not the IR: whatever the emitters did (names
//! claimed against collisions, derives dropped for streamed bodies, a body that became an
//! enum), this sees what a consumer sees. [`crate::compat::compare_crates`] judges two of them
//! by Rust's semver rules, the rules `cargo-semver-checks` applies.

use std::collections::BTreeMap;

use quote::ToTokens;
use serde::Serialize;

/// Every public item of a crate, by path (`models::Customer`, `client::Client::get_customer`,
/// `impl Clone for models::Customer`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RustApi {
    /// Items by path.
    pub items: BTreeMap<String, Item>,
    /// The `use` items of each module (by path), as written: the names its types are
    /// written with, for code that writes them again elsewhere.
    pub uses: BTreeMap<String, Vec<String>>,
}

/// The fields of a struct-like variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Shape {
    /// `V`.
    Unit,
    /// `V(T, U)`: the types.
    Tuple(Vec<String>),
    /// `V { a: T }`: names and types.
    Named(Vec<(String, String)>),
}

impl Shape {
    fn of(fields: &syn::Fields) -> Shape {
        match fields {
            syn::Fields::Unit => Shape::Unit,
            syn::Fields::Unnamed(f) => Shape::Tuple(f.unnamed.iter().map(|f| text(&f.ty)).collect()),
            syn::Fields::Named(f) => Shape::Named(
                f.named
                    .iter()
                    .map(|f| (f.ident.as_ref().map_or_else(String::new, ToString::to_string), text(&f.ty)))
                    .collect(),
            ),
        }
    }
}

impl std::fmt::Display for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shape::Unit => write!(f, "no fields"),
            Shape::Tuple(types) => write!(f, "({})", types.join(", ")),
            Shape::Named(fields) => {
                let fields: Vec<String> = fields.iter().map(|(n, t)| format!("{n}: {t}")).collect();
                write!(f, "{{ {} }}", fields.join(", "))
            }
        }
    }
}

/// One public item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Item {
    /// A struct: its public fields by name (`0`, `1` for a tuple struct) with their types.
    Struct {
        /// Field types by field name.
        fields: BTreeMap<String, String>,
        /// Whether code outside the crate can build it with a literal (every field public,
        /// no `#[non_exhaustive]`): then a new field breaks it.
        constructible: bool,
    },
    /// An enum: its variants with their fields.
    Enum {
        /// Each variant's fields.
        variants: BTreeMap<String, Shape>,
        /// Whether code outside the crate may match it without a wildcard (no
        /// `#[non_exhaustive]`): then a new variant breaks it.
        exhaustive: bool,
    },
    /// A function or method, by its signature.
    Fn {
        /// The signature, without attributes.
        signature: String,
    },
    /// A trait: its methods, each with its signature and whether it has a default body.
    Trait {
        /// Method signatures and whether each has a default.
        methods: BTreeMap<String, (String, bool)>,
        /// Associated types, with their bounds.
        types: BTreeMap<String, String>,
    },
    /// A type alias, a constant or a static: its type.
    Alias {
        /// The type it stands for (or holds).
        ty: String,
    },
    /// A trait implemented (or derived) for a public type.
    Impl,
    /// A public re-export: what it names.
    Reexport {
        /// The path re-exported.
        target: String,
    },
}

/// A file of the crate that could not be read as Rust.
#[derive(Debug)]
pub struct Unreadable {
    /// The file, relative to the crate.
    pub file: String,
    /// Why.
    pub error: syn::Error,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is not Rust that syn can read: {}", self.file, self.error)
    }
}

impl RustApi {
    /// The public API of the crate whose files (relative paths such as `src/lib.rs`, and
    /// their text) are `files`: what `src/lib.rs` makes reachable through public modules.
    pub fn of(files: &BTreeMap<String, String>) -> Result<RustApi, Unreadable> {
        let mut api = RustApi::default();
        if let Some(text) = files.get("src/lib.rs") {
            let file = parse("src/lib.rs", text)?;
            api.module(files, &file.items, "", "src", true)?;
        }
        Ok(api)
    }

    /// Reads the items of the module at `path` (`""` for the root), whose child files live
    /// under `dir`; `public` says whether the module is reachable from outside the crate.
    fn module(
        &mut self,
        files: &BTreeMap<String, String>,
        items: &[syn::Item],
        path: &str,
        dir: &str,
        public: bool,
    ) -> Result<(), Unreadable> {
        let join = |name: &str| if path.is_empty() { name.to_owned() } else { format!("{path}::{name}") };
        // Private modules whose items this one re-exports whole (`pub use self::a::*;`, as the
        // models of a big spec are split): their items are seen at this module's path.
        let globbed: Vec<String> = items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Use(u) if is_pub(&u.vis) => Some(uses(&u.tree, "")),
                _ => None,
            })
            .flatten()
            .filter_map(|(name, _)| Some(name.strip_prefix("self::")?.strip_suffix("::*")?.to_owned()))
            .collect();
        let written = items.iter().filter_map(|item| match item {
            syn::Item::Use(u) => Some(text(&u.tree)),
            _ => None,
        });
        self.uses.entry(path.to_owned()).or_default().extend(written);
        for item in items {
            match item {
                syn::Item::Mod(m) => {
                    let name = m.ident.to_string();
                    let transparent = globbed.contains(&name);
                    let inner_public = public && (is_pub(&m.vis) || transparent) && !cfg_test(&m.attrs);
                    let child_dir = format!("{dir}/{name}");
                    let child_path = if transparent { path.to_owned() } else { join(&name) };
                    match &m.content {
                        Some((_, inner)) => self.module(files, inner, &child_path, &child_dir, inner_public)?,
                        // Only public modules are API; a private one's files are not read.
                        None if inner_public => {
                            let candidates = [format!("{dir}/{name}.rs"), format!("{dir}/{name}/mod.rs")];
                            if let Some((file, text)) =
                                candidates.iter().find_map(|f| files.get(f).map(|text| (f, text)))
                            {
                                let parsed = parse(file, text)?;
                                self.module(files, &parsed.items, &child_path, &child_dir, true)?;
                            }
                        }
                        None => {}
                    }
                }
                _ if !public => {}
                syn::Item::Struct(s) if is_pub(&s.vis) => {
                    let all_pub = s.fields.iter().all(|f| is_pub(&f.vis));
                    let fields = s
                        .fields
                        .iter()
                        .enumerate()
                        .filter(|(_, f)| is_pub(&f.vis))
                        .map(|(i, f)| {
                            (f.ident.as_ref().map_or_else(|| i.to_string(), ToString::to_string), text(&f.ty))
                        })
                        .collect();
                    let constructible = all_pub && !non_exhaustive(&s.attrs);
                    let name = join(&s.ident.to_string());
                    self.derives(&s.attrs, &name);
                    self.items.insert(name, Item::Struct { fields, constructible });
                }
                syn::Item::Enum(e) if is_pub(&e.vis) => {
                    let variants = e.variants.iter().map(|v| (v.ident.to_string(), Shape::of(&v.fields))).collect();
                    let name = join(&e.ident.to_string());
                    self.derives(&e.attrs, &name);
                    self.items.insert(name, Item::Enum { variants, exhaustive: !non_exhaustive(&e.attrs) });
                }
                syn::Item::Fn(f) if is_pub(&f.vis) => {
                    self.items.insert(join(&f.sig.ident.to_string()), Item::Fn { signature: text(&f.sig) });
                }
                syn::Item::Trait(t) if is_pub(&t.vis) => {
                    let methods = t
                        .items
                        .iter()
                        .filter_map(|i| match i {
                            syn::TraitItem::Fn(f) => {
                                Some((f.sig.ident.to_string(), (text(&f.sig), f.default.is_some())))
                            }
                            _ => None,
                        })
                        .collect();
                    let types = t
                        .items
                        .iter()
                        .filter_map(|i| match i {
                            syn::TraitItem::Type(ty) => Some((ty.ident.to_string(), text(&ty.bounds))),
                            _ => None,
                        })
                        .collect();
                    self.items.insert(join(&t.ident.to_string()), Item::Trait { methods, types });
                }
                syn::Item::Type(t) if is_pub(&t.vis) => {
                    self.items.insert(join(&t.ident.to_string()), Item::Alias { ty: text(&t.ty) });
                }
                syn::Item::Const(c) if is_pub(&c.vis) => {
                    self.items.insert(join(&c.ident.to_string()), Item::Alias { ty: text(&c.ty) });
                }
                syn::Item::Static(s) if is_pub(&s.vis) => {
                    self.items.insert(join(&s.ident.to_string()), Item::Alias { ty: text(&s.ty) });
                }
                syn::Item::Use(u) if is_pub(&u.vis) => {
                    for (name, target) in uses(&u.tree, "") {
                        if !name.ends_with("::*") {
                            self.items.insert(join(&name), Item::Reexport { target });
                        }
                    }
                }
                syn::Item::Impl(i) => self.impl_block(i, path),
                _ => {}
            }
        }
        Ok(())
    }

    /// The traits derived for the type at `name`, each an implementation of its own.
    fn derives(&mut self, attrs: &[syn::Attribute], name: &str) {
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            let Ok(list) =
                attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            else {
                continue;
            };
            for derived in list {
                self.items.insert(format!("impl {} for {name}", text(&derived)), Item::Impl);
            }
        }
    }

    /// The public methods of an inherent `impl`, and a trait `impl` itself, of a type named
    /// by a plain path (generic impls, such as `impl<A: Api>`, are not public API here).
    fn impl_block(&mut self, block: &syn::ItemImpl, path: &str) {
        let syn::Type::Path(self_ty) = &*block.self_ty else { return };
        let Some(last) = self_ty.path.segments.last() else { return };
        if !block.generics.params.is_empty() && block.trait_.is_none() {
            return;
        }
        let ty = if path.is_empty() { last.ident.to_string() } else { format!("{path}::{}", last.ident) };
        match &block.trait_ {
            Some((_, trait_path, _)) => {
                self.items.insert(format!("impl {} for {ty}", text(trait_path)), Item::Impl);
            }
            None => {
                for item in &block.items {
                    if let syn::ImplItem::Fn(f) = item {
                        if is_pub(&f.vis) {
                            let name = format!("{ty}::{}", f.sig.ident);
                            self.items.insert(name, Item::Fn { signature: text(&f.sig) });
                        }
                    }
                }
            }
        }
    }
}

fn parse(file: &str, text: &str) -> Result<syn::File, Unreadable> {
    syn::parse_file(text).map_err(|error| Unreadable { file: file.to_owned(), error })
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

/// `#[cfg(test)]`: not part of the crate a consumer builds.
fn cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("cfg") && a.meta.to_token_stream().to_string().contains("test"))
}

/// Tokens as text, for comparison (spacing as `proc_macro2` prints it: stable for one input).
fn text(tokens: &impl ToTokens) -> String {
    tokens.to_token_stream().to_string()
}

/// The names a `pub use` tree brings in, with the paths they stand for.
fn uses(tree: &syn::UseTree, prefix: &str) -> Vec<(String, String)> {
    let join = |name: &str| if prefix.is_empty() { name.to_owned() } else { format!("{prefix}::{name}") };
    match tree {
        syn::UseTree::Path(p) => uses(&p.tree, &join(&p.ident.to_string())),
        syn::UseTree::Name(n) => vec![(n.ident.to_string(), join(&n.ident.to_string()))],
        syn::UseTree::Rename(r) => vec![(r.rename.to_string(), join(&r.ident.to_string()))],
        syn::UseTree::Glob(_) => vec![(format!("{prefix}::*"), join("*"))],
        syn::UseTree::Group(g) => g.items.iter().flat_map(|t| uses(t, prefix)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(files: &[(&str, &str)]) -> RustApi {
        let files = files.iter().map(|(f, t)| (f.to_string(), t.to_string())).collect();
        RustApi::of(&files).expect("Rust")
    }

    #[test]
    fn public_items_of_public_modules_are_read() {
        let api = api(&[
            ("src/lib.rs", "pub mod models; mod hidden; pub use models::Pet as Animal;"),
            ("src/models.rs", "mod a; pub use self::a::*;"),
            (
                "src/models/a.rs",
                "#[derive(Clone, Debug)] pub struct Pet { pub name: String, pub age: Option<i64> }
                 #[non_exhaustive] pub enum Kind { Cat, Dog(String), Other { name: String } }
                 pub struct Sealed { pub a: i64, b: i64 }
                 pub(crate) struct Internal;
                 impl Pet { pub fn new(name: String) -> Self { Pet { name, age: None } } fn private(&self) {} }
                 impl Default for Pet { fn default() -> Self { Pet::new(String::new()) } }
                 pub trait Api { fn get(&self) -> Pet; fn count(&self) -> usize { 0 } }
                 pub type Pets = Vec<Pet>;",
            ),
            ("src/hidden.rs", "pub struct NotSeen;"),
        ]);
        let names: Vec<&str> = api.items.keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "Animal",
                "impl Clone for models::Pet",
                "impl Debug for models::Pet",
                "impl Default for models::Pet",
                "models::Api",
                "models::Kind",
                "models::Pet",
                "models::Pet::new",
                "models::Pets",
                "models::Sealed",
            ]
        );
        let Item::Struct { fields, constructible } = &api.items["models::Pet"] else { panic!("a struct") };
        assert!(*constructible);
        assert_eq!(fields["age"], "Option < i64 >");
        assert!(matches!(api.items["models::Sealed"], Item::Struct { constructible: false, .. }));
        let Item::Enum { variants, exhaustive } = &api.items["models::Kind"] else { panic!("an enum") };
        assert!(!exhaustive);
        assert_eq!(variants["Dog"], Shape::Tuple(vec!["String".into()]));
        let Item::Trait { methods, .. } = &api.items["models::Api"] else { panic!("a trait") };
        assert_eq!((methods["get"].1, methods["count"].1), (false, true));
    }
}
