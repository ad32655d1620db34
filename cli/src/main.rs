//! `openapi-rs`: generate a Rust crate from an OpenAPI spec, check that one is fresh, compare
//! two versions of a spec, or lint one.
//!
//! Exit codes: 0 success; 1 the spec has errors, a checked crate is stale, or `diff
//! --fail-on` found what it fails on; 2 the command line, a configuration file or a file
//! system operation is wrong.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use codegen::{ConfigFile, Diagnostic, Diagnostics};
use openapi_rs_cli::diagnostics::{render, Format};
use openapi_rs_cli::diff::{render as render_report, Output};
use openapi_rs_cli::write::{self, Mode};

/// Generate a Rust crate (models, an async reqwest client, axum server stubs) from an
/// OpenAPI 3.0 or 3.1 spec.
#[derive(Parser)]
#[command(name = "openapi-rs", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How to print diagnostics: `human` (with the spec's line, in colour on a terminal) or
    /// `json` (one object per line).
    #[arg(long, global = true, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum MessageFormat {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Write the crate generated from SPEC into the folder OUT (only files whose content
    /// changed, atomically).
    Generate(Target),
    /// Write nothing; fail if the crate in OUT is not what SPEC gives (for CI).
    Check(Target),
    /// Compare two versions of a spec: each change classified for clients, servers and the
    /// generated crate's Rust API, with the version bump it implies.
    Diff {
        /// The older spec: a root file, a folder holding `openapi.yaml`, or a git revision
        /// (`REV:path/to/openapi.yaml`, or `REV` alone for the path NEW names).
        old: String,
        /// The newer spec, in the same forms as OLD.
        new: String,
        /// `text`, `json`, `markdown` (a pull-request comment) or `changelog` (release notes).
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Fail (exit 1) on a breaking change not accepted, or on any change.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        /// Known changes to let through, one `RULE LOCATION` per line.
        #[arg(long, value_name = "FILE")]
        accept: Option<PathBuf>,
    },
    /// Load and check SPEC without generating anything; print every diagnostic.
    Lint {
        /// The spec's root file.
        spec: PathBuf,
    },
}

#[derive(clap::Args)]
struct Target {
    /// The spec's root file (default: `spec` in the configuration file).
    spec: Option<PathBuf>,
    /// The crate's folder (default: `out` in the configuration file).
    #[arg(long)]
    out: Option<PathBuf>,
    /// A configuration file (`codegen.toml`); paths in it are relative to it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    Markdown,
    Changelog,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Breaking,
    Any,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let format = match cli.message_format {
        MessageFormat::Json => Format::Json,
        MessageFormat::Human => Format::Human { color: std::io::stderr().is_terminal() },
    };
    match cli.command {
        Command::Generate(target) => generate(target, Mode::Write, format),
        Command::Check(target) => generate(target, Mode::Check, format),
        Command::Diff { old, new, format: diff_format, fail_on, accept } => {
            diff(&old, &new, diff_format, fail_on, accept.as_deref(), format)
        }
        Command::Lint { spec } => lint(&spec, format),
    }
}

/// Prints `message` as cargo does (`error: ...`) and gives exit code 2.
fn usage_error(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn print_diagnostics<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>, base: &Path, format: Format) {
    for d in diagnostics {
        eprintln!("{}", render(d, base, format));
    }
}

/// The folder a spec's diagnostics name files from.
fn base_of(spec: &Path) -> PathBuf {
    spec.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn generate(target: Target, mode: Mode, format: Format) -> ExitCode {
    let (file, dir) = match &target.config {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => match ConfigFile::parse(&path.display().to_string(), &text) {
                Ok(file) => (file, path.parent().map(Path::to_path_buf).unwrap_or_default()),
                Err(d) => {
                    print_diagnostics([&d], Path::new(""), format);
                    return ExitCode::from(2);
                }
            },
            Err(e) => return usage_error(format!("cannot read {}: {e}", path.display())),
        },
        None => (ConfigFile::default(), PathBuf::new()),
    };
    let spec = target.spec.or_else(|| file.spec.as_ref().map(|s| dir.join(s)));
    let out = target.out.or_else(|| file.out.as_ref().map(|o| dir.join(o)));
    let (Some(spec), Some(out)) = (spec, out) else {
        return usage_error(
            "name the spec and the output folder (`generate SPEC --out DIR`), or give a --config that does",
        );
    };
    let defaults = codegen::Config {
        crate_name: out.file_name().and_then(|n| n.to_str()).unwrap_or("api").to_owned(),
        source_label: spec.display().to_string(),
        ..codegen::Config::default()
    };
    let config = file.config(defaults);
    let root = std::env::current_dir().unwrap_or_default();
    match write::run_with(&root, &spec, &out, &config, mode, None) {
        Ok(report) => {
            print_diagnostics(&report.warnings, &root, format);
            for change in &report.changes {
                match change {
                    write::Change::Created(p) => eprintln!("created {p}"),
                    write::Change::Updated(p) => eprintln!("updated {p}"),
                    write::Change::Removed(p) => eprintln!("removed {p}"),
                    write::Change::Stale(p, diff) => eprintln!("stale: {p}\n{diff}"),
                }
            }
            let stale = mode == Mode::Check && !report.changes.is_empty();
            match (mode, stale) {
                (Mode::Check, true) => {
                    eprintln!(
                        "error: {} is not what {} gives; run `openapi-rs generate`",
                        out.display(),
                        spec.display()
                    );
                    ExitCode::FAILURE
                }
                _ => {
                    let verb = if mode == Mode::Write { "generated" } else { "checked" };
                    eprintln!("{verb} {} ({} files, {} warnings)", out.display(), report.files, report.warnings.len());
                    ExitCode::SUCCESS
                }
            }
        }
        Err(write::Error::Spec(Diagnostics(diagnostics))) => {
            print_diagnostics(&diagnostics, &root, format);
            ExitCode::FAILURE
        }
        Err(e) => usage_error(e),
    }
}

fn lint(spec: &Path, format: Format) -> ExitCode {
    let base = base_of(spec);
    match codegen::lower(spec) {
        Ok((_, warnings)) => {
            print_diagnostics(&warnings, &base, format);
            if format != Format::Json {
                eprintln!("{}: no errors, {} warnings", spec.display(), warnings.len());
            }
            ExitCode::SUCCESS
        }
        Err(Diagnostics(diagnostics)) => {
            print_diagnostics(&diagnostics, &base, format);
            ExitCode::FAILURE
        }
    }
}

fn diff(
    old: &str,
    new: &str,
    diff_format: DiffFormat,
    fail_on: Option<FailOn>,
    accept: Option<&Path>,
    format: Format,
) -> ExitCode {
    let acceptance = match openapi_rs_cli::diff::acceptance(accept) {
        Ok(a) => a,
        Err(e) => return usage_error(e),
    };
    // A bare revision stands for the other side's file at that revision (`diff main spec/openapi.yaml`).
    let default_file =
        |other: &str| if Path::new(other).is_file() { other.to_owned() } else { "openapi.yaml".to_owned() };
    let here = Path::new(".");
    let sides = openapi_rs_cli::diff::resolve(here, old, &default_file(new))
        .and_then(|o| openapi_rs_cli::diff::resolve(here, new, &default_file(old)).map(|n| (o, n)));
    let (old, new) = match sides {
        Ok(sides) => sides,
        Err(e) => return usage_error(e),
    };
    let mut report = match openapi_rs_cli::diff::compare(&old.root, &new.root) {
        Ok(report) => report,
        Err(openapi_rs_cli::diff::Error::Spec(spec, Diagnostics(diagnostics))) => {
            print_diagnostics(&diagnostics, &base_of(&spec), format);
            return ExitCode::FAILURE;
        }
        Err(e) => return usage_error(e),
    };
    for (rule, location) in report.accept(&acceptance) {
        eprintln!("warning: the acceptance of `{rule} {location}` matches no change");
    }
    let output = match diff_format {
        DiffFormat::Text => Output::Text,
        DiffFormat::Json => Output::Json,
        DiffFormat::Markdown => Output::Markdown,
        DiffFormat::Changelog => Output::Changelog,
    };
    print!("{}", render_report(&report, output));
    let failed = match fail_on {
        Some(FailOn::Breaking) => report.has_unaccepted_breaks(),
        Some(FailOn::Any) => report.has_changes(),
        None => false,
    };
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
