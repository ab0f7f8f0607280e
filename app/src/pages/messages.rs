//! «Ma messagerie»: the list and one message.

use crate::api::messages::{DeleteMessage, MailboxView, MessagePageView, MessageView};
use crate::api::terminal::is_terminal;
use crate::components::form::{ActionError, FormAction, ServerForm, SubmitButton};
use crate::components::layout::{InsuredLayout, Section};
use crate::components::navigation::{Notice, go_after, take_notice};
use crate::pages::{PageData, page_data, with_data};
use crate::routes;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Its data, created with its route while the page's code loads (`app.rs`).
pub fn mailbox_data() -> PageData<MailboxView> {
    page_data(|| crate::api::messages::MailboxPage {})
}

/// The mailbox.
#[component]
pub fn MailboxPage(data: PageData<MailboxView>) -> impl IntoView {
    view! {
        <Title text="Ma messagerie – Mon compte ameli" />
        {with_data(data, |view| view! { <Mailbox view /> })}
    }
}

#[component]
fn Mailbox(view: MailboxView) -> impl IntoView {
    let MailboxView { header, messages, deleted } = view;
    // Said by the server after a plain form post, by the app after its own call.
    let deleted = deleted || take_notice() == Some(Notice::MessageDeleted);
    view! {
        <InsuredLayout header current=Section::Messages>
            <h1>"Ma messagerie"</h1>
            {deleted.then(|| view! {
                <div class="banner banner--success" role="status" tabindex="-1" autofocus>
                    <p>"Le message a été supprimé."</p>
                </div>
            })}
            {if messages.is_empty() {
                Either::Left(view! { <p class="card">"Vous n'avez aucun message."</p> })
            } else {
                Either::Right(view! {
                    <ul class="mailbox">
                        {messages
                            .into_iter()
                            .map(|m| {
                                view! {
                                    <li class="mailbox__item" class:mailbox__item--unread=m.unread>
                                        <a href=routes::message(&m.id)>
                                            <span class="mailbox__subject">
                                                {m.unread.then(|| view! { <span class="visually-hidden">"Non lu : "</span> })}
                                                {m.subject}
                                            </span>
                                            <span class="mailbox__meta">"De : " {m.sender} " · " {m.sent}</span>
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                })
            }}
        </InsuredLayout>
    }
}

/// Its data, created with its route while the page's code loads (`app.rs`).
pub fn message_data() -> PageData<MessagePageView> {
    let params = use_params_map();
    page_data(move || crate::api::messages::MessagePage { id: params.with(|p| p.get("id").unwrap_or_default()) })
}

/// One message; with `?supprimer`, the confirmation of its deletion.
#[component]
pub fn MessagePage(data: PageData<MessagePageView>) -> impl IntoView {
    let query = use_query_map();
    let confirm = Signal::derive(move || query.with(|q| q.get("supprimer").is_some()));
    view! {
        {with_data(data, move |view| view! { <OneMessage view confirm /> })}
    }
}

#[component]
fn OneMessage(view: MessagePageView, confirm: Signal<bool>) -> impl IntoView {
    let MessagePageView { header, message } = view;
    let title = match &message {
        Some(message) => format!("{} – Ma messagerie – Mon compte ameli", message.subject),
        None => "Message introuvable – Ma messagerie – Mon compte ameli".to_owned(),
    };
    view! {
        <Title text=title />
        <InsuredLayout header current=Section::Messages>
            {match message {
                Some(message) => Either::Left(view! { <MessageBody message confirm /> }),
                None => Either::Right(view! {
                    <h1>"Message introuvable"</h1>
                    <p><a href=routes::MAILBOX>"RETOUR"</a></p>
                }),
            }}
        </InsuredLayout>
    }
}

#[component]
fn MessageBody(message: MessageView, confirm: Signal<bool>) -> impl IntoView {
    let MessageView { id, subject, sender, sent, delete_after, paragraphs, .. } = message;
    let delete = FormAction::<DeleteMessage>::new();
    // Deleted: to the mailbox, which says so.
    go_after(delete, |_| Some((routes::MAILBOX.to_owned(), Notice::MessageDeleted)));
    let question = NodeRef::<leptos::html::Div>::new();
    // Asked in the browser (the link changed the address): the question takes the focus.
    #[cfg(feature = "hydrate")]
    Effect::watch(
        move || confirm.get(),
        move |asked, _, _| {
            if *asked {
                request_animation_frame(move || {
                    if let Some(element) = question.get_untracked() {
                        let _ = element.focus();
                    }
                });
            }
        },
        false,
    );
    let confirmation = {
        let id = id.clone();
        move || {
            confirm.get().then(|| {
                let id = id.clone();
                view! {
                    <div class="banner banner--warning no-print" role="alert" tabindex="-1" autofocus node_ref=question>
                        <p>"Voulez-vous vraiment supprimer ce message ?"</p>
                        <ServerForm action=delete class="actions">
                            <input type="hidden" name="id" value=id.clone() />
                            <SubmitButton label="OUI, SUPPRIMER" pending=delete.pending() />
                            <a class="button button--secondary" href=routes::message(&id)>"ANNULER"</a>
                        </ServerForm>
                        <ActionError action=delete />
                    </div>
                }
            })
        }
    };
    // «IMPRIMER» opens the browser's print dialog: shown once the app is live.
    let live = crate::components::navigation::is_live();
    view! {
        {confirmation}
        <article class="card message" aria-labelledby="message-subject">
            <h1 id="message-subject">{subject}</h1>
            <p class="message__meta">"De : " {sender}</p>
            <p class="message__meta">{sent}</p>
            <p class="message__meta">"Sera supprimé le " {delete_after}</p>
            <div class="message__body">
                {paragraphs.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
            </div>
        </article>
        <div class="actions no-print">
            <a class="button button--secondary" href=routes::message_delete(&id)>"SUPPRIMER"</a>
            // On a public terminal the acknowledgement is printed there, never downloaded.
            {(!is_terminal())
                .then(|| {
                    view! {
                        <a class="button button--secondary" href=routes::message_pdf(&id) download rel="external">
                            "TÉLÉCHARGER EN PDF"
                        </a>
                    }
                })}
            <button type="button" class="button button--secondary" hidden=move || !live.get() on:click=|_| print()>
                "IMPRIMER"
            </button>
            <a class="button button--secondary" href=routes::MAILBOX>"RETOUR"</a>
        </div>
        <noscript>
            <p class="no-print">"Pour imprimer ce message, utilisez la commande Imprimer de votre navigateur."</p>
        </noscript>
    }
}

/// The browser's print dialog.
fn print() {
    #[cfg(feature = "hydrate")]
    let _ = window().print();
}
