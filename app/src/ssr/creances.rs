//! The créances (avis de sommes à payer) of a person.

use super::db::Store;
use crate::domain::{AvisReference, CreanceLine, Euros, IssueDate};
use anyhow::Context;
use sqlx::Row;
use sqlx::any::AnyRow;

fn line_from_row(row: &AnyRow) -> anyhow::Result<CreanceLine> {
    let reference: String = row.try_get("reference")?;
    let issued_on: String = row.try_get("issued_on")?;
    Ok(CreanceLine {
        reference: AvisReference::parse(&reference).with_context(|| format!("stored reference {reference}"))?,
        issued_on: IssueDate::parse_iso(&issued_on)?,
        initial: Euros::from_cents(row.try_get("initial_cents")?),
        restant: Euros::from_cents(row.try_get("restant_cents")?),
        payment_in_progress: false,
    })
}

/// Every créance of the person, newest first.
pub async fn list_for_person(store: &Store, person_id: &str) -> anyhow::Result<Vec<CreanceLine>> {
    let rows = sqlx::query(
        "SELECT reference, issued_on, initial_cents, restant_cents FROM avis \
         WHERE person_id = $1 ORDER BY issued_on DESC, reference",
    )
    .bind(person_id)
    .fetch_all(store.pool())
    .await
    .context("listing a person's créances")?;
    rows.iter().map(line_from_row).collect()
}
