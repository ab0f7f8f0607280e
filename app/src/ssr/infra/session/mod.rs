//! Server-side sessions.
//!
//! The cookie carries 32 random bytes; the database keeps only their SHA-256, so a
//! leaked database does not leak live sessions. Cookies are `HttpOnly`,
//! `SameSite=Lax` (the bank kiosk's return is a cross-site POST that must not
//! carry them; the redirect that follows is a top-level GET that does), `Path=/`,
//! and `Secure` with the `__Host-` prefix when the app is served over TLS.
//!
//! A session also carries a "flash": a form's entered values and field errors,
//! kept across the redirect that follows a form post (so forms work the same
//! with and without JavaScript) and consumed by the next page that shows them.
//! A visitor with no session (the sign-in forms) gets the flash in a cookie of
//! its own instead, short-lived and read once: a sign-in that fails, however
//! malformed, leaves no row in the database.

mod cookies;

pub use self::cookies::*;
use super::clock::millis;
use super::db::Store;
use super::ids::{AgentId, PersonId};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;
use std::time::Duration;

/// A session lasts at most this long, whatever the activity (12 hours; a
/// public terminal's less: `terminal`).
pub const ABSOLUTE_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);

/// How long a session may live: without a request, and at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// It ends after this long without a request.
    pub idle: Duration,
    /// It ends this long after the sign-in, however active.
    pub lifetime: Duration,
}

impl Limits {
    /// A session of `idle` without a request, and at most [`ABSOLUTE_LIFETIME`].
    pub const fn idle(idle: Duration) -> Limits {
        Limits { idle, lifetime: ABSOLUTE_LIFETIME }
    }
}
/// `last_seen_at` is refreshed at most this often, to spare the database a write
/// on every request.
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// Whose session it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// An insured person (their id).
    Person(PersonId),
    /// A back-office agent (their id).
    Agent(AgentId),
}

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The SHA-256 of the cookie token.
    pub id_hash: String,
    /// Whose it is.
    pub owner: Owner,
    /// The owner's sign-in before this one («Dernière connexion le …»).
    pub previous_sign_in_at: Option<i64>,
    /// The flash, if one is waiting.
    pub flash: Option<Flash>,
}

/// A form's entered values and field errors, carried across a redirect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// Which form it belongs to.
    pub form: String,
    /// The values as entered, by field name.
    pub values: BTreeMap<String, String>,
    /// The field errors, by field name (French messages).
    pub errors: BTreeMap<String, String>,
}

impl Flash {
    /// A flash for `form`.
    pub fn new(form: &str) -> Self {
        Flash { form: form.to_owned(), ..Flash::default() }
    }

    /// Adds an entered value.
    pub fn value(mut self, field: &str, value: impl Into<String>) -> Self {
        self.values.insert(field.to_owned(), value.into());
        self
    }

    /// Adds a field error.
    pub fn error(mut self, field: &str, message: impl Into<String>) -> Self {
        self.errors.insert(field.to_owned(), message.into());
        self
    }

    /// Adds the error of each field that has one.
    pub fn errors<'a>(self, fields: impl IntoIterator<Item = (&'a str, Option<String>)>) -> Self {
        fields.into_iter().fold(self, |flash, (field, message)| match message {
            Some(message) => flash.error(field, message),
            None => flash,
        })
    }
}

/// Creates a session and returns its cookie token.
pub async fn create(
    store: &Store,
    now_ms: i64,
    idle: Duration,
    owner: &Owner,
    previous_sign_in_at: Option<i64>,
) -> Result<String, sqlx::Error> {
    let token = new_token();
    let (person_id, agent_id) = match owner {
        Owner::Person(id) => (Some(id.as_str()), None),
        Owner::Agent(id) => (None, Some(id.as_str())),
    };
    sqlx::query(
        "INSERT INTO sessions (id_hash, person_id, agent_id, previous_sign_in_at, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $5, $6)",
    )
    .bind(hash_token(&token))
    .bind(person_id)
    .bind(agent_id)
    .bind(previous_sign_in_at)
    .bind(now_ms)
    .bind(now_ms + millis(idle))
    .execute(store.pool())
    .await?;
    Ok(token)
}

/// What names a request's session: its token's hash, the request's time, and
/// how long a session may live there.
#[derive(Debug, Clone)]
pub struct Key {
    /// The SHA-256 of the cookie token.
    pub id_hash: String,
    /// The request's time.
    pub now_ms: i64,
    /// The session's limits on this device.
    pub limits: Limits,
}

impl Key {
    /// The key of `token`, read at `now_ms` within `limits`.
    pub fn new(token: &str, now_ms: i64, limits: Limits) -> Key {
        Key { id_hash: hash_token(token), now_ms, limits }
    }
}

/// A session's columns, for a statement that reads the session and its
/// owner's data at once: `FROM sessions s … WHERE live_session!()`. (Macros,
/// so that such a statement is still one `&'static str`.)
macro_rules! session_columns {
    () => {
        "s.person_id, s.agent_id, s.previous_sign_in_at, s.created_at, s.last_seen_at, s.expires_at, s.flash"
    };
}
pub(crate) use session_columns;

/// The condition on `sessions s` of such a statement, binding the key's
/// `id_hash` as `$1`. Whether the session is still live is read from its
/// columns ([`from_row`]): such a statement binds no time.
macro_rules! live_session {
    () => {
        "s.id_hash = $1"
    };
}
pub(crate) use live_session;

/// The live session of `key`, its idle expiry slid when `slide`; left alone
/// otherwise, for what a page asks on its own (the payments' poll), which
/// must not keep an unattended session alive.
pub async fn read(store: &Store, key: &Key, slide: bool) -> Result<Option<Session>, sqlx::Error> {
    let row = sqlx::query(concat!("SELECT ", session_columns!(), " FROM sessions s WHERE ", live_session!()))
        .bind(&key.id_hash)
        .fetch_optional(store.pool())
        .await?;
    match row {
        Some(row) => from_row(store, key, &row, slide).await,
        None => Ok(None),
    }
}

/// The session in `row`, read with `session_columns!()` where `live_session!()` for `key`:
/// none once expired, past its lifetime or without an owner; its idle
/// expiry slid (at most once a minute) when `slide`.
pub async fn from_row(store: &Store, key: &Key, row: &AnyRow, slide: bool) -> Result<Option<Session>, sqlx::Error> {
    let person_id: Option<PersonId> = row.try_get("person_id")?;
    let agent_id: Option<AgentId> = row.try_get("agent_id")?;
    let created_at: i64 = row.try_get("created_at")?;
    let last_seen_at: i64 = row.try_get("last_seen_at")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    if expires_at <= key.now_ms {
        return Ok(None);
    }
    let owner = match (person_id, agent_id) {
        (Some(person), _) => Owner::Person(person),
        (None, Some(agent)) => Owner::Agent(agent),
        // A visitor's session of an earlier version, which only carried a flash.
        (None, None) => return Ok(None),
    };
    let now_ms = key.now_ms;
    if now_ms - created_at > millis(key.limits.lifetime) {
        return Ok(None);
    }
    if slide && now_ms - last_seen_at > millis(TOUCH_EVERY) {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3")
            .bind(now_ms)
            .bind(now_ms + millis(key.limits.idle))
            .bind(&key.id_hash)
            .execute(store.pool())
            .await?;
    }
    let flash: Option<String> = row.try_get("flash")?;
    Ok(Some(Session {
        id_hash: key.id_hash.clone(),
        owner,
        previous_sign_in_at: row.try_get("previous_sign_in_at")?,
        flash: flash.and_then(|f| serde_json::from_str(&f).ok()),
    }))
}

/// Leaves a flash on a session.
pub async fn put_flash(store: &Store, id_hash: &str, flash: &Flash) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET flash = $1 WHERE id_hash = $2")
        .bind(serde_json::to_string(flash).unwrap_or_default())
        .bind(id_hash)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Removes the flash of `form` from a session and returns it.
pub async fn take_flash(store: &Store, session: &Session, form: &str) -> Result<Option<Flash>, sqlx::Error> {
    match &session.flash {
        Some(flash) if flash.form == form => {
            sqlx::query("UPDATE sessions SET flash = NULL WHERE id_hash = $1")
                .bind(&session.id_hash)
                .execute(store.pool())
                .await?;
            Ok(Some(flash.clone()))
        }
        _ => Ok(None),
    }
}

/// Ends a session.
pub async fn delete(store: &Store, id_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(store.pool()).await?;
    Ok(())
}

/// Removes expired sessions; returns how many.
pub async fn purge_expired(store: &Store, now_ms: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_ms).execute(store.pool()).await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests;
