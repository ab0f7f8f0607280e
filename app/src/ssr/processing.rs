//! The processing run: applies accepted payments to the créances, then purges
//! the messages past their retention date.
//!
//! Each payment is shared among its attempt's lines oldest first, never beyond a
//! line's restant dû as the database has it now; what is left is recorded as
//! trop-perçu (never lost, never a negative restant dû). The payment becomes
//! «pris en compte». Every change is written with its audit row, in the same
//! transaction.
//!
//! Several runs at once (several server instances, or the periodic run and the
//! `server process` command) never apply a payment twice: on PostgreSQL each
//! run claims its batch with `FOR UPDATE SKIP LOCKED` and locks the avis rows it
//! changes; on SQLite the store has one writer at a time. Either way the payment
//! is updated with `WHERE status = 'received'`.

use super::audit::{self, Actor, Entry};
use super::db::{Engine, Store, WriteTx};
use crate::domain::{AvisReference, CreanceLine, Euros, IssueDate, allocate};
use anyhow::Context;
use sqlx::Row;

/// Payments claimed per transaction.
const BATCH: i64 = 200;

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Payments applied («pris en compte»).
    pub applied: usize,
    /// Trop-perçu recorded, in cents.
    pub excess_cents: i64,
    /// Messages deleted at the end of their retention.
    pub purged_messages: usize,
}

/// Applies every received payment, then purges expired messages.
pub async fn run(store: &Store, now: i64) -> anyhow::Result<RunReport> {
    let mut report = RunReport::default();
    loop {
        let (applied, excess) = apply_batch(store, now).await?;
        report.applied += applied;
        report.excess_cents += excess;
        if applied < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            break;
        }
    }
    report.purged_messages = purge_messages(store, now).await?;
    Ok(report)
}

struct Claimed {
    id: String,
    attempt_id: String,
    caisse: String,
    amount_cents: i64,
}

async fn apply_batch(store: &Store, now: i64) -> anyhow::Result<(usize, i64)> {
    let mut tx = store.write().await.context("starting the processing transaction")?;
    let claim = match store.engine() {
        Engine::Postgres => {
            "SELECT id, attempt_id, caisse_code, amount_cents FROM payments WHERE status = 'received' \
             ORDER BY accepted_at, id LIMIT $1 FOR UPDATE SKIP LOCKED"
        }
        Engine::Sqlite => {
            "SELECT id, attempt_id, caisse_code, amount_cents FROM payments WHERE status = 'received' \
             ORDER BY accepted_at, id LIMIT $1"
        }
    };
    let claimed: Vec<Claimed> = sqlx::query(claim)
        .bind(BATCH)
        .fetch_all(tx.conn())
        .await
        .context("claiming received payments")?
        .iter()
        .map(|r| {
            Ok(Claimed {
                id: r.try_get("id")?,
                attempt_id: r.try_get("attempt_id")?,
                caisse: r.try_get("caisse_code")?,
                amount_cents: r.try_get("amount_cents")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    if store.engine() == Engine::Postgres && !claimed.is_empty() {
        // Every avis the batch touches, locked at once in one order, so two runs
        // never wait on each other in a cycle.
        let ids: Vec<&str> = claimed.iter().map(|c| c.attempt_id.as_str()).collect();
        let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT reference FROM avis WHERE reference IN \
             (SELECT avis_reference FROM attempt_lines WHERE attempt_id IN ({})) ORDER BY reference FOR UPDATE",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(id);
        }
        query.fetch_all(tx.conn()).await.context("locking the batch's créances")?;
    }
    let mut applied = 0;
    let mut excess_total = 0;
    for payment in &claimed {
        if let Some(excess) = apply_one(&mut tx, payment, now).await? {
            applied += 1;
            excess_total += excess;
        }
    }
    tx.commit().await.context("committing the processing batch")?;
    if applied > 0 {
        tracing::info!(applied, excess_cents = excess_total, "payments applied to the créances");
    }
    Ok((applied, excess_total))
}

/// Applies one payment; `None` when another run got there first.
async fn apply_one(tx: &mut WriteTx, payment: &Claimed, now: i64) -> anyhow::Result<Option<i64>> {
    let lines: Vec<CreanceLine> = sqlx::query(
        "SELECT a.reference, a.issued_on, a.initial_cents, a.restant_cents FROM attempt_lines l \
         JOIN avis a ON a.reference = l.avis_reference WHERE l.attempt_id = $1 ORDER BY a.reference",
    )
    .bind(&payment.attempt_id)
    .fetch_all(tx.conn())
    .await
    .context("reading the payment's créances")?
    .iter()
    .map(|r| -> anyhow::Result<CreanceLine> {
        Ok(CreanceLine {
            reference: AvisReference::parse(&r.try_get::<String, _>("reference")?)?,
            issued_on: IssueDate::parse_iso(&r.try_get::<String, _>("issued_on")?)?,
            initial: Euros::from_cents(r.try_get("initial_cents")?),
            restant: Euros::from_cents(r.try_get("restant_cents")?),
            payment_in_progress: false,
        })
    })
    .collect::<anyhow::Result<_>>()?;
    let amount = Euros::from_cents(payment.amount_cents);
    let shares = allocate(amount, &lines.iter().collect::<Vec<_>>());
    let allocated = Euros::sum(shares.iter().map(|s| s.amount)).context("summing the allocation")?;
    let excess = amount.saturating_sub(allocated).cents();

    let updated = sqlx::query(
        "UPDATE payments SET status = 'applied', applied_at = $1, excess_cents = $2 WHERE id = $3 AND status = 'received'",
    )
    .bind(now)
    .bind(excess)
    .bind(&payment.id)
    .execute(tx.conn())
    .await
    .context("marking the payment applied")?;
    if updated.rows_affected() != 1 {
        return Ok(None);
    }
    for share in &shares {
        sqlx::query("INSERT INTO allocations (payment_id, avis_reference, amount_cents) VALUES ($1, $2, $3)")
            .bind(&payment.id)
            .bind(share.reference.as_str())
            .bind(share.amount.cents())
            .execute(tx.conn())
            .await
            .context("recording an allocation")?;
        let changed = sqlx::query(
            "UPDATE avis SET restant_cents = restant_cents - $1 WHERE reference = $2 AND restant_cents >= $1",
        )
        .bind(share.amount.cents())
        .bind(share.reference.as_str())
        .execute(tx.conn())
        .await
        .context("lowering a restant dû")?;
        anyhow::ensure!(changed.rows_affected() == 1, "the restant dû of {} changed under the run", share.reference);
    }
    audit::record(
        tx.conn(),
        now,
        Entry {
            actor: Actor::System,
            caisse_code: Some(&payment.caisse),
            entity_kind: "payment",
            entity_id: &payment.id,
            action: "applied",
            detail: serde_json::json!({
                "amount_cents": payment.amount_cents,
                "excess_cents": excess,
                "allocations": shares.iter()
                    .map(|s| serde_json::json!({ "reference": s.reference.as_str(), "amount_cents": s.amount.cents() }))
                    .collect::<Vec<_>>(),
            }),
        },
    )
    .await
    .context("auditing the application")?;
    if excess > 0 {
        tracing::warn!(payment = %payment.id, excess_cents = excess, "trop-perçu recorded");
    }
    Ok(Some(excess))
}

/// Deletes the messages past their retention date; returns how many.
async fn purge_messages(store: &Store, now: i64) -> anyhow::Result<usize> {
    let mut tx = store.write().await.context("starting the purge transaction")?;
    let expired: Vec<(String, String)> = sqlx::query(
        "SELECT m.id, p.caisse_code FROM messages m JOIN persons p ON p.id = m.person_id WHERE m.delete_after <= $1",
    )
    .bind(now)
    .fetch_all(tx.conn())
    .await
    .context("listing expired messages")?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("caisse_code")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    for (id, caisse) in &expired {
        sqlx::query("DELETE FROM messages WHERE id = $1")
            .bind(id)
            .execute(tx.conn())
            .await
            .context("deleting a message")?;
        audit::record(
            tx.conn(),
            now,
            Entry {
                actor: Actor::System,
                caisse_code: Some(caisse),
                entity_kind: "message",
                entity_id: id,
                action: "purged",
                detail: serde_json::json!({ "reason": "retention of 6 months reached" }),
            },
        )
        .await
        .context("auditing a purge")?;
    }
    tx.commit().await.context("committing the purge")?;
    Ok(expired.len())
}
