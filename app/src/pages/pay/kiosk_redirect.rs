//! Step 3/3: the sealed form that takes the browser to the bank kiosk.

use crate::api::pay::KioskRedirectView;
use crate::components::layout::{Footer, PlainHeader};
use crate::components::navigation::hydrating;
use crate::pages::{PageData, page_data, with_data};
use crate::routes;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Its data, created with its route while the page's code loads (`app.rs`).
pub fn kiosk_redirect_data() -> PageData<Option<KioskRedirectView>> {
    let params = use_params_map();
    page_data(move || crate::api::pay::KioskRedirectPage {
        transaction: params.with(|p| p.get("transaction").unwrap_or_default()),
    })
}

/// Step 3: sends the browser to the kiosk.
#[component]
pub fn KioskRedirectPage(data: PageData<Option<KioskRedirectView>>) -> impl IntoView {
    view! {
        <Title text="Payer une créance – étape 3 sur 3 – Mon compte ameli" />
        <PlainHeader />
        {with_data(data, |view| match view {
            Some(view) => Either::Left(view! { <Redirect view /> }),
            None => Either::Right(view! {
                <main id="contenu" class="page page--narrow">
                    <h1>"Ce paiement n'est plus en attente"</h1>
                    <p>"Ce paiement a déjà reçu une réponse de la banque, ou il a expiré."</p>
                    <p><a href=routes::MY_PAYMENTS>"Voir mes paiements"</a>" · "<a href=routes::PAY>"Payer une créance"</a></p>
                </main>
            }),
        })}
        <Footer />
    }
}

/// The sealed form, sent at once: on the first page by its inline script
/// (the browser runs it while it reads the page), after a navigation in the
/// browser by the app; without JavaScript the person presses the button. The
/// button is disabled once the form is sent, so that the request leaves once.
#[component]
fn Redirect(view: KioskRedirectView) -> impl IntoView {
    let KioskRedirectView { form, amount, transaction_reference } = view;
    let sips::PaypageForm { url, data, interface_version, seal, seal_algorithm } = form;
    let first_page = cfg!(feature = "ssr") || hydrating();
    let kiosk_form = NodeRef::<leptos::html::Form>::new();
    let sent = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    if !first_page {
        Effect::new(move || {
            if let Some(form) = kiosk_form.get()
                && !sent.get_untracked()
            {
                sent.set(true);
                let _ = form.submit();
            }
        });
    }
    view! {
        <main id="contenu" class="page page--narrow">
            <p class="step">"Étape 3 sur 3"</p>
            <h1>"Paiement sécurisé"</h1>
            <p>
                "Vous allez être redirigé vers le kiosque de paiement de la banque pour payer "
                <strong>{amount.to_string()}</strong> "."
            </p>
            <p>"Référence de la transaction : " <span class="mono">{transaction_reference.to_string()}</span></p>
            <form id="kiosk-form" method="post" action=url class="kiosk-form" node_ref=kiosk_form>
                <input type="hidden" name="Data" value=data />
                <input type="hidden" name="InterfaceVersion" value=interface_version />
                <input type="hidden" name="Seal" value=seal />
                <input type="hidden" name="SealAlgorithm" value=seal_algorithm />
                <button type="submit" class="button" disabled=move || sent.get()>
                    "Continuer vers le paiement sécurisé"
                </button>
            </form>
            {first_page.then(|| view! {
                <script nonce=leptos::nonce::use_nonce()>
                    "var f=document.getElementById('kiosk-form');f.querySelector('button').disabled=true;f.submit();"
                </script>
            })}
        </main>
    }
}
