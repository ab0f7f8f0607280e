//! «Ma messagerie»: the acknowledgements of payments.

use super::db::{Store, new_id};
use super::time;
use anyhow::Context;
use sqlx::{AnyConnection, Row};

/// Who the acknowledgements come from.
pub const SENDER: &str = "Assurance Maladie";
/// Their subject.
pub const ACKNOWLEDGEMENT_SUBJECT: &str = "Accusé de réception de votre paiement de créance";
/// A message is deleted this many months after it was sent.
pub const RETENTION_MONTHS: i32 = 6;

/// The acknowledgement's text for a payment made on `payment_date` («05/07/2018»).
pub fn acknowledgement_body(payment_date: &str) -> String {
    format!(
        "Bonjour,\n\n\
         Nous accusons réception de votre paiement de créance du {payment_date}.\n\n\
         Pour tout renseignement complémentaire concernant votre démarche, vous pouvez nous contacter dans la \
         rubrique \"Ma Messagerie / Ecrire un message\" (*).\n\n\
         Avec toute notre attention,\n\
         Votre caisse d'Assurance Maladie.\n\n\
         (*) ou par téléphone au 36 46 (coût 0,06 euro/min + prix appel), depuis l'étranger composez le \
         +33 811 70 36 46 (tarif variable selon l'opérateur téléphonique)."
    )
}

/// Writes the acknowledgement of `payment_id` (once: the payment id is unique
/// among messages), inside the caller's transaction.
pub async fn acknowledge_payment(
    conn: &mut AnyConnection,
    now: i64,
    person_id: &str,
    payment_id: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO messages (id, person_id, payment_id, sender, subject, body, sent_at, delete_after) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(person_id)
    .bind(payment_id)
    .bind(SENDER)
    .bind(ACKNOWLEDGEMENT_SUBJECT)
    .bind(acknowledgement_body(&time::date_fr(now)))
    .bind(now)
    .bind(time::add_months(now, RETENTION_MONTHS))
    .execute(conn)
    .await
    .context("writing the acknowledgement")?;
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
    })
}

/// The person's messages: unread first, then newest first.
pub async fn list(store: &Store, person_id: &str) -> anyhow::Result<Vec<Message>> {
    let rows = sqlx::query(
        "SELECT id, sender, subject, body, sent_at, delete_after, read_at FROM messages \
         WHERE person_id = $1 AND deleted_at IS NULL \
         ORDER BY CASE WHEN read_at IS NULL THEN 0 ELSE 1 END, sent_at DESC, id",
    )
    .bind(person_id)
    .fetch_all(store.pool())
    .await
    .context("listing messages")?;
    Ok(rows.iter().map(message_from_row).collect::<Result<_, _>>()?)
}

/// How many of the person's messages are unread.
pub async fn unread_count(store: &Store, person_id: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM messages WHERE person_id = $1 AND read_at IS NULL AND deleted_at IS NULL",
    )
    .bind(person_id)
    .fetch_one(store.pool())
    .await
    .context("counting unread messages")?
    .try_get("n")?)
}

/// Opens the person's message `id` (marking it read), or `None` when the person
/// has no such message.
pub async fn open(store: &Store, person_id: &str, id: &str, now: i64) -> anyhow::Result<Option<Message>> {
    sqlx::query(
        "UPDATE messages SET read_at = $1 WHERE id = $2 AND person_id = $3 AND read_at IS NULL AND deleted_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .bind(person_id)
    .execute(store.pool())
    .await
    .context("marking a message read")?;
    let row = sqlx::query(
        "SELECT id, sender, subject, body, sent_at, delete_after, read_at FROM messages \
         WHERE id = $1 AND person_id = $2 AND deleted_at IS NULL",
    )
    .bind(id)
    .bind(person_id)
    .fetch_optional(store.pool())
    .await
    .context("reading a message")?;
    Ok(row.as_ref().map(message_from_row).transpose()?)
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
