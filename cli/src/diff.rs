//! Comparing two specs, as `openapi-rs diff` and `cargo xtask diff` do: both generated, their
//! surfaces and public Rust APIs compared; known changes accepted; the report written out.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use codegen::compat::{Acceptance, Report};
use codegen::rust_api::{RustApi, Unreadable};
use codegen::surface::Surface;
use codegen::Diagnostics;

/// Why a spec could not be compared.
#[derive(Debug)]
pub enum Error {
    /// The spec does not generate.
    Spec(PathBuf, Diagnostics),
    /// Its generated crate does not read as Rust (a bug of the generator).
    Rust(PathBuf, Unreadable),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Spec(spec, d) => write!(f, "cannot generate from {}:\n{d}", spec.display()),
            Error::Rust(spec, e) => write!(f, "the crate generated from {}: {e}", spec.display()),
        }
    }
}

/// The surface of the spec at `spec` and the public Rust API of the crate made from it.
pub fn version(spec: &Path) -> Result<(Surface, RustApi), Error> {
    let out = codegen::generate(spec, &codegen::Config::default()).map_err(|d| Error::Spec(spec.into(), d))?;
    let api = RustApi::of(&out.files).map_err(|e| Error::Rust(spec.into(), e))?;
    Ok((Surface::of(&out.api), api))
}

/// Generates both specs' crates and compares them, on the wire and in their Rust APIs.
pub fn compare(old: &Path, new: &Path) -> Result<Report, Error> {
    let (old_surface, old_api) = version(old)?;
    let (new_surface, new_api) = version(new)?;
    Ok(codegen::compat::compare_versions((&old_surface, &old_api), (&new_surface, &new_api)))
}

/// A spec to compare, made available on disk.
pub struct Side {
    /// The root file to load.
    pub root: PathBuf,
    /// Keeps an extracted git revision alive while it is read.
    _tmp: Option<tempfile::TempDir>,
}

/// Finds the spec an argument names: a file, a folder holding `openapi.yaml`, or a git
/// revision of the repository at `repo` (`REV:path/to/openapi.yaml`, or `REV` alone for
/// `default_file`), whose folder is extracted into a scratch folder first.
pub fn resolve(repo: &Path, arg: &str, default_file: &str) -> Result<Side, String> {
    let path = Path::new(arg);
    if path.is_file() {
        return Ok(Side { root: path.to_path_buf(), _tmp: None });
    }
    if path.is_dir() {
        return Ok(Side { root: path.join("openapi.yaml"), _tmp: None });
    }
    let (rev, file) = arg.split_once(':').unwrap_or((arg, default_file));
    let dir = Path::new(file).parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp = tempfile::tempdir().map_err(|e| format!("cannot make a scratch folder: {e}"))?;
    let mut archive = Command::new("git")
        .args(["archive", "--format=tar", rev, "--"])
        .arg(dir)
        .current_dir(repo)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let stdout = archive.stdout.take().ok_or("git gave no output")?;
    let untar = Command::new("tar")
        .args(["-x", "-C"])
        .arg(tmp.path())
        .stdin(stdout)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    let out = archive.wait_with_output().map_err(|e| format!("git archive failed: {e}"))?;
    if !out.status.success() || !untar.success() {
        return Err(format!(
            "`{arg}` is neither a file nor a folder, and `git archive {rev} -- {}` failed: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(Side { root: tmp.path().join(file), _tmp: Some(tmp) })
}

/// The acceptance file at `path` (none: nothing accepted); an error names the file.
pub fn acceptance(path: Option<&Path>) -> Result<Acceptance, String> {
    let Some(path) = path else { return Ok(Acceptance::default()) };
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Acceptance::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// How a report is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// For a terminal.
    Text,
    /// The report's data.
    Json,
    /// A pull-request comment.
    Markdown,
    /// Release notes.
    Changelog,
}

/// `report` written as `output` says.
pub fn render(report: &Report, output: Output) -> String {
    match output {
        Output::Text => report.to_string(),
        Output::Json => format!("{}\n", serde_json::to_string_pretty(report).unwrap_or_default()),
        Output::Markdown => codegen::report::markdown(report),
        Output::Changelog => codegen::report::changelog(report),
    }
}
