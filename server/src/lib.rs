//! The server of «Payer une créance»: configuration, start-up, the HTTP policy
//! every exchange goes through, and the HTTP routes that are not Leptos pages
//! (the kiosk's answers, the PDF acknowledgement, the CSV export, a public
//! terminal's switch). The embedded kiosk simulator is the `kiosk` crate,
//! wired in by [`startup`] when no real bank is configured.

pub mod access_log;
pub mod answers;
pub mod assets;
pub mod bank_reports;
pub mod baseline;
pub mod commands;
pub mod config;
pub mod documents;
pub mod health;
pub mod housekeeping;
pub mod http_policy;
pub mod metrics;
pub mod payment_states;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod terminal;
pub mod valid_html;

pub use config::Settings;
pub use startup::Application;
