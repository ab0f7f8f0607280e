//! `GET /api/etat-des-paiements?paiements=…`: where the signed-in person's
//! payments stand, in the app's encoding of its answers (`app::codec`).
//! Their pages follow the payments still under way with it, and show each
//! change in place.

use app::api::payments::{MAX_FOLLOWED, payment_states};
use app::domain::TransactionReference;
use app::ssr::AppState;
use app::ssr::infra::context::session_unslid;
use app::ssr::infra::limits::{Call, RetryAfter};
use app::ssr::infra::session::Owner;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};

/// The query: the attempts' references, separated by commas.
#[derive(Debug, serde::Deserialize)]
pub struct StatesQuery {
    paiements: String,
}

/// The states of the person's payments asked for (others' are left out):
/// 401 without a person's session, 400 for a list that is not references,
/// 429 beyond the session's limit (`limits`). The page asks on its own: the
/// question does not count as the person's activity, so an unattended page
/// still times out.
pub async fn states(State(state): State<AppState>, Query(query): Query<StatesQuery>, headers: HeaderMap) -> Response {
    let person = match session_unslid(&state, &headers).await {
        Ok(Some(session)) => match session.owner {
            Owner::Person(person) => {
                match state.limits.take(Call::PaymentStates, &session.id_hash, state.clock.now_ms()) {
                    Ok(()) => person,
                    Err(RetryAfter(seconds)) => {
                        let message = "Trop de demandes. Veuillez réessayer dans quelques instants.";
                        return (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, seconds.to_string())], message)
                            .into_response();
                    }
                }
            }
            _ => return StatusCode::UNAUTHORIZED.into_response(),
        },
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(error) => {
            tracing::warn!(%error, "session lookup failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let asked: Result<Vec<TransactionReference>, _> =
        query.paiements.split(',').take(MAX_FOLLOWED + 1).map(TransactionReference::parse).collect();
    let asked = match asked {
        Ok(asked) if !asked.is_empty() && asked.len() <= MAX_FOLLOWED => asked,
        _ => return StatusCode::BAD_REQUEST.into_response(),
    };
    match payment_states(&state, &person, &asked).await {
        Ok(states) => match app::codec::encode(&states) {
            Ok(bytes) => ([(header::CONTENT_TYPE, app::codec::CONTENT_TYPE)], bytes).into_response(),
            Err(error) => {
                tracing::error!(%error, "encoding payment states failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        },
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "reading payment states failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
