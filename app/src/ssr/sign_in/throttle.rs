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
/// The refusal, in French (persons and agents).
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
    use super::*;
    use crate::ssr::infra::db::ScratchStore;

    async fn tries(store: &Store, subject: &str) -> Option<i64> {
        sqlx::query("SELECT tries FROM sign_in_throttle WHERE subject = $1")
            .bind(subject)
            .fetch_optional(store.pool())
            .await
            .expect("query")
            .map(|row| row.get(0))
    }

    #[tokio::test]
    async fn five_tries_in_the_window_then_none_until_it_has_passed() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        // Written out, not the module's constant: the rule, not its value.
        const FIFTEEN_MINUTES: i64 = 15 * 60 * 1000;
        let pierre = Subjects::new("1830201053123", None);
        for i in 0..MAX_TRIES {
            assert!(take(store, &pierre, 1_000 + i).await.expect("take"), "try {}", i + 1);
        }
        assert!(!take(store, &pierre, 2_000).await.expect("take"), "the sixth");
        // The window counts from the first try: just before it ends, still refused.
        assert!(!take(store, &pierre, 1_000 + FIFTEEN_MINUTES - 1).await.expect("take"));
        assert!(take(store, &pierre, 1_000 + FIFTEEN_MINUTES).await.expect("take"), "a new window");
        assert_eq!(tries(store, "account:1830201053123").await, Some(1));
    }

    #[tokio::test]
    async fn a_refusal_on_one_subject_costs_the_other_nothing() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        for i in 0..MAX_TRIES {
            assert!(take(store, &Subjects::new("pierre", Some(&format!("10.0.0.{i}"))), 0).await.expect("take"));
        }
        assert!(!take(store, &Subjects::new("pierre", Some("10.0.0.9")), 0).await.expect("take"));
        assert_eq!(tries(store, "address:10.0.0.9").await, None, "the address is not counted");
        // An address refused: the account's try is given back too.
        for i in 0..MAX_TRIES {
            assert!(take(store, &Subjects::new(&format!("n{i}"), Some("10.9.9.9")), 0).await.expect("take"));
        }
        assert!(!take(store, &Subjects::new("eva", Some("10.9.9.9")), 0).await.expect("take"));
        assert_eq!(tries(store, "account:eva").await, Some(0));
    }

    #[tokio::test]
    async fn a_try_given_back_or_a_success_frees_the_allowance() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        let from = Subjects::new("pierre", Some("10.0.0.1"));
        for _ in 0..MAX_TRIES {
            assert!(take(store, &from, 0).await.expect("take"));
        }
        give_back(store, &from).await.expect("give back");
        assert_eq!((tries(store, "account:pierre").await, tries(store, "address:10.0.0.1").await), (Some(4), Some(4)));
        assert!(take(store, &from, 0).await.expect("take"), "the try given back is free again");
        succeeded(store, &from).await.expect("success");
        assert_eq!(tries(store, "account:pierre").await, None, "the account starts again");
        assert_eq!(tries(store, "address:10.0.0.1").await, Some(4), "the address gets this try back");
        // Never below zero.
        let fresh = Subjects::new("eva", None);
        assert!(take(store, &fresh, 0).await.expect("take"));
        give_back(store, &fresh).await.expect("give back");
        give_back(store, &fresh).await.expect("give back");
        assert_eq!(tries(store, "account:eva").await, Some(0));
    }

    #[tokio::test]
    async fn the_purge_removes_the_counts_whose_window_has_passed() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        assert!(take(store, &Subjects::new("old", None), 0).await.expect("take"));
        assert!(take(store, &Subjects::new("new", None), 10).await.expect("take"));
        assert_eq!(purge(store, WINDOW_MS - 1).await.expect("purge"), 0);
        assert_eq!(purge(store, WINDOW_MS).await.expect("purge"), 1);
        assert_eq!((tries(store, "account:old").await, tries(store, "account:new").await), (None, Some(1)));
    }

    #[test]
    fn a_sign_in_is_counted_under_its_account_and_its_address() {
        let subjects = Subjects::new("1830201053123", Some("203.0.113.7"));
        assert_eq!(subjects.all().collect::<Vec<_>>(), ["account:1830201053123", "address:203.0.113.7"]);
        let unknown = Subjects::new("agent:agent.isere", None);
        assert_eq!(unknown.all().collect::<Vec<_>>(), ["account:agent:agent.isere"]);
    }
}
