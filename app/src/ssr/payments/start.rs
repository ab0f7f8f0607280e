//! Starting a payment: the rules checked again on the database's créances,
//! the lines held, the attempt and its transaction reference recorded.

use super::ATTEMPT_LIFETIME;
use crate::domain::selection::{PaymentErrors, validate_payment};
use crate::domain::{AvisReference, PaymentError, TransactionReference, ValidPayment};
use crate::ssr::AppState;
use crate::ssr::infra::audit::{self, Action, Actor, Entity, Entry};
use crate::ssr::infra::clock::millis;
use crate::ssr::infra::db::{Engine, WriteTx, is_unique_violation, new_id};
use crate::ssr::infra::ids::PersonId;
use crate::ssr::infra::metrics;
use crate::ssr::infra::time;
use crate::ssr::insured::creances;
use crate::ssr::lifecycle::AttemptStatus;
use anyhow::Context;
use sqlx::{AnyConnection, Row};

/// Why a payment could not be started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The request breaks a rule; the messages go next to the fields.
    #[error("invalid payment request")]
    Invalid(PaymentErrors),
    /// Anything else.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A created attempt.
#[derive(Debug, Clone)]
pub struct StartedAttempt {
    /// Its transaction reference.
    pub transaction_reference: TransactionReference,
    /// What it pays and how.
    pub payment: ValidPayment,
}

/// Creates a payment attempt for the signed-in person: re-checks every rule on
/// the person's own créances as the database has them now, holds the lines, and
/// records the attempt with its audit row, all in one transaction.
#[tracing::instrument(skip_all, fields(transaction_reference))]
pub async fn start(
    state: &AppState,
    person_id: &PersonId,
    selected: &[String],
    amount_input: &str,
) -> Result<StartedAttempt, StartError> {
    let now = state.clock.now_ms();
    let mut tx = state.store.write().await.context("starting the attempt transaction")?;
    let lines = creances::lines_for_person(tx.conn(), person_id, Some(now)).await?;
    let payable: Vec<_> =
        lines.into_iter().filter(|(_, openness)| openness.open_online).map(|(line, _)| line).collect();
    let payment = validate_payment(&payable, selected, amount_input).map_err(StartError::Invalid)?;

    let caisse: String = sqlx::query("SELECT caisse_code FROM persons WHERE id = $1")
        .bind(person_id)
        .fetch_one(tx.conn())
        .await
        .context("reading the person's caisse")?
        .try_get("caisse_code")
        .context("caisse_code")?;
    let transaction_reference = next_transaction_reference(tx.conn(), state.store.engine(), now).await?;
    tracing::Span::current().record("transaction_reference", transaction_reference.as_str());
    let attempt_id = new_id();
    sqlx::query(
        "INSERT INTO payment_attempts (id, transaction_reference, person_id, caisse_code, amount_cents, status, \
         created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&attempt_id)
    .bind(transaction_reference.as_str())
    .bind(person_id)
    .bind(&caisse)
    .bind(payment.amount.cents())
    .bind(AttemptStatus::Pending)
    .bind(now)
    .bind(now + millis(ATTEMPT_LIFETIME))
    .execute(tx.conn())
    .await
    .context("inserting the attempt")?;
    for allocation in &payment.allocations {
        sqlx::query("INSERT INTO attempt_lines (attempt_id, avis_reference, planned_cents) VALUES ($1, $2, $3)")
            .bind(&attempt_id)
            .bind(allocation.reference.as_str())
            .bind(allocation.amount.cents())
            .execute(tx.conn())
            .await
            .context("inserting an attempt line")?;
        hold_line(&mut tx, &allocation.reference, &attempt_id, now).await?;
    }
    audit::record(
        tx.conn(),
        now,
        Entry {
            actor: Actor::Person(person_id),
            caisse_code: Some(&caisse),
            entity: Entity::Attempt,
            entity_id: transaction_reference.as_str(),
            action: Action::Created,
            detail: serde_json::json!({
                "status": AttemptStatus::Pending.as_str(),
                "amount_cents": payment.amount.cents(),
                "lines": payment.allocations.iter()
                    .map(|a| serde_json::json!({ "reference": a.reference.as_str(), "planned_cents": a.amount.cents() }))
                    .collect::<Vec<_>>(),
            }),
        },
    )
    .await
    .context("auditing the attempt")?;
    tx.commit().await.context("committing the attempt")?;
    tracing::info!(amount_cents = payment.amount.cents(), "payment attempt created");
    metrics::attempt_started();
    Ok(StartedAttempt { transaction_reference, payment })
}

/// Holds a line for an attempt; a live hold of another attempt means a payment
/// is already in progress for it.
async fn hold_line(tx: &mut WriteTx, reference: &AvisReference, attempt_id: &str, now: i64) -> Result<(), StartError> {
    sqlx::query("DELETE FROM line_holds WHERE avis_reference = $1 AND held_until <= $2")
        .bind(reference.as_str())
        .bind(now)
        .execute(tx.conn())
        .await
        .context("releasing a stale hold")?;
    let inserted = sqlx::query("INSERT INTO line_holds (avis_reference, attempt_id, held_until) VALUES ($1, $2, $3)")
        .bind(reference.as_str())
        .bind(attempt_id)
        .bind(now + millis(ATTEMPT_LIFETIME))
        .execute(tx.conn())
        .await;
    match inserted {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => {
            Err(StartError::Invalid(PaymentErrors { selection: Some(PaymentError::PaymentInProgress), amount: None }))
        }
        Err(error) => Err(StartError::Unexpected(anyhow::Error::new(error).context("holding a line"))),
    }
}

/// «PCLCB» + YY + day of the year (Paris) + a 7-digit number, unique within the
/// day. On SQLite, the day's counter row (writers are serialised anyway). On
/// PostgreSQL, a sequence that cycles through 1..=9,999,999: no row is locked,
/// so attempts started at once do not queue behind each other's transactions;
/// a number comes back within a day only after 9,999,999 others.
async fn next_transaction_reference(
    conn: &mut AnyConnection,
    engine: Engine,
    now: i64,
) -> anyhow::Result<TransactionReference> {
    let (year, day) = time::year_and_day(now);
    let value: i64 = match engine {
        Engine::Postgres => sqlx::query_scalar("SELECT nextval('transaction_sequence')")
            .fetch_one(conn)
            .await
            .context("taking the next transaction number")?,
        Engine::Sqlite => sqlx::query(
            "INSERT INTO counters (name, value) VALUES ($1, 1) \
             ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
        )
        .bind(format!("txref-{:02}{day:03}", year % 100))
        .fetch_one(conn)
        .await
        .context("taking the next transaction sequence")?
        .try_get("value")?,
    };
    let sequence = u32::try_from(value).context("the day's sequence")?;
    TransactionReference::new(year.into(), u16::try_from(day).context("the day of the year")?, sequence)
        .context("the day's 9,999,999 transaction references are used up")
}
