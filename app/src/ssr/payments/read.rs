//! Attempts as the person's pages show them.

use crate::domain::{Euros, TransactionReference};
use crate::ssr::infra::db::Store;
use crate::ssr::infra::ids::PersonId;
use crate::ssr::lifecycle::{AttemptStatus, PaymentStatus, RefundState};
use anyhow::Context;
use sqlx::Row;

/// An attempt as the person's pages show it.
#[derive(Debug, Clone)]
pub struct AttemptSummary {
    /// Its reference.
    pub transaction_reference: TransactionReference,
    /// Its status (a pending attempt past its limit counts as expired).
    pub status: AttemptStatus,
    /// The payment's processing status, when accepted.
    pub payment_status: Option<PaymentStatus>,
    /// Amount.
    pub amount: Euros,
    /// When it was created.
    pub created_at: i64,
    /// While pending, its lines are held until then; it ends by itself at that time.
    pub expires_at: i64,
}

/// The attempts (`t`) of a condition, with what [`summary_from_row`] reads.
macro_rules! summaries_where {
    ($condition:literal) => {
        concat!(
            "SELECT t.transaction_reference, t.status, t.expires_at, t.amount_cents, t.created_at, \
             p.status AS payment_status FROM payment_attempts t LEFT JOIN payments p ON p.attempt_id = t.id WHERE ",
            $condition
        )
    };
}

/// The `transaction_reference` column of a row, as the type it is.
pub fn transaction_reference_of(row: &sqlx::any::AnyRow) -> anyhow::Result<TransactionReference> {
    let text: String = row.try_get("transaction_reference")?;
    TransactionReference::parse(&text).with_context(|| format!("a stored transaction reference {text:?}"))
}

fn summary_from_row(row: &sqlx::any::AnyRow, now: i64) -> anyhow::Result<AttemptSummary> {
    let mut status: AttemptStatus = row.try_get("status")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    if status == AttemptStatus::Pending && expires_at <= now {
        status = AttemptStatus::Expired;
    }
    Ok(AttemptSummary {
        transaction_reference: transaction_reference_of(row)?,
        status,
        payment_status: row.try_get("payment_status")?,
        amount: Euros::from_cents(row.try_get("amount_cents")?),
        created_at: row.try_get("created_at")?,
        expires_at,
    })
}

/// The person's attempt `transaction_reference` (for the banner after the kiosk).
pub async fn attempt_of(
    store: &Store,
    person_id: &PersonId,
    transaction_reference: &TransactionReference,
    now: i64,
) -> anyhow::Result<Option<AttemptSummary>> {
    let row = sqlx::query(summaries_where!("t.transaction_reference = $1 AND t.person_id = $2"))
        .bind(transaction_reference.as_str())
        .bind(person_id)
        .fetch_optional(store.pool())
        .await
        .context("reading an attempt")?;
    row.map(|r| summary_from_row(&r, now)).transpose()
}

/// The person's attempts, newest first (at most `limit`).
pub async fn attempts_of(
    store: &Store,
    person_id: &PersonId,
    now: i64,
    limit: i64,
) -> anyhow::Result<Vec<AttemptSummary>> {
    let rows = sqlx::query(summaries_where!(
        "t.person_id = $1 ORDER BY t.created_at DESC, t.transaction_reference DESC LIMIT $2"
    ))
    .bind(person_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await
    .context("listing attempts")?;
    rows.iter().map(|r| summary_from_row(r, now)).collect()
}

/// The person's attempts waiting for the bank (not past their limit), oldest first.
pub async fn pending_of(store: &Store, person_id: &PersonId, now: i64) -> anyhow::Result<Vec<AttemptSummary>> {
    let rows = sqlx::query(summaries_where!(
        "t.person_id = $1 AND t.status = $2 AND t.expires_at > $3 ORDER BY t.created_at, t.transaction_reference"
    ))
    .bind(person_id)
    .bind(AttemptStatus::Pending)
    .bind(now)
    .fetch_all(store.pool())
    .await
    .context("listing pending attempts")?;
    rows.iter().map(|r| summary_from_row(r, now)).collect()
}

/// Money the caisse gives back on one of a person's payments, as their pages
/// show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundSummary {
    /// The payment's transaction.
    pub transaction_reference: TransactionReference,
    /// How much.
    pub amount: Euros,
    /// Where it stands, in the person's words.
    pub state: &'static str,
    /// When an agent asked for it.
    pub asked_at: i64,
}

/// The refunds on the person's payments, newest first; a request another
/// agent rejected is not the person's concern and is left out.
pub async fn refunds_of(store: &Store, person_id: &PersonId) -> anyhow::Result<Vec<RefundSummary>> {
    let rows = sqlx::query(
        "SELECT t.transaction_reference, r.amount_cents, r.state, r.asked_at FROM refunds r \
         JOIN payments p ON p.id = r.payment_id JOIN payment_attempts t ON t.id = p.attempt_id \
         WHERE t.person_id = $1 AND r.state <> $2 ORDER BY r.asked_at DESC, r.id",
    )
    .bind(person_id)
    .bind(RefundState::Rejected.value())
    .fetch_all(store.pool())
    .await
    .context("listing the person's refunds")?;
    rows.iter()
        .map(|row| {
            let state: String = row.try_get("state")?;
            Ok(RefundSummary {
                transaction_reference: transaction_reference_of(row)?,
                amount: Euros::from_cents(row.try_get("amount_cents")?),
                state: match state.as_str() {
                    "asked" => "demandé",
                    "sending" => "envoyé à la banque",
                    "done" => "effectué",
                    _ => "refusé par la banque",
                },
                asked_at: row.try_get("asked_at")?,
            })
        })
        .collect()
}
