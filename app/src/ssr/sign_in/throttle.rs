//! Sign-in throttling: after 5 failed sign-ins for one account (NIR or agent
//! identifier) or from one address within 15 minutes, further attempts are
//! refused until the window has passed. Failures are counted in the database,
//! so every server instance sees the same counts.

use crate::ssr::infra::db::{Store, new_id};
use anyhow::Context;
use sqlx::Row;

/// Failures allowed per account or address in a window.
pub const MAX_FAILURES: i64 = 5;
/// The window, 15 minutes.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// The refusal, in French.
pub const TOO_MANY: &str = "Trop de tentatives de connexion. Pour votre sécurité, veuillez réessayer dans 15 minutes.";

/// The subjects a sign-in is counted under.
pub fn subjects(account: &str, address: Option<&str>) -> Vec<String> {
    let mut subjects = vec![format!("account:{account}")];
    if let Some(address) = address {
        subjects.push(format!("address:{address}"));
    }
    subjects
}

/// True when any subject has reached the limit.
pub async fn is_blocked(store: &Store, subjects: &[String], now: i64) -> anyhow::Result<bool> {
    for subject in subjects {
        let failures: i64 = sqlx::query("SELECT COUNT(*) AS n FROM sign_in_failures WHERE subject = $1 AND at > $2")
            .bind(subject)
            .bind(now - WINDOW_MS)
            .fetch_one(store.pool())
            .await
            .context("counting sign-in failures")?
            .try_get("n")?;
        if failures >= MAX_FAILURES {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Counts a failure under every subject.
pub async fn record_failure(store: &Store, subjects: &[String], now: i64) -> anyhow::Result<()> {
    let mut tx = store.write().await.context("starting the failure record")?;
    for subject in subjects {
        sqlx::query("INSERT INTO sign_in_failures (id, subject, at) VALUES ($1, $2, $3)")
            .bind(new_id())
            .bind(subject)
            .bind(now)
            .execute(tx.conn())
            .await
            .context("recording a sign-in failure")?;
    }
    tx.commit().await.context("committing the failure")?;
    Ok(())
}

/// Forgets an account's failures after a successful sign-in (the address's stay).
pub async fn clear_account(store: &Store, account: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1")
        .bind(format!("account:{account}"))
        .execute(store.pool())
        .await
        .context("clearing sign-in failures")?;
    Ok(())
}

/// Removes failures older than the window.
pub async fn purge(store: &Store, now: i64) -> anyhow::Result<u64> {
    Ok(sqlx::query("DELETE FROM sign_in_failures WHERE at <= $1")
        .bind(now - WINDOW_MS)
        .execute(store.pool())
        .await
        .context("purging sign-in failures")?
        .rows_affected())
}
