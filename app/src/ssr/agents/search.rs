//! Finding a person of the caisse by NIR or avis reference.

use super::payments::{PAYMENT_COLUMNS, PaymentLine, payment_line};
use crate::domain::{AvisReference, Euros, IssueDate, Nir};
use crate::ssr::infra::db::Store;
use sqlx::Row;

/// A person of the caisse, with their avis.
#[derive(Debug, Clone)]
pub struct PersonFile {
    /// «PRÉNOM NOM».
    pub name: String,
    /// NIR with key, grouped.
    pub nir: String,
    /// Their avis: (reference, issued, initial, restant, open online).
    pub avis: Vec<(String, String, Euros, Euros, bool)>,
    /// Their payment attempts.
    pub payments: Vec<PaymentLine>,
}

/// Finds, within the caisse, the person with this NIR or the person owning this
/// avis reference.
pub async fn search(store: &Store, caisse: &str, query: &str) -> anyhow::Result<Option<PersonFile>> {
    let person_id: Option<String> = if let Ok(reference) = AvisReference::parse(query) {
        sqlx::query("SELECT person_id FROM avis WHERE reference = $1 AND caisse_code = $2")
            .bind(reference.as_str())
            .bind(caisse)
            .fetch_optional(store.pool())
            .await?
            .map(|r| r.try_get("person_id"))
            .transpose()?
    } else if let Ok(nir) = Nir::parse(query) {
        sqlx::query("SELECT id FROM persons WHERE nir = $1 AND caisse_code = $2")
            .bind(nir.as_str())
            .bind(caisse)
            .fetch_optional(store.pool())
            .await?
            .map(|r| r.try_get("id"))
            .transpose()?
    } else {
        None
    };
    let Some(person_id) = person_id else { return Ok(None) };
    let person = sqlx::query("SELECT first_name, last_name, nir FROM persons WHERE id = $1 AND caisse_code = $2")
        .bind(&person_id)
        .bind(caisse)
        .fetch_one(store.pool())
        .await?;
    let nir = Nir::parse(&person.try_get::<String, _>("nir")?)?;
    let avis = sqlx::query(
        "SELECT reference, issued_on, initial_cents, restant_cents, online_payable, closed_at FROM avis \
         WHERE person_id = $1 AND caisse_code = $2 ORDER BY issued_on DESC",
    )
    .bind(&person_id)
    .bind(caisse)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("reference")?,
            IssueDate::parse_iso(&r.try_get::<String, _>("issued_on")?)?.to_string(),
            Euros::from_cents(r.try_get("initial_cents")?),
            Euros::from_cents(r.try_get("restant_cents")?),
            r.try_get::<i64, _>("online_payable")? == 1 && r.try_get::<Option<i64>, _>("closed_at")?.is_none(),
        ))
    })
    .collect::<anyhow::Result<_>>()?;
    let sql = format!(
        "SELECT {PAYMENT_COLUMNS} FROM payment_attempts t JOIN persons pe ON pe.id = t.person_id \
         LEFT JOIN payments p ON p.attempt_id = t.id WHERE t.person_id = $1 AND t.caisse_code = $2 \
         ORDER BY t.created_at DESC LIMIT 100"
    );
    let payments = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&person_id)
        .bind(caisse)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(payment_line)
        .collect::<anyhow::Result<_>>()?;
    Ok(Some(PersonFile {
        name: format!("{} {}", person.try_get::<String, _>("first_name")?, person.try_get::<String, _>("last_name")?)
            .to_uppercase(),
        nir: nir.display_grouped(),
        avis,
        payments,
    }))
}
