//! `cargo xtask diff OLD NEW`: what changes between two specs, classified for clients, servers
//! and code using the generated crate.
//!
//! OLD and NEW are spec root files, folders holding `openapi.yaml`, or git revisions
//! (`HEAD~1`, `main`, or `REV:path/to/openapi.yaml`), whose `spec/` tree is extracted first.

use std::path::Path;

use codegen::compat::Report;
use openapi_rs_cli::diff::Side;

/// Finds the spec an argument names: a file, a folder holding `openapi.yaml`, or a git
/// revision of this repository (`REV`, for its `spec/openapi.yaml`, or `REV:path`).
pub fn resolve(repo: &Path, arg: &str) -> Result<Side, String> {
    openapi_rs_cli::diff::resolve(repo, arg, "spec/openapi.yaml")
}

/// Generates both specs' crates and compares them: their surfaces on the wire, and their
/// public Rust APIs.
pub fn compare(old: &Path, new: &Path) -> Result<Report, String> {
    openapi_rs_cli::diff::compare(old, new).map_err(|e| e.to_string())
}
