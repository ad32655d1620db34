//! `cargo xtask corpus [DIR|FILE]...`: generate every spec found, compile each result with
//! warnings denied, and print one row per spec.
//!
//! A directory is searched for YAML/JSON files whose top level, parsed, is a mapping with an
//! `openapi` key (the other files are parts that roots `$ref`, Swagger 2.0 documents, or
//! files that do not parse; [`Found::skipped`] says which). Each spec becomes a crate in a scratch
//! workspace (`target/corpus-crates`), which `cargo clippy -D warnings` checks one crate at a
//! time; with `--tags`, a second crate per spec has one feature per tag.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use codegen::ir::{Api, Body, TypeKind, TypeRef};

/// One spec's outcome.
#[derive(Debug)]
pub struct Row {
    /// The spec's root file.
    pub spec: PathBuf,
    /// Crate name in the scratch workspace.
    pub crate_name: String,
    /// Operations (webhooks included).
    pub operations: usize,
    /// Named Rust types emitted.
    pub types: usize,
    /// Generation wall time.
    pub generate: Duration,
    /// Rust lines emitted.
    pub lines: usize,
    /// Warnings about the spec (constructs approximated).
    pub warnings: usize,
    /// Places where a type degraded to `serde_json::Value` (see [`degraded`]).
    pub degraded: usize,
    /// Bodies that are not JSON: how many are typed, of how many (see [`non_json_bodies`]).
    pub bodies: (usize, usize),
    /// Generation errors, if it failed.
    pub error: Option<String>,
    /// Compile result, once checked.
    pub check: Option<Result<Duration, String>>,
    /// With `--tags`: the crate made with one feature per tag, the tags sampled from its
    /// features, and how many features it has.
    pub tag_crate: Option<(String, Vec<String>, usize)>,
    /// With `--tags`: the tag crate's check (no features, then each sampled tag with the
    /// client and the server), once checked.
    pub tag_check: Option<Result<(), String>>,
}

/// `count` of `names`, spread evenly from the first to the last (all of them when there are
/// no more than `count`).
pub fn sample(names: &[String], count: usize) -> Vec<String> {
    if names.len() <= count {
        return names.to_vec();
    }
    let last = names.len() - 1;
    let mut picked: Vec<String> = (0..count).map(|i| names[i * last / (count - 1).max(1)].clone()).collect();
    picked.dedup();
    picked
}

/// What a search for spec roots found.
#[derive(Debug, Default)]
pub struct Found {
    /// Root files, sorted.
    pub roots: Vec<PathBuf>,
    /// Files looked at and not taken, sorted, each with the reason.
    pub skipped: Vec<(PathBuf, Skip)>,
}

/// Why a YAML/JSON file found in a folder is not taken as a spec root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// A mapping without an `openapi` key: a part that roots `$ref`.
    Part,
    /// A mapping with a `swagger` key and no `openapi` key.
    Swagger2,
    /// The top level is not a mapping (`a sequence`, `a string`, ...).
    NotAMapping(&'static str),
    /// The file does not parse as YAML/JSON.
    Unparsable(String),
    /// The file cannot be read.
    Unreadable(String),
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::Part => f.write_str("part (no top-level `openapi` key)"),
            Skip::Swagger2 => f.write_str("Swagger 2.0, not OpenAPI 3"),
            Skip::NotAMapping(shape) => write!(f, "not a root: the top level is {shape}"),
            Skip::Unparsable(e) => write!(f, "unparsable: {e}"),
            Skip::Unreadable(e) => write!(f, "unreadable: {e}"),
        }
    }
}

impl Found {
    /// One line per skipped file, except parts, which are counted in one line when there
    /// are more than `max_parts` of them.
    pub fn skipped_report(&self, max_parts: usize) -> String {
        let parts = self.skipped.iter().filter(|(_, s)| *s == Skip::Part).count();
        let mut out = String::new();
        for (path, skip) in &self.skipped {
            if *skip != Skip::Part || parts <= max_parts {
                let _ = writeln!(out, "skipped {}: {skip}", path.display());
            }
        }
        if parts > max_parts {
            let _ = writeln!(out, "skipped {parts} parts (no top-level `openapi` key)");
        }
        out
    }
}

/// Finds spec roots under `paths`: a file named is always taken; a folder is searched for
/// YAML/JSON files whose top level is a mapping with an `openapi` key.
pub fn find_specs(paths: &[PathBuf]) -> std::io::Result<Found> {
    let mut found = Found::default();
    for path in paths {
        if path.is_file() {
            found.roots.push(path.clone());
            continue;
        }
        let mut stack = vec![path.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir)? {
                let p = entry?.path();
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if p.is_dir() {
                    if !matches!(name, "node_modules" | "target" | ".git") {
                        stack.push(p);
                    }
                } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")) {
                    match classify(&p) {
                        None => found.roots.push(p),
                        Some(skip) => found.skipped.push((p, skip)),
                    }
                }
            }
        }
    }
    found.roots.sort();
    found.roots.dedup();
    found.skipped.sort_by(|a, b| a.0.cmp(&b.0));
    found.skipped.dedup_by(|a, b| a.0 == b.0);
    Ok(found)
}

/// `None` for a spec root, else why the file is not one. Parses the whole file but keeps
/// only the top level's shape and keys (values are skipped, not built).
fn classify(path: &Path) -> Option<Skip> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return Some(Skip::Unreadable(e.to_string())),
    };
    let top = if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str::<TopLevel>(&text).map_err(|e| e.to_string())
    } else {
        serde_yaml::from_str::<TopLevel>(&text).map_err(|e| e.to_string())
    };
    match top {
        Err(e) => Some(Skip::Unparsable(e)),
        Ok(TopLevel::Mapping { openapi: true, .. }) => None,
        Ok(TopLevel::Mapping { swagger: true, .. }) => Some(Skip::Swagger2),
        Ok(TopLevel::Mapping { .. }) => Some(Skip::Part),
        Ok(TopLevel::Other(shape)) => Some(Skip::NotAMapping(shape)),
    }
}

/// A document's top level: whether it is a mapping and which of the keys that make a root
/// it has.
enum TopLevel {
    Mapping { openapi: bool, swagger: bool },
    Other(&'static str),
}

impl<'de> serde::Deserialize<'de> for TopLevel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TopLevelVisitor)
    }
}

struct TopLevelVisitor;

impl<'de> serde::de::Visitor<'de> for TopLevelVisitor {
    type Value = TopLevel;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a YAML or JSON document")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
        let (mut openapi, mut swagger) = (false, false);
        while let Some(key) = map.next_key::<Key>()? {
            map.next_value::<serde::de::IgnoredAny>()?;
            match key.0.as_deref() {
                Some("openapi") => openapi = true,
                Some("swagger") => swagger = true,
                _ => {}
            }
        }
        Ok(TopLevel::Mapping { openapi, swagger })
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<TopLevel, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(TopLevel::Other("a sequence"))
    }

    fn visit_str<E>(self, _: &str) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a string"))
    }

    fn visit_bool<E>(self, _: bool) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a boolean"))
    }

    fn visit_i64<E>(self, _: i64) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("a number"))
    }

    fn visit_unit<E>(self) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("null (an empty document)"))
    }

    fn visit_none<E>(self) -> Result<TopLevel, E> {
        Ok(TopLevel::Other("null (an empty document)"))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<TopLevel, A::Error> {
        use serde::de::VariantAccess as _;
        let (_, variant) = data.variant::<serde::de::IgnoredAny>()?;
        variant.newtype_variant::<serde::de::IgnoredAny>()?;
        Ok(TopLevel::Other("a tagged value"))
    }
}

/// A mapping key: its text when it is a string, `None` for any other key (YAML allows them).
struct Key(Option<String>);

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        Ok(Key(value.as_str().map(str::to_owned)))
    }
}

/// Generates every spec into `scratch` and checks the crates; `lock` pins dependency versions.
pub fn run(
    specs: &[PathBuf],
    scratch: &Path,
    target_dir: &Path,
    lock: &Path,
    feature_sets: &[FeatureSet],
    tags: usize,
) -> std::io::Result<Vec<Row>> {
    std::fs::create_dir_all(scratch)?;
    // No feature set: generation only, nothing written or checked.
    let check = !feature_sets.is_empty();
    let mut rows = Vec::new();
    let mut members = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
        let parent = spec.parent().and_then(|p| p.file_name()).and_then(|s| s.to_str()).unwrap_or("");
        let crate_name = format!("corpus-{}-{}", i + 1, slug(&format!("{parent}-{stem}")));
        let config = codegen::Config {
            crate_name: crate_name.clone(),
            crate_version: "0.0.0".into(),
            source_label: spec.display().to_string(),
            runtime: crate::codegen::scratch_runtime(),
            ..codegen::Config::default()
        };
        let started = Instant::now();
        let result = codegen::generate(spec, &config);
        let generate = started.elapsed();
        let mut row = Row {
            spec: spec.clone(),
            crate_name: crate_name.clone(),
            operations: 0,
            types: 0,
            generate,
            lines: 0,
            warnings: 0,
            degraded: 0,
            bodies: (0, 0),
            error: None,
            check: None,
            tag_crate: None,
            tag_check: None,
        };
        match result {
            Ok(out) => {
                row.operations = out.api.operations.len() + out.api.webhooks.len();
                row.types = out.api.types.len();
                row.warnings = out.warnings.len();
                row.degraded = degraded(&out.api);
                row.bodies = non_json_bodies(&out.api);
                row.lines = out.files.iter().filter(|(p, _)| p.ends_with(".rs")).map(|(_, t)| t.lines().count()).sum();
                if !check {
                    rows.push(row);
                    continue;
                }
                write_crate(&scratch.join(&crate_name), &out.files)?;
                members.push(crate_name.clone());
                if tags > 0 && !out.api.operations.is_empty() {
                    let name = format!("{crate_name}-tags");
                    let config = codegen::Config { crate_name: name.clone(), tag_features: true, ..config };
                    match codegen::generate(spec, &config) {
                        Ok(out) => {
                            let all: Vec<String> = out.api.features.iter().map(|f| f.name.clone()).collect();
                            write_crate(&scratch.join(&name), &out.files)?;
                            members.push(name.clone());
                            row.tag_crate = Some((name, sample(&all, tags), all.len()));
                        }
                        Err(diags) => row.tag_check = Some(Err(diags.to_string())),
                    }
                }
            }
            Err(diags) => {
                let mut text = String::new();
                for d in diags.errors().take(5) {
                    let _ = writeln!(text, "{d}");
                }
                row.error = Some(text);
            }
        }
        rows.push(row);
    }
    if !check {
        return Ok(rows);
    }
    let manifest = format!(
        "# Scratch workspace made by `cargo xtask corpus`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(", ")
    );
    std::fs::write(scratch.join("Cargo.toml"), manifest)?;
    if lock.exists() {
        std::fs::copy(lock, scratch.join("Cargo.lock"))?;
    }
    for row in rows.iter_mut().filter(|r| r.error.is_none()) {
        let started = Instant::now();
        let mut failed = None;
        for set in feature_sets {
            if let Err(e) = clippy(scratch, target_dir, &row.crate_name, set.args())? {
                failed = Some(format!("with {}:\n{e}", set.name()));
                break;
            }
        }
        row.check = Some(match failed {
            None => Ok(started.elapsed()),
            Some(e) => Err(e),
        });
        clean(scratch, target_dir, &row.crate_name);
        if let Some((name, sampled, _)) = &row.tag_crate {
            // No tag, then each sampled tag on its own with both sides.
            let sets = std::iter::once(String::new()).chain(sampled.iter().map(|t| format!("client,server,{t}")));
            let mut failed = None;
            for set in sets {
                let args = ["--no-default-features", "--features", &set];
                if let Err(e) = clippy(scratch, target_dir, name, &args)? {
                    let label = if set.is_empty() { "no features".to_string() } else { format!("features {set}") };
                    failed = Some(format!("with {label}:\n{e}"));
                    break;
                }
            }
            row.tag_check = Some(failed.map_or(Ok(()), Err));
            clean(scratch, target_dir, name);
        }
    }
    Ok(rows)
}

/// Writes a generated crate's files into `dir`, replacing what was there.
fn write_crate(dir: &Path, files: &std::collections::BTreeMap<String, String>) -> std::io::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("files live in a folder"))?;
        std::fs::write(path, text)?;
    }
    Ok(())
}

/// `cargo clippy -D warnings` on one crate of the scratch workspace with `features` (cargo's
/// arguments); `Err` holds the start of what clippy printed.
fn clippy(scratch: &Path, target_dir: &Path, name: &str, features: &[&str]) -> std::io::Result<Result<(), String>> {
    let mut args = vec!["clippy", "--quiet", "--package", name];
    args.extend_from_slice(features);
    args.extend_from_slice(&["--", "-D", "warnings"]);
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(&args)
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", target_dir)
        // Each crate is checked once: incremental caches would only fill the disk.
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("RUSTFLAGS")
        .output()?;
    Ok(if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).lines().take(60).collect::<Vec<_>>().join("\n"))
    })
}

/// Removes one crate's own artifacts (tens of megabytes per feature set for a big API), which
/// are not used again; the dependencies' stay for the next crate. A failure costs only disk.
fn clean(scratch: &Path, target_dir: &Path, name: &str) {
    let _ = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["clean", "--quiet", "--package", name])
        .current_dir(scratch)
        .env("CARGO_TARGET_DIR", target_dir)
        .output();
}

/// A set of the generated crate's features that clippy checks it with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureSet {
    /// No features: the models and operations alone.
    None,
    /// `client`.
    Client,
    /// `server`.
    Server,
    /// Every feature.
    All,
}

impl FeatureSet {
    /// Each set on its own: an import or helper only one side uses must not warn in another.
    pub const EACH: [FeatureSet; 4] = [FeatureSet::None, FeatureSet::Client, FeatureSet::Server, FeatureSet::All];

    fn args(self) -> &'static [&'static str] {
        match self {
            FeatureSet::None => &[],
            FeatureSet::Client => &["--features", "client"],
            FeatureSet::Server => &["--features", "server"],
            FeatureSet::All => &["--all-features"],
        }
    }

    fn name(self) -> &'static str {
        match self {
            FeatureSet::None => "no features",
            FeatureSet::Client => "feature client",
            FeatureSet::Server => "feature server",
            FeatureSet::All => "all features",
        }
    }
}

/// The request and response bodies of `api` that are not JSON, as (typed, all): a form
/// with a schema, text, bytes and event streams are typed, and multipart bodies whose schema
/// is an object with properties (a struct of parts); other multipart bodies are not (the
/// caller builds their parts).
pub fn non_json_bodies(api: &Api) -> (usize, usize) {
    use codegen::ir::BodyKind;
    let bodies = api
        .operations
        .iter()
        .chain(api.webhooks.iter().map(|w| &w.operation))
        .flat_map(|op| op.body.iter().chain(op.responses.iter().filter_map(|r| r.body.as_ref())))
        .flat_map(|b| b.media().map(|(_, media)| media))
        .filter(|b| b.kind != BodyKind::Json);
    let (mut typed, mut all) = (0, 0);
    for b in bodies {
        all += 1;
        typed += usize::from(match b.kind {
            BodyKind::Form => b.ty.is_some(),
            BodyKind::Text | BodyKind::Binary | BodyKind::EventStream => true,
            BodyKind::Multipart => api.form_object(b).is_some(),
            BodyKind::Json => false,
        });
    }
    (typed, all)
}

/// How many places in `api` hold a type that degraded to `serde_json::Value`
/// ([`TypeRef::Any`] or [`TypeRef::Object`], however deeply nested): struct fields, union
/// variants, aliases, parameters, request and response bodies, response headers. A struct's
/// additional properties are left out: there any value is what the spec asks for.
pub fn degraded(api: &Api) -> usize {
    fn count(ty: &TypeRef) -> usize {
        match ty {
            TypeRef::Any | TypeRef::Object => 1,
            TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => count(inner),
            TypeRef::Named(_) | TypeRef::Scalar(_) | TypeRef::External(_) => 0,
        }
    }
    let body = |b: &Option<Body>| b.as_ref().and_then(|b| b.ty.as_ref()).map_or(0, count);
    let types: usize = api
        .types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| count(&f.ty)).sum(),
            TypeKind::Union(u) => u.variants.iter().map(|v| count(&v.ty)).sum(),
            TypeKind::Alias(ty) => count(ty),
            TypeKind::Enum(_) => 0,
        })
        .sum();
    let operations: usize = api
        .operations
        .iter()
        .chain(api.webhooks.iter().map(|w| &w.operation))
        .map(|op| {
            op.params.iter().map(|p| count(&p.ty)).sum::<usize>()
                + body(&op.body)
                + op.responses
                    .iter()
                    .map(|r| body(&r.body) + r.headers.iter().map(|h| count(&h.ty)).sum::<usize>())
                    .sum::<usize>()
        })
        .sum();
    types + operations
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// The table printed for a run.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let tags = rows.iter().any(|r| r.tag_crate.is_some() || r.tag_check.is_some());
    let _ = writeln!(
        out,
        "| spec | operations | types | generate | lines | warnings | degraded to serde_json::Value | non-JSON bodies typed | clippy -D warnings |{}",
        if tags { " one tag's feature |" } else { "" }
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---|{}", if tags { "---|" } else { "" });
    for r in rows {
        let check = match (&r.error, &r.check) {
            (Some(_), _) => "generation failed".to_string(),
            (None, Some(Ok(t))) => format!("ok ({:.0} s)", t.as_secs_f64()),
            (None, Some(Err(_))) => "FAILED".to_string(),
            (None, None) => "not run".to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.2} s | {} | {} | {} | {} / {} | {} |",
            r.spec.display(),
            r.operations,
            r.types,
            r.generate.as_secs_f64(),
            r.lines,
            r.warnings,
            r.degraded,
            r.bodies.0,
            r.bodies.1,
            check
        );
        if tags {
            let cell = match (&r.tag_crate, &r.tag_check) {
                (_, Some(Err(_))) => "FAILED".to_string(),
                (Some((_, sampled, all)), Some(Ok(()))) => format!("ok ({} of {all} tags)", sampled.len()),
                (Some(_), None) => "not run".to_string(),
                (None, _) => "no operations".to_string(),
            };
            out.pop();
            let _ = writeln!(out, " {cell} |");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn roots_are_found_by_parsing_the_top_level() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // The `openapi` key indented by four spaces, long after the first 200 lines.
        let filler: String = (0..300).map(|i| format!("        \"s{i}\": {{\"type\": \"string\"}},\n")).collect();
        let json_root = write(
            d,
            "a/twilio.json",
            &format!(
                "{{\n    \"components\": {{\n      \"schemas\": {{\n{filler}        \"last\": {{}}\n      }}\n    }},\n    \"openapi\": \"3.0.1\",\n    \"info\": {{\"title\": \"t\", \"version\": \"1\"}},\n    \"paths\": {{}}\n}}\n"
            ),
        );
        let yaml_root = write(
            d,
            "b/openapi.yaml",
            "# A comment first.\nopenapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        );
        // A part that mentions `openapi:` at the top of a nested mapping, as the old text test took it.
        let part = write(d, "b/components/Pet.yaml", "type: object\nproperties:\n  openapi:\n    type: string\n");
        let swagger = write(d, "c/swagger.json", "{\"swagger\": \"2.0\", \"info\": {}, \"paths\": {}}");
        let broken = write(d, "c/broken.yaml", "openapi: 3.0.0\ninfo: [unclosed\n");
        let list = write(d, "c/list.yml", "- openapi\n- 3.0.0\n");
        write(d, "c/notes.txt", "openapi: 3.0.0\n");
        write(d, "target/openapi.yaml", "openapi: 3.0.0\n");

        let found = find_specs(&[d.to_path_buf()]).unwrap();
        assert_eq!(found.roots, vec![json_root, yaml_root]);
        let skipped: Vec<_> = found.skipped.iter().map(|(p, s)| (p.clone(), s.to_string())).collect();
        assert_eq!(skipped.len(), 4, "{skipped:?}");
        assert_eq!(skipped[0].0, part);
        assert_eq!(skipped[0].1, "part (no top-level `openapi` key)");
        assert_eq!(skipped[1].0, broken);
        assert!(skipped[1].1.starts_with("unparsable: "), "{}", skipped[1].1);
        assert_eq!(skipped[2], (list, "not a root: the top level is a sequence".to_string()));
        assert_eq!(skipped[3], (swagger, "Swagger 2.0, not OpenAPI 3".to_string()));

        // A file named on the command line is taken whatever it holds.
        let found = find_specs(std::slice::from_ref(&part)).unwrap();
        assert_eq!(found.roots, vec![part]);
        assert!(found.skipped.is_empty());
    }

    #[test]
    fn many_parts_are_counted_in_one_line() {
        let mut found = Found::default();
        for i in 0..3 {
            found.skipped.push((PathBuf::from(format!("p{i}.yaml")), Skip::Part));
        }
        found.skipped.push((PathBuf::from("x.json"), Skip::Unparsable("EOF".into())));
        assert_eq!(
            found.skipped_report(5),
            "skipped p0.yaml: part (no top-level `openapi` key)\nskipped p1.yaml: part (no top-level `openapi` key)\n\
             skipped p2.yaml: part (no top-level `openapi` key)\nskipped x.json: unparsable: EOF\n"
        );
        assert_eq!(
            found.skipped_report(2),
            "skipped x.json: unparsable: EOF\nskipped 3 parts (no top-level `openapi` key)\n"
        );
    }

    #[test]
    fn degraded_counts_every_place_a_value_stands_for_a_type() {
        let dir = tempfile::tempdir().unwrap();
        let spec = write(
            dir.path(),
            "openapi.yaml",
            r#"openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /things:
    post:
      operationId: postThing
      parameters:
        - {name: filter, in: query, schema: {}}
        - {name: limit, in: query, schema: {type: integer}}
      requestBody:
        content:
          application/json:
            schema: {}
      responses:
        '200':
          description: ok
          headers:
            X-Any: {schema: {}}
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      additionalProperties: true
      properties:
        any: {}
        object: {type: object}
        list: {type: array, items: {}}
        nullable_any: {type: ['null', object]}
        name: {type: string}
    Alias:
      type: array
      items: {}
"#,
        );
        let (api, _) = codegen::lower(&spec).unwrap();
        // Fields any, object, list, nullable_any; the alias; the parameter; the request
        // body; the header. Not `additionalProperties: true`, not the named response body.
        assert_eq!(degraded(&api), 8, "{api:#?}");
    }

    #[test]
    fn non_json_bodies_are_counted_by_kind() {
        let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/media_types/openapi.yaml");
        let out = codegen::generate(&spec, &codegen::Config::default()).expect("the fixture generates");
        // Form login, */* upload, octet-stream, PDF, text 404, text note, CSV, 422 form (text),
        // image, the two event streams, the typed multipart upload, the report's PDF and CSV,
        // its text problem, the report posted as a form, the image's multipart, bytes and form:
        // typed; the multipart bundle without a schema: not.
        assert_eq!(non_json_bodies(&out.api), (19, 20));
    }
}
