//! Liveness and readiness, for a load balancer or an orchestrator: cheap,
//! outside the session and cross-site machinery, logged only at debug level.
//!
//! `GET /healthz`: the process serves (200 `ok`). `GET /readyz`: the process is
//! not shutting down, the database answers within a second, and every migration
//! of this build has run (200 `ready`); otherwise 503 `not ready`, the reason
//! written to the log alone (a database's error names its host, its user, its
//! schema: not for whoever asks). (The bank kiosk needs no check: the server
//! does not start without one.)

use crate::state::ServerState;
use app::ssr::AppState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::atomic::Ordering;
use std::time::Duration;

/// Where the checks are served.
pub const LIVENESS: &str = "/healthz";
/// Where the readiness is served.
pub const READINESS: &str = "/readyz";

/// How long the database has to answer the readiness check.
const DATABASE_LIMIT: Duration = Duration::from_secs(1);

/// True for the two paths, which the request log keeps at debug level.
pub fn is_health_check(path: &str) -> bool {
    path == LIVENESS || path == READINESS
}

/// Liveness: the process answers.
pub async fn live() -> Response {
    plain(StatusCode::OK, "ok\n".to_owned())
}

/// Readiness: not shutting down, the database, the migrations.
pub async fn ready(State(state): State<ServerState>) -> Response {
    let reason = match state.draining.load(Ordering::SeqCst) {
        true => Some("shutting down".to_owned()),
        false => not_ready_because(&state.app).await,
    };
    match reason {
        None => plain(StatusCode::OK, "ready\n".to_owned()),
        Some(reason) => {
            tracing::warn!(%reason, "not ready");
            plain(StatusCode::SERVICE_UNAVAILABLE, "not ready\n".to_owned())
        }
    }
}

async fn not_ready_because(state: &AppState) -> Option<String> {
    match tokio::time::timeout(DATABASE_LIMIT, state.store.ping()).await {
        Err(_) => return Some(format!("the database did not answer within {} ms", DATABASE_LIMIT.as_millis())),
        Ok(Err(error)) => return Some(format!("the database is unreachable ({error})")),
        Ok(Ok(())) => {}
    }
    match state.store.pending_migrations().await {
        Err(error) => Some(format!("the migrations could not be read ({error})")),
        Ok(0) => None,
        Ok(pending) => Some(format!("{pending} migration(s) of this build have not run")),
    }
}

fn plain(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body)
        .into_response()
}
