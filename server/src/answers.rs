//! The kiosk's answers: `normalReturnUrl` (through the browser) and
//! `automaticResponseUrl` (server to server, authoritative). Both are verified
//! and applied by the same service, exactly once.

use crate::http_policy::error_page;
use app::api::auth::TERMINAL_PAYMENT_FLASH;
use app::api::home::Banner;
use app::api::payments::PaymentState;
use app::domain::TransactionReference;
use app::routes;
use app::ssr::AppState;
use app::ssr::infra::session::{self, Flash, Owner};
use app::ssr::infra::{context, terminal};
use app::ssr::lifecycle::Channel;
use app::ssr::payments::{self, AnswerError};
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use http::header::{self, HeaderValue};
use http::{HeaderMap, StatusCode};
use sips::SealedForm;

fn status_of(error: &AnswerError) -> StatusCode {
    match error {
        AnswerError::Untrusted(_) => StatusCode::FORBIDDEN,
        AnswerError::Malformed(_) | AnswerError::NotEuros | AnswerError::AmountMismatch => StatusCode::BAD_REQUEST,
        AnswerError::UnknownReference => StatusCode::NOT_FOUND,
        AnswerError::Unexpected(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn log_unexpected(error: &AnswerError) {
    if let AnswerError::Unexpected(cause) = error {
        tracing::error!(error = format!("{cause:#}"), "applying a kiosk answer failed");
    }
}

/// `POST /paiement/retour`: the person comes back from the kiosk. The answer is
/// applied (if the automatic response has not done it already), then the
/// browser goes on to [`after_return`]. This cross-site post carries none of
/// the app's cookies (`SameSite=Lax`), so what the browser is (a public
/// terminal or not) and whose session it holds are read there, on the
/// top-level GET that follows, which carries them.
pub async fn normal_return(State(state): State<AppState>, Form(form): Form<SealedForm>) -> Response {
    match payments::apply_answer(&state, Channel::Return, &form).await {
        Ok(applied) => Redirect::to(&routes::payment_result(&applied.transaction_reference)).into_response(),
        Err(error) => {
            log_unexpected(&error);
            let message = match error {
                AnswerError::Unexpected(_) => {
                    "Le service est momentanément indisponible. Votre paiement sera pris en compte dès la réponse de la banque."
                }
                _ => {
                    "La réponse de la banque n'a pas pu être vérifiée. Consultez « Mes paiements » pour connaître l'état de votre paiement."
                }
            };
            error_page(status_of(&error), message).into_response()
        }
    }
}

/// [`after_return`]'s query.
#[derive(serde::Deserialize)]
pub struct ResultQuery {
    paiement: Option<String>,
}

/// `GET /paiement/resultat?paiement=…`: an ordinary browser goes on to
/// «Accueil», whose banner says the outcome. A public terminal must keep
/// nothing of the person for the next one: the session ends (on the server
/// and its cookie) and the sign-in page says the outcome, read from the
/// database for the person whose session it was, and only for them.
pub async fn after_return(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ResultQuery>,
) -> Response {
    let reference = query.paiement.as_deref().and_then(|p| TransactionReference::parse(p).ok());
    if !terminal::is_terminal(&state.settings, &headers) {
        let home = reference.map_or_else(|| routes::HOME.to_owned(), |r| routes::home_after_payment(&r));
        return Redirect::to(&home).into_response();
    }
    match end_terminal_session(&state, &headers, reference.as_ref()).await {
        Ok(cookies) => {
            let mut response = Redirect::to(routes::SIGN_IN).into_response();
            for cookie in cookies {
                if let Ok(value) = HeaderValue::from_str(&cookie) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            response
        }
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "ending a terminal's session after the bank failed");
            error_page(StatusCode::SERVICE_UNAVAILABLE, "Le service est momentanément indisponible.").into_response()
        }
    }
}

/// Ends the terminal's session; returns the cookies to set: the session's
/// removed, and the outcome of `reference` for the sign-in page when it was
/// the person's.
async fn end_terminal_session(
    state: &AppState,
    headers: &HeaderMap,
    reference: Option<&TransactionReference>,
) -> anyhow::Result<Vec<String>> {
    let secure = state.settings.secure_cookies();
    let mut cookies = vec![session::clear_cookie_header(secure)];
    // Read without sliding its expiry: it is deleted at once.
    let Some(ended) = context::session_unslid(state, headers).await? else { return Ok(cookies) };
    session::delete(&state.store, &ended.id_hash).await?;
    tracing::info!("a terminal's session ended on the return from the bank");
    if let (Owner::Person(person), Some(reference)) = (&ended.owner, reference)
        && let Some(attempt) = payments::attempt_of(&state.store, person, reference, state.clock.now_ms()).await?
        && let serde_json::Value::String(issue) = serde_json::to_value(Banner::from(PaymentState::from(&attempt)))?
    {
        let flash = Flash::new(TERMINAL_PAYMENT_FLASH).value("issue", issue);
        cookies.extend(session::set_flash_cookie_header(&flash, secure));
    }
    Ok(cookies)
}

/// `POST /paiement/reponse-automatique`: the kiosk's server-to-server answer.
pub async fn automatic_response(State(state): State<AppState>, Form(form): Form<SealedForm>) -> Response {
    match payments::apply_answer(&state, Channel::Automatic, &form).await {
        Ok(_) => (StatusCode::OK, "OK").into_response(),
        Err(error) => {
            log_unexpected(&error);
            (status_of(&error), error.to_string()).into_response()
        }
    }
}
