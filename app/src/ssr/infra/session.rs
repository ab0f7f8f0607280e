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

use super::db::Store;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::BTreeMap;

/// A session lasts at most this long, whatever the activity (12 hours; a
/// public terminal's less: `terminal`).
pub const ABSOLUTE_LIFETIME_MS: i64 = 12 * 60 * 60 * 1000;

/// How long a session may live: without a request, and at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// It ends after this long without a request.
    pub idle_ms: i64,
    /// It ends this long after the sign-in, however active.
    pub lifetime_ms: i64,
}

impl Limits {
    /// A session of `idle_ms` without a request, and at most [`ABSOLUTE_LIFETIME_MS`].
    pub const fn idle(idle_ms: i64) -> Limits {
        Limits { idle_ms, lifetime_ms: ABSOLUTE_LIFETIME_MS }
    }
}
/// `last_seen_at` is refreshed at most this often, to spare the database a write
/// on every request.
const TOUCH_EVERY_MS: i64 = 60 * 1000;

/// Whose session it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// An insured person (their id).
    Person(String),
    /// A back-office agent (their id).
    Agent(String),
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

/// The cookie's name.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-pc_session" } else { "pc_session" }
}

/// A `Set-Cookie` value: host-only, for every path, out of scripts' reach,
/// never sent cross-site; `Secure` over TLS; for the browser's session, or
/// `max_age` seconds.
pub(crate) fn cookie_header(name: &str, value: &str, max_age: Option<u32>, secure: bool) -> String {
    let max_age = max_age.map(|seconds| format!("; Max-Age={seconds}")).unwrap_or_default();
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{max_age}{secure}")
}

/// The `Set-Cookie` value that gives the browser `token`.
pub fn set_cookie_header(token: &str, secure: bool) -> String {
    cookie_header(cookie_name(secure), token, None, secure)
}

/// The `Set-Cookie` value that removes the cookie.
pub fn clear_cookie_header(secure: bool) -> String {
    cookie_header(cookie_name(secure), "", Some(0), secure)
}

/// The flash cookie's name.
pub fn flash_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-pc_flash" } else { "pc_flash" }
}

/// A flash cookie lives this long: the page after the redirect reads it.
const FLASH_COOKIE_SECONDS: u32 = 300;
/// The largest flash a cookie carries (a form's few fields and messages).
const FLASH_COOKIE_MAX: usize = 2048;

/// The `Set-Cookie` value that carries `flash` to the next page.
pub fn set_flash_cookie_header(flash: &Flash, secure: bool) -> Option<String> {
    let json = serde_json::to_vec(flash).ok()?;
    let value = URL_SAFE_NO_PAD.encode(json);
    (value.len() <= FLASH_COOKIE_MAX)
        .then(|| cookie_header(flash_cookie_name(secure), &value, Some(FLASH_COOKIE_SECONDS), secure))
}

/// The `Set-Cookie` value that removes the flash cookie.
pub fn clear_flash_cookie_header(secure: bool) -> String {
    cookie_header(flash_cookie_name(secure), "", Some(0), secure)
}

/// The value of the cookie `name` in a `Cookie` header (the first, if sent twice).
pub(crate) fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').filter_map(|pair| pair.trim().split_once('=')).find(|(key, _)| *key == name).map(|(_, v)| v)
}

/// The flash a `Cookie` header carries, if it is a well-formed one.
pub fn flash_from_cookie_header(header: &str, secure: bool) -> Option<Flash> {
    let name = flash_cookie_name(secure);
    let value = cookie_value(header, name)?;
    if value.is_empty() || value.len() > FLASH_COOKIE_MAX {
        return None;
    }
    let json = URL_SAFE_NO_PAD.decode(value).ok()?;
    let flash: Flash = serde_json::from_slice(&json).ok()?;
    let small =
        |map: &BTreeMap<String, String>| map.len() <= 8 && map.iter().all(|(k, v)| k.len() <= 40 && v.len() <= 400);
    (flash.form.len() <= 40 && small(&flash.values) && small(&flash.errors)).then_some(flash)
}

/// Reads the session token from a `Cookie` header.
pub fn token_from_cookie_header(header: &str, secure: bool) -> Option<&str> {
    token_in_cookie(header, cookie_name(secure))
}

/// The value of the cookie `name` in a `Cookie` header when it has the shape
/// of a token [`new_token`] makes (43 characters of base64url).
pub(crate) fn token_in_cookie<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    cookie_value(header, name)
        .filter(|value| value.len() == 43 && value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

pub(crate) fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Creates a session and returns its cookie token.
pub async fn create(
    store: &Store,
    now_ms: i64,
    idle_timeout_ms: i64,
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
    .bind(now_ms + idle_timeout_ms)
    .execute(store.pool())
    .await?;
    Ok(token)
}

/// Finds the live session of `token` within `limits`, sliding its idle expiry.
pub async fn find(store: &Store, now_ms: i64, limits: Limits, token: &str) -> Result<Option<Session>, sqlx::Error> {
    find_as(store, now_ms, limits, token, true).await
}

/// Finds the live session of `token` within `limits`, leaving its idle
/// expiry alone: for what a page asks on its own (the payments' poll), which
/// must not keep an unattended session alive.
pub async fn peek(store: &Store, now_ms: i64, limits: Limits, token: &str) -> Result<Option<Session>, sqlx::Error> {
    find_as(store, now_ms, limits, token, false).await
}

async fn find_as(
    store: &Store,
    now_ms: i64,
    limits: Limits,
    token: &str,
    slide: bool,
) -> Result<Option<Session>, sqlx::Error> {
    let id_hash = hash_token(token);
    let row = sqlx::query(
        "SELECT person_id, agent_id, previous_sign_in_at, created_at, last_seen_at, flash \
         FROM sessions WHERE id_hash = $1 AND expires_at > $2",
    )
    .bind(&id_hash)
    .bind(now_ms)
    .fetch_optional(store.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let person_id: Option<String> = row.try_get("person_id")?;
    let agent_id: Option<String> = row.try_get("agent_id")?;
    let created_at: i64 = row.try_get("created_at")?;
    let last_seen_at: i64 = row.try_get("last_seen_at")?;
    let owner = match (person_id, agent_id) {
        (Some(person), _) => Owner::Person(person),
        (None, Some(agent)) => Owner::Agent(agent),
        // A visitor's session of an earlier version, which only carried a flash.
        (None, None) => return Ok(None),
    };
    if now_ms - created_at > limits.lifetime_ms {
        return Ok(None);
    }
    if slide && now_ms - last_seen_at > TOUCH_EVERY_MS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3")
            .bind(now_ms)
            .bind(now_ms + limits.idle_ms)
            .bind(&id_hash)
            .execute(store.pool())
            .await?;
    }
    let flash: Option<String> = row.try_get("flash")?;
    Ok(Some(Session {
        id_hash,
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
mod tests {
    use super::*;

    #[test]
    fn cookie_attributes() {
        assert_eq!(set_cookie_header("abc", false), "pc_session=abc; Path=/; HttpOnly; SameSite=Lax");
        assert_eq!(set_cookie_header("abc", true), "__Host-pc_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure");
        assert!(clear_cookie_header(false).contains("Max-Age=0"));
    }

    #[test]
    fn reads_only_well_formed_tokens() {
        let token = new_token();
        assert_eq!(token.len(), 43);
        let header = format!("other=1; pc_session={token}; x=y");
        assert_eq!(token_from_cookie_header(&header, false), Some(token.as_str()));
        assert_eq!(token_from_cookie_header(&header, true), None);
        assert_eq!(token_from_cookie_header("pc_session=short", false), None);
        assert_eq!(token_from_cookie_header("pc_session=", false), None);
        let dashed = format!("pc_session={}-_", "a".repeat(41));
        assert!(token_from_cookie_header(&dashed, false).is_some(), "letters, digits, - and _");
        for odd in ['*', '.', '+', '/'] {
            let header = format!("pc_session={}{odd}", "a".repeat(42));
            assert_eq!(token_from_cookie_header(&header, false), None, "{odd}");
        }
    }

    #[test]
    fn a_flash_cookie_carries_the_form_back_once_and_only_a_well_formed_one_is_read() {
        let flash = Flash::new("connexion").value("nir", "1830201053123").error("password", "Mot de passe incorrect.");
        let set = set_flash_cookie_header(&flash, false).expect("small enough");
        assert!(set.starts_with("pc_flash=") && set.contains("HttpOnly") && set.contains("Max-Age=300"));
        let value = set.split(';').next().expect("a pair");
        assert_eq!(flash_from_cookie_header(&format!("a=b; {value}"), false), Some(flash.clone()));
        assert_eq!(flash_from_cookie_header(value, true), None, "the secure name only over TLS");
        assert!(set_flash_cookie_header(&flash, true).expect("small").starts_with("__Host-pc_flash="));
        assert!(clear_flash_cookie_header(false).contains("Max-Age=0"));
        for bad in ["pc_flash=", "pc_flash=***", "pc_flash=bm90IGpzb24"] {
            assert_eq!(flash_from_cookie_header(bad, false), None, "{bad}");
        }
        let big = Flash::new("connexion").value("nir", "1".repeat(3000));
        assert_eq!(set_flash_cookie_header(&big, false), None);
    }

    /// A flash cookie as a client could send it, whatever the server would set.
    fn sent(flash: &Flash) -> String {
        format!("pc_flash={}", URL_SAFE_NO_PAD.encode(serde_json::to_vec(flash).expect("json")))
    }

    /// A flash of four values whose JSON is `length` bytes long.
    fn flash_of_json_length(length: usize) -> Flash {
        let with = |last: usize| {
            (0..4).fold(Flash::new("x"), |f, i| f.value(&format!("k{i}"), "a".repeat(if i == 3 { last } else { 370 })))
        };
        let base = serde_json::to_vec(&with(0)).expect("json").len();
        with(length - base)
    }

    #[test]
    fn a_flash_cookie_is_read_up_to_2048_characters_and_within_its_field_limits() {
        // 1 536 bytes of JSON are 2 048 characters of unpadded base64; 1 537, 2 050.
        let largest = flash_of_json_length(1536);
        assert_eq!(sent(&largest).len(), "pc_flash=".len() + 2048);
        assert_eq!(flash_from_cookie_header(&sent(&largest), false), Some(largest));
        assert_eq!(flash_from_cookie_header(&sent(&flash_of_json_length(1537)), false), None);

        let fine = || Flash::new("connexion").value("nir", "1").error("password", "Non.");
        assert!(flash_from_cookie_header(&sent(&fine()), false).is_some());
        let too_many = (0..9).fold(fine(), |f, i| f.value(&format!("f{i}"), "v"));
        let long_key = fine().value(&"k".repeat(41), "v");
        let long_value = fine().value("nir", "1".repeat(401));
        let long_error = fine().error("password", "e".repeat(401));
        let long_form = Flash { form: "f".repeat(41), ..fine() };
        for (why, flash) in [
            ("9 values", too_many),
            ("a key", long_key),
            ("a value", long_value),
            ("an error", long_error),
            ("the form", long_form),
        ] {
            assert_eq!(flash_from_cookie_header(&sent(&flash), false), None, "{why} too long");
        }
    }

    #[test]
    fn stores_only_the_hash() {
        let token = new_token();
        let hashed = hash_token(&token);
        assert_eq!(hashed.len(), 64);
        assert!(!hashed.contains(&token));
    }

    use crate::ssr::infra::db::ScratchStore;

    const IDLE: i64 = 30 * 60 * 1000;
    const LIMITS: Limits = Limits::idle(IDLE);

    /// A scratch database with one person, `p1`.
    async fn with_a_person() -> ScratchStore {
        let scratch = ScratchStore::new().await;
        scratch.add_person("p1").await;
        scratch
    }

    async fn last_seen(store: &Store) -> i64 {
        sqlx::query("SELECT last_seen_at FROM sessions").fetch_one(store.pool()).await.expect("a row").get(0)
    }

    #[tokio::test]
    async fn a_session_is_found_by_its_token_only_and_ends_when_deleted() {
        let scratch = with_a_person().await;
        let store = &scratch.store;
        let token = create(store, 1_000, IDLE, &Owner::Person("p1".into()), Some(500)).await.expect("created");
        let session = find(store, 1_001, LIMITS, &token).await.expect("query").expect("live");
        assert_eq!(
            (session.owner, session.previous_sign_in_at, session.flash),
            (Owner::Person("p1".into()), Some(500), None)
        );
        assert_eq!(session.id_hash, hash_token(&token));
        assert!(find(store, 1_001, LIMITS, &new_token()).await.expect("query").is_none(), "another token");
        delete(store, &session.id_hash).await.expect("deleted");
        assert!(find(store, 1_002, LIMITS, &token).await.expect("query").is_none());
    }

    #[tokio::test]
    async fn a_session_ends_after_the_idle_timeout_and_each_request_after_a_minute_extends_it() {
        let scratch = with_a_person().await;
        let store = &scratch.store;
        const SIGNED_IN_AT: i64 = 1_800_000_000_000;
        let token = create(store, SIGNED_IN_AT, IDLE, &Owner::Person("p1".into()), None).await.expect("created");
        // Written out, not the module's constant: the rule, not its value.
        const A_MINUTE: i64 = 60 * 1000;
        // Within the minute, no write.
        assert!(find(store, SIGNED_IN_AT + A_MINUTE, LIMITS, &token).await.expect("query").is_some());
        assert_eq!(last_seen(store).await, SIGNED_IN_AT);
        // After it, the expiry slides.
        assert!(find(store, SIGNED_IN_AT + A_MINUTE + 1, LIMITS, &token).await.expect("query").is_some());
        assert_eq!(last_seen(store).await, SIGNED_IN_AT + A_MINUTE + 1);
        let extended = SIGNED_IN_AT + A_MINUTE + IDLE;
        assert!(find(store, extended, LIMITS, &token).await.expect("query").is_some(), "extended");
        // Left alone for the idle timeout: gone.
        let idle_from = last_seen(store).await;
        assert!(find(store, idle_from + IDLE, LIMITS, &token).await.expect("query").is_none());
        assert_eq!(purge_expired(store, idle_from + IDLE - 1).await.expect("purge"), 0);
        assert_eq!(purge_expired(store, idle_from + IDLE).await.expect("purge"), 1);
    }

    #[tokio::test]
    async fn a_session_ends_after_twelve_hours_however_active() {
        let scratch = with_a_person().await;
        let store = &scratch.store;
        const SIGNED_IN_AT: i64 = 1_800_000_000_000;
        let token = create(store, SIGNED_IN_AT, IDLE, &Owner::Person("p1".into()), None).await.expect("created");
        const TWELVE_HOURS: i64 = 12 * 60 * 60 * 1000;
        let mut now = SIGNED_IN_AT;
        while now + 10 * 60 * 1000 <= SIGNED_IN_AT + TWELVE_HOURS {
            now += 10 * 60 * 1000;
            assert!(find(store, now, LIMITS, &token).await.expect("query").is_some(), "active at {now}");
        }
        assert!(find(store, SIGNED_IN_AT + TWELVE_HOURS + 1, LIMITS, &token).await.expect("query").is_none());
    }

    #[tokio::test]
    async fn a_session_with_a_shorter_lifetime_ends_at_it_however_active() {
        let scratch = with_a_person().await;
        let store = &scratch.store;
        const SIGNED_IN_AT: i64 = 1_800_000_000_000;
        const MINUTE: i64 = 60 * 1000;
        let short = Limits { idle_ms: 3 * MINUTE, lifetime_ms: 15 * MINUTE };
        let token =
            create(store, SIGNED_IN_AT, short.idle_ms, &Owner::Person("p1".into()), None).await.expect("created");
        for minute in (2..=14).step_by(2) {
            let now = SIGNED_IN_AT + minute * MINUTE;
            assert!(find(store, now, short, &token).await.expect("query").is_some(), "active at {minute} min");
        }
        assert!(find(store, SIGNED_IN_AT + 15 * MINUTE, short, &token).await.expect("query").is_some());
        assert!(find(store, SIGNED_IN_AT + 15 * MINUTE + 1, short, &token).await.expect("query").is_none());
        assert!(
            find(store, SIGNED_IN_AT + 15 * MINUTE + 1, LIMITS, &token).await.expect("query").is_some(),
            "the limit is the request's: an ordinary one lets it live"
        );
    }

    #[tokio::test]
    async fn a_flash_is_taken_once_by_its_own_form() {
        let scratch = with_a_person().await;
        let store = &scratch.store;
        let token = create(store, 0, IDLE, &Owner::Person("p1".into()), None).await.expect("created");
        let flash = Flash::new("selection").value("amount", "12").error("amount", "Trop peu.");
        let session = find(store, 1, LIMITS, &token).await.expect("query").expect("live");
        put_flash(store, &session.id_hash, &flash).await.expect("put");
        let session = find(store, 2, LIMITS, &token).await.expect("query").expect("live");
        assert_eq!(session.flash.as_ref(), Some(&flash));
        assert_eq!(take_flash(store, &session, "reference").await.expect("take"), None, "another form's");
        assert_eq!(take_flash(store, &session, "selection").await.expect("take"), Some(flash));
        let session = find(store, 3, LIMITS, &token).await.expect("query").expect("live");
        assert_eq!(session.flash, None, "taken once");
    }

    #[tokio::test]
    async fn a_visitors_session_of_an_earlier_version_is_no_session() {
        let scratch = ScratchStore::new().await;
        let token = new_token();
        sqlx::query(
            "INSERT INTO sessions (id_hash, created_at, last_seen_at, expires_at, flash) VALUES ($1, 0, 0, 100000, NULL)",
        )
        .bind(hash_token(&token))
        .execute(scratch.store.pool())
        .await
        .expect("a row");
        assert!(find(&scratch.store, 1, LIMITS, &token).await.expect("query").is_none());
    }
}
