//! The kiosk's answers: `normalReturnUrl` (through the browser) and
//! `automaticResponseUrl` (server to server, authoritative). Both are verified
//! and applied by the same service, exactly once.

use crate::http_policy::error_page;
use app::routes;
use app::ssr::AppState;
use app::ssr::lifecycle::Channel;
use app::ssr::payments::{self, AnswerError};
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use http::StatusCode;
use sips::SealedForm;

fn status_of(error: &AnswerError) -> StatusCode {
    match error {
        AnswerError::Untrusted(_) => StatusCode::FORBIDDEN,
        AnswerError::Malformed(_) | AnswerError::AmountMismatch => StatusCode::BAD_REQUEST,
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
/// browser goes to «Accueil», whose banner reads the attempt from the database.
pub async fn normal_return(State(state): State<AppState>, Form(form): Form<SealedForm>) -> Response {
    match payments::apply_answer(&state, Channel::Return, &form).await {
        Ok(applied) => Redirect::to(&routes::home_after_payment(&applied.transaction_reference)).into_response(),
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
