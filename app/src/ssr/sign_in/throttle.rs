//! Sign-in throttling: at most 5 tries for one account (NIR or agent
//! identifier) and from one address within 15 minutes; beyond, further tries
//! are refused until the window has passed. A successful sign-in gives its try
//! back (and starts the account's count again), so only failures, and tries
//! still in progress, use the allowance.
//!
//! The count and the check are one statement per subject (an upsert that
//! returns the new count), on a row every server instance shares: twenty
//! simultaneous wrong passwords get five checks, whatever the number of
//! instances, on SQLite (one writer) and on PostgreSQL (the row's lock).

use crate::ssr::infra::db::Store;
use anyhow::Context;
use sqlx::Row;

/// Tries allowed per account or address in a window.
pub const MAX_TRIES: i64 = 5;
/// The window, 15 minutes.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// The refusal, in French.
pub const TOO_MANY: &str = "Trop de tentatives de connexion. Pour votre sécurité, veuillez réessayer dans 15 minutes.";

/// What a sign-in is counted under: its account, and its address when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subjects {
    account: String,
    address: Option<String>,
}

impl Subjects {
    /// The subjects of a sign-in to `account` from `address`.
    pub fn new(account: &str, address: Option<&str>) -> Subjects {
        Subjects { account: format!("account:{account}"), address: address.map(|a| format!("address:{a}")) }
    }

    fn all(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.account.as_str()).chain(self.address.as_deref())
    }
}

/// Takes a try for every subject; `false` when one of them has used its
/// tries for the window (the tries just taken are then given back).
pub async fn take(store: &Store, subjects: &Subjects, now: i64) -> anyhow::Result<bool> {
    let mut taken = Vec::new();
    for subject in subjects.all() {
        let tries: i64 = sqlx::query(
            "INSERT INTO sign_in_throttle (subject, window_start, tries) VALUES ($1, $2, 1) \
             ON CONFLICT (subject) DO UPDATE SET \
               tries = CASE WHEN sign_in_throttle.window_start <= $3 THEN 1 ELSE sign_in_throttle.tries + 1 END, \
               window_start = CASE WHEN sign_in_throttle.window_start <= $3 THEN $2 ELSE sign_in_throttle.window_start END \
             RETURNING tries",
        )
        .bind(subject)
        .bind(now)
        .bind(now - WINDOW_MS)
        .fetch_one(store.pool())
        .await
        .context("counting a sign-in try")?
        .try_get("tries")?;
        if tries > MAX_TRIES {
            give_back_tries(store, &taken).await?;
            // This subject's try is not given back: it is over the limit anyway.
            return Ok(false);
        }
        taken.push(subject);
    }
    Ok(true)
}

/// Gives back the tries a sign-in took that could not be checked (the
/// service was too busy): it counts neither as a failure nor as a success.
pub async fn give_back(store: &Store, subjects: &Subjects) -> anyhow::Result<()> {
    give_back_tries(store, &subjects.all().collect::<Vec<_>>()).await
}

async fn give_back_tries(store: &Store, subjects: &[&str]) -> anyhow::Result<()> {
    for subject in subjects {
        sqlx::query("UPDATE sign_in_throttle SET tries = tries - 1 WHERE subject = $1 AND tries > 0")
            .bind(subject)
            .execute(store.pool())
            .await
            .context("giving a sign-in try back")?;
    }
    Ok(())
}

/// A successful sign-in: the account's count starts again, the address gets
/// its try back.
pub async fn succeeded(store: &Store, subjects: &Subjects) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM sign_in_throttle WHERE subject = $1")
        .bind(&subjects.account)
        .execute(store.pool())
        .await
        .context("clearing an account's tries")?;
    if let Some(address) = &subjects.address {
        give_back_tries(store, &[address]).await?;
    }
    Ok(())
}

/// Removes the counts whose window has passed.
pub async fn purge(store: &Store, now: i64) -> anyhow::Result<u64> {
    Ok(sqlx::query("DELETE FROM sign_in_throttle WHERE window_start <= $1")
        .bind(now - WINDOW_MS)
        .execute(store.pool())
        .await
        .context("purging sign-in counts")?
        .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::Subjects;

    #[test]
    fn a_sign_in_is_counted_under_its_account_and_its_address() {
        let subjects = Subjects::new("1830201053123", Some("203.0.113.7"));
        assert_eq!(subjects.all().collect::<Vec<_>>(), ["account:1830201053123", "address:203.0.113.7"]);
        let unknown = Subjects::new("agent:agent.isere", None);
        assert_eq!(unknown.all().collect::<Vec<_>>(), ["account:agent:agent.isere"]);
    }
}
