//! The agents' sign-in and sign-out.

use crate::api::{AppError, FormState};
use leptos::prelude::*;

/// The agents' sign-in page: what was typed before and the errors.
#[server(prefix = "/api", endpoint = "agent-page-connexion", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn agent_sign_in_page() -> Result<FormState, AppError> {
    use crate::ssr::infra::context::{current_session, state, take_flash};
    let state = state()?;
    let session = current_session(&state).await?;
    Ok(take_flash(&state, session.as_ref(), "agent-connexion").await?.map(FormState::from).unwrap_or_default())
}

/// Signs an agent in with their identifier and password, then sends them to
/// the back office's home; or refuses, saying why next to the fields.
#[server(prefix = "/api", endpoint = "agent-connexion", output = crate::codec::Postcard)]
pub async fn agent_sign_in(login: String, password: String) -> Result<(), AppError> {
    use crate::ssr::infra::context::{current_session, redirect, refuse_form, state};
    use crate::ssr::infra::session::Flash;
    use crate::ssr::sign_in::{Accounts, Form, open_session};
    let state = state()?;
    let previous = current_session(&state).await?;
    let login = login.trim().to_owned();
    let mut flash = Flash::new("agent-connexion").value("login", &login);
    if login.is_empty() {
        flash = flash.error("login", "Saisissez votre identifiant.");
    }
    if password.is_empty() {
        flash = flash.error("password", crate::api::auth::PASSWORD_MISSING);
    }
    if login.len() > 100 || password.len() > 200 {
        flash = flash.error("password", "Identifiant ou mot de passe incorrect.");
    }
    if !flash.errors.is_empty() {
        return Err(refuse_form(&state, previous.as_ref(), flash, crate::routes::AGENT_SIGN_IN).await);
    }
    let throttled_as = format!("agent:{login}");
    let form = Form {
        page: crate::routes::AGENT_SIGN_IN,
        account: &throttled_as,
        refused: "Identifiant ou mot de passe incorrect.",
    };
    open_session(&state, previous.as_ref(), flash, form, password, (Accounts::Agents, &login)).await?;
    redirect(crate::routes::AGENT_HOME);
    Ok(())
}

/// «Se déconnecter de tous les appareils»: ends every session of the agent.
#[server(prefix = "/api", endpoint = "agent-deconnexion-partout", output = crate::codec::Postcard)]
pub async fn agent_sign_out_everywhere() -> Result<(), AppError> {
    crate::ssr::sign_in::end_every_session(crate::routes::AGENT_SIGN_IN).await
}

/// Ends the agent's session.
#[server(prefix = "/api", endpoint = "agent-deconnexion", output = crate::codec::Postcard)]
pub async fn agent_sign_out() -> Result<(), AppError> {
    crate::ssr::sign_in::end_session(crate::routes::AGENT_SIGN_IN).await
}
