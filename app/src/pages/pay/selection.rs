//! Step 2/3: the créance, the lines to pay and the amount.

use crate::api::pay::{BELOW_MINIMUM, SelectionView};
use crate::api::payments::AbandonPayment;
use crate::components::form::FormAction;
use crate::components::layout::{InsuredLayout, PaymentsLayout, PaymentsPage, Section};
use crate::components::pending::PendingPayments;
use crate::components::selection::{SelectionForm, SelectionFormData};
use crate::pages::{PageData, page_data, with_data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Its data, created with its route while the page's code loads (`app.rs`).
pub fn selection_data() -> PageData<SelectionView> {
    let params = use_params_map();
    page_data(move || crate::api::pay::SelectionPage {
        reference: params.with(|p| p.get("reference").unwrap_or_default()),
    })
}

/// Step 2. Its data is loaded again after an abandon (the lines it held are free).
/// A failed abandon leaves it as it is, saying why (`components::pending`).
#[component]
pub fn SelectionPage(data: PageData<SelectionView>) -> impl IntoView {
    let abandon = FormAction::<AbandonPayment>::new();
    data.reload_after(abandon);
    view! {
        <Title text="Payer une créance – étape 2 sur 3 – Mon compte ameli" />
        {with_data(data, move |view| view! { <Selection view abandon /> })}
    }
}

#[component]
fn Selection(view: SelectionView, abandon: FormAction<AbandonPayment>) -> impl IntoView {
    let below_minimum = view.below_minimum();
    let SelectionView { header, reference, caisse_name, initial, restant, lines, selected, amount, errors, pending } =
        view;
    let retour = crate::routes::pay_step_2(&reference);
    let data = SelectionFormData { entered: reference.to_string(), lines, selected, amount, errors };
    view! {
        <InsuredLayout header current=Section::Payments>
            <PaymentsLayout current=PaymentsPage::Pay>
                <p class="step">"Étape 2 sur 3"</p>
                <h1>"PAYER UNE CRÉANCE"</h1>
                <PendingPayments section=pending retour action=abandon />
                {below_minimum.then(|| view! {
                    <div class="banner banner--warning" role="status">
                        <p>{BELOW_MINIMUM}</p>
                    </div>
                })}
                <section class="card creance-block" aria-labelledby="creance-title">
                    <h2 id="creance-title">"Créance (Référence : " <span class="mono">{reference.to_string()}</span> ")"</h2>
                    <dl class="facts">
                        <div><dt>"Caisse gestionnaire : "</dt><dd>{caisse_name}</dd></div>
                        <div><dt>"Montant initial dû : "</dt><dd>{initial.to_string()}</dd></div>
                        <div><dt>"Montant restant dû : "</dt><dd>{restant.to_string()}</dd></div>
                    </dl>
                </section>
                <SelectionForm data />
            </PaymentsLayout>
        </InsuredLayout>
    }
}
