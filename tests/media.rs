//! Bodies that are not JSON, end to end: the `media_types` fixture's crate is generated and
//! its own client is run against its own server over loopback (`media_e2e/loopback.rs`).
//!
//! The crate is generated twice, once depending on the runtime crate and once holding the
//! runtime's source ([`codegen::Runtime`]), and the same loopback test runs against each, so
//! the two outputs are shown to compile and behave alike. A third test there
//! (`media_e2e/shared_runtime.rs`) proves that two crates generated with the runtime crate
//! share its types.
//!
//! The crates live in a scratch workspace under `target/media-e2e/`, pinned to this
//! workspace's `Cargo.lock` and sharing the fixture checks' target folder, so a second run
//! rebuilds only what changed.

mod scratch;
use scratch::{cargo, workspace, write_if_changed, write_workspace};

#[test]
fn client_and_server_exchange_form_binary_and_text_bodies_with_either_runtime() {
    let spec = workspace().join("tests/fixtures/media_types/openapi.yaml");
    let scratch = workspace().join("target").join("media-e2e");
    let loopback =
        std::fs::read_to_string(workspace().join("tests/media_e2e/loopback.rs")).expect("the loopback test exists");
    let shared = std::fs::read(workspace().join("tests/media_e2e/shared_runtime.rs")).expect("the shared test exists");
    // The crates are built in `target/media-e2e/<crate>/`.
    let with_crate = codegen::Runtime::Crate { path: Some("../../../runtime".into()) };
    for (name, runtime) in
        [("fixture-media-types", with_crate), ("fixture-media-types-inline", codegen::Runtime::Inline)]
    {
        let config = codegen::Config {
            crate_name: name.into(),
            crate_version: "0.1.0".into(),
            source_label: "tests/fixtures/media_types/openapi.yaml".into(),
            runtime,
            ..codegen::Config::default()
        };
        let inline = config.runtime == codegen::Runtime::Inline;
        let out = codegen::generate(&spec, &config).unwrap_or_else(|e| panic!("the fixture generates:\n{e}"));
        let krate = scratch.join(name);
        for (rel, text) in &out.files {
            let mut text = text.clone();
            if rel == "Cargo.toml" {
                // What the loopback test itself uses, all in this workspace's lock file.
                text.push_str(
                    "\n[dev-dependencies]\naxum = { version = \"0.8\", default-features = false, features = [\"http1\", \"tokio\"] }\n\
                     futures-util = { version = \"0.3\", default-features = false }\n\
                     reqwest = { version = \"0.13\", default-features = false }\n\
                     tokio = { version = \"1\", features = [\"fs\", \"macros\", \"net\", \"rt-multi-thread\"] }\n",
                );
                if !inline {
                    // A second crate generated with the runtime crate: the project's own.
                    text.push_str("customers-api = { path = \"../../../generated\", features = [\"client\"] }\n");
                }
            }
            write_if_changed(&krate.join(rel), text.as_bytes());
        }
        let test = loopback.replace("fixture_media_types::", &format!("{}::", name.replace('-', "_")));
        write_if_changed(&krate.join("tests/loopback.rs"), test.as_bytes());
        if !inline {
            write_if_changed(&krate.join("tests/shared_runtime.rs"), &shared);
        }
    }
    write_workspace(&scratch, "tests/media.rs", &["fixture-media-types", "fixture-media-types-inline"]);
    if let Err(output) = cargo(&scratch, &["test", "--offline", "--all-features", "--quiet"]) {
        panic!("the loopback test of the media fixture failed:\n{output}");
    }
}

#[test]
fn the_readme_shows_the_media_tour_as_the_loopback_test_runs_it() {
    let source = include_str!("media_e2e/loopback.rs");
    let begin = source.find("// README media begin\n").expect("begin marker") + "// README media begin\n".len();
    let end = source.find("// README media end").expect("end marker");
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(&source[begin..end]),
        "README.md must show tests/media_e2e/loopback.rs's media tour as it is"
    );
}
