//! `cargo xtask diff OLD NEW`: what changes between two specs, classified for clients, servers
//! and code using the generated crate.
//!
//! OLD and NEW are spec root files, folders holding `openapi.yaml`, or git revisions
//! (`HEAD~1`, `main`, or `REV:path/to/openapi.yaml`), whose `spec/` tree is extracted first.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use codegen::compat::Report;

/// A spec to compare, made available on disk.
pub struct Side {
    /// The root file to load.
    pub root: PathBuf,
    /// Keeps an extracted git revision alive while it is read.
    _tmp: Option<tempfile::TempDir>,
}

/// Finds the spec an argument names, extracting it from git when it is a revision.
pub fn resolve(repo: &Path, arg: &str) -> Result<Side, String> {
    let path = Path::new(arg);
    if path.is_file() {
        return Ok(Side { root: path.to_path_buf(), _tmp: None });
    }
    if path.is_dir() {
        return Ok(Side { root: path.join("openapi.yaml"), _tmp: None });
    }
    let (rev, file) = arg.split_once(':').unwrap_or((arg, "spec/openapi.yaml"));
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

/// Generates both specs' crates and compares them: their surfaces on the wire, and their
/// public Rust APIs.
pub fn compare(old: &Path, new: &Path) -> Result<Report, String> {
    openapi_rs_cli::diff::compare(old, new).map_err(|e| e.to_string())
}
