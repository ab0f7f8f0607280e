//! What the service recorded on a Paris day, as the bank's report counts it:
//! per transaction, authorisation and direction, the payments accepted that
//! day (less what the bank cancelled of them before the capture) and the
//! refunds it made through `refund` that day.

use super::Key;
use crate::domain::IssueDate;
use crate::ssr::agents::refunds::{RefundState, operation_value};
use crate::ssr::infra::time;
use anyhow::Context;
use sips::cash::Operation;
use sips::report::Direction;
use sqlx::Row;
use std::collections::BTreeMap;

/// What the service recorded of a transaction.
pub(super) struct Recorded {
    /// In cents.
    pub(super) cents: i64,
    /// The payment's caisse.
    pub(super) caisse: String,
}

/// What the service recorded on `day`, per transaction, authorisation and direction.
pub(super) async fn on(conn: &mut sqlx::AnyConnection, day: IssueDate) -> anyhow::Result<BTreeMap<Key, Recorded>> {
    let (from, to) = (time::start_of_day(day), time::end_of_day(day));
    let mut recorded = BTreeMap::new();
    let debits = sqlx::query(
        "SELECT t.transaction_reference, p.authorisation_id, p.caisse_code, p.amount_cents - CAST(COALESCE((\
         SELECT SUM(r.amount_cents) FROM refunds r WHERE r.payment_id = p.id AND r.state = $3 \
         AND r.operation = $4), 0) AS BIGINT) AS cents \
         FROM payments p JOIN payment_attempts t ON t.id = p.attempt_id \
         WHERE p.accepted_at >= $1 AND p.accepted_at < $2",
    )
    .bind(from)
    .bind(to)
    .bind(RefundState::Done.value())
    .bind(operation_value(Operation::Cancel))
    .fetch_all(&mut *conn)
    .await
    .context("reading the day's payments")?;
    let credits = sqlx::query(
        "SELECT t.transaction_reference, p.authorisation_id, p.caisse_code, CAST(SUM(r.amount_cents) AS BIGINT) AS cents \
         FROM refunds r JOIN payments p ON p.id = r.payment_id JOIN payment_attempts t ON t.id = p.attempt_id \
         WHERE r.state = $3 AND r.operation = $4 AND r.done_at >= $1 AND r.done_at < $2 \
         GROUP BY t.transaction_reference, p.authorisation_id, p.caisse_code",
    )
    .bind(from)
    .bind(to)
    .bind(RefundState::Done.value())
    .bind(operation_value(Operation::Refund))
    .fetch_all(&mut *conn)
    .await
    .context("reading the day's refunds")?;
    for (rows, direction) in [(debits, Direction::Debit), (credits, Direction::Credit)] {
        for row in rows {
            let key = (
                row.try_get("transaction_reference").context("reference")?,
                row.try_get("authorisation_id").context("authorisation")?,
                direction.as_str(),
            );
            let cents: i64 = row.try_get("cents").context("cents")?;
            let caisse: String = row.try_get("caisse_code").context("caisse")?;
            let entry = recorded.entry(key).or_insert(Recorded { cents: 0, caisse });
            entry.cents += cents;
        }
    }
    Ok(recorded)
}
