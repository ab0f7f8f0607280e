//! A labelled text field with its hint and error, wired for screen readers.

use super::error_summary::FieldMessage;
use leptos::prelude::*;

/// One input: label, optional hint, error (from the server), value kept.
/// The input is not bound to a signal: what the person types stays theirs
/// while the page becomes live.
#[component]
pub fn TextField(
    /// The input's `name` and `id`.
    name: &'static str,
    /// The visible label.
    label: &'static str,
    /// The input's `type`.
    #[prop(default = "text")]
    kind: &'static str,
    /// The `autocomplete` token.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// A hint under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The value to show.
    #[prop(optional)]
    value: String,
    /// The error to show.
    #[prop(optional, into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let has_error = move || error.with(Option::is_some);
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described = if hint.is_some() { format!("{hint_id} {error_id}") } else { error_id.clone() };
    view! {
        <div class="field" class:field--error=has_error>
            <label class="field__label" for=name>{label}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id>{h}</p> })}
            <FieldMessage id=error_id message=error />
            <input
                class="input"
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                value=value
                aria-describedby=described
                aria-invalid=move || if has_error() { "true" } else { "false" }
                required
            />
        </div>
    }
}
