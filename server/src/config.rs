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
use app::ssr::Secret;
use app::ssr::infra::client_address::TrustedProxies;
use std::net::SocketAddr;

/// The interface version sent with Paypage POST requests.
pub const DEFAULT_INTERFACE_VERSION: &str = "HP_2.20";

/// A real bank kiosk, fully configured.
#[derive(Debug, Clone)]
pub struct RealKiosk {
    /// Paypage POST URL.
    pub paypage_url: String,
    /// The Sips Office server (diagnostic calls), without a trailing slash.
    pub office_url: String,
    /// Merchant id.
    pub merchant_id: String,
    /// Key version.
    pub key_version: String,
    /// Secret key.
    pub secret_key: Secret<String>,
}

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
    /// A real kiosk, when configured.
    pub real_kiosk: Option<RealKiosk>,
    /// `InterfaceVersion`.
    pub interface_version: String,
    /// Which avis are open to online payment.
    pub eligibility: EligibilityPolicy,
    /// Session idle timeout, in minutes.
    pub session_idle_minutes: i64,
    /// Seconds between two processing runs.
    pub processing_interval_seconds: u64,
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
    /// The bank's hosts the payment form may post to besides the payment URL.
    pub bank_form_hosts: Vec<String>,
    /// On SIGTERM, how long readiness fails while the server still serves.
    pub shutdown_grace_seconds: u64,
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

    /// Reads settings through `lookup` (the environment, or a test's map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Settings> {
        let parse_addr = |key: &str, default: &str| -> anyhow::Result<SocketAddr> {
            lookup(key).as_deref().unwrap_or(default).parse().with_context(|| format!("{key} is not an address"))
        };
        let euros = |key: &str, default: i64| -> anyhow::Result<Euros> {
            match lookup(key) {
                Some(text) => Euros::parse_fr(&text).map_err(|e| anyhow::anyhow!("{key}: {e}")),
                None => Ok(Euros::from_euros(default)),
            }
        };
        let names = ["SIPS_PAYPAGE_URL", "SIPS_OFFICE_URL", "SIPS_MERCHANT_ID", "SIPS_KEY_VERSION", "SIPS_SECRET_KEY"];
        let real_kiosk = match names.map(&lookup) {
            [Some(paypage_url), Some(office_url), Some(merchant_id), Some(key_version), Some(secret)] => {
                let values = [&paypage_url, &office_url, &merchant_id, &key_version, &secret];
                if let Some((name, _)) = names.iter().zip(values).find(|(_, value)| value.trim().is_empty()) {
                    bail!("{name} is empty: a real kiosk needs all five SIPS_ settings");
                }
                if !(office_url.starts_with("https://") || office_url.starts_with("http://")) {
                    bail!("SIPS_OFFICE_URL is not an http(s):// address");
                }
                let office_url = office_url.trim_end_matches('/').to_owned();
                Some(RealKiosk { paypage_url, office_url, merchant_id, key_version, secret_key: Secret::new(secret) })
            }
            [None, None, None, None, None] => None,
            given => bail!(
                "a real kiosk needs all of SIPS_PAYPAGE_URL, SIPS_OFFICE_URL, SIPS_MERCHANT_ID, SIPS_KEY_VERSION and \
                 SIPS_SECRET_KEY; missing: {}",
                names.iter().zip(given).filter(|(_, v)| v.is_none()).map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            ),
        };
        let eligibility = EligibilityPolicy {
            min_balance: euros("ELIGIBILITY_MIN_BALANCE", 100)?,
            max_balance: euros("ELIGIBILITY_MAX_BALANCE", 150)?,
        };
        if eligibility.min_balance > eligibility.max_balance {
            bail!("ELIGIBILITY_MIN_BALANCE is above ELIGIBILITY_MAX_BALANCE");
        }
        let number = |key: &str, default: i64| -> anyhow::Result<i64> {
            lookup(key).map_or(Ok(default), |v| v.parse().with_context(|| format!("{key} is not a number")))
        };
        let session_idle_minutes = number("SESSION_IDLE_MINUTES", 30)?;
        if !(1..=720).contains(&session_idle_minutes) {
            bail!("SESSION_IDLE_MINUTES must be between 1 and 720");
        }
        let processing_interval_seconds = number("PROCESSING_INTERVAL_SECONDS", 60)?;
        let flag = |key: &str| lookup(key).map(|v| matches!(v.as_str(), "1" | "true" | "yes"));
        let public_url = lookup("PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned());
        let public = public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
        if public && flag("DEMO_DATA") == Some(true) {
            bail!(
                "DEMO_DATA=true and PUBLIC_URL is https://: the demonstration accounts' passwords are published in the \
                 README, anyone could sign in with them. Remove DEMO_DATA; a training site adds its persons with \
                 `server demo-person`, each with a fresh password"
            );
        }
        let allow_test_kiosk = flag("ALLOW_TEST_KIOSK") == Some(true);
        let public_test = sips::simulation::PUBLIC_TEST_MERCHANTS;
        let test_merchant = |id: &str| public_test.iter().any(|(merchant, _)| *merchant == id);
        let test_key = |secret: &str| public_test.iter().any(|(_, key)| *key == secret);
        if public && !allow_test_kiosk {
            match &real_kiosk {
                None => bail!(
                    "PUBLIC_URL is https:// but no bank is configured: the embedded simulator would take the public's \
                     payments. Set SIPS_PAYPAGE_URL, SIPS_OFFICE_URL, SIPS_MERCHANT_ID, SIPS_KEY_VERSION and SIPS_SECRET_KEY, or \
                     ALLOW_TEST_KIOSK=true for a training site"
                ),
                Some(kiosk) if test_merchant(&kiosk.merchant_id) => bail!(
                    "SIPS_MERCHANT_ID is Worldline's public test merchant and PUBLIC_URL is https://: set the caisse's \
                     own merchant, or ALLOW_TEST_KIOSK=true for a training site"
                ),
                Some(kiosk) if test_key(kiosk.secret_key.expose()) => bail!(
                    "SIPS_SECRET_KEY is Worldline's public test key and PUBLIC_URL is https://: set the caisse's own key, \
                     or ALLOW_TEST_KIOSK=true for a training site"
                ),
                Some(_) => {}
            }
        }
        if public && let Some(kiosk) = &real_kiosk {
            let addresses = [("SIPS_PAYPAGE_URL", &kiosk.paypage_url), ("SIPS_OFFICE_URL", &kiosk.office_url)];
            if let Some((name, _)) = addresses.iter().find(|(_, url)| !url.starts_with("https://")) {
                bail!(
                    "{name} is not https:// and PUBLIC_URL is: the bank's answers and the card page would cross the \
                     network in clear. Set the bank's https:// address"
                );
            }
        }
        let trusted_proxies = match lookup("TRUSTED_PROXIES") {
            Some(text) if text.trim() == "none" => TrustedProxies::default(),
            Some(text) => TrustedProxies::parse(&text).map_err(|e| anyhow::anyhow!("TRUSTED_PROXIES: {e}"))?,
            None if public => bail!(
                "TRUSTED_PROXIES is not set and PUBLIC_URL is https://: behind a proxy every client would share the \
                 proxy's address (and its limits). Name the proxies' networks, or TRUSTED_PROXIES=none when clients \
                 connect directly"
            ),
            None => TrustedProxies::default(),
        };
        if !(1..=86_400).contains(&processing_interval_seconds) {
            bail!("PROCESSING_INTERVAL_SECONDS must be between 1 and 86400 (24 hours)");
        }
        let bank_form_hosts = match lookup("SIPS_FORM_HOSTS") {
            Some(text) => form_hosts(&text)?,
            None if real_kiosk.is_some() => vec![WORLDLINE_HOSTS.to_owned()],
            None => Vec::new(),
        };
        let shutdown_grace_seconds = number("SHUTDOWN_GRACE_SECONDS", 0)?;
        if !(0..=60).contains(&shutdown_grace_seconds) {
            bail!("SHUTDOWN_GRACE_SECONDS must be between 0 and 60");
        }
        Ok(Settings {
            database_url: lookup("DATABASE_URL").unwrap_or_else(|| "sqlite://data/app.db?mode=rwc".to_owned()),
            database_max_connections: u32::try_from(number("DATABASE_MAX_CONNECTIONS", 10)?)
                .context("DATABASE_MAX_CONNECTIONS")?,
            site_addr: parse_addr("LEPTOS_SITE_ADDR", "127.0.0.1:3000")?,
            site_root: lookup("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned()),
            public_url,
            kiosk_answer_origin: lookup("KIOSK_ANSWER_ORIGIN").map(|origin| origin.trim_end_matches('/').to_owned()),
            kiosk_addr: parse_addr("KIOSK_ADDR", "127.0.0.1:3001")?,
            real_kiosk,
            interface_version: lookup("SIPS_INTERFACE_VERSION").unwrap_or_else(|| DEFAULT_INTERFACE_VERSION.to_owned()),
            eligibility,
            session_idle_minutes,
            processing_interval_seconds: u64::try_from(processing_interval_seconds).unwrap_or(60),
            demo_data: flag("DEMO_DATA").unwrap_or(!public),
            allow_test_kiosk,
            trusted_proxies,
            bench_baseline: flag("BENCH_BASELINE") == Some(true),
            metrics_addr: match lookup("METRICS_ADDR") {
                Some(_) => Some(parse_addr("METRICS_ADDR", "")?),
                None => None,
            },
            shutdown_grace_seconds: u64::try_from(shutdown_grace_seconds).unwrap_or(0),
            bank_form_hosts,
            terminal_mode: flag("TERMINAL_MODE") == Some(true),
            terminal_key: lookup("TERMINAL_KEY").filter(|key| !key.is_empty()).map(Secret::new),
        })
    }
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
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Settings::from_lookup(|key| map.get(key).cloned())
    }

    #[test]
    fn runs_with_nothing_set() {
        let s = settings(&[]).expect("defaults");
        assert_eq!(s.database_url, "sqlite://data/app.db?mode=rwc");
        assert_eq!(s.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.kiosk_addr.to_string(), "127.0.0.1:3001");
        assert!(s.real_kiosk.is_none());
        assert_eq!(s.eligibility, EligibilityPolicy::default());
        assert!(s.demo_data);
    }

    #[test]
    fn a_real_kiosk_needs_every_setting() {
        assert!(
            settings(&[("SIPS_PAYPAGE_URL", "https://payment-webinit.simu.sips-services.com/paymentInit")]).is_err()
        );
        let mut simulation = vec![
            ("SIPS_PAYPAGE_URL", "https://payment-webinit.simu.sips-services.com/paymentInit"),
            ("SIPS_MERCHANT_ID", "002001000000001"),
            ("SIPS_KEY_VERSION", "1"),
            ("SIPS_SECRET_KEY", "002001000000001_KEY1"),
        ];
        assert!(error_of(&simulation).contains("missing: SIPS_OFFICE_URL"));
        simulation.push(("SIPS_OFFICE_URL", "https://office-server.simu.sips-services.com/"));
        let s = settings(&simulation).expect("real kiosk");
        let kiosk = s.real_kiosk.expect("configured");
        assert_eq!(kiosk.office_url, "https://office-server.simu.sips-services.com");
        assert!(!format!("{kiosk:?}").contains("KEY1"), "the secret never shows in Debug output");
        simulation.pop();
        simulation.push(("SIPS_OFFICE_URL", "office-server.simu.sips-services.com"));
        assert!(error_of(&simulation).contains("SIPS_OFFICE_URL is not an http(s):// address"));
    }

    #[test]
    fn a_real_kiosk_setting_left_empty_is_named() {
        for (i, (name, _)) in REAL.iter().enumerate() {
            let mut pairs = REAL.to_vec();
            pairs[i] = (name, " ");
            assert!(error_of(&pairs).contains(&format!("{name} is empty")), "{name}");
        }
    }

    #[test]
    fn a_real_kiosk_lets_forms_reach_worldlines_hosts_unless_told_which() {
        assert!(settings(&[]).expect("simulator").bank_form_hosts.is_empty());
        assert_eq!(settings(&REAL).expect("real").bank_form_hosts, ["https://*.sips-services.com"]);
        let mut pairs = REAL.to_vec();
        pairs.push(("SIPS_FORM_HOSTS", "https://pay.bank.example, https://*.pay.bank.example"));
        assert_eq!(
            settings(&pairs).expect("told").bank_form_hosts,
            ["https://pay.bank.example", "https://*.pay.bank.example"]
        );
        for wrong in ["http://pay.bank.example", "https://a;script-src *", "'unsafe-inline'", "https://"] {
            pairs.pop();
            pairs.push(("SIPS_FORM_HOSTS", wrong));
            assert!(error_of(&pairs).contains("is not an https:// origin"), "{wrong}");
        }
    }

    #[test]
    fn the_shutdown_grace_is_zero_to_sixty_seconds() {
        assert_eq!(settings(&[]).expect("defaults").shutdown_grace_seconds, 0);
        assert_eq!(settings(&[("SHUTDOWN_GRACE_SECONDS", "60")]).expect("60").shutdown_grace_seconds, 60);
        assert!(error_of(&[("SHUTDOWN_GRACE_SECONDS", "61")]).contains("between 0 and 60"));
        assert!(error_of(&[("SHUTDOWN_GRACE_SECONDS", "-1")]).contains("between 0 and 60"));
    }

    const REAL: [(&str, &str); 5] = [
        ("SIPS_PAYPAGE_URL", "https://payment-webinit.sips-services.com/paymentInit"),
        ("SIPS_MERCHANT_ID", "211000021310001"),
        ("SIPS_KEY_VERSION", "3"),
        ("SIPS_SECRET_KEY", "the caisse's own key"),
        ("SIPS_OFFICE_URL", "https://office-server.sips-services.com"),
    ];

    fn error_of(pairs: &[(&str, &str)]) -> String {
        format!("{:#}", settings(pairs).expect_err("refused"))
    }

    #[test]
    fn a_public_site_refuses_the_simulator_and_the_public_test_merchant_unless_asked() {
        let public = ("PUBLIC_URL", "https://paiement.ameli.example");
        let direct = ("TRUSTED_PROXIES", "none");
        assert!(error_of(&[public]).contains("no bank is configured"));
        for (merchant, key) in sips::simulation::PUBLIC_TEST_MERCHANTS {
            let test_merchant = [public, direct, REAL[0], ("SIPS_MERCHANT_ID", merchant), REAL[2], REAL[3], REAL[4]];
            assert!(error_of(&test_merchant).contains("SIPS_MERCHANT_ID is Worldline's public test merchant"));
            let test_key = [public, direct, REAL[0], REAL[1], REAL[2], ("SIPS_SECRET_KEY", key), REAL[4]];
            assert!(error_of(&test_key).contains("SIPS_SECRET_KEY is Worldline's public test key"));
        }
        let production = settings(&[public, direct, REAL[0], REAL[1], REAL[2], REAL[3], REAL[4]]).expect("a real bank");
        assert!(!production.demo_data, "no demonstration data by default on a public site");
        let training = settings(&[public, direct, ("ALLOW_TEST_KIOSK", "true")]).expect("asked for");
        assert!(training.allow_test_kiosk && !training.demo_data);
        // The demonstration's published passwords: refused, naming the setting.
        let demonstration = error_of(&[public, direct, ("ALLOW_TEST_KIOSK", "true"), ("DEMO_DATA", "true")]);
        assert!(demonstration.contains("DEMO_DATA=true and PUBLIC_URL is https://"), "{demonstration}");
        let local = settings(&[]).expect("the demonstration");
        assert!(local.demo_data, "demonstration data by default over http");
    }

    #[test]
    fn a_public_site_refuses_a_plain_http_bank_address() {
        let public = [("PUBLIC_URL", "https://paiement.ameli.example"), ("TRUSTED_PROXIES", "none")];
        for (index, name) in [(0, "SIPS_PAYPAGE_URL"), (4, "SIPS_OFFICE_URL")] {
            let mut pairs: Vec<(&str, &str)> = public.into_iter().chain(REAL).collect();
            pairs[public.len() + index] = (name, "http://office-server.sips-services.com");
            assert!(error_of(&pairs).starts_with(&format!("{name} is not https:// and PUBLIC_URL is")), "{name}");
            pairs.push(("ALLOW_TEST_KIOSK", "true"));
            assert!(error_of(&pairs).starts_with(&format!("{name} is not https://")), "{name}: even for training");
        }
        let local: Vec<(&str, &str)> = REAL.into_iter().chain([("SIPS_OFFICE_URL", "http://127.0.0.1:3001")]).collect();
        assert!(settings(&local).is_ok(), "over http (a local bank simulator) it is fine");
    }

    #[test]
    fn a_public_site_says_whether_a_proxy_stands_before_it() {
        let training = [("PUBLIC_URL", "https://paiement.ameli.example"), ("ALLOW_TEST_KIOSK", "true")];
        assert!(error_of(&training).starts_with("TRUSTED_PROXIES is not set and PUBLIC_URL is https://"));
        let direct = settings(&[training[0], training[1], ("TRUSTED_PROXIES", "none")]).expect("no proxy");
        assert!(direct.trusted_proxies.is_empty());
        let proxied = settings(&[training[0], training[1], ("TRUSTED_PROXIES", "10.0.0.0/8")]).expect("a proxy");
        assert!(proxied.trusted_proxies.contains("10.1.2.3".parse().expect("ip")));
        assert!(settings(&[]).expect("over http").trusted_proxies.is_empty(), "not required over http");
    }

    #[test]
    fn trusted_proxies_are_networks() {
        assert!(
            settings(&[("TRUSTED_PROXIES", "127.0.0.1/32, 10.0.0.0/8")])
                .expect("networks")
                .trusted_proxies
                .contains("10.2.3.4".parse().expect("ip"))
        );
        assert!(error_of(&[("TRUSTED_PROXIES", "the proxy")]).starts_with("TRUSTED_PROXIES:"));
        assert!(settings(&[]).expect("none").trusted_proxies.is_empty());
    }

    #[test]
    fn refuses_nonsense() {
        assert!(settings(&[("LEPTOS_SITE_ADDR", "nowhere")]).is_err());
        assert!(settings(&[("ELIGIBILITY_MIN_BALANCE", "200")]).is_err());
        assert!(settings(&[("ELIGIBILITY_MAX_BALANCE", "abc")]).is_err());
        assert!(settings(&[("SESSION_IDLE_MINUTES", "0")]).is_err());
        assert!(settings(&[("PROCESSING_INTERVAL_SECONDS", "86401")]).is_err());
        assert_eq!(settings(&[]).map(|s| s.processing_interval_seconds).ok(), Some(60));
    }
}
