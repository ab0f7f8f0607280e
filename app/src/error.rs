//! The error every server function returns, as it crosses the wire.
//!
//! Policy: a form's refused fields are [`AppError::Invalid`], with a French
//! message per field: the app in the browser shows them in place; a plain
//! form post (no JavaScript) gets them on the page it is sent back to. The
//! other variants stop a request: not signed in (401, and a redirect to the
//! sign-in page), a page of the other role (403), a malformed request (400),
//! too many tries (429), or a failure of ours (503, logged with its cause
//! chain on the server, shown as a generic French message). The browser adds
//! one of its own: [`AppError::Offline`], when the call could not leave.

use serde::{Deserialize, Serialize};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use std::collections::BTreeMap;

/// A form's refused fields: the French message of each, by the field's name
/// (the `name` of its input).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    /// The message of `field`, if it was refused.
    pub fn get(&self, field: &str) -> Option<String> {
        self.0.get(field).cloned()
    }

    /// No field was refused.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every message, in the order of `fields` (a form's order, not the alphabet's).
    pub fn in_order(&self, fields: &[&str]) -> Vec<(String, String)> {
        fields.iter().filter_map(|field| self.get(field).map(|message| ((*field).to_owned(), message))).collect()
    }

    /// The messages of the fields not among `fields`.
    pub fn others<'a>(&'a self, fields: &'a [&str]) -> impl Iterator<Item = &'a String> {
        self.0.iter().filter(|(field, _)| !fields.contains(&field.as_str())).map(|(_, message)| message)
    }
}

impl From<BTreeMap<String, String>> for FieldErrors {
    fn from(errors: BTreeMap<String, String>) -> Self {
        FieldErrors(errors)
    }
}

/// Why a server function did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// No live session of the right kind.
    #[error("Votre session a expiré. Veuillez vous reconnecter.")]
    NotSignedIn,
    /// The request is not well formed.
    #[error("La demande n'est pas valide.")]
    BadRequest,
    /// A form's fields break its rules (422).
    #[error("Le formulaire contient des erreurs.")]
    Invalid(FieldErrors),
    /// The request breaks a rule (the French messages say which; 422).
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
    /// The browser could not reach the server (never sent by the server).
    #[error("Pas de connexion à internet : vérifiez votre connexion, puis réessayez.")]
    Offline,
}

impl AppError {
    /// The HTTP status the error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotSignedIn => 401,
            AppError::BadRequest => 400,
            AppError::Invalid(_) | AppError::Rejected(_) => 422,
            AppError::Forbidden => 403,
            AppError::TooManyRequests => 429,
            AppError::Busy => 503,
            AppError::Unavailable | AppError::Offline => 503,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = crate::codec::Binary;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            // Only the browser's side sees these: the call did not get through.
            ServerFnErrorErr::Request(_) => AppError::Offline,
            _ => AppError::Unavailable,
        }
    }
}
