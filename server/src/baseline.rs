//! The benchmark's baseline (`BENCH_BASELINE=true` only): a bare axum handler
//! doing the same indexed point query as the reference lookup, with no
//! session, no Leptos, no server-function machinery — what the hardware and
//! the database allow.

use app::ssr::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use http::StatusCode;

#[derive(serde::Deserialize)]
struct Lookup {
    reference: String,
    person: String,
}

async fn lookup(State(state): State<AppState>, Query(q): Query<Lookup>) -> impl IntoResponse {
    let row = app::ssr::insured::creances::bare_lookup(&state.store, &q.reference, &q.person).await;
    match row {
        Ok(Some(payable)) => (StatusCode::OK, payable.to_string()),
        Ok(None) => (StatusCode::NOT_FOUND, String::new()),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, String::new()),
    }
}

/// `/bench/baseline?reference=…&person=…`.
pub fn router(state: AppState) -> Router {
    Router::new().route("/bench/baseline", get(lookup)).with_state(state)
}
