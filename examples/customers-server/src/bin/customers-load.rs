//! `customers-load`: many concurrent clients creating, upserting and merging customers
//! through the generated client, and then a check that the server lost and duplicated none.
//!
//! ```text
//! customers-load run --url URL --key KEY --ledger FILE [--clients 64] [--seconds 30]
//! customers-load verify --url URL --key KEY --ledger FILE
//! ```
//!
//! `run` records in the ledger every write the server acknowledged, every write whose answer
//! never came (the server may or may not have made it: "in doubt"), each status counted, and
//! the latencies. `verify` lists every customer and compares: each acknowledged customer is
//! there exactly once, each acknowledged merge source is gone, and nothing else is there but
//! what a write in doubt may have made, and adds what it found to the ledger. Both exit 1 when the check fails; `run` also fails
//! on any 5xx answer, and on a write without an answer unless `--expect-crash` says the
//! server is to be killed meanwhile. `cargo xtask load` drives both against a server.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use customers_api::client::{ApiResponse, Client, Error};
use customers_api::models::{ContactEmail, ContactObjectRequest, CustomerRequest};
use customers_api::operations::{
    DeleteCustomerParams, DeleteCustomerResponse, GetCustomerCollectionParams, PostCustomerResponse, PutCustomerParams,
    PutCustomerResponse,
};
use customers_api::Nullable;
use futures_util::StreamExt as _;
use serde::{Deserialize, Serialize};

const USAGE: &str =
    "usage: customers-load run --url URL --key KEY --ledger FILE [--clients N] [--seconds S] [--expect-crash]
       customers-load verify --url URL --key KEY --ledger FILE";

/// What a run saw, written for `verify` and for the report.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Ledger {
    /// What this run's customers are named after (`load-RUN-CLIENT-STEP`).
    run: String,
    clients: usize,
    seconds: f64,
    /// What the clients sent and heard, all together.
    seen: Seen,
    /// Latency of the answered requests, in milliseconds.
    latency_ms: Percentiles,
    /// What `verify` found.
    verified: Option<Verified>,
}

/// What `verify` found.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Verified {
    /// Customers listed.
    listed: usize,
    /// Acknowledged customers missing.
    lost: usize,
    /// Customers listed twice, or made twice by one request.
    duplicated: usize,
    /// Acknowledged merge sources still there.
    merged_but_back: usize,
    /// This run's customers no request it knows of explains.
    unexplained: usize,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Percentiles {
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
}

/// What clients sent and heard.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Seen {
    /// Requests sent, answered or not.
    requests: u64,
    /// Answers by status code.
    statuses: BTreeMap<u16, u64>,
    /// Requests that got no answer (the connection failed or was cut).
    unanswered: u64,
    /// Customers the server said it created or upserted.
    acknowledged: BTreeSet<String>,
    /// Customers the server said it merged into another and deleted.
    merged: BTreeSet<String>,
    /// Customers a write without an answer concerned: they may or may not exist.
    in_doubt: BTreeSet<String>,
    /// Creates without an answer: each may have made a customer nobody knows the id of.
    creates_in_doubt: u64,
}

impl Seen {
    /// Adds what another client saw.
    fn add(&mut self, other: Seen) {
        self.requests += other.requests;
        for (status, count) in other.statuses {
            *self.statuses.entry(status).or_default() += count;
        }
        self.unanswered += other.unanswered;
        self.acknowledged.extend(other.acknowledged);
        self.merged.extend(other.merged);
        self.in_doubt.extend(other.in_doubt);
        self.creates_in_doubt += other.creates_in_doubt;
    }
}

/// One client's share of a run.
#[derive(Default)]
struct Tally {
    seen: Seen,
    /// Microseconds per answered request.
    latencies: Vec<u32>,
}

impl Tally {
    /// Counts an answer (its status) or its absence; `true` when one came.
    fn answer<R: ApiResponse>(&mut self, result: &Result<R, Error<R>>, started: Instant) -> bool {
        self.seen.requests += 1;
        let status = match result {
            Ok(response) => Some(response.status_code()),
            Err(e) => e.status().map(|s| s.as_u16()),
        };
        match status {
            Some(status) => {
                *self.seen.statuses.entry(status).or_default() += 1;
                self.latencies.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
                true
            }
            None => {
                self.seen.unanswered += 1;
                false
            }
        }
    }
}

struct Args {
    command: String,
    url: String,
    key: String,
    ledger: std::path::PathBuf,
    clients: usize,
    seconds: f64,
    expect_crash: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("customers-load: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let client = Client::new(args.url.clone()).with_secret_api_key(args.key.clone());
    let outcome = match args.command.as_str() {
        "run" => run(&client, &args).await,
        _ => verify(&client, &args).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("customers-load: FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(client: &Client, args: &Args) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs_f64(args.seconds);
    // Identifiers of this run's upserts: unique across runs on one database.
    let run = format!(
        "{:x}",
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_millis()
    );
    let started = Instant::now();
    let tasks: Vec<_> = (0..args.clients)
        .map(|n| tokio::spawn(one_client(client.clone(), n, format!("load-{run}-{n}"), deadline)))
        .collect();
    let mut ledger = Ledger { clients: args.clients, run: format!("load-{run}-"), ..Ledger::default() };
    let mut latencies = Vec::new();
    for task in tasks {
        let tally = task.await.map_err(|e| format!("a client failed: {e}"))?;
        ledger.seen.add(tally.seen);
        latencies.extend(tally.latencies);
    }
    ledger.seconds = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let at = |q: f64| {
        let index = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len().max(1)) - 1;
        latencies.get(index).map_or(0.0, |&us| f64::from(us) / 1000.0)
    };
    ledger.latency_ms = Percentiles { p50: at(0.50), p90: at(0.90), p99: at(0.99), max: at(1.0) };
    let text = serde_json::to_string_pretty(&ledger).map_err(|e| e.to_string())?;
    std::fs::write(&args.ledger, text).map_err(|e| format!("{}: {e}", args.ledger.display()))?;

    let server_errors: u64 = ledger.seen.statuses.iter().filter(|(s, _)| **s >= 500).map(|(_, n)| n).sum();
    println!(
        "customers-load: {} clients, {:.1} s: {} requests ({:.0}/s), statuses {:?}, {} unanswered; \
         latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ledger.clients,
        ledger.seconds,
        ledger.seen.requests,
        ledger.seen.requests as f64 / ledger.seconds,
        ledger.seen.statuses,
        ledger.seen.unanswered,
        ledger.latency_ms.p50,
        ledger.latency_ms.p90,
        ledger.latency_ms.p99,
        ledger.latency_ms.max
    );
    if server_errors > 0 {
        return Err(format!("{server_errors} answers were 5xx"));
    }
    if ledger.seen.unanswered > 0 && !args.expect_crash {
        return Err(format!("{} requests got no answer", ledger.seen.unanswered));
    }
    Ok(())
}

/// One client until `deadline`: a create, an upsert (of a new customer or one of its own),
/// then a merge of two of its own customers, again and again.
async fn one_client(client: Client, n: usize, prefix: String, deadline: Instant) -> Tally {
    let mut tally = Tally::default();
    // The customers this client knows exist.
    let mut live: Vec<String> = Vec::new();
    let mut random = 0x9E37_79B9_7F4A_7C15u64 ^ (n as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    let mut next = move |below: usize| {
        // xorshift64: spreads the choices without a dependency.
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        (random % below.max(1) as u64) as usize
    };
    let mut step = 0u64;
    while Instant::now() < deadline {
        step += 1;
        let body = request(&format!("{prefix}-{step}"));
        let started = Instant::now();
        match step % 3 {
            1 => {
                let result = client.post_customer(&body).await;
                if !tally.answer(&result, started) {
                    tally.seen.creates_in_doubt += 1;
                } else if let Ok(PostCustomerResponse::Created(created)) = result {
                    if let Some(id) = created.body.id {
                        tally.seen.acknowledged.insert(id.clone());
                        live.push(id);
                    }
                }
            }
            2 => {
                let existing = next(3) == 0 && !live.is_empty();
                let id = if existing { live[next(live.len())].clone() } else { format!("{prefix}-{step}") };
                let params = PutCustomerParams { id: id.clone() };
                let result = client.put_customer(&params, &body).await;
                if !tally.answer(&result, started) {
                    tally.seen.in_doubt.insert(id);
                    live.retain(|known| *known != params.id);
                } else if let Ok(PutCustomerResponse::Ok(_) | PutCustomerResponse::Created(_)) = result {
                    tally.seen.acknowledged.insert(id.clone());
                    if !existing {
                        live.push(id);
                    }
                }
            }
            _ => {
                if live.len() < 2 {
                    continue;
                }
                let source = live.swap_remove(next(live.len()));
                let target = live[next(live.len())].clone();
                let params = DeleteCustomerParams { id: source.clone(), target_customer_id: target.clone() };
                let result = client.delete_customer(&params).await;
                if !tally.answer(&result, started) {
                    tally.seen.in_doubt.insert(source);
                } else if let Ok(DeleteCustomerResponse::NoContent(_)) = result {
                    tally.seen.merged.insert(source);
                }
            }
        }
    }
    tally
}

/// A customer with a name and an email made from `tag`.
fn request(tag: &str) -> CustomerRequest {
    CustomerRequest {
        primary_address: Nullable::Present(ContactObjectRequest {
            first_name: Nullable::Present(tag.to_owned()),
            emails: Some(vec![ContactEmail {
                label: "main".into(),
                value: format!("{tag}@example.com"),
                primary: Some(true),
            }]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

async fn verify(client: &Client, args: &Args) -> Result<(), String> {
    let text = std::fs::read_to_string(&args.ledger).map_err(|e| format!("{}: {e}", args.ledger.display()))?;
    let mut ledger: Ledger = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", args.ledger.display()))?;
    let params = GetCustomerCollectionParams { limit: Some(1000), ..Default::default() };
    let mut pages = std::pin::pin!(client.get_customer_collection_stream(params));
    // Each request names its customer uniquely (`first_name`), so a customer made twice by
    // one request shows as its name twice.
    let mut present = Vec::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    while let Some(item) = pages.next().await {
        let customer = item.map_err(|e| format!("listing the customers: {e}"))?;
        if let Nullable::Present(name) = customer.first_name {
            *names.entry(name).or_default() += 1;
        }
        present.push(customer.id.unwrap_or_default());
    }
    let ids: BTreeSet<&str> = present.iter().map(String::as_str).collect();
    let duplicated = (present.len() - ids.len()) + names.values().filter(|n| **n > 1).map(|n| n - 1).sum::<usize>();
    let settled = |id: &&String| !ledger.seen.in_doubt.contains(*id);
    // Acknowledged, not merged away since, and touched by no write in doubt: must be there.
    let lost: Vec<&String> = ledger
        .seen
        .acknowledged
        .iter()
        .filter(settled)
        .filter(|id| !ledger.seen.merged.contains(*id) && !ids.contains(id.as_str()))
        .collect();
    // Merged away (acknowledged) and touched by no write in doubt: must be gone.
    let back: Vec<&String> = ledger.seen.merged.iter().filter(settled).filter(|id| ids.contains(id.as_str())).collect();
    // This run's customers that no acknowledged write or write in doubt explains, beyond
    // what the creates in doubt may have made.
    let ours = names.iter().filter(|(name, _)| name.starts_with(&ledger.run)).map(|(_, n)| n).sum::<usize>();
    let explained =
        ids.iter().filter(|id| ledger.seen.acknowledged.contains(**id) || ledger.seen.in_doubt.contains(**id)).count();
    let unknown =
        ours.saturating_sub(explained).saturating_sub(usize::try_from(ledger.seen.creates_in_doubt).unwrap_or(0));
    println!(
        "customers-load: {} customers listed ({ours} made by this run); {} acknowledged writes ({} merged away), \
         {} in doubt: {} lost, {} duplicated, {} merged but back, {} unexplained",
        present.len(),
        ledger.seen.acknowledged.len(),
        ledger.seen.merged.len(),
        ledger.seen.in_doubt.len() as u64 + ledger.seen.creates_in_doubt,
        lost.len(),
        duplicated,
        back.len(),
        unknown
    );
    ledger.verified = Some(Verified {
        listed: present.len(),
        lost: lost.len(),
        duplicated,
        merged_but_back: back.len(),
        unexplained: unknown,
    });
    let text = serde_json::to_string_pretty(&ledger).map_err(|e| e.to_string())?;
    std::fs::write(&args.ledger, text).map_err(|e| format!("{}: {e}", args.ledger.display()))?;
    let mut failures = Vec::new();
    if !lost.is_empty() {
        failures.push(format!("{} acknowledged customers are missing, e.g. {}", lost.len(), lost[0]));
    }
    if duplicated > 0 {
        failures.push(format!("{duplicated} customers are listed twice"));
    }
    if !back.is_empty() {
        failures.push(format!("{} merged customers are still there, e.g. {}", back.len(), back[0]));
    }
    if unknown > 0 {
        failures.push(format!("{unknown} customers of this run were made by no request it knows of"));
    }
    match failures.is_empty() {
        true => Ok(()),
        false => Err(failures.join("; ")),
    }
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let command = args.next().filter(|c| c == "run" || c == "verify").ok_or("run or verify?")?;
    let mut parsed = Args {
        command,
        url: String::new(),
        key: String::new(),
        ledger: "customers-load.json".into(),
        clients: 64,
        seconds: 30.0,
        expect_crash: false,
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => parsed.url = value()?.trim_end_matches('/').to_owned(),
            "--key" => parsed.key = value()?,
            "--ledger" => parsed.ledger = value()?.into(),
            "--clients" => parsed.clients = value()?.parse().map_err(|e| format!("--clients: {e}"))?,
            "--seconds" => parsed.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--expect-crash" => parsed.expect_crash = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if parsed.url.is_empty() || parsed.key.is_empty() {
        return Err("--url and --key are needed".into());
    }
    Ok(parsed)
}
