//! Issuing an avis de sommes à payer.

use super::Agent;
use crate::domain::{AvisReference, EligibilityPolicy, Euros, IssueDate, Nir};
use crate::ssr::infra::audit::{self, Action, Actor, Entity, Entry};
use crate::ssr::infra::db::Store;
use crate::ssr::infra::time;
use anyhow::Context;
use sqlx::Row;

/// Why an avis could not be issued.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    /// No person of the caisse has this NIR.
    #[error("Aucun assuré de votre caisse ne correspond à ce numéro de sécurité sociale.")]
    UnknownPerson,
    /// Anything else.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A newly issued avis.
#[derive(Debug, Clone)]
pub struct Issued {
    /// Its reference.
    pub reference: AvisReference,
    /// Whether the eligibility policy opened it to online payment.
    pub open_online: bool,
    /// The person's PF/FR balance with it.
    pub balance: Euros,
}

/// Issues an avis de sommes à payer (PF/FR) to a person of the agent's caisse:
/// reference = caisse code + YY + day of the year + 8-digit sequence + «F»; open
/// to online payment when the person's balance with it lies within the policy's
/// bounds.
pub async fn issue_avis(
    store: &Store,
    agent: &Agent,
    nir: &Nir,
    issued_on: IssueDate,
    amount: Euros,
    policy: &EligibilityPolicy,
    now: i64,
) -> Result<Issued, IssueError> {
    let mut tx = store.write().await.context("starting the issue")?;
    let person_id: Option<String> = sqlx::query("SELECT id FROM persons WHERE nir = $1 AND caisse_code = $2")
        .bind(nir.as_str())
        .bind(&agent.caisse_code)
        .fetch_optional(tx.conn())
        .await
        .context("finding the person")?
        .map(|r| r.try_get("id"))
        .transpose()
        .context("id")?;
    let Some(person_id) = person_id else { return Err(IssueError::UnknownPerson) };
    let owed: i64 =
        sqlx::query("SELECT CAST(COALESCE(SUM(restant_cents), 0) AS BIGINT) AS owed FROM avis WHERE person_id = $1")
            .bind(&person_id)
            .fetch_one(tx.conn())
            .await
            .context("summing the balance")?
            .try_get("owed")
            .context("owed")?;
    let balance = Euros::from_cents(owed).checked_add(amount).context("balance")?;
    let open_online = policy.is_open_online(balance);
    let (year, day) = time::year_and_day(now);
    let key = format!("avis-{}-{:02}{day:03}", agent.caisse_code, year % 100);
    let sequence: i64 = sqlx::query(
        "INSERT INTO counters (name, value) VALUES ($1, 1) \
         ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
    )
    .bind(&key)
    .fetch_one(tx.conn())
    .await
    .context("taking the next avis sequence")?
    .try_get("value")
    .context("value")?;
    let reference = AvisReference::parse(&format!("{}{:02}{day:03}{sequence:08}F", agent.caisse_code, year % 100))
        .context("a generated reference")?;
    sqlx::query(
        "INSERT INTO avis (reference, person_id, caisse_code, kind, issued_on, initial_cents, restant_cents, \
         balance_at_issue_cents, online_payable, closed_at, created_at) VALUES ($1, $2, $3, 'PF_FR', $4, $5, $5, $6, $7, NULL, $8)",
    )
    .bind(reference.as_str())
    .bind(&person_id)
    .bind(&agent.caisse_code)
    .bind(issued_on.to_iso())
    .bind(amount.cents())
    .bind(balance.cents())
    .bind(i64::from(open_online))
    .bind(now)
    .execute(tx.conn())
    .await
    .context("inserting the avis")?;
    audit::record(
        tx.conn(),
        now,
        Entry {
            actor: Actor::Agent(&agent.id),
            caisse_code: Some(&agent.caisse_code),
            entity: Entity::Avis,
            entity_id: reference.as_str(),
            action: Action::Issued,
            detail: serde_json::json!({
                "amount_cents": amount.cents(), "balance_cents": balance.cents(), "open_online": open_online,
                "issued_on": issued_on.to_iso(),
            }),
        },
    )
    .await
    .context("auditing the avis")?;
    tx.commit().await.context("committing the avis")?;
    Ok(Issued { reference, open_online, balance })
}
