//! The audit trail: one row for every state change, written in the same
//! transaction as the change itself.

use super::db::new_id;
use super::ids::{AgentId, PersonId};
use crate::text_column;
use sqlx::AnyConnection;

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    /// An insured person (their id).
    Person(&'a PersonId),
    /// A back-office agent (their id).
    Agent(&'a AgentId),
    /// The bank kiosk, through a sealed answer.
    Kiosk,
    /// The service itself (processing run, expiry, demo data).
    System,
    /// An operator, through a `server` subcommand.
    Operator,
}

/// Who made a change, as the trail keeps it (without the id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    /// An insured person.
    Person,
    /// A back-office agent.
    Agent,
    /// The bank kiosk.
    Kiosk,
    /// The service itself.
    System,
    /// An operator.
    Operator,
}

text_column!(ActorKind {
    Person => "person",
    Agent => "agent",
    Kiosk => "kiosk",
    System => "system",
    Operator => "operator",
});

/// What kind of thing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// A payment attempt (its id is the transaction reference).
    Attempt,
    /// A payment the bank accepted.
    Payment,
    /// An avis de sommes à payer.
    Avis,
    /// A message of «Ma messagerie».
    Message,
    /// A person's sessions.
    Session,
    /// A person.
    Person,
    /// A discrepancy of the reconciliation with the bank's report.
    Discrepancy,
    /// A bank's daily report.
    BankReport,
}

text_column!(Entity {
    Attempt => "attempt",
    Payment => "payment",
    Avis => "avis",
    Message => "message",
    Session => "session",
    Person => "person",
    Discrepancy => "discrepancy",
    BankReport => "bank_report",
});

/// What happened to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// An attempt began.
    Created,
    /// The bank accepted an attempt.
    Accepted,
    /// The bank refused an attempt.
    Refused,
    /// An attempt was cancelled (on the bank's page, or abandoned).
    Cancelled,
    /// An attempt ran out of time.
    Expired,
    /// A payment was recorded, to be applied.
    Received,
    /// A payment was applied to the créances.
    Applied,
    /// An agent looked into a payment «à régulariser».
    Regularised,
    /// A payment's trop-perçu went to another créance.
    ExcessAssigned,
    /// An agent asked a refund.
    RefundAsked,
    /// A second agent approved it.
    RefundApproved,
    /// A second agent rejected it.
    RefundRejected,
    /// The bank made it.
    RefundDone,
    /// The bank refused it.
    RefundRefused,
    /// The person deleted a message.
    Deleted,
    /// A message reached the end of its retention.
    Purged,
    /// An agent issued an avis.
    Issued,
    /// The demo data were loaded.
    DemoLoaded,
    /// The person signed out of every device.
    EndedEverywhere,
    /// An agent closed a discrepancy.
    Closed,
    /// A payment was recorded from a discrepancy.
    Recorded,
    /// A bank report was imported.
    Imported,
}

text_column!(Action {
    Created => "created",
    Accepted => "accepted",
    Refused => "refused",
    Cancelled => "cancelled",
    Expired => "expired",
    Received => "received",
    Applied => "applied",
    Regularised => "regularised",
    ExcessAssigned => "excess_assigned",
    RefundAsked => "refund_asked",
    RefundApproved => "refund_approved",
    RefundRejected => "refund_rejected",
    RefundDone => "refund_done",
    RefundRefused => "refund_refused",
    Deleted => "deleted",
    Purged => "purged",
    Issued => "issued",
    DemoLoaded => "demo_loaded",
    EndedEverywhere => "ended_everywhere",
    Closed => "closed",
    Recorded => "recorded",
    Imported => "imported",
});

impl Actor<'_> {
    /// Its kind, as kept.
    pub fn kind(&self) -> ActorKind {
        match self {
            Actor::Person(_) => ActorKind::Person,
            Actor::Agent(_) => ActorKind::Agent,
            Actor::Kiosk => ActorKind::Kiosk,
            Actor::System => ActorKind::System,
            Actor::Operator => ActorKind::Operator,
        }
    }

    fn id(&self) -> Option<&str> {
        match self {
            Actor::Person(id) => Some(id.as_str()),
            Actor::Agent(id) => Some(id.as_str()),
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
    /// What kind of thing changed.
    pub entity: Entity,
    /// Its identifier.
    pub entity_id: &'a str,
    /// What happened.
    pub action: Action,
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
    .bind(entry.entity)
    .bind(entry.entity_id)
    .bind(entry.action)
    .bind(entry.detail.to_string())
    .execute(conn)
    .await?;
    Ok(())
}
