//! Signing in and out (insured persons).

use super::{AppError, FormState};
use leptos::prelude::*;

/// The message for a wrong NIR/password pair: the same whether the NIR exists or
/// not, so it tells nothing about who has an account.
pub const WRONG_CREDENTIALS: &str = "Numéro de sécurité sociale ou mot de passe incorrect.";
/// The message for an empty password.
pub const PASSWORD_MISSING: &str = "Saisissez votre mot de passe.";

/// What the sign-in page shows: the NIR entered before and the errors, after a
/// failed attempt.
#[server(prefix = "/api", endpoint = "page-connexion")]
pub async fn sign_in_page() -> Result<FormState, AppError> {
    use crate::ssr::context::{current_session, state, take_flash};
    let state = state()?;
    let session = current_session(&state).await?;
    Ok(take_flash(&state, session.as_ref(), "connexion").await?.map(FormState::from).unwrap_or_default())
}

/// Signs an insured person in with their NIR and password, then sends them to
/// «Accueil»; or back to the sign-in page with the errors.
#[server(prefix = "/api", endpoint = "connexion")]
pub async fn sign_in(nir: String, password: String) -> Result<(), AppError> {
    use crate::domain::Nir;
    use crate::ssr::context::{
        client_address, current_session, db_error, fail, leave_flash, redirect, set_session_cookie, state, unexpected,
    };
    use crate::ssr::session::{self, Flash, Owner};
    use crate::ssr::{password as passwords, persons, throttle};

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
        _ => {
            leave_flash(&state, previous.as_ref(), &flash).await?;
            redirect("/connexion");
            return Ok(());
        }
    };

    let now = state.clock.now_ms();
    let subjects = throttle::subjects(nir.as_str(), client_address().as_deref());
    if throttle::is_blocked(&state.store, &subjects, now).await.map_err(unexpected)? {
        tracing::warn!("sign-in throttled");
        leave_flash(&state, previous.as_ref(), &flash.error("password", throttle::TOO_MANY)).await?;
        redirect("/connexion");
        return Err(fail(AppError::TooManyRequests));
    }
    let credentials = persons::credentials(&state.store, &nir).await.map_err(db_error)?;
    let stored = credentials.as_ref().map(|c| c.password_hash.clone());
    let matches = passwords::verify(password, stored).await.map_err(unexpected)?;
    let Some(person) = credentials.filter(|_| matches) else {
        tracing::info!("sign-in refused");
        throttle::record_failure(&state.store, &subjects, now).await.map_err(unexpected)?;
        leave_flash(&state, previous.as_ref(), &flash.error("password", WRONG_CREDENTIALS)).await?;
        redirect("/connexion");
        return Ok(());
    };
    throttle::clear_account(&state.store, nir.as_str()).await.map_err(unexpected)?;

    // A new session id at every sign-in; the one before (if any) ends.
    if let Some(previous) = &previous {
        session::delete(&state.store, &previous.id_hash).await.map_err(db_error)?;
    }
    let token = session::create(
        &state.store,
        now,
        state.settings.session_idle_timeout_ms,
        &Owner::Person(person.id.clone()),
        person.last_sign_in_at,
        None,
    )
    .await
    .map_err(db_error)?;
    persons::record_sign_in(&state.store, &person.id, now).await.map_err(db_error)?;
    set_session_cookie(&state, &token);
    tracing::info!("person signed in");
    redirect("/accueil");
    Ok(())
}

/// Ends the session on the server and forgets the cookie.
#[server(prefix = "/api", endpoint = "deconnexion")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::context::{clear_session_cookie, current_session, db_error, redirect, state};
    let state = state()?;
    if let Some(session) = current_session(&state).await? {
        crate::ssr::session::delete(&state.store, &session.id_hash).await.map_err(db_error)?;
    }
    clear_session_cookie(&state);
    redirect("/connexion");
    Ok(())
}
