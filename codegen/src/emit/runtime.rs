//! The runtime crate (`runtime/` in this repository) as the emitters see it: its name and
//! version for a generated crate that depends on it, and its source for one that holds it.

use crate::config::Runtime;

/// The package name of the runtime crate.
pub(crate) const PACKAGE: &str = "openapi-rs-runtime";

/// The version requirement a generated crate puts on the runtime crate; it matches
/// `runtime/Cargo.toml` (a test checks it).
pub(crate) const VERSION: &str = "0.1";

/// The runtime's source files, by path below its `src/` folder; `lib.rs` is the module root.
const SOURCES: &[(&str, &str)] = &[
    ("lib.rs", include_str!("../../../runtime/src/lib.rs")),
    ("base64_text.rs", include_str!("../../../runtime/src/base64_text.rs")),
    ("client.rs", include_str!("../../../runtime/src/client.rs")),
    ("json.rs", include_str!("../../../runtime/src/json.rs")),
    ("multipart.rs", include_str!("../../../runtime/src/multipart.rs")),
    ("nullable.rs", include_str!("../../../runtime/src/nullable.rs")),
    ("server.rs", include_str!("../../../runtime/src/server.rs")),
    ("stream.rs", include_str!("../../../runtime/src/stream.rs")),
];

/// What the runtime crate's `client` feature turns on, as `[dependencies]` lines (all
/// `optional = true`); kept equal to `runtime/Cargo.toml` by a test.
pub(crate) const CLIENT_DEPENDENCIES: &[(&str, &str)] = &[
    ("eventsource-stream", "version = \"0.2\""),
    ("form_urlencoded", "version = \"1\""),
    ("percent-encoding", "version = \"2\""),
    ("reqwest", "version = \"0.13\", default-features = false, features = [\"multipart\", \"rustls\", \"stream\"]"),
    ("tokio", "version = \"1\", features = [\"fs\", \"time\"]"),
    ("tokio-util", "version = \"0.7\", features = [\"io\"]"),
    ("tracing", "version = \"0.1\", default-features = false, features = [\"std\"]"),
];

/// What the runtime crate's `server` feature turns on.
pub(crate) const SERVER_DEPENDENCIES: &[(&str, &str)] = &[
    ("axum", "version = \"0.8\", default-features = false"),
    ("form_urlencoded", "version = \"1\""),
    ("http-body-util", "version = \"0.1\""),
    ("multer", "version = \"3\""),
    ("regress", "version = \"0.10\""),
    ("tracing", "version = \"0.1\", default-features = false, features = [\"std\"]"),
];

/// What the runtime always needs.
pub(crate) const DEPENDENCIES: &[(&str, &str)] = &[
    ("base64", "version = \"0.23\""),
    ("bytes", "version = \"1\""),
    ("futures-util", "version = \"0.3\", default-features = false, features = [\"std\"]"),
    ("serde", "version = \"1\", features = [\"derive\"]"),
    ("serde_json", "version = \"1\""),
];

/// The files that write the runtime into a generated crate as its `runtime` module
/// (`src/runtime.rs` and `src/runtime/*.rs`), each after `header`; its unit tests stay in
/// the runtime crate.
pub(crate) fn inline_files(header: &str) -> Vec<(String, String)> {
    SOURCES
        .iter()
        .map(|(file, text)| {
            let path = if *file == "lib.rs" { "src/runtime.rs".to_owned() } else { format!("src/runtime/{file}") };
            (path, format!("{header}\n{}", without_tests(text)))
        })
        .collect()
}

/// `text` without its `#[cfg(test)] mod tests { .. }`, which runs last in a runtime file.
fn without_tests(text: &str) -> &str {
    match text.find("\n#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..=at],
        None => text,
    }
}

/// The `[dependencies]` line of the runtime crate, for a crate that depends on it.
pub(crate) fn dependency(runtime: &Runtime) -> Option<String> {
    match runtime {
        Runtime::Crate { path: Some(path) } => {
            Some(format!("{PACKAGE} = {{ version = \"{VERSION}\", path = \"{}\" }}\n", path.replace('\\', "/")))
        }
        Runtime::Crate { path: None } => Some(format!("{PACKAGE} = \"{VERSION}\"\n")),
        Runtime::Inline => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = include_str!("../../../runtime/Cargo.toml");

    #[test]
    fn the_version_requirement_matches_the_runtime_crate() {
        let version = MANIFEST.lines().find_map(|l| l.strip_prefix("version = \"")).expect("a version line");
        assert!(version.starts_with(&format!("{VERSION}.")), "runtime/Cargo.toml says {version}, codegen {VERSION}");
    }

    #[test]
    fn the_dependencies_match_the_runtime_crate() {
        for (name, spec) in DEPENDENCIES {
            let line = format!("\n{name} = {{ {spec} }}\n");
            assert!(MANIFEST.contains(&line), "runtime/Cargo.toml lacks `{}`", line.trim());
        }
        for (feature, deps) in [("client", CLIENT_DEPENDENCIES), ("server", SERVER_DEPENDENCIES)] {
            let list = MANIFEST.lines().find(|l| l.starts_with(&format!("{feature} = ["))).expect("the feature");
            let named = list.matches("\"dep:").count();
            assert_eq!(named, deps.len(), "`{list}` against {deps:?}");
            for (name, spec) in deps {
                let line = format!("\n{name} = {{ {spec}, optional = true }}\n");
                assert!(MANIFEST.contains(&line), "runtime/Cargo.toml lacks `{}`", line.trim());
                assert!(list.contains(&format!("\"dep:{name}\"")), "`{list}` lacks {name}");
            }
        }
    }

    #[test]
    fn inline_files_leave_the_unit_tests_behind() {
        let files = inline_files("// header");
        assert_eq!(files.len(), SOURCES.len());
        assert!(files.iter().all(|(_, text)| !text.contains("mod tests {")));
        let server = files.iter().find(|(path, _)| path == "src/runtime/server.rs").expect("the server file");
        assert!(server.1.contains("pub struct Operation"));
    }
}
