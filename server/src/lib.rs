//! The server of «Payer une créance»: configuration, start-up, the HTTP routes
//! that are not Leptos pages.

pub mod answers;
pub mod baseline;
pub mod commands;
pub mod config;
pub mod dataset;
pub mod documents;
pub mod housekeeping;
pub mod http_policy;
pub mod startup;
pub mod telemetry;

pub use config::Settings;
pub use startup::Application;
