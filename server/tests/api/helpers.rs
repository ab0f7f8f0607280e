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

/// The server functions' addresses, as their `#[server]` attributes name
/// them: a test posts to the function, not to a string that could drift.
pub mod endpoints {
    use leptos::server_fn::ServerFn;

    /// `SignIn`.
    pub const SIGN_IN: &str = <app::api::auth::SignIn as ServerFn>::PATH;
    /// `StartPayment`.
    pub const START_PAYMENT: &str = <app::api::pay::StartPayment as ServerFn>::PATH;
    /// `AgentSignIn`.
    pub const AGENT_SIGN_IN: &str = <app::api::agent::sign_in::AgentSignIn as ServerFn>::PATH;
    /// `SignOut`.
    pub const SIGN_OUT: &str = <app::api::auth::SignOut as ServerFn>::PATH;
    /// `AgentRefund`.
    pub const AGENT_REFUND: &str = <app::api::agent::refunds::AgentRefund as ServerFn>::PATH;
    /// `AbandonPayment`.
    pub const ABANDON_PAYMENT: &str = <app::api::payments::AbandonPayment as ServerFn>::PATH;
    /// `KeepSession`.
    pub const KEEP_SESSION: &str = <app::api::auth::KeepSession as ServerFn>::PATH;
    /// `FindReference`.
    pub const FIND_REFERENCE: &str = <app::api::pay::FindReference as ServerFn>::PATH;
    /// `IssueAvis`.
    pub const ISSUE_AVIS: &str = <app::api::agent::avis::IssueAvis as ServerFn>::PATH;
    /// `AgentResolveDiscrepancy`.
    pub const RESOLVE_DISCREPANCY: &str = <app::api::agent::reconciliation::AgentResolveDiscrepancy as ServerFn>::PATH;
    /// `DeleteMessage`.
    pub const DELETE_MESSAGE: &str = <app::api::messages::DeleteMessage as ServerFn>::PATH;
    /// `SignOutEverywhere`.
    pub const SIGN_OUT_EVERYWHERE: &str = <app::api::auth::SignOutEverywhere as ServerFn>::PATH;
    /// `MarkRegularised`.
    pub const MARK_REGULARISED: &str = <app::api::agent::payments::MarkRegularised as ServerFn>::PATH;
    /// `AgentSignOutEverywhere`.
    pub const AGENT_SIGN_OUT_EVERYWHERE: &str = <app::api::agent::sign_in::AgentSignOutEverywhere as ServerFn>::PATH;
}

pub use endpoints::*;

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

impl Browser {
    /// A browser with no cookies, pointed at `address`.
    pub fn new(address: String) -> Browser {
        Browser { origin: address.clone(), address, client: client() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A page, as a browser navigates to it.
    pub async fn get_page(&self, path: &str) -> Response {
        self.client.get(self.url(path)).header(ACCEPT, "text/html").send().await.expect("GET")
    }

    /// A page's HTML; panics unless it is a 200.
    pub async fn page_html(&self, path: &str) -> String {
        let response = self.get_page(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.text().await.expect("body")
    }

    /// Posts a form as a browser without JavaScript does.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .header(ACCEPT, "text/html")
            .header("Origin", &self.origin)
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// Signs in; returns the response to the sign-in form.
    pub async fn sign_in(&self, nir: &str, password: &str) -> Response {
        self.post_form(SIGN_IN, &[("nir", nir), ("password", password)]).await
    }

    /// Signs Pierre BELAGE in and checks it worked.
    pub async fn sign_in_as_pierre(&self) {
        let response = self.sign_in(PIERRE_NIR, PIERRE_PASSWORD).await;
        assert_eq!(location(&response), "/accueil");
    }
}

impl Browser {
    /// Step 1: posts a reference as the boxes do (here, all in the first box).
    pub async fn find_reference(&self, reference: &str) -> Response {
        self.post_form(FIND_REFERENCE, &[("reference[]", reference)]).await
    }

    /// Step 2: «PAYER».
    pub async fn start_payment(&self, reference: &str, selected: &[&str], amount: &str) -> Response {
        let mut fields: Vec<(&str, &str)> = vec![("reference", reference)];
        fields.extend(selected.iter().map(|s| ("selected[]", *s)));
        fields.push(("amount", amount));
        self.post_form(START_PAYMENT, &fields).await
    }

    /// Starts a payment that must be accepted by the rules; returns its
    /// transaction reference.
    pub async fn pay(&self, reference: &str, selected: &[&str], amount: &str) -> String {
        let response = self.start_payment(reference, selected, amount).await;
        let to = location(&response);
        to.rsplit('/')
            .next()
            .filter(|r| r.starts_with("PCLCB"))
            .unwrap_or_else(|| panic!("not sent to the kiosk: {to}"))
            .to_owned()
    }

    /// The hidden fields of the page that sends the browser to the kiosk.
    pub async fn kiosk_form(&self, transaction_reference: &str) -> HashMap<String, String> {
        let html = self.page_html(&format!("/mes-paiements/payer-une-creance/paiement/{transaction_reference}")).await;
        hidden_fields(&html)
    }
}

/// The `name`/`value` pairs of the hidden inputs of a page.
pub fn hidden_fields(html: &str) -> HashMap<String, String> {
    let mut fields = HashMap::new();
    for input in html.split("<input").skip(1) {
        let tag = input.split('>').next().unwrap_or_default();
        if !tag.contains("type=\"hidden\"") {
            continue;
        }
        let attribute =
            |name: &str| tag.split(&format!(" {name}=\"")).nth(1).and_then(|rest| rest.split('"').next()).map(text_of);
        if let (Some(name), Some(value)) = (attribute("name"), attribute("value")) {
            fields.insert(name, value);
        }
    }
    fields
}

/// The bank's side of the protocol, for tests: sealed answers with the
/// simulation key.
pub mod bank {
    use sips::{Encoding, PaymentResponse, SealedForm, Secret};

    pub const SECRET: &str = "002001000000001_KEY1";

    pub fn response(transaction_reference: &str, amount_cents: i64, code: &str) -> PaymentResponse {
        PaymentResponse {
            response_code: code.to_owned(),
            acquirer_response_code: Some(code.to_owned()),
            authorisation_id: (code == "00").then(|| "761208".to_owned()),
            amount_cents,
            currency_code: Some("978".to_owned()),
            transaction_date_time: Some("2026-11-27T10:00:00+01:00".to_owned()),
            transaction_reference: transaction_reference.to_owned(),
            masked_pan: Some("4100##########00".to_owned()),
            payment_mean_brand: Some("VISA".to_owned()),
            holder_authent_status: Some("ATTEMPT".to_owned()),
            key_version: Some("1".to_owned()),
            merchant_id: Some("002001000000001".to_owned()),
            other: Vec::new(),
        }
    }

    /// The form fields of a sealed answer.
    pub fn sealed(response: &PaymentResponse, secret: &str) -> Vec<(String, String)> {
        SealedForm::seal_response(response, &Secret::new(secret.to_owned()), "HP_2.20", Encoding::Plain)
            .expect("seals")
            .fields()
    }
}

impl TestApp {
    /// Posts a sealed answer to the automatic-response endpoint, as the bank does.
    pub async fn automatic(&self, fields: &[(String, String)]) -> Response {
        reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .expect("client")
            .post(self.url("/paiement/reponse-automatique"))
            .form(fields)
            .send()
            .await
            .expect("POST automatic response")
    }

    /// Posts a sealed answer to the normal-return endpoint, as the browser does.
    pub async fn normal_return(&self, fields: &[(String, String)]) -> Response {
        self.client
            .post(self.url("/paiement/retour"))
            .header(ACCEPT, "text/html")
            .form(fields)
            .send()
            .await
            .expect("POST return")
    }

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

/// The `Location` of a redirect.
pub fn location(response: &Response) -> String {
    assert!(response.status().is_redirection(), "expected a redirect, got {}", response.status());
    response.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// The HTML with entities the renderer uses turned back into characters, and
/// without the markers it puts between adjacent text nodes.
pub fn text_of(html: &str) -> String {
    // The renderer's empty markers, as the server sends them (`valid_html`).
    html.replace("<!---->", "")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
}

/// The engine `app` runs on.
pub fn app_engine(app: &TestApp) -> Engine {
    match app.state.store.engine() {
        app::ssr::infra::db::Engine::Sqlite => Engine::Sqlite,
        app::ssr::infra::db::Engine::Postgres => Engine::Postgres,
    }
}

/// A well-formed NIR of nobody (sex 1, born January 1985, rank `i`).
pub fn unknown_nir(i: usize) -> String {
    format!("18501{i:08}")
}

/// Signs in as a script would (no HTML accepted), from `forwarded_for` when given.
pub async fn sign_in_call(browser: &Browser, nir: &str, password: &str, forwarded_for: Option<&str>) -> StatusCode {
    let mut request = browser.client.post(browser.url(SIGN_IN)).header("Origin", &browser.address);
    if let Some(address) = forwarded_for {
        request = request.header("X-Forwarded-For", address);
    }
    request.form(&[("nir", nir), ("password", password)]).send().await.expect("POST").status()
}

/// Runs the sign-ins all at once, each on its own task; their statuses.
pub async fn all_at_once(calls: Vec<(Browser, String, &'static str, Option<String>)>) -> Vec<StatusCode> {
    let mut tasks = tokio::task::JoinSet::new();
    for (browser, nir, password, forwarded_for) in calls {
        tasks.spawn(async move { sign_in_call(&browser, &nir, password, forwarded_for.as_deref()).await });
    }
    tasks.join_all().await
}

/// How many answers had each status.
pub fn tally(statuses: impl IntoIterator<Item = StatusCode>) -> std::collections::BTreeMap<u16, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for status in statuses {
        *counts.entry(status.as_u16()).or_default() += 1;
    }
    counts
}

/// A wrong password checked (422: the form refused, with its field's
/// message), throttled (429), or not checked because the queue was full (503).
pub const CHECKED: u16 = 422;
/// The right password checked: signed in.
pub const SIGNED_IN: u16 = 200;
pub const THROTTLED: u16 = 429;
pub const BUSY: u16 = 503;

/// A server process of the real binary (its own allocator, its own password
/// queue), on a database the caller owns.
pub struct ServerProcess {
    child: std::process::Child,
    pub browser: Browser,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

/// Whether `url` answers 200 within 15 seconds (a process just started).
async fn answers(url: &str) -> bool {
    for _ in 0..300 {
        if reqwest::get(url).await.is_ok_and(|r| r.status() == StatusCode::OK) {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

/// The server binary as a test starts it: on a database, with settings on
/// top of the tests' own (another address, the processing run left to the
/// test, errors only in the log), its log kept or not.
pub struct Launch<'a> {
    database_url: &'a str,
    env: Vec<(&'a str, String)>,
    log: Option<&'a std::path::Path>,
}

/// The server binary on `database_url`, to configure then [`Launch::start`].
pub fn launch(database_url: &str) -> Launch<'_> {
    Launch { database_url, env: Vec::new(), log: None }
}

impl<'a> Launch<'a> {
    /// One more setting.
    pub fn with(mut self, name: &'a str, value: impl Into<String>) -> Self {
        self.env.push((name, value.into()));
        self
    }

    /// More settings.
    pub fn envs(self, env: &[(&'a str, &str)]) -> Self {
        env.iter().fold(self, |launch, (name, value)| launch.with(name, *value))
    }

    /// Its log (standard error) written to `path`.
    pub fn logging_to(mut self, path: &'a std::path::Path) -> Self {
        self.log = Some(path);
        self
    }

    /// Configured for a real bank: its card page at `bank/paiement`, its Sips
    /// Office at `office`, merchant `merchant` with Worldline's public test
    /// key (version 1).
    pub fn bank(self, bank: &str, office: &str, merchant: &str) -> Self {
        self.with("SIPS_PAYPAGE_URL", format!("{bank}/paiement"))
            .with("SIPS_OFFICE_URL", office)
            .with("SIPS_MERCHANT_ID", merchant)
            .with("SIPS_KEY_VERSION", sips::simulation::KEY_VERSION)
            .with("SIPS_SECRET_KEY", sips::simulation::SECRET_KEY)
    }

    /// Starts it, and waits until it answers.
    pub async fn start(self) -> ServerProcess {
        use std::process::{Command, Stdio};
        let address = match self.env.iter().rev().find(|(name, _)| *name == "LEPTOS_SITE_ADDR") {
            Some((_, address)) => address.clone(),
            None => format!("127.0.0.1:{}", free_port()),
        };
        let log = match self.log {
            Some(path) => std::fs::File::create(path).expect("the log file").into(),
            None => Stdio::null(),
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env("DATABASE_URL", self.database_url)
            .env("LEPTOS_SITE_ADDR", &address)
            .env("KIOSK_ADDR", "127.0.0.1:0")
            .env("PROCESSING_INTERVAL_SECONDS", "86400")
            .env("RUST_LOG", "error")
            .envs(self.env.iter().map(|(name, value)| (name, value)))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the server starts");
        let browser = Browser::new(format!("http://{address}"));
        if answers(&browser.url("/connexion")).await {
            return ServerProcess { child, browser };
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server did not answer");
    }
}

impl ServerProcess {
    /// SIGTERM, as an orchestrator stops a process.
    pub fn terminate(&self) {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill -TERM runs");
        assert!(status.success(), "SIGTERM sent");
    }

    /// Waits (up to `limit`) for the process to exit; its exit status.
    pub async fn exit_within(mut self, limit: std::time::Duration) -> std::process::ExitStatus {
        let started = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("the process's status") {
                return status;
            }
            if started.elapsed() > limit {
                let _ = self.child.kill();
                panic!("the server did not exit within {limit:?}");
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: no shutdown, no flush, nothing.
    pub fn kill(mut self) {
        self.child.kill().expect("kill");
        let _ = self.child.wait();
    }

    /// Makes the process's peak resident memory its current one.
    pub fn reset_peak_memory(&self) {
        std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5").expect("clear_refs");
    }

    /// The process's resident memory now and at its peak, in KiB.
    pub fn memory_kib(&self) -> (u64, u64) {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("the process's status");
        let field = |name: &str| -> u64 {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
                .expect("a memory figure")
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

/// The card page's fields for the simulator's accepted test card, valid two more years.
pub fn accepted_card() -> Vec<(&'static str, String)> {
    let year = (jiff::Zoned::now().year() + 2).to_string();
    [("card_number", "4100 0000 0000 0000"), ("month", "12"), ("year", &year), ("cvv", "123"), ("action", "valider")]
        .map(|(name, value)| (name, value.to_owned()))
        .to_vec()
}

/// Pays at the kiosk simulator of `kiosk_url` with the accepted test card, as
/// a browser does: posts the app's `form`, fills the card page; returns the
/// result page (its hidden fields are the browser's return).
pub async fn pay_at_kiosk(kiosk_url: &str, form: &HashMap<String, String>) -> String {
    let card = Browser::new(kiosk_url.to_owned());
    let card_page = location(&card.client.post(card.url("/paiement")).form(form).send().await.expect("kiosk"));
    let done = card.client.post(card.url(&card_page)).form(&accepted_card()).send().await.expect("card");
    card.client.get(card.url(&location(&done))).send().await.expect("result").text().await.expect("html")
}

/// Waits (at most 5 s) until the database at `database_url` answers `sql` with `expected`.
pub async fn wait_for_count(database_url: &str, sql: &'static str, expected: i64) -> i64 {
    let mut seen = count_in(database_url, sql).await;
    for _ in 0..100 {
        if seen == expected {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        seen = count_in(database_url, sql).await;
    }
    seen
}

/// `server kiosk`: the simulator in its own process on `address`, with `env`.
pub struct KioskProcess(std::process::Child);

impl KioskProcess {
    pub async fn start(address: &str, env: &[(&str, &str)]) -> KioskProcess {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("kiosk")
            .env("KIOSK_ADDR", address)
            .env("RUST_LOG", "error")
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("the kiosk starts");
        let mut kiosk = KioskProcess(child);
        if answers(&format!("http://{address}/kiosque.css")).await {
            return kiosk;
        }
        kiosk.stop();
        panic!("the kiosk did not answer");
    }

    pub fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for KioskProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A number the database at `database_url` answers `sql` with.
pub async fn count_in(database_url: &str, sql: &'static str) -> i64 {
    use sqlx::Row;
    let mut conn = sqlx::AnyConnection::connect(database_url).await.expect("connect");
    let n: i64 = sqlx::query(sql).fetch_one(&mut conn).await.expect("query").try_get(0).expect("number");
    let _ = conn.close().await;
    n
}
