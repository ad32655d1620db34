//! `cargo xtask load`: the example server under load and under crash, on SQLite and on
//! PostgreSQL, with nothing lost (the check is `customers-load verify`, the database's own
//! check is `customers-server --check`).

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Concurrent clients.
    pub clients: usize,
    /// Length of each run.
    pub seconds: f64,
    /// A PostgreSQL URL for the third scenario; without one it is skipped, with a note.
    pub postgres: Option<String>,
    /// Build and run the debug binaries (faster to build, slower to run).
    pub debug: bool,
}

/// One scenario: a database, and whether the server is killed halfway.
struct Scenario {
    name: &'static str,
    database: String,
    crash: bool,
}

/// Runs every scenario; the summary table is returned, or the first failure.
pub fn run(root: &Path, options: &Options) -> Result<String, String> {
    let profile = if options.debug { "debug" } else { "release" };
    let mut build = Command::new(env!("CARGO"));
    build.current_dir(root).args(["build", "--locked", "-p", "customers-server", "--bins"]);
    if !options.debug {
        build.arg("--release");
    }
    status(&mut build, "build customers-server")?;
    let bin = root.join("target").join(profile);
    let work = root.join("target/load");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let sqlite = work.join("customers.db");
    let mut scenarios = vec![
        Scenario { name: "SQLite", database: sqlite.display().to_string(), crash: false },
        Scenario { name: "SQLite, SIGKILL halfway", database: sqlite.display().to_string(), crash: true },
    ];
    match &options.postgres {
        Some(url) => scenarios.push(Scenario { name: "PostgreSQL", database: url.clone(), crash: false }),
        None => println!("note: PostgreSQL skipped: give --postgres URL (or CUSTOMERS_LOAD_POSTGRES) to run it too"),
    }
    let mut table = String::from(
        "| scenario | clients | seconds | requests | per second | p50 ms | p90 ms | p99 ms | 5xx | unanswered | lost | duplicated |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for scenario in &scenarios {
        println!("\n== {} ({} clients, {} s)", scenario.name, options.clients, options.seconds);
        if scenario.database == sqlite.display().to_string() {
            // Each SQLite scenario starts from an empty file.
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", sqlite.display()));
            }
        }
        let row = one(&bin, &work, scenario, options)?;
        table.push_str(&row);
    }
    Ok(table)
}

/// Runs one scenario and returns its table row.
fn one(bin: &Path, work: &Path, scenario: &Scenario, options: &Options) -> Result<String, String> {
    let key = format!("load-{:x}", fastrand::u64(..));
    let log = work.join("server.log");
    let mut server = Server::start(bin, &scenario.database, &key, &log, None)?;
    let ledger = work.join("ledger.json");
    let mut load = Command::new(bin.join("customers-load"));
    load.args(["run", "--url", &server.url, "--key", &key, "--ledger"]).arg(&ledger).args([
        "--clients",
        &options.clients.to_string(),
        "--seconds",
        &options.seconds.to_string(),
    ]);
    if scenario.crash {
        load.arg("--expect-crash");
    }
    let mut running = load.stdout(Stdio::piped()).spawn().map_err(|e| format!("customers-load: {e}"))?;
    if scenario.crash {
        std::thread::sleep(Duration::from_secs_f64(options.seconds / 2.0));
        println!("killing the server (SIGKILL) in the middle of the load");
        server.child.kill().map_err(|e| format!("kill the server: {e}"))?;
        let _ = server.child.wait();
        server = Server::start(bin, &scenario.database, &key, &log, Some(server.port))?;
        println!("restarted it on the same database");
    }
    let mut report = String::new();
    if let Some(out) = running.stdout.as_mut() {
        let _ = out.read_to_string(&mut report);
    }
    print!("{report}");
    let ran = running.wait().map_err(|e| format!("customers-load: {e}"))?;
    let mut verify = Command::new(bin.join("customers-load"));
    verify.args(["verify", "--url", &server.url, "--key", &key, "--ledger"]).arg(&ledger);
    let verified = verify.output().map_err(|e| format!("customers-load verify: {e}"))?;
    let verdict = String::from_utf8_lossy(&verified.stdout).into_owned();
    print!("{verdict}{}", String::from_utf8_lossy(&verified.stderr));
    server.stop()?;
    let mut check = Command::new(bin.join("customers-server"));
    check.args(["--check", "--database", &scenario.database]);
    status(&mut check, "customers-server --check")?;
    if !ran.success() {
        return Err(format!("{}: the load failed (see above)", scenario.name));
    }
    if !verified.status.success() {
        return Err(format!("{}: customers were lost or duplicated (see above)", scenario.name));
    }
    let ledger: serde_json::Value = std::fs::read_to_string(&ledger)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .ok_or("the ledger does not read")?;
    let number = |path: &str| ledger.pointer(path).and_then(serde_json::Value::as_f64).unwrap_or(0.0);
    let server_errors: u64 = ledger["seen"]["statuses"]
        .as_object()
        .map(|s| s.iter().filter(|(k, _)| k.starts_with('5')).filter_map(|(_, v)| v.as_u64()).sum())
        .unwrap_or(0);
    Ok(format!(
        "| {} | {} | {:.1} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {} | {} | {} |\n",
        scenario.name,
        options.clients,
        number("/seconds"),
        number("/seen/requests"),
        number("/seen/requests") / number("/seconds").max(f64::MIN_POSITIVE),
        number("/latency_ms/p50"),
        number("/latency_ms/p90"),
        number("/latency_ms/p99"),
        server_errors,
        number("/seen/unanswered"),
        number("/verified/lost"),
        number("/verified/duplicated"),
    ))
}

/// A running `customers-server`.
struct Server {
    child: Child,
    url: String,
    port: u16,
}

impl Server {
    /// Starts the server on `database` with `key` (on `port`, or a free one), logging to
    /// `log`, and waits until `GET /health` answers 200.
    fn start(bin: &Path, database: &str, key: &str, log: &Path, port: Option<u16>) -> Result<Server, String> {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(log).map_err(|e| e.to_string())?;
        let addr = format!("127.0.0.1:{}", port.unwrap_or(0));
        let mut child = Command::new(bin.join("customers-server"))
            .args(["--addr", &addr, "--database", database])
            .env("CUSTOMERS_API_KEYS", key)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("customers-server: {e}"))?;
        let stdout = child.stdout.take().ok_or("no standard output")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map_err(|e| e.to_string())?;
        let Some(url) = line.trim().strip_prefix("customers-server listening on ") else {
            let _ = child.kill();
            return Err(format!("customers-server did not start: `{}` (see target/load/server.log)", line.trim()));
        };
        let port = url.rsplit(':').next().and_then(|p| p.parse().ok()).ok_or("no port in the address")?;
        let server = Server { child, url: url.to_owned(), port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !healthy(port) {
            if Instant::now() > deadline {
                return Err("customers-server is not healthy after 30 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(server)
    }

    /// SIGTERM, and the exit it makes once the requests in flight are done.
    fn stop(mut self) -> Result<(), String> {
        let pid = libc::pid_t::try_from(self.child.id()).map_err(|e| e.to_string())?;
        // SAFETY: sends a signal to our own child, which has not been waited for.
        #[allow(unsafe_code)]
        unsafe {
            libc::kill(pid, libc::SIGTERM);
        }
        let exit = self.child.wait().map_err(|e| e.to_string())?;
        match exit.success() {
            true => Ok(()),
            false => Err(format!("customers-server exited with {exit} after SIGTERM")),
        }
    }
}

/// Whether `GET /health` on `port` answers 200.
fn healthy(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(b"GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n").is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.ends_with(b" 200")
}

fn status(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("{what}: {e}"))?;
    match status.success() {
        true => Ok(()),
        false => Err(format!("{what} failed ({status})")),
    }
}
