//! The audit trail: one row for every state change, written in the same
//! transaction as the change itself.

use super::db::new_id;
use sqlx::AnyConnection;

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    /// An insured person (their id).
    Person(&'a str),
    /// A back-office agent (their id).
    Agent(&'a str),
    /// The bank kiosk, through a sealed answer.
    Kiosk,
    /// The service itself (processing run, expiry, demo data).
    System,
    /// An operator, through a `server` subcommand.
    Operator,
}

impl Actor<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Actor::Person(_) => "person",
            Actor::Agent(_) => "agent",
            Actor::Kiosk => "kiosk",
            Actor::System => "system",
            Actor::Operator => "operator",
        }
    }

    fn id(&self) -> Option<&str> {
        match self {
            Actor::Person(id) | Actor::Agent(id) => Some(id),
            Actor::Kiosk | Actor::System | Actor::Operator => None,
        }
    }
}

/// One audit row.
pub struct Entry<'a> {
    /// Who.
    pub actor: Actor<'a>,
    /// The caisse the change concerns, when there is one.
    pub caisse_code: Option<&'a str>,
    /// What kind of thing changed: `attempt`, `payment`, `avis`, `message`, `session`…
    pub entity_kind: &'a str,
    /// Its identifier.
    pub entity_id: &'a str,
    /// What happened: `created`, `accepted`, `applied`…
    pub action: &'a str,
    /// Details, as JSON.
    pub detail: serde_json::Value,
}

/// Writes `entry` on `conn` (inside the caller's transaction).
pub async fn record(conn: &mut AnyConnection, at_ms: i64, entry: Entry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor_kind, actor_id, caisse_code, entity_kind, entity_id, action, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new_id())
    .bind(at_ms)
    .bind(entry.actor.kind())
    .bind(entry.actor.id())
    .bind(entry.caisse_code)
    .bind(entry.entity_kind)
    .bind(entry.entity_id)
    .bind(entry.action)
    .bind(entry.detail.to_string())
    .execute(conn)
    .await?;
    Ok(())
}
