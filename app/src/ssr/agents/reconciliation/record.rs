//! «Enregistrer le paiement»: money the bank took on one of the service's
//! transactions, under an authorisation the service never heard of (its
//! answers lost, the status call never made), recorded by an agent from the
//! bank's line — a payment like any other (applied by the processing run,
//! acknowledged to the person), flagged with why it was looked into (the
//! attempt's first payment: «d'après le relevé de la banque»; a further one:
//! a second authorisation) and looked into by this agent.

use super::Kind;
use crate::ssr::agents::Agent;
use crate::ssr::infra::audit::{self, Action, Actor, Entity, Entry};
use crate::ssr::infra::db::{Store, new_id};
use crate::ssr::infra::ids::PersonId;
use crate::ssr::lifecycle::{PaymentStatus, Regularisation};
use crate::ssr::messages;
use anyhow::Context;
use sips::report::Direction;
use sqlx::Row;

/// Why a discrepancy cannot be recorded as a payment.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// No open discrepancy the agent sees has this id.
    #[error("no such open discrepancy")]
    NotFound,
    /// Not money taken on one of the caisse's transactions that the service
    /// has no payment of.
    #[error("not recordable")]
    NotRecordable,
    /// Anything else.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Records the discrepancy `id` — money taken, not recorded — as a payment of
/// its transaction, and resolves it; the payment's id.
pub async fn record(store: &Store, agent: &Agent, id: &str, now: i64) -> Result<String, RecordError> {
    let mut tx = store.write().await.context("starting the recording")?;
    let found = sqlx::query(
        "SELECT kind, direction, transaction_reference, authorisation_id, bank_cents FROM discrepancies \
         WHERE id = $1 AND caisse_code = $2 AND resolution IS NULL",
    )
    .bind(id)
    .bind(&agent.caisse_code)
    .fetch_optional(tx.conn())
    .await
    .context("reading the discrepancy")?
    .ok_or(RecordError::NotFound)?;
    let kind: String = found.try_get("kind").context("kind")?;
    let direction: String = found.try_get("direction").context("direction")?;
    if Kind::parse(&kind) != Some(Kind::NotRecorded) || direction != Direction::Debit.as_str() {
        return Err(RecordError::NotRecordable);
    }
    let reference: String = found.try_get("transaction_reference").context("reference")?;
    let authorisation: String = found.try_get("authorisation_id").context("authorisation")?;
    let cents: i64 = found.try_get("bank_cents").context("cents")?;
    let attempt =
        sqlx::query("SELECT id, person_id FROM payment_attempts WHERE transaction_reference = $1 AND caisse_code = $2")
            .bind(&reference)
            .bind(&agent.caisse_code)
            .fetch_optional(tx.conn())
            .await
            .context("reading the attempt")?
            .ok_or(RecordError::NotRecordable)?;
    let attempt_id: String = attempt.try_get("id").context("id")?;
    let person: PersonId = attempt.try_get("person_id").context("person")?;
    // The attempt's first payment, or a further authorisation of a
    // transaction that has one (then one of its kind, as the bank's answer
    // would have recorded it).
    let earlier = sqlx::query("SELECT COUNT(*) AS n FROM payments WHERE attempt_id = $1")
        .bind(&attempt_id)
        .fetch_one(tx.conn())
        .await
        .context("the attempt's payments")?
        .try_get::<i64, _>("n")
        .context("n")?;
    let reason = if earlier == 0 { Regularisation::FromBankReport } else { Regularisation::SecondAuthorisation };
    let payment_id = new_id();
    // Unique per (attempt, authorisation): a payment the bank's answer
    // recorded meanwhile is not recorded twice.
    let inserted = sqlx::query(
        "INSERT INTO payments (id, attempt_id, authorisation_id, person_id, caisse_code, amount_cents, accepted_at, \
         status, regularisation, regularised_at, regularised_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING",
    )
    .bind(&payment_id)
    .bind(&attempt_id)
    .bind(&authorisation)
    .bind(&person)
    .bind(&agent.caisse_code)
    .bind(cents)
    .bind(now)
    .bind(PaymentStatus::Received)
    .bind(reason)
    .bind(now)
    .bind(&agent.id)
    .execute(tx.conn())
    .await
    .context("recording the payment")?;
    if inserted.rows_affected() == 0 {
        return Err(RecordError::NotRecordable);
    }
    let detail = serde_json::json!({
        "transaction_reference": reference,
        "amount_cents": cents,
        "authorisation_id": authorisation,
        "regularisation": reason.as_str(),
        "discrepancy": id,
    });
    let payment = Entry {
        actor: Actor::Agent(&agent.id),
        caisse_code: Some(&agent.caisse_code),
        entity: Entity::Payment,
        entity_id: &payment_id,
        action: PaymentStatus::Received.action(),
        detail,
    };
    audit::record(tx.conn(), now, payment).await.context("auditing the payment")?;
    messages::acknowledge_payment(tx.conn(), now, &person, &payment_id).await?;
    sqlx::query(
        "UPDATE discrepancies SET resolution = $4, resolved_by = $1, resolved_at = $2 \
         WHERE id = $3 AND resolution IS NULL",
    )
    .bind(&agent.id)
    .bind(now)
    .bind(id)
    .bind(super::Resolution::Recorded.as_str())
    .execute(tx.conn())
    .await
    .context("resolving the discrepancy")?;
    let resolved = Entry {
        actor: Actor::Agent(&agent.id),
        caisse_code: Some(&agent.caisse_code),
        entity: Entity::Discrepancy,
        entity_id: id,
        action: Action::Recorded,
        detail: serde_json::json!({ "payment": payment_id }),
    };
    audit::record(tx.conn(), now, resolved).await.context("auditing the recording")?;
    tx.commit().await.context("committing the recording")?;
    Ok(payment_id)
}
