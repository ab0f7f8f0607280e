//! The caisse's payments: the lists (by dates and status, trop-perçus) and
//! one payment in full.

use super::{StatusFilter, history, status_label};
use crate::domain::{Euros, IssueDate, TransactionReference};
use crate::ssr::infra::audit::{self, Action, Actor, Entity, Entry};
use crate::ssr::infra::db::Store;
use crate::ssr::infra::time::{self, end_of_day, paris_date, start_of_day};
use crate::ssr::lifecycle::{AttemptStatus, PaymentStatus, Regularisation};
use crate::ssr::payments::transaction_reference_of;
use anyhow::Context;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A payment attempt in the back office's lists.
#[derive(Debug, Clone)]
pub struct PaymentLine {
    /// «PCLCB…».
    pub transaction_reference: TransactionReference,
    /// When the attempt was made.
    pub created_at: i64,
    /// Amount.
    pub amount: Euros,
    /// The French status label.
    pub status: String,
    /// «PRÉNOM NOM».
    pub person: String,
    /// The person's NIR (13 characters).
    pub nir: String,
    /// Trop-perçu.
    pub excess: Euros,
    /// Why the caisse must look into this payment, while no agent has.
    pub to_regularise: Option<Regularisation>,
}

pub(super) const PAYMENT_COLUMNS: &str = "t.transaction_reference, t.created_at, t.amount_cents, t.status, \
     p.status AS payment_status, COALESCE(p.excess_cents, 0) AS excess_cents, pe.first_name, pe.last_name, pe.nir, \
     p.regularisation, p.regularised_at";

pub(super) fn payment_line(row: &AnyRow) -> anyhow::Result<PaymentLine> {
    let status: AttemptStatus = row.try_get("status")?;
    let payment: Option<PaymentStatus> = row.try_get("payment_status")?;
    Ok(PaymentLine {
        transaction_reference: transaction_reference_of(row)?,
        created_at: row.try_get("created_at")?,
        amount: Euros::from_cents(row.try_get("amount_cents")?),
        status: status_label(status, payment).to_owned(),
        person: format!("{} {}", row.try_get::<String, _>("first_name")?, row.try_get::<String, _>("last_name")?)
            .to_uppercase(),
        nir: row.try_get("nir")?,
        excess: Euros::from_cents(row.try_get("excess_cents")?),
        to_regularise: match row.try_get::<Option<i64>, _>("regularised_at")? {
            Some(_) => None,
            None => row.try_get("regularisation")?,
        },
    })
}

/// The caisse's payment attempts made in `[from, to)`, newest first, one page.
pub async fn payments(
    store: &Store,
    caisse: &str,
    from: i64,
    to: i64,
    status: StatusFilter,
    limit: i64,
    offset: i64,
) -> anyhow::Result<Vec<PaymentLine>> {
    let (attempt_status, payment_status) = status.statuses();
    let sql = format!(
        "SELECT {PAYMENT_COLUMNS} FROM payment_attempts t JOIN persons pe ON pe.id = t.person_id \
         LEFT JOIN payments p ON p.attempt_id = t.id \
         WHERE t.caisse_code = $1 AND t.created_at >= $2 AND t.created_at < $3 \
           AND ($4 = '' OR t.status = $4) AND ($5 = '' OR p.status = $5) \
           AND ($6 = 0 OR (p.regularisation IS NOT NULL AND p.regularised_at IS NULL)) \
         ORDER BY t.created_at DESC, t.transaction_reference DESC LIMIT $7 OFFSET $8"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(caisse)
        .bind(from)
        .bind(to)
        .bind(attempt_status.map_or("", AttemptStatus::as_str))
        .bind(payment_status.map_or("", PaymentStatus::as_str))
        .bind(i64::from(status == StatusFilter::ToRegularise))
        .bind(limit)
        .bind(offset)
        .fetch_all(store.pool())
        .await
        .context("listing payments")?;
    rows.iter().map(payment_line).collect()
}

/// The caisse's payments with a trop-perçu that no refund has asked, sent or
/// given back in full yet (the trop-perçus' work queue), newest first.
pub async fn trop_percus(store: &Store, caisse: &str) -> anyhow::Result<Vec<TropPercu>> {
    let sql = format!(
        "SELECT {PAYMENT_COLUMNS}, p.id AS payment_id, {} AS left_cents \
         FROM payments p JOIN payment_attempts t ON t.id = p.attempt_id \
         JOIN persons pe ON pe.id = t.person_id WHERE p.caisse_code = $1 AND p.excess_cents > 0 \
         ORDER BY p.accepted_at DESC",
        super::excess::left_sql("p")
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(caisse)
        .fetch_all(store.pool())
        .await
        .context("listing trop-perçus")?;
    let mut lines = Vec::with_capacity(rows.len());
    for row in &rows {
        let left = Euros::from_cents(row.try_get::<i64, _>("left_cents")?.max(0));
        if !left.is_zero() {
            lines.push(TropPercu { line: payment_line(row)?, payment_id: row.try_get("payment_id")?, left });
        }
    }
    Ok(lines)
}

/// A payment with a trop-perçu still to give back.
#[derive(Debug, Clone)]
pub struct TropPercu {
    /// The list line (its `excess` the whole trop-perçu).
    pub line: PaymentLine,
    /// The payment's id.
    pub payment_id: String,
    /// What of the trop-perçu no refund has asked, sent or given back yet.
    pub left: Euros,
}

/// Reads `du`/`au` (ISO dates; defaults: the last 30 days to today) into ISO
/// strings and the Paris-time bounds `[from 00:00, to + 1 day 00:00)`.
pub fn date_range(du: Option<&str>, au: Option<&str>, now: i64) -> (String, String, i64, i64) {
    let to = au.and_then(|d| IssueDate::parse_iso(d).ok()).unwrap_or_else(|| paris_date(now));
    let from = du.and_then(|d| IssueDate::parse_iso(d).ok()).unwrap_or_else(|| paris_date(now - 30 * 24 * 3600 * 1000));
    (from.to_iso(), to.to_iso(), start_of_day(from), end_of_day(to))
}

/// Everything about one payment attempt.
#[derive(Debug, Clone)]
pub struct PaymentDetail {
    /// The list line.
    pub line: PaymentLine,
    /// Sips answer fields as (label, value), masked PAN only.
    pub answer: Vec<(String, String)>,
    /// Planned shares (reference, amount).
    pub planned: Vec<(String, Euros)>,
    /// Applied shares (reference, amount).
    pub applied: Vec<(String, Euros)>,
    /// Every answer the kiosk sent.
    pub answers: Vec<history::AnswerEntry>,
    /// The money received for the attempt, one payment per authorisation.
    pub receipts: Vec<Receipt>,
    /// The money asked or given back on those payments, oldest first.
    pub refunds: Vec<super::refunds::RefundLine>,
    /// The audit trail.
    pub trail: Vec<history::Change>,
}

/// One payment of an attempt: an authorisation of the bank.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// The payment's id.
    pub id: String,
    /// The authorisation number.
    pub authorisation_id: String,
    /// How much the bank took.
    pub amount: Euros,
    /// When the bank accepted it.
    pub accepted_at: i64,
    /// «En cours de traitement» or «Pris en compte».
    pub status: String,
    /// Why the caisse must look into it, if it must.
    pub regularisation: Option<Regularisation>,
    /// When an agent did.
    pub regularised_at: Option<i64>,
}

/// The caisse's attempt `transaction_reference`, if it is the caisse's.
pub async fn payment(
    store: &Store,
    caisse: &str,
    transaction_reference: &TransactionReference,
) -> anyhow::Result<Option<PaymentDetail>> {
    let sql = format!(
        "SELECT {PAYMENT_COLUMNS}, t.id AS attempt_id, t.response_code, t.acquirer_response_code, \
         t.authorisation_id, t.masked_pan, t.payment_mean_brand, t.holder_authent_status, t.transaction_date_time, \
         t.answer_channel, t.answered_at FROM payment_attempts t JOIN persons pe ON pe.id = t.person_id \
         LEFT JOIN payments p ON p.attempt_id = t.id WHERE t.caisse_code = $1 AND t.transaction_reference = $2"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(caisse)
        .bind(transaction_reference.as_str())
        .fetch_optional(store.pool())
        .await
        .context("reading a payment")?;
    let Some(row) = row else { return Ok(None) };
    let line = payment_line(&row)?;
    let attempt_id: String = row.try_get("attempt_id")?;
    let mut answer = Vec::new();
    for (label, column) in [
        ("Code réponse (responseCode)", "response_code"),
        ("Code réponse de l'acquéreur", "acquirer_response_code"),
        ("Numéro d'autorisation", "authorisation_id"),
        ("Numéro de carte (masqué)", "masked_pan"),
        ("Moyen de paiement", "payment_mean_brand"),
        ("Authentification 3-D Secure", "holder_authent_status"),
        ("Date de la transaction (banque)", "transaction_date_time"),
        ("Réponse reçue par", "answer_channel"),
    ] {
        if let Some(value) = row.try_get::<Option<String>, _>(column)? {
            let value = if column == "answer_channel" { history::settlement_label(&value) } else { value };
            answer.push((label.to_owned(), value));
        }
    }
    if let Some(at) = row.try_get::<Option<i64>, _>("answered_at")? {
        answer.push(("Réponse enregistrée le".to_owned(), time::date_time_fr(at)));
    }
    let shares = |sql: &'static str, key: String| async move {
        sqlx::query(sql)
            .bind(key)
            .fetch_all(store.pool())
            .await
            .context("reading shares")?
            .iter()
            .map(|r| Ok((r.try_get("avis_reference")?, Euros::from_cents(r.try_get("cents")?))))
            .collect::<anyhow::Result<Vec<(String, Euros)>>>()
    };
    let planned = shares(
        "SELECT avis_reference, planned_cents AS cents FROM attempt_lines WHERE attempt_id = $1 ORDER BY avis_reference",
        attempt_id.clone(),
    )
    .await?;
    let applied = shares(
        "SELECT a.avis_reference, CAST(SUM(a.amount_cents) AS BIGINT) AS cents FROM allocations a \
         JOIN payments p ON p.id = a.payment_id WHERE p.attempt_id = $1 GROUP BY a.avis_reference \
         ORDER BY a.avis_reference",
        attempt_id.clone(),
    )
    .await?;
    let receipts = sqlx::query(
        "SELECT id, authorisation_id, amount_cents, accepted_at, status, regularisation, regularised_at FROM payments \
         WHERE attempt_id = $1 ORDER BY accepted_at, id",
    )
    .bind(&attempt_id)
    .fetch_all(store.pool())
    .await
    .context("reading the attempt's payments")?
    .iter()
    .map(|r| {
        Ok(Receipt {
            id: r.try_get("id")?,
            authorisation_id: r.try_get("authorisation_id")?,
            amount: Euros::from_cents(r.try_get("amount_cents")?),
            accepted_at: r.try_get("accepted_at")?,
            status: status_label(AttemptStatus::Accepted, Some(r.try_get("status")?)).to_owned(),
            regularisation: r.try_get("regularisation")?,
            regularised_at: r.try_get("regularised_at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let answers = sqlx::query(
        "SELECT received_at, channel, COALESCE(response_code, '') AS code, outcome FROM kiosk_answers \
         WHERE transaction_reference = $1 ORDER BY received_at, id",
    )
    .bind(transaction_reference.as_str())
    .fetch_all(store.pool())
    .await
    .context("reading kiosk answers")?
    .iter()
    .map(|r| {
        Ok(history::AnswerEntry {
            at: r.try_get("received_at")?,
            channel: history::channel_label(&r.try_get::<String, _>("channel")?),
            code: r.try_get("code")?,
            outcome: history::outcome_label(&r.try_get::<String, _>("outcome")?),
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    let trail = sqlx::query(
        "SELECT at, actor_kind, entity_kind, action, detail FROM audit_log WHERE caisse_code = $1 AND \
         ((entity_kind = $2 AND entity_id = $3) OR (entity_kind = $4 AND entity_id IN \
           (SELECT id FROM payments WHERE attempt_id = $5))) ORDER BY at, id",
    )
    .bind(caisse)
    .bind(Entity::Attempt)
    .bind(transaction_reference.as_str())
    .bind(Entity::Payment)
    .bind(&attempt_id)
    .fetch_all(store.pool())
    .await
    .context("reading the audit trail")?
    .iter()
    .map(|row| super::change(row, false))
    .collect::<Result<_, sqlx::Error>>()?;
    let refunds = super::refunds::of_attempt(store, &attempt_id).await?;
    Ok(Some(PaymentDetail { line, answer, planned, applied, answers, receipts, refunds, trail }))
}

/// Records that an agent of the caisse looked into the payment `payment_id`
/// «à régulariser»; `false` when it is not one of the caisse's payments to
/// regularise (any more).
pub async fn mark_regularised(store: &Store, agent: &super::Agent, payment_id: &str, now: i64) -> anyhow::Result<bool> {
    let mut tx = store.write().await.context("starting the regularisation")?;
    let done = sqlx::query(
        "UPDATE payments SET regularised_at = $1, regularised_by = $2 WHERE id = $3 AND caisse_code = $4 \
         AND regularisation IS NOT NULL AND regularised_at IS NULL",
    )
    .bind(now)
    .bind(&agent.id)
    .bind(payment_id)
    .bind(&agent.caisse_code)
    .execute(tx.conn())
    .await
    .context("marking a payment regularised")?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    audit::record(
        tx.conn(),
        now,
        Entry {
            actor: Actor::Agent(&agent.id),
            caisse_code: Some(&agent.caisse_code),
            entity: Entity::Payment,
            entity_id: payment_id,
            action: Action::Regularised,
            detail: serde_json::json!({}),
        },
    )
    .await
    .context("auditing the regularisation")?;
    tx.commit().await.context("committing the regularisation")?;
    Ok(true)
}
