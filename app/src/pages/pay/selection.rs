//! Step 2/3: the créance, the lines to pay and the amount.

use crate::api::pay::{BELOW_MINIMUM, SelectionView, selection_page};
use crate::components::error_summary::ErrorSummary;
use crate::components::layout::{InsuredLayout, PaymentsLayout, PaymentsPage, Section};
use crate::components::pending::PendingPayments;
use crate::components::selection::{LINE_FIELD, SelectionForm, SelectionFormData};
use crate::components::table::Cell;
use crate::domain::CreanceLine;
use crate::pages::{CREANCE_COLUMNS, with_data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Step 2.
#[component]
pub fn SelectionPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(move || params.with(|p| p.get("reference").unwrap_or_default()), selection_page);
    view! {
        <Title text="Payer une créance – étape 2 sur 3 – Mon compte ameli" />
        {with_data(data, |view| view! { <Selection view /> })}
    }
}

#[component]
fn Selection(view: SelectionView) -> impl IntoView {
    let below_minimum = view.below_minimum();
    let SelectionView { header, reference, caisse_name, initial, restant, lines, selected, amount, errors, pending } =
        view;
    let retour = crate::routes::pay_step_2(&reference);
    let summary: Vec<(String, String)> = [("selected", "selection-error"), ("amount", "amount")]
        .into_iter()
        .filter_map(|(field, anchor)| errors.error(field).map(|m| (anchor.to_owned(), m)))
        .collect();
    let table = lines_table(&lines, &selected, reference.as_str());
    let data = SelectionFormData {
        entered: reference.to_string(),
        lines,
        selected,
        amount,
        selection_error: errors.error("selected"),
        amount_error: errors.error("amount"),
    };
    view! {
        <InsuredLayout header current=Section::Payments>
            <PaymentsLayout current=PaymentsPage::Pay>
                <p class="step">"Étape 2 sur 3"</p>
                <h1>"PAYER UNE CRÉANCE"</h1>
                <ErrorSummary errors=summary />
                <PendingPayments section=pending retour />
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
                <SelectionForm data>{table}</SelectionForm>
                <form id="abandon-form" method="get" action=crate::routes::PAY class="visually-hidden" aria-hidden="true"></form>
            </PaymentsLayout>
        </InsuredLayout>
    }
}

/// The table of lines with their checkboxes (rendered on the server only). On
/// a phone each line is a card whose whole top part (checkbox and reference)
/// is the tap target.
fn lines_table(lines: &[CreanceLine], selected: &[String], entered: &str) -> impl IntoView + use<> {
    let [_, issued_column, initial_column, restant_column] = CREANCE_COLUMNS.map(|(name, _)| name);
    let rows = lines
        .iter()
        .map(|line| {
            let reference = line.reference.to_string();
            let id = format!("line-{reference}");
            let is_entered = reference == entered;
            let held = line.payment_in_progress;
            let (issued, initial, restant) = (line.issued_on.to_string(), line.initial.to_string(), line.restant.to_string());
            view! {
                <tr
                    role="row"
                    class="line"
                    class:row--disabled=!line.is_selectable()
                    data-reference=reference.clone()
                    data-issued=line.issued_on.to_iso()
                    data-initial=line.initial.cents()
                    data-restant=line.restant.cents()
                    data-held=if held { "1" } else { "0" }
                >
                    <td role="cell" class="check">
                        <input
                            type="checkbox"
                            name=LINE_FIELD
                            value=reference.clone()
                            id=id.clone()
                            checked=selected.contains(&reference)
                            disabled=!line.is_selectable()
                            aria-describedby="selection-summary"
                        />
                    </td>
                    <th scope="row" role="rowheader" class="mono line__reference">
                        <label for=id>{reference.clone()}</label>
                        {is_entered.then(|| view! { <span class="tag">"courrier saisi"</span> })}
                        {held.then(|| view! { <span class="line-note">"Un paiement est déjà en cours pour cette créance."</span> })}
                    </th>
                    <Cell label=issued_column>{issued}</Cell>
                    <Cell label=initial_column class="num">{initial}</Cell>
                    <Cell label=restant_column class="num">{restant}</Cell>
                </tr>
            }
        })
        .collect_view();
    let count = lines.len();
    view! {
        <h2 id="lines-title">"Autres références de courrier dont vous êtes redevable"</h2>
        <p>{format!("{count} références trouvé(es)")}</p>
        <table class="table table--stack selection-table" role="table" aria-labelledby="lines-title">
            <thead role="rowgroup">
                <tr role="row">
                    <th scope="col" role="columnheader" class="check">
                        <span class="visually-hidden">"Sélection"</span>
                    </th>
                    {CREANCE_COLUMNS
                        .into_iter()
                        .map(|(name, num)| view! { <th scope="col" role="columnheader" class:num=num>{name}</th> })
                        .collect_view()}
                </tr>
            </thead>
            <tbody role="rowgroup">{rows}</tbody>
        </table>
    }
}
