//! «Ma messagerie»: the acknowledgements of payments, and the messages that
//! tell a person money went back to them.

pub mod pdf;

use crate::domain::Euros;
use crate::ssr::infra::audit::{self, Action, Actor, Entity, Entry};
use crate::ssr::infra::db::{Store, new_id};
use crate::ssr::infra::ids::PersonId;
use crate::ssr::infra::time;
use crate::ssr::lifecycle::PaymentStatus;
use anyhow::Context;
use sqlx::{AnyConnection, Row};

/// Who the acknowledgements come from.
pub const SENDER: &str = "Assurance Maladie";
/// Their subject.
pub const ACKNOWLEDGEMENT_SUBJECT: &str = "Accusé de réception de votre paiement de créance";
/// A message is deleted this many months after it was sent.
pub const RETENTION_MONTHS: i32 = 6;

/// How every message of the caisse ends: where to ask, and the signature.
const CLOSING: &str = "Pour tout renseignement complémentaire concernant votre démarche, vous pouvez nous contacter \
     dans la rubrique \"Ma Messagerie / Ecrire un message\" (*).\n\n\
     Avec toute notre attention,\n\
     Votre caisse d'Assurance Maladie.\n\n\
     (*) ou par téléphone au 36 46 (coût 0,06 euro/min + prix appel), depuis l'étranger composez le \
     +33 811 70 36 46 (tarif variable selon l'opérateur téléphonique).";

/// The acknowledgement's text for a payment made on `payment_date` («05/07/2018»).
pub fn acknowledgement_body(payment_date: &str) -> String {
    format!(
        "Bonjour,\n\n\
         Nous accusons réception de votre paiement de créance du {payment_date}.\n\n\
         {CLOSING}"
    )
}

/// The subject of the message that tells a person money went back to them.
pub const REFUND_SUBJECT: &str = "Remboursement sur votre paiement de créance";

/// What the refund message says: `amount` given back on the payment of
/// `payment_date` («05/07/2018»), transaction `reference`, for `reason` (in
/// French); `cancelled` when the bank cancelled it before taking the money.
pub fn refund_body(amount: Euros, payment_date: &str, reference: &str, reason: &str, cancelled: bool) -> String {
    let how = if cancelled {
        "La banque n'avait pas encore débité ce montant : il ne le sera pas."
    } else {
        "Ce montant est recrédité sur la carte bancaire utilisée pour ce paiement ; selon votre banque, il apparaît \
         sur votre relevé sous quelques jours."
    };
    format!(
        "Bonjour,\n\n\
         Votre caisse d'Assurance Maladie vous a remboursé {amount} sur votre paiement de créance du {payment_date} \
         (référence de la transaction {reference}), motif : {reason}.\n\n\
         {how}\n\n\
         {CLOSING}"
    )
}

/// Writes a message of `subject` and `body` to the person `person_id`, tied
/// to no payment, inside the caller's transaction (the caller writes it once).
pub async fn notify(
    conn: &mut AnyConnection,
    now: i64,
    person_id: &PersonId,
    subject: &str,
    body: &str,
) -> anyhow::Result<()> {
    write(conn, now, person_id, None, subject, body).await
}

/// Writes the acknowledgement of `payment_id` (once: the payment id is unique
/// among messages), inside the caller's transaction.
pub async fn acknowledge_payment(
    conn: &mut AnyConnection,
    now: i64,
    person_id: &PersonId,
    payment_id: &str,
) -> anyhow::Result<()> {
    let body = acknowledgement_body(&time::date_fr(now));
    write(conn, now, person_id, Some(payment_id), ACKNOWLEDGEMENT_SUBJECT, &body).await
}

async fn write(
    conn: &mut AnyConnection,
    now: i64,
    person_id: &PersonId,
    payment_id: Option<&str>,
    subject: &str,
    body: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO messages (id, person_id, payment_id, sender, subject, body, sent_at, delete_after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(person_id)
    .bind(payment_id)
    .bind(SENDER)
    .bind(subject)
    .bind(body)
    .bind(now)
    .bind(time::add_months(now, RETENTION_MONTHS))
    .execute(conn)
    .await
    .with_context(|| format!("writing the message «{subject}»"))?;
    Ok(())
}

/// A message of the person's mailbox.
#[derive(Debug, Clone)]
pub struct Message {
    /// Its id.
    pub id: String,
    /// «Assurance Maladie».
    pub sender: String,
    /// Subject.
    pub subject: String,
    /// Text, paragraphs separated by blank lines.
    pub body: String,
    /// When it was sent.
    pub sent_at: i64,
    /// When it will be deleted.
    pub delete_after: i64,
    /// When the person first opened it.
    pub read_at: Option<i64>,
    /// The payment it acknowledges.
    pub payment_id: Option<String>,
}

fn message_from_row(row: &sqlx::any::AnyRow) -> Result<Message, sqlx::Error> {
    Ok(Message {
        id: row.try_get("id")?,
        sender: row.try_get("sender")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        sent_at: row.try_get("sent_at")?,
        delete_after: row.try_get("delete_after")?,
        read_at: row.try_get("read_at")?,
        payment_id: row.try_get("payment_id")?,
    })
}

/// The person's messages: unread first, then newest first.
pub async fn list(store: &Store, person_id: &PersonId) -> anyhow::Result<Vec<Message>> {
    let rows = sqlx::query(
        "SELECT id, sender, subject, body, sent_at, delete_after, read_at, payment_id FROM messages \
         WHERE person_id = $1 AND deleted_at IS NULL \
         ORDER BY CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, sent_at DESC, id",
    )
    .bind(person_id)
    .fetch_all(store.pool())
    .await
    .context("listing messages")?;
    Ok(rows.iter().map(message_from_row).collect::<Result<_, _>>()?)
}

/// Opens the person's message `id` (marking it read), or `None` when the person
/// has no such message.
pub async fn open(store: &Store, person_id: &PersonId, id: &str, now: i64) -> anyhow::Result<Option<Message>> {
    sqlx::query(
        "UPDATE messages SET read_at = $1 WHERE id = $2 AND person_id = $3 AND read_at IS NULL AND deleted_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(person_id)
    .execute(store.pool())
    .await
    .context("marking a message read")?;
    find(store, person_id, id).await
}

/// The person's message `id`, if they have it.
async fn find(store: &Store, person_id: &PersonId, id: &str) -> anyhow::Result<Option<Message>> {
    let row = sqlx::query(
        "SELECT id, sender, subject, body, sent_at, delete_after, read_at, payment_id FROM messages \
         WHERE id = $1 AND person_id = $2 AND deleted_at IS NULL",
    )
    .bind(id)
    .bind(person_id)
    .fetch_optional(store.pool())
    .await
    .context("reading a message")?;
    Ok(row.as_ref().map(message_from_row).transpose()?)
}

/// Removes the person's message `id` from their mailbox. The record stays (with
/// `deleted_at`) for the audit trail. Returns false when the person has no such
/// message.
pub async fn delete(store: &Store, person_id: &PersonId, id: &str, now: i64) -> anyhow::Result<bool> {
    let mut tx = store.write().await.context("starting the deletion")?;
    let caisse: Option<String> = sqlx::query(
        "SELECT p.caisse_code FROM messages m JOIN persons p ON p.id = m.person_id \
         WHERE m.id = $1 AND m.person_id = $2 AND m.deleted_at IS NULL",
    )
    .bind(id)
    .bind(person_id)
    .fetch_optional(tx.conn())
    .await
    .context("finding the message")?
    .map(|r| r.try_get("caisse_code"))
    .transpose()?;
    let Some(caisse) = caisse else { return Ok(false) };
    sqlx::query("UPDATE messages SET deleted_at = $1 WHERE id = $2").bind(now).bind(id).execute(tx.conn()).await?;
    audit::record(
        tx.conn(),
        now,
        Entry {
            actor: Actor::Person(person_id),
            caisse_code: Some(&caisse),
            entity: Entity::Message,
            entity_id: id,
            action: Action::Deleted,
            detail: serde_json::json!({}),
        },
    )
    .await?;
    tx.commit().await.context("committing the deletion")?;
    Ok(true)
}

/// A payment as its acknowledgement describes it.
#[derive(Debug, Clone)]
pub struct PaymentDetails {
    /// «PCLCB…».
    pub transaction_reference: String,
    /// «Numéro d'autorisation».
    pub authorisation_id: Option<String>,
    /// Amount.
    pub amount: Euros,
    /// True once the processing run applied it.
    pub applied: bool,
    /// Per créance: applied shares once applied, planned shares before.
    pub lines: Vec<(String, Euros)>,
}

/// The details of `payment_id`.
pub async fn payment_details(store: &Store, payment_id: &str) -> anyhow::Result<Option<PaymentDetails>> {
    let row = sqlx::query(
        "SELECT t.transaction_reference, t.authorisation_id, p.amount_cents, p.status, p.attempt_id \
         FROM payments p JOIN payment_attempts t ON t.id = p.attempt_id WHERE p.id = $1",
    )
    .bind(payment_id)
    .fetch_optional(store.pool())
    .await
    .context("reading a payment")?;
    let Some(row) = row else { return Ok(None) };
    let applied = row.try_get::<PaymentStatus, _>("status")? == PaymentStatus::Applied;
    let attempt_id: String = row.try_get("attempt_id")?;
    let lines_sql = if applied {
        "SELECT avis_reference, amount_cents FROM allocations WHERE payment_id = $1 ORDER BY avis_reference"
    } else {
        "SELECT avis_reference, planned_cents AS amount_cents FROM attempt_lines WHERE attempt_id = $1 ORDER BY avis_reference"
    };
    let key = if applied { payment_id } else { attempt_id.as_str() };
    let lines = sqlx::query(lines_sql)
        .bind(key)
        .fetch_all(store.pool())
        .await
        .context("reading the payment's shares")?
        .iter()
        .map(|r| Ok((r.try_get("avis_reference")?, Euros::from_cents(r.try_get("amount_cents")?))))
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(Some(PaymentDetails {
        transaction_reference: row.try_get("transaction_reference")?,
        authorisation_id: row.try_get("authorisation_id")?,
        amount: Euros::from_cents(row.try_get("amount_cents")?),
        applied,
        lines,
    }))
}

/// The PDF of the person's message `id`: (file name, bytes); `None` when the
/// person has no such message.
pub async fn pdf_of(store: &Store, person_id: &PersonId, id: &str) -> anyhow::Result<Option<(String, Vec<u8>)>> {
    let Some(message) = find(store, person_id, id).await? else { return Ok(None) };
    let details = match &message.payment_id {
        Some(payment_id) => payment_details(store, payment_id).await?,
        None => None,
    };
    let paragraphs: Vec<String> = message.body.split("\n\n").map(str::to_owned).collect();
    let mut payment = Vec::new();
    let mut lines = Vec::new();
    let mut title = "Répartition sur vos créances";
    if let Some(details) = &details {
        payment.push(("Référence de la transaction".to_owned(), details.transaction_reference.clone()));
        if let Some(authorisation) = &details.authorisation_id {
            payment.push(("Numéro d'autorisation".to_owned(), authorisation.clone()));
        }
        payment.push(("Montant".to_owned(), details.amount.to_string()));
        payment.push((
            "État".to_owned(),
            if details.applied { "pris en compte" } else { "en cours de traitement" }.to_owned(),
        ));
        if !details.applied {
            title = "Répartition prévue sur vos créances";
        }
        lines = details.lines.iter().map(|(reference, amount)| (reference.clone(), amount.to_string())).collect();
    }
    let sent = format!("{} {}", time::date_fr(message.sent_at), time::time_fr(message.sent_at));
    let delete_after = time::date_fr(message.delete_after);
    let bytes = pdf::acknowledgement(&pdf::Acknowledgement {
        subject: &message.subject,
        sender: &message.sender,
        sent: &sent,
        delete_after: &delete_after,
        paragraphs: &paragraphs,
        payment: &payment,
        allocation: (title, &lines),
    })?;
    let name = match &details {
        Some(details) => format!("accuse-reception-{}.pdf", details.transaction_reference),
        None => "message.pdf".to_owned(),
    };
    Ok(Some((name, bytes)))
}

#[cfg(test)]
mod tests {
    use super::acknowledgement_body;

    #[test]
    fn the_acknowledgement_is_the_seed_text() {
        let body = acknowledgement_body("05/07/2018");
        assert!(
            body.starts_with("Bonjour,\n\nNous accusons réception de votre paiement de créance du 05/07/2018.\n\n")
        );
        assert!(body.contains("rubrique \"Ma Messagerie / Ecrire un message\" (*)."));
        assert!(body.contains("Avec toute notre attention,\nVotre caisse d'Assurance Maladie."));
        assert!(body.ends_with(
            "(*) ou par téléphone au 36 46 (coût 0,06 euro/min + prix appel), depuis l'étranger composez le \
             +33 811 70 36 46 (tarif variable selon l'opérateur téléphonique)."
        ));
    }
}
