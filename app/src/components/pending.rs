//! The person's payments waiting for the bank — when each started, until when
//! its lines are held — with «Abandonner ce paiement» behind a confirmation
//! (a disclosure: it works without JavaScript and from the keyboard), and the
//! banner of the last abandon. Shown on Accueil, step 2 and «Mes paiements».
//!
//! The page gives the abandon's `action` and loads its data again once it
//! has succeeded: the banner says what became of it from the call's answer,
//! and the list as it now is. A
//! failed call (the server unavailable, the network gone) leaves the page as
//! it is and says why above the list.

use crate::api::payments::{AbandonPayment, PendingSection};
use crate::components::form::{ActionError, FormAction, ServerForm, SubmitButton};
use leptos::prelude::*;

/// The pending payments and the last abandon's banner; `retour` is the page
/// the abandon leads back to (this one).
#[component]
pub fn PendingPayments(
    /// The payments waiting for the bank and the last abandon's banner.
    section: PendingSection,
    /// The page to come back to (this one).
    retour: String,
    /// The abandon, given by the page.
    action: FormAction<AbandonPayment>,
) -> impl IntoView {
    let PendingSection { pending, notice } = section;
    // What the app's own call answered (the page is drawn again with its data
    // loaded again after it); else, after a plain form post, what the server
    // kept for this page.
    let notice = action.outcome().or(notice).map(|notice| {
        view! {
            <div class=notice.outcome.banner_class() role="status" tabindex="-1" autofocus id="abandon-notice">
                <p>
                    "Paiement " <span class="mono">{notice.transaction_reference.to_string()}</span> " : "
                    {notice.outcome.text()}
                </p>
            </div>
        }
    });
    let list = (!pending.is_empty()).then(|| {
        let items = pending
            .into_iter()
            .map(|payment| {
                let reference = payment.transaction_reference.to_string();
                let retour = retour.clone();
                view! {
                    <li class="pending">
                        <p>
                            <strong>{payment.amount.to_string()}</strong> " — référence "
                            <span class="mono">{reference.clone()}</span>
                        </p>
                        <p>
                            "Commencé le " {payment.started} ". Les créances qu'il règle sont réservées jusqu'au "
                            {payment.held_until}
                            " ; sans réponse de la banque d'ici là, il prend fin de lui-même."
                        </p>
                        <details class="confirm">
                            <summary class="button button--secondary">"Abandonner ce paiement"</summary>
                            <ServerForm action class="confirm__form">
                                <p>
                                    "Avant d'abandonner, nous demandons à la banque où en est ce paiement. S'il a été "
                                    "accepté, il est enregistré et rien n'est abandonné ; sinon, il est annulé et vous "
                                    "pouvez de nouveau payer ces créances."
                                </p>
                                <input type="hidden" name="transaction" value=reference.clone() />
                                <input type="hidden" name="retour" value=retour />
                                <SubmitButton label="Confirmer l'abandon" pending=action.pending() />
                            </ServerForm>
                        </details>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="card pending-payments" aria-labelledby="pending-title">
                <h2 id="pending-title" class="card__title">"PAIEMENTS EN ATTENTE DE LA BANQUE"</h2>
                <ActionError action />
                <ul class="pending-list">{items}</ul>
            </section>
        }
    });
    view! {
        {notice}
        {list}
    }
}
