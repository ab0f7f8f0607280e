//! The test harness: `spawn_app(engine)` starts the real application on port 0
//! with a fresh database (a temporary SQLite file, or a new PostgreSQL database
//! on `TEST_PG_URL`), and `TestApp` has one method per thing a browser does.

use app::ssr::{AppState, Clock};
use reqwest::header::{ACCEPT, LOCATION};
use reqwest::{Response, StatusCode};
use server::{Application, Settings};
use sqlx::Connection;
use std::collections::HashMap;
use std::sync::Once;

pub mod bank;
mod bank_side;
mod browser;
mod endpoints;
mod processes;

pub use bank_side::*;
pub use browser::*;
pub use endpoints::*;
pub use processes::*;

/// The database engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// Runs each listed test once per engine, in modules `sqlite` and `postgres`.
#[macro_export]
macro_rules! on_both_engines {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = $crate::helpers::spawn_app($crate::helpers::Engine::Sqlite).await;
                    // A hang becomes a failure that names the test.
                    tokio::time::timeout(std::time::Duration::from_secs(120), async { $body })
                        .await
                        .expect("the test finished within two minutes");
                    $app.cleanup().await;
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = $crate::helpers::spawn_app($crate::helpers::Engine::Postgres).await;
                    // A hang becomes a failure that names the test.
                    tokio::time::timeout(std::time::Duration::from_secs(120), async { $body })
                        .await
                        .expect("the test finished within two minutes");
                    $app.cleanup().await;
                }
            )*
        }
    };
}

/// A running application, with a first browser (`app.get_page(…)` and so on go
/// through it: `TestApp` dereferences to it).
pub struct TestApp {
    pub browser: Browser,
    pub state: AppState,
    pub kiosk_url: String,
    pub kiosk: kiosk::KioskHandle,
    database: TestDatabase,
}

impl std::ops::Deref for TestApp {
    type Target = Browser;

    fn deref(&self) -> &Browser {
        &self.browser
    }
}

/// A browser-like client with its own cookie jar, pointed at the app.
pub struct Browser {
    pub address: String,
    /// The `Origin` its forms send: the app's public URL (its address, unless
    /// the test set `PUBLIC_URL`).
    pub origin: String,
    pub client: reqwest::Client,
}

enum TestDatabase {
    Sqlite(std::path::PathBuf),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Owned by the test itself.
    Nothing,
}

pub const PIERRE_NIR: &str = "1830201053123 92";
pub const PIERRE_PASSWORD: &str = "Belage-2019";
pub const EVA_NIR: &str = "2901063113045 20";
pub const EVA_PASSWORD: &str = "Dupont-1990";

fn pg_admin_url() -> String {
    std::env::var("TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let base = base.rsplit_once('/').map_or(base, |(server, _)| server);
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Drops a test database (only names made of `[a-z0-9_]`, so the quoting is safe).
async fn drop_pg_database(admin: &mut sqlx::AnyConnection, name: &str) {
    if name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
            .execute(admin)
            .await;
    }
}

/// Drops test databases an earlier, interrupted run left behind (older than an hour).
async fn sweep_old_pg_databases(admin: &mut sqlx::AnyConnection) {
    use sqlx::Row;
    let cutoff = jiff::Timestamp::now().as_second() - 3600;
    let rows = sqlx::query("SELECT datname FROM pg_database WHERE datname LIKE 'pc_test_%'")
        .fetch_all(&mut *admin)
        .await
        .unwrap_or_default();
    for row in rows {
        let name: String = row.try_get("datname").unwrap_or_default();
        let created: i64 = name.split('_').nth(2).and_then(|s| s.parse().ok()).unwrap_or(i64::MAX);
        if created < cutoff {
            drop_pg_database(admin, &name).await;
        }
    }
}

/// Starts the application on a fresh database.
pub async fn spawn_app(engine: Engine) -> TestApp {
    spawn_app_with(engine, &[]).await
}

/// A fresh database of `engine`: its URL and what to remove afterwards.
async fn fresh_database(engine: Engine) -> (String, TestDatabase) {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            server::telemetry::init();
        }
        sqlx::any::install_default_drivers();
    });
    match engine {
        Engine::Sqlite => {
            let dir = std::env::temp_dir().join("payer-creance-tests");
            std::fs::create_dir_all(&dir).expect("temporary folder");
            let path = dir.join(format!("{}.db", uuid::Uuid::new_v4()));
            (format!("sqlite://{}?mode=rwc", path.display()), TestDatabase::Sqlite(path))
        }
        Engine::Postgres => {
            let admin_url = pg_admin_url();
            let mut admin = sqlx::AnyConnection::connect(&admin_url)
                .await
                .expect("PostgreSQL reachable at TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres)");
            static SWEEP: Once = Once::new();
            let mut sweep = false;
            SWEEP.call_once(|| sweep = true);
            if sweep {
                sweep_old_pg_databases(&mut admin).await;
            }
            let name = format!("pc_test_{}_{}", jiff::Timestamp::now().as_second(), uuid::Uuid::new_v4().simple());
            // The name is ours: a prefix, digits and hex.
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                .execute(&mut admin)
                .await
                .expect("create database");
            let _ = admin.close().await;
            (with_database(&admin_url, &name), TestDatabase::Postgres { admin_url, name })
        }
    }
}

/// Starts the application on a fresh database, with some settings overridden.
pub async fn spawn_app_with(engine: Engine, overrides: &[(&'static str, String)]) -> TestApp {
    let (database_url, database) = fresh_database(engine).await;
    spawn_on(database_url, database, overrides).await
}

/// A fresh database of `engine` for a test that starts servers itself; returns
/// its URL and a guard that removes it.
pub async fn scratch_database(engine: Engine) -> (String, DatabaseGuard) {
    let (url, database) = fresh_database(engine).await;
    (url, DatabaseGuard(database))
}

/// Removes a scratch database when asked.
pub struct DatabaseGuard(TestDatabase);

impl DatabaseGuard {
    pub async fn remove(self) {
        self.0.remove().await;
    }
}

/// Starts the application on a database the caller owns (and removes), and
/// which other instances may share (two connections each), with `overrides`.
pub async fn spawn_on_url(database_url: String, overrides: &[(&'static str, String)]) -> TestApp {
    let mut settings = vec![("DATABASE_MAX_CONNECTIONS", "2".to_owned())];
    settings.extend_from_slice(overrides);
    spawn_on(database_url, TestDatabase::Nothing, &settings).await
}

/// Why the application refuses to start on `database_url` with `overrides`.
pub async fn refusal_to_start(database_url: String, overrides: &[(&'static str, String)]) -> String {
    let settings = test_settings(database_url, overrides);
    match Application::build(settings, Clock::fixed(jiff::Timestamp::now())).await {
        Ok(_) => panic!("the application started"),
        Err(error) => format!("{error:#}"),
    }
}

fn test_settings(database_url: String, overrides: &[(&'static str, String)]) -> Settings {
    let mut env: HashMap<&str, String> = HashMap::new();
    env.insert("DATABASE_URL", database_url);
    env.insert("LEPTOS_SITE_ADDR", "127.0.0.1:0".into());
    env.insert("KIOSK_ADDR", "127.0.0.1:0".into());
    env.insert("DATABASE_MAX_CONNECTIONS", "5".into());
    // Tests run the processing run themselves, when they choose.
    env.insert("PROCESSING_INTERVAL_SECONDS", "86400".into());
    for (key, value) in overrides {
        env.insert(key, value.clone());
    }
    Settings::from_lookup(|key| env.get(key).cloned()).expect("test settings")
}

async fn spawn_on(database_url: String, database: TestDatabase, overrides: &[(&'static str, String)]) -> TestApp {
    let settings = test_settings(database_url, overrides);
    let public_url = overrides.iter().find(|(key, _)| *key == "PUBLIC_URL").map(|(_, url)| url.clone());
    let clock = Clock::fixed(jiff::Timestamp::now());
    let application = Application::build(settings, clock).await.expect("application builds");
    let address = format!("http://127.0.0.1:{}", application.port());
    let state = application.state().clone();
    let (kiosk_port, kiosk) = application.kiosk().expect("the embedded kiosk runs");
    tokio::spawn(application.run_until_stopped());
    TestApp {
        browser: Browser { origin: public_url.unwrap_or_else(|| address.clone()), address, client: client() },
        state,
        kiosk_url: format!("http://127.0.0.1:{kiosk_port}"),
        kiosk,
        database,
    }
}

/// A client that keeps cookies and does not follow redirects (tests look at them).
/// A request that hangs fails on its own, naming its URL, well within the
/// test's two minutes.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .build()
        .expect("client")
}

impl TestApp {
    /// Removes the test's database.
    pub async fn cleanup(self) {
        self.state.store.close().await;
        self.database.remove().await;
    }
}

impl TestDatabase {
    async fn remove(&self) {
        match self {
            TestDatabase::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            TestDatabase::Postgres { admin_url, name } => {
                if let Ok(mut admin) = sqlx::AnyConnection::connect(admin_url).await {
                    drop_pg_database(&mut admin, name).await;
                    let _ = admin.close().await;
                }
            }
            TestDatabase::Nothing => {}
        }
    }
}

impl TestApp {
    /// Another browser, with no cookies yet.
    pub fn new_browser(&self) -> Browser {
        Browser { address: self.browser.address.clone(), origin: self.browser.origin.clone(), client: client() }
    }
}

impl TestApp {
    /// One number from the database.
    pub async fn count(&self, sql: &'static str) -> i64 {
        use sqlx::Row;
        sqlx::query(sql).fetch_one(self.state.store.pool()).await.expect("query").try_get(0).expect("a number")
    }

    /// The status of an attempt.
    pub async fn attempt_status(&self, transaction_reference: &str) -> String {
        use sqlx::Row;
        sqlx::query("SELECT status FROM payment_attempts WHERE transaction_reference = $1")
            .bind(transaction_reference)
            .fetch_one(self.state.store.pool())
            .await
            .expect("attempt")
            .try_get("status")
            .expect("status")
    }
}
