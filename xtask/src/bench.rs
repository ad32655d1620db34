//! `cargo xtask bench`: generation speed and memory against the floor and the peers, no-op
//! regeneration, compile cost of the generated crate, overhead of the generated server, and
//! serde overhead of the models.
//!
//! Every ratio is measured side by side in one run (the machine is shared and noisy): each
//! measurement is repeated, and medians with min/max are reported. Peers are installed into
//! `target/bench-tools` on first use and skipped, with a note, when that fails.

use std::fmt::Write as _;
use std::io::{self, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One measured run of a child process.
#[derive(Clone, Debug)]
pub struct Sample {
    /// Wall time.
    pub wall: Duration,
    /// Peak resident memory of the process and the children it waited for, in KiB.
    pub max_rss_kib: u64,
    /// What it printed on stdout.
    pub stdout: String,
    /// Whether it exited with status 0.
    pub ok: bool,
}

/// Runs `cmd` to completion, measuring wall time and peak RSS (through `wait4`).
#[allow(unsafe_code)] // `wait4` is the one way to read a child's peak memory; see SAFETY.
pub fn measure(cmd: &mut Command) -> io::Result<Sample> {
    let started = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn()?;
    let mut stdout = child.stdout.take().ok_or_else(|| io::Error::other("no stdout"))?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let pid = libc::pid_t::try_from(child.id()).map_err(io::Error::other)?;
    let mut status = 0;
    // SAFETY: `rusage` is plain old data that `wait4` fills in; `pid` is our own child,
    // which has not been waited for (the `Child` handle is dropped without waiting).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    if waited < 0 {
        return Err(io::Error::last_os_error());
    }
    let stdout = reader.join().unwrap_or_default();
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    Ok(Sample { wall, max_rss_kib: u64::try_from(usage.ru_maxrss).unwrap_or(0), stdout, ok })
}

/// Median, min and max of some numbers.
#[derive(Clone, Copy, Debug)]
pub struct Stats {
    /// Median.
    pub median: f64,
    /// Minimum.
    pub min: f64,
    /// Maximum.
    pub max: f64,
}

impl Stats {
    /// Stats of `values` (not empty).
    pub fn of(values: &[f64]) -> Stats {
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let median = if v.is_empty() {
            f64::NAN
        } else if v.len() % 2 == 1 {
            v[v.len() / 2]
        } else {
            (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
        };
        Stats { median, min: v.first().copied().unwrap_or(f64::NAN), max: v.last().copied().unwrap_or(f64::NAN) }
    }
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.3} ({:.3}–{:.3})", self.median, self.min, self.max)
    }
}

/// Pulls `key value` pairs out of a `timings: a 1.0 b 2.0` line.
fn timings(stdout: &str) -> Vec<(String, f64)> {
    let Some(line) = stdout.lines().find(|l| l.starts_with("timings:")) else { return Vec::new() };
    let words: Vec<&str> = line["timings:".len()..].split_whitespace().collect();
    words.chunks(2).filter_map(|c| Some((c.first()?.to_string(), c.get(1)?.parse().ok()?))).collect()
}

fn timing(stdout: &str, key: &str) -> f64 {
    timings(stdout).into_iter().find(|(k, _)| k == key).map_or(f64::NAN, |(_, v)| v)
}

/// The spec of the streaming bench (section 7): one binary upload, one binary download.
const STREAM_SPEC: &str = include_str!("../assets/stream_bench/openapi.yaml");

/// The program of the streaming bench, an example of its generated crate.
const STREAM_PROGRAM: &str = include_str!("../assets/stream_bench/stream.rs");

/// What the streaming bench's program needs beside the generated crate.
const STREAM_DEV_DEPENDENCIES: &str = "\n[dev-dependencies]\n\
    axum = { version = \"0.8\", default-features = false, features = [\"http1\", \"tokio\"] }\n\
    futures-util = { version = \"0.3\", default-features = false }\n\
    reqwest = { version = \"0.13\", default-features = false, features = [\"stream\"] }\n\
    tokio = { version = \"1\", features = [\"macros\", \"net\", \"rt-multi-thread\"] }\n\n\
    [workspace]\n";

/// Options of a bench run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Repetitions of each fast measurement.
    pub runs: usize,
    /// Measure openapi-generator and progenitor.
    pub peers: bool,
    /// Measure compile cost.
    pub compile: bool,
    /// Run only this section (`generation`, `noop`, `peers`, `compile`, `server`, `serde`,
    /// `streams`, `tags`); all when `None`.
    pub only: Option<String>,
}

impl Options {
    /// Whether the section `name` runs.
    fn wants(&self, name: &str) -> bool {
        self.only.as_deref().is_none_or(|only| only == name)
    }
}

/// The bench, writing its report to `out` as it goes.
pub struct Bench {
    root: PathBuf,
    shared: PathBuf,
    tools: PathBuf,
    scratch: PathBuf,
    options: Options,
    /// The report, in Markdown.
    pub report: String,
}

impl Bench {
    /// A bench of the workspace at `root` against the specs in `shared`.
    pub fn new(root: &Path, shared: &Path, options: Options) -> Bench {
        let target = root.join("target");
        Bench {
            root: root.to_path_buf(),
            shared: shared.to_path_buf(),
            tools: target.join("bench-tools"),
            scratch: target.join("bench"),
            options,
            report: String::new(),
        }
    }

    fn line(&mut self, text: impl AsRef<str>) {
        println!("{}", text.as_ref());
        self.report.push_str(text.as_ref());
        self.report.push('\n');
    }

    fn cargo(&self) -> Command {
        let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        c.current_dir(&self.root);
        c
    }

    fn spec(&self) -> PathBuf {
        self.shared.join("specs/rebilly/openapi/openapi.yaml")
    }

    /// Runs every section.
    pub fn run(&mut self) -> io::Result<()> {
        std::fs::create_dir_all(&self.scratch)?;
        self.line(format!("# Benchmarks ({} runs per measurement; median (min–max))\n", self.options.runs));
        let o = self.options.clone();
        // The peers are measured against our generation time.
        let ours = if o.wants("generation") || (o.peers && o.wants("peers")) { Some(self.generation()?) } else { None };
        if o.wants("noop") {
            self.noop()?;
        }
        if let (true, true, Some(ours)) = (o.peers, o.wants("peers"), ours) {
            self.peers(ours)?;
        }
        if o.compile && o.wants("compile") {
            self.compile_cost()?;
        }
        if o.compile && o.wants("tags") {
            self.tag_features()?;
        }
        if o.wants("server") {
            self.server_overhead()?;
        }
        if o.wants("serde") {
            self.serde_overhead()?;
        }
        if o.wants("streams") {
            self.stream_bodies()?;
        }
        Ok(())
    }

    /// Section 1: our generation against the floor. Returns our median wall time.
    fn generation(&mut self) -> io::Result<f64> {
        // The generator and the floor, as release builds of codegen's examples.
        let built = self.cargo().args(["build", "--release", "--quiet", "-p", "codegen", "--examples"]).status()?;
        if !built.success() {
            return Err(io::Error::other("building the codegen examples failed"));
        }
        let bin = self.root.join("target/release/examples");
        let out = self.scratch.join("rebilly");
        let spec_dir = self.spec().parent().map(Path::to_path_buf).unwrap_or_default();
        let (mut ours, mut floor) = (Vec::new(), Vec::new());
        for _ in 0..self.options.runs {
            let _ = std::fs::remove_dir_all(&out);
            ours.push(measure(Command::new(bin.join("generate")).arg(self.spec()).arg(&out))?);
            floor.push(measure(Command::new(bin.join("floor")).arg(&spec_dir).arg(out.join("src")))?);
        }
        if ours.iter().any(|s| !s.ok) {
            return Err(io::Error::other("generation of the Rebilly API failed"));
        }
        let stage = |key: &str| Stats::of(&ours.iter().map(|s| timing(&s.stdout, key)).collect::<Vec<_>>());
        let wall = Stats::of(&ours.iter().map(|s| s.wall.as_secs_f64()).collect::<Vec<_>>());
        let rss = Stats::of(&ours.iter().map(|s| s.max_rss_kib as f64 / 1024.0).collect::<Vec<_>>());
        let floor_total = Stats::of(
            &floor.iter().map(|s| timing(&s.stdout, "yaml") + timing(&s.stdout, "unparse")).collect::<Vec<_>>(),
        );
        let yaml = Stats::of(&floor.iter().map(|s| timing(&s.stdout, "yaml")).collect::<Vec<_>>());
        let unparse = Stats::of(&floor.iter().map(|s| timing(&s.stdout, "unparse")).collect::<Vec<_>>());
        let lines = std::fs::read_dir(out.join("src"))
            .map(|d| {
                d.flatten()
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                    .map(|t| t.lines().count())
                    .sum::<usize>()
            })
            .unwrap_or(0);
        self.line("## 1. Generating the full Rebilly API (multi-file tree, models + operations + client + server)\n");
        self.line("| measure | seconds / MiB |\n|---|---|");
        self.line(format!("| load (read + parse {} files) | {} |", count_files(&spec_dir), stage("load")));
        self.line(format!("| lower (refs, IR) | {} |", stage("lower")));
        self.line(format!("| emit (tokens; CPU time summed over the 2 workers) | {} |", stage("emit")));
        self.line(format!("| format (syn + prettyplease; CPU time, 2 workers) | {} |", stage("format")));
        self.line(format!("| **total wall** ({lines} lines written) | {wall} |"));
        self.line(format!("| floor: serde_yaml of every spec file | {yaml} |"));
        self.line(format!("| floor: prettyplease::unparse of our output | {unparse} |"));
        self.line(format!("| **floor total** | {floor_total} |"));
        self.line(format!("| **ratio total / floor** (target ≤ 2) | {:.2} |", wall.median / floor_total.median));
        self.line(format!("| **peak RSS, MiB** (target ≤ 200) | {rss} |\n"));
        Ok(wall.median)
    }

    /// Section 3: a no-op `xtask codegen` against a full one.
    fn noop(&mut self) -> io::Result<()> {
        let out = self.scratch.join("noop");
        let cache = self.scratch.join("noop-stamp.json");
        let config = codegen::Config {
            crate_name: "rebilly".into(),
            crate_version: "0.1.0".into(),
            source_label: "rebilly".into(),
            runtime: crate::codegen::scratch_runtime(),
            ..codegen::Config::default()
        };
        let run = |cache: Option<&Path>| -> io::Result<(Duration, usize)> {
            let started = Instant::now();
            let report =
                crate::codegen::run_with(&self.root, &self.spec(), &out, &config, crate::codegen::Mode::Write, cache)
                    .map_err(|e| io::Error::other(e.to_string()))?;
            Ok((started.elapsed(), report.changes.len()))
        };
        let (mut full, mut noop) = (Vec::new(), Vec::new());
        let mut rewritten = 0;
        for _ in 0..self.options.runs {
            let _ = std::fs::remove_dir_all(&out);
            let _ = std::fs::remove_file(&cache);
            full.push(run(Some(&cache))?.0.as_secs_f64());
            let before = mtimes(&out);
            let (t, changes) = run(Some(&cache))?;
            noop.push(t.as_secs_f64());
            rewritten += changes + usize::from(before != mtimes(&out));
        }
        let (full, noop) = (Stats::of(&full), Stats::of(&noop));
        self.line("## 3. No-op regeneration (`xtask codegen` logic on an unchanged Rebilly spec)\n");
        self.line("| measure | seconds |\n|---|---|");
        self.line(format!("| full generation + write | {full} |"));
        self.line(format!("| no-op run | {noop} |"));
        self.line(format!("| files rewritten by no-op runs (target 0) | {rewritten} |"));
        self.line(format!("| **ratio no-op / full** (target ≤ 0.25) | {:.3} |\n", noop.median / full.median));
        Ok(())
    }

    fn venv_tool(&self, package: &str, bin: &str) -> Option<PathBuf> {
        let venv = self.tools.join("venv");
        let exe = venv.join("bin").join(bin);
        if exe.exists() {
            return Some(exe);
        }
        let made = Command::new("python3").arg("-m").arg("venv").arg(&venv).status().ok()?.success();
        let pip = venv.join("bin/pip");
        let installed = made && Command::new(&pip).args(["install", "--quiet", package]).status().ok()?.success();
        installed.then_some(exe)
    }

    fn progenitor(&self) -> Option<PathBuf> {
        let exe = self.tools.join("bin/cargo-progenitor");
        if exe.exists() {
            return Some(exe);
        }
        let ok = self
            .cargo()
            .args(["install", "--quiet", "--locked", "cargo-progenitor@0.15.1", "--root"])
            .arg(&self.tools)
            .status()
            .ok()?
            .success();
        ok.then_some(exe)
    }

    /// Section 2: the peers, each on the input it accepts, beside ours.
    fn peers(&mut self, ours: f64) -> io::Result<()> {
        self.line("## 2. Peers (same run; ours is the median above)\n");
        self.line("| generator | input | wall, s | peak RSS, MiB | ours faster by (target) |\n|---|---|---|---|---|");
        let runs = self.options.runs.clamp(1, 3);
        match self.venv_tool("openapi-generator-cli==7.26.0", "openapi-generator-cli") {
            Some(exe) => {
                let input = self.shared.join("specs/rebilly-bundled/rebilly-all-3.1.yaml");
                let out = self.scratch.join("openapi-generator");
                let mut samples = Vec::new();
                for _ in 0..runs {
                    let _ = std::fs::remove_dir_all(&out);
                    samples.push(measure(
                        Command::new(&exe)
                            .args(["generate", "-g", "rust", "--skip-validate-spec", "-i"])
                            .arg(&input)
                            .arg("-o")
                            .arg(&out),
                    )?);
                }
                self.peer_row("openapi-generator 7.26 `rust`", "3.1 bundle", &samples, ours, 20.0);
            }
            None => self
                .line("| openapi-generator | skipped: `pip install openapi-generator-cli` failed (needs Java) | | | |"),
        }
        match self.progenitor() {
            Some(exe) => {
                let input = self.shared.join("peer-inputs/rebilly-all-3.0-progenitor-compat.yaml");
                let out = self.scratch.join("progenitor");
                let mut samples = Vec::new();
                for _ in 0..runs {
                    let _ = std::fs::remove_dir_all(&out);
                    samples.push(measure(
                        Command::new(&exe).args(["progenitor", "-i"]).arg(&input).arg("-o").arg(&out).args([
                            "-n",
                            "rebilly-progenitor",
                            "-v",
                            "0.1.0",
                        ]),
                    )?);
                }
                self.peer_row("progenitor 0.15.1", "3.0 compat file", &samples, ours, 5.0);
            }
            None => self.line("| progenitor | skipped: `cargo install cargo-progenitor` failed | | | |"),
        }
        self.line("");
        Ok(())
    }

    fn peer_row(&mut self, name: &str, input: &str, samples: &[Sample], ours: f64, target: f64) {
        let ok = samples.iter().all(|s| s.ok);
        let wall = Stats::of(&samples.iter().map(|s| s.wall.as_secs_f64()).collect::<Vec<_>>());
        let rss = Stats::of(&samples.iter().map(|s| s.max_rss_kib as f64 / 1024.0).collect::<Vec<_>>());
        let note = if ok { "" } else { " (exited with an error)" };
        self.line(format!("| {name}{note} | {input} | {wall} | {rss} | {:.1}× (≥ {target}×) |", wall.median / ours));
    }

    /// Section 4: debug build of the generated crate alone, with the runtime crate as a
    /// dependency and with the runtime written in, against progenitor's.
    fn compile_cost(&mut self) -> io::Result<()> {
        let ws = self.scratch.join("compile");
        let ours = ws.join("ours");
        let inline = ws.join("inline");
        for (dir, name, runtime) in [
            (&ours, "rebilly-ours", crate::codegen::scratch_runtime()),
            (&inline, "rebilly-inline", codegen::Runtime::Inline),
        ] {
            let _ = std::fs::remove_dir_all(dir);
            let config = codegen::Config {
                crate_name: name.into(),
                crate_version: "0.1.0".into(),
                source_label: "rebilly".into(),
                runtime,
                ..codegen::Config::default()
            };
            let generated = codegen::generate(&self.spec(), &config).map_err(|d| io::Error::other(d.to_string()))?;
            for (rel, text) in &generated.files {
                let path = dir.join(rel);
                std::fs::create_dir_all(path.parent().unwrap_or(dir))?;
                std::fs::write(path, text)?;
            }
        }
        let mut members = vec!["\"ours\"".to_string(), "\"inline\"".to_string()];
        let progenitor = ws.join("progenitor");
        let prog_src = self.scratch.join("progenitor");
        if prog_src.join("Cargo.toml").exists() {
            let _ = std::fs::remove_dir_all(&progenitor);
            copy_dir(&prog_src, &progenitor)?;
            members.push("\"progenitor\"".into());
        }
        std::fs::write(
            ws.join("Cargo.toml"),
            format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")),
        )?;
        let target = ws.join("target");
        let build = |package: &str, features: &str, check: bool| -> io::Result<Sample> {
            let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
            // Incremental caches would turn a touched-but-unchanged crate into a near no-op.
            c.current_dir(&ws)
                .env("CARGO_TARGET_DIR", &target)
                .env("CARGO_INCREMENTAL", "0")
                .arg(if check { "check" } else { "build" })
                .args(["--quiet", "-p", package]);
            if !features.is_empty() {
                c.args(["--features", features]);
            }
            measure(&mut c)
        };
        let mut rows: Vec<(&str, &str, &str)> = vec![
            ("ours: models + client", "rebilly-ours", "client"),
            ("ours: models + client + server", "rebilly-ours", "client,server"),
            ("ours, runtime written in: models + client", "rebilly-inline", "client"),
            ("ours, runtime written in: models + client + server", "rebilly-inline", "client,server"),
        ];
        let has_progenitor = members.len() > 2;
        if has_progenitor {
            rows.push(("progenitor: client", "rebilly-progenitor", ""));
        }
        // Dependencies first, for every row, so that the rounds time each crate alone.
        for (_, package, features) in &rows {
            build(package, features, false)?;
        }
        // One sample of a compile takes a minute or two, and the machine drifts over that time:
        // the rows take turns, round after round, so that each ratio compares neighbours.
        let rounds = self.options.runs.clamp(1, 3);
        let mut samples: Vec<[Vec<Sample>; 2]> = rows.iter().map(|_| [Vec::new(), Vec::new()]).collect();
        for _ in 0..rounds {
            for ((_, package, features), cells) in rows.iter().zip(&mut samples) {
                let lib = match *package {
                    "rebilly-ours" => ours.join("src/lib.rs"),
                    "rebilly-inline" => inline.join("src/lib.rs"),
                    _ => progenitor.join("src/lib.rs"),
                };
                for (check, cell) in [true, false].into_iter().zip(cells.iter_mut()) {
                    touch(&lib)?;
                    cell.push(build(package, features, check)?);
                }
            }
        }
        let wall = |cell: &[Sample]| Stats::of(&cell.iter().map(|s| s.wall.as_secs_f64()).collect::<Vec<_>>());
        let rss = |cell: &[Sample]| Stats::of(&cell.iter().map(|s| s.max_rss_kib as f64 / 1024.0).collect::<Vec<_>>());
        let cell = |samples: &[Sample]| {
            let (w, m) = (wall(samples), rss(samples));
            let failed = if samples.iter().all(|s| s.ok) { "" } else { " (failed)" };
            format!(
                "{:.0} s ({:.0}–{:.0}), {:.0} MiB ({:.0}–{:.0}){failed}",
                w.median, w.min, w.max, m.median, m.min, m.max
            )
        };
        self.line(format!(
            "## 4. Compile cost of the generated crate (debug, dependencies already built; {rounds} rounds, rows in turn)\n"
        ));
        self.line("| crate | cargo check: wall, peak | cargo build: wall, peak |\n|---|---|---|");
        for ((label, ..), [check, build]) in rows.iter().zip(&samples) {
            self.line(format!("| {label} | {} | {} |", cell(check), cell(build)));
        }
        {
            let ([ours_check, ours_build], [inline_check, inline_build]) = (&samples[1], &samples[3]);
            let ratio = |ours: &[Sample], other: &[Sample]| {
                format!("{:.2}×, {:.2}×", wall(ours).median / wall(other).median, rss(ours).median / rss(other).median)
            };
            self.line(format!(
                "\n| runtime crate / runtime written in (models + client + server, medians) | check: time, memory | build: time, memory | target |\n|---|---|---|---|\n| | {} | {} | ≤ 1× |",
                ratio(ours_check, inline_check),
                ratio(ours_build, inline_build)
            ));
        }
        if let Some([peer_check, peer_build]) = samples.get(4).filter(|_| has_progenitor) {
            self.line("\n| ours / progenitor's client (medians) | check: time, memory | build: time, memory | target |\n|---|---|---|---|");
            for (((label, ..), [check, build]), target) in rows.iter().zip(&samples).zip(["≤ 0.5×", "≤ 1×"]) {
                let ratio = |ours: &[Sample], peer: &[Sample]| {
                    format!(
                        "{:.2}×, {:.2}×",
                        wall(ours).median / wall(peer).median,
                        rss(ours).median / rss(peer).median
                    )
                };
                self.line(format!(
                    "| {label} | {} | {} | {target} (build) |",
                    ratio(check, peer_check),
                    ratio(build, peer_build)
                ));
            }
        }
        self.line("");
        Ok(())
    }

    /// Section 4b: the crate made with one feature per tag, built with the client and one tag
    /// (the Customers API's, and the tag with the most operations) against all tags; the
    /// rows take turns, round after round.
    fn tag_features(&mut self) -> io::Result<()> {
        let ws = self.scratch.join("tags");
        let dir = ws.join("crate");
        let _ = std::fs::remove_dir_all(&dir);
        let config = codegen::Config {
            crate_name: "rebilly-tags".into(),
            crate_version: "0.1.0".into(),
            source_label: "rebilly".into(),
            runtime: crate::codegen::scratch_runtime(),
            tag_features: true,
            ..codegen::Config::default()
        };
        let generated = codegen::generate(&self.spec(), &config).map_err(|d| io::Error::other(d.to_string()))?;
        for (rel, text) in &generated.files {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap_or(&dir))?;
            std::fs::write(path, text)?;
        }
        std::fs::write(ws.join("Cargo.toml"), "[workspace]\nresolver = \"2\"\nmembers = [\"crate\"]\n")?;
        std::fs::copy(self.root.join("Cargo.lock"), ws.join("Cargo.lock"))?;
        let features = &generated.api.features;
        let all = features.len();
        let customers = features.iter().find(|f| f.name == "customers").or(features.first());
        let largest = features.iter().max_by_key(|f| (f.operations, std::cmp::Reverse(f.name.clone())));
        let mut rows: Vec<(String, String)> = vec![("client, no tag".into(), "client".into())];
        for f in customers.into_iter().chain(largest) {
            if !rows.iter().any(|(_, set)| set.ends_with(&format!(",{}", f.name))) {
                rows.push((
                    format!("client + tag `{}` ({} operations)", f.tag, f.operations),
                    format!("client,{}", f.name),
                ));
            }
        }
        let operations = generated.api.operations.len();
        rows.push((format!("client + all {all} tags ({operations} operations)"), "client,all-tags".into()));
        let target = ws.join("target");
        let build = |features: &str| -> io::Result<Sample> {
            let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
            c.current_dir(&ws).env("CARGO_TARGET_DIR", &target).env("CARGO_INCREMENTAL", "0").args([
                "build",
                "--quiet",
                "-p",
                "rebilly-tags",
                "--features",
                features,
            ]);
            measure(&mut c)
        };
        // Dependencies first, so that the rounds time the crate alone.
        build("client")?;
        let rounds = self.options.runs.clamp(1, 3);
        let mut samples: Vec<Vec<Sample>> = rows.iter().map(|_| Vec::new()).collect();
        for _ in 0..rounds {
            for ((_, features), cell) in rows.iter().zip(&mut samples) {
                touch(&dir.join("src/lib.rs"))?;
                cell.push(build(features)?);
            }
        }
        let wall = |cell: &[Sample]| Stats::of(&cell.iter().map(|s| s.wall.as_secs_f64()).collect::<Vec<_>>());
        let rss = |cell: &[Sample]| Stats::of(&cell.iter().map(|s| s.max_rss_kib as f64 / 1024.0).collect::<Vec<_>>());
        self.line(format!(
            "## 4b. A feature per tag: debug `cargo build` of the generated crate (dependencies already built; {rounds} rounds, rows in turn)\n"
        ));
        self.line("| features | wall | peak memory | wall / all tags | memory / all tags |\n|---|---|---|---:|---:|");
        let (all_wall, all_rss) = {
            let last = samples.last().map(Vec::as_slice).unwrap_or_default();
            (wall(last).median, rss(last).median)
        };
        for ((label, _), cell) in rows.iter().zip(&samples) {
            let (w, m) = (wall(cell), rss(cell));
            let failed = if cell.iter().all(|s| s.ok) { "" } else { " (failed)" };
            self.line(format!(
                "| {label} | {:.1} s ({:.1}–{:.1}){failed} | {:.0} MiB ({:.0}–{:.0}) | {:.2}× | {:.2}× |",
                w.median,
                w.min,
                w.max,
                m.median,
                m.min,
                m.max,
                w.median / all_wall,
                m.median / all_rss
            ));
        }
        self.line("");
        Ok(())
    }

    /// Section 5: requests/s and p99 latency of the generated router (validation on) against a
    /// hand-written axum router doing the same work, on loopback under the same load loop.
    fn server_overhead(&mut self) -> io::Result<()> {
        let s = measure(self.cargo().args(["bench", "--quiet", "-p", "tests", "--bench", "server_overhead"]))?;
        self.line("## 5. Server overhead (generated router against hand-written axum, same store, loopback)\n");
        self.table_of(&s, "the server bench failed to run");
        Ok(())
    }

    /// Section 6: encode + decode of a full Customer, generated models against a hand-written struct.
    fn serde_overhead(&mut self) -> io::Result<()> {
        let s = measure(self.cargo().args(["bench", "--quiet", "-p", "tests", "--bench", "serde_customer"]))?;
        self.line("## 6. Client-side serde overhead (encode + decode of a Customer with every seed field)\n");
        self.table_of(&s, "the serde bench failed to run");
        Ok(())
    }

    /// Section 7: 200 MiB up and down through a generated client and server (a spec of one
    /// binary upload and one download), against reqwest and axum used by hand; each run is a
    /// process of its own holding both sides, so its peak memory bounds either side's.
    fn stream_bodies(&mut self) -> io::Result<()> {
        let krate = self.scratch.join("streams");
        let spec = krate.join("openapi.yaml");
        std::fs::create_dir_all(krate.join("examples"))?;
        std::fs::write(&spec, STREAM_SPEC)?;
        let config = codegen::Config {
            crate_name: "bench-streams".into(),
            crate_version: "0.1.0".into(),
            source_label: "xtask/assets/stream_bench/openapi.yaml".into(),
            runtime: crate::codegen::scratch_runtime(),
            ..codegen::Config::default()
        };
        let generated = codegen::generate(&spec, &config).map_err(|d| io::Error::other(d.to_string()))?;
        for (rel, text) in &generated.files {
            let mut text = text.clone();
            if rel == "Cargo.toml" {
                text.push_str(STREAM_DEV_DEPENDENCIES);
            }
            let path = krate.join(rel);
            std::fs::create_dir_all(path.parent().unwrap_or(&krate))?;
            std::fs::write(path, text)?;
        }
        std::fs::write(krate.join("examples/stream.rs"), STREAM_PROGRAM)?;
        std::fs::copy(self.root.join("Cargo.lock"), krate.join("Cargo.lock"))?;
        let target = self.scratch.join("streams-target");
        let built = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&krate)
            .env("CARGO_TARGET_DIR", &target)
            .args(["build", "--quiet", "--release", "--offline", "--all-features", "--example", "stream"])
            .status()?;
        self.line("## 7. Streamed bodies (200 MiB through the generated client and server, against reqwest and axum by hand, loopback)\n");
        if !built.success() {
            self.line("(the streaming bench did not build)\n");
            return Ok(());
        }
        let exe = target.join("release/examples/stream");
        // `wait4` counts the pages a child shares with this process before `exec`: the peak
        // memory read so is an upper bound, this process's own size at the least.
        self.line("| direction | generated MiB/s | by hand MiB/s | **ratio** (target ≥ 0.8) | peak RSS generated, MiB (target < 64; upper bound) | peak RSS by hand, MiB |");
        self.line("|---|---|---|---|---|---|");
        for direction in ["upload", "download"] {
            let (mut ours, mut plain) = (Vec::new(), Vec::new());
            // In turns, so that both see the same machine.
            for _ in 0..self.options.runs {
                ours.push(measure(Command::new(&exe).args(["ours", direction]))?);
                plain.push(measure(Command::new(&exe).args(["plain", direction]))?);
            }
            if ours.iter().chain(&plain).any(|s| !s.ok) {
                self.line(format!("| {direction} | (a run failed) | | | | |"));
                continue;
            }
            // Each run moves 200 MiB five times.
            let mib = |s: &Sample| 5.0 * 200.0 / timing(&s.stdout, "seconds");
            let rss = |s: &Sample| s.max_rss_kib as f64 / 1024.0;
            let speed = |v: &[Sample]| Stats::of(&v.iter().map(mib).collect::<Vec<_>>());
            let memory = |v: &[Sample]| Stats::of(&v.iter().map(rss).collect::<Vec<_>>());
            let (o, p) = (speed(&ours), speed(&plain));
            self.line(format!(
                "| {direction} | {o} | {p} | {:.2} | {} | {} |",
                o.median / p.median,
                memory(&ours),
                memory(&plain)
            ));
        }
        self.line("");
        Ok(())
    }

    /// Copies the Markdown table lines (`|`) a bench printed into the report, or says it failed.
    fn table_of(&mut self, sample: &Sample, failed: &str) {
        let mut text = String::new();
        for l in sample.stdout.lines().filter(|l| l.starts_with('|')) {
            let _ = writeln!(text, "{l}");
        }
        if text.is_empty() {
            text = format!("({failed})\n");
        } else if !sample.ok {
            text.push_str("\n(the bench exited with an error; see the rows above)\n");
        }
        self.line(text);
    }
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        count_files(&p)
                    } else {
                        usize::from(p.extension().is_some_and(|x| x == "yaml" || x == "json"))
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn mtimes(dir: &Path) -> Vec<(PathBuf, Option<std::time::SystemTime>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), e.metadata().and_then(|m| m.modified()).ok()));
            }
        }
    }
    out.sort();
    out
}

fn touch(path: &Path) -> io::Result<()> {
    let text = std::fs::read(path)?;
    std::fs::write(path, text)
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)?.flatten() {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &dest)?;
        } else {
            std::fs::copy(&p, &dest)?;
        }
    }
    Ok(())
}
