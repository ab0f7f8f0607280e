//! Logs on standard error, filtered by `RUST_LOG` (default `info,sqlx=warn`):
//! one line per event, as text, or as JSON objects with `LOG_FORMAT=json` for
//! log shippers. Each line carries the spans it happened in — for a request,
//! its id, method and route (`access_log`).

use tracing_subscriber::EnvFilter;

/// Installs the log subscriber once; later calls do nothing.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match std::env::var("LOG_FORMAT").as_deref() {
        Ok("json") => builder.json().with_current_span(false).with_span_list(true).try_init(),
        _ => builder.try_init(),
    };
}
