//! The créances (avis de sommes à payer) of a person, as the payment steps see
//! them.
//!
//! The restant dû shown and checked is the stored one minus what accepted
//! payments not yet applied by the processing run will settle: a person never
//! sees as due what they have just paid.

use crate::domain::{AvisReference, CreanceLine, Euros, IssueDate};
use crate::ssr::infra::db::Store;
use crate::ssr::infra::ids::PersonId;
use crate::ssr::infra::session::{self, Session};
use crate::ssr::lifecycle::{AttemptStatus, PaymentStatus};
use anyhow::Context;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// The kind of avis this service takes payments for: participations
/// forfaitaires and franchises médicales (the seed's «cas d'usage»).
pub const PF_FR: &str = "PF_FR";

/// Every créance of the person, newest first, with the up-to-date restant dû.
pub async fn list_for_person(store: &Store, person_id: &PersonId) -> anyhow::Result<Vec<CreanceLine>> {
    let mut conn = store.pool().acquire().await.context("acquiring a connection")?;
    let lines = lines_for_person(&mut conn, person_id, None).await?;
    Ok(lines.into_iter().map(|(line, _)| line).collect())
}

/// Step 2's lines for the avis `entered`: it first, then the person's other
/// créances open to online payment with something left to pay, the oldest
/// first; held ones say so (`now_ms`). Read in the one statement of the
/// person's lines, which also says whether `entered` may be paid online:
/// `Err` with why not (the rule of step 1's lookup) when it may not.
pub async fn step_2_lines(
    store: &Store,
    person_id: &PersonId,
    entered: &AvisReference,
    now_ms: i64,
) -> anyhow::Result<Result<Vec<CreanceLine>, Lookup>> {
    let mut conn = store.pool().acquire().await.context("acquiring a connection")?;
    let all = lines_for_person(&mut conn, person_id, Some(now_ms)).await?;
    drop(conn);
    let first = match all.iter().find(|(line, _)| line.reference == *entered) {
        None => return Ok(Err(Lookup::Unknown)),
        Some((_, openness)) if !openness.open_online => return Ok(Err(Lookup::NotOpen)),
        Some((line, _)) => line.clone(),
    };
    let mut others: Vec<CreanceLine> = all
        .into_iter()
        .filter(|(line, openness)| openness.open_online && line.reference != *entered && !line.restant.is_zero())
        .map(|(line, _)| line)
        .collect();
    others.sort_by(|a, b| a.issued_on.cmp(&b.issued_on).then_with(|| a.reference.cmp(&b.reference)));
    let mut lines = vec![first];
    lines.extend(others);
    Ok(Ok(lines))
}

/// Where a créance stands for online payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Openness {
    /// A PF/FR avis, open at issue by the eligibility policy, and not closed by
    /// the caisse (the same rule as step 1's lookup).
    pub open_online: bool,
}

/// The person's créances with the up-to-date restant dû and whether a payment
/// attempt holds them at `now_ms` (when given). Newest first.
pub async fn lines_for_person(
    conn: &mut AnyConnection,
    person_id: &PersonId,
    now_ms: Option<i64>,
) -> anyhow::Result<Vec<(CreanceLine, Openness)>> {
    // pending_cents: what accepted payments not yet applied will settle;
    // holds: live holds of pending attempts.
    let rows = sqlx::query(
        "SELECT a.reference, a.issued_on, a.initial_cents, a.restant_cents, a.online_payable, a.closed_at, a.kind, \
                CAST(COALESCE((SELECT SUM(al.planned_cents) FROM attempt_lines al \
                          JOIN payments p ON p.attempt_id = al.attempt_id \
                          WHERE al.avis_reference = a.reference AND p.status = $3), 0) AS BIGINT) \
                  AS pending_cents, \
                (SELECT COUNT(*) FROM line_holds h JOIN payment_attempts t ON t.id = h.attempt_id \
                  WHERE h.avis_reference = a.reference AND h.held_until > $2 AND t.status = $4) AS holds \
         FROM avis a WHERE a.person_id = $1 ORDER BY a.issued_on DESC, a.reference",
    )
    .bind(person_id)
    .bind(now_ms.unwrap_or(i64::MAX))
    .bind(PaymentStatus::Received)
    .bind(AttemptStatus::Pending)
    .fetch_all(&mut *conn)
    .await
    .context("listing a person's créances")?;
    rows.iter().map(line_from_row).collect()
}

fn line_from_row(row: &AnyRow) -> anyhow::Result<(CreanceLine, Openness)> {
    let reference: String = row.try_get("reference")?;
    let issued_on: String = row.try_get("issued_on")?;
    let restant: i64 = row.try_get("restant_cents")?;
    let pending: i64 = row.try_get("pending_cents")?;
    let holds: i64 = row.try_get("holds")?;
    let online_payable: i64 = row.try_get("online_payable")?;
    let closed_at: Option<i64> = row.try_get("closed_at")?;
    let line = CreanceLine {
        reference: AvisReference::parse(&reference).with_context(|| format!("stored reference {reference}"))?,
        issued_on: IssueDate::parse_iso(&issued_on)?,
        initial: Euros::from_cents(row.try_get("initial_cents")?),
        restant: Euros::from_cents((restant - pending).max(0)),
        payment_in_progress: holds > 0,
    };
    let kind: String = row.try_get("kind")?;
    Ok((line, Openness { open_online: online_payable == 1 && closed_at.is_none() && kind == PF_FR }))
}

/// What a reference typed on step 1 leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The person's avis, open to online payment.
    Open,
    /// The person's avis, not open to online payment (policy or caisse).
    NotOpen,
    /// No such avis for this person (unknown, or another person's: the same
    /// answer, from the same single query).
    Unknown,
}

/// Whether the avis `a` is open to online payment, in SQL: a PF/FR avis,
/// open at issue, not closed by the caisse (step 2's lines apply the same
/// rule in Rust, [`Openness`]). Read as 1 (open) or 0 (not open), and NULL
/// for no such avis.
macro_rules! avis_open {
    () => {
        "CASE WHEN a.online_payable = 1 AND a.closed_at IS NULL AND a.kind = 'PF_FR' THEN 1 ELSE 0 END"
    };
}

/// Step 1's lookup and the session of the person asking, in one statement
/// (what the busiest call of the service costs is one point query): the
/// session of `key`, if live, with where `reference` stands among its
/// owner's avis. None without a live session; an agent's session is
/// returned with [`Lookup::Unknown`].
///
/// A statement on `sessions` alone, by its key, the avis read by a scalar
/// subquery on its own key: SQLite answers each by its shortcut for a
/// unique key. As a join, its planner estimated the bound values from
/// `ANALYZE`'s samples and prepared the statement again at every call
/// (docs/PERFORMANCE.md, «The request path against the bare query»).
pub async fn lookup_in_session(
    store: &Store,
    key: &session::Key,
    reference: &AvisReference,
) -> anyhow::Result<Option<(Session, Lookup)>> {
    let row = sqlx::query(concat!(
        "SELECT ",
        session::session_columns!(),
        ", (SELECT ",
        avis_open!(),
        " FROM avis a WHERE a.reference = $2 AND a.person_id = s.person_id) AS open FROM sessions s WHERE ",
        session::live_session!(),
    ))
    .bind(&key.id_hash)
    .bind(reference.as_str())
    .fetch_optional(store.pool())
    .await
    .context("looking up an avis")?;
    let Some(row) = row else { return Ok(None) };
    let Some(session) = session::from_row(store, key, &row, true).await.context("reading a session")? else {
        return Ok(None);
    };
    let open: Option<i64> = row.try_get("open")?;
    Ok(Some((session, open.map_or(Lookup::Unknown, lookup_of))))
}

fn lookup_of(open: i64) -> Lookup {
    if open == 1 { Lookup::Open } else { Lookup::NotOpen }
}

/// The benchmark's baseline: the same indexed point read as step 1's lookup
/// and nothing else (no session, no rule), `online_payable` of the avis
/// `reference` of `person`, if there is one.
pub async fn bare_lookup(store: &Store, reference: &str, person: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("SELECT online_payable, closed_at, kind FROM avis WHERE reference = $1 AND person_id = $2")
        .bind(reference)
        .bind(person)
        .fetch_optional(store.pool())
        .await?
        .map(|row| row.try_get("online_payable"))
        .transpose()
}

/// The caisse managing an avis, for the créance block of step 2.
pub async fn caisse_name_of(store: &Store, reference: &AvisReference) -> anyhow::Result<String> {
    let row = sqlx::query("SELECT c.name FROM avis a JOIN caisses c ON c.code = a.caisse_code WHERE a.reference = $1")
        .bind(reference.as_str())
        .fetch_one(store.pool())
        .await
        .context("reading an avis' caisse")?;
    Ok(row.try_get("name")?)
}

/// A payment's share of one créance, for the overview.
#[derive(Debug, Clone)]
pub struct Share {
    /// The créance.
    pub reference: String,
    /// The share.
    pub amount: Euros,
    /// When it was accepted (received) or applied.
    pub at: i64,
    /// The payment's transaction reference.
    pub transaction_reference: String,
    /// True once the processing run applied it («pris en compte»).
    pub applied: bool,
}

/// Every share of the person's payments on their créances: applied ones as
/// allocated, received ones as planned.
pub async fn shares_of(store: &Store, person_id: &PersonId) -> anyhow::Result<Vec<Share>> {
    let rows = sqlx::query(
        "SELECT al.avis_reference, al.amount_cents - CAST(COALESCE((SELECT SUM(v.amount_cents) \
         FROM refund_reversals v JOIN refunds r ON r.id = v.refund_id \
         WHERE r.payment_id = al.payment_id AND v.avis_reference = al.avis_reference), 0) AS BIGINT) AS amount_cents, \
         p.applied_at AS at, t.transaction_reference, CAST(1 AS BIGINT) AS applied \
         FROM allocations al JOIN payments p ON p.id = al.payment_id JOIN payment_attempts t ON t.id = p.attempt_id \
         WHERE p.person_id = $1 \
         UNION ALL \
         SELECT l.avis_reference, l.planned_cents AS amount_cents, p.accepted_at AS at, t.transaction_reference, CAST(0 AS BIGINT) AS applied \
         FROM attempt_lines l JOIN payments p ON p.attempt_id = l.attempt_id JOIN payment_attempts t ON t.id = p.attempt_id \
         WHERE p.person_id = $1 AND p.status = $2 \
         ORDER BY at DESC",
    )
    .bind(person_id)
    .bind(PaymentStatus::Received)
    .fetch_all(store.pool())
    .await
    .context("listing payment shares")?;
    // A share a refund put back whole is gone (`agents::refunds::put_back`).
    rows.iter()
        .filter(|r| r.try_get::<i64, _>("amount_cents").map_or(true, |cents| cents > 0))
        .map(|r| {
            Ok(Share {
                reference: r.try_get("avis_reference")?,
                amount: Euros::from_cents(r.try_get("amount_cents")?),
                at: r.try_get::<Option<i64>, _>("at")?.unwrap_or_default(),
                transaction_reference: r.try_get("transaction_reference")?,
                applied: r.try_get::<i64, _>("applied")? == 1,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::infra::db::ScratchStore;
    use crate::ssr::infra::ids::AgentId;
    use crate::ssr::infra::session::{Key, Limits, Owner, create};

    const IDLE: std::time::Duration = std::time::Duration::from_secs(30 * 60);
    const IDLE_MS: i64 = crate::ssr::infra::clock::millis(IDLE);
    const SIGNED_IN_AT: i64 = 1_800_000_000_000;

    async fn add_avis(scratch: &ScratchStore, reference: &str, person: &str, online_payable: i64, kind: &str) {
        sqlx::query(
            "INSERT INTO avis (reference, person_id, caisse_code, kind, issued_on, initial_cents, restant_cents, \
             balance_at_issue_cents, online_payable, created_at) VALUES ($1, $2, '381', $3, '2026-11-02', 5000, 5000, \
             5000, $4, 0)",
        )
        .bind(reference)
        .bind(person)
        .bind(kind)
        .bind(online_payable)
        .execute(scratch.store.pool())
        .await
        .expect("an avis");
    }

    fn reference(text: &str) -> AvisReference {
        AvisReference::parse(text).expect("a reference")
    }

    #[tokio::test]
    async fn the_lookup_in_one_statement_answers_as_the_session_and_the_lookup_apart() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        for person in ["p1", "p2"] {
            scratch.add_person(person).await;
        }
        add_avis(&scratch, "3810000000000001A", "p1", 1, PF_FR).await;
        add_avis(&scratch, "3810000000000002B", "p1", 0, PF_FR).await;
        add_avis(&scratch, "3810000000000003C", "p1", 1, "INDU").await;
        add_avis(&scratch, "3810000000000004D", "p2", 1, PF_FR).await;
        sqlx::query(
            "INSERT INTO agents (id, login, display_name, password_hash, caisse_code, created_at) \
             VALUES ('a1', 'agent', 'Agent', 'x', '381', 0)",
        )
        .execute(store.pool())
        .await
        .expect("an agent");
        let token =
            create(store, SIGNED_IN_AT, IDLE, &Owner::Person(PersonId::new("p1")), None).await.expect("a session");
        let agent =
            create(store, SIGNED_IN_AT, IDLE, &Owner::Agent(AgentId::new("a1")), None).await.expect("a session");
        let key = |token: &str, now| Key::new(token, now, Limits::idle(IDLE));
        let at = SIGNED_IN_AT + 1;
        for (text, expected) in [
            ("3810000000000001A", Lookup::Open),
            ("3810000000000002B", Lookup::NotOpen),
            ("3810000000000003C", Lookup::NotOpen),
            // Another person's avis is unknown to this one.
            ("3810000000000004D", Lookup::Unknown),
            ("3810000000000009Z", Lookup::Unknown),
        ] {
            let reference = reference(text);
            let (session, lookup) =
                lookup_in_session(store, &key(&token, at), &reference).await.expect("query").expect("a session");
            assert_eq!(session.owner, Owner::Person(PersonId::new("p1")));
            assert_eq!(lookup_alone(store, &reference).await, expected, "{text}, read apart");
            let step_2 = step_2_lines(store, &PersonId::new("p1"), &reference, at).await.expect("query").err();
            assert_eq!(step_2.unwrap_or(Lookup::Open), expected, "{text}, step 2's lines");
            assert_eq!(lookup, expected, "{text}");
        }
        // No live session: none, whatever the avis.
        let open = reference("3810000000000001A");
        let unknown_token = crate::ssr::infra::session::new_token();
        assert!(lookup_in_session(store, &key(&unknown_token, at), &open).await.expect("query").is_none());
        let idle_over = SIGNED_IN_AT + IDLE_MS + 1;
        assert!(lookup_in_session(store, &key(&token, idle_over), &open).await.expect("query").is_none());
        // An agent has no avis.
        let (session, lookup) =
            lookup_in_session(store, &key(&agent, at), &open).await.expect("query").expect("a session");
        assert_eq!((session.owner, lookup), (Owner::Agent(AgentId::new("a1")), Lookup::Unknown));
    }

    #[test]
    fn the_sql_rule_of_an_open_avis_names_the_kind_this_service_takes() {
        assert!(avis_open!().contains(&format!("a.kind = '{PF_FR}'")));
    }

    /// The avis of `p1` read apart from any session, by the same rule.
    async fn lookup_alone(store: &Store, reference: &AvisReference) -> Lookup {
        let row = sqlx::query(concat!(
            "SELECT ",
            avis_open!(),
            " AS open FROM avis a WHERE a.reference = $1 AND a.person_id = $2"
        ))
        .bind(reference.as_str())
        .bind("p1")
        .fetch_optional(store.pool())
        .await
        .expect("query");
        row.map_or(Lookup::Unknown, |row| lookup_of(row.try_get("open").expect("open")))
    }

    #[tokio::test]
    async fn the_lookup_in_one_statement_slides_the_session_as_any_request_does() {
        let scratch = ScratchStore::new().await;
        let store = &scratch.store;
        scratch.add_person("p1").await;
        let token =
            create(store, SIGNED_IN_AT, IDLE, &Owner::Person(PersonId::new("p1")), None).await.expect("a session");
        let open = reference("3810000000000001A");
        let last_seen = || async {
            let row = sqlx::query("SELECT last_seen_at FROM sessions").fetch_one(store.pool()).await.expect("a row");
            row.get::<i64, _>(0)
        };
        let after_two_minutes = SIGNED_IN_AT + 2 * 60 * 1000;
        let key = Key::new(&token, after_two_minutes, Limits::idle(IDLE));
        assert!(lookup_in_session(store, &key, &open).await.expect("query").is_some());
        assert_eq!(last_seen().await, after_two_minutes);
        // Still live one idle timeout after that request, not after the sign-in.
        let key = Key::new(&token, after_two_minutes + IDLE_MS - 1, Limits::idle(IDLE));
        assert!(lookup_in_session(store, &key, &open).await.expect("query").is_some());
    }
}
