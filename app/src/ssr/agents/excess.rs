//! A trop-perçu put to use: instead of giving it back, an agent assigns part
//! of a payment's trop-perçu to another open créance of the same person, as
//! if the processing run had allocated it there (the créance owes less, the
//! payment's allocation holds the share, its trop-perçu is that much
//! smaller). What may be assigned is what the trop-perçus' work queue shows:
//! the trop-perçu minus what refunds have asked, sent or given back of the
//! payment. Audited on the payment.

use super::Agent;
use crate::domain::Euros;
use crate::ssr::infra::audit::{self, Action, Actor, Entity, Entry};
use crate::ssr::infra::db::{Engine, Store};
use crate::ssr::lifecycle::{PaymentStatus, RefundState};
use anyhow::Context;
use sqlx::Row;

/// Why a trop-perçu cannot be assigned.
#[derive(Debug, thiserror::Error)]
pub enum AssignError {
    /// No payment of the agent's caisse has this id.
    #[error("no such payment in this caisse")]
    NotFound,
    /// The créance is not an open créance of the payment's person (or owes nothing).
    #[error("not an open créance of the person")]
    NotTheirs,
    /// More than the trop-perçu left, or than the créance owes (the most that may be assigned).
    #[error("at most {most}")]
    TooMuch {
        /// The most that may be assigned to this créance.
        most: Euros,
    },
    /// Anything else.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The SQL of what may still be assigned or given back of the trop-perçu of
/// the payment `alias` (a row of `payments`): its trop-perçu less what
/// refunds have asked, sent or given back of the payment; the work queue's
/// figure.
pub(crate) fn left_sql(alias: &str) -> String {
    let held = RefundState::holding_money_sql();
    format!(
        "{alias}.excess_cents - CAST(COALESCE((SELECT SUM(r.amount_cents) FROM refunds r \
         WHERE r.payment_id = {alias}.id AND r.state IN ({held})), 0) AS BIGINT)"
    )
}

/// Assigns `amount` of the caisse's payment `payment_id`'s trop-perçu to the
/// créance `avis_reference` of the same person.
pub async fn assign(
    store: &Store,
    agent: &Agent,
    payment_id: &str,
    avis_reference: &str,
    amount: Euros,
    now: i64,
) -> Result<(), AssignError> {
    let mut tx = store.write().await.context("starting the assignment")?;
    let lock = if store.engine() == Engine::Postgres { " FOR UPDATE" } else { "" };
    let sql = format!(
        "SELECT person_id, status, {} AS left_cents FROM payments WHERE id = $1 AND caisse_code = $2{lock}",
        left_sql("payments")
    );
    let payment = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(payment_id)
        .bind(&agent.caisse_code)
        .fetch_optional(tx.conn())
        .await
        .context("reading the payment")?
        .ok_or(AssignError::NotFound)?;
    let applied = payment.try_get::<String, _>("status").context("status")? == PaymentStatus::Applied.as_str();
    let left: i64 = if applied { payment.try_get::<i64, _>("left_cents").context("left_cents")?.max(0) } else { 0 };
    let person: String = payment.try_get("person_id").context("person_id")?;
    let sql = format!(
        "SELECT restant_cents FROM avis WHERE reference = $1 AND person_id = $2 AND caisse_code = $3 \
         AND closed_at IS NULL AND restant_cents > 0{lock}"
    );
    let owed: i64 = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(avis_reference)
        .bind(&person)
        .bind(&agent.caisse_code)
        .fetch_optional(tx.conn())
        .await
        .context("reading the créance")?
        .ok_or(AssignError::NotTheirs)?
        .try_get("restant_cents")
        .context("restant_cents")?;
    let most = left.min(owed);
    if amount.is_zero() || amount.cents() > most {
        return Err(AssignError::TooMuch { most: Euros::from_cents(most) });
    }
    sqlx::query("UPDATE avis SET restant_cents = restant_cents - $1 WHERE reference = $2")
        .bind(amount.cents())
        .bind(avis_reference)
        .execute(tx.conn())
        .await
        .context("lowering the restant dû")?;
    sqlx::query("UPDATE payments SET excess_cents = excess_cents - $1 WHERE id = $2")
        .bind(amount.cents())
        .bind(payment_id)
        .execute(tx.conn())
        .await
        .context("lowering the trop-perçu")?;
    sqlx::query(
        "INSERT INTO allocations (payment_id, avis_reference, amount_cents) VALUES ($1, $2, $3) \
         ON CONFLICT (payment_id, avis_reference) DO UPDATE SET amount_cents = allocations.amount_cents + $3",
    )
    .bind(payment_id)
    .bind(avis_reference)
    .bind(amount.cents())
    .execute(tx.conn())
    .await
    .context("recording the share")?;
    let entry = Entry {
        actor: Actor::Agent(&agent.id),
        caisse_code: Some(&agent.caisse_code),
        entity: Entity::Payment,
        entity_id: payment_id,
        action: Action::ExcessAssigned,
        detail: serde_json::json!({ "reference": avis_reference, "amount_cents": amount.cents() }),
    };
    audit::record(tx.conn(), now, entry).await.context("auditing the assignment")?;
    tx.commit().await.context("committing the assignment")?;
    crate::ssr::infra::metrics::trop_percu_assigned(amount.cents());
    Ok(())
}

/// The open créances of the caisse's payment `payment_id`'s person, for the
/// assignment's choice: (avis reference, what it owes), oldest first.
pub async fn open_creances_of(store: &Store, agent: &Agent, payment_id: &str) -> anyhow::Result<Vec<(String, Euros)>> {
    let rows = sqlx::query(
        "SELECT a.reference, a.restant_cents FROM avis a JOIN payments p ON p.person_id = a.person_id \
         WHERE p.id = $1 AND p.caisse_code = $2 AND a.caisse_code = $2 AND a.closed_at IS NULL AND a.restant_cents > 0 \
         ORDER BY a.issued_on, a.reference",
    )
    .bind(payment_id)
    .bind(&agent.caisse_code)
    .fetch_all(store.pool())
    .await
    .context("listing the person's open créances")?;
    rows.iter().map(|row| Ok((row.try_get("reference")?, Euros::from_cents(row.try_get("restant_cents")?)))).collect()
}

/// What may still be assigned or given back of the trop-perçus of the caisse's
/// `payments`: (payment id, what is left), those with something left.
pub async fn left_on(store: &Store, agent: &Agent, payments: &[String]) -> anyhow::Result<Vec<(String, Euros)>> {
    let mut left = Vec::new();
    for payment in payments {
        let sql = format!(
            "SELECT {} AS left_cents FROM payments WHERE id = $1 AND caisse_code = $2 AND status = $3",
            left_sql("payments")
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(payment)
            .bind(&agent.caisse_code)
            .bind(PaymentStatus::Applied)
            .fetch_optional(store.pool())
            .await
            .context("reading a payment's trop-perçu")?;
        if let Some(cents) = row.map(|r| r.try_get::<i64, _>("left_cents")).transpose()?.filter(|c| *c > 0) {
            left.push((payment.clone(), Euros::from_cents(cents)));
        }
    }
    Ok(left)
}
