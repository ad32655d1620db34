//! A spec-first OpenAPI 3.0/3.1 to Rust generator.
//!
//! [`generate`] reads a spec (YAML or JSON, split over files linked by `$ref`), lowers it to
//! a plain-data intermediate model ([`ir`]) and emits the files of a Rust crate. It returns
//! the files as text; writing them is the caller's business (see the `xtask` crate).
//!
//! ```no_run
//! let out = codegen::generate(std::path::Path::new("spec/openapi.yaml"), &codegen::Config::default())?;
//! for (path, text) in &out.files {
//!     println!("{path}: {} bytes", text.len());
//! }
//! # Ok::<(), codegen::Diagnostics>(())
//! ```
#![deny(missing_docs)]

pub mod diag;
pub mod diff;
mod emit;
pub mod ir;
mod load;
mod lower;
pub mod names;
pub mod surface;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

pub use diag::{Diagnostic, Diagnostics, Severity};

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

/// What [`generate`] produced.
#[derive(Clone, Debug)]
pub struct Generated {
    /// File contents by path relative to the generated crate's root, `/`-separated.
    pub files: BTreeMap<String, String>,
    /// Warnings: constructs that were approximated or ignored.
    pub warnings: Vec<Diagnostic>,
    /// The lowered model the files were made from.
    pub api: ir::Api,
    /// How long each stage took.
    pub timings: Timings,
    /// Every file the spec was read from (the root and all it `$ref`s), for caches.
    pub inputs: Vec<std::path::PathBuf>,
}

/// Wall time of each stage of [`generate`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timings {
    /// Reading and parsing every file of the spec.
    pub load: Duration,
    /// Resolving `$ref`s and lowering to the IR.
    pub lower: Duration,
    /// Building token streams from the IR (summed over the threads that emit modules side by side).
    pub emit: Duration,
    /// Parsing the tokens with syn and printing them with prettyplease (summed over threads).
    pub format: Duration,
}

/// Reads and lowers the spec at `spec_path` without emitting code.
pub fn lower(spec_path: &Path) -> Result<(ir::Api, Vec<Diagnostic>), Diagnostics> {
    lower_timed(spec_path, &mut Timings::default())
}

fn lower_timed(spec_path: &Path, timings: &mut Timings) -> Result<(ir::Api, Vec<Diagnostic>), Diagnostics> {
    lower_inputs(spec_path, timings).map(|(api, diags, _)| (api, diags))
}

type Lowered = (ir::Api, Vec<Diagnostic>, Vec<std::path::PathBuf>);

fn lower_inputs(spec_path: &Path, timings: &mut Timings) -> Result<Lowered, Diagnostics> {
    let started = Instant::now();
    let spec = load::Spec::load(spec_path).map_err(|d| Diagnostics(vec![d]))?;
    let inputs = spec.paths();
    timings.load = started.elapsed();
    let started = Instant::now();
    let lowered = lower::lower(&spec);
    timings.lower = started.elapsed();
    match lowered.api {
        Some(api) => Ok((api, lowered.diagnostics, inputs)),
        None => Err(Diagnostics(lowered.diagnostics)),
    }
}

/// Generates a crate from the spec at `spec_path`.
///
/// Errors carry every problem found (and the warnings seen on the way); the same input
/// always gives byte-identical files.
pub fn generate(spec_path: &Path, config: &Config) -> Result<Generated, Diagnostics> {
    let mut timings = Timings::default();
    let (api, warnings, inputs) = lower_inputs(spec_path, &mut timings)?;
    let files = emit::emit(&api, config, &mut timings).map_err(|d| Diagnostics(vec![d]))?;
    Ok(Generated { files, warnings, api, timings, inputs })
}
