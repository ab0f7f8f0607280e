//! Signing in and out (insured persons).

use super::home::Banner;
use super::{AppError, FormState};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The message for a wrong NIR/password pair: the same whether the NIR exists or
/// not, so it tells nothing about who has an account.
pub const WRONG_CREDENTIALS: &str = "Numéro de sécurité sociale ou mot de passe incorrect.";
/// The message for an empty password.
pub const PASSWORD_MISSING: &str = "Saisissez votre mot de passe.";

/// The flash that carries, on a public terminal, the outcome of the payment
/// whose return from the bank ended the session.
pub const TERMINAL_PAYMENT_FLASH: &str = "paiement-borne";

/// What the sign-in page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInView {
    /// The NIR entered before and the errors, after a failed attempt.
    pub form: FormState,
    /// On a public terminal back from the bank: the payment's outcome (the
    /// session has ended).
    pub payment: Option<Banner>,
}

/// What the sign-in page shows (see [`SignInView`]).
#[server(prefix = "/api", endpoint = "page-connexion", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn sign_in_page() -> Result<SignInView, AppError> {
    use crate::ssr::infra::context::{current_session, state, take_flash};
    let state = state()?;
    let session = current_session(&state).await?;
    let form = take_flash(&state, session.as_ref(), "connexion").await?.map(FormState::from).unwrap_or_default();
    let payment = match session {
        Some(_) => None,
        None => take_flash(&state, None, TERMINAL_PAYMENT_FLASH)
            .await?
            .and_then(|flash| flash.values.get("issue").cloned())
            .and_then(|issue| serde_json::from_value(serde_json::Value::String(issue)).ok()),
    };
    Ok(SignInView { form, payment })
}

/// Signs an insured person in with their NIR and password, then sends them to
/// «Accueil»; or refuses, saying why next to the fields.
#[server(prefix = "/api", endpoint = "connexion", output = crate::codec::Postcard)]
pub async fn sign_in(nir: String, password: String) -> Result<(), AppError> {
    use crate::domain::Nir;
    use crate::ssr::infra::context::{current_session, redirect, refuse_form, state};
    use crate::ssr::infra::session::Flash;
    use crate::ssr::sign_in::{Accounts, Form, open_session};

    let state = state()?;
    let previous = current_session(&state).await?;
    let mut flash = Flash::new("connexion").value("nir", nir.trim());
    let parsed = Nir::parse(&nir);
    if let Err(error) = &parsed {
        flash = flash.error("nir", error.to_string());
    }
    if password.is_empty() {
        flash = flash.error("password", PASSWORD_MISSING);
    }
    let nir = match parsed {
        Ok(nir) if flash.errors.is_empty() => nir,
        _ => return Err(refuse_form(&state, previous.as_ref(), flash, crate::routes::SIGN_IN).await),
    };

    let form = Form { page: crate::routes::SIGN_IN, account: nir.as_str(), refused: WRONG_CREDENTIALS };
    open_session(&state, previous.as_ref(), flash, form, password, (Accounts::Persons, nir.as_str())).await?;
    redirect(crate::routes::HOME);
    Ok(())
}

/// «Rester connecté»: the session (a person's or an agent's) counts from now.
#[server(prefix = "/api", endpoint = "rester-connecte", output = crate::codec::Postcard)]
pub async fn keep_session() -> Result<(), AppError> {
    use crate::ssr::infra::context::{current_session, limit, not_signed_in, state};
    use crate::ssr::infra::limits::Call;
    let state = state()?;
    match current_session(&state).await? {
        Some(session) => limit(&state, Call::KeepSession, &session.id_hash),
        None => Err(not_signed_in(crate::routes::SIGN_IN)),
    }
}

/// «Se déconnecter de tous les appareils»: ends every session of the person.
#[server(prefix = "/api", endpoint = "deconnexion-partout", output = crate::codec::Postcard)]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    crate::ssr::sign_in::end_every_session(crate::routes::SIGN_IN).await
}

/// Ends the session on the server and forgets the cookie.
#[server(prefix = "/api", endpoint = "deconnexion", output = crate::codec::Postcard)]
pub async fn sign_out() -> Result<(), AppError> {
    crate::ssr::sign_in::end_session(crate::routes::SIGN_IN).await
}
