//! Money given back on a payment, through the bank.
//!
//! One agent asks (an amount, a reason); a second agent of the same caisse
//! approves or rejects; nobody approves their own. Approved, the bank is asked
//! first what the transaction holds (`getTransactionData`): before the capture
//! the money is cancelled, after it refunded (Sips Office's `cancel` and
//! `refund`, [`sips::cash`]). The amount is never more than the payment minus
//! what is already asked, sent or given back on it.
//!
//! The same money never goes back twice: a refund whose bank answer was lost
//! stays `sending`, and is sent again only after the status call says the
//! transaction still holds it (what is left, `currentAmount`, is above what it
//! would be once this refund is done); while one call is under way, another
//! does not start (`claimed_at`, given up after [`CLAIM`]); and a
//! transaction has at most one refund `sending` at a time, since with two
//! whose word is unknown what is left could not tell which went back. Every
//! step is audited on the payment, and the person is sent a message once the
//! money went back.

mod decide;
mod put_back;
mod send;

pub use crate::ssr::lifecycle::RefundState;
pub use decide::{Decided, decide};
pub use put_back::PutBack;
pub(crate) use send::operation_value;
pub use send::send;

use super::Agent;
use crate::domain::Euros;
use crate::ssr::infra::audit::{self, Action, Actor, Entity, Entry};
use crate::ssr::infra::db::{Engine, Store, new_id};
use crate::ssr::infra::ids::AgentId;
use crate::ssr::infra::metrics;
use crate::ssr::lifecycle::PaymentStatus;
use anyhow::Context;
use sips::cash::Operation;
use sqlx::Row;

/// How long a call to the bank holds a refund before another may send it: more
/// than the status call and the operation together may take.
pub const CLAIM: std::time::Duration = std::time::Duration::from_secs(60);

/// Why money is given back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// More was paid than was due.
    TropPercu,
    /// The same debt was paid twice.
    DoublePaiement,
    /// The caisse made a mistake.
    ErreurCaisse,
}

impl Reason {
    /// Every reason, in the form's order.
    pub const ALL: [Reason; 3] = [Reason::TropPercu, Reason::DoublePaiement, Reason::ErreurCaisse];

    /// The stored value.
    pub fn value(self) -> &'static str {
        match self {
            Reason::TropPercu => "trop_percu",
            Reason::DoublePaiement => "double_paiement",
            Reason::ErreurCaisse => "erreur_caisse",
        }
    }

    /// The reason a stored value names.
    pub fn parse(value: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|reason| reason.value() == value)
    }

    /// In French.
    pub fn label(self) -> &'static str {
        match self {
            Reason::TropPercu => "trop-perçu",
            Reason::DoublePaiement => "double paiement",
            Reason::ErreurCaisse => "erreur de la caisse",
        }
    }
}

/// A refund as the payment's page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundLine {
    /// The refund's id.
    pub id: String,
    /// The payment it gives money back on.
    pub payment_id: String,
    /// How much.
    pub amount: Euros,
    /// Why.
    pub reason: Reason,
    /// Where it stands.
    pub state: RefundState,
    /// The agent who asked: their id and name.
    pub asked_by: (AgentId, String),
    /// When.
    pub asked_at: i64,
    /// The agent who approved or rejected, by name, if one did.
    pub decided_by: Option<String>,
    /// The bank's code, once it answered.
    pub bank_response_code: Option<String>,
}

/// The refunds of the attempt `attempt_id`'s payments, oldest first.
pub async fn of_attempt(store: &Store, attempt_id: &str) -> anyhow::Result<Vec<RefundLine>> {
    let rows = sqlx::query(
        "SELECT r.id, r.payment_id, r.amount_cents, r.reason, r.state, r.asked_by, a.display_name AS asked_name, \
         r.asked_at, d.display_name AS decided_name, r.bank_response_code FROM refunds r \
         JOIN payments p ON p.id = r.payment_id JOIN agents a ON a.id = r.asked_by \
         LEFT JOIN agents d ON d.id = r.decided_by WHERE p.attempt_id = $1 ORDER BY r.asked_at, r.id",
    )
    .bind(attempt_id)
    .fetch_all(store.pool())
    .await
    .context("reading the attempt's refunds")?;
    rows.iter()
        .map(|row| {
            let reason: String = row.try_get("reason")?;
            Ok(RefundLine {
                id: row.try_get("id")?,
                payment_id: row.try_get("payment_id")?,
                amount: Euros::from_cents(row.try_get("amount_cents")?),
                reason: Reason::parse(&reason).with_context(|| format!("an unknown refund reason {reason}"))?,
                state: stored_state(row)?,
                asked_by: (row.try_get("asked_by")?, row.try_get("asked_name")?),
                asked_at: row.try_get("asked_at")?,
                decided_by: row.try_get("decided_name")?,
                bank_response_code: row.try_get("bank_response_code")?,
            })
        })
        .collect()
}

/// What may still be asked back on a payment of `paid`, given its `refunds`
/// (the rule [`ask`] applies).
pub fn left_on(paid: Euros, refunds: &[RefundLine]) -> Euros {
    let held: i64 = refunds.iter().filter(|r| r.state.holds_money()).map(|r| r.amount.cents()).sum();
    Euros::from_cents((paid.cents() - held).max(0))
}

/// Why a refund cannot be asked or decided.
#[derive(Debug, thiserror::Error)]
pub enum RefundError {
    /// No payment or refund of the agent's caisse has this id.
    #[error("no such payment or refund in this caisse")]
    NotFound,
    /// More than is left on the payment (what is left).
    #[error("more than is left on the payment ({left})")]
    TooMuch {
        /// What may still be given back.
        left: Euros,
    },
    /// The agent who asked cannot approve.
    #[error("an agent cannot approve their own refund")]
    OwnRefund,
    /// The refund is not in the state the call needs.
    #[error("the refund is {0:?}")]
    NotNow(RefundState),
    /// Another refund on the same transaction is being sent and the bank's
    /// word on it is not known: until it is, what the bank holds cannot tell
    /// the two apart, so this one waits.
    #[error("another refund on the transaction awaits the bank's word")]
    OtherUnconfirmed,
    /// Anything else.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// What sending a refund to the bank came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// The money went back (through `operation`; `None` when the status call
    /// found it already gone back, an earlier answer having been lost).
    Done(Option<Operation>),
    /// The bank refused (its code, or the transaction's status when no
    /// operation applied to it).
    Refused(String),
    /// The bank's word is not known (no answer, or none to trust): the refund
    /// stays `sending`, to send again.
    Unconfirmed,
    /// Another call is sending it now.
    InFlight,
}

/// Asks for `amount` to go back on the caisse's payment `payment_id`; the
/// refund's id. The amount is at most the payment minus what is already asked,
/// sent or given back on it.
pub async fn ask(
    store: &Store,
    agent: &Agent,
    payment_id: &str,
    amount: Euros,
    reason: Reason,
    now: i64,
) -> Result<String, RefundError> {
    let mut tx = store.write().await.context("starting the refund request")?;
    let lock = if store.engine() == Engine::Postgres { " FOR UPDATE" } else { "" };
    let sql =
        format!("SELECT amount_cents, status, excess_cents FROM payments WHERE id = $1 AND caisse_code = $2{lock}");
    let payment = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(payment_id)
        .bind(&agent.caisse_code)
        .fetch_optional(tx.conn())
        .await
        .context("reading the payment to refund")?
        .ok_or(RefundError::NotFound)?;
    let paid: i64 = payment.try_get("amount_cents").context("amount_cents")?;
    let committed = format!(
        "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) AS cents FROM refunds \
         WHERE payment_id = $1 AND state IN ({})",
        RefundState::holding_money_sql()
    );
    let committed: i64 = sqlx::query(sqlx::AssertSqlSafe(committed))
        .bind(payment_id)
        .fetch_one(tx.conn())
        .await
        .context("reading the payment's refunds")?
        .try_get("cents")
        .context("cents")?;
    // A trop-perçu is known once the payment is applied, and every refund
    // takes from it first (`put_back`).
    let applied = payment.try_get::<String, _>("status").context("status")? == PaymentStatus::Applied.as_str();
    let excess: i64 = if applied { payment.try_get("excess_cents").context("excess_cents")? } else { 0 };
    let left = Euros::from_cents(match reason {
        Reason::TropPercu => (excess - committed).max(0),
        _ => (paid - committed).max(0),
    });
    if amount.cents() > left.cents() || amount.is_zero() {
        return Err(RefundError::TooMuch { left });
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO refunds (id, payment_id, caisse_code, amount_cents, reason, state, asked_by, asked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(payment_id)
    .bind(&agent.caisse_code)
    .bind(amount.cents())
    .bind(reason.value())
    .bind(RefundState::Asked.value())
    .bind(&agent.id)
    .bind(now)
    .execute(tx.conn())
    .await
    .context("recording the refund request")?;
    let detail = serde_json::json!({ "refund": id, "amount_cents": amount.cents(), "reason": reason.value() });
    audit_payment(&mut tx, now, agent, payment_id, Action::RefundAsked, detail).await?;
    tx.commit().await.context("committing the refund request")?;
    metrics::refund(RefundState::Asked.value(), amount.cents());
    Ok(id)
}

/// How many refunds wait for a second agent (asked) and for the bank's word
/// (sending).
pub async fn waiting(store: &Store) -> anyhow::Result<[(RefundState, i64); 2]> {
    let mut waiting = [(RefundState::Asked, 0), (RefundState::Sending, 0)];
    for (state, count) in &mut waiting {
        *count = sqlx::query("SELECT COUNT(*) AS n FROM refunds WHERE state = $1")
            .bind(state.value())
            .fetch_one(store.pool())
            .await
            .context("counting the waiting refunds")?
            .try_get("n")?;
    }
    Ok(waiting)
}

pub(super) fn stored_state(row: &sqlx::any::AnyRow) -> anyhow::Result<RefundState> {
    let value: String = row.try_get("state").context("state")?;
    RefundState::parse(&value).with_context(|| format!("an unknown refund state {value}"))
}

pub(super) async fn audit_payment(
    tx: &mut crate::ssr::infra::db::WriteTx,
    now: i64,
    agent: &Agent,
    payment_id: &str,
    action: Action,
    detail: serde_json::Value,
) -> anyhow::Result<()> {
    let entry = Entry {
        actor: Actor::Agent(&agent.id),
        caisse_code: Some(&agent.caisse_code),
        entity: Entity::Payment,
        entity_id: payment_id,
        action,
        detail,
    };
    audit::record(tx.conn(), now, entry).await.context("auditing the refund")
}
