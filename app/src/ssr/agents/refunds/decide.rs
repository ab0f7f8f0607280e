//! A second agent's decision on a refund another agent asked: rejected, or
//! approved and sent to the bank at once — never by the agent who asked, and
//! never while another refund of the transaction waits for the bank's word.

use super::{RefundError, RefundState, Sent, audit_payment, send, stored_state};
use crate::ssr::AppState;
use crate::ssr::agents::Agent;
use crate::ssr::infra::audit::Action;
use crate::ssr::infra::db::Engine;
use crate::ssr::infra::ids::AgentId;
use crate::ssr::infra::metrics;
use anyhow::Context;
use sqlx::Row;

/// What a second agent's decision came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decided {
    /// Rejected: nothing goes back.
    Rejected,
    /// Approved and sent to the bank: what that came to.
    Approved(Sent),
}

/// A second agent's decision on the refund `refund_id`: rejected, or approved
/// and sent to the bank at once ([`send`]).
pub async fn decide(state: &AppState, agent: &Agent, refund_id: &str, approve: bool) -> Result<Decided, RefundError> {
    let now = state.clock.now_ms();
    let mut tx = state.store.write().await.context("starting the refund decision")?;
    let row =
        sqlx::query("SELECT payment_id, amount_cents, state, asked_by FROM refunds WHERE id = $1 AND caisse_code = $2")
            .bind(refund_id)
            .bind(&agent.caisse_code)
            .fetch_optional(tx.conn())
            .await
            .context("reading the refund")?
            .ok_or(RefundError::NotFound)?;
    let payment_id: String = row.try_get("payment_id").context("payment_id")?;
    let amount: i64 = row.try_get("amount_cents").context("amount_cents")?;
    let current = stored_state(&row)?;
    if current != RefundState::Asked {
        return Err(RefundError::NotNow(current));
    }
    if approve && row.try_get::<AgentId, _>("asked_by").context("asked_by")? == agent.id {
        return Err(RefundError::OwnRefund);
    }
    if approve && unconfirmed_on_transaction(&mut tx, state.store.engine(), &payment_id).await? {
        return Err(RefundError::OtherUnconfirmed);
    }
    let next = if approve { RefundState::Sending } else { RefundState::Rejected };
    let decided =
        sqlx::query("UPDATE refunds SET state = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND state = $5")
            .bind(next.value())
            .bind(&agent.id)
            .bind(now)
            .bind(refund_id)
            .bind(RefundState::Asked.value())
            .execute(tx.conn())
            .await
            .context("recording the decision")?;
    if decided.rows_affected() != 1 {
        return Err(RefundError::NotNow(RefundState::Sending));
    }
    let action = if approve { Action::RefundApproved } else { Action::RefundRejected };
    let detail = serde_json::json!({ "refund": refund_id, "amount_cents": amount });
    audit_payment(&mut tx, now, agent, &payment_id, action, detail).await?;
    tx.commit().await.context("committing the decision")?;
    if !approve {
        metrics::refund(RefundState::Rejected.value(), amount);
    }
    if !approve {
        return Ok(Decided::Rejected);
    }
    Ok(Decided::Approved(send(state, agent, refund_id).await?))
}

/// Whether another refund on the transaction of the payment `payment_id` is
/// `sending` (its bank answer not known). The transaction is locked first on
/// PostgreSQL (SQLite's writer is alone), so two approvals never both pass.
async fn unconfirmed_on_transaction(
    tx: &mut crate::ssr::infra::db::WriteTx,
    engine: Engine,
    payment_id: &str,
) -> anyhow::Result<bool> {
    let lock = if engine == Engine::Postgres { " FOR UPDATE" } else { "" };
    let sql =
        format!("SELECT t.id FROM payment_attempts t JOIN payments p ON p.attempt_id = t.id WHERE p.id = $1{lock}");
    let attempt: String = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(payment_id)
        .fetch_one(tx.conn())
        .await
        .context("locking the transaction")?
        .try_get("id")
        .context("id")?;
    let sending: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM refunds r JOIN payments p ON p.id = r.payment_id \
         WHERE p.attempt_id = $1 AND r.state = $2",
    )
    .bind(&attempt)
    .bind(RefundState::Sending.value())
    .fetch_one(tx.conn())
    .await
    .context("counting the refunds being sent")?
    .try_get("n")
    .context("n")?;
    Ok(sending > 0)
}
