//! What a server function finds in Leptos' context: the app state, the request,
//! the session; and how it answers: statuses, cookies, redirects.

use super::ids::PersonId;
use super::session::{self, Flash, Owner, Session};
use crate::error::AppError;
use crate::ssr::AppState;
use http::header::{COOKIE, SET_COOKIE};
use http::request::Parts;
use http::{HeaderName, HeaderValue, StatusCode};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

/// Header marking a response whose status the app set itself; the server uses it
/// to tell framework-level decoding failures (a 400) from the app's own errors.
pub const HANDLED_HEADER: &str = "x-pc-handled";

/// The app state.
pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| unexpected(anyhow::anyhow!("AppState missing from the context")))
}

/// What `read` finds in the request's parts (read in the context, not copied
/// out of it: a copy of every header per call is what the busiest calls
/// would pay for nothing).
fn with_parts<T>(read: impl FnOnce(&Parts) -> T) -> Result<T, AppError> {
    with_context::<Parts, _>(read).ok_or_else(|| unexpected(anyhow::anyhow!("request parts missing from the context")))
}

/// Logs an unexpected failure with its cause chain and turns it into a 503.
pub fn unexpected(error: anyhow::Error) -> AppError {
    tracing::error!(error = format!("{error:#}"), "unexpected failure");
    fail(AppError::Unavailable)
}

/// Sets the response status of `error` and returns it. A redirect already
/// decided for this response (a form post or a page sent elsewhere) stands: the
/// browser follows it and the next page shows the messages.
pub fn fail(error: AppError) -> AppError {
    let status = error.status();
    fail_as(error, status)
}

/// Returns `error` with the response status `status` (unless redirecting).
fn fail_as(error: AppError, status: u16) -> AppError {
    if let Some(response) = use_context::<ResponseOptions>() {
        let redirecting =
            response.0.read().map(|parts| parts.status.is_some_and(|s| s.is_redirection())).unwrap_or(false);
        if !redirecting {
            response.set_status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
        }
        response.insert_header(HeaderName::from_static(HANDLED_HEADER), HeaderValue::from_static("1"));
    }
    error
}

/// Answers 404 (the page still renders its «introuvable» text).
pub fn not_found() {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(StatusCode::NOT_FOUND);
        response.insert_header(HeaderName::from_static(HANDLED_HEADER), HeaderValue::from_static("1"));
    }
}

/// Maps a database error: unreachable → 503 without noise; else logged.
pub fn db_error(error: sqlx::Error) -> AppError {
    if super::db::is_unavailable(&error) {
        tracing::warn!(error = %error, "database unavailable");
        fail(AppError::Unavailable)
    } else {
        unexpected(anyhow::Error::new(error))
    }
}

/// Sends the browser to `path` after this request: a plain form post or a
/// page with a redirect status, a call from the app in the browser with the
/// header its router follows (`leptos_axum::redirect`).
pub fn redirect(path: &str) {
    leptos_axum::redirect(path);
}

/// Sends a plain form post back to the page it came from, `path`; the app in
/// the browser stays on it (and loads the page's data again itself).
pub fn redirect_form_post(path: &str) {
    if is_form_post() {
        redirect(path);
    }
}

/// What an action answers once it has changed the page at `path`: a plain
/// form post is sent there (the browser loads it; the answer's body is not
/// read, so `page` is not built, and a default stands in); the app gets
/// `page`, the page's data as it now is, which it shows without asking for
/// it again (`pages::AnsweredPage::shown_after`).
pub async fn changed_page<T: Default>(
    path: &str,
    page: impl Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    if is_form_post() {
        redirect(path);
        return Ok(T::default());
    }
    page.await
}

/// Whether this request is a plain form post or page load (the browser
/// without the app, which expects a page), rather than a call from the app
/// in the browser (which shows the answer in place).
pub fn is_form_post() -> bool {
    with_parts(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    })
    .unwrap_or(false)
}

/// Turns a form down: a plain form post is sent back to `page` with `flash`
/// (what was entered, and the messages next to their fields); the app in the
/// browser gets the messages ([`AppError::Invalid`]) to show in place. The
/// status says why: `cause`'s (a wrong field 422, too many tries 429, the
/// password checks all busy 503).
pub async fn refuse(
    state: &AppState,
    session: Option<&Session>,
    flash: Flash,
    page: &str,
    cause: AppError,
) -> AppError {
    if is_form_post() {
        if let Err(error) = leave_flash(state, session, &flash).await {
            return error;
        }
        redirect(page);
    }
    fail_as(AppError::Invalid(flash.errors.into()), cause.status())
}

/// Turns a form down for its fields' errors, as [`refuse`] (422).
pub async fn refuse_form(state: &AppState, session: Option<&Session>, flash: Flash, page: &str) -> AppError {
    refuse(state, session, flash, page, AppError::Invalid(Default::default())).await
}

/// The live session of a request with these headers, if any (also for plain
/// axum handlers, outside Leptos).
pub async fn session_of(state: &AppState, headers: &http::HeaderMap) -> Result<Option<Session>, sqlx::Error> {
    session_with(state, headers, true).await
}

/// As [`session_of`], without counting the request as the person's activity
/// (what a page asks on its own: an unattended page must still time out).
pub async fn session_unslid(state: &AppState, headers: &http::HeaderMap) -> Result<Option<Session>, sqlx::Error> {
    session_with(state, headers, false).await
}

async fn session_with(
    state: &AppState,
    headers: &http::HeaderMap,
    slide: bool,
) -> Result<Option<Session>, sqlx::Error> {
    match key_of(state, headers) {
        Some(key) => session::read(&state.store, &key, slide).await,
        None => Ok(None),
    }
}

/// What names the request's session, if it carries a session cookie: for a
/// statement that reads the session and its owner's data at once.
pub fn session_key(state: &AppState) -> Result<Option<session::Key>, AppError> {
    with_parts(|parts| key_of(state, &parts.headers))
}

fn key_of(state: &AppState, headers: &http::HeaderMap) -> Option<session::Key> {
    let token = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| session::token_from_cookie_header(h, state.settings.secure_cookies()))?;
    let limits = super::terminal::session_limits(&state.settings, headers);
    Some(session::Key::new(token, state.clock.now_ms(), limits))
}

/// Counts a `call` of `subject` (`limits`), or turns it down: 429 with
/// `Retry-After`, «Trop de tentatives…».
pub fn limit(state: &AppState, call: super::limits::Call, subject: &str) -> Result<(), AppError> {
    within_limit(state, call, subject).map_err(fail)
}

/// As [`limit`], for a form: the refusal, next to `field` of `flash` (which
/// keeps what was typed), goes back to `page` without JavaScript.
pub async fn limit_form(
    state: &AppState,
    call: super::limits::Call,
    subject: &str,
    refusal: (Option<&Session>, Flash, &str, &str),
) -> Result<(), AppError> {
    let Err(error) = within_limit(state, call, subject) else { return Ok(()) };
    let (session, flash, field, page) = refusal;
    Err(refuse(state, session, flash.error(field, error.to_string()), page, error).await)
}

/// Counts a `call` of `subject`; beyond its limit, `Retry-After` is set and
/// the refusal returned.
fn within_limit(state: &AppState, call: super::limits::Call, subject: &str) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    state.limits.take(call, subject, now).map_err(|super::limits::RetryAfter(seconds)| {
        tracing::warn!(?call, seconds, "call limited");
        if let Some(response) = use_context::<ResponseOptions>() {
            response.insert_header(http::header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        AppError::TooManyRequests
    })
}

/// The client's address: the connection's, or the one a trusted proxy names
/// (`client_address`).
pub fn client_address(state: &AppState) -> Option<String> {
    with_context::<Parts, _>(|parts| {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()?.0.ip();
        let forwarded = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
        Some(state.settings.trusted_proxies.client(peer, forwarded).to_string())
    })
    .flatten()
}

/// Whether this request comes from a public terminal (`terminal`).
pub fn is_terminal(state: &AppState) -> bool {
    with_parts(|parts| super::terminal::is_terminal(&state.settings, &parts.headers)).unwrap_or(false)
}

/// How long this request's session may stay without a request (shorter on a
/// public terminal).
pub fn session_idle(state: &AppState) -> std::time::Duration {
    with_parts(|parts| super::terminal::session_idle(&state.settings, &parts.headers))
        .unwrap_or(state.settings.session_idle)
}

/// The live session of this request, if any.
pub async fn current_session(state: &AppState) -> Result<Option<Session>, AppError> {
    match session_key(state)? {
        Some(key) => session::read(&state.store, &key, true).await.map_err(db_error),
        None => Ok(None),
    }
}

/// The signed-in person's session, or 401 and a redirect to the sign-in page.
pub async fn require_person(state: &AppState) -> Result<(PersonId, Session), AppError> {
    match current_session(state).await? {
        Some(session) => match &session.owner {
            Owner::Person(id) => Ok((id.clone(), session)),
            _ => Err(not_signed_in(crate::routes::SIGN_IN)),
        },
        None => Err(not_signed_in(crate::routes::SIGN_IN)),
    }
}

/// A redirect to `sign_in_path` for a page or a plain form; 401 for a fetch.
pub fn not_signed_in(sign_in_path: &str) -> AppError {
    redirect(sign_in_path);
    fail(AppError::NotSignedIn)
}

/// Gives the browser a new session cookie.
pub fn set_session_cookie(state: &AppState, token: &str) {
    if let Some(response) = use_context::<ResponseOptions>()
        && let Ok(value) = HeaderValue::from_str(&session::set_cookie_header(token, state.settings.secure_cookies()))
    {
        response.append_header(SET_COOKIE, value);
    }
}

/// Tells the browser to forget its session cookie.
pub fn clear_session_cookie(state: &AppState) {
    if let Some(response) = use_context::<ResponseOptions>()
        && let Ok(value) = HeaderValue::from_str(&session::clear_cookie_header(state.settings.secure_cookies()))
    {
        response.append_header(SET_COOKIE, value);
    }
}

/// Leaves `flash` for the next page: on the current session, or, for a
/// visitor without one, in a short-lived cookie (no database row).
pub async fn leave_flash(state: &AppState, session: Option<&Session>, flash: &Flash) -> Result<(), AppError> {
    match session {
        Some(session) => session::put_flash(&state.store, &session.id_hash, flash).await.map_err(db_error),
        None => {
            if let Some(header) = session::set_flash_cookie_header(flash, state.settings.secure_cookies())
                && let Ok(value) = HeaderValue::from_str(&header)
                && let Some(response) = use_context::<ResponseOptions>()
            {
                response.append_header(SET_COOKIE, value);
            }
            Ok(())
        }
    }
}

/// Takes the flash `form` left for this request: on its session, or in the
/// flash cookie of a visitor without one (the cookie is then cleared).
pub async fn take_flash(state: &AppState, session: Option<&Session>, form: &str) -> Result<Option<Flash>, AppError> {
    match session {
        Some(session) => session::take_flash(&state.store, session, form).await.map_err(db_error),
        None => {
            let secure = state.settings.secure_cookies();
            let flash = with_parts(|parts| {
                parts
                    .headers
                    .get_all(COOKIE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .find_map(|h| session::flash_from_cookie_header(h, secure))
            })?;
            let Some(flash) = flash.filter(|f| f.form == form) else { return Ok(None) };
            if let Some(response) = use_context::<ResponseOptions>()
                && let Ok(value) = HeaderValue::from_str(&session::clear_flash_cookie_header(secure))
            {
                response.append_header(SET_COOKIE, value);
            }
            Ok(Some(flash))
        }
    }
}
