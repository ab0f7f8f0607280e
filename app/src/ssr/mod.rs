//! Server-only code: the services behind the server functions and the
//! server's own routes.
//!
//! - [`infra`]: database, clock, time, audit trail, sessions and request
//!   context, passwords, security headers;
//! - [`lifecycle`]: a payment's states and transitions, as every service
//!   reads and writes them;
//! - [`sign_in`]: signing in and out (persons and agents), the throttle;
//! - [`insured`]: persons and their créances;
//! - [`payments`]: payment attempts, from «PAYER» to the kiosk's answers;
//! - [`messages`]: «Ma messagerie» and the PDF acknowledgement;
//! - [`processing`]: the run that applies accepted payments;
//! - [`agents`]: the caisse's back office;
//! - [`demo`]: the demonstration data.
//!
//! A module may use those listed before it, never one after it.
//!
//! Error policy: each service returns its own `thiserror` enum whose user-facing
//! variants carry the French message; everything else is `Unexpected(anyhow::Error)`
//! built with `.context("…")`. The `api` layer logs unexpected errors with their
//! cause chain and answers a generic French message with a 5xx status
//! ([`crate::error::AppError`]).

pub mod agents;
pub mod demo;
pub mod infra;
pub mod insured;
pub mod lifecycle;
pub mod messages;
pub mod payments;
pub mod processing;
pub mod sign_in;

use crate::domain::EligibilityPolicy;
use std::sync::Arc;

pub use infra::clock::Clock;
pub use infra::db::Store;
pub use sips::Secret;

/// How the app reaches the bank kiosk (Worldline Sips 2.0 Paypage POST).
#[derive(Debug, Clone)]
pub struct KioskSettings {
    /// Where the browser posts the payment request.
    pub paypage_url: String,
    /// The bank's Sips Office server (no trailing slash), asked what became
    /// of a transaction before an attempt is abandoned.
    pub office_url: String,
    /// The merchant identifier the bank gave the caisse.
    pub merchant_id: String,
    /// The version of the secret key.
    pub key_version: String,
    /// The secret key the seals are computed with.
    pub secret_key: Secret<String>,
    /// The `InterfaceVersion` sent with requests.
    pub interface_version: String,
    /// Other origins the payment form may end up posting to (the bank's
    /// payment init may redirect the post to another of its hosts), as
    /// Content-Security-Policy sources (`https://*.sips-services.com`).
    pub form_hosts: Vec<String>,
}

/// Settings the app's services read (built by the server from its configuration).
#[derive(Debug, Clone)]
pub struct AppSettings {
    /// The app's public base URL, without a trailing slash: the kiosk calls it back.
    pub public_url: String,
    /// The bank kiosk.
    pub kiosk: KioskSettings,
    /// Which avis are open to online payment.
    pub eligibility: EligibilityPolicy,
    /// A session ends after this long without a request.
    pub session_idle: std::time::Duration,
    /// The proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: infra::client_address::TrustedProxies,
    /// Every browser is a public terminal's (`TERMINAL_MODE`; see `infra::terminal`).
    pub terminal_mode: bool,
    /// On a public site, the key that `/borne` needs (`TERMINAL_KEY`).
    pub terminal_key: Option<Secret<String>>,
}

impl AppSettings {
    /// Settings for unit tests: served at `public_url`, a real-looking kiosk,
    /// everything else at its default.
    #[cfg(test)]
    pub(crate) fn for_tests(public_url: &str) -> AppSettings {
        AppSettings {
            public_url: public_url.to_owned(),
            kiosk: KioskSettings {
                paypage_url: "https://payment-webinit.sips-services.com/paymentInit".to_owned(),
                office_url: "https://office-server.sips-services.com".to_owned(),
                merchant_id: "211000021310001".to_owned(),
                key_version: "3".to_owned(),
                secret_key: Secret::new("k".to_owned()),
                interface_version: "HP_2.20".to_owned(),
                form_hosts: vec!["https://*.sips-services.com".to_owned()],
            },
            eligibility: Default::default(),
            session_idle: std::time::Duration::ZERO,
            trusted_proxies: Default::default(),
            terminal_mode: false,
            terminal_key: None,
        }
    }

    /// True when the app is served over TLS: cookies then get `Secure` and the
    /// `__Host-` prefix.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// Everything a request handler needs, provided once through Leptos' context and
/// axum's state.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The time source (fixed in tests).
    pub clock: Clock,
    /// Configuration.
    pub settings: Arc<AppSettings>,
    /// The counters of the calls that cost more than a page (`infra::limits`).
    pub limits: Arc<infra::limits::Limits>,
    /// The password hashes each client network has running or waiting
    /// (`infra::password`).
    pub password_shares: Arc<infra::password::NetworkShares>,
}
