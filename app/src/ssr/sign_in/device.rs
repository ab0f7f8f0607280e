//! The device cookie (OWASP's design against lock-outs): a browser where an
//! account signed in carries a random token, kept hashed with the account it
//! belongs to. A sign-in from that browser, to that account, is counted under
//! the device alone — its own allowance, refused only after its own failures —
//! so failures from elsewhere (a stranger trying the NIR, a shared address
//! full of others' tries) never keep the person out of their own browser.
//! Unknown browsers stay counted per account from an address, per address
//! and per account (`throttle`).
//!
//! The token holds nothing but chance: forging one means guessing 256 bits,
//! and one taken from another browser only gives the device's own allowance
//! (`throttle::MAX_DEVICE_TRIES`) to try passwords with, for its account.

use crate::ssr::AppState;
use crate::ssr::infra::clock::millis;
use crate::ssr::infra::db::Store;
use crate::ssr::infra::session::{cookie_header, hash_token, new_token, token_in_cookie};
use anyhow::Context;
use http::HeaderValue;
use http::header::{COOKIE, SET_COOKIE};
use http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use sqlx::Row;
use std::time::Duration;

/// How long a browser stays known without a sign-in: a year.
pub const LIFETIME: Duration = Duration::from_secs(365 * 24 * 60 * 60);
/// The browsers an account keeps known, the last used: a script signing in
/// without keeping its cookies does not grow the table.
pub const PER_ACCOUNT: i64 = 10;

/// The cookie's name (`__Host-` over TLS).
pub fn cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-pc_device" } else { "pc_device" }
}

/// The device token in a `Cookie` header, if well formed.
pub fn token_from_cookie_header(header: &str, secure: bool) -> Option<&str> {
    token_in_cookie(header, cookie_name(secure))
}

/// The `Set-Cookie` value that keeps `token` for [`LIFETIME`].
pub fn set_cookie_header(token: &str, secure: bool) -> String {
    let seconds = u32::try_from(LIFETIME.as_secs()).unwrap_or(u32::MAX);
    cookie_header(cookie_name(secure), token, Some(seconds), secure)
}

/// The device token this request's browser carries.
pub fn token_of_request(state: &AppState) -> Option<String> {
    let parts = use_context::<Parts>()?;
    let secure = state.settings.secure_cookies();
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| token_from_cookie_header(h, secure))
        .map(str::to_owned)
}

/// Gives this request's browser its device cookie.
pub fn give_cookie(state: &AppState, token: &str) {
    let header = set_cookie_header(token, state.settings.secure_cookies());
    if let Some(response) = use_context::<ResponseOptions>()
        && let Ok(value) = HeaderValue::from_str(&header)
    {
        response.append_header(SET_COOKIE, value);
    }
}

/// The hash of `token` when it is a known device of `account` (used within
/// its lifetime); `None` for an unknown browser, or another account's.
pub async fn recognised(store: &Store, token: Option<&str>, account: &str, now: i64) -> anyhow::Result<Option<String>> {
    let Some(token) = token else { return Ok(None) };
    let hash = hash_token(token);
    let row = sqlx::query("SELECT account FROM trusted_devices WHERE token_hash = $1 AND used_at > $2")
        .bind(&hash)
        .bind(now - millis(LIFETIME))
        .fetch_optional(store.pool())
        .await
        .context("reading a device")?;
    match row {
        Some(row) if row.try_get::<String, _>("account")? == account => Ok(Some(hash)),
        _ => Ok(None),
    }
}

/// After a successful sign-in to `account`: the known device is used again,
/// or the browser gets a new token (returned, for its cookie).
pub async fn remember(store: &Store, known: Option<&str>, account: &str, now: i64) -> anyhow::Result<Option<String>> {
    if let Some(hash) = known {
        sqlx::query("UPDATE trusted_devices SET used_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(hash)
            .execute(store.pool())
            .await
            .context("using a device again")?;
        return Ok(None);
    }
    let token = new_token();
    let hash = hash_token(&token);
    sqlx::query("INSERT INTO trusted_devices (token_hash, account, created_at, used_at) VALUES ($1, $2, $3, $3)")
        .bind(&hash)
        .bind(account)
        .bind(now)
        .execute(store.pool())
        .await
        .context("remembering a device")?;
    // This one, and the others last used.
    sqlx::query(
        "DELETE FROM trusted_devices WHERE account = $1 AND token_hash <> $2 AND token_hash NOT IN \
         (SELECT token_hash FROM trusted_devices WHERE account = $1 AND token_hash <> $2 \
          ORDER BY used_at DESC LIMIT $3)",
    )
    .bind(account)
    .bind(&hash)
    .bind(PER_ACCOUNT - 1)
    .execute(store.pool())
    .await
    .context("forgetting an account's oldest devices")?;
    Ok(Some(token))
}

/// Forgets the devices not used for [`LIFETIME`].
pub async fn purge(store: &Store, now: i64) -> anyhow::Result<u64> {
    Ok(sqlx::query("DELETE FROM trusted_devices WHERE used_at <= $1")
        .bind(now - millis(LIFETIME))
        .execute(store.pool())
        .await
        .context("purging devices")?
        .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::infra::db::ScratchStore;

    #[test]
    fn the_cookie_keeps_a_well_formed_token_for_a_year_host_only_and_out_of_scripts_reach() {
        let token = new_token();
        assert_eq!(
            set_cookie_header(&token, false),
            format!("pc_device={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000")
        );
        assert!(set_cookie_header(&token, true).starts_with(&format!("__Host-pc_device={token};")));
        assert!(set_cookie_header(&token, true).ends_with("; Secure"));
        let header = format!("pc_session=x; pc_device={token}; other=1");
        assert_eq!(token_from_cookie_header(&header, false), Some(token.as_str()));
        assert_eq!(token_from_cookie_header(&header, true), None, "over TLS, only the __Host- cookie");
        let tls = format!("__Host-pc_device={token}");
        assert_eq!(token_from_cookie_header(&tls, true), Some(token.as_str()));
        let dashes = format!("pc_device={}", "-_".repeat(21) + "a");
        assert!(token_from_cookie_header(&dashes, false).is_some(), "base64url's own characters");
        for bad in [
            format!("pc_device={}", &token[1..]),
            format!("pc_device={token}A"),
            format!("pc_device={}*", &token[1..]),
            format!("pc_device={}=", &token[1..]),
            "pc_device=".to_owned(),
        ] {
            assert_eq!(token_from_cookie_header(&bad, false), None, "{bad}");
        }
    }

    #[tokio::test]
    async fn a_device_is_known_to_its_own_account_for_a_year_after_its_last_sign_in() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        const YEAR: i64 = 365 * 24 * 60 * 60 * 1000;
        let token = remember(store, None, "1830201053123", 0).await.expect("remember").expect("a new token");
        let hash = recognised(store, Some(&token), "1830201053123", 1).await.expect("read").expect("known");
        assert_eq!(hash, hash_token(&token), "only its hash is kept");
        assert_eq!(recognised(store, Some(&token), "2901063113045", 1).await.expect("read"), None, "another account's");
        assert_eq!(recognised(store, Some("x"), "1830201053123", 1).await.expect("read"), None, "an unknown token");
        assert_eq!(recognised(store, None, "1830201053123", 1).await.expect("read"), None);
        // Used again, its year starts again; unused for a year, it is forgotten.
        assert_eq!(remember(store, Some(&hash), "1830201053123", YEAR - 1).await.expect("remember"), None);
        assert!(recognised(store, Some(&token), "1830201053123", 2 * YEAR - 2).await.expect("read").is_some());
        assert_eq!(recognised(store, Some(&token), "1830201053123", 2 * YEAR - 1).await.expect("read"), None);
        // The purge forgets it, and it alone.
        let eva = remember(store, None, "2901063113045", YEAR).await.expect("remember").expect("a new token");
        assert_eq!(purge(store, 2 * YEAR - 2).await.expect("purge"), 0, "still within its year");
        assert_eq!(purge(store, 2 * YEAR - 1).await.expect("purge"), 1);
        assert!(recognised(store, Some(&eva), "2901063113045", 2 * YEAR - 1).await.expect("read").is_some(), "kept");
        assert_eq!(purge(store, 2 * YEAR - 1).await.expect("purge"), 0);
    }

    #[tokio::test]
    async fn an_account_keeps_its_ten_last_used_devices() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        let mut tokens = Vec::new();
        for i in 0..12 {
            tokens.push(remember(store, None, "1830201053123", i).await.expect("remember").expect("new"));
        }
        let known =
            |token: String| async move { recognised(store, Some(&token), "1830201053123", 20).await.expect("read") };
        assert_eq!(known(tokens[0].clone()).await, None, "the oldest two are forgotten");
        assert_eq!(known(tokens[1].clone()).await, None);
        for token in &tokens[2..] {
            assert!(known(token.clone()).await.is_some());
        }
    }
}
