//! The daily bank reconciliation: the bank's transaction report of a day
//! ([`sips::report`]) matched with what the service recorded that day, and
//! every difference kept as a discrepancy for an agent to resolve
//! ([`resolve`]), or records as a payment what the bank took on one of the
//! service's transactions without the service hearing of it ([`record`]).
//!
//! What the service recorded for a Paris day, per transaction, authorisation
//! and direction — the bank's side is the report's lines summed the same way:
//! - `DEBIT`: each payment accepted that day, its amount less what the bank
//!   cancelled of it before the capture (refunds done through `cancel`); a
//!   payment cancelled whole expects no line;
//! - `CREDIT`: the refunds done through `refund` that day.
//!
//! A report is read whole before anything is written (a malformed one names
//! its line and imports nothing), and imported in one transaction. The same
//! file imported again changes nothing (its SHA-256 is kept). Another file of
//! the same day — the bank's report once the day is captured, after one
//! taken during the day — is matched again: what it still finds is not
//! found twice, and what it no longer finds is resolved as `matched`.
//!
//! The day of an operation is the service's clock on one side and the bank's
//! on the other: an operation a second before midnight may fall on the next
//! day at the bank, and then shows as two discrepancies, one each day, which
//! an agent closes with a comment.

pub mod record;
mod recorded;
pub mod resolve;

use super::Agent;
use crate::domain::IssueDate;
use crate::ssr::infra::audit::{self, Action, Actor, Entity, Entry};
use crate::ssr::infra::db::{Engine, Store, is_unique_violation, new_id};
use crate::ssr::infra::{metrics, time};
use anyhow::Context;
use sha2::{Digest, Sha256};
use sips::report::{self, Direction, ReportError};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// What a report and the service's records do not agree on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The bank has the operation; the service has not recorded it.
    NotRecorded,
    /// The service recorded it; the bank's report of the day has not.
    AbsentFromBank,
    /// Both have it, with different amounts.
    AmountDiffers,
}

impl Kind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::NotRecorded => "not_recorded",
            Kind::AbsentFromBank => "absent_from_bank",
            Kind::AmountDiffers => "amount_differs",
        }
    }

    /// From what is stored.
    pub fn parse(value: &str) -> Option<Kind> {
        [Kind::NotRecorded, Kind::AbsentFromBank, Kind::AmountDiffers].into_iter().find(|k| k.as_str() == value)
    }

    /// In French, for the agents.
    pub fn label(self) -> &'static str {
        match self {
            Kind::NotRecorded => "Prélevé par la banque, non enregistré",
            Kind::AbsentFromBank => "Enregistré, absent du relevé de la banque",
            Kind::AmountDiffers => "Montants différents",
        }
    }
}

/// How a discrepancy was resolved (none while it is open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// An agent closed it with a comment.
    Closed,
    /// An agent recorded the bank's line as a payment.
    Recorded,
    /// A later report of the day agrees.
    Matched,
}

impl Resolution {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Closed => "closed",
            Resolution::Recorded => "recorded",
            Resolution::Matched => "matched",
        }
    }

    /// From what is stored.
    pub fn parse(value: &str) -> Option<Resolution> {
        [Resolution::Closed, Resolution::Recorded, Resolution::Matched].into_iter().find(|r| r.as_str() == value)
    }
}

/// Who imports a report.
#[derive(Debug, Clone, Copy)]
pub enum Importer<'a> {
    /// An agent, from the back office.
    Agent(&'a Agent),
    /// An operator or a scheduler, through `server reconcile`.
    Command,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The report's id (the earlier import's, when `replayed`).
    pub report_id: String,
    /// The day it reports.
    pub day: IssueDate,
    /// The operations it holds.
    pub operations: usize,
    /// The transactions (per authorisation and direction) both sides agree on.
    pub matched: usize,
    /// Discrepancies found for the first time.
    pub found: usize,
    /// Open discrepancies of the day this report no longer shows.
    pub cleared: usize,
    /// The same file was imported before: nothing changed.
    pub replayed: bool,
}

impl Imported {
    /// What it did, in French, for the agent who imported it.
    pub fn summary_fr(&self) -> String {
        if self.replayed {
            return format!("Ce relevé du {} avait déjà été importé : rien n'a changé.", self.day);
        }
        let count = |n: usize, none: &str, one: &str, many: &str| match n {
            0 => none.to_owned(),
            1 => format!("1 {one}"),
            n => format!("{n} {many}"),
        };
        let mut said = format!(
            "Relevé du {} importé : {}, {}, {}",
            self.day,
            count(self.operations, "aucune opération", "opération", "opérations"),
            count(self.matched, "aucune transaction rapprochée", "transaction rapprochée", "transactions rapprochées"),
            count(self.found, "aucun nouvel écart", "nouvel écart", "nouveaux écarts"),
        );
        if self.cleared > 0 {
            said.push_str(&format!(", {} par ce relevé", count(self.cleared, "", "écart résolu", "écarts résolus")));
        }
        said.push('.');
        said
    }
}

/// Why a report is not imported (nothing is).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not a report, or a line is wrong: the line and why, in French.
    #[error("{0}")]
    Malformed(#[from] ReportError),
    /// The day has not begun.
    #[error("future day")]
    FutureDay,
    /// Anything else.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A transaction, an authorisation and a direction: what both sides are summed by.
pub(crate) type Key = (String, String, &'static str);

/// A difference, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Found {
    key: Key,
    kind: Kind,
    bank_cents: i64,
    recorded_cents: i64,
}

/// Imports `text`, the bank's report of `day` for the merchant `merchant_id`,
/// as of `now`.
pub async fn import(
    store: &Store,
    merchant_id: &str,
    day: IssueDate,
    text: &str,
    by: Importer<'_>,
    now: i64,
) -> Result<Imported, ImportError> {
    if day > time::paris_date(now) {
        return Err(ImportError::FutureDay);
    }
    let lines = report::parse(text)?;
    let mut bank: BTreeMap<Key, i64> = BTreeMap::new();
    for (at, line) in lines.iter().enumerate() {
        let refuse = |reason: String| ReportError { line: at + 2, reason };
        if line.merchant_id != merchant_id {
            return Err(refuse(format!(
                "l'opération est celle du commerçant {}, pas de celui de la caisse ({merchant_id})",
                line.merchant_id
            ))
            .into());
        }
        let on = line.at.parse::<jiff::Timestamp>().map(|t| time::paris_date(t.as_millisecond()));
        if on.ok() != Some(day) {
            return Err(
                refuse(format!("l'opération du {} n'est pas de la journée du {}", line.at, day.to_iso())).into()
            );
        }
        let key = (line.transaction_reference.clone(), line.authorisation_id.clone(), line.direction.as_str());
        *bank.entry(key).or_default() += line.amount_cents;
    }
    let digest = hex::encode(Sha256::digest(text.as_bytes()));
    let day_text = day.to_iso();

    let replayed = |row: sqlx::any::AnyRow| -> Result<Imported, ImportError> {
        let matched: i64 = row.try_get("matched").context("matched")?;
        Ok(Imported {
            report_id: row.try_get("id").context("id")?,
            day,
            operations: lines.len(),
            matched: usize::try_from(matched).unwrap_or(0),
            found: 0,
            cleared: 0,
            replayed: true,
        })
    };
    let same_file = "SELECT id, matched FROM bank_reports WHERE digest = $1";
    let mut tx = store.write().await.context("starting the import")?;
    // Two files of the same day are matched one after the other, so that the
    // second sees what the first found (SQLite's writer is alone already).
    if store.engine() == Engine::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind(format!("bank_report|{merchant_id}|{day_text}"))
            .execute(tx.conn())
            .await
            .context("taking the day's lock")?;
    }
    if let Some(row) =
        sqlx::query(same_file).bind(&digest).fetch_optional(tx.conn()).await.context("looking for the same report")?
    {
        return replayed(row);
    }
    let recorded = recorded::on(tx.conn(), day).await?;
    let mut matched = 0;
    let mut found = BTreeSet::new();
    let keys: BTreeSet<&Key> = bank.keys().chain(recorded.keys()).collect();
    for key in keys {
        let (kind, bank_cents, recorded_cents) = match (bank.get(key), recorded.get(key)) {
            (Some(&b), Some(r)) if b == r.cents => {
                matched += 1;
                continue;
            }
            (Some(&b), Some(r)) => (Kind::AmountDiffers, b, r.cents),
            (Some(&b), None) => (Kind::NotRecorded, b, 0),
            (None, Some(r)) if r.cents > 0 => (Kind::AbsentFromBank, 0, r.cents),
            (None, _) => continue,
        };
        found.insert(Found { key: key.clone(), kind, bank_cents, recorded_cents });
    }

    let report_id = new_id();
    let imported_by = match by {
        Importer::Agent(agent) => Some(agent.id.as_str()),
        Importer::Command => None,
    };
    let inserted = sqlx::query(
        "INSERT INTO bank_reports (id, digest, merchant_id, day, operations, matched, imported_by, imported_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&report_id)
    .bind(&digest)
    .bind(merchant_id)
    .bind(&day_text)
    .bind(i64::try_from(lines.len()).unwrap_or(i64::MAX))
    .bind(i64::try_from(matched).unwrap_or(i64::MAX))
    .bind(imported_by)
    .bind(now)
    .execute(tx.conn())
    .await;
    match inserted {
        // The same file, imported meanwhile by another agent.
        Err(error) if is_unique_violation(&error) => {
            drop(tx);
            let row = sqlx::query(same_file).bind(&digest).fetch_one(store.pool()).await.context("the same report")?;
            return replayed(row);
        }
        inserted => inserted.context("recording the report")?,
    };

    // What earlier reports of the day found: not found again; the open ones
    // this report does not find are resolved.
    let earlier = sqlx::query(
        "SELECT id, kind, transaction_reference, authorisation_id, direction, bank_cents, recorded_cents, resolution \
         FROM discrepancies WHERE merchant_id = $1 AND day = $2",
    )
    .bind(merchant_id)
    .bind(&day_text)
    .fetch_all(tx.conn())
    .await
    .context("reading the day's discrepancies")?;
    let mut cleared = 0;
    for row in earlier {
        let kind: String = row.try_get("kind").context("kind")?;
        let direction: String = row.try_get("direction").context("direction")?;
        let before = Kind::parse(&kind).map(|kind| Found {
            key: (
                row.try_get("transaction_reference").unwrap_or_default(),
                row.try_get("authorisation_id").unwrap_or_default(),
                direction_of(&direction),
            ),
            kind,
            bank_cents: row.try_get("bank_cents").unwrap_or_default(),
            recorded_cents: row.try_get("recorded_cents").unwrap_or_default(),
        });
        let open = row.try_get::<Option<String>, _>("resolution").context("resolution")?.is_none();
        let still = before.is_some_and(|before| found.remove(&before));
        if !still && open {
            let id: String = row.try_get("id").context("id")?;
            sqlx::query(
                "UPDATE discrepancies SET resolution = $3, resolved_at = $1 WHERE id = $2 AND resolution IS NULL",
            )
            .bind(now)
            .bind(&id)
            .bind(Resolution::Matched.as_str())
            .execute(tx.conn())
            .await
            .context("resolving a discrepancy")?;
            cleared += 1;
        }
    }
    for discrepancy in &found {
        let (reference, authorisation, direction) = &discrepancy.key;
        let caisse = match recorded.get(&discrepancy.key) {
            Some(r) => Some(r.caisse.clone()),
            None => sqlx::query("SELECT caisse_code FROM payment_attempts WHERE transaction_reference = $1")
                .bind(reference)
                .fetch_optional(tx.conn())
                .await
                .context("the caisse of a transaction")?
                .map(|row| row.try_get::<String, _>("caisse_code"))
                .transpose()
                .context("caisse_code")?,
        };
        sqlx::query(
            "INSERT INTO discrepancies (id, report_id, merchant_id, day, caisse_code, kind, transaction_reference, \
             authorisation_id, direction, bank_cents, recorded_cents, found_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(new_id())
        .bind(&report_id)
        .bind(merchant_id)
        .bind(&day_text)
        .bind(caisse)
        .bind(discrepancy.kind.as_str())
        .bind(reference)
        .bind(authorisation)
        .bind(*direction)
        .bind(discrepancy.bank_cents)
        .bind(discrepancy.recorded_cents)
        .bind(now)
        .execute(tx.conn())
        .await
        .context("recording a discrepancy")?;
    }
    let actor = match by {
        Importer::Agent(agent) => Actor::Agent(&agent.id),
        Importer::Command => Actor::Operator,
    };
    let detail = serde_json::json!({
        "merchant_id": merchant_id, "day": day_text, "digest": digest, "operations": lines.len(),
        "matched": matched, "found": found.len(), "cleared": cleared,
    });
    let entry = Entry {
        actor,
        caisse_code: None,
        entity: Entity::BankReport,
        entity_id: &report_id,
        action: Action::Imported,
        detail,
    };
    audit::record(tx.conn(), now, entry).await.context("auditing the import")?;
    tx.commit().await.context("committing the import")?;
    for discrepancy in &found {
        metrics::discrepancy_found(discrepancy.kind.as_str());
    }
    metrics::bank_report_imported();
    Ok(Imported { report_id, day, operations: lines.len(), matched, found: found.len(), cleared, replayed: false })
}

fn direction_of(value: &str) -> &'static str {
    if value == Direction::Credit.as_str() { Direction::Credit.as_str() } else { Direction::Debit.as_str() }
}
