//! What every HTTP exchange goes through: security headers, the cross-site
//! request check, and the mapping of server-function failures to proper
//! statuses and French pages.

use app::ssr::AppState;
use app::ssr::context::HANDLED_HEADER;
use app::ssr::security::{content_security_policy, origin_of};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use http::header::{self, HeaderValue};
use http::{Method, StatusCode};

/// Applies the policy around every request.
pub async fn enforce(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let wants_html = accepts_html(&request);
    if request.method() != Method::GET && request.method() != Method::HEAD && is_api && is_cross_site(&request, &state)
    {
        tracing::warn!(path = request.uri().path(), "cross-site request refused");
        let mut response = error_page(StatusCode::FORBIDDEN, "Cette demande a été refusée.").into_response();
        add_security_headers(&mut response, &state);
        return response;
    }
    let mut response = next.run(request).await;
    if is_api {
        let handled = response.headers_mut().remove(HANDLED_HEADER).is_some();
        if response.status() == StatusCode::INTERNAL_SERVER_ERROR && !handled {
            // The server-function layer failed before our code ran: the request
            // itself was malformed (missing or undecodable arguments).
            *response.status_mut() = StatusCode::BAD_REQUEST;
        }
        if wants_html && (response.status().is_client_error() || response.status().is_server_error()) {
            response = error_page(response.status(), message_for(response.status())).into_response();
        }
    }
    add_security_headers(&mut response, &state);
    response
}

fn accepts_html(request: &Request) -> bool {
    request.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

/// True when the browser says the request comes from another site: the
/// `Sec-Fetch-Site` header, or an `Origin` that is not the app's own.
fn is_cross_site(request: &Request, state: &AppState) -> bool {
    let headers = request.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => origin != origin_of(&state.settings.public_url),
        None => false,
    }
}

fn message_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 422 => "La demande n'est pas valide.",
        401 => "Votre session a expiré. Veuillez vous reconnecter.",
        403 => "Cette demande a été refusée.",
        404 => "Page introuvable.",
        429 => "Trop de tentatives. Veuillez réessayer dans quelques minutes.",
        _ => "Le service est momentanément indisponible. Veuillez réessayer dans quelques minutes.",
    }
}

/// A small, self-contained French error page (it must work when nothing else does).
pub fn error_page(status: StatusCode, message: &str) -> (StatusCode, Html<String>) {
    let body = format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Erreur – Mon compte ameli</title><link rel=\"stylesheet\" href=\"/pkg/payer-creance.css\"></head>\
         <body><main id=\"contenu\" class=\"page\"><h1>Une erreur est survenue</h1>\
         <div class=\"banner banner--error\" role=\"alert\"><p>{message}</p></div>\
         <p><a href=\"/accueil\">Retour à l'accueil</a></p></main></body></html>"
    );
    (status, Html(body))
}

fn add_security_headers(response: &mut Response<Body>, state: &AppState) {
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(csp) = HeaderValue::from_str(&content_security_policy(&state.settings, None))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CACHE_CONTROL) && response_is_dynamic(headers) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

fn response_is_dynamic(headers: &http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/json"))
}
