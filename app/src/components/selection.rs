//! Step 2's form: live totals, the amount and the allocation preview, computed
//! in the browser by the shared `domain::selection` rules the server applies
//! again when «PAYER» reaches it.
//!
//! The form is a plain HTML form posting to the `start_payment` server function:
//! without JavaScript it posts as is and the server answers with the same
//! messages. With JavaScript, a request that breaks a rule is stopped before it
//! leaves, and «PAYER» cannot be sent twice. The table of lines is rendered on
//! the server and passed in as `children` (it ships no WebAssembly); the island
//! follows its checkboxes through the `change` events that bubble to the form.

use crate::api::pay::StartPayment;
use crate::components::error_summary::error_text;
use crate::domain::selection::{PaymentErrors, select, validate_payment};
use crate::domain::{CreanceLine, Euros, ValidPayment};
use leptos::html::{Form, Input};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{HtmlElement, HtmlInputElement, SubmitEvent};
use server_fn::ServerFn;

/// What the form needs to check a payment as the person builds it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SelectionFormData {
    /// The reference entered on step 1.
    pub entered: String,
    /// The lines, the entered one first.
    pub lines: Vec<CreanceLine>,
    /// The lines ticked at first.
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

/// The step-2 form around `children` (the server-rendered table of lines).
#[island]
pub fn SelectionForm(data: SelectionFormData, children: Children) -> impl IntoView {
    let SelectionFormData { entered, lines, selected, amount, selection_error, amount_error } = data;
    let lines = StoredValue::new(lines);
    let (ticked, set_ticked) = signal(selected);
    let (amount_text, set_amount_text) = signal(amount.clone());
    let (selection_message, set_selection_message) = signal(selection_error);
    let (amount_message, set_amount_message) = signal(amount_error);
    let (sending, set_sending) = signal(false);
    let form_ref = NodeRef::<Form>::new();
    let amount_ref = NodeRef::<Input>::new();

    // Reads the ticked lines and the amount from the page: what the person did
    // before the page became live counts too.
    let sync_from_page = move || {
        if let Some(input) = amount_ref.get_untracked() {
            set_amount_text.set(input.value());
        }
        if let Some(form) = form_ref.get_untracked()
            && let Ok(boxes) = form.query_selector_all("input[type=checkbox]:checked")
        {
            let checked = (0..boxes.length())
                .filter_map(|i| boxes.item(i))
                .filter_map(|node| node.dyn_into::<HtmlInputElement>().ok())
                .filter(|input| input.name() == LINE_FIELD)
                .map(|input| input.value())
                .collect();
            set_ticked.set(checked);
        }
    };
    Effect::new(move |_| sync_from_page());

    let totals: Memo<(usize, Euros)> = Memo::new(move |_| {
        lines.with_value(|lines| {
            ticked.with(|t| select(lines, t).map(|s| (s.lines.len(), s.total)).unwrap_or((0, Euros::ZERO)))
        })
    });
    let validation: Memo<Result<ValidPayment, PaymentErrors>> = Memo::new(move |_| {
        lines.with_value(|lines| ticked.with(|t| amount_text.with(|a| validate_payment(lines, t, a))))
    });
    // Messages already shown follow the person's corrections.
    let refresh_shown_errors = move || {
        let errors = validation.get_untracked().err().unwrap_or_default();
        if selection_message.get_untracked().is_some() {
            set_selection_message.set(errors.selection.as_ref().map(ToString::to_string));
        }
        if amount_message.get_untracked().is_some() {
            set_amount_message.set(errors.amount.as_ref().map(ToString::to_string));
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        if sending.get_untracked() {
            ev.prevent_default();
            return;
        }
        sync_from_page();
        match validation.get_untracked() {
            Ok(_) => set_sending.set(true),
            Err(errors) => {
                ev.prevent_default();
                set_selection_message.set(errors.selection.as_ref().map(ToString::to_string));
                set_amount_message.set(errors.amount.as_ref().map(ToString::to_string));
                let target = if errors.selection.is_some() { "selection-error" } else { "amount" };
                if let Some(element) = document().get_element_by_id(target)
                    && let Ok(element) = element.dyn_into::<HtmlElement>()
                {
                    let _ = element.focus();
                }
            }
        }
    };
    // Coming back with the browser's back button must not leave «PAYER» stuck.
    let _ = window_event_listener(leptos::ev::pageshow, move |_| set_sending.set(false));

    view! {
        <form
            node_ref=form_ref
            class="form selection-form"
            method="post"
            action=StartPayment::url()
            novalidate
            on:submit=on_submit
            on:change=move |_| {
                sync_from_page();
                refresh_shown_errors();
            }
        >
            <input type="hidden" name="reference" value=entered />
            {children()}
            <p class="field-error" id="selection-error" tabindex="-1" aria-live="polite">
                {move || error_text(selection_message.get())}
            </p>
            <div class="totals" id="selection-summary" aria-live="polite">
                <p>{move || count_label(totals.get().0)}</p>
                <p class="totals__sum">
                    "Solde total à payer : " <strong>{move || totals.get().1.to_string()}</strong>
                </p>
            </div>
            <p class="required-note">"* champ obligatoire"</p>
            <div class="field" class:field--error=move || amount_message.get().is_some()>
                <label class="field__label" for="amount">
                    "Montant du paiement * :"
                </label>
                <p class="field__hint" id="amount-hint">
                    "Vous pouvez payer entre 16 € et 50 € par paiement"
                </p>
                <p class="field-error" id="amount-error" aria-live="polite">
                    {move || error_text(amount_message.get())}
                </p>
                <span class="amount-input">
                    <input
                        node_ref=amount_ref
                        class="input input--amount"
                        id="amount"
                        name="amount"
                        type="text"
                        inputmode="decimal"
                        autocomplete="off"
                        value=amount
                        aria-describedby="amount-hint amount-error"
                        aria-invalid=move || if amount_message.get().is_some() { "true" } else { "false" }
                        on:input=move |ev| {
                            set_amount_text.set(event_target_value(&ev));
                            refresh_shown_errors();
                        }
                    />
                    " €"
                </span>
            </div>
            <div class="allocation" aria-live="polite">
                {move || {
                    validation
                        .get()
                        .ok()
                        .map(|payment| {
                            view! {
                                <h3 class="allocation__title">"Ce paiement réglera :"</h3>
                                <ul class="allocation__list">
                                    {payment
                                        .allocations
                                        .into_iter()
                                        .map(|a| {
                                            view! {
                                                <li>
                                                    <span class="mono">{a.reference.to_string()}</span>
                                                    " : "
                                                    {a.amount.to_string()}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                        })
                }}
            </div>
            <div class="actions">
                <button type="submit" class="button button--secondary" form="abandon-form">
                    "ABANDONNER"
                </button>
                <button type="submit" class="button" aria-disabled=move || if sending.get() { "true" } else { "false" }>
                    {move || if sending.get() { "PAIEMENT EN COURS…" } else { "PAYER" }}
                </button>
            </div>
        </form>
    }
}
