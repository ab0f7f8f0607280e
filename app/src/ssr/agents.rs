//! The back office of a caisse: its agents, and everything they see — always
//! scoped to the agent's own caisse (another caisse's payments, créances and
//! persons do not exist for them: every query filters on `caisse_code`).

use super::audit::{self, Actor, Entry};
use super::db::Store;
use super::persons::Credentials;
use super::time;
use crate::domain::{AvisReference, EligibilityPolicy, Euros, IssueDate, Nir};
use anyhow::Context;
use sqlx::Row;
use sqlx::any::AnyRow;

/// The agent `login`, if any.
pub async fn credentials(store: &Store, login: &str) -> Result<Option<Credentials>, sqlx::Error> {
    let row = sqlx::query("SELECT id, password_hash, last_sign_in_at FROM agents WHERE login = $1")
        .bind(login)
        .fetch_optional(store.pool())
        .await?;
    row.map(|r| {
        Ok(Credentials {
            id: r.try_get("id")?,
            password_hash: r.try_get("password_hash")?,
            last_sign_in_at: r.try_get("last_sign_in_at")?,
        })
    })
    .transpose()
}

/// Records an agent's sign-in.
pub async fn record_sign_in(store: &Store, agent_id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE agents SET last_sign_in_at = $1 WHERE id = $2")
        .bind(now)
        .bind(agent_id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// An agent and their caisse.
#[derive(Debug, Clone)]
pub struct Agent {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Their caisse's code.
    pub caisse_code: String,
    /// Their caisse's name.
    pub caisse_name: String,
}

/// The agent `id`.
pub async fn agent(store: &Store, id: &str) -> anyhow::Result<Agent> {
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
}

impl StatusFilter {
    /// Every filter, with its URL value and French label.
    pub const ALL: [(StatusFilter, &'static str, &'static str); 7] = [
        (StatusFilter::All, "tous", "Tous"),
        (StatusFilter::Pending, "en-attente", "En attente de la banque"),
        (StatusFilter::Received, "en-cours", "En cours de traitement"),
        (StatusFilter::Applied, "pris-en-compte", "Pris en compte"),
        (StatusFilter::Refused, "refuse", "Refusé"),
        (StatusFilter::Cancelled, "annule", "Annulé"),
        (StatusFilter::Expired, "expire", "Expiré"),
    ];

    /// From a URL value (unknown values mean every attempt).
    pub fn parse(value: &str) -> StatusFilter {
        Self::ALL.iter().find(|(_, v, _)| *v == value).map_or(StatusFilter::All, |(f, _, _)| *f)
    }

    /// The URL value.
    pub fn value(self) -> &'static str {
        Self::ALL.iter().find(|(f, _, _)| *f == self).map_or("tous", |(_, v, _)| v)
    }
}

/// A payment attempt in the back office's lists.
#[derive(Debug, Clone)]
pub struct PaymentLine {
    /// «PCLCB…».
    pub transaction_reference: String,
    /// When the attempt was made.
    pub created_at: i64,
    /// Amount.
    pub amount: Euros,
    /// The French status label.
    pub status: String,
    /// «PRÉNOM NOM».
    pub person: String,
    /// The person's NIR (13 characters).
    pub nir: String,
    /// Trop-perçu.
    pub excess: Euros,
}

/// The French label of an attempt with its payment's status.
pub fn status_label(attempt: &str, payment: Option<&str>) -> &'static str {
    match (attempt, payment) {
        ("accepted", Some("applied")) => "Pris en compte",
        ("accepted", _) => "En cours de traitement",
        ("pending", _) => "En attente de la banque",
        ("refused", _) => "Refusé",
        ("cancelled", _) => "Annulé",
        ("expired", _) => "Expiré",
        _ => "Inconnu",
    }
}

const PAYMENT_COLUMNS: &str = "t.transaction_reference, t.created_at, t.amount_cents, t.status, \
     p.status AS payment_status, COALESCE(p.excess_cents, 0) AS excess_cents, pe.first_name, pe.last_name, pe.nir";

fn payment_line(row: &AnyRow) -> anyhow::Result<PaymentLine> {
    let status: String = row.try_get("status")?;
    let payment: Option<String> = row.try_get("payment_status")?;
    Ok(PaymentLine {
        transaction_reference: row.try_get("transaction_reference")?,
        created_at: row.try_get("created_at")?,
        amount: Euros::from_cents(row.try_get("amount_cents")?),
        status: status_label(&status, payment.as_deref()).to_owned(),
        person: format!("{} {}", row.try_get::<String, _>("first_name")?, row.try_get::<String, _>("last_name")?)
            .to_uppercase(),
        nir: row.try_get("nir")?,
        excess: Euros::from_cents(row.try_get("excess_cents")?),
    })
}

/// The caisse's payment attempts made in `[from, to)`, newest first, one page.
pub async fn payments(
    store: &Store,
    caisse: &str,
    from: i64,
    to: i64,
    status: StatusFilter,
    limit: i64,
    offset: i64,
) -> anyhow::Result<Vec<PaymentLine>> {
    let sql = format!(
        "SELECT {PAYMENT_COLUMNS} FROM payment_attempts t JOIN persons pe ON pe.id = t.person_id \
         LEFT JOIN payments p ON p.attempt_id = t.id \
         WHERE t.caisse_code = $1 AND t.created_at >= $2 AND t.created_at < $3 AND ($4 = 'tous' \
           OR ($4 = 'en-attente' AND t.status = 'pending') OR ($4 = 'en-cours' AND p.status = 'received') \
           OR ($4 = 'pris-en-compte' AND p.status = 'applied') OR ($4 = 'refuse' AND t.status = 'refused') \
           OR ($4 = 'annule' AND t.status = 'cancelled') OR ($4 = 'expire' AND t.status = 'expired')) \
         ORDER BY t.created_at DESC, t.transaction_reference DESC LIMIT $5 OFFSET $6"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(caisse)
        .bind(from)
        .bind(to)
        .bind(status.value())
        .bind(limit)
        .bind(offset)
        .fetch_all(store.pool())
        .await
        .context("listing payments")?;
    rows.iter().map(payment_line).collect()
}

/// The caisse's payments with a trop-perçu.
pub async fn trop_percus(store: &Store, caisse: &str) -> anyhow::Result<Vec<PaymentLine>> {
    let sql = format!(
        "SELECT {PAYMENT_COLUMNS} FROM payments p JOIN payment_attempts t ON t.id = p.attempt_id \
         JOIN persons pe ON pe.id = t.person_id WHERE p.caisse_code = $1 AND p.excess_cents > 0 \
         ORDER BY p.accepted_at DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(caisse)
        .fetch_all(store.pool())
        .await
        .context("listing trop-perçus")?;
    rows.iter().map(payment_line).collect()
}

/// Everything about one payment attempt.
#[derive(Debug, Clone)]
pub struct PaymentDetail {
    /// The list line.
    pub line: PaymentLine,
    /// Sips answer fields as (label, value), masked PAN only.
    pub answer: Vec<(String, String)>,
    /// Planned shares (reference, amount).
    pub planned: Vec<(String, Euros)>,
    /// Applied shares (reference, amount).
    pub applied: Vec<(String, Euros)>,
    /// Every answer the kiosk sent: (time, channel, code, outcome).
    pub answers: Vec<(i64, String, String, String)>,
    /// The audit trail: (time, who, what).
    pub trail: Vec<(i64, String, String)>,
}

/// The caisse's attempt `transaction_reference`, if it is the caisse's.
pub async fn payment(
    store: &Store,
    caisse: &str,
    transaction_reference: &str,
) -> anyhow::Result<Option<PaymentDetail>> {
    let sql = format!(
        "SELECT {PAYMENT_COLUMNS}, t.id AS attempt_id, p.id AS payment_id, t.response_code, t.acquirer_response_code, \
         t.authorisation_id, t.masked_pan, t.payment_mean_brand, t.holder_authent_status, t.transaction_date_time, \
         t.answer_channel, t.answered_at FROM payment_attempts t JOIN persons pe ON pe.id = t.person_id \
         LEFT JOIN payments p ON p.attempt_id = t.id WHERE t.caisse_code = $1 AND t.transaction_reference = $2"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(caisse)
        .bind(transaction_reference)
        .fetch_optional(store.pool())
        .await
        .context("reading a payment")?;
    let Some(row) = row else { return Ok(None) };
    let line = payment_line(&row)?;
    let attempt_id: String = row.try_get("attempt_id")?;
    let payment_id: Option<String> = row.try_get("payment_id")?;
    let mut answer = Vec::new();
    for (label, column) in [
        ("Code réponse (responseCode)", "response_code"),
        ("Code réponse de l'acquéreur", "acquirer_response_code"),
        ("Numéro d'autorisation", "authorisation_id"),
        ("Numéro de carte (masqué)", "masked_pan"),
        ("Moyen de paiement", "payment_mean_brand"),
        ("Authentification 3-D Secure", "holder_authent_status"),
        ("Date de la transaction (banque)", "transaction_date_time"),
        ("Réponse reçue par", "answer_channel"),
    ] {
        if let Some(value) = row.try_get::<Option<String>, _>(column)? {
            answer.push((label.to_owned(), value));
        }
    }
    if let Some(at) = row.try_get::<Option<i64>, _>("answered_at")? {
        answer.push(("Réponse enregistrée le".to_owned(), time::date_time_fr(at)));
    }
    let shares = |sql: &'static str, key: String| async move {
        sqlx::query(sql)
            .bind(key)
            .fetch_all(store.pool())
            .await
            .context("reading shares")?
            .iter()
            .map(|r| Ok((r.try_get("avis_reference")?, Euros::from_cents(r.try_get("cents")?))))
            .collect::<anyhow::Result<Vec<(String, Euros)>>>()
    };
    let planned = shares(
        "SELECT avis_reference, planned_cents AS cents FROM attempt_lines WHERE attempt_id = $1 ORDER BY avis_reference",
        attempt_id,
    )
    .await?;
    let applied = match &payment_id {
        Some(id) => {
            shares(
                "SELECT avis_reference, amount_cents AS cents FROM allocations WHERE payment_id = $1 ORDER BY avis_reference",
                id.clone(),
            )
            .await?
        }
        None => Vec::new(),
    };
    let answers = sqlx::query(
        "SELECT received_at, channel, COALESCE(response_code, '') AS code, outcome FROM kiosk_answers \
         WHERE transaction_reference = $1 ORDER BY received_at, id",
    )
    .bind(transaction_reference)
    .fetch_all(store.pool())
    .await
    .context("reading kiosk answers")?
    .iter()
    .map(|r| Ok((r.try_get("received_at")?, r.try_get("channel")?, r.try_get("code")?, r.try_get("outcome")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let trail = sqlx::query(
        "SELECT at, actor_kind, action, detail FROM audit_log WHERE caisse_code = $1 AND \
         ((entity_kind = 'attempt' AND entity_id = $2) OR (entity_kind = 'payment' AND entity_id = $3)) ORDER BY at, id",
    )
    .bind(caisse)
    .bind(transaction_reference)
    .bind(payment_id.unwrap_or_default())
    .fetch_all(store.pool())
    .await
    .context("reading the audit trail")?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("at")?,
            actor_label(&r.try_get::<String, _>("actor_kind")?).to_owned(),
            format!("{} {}", r.try_get::<String, _>("action")?, r.try_get::<String, _>("detail")?),
        ))
    })
    .collect::<Result<_, sqlx::Error>>()?;
    Ok(Some(PaymentDetail { line, answer, planned, applied, answers, trail }))
}

fn actor_label(kind: &str) -> &'static str {
    match kind {
        "person" => "Assuré",
        "agent" => "Agent",
        "kiosk" => "Banque (réponse scellée)",
        _ => "Service",
    }
}

/// A person of the caisse, with their avis.
#[derive(Debug, Clone)]
pub struct PersonFile {
    /// «PRÉNOM NOM».
    pub name: String,
    /// NIR with key, grouped.
    pub nir: String,
    /// Their avis: (reference, issued, initial, restant, open online).
    pub avis: Vec<(String, String, Euros, Euros, bool)>,
    /// Their payment attempts.
    pub payments: Vec<PaymentLine>,
}

/// Finds, within the caisse, the person with this NIR or the person owning this
/// avis reference.
pub async fn search(store: &Store, caisse: &str, query: &str) -> anyhow::Result<Option<PersonFile>> {
    let person_id: Option<String> = if let Ok(reference) = AvisReference::parse(query) {
        sqlx::query("SELECT person_id FROM avis WHERE reference = $1 AND caisse_code = $2")
            .bind(reference.as_str())
            .bind(caisse)
            .fetch_optional(store.pool())
            .await?
            .map(|r| r.try_get("person_id"))
            .transpose()?
    } else if let Ok(nir) = Nir::parse(query) {
        sqlx::query("SELECT id FROM persons WHERE nir = $1 AND caisse_code = $2")
            .bind(nir.as_str())
            .bind(caisse)
            .fetch_optional(store.pool())
            .await?
            .map(|r| r.try_get("id"))
            .transpose()?
    } else {
        None
    };
    let Some(person_id) = person_id else { return Ok(None) };
    let person = sqlx::query("SELECT first_name, last_name, nir FROM persons WHERE id = $1 AND caisse_code = $2")
        .bind(&person_id)
        .bind(caisse)
        .fetch_one(store.pool())
        .await?;
    let nir = Nir::parse(&person.try_get::<String, _>("nir")?)?;
    let avis = sqlx::query(
        "SELECT reference, issued_on, initial_cents, restant_cents, online_payable, closed_at FROM avis \
         WHERE person_id = $1 AND caisse_code = $2 ORDER BY issued_on DESC",
    )
    .bind(&person_id)
    .bind(caisse)
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("reference")?,
            IssueDate::parse_iso(&r.try_get::<String, _>("issued_on")?)?.to_string(),
            Euros::from_cents(r.try_get("initial_cents")?),
            Euros::from_cents(r.try_get("restant_cents")?),
            r.try_get::<i64, _>("online_payable")? == 1 && r.try_get::<Option<i64>, _>("closed_at")?.is_none(),
        ))
    })
    .collect::<anyhow::Result<_>>()?;
    let sql = format!(
        "SELECT {PAYMENT_COLUMNS} FROM payment_attempts t JOIN persons pe ON pe.id = t.person_id \
         LEFT JOIN payments p ON p.attempt_id = t.id WHERE t.person_id = $1 AND t.caisse_code = $2 \
         ORDER BY t.created_at DESC LIMIT 100"
    );
    let payments = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&person_id)
        .bind(caisse)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(payment_line)
        .collect::<anyhow::Result<_>>()?;
    Ok(Some(PersonFile {
        name: format!("{} {}", person.try_get::<String, _>("first_name")?, person.try_get::<String, _>("last_name")?)
            .to_uppercase(),
        nir: nir.display_grouped(),
        avis,
        payments,
    }))
}

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
            entity_kind: "avis",
            entity_id: reference.as_str(),
            action: "issued",
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

/// The caisse's last audit entries: (time, who, what, which).
pub async fn journal(store: &Store, caisse: &str, limit: i64) -> anyhow::Result<Vec<(i64, String, String, String)>> {
    Ok(sqlx::query(
        "SELECT at, actor_kind, action, entity_kind, entity_id FROM audit_log WHERE caisse_code = $1 \
         ORDER BY at DESC, id DESC LIMIT $2",
    )
    .bind(caisse)
    .bind(limit)
    .fetch_all(store.pool())
    .await
    .context("reading the journal")?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("at")?,
            actor_label(&r.try_get::<String, _>("actor_kind")?).to_owned(),
            r.try_get("action")?,
            format!("{} {}", r.try_get::<String, _>("entity_kind")?, r.try_get::<String, _>("entity_id")?),
        ))
    })
    .collect::<Result<_, sqlx::Error>>()?)
}

/// One line of the reconciliation export.
#[derive(Debug, Clone)]
pub struct ExportLine {
    /// When the bank accepted it.
    pub accepted_at: i64,
    /// «PCLCB…».
    pub transaction_reference: String,
    /// Authorisation number.
    pub authorisation_id: String,
    /// NIR (13 characters).
    pub nir: String,
    /// Last name.
    pub last_name: String,
    /// First name.
    pub first_name: String,
    /// Amount.
    pub amount: Euros,
    /// Trop-perçu.
    pub excess: Euros,
    /// «En cours de traitement» or «Pris en compte».
    pub status: String,
    /// When the processing run applied it.
    pub applied_at: Option<i64>,
    /// Shares, «référence=montant» joined by spaces.
    pub shares: String,
}

/// The caisse's accepted payments of `[from, to)` (by acceptance time).
pub async fn export(store: &Store, caisse: &str, from: i64, to: i64) -> anyhow::Result<Vec<ExportLine>> {
    let rows = sqlx::query(
        "SELECT p.id, p.accepted_at, p.applied_at, p.amount_cents, p.excess_cents, p.status, t.transaction_reference, \
         COALESCE(t.authorisation_id, '') AS authorisation_id, pe.nir, pe.first_name, pe.last_name, t.id AS attempt_id \
         FROM payments p JOIN payment_attempts t ON t.id = p.attempt_id JOIN persons pe ON pe.id = p.person_id \
         WHERE p.caisse_code = $1 AND p.accepted_at >= $2 AND p.accepted_at < $3 ORDER BY p.accepted_at, p.id",
    )
    .bind(caisse)
    .bind(from)
    .bind(to)
    .fetch_all(store.pool())
    .await
    .context("reading the export")?;
    let mut lines = Vec::with_capacity(rows.len());
    for row in &rows {
        let status: String = row.try_get("status")?;
        let (sql, key): (&str, String) = if status == "applied" {
            (
                "SELECT avis_reference, amount_cents AS cents FROM allocations WHERE payment_id = $1 ORDER BY avis_reference",
                row.try_get("id")?,
            )
        } else {
            (
                "SELECT avis_reference, planned_cents AS cents FROM attempt_lines WHERE attempt_id = $1 ORDER BY avis_reference",
                row.try_get("attempt_id")?,
            )
        };
        let shares: Vec<String> = sqlx::query(sql)
            .bind(key)
            .fetch_all(store.pool())
            .await?
            .iter()
            .map(|r| {
                Ok(format!(
                    "{}={}",
                    r.try_get::<String, _>("avis_reference")?,
                    Euros::from_cents(r.try_get("cents")?).to_input_string()
                ))
            })
            .collect::<Result<_, sqlx::Error>>()?;
        lines.push(ExportLine {
            accepted_at: row.try_get("accepted_at")?,
            transaction_reference: row.try_get("transaction_reference")?,
            authorisation_id: row.try_get("authorisation_id")?,
            nir: row.try_get("nir")?,
            last_name: row.try_get("last_name")?,
            first_name: row.try_get("first_name")?,
            amount: Euros::from_cents(row.try_get("amount_cents")?),
            excess: Euros::from_cents(row.try_get("excess_cents")?),
            status: status_label("accepted", Some(&status)).to_owned(),
            applied_at: row.try_get("applied_at")?,
            shares: shares.join(" "),
        });
    }
    Ok(lines)
}

/// The CSV columns of the export, in order.
pub const CSV_COLUMNS: [&str; 11] = [
    "date_acceptation",
    "reference_transaction",
    "numero_autorisation",
    "nir",
    "nom",
    "prenom",
    "montant",
    "trop_percu",
    "statut",
    "date_prise_en_compte",
    "repartition",
];

/// The export as CSV for a French spreadsheet: UTF-8 with a byte-order mark,
/// `;` between fields, decimal commas, dates «dd/mm/yyyy HH:MM» (Paris).
pub fn to_csv(lines: &[ExportLine]) -> anyhow::Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new().delimiter(b';').from_writer(&mut out);
        writer.write_record(CSV_COLUMNS)?;
        for l in lines {
            writer.write_record([
                time::date_time_fr(l.accepted_at).replace(" à ", " "),
                l.transaction_reference.clone(),
                l.authorisation_id.clone(),
                l.nir.clone(),
                l.last_name.clone(),
                l.first_name.clone(),
                l.amount.to_input_string(),
                l.excess.to_input_string(),
                l.status.clone(),
                l.applied_at.map(|at| time::date_time_fr(at).replace(" à ", " ")).unwrap_or_default(),
                l.shares.clone(),
            ])?;
        }
        writer.flush()?;
    }
    Ok(out)
}
