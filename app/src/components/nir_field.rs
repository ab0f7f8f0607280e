//! The «Numéro de sécurité sociale» field, with live format feedback computed in
//! the browser by the same `Nir::parse` the server uses.
//!
//! The input is left to the person (not bound to a signal); what they type is
//! checked as they type (`input`) and when they leave the field (`change`). A
//! refusal from the server (after a post, or a call from the browser) replaces
//! the live feedback until they type again.

use crate::api::terminal::is_terminal;
use crate::components::error_summary::error_text;
use crate::domain::Nir;
use leptos::prelude::*;

/// What the field says when the number is well formed.
pub const WELL_FORMED: &str = "Numéro au bon format.";

/// Live feedback on a NIR as typed: `None` while it may still be incomplete.
pub fn feedback(value: &str, finished: bool) -> Option<Result<(), String>> {
    let typed = value.chars().filter(|c| !c.is_whitespace()).count();
    if value.trim().is_empty() {
        return None;
    }
    match Nir::parse(value) {
        Ok(_) => Some(Ok(())),
        Err(error) if finished || typed >= 15 => Some(Err(error.to_string())),
        Err(_) => None,
    }
}

/// The NIR input. `value` is what was typed before a post without
/// JavaScript; `error` the server's refusal, if any.
#[component]
pub fn NirField(
    /// The value typed before.
    value: String,
    /// The server's message.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    // The browser's own check since the person last typed (`None` before).
    let live = RwSignal::new(None::<Option<Result<(), String>>>);
    Effect::watch(move || error.get(), move |_, _, _| live.set(None), false);
    let message = move || match live.get() {
        Some(state) => state.and_then(Result::err),
        None => error.get(),
    };
    let well_formed = move || matches!(live.get(), Some(Some(Ok(()))));
    let check = move |value: String, finished: bool| live.set(Some(feedback(&value, finished)));
    view! {
        <div class="field" class:field--error=move || message().is_some()>
            <label class="field__label" for="nir">
                "Numéro de sécurité sociale"
            </label>
            <p class="field__hint" id="nir-hint">
                "13 chiffres, ou 15 avec la clé. Les espaces sont acceptés."
            </p>
            <p class="field-error" id="nir-error" aria-live="polite">
                {move || error_text(message())}
                {move || well_formed().then(|| view! { <span class="field-ok">{WELL_FORMED}</span> })}
            </p>
            <input
                class="input"
                id="nir"
                name="nir"
                type="text"
                // A public terminal's browser keeps no one's identifiers.
                autocomplete=if is_terminal() { "off" } else { "username" }
                spellcheck="false"
                required
                aria-describedby="nir-hint nir-error"
                aria-invalid=move || if message().is_some() { "true" } else { "false" }
                value=value
                on:input=move |event| check(event_target_value(&event), false)
                on:change=move |event| check(event_target_value(&event), true)
            />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::feedback;

    #[test]
    fn waits_for_a_complete_number_before_complaining() {
        assert_eq!(feedback("", false), None);
        assert_eq!(feedback("18302", false), None);
        assert_eq!(feedback("1830201053123", false), Some(Ok(())));
        assert!(matches!(feedback("18302", true), Some(Err(_))));
        assert!(matches!(feedback("183020105312393", false), Some(Err(_))));
    }
}
