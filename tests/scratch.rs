//! What the tests that build generated crates in a scratch workspace share (included with
//! `mod scratch;`, not a test of its own).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root.
pub fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ lives in the workspace")
}

/// Writes `text` to `path` unless the file already holds it (so cargo sees no change).
pub fn write_if_changed(path: &Path, text: &[u8]) {
    if std::fs::read(path).is_ok_and(|old| old == text) {
        return;
    }
    std::fs::create_dir_all(path.parent().expect("files live in a folder")).expect("create a scratch folder");
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// The target folder every scratch workspace builds into, so that dependencies are built once.
pub fn fixture_target() -> PathBuf {
    workspace().join("target").join("fixture-check")
}

/// Makes `dir` a workspace of `members`, pinned to this workspace's `Cargo.lock` so no
/// dependency is downloaded; `made_by` names the test in the manifest.
pub fn write_workspace(dir: &Path, made_by: &str, members: &[&str]) {
    let list = members.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ");
    let manifest = format!(
        "# Scratch workspace made by {made_by}; safe to delete.\n[workspace]\nresolver = \"2\"\nmembers = [{list}]\n"
    );
    write_if_changed(&dir.join("Cargo.toml"), manifest.as_bytes());
    let lock = std::fs::read(workspace().join("Cargo.lock")).expect("the workspace has a Cargo.lock");
    write_if_changed(&dir.join("Cargo.lock"), &lock);
}

/// Runs cargo with `args` in the scratch workspace `dir`, warnings denied, building into
/// [`fixture_target`]; the error is cargo's output.
pub fn cargo(dir: &Path, args: &[&str]) -> Result<(), String> {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", fixture_target())
        .env("RUSTFLAGS", "-Dwarnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
    }
}
