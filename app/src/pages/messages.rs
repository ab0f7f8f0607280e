//! «Ma messagerie»: the list and one message.

use crate::api::messages::{DeleteMessage, MailboxView, MessagePageView, MessageView, mailbox_page, message_page};
use crate::api::terminal::is_terminal;
use crate::components::layout::{InsuredLayout, Section};
use crate::pages::with_data;
use crate::routes;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The mailbox.
#[component]
pub fn MailboxPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| mailbox_page());
    view! {
        <Title text="Ma messagerie – Mon compte ameli" />
        {with_data(data, |view| view! { <Mailbox view /> })}
    }
}

#[component]
fn Mailbox(view: MailboxView) -> impl IntoView {
    let MailboxView { header, messages, deleted } = view;
    view! {
        <InsuredLayout header current=Section::Messages>
            <h1>"Ma messagerie"</h1>
            {deleted.then(|| view! {
                <div class="banner banner--success" role="status" tabindex="-1" autofocus>
                    <p>"Le message a été supprimé."</p>
                </div>
            })}
            {if messages.is_empty() {
                view! { <p class="card">"Vous n'avez aucun message."</p> }.into_any()
            } else {
                view! {
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
                }
                    .into_any()
            }}
        </InsuredLayout>
    }
}

/// One message.
#[component]
pub fn MessagePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(move || params.with(|p| p.get("id").unwrap_or_default()), message_page);
    let confirm = query.with_untracked(|q| q.get("supprimer").is_some());
    view! {
        <Title text="Message – Ma messagerie – Mon compte ameli" />
        {with_data(data, move |view| view! { <OneMessage view confirm /> })}
    }
}

#[component]
fn OneMessage(view: MessagePageView, confirm: bool) -> impl IntoView {
    let MessagePageView { header, message } = view;
    view! {
        <InsuredLayout header current=Section::Messages>
            {match message {
                Some(message) => view! { <MessageBody message confirm /> }.into_any(),
                None => view! {
                    <h1>"Message introuvable"</h1>
                    <p><a href=routes::MAILBOX>"RETOUR"</a></p>
                }
                .into_any(),
            }}
        </InsuredLayout>
    }
}

#[component]
fn MessageBody(message: MessageView, confirm: bool) -> impl IntoView {
    let MessageView { id, subject, sender, sent, delete_after, paragraphs, .. } = message;
    let delete = ServerAction::<DeleteMessage>::new();
    let confirmation = confirm.then(|| {
        let id = id.clone();
        view! {
            <div class="banner banner--warning no-print" role="alert" tabindex="-1" autofocus>
                <p>"Voulez-vous vraiment supprimer ce message ?"</p>
                <ActionForm action=delete attr:class="actions">
                    <input type="hidden" name="id" value=id.clone() />
                    <button type="submit" class="button">"OUI, SUPPRIMER"</button>
                    <a class="button button--secondary" href=routes::message(&id)>"ANNULER"</a>
                </ActionForm>
            </div>
        }
    });
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
                        <a class="button button--secondary" href=routes::message_pdf(&id) download>
                            "TÉLÉCHARGER EN PDF"
                        </a>
                    }
                })}
            <button type="button" class="button button--secondary" id="print" hidden>"IMPRIMER"</button>
            <a class="button button--secondary" href=routes::MAILBOX>"RETOUR"</a>
        </div>
        <noscript>
            <p class="no-print">"Pour imprimer ce message, utilisez la commande Imprimer de votre navigateur."</p>
        </noscript>
        // «IMPRIMER» opens the browser's print dialog; it shows only with JavaScript.
        <script nonce=leptos::nonce::use_nonce()>
            "var b=document.getElementById('print');b.hidden=false;b.addEventListener('click',function(){window.print();});"
        </script>
    }
}
