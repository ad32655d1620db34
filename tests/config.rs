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
        '200':
          description: Pets.
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    post:
      operationId: CreatePet
      tags: [pets, admin]
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '201': {description: Created.}
  /health:
    get:
      operationId: Health
      tags: [internal]
      responses:
        '204': {description: Up.}
components:
  schemas:
    Pet:
      type: object
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
    Owner:
      type: object
      properties:
        pet: {$ref: '#/components/schemas/Pet'}
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

#[test]
fn the_emit_section_leaves_out_a_side() {
    let out = generate("[emit]\nclient = false\n[runtime]\nmode = \"crate\"\n").unwrap();
    assert!(!out.files.contains_key("src/client.rs") && out.files.contains_key("src/server.rs"));
    assert!(!out.files["src/lib.rs"].contains("pub mod client;"));
    // The feature stays, so that enabling it is no error, with the runtime's side alone.
    let manifest = &out.files["Cargo.toml"];
    assert!(
        manifest.contains("# No client: the configuration leaves it out.\nclient = [\"openapi-rs-runtime/client\"]")
    );
    assert!(!manifest.contains("reqwest") && manifest.contains("axum"), "{manifest}");
    let out = generate("[emit]\nserver = false\n[runtime]\nmode = \"crate\"\n").unwrap();
    assert!(out.files.contains_key("src/client.rs") && !out.files.contains_key("src/server.rs"));
    assert!(out.files["Cargo.toml"].contains("reqwest") && !out.files["Cargo.toml"].contains("axum"));
    let models_only = generate("[emit]\nclient = false\nserver = false\n").unwrap();
    assert!(models_only.files.contains_key("src/models.rs") && models_only.files.contains_key("src/operations.rs"));
    assert!(!models_only.files.contains_key("src/client.rs") && !models_only.files.contains_key("src/server.rs"));
}

#[test]
fn tags_become_features_that_gate_what_they_use() {
    let plain = generate("").unwrap();
    let gated = |out: &codegen::Generated| {
        ["src/client.rs", "src/operations.rs"].iter().any(|f| out.files[*f].contains("#[cfg("))
    };
    assert!(!gated(&plain), "off by default");
    let out = generate("[emit]\ntag-features = true\n").unwrap();
    let manifest = &out.files["Cargo.toml"];
    assert!(manifest.contains("all-tags = [\"admin\", \"internal\", \"pets\"]"), "{manifest}");
    assert!(manifest.contains("# Tag `pets`: 2 operations and the types they use.\npets = []"), "{manifest}");
    let client = &out.files["src/client.rs"];
    let gate = |text: &str, cfg: &str, item: &str| {
        let at = text.find(item).unwrap_or_else(|| panic!("`{item}` is emitted"));
        text[..at].rfind("#[cfg(").is_some_and(|c| text[c..at].starts_with(cfg) && !text[c..at].contains("\n\n"))
    };
    assert!(gate(client, "#[cfg(feature = \"pets\")]", "pub async fn list_pets("), "{client}");
    assert!(gate(client, "#[cfg(any(feature = \"admin\", feature = \"pets\"))]", "pub async fn create_pet("));
    let server = &out.files["src/server.rs"];
    assert!(gate(server, "#[cfg(feature = \"internal\")]", "fn health("), "{server}");
    // A path is routed when one of its methods is compiled, and a 405 names only those.
    assert!(server.contains("allow.extend([\"GET\", \"HEAD\"]);"), "{server}");
    assert!(gate(&out.files["src/operations.rs"], "#[cfg(feature = \"internal\")]", "pub enum HealthResponse"));
}

#[test]
fn the_readme_example_names_only_real_keys() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let start = readme.find("```toml\nspec = ").expect("the README shows a codegen.toml") + "```toml\n".len();
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let file = ConfigFile::parse("README.md", block).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(file.emit.tag_features, Some(false));
    assert_eq!(file.rename.operations["GetCustomer"], "fetch_customer");
}

#[test]
fn models_are_renamed_with_both_views() {
    let out = generate("[rename.schemas]\nPet = \"Animal\"\n").unwrap();
    let models = &out.files["src/models.rs"];
    assert!(models.contains("pub struct Animal {") && models.contains("pub struct AnimalRequest {"), "{models}");
    assert!(!models.contains("pub struct Pet"));
    // Every use follows: a field, the operations, the client.
    assert!(models.contains("pub pet: Option<Animal>"), "{models}");
    assert!(out.files["src/operations.rs"].contains("Vec<models::Animal>"));
    assert!(out.files["src/client.rs"].contains("models::AnimalRequest"));
    let error = |text: &str| generate(text).unwrap_err();
    let missing = error("[rename.schemas]\nDog = \"Animal\"\n");
    assert!(missing.contains("renames type `Dog`, which the generated crate does not have"), "{missing}");
    let taken = error("[rename.schemas]\nPet = \"Owner\"\n");
    assert!(taken.contains("`Owner` (for `Pet`) is the name of another type"), "{taken}");
    let bad = error("[rename.schemas]\nPet = \"an_animal\"\n");
    assert!(bad.contains("is not a type name"), "{bad}");
}

#[test]
fn types_are_chosen_by_format_and_by_x_rust_type() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("openapi.yaml");
    std::fs::write(
        &spec,
        r#"
openapi: 3.1.0
info: {title: Money, version: 1.0.0}
paths:
  /prices:
    get:
      operationId: GetPrice
      responses:
        '200':
          description: A price.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Price'}
components:
  schemas:
    Price:
      type: object
      properties:
        amount: {type: string, format: decimal}
        cap: {type: [string, 'null'], format: decimal}
        currency: {$ref: '#/components/schemas/Currency'}
        site: {type: object, x-rust-type: {crate: other, version: '1', path: other::Site}, properties: {a: {type: string}}}
    Currency:
      type: string
      x-rust-type: {crate: iso_currency, version: '0.5', path: iso_currency::Currency}
"#,
    )
    .unwrap();
    let text = "[types.formats]\ndecimal = \"rust_decimal::Decimal\"\n\n[types.crates]\nrust_decimal = { version = \"1\", features = [\"serde-str\"] }\niso_currency = \"0.5\"\n";
    let config = ConfigFile::parse("codegen.toml", text).unwrap().config(Config::default());
    let out = codegen::generate(&spec, &config).unwrap_or_else(|d| panic!("{d}"));
    let models = &out.files["src/models.rs"];
    assert!(models.contains("pub amount: Option<rust_decimal::Decimal>"), "{models}");
    assert!(models.contains("pub cap: Nullable<rust_decimal::Decimal>"), "{models}");
    assert!(models.contains("pub type Currency = iso_currency::Currency;"), "{models}");
    // A crate the configuration does not list is not taken: the schema's own type, and a warning.
    assert!(models.contains("pub struct PriceSite"), "{models}");
    assert!(out.warnings.iter().any(|w| w.to_string().contains("`other`")), "{:?}", out.warnings);
    let manifest = &out.files["Cargo.toml"];
    assert!(manifest.contains("rust_decimal = { features = [\"serde-str\"], version = \"1\" }\n"), "{manifest}");
    assert!(manifest.contains("iso_currency = \"0.5\"\n"), "{manifest}");
    // A path from a crate the file does not list, and a crate every generated crate has, are errors.
    let error = |text: &str| generate(text).unwrap_err();
    let unlisted = error("[types.formats]\ndecimal = \"rust_decimal::Decimal\"\n");
    assert!(unlisted.contains("crate `rust_decimal`, which `[types.crates]` does not list"), "{unlisted}");
    let own = error("[types.crates]\nserde = \"1\"\n");
    assert!(own.contains("`serde`, which generated crates depend on already"), "{own}");
    // chrono is a dependency of its own when a chosen type comes from it, dates or not.
    let chrono = generate("[types.formats]\ntime = \"chrono::NaiveTime\"\n").unwrap();
    assert!(chrono.files["Cargo.toml"].contains("\nchrono = {"), "{}", chrono.files["Cargo.toml"]);
    let not_a_type = error("[types.formats]\nx = \"not a type\"\n");
    assert!(not_a_type.contains("is not a Rust type path"), "{not_a_type}");
}
