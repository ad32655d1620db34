//! `cargo xtask`: the project's automation (see `cargo xtask help`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::codegen::{self, Change, Mode};
use xtask::corpus;

const HELP: &str = "\
cargo xtask <command>

Commands:
  codegen [--check]   regenerate generated/ from spec/ (with --check: write nothing, fail if stale)
  corpus PATH...      generate every spec under PATH (dirs are searched for roots), compile each with
                      clippy -D warnings in a scratch workspace, print a table; fails if any fails
  help                this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen_cmd(Mode::Write),
        ["codegen", "--check"] => codegen_cmd(Mode::Check),
        ["corpus", paths @ ..] if !paths.is_empty() => corpus_cmd(paths),
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

fn corpus_cmd(paths: &[&str]) -> ExitCode {
    let root = project_root();
    let paths: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let specs = match corpus::find_specs(&paths) {
        Ok(s) if !s.is_empty() => s,
        Ok(_) => {
            eprintln!("no OpenAPI documents found under {paths:?}");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("cannot search {paths:?}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let scratch = std::env::temp_dir().join("openapi-corpus");
    let target = root.join("target").join("corpus-check");
    println!("{} specs; scratch workspace {}", specs.len(), scratch.display());
    let rows = match corpus::run(&specs, &scratch, &target, &root.join("Cargo.lock")) {
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
    }
    print!("{}", corpus::table(&rows));
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
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
