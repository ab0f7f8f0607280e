//! Payment attempts: a state machine, every transition written in one database
//! transaction with its audit row, every kiosk answer applied exactly once.
//!
//! ```text
//!             ┌──────────► accepted ◄────────┐
//!   pending ──┼──────────► refused           │ (late authorisation: the bank
//!             ├──────────► cancelled         │  took the money after we gave
//!             └──────────► expired ──────────┘  up waiting; it is recorded)
//! ```
//!
//! Exactly once: the transition is a conditional `UPDATE … WHERE status = <the
//! status read>`; a second answer finds the new status and is recorded as a
//! duplicate. The acknowledgement message and the payment row have unique keys on
//! the attempt.

use super::audit::{self, Actor, Entry};
use super::creances;
use super::db::{Store, WriteTx, is_unique_violation, new_id};
use super::messages;
use super::sips::{self, DataFields, Outcome, PaymentRequest, PaymentResponse, SealedForm, SipsError};
use super::time;
use super::{AppState, KioskSettings};
use crate::api::pay::PaypageForm;
use crate::domain::selection::{PaymentErrors, validate_payment};
use crate::domain::{AvisReference, Euros, PaymentError, ValidPayment};
use anyhow::Context;
use sqlx::{AnyConnection, Row};

/// A pending attempt gives up after this long (the kiosk itself answers 97 after
/// 15 minutes).
pub const ATTEMPT_LIFETIME_MS: i64 = 20 * 60 * 1000;

/// Where an attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptStatus {
    /// Sent to the kiosk, no answer yet.
    Pending,
    /// Authorised by the bank.
    Accepted,
    /// Refused by the bank (any code but 00, 17, 97).
    Refused,
    /// Cancelled by the person on the kiosk (17).
    Cancelled,
    /// No answer in time (97, or our own 20-minute limit).
    Expired,
}

impl AttemptStatus {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::Pending => "pending",
            AttemptStatus::Accepted => "accepted",
            AttemptStatus::Refused => "refused",
            AttemptStatus::Cancelled => "cancelled",
            AttemptStatus::Expired => "expired",
        }
    }

    /// From storage.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        Ok(match text {
            "pending" => AttemptStatus::Pending,
            "accepted" => AttemptStatus::Accepted,
            "refused" => AttemptStatus::Refused,
            "cancelled" => AttemptStatus::Cancelled,
            "expired" => AttemptStatus::Expired,
            other => anyhow::bail!("unknown attempt status {other:?}"),
        })
    }

    /// The status a kiosk verdict leads to.
    pub fn from_outcome(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Accepted => AttemptStatus::Accepted,
            Outcome::Refused => AttemptStatus::Refused,
            Outcome::Cancelled => AttemptStatus::Cancelled,
            Outcome::Expired => AttemptStatus::Expired,
        }
    }

    /// The transition table.
    pub fn can_become(self, next: AttemptStatus) -> bool {
        use AttemptStatus::*;
        matches!((self, next), (Pending, Accepted | Refused | Cancelled | Expired) | (Expired, Accepted))
    }
}

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
    pub transaction_reference: String,
    /// What it pays and how.
    pub payment: ValidPayment,
}

/// Creates a payment attempt for the signed-in person: re-checks every rule on
/// the person's own créances as the database has them now, holds the lines, and
/// records the attempt with its audit row, all in one transaction.
#[tracing::instrument(skip_all, fields(transaction_reference))]
pub async fn start(
    state: &AppState,
    person_id: &str,
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
    let transaction_reference = next_transaction_reference(tx.conn(), now).await?;
    tracing::Span::current().record("transaction_reference", transaction_reference.as_str());
    let attempt_id = new_id();
    sqlx::query(
        "INSERT INTO payment_attempts (id, transaction_reference, person_id, caisse_code, amount_cents, status, \
         created_at, expires_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)",
    )
    .bind(&attempt_id)
    .bind(&transaction_reference)
    .bind(person_id)
    .bind(&caisse)
    .bind(payment.amount.cents())
    .bind(now)
    .bind(now + ATTEMPT_LIFETIME_MS)
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
            entity_kind: "attempt",
            entity_id: &transaction_reference,
            action: "created",
            detail: serde_json::json!({
                "status": "pending",
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
        .bind(now + ATTEMPT_LIFETIME_MS)
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

/// «PCLCB» + YY + day of the year (Paris) + a 7-digit sequence of the day.
async fn next_transaction_reference(conn: &mut AnyConnection, now: i64) -> anyhow::Result<String> {
    let (year, day) = time::year_and_day(now);
    let key = format!("txref-{:02}{day:03}", year % 100);
    let value: i64 = sqlx::query(
        "INSERT INTO counters (name, value) VALUES ($1, 1) \
         ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
    )
    .bind(&key)
    .fetch_one(conn)
    .await
    .context("taking the next transaction sequence")?
    .try_get("value")?;
    anyhow::ensure!(value < 10_000_000, "the day's 9,999,999 transaction references are used up");
    Ok(format!("PCLCB{:02}{day:03}{value:07}", year % 100))
}

/// The sealed Paypage POST form of the person's pending attempt, or `None` when
/// there is no such attempt (another person's, unknown, or already answered).
pub async fn paypage_form(
    state: &AppState,
    person_id: &str,
    transaction_reference: &str,
) -> anyhow::Result<Option<PaypageForm>> {
    let row = sqlx::query(
        "SELECT amount_cents, status, expires_at FROM payment_attempts \
         WHERE transaction_reference = $1 AND person_id = $2",
    )
    .bind(transaction_reference)
    .bind(person_id)
    .fetch_optional(state.store.pool())
    .await
    .context("reading an attempt")?;
    let Some(row) = row else { return Ok(None) };
    let status = AttemptStatus::parse(&row.try_get::<String, _>("status")?)?;
    let expires_at: i64 = row.try_get("expires_at")?;
    if status != AttemptStatus::Pending || expires_at <= state.clock.now_ms() {
        return Ok(None);
    }
    let amount_cents: i64 = row.try_get("amount_cents")?;
    Ok(Some(build_paypage_form(
        &state.settings.kiosk,
        &state.settings.public_url,
        transaction_reference,
        amount_cents,
    )?))
}

fn build_paypage_form(
    kiosk: &KioskSettings,
    public_url: &str,
    transaction_reference: &str,
    amount_cents: i64,
) -> anyhow::Result<PaypageForm> {
    let request = PaymentRequest {
        amount_cents,
        merchant_id: kiosk.merchant_id.clone(),
        key_version: kiosk.key_version.clone(),
        normal_return_url: format!("{public_url}/paiement/retour"),
        automatic_response_url: format!("{public_url}/paiement/reponse-automatique"),
        transaction_reference: transaction_reference.to_owned(),
        order_id: transaction_reference.to_owned(),
    };
    let data = request.to_data().context("encoding the payment request")?;
    Ok(PaypageForm {
        url: kiosk.paypage_url.clone(),
        seal: sips::seal(&kiosk.secret_key, &data),
        data,
        interface_version: kiosk.interface_version.clone(),
        seal_algorithm: sips::SEAL_ALGORITHM.to_owned(),
        amount: Euros::from_cents(amount_cents),
        transaction_reference: transaction_reference.to_owned(),
    })
}

/// Which way a kiosk answer came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Server to server (`automaticResponseUrl`): authoritative.
    Automatic,
    /// Through the browser (`normalReturnUrl`).
    Return,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Automatic => "automatic",
            Channel::Return => "return",
        }
    }
}

/// Why an answer was not applied.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// The seal, key version or merchant does not match ours: nothing changes (403).
    #[error("answer refused: {0}")]
    Untrusted(&'static str),
    /// The sealed data is not a Sips response (400).
    #[error("malformed answer: {0}")]
    Malformed(SipsError),
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

/// What an answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The attempt.
    pub transaction_reference: String,
    /// Its status now.
    pub status: AttemptStatus,
    /// True when this answer changed it; false for a repeated or late one.
    pub changed: bool,
}

/// Verifies and applies a kiosk answer, exactly once.
#[tracing::instrument(skip_all, fields(channel = channel.as_str(), transaction_reference))]
pub async fn apply_answer(state: &AppState, channel: Channel, form: &SealedForm) -> Result<Applied, AnswerError> {
    let kiosk = &state.settings.kiosk;
    let fields = form.open(&kiosk.secret_key).map_err(|error| match error {
        SipsError::BadSeal => {
            tracing::warn!("kiosk answer with a bad seal refused");
            AnswerError::Untrusted("seal")
        }
        other => {
            tracing::warn!(error = %other, "malformed kiosk answer refused");
            AnswerError::Malformed(other)
        }
    })?;
    let response = read_response(&fields, kiosk)?;
    tracing::Span::current().record("transaction_reference", response.transaction_reference.as_str());
    // A concurrent answer may move the attempt between our read and our update:
    // then read again (the conditional update guarantees one winner).
    for _ in 0..3 {
        if let Some(applied) = try_apply(state, channel, &response).await? {
            return Ok(applied);
        }
    }
    Err(AnswerError::Unexpected(anyhow::anyhow!("the attempt kept changing under the answer")))
}

fn read_response(fields: &DataFields, kiosk: &KioskSettings) -> Result<PaymentResponse, AnswerError> {
    let response = PaymentResponse::from_fields(fields).map_err(|error| {
        tracing::warn!(error = %error, "malformed kiosk answer refused");
        AnswerError::Malformed(error)
    })?;
    if response.key_version.as_deref().is_some_and(|v| v != kiosk.key_version) {
        tracing::warn!("kiosk answer sealed with another key version refused");
        return Err(AnswerError::Untrusted("keyVersion"));
    }
    if response.merchant_id.as_deref().is_some_and(|m| m != kiosk.merchant_id) {
        tracing::warn!("kiosk answer for another merchant refused");
        return Err(AnswerError::Untrusted("merchantId"));
    }
    Ok(response)
}

async fn record_answer(
    conn: &mut AnyConnection,
    now: i64,
    channel: Channel,
    response: &PaymentResponse,
    outcome: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO kiosk_answers (id, received_at, channel, transaction_reference, response_code, outcome) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(now)
    .bind(channel.as_str())
    .bind(&response.transaction_reference)
    .bind(&response.response_code)
    .bind(outcome)
    .execute(conn)
    .await
    .context("recording a kiosk answer")?;
    Ok(())
}

/// One try; `None` when the attempt changed under us.
async fn try_apply(
    state: &AppState,
    channel: Channel,
    response: &PaymentResponse,
) -> Result<Option<Applied>, AnswerError> {
    let now = state.clock.now_ms();
    let mut tx = state.store.write().await.context("starting the answer transaction")?;
    let row = sqlx::query(
        "SELECT id, person_id, caisse_code, amount_cents, status FROM payment_attempts WHERE transaction_reference = $1",
    )
    .bind(&response.transaction_reference)
    .fetch_optional(tx.conn())
    .await
    .context("reading the attempt")?;
    let Some(row) = row else {
        record_answer(tx.conn(), now, channel, response, "unknown_reference").await?;
        tx.commit().await.context("committing")?;
        tracing::warn!("kiosk answer for an unknown transaction reference refused");
        return Err(AnswerError::UnknownReference);
    };
    let attempt_id: String = row.try_get("id").context("id")?;
    let person_id: String = row.try_get("person_id").context("person_id")?;
    let caisse: String = row.try_get("caisse_code").context("caisse_code")?;
    let amount_cents: i64 = row.try_get("amount_cents").context("amount_cents")?;
    let current = AttemptStatus::parse(&row.try_get::<String, _>("status").context("status")?)?;
    if amount_cents != response.amount_cents {
        record_answer(tx.conn(), now, channel, response, "amount_mismatch").await?;
        tx.commit().await.context("committing")?;
        tracing::warn!(
            expected = amount_cents,
            received = response.amount_cents,
            "kiosk answer amount mismatch refused"
        );
        return Err(AnswerError::AmountMismatch);
    }
    let target = AttemptStatus::from_outcome(response.outcome());
    let reference = response.transaction_reference.clone();
    if !current.can_become(target) {
        let outcome = if current == target { "duplicate" } else { "ignored" };
        record_answer(tx.conn(), now, channel, response, outcome).await?;
        tx.commit().await.context("committing")?;
        if current != target {
            tracing::warn!(
                current = current.as_str(),
                answer = target.as_str(),
                "kiosk answer contradicts the attempt"
            );
        }
        return Ok(Some(Applied { transaction_reference: reference, status: current, changed: false }));
    }
    let updated = sqlx::query(
        "UPDATE payment_attempts SET status = $1, answered_at = $2, answer_channel = $3, response_code = $4, \
         acquirer_response_code = $5, authorisation_id = $6, masked_pan = $7, payment_mean_brand = $8, \
         holder_authent_status = $9, transaction_date_time = $10 WHERE id = $11 AND status = $12",
    )
    .bind(target.as_str())
    .bind(now)
    .bind(channel.as_str())
    .bind(&response.response_code)
    .bind(&response.acquirer_response_code)
    .bind(&response.authorisation_id)
    .bind(&response.masked_pan)
    .bind(&response.payment_mean_brand)
    .bind(&response.holder_authent_status)
    .bind(&response.transaction_date_time)
    .bind(&attempt_id)
    .bind(current.as_str())
    .execute(tx.conn())
    .await
    .context("updating the attempt")?;
    if updated.rows_affected() != 1 {
        return Ok(None);
    }
    sqlx::query("DELETE FROM line_holds WHERE attempt_id = $1")
        .bind(&attempt_id)
        .execute(tx.conn())
        .await
        .context("releasing the holds")?;
    audit::record(
        tx.conn(),
        now,
        Entry {
            actor: Actor::Kiosk,
            caisse_code: Some(&caisse),
            entity_kind: "attempt",
            entity_id: &reference,
            action: target.as_str(),
            detail: serde_json::json!({
                "from": current.as_str(),
                "channel": channel.as_str(),
                "response_code": response.response_code,
                "authorisation_id": response.authorisation_id,
            }),
        },
    )
    .await
    .context("auditing the answer")?;
    if target == AttemptStatus::Accepted {
        record_payment(tx.conn(), now, &attempt_id, &person_id, &caisse, amount_cents, &reference).await?;
    }
    record_answer(tx.conn(), now, channel, response, "applied").await?;
    tx.commit().await.context("committing the answer")?;
    tracing::info!(status = target.as_str(), "kiosk answer applied");
    Ok(Some(Applied { transaction_reference: reference, status: target, changed: true }))
}

/// An accepted attempt becomes a payment «en cours de traitement», and the
/// person gets the acknowledgement in «Ma messagerie».
async fn record_payment(
    conn: &mut AnyConnection,
    now: i64,
    attempt_id: &str,
    person_id: &str,
    caisse: &str,
    amount_cents: i64,
    transaction_reference: &str,
) -> anyhow::Result<()> {
    let payment_id = new_id();
    sqlx::query(
        "INSERT INTO payments (id, attempt_id, person_id, caisse_code, amount_cents, accepted_at, status) \
         VALUES ($1, $2, $3, $4, $5, $6, 'received')",
    )
    .bind(&payment_id)
    .bind(attempt_id)
    .bind(person_id)
    .bind(caisse)
    .bind(amount_cents)
    .bind(now)
    .execute(&mut *conn)
    .await
    .context("recording the payment")?;
    audit::record(
        conn,
        now,
        Entry {
            actor: Actor::Kiosk,
            caisse_code: Some(caisse),
            entity_kind: "payment",
            entity_id: &payment_id,
            action: "received",
            detail: serde_json::json!({ "transaction_reference": transaction_reference, "amount_cents": amount_cents }),
        },
    )
    .await
    .context("auditing the payment")?;
    messages::acknowledge_payment(conn, now, person_id, &payment_id).await
}

/// Gives up on pending attempts past their limit: they become `expired` and free
/// their lines. Returns how many.
pub async fn expire_stale(store: &Store, now: i64) -> anyhow::Result<usize> {
    let stale: Vec<(String, String, String)> = sqlx::query(
        "SELECT id, transaction_reference, caisse_code FROM payment_attempts \
         WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT 500",
    )
    .bind(now)
    .fetch_all(store.pool())
    .await
    .context("listing stale attempts")?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("transaction_reference")?, r.try_get("caisse_code")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let mut expired = 0;
    for (id, reference, caisse) in stale {
        let mut tx = store.write().await.context("starting the expiry transaction")?;
        let updated = sqlx::query(
            "UPDATE payment_attempts SET status = 'expired', answered_at = $1, answer_channel = 'expiry' \
             WHERE id = $2 AND status = 'pending'",
        )
        .bind(now)
        .bind(&id)
        .execute(tx.conn())
        .await
        .context("expiring an attempt")?;
        if updated.rows_affected() == 1 {
            sqlx::query("DELETE FROM line_holds WHERE attempt_id = $1").bind(&id).execute(tx.conn()).await?;
            audit::record(
                tx.conn(),
                now,
                Entry {
                    actor: Actor::System,
                    caisse_code: Some(&caisse),
                    entity_kind: "attempt",
                    entity_id: &reference,
                    action: "expired",
                    detail: serde_json::json!({ "from": "pending", "reason": "no answer within 20 minutes" }),
                },
            )
            .await?;
            expired += 1;
        }
        tx.commit().await.context("committing the expiry")?;
    }
    Ok(expired)
}

/// An attempt as the person's pages show it.
#[derive(Debug, Clone)]
pub struct AttemptSummary {
    /// Its reference.
    pub transaction_reference: String,
    /// Its status (a pending attempt past its limit counts as expired).
    pub status: AttemptStatus,
    /// The payment's processing status, when accepted: `received` or `applied`.
    pub payment_status: Option<String>,
    /// Amount.
    pub amount: Euros,
    /// When it was created.
    pub created_at: i64,
}

fn summary_from_row(row: &sqlx::any::AnyRow, now: i64) -> anyhow::Result<AttemptSummary> {
    let mut status = AttemptStatus::parse(&row.try_get::<String, _>("status")?)?;
    let expires_at: i64 = row.try_get("expires_at")?;
    if status == AttemptStatus::Pending && expires_at <= now {
        status = AttemptStatus::Expired;
    }
    Ok(AttemptSummary {
        transaction_reference: row.try_get("transaction_reference")?,
        status,
        payment_status: row.try_get("payment_status")?,
        amount: Euros::from_cents(row.try_get("amount_cents")?),
        created_at: row.try_get("created_at")?,
    })
}

/// The person's attempt `transaction_reference` (for the banner after the kiosk).
pub async fn attempt_of(
    store: &Store,
    person_id: &str,
    transaction_reference: &str,
    now: i64,
) -> anyhow::Result<Option<AttemptSummary>> {
    let row = sqlx::query(
        "SELECT t.transaction_reference, t.status, t.expires_at, t.amount_cents, t.created_at, p.status AS payment_status \
         FROM payment_attempts t LEFT JOIN payments p ON p.attempt_id = t.id \
         WHERE t.transaction_reference = $1 AND t.person_id = $2",
    )
    .bind(transaction_reference)
    .bind(person_id)
    .fetch_optional(store.pool())
    .await
    .context("reading an attempt")?;
    row.map(|r| summary_from_row(&r, now)).transpose()
}

/// The person's attempts, newest first (at most `limit`).
pub async fn attempts_of(store: &Store, person_id: &str, now: i64, limit: i64) -> anyhow::Result<Vec<AttemptSummary>> {
    let rows = sqlx::query(
        "SELECT t.transaction_reference, t.status, t.expires_at, t.amount_cents, t.created_at, p.status AS payment_status \
         FROM payment_attempts t LEFT JOIN payments p ON p.attempt_id = t.id \
         WHERE t.person_id = $1 ORDER BY t.created_at DESC, t.transaction_reference DESC LIMIT $2",
    )
    .bind(person_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await
    .context("listing attempts")?;
    rows.iter().map(|r| summary_from_row(r, now)).collect()
}

#[cfg(test)]
mod tests {
    use super::AttemptStatus::{self, *};

    #[test]
    fn the_transition_table() {
        let all = [Pending, Accepted, Refused, Cancelled, Expired];
        let allowed: Vec<(AttemptStatus, AttemptStatus)> =
            all.iter().flat_map(|a| all.iter().map(move |b| (*a, *b))).filter(|(a, b)| a.can_become(*b)).collect();
        assert_eq!(
            allowed,
            vec![
                (Pending, Accepted),
                (Pending, Refused),
                (Pending, Cancelled),
                (Pending, Expired),
                (Expired, Accepted)
            ]
        );
        for status in all {
            assert_eq!(AttemptStatus::parse(status.as_str()).expect("round trip"), status);
        }
    }
}
