//! Configuration: defaults that run with nothing set (SQLite under `data/`, the
//! embedded kiosk simulator), overridden by the environment.
//!
//! | variable | default |
//! |---|---|
//! | `DATABASE_URL` | `sqlite://data/app.db?mode=rwc` |
//! | `LEPTOS_SITE_ADDR` | `127.0.0.1:3000` |
//! | `LEPTOS_SITE_ROOT` | `target/site` |
//! | `PUBLIC_URL` | `http://` + the app's address |
//! | `KIOSK_ADDR` | `127.0.0.1:3001` (embedded simulator) |
//! | `KIOSK_ANSWER_ORIGIN` | the simulator's only destination for automatic answers: `PUBLIC_URL`'s origin when embedded, `http://` + `LEPTOS_SITE_ADDR` alone (`server kiosk`) |
//! | `SIPS_PAYPAGE_URL`, `SIPS_OFFICE_URL`, `SIPS_MERCHANT_ID`, `SIPS_KEY_VERSION`, `SIPS_SECRET_KEY` | a real kiosk: all five set, then no simulator (`SIPS_OFFICE_URL`: the Sips Office server, asked what became of a payment before it is abandoned) |
//! | `SIPS_INTERFACE_VERSION` | `HP_2.20` |
//! | `SIPS_FORM_HOSTS` | with a real kiosk, `https://*.sips-services.com`: the bank's other hosts the payment form may be redirected to (Content-Security-Policy `form-action` sources) |
//! | `ELIGIBILITY_MIN_BALANCE`, `ELIGIBILITY_MAX_BALANCE` | `100`, `150` (euros) |
//! | `SESSION_IDLE_MINUTES` | `30` |
//! | `PROCESSING_INTERVAL_SECONDS` | `60` (up to 86400): how often accepted payments are applied |
//! | `DATABASE_MAX_CONNECTIONS` | `10` |
//! | `DEMO_DATA` | `true` over http: load the demonstration data into an empty database; refused over https (its passwords are published) |
//! | `ALLOW_TEST_KIOSK` | `false`: over https, accept the embedded simulator or Worldline's public test key (a training site) |
//! | `TRUSTED_PROXIES` | none: networks whose `X-Forwarded-For` names the client; `none` says no proxy. Required on a public (https) site |
//! | `METRICS_ADDR` | none: the address of `/metrics` (Prometheus); never the public one |
//! | `LOG_FORMAT` | `text`; `json` for log shippers (read by `telemetry`) |
//! | `SHUTDOWN_GRACE_SECONDS` | `0` (up to 60): on SIGTERM, how long `/readyz` answers 503 while requests are still served, before new connections are refused |
//! | `TERMINAL_MODE` | `false`: every browser is a public terminal's (BMS); one terminal's browser is switched by opening `/borne` |
//! | `TERMINAL_KEY` | none: on a public (https) site, `/borne` switches a browser only given `?cle=` this key (else 404) |
//! | `BENCH_BASELINE` | `false`: serve `/bench/baseline`, the benchmark's bare query handler |
//!
//! Safe in production by default: when `PUBLIC_URL` is `https://`, the
//! service refuses to start with the embedded simulator or Worldline's public
//! test merchant or key (the public could pay nothing and be told it paid)
//! unless `ALLOW_TEST_KIOSK=true` (logged as a warning), and refuses
//! `DEMO_DATA=true`; `startup` also refuses a database holding any account
//! whose password is published (the demonstration's, the benchmark dataset's).

use anyhow::{Context, bail};
use app::domain::{EligibilityPolicy, Euros};
use app::ssr::infra::client_address::TrustedProxies;
use app::ssr::{KioskSettings, Secret};
use sips::simulation;
use std::net::SocketAddr;
use std::time::Duration;

/// The interface version sent with Paypage POST requests.
pub const DEFAULT_INTERFACE_VERSION: &str = "HP_2.20";

/// Every setting of the server.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the database is.
    pub database_url: String,
    /// At most this many connections.
    pub database_max_connections: u32,
    /// The app's address (port 0: any free port).
    pub site_addr: SocketAddr,
    /// The folder of the built site (`pkg/`, images).
    pub site_root: String,
    /// The app's public URL; defaults to its address.
    pub public_url: Option<String>,
    /// Where the simulator may post its automatic answers.
    pub kiosk_answer_origin: Option<String>,
    /// The embedded simulator's address, used when no real kiosk is set.
    pub kiosk_addr: SocketAddr,
    /// The bank the app sends payments to.
    pub bank: Bank,
    /// Which avis are open to online payment.
    pub eligibility: EligibilityPolicy,
    /// A session unused this long ends.
    pub session_idle: Duration,
    /// Between two processing runs.
    pub processing_interval: Duration,
    /// Load the demonstration data into an empty database.
    pub demo_data: bool,
    /// A test kiosk is accepted on a public (https) site.
    pub allow_test_kiosk: bool,
    /// The proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// Serve the benchmark's baseline handler.
    pub bench_baseline: bool,
    /// Where `/metrics` is served, if anywhere.
    pub metrics_addr: Option<SocketAddr>,
    /// On SIGTERM, how long readiness fails while the server still serves.
    pub shutdown_grace: Duration,
    /// Every browser is a public terminal's.
    pub terminal_mode: bool,
    /// On a public site, the key `/borne?cle=` must give to switch a browser.
    pub terminal_key: Option<Secret<String>>,
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> anyhow::Result<Settings> {
        Settings::from_lookup(|key| std::env::var(key).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads settings through `lookup` (the environment, or a test's map):
    /// the checks of a public site first, then each setting in its turn.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Settings> {
        let env = Env(&lookup);
        let public_url = env.text("PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned());
        let public = public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
        let bank = bank(&env)?;
        let allow_test_kiosk = env.flag("ALLOW_TEST_KIOSK") == Some(true);
        if public {
            refuse_demo_data(&env)?;
            if !allow_test_kiosk {
                refuse_a_test_bank(&bank)?;
            }
            refuse_a_bank_in_clear(&bank)?;
        }
        Ok(Settings {
            database_url: env.text("DATABASE_URL").unwrap_or_else(|| "sqlite://data/app.db?mode=rwc".to_owned()),
            database_max_connections: u32::try_from(env.number("DATABASE_MAX_CONNECTIONS", 10)?)
                .context("DATABASE_MAX_CONNECTIONS")?,
            site_addr: env.address("LEPTOS_SITE_ADDR", "127.0.0.1:3000")?,
            site_root: env.text("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned()),
            public_url,
            kiosk_answer_origin: env.text("KIOSK_ANSWER_ORIGIN").map(|origin| origin.trim_end_matches('/').to_owned()),
            kiosk_addr: env.address("KIOSK_ADDR", "127.0.0.1:3001")?,
            bank,
            eligibility: eligibility(&env)?,
            session_idle: minutes(env.number_within("SESSION_IDLE_MINUTES", 30, 1..=720, "between 1 and 720")?),
            processing_interval: seconds(env.number_within(
                "PROCESSING_INTERVAL_SECONDS",
                60,
                1..=86_400,
                "between 1 and 86400 (24 hours)",
            )?),
            demo_data: env.flag("DEMO_DATA").unwrap_or(!public),
            allow_test_kiosk,
            trusted_proxies: trusted_proxies(&env, public)?,
            bench_baseline: env.flag("BENCH_BASELINE") == Some(true),
            metrics_addr: match env.text("METRICS_ADDR") {
                Some(_) => Some(env.address("METRICS_ADDR", "")?),
                None => None,
            },
            shutdown_grace: seconds(env.number_within("SHUTDOWN_GRACE_SECONDS", 0, 0..=60, "between 0 and 60")?),
            terminal_mode: env.flag("TERMINAL_MODE") == Some(true),
            terminal_key: env.text("TERMINAL_KEY").filter(|key| !key.is_empty()).map(Secret::new),
        })
    }
}

/// A count of seconds already checked to be within its range (never negative).
fn seconds(count: i64) -> Duration {
    Duration::from_secs(count.unsigned_abs())
}

/// A count of minutes already checked to be within its range.
fn minutes(count: i64) -> Duration {
    seconds(count * 60)
}

/// The bank the app sends payments to: the caisse's, or the simulator
/// embedded in the process.
#[derive(Debug, Clone)]
pub enum Bank {
    /// The caisse's bank: all five `SIPS_` settings were given.
    Real(KioskSettings),
    /// None was: the embedded simulator, with Worldline's simulation
    /// merchant, takes the payments.
    Simulated(Simulated),
}

/// What the app reaches the embedded simulator with, but its address,
/// known once it listens.
#[derive(Debug, Clone)]
pub struct Simulated {
    interface_version: String,
    form_hosts: Vec<String>,
}

impl Simulated {
    /// The settings of the simulator listening at `address`.
    pub fn at(&self, address: SocketAddr) -> KioskSettings {
        KioskSettings {
            paypage_url: format!("http://{address}/paiement"),
            office_url: format!("http://{address}"),
            merchant_id: simulation::MERCHANT_ID.to_owned(),
            key_version: simulation::KEY_VERSION.to_owned(),
            secret_key: Secret::new(simulation::SECRET_KEY.to_owned()),
            interface_version: self.interface_version.clone(),
            form_hosts: self.form_hosts.clone(),
        }
    }
}

impl Bank {
    /// The merchant the bank knows the caisse by.
    pub fn merchant_id(&self) -> &str {
        match self {
            Bank::Real(kiosk) => &kiosk.merchant_id,
            Bank::Simulated(_) => simulation::MERCHANT_ID,
        }
    }

    /// The caisse's bank, when one is configured.
    pub fn real(&self) -> Option<&KioskSettings> {
        match self {
            Bank::Real(kiosk) => Some(kiosk),
            Bank::Simulated(_) => None,
        }
    }
}

/// The settings by name, and how each kind of setting is read.
struct Env<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Env<'_> {
    fn text(&self, key: &str) -> Option<String> {
        (self.0)(key)
    }

    fn address(&self, key: &str, default: &str) -> anyhow::Result<SocketAddr> {
        self.text(key).as_deref().unwrap_or(default).parse().with_context(|| format!("{key} is not an address"))
    }

    fn euros(&self, key: &str, default: i64) -> anyhow::Result<Euros> {
        match self.text(key) {
            Some(text) => Euros::parse_fr(&text).map_err(|e| anyhow::anyhow!("{key}: {e}")),
            None => Ok(Euros::from_euros(default)),
        }
    }

    fn number(&self, key: &str, default: i64) -> anyhow::Result<i64> {
        self.text(key).map_or(Ok(default), |v| v.parse().with_context(|| format!("{key} is not a number")))
    }

    fn number_within(
        &self,
        key: &str,
        default: i64,
        range: std::ops::RangeInclusive<i64>,
        said: &str,
    ) -> anyhow::Result<i64> {
        let number = self.number(key, default)?;
        anyhow::ensure!(range.contains(&number), "{key} must be {said}");
        Ok(number)
    }

    fn flag(&self, key: &str) -> Option<bool> {
        self.text(key).map(|v| matches!(v.as_str(), "1" | "true" | "yes"))
    }
}

/// `SIPS_`: the five settings of the caisse's bank (pay page, Sips Office,
/// merchant, key version, key), all or none; `SIPS_INTERFACE_VERSION` and
/// `SIPS_FORM_HOSTS` for either bank.
fn bank(env: &Env) -> anyhow::Result<Bank> {
    let interface_version = env.text("SIPS_INTERFACE_VERSION").unwrap_or_else(|| DEFAULT_INTERFACE_VERSION.to_owned());
    let names = ["SIPS_PAYPAGE_URL", "SIPS_OFFICE_URL", "SIPS_MERCHANT_ID", "SIPS_KEY_VERSION", "SIPS_SECRET_KEY"];
    let given_hosts = env.text("SIPS_FORM_HOSTS").map(|text| form_hosts(&text)).transpose()?;
    match names.map(|name| env.text(name)) {
        [Some(paypage_url), Some(office_url), Some(merchant_id), Some(key_version), Some(secret)] => {
            let values = [&paypage_url, &office_url, &merchant_id, &key_version, &secret];
            if let Some((name, _)) = names.iter().zip(values).find(|(_, value)| value.trim().is_empty()) {
                bail!("{name} is empty: a real kiosk needs all five SIPS_ settings");
            }
            if !(office_url.starts_with("https://") || office_url.starts_with("http://")) {
                bail!("SIPS_OFFICE_URL is not an http(s):// address");
            }
            Ok(Bank::Real(KioskSettings {
                paypage_url,
                office_url: office_url.trim_end_matches('/').to_owned(),
                merchant_id,
                key_version,
                secret_key: Secret::new(secret),
                interface_version,
                form_hosts: given_hosts.unwrap_or_else(|| vec![WORLDLINE_HOSTS.to_owned()]),
            }))
        }
        [None, None, None, None, None] => {
            Ok(Bank::Simulated(Simulated { interface_version, form_hosts: given_hosts.unwrap_or_default() }))
        }
        given => bail!(
            "a real kiosk needs all of SIPS_PAYPAGE_URL, SIPS_OFFICE_URL, SIPS_MERCHANT_ID, SIPS_KEY_VERSION and \
             SIPS_SECRET_KEY; missing: {}",
            names.iter().zip(given).filter(|(_, v)| v.is_none()).map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn eligibility(env: &Env) -> anyhow::Result<EligibilityPolicy> {
    let eligibility = EligibilityPolicy {
        min_balance: env.euros("ELIGIBILITY_MIN_BALANCE", 100)?,
        max_balance: env.euros("ELIGIBILITY_MAX_BALANCE", 150)?,
    };
    if eligibility.min_balance > eligibility.max_balance {
        bail!("ELIGIBILITY_MIN_BALANCE is above ELIGIBILITY_MAX_BALANCE");
    }
    Ok(eligibility)
}

fn trusted_proxies(env: &Env, public: bool) -> anyhow::Result<TrustedProxies> {
    Ok(match env.text("TRUSTED_PROXIES") {
        Some(text) if text.trim() == "none" => TrustedProxies::default(),
        Some(text) => TrustedProxies::parse(&text).map_err(|e| anyhow::anyhow!("TRUSTED_PROXIES: {e}"))?,
        None if public => bail!(
            "TRUSTED_PROXIES is not set and PUBLIC_URL is https://: behind a proxy every client would share the \
             proxy's address (and its limits). Name the proxies' networks, or TRUSTED_PROXIES=none when clients \
             connect directly"
        ),
        None => TrustedProxies::default(),
    })
}

/// On a public site: the demonstration accounts' passwords are published.
fn refuse_demo_data(env: &Env) -> anyhow::Result<()> {
    if env.flag("DEMO_DATA") == Some(true) {
        bail!(
            "DEMO_DATA=true and PUBLIC_URL is https://: the demonstration accounts' passwords are published in the \
             README, anyone could sign in with them. Remove DEMO_DATA; a training site adds its persons with \
             `server demo-person`, each with a fresh password"
        );
    }
    Ok(())
}

/// On a public site (unless `ALLOW_TEST_KIOSK`): the public could pay nothing
/// and be told it paid.
fn refuse_a_test_bank(bank: &Bank) -> anyhow::Result<()> {
    let public_test = simulation::PUBLIC_TEST_MERCHANTS;
    match bank.real() {
        None => bail!(
            "PUBLIC_URL is https:// but no bank is configured: the embedded simulator would take the public's \
             payments. Set SIPS_PAYPAGE_URL, SIPS_OFFICE_URL, SIPS_MERCHANT_ID, SIPS_KEY_VERSION and SIPS_SECRET_KEY, or \
             ALLOW_TEST_KIOSK=true for a training site"
        ),
        Some(kiosk) if public_test.iter().any(|(merchant, _)| *merchant == kiosk.merchant_id) => bail!(
            "SIPS_MERCHANT_ID is Worldline's public test merchant and PUBLIC_URL is https://: set the caisse's \
             own merchant, or ALLOW_TEST_KIOSK=true for a training site"
        ),
        Some(kiosk) if public_test.iter().any(|(_, key)| *key == kiosk.secret_key.expose()) => bail!(
            "SIPS_SECRET_KEY is Worldline's public test key and PUBLIC_URL is https://: set the caisse's own key, \
             or ALLOW_TEST_KIOSK=true for a training site"
        ),
        Some(_) => Ok(()),
    }
}

/// On a public site: the bank's answers and card page never in clear.
fn refuse_a_bank_in_clear(bank: &Bank) -> anyhow::Result<()> {
    let Some(kiosk) = bank.real() else { return Ok(()) };
    let addresses = [("SIPS_PAYPAGE_URL", &kiosk.paypage_url), ("SIPS_OFFICE_URL", &kiosk.office_url)];
    if let Some((name, _)) = addresses.iter().find(|(_, url)| !url.starts_with("https://")) {
        bail!(
            "{name} is not https:// and PUBLIC_URL is: the bank's answers and the card page would cross the \
             network in clear. Set the bank's https:// address"
        );
    }
    Ok(())
}

/// Worldline's payment hosts (payment init, payment pages, simulation).
pub const WORLDLINE_HOSTS: &str = "https://*.sips-services.com";

/// `SIPS_FORM_HOSTS`: `https://` origins, a `*.` allowed before the domain,
/// separated by commas or spaces.
fn form_hosts(text: &str) -> anyhow::Result<Vec<String>> {
    text.split([',', ' '])
        .filter(|host| !host.is_empty())
        .map(|host| {
            let name = host.strip_prefix("https://").unwrap_or_default();
            let name = name.strip_prefix("*.").unwrap_or(name);
            let sane =
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'));
            anyhow::ensure!(sane, "SIPS_FORM_HOSTS: {host:?} is not an https:// origin (https://*.example.com)");
            Ok(host.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests;
