//! What the «Rapprochement bancaire» page shows and what its agents do: the
//! reports imported, the discrepancies of the agent's caisse (and those of
//! transactions the service does not know, which are no caisse's), each
//! closed by an agent with a comment, audited.

use super::{Kind, Resolution};
use crate::ssr::agents::Agent;
use crate::ssr::infra::audit::{self, Action, Actor, Entity, Entry};
use crate::ssr::infra::db::Store;
use anyhow::Context;
use sqlx::Row;

/// Discrepancies a page lists, open ones first (there should be few).
const LISTED: i64 = 500;

/// How many discrepancies, of every caisse, no agent has resolved yet.
pub async fn open_count(store: &Store) -> anyhow::Result<i64> {
    sqlx::query("SELECT COUNT(*) AS n FROM discrepancies WHERE resolution IS NULL")
        .fetch_one(store.pool())
        .await
        .context("counting the open discrepancies")?
        .try_get("n")
        .context("n")
}

/// A report imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSummary {
    /// Its id.
    pub id: String,
    /// The day it reports, `YYYY-MM-DD`.
    pub day: String,
    /// Its operations.
    pub operations: i64,
    /// Transactions both sides agree on.
    pub matched: i64,
    /// Discrepancies it found.
    pub found: i64,
    /// When.
    pub imported_at: i64,
    /// By whom (`None`: the command).
    pub imported_by: Option<String>,
}

/// A discrepancy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discrepancy {
    /// Its id.
    pub id: String,
    /// The day, `YYYY-MM-DD`.
    pub day: String,
    /// What does not agree.
    pub kind: Kind,
    /// The transaction.
    pub transaction_reference: String,
    /// The authorisation.
    pub authorisation_id: String,
    /// `DEBIT` or `CREDIT`.
    pub direction: String,
    /// What the bank says, in cents.
    pub bank_cents: i64,
    /// What the service recorded, in cents.
    pub recorded_cents: i64,
    /// `None` while open.
    pub resolution: Option<Resolution>,
    /// The agent's comment.
    pub comment: Option<String>,
    /// Who resolved it (`None`: a later report, or open).
    pub resolved_by: Option<String>,
    /// When.
    pub resolved_at: Option<i64>,
    /// The transaction is one of the service's (it has a caisse).
    pub known: bool,
}

/// The last `limit` reports imported, the newest day first.
pub async fn reports(store: &Store, limit: i64) -> anyhow::Result<Vec<ReportSummary>> {
    let rows = sqlx::query(
        "SELECT b.id, b.day, b.operations, b.matched, b.imported_at, a.display_name, \
         (SELECT COUNT(*) FROM discrepancies d WHERE d.report_id = b.id) AS found \
         FROM bank_reports b LEFT JOIN agents a ON a.id = b.imported_by \
         ORDER BY b.day DESC, b.imported_at DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(store.pool())
    .await
    .context("reading the reports")?;
    rows.iter()
        .map(|row| {
            Ok(ReportSummary {
                id: row.try_get("id")?,
                day: row.try_get("day")?,
                operations: row.try_get("operations")?,
                matched: row.try_get("matched")?,
                found: row.try_get("found")?,
                imported_at: row.try_get("imported_at")?,
                imported_by: row.try_get("display_name")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .context("a report")
}

/// The discrepancies `caisse_code`'s agents see: theirs and those of no
/// caisse, open ones first then the latest resolved, each group the newest
/// day first.
pub async fn discrepancies(store: &Store, caisse_code: &str) -> anyhow::Result<Vec<Discrepancy>> {
    let rows = sqlx::query(
        "SELECT d.id, d.day, d.kind, d.transaction_reference, d.authorisation_id, d.direction, d.bank_cents, \
         d.recorded_cents, d.resolution, d.comment, d.resolved_at, d.caisse_code, a.display_name \
         FROM discrepancies d LEFT JOIN agents a ON a.id = d.resolved_by \
         WHERE d.caisse_code = $1 OR d.caisse_code IS NULL \
         ORDER BY CASE WHEN d.resolution IS NULL THEN 0 ELSE 1 END, d.day DESC, d.found_at DESC, d.id LIMIT $2",
    )
    .bind(caisse_code)
    .bind(LISTED)
    .fetch_all(store.pool())
    .await
    .context("reading the discrepancies")?;
    rows.iter().map(discrepancy).collect()
}

fn discrepancy(row: &sqlx::any::AnyRow) -> anyhow::Result<Discrepancy> {
    let kind: String = row.try_get("kind")?;
    Ok(Discrepancy {
        id: row.try_get("id")?,
        day: row.try_get("day")?,
        kind: Kind::parse(&kind).with_context(|| format!("a discrepancy of kind {kind}"))?,
        transaction_reference: row.try_get("transaction_reference")?,
        authorisation_id: row.try_get("authorisation_id")?,
        direction: row.try_get("direction")?,
        bank_cents: row.try_get("bank_cents")?,
        recorded_cents: row.try_get("recorded_cents")?,
        resolution: row.try_get::<Option<String>, _>("resolution")?.as_deref().and_then(Resolution::parse),
        comment: row.try_get("comment")?,
        resolved_by: row.try_get("display_name")?,
        resolved_at: row.try_get("resolved_at")?,
        known: row.try_get::<Option<String>, _>("caisse_code")?.is_some(),
    })
}

/// Characters a comment may hold.
pub const COMMENT_MAX: usize = 500;

/// Why a discrepancy cannot be closed.
#[derive(Debug, thiserror::Error)]
pub enum CloseError {
    /// No discrepancy the agent sees has this id.
    #[error("no such discrepancy")]
    NotFound,
    /// Resolved already.
    #[error("resolved already")]
    Resolved,
    /// The comment is empty or too long.
    #[error("comment")]
    Comment,
    /// Anything else.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Closes the discrepancy `id` with `comment`: the agent looked into it.
pub async fn close(store: &Store, agent: &Agent, id: &str, comment: &str, now: i64) -> Result<(), CloseError> {
    let comment = comment.trim();
    if comment.is_empty() || comment.chars().count() > COMMENT_MAX {
        return Err(CloseError::Comment);
    }
    let mut tx = store.write().await.context("starting the closing")?;
    let updated = sqlx::query(
        "UPDATE discrepancies SET resolution = $6, comment = $1, resolved_by = $2, resolved_at = $3 \
         WHERE id = $4 AND resolution IS NULL AND (caisse_code = $5 OR caisse_code IS NULL)",
    )
    .bind(comment)
    .bind(&agent.id)
    .bind(now)
    .bind(id)
    .bind(&agent.caisse_code)
    .bind(super::Resolution::Closed.as_str())
    .execute(tx.conn())
    .await
    .context("closing the discrepancy")?;
    if updated.rows_affected() != 1 {
        let seen = sqlx::query(
            "SELECT resolution FROM discrepancies WHERE id = $1 AND (caisse_code = $2 OR caisse_code IS NULL)",
        )
        .bind(id)
        .bind(&agent.caisse_code)
        .fetch_optional(tx.conn())
        .await
        .context("reading the discrepancy")?;
        return Err(if seen.is_some() { CloseError::Resolved } else { CloseError::NotFound });
    }
    let entry = Entry {
        actor: Actor::Agent(&agent.id),
        caisse_code: Some(&agent.caisse_code),
        entity: Entity::Discrepancy,
        entity_id: id,
        action: Action::Closed,
        detail: serde_json::json!({ "comment": comment }),
    };
    audit::record(tx.conn(), now, entry).await.context("auditing the closing")?;
    tx.commit().await.context("committing the closing")?;
    Ok(())
}
