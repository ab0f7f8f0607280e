//! The back office of a caisse: its agents, and everything they see — always
//! scoped to the agent's own caisse (another caisse's payments, créances and
//! persons do not exist for them: every query filters on `caisse_code`).

//!
//! - [`payments`]: the payments received, one payment in full, trop-perçus;
//! - [`refunds`]: money given back on a payment, asked by one agent and
//!   approved by another, through the bank;
//! - [`excess`]: a trop-perçu assigned to another créance of the person;
//! - [`search`]: a person's file by NIR or avis reference;
//! - [`avis`]: issuing an avis;
//! - [`export`]: the reconciliation CSV;
//! - [`reconciliation`]: the bank's daily report matched with what was
//!   recorded, and its discrepancies;
//! - [`history`]: the audit trail and the kiosk's answers in words;
//! - here: the agents themselves, their sign-in, the journal.

pub mod avis;
pub mod excess;
pub mod export;
pub mod history;
pub mod payments;
pub mod reconciliation;
pub mod refunds;
pub mod search;

use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::infra::audit::Entity;
use crate::ssr::infra::context::{current_session, not_signed_in, unexpected};
use crate::ssr::infra::db::Store;
use crate::ssr::infra::ids::AgentId;
use crate::ssr::infra::session::{Owner, Session};
use crate::ssr::lifecycle::{AttemptStatus, PaymentStatus};
use anyhow::Context;
use sqlx::Row;

/// An agent and their caisse.
#[derive(Debug, Clone)]
pub struct Agent {
    /// Id.
    pub id: AgentId,
    /// Display name.
    pub name: String,
    /// Their caisse's code.
    pub caisse_code: String,
    /// Their caisse's name.
    pub caisse_name: String,
}

/// The agent `id`.
pub async fn agent(store: &Store, id: &AgentId) -> anyhow::Result<Agent> {
    let row = sqlx::query(
        "SELECT a.id, a.display_name, a.caisse_code, c.name FROM agents a JOIN caisses c ON c.code = a.caisse_code WHERE a.id = $1",
    )
    .bind(id)
    .fetch_one(store.pool())
    .await
    .context("reading an agent")?;
    Ok(Agent {
        id: row.try_get("id")?,
        name: row.try_get("display_name")?,
        caisse_code: row.try_get("caisse_code")?,
        caisse_name: row.try_get("name")?,
    })
}

/// The signed-in agent, or 401 and a redirect to the agents' sign-in page.
pub async fn require_agent(state: &AppState) -> Result<(Agent, Session), AppError> {
    match current_session(state).await? {
        Some(session) => match &session.owner {
            Owner::Agent(id) => {
                let agent = agent(&state.store, id).await.map_err(unexpected)?;
                Ok((agent, session))
            }
            _ => Err(not_signed_in(crate::routes::AGENT_SIGN_IN)),
        },
        None => Err(not_signed_in(crate::routes::AGENT_SIGN_IN)),
    }
}

/// A status filter of the payments list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    /// Every attempt.
    All,
    /// Waiting for the bank.
    Pending,
    /// Accepted, not applied yet.
    Received,
    /// Accepted and applied.
    Applied,
    /// Refused.
    Refused,
    /// Cancelled.
    Cancelled,
    /// Expired.
    Expired,
    /// Accepted payments the caisse must look into («à régulariser»).
    ToRegularise,
}

impl StatusFilter {
    /// Every filter, with its URL value and French label.
    pub const ALL: [(StatusFilter, &'static str, &'static str); 8] = [
        (StatusFilter::All, "tous", "Tous"),
        (StatusFilter::Pending, "en-attente", "En attente de la banque"),
        (StatusFilter::Received, "en-cours", "En cours de traitement"),
        (StatusFilter::Applied, "pris-en-compte", "Pris en compte"),
        (StatusFilter::Refused, "refuse", "Refusé"),
        (StatusFilter::Cancelled, "annule", "Annulé"),
        (StatusFilter::Expired, "expire", "Expiré"),
        (StatusFilter::ToRegularise, "a-regulariser", "À régulariser"),
    ];

    /// From a URL value (unknown values mean every attempt).
    pub fn parse(value: &str) -> StatusFilter {
        Self::ALL.iter().find(|(_, v, _)| *v == value).map_or(StatusFilter::All, |(f, _, _)| *f)
    }

    /// The URL value.
    pub fn value(self) -> &'static str {
        Self::ALL.iter().find(|(f, _, _)| *f == self).map_or("tous", |(_, v, _)| v)
    }

    /// The attempt status and the payment status a line must have (`None`:
    /// any).
    pub fn statuses(self) -> (Option<AttemptStatus>, Option<PaymentStatus>) {
        match self {
            StatusFilter::All | StatusFilter::ToRegularise => (None, None),
            StatusFilter::Pending => (Some(AttemptStatus::Pending), None),
            StatusFilter::Received => (None, Some(PaymentStatus::Received)),
            StatusFilter::Applied => (None, Some(PaymentStatus::Applied)),
            StatusFilter::Refused => (Some(AttemptStatus::Refused), None),
            StatusFilter::Cancelled => (Some(AttemptStatus::Cancelled), None),
            StatusFilter::Expired => (Some(AttemptStatus::Expired), None),
        }
    }
}

/// The French label of an attempt with its payment's status.
pub fn status_label(attempt: AttemptStatus, payment: Option<PaymentStatus>) -> &'static str {
    match (attempt, payment) {
        (AttemptStatus::Accepted, Some(PaymentStatus::Applied)) => "Pris en compte",
        (AttemptStatus::Accepted, _) => "En cours de traitement",
        (AttemptStatus::Pending, _) => "En attente de la banque",
        (AttemptStatus::Refused, _) => "Refusé",
        (AttemptStatus::Cancelled, _) => "Annulé",
        (AttemptStatus::Expired, _) => "Expiré",
    }
}

/// The caisse's last audit entries, in words.
pub async fn journal(store: &Store, caisse: &str, limit: i64) -> anyhow::Result<Vec<history::Change>> {
    Ok(sqlx::query(
        "SELECT at, actor_kind, action, entity_kind, entity_id, detail FROM audit_log WHERE caisse_code = $1 \
         ORDER BY at DESC, id DESC LIMIT $2",
    )
    .bind(caisse)
    .bind(limit)
    .fetch_all(store.pool())
    .await
    .context("reading the journal")?
    .iter()
    .map(|row| change(row, true))
    .collect::<Result<_, sqlx::Error>>()?)
}

/// An audit row read back in words; with the object it is about (`object`)
/// for the caisse's journal, without for a payment's own trail.
pub(crate) fn change(row: &sqlx::any::AnyRow, object: bool) -> Result<history::Change, sqlx::Error> {
    let entity: Entity = row.try_get("entity_kind")?;
    Ok(history::Change {
        at: row.try_get("at")?,
        who: history::actor_label(row.try_get("actor_kind")?).to_owned(),
        what: history::describe(
            entity,
            row.try_get("action")?,
            &serde_json::from_str(&row.try_get::<String, _>("detail")?).unwrap_or_default(),
        ),
        object: match object {
            true => Some(history::object_label(entity, &row.try_get::<String, _>("entity_id")?)),
            false => None,
        },
    })
}
