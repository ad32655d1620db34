//! What the caller decides about a generated crate: its name, version and description, where
//! its runtime comes from, which operations it leaves out and what it renames; and the
//! configuration file (`codegen.toml`) that says so.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diag::Diagnostic;
use crate::ir::Api;

/// How to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Package name of the generated crate.
    pub crate_name: String,
    /// Package version of the generated crate.
    pub crate_version: String,
    /// How generated files name their source in their header (e.g. `spec/openapi.yaml`).
    pub source_label: String,
    /// Where the generated crate gets the code every generated crate shares.
    pub runtime: Runtime,
    /// The package's description; `None` for one made of the spec's title and version.
    pub crate_description: Option<String>,
    /// Operations left out: those with any of these tags.
    pub exclude_tags: Vec<String>,
    /// Operations left out, by `operationId`.
    pub exclude_operations: Vec<String>,
    /// Method names chosen for operations, by `operationId` (`getCustomer = "fetch_customer"`).
    pub rename_operations: BTreeMap<String, String>,
    /// Type names chosen for models, by the name the generator gives them (`Customer =
    /// "Client"`); a schema's request view follows (`CustomerRequest` becomes `ClientRequest`).
    pub rename_schemas: BTreeMap<String, String>,
    /// Rust types of the caller's choosing for some schemas.
    pub types: TypeOverrides,
    /// Whether to emit the client module (and its `client` feature).
    pub client: bool,
    /// Whether to emit the server module (and its `server` feature).
    pub server: bool,
    /// Whether each tag becomes a cargo feature that compiles its operations and the types
    /// they use (see [`crate::ir::Api::features`]): a crate for a big API that builds only
    /// what its user enables.
    pub tag_features: bool,
}

impl Default for Config {
    /// A crate named `api`, version 0.1.0, holding its runtime ([`Runtime::Inline`]: the
    /// runtime crate is not on a registry, so a dependency on it needs a path).
    fn default() -> Self {
        Config {
            crate_name: "api".into(),
            crate_version: "0.1.0".into(),
            source_label: "an OpenAPI spec".into(),
            runtime: Runtime::Inline,
            crate_description: None,
            exclude_tags: Vec::new(),
            exclude_operations: Vec::new(),
            rename_operations: BTreeMap::new(),
            rename_schemas: BTreeMap::new(),
            types: TypeOverrides::default(),
            client: true,
            server: true,
            tag_features: false,
        }
    }
}

/// Rust types of the caller's choosing: by a schema's `format` (`decimal` →
/// `rust_decimal::Decimal`), and for a schema that names one with `x-rust-type` (`{crate:
/// rust_decimal, version: "1", path: rust_decimal::Decimal}`, as typify reads it) when its
/// crate is listed here. Such a type must do what the generated types around it do: `Clone`,
/// `Debug`, `PartialEq`, serde's `Serialize` and `Deserialize` (and `Default` inside a struct
/// whose members are all optional).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TypeOverrides {
    /// The Rust type's path by `format` value.
    pub formats: BTreeMap<String, String>,
    /// The crates the types come from, each with its dependency's value for `Cargo.toml`
    /// (`"1"`, or `{ version = "1", features = ["serde"] }`); the only crates an
    /// `x-rust-type` may name.
    pub crates: BTreeMap<String, String>,
}

/// Dependencies every generated crate may have already, which `[types.crates]` must not list.
const OWN_DEPENDENCIES: &[&str] = &[
    "axum",
    "base64",
    "bytes",
    "chrono",
    "eventsource-stream",
    "form_urlencoded",
    "futures-util",
    "http-body-util",
    "multer",
    "openapi-rs-runtime",
    "percent-encoding",
    "regress",
    "reqwest",
    "serde",
    "serde_json",
    "tokio",
    "tokio-util",
    "tracing",
    "uuid",
];

impl TypeOverrides {
    /// Checks that every path is a Rust type path from a listed crate (or `std`, `core`,
    /// `alloc`, `serde_json`) and that no listed crate is one the generated crate has anyway.
    pub fn check(&self) -> Result<(), Diagnostic> {
        let error = |message: String| Diagnostic::error("the configuration", "", message);
        for name in self.crates.keys() {
            if OWN_DEPENDENCIES.contains(&name.as_str()) {
                return Err(error(format!(
                    "`[types.crates]` lists `{name}`, which generated crates depend on already; name its types in `[types.formats]` without listing it"
                )));
            }
        }
        for (format, path) in &self.formats {
            self.check_path(path).map_err(|why| error(format!("`{path}` (for format `{format}`) {why}")))?;
        }
        Ok(())
    }

    /// Why `path` cannot stand for a type here, if it cannot.
    pub fn check_path(&self, path: &str) -> Result<(), String> {
        let Ok(syn::Type::Path(ty)) = syn::parse_str::<syn::Type>(path) else {
            return Err("is not a Rust type path".into());
        };
        let first = ty.path.segments.first().map(|s| s.ident.to_string()).unwrap_or_default();
        let listed = self.crates.keys().any(|c| c.replace('-', "_") == first);
        let own = ["std", "core", "alloc", "serde_json", "chrono", "uuid"].contains(&first.as_str());
        if ty.qself.is_some() || !(listed || own) {
            return Err(format!("comes from crate `{first}`, which `[types.crates]` does not list"));
        }
        Ok(())
    }
}

/// Where a generated crate gets the code that does not depend on its spec: `Nullable`, the
/// JSON helpers, the client's errors and retries, the server's validation (the
/// `openapi-rs-runtime` crate, `runtime/` in this repository). Either way the generated
/// crate reaches it as its `runtime` module, and the rest of its code is the same.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Runtime {
    /// A dependency on the runtime crate: compiled once for every generated crate that uses
    /// it, its types shared between them, its fixes taken by `cargo update`.
    Crate {
        /// The runtime crate's folder, relative to the generated crate's (`../runtime`), as
        /// the dependency's `path`; without it the dependency is by version alone.
        path: Option<String>,
    },
    /// The runtime's source written into the generated crate (`src/runtime.rs` and
    /// `src/runtime/`): a crate with no dependency on the runtime crate.
    Inline,
}

/// A configuration file (`codegen.toml`), as written: every key optional, none unknown.
///
/// ```toml
/// spec = "spec/openapi.yaml"   # the root file, relative to this file
/// out = "generated"            # the crate's folder, relative to this file
///
/// [crate]
/// name = "customers-api"
/// version = "0.1.0"
/// description = "A client and server for the Customers API"
///
/// [runtime]
/// mode = "crate"               # or "inline": the runtime's source inside the crate
/// path = "../runtime"          # the runtime crate's folder, from the generated crate's
///
/// [exclude]
/// tags = ["Internal"]
/// operations = ["DeleteCustomer"]
///
/// [rename.operations]
/// GetCustomer = "fetch_customer"
///
/// [rename.schemas]
/// Customer = "Client"
///
/// [types.formats]
/// decimal = "rust_decimal::Decimal"
///
/// [types.crates]
/// rust_decimal = { version = "1", features = ["serde-str"] }
///
/// [emit]
/// client = true                # the client module and its `client` feature
/// server = true                # the server module and its `server` feature
/// tag-features = false         # one cargo feature per tag
/// ```
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The spec's root file, relative to the configuration file.
    pub spec: Option<String>,
    /// The generated crate's folder, relative to the configuration file.
    pub out: Option<String>,
    /// `[crate]`.
    #[serde(rename = "crate", default)]
    pub krate: CrateSection,
    /// `[runtime]`.
    #[serde(default)]
    pub runtime: RuntimeSection,
    /// `[exclude]`.
    #[serde(default)]
    pub exclude: ExcludeSection,
    /// `[rename]`.
    #[serde(default)]
    pub rename: RenameSection,
    /// `[emit]`.
    #[serde(default)]
    pub emit: EmitSection,
    /// `[types]`.
    #[serde(default)]
    pub types: TypesSection,
}

/// `[types]`: Rust types of the caller's choosing.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypesSection {
    /// Type paths by `format`.
    #[serde(default)]
    pub formats: BTreeMap<String, String>,
    /// Dependencies by crate name, as `Cargo.toml` writes them.
    #[serde(default)]
    pub crates: BTreeMap<String, toml::Value>,
}

/// A TOML value written inline, as a dependency's value in `Cargo.toml`.
fn inline_toml(value: &toml::Value) -> String {
    match value {
        // A JSON string is a TOML basic string (both escape `"`, `\\` and controls alike).
        toml::Value::String(s) => serde_json::to_string(s).unwrap_or_default(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(items) => format!("[{}]", items.iter().map(inline_toml).collect::<Vec<_>>().join(", ")),
        toml::Value::Table(table) => {
            let bare = |k: &str| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            let entries = table.iter().map(|(k, v)| {
                let key = if bare(k) { k.clone() } else { serde_json::to_string(k).unwrap_or_default() };
                format!("{key} = {}", inline_toml(v))
            });
            format!("{{ {} }}", entries.collect::<Vec<_>>().join(", "))
        }
    }
}

/// `[emit]`: which parts the crate has.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EmitSection {
    /// The client module.
    pub client: Option<bool>,
    /// The server module.
    pub server: Option<bool>,
    /// One cargo feature per tag.
    pub tag_features: Option<bool>,
}

/// `[crate]`: the generated package.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateSection {
    /// Package name.
    pub name: Option<String>,
    /// Package version.
    pub version: Option<String>,
    /// Package description.
    pub description: Option<String>,
}

/// `[runtime]`: where the shared code comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeSection {
    /// `crate` or `inline`.
    pub mode: Option<RuntimeMode>,
    /// For `crate`: the runtime crate's folder, relative to the generated crate's.
    pub path: Option<String>,
}

/// `[runtime] mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuntimeMode {
    /// A dependency on the runtime crate.
    Crate,
    /// The runtime's source inside the generated crate.
    Inline,
}

/// `[exclude]`: operations left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcludeSection {
    /// Operations with any of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Operations by `operationId`.
    #[serde(default)]
    pub operations: Vec<String>,
}

/// `[rename]`: names chosen instead of the generated ones.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenameSection {
    /// Method names by `operationId`.
    #[serde(default)]
    pub operations: BTreeMap<String, String>,
    /// Model type names by the generated name.
    #[serde(default)]
    pub schemas: BTreeMap<String, String>,
}

impl ConfigFile {
    /// Reads a configuration file's text; `file` names it in errors. An unknown key, or a value
    /// of the wrong kind, is an error naming the key, the file and the line.
    pub fn parse(file: &str, text: &str) -> Result<ConfigFile, Diagnostic> {
        toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| text.get(..span.start).unwrap_or(text).matches('\n').count() + 1);
            // serde's words name the key (`unknown field `x`, expected one of ...`).
            Diagnostic::error(file, "", e.message().trim().to_owned()).with_line(line)
        })
    }

    /// The generation settings it makes, over `defaults` (what a key left out keeps).
    pub fn config(&self, defaults: Config) -> Config {
        let mut config = defaults;
        let k = &self.krate;
        config.crate_name = k.name.clone().unwrap_or(config.crate_name);
        config.crate_version = k.version.clone().unwrap_or(config.crate_version);
        config.crate_description = k.description.clone().or(config.crate_description);
        config.runtime = match (self.runtime.mode, &self.runtime.path) {
            (Some(RuntimeMode::Inline), _) => Runtime::Inline,
            (Some(RuntimeMode::Crate), path) => Runtime::Crate { path: path.clone() },
            (None, Some(path)) => Runtime::Crate { path: Some(path.clone()) },
            (None, None) => config.runtime,
        };
        config.exclude_tags.extend(self.exclude.tags.iter().cloned());
        config.exclude_operations.extend(self.exclude.operations.iter().cloned());
        config.rename_operations.extend(self.rename.operations.iter().map(|(k, v)| (k.clone(), v.clone())));
        config.rename_schemas.extend(self.rename.schemas.iter().map(|(k, v)| (k.clone(), v.clone())));
        config.client = self.emit.client.unwrap_or(config.client);
        config.server = self.emit.server.unwrap_or(config.server);
        config.tag_features = self.emit.tag_features.unwrap_or(config.tag_features);
        config.types.formats.extend(self.types.formats.iter().map(|(k, v)| (k.clone(), v.clone())));
        config.types.crates.extend(self.types.crates.iter().map(|(k, v)| (k.clone(), inline_toml(v))));
        config
    }
}

/// Leaves out the operations `config` excludes, renames the methods it names and gives tags
/// their features when asked: an `operationId` that names no operation, or a name that is no
/// identifier or is taken, is an error.
pub(crate) fn apply(api: &mut Api, config: &Config) -> Result<(), Diagnostic> {
    let error = |message: String| Diagnostic::error("the configuration", "", message);
    for id in config.exclude_operations.iter().chain(config.rename_operations.keys()) {
        if !api.operations.iter().any(|op| op.id == *id) {
            return Err(error(format!("the configuration names operation `{id}`, which the spec does not have")));
        }
    }
    let excluded = |op: &crate::ir::Operation| {
        config.exclude_operations.contains(&op.id) || op.tags.iter().any(|t| config.exclude_tags.contains(t))
    };
    api.operations.retain(|op| !excluded(op));
    for (id, name) in &config.rename_operations {
        if crate::names::snake(name) != *name {
            return Err(error(format!("`{name}` (for `{id}`) is not a method name: use snake_case, not a keyword")));
        }
        if api.operations.iter().any(|op| op.id != *id && (op.name == *name || op.stream_name == *name)) {
            return Err(error(format!("`{name}` (for `{id}`) is the name of another operation's method")));
        }
        if let Some(op) = api.operations.iter_mut().find(|op| op.id == *id) {
            op.name = name.clone();
        }
    }
    rename_schemas(api, &config.rename_schemas)?;
    if config.tag_features {
        crate::lower::features::by_tag(api);
    }
    Ok(())
}

/// Renames models: each type of the schema (both views) takes the new name with its view's
/// suffix. The wire name (`schema_name`) stays, so that a change report sees the same schema.
fn rename_schemas(api: &mut Api, renames: &BTreeMap<String, String>) -> Result<(), Diagnostic> {
    let error = |message: String| Diagnostic::error("the configuration", "", message);
    let mut new_names: Vec<Option<String>> = vec![None; api.types.len()];
    for (from, to) in renames {
        if crate::names::type_name(to) != *to {
            return Err(error(format!(
                "`{to}` (for `{from}`) is not a type name: use UpperCamelCase, not a name of std"
            )));
        }
        let mut found = false;
        for (index, def) in api.types.iter().enumerate().filter(|(_, d)| d.schema_name == *from) {
            found = true;
            let suffix = def.name.strip_prefix(def.schema_name.as_str()).unwrap_or_default();
            new_names[index] = Some(format!("{to}{suffix}"));
        }
        if !found {
            return Err(error(format!(
                "the configuration renames type `{from}`, which the generated crate does not have"
            )));
        }
    }
    let final_name = |index: usize| new_names[index].as_deref().unwrap_or(&api.types[index].name);
    for (index, new) in new_names.iter().enumerate() {
        let Some(new) = new else { continue };
        if (0..api.types.len()).any(|other| other != index && final_name(other) == new) {
            return Err(error(format!(
                "`{new}` (for `{}`) is the name of another type of the models",
                api.types[index].name
            )));
        }
    }
    for (def, new) in api.types.iter_mut().zip(new_names) {
        if let Some(new) = new {
            def.name = new;
        }
    }
    Ok(())
}
