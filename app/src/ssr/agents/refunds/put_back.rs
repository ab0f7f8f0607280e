//! What money given back does to the person's account.
//!
//! A payment applied by the processing run was shared among its créances
//! (oldest first), the rest kept as a trop-perçu. A refund given back takes
//! first from that trop-perçu, then puts the rest back on the créances'
//! restant dû: the payment's allocation reversed, the newest créance first
//! (so the oldest is the last to owe again). A refund for a trop-perçu only
//! ever takes from it ([`super::ask`] holds it within), and leaves the
//! créances alone. A payment not applied yet has nothing to reverse: the
//! processing run applies only what was not given back
//! (`ssr::processing`).
//!
//! Written in the transaction that records the bank's word, once per refund
//! (only the call that moves it to `done` writes), and kept per refund
//! (`from_excess_cents`, `refund_reversals`) for the agents' pages and the
//! person's.

use super::Reason;
use crate::domain::Euros;
use crate::ssr::infra::db::{Engine, WriteTx};
use crate::ssr::lifecycle::PaymentStatus;
use anyhow::Context;
use sqlx::Row;

/// What one refund did to the person's account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutBack {
    /// Taken off the payment's trop-perçu.
    pub from_excess: Euros,
    /// Put back on each créance's restant dû (avis reference, amount), the
    /// newest créance first.
    pub on: Vec<(String, Euros)>,
}

impl PutBack {
    /// For the audit trail: `from_excess_cents` and `put_back`, a list of
    /// `{reference, amount_cents}`.
    pub fn detail(&self, detail: &mut serde_json::Value) {
        detail["from_excess_cents"] = self.from_excess.cents().into();
        detail["put_back"] = self
            .on
            .iter()
            .map(|(reference, amount)| serde_json::json!({ "reference": reference, "amount_cents": amount.cents() }))
            .collect::<Vec<_>>()
            .into();
    }
}

/// Applies the refund `refund_id` of `amount_cents`, just given back on
/// `payment_id`, to the person's account (see the module's documentation).
pub async fn put_back(
    tx: &mut WriteTx,
    engine: Engine,
    refund_id: &str,
    payment_id: &str,
    amount_cents: i64,
    reason: Reason,
) -> anyhow::Result<PutBack> {
    let lock = if engine == Engine::Postgres { " FOR UPDATE" } else { "" };
    let sql = format!("SELECT status, excess_cents FROM payments WHERE id = $1{lock}");
    let payment = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(payment_id)
        .fetch_one(tx.conn())
        .await
        .context("reading the refunded payment")?;
    let status: String = payment.try_get("status").context("status")?;
    if PaymentStatus::parse(&status).ok() != Some(PaymentStatus::Applied) {
        return Ok(PutBack::default());
    }
    let excess: i64 = payment.try_get("excess_cents").context("excess_cents")?;
    let taken: i64 = sqlx::query(
        "SELECT CAST(COALESCE(SUM(from_excess_cents), 0) AS BIGINT) AS cents FROM refunds \
         WHERE payment_id = $1 AND id <> $2",
    )
    .bind(payment_id)
    .bind(refund_id)
    .fetch_one(tx.conn())
    .await
    .context("reading what was taken off the trop-perçu")?
    .try_get("cents")
    .context("cents")?;
    let from_excess = amount_cents.min((excess - taken).max(0));
    let mut rest = if reason == Reason::TropPercu { 0 } else { amount_cents - from_excess };
    let allocations = sqlx::query(
        "SELECT al.avis_reference, al.amount_cents - CAST(COALESCE((SELECT SUM(v.amount_cents) \
         FROM refund_reversals v JOIN refunds r ON r.id = v.refund_id \
         WHERE r.payment_id = al.payment_id AND v.avis_reference = al.avis_reference), 0) AS BIGINT) AS left_cents \
         FROM allocations al JOIN avis a ON a.reference = al.avis_reference WHERE al.payment_id = $1 \
         ORDER BY a.issued_on DESC, al.avis_reference DESC",
    )
    .bind(payment_id)
    .fetch_all(tx.conn())
    .await
    .context("reading the payment's allocation")?;
    let mut on = Vec::new();
    for row in &allocations {
        if rest == 0 {
            break;
        }
        let reference: String = row.try_get("avis_reference").context("avis_reference")?;
        let back = rest.min(row.try_get::<i64, _>("left_cents").context("left_cents")?);
        if back > 0 {
            on.push((reference, Euros::from_cents(back)));
            rest -= back;
        }
    }
    // Written in the order of the references, the order in which the
    // processing run locks the créances: two transactions never wait on
    // each other in a cycle.
    let mut in_order: Vec<&(String, Euros)> = on.iter().collect();
    in_order.sort_by(|a, b| a.0.cmp(&b.0));
    for (reference, back) in in_order {
        // The schema's CHECK keeps the restant dû within the amount issued.
        sqlx::query("UPDATE avis SET restant_cents = restant_cents + $1 WHERE reference = $2")
            .bind(back.cents())
            .bind(reference)
            .execute(tx.conn())
            .await
            .context("putting back the restant dû")?;
        sqlx::query("INSERT INTO refund_reversals (refund_id, avis_reference, amount_cents) VALUES ($1, $2, $3)")
            .bind(refund_id)
            .bind(reference)
            .bind(back.cents())
            .execute(tx.conn())
            .await
            .context("recording what was put back")?;
    }
    sqlx::query("UPDATE refunds SET from_excess_cents = $1 WHERE id = $2")
        .bind(from_excess)
        .bind(refund_id)
        .execute(tx.conn())
        .await
        .context("recording what was taken off the trop-perçu")?;
    Ok(PutBack { from_excess: Euros::from_cents(from_excess), on })
}
