//! Step 1/3: «Vous avez reçu un avis de sommes à payer.»

use crate::api::pay::{FindReference, ReferenceView};
use crate::components::error_summary::ErrorSummary;
use crate::components::form::{FormAction, ServerForm, SubmitButton, refusal};
use crate::components::layout::{InsuredLayout, PaymentsLayout, PaymentsPage, Section};
use crate::components::reference_boxes::ReferenceBoxes;
use crate::pages::{PageData, page_data, with_data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Its data, created with its route while the page's code loads (`app.rs`):
/// with the reference of its address, if any (a step 2 that could not be
/// shown sends the browser back here with it, to say why).
pub fn reference_data() -> PageData<ReferenceView> {
    let query = use_query_map();
    page_data(move || crate::api::pay::ReferencePage { reference: query.with(|q| q.get("reference")) })
}

/// Step 1.
#[component]
pub fn ReferencePage(data: PageData<ReferenceView>) -> impl IntoView {
    view! {
        <Title text="Payer une créance – étape 1 sur 3 – Mon compte ameli" />
        {with_data(data, |view| view! { <Reference view /> })}
    }
}

#[component]
fn Reference(view: ReferenceView) -> impl IntoView {
    let ReferenceView { header, form } = view;
    let action = FormAction::<FindReference>::new();
    let refused = refusal(action, form.errors.clone());
    view! {
        <InsuredLayout header current=Section::Payments>
            <PaymentsLayout current=PaymentsPage::Pay>
                <p class="step">"Étape 1 sur 3"</p>
                <h1>"PAYER UNE CRÉANCE"</h1>
                <ErrorSummary
                    errors=Signal::derive(move || refused.with(|r| r.summary(&["reference"])))
                    refused=action.version()
                />
                <div class="card">
                    <p>"Vous avez reçu un avis de sommes à payer."</p>
                    <p>"Saisissez votre référence présente dans votre courrier pour accéder au paiement."</p>
                    <details class="disclosure">
                        <summary>"Où trouver la référence de votre avis ?"</summary>
                        <div class="disclosure__body">
                            <p>
                                "La référence de l'avis se trouve en en-tête du courrier que vous avez reçu. "
                                "Elle se compose de 16 chiffres et 1 lettre."
                            </p>
                            <img
                                src="/images/avis-reference.svg"
                                width="560"
                                height="300"
                                class="disclosure__image"
                                alt="En-tête d'un avis de sommes à payer : la référence 6311631200000297F figure en haut à droite, sous la mention « Référence de l'avis »."
                            />
                        </div>
                    </details>
                </div>
                <ServerForm action class="form">
                    <p class="required-note">"* champ obligatoire"</p>
                    <ReferenceBoxes
                        value=form.value("reference")
                        error=Signal::derive(move || refused.with(|r| r.field("reference")))
                    />
                    <div class="actions">
                        <SubmitButton label="RECHERCHER" pending=action.pending() />
                    </div>
                </ServerForm>
            </PaymentsLayout>
        </InsuredLayout>
    }
}
