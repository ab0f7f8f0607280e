//! `/borne`: a public terminal's start page (the rules: `app::ssr::infra::terminal`).

use app::ssr::AppState;
use app::ssr::infra::terminal;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

/// `/borne`'s query: on a public site, the terminals' key.
#[derive(serde::Deserialize)]
pub struct SwitchQuery {
    cle: Option<String>,
}

/// `GET /borne[?cle=…]`: switches this browser to terminal mode (a year-long
/// cookie) and sends it to the sign-in page. On a public site without the
/// right key: 404.
pub async fn switch(State(state): State<AppState>, Query(query): Query<SwitchQuery>) -> Response {
    let settings = &state.settings;
    if !terminal::may_switch(settings, query.cle.as_deref()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let cookie = terminal::set_cookie_header(settings.secure_cookies());
    (StatusCode::SEE_OTHER, [(header::LOCATION, app::routes::SIGN_IN.to_owned()), (header::SET_COOKIE, cookie)])
        .into_response()
}
