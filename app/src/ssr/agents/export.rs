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

/// A text cell as a spreadsheet must read it: one that starts as a formula
/// would (`=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`,
/// so a name or a bank's field is shown, never run.
fn text_cell(text: &str) -> String {
    match text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{text}"),
        false => text.to_owned(),
    }
}

/// The export as CSV for a French spreadsheet: UTF-8 with a byte-order mark,
/// `;` between fields, decimal commas, dates «dd/mm/yyyy HH:MM» (Paris); the
/// text cells through [`text_cell`].
pub fn to_csv(lines: &[ExportLine]) -> anyhow::Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(&mut out);
        writer.write_record(CSV_COLUMNS)?;
        for l in lines {
            writer.write_record([
                time::date_time_fr(l.accepted_at).replace(" à ", " "),
                text_cell(&l.transaction_reference),
                text_cell(&l.authorisation_id),
                text_cell(&l.nir),
                text_cell(&l.last_name),
                text_cell(&l.first_name),
                l.amount.to_input_string(),
                l.excess.to_input_string(),
                text_cell(&l.status),
                l.applied_at.map(|at| time::date_time_fr(at).replace(" à ", " ")).unwrap_or_default(),
                text_cell(&l.shares),
                l.regularisation.map(|r| history::regularisation_label(r).to_owned()).unwrap_or_default(),
                l.regularised_at.map(|at| time::date_time_fr(at).replace(" à ", " ")).unwrap_or_default(),
            ])?;
        }
        writer.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(last_name: &str, authorisation_id: &str) -> ExportLine {
        ExportLine {
            accepted_at: 1_764_000_000_000,
            transaction_reference: "PCLCB263320000007".into(),
            authorisation_id: authorisation_id.into(),
            nir: "1830201053123".into(),
            last_name: last_name.into(),
            first_name: "Pierre".into(),
            amount: Euros::from_cents(2000),
            excess: Euros::from_cents(0),
            status: "Pris en compte".into(),
            applied_at: None,
            shares: "3811907400001234F=20,00".into(),
            regularisation: None,
            regularised_at: None,
        }
    }

    fn cells(lines: &[ExportLine]) -> Vec<Vec<String>> {
        let csv = to_csv(lines).expect("written");
        let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(&csv[3..]);
        reader.records().map(|r| r.expect("a record").iter().map(str::to_owned).collect()).collect()
    }

    #[test]
    fn a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text() {
        for start in ["=", "+", "-", "@", "\t", "\r"] {
            let name = format!("{start}HYPERLINK(\"http://x\")");
            let rows = cells(&[line(&name, &format!("{start}1+1"))]);
            assert_eq!(rows[0][4], format!("'{name}"), "{start:?}");
            assert_eq!(rows[0][2], format!("'{start}1+1"), "{start:?}");
        }
        let rows = cells(&[line("BELAGE", "761208")]);
        assert_eq!((rows[0][4].as_str(), rows[0][2].as_str(), rows[0][6].as_str()), ("BELAGE", "761208", "20,00"));
    }
}
