//! «Abandonner ce paiement»: the person gives up on a pending attempt (they
//! left the bank's page, or never reached it). The lines are not freed on the
//! person's word alone: the bank is asked first what became of the
//! transaction, through Sips Office's diagnostic call `getTransactionData`
//! (a sealed JSON request; its answer's seal, merchant and reference checked):
//!
//! - authorised: the payment is applied exactly as its answer would have been
//!   (channel `status`), and the person is told so;
//! - unknown to the bank (25), or ended without payment (refused, cancelled,
//!   expired): the attempt is cancelled and its lines are free at once;
//! - still under way at the bank, or the bank cannot be asked: nothing
//!   changes; the person may try again, and the attempt ends by itself at its
//!   limit as before.
//!
//! A later acceptance of an abandoned attempt is still recorded: cancelled
//! may become accepted, flagged «à régulariser» ([`crate::ssr::lifecycle`]).

use super::answer::{AnswerError, apply_verified};
use super::office::ask_bank;
use super::release::{Ending, end_pending};
use crate::domain::TransactionReference;
use crate::ssr::AppState;
use crate::ssr::infra::audit::Actor;
use crate::ssr::infra::ids::PersonId;
use crate::ssr::infra::metrics;
use crate::ssr::lifecycle::{ABANDONED_REASON, AttemptStatus, Channel, Settlement};
use anyhow::Context;
use sips::office::Verdict;
use sqlx::Row;

/// What the abandon did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abandon {
    /// The bank had authorised the payment: it is recorded as paid.
    FoundPaid,
    /// The attempt is cancelled and its lines are free.
    Cancelled,
    /// The bank is still working on the transaction: nothing changed.
    StillAtBank,
    /// The bank could not be asked, or its answer could not be trusted or
    /// applied: nothing changed.
    BankUnavailable,
    /// Abandoned already (a second press, a reload): nothing more to do.
    AlreadyAbandoned,
    /// The attempt is no longer pending (an answer came first): nothing to do.
    NotPending(AttemptStatus),
}

/// Why there is nothing to abandon.
#[derive(Debug, thiserror::Error)]
pub enum AbandonError {
    /// No attempt of this person has this reference.
    #[error("no such attempt")]
    NotFound,
    /// Anything else.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Abandons the person's pending attempt `reference`, after asking the bank.
#[tracing::instrument(skip_all, fields(transaction_reference = reference.as_str()))]
pub async fn abandon(
    state: &AppState,
    person_id: &PersonId,
    reference: &TransactionReference,
) -> Result<Abandon, AbandonError> {
    let row = sqlx::query(
        "SELECT id, caisse_code, status, answer_channel FROM payment_attempts \
         WHERE transaction_reference = $1 AND person_id = $2",
    )
    .bind(reference.as_str())
    .bind(person_id)
    .fetch_optional(state.store.pool())
    .await
    .context("reading the attempt to abandon")?
    .ok_or(AbandonError::NotFound)?;
    let id: String = row.try_get("id").context("id")?;
    let caisse: String = row.try_get("caisse_code").context("caisse_code")?;
    let status: AttemptStatus = row.try_get("status").context("status")?;
    if status != AttemptStatus::Pending {
        let settlement: Option<Settlement> = row.try_get("answer_channel").context("answer_channel")?;
        if status == AttemptStatus::Cancelled && settlement == Some(Settlement::Abandoned) {
            return Ok(Abandon::AlreadyAbandoned);
        }
        return Ok(Abandon::NotPending(status));
    }
    let kiosk = &state.settings.kiosk;
    let answer = match ask_bank(kiosk, reference).await {
        Ok(answer) => answer,
        Err(error) => {
            tracing::warn!(error = format!("{error:#}"), "the bank's status call failed; the attempt stays pending");
            metrics::bank_status("unavailable");
            return Ok(Abandon::BankUnavailable);
        }
    };
    let verdict = answer.verdict();
    metrics::bank_status(verdict_label(verdict));
    tracing::info!(
        response_code = answer.response_code,
        transaction_status = answer.transaction_status.as_deref().unwrap_or(""),
        "the bank's status of an attempt the person abandons"
    );
    match verdict {
        Verdict::Authorised => {
            let Some(response) = answer.as_payment_response(reference.as_str(), &kiosk.key_version) else {
                tracing::warn!("an authorised status without an amount: the attempt stays pending");
                return Ok(Abandon::BankUnavailable);
            };
            match apply_verified(state, Channel::Status, &response).await {
                Ok(applied) if applied.status == AttemptStatus::Accepted => Ok(Abandon::FoundPaid),
                Ok(applied) => Ok(Abandon::NotPending(applied.status)),
                Err(AnswerError::Unexpected(error)) => Err(AbandonError::Unexpected(error)),
                Err(refused) => {
                    if let Some(refusal) = refused.refusal() {
                        metrics::answer_refused(refusal.as_str());
                    }
                    tracing::error!(error = %refused, "the bank's authorised status was refused; the attempt stays pending");
                    Ok(Abandon::BankUnavailable)
                }
            }
        }
        Verdict::Unknown | Verdict::EndedWithoutPayment => {
            let now = state.clock.now_ms();
            let mut tx = state.store.write().await.context("starting the abandon transaction")?;
            let ending = Ending {
                id: &id,
                reference: reference.as_str(),
                caisse: &caisse,
                status: AttemptStatus::Cancelled,
                settlement: Settlement::Abandoned,
                actor: Actor::Person(person_id),
                detail: serde_json::json!({
                    "reason": ABANDONED_REASON,
                    "bank_response_code": answer.response_code,
                    "bank_status": answer.transaction_status,
                }),
            };
            let ended = end_pending(tx.conn(), now, ending).await?;
            tx.commit().await.context("committing the abandon")?;
            if ended {
                tracing::info!("the attempt is abandoned, its lines free");
                return Ok(Abandon::Cancelled);
            }
            let status: AttemptStatus = sqlx::query("SELECT status FROM payment_attempts WHERE id = $1")
                .bind(&id)
                .fetch_one(state.store.pool())
                .await
                .context("reading the attempt again")?
                .try_get("status")
                .context("status")?;
            Ok(Abandon::NotPending(status))
        }
        Verdict::Undecided => Ok(Abandon::StillAtBank),
        Verdict::Unavailable => Ok(Abandon::BankUnavailable),
    }
}

fn verdict_label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Unknown => "unknown",
        Verdict::Authorised => "authorised",
        Verdict::EndedWithoutPayment => "ended_without_payment",
        Verdict::Undecided => "undecided",
        Verdict::Unavailable => "unavailable",
    }
}
