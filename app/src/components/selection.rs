//! Step 2's form: the lines to pay with their checkboxes, the live totals, the
//! amount and the allocation preview, computed in the browser by the shared
//! `domain::selection` rules that the server applies again when «PAYER»
//! reaches it.
//!
//! The server renders the whole form, totals and preview included, so it reads
//! and works the same without JavaScript: a plain form posting to the
//! `start_payment` server function, answered with the same messages. In the
//! browser the totals, the preview and the messages already shown follow each
//! tick and keystroke; «PAYER» checks the rules before anything is sent (the
//! summary then takes the focus), and sends once. The checkboxes and the
//! amount are left to the person (not bound to signals): what they did before
//! the page was live counts.

use crate::api::pay::StartPayment;
use crate::components::error_summary::{ErrorSummary, error_text};
use crate::components::form::{FormAction, Refusal, ServerForm, SubmitButton, refusal};
use crate::components::table::{CREANCE_COLUMNS, Cell};
use crate::domain::selection::{PaymentErrors, select, validate_payment};
use crate::domain::{Allocation, CreanceLine, Euros};
use crate::error::FieldErrors;
use leptos::html::Input;
use leptos::prelude::*;

/// What the form shows after the server's last look at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectionFormData {
    /// The reference entered on step 1.
    pub entered: String,
    /// The lines, the entered one first.
    pub lines: Vec<CreanceLine>,
    /// The lines ticked.
    pub selected: Vec<String>,
    /// The amount typed before.
    pub amount: String,
    /// The server's messages after a post without JavaScript (`selected`, `amount`).
    pub errors: FieldErrors,
}

/// The name of the lines' checkboxes.
pub const LINE_FIELD: &str = "selected[]";

fn count_label(n: usize) -> String {
    format!("{n} références sélectionné(es)")
}

/// The form's messages: about the lines, about the amount, about the whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Messages {
    /// About the ticked lines.
    pub selection: Option<String>,
    /// About the amount.
    pub amount: Option<String>,
    /// About the whole form (the service unavailable…).
    pub form: Option<String>,
}

impl Messages {
    /// What a refusal of the server says.
    pub fn refused(refusal: &Refusal) -> Messages {
        Messages { selection: refusal.field("selected"), amount: refusal.field("amount"), form: refusal.form.clone() }
    }

    /// What the browser's check says.
    pub fn checked(errors: &PaymentErrors) -> Messages {
        Messages {
            selection: errors.selection.as_ref().map(ToString::to_string),
            amount: errors.amount.as_ref().map(ToString::to_string),
            form: None,
        }
    }

    /// A message already shown follows the person's corrections (it changes
    /// or goes); no new one appears before «PAYER».
    pub fn follow(&self, errors: &PaymentErrors) -> Messages {
        let now = Messages::checked(errors);
        Messages {
            selection: self.selection.as_ref().and(now.selection),
            amount: self.amount.as_ref().and(now.amount),
            form: None,
        }
    }

    /// The error summary's lines.
    fn summary(&self) -> Vec<(String, String)> {
        [("selection-error", &self.selection), ("amount", &self.amount), ("", &self.form)]
            .into_iter()
            .filter_map(|(anchor, message)| message.clone().map(|m| (anchor.to_owned(), m)))
            .collect()
    }
}

/// The allocation preview.
fn allocation_view(allocations: Vec<Allocation>) -> impl IntoView {
    view! {
        <h3 class="allocation__title">"Ce paiement réglera :"</h3>
        <ul class="allocation__list">
            {allocations
                .into_iter()
                .map(|a| view! { <li><span class="mono">{a.reference.to_string()}</span> " : " {a.amount.to_string()}</li> })
                .collect_view()}
        </ul>
    }
}

/// Step 2's form (see the module documentation).
#[component]
pub fn SelectionForm(data: SelectionFormData) -> impl IntoView {
    let SelectionFormData { entered, lines, selected, amount, errors } = data;
    let action = FormAction::<StartPayment>::new();
    let refused = refusal(action, errors);
    let shown = RwSignal::new(Messages::refused(&refused.get_untracked()));
    // How many times the summary was brought up from the browser (it then takes the focus).
    let alerts = RwSignal::new(0_usize);
    Effect::watch(
        move || refused.get(),
        move |refusal, _, _| {
            shown.set(Messages::refused(refusal));
            alerts.update(|n| *n += 1);
        },
        false,
    );

    let checkboxes: Vec<(String, NodeRef<Input>)> =
        lines.iter().map(|line| (line.reference.to_string(), NodeRef::new())).collect();
    let amount_input = NodeRef::<Input>::new();
    let lines = StoredValue::new(lines);
    let ticked = RwSignal::new(selected.clone());
    let typed = RwSignal::new(amount.clone());
    let validation = move || lines.with_value(|lines| validate_payment(lines, &ticked.get(), &typed.get()));

    // The lines ticked, in the table's order, as the checkboxes say.
    let read_ticked = {
        let checkboxes = checkboxes.clone();
        move || {
            checkboxes
                .iter()
                .filter(|(_, input)| input.get_untracked().is_some_and(|i| i.checked()))
                .map(|(reference, _)| reference.clone())
                .collect::<Vec<_>>()
        }
    };
    let refresh = {
        let read_ticked = read_ticked.clone();
        move || {
            ticked.set(read_ticked());
            if let Some(input) = amount_input.get_untracked() {
                typed.set(input.value());
            }
            let errors = validation().err().unwrap_or_default();
            shown.update(|messages| *messages = messages.follow(&errors));
        }
    };
    // What the person did before the page became live counts too.
    #[cfg(feature = "hydrate")]
    {
        let refresh = refresh.clone();
        Effect::new(refresh);
    }
    let check = Callback::new(move |()| match validation() {
        Ok(_) => true,
        Err(errors) => {
            shown.set(Messages::checked(&errors));
            alerts.update(|n| *n += 1);
            false
        }
    });

    let totals = move || {
        lines.with_value(|lines| {
            select(lines, &ticked.get()).map(|s| (s.lines.len(), s.total)).unwrap_or((0, Euros::ZERO))
        })
    };
    let preview = move || validation().ok().map(|payment| allocation_view(payment.allocations));
    let amount_message = move || shown.with(|m| m.amount.clone());
    let selection_message = move || shown.with(|m| m.selection.clone());
    let rows = lines.with_value(|lines| {
        lines
            .iter()
            .zip(checkboxes.iter())
            .map(|(line, (reference, checkbox))| {
                let ticked = selected.contains(reference);
                line_row(line.clone(), ticked, *reference == entered, *checkbox, refresh.clone())
            })
            .collect_view()
    });
    let count = lines.with_value(Vec::len);
    view! {
        <ErrorSummary errors=Signal::derive(move || shown.with(Messages::summary)) refused=alerts />
        <ServerForm action class="form selection-form" check>
            <input type="hidden" name="reference" value=entered.clone() />
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
            <p class="field-error" id="selection-error" tabindex="-1" aria-live="polite">
                {move || error_text(selection_message())}
            </p>
            <div class="totals" id="selection-summary" aria-live="polite">
                <p id="selection-count">{move || count_label(totals().0)}</p>
                <p class="totals__sum">
                    "Solde total à payer : " <strong id="selection-total">{move || totals().1.to_string()}</strong>
                </p>
            </div>
            <p class="required-note">"* champ obligatoire"</p>
            <div class="field" class:field--error=move || amount_message().is_some() id="amount-field">
                <label class="field__label" for="amount">
                    "Montant du paiement * :"
                </label>
                <p class="field__hint" id="amount-hint">
                    "Vous pouvez payer entre 16 € et 50 € par paiement"
                </p>
                <p class="field-error" id="amount-error" aria-live="polite">
                    {move || error_text(amount_message())}
                </p>
                <span class="amount-input">
                    <input
                        node_ref=amount_input
                        class="input input--amount"
                        id="amount"
                        name="amount"
                        type="text"
                        inputmode="decimal"
                        autocomplete="off"
                        value=amount
                        aria-describedby="amount-hint amount-error"
                        aria-invalid=move || if amount_message().is_some() { "true" } else { "false" }
                        on:input={
                            let refresh = refresh.clone();
                            move |_| refresh()
                        }
                    />
                    " €"
                </span>
            </div>
            <div class="allocation" id="allocation" aria-live="polite">{preview}</div>
            <div class="actions">
                <a class="button button--secondary" href=crate::routes::PAY>"ABANDONNER"</a>
                <SubmitButton label="PAYER" pending=action.pending() />
            </div>
        </ServerForm>
    }
}

/// One line of the table with its checkbox. On a phone each line is a card
/// whose whole top part (checkbox and reference) is the tap target.
fn line_row(
    line: CreanceLine,
    ticked: bool,
    is_entered: bool,
    checkbox: NodeRef<Input>,
    refresh: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let [_, issued_column, initial_column, restant_column] = CREANCE_COLUMNS.map(|(name, _)| name);
    let reference = line.reference.to_string();
    let id = format!("line-{reference}");
    let held = line.payment_in_progress;
    let (issued, initial, restant) = (line.issued_on.to_string(), line.initial.to_string(), line.restant.to_string());
    view! {
        <tr role="row" class="line" class:row--disabled=!line.is_selectable()>
            <td role="cell" class="check">
                <input
                    node_ref=checkbox
                    type="checkbox"
                    name=LINE_FIELD
                    value=reference.clone()
                    id=id.clone()
                    checked=ticked
                    disabled=!line.is_selectable()
                    aria-describedby="selection-summary"
                    on:change=move |_| refresh()
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
}

#[cfg(test)]
mod tests {
    use super::Messages;
    use crate::domain::selection::{PaymentError, PaymentErrors};

    #[test]
    fn a_message_shown_follows_the_corrections_and_no_new_one_appears_before_payer() {
        let shown = Messages { selection: None, amount: Some("trop".to_owned()), form: None };
        let errors =
            PaymentErrors { selection: Some(PaymentError::NoLine), amount: Some(PaymentError::AmountOverTotal) };
        let followed = shown.follow(&errors);
        assert_eq!(followed.selection, None, "no new message about the lines");
        assert_eq!(followed.amount, Some(PaymentError::AmountOverTotal.to_string()));
        assert_eq!(shown.follow(&PaymentErrors::default()), Messages::default(), "corrected: the message goes");
    }

    #[test]
    fn the_summary_lists_the_lines_then_the_amount_then_the_form() {
        let messages =
            Messages { selection: Some("s".to_owned()), amount: Some("a".to_owned()), form: Some("f".to_owned()) };
        assert_eq!(
            messages.summary(),
            vec![
                ("selection-error".to_owned(), "s".to_owned()),
                ("amount".to_owned(), "a".to_owned()),
                (String::new(), "f".to_owned())
            ]
        );
    }
}
