//! `cargo xtask corpus [DIR|FILE]...`: generate every spec found, compile each result with
//! warnings denied, and print one row per spec.
//!
//! A directory is searched for YAML/JSON files whose top level has an `openapi` key (the
//! other files are parts that roots `$ref`). Each spec becomes a crate in a scratch
//! workspace outside the repository; one `cargo clippy -D warnings` checks them all.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

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
    /// Generation errors, if it failed.
    pub error: Option<String>,
    /// Compile result, once checked.
    pub check: Option<Result<Duration, String>>,
}

/// Finds spec roots under `paths`, sorted.
pub fn find_specs(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_file() {
            out.push(path.clone());
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
                } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")) && is_root(&p)
                {
                    out.push(p);
                }
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Whether a file's top level has an `openapi` key (checked on the text, cheaply).
fn is_root(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else { return false };
    text.lines().take(200).any(|l| {
        l.starts_with("openapi:")
            || l.starts_with("\"openapi\"")
            || l.trim_start().starts_with("\"openapi\":") && l.len() - l.trim_start().len() <= 2
    })
}

/// Generates every spec into `scratch` and checks the crates; `lock` pins dependency versions.
pub fn run(specs: &[PathBuf], scratch: &Path, target_dir: &Path, lock: &Path) -> std::io::Result<Vec<Row>> {
    std::fs::create_dir_all(scratch)?;
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
            error: None,
            check: None,
        };
        match result {
            Ok(out) => {
                row.operations = out.api.operations.len() + out.api.webhooks.len();
                row.types = out.api.types.len();
                row.warnings = out.warnings.len();
                row.lines = out.files.iter().filter(|(p, _)| p.ends_with(".rs")).map(|(_, t)| t.lines().count()).sum();
                let dir = scratch.join(&crate_name);
                if dir.exists() {
                    std::fs::remove_dir_all(&dir)?;
                }
                for (rel, text) in &out.files {
                    let path = dir.join(rel);
                    std::fs::create_dir_all(path.parent().expect("files live in a folder"))?;
                    std::fs::write(path, text)?;
                }
                members.push(crate_name);
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
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["clippy", "--quiet", "--all-features", "--package", &row.crate_name, "--", "-D", "warnings"])
            .current_dir(scratch)
            .env("CARGO_TARGET_DIR", target_dir)
            .env_remove("RUSTFLAGS")
            .output()?;
        row.check = Some(if output.status.success() {
            Ok(started.elapsed())
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            Err(stderr.lines().take(60).collect::<Vec<_>>().join("\n"))
        });
    }
    Ok(rows)
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
    let _ = writeln!(out, "| spec | operations | types | generate | lines | warnings | clippy -D warnings |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---|");
    for r in rows {
        let check = match (&r.error, &r.check) {
            (Some(_), _) => "generation failed".to_string(),
            (None, Some(Ok(t))) => format!("ok ({:.0} s)", t.as_secs_f64()),
            (None, Some(Err(_))) => "FAILED".to_string(),
            (None, None) => "not run".to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.2} s | {} | {} | {} |",
            r.spec.display(),
            r.operations,
            r.types,
            r.generate.as_secs_f64(),
            r.lines,
            r.warnings,
            check
        );
    }
    out
}
