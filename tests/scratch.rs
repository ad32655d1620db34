//! What the tests that build generated crates in a scratch workspace share (included with
//! `mod scratch;`, not a test of its own).

use std::path::Path;

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
