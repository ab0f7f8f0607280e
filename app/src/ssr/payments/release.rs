//! A pending attempt ended without a kiosk answer — our own time limit, or
//! the person's abandon once the bank had no payment for it: its status moved
//! if it is still pending, its lines freed, its audit row written, in the
//! caller's transaction.

use crate::ssr::infra::audit::{self, Actor, Entity, Entry};
use crate::ssr::lifecycle::{AttemptStatus, Settlement};
use anyhow::Context;
use sqlx::AnyConnection;

/// The attempt and where it goes.
pub(super) struct Ending<'a> {
    /// Its row id.
    pub id: &'a str,
    /// Its transaction reference (the audit row's entity).
    pub reference: &'a str,
    /// Its caisse.
    pub caisse: &'a str,
    /// The status it takes.
    pub status: AttemptStatus,
    /// How it left `pending`.
    pub settlement: Settlement,
    /// Who ended it.
    pub actor: Actor<'a>,
    /// The audit row's detail (its `from` is added).
    pub detail: serde_json::Value,
}

/// Moves the attempt if it is still pending; `false` when an answer moved it
/// first (then nothing is written).
pub(super) async fn end_pending(conn: &mut AnyConnection, now: i64, ending: Ending<'_>) -> anyhow::Result<bool> {
    let updated = sqlx::query(
        "UPDATE payment_attempts SET status = $3, answered_at = $1, answer_channel = $4 WHERE id = $2 AND status = $5",
    )
    .bind(now)
    .bind(ending.id)
    .bind(ending.status)
    .bind(ending.settlement)
    .bind(AttemptStatus::Pending)
    .execute(&mut *conn)
    .await
    .context("ending a pending attempt")?;
    if updated.rows_affected() != 1 {
        return Ok(false);
    }
    free_lines(conn, ending.id).await?;
    let mut detail = ending.detail;
    detail["from"] = AttemptStatus::Pending.as_str().into();
    audit::record(
        conn,
        now,
        Entry {
            actor: ending.actor,
            caisse_code: Some(ending.caisse),
            entity: Entity::Attempt,
            entity_id: ending.reference,
            action: ending.status.action(),
            detail,
        },
    )
    .await
    .context("auditing the end of an attempt")?;
    Ok(true)
}

/// Frees the lines an attempt held: it has ended.
pub(super) async fn free_lines(conn: &mut AnyConnection, attempt_id: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM line_holds WHERE attempt_id = $1")
        .bind(attempt_id)
        .execute(conn)
        .await
        .context("releasing the holds")?;
    Ok(())
}
