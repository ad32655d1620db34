//! A crate generated with a feature per tag, built and served: `tags_e2e/gated.rs` runs inside
//! it with some tags' features on, against its own router over loopback.
//!
//! The crate lives in a scratch workspace under `target/tags-e2e/`, pinned to this workspace's
//! `Cargo.lock` and sharing the fixture checks' target folder.

mod scratch;
use scratch::{cargo, workspace, write_if_changed, write_workspace};

const SPEC: &str = r#"
openapi: 3.1.0
info: {title: Tags, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: ListPets
      tags: [pets]
      responses:
        '204': {description: Listed.}
    post:
      operationId: CreatePet
      tags: [admin]
      responses:
        '204': {description: Created.}
  /health:
    get:
      operationId: Health
      tags: [internal]
      responses:
        '204': {description: Up.}
  /ping:
    get:
      operationId: Ping
      responses:
        '204': {description: Pong.}
"#;

#[test]
fn a_crate_with_tag_features_serves_only_the_tags_turned_on() {
    let scratch = workspace().join("target").join("tags-e2e");
    let spec = scratch.join("openapi.yaml");
    write_if_changed(&spec, SPEC.as_bytes());
    let config = codegen::Config {
        crate_name: "fixture-tags".into(),
        source_label: "tests/tag_features.rs".into(),
        runtime: codegen::Runtime::Crate { path: Some("../../../runtime".into()) },
        tag_features: true,
        ..codegen::Config::default()
    };
    let out = codegen::generate(&spec, &config).unwrap_or_else(|e| panic!("the spec generates:\n{e}"));
    let krate = scratch.join("fixture-tags");
    for (rel, text) in &out.files {
        let mut text = text.clone();
        if rel == "Cargo.toml" {
            text.push_str(
                "\n[dev-dependencies]\naxum = { version = \"0.8\", default-features = false, features = [\"http1\", \"tokio\"] }\n\
                 reqwest = { version = \"0.13\", default-features = false }\n\
                 tokio = { version = \"1\", features = [\"macros\", \"net\", \"rt-multi-thread\"] }\n",
            );
        }
        write_if_changed(&krate.join(rel), text.as_bytes());
    }
    write_if_changed(&krate.join("tests/gated.rs"), include_bytes!("tags_e2e/gated.rs"));
    write_workspace(&scratch, "tests/tag_features.rs", &["fixture-tags"]);
    for features in ["server,pets", "server,pets,admin"] {
        let args = ["test", "--offline", "--quiet", "--no-default-features", "--features", features];
        if let Err(output) = cargo(&scratch, &args) {
            panic!("the crate with features {features} failed:\n{output}");
        }
    }
}
