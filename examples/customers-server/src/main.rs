//! `customers-server`: serve the in-memory Customers API.
//!
//! ```text
//! customers-server [--addr HOST:PORT] [--api-key KEY]... [--read-only-key KEY]...
//!                  [--bearer-token TOKEN]... [--rate-limit N] [--base-url URL]
//! ```
//!
//! Keys and tokens may also come from `CUSTOMERS_API_KEYS`, `CUSTOMERS_API_READ_ONLY_KEYS`
//! and `CUSTOMERS_BEARER_TOKENS` (comma-separated), which keeps them out of the process list;
//! the rate limit from `CUSTOMERS_API_RATE_LIMIT`.

use std::net::SocketAddr;
use std::process::ExitCode;

use customers_server::{app, Options};

const USAGE: &str = "usage: customers-server [--addr HOST:PORT] [--api-key KEY]... [--read-only-key KEY]...
                        [--bearer-token TOKEN]... [--rate-limit N] [--base-url URL]

  --addr HOST:PORT      where to listen (default 127.0.0.1:8080; port 0 picks a free one)
  --api-key KEY         accept KEY in the REB-APIKEY header (repeatable; also CUSTOMERS_API_KEYS=k1,k2)
  --read-only-key KEY   accept KEY for listing and reading only; writes answer 403
                        (repeatable; also CUSTOMERS_API_READ_ONLY_KEYS)
  --bearer-token TOKEN  accept `Authorization: Bearer TOKEN` (repeatable; also CUSTOMERS_BEARER_TOKENS)
  --rate-limit N[/UNIT] at most N requests per minute (or per s, min, h) per credential, then 429
                        until the budget refills (also CUSTOMERS_API_RATE_LIMIT; default: no limit)
  --base-url URL        absolute URL clients reach the API at, for Location headers (default http://ADDR)";

#[tokio::main]
async fn main() -> ExitCode {
    let (addr, mut options) = match parse(std::env::args().skip(1)) {
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
    for (var, list) in [
        ("CUSTOMERS_API_KEYS", &mut options.api_keys),
        ("CUSTOMERS_API_READ_ONLY_KEYS", &mut options.read_only_keys),
        ("CUSTOMERS_BEARER_TOKENS", &mut options.bearer_tokens),
    ] {
        if let Ok(value) = std::env::var(var) {
            list.extend(value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned));
        }
    }
    if let (None, Ok(value)) = (options.rate_limit, std::env::var("CUSTOMERS_API_RATE_LIMIT")) {
        match value.trim().parse() {
            Ok(n) => options.rate_limit = Some(n),
            Err(e) => {
                eprintln!("customers-server: CUSTOMERS_API_RATE_LIMIT: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if options.api_keys.is_empty() && options.read_only_keys.is_empty() && options.bearer_tokens.is_empty() {
        eprintln!(
            "customers-server: warning: no API key or bearer token given; every customer operation will answer 401"
        );
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
    // Listening for the signals before saying the server is up: a SIGTERM sent as soon as it
    // is must not find the default action (death) still in place.
    let stop = shutdown_signal();
    println!("customers-server listening on http://{local}");
    // Requests in flight finish before the process exits, on ctrl-c as on SIGTERM.
    let served = axum::serve(listener, app(options)).with_graceful_shutdown(stop);
    match served.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("customers-server: {e}");
            ExitCode::FAILURE
        }
    }
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
        eprintln!("customers-server: shutting down; finishing the requests in flight");
    }
}

/// The address and options the arguments give; `None` for `--help`.
fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<(SocketAddr, Options)>, String> {
    let mut addr: SocketAddr = ([127, 0, 0, 1], 8080).into();
    let mut options = Options::default();
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
            "--rate-limit" => {
                options.rate_limit = Some(value()?.parse().map_err(|e| format!("--rate-limit: {e}"))?);
            }
            "--bearer-token" => options.bearer_tokens.push(value()?),
            "--base-url" => options.base_url = value()?.trim_end_matches('/').to_owned(),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some((addr, options)))
}
