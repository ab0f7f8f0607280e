//! The processing run: applies accepted payments to the créances, then purges
//! the messages past their retention date.
//!
//! Each payment is shared among its attempt's lines oldest first, never beyond a
//! line's restant dû as the database has it now; what is left is recorded as
//! trop-perçu (never lost, never a negative restant dû). The payment becomes
//! «pris en compte». Every change is written with its audit row, in the same
//! transaction.
//!
//! Several runs at once (several server instances, or the periodic run and the
//! `server process` command) never apply a payment twice: on PostgreSQL each
//! run claims its batch with `FOR UPDATE SKIP LOCKED` and locks the avis rows it
//! changes; on SQLite the store has one writer at a time. Either way the payments
//! are updated with `WHERE status = 'received'`.
//!
//! A batch (up to 200 payments) costs one claim, one read of its créances and
//! five multi-row writes, whatever its size: the run is bound by the database's
//! write throughput, not by round trips.

use crate::domain::{Allocation, AvisReference, CreanceLine, Euros, IssueDate, allocate};
use crate::ssr::infra::audit::{self, Action, Actor, Entity, Entry};
use crate::ssr::infra::db::{Engine, Store, WriteTx, new_id};
use crate::ssr::lifecycle::{PaymentStatus, RefundState};
use anyhow::Context;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

/// Payments claimed per transaction.
const BATCH: i64 = 200;

/// Rows per multi-row statement.
const ROWS: usize = 1_000;

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Payments applied («pris en compte»).
    pub applied: usize,
    /// Trop-perçu recorded, in cents.
    pub excess_cents: i64,
    /// Messages deleted at the end of their retention.
    pub purged_messages: usize,
}

/// The payments waiting for the processing run, as its gauges show them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    /// Accepted payments not applied yet.
    pub waiting: i64,
    /// How long the oldest of them has waited, in milliseconds (0 if none).
    pub oldest_ms: i64,
}

/// The payments waiting for the processing run at `now`.
pub async fn backlog(store: &Store, now: i64) -> anyhow::Result<Backlog> {
    let row = sqlx::query("SELECT COUNT(*) AS waiting, MIN(accepted_at) AS oldest FROM payments WHERE status = $1")
        .bind(PaymentStatus::Received)
        .fetch_one(store.pool())
        .await
        .context("reading the processing run's backlog")?;
    let oldest: Option<i64> = row.try_get("oldest")?;
    Ok(Backlog { waiting: row.try_get("waiting")?, oldest_ms: oldest.map_or(0, |oldest| (now - oldest).max(0)) })
}

/// Applies every received payment, then purges expired messages.
pub async fn run(store: &Store, now: i64) -> anyhow::Result<RunReport> {
    run_until(store, now, || true).await
}

/// Like [`run`], asking `keep_going` after each batch (each its own
/// transaction): when it says no, the run ends there (the process is
/// stopping) and the next run picks up what is left.
pub async fn run_until(store: &Store, now: i64, keep_going: impl Fn() -> bool) -> anyhow::Result<RunReport> {
    let started = std::time::Instant::now();
    let mut report = RunReport::default();
    loop {
        let (applied, excess) = apply_batch(store, now).await?;
        report.applied += applied;
        report.excess_cents += excess;
        if applied < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            break;
        }
        if !keep_going() {
            tracing::info!(applied = report.applied, "processing run stopped after its batch: the process is stopping");
            return Ok(report);
        }
    }
    report.purged_messages = purge_messages(store, now).await?;
    crate::ssr::infra::metrics::processing_run(started.elapsed(), report.applied, report.excess_cents);
    Ok(report)
}

struct Claimed {
    id: String,
    attempt_id: String,
    caisse: String,
    amount_cents: i64,
}

async fn apply_batch(store: &Store, now: i64) -> anyhow::Result<(usize, i64)> {
    let mut tx = store.write().await.context("starting the processing transaction")?;
    let claim = match store.engine() {
        Engine::Postgres => " FOR UPDATE OF payments SKIP LOCKED",
        Engine::Sqlite => "",
    };
    // What a refund already gave back is not applied: the refund put nothing
    // back then, the payment not being applied (`agents::refunds::put_back`).
    let claim = format!(
        "SELECT id, attempt_id, caisse_code, amount_cents - CAST(COALESCE((SELECT SUM(g.amount_cents) FROM refunds g \
         WHERE g.payment_id = payments.id AND g.state = $3), 0) AS BIGINT) AS amount_cents FROM payments \
         WHERE status = $2 ORDER BY accepted_at, id LIMIT $1{claim}"
    );
    let claimed: Vec<Claimed> = sqlx::query(sqlx::AssertSqlSafe(claim))
        .bind(BATCH)
        .bind(PaymentStatus::Received)
        .bind(RefundState::Done.value())
        .fetch_all(tx.conn())
        .await
        .context("claiming received payments")?
        .iter()
        .map(|r| {
            Ok(Claimed {
                id: r.try_get("id")?,
                attempt_id: r.try_get("attempt_id")?,
                caisse: r.try_get("caisse_code")?,
                amount_cents: r.try_get("amount_cents")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    if claimed.is_empty() {
        tx.commit().await.context("committing an empty batch")?;
        return Ok((0, 0));
    }
    let lines = read_lines(&mut tx, store.engine(), &claimed).await?;
    let plan = plan_batch(&claimed, &lines)?;
    write_batch(&mut tx, &claimed, &plan, now).await?;
    tx.commit().await.context("committing the processing batch")?;
    let excess_total: i64 = plan.excess.iter().sum();
    tracing::info!(applied = claimed.len(), excess_cents = excess_total, "payments applied to the créances");
    if excess_total > 0 {
        tracing::warn!(excess_cents = excess_total, "trop-perçu recorded");
    }
    Ok((claimed.len(), excess_total))
}

/// `$1, $2, …, $n` from `first`.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// The créances of the batch's attempts, read (and on PostgreSQL locked, in
/// one order, so two runs never wait on each other in a cycle) at once:
/// attempt id → its lines.
async fn read_lines(
    tx: &mut WriteTx,
    engine: Engine,
    claimed: &[Claimed],
) -> anyhow::Result<HashMap<String, Vec<CreanceLine>>> {
    let lock = if engine == Engine::Postgres { " FOR UPDATE OF a" } else { "" };
    let sql = format!(
        "SELECT l.attempt_id, a.reference, a.issued_on, a.initial_cents, a.restant_cents FROM attempt_lines l \
         JOIN avis a ON a.reference = l.avis_reference WHERE l.attempt_id IN ({}) ORDER BY a.reference{lock}",
        placeholders(1, claimed.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for payment in claimed {
        query = query.bind(&payment.attempt_id);
    }
    let mut lines: HashMap<String, Vec<CreanceLine>> = HashMap::new();
    for row in query.fetch_all(tx.conn()).await.context("reading the batch's créances")? {
        let attempt: String = row.try_get("attempt_id")?;
        lines.entry(attempt).or_default().push(CreanceLine {
            reference: AvisReference::parse(&row.try_get::<String, _>("reference")?)?,
            issued_on: IssueDate::parse_iso(&row.try_get::<String, _>("issued_on")?)?,
            initial: Euros::from_cents(row.try_get("initial_cents")?),
            restant: Euros::from_cents(row.try_get("restant_cents")?),
            payment_in_progress: false,
        });
    }
    Ok(lines)
}

/// What a batch changes.
struct Plan {
    /// Per payment (in claim order): its shares.
    shares: Vec<Vec<Allocation>>,
    /// Per payment: its trop-perçu, in cents.
    excess: Vec<i64>,
    /// Per avis: what the batch takes off its restant dû, in cents.
    lowered: BTreeMap<String, i64>,
}

/// Shares each payment among its lines oldest first, in claim order, each
/// seeing the restant dû the payments before it left.
fn plan_batch(claimed: &[Claimed], lines: &HashMap<String, Vec<CreanceLine>>) -> anyhow::Result<Plan> {
    let mut restant: HashMap<String, Euros> = HashMap::new();
    let mut plan = Plan { shares: Vec::new(), excess: Vec::new(), lowered: BTreeMap::new() };
    for payment in claimed {
        let current: Vec<CreanceLine> = lines
            .get(&payment.attempt_id)
            .map(|ls| {
                ls.iter()
                    .map(|l| CreanceLine {
                        restant: *restant.entry(l.reference.to_string()).or_insert(l.restant),
                        ..l.clone()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let amount = Euros::from_cents(payment.amount_cents);
        let shares = allocate(amount, &current.iter().collect::<Vec<_>>());
        for share in &shares {
            let left = restant.entry(share.reference.to_string()).or_insert(share.amount);
            *left = left.saturating_sub(share.amount);
            *plan.lowered.entry(share.reference.to_string()).or_default() += share.amount.cents();
        }
        let allocated = Euros::sum(shares.iter().map(|s| s.amount)).context("summing the allocation")?;
        plan.excess.push(amount.saturating_sub(allocated).cents());
        plan.shares.push(shares);
    }
    Ok(plan)
}

/// Writes a batch's changes in a few multi-row statements: the payments become
/// «pris en compte», their allocations, the lowered restant dû, the audit rows.
async fn write_batch(tx: &mut WriteTx, claimed: &[Claimed], plan: &Plan, now: i64) -> anyhow::Result<()> {
    // Payments: the claimed rows are ours (locked, or the only writer); the
    // status condition still guards against applying one twice.
    let sql = format!(
        "UPDATE payments SET status = $2, applied_at = $1, excess_cents = v.column2 \
         FROM (VALUES {}) AS v WHERE payments.id = v.column1 AND payments.status = $3",
        (0..claimed.len()).map(|i| format!("(${}, ${})", 4 + 2 * i, 5 + 2 * i)).collect::<Vec<_>>().join(", ")
    );
    let mut query =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now).bind(PaymentStatus::Applied).bind(PaymentStatus::Received);
    for (payment, excess) in claimed.iter().zip(&plan.excess) {
        query = query.bind(&payment.id).bind(*excess);
    }
    let updated = query.execute(tx.conn()).await.context("marking the payments applied")?;
    anyhow::ensure!(updated.rows_affected() == claimed.len() as u64, "a payment of the batch was applied elsewhere");

    let allocations: Vec<(&str, &Allocation)> = claimed
        .iter()
        .zip(&plan.shares)
        .flat_map(|(payment, shares)| shares.iter().map(move |s| (payment.id.as_str(), s)))
        .collect();
    // In statements of at most `ROWS` rows: well within both engines' limits on
    // bound parameters, however many lines a payment pays.
    for chunk in allocations.chunks(ROWS) {
        let sql = format!(
            "INSERT INTO allocations (payment_id, avis_reference, amount_cents) VALUES {}",
            (0..chunk.len())
                .map(|i| format!("(${}, ${}, ${})", 1 + 3 * i, 2 + 3 * i, 3 + 3 * i))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (payment, share) in chunk {
            query = query.bind(*payment).bind(share.reference.as_str()).bind(share.amount.cents());
        }
        query.execute(tx.conn()).await.context("recording the allocations")?;
    }

    // The restant dû can never go below zero: the schema's CHECK refuses it and
    // the whole batch with it.
    let lowered: Vec<(&String, &i64)> = plan.lowered.iter().collect();
    for chunk in lowered.chunks(ROWS) {
        let sql = format!(
            "UPDATE avis SET restant_cents = restant_cents - v.column2 FROM (VALUES {}) AS v WHERE avis.reference = v.column1",
            (0..chunk.len()).map(|i| format!("(${}, ${})", 1 + 2 * i, 2 + 2 * i)).collect::<Vec<_>>().join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (reference, cents) in chunk {
            query = query.bind(reference.as_str()).bind(**cents);
        }
        let changed = query.execute(tx.conn()).await.context("lowering the restant dû")?;
        anyhow::ensure!(changed.rows_affected() == chunk.len() as u64, "a créance of the batch is missing");
    }

    let sql = format!(
        "INSERT INTO audit_log (id, at, actor_kind, actor_id, caisse_code, entity_kind, entity_id, action, detail) VALUES {}",
        (0..claimed.len())
            .map(|i| format!("(${}, $1, $2, NULL, ${}, $3, ${}, $4, ${})", 5 + 4 * i, 6 + 4 * i, 7 + 4 * i, 8 + 4 * i))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(Actor::System.kind())
        .bind(Entity::Payment)
        .bind(PaymentStatus::Applied.action());
    for ((payment, shares), excess) in claimed.iter().zip(&plan.shares).zip(&plan.excess) {
        let detail = serde_json::json!({
            "amount_cents": payment.amount_cents,
            "excess_cents": excess,
            "allocations": shares.iter()
                .map(|s| serde_json::json!({ "reference": s.reference.as_str(), "amount_cents": s.amount.cents() }))
                .collect::<Vec<_>>(),
        });
        query = query.bind(new_id()).bind(&payment.caisse).bind(&payment.id).bind(detail.to_string());
    }
    query.execute(tx.conn()).await.context("auditing the batch")?;
    Ok(())
}

/// Deletes the messages past their retention date; returns how many.
async fn purge_messages(store: &Store, now: i64) -> anyhow::Result<usize> {
    let mut tx = store.write().await.context("starting the purge transaction")?;
    let expired: Vec<(String, String)> = sqlx::query(
        "SELECT m.id, p.caisse_code FROM messages m JOIN persons p ON p.id = m.person_id WHERE m.delete_after <= $1",
    )
    .bind(now)
    .fetch_all(tx.conn())
    .await
    .context("listing expired messages")?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("caisse_code")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    for (id, caisse) in &expired {
        sqlx::query("DELETE FROM messages WHERE id = $1")
            .bind(id)
            .execute(tx.conn())
            .await
            .context("deleting a message")?;
        audit::record(
            tx.conn(),
            now,
            Entry {
                actor: Actor::System,
                caisse_code: Some(caisse),
                entity: Entity::Message,
                entity_id: id,
                action: Action::Purged,
                detail: serde_json::json!({ "reason": "retention of 6 months reached" }),
            },
        )
        .await
        .context("auditing a purge")?;
    }
    tx.commit().await.context("committing the purge")?;
    Ok(expired.len())
}
