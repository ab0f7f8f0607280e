//! «Ma messagerie».

use super::{AppError, HeaderView};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A message as the mailbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    /// Its id (the address of its page).
    pub id: String,
    /// «De : Assurance Maladie».
    pub sender: String,
    /// Subject.
    pub subject: String,
    /// Paragraphs of the text.
    pub paragraphs: Vec<String>,
    /// «05/07/2018 08:59».
    pub sent: String,
    /// «Sera supprimé le 05/01/2019».
    pub delete_after: String,
    /// Not opened yet.
    pub unread: bool,
}

#[cfg(feature = "ssr")]
impl From<crate::ssr::messages::Message> for MessageView {
    fn from(message: crate::ssr::messages::Message) -> Self {
        use crate::ssr::infra::time;
        MessageView {
            id: message.id,
            sender: message.sender,
            subject: message.subject,
            paragraphs: message.body.split("\n\n").map(str::to_owned).collect(),
            sent: format!("{} {}", time::date_fr(message.sent_at), time::time_fr(message.sent_at)),
            delete_after: time::date_fr(message.delete_after),
            unread: message.read_at.is_none(),
        }
    }
}

/// The mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxView {
    /// The header.
    pub header: HeaderView,
    /// The messages, unread first.
    pub messages: Vec<MessageView>,
    /// A message was just deleted.
    pub deleted: bool,
}

/// The person's mailbox.
#[server(prefix = "/api", endpoint = "page-messagerie", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn mailbox_page() -> Result<MailboxView, AppError> {
    use crate::ssr::infra::context::{require_person, state, take_flash, unexpected};
    let state = state()?;
    let (person_id, session) = require_person(&state).await?;
    let messages = crate::ssr::messages::list(&state.store, &person_id).await.map_err(unexpected)?;
    let deleted = take_flash(&state, Some(&session), "message-deleted").await?.is_some();
    Ok(MailboxView {
        header: super::header_for(&state, &person_id).await?,
        messages: messages.into_iter().map(MessageView::from).collect(),
        deleted,
    })
}

/// One message, opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePageView {
    /// The header (its unread count already counts this message as read).
    pub header: HeaderView,
    /// The message; `None` when the person has no such message.
    pub message: Option<MessageView>,
}

/// Opens the person's message `id` and marks it read.
#[server(prefix = "/api", endpoint = "page-message", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn message_page(id: String) -> Result<MessagePageView, AppError> {
    use crate::ssr::infra::context::{not_found, require_person, state, unexpected};
    let state = state()?;
    let (person_id, _) = require_person(&state).await?;
    let message =
        crate::ssr::messages::open(&state.store, &person_id, &id, state.clock.now_ms()).await.map_err(unexpected)?;
    if message.is_none() {
        not_found();
    }
    Ok(MessagePageView {
        header: super::header_for(&state, &person_id).await?,
        message: message.map(MessageView::from),
    })
}

/// «SUPPRIMER», confirmed: the message leaves the mailbox (its record stays for
/// the audit trail). A plain form post then goes back to the mailbox, which
/// says so (a flash); the app in the browser does both itself
/// (`pages::messages`), and nothing is kept for it.
#[server(prefix = "/api", endpoint = "supprimer-message", output = crate::codec::Postcard)]
pub async fn delete_message(id: String) -> Result<(), AppError> {
    use crate::ssr::infra::context::{fail, is_form_post, leave_flash, redirect, require_person, state, unexpected};
    use crate::ssr::infra::session::Flash;
    let state = state()?;
    let (person_id, session) = require_person(&state).await?;
    let deleted =
        crate::ssr::messages::delete(&state.store, &person_id, &id, state.clock.now_ms()).await.map_err(unexpected)?;
    if !deleted {
        return Err(fail(AppError::Rejected(vec!["Ce message n'existe pas.".to_owned()])));
    }
    if is_form_post() {
        leave_flash(&state, Some(&session), &Flash::new("message-deleted")).await?;
        redirect(crate::routes::MAILBOX);
    }
    Ok(())
}
