//! `/borne`: a public terminal's start page (the rules: `app::ssr::infra::terminal`).
//!
//! On a demonstration (http) site, opening it switches the browser. On a
//! public site the terminals' key is needed, and never in the address (logs
//! and the browser's history keep addresses): the terminal's software sends
//! it in a header (`x-cle-borne`), or a person of the caisse types it into the
//! page's form, which posts it.

use crate::assets::Assets;
use crate::http_policy::{error_page, is_cross_site_post};
use app::ssr::AppState;
use app::ssr::infra::terminal;
use axum::Form;
use axum::extract::{FromRequest as _, Request, State};
use axum::response::{Html, IntoResponse, Response};
use http::{HeaderMap, StatusCode, header};

/// The form's field.
#[derive(serde::Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    cle: String,
}

/// What a wrong key is told.
pub const WRONG_KEY: &str = "Cette clé n'est pas celle des bornes de la caisse.";

/// `GET /borne`: switches this browser (a year-long cookie) and sends it to
/// the sign-in page when it may (a demonstration site, or the key in the
/// header); else, on a public site with a key set, the form that asks for it;
/// without a key set, 404.
pub async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let settings = &state.settings;
    let key = headers.get(terminal::KEY_HEADER).and_then(|v| v.to_str().ok());
    if terminal::may_switch(settings, key) {
        return switched(&state);
    }
    match settings.terminal_key {
        Some(_) => key_page(StatusCode::OK, None),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `POST /borne`: the form's key. Right: switched; wrong: the form again, saying so (403).
pub async fn submit(State(state): State<AppState>, request: Request) -> Response {
    if is_cross_site_post(&request, &state) {
        return error_page(StatusCode::FORBIDDEN, "Cette demande a été refusée.").into_response();
    }
    let Ok(Form(form)) = Form::<KeyForm>::from_request(request, &state).await else {
        return key_page(StatusCode::BAD_REQUEST, Some(WRONG_KEY));
    };
    if terminal::may_switch(&state.settings, Some(&form.cle)) {
        return switched(&state);
    }
    match state.settings.terminal_key {
        Some(_) => key_page(StatusCode::FORBIDDEN, Some(WRONG_KEY)),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn switched(state: &AppState) -> Response {
    let cookie = terminal::set_cookie_header(state.settings.secure_cookies());
    (StatusCode::SEE_OTHER, [(header::LOCATION, app::routes::SIGN_IN.to_owned()), (header::SET_COOKIE, cookie)])
        .into_response()
}

/// The page that asks for the key (self-contained, like the error pages).
fn key_page(status: StatusCode, error: Option<&str>) -> Response {
    let (field, invalid) = if error.is_some() { ("field field--error", "true") } else { ("field", "false") };
    let message = format!("<p class=\"field-error\" id=\"cle-error\">{}</p>", error.unwrap_or_default());
    let body = format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Mode borne – Mon compte ameli</title><link rel=\"stylesheet\" href=\"{stylesheet}\"></head>\
         <body><main id=\"contenu\" class=\"page page--narrow\"><h1>Mode borne</h1>\
         <p>Ce navigateur passera en mode borne d'accueil : pages adaptées à l'écran tactile, \
         déconnexion automatique, aucune saisie mémorisée.</p>\
         <form method=\"post\" action=\"{action}\" class=\"form\" novalidate>\
         <div class=\"{field}\"><label class=\"field__label\" for=\"cle\">Clé des bornes de la caisse</label>{message}\
         <input class=\"input\" id=\"cle\" name=\"cle\" type=\"password\" autocomplete=\"off\" required \
         aria-invalid=\"{invalid}\" aria-describedby=\"cle-error\">\
         </div><button type=\"submit\" class=\"button\">Activer le mode borne</button></form></main></body></html>",
        stylesheet = Assets::get().stylesheet,
        action = app::routes::TERMINAL,
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}
