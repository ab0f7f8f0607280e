//! The error every server function returns, as it crosses the wire.
//!
//! Policy: a user-facing problem with a form is not an error but a flash shown
//! next to the field. `AppError` is for what stops a request: not signed in
//! (401, and a redirect to the sign-in page), a page of the other role (403), a
//! malformed request (400), or a failure of ours (503, logged with its cause chain
//! on the server, shown as a generic French message).

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// Why a server function did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// No live session of the right kind.
    #[error("Votre session a expiré. Veuillez vous reconnecter.")]
    NotSignedIn,
    /// The request is not well formed.
    #[error("La demande n'est pas valide.")]
    BadRequest,
    /// The request breaks a rule (the French messages say which). A form post
    /// gets them next to its fields after a redirect; a direct call gets a 422.
    #[error("La demande n'a pas pu être acceptée : {}", .0.join(" "))]
    Rejected(Vec<String>),
    /// The request comes from another site.
    #[error("Cette demande a été refusée.")]
    Forbidden,
    /// The person tried too often.
    #[error("Trop de tentatives. Veuillez réessayer dans quelques minutes.")]
    TooManyRequests,
    /// Too many requests of this kind at once: the person tries again shortly.
    #[error("Le service est très sollicité : réessayez dans quelques instants.")]
    Busy,
    /// Something failed on our side (details are in the server's log).
    #[error("Le service est momentanément indisponible. Veuillez réessayer dans quelques minutes.")]
    Unavailable,
}

impl AppError {
    /// The HTTP status the error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn => 401,
            AppError::BadRequest => 400,
            AppError::Rejected(_) => 422,
            AppError::Forbidden => 403,
            AppError::TooManyRequests => 429,
            AppError::Busy => 503,
            AppError::Unavailable => 503,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            _ => AppError::Unavailable,
        }
    }
}
