//! The database behind the server: what is written survives a restart, a failing database
//! is answered 500 with problem details (the cause logged, not sent), and a merge that fails
//! halfway leaves both customers as they were.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use customers_server::{app, Customers, Options};
use serde_json::{json, Value};

const KEY: &str = "database-test-key";

/// The binary on a free port and the SQLite file `database`.
fn start(database: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_customers-server"))
        .args(["--addr", "127.0.0.1:0", "--api-key", KEY, "--database"])
        .arg(database)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("a first line");
    let url = line.trim().strip_prefix("customers-server listening on ").expect("the address").to_owned();
    (child, url)
}

/// SIGTERM, and wait for the exit.
fn stop(mut child: Child) {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill runs");
    assert!(status.success());
    assert!(child.wait().expect("the exit").success());
}

#[cfg(unix)]
#[tokio::test]
async fn a_restart_keeps_the_data() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let database = dir.path().join("customers.db");
    let http = reqwest::Client::new();

    let (server, url) = start(&database);
    let body = json!({ "primaryAddress": { "firstName": "Ada", "lastName": "Lovelace" }, "paymentToken": "tok_1" });
    let created = http.post(format!("{url}/customers")).header("REB-APIKEY", KEY).json(&body).send().await.unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let id = created["id"].as_str().expect("an id").to_owned();
    stop(server);

    let (server, url) = start(&database);
    let read = http.get(format!("{url}/customers/{id}")).header("REB-APIKEY", KEY).send().await.unwrap();
    assert_eq!(read.status(), 200);
    assert_eq!(read.json::<Value>().await.unwrap(), created);
    // The used payment token is remembered too.
    let again = http.put(format!("{url}/customers/other")).header("REB-APIKEY", KEY).json(&body).send().await.unwrap();
    assert_eq!(again.status(), 409);
    stop(server);

    let mut check = Command::new(env!("CARGO_BIN_EXE_customers-server"));
    let output = check.arg("--check").arg("--database").arg(&database).output().expect("--check runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("holds 1 customers"));
}

/// The app on the SQLite file `database`, served on a free port; and a second connection to
/// the same file, to break it with.
async fn serve_on(database: &Path) -> (String, sqlx::AnyPool) {
    let options =
        Options { api_keys: vec![KEY.into()], database: Some(database.display().to_string()), ..Options::default() };
    let customers = Customers::open(options).await.expect("the database opens");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app(customers)).await });
    sqlx::any::install_default_drivers();
    let side = sqlx::AnyPool::connect(&format!("sqlite:{}", database.display())).await.expect("a second connection");
    (url, side)
}

#[tokio::test]
async fn a_failing_database_is_answered_500_without_its_cause() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let (url, side) = serve_on(&dir.path().join("customers.db")).await;
    let http = reqwest::Client::new();
    sqlx::query("DROP TABLE customers").execute(&side).await.expect("the table goes");

    let answer = http.post(format!("{url}/customers")).header("REB-APIKEY", KEY).json(&json!({})).send().await.unwrap();
    assert_eq!(answer.status(), 500);
    assert_eq!(answer.headers()["content-type"], "application/problem+json");
    assert!(answer.headers().contains_key("x-request-id"));
    let problem: Value = answer.json().await.unwrap();
    assert_eq!(problem["status"], 500);
    let text = problem.to_string();
    assert!(!text.contains("customers") && !text.contains("table"), "the cause leaks: {text}");
}

#[tokio::test]
async fn a_merge_that_fails_halfway_changes_nothing() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let (url, side) = serve_on(&dir.path().join("customers.db")).await;
    let http = reqwest::Client::new();
    let put =
        |id: &str, body: Value| http.put(format!("{url}/customers/{id}")).header("REB-APIKEY", KEY).json(&body).send();
    assert_eq!(put("kept", json!({ "customFields": { "a": 1 } })).await.unwrap().status(), 201);
    assert_eq!(put("merged", json!({ "customFields": { "b": 2 } })).await.unwrap().status(), 201);
    let before = http.get(format!("{url}/customers/kept")).header("REB-APIKEY", KEY).send().await.unwrap();
    let before: Value = before.json().await.unwrap();

    // The merge updates the customer kept, then deletes the other: make the delete fail.
    let trigger = "CREATE TRIGGER refuse BEFORE DELETE ON customers BEGIN SELECT RAISE(ABORT, 'refused'); END";
    sqlx::query(trigger).execute(&side).await.expect("the trigger");
    let merge = http
        .delete(format!("{url}/customers/merged?targetCustomerId=kept"))
        .header("REB-APIKEY", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(merge.status(), 500);

    let after = http.get(format!("{url}/customers/kept")).header("REB-APIKEY", KEY).send().await.unwrap();
    assert_eq!(after.json::<Value>().await.unwrap(), before, "the update before the failed delete stayed");
    let source = http.get(format!("{url}/customers/merged")).header("REB-APIKEY", KEY).send().await.unwrap();
    assert_eq!(source.status(), 200);

    sqlx::query("DROP TRIGGER refuse").execute(&side).await.expect("the trigger goes");
    let merge = http
        .delete(format!("{url}/customers/merged?targetCustomerId=kept"))
        .header("REB-APIKEY", KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(merge.status(), 204);
    let after = http.get(format!("{url}/customers/kept")).header("REB-APIKEY", KEY).send().await.unwrap();
    let after: Value = after.json().await.unwrap();
    assert_eq!(after["customFields"], json!({ "a": 1, "b": 2 }));
}
