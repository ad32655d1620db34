//! The configuration file (`codegen.toml`): each key read and applied, and every mistake in it
//! named with its key, file and line.

use codegen::{Config, ConfigFile, Runtime};

const SPEC: &str = r#"
openapi: 3.1.0
info: {title: Pets, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: ListPets
      tags: [pets]
      responses:
        '200': {description: Pets.}
    post:
      operationId: CreatePet
      tags: [pets, admin]
      responses:
        '201': {description: Created.}
  /health:
    get:
      operationId: Health
      tags: [internal]
      responses:
        '204': {description: Up.}
"#;

/// Generates the spec above with the settings `text` gives over the defaults.
fn generate(text: &str) -> Result<codegen::Generated, String> {
    let file = ConfigFile::parse("codegen.toml", text).map_err(|d| d.to_string())?;
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("openapi.yaml");
    std::fs::write(&spec, SPEC).unwrap();
    codegen::generate(&spec, &file.config(Config::default())).map_err(|d| d.to_string())
}

#[test]
fn a_missing_or_empty_file_keeps_the_defaults() {
    assert_eq!(ConfigFile::parse("codegen.toml", "").unwrap().config(Config::default()), Config::default());
}

#[test]
fn spec_out_and_the_crate_section_are_read() {
    let text = "spec = \"api/openapi.yaml\"\nout = \"crates/api\"\n[crate]\nname = \"pets\"\nversion = \"2.1.0\"\ndescription = \"Pets, \\\"typed\\\"\"\n";
    let file = ConfigFile::parse("codegen.toml", text).unwrap();
    assert_eq!((file.spec.as_deref(), file.out.as_deref()), (Some("api/openapi.yaml"), Some("crates/api")));
    let out = generate(text).unwrap();
    let manifest = &out.files["Cargo.toml"];
    assert!(manifest.contains("name = \"pets\"\nversion = \"2.1.0\""), "{manifest}");
    assert!(manifest.contains("description = \"Pets, \\\"typed\\\"\""), "{manifest}");
}

#[test]
fn the_runtime_section_picks_the_runtime() {
    let config = |text: &str| ConfigFile::parse("codegen.toml", text).unwrap().config(Config::default()).runtime;
    assert_eq!(config("[runtime]\nmode = \"inline\"\n"), Runtime::Inline);
    assert_eq!(config("[runtime]\nmode = \"crate\"\n"), Runtime::Crate { path: None });
    assert_eq!(config("[runtime]\npath = \"../runtime\"\n"), Runtime::Crate { path: Some("../runtime".into()) });
    let out = generate("[runtime]\nmode = \"crate\"\npath = \"../rt\"\n").unwrap();
    assert!(out.files["Cargo.toml"].contains("path = \"../rt\""));
    assert!(!out.files.contains_key("src/runtime.rs"));
}

#[test]
fn operations_are_left_out_by_tag_and_by_id() {
    let ids = |text: &str| generate(text).unwrap().api.operations.iter().map(|o| o.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids("[exclude]\ntags = [\"internal\"]\n"), ["ListPets", "CreatePet"]);
    assert_eq!(ids("[exclude]\noperations = [\"CreatePet\"]\n"), ["ListPets", "Health"]);
    let out = generate("[exclude]\ntags = [\"admin\", \"internal\"]\n").unwrap();
    assert!(!out.files["src/client.rs"].contains("create_pet") && !out.files["src/server.rs"].contains("/health"));
    assert!(!out.files["api-surface.json"].contains("CreatePet"));
}

#[test]
fn operations_are_renamed_on_both_sides() {
    let out = generate("[rename.operations]\nListPets = \"all_pets\"\n").unwrap();
    assert!(out.files["src/client.rs"].contains("pub async fn all_pets("));
    assert!(out.files["src/server.rs"].contains("fn all_pets("));
    assert!(!out.files["src/client.rs"].contains("fn list_pets("));
}

#[test]
fn every_mistake_is_named() {
    let error = |text: &str| generate(text).unwrap_err();
    let unknown = error("spec = \"a.yaml\"\n\n[crate]\nnmae = \"x\"\n");
    assert!(unknown.contains("unknown field `nmae`") && unknown.contains("codegen.toml:4"), "{unknown}");
    let section = error("[features]\nclient = true\n");
    assert!(section.contains("unknown field `features`") && section.contains("codegen.toml:1"), "{section}");
    let kind = error("[exclude]\ntags = \"internal\"\n");
    assert!(kind.contains("codegen.toml:2") && kind.contains("sequence"), "{kind}");
    let mode = error("[runtime]\nmode = \"vendored\"\n");
    assert!(mode.contains("vendored") && mode.contains("codegen.toml:2"), "{mode}");
    let missing = error("[exclude]\noperations = [\"DeletePet\"]\n");
    assert!(missing.contains("`DeletePet`, which the spec does not have"), "{missing}");
    let bad_name = error("[rename.operations]\nListPets = \"AllPets\"\n");
    assert!(bad_name.contains("`AllPets` (for `ListPets`) is not a method name"), "{bad_name}");
    let keyword = error("[rename.operations]\nListPets = \"type\"\n");
    assert!(keyword.contains("not a method name"), "{keyword}");
    let taken = error("[rename.operations]\nListPets = \"create_pet\"\n");
    assert!(taken.contains("another operation's method"), "{taken}");
}
