//! Files the person downloads: the acknowledgement as PDF.

use crate::http_policy::error_page;
use app::ssr::context::session_of;
use app::ssr::session::Owner;
use app::ssr::{AppState, messages};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};

/// `GET /ma-messagerie/{id}/pdf`: the signed-in person's message as a PDF.
pub async fn message_pdf(State(state): State<AppState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let person = match session_of(&state, &headers).await {
        Ok(Some(session)) => match session.owner {
            Owner::Person(person) => person,
            _ => return Redirect::to("/connexion").into_response(),
        },
        Ok(None) => return Redirect::to("/connexion").into_response(),
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

fn unavailable() -> Response {
    error_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Le service est momentanément indisponible. Veuillez réessayer dans quelques minutes.",
    )
    .into_response()
}
