//! Step 2's form: live totals, the amount and the allocation preview, computed
//! in the browser by the shared `domain::selection` rules the server applies
//! again when «PAYER» reaches it.
//!
//! The server renders the whole form, its totals and preview included, so it
//! reads and works the same without JavaScript: a plain HTML form posting to the
//! `start_payment` server function, answered with the same messages. The
//! island reads the lines from the table's rows (`data-*`), follows the
//! checkboxes and the amount, updates the totals, the preview and the messages
//! already shown, stops a request that breaks a rule before it leaves, and
//! keeps «PAYER» from being sent twice.

use crate::api::pay::StartPayment;
use crate::components::error_summary::error_text;
use crate::domain::selection::{select, validate_payment};
use crate::domain::{Allocation, CreanceLine, Euros};
use leptos::prelude::*;
use server_fn::ServerFn;

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
    /// The server's message about the lines, if any.
    pub selection_error: Option<String>,
    /// The server's message about the amount, if any.
    pub amount_error: Option<String>,
}

/// The name of the lines' checkboxes (`children` must use it).
pub const LINE_FIELD: &str = "selected[]";

fn count_label(n: usize) -> String {
    format!("{n} références sélectionné(es)")
}

/// «Ce paiement réglera :» and the shares.
const ALLOCATION_TITLE: &str = "Ce paiement réglera :";
/// «PAYER».
const PAY: &str = "PAYER";

/// The allocation preview, as the server renders it.
fn allocation_view(allocations: Vec<Allocation>) -> impl IntoView {
    view! {
        <h3 class="allocation__title">{ALLOCATION_TITLE}</h3>
        <ul class="allocation__list">
            {allocations
                .into_iter()
                .map(|a| view! { <li><span class="mono">{a.reference.to_string()}</span> " : " {a.amount.to_string()}</li> })
                .collect_view()}
        </ul>
    }
}

/// The step-2 form around `children` (the server-rendered table of lines).
#[component]
pub fn SelectionForm(data: SelectionFormData, children: Children) -> impl IntoView {
    let SelectionFormData { entered, lines, selected, amount, selection_error, amount_error } = data;
    let (count, total) = select(&lines, &selected).map(|s| (s.lines.len(), s.total)).unwrap_or((0, Euros::ZERO));
    let preview = validate_payment(&lines, &selected, &amount).ok().map(|p| allocation_view(p.allocations));
    let amount_invalid = amount_error.is_some();
    view! {
        <SelectionFormLive>
            <form id="selection-form" class="form selection-form" method="post" action=StartPayment::url() novalidate>
                <input type="hidden" name="reference" value=entered />
                {children()}
                <p class="field-error" id="selection-error" tabindex="-1" aria-live="polite">
                    {error_text(selection_error)}
                </p>
                <div class="totals" id="selection-summary" aria-live="polite">
                    <p id="selection-count">{count_label(count)}</p>
                    <p class="totals__sum">
                        "Solde total à payer : " <strong id="selection-total">{total.to_string()}</strong>
                    </p>
                </div>
                <p class="required-note">"* champ obligatoire"</p>
                <div class="field" class:field--error=amount_invalid id="amount-field">
                    <label class="field__label" for="amount">
                        "Montant du paiement * :"
                    </label>
                    <p class="field__hint" id="amount-hint">
                        "Vous pouvez payer entre 16 € et 50 € par paiement"
                    </p>
                    <p class="field-error" id="amount-error" aria-live="polite">
                        {error_text(amount_error)}
                    </p>
                    <span class="amount-input">
                        <input
                            class="input input--amount"
                            id="amount"
                            name="amount"
                            type="text"
                            inputmode="decimal"
                            autocomplete="off"
                            value=amount
                            aria-describedby="amount-hint amount-error"
                            aria-invalid=if amount_invalid { "true" } else { "false" }
                        />
                        " €"
                    </span>
                </div>
                <div class="allocation" id="allocation" aria-live="polite">{preview}</div>
                <div class="actions">
                    <button type="submit" class="button button--secondary" form="abandon-form">
                        "ABANDONNER"
                    </button>
                    <button type="submit" class="button" id="pay" aria-disabled="false">{PAY}</button>
                </div>
            </form>
        </SelectionFormLive>
    }
}

/// The live part of step 2 (see the module documentation).
#[island]
pub fn SelectionFormLive(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    live::wire();
    children()
}

#[cfg(feature = "hydrate")]
mod live {
    use super::{ALLOCATION_TITLE, LINE_FIELD, PAY, count_label};
    use crate::components::dom;
    use crate::domain::selection::{PaymentErrors, select, validate_payment};
    use crate::domain::{AvisReference, CreanceLine, Euros, IssueDate, ValidPayment};
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{Element, Event, HtmlFormElement, HtmlInputElement, SubmitEvent};
    use std::cell::Cell;
    use std::rc::Rc;

    /// «PAYER» while the payment is being sent.
    const PAYING: &str = "PAIEMENT EN COURS…";

    struct Form {
        form: HtmlFormElement,
        amount: HtmlInputElement,
        lines: Vec<CreanceLine>,
        sending: Cell<bool>,
    }

    /// A line from its row's `data-*` attributes.
    fn line_of(row: &Element) -> Option<CreanceLine> {
        let data = |name: &str| row.get_attribute(name);
        let cents = |name: &str| data(name)?.parse::<i64>().ok().map(Euros::from_cents);
        Some(CreanceLine {
            reference: AvisReference::parse(&data("data-reference")?).ok()?,
            issued_on: IssueDate::parse_iso(&data("data-issued")?).ok()?,
            initial: cents("data-initial")?,
            restant: cents("data-restant")?,
            payment_in_progress: data("data-held")? == "1",
        })
    }

    fn all(form: &HtmlFormElement, selector: &str) -> Vec<Element> {
        let Ok(nodes) = form.query_selector_all(selector) else { return Vec::new() };
        (0..nodes.length()).filter_map(|i| nodes.item(i)).filter_map(|n| n.dyn_into().ok()).collect()
    }

    impl Form {
        fn ticked(&self) -> Vec<String> {
            all(&self.form, "input[type=checkbox]:checked")
                .into_iter()
                .filter_map(|e| e.dyn_into::<HtmlInputElement>().ok())
                .filter(|input| input.name() == LINE_FIELD)
                .map(|input| input.value())
                .collect()
        }

        fn validation(&self) -> Result<ValidPayment, PaymentErrors> {
            validate_payment(&self.lines, &self.ticked(), &self.amount.value())
        }

        fn show_selection_error(&self, message: Option<String>) {
            dom::show_error("selection-error", message.as_deref());
        }

        fn show_amount_error(&self, message: Option<String>) {
            dom::show_error("amount-error", message.as_deref());
            dom::set_invalid(&self.amount, message.is_some());
            dom::toggle_class("amount-field", "field--error", message.is_some());
        }

        /// Totals and preview, after any change.
        fn refresh(&self) {
            let ticked = self.ticked();
            let (count, total) =
                select(&self.lines, &ticked).map(|s| (s.lines.len(), s.total)).unwrap_or((0, Euros::ZERO));
            if let Some(element) = dom::element("selection-count") {
                element.set_text_content(Some(&count_label(count)));
            }
            if let Some(element) = dom::element("selection-total") {
                element.set_text_content(Some(&total.to_string()));
            }
            self.show_preview(validate_payment(&self.lines, &ticked, &self.amount.value()).as_ref().ok());
        }

        /// The messages already shown follow the person's corrections.
        fn refresh_messages(&self) {
            let errors = self.validation().err().unwrap_or_default();
            if shown("selection-error") {
                self.show_selection_error(errors.selection.as_ref().map(ToString::to_string));
            }
            if shown("amount-error") {
                self.show_amount_error(errors.amount.as_ref().map(ToString::to_string));
            }
        }

        fn show_preview(&self, payment: Option<&ValidPayment>) {
            let (Some(target), Some(document)) = (dom::element("allocation"), dom::document()) else { return };
            target.set_text_content(None);
            let Some(payment) = payment else { return };
            let element =
                |tag: &str, class: &str| document.create_element(tag).ok().inspect(|e| e.set_class_name(class));
            let (Some(title), Some(list)) = (element("h3", "allocation__title"), element("ul", "allocation__list"))
            else {
                return;
            };
            title.set_text_content(Some(ALLOCATION_TITLE));
            for share in &payment.allocations {
                let (Some(item), Some(reference)) = (element("li", ""), element("span", "mono")) else { continue };
                reference.set_text_content(Some(share.reference.as_str()));
                let _ = item.append_child(&reference);
                let _ = item.append_child(&document.create_text_node(&format!(" : {}", share.amount)));
                let _ = list.append_child(&item);
            }
            let _ = target.append_child(&title);
            let _ = target.append_child(&list);
        }

        fn set_sending(&self, sending: bool) {
            self.sending.set(sending);
            if let Some(button) = dom::element("pay") {
                let _ = button.set_attribute("aria-disabled", if sending { "true" } else { "false" });
                button.set_text_content(Some(if sending { PAYING } else { PAY }));
            }
        }

        fn submit(&self, event: &SubmitEvent) {
            if self.sending.get() {
                event.prevent_default();
                return;
            }
            match self.validation() {
                Ok(_) => self.set_sending(true),
                Err(errors) => {
                    event.prevent_default();
                    self.show_selection_error(errors.selection.as_ref().map(ToString::to_string));
                    self.show_amount_error(errors.amount.as_ref().map(ToString::to_string));
                    dom::focus(if errors.selection.is_some() { "selection-error" } else { "amount" });
                }
            }
        }
    }

    /// True when the message element `id` shows a message.
    fn shown(id: &str) -> bool {
        dom::element(id).and_then(|e| e.text_content()).is_some_and(|t| !t.trim().is_empty())
    }

    pub fn wire() {
        let (Some(form), Some(amount)) =
            (dom::element("selection-form").and_then(|e| e.dyn_into::<HtmlFormElement>().ok()), dom::input("amount"))
        else {
            return;
        };
        let lines = all(&form, "tr[data-reference]").iter().filter_map(line_of).collect();
        let state = Rc::new(Form { form: form.clone(), amount: amount.clone(), lines, sending: Cell::new(false) });
        // What the person did before the page became live counts too.
        state.refresh();
        let on_change = state.clone();
        dom::on(&form, "change", move |_: Event| {
            on_change.refresh();
            on_change.refresh_messages();
        });
        let on_input = state.clone();
        dom::on(&amount, "input", move |_: Event| {
            on_input.refresh();
            on_input.refresh_messages();
        });
        let on_submit = state.clone();
        dom::on(&form, "submit", move |event: SubmitEvent| on_submit.submit(&event));
        // Coming back with the browser's back button must not leave «PAYER» stuck.
        if let Some(window) = leptos::web_sys::window() {
            dom::on(&window, "pageshow", move |_: Event| state.set_sending(false));
        }
    }
}
