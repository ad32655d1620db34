//! The `openapi-rs` binary as a user runs it: generate, check, lint and diff, with their exit
//! codes, configuration files and both message formats.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_openapi-rs")).args(args).current_dir(dir).output().expect("the binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const SPEC: &str = "openapi: 3.1.0\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: ListPets\n      tags: [pets]\n      responses:\n        '200': {description: Pets.}\n  /health:\n    get:\n      operationId: Health\n      tags: [internal]\n      responses:\n        '204': {description: Up.}\n";

#[test]
fn generate_writes_a_crate_and_check_tells_fresh_from_stale() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("openapi.yaml"), SPEC).unwrap();
    let out = run(&["generate", "openapi.yaml", "--out", "pets"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest = std::fs::read_to_string(dir.path().join("pets/Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"pets\""), "the crate is named after its folder: {manifest}");
    assert_eq!(run(&["check", "openapi.yaml", "--out", "pets"], dir.path()).status.code(), Some(0));
    std::fs::write(dir.path().join("openapi.yaml"), SPEC.replace("ListPets", "AllPets")).unwrap();
    let stale = run(&["check", "openapi.yaml", "--out", "pets"], dir.path());
    assert_eq!(stale.status.code(), Some(1));
    assert!(stderr(&stale).contains("stale: pets/src/client.rs"), "{}", stderr(&stale));
    // Generating again writes only what changed.
    let again = run(&["generate", "openapi.yaml", "--out", "pets"], dir.path());
    assert!(stderr(&again).contains("updated pets/src/client.rs") && !stderr(&again).contains("Cargo.toml"));
}

#[test]
fn a_configuration_file_names_the_spec_the_folder_and_what_to_leave_out() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("api")).unwrap();
    std::fs::write(dir.path().join("api/openapi.yaml"), SPEC).unwrap();
    let config = "spec = \"api/openapi.yaml\"\nout = \"crates/pets\"\n[crate]\nname = \"pets-api\"\n[exclude]\ntags = [\"internal\"]\n";
    std::fs::write(dir.path().join("codegen.toml"), config).unwrap();
    let out = run(&["generate", "--config", "codegen.toml"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let client = std::fs::read_to_string(dir.path().join("crates/pets/src/client.rs")).unwrap();
    assert!(client.contains("fn list_pets(") && !client.contains("fn health("));
    std::fs::write(dir.path().join("codegen.toml"), "spec = \"api/openapi.yaml\"\n[exclude]\ntagz = []\n").unwrap();
    let bad = run(&["generate", "--config", "codegen.toml"], dir.path());
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("unknown field `tagz`") && stderr(&bad).contains("codegen.toml:3"),
        "{}",
        stderr(&bad)
    );
    let missing = run(&["generate"], dir.path());
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
}

#[test]
fn lint_shows_the_offending_line_as_rustc_does_or_json_per_line() {
    let dir = workspace().join("tests/bad_specs/bad_param_in");
    let out = run(&["lint", "openapi.yaml"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(text.starts_with("error: "), "{text}");
    assert!(text.contains("--> openapi.yaml:") && text.contains(" | "), "the spec's line is shown: {text}");
    let json = run(&["lint", "openapi.yaml", "--message-format", "json"], &dir);
    let first: serde_json::Value = serde_json::from_str(stderr(&json).lines().next().unwrap()).expect("JSON per line");
    assert_eq!(first["severity"], "Error");
    assert!(first["line"].as_u64().is_some() && first["pointer"].as_str().is_some_and(|p| p.starts_with('/')));
    let clean = run(&["lint", "tests/fixtures/enums/openapi.yaml"], &workspace());
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
}

#[test]
fn diff_reports_and_gates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("old.yaml"), SPEC).unwrap();
    std::fs::write(dir.path().join("new.yaml"), SPEC.replace("  /health:\n    get:\n      operationId: Health\n      tags: [internal]\n      responses:\n        '204': {description: Up.}\n", "")).unwrap();
    let out = run(&["diff", "old.yaml", "new.yaml", "--format", "markdown", "--fail-on", "breaking"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("**Implied version bump of the generated crate: major**") && md.contains("operation Health"),
        "{md}"
    );
    std::fs::write(dir.path().join("accept.txt"), "operation-removed operation Health\nitem-removed *\ntrait-method-removed *\nenum-variant-removed *\nimpl-removed *\n").unwrap();
    let accepted =
        run(&["diff", "old.yaml", "new.yaml", "--accept", "accept.txt", "--fail-on", "breaking"], dir.path());
    assert_eq!(accepted.status.code(), Some(0), "{}{}", String::from_utf8_lossy(&accepted.stdout), stderr(&accepted));
}

#[test]
fn diff_takes_git_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    };
    std::fs::create_dir(dir.path().join("api")).unwrap();
    std::fs::write(dir.path().join("api/openapi.yaml"), SPEC).unwrap();
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "one"]);
    std::fs::write(dir.path().join("api/openapi.yaml"), SPEC.replace("ListPets", "AllPets")).unwrap();
    // A bare revision stands for the other side's file at that revision.
    let out = run(&["diff", "HEAD", "api/openapi.yaml", "--format", "json"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ListPets") && text.contains("AllPets"), "{text}");
    let explicit = run(&["diff", "HEAD:api/openapi.yaml", "api/openapi.yaml", "--format", "json"], dir.path());
    assert_eq!(explicit.stdout, out.stdout);
    let missing = run(&["diff", "nope", "api/openapi.yaml"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("`nope` is neither a file nor a folder"), "{}", stderr(&missing));
}
