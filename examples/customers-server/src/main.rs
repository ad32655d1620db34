//! `customers-server`: serve the Customers API from SQLite or PostgreSQL.
//!
//! ```text
//! customers-server [--addr HOST:PORT] [--database PATH|URL] [--api-key KEY]...
//!                  [--read-only-key KEY]... [--write-only-key KEY]... [--bearer-token TOKEN]...
//!                  [--rate-limit N] [--base-url URL] [--log-format text|json] [--check]
//! ```
//!
//! Keys and tokens may also come from `CUSTOMERS_API_KEYS`, `CUSTOMERS_API_READ_ONLY_KEYS`,
//! `CUSTOMERS_API_WRITE_ONLY_KEYS` and `CUSTOMERS_BEARER_TOKENS` (comma-separated), which keeps them out of the process list;
//! the rate limit from `CUSTOMERS_API_RATE_LIMIT`, the database from `CUSTOMERS_DATABASE`.
//! Logs go to standard error, filtered by `RUST_LOG` (default `info,sqlx=warn`).

use std::io::IsTerminal as _;
use std::net::SocketAddr;
use std::process::ExitCode;

use customers_server::{app, Customers, Options};
use tracing_subscriber::EnvFilter;

const USAGE: &str = "usage: customers-server [--addr HOST:PORT] [--database PATH|URL] [--api-key KEY]...
                        [--read-only-key KEY]... [--write-only-key KEY]... [--bearer-token TOKEN]...
                        [--rate-limit N] [--base-url URL] [--log-format text|json] [--check]

  --addr HOST:PORT      where to listen (default 127.0.0.1:8080; port 0 picks a free one)
  --database PATH|URL   where customers are kept: an SQLite file (created with its schema when
                        missing; default customers.db), :memory:, or a postgres:// URL
                        (also CUSTOMERS_DATABASE)
  --api-key KEY         accept KEY in the REB-APIKEY header (repeatable; also CUSTOMERS_API_KEYS=k1,k2)
  --read-only-key KEY   accept KEY for listing and reading only; writes answer 403
                        (repeatable; also CUSTOMERS_API_READ_ONLY_KEYS)
  --write-only-key KEY  accept KEY for creating, upserting and merging only; lists and reads answer 403
                        (repeatable; also CUSTOMERS_API_WRITE_ONLY_KEYS)
  --bearer-token TOKEN  accept `Authorization: Bearer TOKEN` (repeatable; also CUSTOMERS_BEARER_TOKENS)
  --rate-limit N[/UNIT] at most N requests per minute (or per s, min, h) per credential, then 429
                        until the budget refills (also CUSTOMERS_API_RATE_LIMIT; default: no limit)
  --base-url URL        absolute URL clients reach the API at, for Location headers (default http://ADDR)
  --log-format FORMAT   text (default) or json, one line per event on standard error; RUST_LOG filters
                        (default info,sqlx=warn)
  --check               check the database (SQLite's integrity check, every customer readable), print
                        how many customers it holds, and exit: 0 when sound, 1 otherwise";

/// What the command line asks for.
struct Command {
    addr: SocketAddr,
    options: Options,
    /// Log lines as JSON objects.
    json_logs: bool,
    /// Check the database and exit.
    check: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut command = match parse(std::env::args().skip(1)) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("customers-server: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Err(message) = from_environment(&mut command.options) {
        eprintln!("customers-server: {message}");
        return ExitCode::from(2);
    }
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let colour = std::io::stderr().is_terminal();
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(colour);
    if command.json_logs {
        logs.json().init();
    } else {
        logs.init();
    }
    let Command { addr, mut options, check, .. } = command;
    let database = options.database.get_or_insert_with(|| "customers.db".to_owned()).clone();
    if check {
        let checked = match Customers::open(options).await {
            Ok(customers) => customers.store().check().await,
            Err(e) => Err(e),
        };
        return match checked {
            Ok(count) => {
                println!("customers-server: {database} is sound and holds {count} customers");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("customers-server: {database} fails its check: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let keys = [&options.api_keys, &options.read_only_keys, &options.write_only_keys, &options.bearer_tokens];
    if keys.iter().all(|list| list.is_empty()) {
        tracing::warn!("no API key or bearer token given; every customer operation will answer 401");
    }
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("customers-server: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let local = listener.local_addr().unwrap_or(addr);
    if options.base_url.is_empty() {
        options.base_url = format!("http://{local}");
    }
    let customers = match Customers::open(options).await {
        Ok(customers) => customers,
        Err(e) => {
            eprintln!("customers-server: cannot open the database {database}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Listening for the signals before saying the server is up: a SIGTERM sent as soon as it
    // is must not find the default action (death) still in place.
    let stop = shutdown_signal();
    tracing::info!(%database, "serving");
    println!("customers-server listening on http://{local}");
    // Requests in flight finish before the process exits, on ctrl-c as on SIGTERM.
    let served = axum::serve(listener, app(customers)).with_graceful_shutdown(stop);
    match served.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("customers-server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Fills in what the environment gives: more credentials, and the rate limit and database
/// when no flag gave them.
fn from_environment(options: &mut Options) -> Result<(), String> {
    for (var, list) in [
        ("CUSTOMERS_API_KEYS", &mut options.api_keys),
        ("CUSTOMERS_API_READ_ONLY_KEYS", &mut options.read_only_keys),
        ("CUSTOMERS_API_WRITE_ONLY_KEYS", &mut options.write_only_keys),
        ("CUSTOMERS_BEARER_TOKENS", &mut options.bearer_tokens),
    ] {
        if let Ok(value) = std::env::var(var) {
            list.extend(value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned));
        }
    }
    if let (None, Ok(value)) = (options.rate_limit, std::env::var("CUSTOMERS_API_RATE_LIMIT")) {
        options.rate_limit = Some(value.trim().parse().map_err(|e| format!("CUSTOMERS_API_RATE_LIMIT: {e}"))?);
    }
    if let (None, Ok(value)) = (&options.database, std::env::var("CUSTOMERS_DATABASE")) {
        options.database = Some(value);
    }
    Ok(())
}

/// Installs the handlers for ctrl-c and, on Unix, SIGTERM (what service managers and `docker
/// stop` send) at once, and returns a future that ends when either arrives.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    // `ctrl_c` installs its handler on first poll: poll it from a task started now.
    let ctrl_c = tokio::spawn(tokio::signal::ctrl_c());
    async move {
        #[cfg(unix)]
        let terminate = async {
            match terminate.as_mut() {
                Some(signal) => {
                    signal.recv().await;
                }
                // No handler could be installed: only ctrl-c stops the server gracefully.
                None => std::future::pending().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        // A ctrl-c handler that could not be installed disables its branch.
        tokio::select! {
            Ok(Ok(())) = ctrl_c => {}
            () = terminate => {}
        }
        tracing::info!("shutting down; finishing the requests in flight");
    }
}

/// The address and options the arguments give; `None` for `--help`.
fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Command>, String> {
    let mut addr: SocketAddr = ([127, 0, 0, 1], 8080).into();
    let mut options = Options::default();
    let (mut json_logs, mut check) = (false, false);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg, None),
        };
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        let mut value = || inline.clone().or_else(|| args.next()).ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => addr = value()?.parse().map_err(|e| format!("--addr: {e}"))?,
            "--api-key" => options.api_keys.push(value()?),
            "--read-only-key" => options.read_only_keys.push(value()?),
            "--write-only-key" => options.write_only_keys.push(value()?),
            "--rate-limit" => {
                options.rate_limit = Some(value()?.parse().map_err(|e| format!("--rate-limit: {e}"))?);
            }
            "--bearer-token" => options.bearer_tokens.push(value()?),
            "--base-url" => options.base_url = value()?.trim_end_matches('/').to_owned(),
            "--database" => options.database = Some(value()?),
            "--log-format" => {
                json_logs = match value()?.as_str() {
                    "json" => true,
                    "text" => false,
                    other => return Err(format!("--log-format: `{other}` is not text or json")),
                }
            }
            "--check" => check = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some(Command { addr, options, json_logs, check }))
}
