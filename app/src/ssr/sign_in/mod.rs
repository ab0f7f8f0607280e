//! What signing in and out share between insured persons and agents, once a
//! form's own fields are valid: the throttle (per account and per address),
//! the password check (an unknown account costs the same time), a new session
//! in place of the one before, its cookie; and ending a session.

use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::infra::context::{
    clear_session_cookie, client_address, current_session, db_error, is_terminal, redirect, refuse, refuse_form,
    session_idle, set_session_cookie, state, unexpected,
};
use crate::ssr::infra::db::Store;
use crate::ssr::infra::ids::{AgentId, PersonId};
use crate::ssr::infra::password::{self, PasswordError};
use crate::ssr::infra::session::{self, Flash, Owner, Session};
use crate::ssr::infra::{audit, metrics};
use sqlx::Row;

pub mod device;
pub mod throttle;

use throttle::Subjects;

/// What signing in needs to know of an account (a person or an agent).
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The account's id.
    pub id: String,
    /// The Argon2id hash of their password.
    pub password_hash: String,
    /// Their sign-in before this one.
    pub last_sign_in_at: Option<i64>,
}

/// The sign-in form a request came from.
pub struct Form<'a> {
    /// Its page, where a refusal sends the browser back.
    pub page: &'a str,
    /// The account as the throttle counts it (`agent:` + login, or the NIR).
    pub account: &'a str,
    /// The message for a wrong identifier/password pair.
    pub refused: &'a str,
}

/// The accounts a sign-in form opens: insured persons (by NIR) or agents
/// (by login).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accounts {
    /// Insured persons, found by their NIR.
    Persons,
    /// Back-office agents, found by their login.
    Agents,
}

impl Accounts {
    /// The session owner for an account's id.
    fn owner(self, id: String) -> Owner {
        match self {
            Accounts::Persons => Owner::Person(PersonId::new(id)),
            Accounts::Agents => Owner::Agent(AgentId::new(id)),
        }
    }
}

/// The account of `accounts` whose NIR or login is `key`, if any.
pub async fn credentials(store: &Store, accounts: Accounts, key: &str) -> Result<Option<Credentials>, sqlx::Error> {
    let sql = match accounts {
        Accounts::Persons => "SELECT id, password_hash, last_sign_in_at FROM persons WHERE nir = $1",
        Accounts::Agents => "SELECT id, password_hash, last_sign_in_at FROM agents WHERE login = $1",
    };
    let row = sqlx::query(sql).bind(key).fetch_optional(store.pool()).await?;
    row.map(|row| {
        Ok(Credentials {
            id: row.try_get("id")?,
            password_hash: row.try_get("password_hash")?,
            last_sign_in_at: row.try_get("last_sign_in_at")?,
        })
    })
    .transpose()
}

/// Records the sign-in time on the account (its next «Dernière connexion»).
async fn record_sign_in(store: &Store, accounts: Accounts, id: &str, now: i64) -> Result<(), sqlx::Error> {
    let sql = match accounts {
        Accounts::Persons => "UPDATE persons SET last_sign_in_at = $1 WHERE id = $2",
        Accounts::Agents => "UPDATE agents SET last_sign_in_at = $1 WHERE id = $2",
    };
    sqlx::query(sql).bind(now).bind(id).execute(store.pool()).await?;
    Ok(())
}

/// Checks `password` against the account of `accounts` whose NIR or login
/// is `key`, and on success opens a new session for it, records the sign-in
/// and sets the cookie. A refusal is said next to the password (a plain form
/// post is sent back to the form with it).
pub async fn open_session(
    state: &AppState,
    previous: Option<&Session>,
    flash: Flash,
    form: Form<'_>,
    password: String,
    (accounts, key): (Accounts, &str),
) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    let address = client_address(state);
    // A browser where the account signed in before is counted apart (`device`).
    let known = device::recognised(&state.store, device::token_of_request(state).as_deref(), form.account, now)
        .await
        .map_err(unexpected)?;
    let subjects = match &known {
        Some(hash) => Subjects::device(hash),
        None => Subjects::new(form.account, address.as_deref()),
    };
    let Some(wait) = throttle::take(&state.store, &subjects, now).await.map_err(unexpected)? else {
        tracing::warn!(form = form.page, "sign-in throttled");
        metrics::sign_in_refused(metrics::SIGN_IN_THROTTLED, form.page);
        let flash = flash.error("password", throttle::TOO_MANY);
        return Err(refuse(state, previous, flash, form.page, AppError::TooManyRequests).await);
    };
    if !wait.is_zero() {
        // Slowed before it is checked, whatever the password: the answer's
        // time says nothing of it.
        tracing::info!(form = form.page, wait_ms = wait.as_millis(), "sign-in slowed");
        state.clock.wait(wait).await;
    }
    // Read only once the throttle let the attempt through.
    let credentials = credentials(&state.store, accounts, key).await.map_err(db_error)?;
    let stored = credentials.as_ref().map(|c| c.password_hash.clone());
    let network = throttle::network_of(address.as_deref());
    let matches = match password::verify_from(&state.password_shares, &network, password, stored).await {
        Ok(matches) => matches,
        Err(PasswordError::Busy) => {
            // Not checked, so neither a failure nor a success: the tries go back.
            tracing::warn!(form = form.page, "sign-in refused: the password queue is full");
            metrics::sign_in_refused(metrics::SIGN_IN_BUSY, form.page);
            throttle::give_back(&state.store, &subjects).await.map_err(unexpected)?;
            let flash = flash.error("password", AppError::Busy.to_string());
            return Err(refuse(state, previous, flash, form.page, AppError::Busy).await);
        }
        Err(PasswordError::Failed(error)) => return Err(unexpected(error)),
    };
    let Some(account) = credentials.filter(|_| matches) else {
        // The try stays counted: it was a failure.
        tracing::info!(form = form.page, "sign-in refused");
        metrics::sign_in_refused(metrics::SIGN_IN_FAILURES, form.page);
        return Err(refuse_form(state, previous, flash.error("password", form.refused), form.page).await);
    };
    throttle::succeeded(&state.store, &subjects).await.map_err(unexpected)?;
    // A new session id at every sign-in; the one before (if any) ends.
    if let Some(previous) = previous {
        session::delete(&state.store, &previous.id_hash).await.map_err(db_error)?;
    }
    let token = session::create(
        &state.store,
        now,
        session_idle(state),
        &accounts.owner(account.id.clone()),
        account.last_sign_in_at,
    )
    .await
    .map_err(db_error)?;
    record_sign_in(&state.store, accounts, &account.id, now).await.map_err(db_error)?;
    set_session_cookie(state, &token);
    // A public terminal's browser is everybody's: never a known device.
    if !is_terminal(state)
        && let Some(device) =
            device::remember(&state.store, known.as_deref(), form.account, now).await.map_err(unexpected)?
    {
        device::give_cookie(state, &device);
    }
    tracing::info!(form = form.page, "signed in");
    Ok(())
}

/// Ends every session of `owner` — each browser where they are signed in —
/// and forgets every browser known to the account (`device`: a lost phone no
/// longer counts apart), with its audit row (`by` asked it: the owner, or an
/// operator for an agent); returns how many sessions ended.
pub async fn end_all_sessions(
    store: &crate::ssr::Store,
    now: i64,
    owner: &Owner,
    by: audit::Actor<'_>,
    caisse_code: Option<&str>,
) -> Result<u64, sqlx::Error> {
    // The account as the throttle and the device cookie name it.
    let (sql, devices, id) = match owner {
        Owner::Person(id) => (
            "DELETE FROM sessions WHERE person_id = $1",
            "DELETE FROM trusted_devices WHERE account = (SELECT nir FROM persons WHERE id = $1)",
            id.as_str(),
        ),
        Owner::Agent(id) => (
            "DELETE FROM sessions WHERE agent_id = $1",
            "DELETE FROM trusted_devices WHERE account = (SELECT 'agent:' || login FROM agents WHERE id = $1)",
            id.as_str(),
        ),
    };
    let mut tx = store.write().await?;
    let ended = sqlx::query(sql).bind(id).execute(tx.conn()).await?.rows_affected();
    let forgotten = sqlx::query(devices).bind(id).execute(tx.conn()).await?.rows_affected();
    let entry = audit::Entry {
        actor: by,
        caisse_code,
        entity: audit::Entity::Session,
        entity_id: id,
        action: audit::Action::EndedEverywhere,
        detail: serde_json::json!({ "sessions": ended, "devices": forgotten }),
    };
    audit::record(tx.conn(), now, entry).await?;
    tx.commit().await?;
    tracing::info!(ended, "every session of an account ended");
    Ok(ended)
}

/// «Se déconnecter de tous les appareils»: ends every session of this
/// request's owner (this one too), forgets the cookie and sends the browser
/// to `page`.
pub async fn end_every_session(page: &str) -> Result<(), AppError> {
    let state = state()?;
    if let Some(session) = current_session(&state).await? {
        let by = match &session.owner {
            Owner::Person(id) => audit::Actor::Person(id),
            Owner::Agent(id) => audit::Actor::Agent(id),
        };
        end_all_sessions(&state.store, state.clock.now_ms(), &session.owner, by, None).await.map_err(db_error)?;
    }
    clear_session_cookie(&state);
    redirect(page);
    Ok(())
}

/// Ends this request's session on the server, forgets the cookie and sends the
/// browser to `page`.
pub async fn end_session(page: &str) -> Result<(), AppError> {
    let state = state()?;
    if let Some(session) = current_session(&state).await? {
        session::delete(&state.store, &session.id_hash).await.map_err(db_error)?;
    }
    clear_session_cookie(&state);
    redirect(page);
    Ok(())
}
