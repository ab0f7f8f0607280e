//! Attempts the kiosk never answered.

use crate::ssr::infra::audit::{self, Actor, Entry};
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
        let updated = sqlx::query(
            "UPDATE payment_attempts SET status = $3, answered_at = $1, answer_channel = $4 \
             WHERE id = $2 AND status = $5",
        )
        .bind(now)
        .bind(&id)
        .bind(AttemptStatus::Expired)
        .bind(Settlement::Expiry)
        .bind(AttemptStatus::Pending)
        .execute(tx.conn())
        .await
        .context("expiring an attempt")?;
        if updated.rows_affected() == 1 {
            sqlx::query("DELETE FROM line_holds WHERE attempt_id = $1").bind(&id).execute(tx.conn()).await?;
            audit::record(
                tx.conn(),
                now,
                Entry {
                    actor: Actor::System,
                    caisse_code: Some(&caisse),
                    entity_kind: "attempt",
                    entity_id: &reference,
                    action: AttemptStatus::Expired.as_str(),
                    detail: serde_json::json!({
                        "from": AttemptStatus::Pending.as_str(),
                        "reason": "no answer within 20 minutes",
                    }),
                },
            )
            .await?;
            expired += 1;
        }
        tx.commit().await.context("committing the expiry")?;
    }
    Ok(expired)
}
