//! Generating from a build script: the crate's files written into `OUT_DIR`, shaped to be
//! included at the root of the crate that builds them, and cargo told to rerun when any spec
//! file changes.
//!
//! ```ignore
//! // build.rs
//! fn main() {
//!     let config = codegen::Config { runtime: codegen::Runtime::Crate { path: None }, ..Default::default() };
//!     if let Err(e) = codegen::build::generate_in_out_dir("openapi.yaml", &config) {
//!         eprintln!("{e}");
//!         std::process::exit(1);
//!     }
//! }
//! // src/lib.rs
//! include!(concat!(env!("OUT_DIR"), "/openapi/lib.rs"));
//! ```

use std::path::{Path, PathBuf};

use quote::ToTokens;

use crate::{Config, Diagnostics, Generated};

/// Why a build script could not generate.
#[derive(Debug)]
pub enum BuildError {
    /// The spec is broken.
    Spec(Diagnostics),
    /// `OUT_DIR` is not set: not running as a build script.
    NoOutDir,
    /// Writing into `OUT_DIR` failed.
    Io(PathBuf, std::io::Error),
    /// A generated file could not be read back as Rust (a bug).
    Rust(String, syn::Error),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Spec(d) => write!(f, "{d}"),
            BuildError::NoOutDir => write!(f, "OUT_DIR is not set: call this from a build script"),
            BuildError::Io(path, e) => write!(f, "{}: {e}", path.display()),
            BuildError::Rust(file, e) => write!(f, "generated {file} does not read as Rust: {e}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Generates the crate for `spec` into `$OUT_DIR/openapi/`, and prints
/// `cargo:rerun-if-changed` for every file the spec was read from (its root and every file
/// a `$ref` reached). The crate that runs the build script includes `openapi/lib.rs` at its
/// root, and declares the dependencies and the `client` and `server` features the generated
/// `Cargo.toml` lists (with the runtime crate: [`crate::Runtime::Crate`]).
pub fn generate_in_out_dir(spec: impl AsRef<Path>, config: &Config) -> Result<Generated, BuildError> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or(BuildError::NoOutDir)?).join("openapi");
    let generated = generate_into(spec.as_ref(), config, &out)?;
    for input in &generated.inputs {
        println!("cargo:rerun-if-changed={}", input.display());
    }
    Ok(generated)
}

/// What [`generate_in_out_dir`] does, into the folder `out`, without printing: the crate's
/// files, shaped for `include!` from `out/lib.rs`.
pub fn generate_into(spec: &Path, config: &Config, out: &Path) -> Result<Generated, BuildError> {
    let generated = crate::generate(spec, config).map_err(BuildError::Spec)?;
    for (rel, text) in generated.files.iter().filter(|(rel, _)| rel.ends_with(".rs")) {
        let Some(module) = rel.strip_prefix("src/") else { continue };
        let text = included(module, text, out).map_err(|e| BuildError::Rust(rel.clone(), e))?;
        let target = if module == "lib.rs" { out.join("lib.rs") } else { out.join("src").join(module) };
        std::fs::create_dir_all(target.parent().unwrap_or(out)).map_err(|e| BuildError::Io(target.clone(), e))?;
        // Unchanged files keep their times: cargo rebuilds only for real changes.
        if std::fs::read_to_string(&target).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&target, text).map_err(|e| BuildError::Io(target.clone(), e))?;
        }
    }
    Ok(generated)
}

/// A generated file (at `module`, relative to `src/`) made to work from `out`: every `mod x;`
/// names its file by path (an included file has no folder of its own), and the root loses
/// its inner attributes, which `include!` refuses (its `allow`s go onto each module instead).
fn included(module: &str, text: &str, out: &Path) -> Result<String, syn::Error> {
    let mut file = syn::parse_file(text)?;
    // The folder a module's children live in: `src/` for the root, `src/server/` for `server.rs`.
    let children = match module.strip_suffix(".rs") {
        Some("lib") | None => out.join("src"),
        Some(stem) => out.join("src").join(stem),
    };
    let allows: Vec<proc_macro2::TokenStream> = if module == "lib.rs" {
        let inner = std::mem::take(&mut file.attrs);
        inner.into_iter().filter(|a| a.path().is_ident("allow")).map(|a| a.meta.into_token_stream()).collect()
    } else {
        Vec::new()
    };
    for item in &mut file.items {
        if let syn::Item::Mod(m) = item {
            if m.content.is_none() {
                let path = children.join(format!("{}.rs", m.ident)).display().to_string();
                m.attrs.push(syn::parse_quote!(#[path = #path]));
                m.attrs.extend(allows.iter().map(|meta| -> syn::Attribute { syn::parse_quote!(#[#meta]) }));
            }
        }
    }
    // Printed as rustfmt would (one line of tokens reads to clippy as a formatting mistake).
    Ok(prettyplease::unparse(&file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_the_spec_was_read_from_is_an_input_and_every_module_is_named_by_path() {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/multi_file/openapi.yaml");
        let out = std::env::temp_dir().join(format!("codegen-build-{}", std::process::id()));
        let config = Config { runtime: crate::Runtime::Crate { path: None }, ..Config::default() };
        let generated = generate_into(&spec, &config, &out).expect("the fixture generates");
        let lib = std::fs::read_to_string(out.join("lib.rs")).expect("lib.rs is written");
        let _ = std::fs::remove_dir_all(&out);
        // The root and the files its `$ref`s reach.
        assert!(generated.inputs.len() > 1, "{:?}", generated.inputs);
        assert!(generated.inputs.iter().all(|p| p.exists()));
        assert!(
            !lib.contains("#!") && !lib.contains("//!"),
            "no inner attribute is left for include! to refuse: {lib}"
        );
        let models = out.join("src").join("models.rs").display().to_string();
        assert!(lib.contains(&format!("#[path = {models:?}]")), "{lib}");
        assert!(lib.contains("#[allow(clippy::disallowed_names"), "the root's allows move onto its modules: {lib}");
    }
}
