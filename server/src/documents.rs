//! Files to download: a person's acknowledgement as PDF, an agent's
//! reconciliation export as CSV.

use crate::http_policy::{agent_session, error_page, unavailable};
use app::routes;
use app::ssr::infra::context::session_of;
use app::ssr::infra::session::Owner;
use app::ssr::{AppState, messages};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};

/// `GET /ma-messagerie/{id}/pdf`: the signed-in person's message as a PDF.
pub async fn message_pdf(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let person = match session_of(&state, &headers).await {
        Ok(Some(session)) => match session.owner {
            Owner::Person(person) => person,
            _ => return Redirect::to(routes::SIGN_IN).into_response(),
        },
        Ok(None) => return Redirect::to(routes::SIGN_IN).into_response(),
        Err(error) => {
            tracing::warn!(%error, "session lookup failed");
            return unavailable();
        }
    };
    match messages::pdf_of(&state.store, &person, &id).await {
        Ok(Some((name, bytes))) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
            if let Ok(disposition) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                headers.insert(header::CONTENT_DISPOSITION, disposition);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            response
        }
        Ok(None) => error_page(StatusCode::NOT_FOUND, "Ce message n'existe pas.").into_response(),
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "making a PDF failed");
            unavailable()
        }
    }
}

/// The filters of the export.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportFilters {
    du: Option<String>,
    au: Option<String>,
}

/// `GET /agent/export.csv?du=…&au=…`: the agent's caisse's accepted payments
/// of the period, for reconciliation (columns: `app::ssr::agents::export::CSV_COLUMNS`).
pub async fn payments_csv(
    State(state): State<AppState>,
    Query(filters): Query<ExportFilters>,
    headers: HeaderMap,
) -> Response {
    let agent_id = match agent_session(&state, &headers).await {
        Ok((_, agent)) => agent,
        Err(answer) => return answer,
    };
    let (from, to, from_ms, to_ms) =
        app::ssr::agents::payments::date_range(filters.du.as_deref(), filters.au.as_deref(), state.clock.now_ms());
    let export = async {
        let agent = app::ssr::agents::agent(&state.store, &agent_id).await?;
        let lines = app::ssr::agents::export::export(&state.store, &agent.caisse_code, from_ms, to_ms).await?;
        Ok::<_, anyhow::Error>((agent.caisse_code, app::ssr::agents::export::to_csv(&lines)?))
    };
    match export.await {
        Ok((caisse, bytes)) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
            if let Ok(disposition) =
                HeaderValue::from_str(&format!("attachment; filename=\"paiements-{caisse}-{from}-{to}.csv\""))
            {
                headers.insert(header::CONTENT_DISPOSITION, disposition);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            response
        }
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "making the export failed");
            unavailable()
        }
    }
}
