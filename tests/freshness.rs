//! `generated/` must be what the spec gives: the same check as `cargo xtask codegen --check`.

use std::path::Path;

use xtask::codegen::{self, Change, Mode};

#[test]
fn generated_crate_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let report = codegen::run(root, Mode::Check).unwrap_or_else(|e| panic!("codegen failed:\n{e}"));
    let stale: Vec<String> = report
        .changes
        .iter()
        .map(|c| match c {
            Change::Stale(path, diff) => format!("{path}\n{diff}"),
            other => format!("unexpected change in check mode: {other:?}"),
        })
        .collect();
    assert!(stale.is_empty(), "generated/ is stale; run `cargo xtask codegen`:\n{}", stale.join("\n"));
}

#[test]
fn the_project_spec_has_no_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let report = codegen::run(root, Mode::Check).unwrap_or_else(|e| panic!("codegen failed:\n{e}"));
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    assert!(warnings.is_empty(), "spec/ should lower without approximations:\n{}", warnings.join("\n"));
}
