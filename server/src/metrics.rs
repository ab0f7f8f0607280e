//! The Prometheus endpoint: `GET /metrics` on `METRICS_ADDR` only (off by
//! default), never on the public address.
//!
//! Counters and histograms are recorded where things happen
//! (`app::ssr::infra::metrics`, and the HTTP requests here); the gauges below
//! are read at each scrape: payments waiting for the processing run and the age
//! of the oldest, the database pool, the password queue.

use app::ssr::AppState;
use app::ssr::infra::password;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

/// HTTP requests, by method, route and status.
const HTTP_REQUESTS: &str = "http_requests_total";
/// HTTP request durations, by route.
const HTTP_DURATION: &str = "http_request_duration_seconds";

/// The process's recorder, installed at most once (several applications of one
/// process, as in the tests, share it).
fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
            let handle = PrometheusBuilder::new().set_buckets(&buckets).ok()?.install_recorder().ok()?;
            app::ssr::infra::metrics::describe();
            metrics::describe_counter!(HTTP_REQUESTS, "HTTP requests answered, by method, route and status.");
            metrics::describe_histogram!(HTTP_DURATION, metrics::Unit::Seconds, "HTTP request durations, by route.");
            describe_gauges();
            Some(handle)
        })
        .as_ref()
}

/// Installs the recorder: from now on the measures are kept.
pub fn install() -> anyhow::Result<()> {
    handle().map(|_| ()).ok_or_else(|| anyhow::anyhow!("a metrics recorder could not be installed"))
}

/// An HTTP request answered.
pub fn http_request(method: &str, route: &str, status: u16, elapsed: Duration) {
    metrics::counter!(HTTP_REQUESTS, "method" => method.to_owned(), "route" => route.to_owned(), "status" => status.to_string())
        .increment(1);
    metrics::histogram!(HTTP_DURATION, "route" => route.to_owned()).record(elapsed.as_secs_f64());
}

/// The metrics router, for `METRICS_ADDR`.
pub fn router(state: AppState) -> Router {
    Router::new().route("/metrics", get(render)).with_state(state)
}

async fn render(State(state): State<AppState>) -> Response {
    let Some(handle) = handle() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "no metrics recorder\n").into_response();
    };
    if let Err(error) = refresh_gauges(&state).await {
        tracing::warn!(error = format!("{error:#}"), "metrics gauges not refreshed");
    }
    handle.run_upkeep();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render()).into_response()
}

/// The gauges, read now.
async fn refresh_gauges(state: &AppState) -> anyhow::Result<()> {
    let pool = state.store.pool();
    metrics::gauge!("db_pool_connections").set(f64::from(pool.size()));
    metrics::gauge!("db_pool_idle_connections").set(f64::from(u32::try_from(pool.num_idle())?));
    metrics::gauge!("password_hashes_in_flight").set(f64::from(u32::try_from(password::in_flight())?));
    metrics::counter!("page_renders_stalled_total").absolute(crate::http_policy::stalled_renders());
    let backlog = app::ssr::processing::backlog(&state.store, state.clock.now_ms()).await?;
    metrics::gauge!("payments_waiting").set(backlog.waiting as f64);
    metrics::gauge!("payments_oldest_waiting_age_seconds").set(backlog.oldest_ms as f64 / 1000.0);
    for (waiting, count) in app::ssr::agents::refunds::waiting(&state.store).await? {
        metrics::gauge!("refunds_waiting", "state" => waiting.value()).set(count as f64);
    }
    let open = app::ssr::agents::reconciliation::resolve::open_count(&state.store).await?;
    metrics::gauge!("discrepancies_open").set(open as f64);
    Ok(())
}

fn describe_gauges() {
    metrics::describe_gauge!("db_pool_connections", "Connections open in the database pool.");
    metrics::describe_gauge!("db_pool_idle_connections", "Idle connections in the database pool.");
    metrics::describe_gauge!("password_hashes_in_flight", "Password hashes running or waiting.");
    metrics::describe_counter!("page_renders_stalled_total", "Page renders answered 503 after the render limit.");
    metrics::describe_gauge!("payments_waiting", "Accepted payments waiting for the processing run.");
    metrics::describe_gauge!(
        "refunds_waiting",
        "Refunds waiting for a second agent (asked) or for the bank's word (sending), by state."
    );
    metrics::describe_gauge!("discrepancies_open", "Discrepancies of the bank reconciliation no agent has resolved.");
    metrics::describe_gauge!(
        "payments_oldest_waiting_age_seconds",
        metrics::Unit::Seconds,
        "Age of the oldest accepted payment waiting for the processing run."
    );
}
