//! The reconciliation export (CSV).

use super::{history, status_label};
use crate::domain::Euros;
use crate::ssr::infra::db::Store;
use crate::ssr::infra::time;
use crate::ssr::lifecycle::Regularisation;
use crate::ssr::lifecycle::{AttemptStatus, PaymentStatus};
use anyhow::Context;
use sqlx::Row;

/// One line of the reconciliation export.
#[derive(Debug, Clone)]
pub struct ExportLine {
    /// When the bank accepted it.
    pub accepted_at: i64,
    /// «PCLCB…».
    pub transaction_reference: String,
    /// Authorisation number.
    pub authorisation_id: String,
    /// NIR (13 characters).
    pub nir: String,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// Amount.
    pub amount: Euros,
    /// Trop-perçu.
    pub excess: Euros,
    /// «En cours de traitement» or «Pris en compte».
    pub status: String,
    /// When the processing run applied it.
    pub applied_at: Option<i64>,
    /// Shares, «référence=montant» joined by spaces.
    pub shares: String,
    /// Why the caisse must look into it («à régulariser»), if it must.
    pub regularisation: Option<Regularisation>,
    /// When an agent did.
    pub regularised_at: Option<i64>,
}

/// The caisse's accepted payments of `[from, to)` (by acceptance time).
pub async fn export(store: &Store, caisse: &str, from: i64, to: i64) -> anyhow::Result<Vec<ExportLine>> {
    let rows = sqlx::query(
        "SELECT p.id, p.accepted_at, p.applied_at, p.amount_cents, p.excess_cents, p.status, t.transaction_reference, \
         p.authorisation_id, p.regularisation, p.regularised_at, pe.nir, pe.first_name, pe.last_name, t.id AS attempt_id \
         FROM payments p JOIN payment_attempts t ON t.id = p.attempt_id JOIN persons pe ON pe.id = p.person_id \
         WHERE p.caisse_code = $1 AND p.accepted_at >= $2 AND p.accepted_at < $3 ORDER BY p.accepted_at, p.id",
    )
    .bind(caisse)
    .bind(from)
    .bind(to)
    .fetch_all(store.pool())
    .await
    .context("reading the export")?;
    let mut lines = Vec::with_capacity(rows.len());
    for row in &rows {
        let status: PaymentStatus = row.try_get("status")?;
        let (sql, key): (&str, String) = if status == PaymentStatus::Applied {
            (
                "SELECT avis_reference, amount_cents AS cents FROM allocations WHERE payment_id = $1 ORDER BY avis_reference",
                row.try_get("id")?,
            )
        } else {
            (
                "SELECT avis_reference, planned_cents AS cents FROM attempt_lines WHERE attempt_id = $1 ORDER BY avis_reference",
                row.try_get("attempt_id")?,
            )
        };
        let shares: Vec<String> = sqlx::query(sql)
            .bind(key)
            .fetch_all(store.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(format!(
                    "{}={}",
                    r.try_get::<String, _>("avis_reference")?,
                    Euros::from_cents(r.try_get("cents")?).to_input_string()
                ))
            })
            .collect::<Result<_, sqlx::Error>>()?;
        lines.push(ExportLine {
            accepted_at: row.try_get("accepted_at")?,
            transaction_reference: row.try_get("transaction_reference")?,
            authorisation_id: row.try_get("authorisation_id")?,
            nir: row.try_get("nir")?,
            last_name: row.try_get("last_name")?,
            first_name: row.try_get("first_name")?,
            amount: Euros::from_cents(row.try_get("amount_cents")?),
            excess: Euros::from_cents(row.try_get("excess_cents")?),
            status: status_label(AttemptStatus::Accepted, Some(status)).to_owned(),
            applied_at: row.try_get("applied_at")?,
            shares: shares.join(" "),
            regularisation: row.try_get("regularisation")?,
            regularised_at: row.try_get("regularised_at")?,
        });
    }
    Ok(lines)
}

/// The CSV columns of the export, in order.
pub const CSV_COLUMNS: [&str; 13] = [
    "date_acceptation",
    "reference_transaction",
    "numero_autorisation",
    "nir",
    "nom",
    "prenom",
    "montant",
    "trop_percu",
    "statut",
    "date_prise_en_compte",
    "repartition",
    "a_regulariser",
    "date_regularisation",
];

/// The export as CSV for a French spreadsheet: UTF-8 with a byte-order mark,
/// `;` between fields, decimal commas, dates «dd/mm/yyyy HH:MM» (Paris).
pub fn to_csv(lines: &[ExportLine]) -> anyhow::Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(&mut out);
        writer.write_record(CSV_COLUMNS)?;
        for l in lines {
            writer.write_record([
                time::date_time_fr(l.accepted_at).replace(" à ", " "),
                l.transaction_reference.clone(),
                l.authorisation_id.clone(),
                l.nir.clone(),
                l.last_name.clone(),
                l.first_name.clone(),
                l.amount.to_input_string(),
                l.excess.to_input_string(),
                l.status.clone(),
                l.applied_at.map(|at| time::date_time_fr(at).replace(" à ", " ")).unwrap_or_default(),
                l.shares.clone(),
                l.regularisation.map(|r| history::regularisation_label(r).to_owned()).unwrap_or_default(),
                l.regularised_at.map(|at| time::date_time_fr(at).replace(" à ", " ")).unwrap_or_default(),
            ])?;
        }
        writer.flush()?;
    }
    Ok(out)
}
