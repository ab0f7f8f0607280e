//! A kiosk answer: verified (seal, key version, merchant, amount, reference)
//! and applied exactly once.

mod write;

use crate::domain::TransactionReference;
use crate::ssr::infra::ids::PersonId;
use crate::ssr::infra::metrics;
use crate::ssr::lifecycle::{AnswerOutcome, AttemptStatus, Channel, Effect, Regularisation};
use crate::ssr::{AppState, KioskSettings};
use anyhow::Context;
use sips::{DataFields, PaymentResponse, SealedForm, SipsError};
use sqlx::{AnyConnection, Row};
use write::{is_recorded_authorisation, record_answer, record_payment, settle};

/// Why an answer is refused, as the metrics label it
/// (`kiosk_answers_refused_total{reason}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not sealed with our key.
    Seal,
    /// Sealed, but for another key version.
    KeyVersion,
    /// For another merchant.
    MerchantId,
    /// Not in euros.
    CurrencyCode,
    /// Not a Sips response.
    Malformed,
    /// For no attempt of ours.
    TransactionReference,
    /// Not the attempt's amount.
    Amount,
}

impl Refusal {
    /// The metrics' label: the Sips field at fault, or `seal`, `malformed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Seal => "seal",
            Refusal::KeyVersion => "keyVersion",
            Refusal::MerchantId => "merchantId",
            Refusal::CurrencyCode => "currencyCode",
            Refusal::Malformed => "malformed",
            Refusal::TransactionReference => "transactionReference",
            Refusal::Amount => "amount",
        }
    }
}

/// Why an answer was not applied.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// The seal, key version or merchant does not match ours: nothing changes (403).
    #[error("answer refused: {}", .0.as_str())]
    Untrusted(Refusal),
    /// The sealed data is not a Sips response (400).
    #[error("malformed answer: {0}")]
    Malformed(SipsError),
    /// The answer is not in euros (400).
    #[error("answer not in euros")]
    NotEuros,
    /// No attempt has this transaction reference (404).
    #[error("unknown transaction reference")]
    UnknownReference,
    /// The amount is not the attempt's (400).
    #[error("amount does not match the attempt")]
    AmountMismatch,
    /// Anything else (500).
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl AnswerError {
    /// Why the answer was refused; `None` for a failure of ours.
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            AnswerError::Untrusted(refusal) => Some(*refusal),
            AnswerError::Malformed(_) => Some(Refusal::Malformed),
            AnswerError::NotEuros => Some(Refusal::CurrencyCode),
            AnswerError::UnknownReference => Some(Refusal::TransactionReference),
            AnswerError::AmountMismatch => Some(Refusal::Amount),
            AnswerError::Unexpected(_) => None,
        }
    }
}

/// What an answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The attempt.
    pub transaction_reference: TransactionReference,
    /// Its status now.
    pub status: AttemptStatus,
    /// True when this answer changed it; false for a repeated or late one.
    pub changed: bool,
}

/// Verifies and applies a kiosk answer, exactly once.
#[tracing::instrument(skip_all, fields(channel = channel.as_str(), transaction_reference))]
pub async fn apply_answer(state: &AppState, channel: Channel, form: &SealedForm) -> Result<Applied, AnswerError> {
    let applied = verify_and_apply(state, channel, form).await;
    if let Err(error) = &applied
        && let Some(refusal) = error.refusal()
    {
        metrics::answer_refused(refusal.as_str());
    }
    applied
}

async fn verify_and_apply(state: &AppState, channel: Channel, form: &SealedForm) -> Result<Applied, AnswerError> {
    let kiosk = &state.settings.kiosk;
    let fields = form.open(&kiosk.secret_key).map_err(|error| match error {
        SipsError::BadSeal => {
            tracing::warn!("kiosk answer with a bad seal refused");
            AnswerError::Untrusted(Refusal::Seal)
        }
        other => {
            tracing::warn!(error = %other, "malformed kiosk answer refused");
            AnswerError::Malformed(other)
        }
    })?;
    let response = read_response(&fields)?;
    apply_verified(state, channel, &response).await
}

/// Applies a response whose seal was verified (a kiosk answer opened with
/// our key, or the bank's status answer), exactly once, after the checks
/// every answer passes: our key version, our merchant, euros, the attempt's
/// amount.
pub(super) async fn apply_verified(
    state: &AppState,
    channel: Channel,
    response: &PaymentResponse,
) -> Result<Applied, AnswerError> {
    check_response(response, &state.settings.kiosk)?;
    tracing::Span::current().record("transaction_reference", response.transaction_reference.as_str());
    // A concurrent answer may move the attempt between our read and our update:
    // then read again (the conditional update guarantees one winner).
    for _ in 0..3 {
        if let Some(applied) = try_apply(state, channel, response).await? {
            metrics::answer(channel.as_str(), &response.response_code);
            return Ok(applied);
        }
    }
    Err(AnswerError::Unexpected(anyhow::anyhow!("the attempt kept changing under the answer")))
}

fn read_response(fields: &DataFields) -> Result<PaymentResponse, AnswerError> {
    PaymentResponse::from_fields(fields).map_err(|error| {
        tracing::warn!(error = %error, "malformed kiosk answer refused");
        AnswerError::Malformed(error)
    })
}

fn check_response(response: &PaymentResponse, kiosk: &KioskSettings) -> Result<(), AnswerError> {
    // Every answer names the key it was sealed with and the merchant it is
    // for: one that does not, or names others, is not ours to apply.
    if response.key_version.as_deref() != Some(kiosk.key_version.as_str()) {
        tracing::warn!(key_version = ?response.key_version, "kiosk answer without our key version refused");
        return Err(AnswerError::Untrusted(Refusal::KeyVersion));
    }
    if response.merchant_id.as_deref() != Some(kiosk.merchant_id.as_str()) {
        tracing::warn!(merchant_id = ?response.merchant_id, "kiosk answer not for our merchant refused");
        return Err(AnswerError::Untrusted(Refusal::MerchantId));
    }
    if response.currency_code.as_deref() != Some(sips::CURRENCY_EURO) {
        tracing::warn!(currency_code = ?response.currency_code, "kiosk answer not in euros refused");
        return Err(AnswerError::NotEuros);
    }
    Ok(())
}

/// The attempt an answer is about, as read under the answer's transaction.
struct Attempt {
    pub(super) id: String,
    pub(super) reference: TransactionReference,
    pub(super) person_id: PersonId,
    pub(super) caisse: String,
    pub(super) amount_cents: i64,
    pub(super) status: AttemptStatus,
}

/// One try; `None` when the attempt changed under us.
async fn try_apply(
    state: &AppState,
    channel: Channel,
    response: &PaymentResponse,
) -> Result<Option<Applied>, AnswerError> {
    let now = state.clock.now_ms();
    let mut tx = state.store.write().await.context("starting the answer transaction")?;
    let reference = TransactionReference::parse(&response.transaction_reference).ok();
    let row = match &reference {
        Some(reference) => sqlx::query(
            "SELECT id, person_id, caisse_code, amount_cents, status FROM payment_attempts \
             WHERE transaction_reference = $1",
        )
        .bind(reference.as_str())
        .fetch_optional(tx.conn())
        .await
        .context("reading the attempt")?,
        None => None,
    };
    let decision = match (row, reference) {
        (Some(row), Some(reference)) => {
            let attempt = Attempt {
                id: row.try_get("id").context("id")?,
                reference,
                person_id: row.try_get("person_id").context("person_id")?,
                caisse: row.try_get("caisse_code").context("caisse_code")?,
                amount_cents: row.try_get("amount_cents").context("amount_cents")?,
                status: row.try_get("status").context("status")?,
            };
            match decide(tx.conn(), now, channel, &attempt, response).await? {
                Some(decision) => decision,
                None => return Ok(None),
            }
        }
        _ => Decision::Refused(AnswerOutcome::UnknownReference, AnswerError::UnknownReference),
    };
    // One path records every answer with what it came to, and commits.
    record_answer(tx.conn(), now, channel, response, decision.outcome()).await?;
    tx.commit().await.context("committing the answer")?;
    decision.told(response)
}

/// What an answer came to, before it is recorded.
enum Decision {
    /// Refused: nothing changes (`AnswerOutcome::UnknownReference`, `AmountMismatch`).
    Refused(AnswerOutcome, AnswerError),
    /// Taken: the attempt as it now stands, and money to regularise, if any.
    Taken(AnswerOutcome, Applied, Option<Regularisation>),
}

impl Decision {
    fn outcome(&self) -> AnswerOutcome {
        match self {
            Decision::Refused(outcome, _) | Decision::Taken(outcome, ..) => *outcome,
        }
    }

    /// Once committed: the log, the metrics, and the caller's answer.
    fn told(self, response: &PaymentResponse) -> Result<Option<Applied>, AnswerError> {
        match self {
            Decision::Refused(_, error @ AnswerError::AmountMismatch) => {
                tracing::warn!(received = response.amount_cents, "kiosk answer amount mismatch refused");
                Err(error)
            }
            Decision::Refused(_, error) => {
                tracing::warn!(%error, "kiosk answer refused");
                Err(error)
            }
            Decision::Taken(outcome, applied, late) => {
                match (outcome, late) {
                    (_, Some(reason)) => {
                        tracing::warn!(reason = reason.as_str(), "a late acceptance recorded, to regularise");
                        metrics::late_acceptance(reason.as_str());
                    }
                    (AnswerOutcome::Duplicate, _) => {
                        tracing::info!(status = applied.status.as_str(), "kiosk answer already applied");
                    }
                    (AnswerOutcome::Ignored, _) => {
                        tracing::warn!(current = applied.status.as_str(), "kiosk answer contradicts the attempt");
                    }
                    _ => tracing::info!(status = applied.status.as_str(), "kiosk answer applied"),
                }
                Ok(Some(applied))
            }
        }
    }
}

/// What the answer does to `attempt`, its payment written; `None` when the
/// attempt changed under us (read again).
async fn decide(
    conn: &mut AnyConnection,
    now: i64,
    channel: Channel,
    attempt: &Attempt,
    response: &PaymentResponse,
) -> Result<Option<Decision>, AnswerError> {
    if attempt.amount_cents != response.amount_cents {
        return Ok(Some(Decision::Refused(AnswerOutcome::AmountMismatch, AnswerError::AmountMismatch)));
    }
    let target = AttemptStatus::from_outcome(response.outcome());
    let same_authorisation = match (attempt.status, target) {
        (AttemptStatus::Accepted, AttemptStatus::Accepted) => {
            is_recorded_authorisation(conn, attempt, response.authorisation_id.as_deref()).await?
        }
        _ => true,
    };
    let unchanged =
        Applied { transaction_reference: attempt.reference.clone(), status: attempt.status, changed: false };
    Ok(Some(match Effect::of(attempt.status, target, same_authorisation) {
        Effect::Duplicate | Effect::Ignored => {
            let outcome = if attempt.status == target { AnswerOutcome::Duplicate } else { AnswerOutcome::Ignored };
            Decision::Taken(outcome, unchanged, None)
        }
        Effect::SecondPayment => {
            let second = Regularisation::SecondAuthorisation;
            match record_payment(conn, now, attempt, response, Some(second)).await? {
                true => Decision::Taken(AnswerOutcome::ToRegularise, unchanged, Some(second)),
                false => Decision::Taken(AnswerOutcome::Duplicate, unchanged, None),
            }
        }
        Effect::Settles { regularisation } => {
            if !settle(conn, now, channel, attempt, target, response).await? {
                return Ok(None);
            }
            if target == AttemptStatus::Accepted {
                record_payment(conn, now, attempt, response, regularisation).await?;
            }
            let outcome = if regularisation.is_some() { AnswerOutcome::ToRegularise } else { AnswerOutcome::Applied };
            let applied = Applied { transaction_reference: attempt.reference.clone(), status: target, changed: true };
            Decision::Taken(outcome, applied, regularisation)
        }
    }))
}
