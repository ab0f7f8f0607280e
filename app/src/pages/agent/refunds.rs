//! The «Remboursements» section of a payment's page: the refunds asked on
//! the attempt's payments with what the agent may do next (approve or reject
//! another agent's request, send again one whose bank answer is not known),
//! and the form to ask for money back.

use crate::api::agent::refunds::{AgentRefund, RefundView, RefundsView};
use crate::components::error_summary::{ErrorSummary, FieldMessage};
use crate::components::field::TextField;
use crate::components::form::{FormAction, ServerForm, SubmitButton, refusal};
use crate::components::table::{Cell, DataTable, Row};
use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The section, for the payment `transaction`; every form posts to `action`.
#[component]
pub fn Refunds(view: RefundsView, transaction: String, action: FormAction<AgentRefund>) -> impl IntoView {
    let RefundsView { lines, refundable, reasons, excess, creances, form } = view;
    // What a post without JavaScript brought back, or else what the address
    // fills in (the trop-perçus' «Rembourser»), until a first call succeeds.
    let query = use_query_map();
    let untouched = action.value().with_untracked(Option::is_none);
    let value = |field: &str| match form.value(field) {
        posted if posted.is_empty() && untouched => query.with_untracked(|q| q.get(field)).unwrap_or_default(),
        posted => posted,
    };
    let (chosen, amount, reason) = (value("paiement"), value("montant"), value("motif"));
    let (from, to, assigned) = (value("trop_percu"), value("creance"), value("montant_affecte"));
    let refused = refusal(action, form.errors.clone());
    let field = move |name: &'static str| Signal::derive(move || refused.with(|r| r.field(name)));
    let list = if lines.is_empty() {
        Either::Left(view! { <p>"Aucun remboursement n'a été demandé sur ce paiement."</p> })
    } else {
        let transaction = transaction.clone();
        Either::Right(view! {
            <DataTable
                caption="Remboursements demandés".to_owned()
                visible_caption=true
                columns=vec![
                    ("Demandé le", false),
                    ("Autorisation", false),
                    ("Montant", false),
                    ("Motif", false),
                    ("État", false),
                    ("Suite", false),
                ]
            >
                {lines.into_iter().map(|line| line_row(line, transaction.clone(), action)).collect_view()}
            </DataTable>
        })
    };
    let for_assign = transaction.clone();
    let ask = if refundable.is_empty() {
        Either::Left(view! { <p>"Il ne reste rien à rembourser sur ce paiement."</p> })
    } else {
        Either::Right(view! {
            <ServerForm action class="form">
                <fieldset class="form-group">
                <legend class="form-group__title">"Demander un remboursement"</legend>
                <p>"Un autre agent de la caisse devra l'approuver avant qu'il soit envoyé à la banque."</p>
                <input type="hidden" name="transaction" value=transaction.clone() />
                <input type="hidden" name="etape" value="demander" />
                {choice("paiement", "Paiement à rembourser", refundable, chosen, field("paiement"))}
                <TextField
                    name="montant"
                    label="Montant à rembourser (€)"
                    hint="Par exemple 12,50 : au plus ce qui reste remboursable sur le paiement choisi."
                    value=amount
                    error=field("montant")
                />
                {choice("motif", "Motif", reasons, reason, field("motif"))}
                <SubmitButton label="Rembourser" pending=action.pending() />
                </fieldset>
            </ServerForm>
        })
    };
    // A trop-perçu may also go to another créance of the person (the trop-perçus' «Affecter»).
    let assign = if excess.is_empty() || creances.is_empty() {
        Either::Left(())
    } else {
        Either::Right(view! {
            <ServerForm action class="form">
                <fieldset class="form-group">
                <legend class="form-group__title" id="affecter" tabindex="-1">
                    "Affecter un trop-perçu à une autre créance de l'assuré"
                </legend>
                <input type="hidden" name="transaction" value=for_assign />
                <input type="hidden" name="etape" value="affecter" />
                {choice("trop_percu", "Trop-perçu", excess, from, field("trop_percu"))}
                {choice("creance", "Créance", creances, to, field("creance"))}
                <TextField
                    name="montant_affecte"
                    label="Montant à affecter (€)"
                    hint="Au plus ce qui reste du trop-perçu, et ce que doit la créance."
                    value=assigned
                    error=field("montant_affecte")
                />
                <SubmitButton label="Affecter" pending=action.pending() />
                </fieldset>
            </ServerForm>
        })
    };
    view! {
        <h2 id="remboursements" tabindex="-1">"Remboursements"</h2>
        <ErrorSummary
            errors=Signal::derive(move || {
                refused.with(|r| {
                    r.summary(&["remboursements", "paiement", "montant", "motif", "trop_percu", "creance", "montant_affecte"])
                })
            })
            refused=action.version()
        />
        {list}
        {ask}
        {assign}
    }
}

/// A refund's row: what the agent may do with it in its last cell.
fn line_row(line: RefundView, transaction: String, action: FormAction<AgentRefund>) -> impl IntoView {
    let id = line.id;
    let next = if line.decide {
        EitherOf4::A(view! {
            {step_form(transaction.clone(), "approuver", id.clone(), "Approuver le remboursement", "", action)}
            {step_form(transaction, "rejeter", id, "Rejeter", "button--secondary", action)}
        })
    } else if line.resend {
        EitherOf4::B(step_form(transaction, "relancer", id, "Relancer la banque", "", action))
    } else if line.own {
        EitherOf4::C(view! { "À approuver par un autre agent" })
    } else {
        EitherOf4::D(view! { "—" })
    };
    view! {
        <Row>
            <Cell label="Demandé le">{line.asked}</Cell>
            <Cell label="Autorisation" class="mono">{line.authorisation_id}</Cell>
            <Cell label="Montant">{line.amount.to_string()}</Cell>
            <Cell label="Motif">{line.reason}</Cell>
            <Cell label="État">{line.state}</Cell>
            <Cell label="Suite">{next}</Cell>
        </Row>
    }
}

/// A one-button form: `step` on the refund `refund`.
fn step_form(
    transaction: String,
    step: &'static str,
    refund: String,
    label: &'static str,
    class: &'static str,
    action: FormAction<AgentRefund>,
) -> impl IntoView {
    view! {
        <ServerForm action class="inline-form">
            <input type="hidden" name="transaction" value=transaction />
            <input type="hidden" name="etape" value=step />
            <input type="hidden" name="remboursement" value=refund />
            <SubmitButton label class pending=action.pending() />
        </ServerForm>
    }
}

/// A list to choose from, as a form's field: `options` are (value, label),
/// `chosen` the value selected.
fn choice(
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    chosen: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let has_error = move || error.with(Option::is_some);
    let error_id = format!("{name}-error");
    view! {
        <div class="field" class:field--error=has_error>
            <label class="field__label" for=name>{label}</label>
            <FieldMessage id=error_id.clone() message=error />
            <select
                class="input"
                id=name
                name=name
                aria-describedby=error_id
                aria-invalid=move || if has_error() { "true" } else { "false" }
            >
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let selected = value == chosen;
                        view! { <option value=value selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
