//! The «Numéro de sécurité sociale» field, with live format feedback computed in
//! the browser by the same `Nir::parse` the server uses.

use crate::components::error_summary::error_text;
use crate::domain::Nir;
use leptos::prelude::*;

/// Live feedback on a NIR as typed: `None` while it may still be incomplete.
fn feedback(value: &str, finished: bool) -> Option<Result<(), String>> {
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

/// The NIR input. `value` and `error` come from the server after a failed post.
#[island]
pub fn NirField(value: String, error: Option<String>) -> impl IntoView {
    let (state, set_state) = signal(error.map(Err));
    let check = move |value: String, finished: bool| set_state.set(feedback(&value, finished));
    let message = move || match state.get() {
        Some(Err(message)) => Some(error_text(Some(message)).into_any()),
        Some(Ok(())) => Some(view! { <span class="field-ok">"Numéro au bon format."</span> }.into_any()),
        None => None,
    };
    view! {
        <div class="field" class:field--error=move || matches!(state.get(), Some(Err(_)))>
            <label class="field__label" for="nir">
                "Numéro de sécurité sociale"
            </label>
            <p class="field__hint" id="nir-hint">
                "13 chiffres, ou 15 avec la clé. Les espaces sont acceptés."
            </p>
            <p class="field-error" id="nir-error" aria-live="polite">
                {message}
            </p>
            <input
                class="input"
                id="nir"
                name="nir"
                type="text"
                autocomplete="username"
                spellcheck="false"
                required
                aria-describedby="nir-hint nir-error"
                aria-invalid=move || if matches!(state.get(), Some(Err(_))) { "true" } else { "false" }
                value=value
                on:input=move |ev| check(event_target_value(&ev), false)
                on:change=move |ev| check(event_target_value(&ev), true)
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
