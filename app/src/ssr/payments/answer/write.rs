//! What an answer writes, inside its transaction: the answers log, the
//! attempt's new status with its audit row, and the payment with the
//! person's acknowledgement.

use super::Attempt;
use crate::ssr::infra::audit::{self, Actor, Entity, Entry};
use crate::ssr::infra::db::new_id;
use crate::ssr::lifecycle::{AnswerOutcome, AttemptStatus, Channel, PaymentStatus, Regularisation, Settlement};
use crate::ssr::messages;
use crate::ssr::payments::release::free_lines;
use anyhow::Context;
use sips::PaymentResponse;
use sqlx::AnyConnection;

pub(super) async fn record_answer(
    conn: &mut AnyConnection,
    now: i64,
    channel: Channel,
    response: &PaymentResponse,
    outcome: AnswerOutcome,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO kiosk_answers (id, received_at, channel, transaction_reference, response_code, outcome, \
         authorisation_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(now)
    .bind(channel)
    .bind(&response.transaction_reference)
    .bind(&response.response_code)
    .bind(outcome)
    .bind(&response.authorisation_id)
    .execute(conn)
    .await
    .context("recording a kiosk answer")?;
    Ok(())
}

/// Whether an acceptance for an accepted attempt is one of the payments
/// recorded for it: the same authorisation number, or a number missing on
/// either side (an answer without `authorisationId` cannot tell a second
/// authorisation from the first, so it never makes a second payment). The
/// attempt's row is locked first, so two answers decide one after the other.
pub(super) async fn is_recorded_authorisation(
    conn: &mut AnyConnection,
    attempt: &Attempt,
    number: Option<&str>,
) -> anyhow::Result<bool> {
    let Some(number) = number.filter(|number| !number.is_empty()) else { return Ok(true) };
    sqlx::query("UPDATE payment_attempts SET status = status WHERE id = $1")
        .bind(&attempt.id)
        .execute(&mut *conn)
        .await
        .context("locking the attempt")?;
    let recorded: Vec<String> = sqlx::query_scalar("SELECT authorisation_id FROM payments WHERE attempt_id = $1")
        .bind(&attempt.id)
        .fetch_all(&mut *conn)
        .await
        .context("reading the attempt's payments")?;
    Ok(recorded.iter().any(|known| known.is_empty() || known == number))
}

/// Moves the attempt to `target` if it is still where it was read, frees its
/// lines and writes the audit row; `false` when another answer moved it first.
pub(super) async fn settle(
    conn: &mut AnyConnection,
    now: i64,
    channel: Channel,
    attempt: &Attempt,
    target: AttemptStatus,
    response: &PaymentResponse,
) -> anyhow::Result<bool> {
    let updated = sqlx::query(
        "UPDATE payment_attempts SET status = $1, answered_at = $2, answer_channel = $3, response_code = $4, \
         acquirer_response_code = $5, authorisation_id = $6, masked_pan = $7, payment_mean_brand = $8, \
         holder_authent_status = $9, transaction_date_time = $10 WHERE id = $11 AND status = $12",
    )
    .bind(target)
    .bind(now)
    .bind(Settlement::Answer(channel))
    .bind(&response.response_code)
    .bind(&response.acquirer_response_code)
    .bind(&response.authorisation_id)
    .bind(&response.masked_pan)
    .bind(&response.payment_mean_brand)
    .bind(&response.holder_authent_status)
    .bind(&response.transaction_date_time)
    .bind(&attempt.id)
    .bind(attempt.status)
    .execute(&mut *conn)
    .await
    .context("updating the attempt")?;
    if updated.rows_affected() != 1 {
        return Ok(false);
    }
    free_lines(conn, &attempt.id).await?;
    audit::record(
        conn,
        now,
        Entry {
            actor: Actor::Kiosk,
            caisse_code: Some(&attempt.caisse),
            entity: Entity::Attempt,
            entity_id: attempt.reference.as_str(),
            action: target.action(),
            detail: serde_json::json!({
                "from": attempt.status.as_str(),
                "channel": channel.as_str(),
                "response_code": response.response_code,
                "authorisation_id": response.authorisation_id,
            }),
        },
    )
    .await
    .context("auditing the answer")?;
    Ok(true)
}

/// An accepted authorisation becomes a payment «en cours de traitement»
/// (flagged «à régulariser» with its reason, if any), and the person gets the
/// acknowledgement in «Ma messagerie». `false` when it was recorded already:
/// the same authorisation number, or a first payment when the attempt has one
/// (the `payments_one_first_per_attempt` index, which rests on no field the
/// bank may leave out).
pub(super) async fn record_payment(
    conn: &mut AnyConnection,
    now: i64,
    attempt: &Attempt,
    response: &PaymentResponse,
    regularisation: Option<Regularisation>,
) -> anyhow::Result<bool> {
    let payment_id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO payments (id, attempt_id, authorisation_id, person_id, caisse_code, amount_cents, accepted_at, \
         status, regularisation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
    )
    .bind(&payment_id)
    .bind(&attempt.id)
    .bind(response.authorisation_id.clone().unwrap_or_default())
    .bind(&attempt.person_id)
    .bind(&attempt.caisse)
    .bind(attempt.amount_cents)
    .bind(now)
    .bind(PaymentStatus::Received)
    .bind(regularisation)
    .execute(&mut *conn)
    .await
    .context("recording the payment")?;
    if inserted.rows_affected() == 0 {
        return Ok(false);
    }
    audit::record(
        conn,
        now,
        Entry {
            actor: Actor::Kiosk,
            caisse_code: Some(&attempt.caisse),
            entity: Entity::Payment,
            entity_id: &payment_id,
            action: PaymentStatus::Received.action(),
            detail: serde_json::json!({
                "transaction_reference": attempt.reference.as_str(),
                "amount_cents": attempt.amount_cents,
                "authorisation_id": response.authorisation_id,
                "regularisation": regularisation.map(Regularisation::as_str),
            }),
        },
    )
    .await
    .context("auditing the payment")?;
    messages::acknowledge_payment(conn, now, &attempt.person_id, &payment_id).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TransactionReference;
    use crate::ssr::infra::db::ScratchStore;
    use crate::ssr::infra::ids::PersonId;
    use sqlx::Row;

    /// An answer that read the attempt as pending, while another answer
    /// accepted it meanwhile (the race the conditional update settles; on
    /// SQLite the writer lock keeps it from happening, so it is staged here).
    #[tokio::test]
    async fn an_answer_that_read_a_status_since_changed_moves_nothing() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        scratch.add_person("p1").await;
        sqlx::query(
            "INSERT INTO payment_attempts (id, transaction_reference, person_id, caisse_code, amount_cents, status, \
             created_at, expires_at, authorisation_id) VALUES ('a1', 'PCLCB263310000001', 'p1', '381', 2000, $1, 0, 1, 'FIRST')",
        )
        .bind(AttemptStatus::Accepted)
        .execute(store.pool())
        .await
        .expect("an accepted attempt");
        let stale = Attempt {
            id: "a1".into(),
            reference: TransactionReference::parse("PCLCB263310000001").expect("a reference"),
            person_id: PersonId::new("p1"),
            caisse: "381".into(),
            amount_cents: 2000,
            status: AttemptStatus::Pending,
        };
        let refusal = PaymentResponse {
            response_code: "05".into(),
            authorisation_id: Some("OTHER".into()),
            amount_cents: 2000,
            transaction_reference: "PCLCB263310000001".into(),
            ..PaymentResponse::default()
        };
        let mut tx = store.write().await.expect("a transaction");
        let moved =
            settle(tx.conn(), 5, Channel::Automatic, &stale, AttemptStatus::Refused, &refusal).await.expect("settle");
        tx.commit().await.expect("commit");
        assert!(!moved, "another answer moved it first");
        let row = sqlx::query("SELECT status, authorisation_id FROM payment_attempts WHERE id = 'a1'")
            .fetch_one(store.pool())
            .await
            .expect("the attempt");
        let status: AttemptStatus = row.get("status");
        let authorisation: String = row.get("authorisation_id");
        assert_eq!((status, authorisation.as_str()), (AttemptStatus::Accepted, "FIRST"));
        assert_eq!(
            sqlx::query("SELECT COUNT(*) FROM audit_log")
                .fetch_one(store.pool())
                .await
                .expect("count")
                .get::<i64, _>(0),
            0
        );
    }
}
