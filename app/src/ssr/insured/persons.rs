//! Insured persons: sign-in lookups and identity.

use crate::domain::{IssueDate, Nir};
use crate::ssr::infra::db::Store;
use crate::ssr::sign_in::Credentials;
use sqlx::Row;

/// The person whose NIR is `nir`, if any.
pub async fn credentials(store: &Store, nir: &Nir) -> Result<Option<Credentials>, sqlx::Error> {
    let row = sqlx::query("SELECT id, password_hash, last_sign_in_at FROM persons WHERE nir = $1")
        .bind(nir.as_str())
        .fetch_optional(store.pool())
        .await?;
    row.map(|row| {
        Ok(Credentials {
            id: row.try_get("id")?,
            password_hash: row.try_get("password_hash")?,
            last_sign_in_at: row.try_get("last_sign_in_at")?,
        })
    })
    .transpose()
}

/// Records a successful sign-in.
pub async fn record_sign_in(store: &Store, person_id: &str, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE persons SET last_sign_in_at = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(person_id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// A person as the account pages show them.
#[derive(Debug, Clone)]
pub struct Identity {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Date of birth.
    pub birth_date: IssueDate,
    /// True for a woman (NIR starting with 2): «Née le».
    pub female: bool,
    /// The code of the person's caisse.
    pub caisse_code: String,
    /// The caisse's name.
    pub caisse_name: String,
}

/// The identity of the person `person_id`.
pub async fn identity(store: &Store, person_id: &str) -> anyhow::Result<Identity> {
    let row = sqlx::query(
        "SELECT p.first_name, p.last_name, p.birth_date, p.nir, p.caisse_code, c.name AS caisse_name \
         FROM persons p JOIN caisses c ON c.code = p.caisse_code WHERE p.id = $1",
    )
    .bind(person_id)
    .fetch_one(store.pool())
    .await?;
    let nir: String = row.try_get("nir")?;
    let birth: String = row.try_get("birth_date")?;
    Ok(Identity {
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        birth_date: IssueDate::parse_iso(&birth)?,
        female: nir.starts_with('2'),
        caisse_code: row.try_get("caisse_code")?,
        caisse_name: row.try_get("caisse_name")?,
    })
}
