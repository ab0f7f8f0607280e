//! Insured persons: sign-in lookups and identity.

use crate::domain::IssueDate;
use crate::ssr::infra::db::Store;
use crate::ssr::infra::ids::PersonId;
use sqlx::Row;

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
    /// Their messages not read yet (the header's count).
    pub unread_messages: i64,
}

/// The identity of the person `person_id`, with their unread messages: what
/// the header of each of their pages says, in one statement. It reads the
/// person by their key, and the caisse and the count each by a scalar
/// subquery on its own key: no join, so SQLite never plans it again
/// (docs/PERFORMANCE.md, «SQLite prepares the joined statement again»).
pub async fn identity(store: &Store, person_id: &PersonId) -> anyhow::Result<Identity> {
    let row = sqlx::query(
        "SELECT p.first_name, p.last_name, p.birth_date, p.nir, p.caisse_code, \
         (SELECT c.name FROM caisses c WHERE c.code = p.caisse_code) AS caisse_name, \
         (SELECT COUNT(*) FROM messages m WHERE m.person_id = p.id AND m.read_at IS NULL AND m.deleted_at IS NULL) \
         AS unread_messages FROM persons p WHERE p.id = $1",
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
        unread_messages: row.try_get("unread_messages")?,
    })
}
