//! An approved refund sent to the bank, or sent again when the bank's word on
//! it is not known: the status call first, then the `cancel` or `refund` it
//! calls for, unless the money already went back; the bank's word recorded,
//! with what it does to the person's account and the person's message, once.

use super::{CLAIM, Reason, RefundError, RefundState, Sent, audit_payment, put_back, stored_state};
use crate::domain::{Euros, TransactionReference};
use crate::ssr::AppState;
use crate::ssr::agents::Agent;
use crate::ssr::infra::audit::Action;
use crate::ssr::infra::clock::millis;
use crate::ssr::infra::ids::PersonId;
use crate::ssr::infra::metrics;
use crate::ssr::messages;
use crate::ssr::payments::office::{ask_bank, give_back};
use anyhow::Context;
use sips::cash::{CashVerdict, Operation};
use sqlx::Row;

/// Sends the approved refund `refund_id` to the bank, or sends it again when
/// the bank's word on it is not known: the status call first, then the
/// operation it calls for, unless the money already went back.
pub async fn send(state: &AppState, agent: &Agent, refund_id: &str) -> Result<Sent, RefundError> {
    let now = state.clock.now_ms();
    let row = sqlx::query(
        "SELECT r.payment_id, r.amount_cents, r.reason, r.state, p.attempt_id, p.accepted_at, t.transaction_reference, \
         t.person_id FROM refunds r JOIN payments p ON p.id = r.payment_id \
         JOIN payment_attempts t ON t.id = p.attempt_id WHERE r.id = $1 AND r.caisse_code = $2",
    )
    .bind(refund_id)
    .bind(&agent.caisse_code)
    .fetch_optional(state.store.pool())
    .await
    .context("reading the refund to send")?
    .ok_or(RefundError::NotFound)?;
    let current = stored_state(&row)?;
    if current != RefundState::Sending {
        return Err(RefundError::NotNow(current));
    }
    let payment_id: String = row.try_get("payment_id").context("payment_id")?;
    let amount: i64 = row.try_get("amount_cents").context("amount_cents")?;
    let attempt_id: String = row.try_get("attempt_id").context("attempt_id")?;
    let reference =
        TransactionReference::parse(&row.try_get::<String, _>("transaction_reference").context("reference")?)
            .context("a stored transaction reference")?;
    // One call at a time: the claim is taken by a conditional update.
    let mut tx = state.store.write().await.context("claiming the refund")?;
    let claimed = sqlx::query(
        "UPDATE refunds SET claimed_at = $1 WHERE id = $2 AND state = $3 \
         AND (claimed_at IS NULL OR claimed_at <= $4)",
    )
    .bind(now)
    .bind(refund_id)
    .bind(RefundState::Sending.value())
    .bind(now - millis(CLAIM))
    .execute(tx.conn())
    .await
    .context("claiming the refund")?;
    tx.commit().await.context("committing the claim")?;
    if claimed.rows_affected() != 1 {
        return Ok(Sent::InFlight);
    }
    let sent = ask_then_send(state, &attempt_id, refund_id, &reference, amount).await;
    let (next, operation, code) = match &sent {
        Ok(Sent::Done(operation)) => (RefundState::Done, *operation, Some("00".to_owned())),
        Ok(Sent::Refused(code)) => (RefundState::Refused, None, Some(code.clone())),
        Ok(Sent::Unconfirmed | Sent::InFlight) | Err(_) => (RefundState::Sending, None, None),
    };
    let mut tx = state.store.write().await.context("recording the bank's word")?;
    let recorded = sqlx::query(
        "UPDATE refunds SET state = $1, operation = $2, bank_response_code = $3, done_at = $4, claimed_at = NULL \
         WHERE id = $5 AND state = $6",
    )
    .bind(next.value())
    .bind(operation.map(operation_value))
    .bind(code.as_deref())
    .bind((next != RefundState::Sending).then_some(now))
    .bind(refund_id)
    .bind(RefundState::Sending.value())
    .execute(tx.conn())
    .await
    .context("recording the bank's word")?;
    let done_here = next == RefundState::Done && recorded.rows_affected() == 1;
    let reason: String = row.try_get("reason").context("reason")?;
    let reason = Reason::parse(&reason).with_context(|| format!("an unknown refund reason {reason}"))?;
    // The person's account follows, and the person is told, once: only the
    // call that moved it to done writes.
    let put_back = match done_here {
        true => Some(put_back::put_back(&mut tx, state.store.engine(), refund_id, &payment_id, amount, reason).await?),
        false => None,
    };
    if done_here {
        let reason = reason.label();
        let paid_on = crate::ssr::infra::time::date_fr(row.try_get("accepted_at").context("accepted_at")?);
        let cancelled = operation == Some(Operation::Cancel);
        let body = messages::refund_body(Euros::from_cents(amount), &paid_on, reference.as_str(), reason, cancelled);
        let person: PersonId = row.try_get("person_id").context("person_id")?;
        messages::notify(tx.conn(), now, &person, messages::REFUND_SUBJECT, &body).await?;
    }
    if next != RefundState::Sending {
        let action = if next == RefundState::Done { Action::RefundDone } else { Action::RefundRefused };
        let mut detail = serde_json::json!({
            "refund": refund_id,
            "amount_cents": amount,
            "operation": operation.map(operation_value),
            "bank_response_code": code,
        });
        if let Some(put_back) = &put_back {
            put_back.detail(&mut detail);
        }
        audit_payment(&mut tx, now, agent, &payment_id, action, detail).await?;
    }
    tx.commit().await.context("committing the bank's word")?;
    if next != RefundState::Sending && recorded.rows_affected() == 1 {
        metrics::refund(next.value(), amount);
    }
    match sent {
        Ok(sent) => Ok(sent),
        Err(error) => {
            tracing::warn!(error = format!("{error:#}"), "a refund's bank call failed; it stays to send again");
            Ok(Sent::Unconfirmed)
        }
    }
}

/// The status call, then the operation it calls for (see the module's
/// documentation).
async fn ask_then_send(
    state: &AppState,
    attempt_id: &str,
    refund_id: &str,
    reference: &TransactionReference,
    amount: i64,
) -> anyhow::Result<Sent> {
    let kiosk = &state.settings.kiosk;
    let status = ask_bank(kiosk, reference).await?;
    let Some(bank_status) = status.transaction_status.clone().filter(|_| status.response_code == "00") else {
        return match status.verdict() {
            sips::office::Verdict::Unavailable => Ok(Sent::Unconfirmed),
            _ => Ok(Sent::Refused(status.response_code)),
        };
    };
    // What the other refunds of the transaction already gave back.
    let before: i64 = sqlx::query(
        "SELECT CAST(COALESCE(SUM(r.amount_cents), 0) AS BIGINT) AS cents FROM refunds r \
         JOIN payments p ON p.id = r.payment_id WHERE p.attempt_id = $1 AND r.state = $3 AND r.id <> $2",
    )
    .bind(attempt_id)
    .bind(refund_id)
    .bind(RefundState::Done.value())
    .fetch_one(state.store.pool())
    .await
    .context("reading what was given back before")?
    .try_get("cents")
    .context("cents")?;
    if let (Some(origin), Some(left)) = (status.amount_cents, status.current_amount_cents)
        && left <= origin - before - amount
    {
        tracing::info!("the bank already gave this refund back: its earlier answer was lost");
        return Ok(Sent::Done(None));
    }
    let Some(operation) = Operation::for_status(&bank_status) else { return Ok(Sent::Refused(bank_status)) };
    let answer = give_back(kiosk, operation, reference, amount).await?;
    tracing::info!(?operation, code = %answer.response_code, "the bank's answer to a refund");
    Ok(match answer.verdict() {
        CashVerdict::Done => Sent::Done(Some(operation)),
        CashVerdict::Unavailable => Sent::Unconfirmed,
        CashVerdict::NotAllowed | CashVerdict::UnknownTransaction | CashVerdict::Rejected => {
            Sent::Refused(answer.response_code)
        }
    })
}

pub(crate) fn operation_value(operation: Operation) -> &'static str {
    match operation {
        Operation::Cancel => "cancel",
        Operation::Refund => "refund",
    }
}
