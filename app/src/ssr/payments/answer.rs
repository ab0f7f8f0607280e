//! A kiosk answer: verified (seal, key version, merchant, amount, reference)
//! and applied exactly once.

use super::release::free_lines;
use crate::domain::TransactionReference;
use crate::ssr::infra::audit::{self, Actor, Entry};
use crate::ssr::infra::db::new_id;
use crate::ssr::infra::metrics;
use crate::ssr::lifecycle::{AnswerOutcome, AttemptStatus, Channel, Effect, PaymentStatus, Regularisation, Settlement};
use crate::ssr::messages;
use crate::ssr::{AppState, KioskSettings};
use anyhow::Context;
use sips::{DataFields, PaymentResponse, SealedForm, SipsError};
use sqlx::{AnyConnection, Row};

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

async fn record_answer(
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

/// The attempt an answer is about, as read under the answer's transaction.
struct Attempt {
    id: String,
    reference: TransactionReference,
    person_id: String,
    caisse: String,
    amount_cents: i64,
    status: AttemptStatus,
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
    let (Some(row), Some(reference)) = (row, reference) else {
        record_answer(tx.conn(), now, channel, response, AnswerOutcome::UnknownReference).await?;
        tx.commit().await.context("committing")?;
        tracing::warn!("kiosk answer for an unknown transaction reference refused");
        return Err(AnswerError::UnknownReference);
    };
    let attempt = Attempt {
        id: row.try_get("id").context("id")?,
        reference,
        person_id: row.try_get("person_id").context("person_id")?,
        caisse: row.try_get("caisse_code").context("caisse_code")?,
        amount_cents: row.try_get("amount_cents").context("amount_cents")?,
        status: row.try_get("status").context("status")?,
    };
    if attempt.amount_cents != response.amount_cents {
        record_answer(tx.conn(), now, channel, response, AnswerOutcome::AmountMismatch).await?;
        tx.commit().await.context("committing")?;
        tracing::warn!(
            expected = attempt.amount_cents,
            received = response.amount_cents,
            "kiosk answer amount mismatch refused"
        );
        return Err(AnswerError::AmountMismatch);
    }
    let target = AttemptStatus::from_outcome(response.outcome());
    let same_authorisation = match (attempt.status, target) {
        (AttemptStatus::Accepted, AttemptStatus::Accepted) => {
            is_recorded_authorisation(tx.conn(), &attempt, response.authorisation_id.as_deref()).await?
        }
        _ => true,
    };
    let unchanged =
        |attempt: Attempt| Applied { transaction_reference: attempt.reference, status: attempt.status, changed: false };
    match Effect::of(attempt.status, target, same_authorisation) {
        Effect::Duplicate | Effect::Ignored => {
            let outcome = if attempt.status == target { AnswerOutcome::Duplicate } else { AnswerOutcome::Ignored };
            record_answer(tx.conn(), now, channel, response, outcome).await?;
            tx.commit().await.context("committing")?;
            if outcome == AnswerOutcome::Duplicate {
                tracing::info!(status = attempt.status.as_str(), "kiosk answer already applied");
            } else {
                tracing::warn!(
                    current = attempt.status.as_str(),
                    answer = target.as_str(),
                    "kiosk answer contradicts the attempt"
                );
            }
            Ok(Some(unchanged(attempt)))
        }
        Effect::SecondPayment => {
            let recorded =
                record_payment(tx.conn(), now, &attempt, response, Some(Regularisation::SecondAuthorisation)).await?;
            let outcome = if recorded { AnswerOutcome::ToRegularise } else { AnswerOutcome::Duplicate };
            record_answer(tx.conn(), now, channel, response, outcome).await?;
            tx.commit().await.context("committing the second authorisation")?;
            if recorded {
                tracing::warn!("a second authorisation for an accepted transaction recorded, to regularise");
                metrics::late_acceptance(Regularisation::SecondAuthorisation.as_str());
            }
            Ok(Some(unchanged(attempt)))
        }
        Effect::Settles { regularisation } => {
            if !settle(tx.conn(), now, channel, &attempt, target, response).await? {
                return Ok(None);
            }
            let outcome = match regularisation {
                Some(_) => AnswerOutcome::ToRegularise,
                None => AnswerOutcome::Applied,
            };
            if target == AttemptStatus::Accepted {
                record_payment(tx.conn(), now, &attempt, response, regularisation).await?;
            }
            record_answer(tx.conn(), now, channel, response, outcome).await?;
            tx.commit().await.context("committing the answer")?;
            if let Some(reason) = regularisation {
                tracing::warn!(reason = reason.as_str(), "a late acceptance recorded, to regularise");
                metrics::late_acceptance(reason.as_str());
            }
            tracing::info!(status = target.as_str(), "kiosk answer applied");
            Ok(Some(Applied { transaction_reference: attempt.reference, status: target, changed: true }))
        }
    }
}

/// Whether an acceptance for an accepted attempt is one of the payments
/// recorded for it: the same authorisation number, or a number missing on
/// either side (an answer without `authorisationId` cannot tell a second
/// authorisation from the first, so it never makes a second payment). The
/// attempt's row is locked first, so two answers decide one after the other.
async fn is_recorded_authorisation(
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
async fn settle(
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
            entity_kind: "attempt",
            entity_id: attempt.reference.as_str(),
            action: target.as_str(),
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
async fn record_payment(
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
            entity_kind: "payment",
            entity_id: &payment_id,
            action: PaymentStatus::Received.as_str(),
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
    use crate::ssr::infra::db::ScratchStore;

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
            person_id: "p1".into(),
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
