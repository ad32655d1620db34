//! Snapshot tests: one small fixture spec per construct, its crate pinned and compiled.
//!
//! Each fixture is a folder `fixtures/<name>/` holding `openapi.yaml` (or `openapi.json`) and
//! any files it refers to. [`crate_snapshots`] generates every fixture and pins every file of
//! its crate (and its warnings, when it has any) with insta; [`fixtures_compile`]
//! builds every fixture's crate in a scratch workspace with warnings denied, so a snapshot
//! cannot pin code that does not compile.
//!
//! Accept changed output with `INSTA_UPDATE=always cargo test -p tests --test snapshots` (or
//! `cargo insta review`), then read the `.snap` files under `snapshots/` before committing.

use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::Generated;

mod scratch;
use scratch::{cargo, workspace, write_if_changed, write_workspace};

/// The workspace root (this crate lives one level below it).
/// Every fixture as (name, root spec file), sorted by name.
fn fixtures() -> Vec<(String, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())) {
        let path = entry.expect("a readable fixtures folder").path();
        if !path.is_dir() {
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).expect("fixture names are UTF-8").to_string();
        let root = ["openapi.yaml", "openapi.json"]
            .iter()
            .map(|f| path.join(f))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("fixture `{name}` has neither openapi.yaml nor openapi.json"));
        out.push((name, root));
    }
    out.sort();
    assert!(!out.is_empty(), "no fixtures under {}", dir.display());
    out
}

/// Generates a fixture as the crate `fixture-<name>`; generation errors fail the test.
fn generate(name: &str, spec: &Path) -> Generated {
    let file = spec.file_name().and_then(|f| f.to_str()).unwrap_or("openapi.yaml");
    let config = codegen::Config {
        crate_name: format!("fixture-{}", name.replace('_', "-")),
        crate_version: "0.1.0".into(),
        source_label: format!("tests/fixtures/{name}/{file}"),
        // The crates are built in `target/fixture-crates/<name>/`.
        runtime: codegen::Runtime::Crate { path: Some("../../../runtime".into()) },
        ..codegen::Config::default()
    };
    codegen::generate(spec, &config).unwrap_or_else(|e| panic!("fixture `{name}` failed to generate:\n{e}"))
}

/// The warnings as text, with file paths relative to the fixture folder so the text is the
/// same on every machine.
fn warnings_text(spec: &Path, out: &Generated) -> String {
    let dir = spec.parent().expect("a spec lives in a folder").display().to_string();
    out.warnings
        .iter()
        .map(|w| {
            let mut w = w.clone();
            w.file = w.file.strip_prefix(&dir).unwrap_or(&w.file).trim_start_matches(['/', '\\']).replace('\\', "/");
            w.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn crate_snapshots() {
    // Every fixture is checked even when an earlier one differs, so one run lists (and writes
    // `.snap.new` files for) all the changes.
    let failed: Vec<String> = fixtures()
        .into_iter()
        .filter(|(name, spec)| std::panic::catch_unwind(|| check_fixture(name, spec)).is_err())
        .map(|(name, _)| name)
        .collect();
    assert!(
        failed.is_empty(),
        "fixtures failed: {} (see above); accept snapshot changes you have read with \
         `INSTA_UPDATE=always cargo test -p tests --test snapshots` (or `cargo insta review`)",
        failed.join(", ")
    );
}

/// Pins every file of a fixture's crate and its warnings; a fixture without warnings must
/// have no warnings snapshot left behind.
fn check_fixture(name: &str, spec: &Path) {
    let out = generate(name, spec);
    insta::assert_snapshot!(name.to_string(), crate_text(&out));
    let warnings = warnings_text(spec, &out);
    let warnings_name = format!("{name}_warnings");
    if warnings.is_empty() {
        let stale =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots").join(format!("snapshots__{warnings_name}.snap"));
        assert!(!stale.exists(), "fixture `{name}` no longer warns: delete {}", stale.display());
    } else {
        insta::assert_snapshot!(warnings_name, warnings);
    }
}

/// Every file of a generated crate in one text, each under a `==> path <==` line, in path
/// order, so that a change to any emitter shows in review.
fn crate_text(out: &Generated) -> String {
    let mut text = String::new();
    for (path, content) in &out.files {
        text.push_str(&format!("==> {path} <==\n{content}"));
        if !content.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}

/// Every fixture's crate passes `cargo check` with warnings denied in each feature set (none,
/// `client`, `server`, all), and `cargo clippy -D warnings` with all features when clippy is
/// installed.
///
/// The crates live in a scratch workspace under `target/fixture-crates/`, pinned to the
/// workspace's `Cargo.lock` so no dependency is downloaded; files are rewritten only when
/// their content changes, so a second run rebuilds only what changed.
/// A type's own `minProperties`/`maxProperties` go on its validation static, so they hold
/// where the type is the whole request body; a property using it does not check them twice.
#[test]
fn member_bounds_of_a_type_are_checked_on_the_type() {
    let spec = workspace().join("tests/fixtures/additional_properties/openapi.yaml");
    let out = generate("additional_properties", &spec);
    let schemas = &out.files["src/server/schemas.rs"];
    let settings = schemas.split("pub(super) static SETTINGS: Schema").nth(1).expect("a static for Settings");
    let settings = settings.split("pub(super) static").next().unwrap_or_default();
    assert!(settings.contains(".max_properties(12)"), "{settings}");
    // `tags` keeps the bounds written on the property itself.
    assert!(settings.contains(".min_properties(1)") && settings.contains(".max_properties(3)"), "{settings}");
    assert_eq!(settings.matches(".max_properties(").count(), 2, "{settings}");
    // `limit` refers to `Closed`, whose static has the bound.
    let closed = schemas.split("pub(super) static CLOSED: Schema").nth(1).expect("a static for Closed");
    let closed = closed.split("pub(super) static").next().unwrap_or_default();
    assert!(closed.contains(".closed()") && closed.contains(".max_properties(1)"), "{closed}");
}

/// A spec with more types than one models module holds gets one file per initial letter,
/// re-exported from `models.rs`; every type is defined exactly once, in its letter's file.
/// (`fixtures_compile` checks that each file's imports are exactly what it needs.)
#[test]
fn large_models_are_split_by_initial() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/many_types/openapi.yaml");
    let out = generate("many_types", &spec);
    let files: Vec<&str> = out.files.keys().filter_map(|p| p.strip_prefix("src/models/")).collect();
    assert_eq!(files, ["a.rs", "b.rs", "c.rs", "d.rs", "e.rs"]);
    let root = &out.files["src/models.rs"];
    for module in ["a", "b", "c", "d", "e"] {
        assert!(root.contains(&format!("\nmod {module};\n")), "models.rs does not declare `{module}`:\n{root}");
        assert!(root.contains(&format!("\npub use self::{module}::*;\n")), "models.rs does not re-export `{module}`");
    }
    let mut defined = 0;
    for (path, text) in out.files.iter().filter(|(p, _)| p.starts_with("src/models/")) {
        let initial = path.trim_start_matches("src/models/").trim_end_matches(".rs").to_uppercase();
        for line in text
            .lines()
            .filter(|l| l.starts_with("pub struct ") || l.starts_with("pub enum ") || l.starts_with("pub type "))
        {
            let name = line.split_whitespace().nth(2).expect("a named item");
            assert!(name.starts_with(&initial), "{name} is in {path}");
            defined += 1;
        }
    }
    assert_eq!(defined, 280, "every schema of the fixture is one type");
    // Only the files whose types hold another letter's types import the siblings.
    let imports_siblings = |m: &str| out.files[&format!("src/models/{m}.rs")].contains("\nuse super::*;\n");
    assert_eq!(["a", "b", "c", "d", "e"].map(imports_siblings), [true, false, true, false, false]);
}

#[test]
fn fixtures_compile() {
    let scratch = workspace().join("target").join("fixture-crates");
    let mut members = Vec::new();
    for (name, spec) in fixtures() {
        let out = generate(&name, &spec);
        for (rel, text) in &out.files {
            write_if_changed(&scratch.join(&name).join(rel), text.as_bytes());
        }
        members.push(name);
    }
    // Crates of fixtures that are gone would only confuse whoever looks in the folder.
    for entry in std::fs::read_dir(&scratch).expect("the scratch workspace exists by now") {
        let path = entry.expect("a readable scratch folder").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if path.is_dir() && !members.iter().any(|m| m == name) {
            std::fs::remove_dir_all(&path).unwrap_or_else(|e| panic!("cannot remove {}: {e}", path.display()));
        }
    }
    let names: Vec<&str> = members.iter().map(String::as_str).collect();
    write_workspace(&scratch, "tests/snapshots.rs (`fixtures_compile`)", &names);

    // Each feature set on its own: an import or helper only one side uses must not warn in
    // the other. `--keep-going` reports every failing crate, not just the first.
    let feature_sets: [&[&str]; 4] = [&[], &["--features", "client"], &["--features", "server"], &["--all-features"]];
    for features in feature_sets {
        let mut args = vec!["check", "--offline", "--workspace", "--keep-going", "--quiet"];
        args.extend_from_slice(features);
        if let Err(stderr) = cargo(&scratch, &args) {
            panic!(
                "fixture crates in {} do not compile with warnings denied (`cargo {}`):\n{stderr}",
                scratch.display(),
                args.join(" ")
            );
        }
    }
    let clippy_installed =
        Command::new(env!("CARGO")).args(["clippy", "--version"]).output().is_ok_and(|o| o.status.success());
    if !clippy_installed {
        println!("note: `cargo clippy` is not installed; fixture crates were only checked with rustc");
        return;
    }
    let args =
        ["clippy", "--offline", "--workspace", "--all-features", "--keep-going", "--quiet", "--", "-D", "warnings"];
    if let Err(stderr) = cargo(&scratch, &args) {
        panic!("fixture crates in {} fail `cargo {}`:\n{stderr}", scratch.display(), args.join(" "));
    }
}

/// Paths a router cannot tell apart (`/users/{id}`, `/users/{username}`) would make axum
/// panic when the router is built: the first is routed, the other left out with a warning;
/// both stay in the client.
#[test]
fn one_route_per_path_shape() {
    let spec = workspace().join("tests/fixtures/route_conflicts/openapi.yaml");
    let out = generate("route_conflicts", &spec);
    let server = &out.files["src/server.rs"];
    assert_eq!(server.matches("\"/users/{").count(), 1, "{server}");
    assert!(server.contains("\"/users/{id}\""), "{server}");
    assert!(!server.contains("\"/files/{id}#share\""), "a path with a fragment is not routed either");
    let client = &out.files["src/client.rs"];
    assert!(client.contains("pub async fn delete_user_by_name("), "{client}");
    assert!(out.warnings.iter().any(|w| w.message.contains("same route as `/users/{id}`")), "{:?}", out.warnings);
    // A variable twice in one path cannot be captured; the client fills both from one value.
    assert!(!server.contains("\"/anything/{id}/{action}/{id}\""), "{server}");
    let twice = client.split("pub async fn get_twice(").nth(1).and_then(|m| m.split("pub async fn").next());
    assert_eq!(twice.map(|m| m.matches("let id = segment(").count()), Some(1), "{client}");
}
