//! Where customers are kept: SQLite (a file, or `:memory:`) or PostgreSQL, through sqlx, with
//! the schema from `migrations/` and every write one transaction that happens whole or not
//! at all.
//!
//! Customers are stored as the JSON the API answers with, beside their place in the creation
//! order. Writes are serializable: on SQLite they take turns (the database has one writer),
//! on PostgreSQL they run at `SERIALIZABLE` and are retried when the database reports a
//! conflict with a concurrent one.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use customers_api::models::{Customer, CustomerRequest};
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Connection as _, Executor as _, Row as _, Transaction};

use crate::customer;

/// The schema, applied on start (each migration once; a changed one is an error).
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// How many times a write is tried when the database asks for a retry.
const ATTEMPTS: u32 = 8;

/// The database and its kind; clones share it.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// On SQLite, held by the write in progress: the database has one writer at a time, and
    /// waiting here is cheaper and fairer than waiting on its lock.
    writer: Arc<tokio::sync::Mutex<()>>,
}

/// Which database a [`Store`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    /// An SQLite file, or memory.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A failure of the database, or a stored record that does not read back.
#[derive(Debug)]
pub enum Error {
    /// What sqlx reported.
    Database(sqlx::Error),
    /// The schema could not be brought up to date.
    Migration(sqlx::migrate::MigrateError),
    /// A stored customer that is not a customer.
    Corrupt {
        /// The customer's identifier.
        id: String,
        /// Why it does not read.
        reason: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Database(e) => write!(f, "database: {e}"),
            Error::Migration(e) => write!(f, "database schema: {e}"),
            Error::Corrupt { id, reason } => write!(f, "stored customer {id} does not read back: {reason}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Database(e)
    }
}

/// A write refused because of what is stored (the reason); nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conflict(pub &'static str);

/// What a merge did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merged {
    /// Merged and deleted, committed.
    Done,
    /// One of the two customers does not exist; nothing was written.
    NotFound,
    /// Both are the same customer; nothing was written.
    IntoItself,
}

/// An upsert's result: the customer, and whether it is new.
#[derive(Debug)]
pub struct Upserted {
    /// The customer as stored.
    pub customer: Customer,
    /// Whether the upsert created it.
    pub created: bool,
}

impl Store {
    /// Opens the database `location` names and brings its schema up to date: a
    /// `postgres://` or `postgresql://` URL, an `sqlite:` URL, `:memory:`, or a file path
    /// (created when missing).
    pub async fn open(location: &str) -> Result<Store, Error> {
        sqlx::any::install_default_drivers();
        let (url, backend) = match location {
            l if l.starts_with("postgres://") || l.starts_with("postgresql://") => (l.to_owned(), Backend::Postgres),
            ":memory:" => ("sqlite::memory:".to_owned(), Backend::Sqlite),
            l if l.starts_with("sqlite:") => (l.to_owned(), Backend::Sqlite),
            path => (format!("sqlite:{path}?mode=rwc"), Backend::Sqlite),
        };
        let in_memory = backend == Backend::Sqlite && url.contains(":memory:");
        let options = match (backend, in_memory) {
            // One connection, kept for the life of the pool: the database lives in it.
            (Backend::Sqlite, true) => {
                AnyPoolOptions::new().max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None)
            }
            (Backend::Sqlite, false) => AnyPoolOptions::new().max_connections(8),
            (Backend::Postgres, _) => AnyPoolOptions::new().max_connections(16),
        };
        let options = options.acquire_timeout(Duration::from_secs(30));
        let options = match backend {
            Backend::Sqlite => options.after_connect(|connection, _| {
                Box::pin(async move {
                    // WAL: readers do not wait for the writer. FULL: a commit is on disk
                    // before it is answered. The timeout covers another process's writes.
                    connection
                        .execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;")
                        .await?;
                    Ok(())
                })
            }),
            Backend::Postgres => options,
        };
        let pool = options.connect(&url).await?;
        MIGRATOR.run(&pool).await.map_err(Error::Migration)?;
        Ok(Store { pool, backend, writer: Arc::default() })
    }

    /// Answers when the database does.
    pub async fn ping(&self) -> Result<(), Error> {
        self.pool.acquire().await?.ping().await?;
        Ok(())
    }

    /// The customer with identifier `id`.
    pub async fn get(&self, id: &str) -> Result<Option<Customer>, Error> {
        let row = sqlx::query("SELECT body FROM customers WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        row.map(|row| decode(id, &row.try_get::<String, _>(0)?)).transpose()
    }

    /// Every customer, in creation order.
    pub async fn all(&self) -> Result<Vec<Customer>, Error> {
        let rows = sqlx::query("SELECT id, body FROM customers ORDER BY position, id").fetch_all(&self.pool).await?;
        rows.iter().map(|row| decode(&row.try_get::<String, _>(0)?, &row.try_get::<String, _>(1)?)).collect()
    }

    /// One page of the customers in creation order (`limit` of them after the first
    /// `offset`), and how many there are in all.
    pub async fn page(&self, limit: i64, offset: i64) -> Result<(i64, Vec<Customer>), Error> {
        let total: i64 = sqlx::query("SELECT COUNT(*) FROM customers").fetch_one(&self.pool).await?.try_get(0)?;
        let query = "SELECT id, body FROM customers ORDER BY position, id LIMIT $1 OFFSET $2";
        let rows = sqlx::query(query).bind(limit).bind(offset).fetch_all(&self.pool).await?;
        let page = rows.iter().map(|row| decode(&row.try_get::<String, _>(0)?, &row.try_get::<String, _>(1)?));
        Ok((total, page.collect::<Result<_, _>>()?))
    }

    /// Creates a customer from `request` with a fresh identifier; a payment token already
    /// used is a conflict.
    pub async fn create(&self, request: &CustomerRequest) -> Result<Result<Customer, Conflict>, Error> {
        self.write(|| async {
            let mut tx = self.begin().await?;
            if let Some(conflict) = spend_token(&mut tx, request).await? {
                return Ok(Err(conflict));
            }
            let customer = customer::build(customer::next_id("cus"), request.clone(), None);
            insert(&mut tx, &customer).await?;
            tx.commit().await?;
            Ok(Ok(customer))
        })
        .await
    }

    /// Replaces the customer `id` with what `request` describes, or creates it with that
    /// identifier; a payment token already used is a conflict.
    pub async fn upsert(&self, id: &str, request: &CustomerRequest) -> Result<Result<Upserted, Conflict>, Error> {
        self.write(|| async {
            let mut tx = self.begin().await?;
            if let Some(conflict) = spend_token(&mut tx, request).await? {
                return Ok(Err(conflict));
            }
            let row = sqlx::query("SELECT body FROM customers WHERE id = $1").bind(id).fetch_optional(&mut *tx).await?;
            let previous = match row {
                Some(row) => Some(decode(id, &row.try_get::<String, _>(0)?).map_err(Failed::Store)?),
                None => None,
            };
            let customer = customer::build(id.to_owned(), request.clone(), previous.as_ref());
            if previous.is_some() {
                update(&mut tx, &customer).await?;
            } else {
                insert(&mut tx, &customer).await?;
            }
            tx.commit().await?;
            Ok(Ok(Upserted { customer, created: previous.is_none() }))
        })
        .await
    }

    /// Merges the customer `source` into `target` and deletes `source`, both or neither.
    pub async fn merge(&self, source: &str, target: &str) -> Result<Merged, Error> {
        self.write(|| async {
            let mut tx = self.begin().await?;
            let query = "SELECT id, body FROM customers WHERE id = $1 OR id = $2";
            let rows = sqlx::query(query).bind(source).bind(target).fetch_all(&mut *tx).await?;
            let mut found = (None, None);
            for row in &rows {
                let id: String = row.try_get(0)?;
                let customer = decode(&id, &row.try_get::<String, _>(1)?).map_err(Failed::Store)?;
                if id == source {
                    found.0 = Some(customer.clone());
                }
                if id == target {
                    found.1 = Some(customer);
                }
            }
            let (Some(merged), Some(mut kept)) = found else { return Ok(Merged::NotFound) };
            if source == target {
                return Ok(Merged::IntoItself);
            }
            customer::merge_into(&mut kept, merged);
            update(&mut tx, &kept).await?;
            sqlx::query("DELETE FROM customers WHERE id = $1").bind(source).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(Merged::Done)
        })
        .await
    }

    /// Checks the database: SQLite's own integrity check, and every stored customer reads
    /// back. Returns how many customers there are.
    pub async fn check(&self) -> Result<usize, Error> {
        if self.backend == Backend::Sqlite {
            let rows = sqlx::query("PRAGMA integrity_check").fetch_all(&self.pool).await?;
            let report: Vec<String> = rows.iter().map(|r| r.try_get::<String, _>(0)).collect::<Result<_, _>>()?;
            if report != ["ok"] {
                return Err(Error::Corrupt { id: "(the database file)".into(), reason: report.join("; ") });
            }
        }
        Ok(self.all().await?.len())
    }

    /// A transaction, serializable.
    async fn begin(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        if self.backend == Backend::Postgres {
            tx.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").await?;
        }
        Ok(tx)
    }

    /// Runs `attempt` (one transaction) until it commits, fails for good, or has been tried
    /// [`ATTEMPTS`] times; on SQLite, one write at a time.
    async fn write<T, F, Fut>(&self, mut attempt: F) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Failed>>,
    {
        let _turn = match self.backend {
            Backend::Sqlite => Some(self.writer.lock().await),
            Backend::Postgres => None,
        };
        let mut tries = 1;
        loop {
            match attempt().await {
                Ok(done) => return Ok(done),
                Err(Failed::Database(e)) if tries < ATTEMPTS && retryable(&e) => {
                    tracing::debug!(error = %e, tries, "write conflicted with another; retrying");
                    // A little longer each time, so that the conflicting writes spread out.
                    tokio::time::sleep(Duration::from_millis(2 << tries)).await;
                    tries += 1;
                }
                Err(Failed::Database(e)) => return Err(Error::Database(e)),
                Err(Failed::Store(e)) => return Err(e),
            }
        }
    }
}

/// Why one attempt at a write failed.
enum Failed {
    /// The database: maybe worth a retry.
    Database(sqlx::Error),
    /// Not worth a retry.
    Store(Error),
}

impl From<sqlx::Error> for Failed {
    fn from(e: sqlx::Error) -> Self {
        Failed::Database(e)
    }
}

/// Whether a failed transaction may succeed if run again: a serialization failure or
/// deadlock (PostgreSQL), a key inserted meanwhile by another (PostgreSQL), or a busy
/// database (SQLite).
fn retryable(e: &sqlx::Error) -> bool {
    let Some(e) = e.as_database_error() else { return false };
    matches!(e.code().as_deref(), Some("40001" | "40P01" | "23505" | "5" | "6" | "517" | "261"))
}

/// Marks the request's payment token used; `Some` when it was already.
async fn spend_token(
    tx: &mut Transaction<'static, Any>,
    request: &CustomerRequest,
) -> Result<Option<Conflict>, Failed> {
    let Some(token) = &request.payment_token else { return Ok(None) };
    let query = "INSERT INTO used_tokens (token) VALUES ($1) ON CONFLICT DO NOTHING";
    let done = sqlx::query(query).bind(token).execute(&mut **tx).await?;
    Ok((done.rows_affected() == 0).then_some(Conflict("The payment token has already been used.")))
}

async fn insert(tx: &mut Transaction<'static, Any>, customer: &Customer) -> Result<(), Failed> {
    let position = Utc::now().timestamp_micros();
    let query = "INSERT INTO customers (id, position, body) VALUES ($1, $2, $3)";
    sqlx::query(query).bind(id_of(customer)).bind(position).bind(encode(customer)?).execute(&mut **tx).await?;
    Ok(())
}

async fn update(tx: &mut Transaction<'static, Any>, customer: &Customer) -> Result<(), Failed> {
    let query = "UPDATE customers SET body = $2 WHERE id = $1";
    sqlx::query(query).bind(id_of(customer)).bind(encode(customer)?).execute(&mut **tx).await?;
    Ok(())
}

fn id_of(customer: &Customer) -> String {
    customer.id.clone().unwrap_or_default()
}

fn encode(customer: &Customer) -> Result<String, Failed> {
    serde_json::to_string(customer)
        .map_err(|e| Failed::Store(Error::Corrupt { id: id_of(customer), reason: e.to_string() }))
}

fn decode(id: &str, body: &str) -> Result<Customer, Error> {
    serde_json::from_str(body).map_err(|e| Error::Corrupt { id: id.to_owned(), reason: e.to_string() })
}
