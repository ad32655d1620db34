//! `cargo xtask codegen`: regenerate the workspace's generated crate from its spec, as
//! `codegen.toml` says, or check that it is fresh; the writing itself is the CLI crate's
//! (`openapi_rs_cli::write`).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use openapi_rs_cli::write::*;

/// The spec the project ships, relative to the workspace root.
pub const SPEC: &str = "spec/openapi.yaml";
/// Where the generated crate lives, relative to the workspace root.
pub const OUT_DIR: &str = "generated";

/// The defaults under the configuration file: the crate the workspace ships.
pub fn config() -> codegen::Config {
    codegen::Config {
        crate_name: "customers-api".into(),
        crate_version: "0.1.0".into(),
        source_label: SPEC.into(),
        runtime: codegen::Runtime::Crate { path: Some("../runtime".into()) },
        ..codegen::Config::default()
    }
}

/// The runtime for a crate generated outside `generated/` (a scratch workspace): the
/// workspace's runtime crate, by absolute path.
pub fn scratch_runtime() -> codegen::Runtime {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".."));
    codegen::Runtime::Crate { path: Some(root.join("runtime").to_string_lossy().into_owned()) }
}

/// The configuration file the workspace's crate is made from, relative to the workspace root.
pub const CONFIG: &str = "codegen.toml";

/// The settings `root`'s configuration file gives (see [`CONFIG`]; without one, the defaults
/// of [`config`], [`SPEC`] and [`OUT_DIR`]): the generator's, the spec and the output folder,
/// and the file's text.
pub fn project(root: &Path) -> Result<(codegen::Config, PathBuf, PathBuf, String), Error> {
    let path = root.join(CONFIG);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::Io(path, e)),
    };
    let file = codegen::ConfigFile::parse(CONFIG, &text).map_err(|d| Error::Spec(codegen::Diagnostics(vec![d])))?;
    let spec = root.join(file.spec.as_deref().unwrap_or(SPEC));
    let out = root.join(file.out.as_deref().unwrap_or(OUT_DIR));
    Ok((file.config(config()), spec, out, text))
}

/// Regenerates (or checks) the workspace's generated crate, as its configuration file says.
pub fn run(root: &Path, mode: Mode) -> Result<Report, Error> {
    let (config, spec, out, text) = project(root)?;
    // Another configuration is another generation: it has a cache of its own.
    let cache = root.join("target").join("xtask").join(format!("codegen-stamp-{:016x}.json", hash(text.as_bytes())));
    run_with(root, &spec, &out, &config, mode, Some(&cache))
}
