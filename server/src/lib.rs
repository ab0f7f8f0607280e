//! The server of «Payer une créance»: configuration, start-up, the HTTP routes
//! that are not Leptos pages.

pub mod config;
pub mod http_policy;
pub mod startup;
pub mod telemetry;

pub use config::Settings;
pub use startup::Application;
