//! `cargo xtask diff-history BUNDLE`: the change report run on consecutive commits of a real
//! spec's history, and checked against the compiler.
//!
//! For each pair of consecutive commits that touch the spec, both versions are generated and
//! compared as `cargo xtask diff` does. With `--probe`, every pair the report calls minor or
//! patch whose sources differ is put to the test: a probe crate that uses every public item
//! of the old crate (builds each struct with a literal, matches each enum exhaustively, calls
//! each method with the old argument types, implements each trait) is checked against the new
//! crate. A probe that fails there is a disagreement: the report said compatible, the
//! compiler did not. A second probe, of the new crate's own items, is checked against it too,
//! so that a probe the generator of probes got wrong is told apart from a real break.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use codegen::compat::{Bump, Impact, Report};
use codegen::rust_api::{Item, RustApi, Shape};
use codegen::surface::Surface;

/// What to walk.
pub struct Options {
    /// The git bundle (or repository) holding the history.
    pub bundle: PathBuf,
    /// How many pairs, counted back from the newest commit.
    pub last: usize,
    /// The spec's root file inside the repository.
    pub root: String,
    /// Whether to check the report's minor and patch verdicts against the compiler.
    pub probe: bool,
    /// Whether to check its major verdicts too (how many of them the compiler confirms).
    pub probe_all: bool,
    /// Scratch folder: the clone, the extracted trees and the probe workspace.
    pub scratch: PathBuf,
}

/// One pair of consecutive commits.
pub struct Pair {
    /// The older commit (short hash).
    pub from: String,
    /// The newer commit.
    pub to: String,
    /// The report, or why there is none (a spec that does not generate, a panic).
    pub report: Result<Report, String>,
    /// Generating the newer version and comparing it with the older.
    pub time: Duration,
    /// The compiler's word, when asked.
    pub probe: Probe,
}

/// What the compiler said of a pair.
#[derive(Debug, PartialEq, Eq)]
pub enum Probe {
    /// Not asked (no `--probe`, or a major verdict without `--probe-all`), or not needed:
    /// the public API did not change (the probes of both would be the same code).
    Skipped,
    /// Code using the old crate compiles against the new one.
    Compiles,
    /// It does not: the first errors. A disagreement unless the report said major.
    Fails(String),
    /// The probe of the new crate's own items fails against it: the probe is wrong, not the
    /// report.
    ProbeBroken(String),
}

/// One version of the spec, generated.
struct Version {
    surface: Surface,
    api: RustApi,
    files: BTreeMap<String, String>,
}

/// Walks the history; a spec version that fails to generate is reported in its pairs.
pub fn run(options: &Options) -> Result<Vec<Pair>, String> {
    let repo = options.scratch.join("repo");
    if !repo.join(".git").exists() {
        std::fs::create_dir_all(&options.scratch).map_err(|e| e.to_string())?;
        git(&options.scratch, &["clone", "--quiet", "--no-checkout", &options.bundle.to_string_lossy(), "repo"])?;
    }
    let folder = Path::new(&options.root).parent().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
    let log = git(
        &repo,
        &["log", "--format=%h", "--first-parent", "-n", &(options.last + 1).to_string(), "HEAD", "--", &folder],
    )?;
    let mut commits: Vec<String> = log.lines().map(str::to_owned).collect();
    commits.reverse();
    let mut pairs = Vec::new();
    let mut previous: Option<(String, Result<Version, String>)> = None;
    for commit in commits {
        let started = Instant::now();
        let version = generate_at(&repo, &commit, &options.root, &options.scratch);
        let generated = started.elapsed();
        if let Some((from, old)) = previous.take() {
            let started = Instant::now();
            let report = match (&old, &version) {
                (Ok(old), Ok(new)) => compare(old, new),
                (Err(e), _) => Err(format!("{from}: {e}")),
                (_, Err(e)) => Err(format!("{commit}: {e}")),
            };
            let time = generated + started.elapsed();
            let mut probe = Probe::Skipped;
            if let (true, Ok(report), Ok(old), Ok(new)) = (options.probe, &report, &old, &version) {
                // A probe is made from the public API alone: the same API makes the same probe,
                // which the new crate's own probe vouches for; only a changed API needs the compiler.
                let api_differs = old.api != new.api;
                if (report.bump != Bump::Major || options.probe_all) && api_differs {
                    probe = check(&options.scratch, old, new)?;
                }
            }
            eprintln!("{from}..{commit}: {}", summary(&report, &probe));
            pairs.push(Pair { from, to: commit.clone(), report, time, probe });
        }
        previous = Some((commit, version));
    }
    Ok(pairs)
}

fn summary(report: &Result<Report, String>, probe: &Probe) -> String {
    match report {
        Err(e) => format!("FAILED: {}", e.lines().next().unwrap_or("")),
        Ok(r) => format!(
            "{} wire change(s), {} crate change(s), bump {:?}, probe: {}",
            r.changes.len(),
            r.crate_changes.as_ref().map_or(0, Vec::len),
            r.bump,
            match probe {
                Probe::Skipped => "skipped",
                Probe::Compiles => "compiles",
                Probe::Fails(_) if r.bump == Bump::Major => "fails, as the report says",
                Probe::Fails(_) => "fails: DISAGREES",
                Probe::ProbeBroken(_) => "broken",
            }
        ),
    }
}

/// The report between two versions, a panic caught as an error.
fn compare(old: &Version, new: &Version) -> Result<Report, String> {
    std::panic::catch_unwind(|| codegen::compat::compare_versions((&old.surface, &old.api), (&new.surface, &new.api)))
        .map_err(|_| "the report panicked".to_owned())
}

/// The crate generated from the spec at `commit`.
fn generate_at(repo: &Path, commit: &str, root: &str, scratch: &Path) -> Result<Version, String> {
    let tree = scratch.join("trees").join(commit);
    if !tree.exists() {
        std::fs::create_dir_all(&tree).map_err(|e| e.to_string())?;
        let folder = Path::new(root).parent().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
        let mut archive = Command::new("git")
            .args(["archive", "--format=tar", commit, "--", &folder])
            .current_dir(repo)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run git: {e}"))?;
        let stdout = archive.stdout.take().ok_or("git gave no output")?;
        let untar = Command::new("tar").arg("-x").arg("-C").arg(&tree).stdin(stdout).status();
        let archived = archive.wait().map_err(|e| e.to_string())?;
        if !archived.success() || !untar.is_ok_and(|s| s.success()) {
            return Err(format!("cannot extract {folder} at {commit}"));
        }
    }
    let config = codegen::Config {
        crate_name: "history-gen".into(),
        crate_version: "0.0.0".into(),
        source_label: root.into(),
        runtime: crate::codegen::scratch_runtime(),
        ..codegen::Config::default()
    };
    let spec = tree.join(root);
    let out = std::panic::catch_unwind(|| codegen::generate(&spec, &config))
        .map_err(|_| "the generator panicked".to_owned())?
        .map_err(|d| d.errors().next().map_or_else(|| "it does not generate".to_owned(), ToString::to_string))?;
    let api = RustApi::of(&out.files).map_err(|e| e.to_string())?;
    Ok(Version { surface: Surface::of(&out.api), api, files: out.files })
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git").args(args).current_dir(dir).output().map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!("git {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The name the generated crate is imported by in the probes.
const KRATE: &str = "history_gen";

/// Checks the probe of `old` (and that of `new`, to vouch for the probe) against `new`'s crate.
fn check(scratch: &Path, old: &Version, new: &Version) -> Result<Probe, String> {
    let work = scratch.join("probe");
    let write = |rel: &str, text: &str| -> Result<(), String> {
        let path = work.join(rel);
        std::fs::create_dir_all(path.parent().expect("in a folder")).map_err(|e| e.to_string())?;
        // Unchanged files keep their times, so cargo rebuilds only what changed.
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
            std::fs::write(&path, text).map_err(|e| e.to_string())?;
        }
        Ok(())
    };
    for (rel, text) in &new.files {
        write(&format!("history-gen/{rel}"), text)?;
    }
    let deps = dependencies(new.files.get("Cargo.toml").map_or("", String::as_str));
    for (name, version) in [("probe-old", old), ("probe-new", new)] {
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n\
             history-gen = {{ path = \"../history-gen\", features = [\"client\", \"server\"] }}\n{deps}"
        );
        write(&format!("{name}/Cargo.toml"), &manifest)?;
        write(&format!("{name}/src/lib.rs"), &probe_source(&version.api))?;
    }
    write(
        "Cargo.toml",
        "# Scratch workspace made by `cargo xtask diff-history --probe`.\n[workspace]\nresolver = \"2\"\n\
         members = [\"history-gen\", \"probe-old\", \"probe-new\"]\n",
    )?;
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    if !work.join("Cargo.lock").exists() && lock.exists() {
        std::fs::copy(&lock, work.join("Cargo.lock")).map_err(|e| e.to_string())?;
    }
    let cargo = |package: &str| {
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["check", "--quiet", "--offline", "--package", package, "--message-format", "short"])
            .current_dir(&work)
            // The corpus command's target folder: the dependencies it built serve here too.
            .env("CARGO_TARGET_DIR", Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/corpus-check"))
            .env("CARGO_INCREMENTAL", "0")
            .env_remove("RUSTFLAGS")
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))
    };
    let errors = |out: &std::process::Output| {
        let text = String::from_utf8_lossy(&out.stderr);
        text.lines().filter(|l| l.contains("error")).take(8).collect::<Vec<_>>().join("\n")
    };
    let own = cargo("probe-new")?;
    if !own.status.success() {
        return Ok(Probe::ProbeBroken(errors(&own)));
    }
    let old = cargo("probe-old")?;
    Ok(if old.status.success() { Probe::Compiles } else { Probe::Fails(errors(&old)) })
}

/// The `[dependencies]` of a generated crate's manifest, none of them optional, for the
/// probes (which name the types the crate's items use).
fn dependencies(manifest: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            inside = line.trim() == "[dependencies]";
            continue;
        }
        if inside && !line.trim().is_empty() {
            out.push_str(&line.replace(", optional = true", ""));
            out.push('\n');
        }
    }
    out
}

/// Rust that uses every public item of `api` as code outside the crate would: it compiles
/// against a crate exactly when that crate still offers what `api` offered.
pub fn probe_source(api: &RustApi) -> String {
    let mut modules: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (i, (path, item)) in api.items.iter().enumerate() {
        if path.starts_with("impl ") {
            continue;
        }
        let (parent, name) = path.rsplit_once("::").unwrap_or(("", path));
        // A method's parent is a type; its module is one step further up.
        let (module, owner) = match api.items.get(parent) {
            Some(Item::Struct { .. } | Item::Enum { .. }) => {
                (parent.rsplit_once("::").map_or("", |(m, _)| m), Some(parent))
            }
            _ => (parent, None),
        };
        let ty = format!("::{KRATE}::{path}");
        let code = match (item, owner) {
            (Item::Struct { fields, constructible }, _) => struct_probe(i, &ty, fields, *constructible),
            (Item::Enum { variants, exhaustive }, _) => enum_probe(i, &ty, variants, *exhaustive),
            (Item::Fn { signature }, Some(owner)) => fn_probe(i, &format!("::{KRATE}::{owner}"), name, signature),
            (Item::Fn { signature }, None) => fn_probe(i, "", &format!("::{KRATE}::{path}"), signature),
            (Item::Trait { methods, types }, _) => trait_probe(i, &ty, methods, types),
            (Item::Alias { ty: aliased }, _) => format!("pub fn p{i}(v: {ty}) -> {aliased} {{ v }}"),
            (Item::Reexport { .. } | Item::Impl, _) => continue,
        };
        modules.entry(module).or_default().push(code);
    }
    let mut out = String::from(
        "//! Made by `cargo xtask diff-history --probe`: uses every public item of one version of\n\
         //! the generated crate.\n#![allow(warnings, clippy::all)]\n",
    );
    for (module, probes) in modules {
        let own = if module.is_empty() { format!("::{KRATE}::*") } else { format!("::{KRATE}::{module}::*") };
        let _ = writeln!(out, "\npub mod m_{} {{\n    use {own};", module.replace("::", "_"));
        let uses: std::collections::BTreeSet<&String> = api.uses.get(module).into_iter().flatten().collect();
        for used in uses {
            // What the module's own items see: `crate` is the generated crate from here.
            if used.starts_with("self") || used.starts_with("super") {
                continue;
            }
            let _ = writeln!(out, "    use {};", local(used));
        }
        for probe in probes {
            let _ = writeln!(out, "    {}", local(&probe));
        }
        out.push_str("}\n");
    }
    out
}

/// Token text written inside the generated crate, made to mean the same in the probe.
fn local(text: &str) -> String {
    text.replace("crate ::", &format!(":: {KRATE} ::"))
}

fn struct_probe(i: usize, ty: &str, fields: &BTreeMap<String, String>, constructible: bool) -> String {
    let tuple = fields.keys().all(|k| k.parse::<usize>().is_ok()) && !fields.is_empty();
    let typed: String = fields
        .iter()
        .map(|(name, t)| if tuple { format!("let _: &{t} = &f{name};") } else { format!("let _: &{t} = &{name};") })
        .collect();
    if !constructible {
        let reads: String = fields.iter().map(|(name, t)| format!("let _: &{t} = &v.{name};")).collect();
        return format!("pub fn p{i}(v: &{ty}) {{ {reads} }}");
    }
    let names: Vec<String> = fields.keys().map(|name| if tuple { format!("f{name}") } else { name.clone() }).collect();
    let pattern =
        if tuple { format!("{ty}({})", names.join(", ")) } else { format!("{ty} {{ {} }}", names.join(", ")) };
    format!("pub fn p{i}(v: {ty}) -> {ty} {{ let {pattern} = v; {typed} {pattern} }}")
}

fn enum_probe(i: usize, ty: &str, variants: &BTreeMap<String, Shape>, exhaustive: bool) -> String {
    let mut arms: Vec<String> = variants
        .iter()
        .map(|(name, shape)| match shape {
            Shape::Unit => format!("{ty}::{name} => {{}}"),
            Shape::Tuple(types) => {
                let binds: Vec<String> = (0..types.len()).map(|k| format!("x{k}")).collect();
                let checks: String = types.iter().enumerate().map(|(k, t)| format!("let _: &{t} = &x{k};")).collect();
                format!("{ty}::{name}({}) => {{ {checks} }}", binds.join(", "))
            }
            Shape::Named(fields) => {
                let binds: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
                let checks: String = fields.iter().map(|(n, t)| format!("let _: &{t} = &{n};")).collect();
                format!("{ty}::{name} {{ {} }} => {{ {checks} }}", binds.join(", "))
            }
        })
        .collect();
    if !exhaustive {
        arms.push("_ => {}".into());
    }
    format!("pub fn p{i}(v: {ty}) {{ match v {{ {} }} }}", arms.join(", "))
}

/// A call of the function or method `name` (of `owner`, a type, when not empty) with
/// arguments of the types its signature had.
fn fn_probe(i: usize, owner: &str, name: &str, signature: &str) -> String {
    let Ok(sig) = syn::parse_str::<syn::Signature>(signature) else {
        return format!("// {name}: signature not read");
    };
    let this = |t: String| if owner.is_empty() { t } else { t.replace("Self", owner) };
    let mut params = Vec::new();
    let mut args = Vec::new();
    for (k, input) in sig.inputs.iter().enumerate() {
        match input {
            syn::FnArg::Receiver(r) => {
                let reference = match (&r.reference, &r.mutability) {
                    (Some(_), Some(_)) => "&mut ",
                    (Some(_), None) => "&",
                    (None, _) => "",
                };
                params.push(format!("recv: {reference}{owner}"));
                args.push("recv".to_owned());
            }
            syn::FnArg::Typed(t) => {
                params.push(format!("a{k}: {}", this(quote::ToTokens::to_token_stream(&t.ty).to_string())));
                args.push(format!("a{k}"));
            }
        }
    }
    let generics = quote::ToTokens::to_token_stream(&sig.generics).to_string();
    let callee = if owner.is_empty() { name.to_owned() } else { format!("{owner}::{name}") };
    let mut call = format!("{callee}({})", args.join(", "));
    if sig.asyncness.is_some() {
        call.push_str(".await");
    }
    let returned = match &sig.output {
        syn::ReturnType::Type(_, t) => {
            let t = this(quote::ToTokens::to_token_stream(t).to_string());
            if t.contains("impl ") {
                "_".to_owned()
            } else {
                t
            }
        }
        syn::ReturnType::Default => "()".to_owned(),
    };
    let asyncness = if sig.asyncness.is_some() { "async " } else { "" };
    format!("pub {asyncness}fn p{i}{generics}({}) {{ let _: {returned} = {call}; }}", params.join(", "))
}

/// An implementation of the trait with every method it required. Its associated types are
/// `Infallible`, which meets the bounds a generated trait sets (`Principal: Send`,
/// `Error: Display + Send`).
fn trait_probe(
    i: usize,
    ty: &str,
    methods: &BTreeMap<String, (String, bool)>,
    types: &BTreeMap<String, String>,
) -> String {
    let types: String = types.keys().map(|name| format!("type {name} = std::convert::Infallible;")).collect();
    let methods: String = methods
        .values()
        .filter(|(_, default)| !default)
        .map(|(signature, _)| {
            let body = if signature.contains("impl Future") { "std::future::pending()" } else { "loop {}" };
            format!("{signature} {{ {body} }}")
        })
        .collect();
    format!("pub struct P{i}; impl {ty} for P{i} {{ {types} {methods} }}")
}

/// Whether the compiler contradicts the report: old code fails where it said minor or patch.
pub fn disagrees(pair: &Pair) -> bool {
    matches!(pair.probe, Probe::Fails(_)) && pair.report.as_ref().is_ok_and(|r| r.bump != Bump::Major)
}

/// The summary table of a walk.
pub fn table(pairs: &[Pair]) -> String {
    let count = |f: &dyn Fn(&Pair) -> bool| pairs.iter().filter(|p| f(p)).count();
    let report = |p: &Pair| p.report.as_ref().ok().cloned();
    let breaks = |p: &Pair, side: &dyn Fn(&Report) -> bool| report(p).is_some_and(|r| side(&r));
    let total: Duration = pairs.iter().map(|p| p.time).sum();
    let slowest = pairs.iter().map(|p| p.time).max().unwrap_or_default();
    let mut out = String::from("| measure | pairs |\n|---|---:|\n");
    let rows = [
        ("pairs walked", pairs.len()),
        ("pairs that fail (no report)", count(&|p| p.report.is_err())),
        ("pairs with a change on the wire", count(&|p| breaks(p, &|r| !r.changes.is_empty()))),
        (
            "pairs with a change to the crate's Rust API",
            count(&|p| breaks(p, &|r| r.crate_changes.as_ref().is_some_and(|c| !c.is_empty()))),
        ),
        ("breaking for clients", count(&|p| breaks(p, &|r| r.changes.iter().any(|c| c.clients == Impact::Breaking)))),
        ("breaking for servers", count(&|p| breaks(p, &|r| r.changes.iter().any(|c| c.servers == Impact::Breaking)))),
        ("breaking for the crate's Rust API", count(&|p| breaks(p, &|r| r.crate_bump == Some(Bump::Major)))),
        ("bump: major / minor / patch", 0),
        ("checked by the compiler (public API changed)", count(&|p| p.probe != Probe::Skipped)),
        ("disagreements (report minor or patch, old code fails)", count(&|p| disagrees(p))),
        (
            "major verdicts the compiler confirms (old code fails)",
            count(&|p| matches!(p.probe, Probe::Fails(_)) && !disagrees(p)),
        ),
        (
            "major verdicts where old code still compiles",
            count(&|p| p.probe == Probe::Compiles && breaks(p, &|r| r.bump == Bump::Major)),
        ),
        ("probes that failed on their own crate", count(&|p| matches!(p.probe, Probe::ProbeBroken(_)))),
    ];
    for (label, n) in rows {
        if label.starts_with("bump") {
            let bumps = [Bump::Major, Bump::Minor, Bump::Patch].map(|b| count(&|p| breaks(p, &|r| r.bump == b)));
            let _ = writeln!(out, "| {label} | {} / {} / {} |", bumps[0], bumps[1], bumps[2]);
        } else {
            let _ = writeln!(out, "| {label} | {n} |");
        }
    }
    let mean = total.checked_div(pairs.len().max(1) as u32).unwrap_or_default();
    let _ = writeln!(
        out,
        "| time per pair: mean / slowest | {:.2} s / {:.2} s |",
        mean.as_secs_f64(),
        slowest.as_secs_f64()
    );
    for p in pairs {
        match (&p.report, &p.probe) {
            (Err(e), _) => {
                let _ = writeln!(out, "\n{}..{} failed: {e}", p.from, p.to);
            }
            (_, Probe::Fails(e)) if disagrees(p) => {
                let _ = writeln!(
                    out,
                    "\n{}..{}: the report says {:?}, but old code fails:\n{e}",
                    p.from,
                    p.to,
                    report(p).map(|r| r.bump)
                );
            }
            (_, Probe::ProbeBroken(e)) => {
                let _ = writeln!(out, "\n{}..{}: the probe fails on its own crate:\n{e}", p.from, p.to);
            }
            _ => {}
        }
    }
    out
}
