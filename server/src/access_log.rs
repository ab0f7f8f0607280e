//! One log line per request (method, route, status, latency, request id), and
//! the request id on every line logged while the request is served — the
//! payment and answer events included — through a tracing span.
//!
//! The id is the `X-Request-Id` a trusted proxy (`TRUSTED_PROXIES`) sends, when
//! it is a sane token; otherwise one is made. It is sent back in the response's
//! `X-Request-Id`. The route is the pattern the router matched
//! (`/mes-paiements/payer-une-creance/{reference}`), never the path itself: a
//! path may carry a reference, and the metrics' labels must stay few.
//! Health checks are logged at debug level only.

use crate::health;
use crate::metrics;
use app::ssr::AppState;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::time::Instant;
use tracing::Instrument;

/// The header a request id comes in and goes back in.
pub const REQUEST_ID: &str = "x-request-id";

/// Logs the request and its outcome, and measures it.
pub async fn log_requests(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(&request, &state);
    let method = request.method().clone();
    let route = route_of(&request);
    let span = tracing::info_span!("request", id = %id, method = %method, route = %route);
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    let latency_ms = elapsed.as_secs_f64() * 1000.0;
    let _inside = span.enter();
    if health::is_health_check(&route) {
        tracing::debug!(status, latency_ms, "request");
    } else {
        tracing::info!(status, latency_ms, "request");
        metrics::http_request(method.as_str(), &route, status, elapsed);
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// The proxy's id when the request comes from a trusted proxy and the id is
/// 1 to 128 characters of letters, digits, `-`, `_`, `.`; otherwise a new one.
fn request_id(request: &Request, state: &AppState) -> String {
    let from_trusted_proxy = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|peer| state.settings.trusted_proxies.contains(peer.0.ip()));
    let given = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok());
    match given {
        Some(id) if from_trusted_proxy && is_sane(id) => id.to_owned(),
        _ => uuid::Uuid::new_v4().simple().to_string(),
    }
}

fn is_sane(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The matched route pattern; for what no route matched, a fixed label.
fn route_of(request: &Request) -> String {
    if let Some(matched) = request.extensions().get::<MatchedPath>() {
        return matched.as_str().to_owned();
    }
    let path = request.uri().path();
    if health::is_health_check(path) {
        path.to_owned()
    } else if path.starts_with("/pkg/") {
        "/pkg/{file}".to_owned()
    } else {
        "(other)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::is_sane;

    #[test]
    fn a_request_id_is_a_short_token() {
        for id in ["a", "4f2c9e0a-1b2c-4d5e-8f90-123456789abc", "req_1.2"] {
            assert!(is_sane(id), "{id}");
        }
        for id in ["", "a b", "x\ny", "é", &"a".repeat(129)] {
            assert!(!is_sane(id), "{id:?}");
        }
    }
}
