//! `cargo xtask`: the project's automation (see `cargo xtask help`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use openapi_rs_cli::diff::Output;
use xtask::codegen::{self, Change, Mode};
use xtask::{corpus, mutate};

/// A generator allocates and frees many small syntax nodes; mimalloc does that faster than
/// the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tells mimalloc to keep the memory the generator frees instead of handing it back to the
/// OS after 10 ms (its default). A generation is a short batch job that soon needs that
/// memory again, and memory handed back is zeroed by the kernel when touched anew: that
/// zeroing was a tenth of the generator's CPU time on Rebilly's spec.
#[allow(unsafe_code)] // One FFI call, to a function that only sets an option.
fn keep_freed_memory() {
    /// `mi_option_purge_delay` in mimalloc's `mi_option_e`, which `libmimalloc-sys` does not
    /// name; -1 means never purge.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: called first thing in `main`, before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}

const HELP: &str = "\
cargo xtask <command>

Commands:
  codegen [--check]   regenerate generated/ from spec/ (with --check: write nothing, fail if stale)
  diff --rules        every rule of the change report, with what it covers
  diff OLD NEW [--format text|json|markdown|changelog] [--json FILE|-] [--accept FILE]
               [--fail-on breaking|any]
                      what changes between two specs (files, folders or git revisions such as
                      HEAD~1 or REV:spec/openapi.yaml), classified for clients, servers and the
                      generated crate's Rust API; --accept lists known changes (`RULE LOCATION`
                      per line) that --fail-on breaking lets through
  diff-history BUNDLE [--last N] [--root PATH] [--probe | --probe-all]
                      the change report on each pair of consecutive commits of a spec's history
                      (a git bundle or repository; root file PATH, default openapi/openapi.yaml),
                      last N pairs (default 200); --probe checks each minor or patch verdict
                      against the compiler, --probe-all the major ones too; prints a summary
                      table; fails on a failed pair or a disagreement
  bench [--runs N] [--no-peers] [--no-compile] [--only SECTION]
                      benchmarks on Rebilly's API (needs ../shared): generation vs floor and peers,
                      no-op regeneration, compile cost, server overhead, serde overhead, 200 MiB
                      streamed each way; --only runs one section (generation, noop, peers,
                      compile, tags, server, serde, streams); writes target/bench/report.md
  corpus [--each-feature-set | --generate-only] [--tags N] PATH...
                      generate every spec under PATH (dirs are searched for roots), compile each with
                      clippy -D warnings in a scratch workspace (all features, or each feature set
                      on its own: none, client, server, all), print a table; fails if any fails;
                      --tags N also generates each with one feature per tag and checks it with no
                      features and with N tags (spread over the list) each on its own;
                      --generate-only generates and reports, writing and checking nothing
  load [--clients N] [--seconds S] [--postgres URL] [--debug]
                      the example server (release build) under N concurrent clients (default 64)
                      creating, upserting and merging customers for S seconds (default 30): on
                      SQLite, on SQLite killed with SIGKILL halfway and restarted, and on
                      PostgreSQL when a URL is given (or CUSTOMERS_LOAD_POSTGRES); fails on any
                      5xx, any customer lost or duplicated, or a database that fails its check
  fuzz [--minutes N] [--seed S]
                      generate from random mutants of spec/ and tests/fixtures/ for N minutes (default 1);
                      fails on any panic or hang, each saved under target/fuzz/
  help                this text
";

fn main() -> ExitCode {
    keep_freed_memory();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen_cmd(Mode::Write),
        ["codegen", "--check"] => codegen_cmd(Mode::Check),
        ["diff", "--rules"] => {
            let rules = ::codegen::compat::WIRE_RULES.iter().map(|r| ("wire", r));
            for (side, (rule, meaning)) in rules.chain(::codegen::compat::CRATE_RULES.iter().map(|r| ("crate", r))) {
                println!("{side:<6} {rule:<28} {meaning}");
            }
            ExitCode::SUCCESS
        }
        ["diff", old, new, rest @ ..] => diff_cmd(old, new, rest),
        ["diff-history", bundle, rest @ ..] => diff_history_cmd(bundle, rest),
        ["bench", rest @ ..] => bench_cmd(rest),
        ["corpus", paths @ ..] if !paths.is_empty() => corpus_cmd(paths),
        ["fuzz", rest @ ..] => fuzz_cmd(rest),
        ["load", rest @ ..] => load_cmd(rest),
        [] | ["help" | "--help" | "-h"] => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        _ => {
            eprint!("unknown arguments: {}\n\n{HELP}", args.join(" "));
            ExitCode::from(2)
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

fn diff_cmd(old: &str, new: &str, options: &[&str]) -> ExitCode {
    let mut json = None;
    let mut fail_on = None;
    let mut format = "text";
    let mut accept = None;
    let mut rest = options.iter();
    while let Some(opt) = rest.next() {
        match (*opt, rest.next().copied()) {
            ("--json", Some(path)) => json = Some(path),
            ("--fail-on", Some(level @ ("breaking" | "any"))) => fail_on = Some(level),
            ("--format", Some(f @ ("text" | "json" | "markdown" | "changelog"))) => format = f,
            ("--accept", Some(path)) => accept = Some(path),
            _ => {
                eprint!("unknown or incomplete option `{opt}`\n\n{HELP}");
                return ExitCode::from(2);
            }
        }
    }
    let acceptance = match openapi_rs_cli::diff::acceptance(accept.map(Path::new)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let root = project_root();
    let sides = xtask::diff::resolve(&root, old).and_then(|o| xtask::diff::resolve(&root, new).map(|n| (o, n)));
    let mut report = match sides.and_then(|(o, n)| xtask::diff::compare(&o.root, &n.root)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    for (rule, location) in report.accept(&acceptance) {
        eprintln!("note: the acceptance of `{rule} {location}` matches no change (stale?)");
    }
    let text = serde_json::to_string_pretty(&report).unwrap_or_default();
    let output = match format {
        "json" => Output::Json,
        "markdown" => Output::Markdown,
        "changelog" => Output::Changelog,
        _ => Output::Text,
    };
    let shown = openapi_rs_cli::diff::render(&report, output);
    match json {
        Some("-") => println!("{text}"),
        Some(path) => {
            if let Err(e) = std::fs::write(path, text + "\n") {
                eprintln!("cannot write {path}: {e}");
                return ExitCode::FAILURE;
            }
            print!("{shown}");
        }
        None => print!("{shown}"),
    }
    let failed = match fail_on {
        Some("breaking") => report.has_unaccepted_breaks(),
        Some(_) => report.has_changes(),
        None => false,
    };
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn diff_history_cmd(bundle: &str, args: &[&str]) -> ExitCode {
    let mut options = xtask::history::Options {
        bundle: PathBuf::from(bundle),
        last: 200,
        root: "openapi/openapi.yaml".into(),
        probe: false,
        probe_all: false,
        scratch: project_root().join("target").join("xtask").join("history"),
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match (*arg, rest.clone().next().copied()) {
            ("--probe", _) => options.probe = true,
            ("--probe-all", _) => (options.probe, options.probe_all) = (true, true),
            ("--last", Some(n)) if n.parse::<usize>().is_ok_and(|n| n > 0) => {
                options.last = n.parse().unwrap_or(200);
                rest.next();
            }
            ("--root", Some(path)) => {
                options.root = path.into();
                rest.next();
            }
            _ => {
                eprint!("unknown or incomplete option `{arg}`\n\n{HELP}");
                return ExitCode::from(2);
            }
        }
    }
    match std::fs::canonicalize(&options.bundle) {
        Ok(path) => options.bundle = path,
        Err(e) => {
            eprintln!("cannot read {bundle}: {e}");
            return ExitCode::from(2);
        }
    }
    match xtask::history::run(&options) {
        Ok(pairs) => {
            print!("{}", xtask::history::table(&pairs));
            let failed = pairs.iter().any(|p| {
                p.report.is_err()
                    || xtask::history::disagrees(p)
                    || matches!(p.probe, xtask::history::Probe::ProbeBroken(_))
            });
            if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// The sections `bench --only` takes.
const SECTIONS: &[&str] = &["generation", "noop", "peers", "compile", "tags", "server", "serde", "streams"];

fn bench_cmd(args: &[&str]) -> ExitCode {
    let mut options = xtask::bench::Options { runs: 5, peers: true, compile: true, only: None };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--runs" => match rest.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => options.runs = n,
                _ => {
                    eprintln!("--runs takes a positive number");
                    return ExitCode::from(2);
                }
            },
            "--no-peers" => options.peers = false,
            "--no-compile" => options.compile = false,
            "--only" => match rest.next() {
                Some(section) if SECTIONS.contains(section) => options.only = Some(section.to_string()),
                _ => {
                    eprintln!("--only takes one of: {}", SECTIONS.join(", "));
                    return ExitCode::from(2);
                }
            },
            other => {
                eprint!("unknown option `{other}`\n\n{HELP}");
                return ExitCode::from(2);
            }
        }
    }
    let root = project_root();
    let shared = root.join("../shared");
    if !shared.join("specs").is_dir() {
        eprintln!("the benchmarks need Rebilly's API in {}/specs (see README)", shared.display());
        return ExitCode::from(2);
    }
    let mut bench = xtask::bench::Bench::new(&root, &shared, options);
    let result = bench.run();
    let report = root.join("target/bench/report.md");
    let _ = std::fs::write(&report, &bench.report);
    match result {
        Ok(()) => {
            println!("report written to {}", report.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn load_cmd(args: &[&str]) -> ExitCode {
    let mut options = xtask::load::Options {
        clients: 64,
        seconds: 30.0,
        postgres: std::env::var("CUSTOMERS_LOAD_POSTGRES").ok().filter(|url| !url.is_empty()),
        debug: false,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let parsed = match (*arg, rest.clone().next()) {
            ("--clients", Some(n)) => n.parse().map(|n| options.clients = n).is_ok(),
            ("--seconds", Some(s)) => s.parse().map(|s| options.seconds = s).is_ok(),
            ("--postgres", Some(url)) => {
                options.postgres = Some(url.to_string());
                true
            }
            ("--debug", _) => {
                options.debug = true;
                continue;
            }
            _ => false,
        };
        if !parsed {
            eprint!("bad option `{arg}`\n\n{HELP}");
            return ExitCode::from(2);
        }
        rest.next();
    }
    match xtask::load::run(&project_root(), &options) {
        Ok(table) => {
            println!("\n{table}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("load failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn corpus_cmd(args: &[&str]) -> ExitCode {
    let root = project_root();
    // `--each-feature-set`: clippy with no features, `client`, `server` and all, each on its own.
    let each = args.contains(&"--each-feature-set");
    // `--generate-only`: generate each spec and report, without writing or checking a crate
    // (a sweep over thousands of specs).
    let generate_only = args.contains(&"--generate-only");
    let feature_sets: &[corpus::FeatureSet] = match (generate_only, each) {
        (true, _) => &[],
        (false, true) => &corpus::FeatureSet::EACH,
        (false, false) => &[corpus::FeatureSet::All],
    };
    // `--tags N`: also a crate with one feature per tag, checked with N tags each on its own.
    let mut tags = 0;
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--tags" => match rest.next().and_then(|n| n.parse().ok()) {
                Some(n) => tags = n,
                None => {
                    eprint!("`--tags` takes a number of tags\n\n{HELP}");
                    return ExitCode::from(2);
                }
            },
            "--each-feature-set" | "--generate-only" => {}
            other if other.starts_with("--") => {
                eprint!("unknown option `{other}`\n\n{HELP}");
                return ExitCode::from(2);
            }
            path => paths.push(PathBuf::from(path)),
        }
    }
    let found = match corpus::find_specs(&paths) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("cannot search {paths:?}: {e}");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", found.skipped_report(20));
    let specs = found.roots;
    if specs.is_empty() {
        eprintln!("no OpenAPI documents found under {paths:?}");
        return ExitCode::FAILURE;
    }
    // Inside this checkout's target folder: two checkouts running the corpus at once must not
    // share a scratch workspace.
    let scratch = root.join("target").join("corpus-crates");
    let target = root.join("target").join("corpus-check");
    println!("{} specs; scratch workspace {}", specs.len(), scratch.display());
    for spec in &specs {
        println!("  {}", spec.display());
    }
    let rows = match corpus::run(&specs, &scratch, &target, &root.join("Cargo.lock"), feature_sets, tags) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("corpus run failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failed = false;
    for row in &rows {
        if let Some(e) = &row.error {
            failed = true;
            eprintln!("{}: generation failed\n{e}", row.spec.display());
        }
        if let Some(Err(e)) = &row.check {
            failed = true;
            eprintln!("{}: the generated crate does not pass clippy -D warnings\n{e}", row.spec.display());
        }
        if let Some(Err(e)) = &row.tag_check {
            failed = true;
            eprintln!("{}: the crate with tag features does not pass clippy -D warnings\n{e}", row.spec.display());
        }
    }
    print!("{}", corpus::table(&rows));
    let generated = rows.iter().filter(|r| r.error.is_none()).count();
    println!("{} specs: {generated} generated, {} failed to generate", rows.len(), rows.len() - generated);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn fuzz_cmd(args: &[&str]) -> ExitCode {
    let mut minutes = 1.0_f64;
    let mut seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match (*arg, rest.next().copied()) {
            ("--minutes", Some(n)) if n.parse::<f64>().is_ok_and(|n| n > 0.0) => minutes = n.parse().unwrap_or(1.0),
            ("--seed", Some(n)) if n.parse::<u64>().is_ok() => seed = n.parse().unwrap_or(0),
            _ => {
                eprint!("unknown or incomplete option `{arg}`\n\n{HELP}");
                return ExitCode::from(2);
            }
        }
    }
    let root = project_root();
    let sources = match mutate::project_trees(&root).and_then(|trees| mutate::Sources::prepare(&trees)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot copy the specs to mutate: {e}");
            return ExitCode::FAILURE;
        }
    };
    let save = root.join("target/fuzz");
    println!("fuzzing {} spec trees for {minutes} min, seed {seed}", sources.len());
    let budget = std::time::Duration::from_secs_f64(minutes * 60.0);
    let limit = std::time::Duration::from_secs(10);
    let report = match mutate::fuzz(&sources, budget, seed, limit, &save) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("fuzzing failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{} mutants tried: {} generated, {} refused with diagnostics, {} panics, {} hangs",
        report.tried,
        report.generated,
        report.refused,
        report.panics.len(),
        report.hangs.len()
    );
    if report.panics.is_empty() && report.hangs.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn codegen_cmd(mode: Mode) -> ExitCode {
    let root = project_root();
    let report = match codegen::run(&root, mode) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            eprintln!("\ncodegen failed; {} is unchanged.", codegen::OUT_DIR);
            return ExitCode::FAILURE;
        }
    };
    for w in &report.warnings {
        eprintln!("{w}");
    }
    if !report.warnings.is_empty() {
        eprintln!();
    }
    if let Some(api) = report.api_changes.as_ref().filter(|r| !r.changes.is_empty()) {
        println!("What the spec change does to the API (since {}/ was last made):\n{api}", codegen::OUT_DIR);
    }
    for change in &report.changes {
        match change {
            Change::Created(p) => println!("created {p}"),
            Change::Updated(p) => println!("updated {p}"),
            Change::Removed(p) => println!("removed {p}"),
            Change::Stale(p, diff) => eprintln!("stale: {p}\n{diff}"),
        }
    }
    if report.is_stale() {
        eprintln!(
            "{} is out of date with {}. Run `cargo xtask codegen` and commit the result.",
            codegen::OUT_DIR,
            codegen::SPEC
        );
        return ExitCode::FAILURE;
    }
    if report.changes.is_empty() {
        println!("{} is up to date ({} files, {} warnings)", codegen::OUT_DIR, report.files, report.warnings.len());
    }
    ExitCode::SUCCESS
}
