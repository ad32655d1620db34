//! What the caller decides about a generated crate: its name and version, and where its
//! runtime comes from.

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
        }
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
