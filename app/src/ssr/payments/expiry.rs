//! Attempts the kiosk never answered.

use super::release::{Ending, end_pending};
use crate::ssr::infra::audit::Actor;
use crate::ssr::infra::db::Store;
use crate::ssr::lifecycle::{AttemptStatus, Settlement};
use anyhow::Context;
use sqlx::Row;

/// Gives up on pending attempts past their limit: they become `expired` and free
/// their lines. Returns how many.
pub async fn expire_stale(store: &Store, now: i64) -> anyhow::Result<usize> {
    let stale: Vec<(String, String, String)> = sqlx::query(
        "SELECT id, transaction_reference, caisse_code FROM payment_attempts \
         WHERE status = $2 AND expires_at <= $1 ORDER BY expires_at LIMIT 500",
    )
    .bind(now)
    .bind(AttemptStatus::Pending)
    .fetch_all(store.pool())
    .await
    .context("listing stale attempts")?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("transaction_reference")?, r.try_get("caisse_code")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let mut expired = 0;
    for (id, reference, caisse) in stale {
        let mut tx = store.write().await.context("starting the expiry transaction")?;
        let ending = Ending {
            id: &id,
            reference: &reference,
            caisse: &caisse,
            status: AttemptStatus::Expired,
            settlement: Settlement::Expiry,
            actor: Actor::System,
            detail: serde_json::json!({ "reason": "no answer within 20 minutes" }),
        };
        if end_pending(tx.conn(), now, ending).await? {
            expired += 1;
        }
        tx.commit().await.context("committing the expiry")?;
    }
    Ok(expired)
}
