//! The database: one pool, given once, over SQLite or PostgreSQL.
//!
//! Why runtime queries on sqlx's `Any` driver rather than `query!` macros: the
//! macros check each query against ONE engine, while this service must run the
//! same SQL on SQLite (embedded default) and PostgreSQL (production). Every query
//! here is portable SQL (`$1` placeholders work on both), every value is one of
//! the types both engines share (BIGINT, TEXT), and the whole integration suite
//! runs on both engines: that suite is the check the macros would have been.
//!
//! Writes go through [`Store::write`]. On SQLite it serialises writers inside
//! the process and opens the transaction with `BEGIN IMMEDIATE`, so two writers
//! never deadlock on a lock upgrade; on PostgreSQL it is a plain transaction in
//! which services use conditional updates and unique keys.

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Which engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The database handle shared by every request.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    writer: Arc<Mutex<()>>,
}

/// On PostgreSQL, the sequence that numbers transaction references
/// (`payments::start`), made once (it is not SQL SQLite knows, hence not a
/// migration): it starts after every number the day counters gave, so that
/// no reference of the day it is made comes twice.
async fn transaction_sequence(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    // Instances starting together make it once.
    conn.execute("SELECT pg_advisory_lock(727201)").await?;
    let made = async {
        let present: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_class WHERE relkind = 'S' AND relname = 'transaction_sequence'",
        )
        .fetch_one(&mut *conn)
        .await?;
        if present == 0 {
            let given: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(value), 0) FROM counters WHERE name LIKE 'txref-%'")
                    .fetch_one(&mut *conn)
                    .await?;
            let start = given % 9_999_999 + 1;
            // `start` is a number we computed.
            conn.execute(sqlx::AssertSqlSafe(format!(
                "CREATE SEQUENCE transaction_sequence MINVALUE 1 MAXVALUE 9999999 CYCLE START WITH {start}"
            )))
            .await?;
        }
        Ok(())
    }
    .await;
    conn.execute("SELECT pg_advisory_unlock(727201)").await?;
    made
}

/// A write transaction. On SQLite it also holds the process's writer slot.
pub struct WriteTx {
    tx: Transaction<'static, Any>,
    _writer: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    /// The connection to run statements on.
    pub fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }

    /// Commits the transaction.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Store {
    /// Connects to `url` (`sqlite:…` or `postgres://…`). A SQLite file and its
    /// folder are created when missing.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let engine = if url.starts_with("sqlite:") {
            Engine::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres://");
        };
        if engine == Engine::Sqlite {
            create_sqlite_folder(url)?;
        }
        let options = AnyConnectOptions::from_str(url).context("reading DATABASE_URL")?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    match engine {
                        Engine::Sqlite => {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                                 PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
                            )
                            .await?;
                        }
                        // Point queries only: JIT compilation would cost more than it
                        // saves (measured: 318 ms of JIT for a 0.3 ms query when the
                        // planner's estimates were off after a bulk load).
                        // No request waits forever: a lock held too long becomes an
                        // error (a French 503, and the bank retries its answer), the
                        // same 5 s as SQLite's busy timeout; a transaction left idle
                        // by a broken connection frees its locks after a minute.
                        Engine::Postgres => {
                            conn.execute(
                                "SET jit = off; SET lock_timeout = '5s'; SET statement_timeout = '60s'; \
                                 SET idle_in_transaction_session_timeout = '60s'",
                            )
                            .await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .context("connecting to the database")?;
        Ok(Store { pool, engine, writer: Arc::new(Mutex::new(())) })
    }

    /// Applies the migrations that have not run yet.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        let mut conn = self.maintenance_connection().await.context("a connection for the migrations")?;
        let mut migrated = MIGRATOR.run(&mut conn).await.context("running the database migrations");
        if migrated.is_ok() && self.engine == Engine::Postgres {
            migrated = transaction_sequence(&mut conn).await.context("creating the transaction sequence");
        }
        let _ = conn.close().await;
        migrated
    }

    /// How many of this build's migrations the database has not run (a
    /// readiness check: an instance of a newer build before the migration).
    pub async fn pending_migrations(&self) -> Result<usize, sqlx::Error> {
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations").fetch_all(&self.pool).await?;
        Ok(MIGRATOR.iter().filter(|m| m.migration_type.is_up_migration() && !applied.contains(&m.version)).count())
    }

    /// One round trip to the database.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }

    /// A connection of its own (never returned to the pool) without the
    /// statement time limit, for work that may take minutes on millions of
    /// rows: migrations, `VACUUM`.
    pub async fn maintenance_connection(&self) -> Result<AnyConnection, sqlx::Error> {
        let mut conn = self.pool.acquire().await?.detach();
        if self.engine == Engine::Postgres {
            conn.execute("SET statement_timeout = 0").await?;
        }
        Ok(conn)
    }

    /// The pool, for reads.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The engine behind the pool.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Starts a write transaction (see the module documentation).
    pub async fn write(&self) -> Result<WriteTx, sqlx::Error> {
        let started = std::time::Instant::now();
        let tx = match self.engine {
            Engine::Sqlite => {
                let guard = self.writer.clone().lock_owned().await;
                let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                WriteTx { tx, _writer: Some(guard) }
            }
            Engine::Postgres => WriteTx { tx: self.pool.begin().await?, _writer: None },
        };
        super::metrics::write_wait(started.elapsed());
        Ok(tx)
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// `sqlite://data/app.db?mode=rwc` → creates `data/`.
fn create_sqlite_folder(url: &str) -> anyhow::Result<()> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    Ok(())
}

/// True when `error` is a unique-key violation (SQLite or PostgreSQL).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.is_unique_violation() || db.code().is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
        }
        _ => false,
    }
}

/// True when `error` means the database cannot be reached right now.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_))
}

/// Stores a closed set of values as TEXT on both engines: gives the type
/// `ALL`, `as_str`, `parse` and the sqlx `Any` mapping, so it is bound and read
/// as itself (`.bind(status)`, `row.try_get::<Status, _>("status")`); a stored
/// text that is none of the values is a decoding error.
///
/// ```text
/// text_column!(Status { Pending => "pending", Done => "done" });
/// ```
#[macro_export]
macro_rules! text_column {
    ($ty:ident { $($variant:ident $(($($inner:tt)*))? => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: [$ty; [$($text),+].len()] = [$($ty::$variant $(($($inner)*))?),+];

            /// As stored.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant $(($($inner)*))? => $text,)+
                }
            }

            /// From storage.
            pub fn parse(text: &str) -> anyhow::Result<Self> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == text)
                    .ok_or_else(|| anyhow::anyhow!("{text:?} is not a stored {}", stringify!($ty)))
            }
        }

        $crate::stored_as_text!($ty, |value| value.as_str(), |text| $ty::parse(text));
    };
}

/// The sqlx `Any` mapping of a type stored as TEXT: `as_text` gives the text
/// bound, `from_text` reads the value back from the stored text (an `Err`
/// is a decoding error).
#[macro_export]
macro_rules! stored_as_text {
    ($ty:ty, |$value:ident| $as_text:expr, |$text:ident| $from_text:expr) => {
        impl sqlx::Type<sqlx::Any> for $ty {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <str as sqlx::Type<sqlx::Any>>::type_info()
            }
        }

        impl sqlx::Encode<'_, sqlx::Any> for $ty {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                let $value = self;
                <&str as sqlx::Encode<sqlx::Any>>::encode($as_text, buf)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Any> for $ty {
            fn decode(value: <sqlx::Any as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let $text = <&str as sqlx::Decode<sqlx::Any>>::decode(value)?;
                Ok($from_text?)
            }
        }
    };
}

/// A fresh random identifier.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A migrated SQLite database in a temporary file, for unit tests of the SQL
/// next to it; removed when dropped.
#[cfg(test)]
pub struct ScratchStore {
    /// The store.
    pub store: Store,
    path: std::path::PathBuf,
}

#[cfg(test)]
impl ScratchStore {
    /// Creates and migrates it.
    pub async fn new() -> ScratchStore {
        let path = std::env::temp_dir().join(format!("payer-creance-unit-{}.db", new_id()));
        let store =
            Store::connect(&format!("sqlite://{}?mode=rwc", path.display()), 2).await.expect("a scratch database");
        store.migrate().await.expect("migrations");
        ScratchStore { store, path }
    }

    /// Adds person `id` (and caisse 381, the first time).
    pub async fn add_person(&self, id: &str) {
        sqlx::query(
            "INSERT INTO caisses (code, name) VALUES ('381', 'CPAM de l''Isère') ON CONFLICT (code) DO NOTHING",
        )
        .execute(self.store.pool())
        .await
        .expect("a caisse");
        sqlx::query(
            "INSERT INTO persons (id, nir, first_name, last_name, birth_date, password_hash, caisse_code, created_at) \
             VALUES ($1, $2, 'Pierre', 'BELAGE', '1983-02-01', 'x', '381', 0)",
        )
        .bind(id)
        .bind(format!("nir-{id}"))
        .execute(self.store.pool())
        .await
        .expect("a person");
    }
}

#[cfg(test)]
impl Drop for ScratchStore {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}
