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

pub mod build;
pub mod compat;
pub mod config;
pub mod diag;
mod emit;
pub mod ir;
mod load;
mod lower;
pub mod names;
pub mod report;
pub mod rust_api;
pub mod surface;
mod timings;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

pub use config::{Config, ConfigFile, Runtime};
pub use diag::{Diagnostic, Diagnostics, Severity};
pub use timings::Timings;

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

/// Reads and lowers the spec at `spec_path` without emitting code.
pub fn lower(spec_path: &Path) -> Result<(ir::Api, Vec<Diagnostic>), Diagnostics> {
    lower_timed(spec_path, &mut Timings::default())
}

/// [`lower`] with the Rust types the configuration chose for some schemas.
pub fn lower_with(spec_path: &Path, types: &config::TypeOverrides) -> Result<(ir::Api, Vec<Diagnostic>), Diagnostics> {
    lower_inputs(spec_path, types, &mut Timings::default()).map(|(api, diags, _)| (api, diags))
}

fn lower_timed(spec_path: &Path, timings: &mut Timings) -> Result<(ir::Api, Vec<Diagnostic>), Diagnostics> {
    lower_inputs(spec_path, &config::TypeOverrides::default(), timings).map(|(api, diags, _)| (api, diags))
}

type Lowered = (ir::Api, Vec<Diagnostic>, Vec<std::path::PathBuf>);

fn lower_inputs(
    spec_path: &Path,
    types: &config::TypeOverrides,
    timings: &mut Timings,
) -> Result<Lowered, Diagnostics> {
    let started = Instant::now();
    let spec = load::Spec::load(spec_path).map_err(|d| Diagnostics(vec![d]))?;
    let inputs = spec.paths();
    timings.load = started.elapsed();
    let started = Instant::now();
    let lowered = lower::lower(&spec, types);
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
    config.types.check().map_err(|d| Diagnostics(vec![d]))?;
    let (mut api, warnings, inputs) = lower_inputs(spec_path, &config.types, &mut timings)?;
    config::apply(&mut api, config).map_err(|d| Diagnostics(vec![d]))?;
    let files = emit::emit(&api, config, &mut timings).map_err(|d| Diagnostics(vec![d]))?;
    Ok(Generated { files, warnings, api, timings, inputs })
}
