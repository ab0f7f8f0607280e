//! The server binary in processes of its own (its allocator, its password
//! queue, its signals), and reads of a database they share.

use super::*;

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
pub(super) async fn answers(url: &str) -> bool {
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

/// A number the database at `database_url` answers `sql` with.
pub async fn count_in(database_url: &str, sql: &'static str) -> i64 {
    use sqlx::Row;
    let mut conn = sqlx::AnyConnection::connect(database_url).await.expect("connect");
    let n: i64 = sqlx::query(sql).fetch_one(&mut conn).await.expect("query").try_get(0).expect("number");
    let _ = conn.close().await;
    n
}
