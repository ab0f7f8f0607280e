//! The «Numéro de sécurité sociale» field, with live format feedback computed in
//! the browser by the same `Nir::parse` the server uses.
//!
//! The server renders the whole field (what was typed before, its error); the
//! island only listens to the input and updates the message in place.

use crate::api::terminal::is_terminal;
use crate::components::error_summary::error_text;
use crate::domain::Nir;
use leptos::prelude::*;

/// Live feedback on a NIR as typed: `None` while it may still be incomplete.
#[cfg_attr(not(any(feature = "hydrate", test)), expect(dead_code, reason = "the browser's live check"))]
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
#[component]
pub fn NirField(value: String, error: Option<String>) -> impl IntoView {
    let invalid = error.is_some();
    view! {
        <NirFieldLive>
            <div class="field" class:field--error=invalid id="nir-field">
                <label class="field__label" for="nir">
                    "Numéro de sécurité sociale"
                </label>
                <p class="field__hint" id="nir-hint">
                    "13 chiffres, ou 15 avec la clé. Les espaces sont acceptés."
                </p>
                <p class="field-error" id="nir-error" aria-live="polite">
                    {error_text(error)}
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
                    aria-invalid=if invalid { "true" } else { "false" }
                    value=value
                />
            </div>
        </NirFieldLive>
    }
}

/// Checks the number as it is typed (`input`) and when the field is left
/// (`change`).
#[island]
pub fn NirFieldLive(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    live::wire();
    children()
}

#[cfg(feature = "hydrate")]
mod live {
    use super::feedback;
    use crate::components::dom;
    use leptos::web_sys::Event;

    /// What the field says when the number is well formed.
    const WELL_FORMED: &str = "Numéro au bon format.";

    pub fn wire() {
        let Some(input) = dom::input("nir") else { return };
        for (event, finished) in [("input", false), ("change", true)] {
            let field = input.clone();
            dom::on(&input, event, move |_: Event| show(feedback(&field.value(), finished), &field));
        }
    }

    fn show(state: Option<Result<(), String>>, input: &leptos::web_sys::HtmlInputElement) {
        let error = match &state {
            Some(Err(message)) => Some(message.as_str()),
            _ => None,
        };
        dom::show_error("nir-error", error);
        if matches!(state, Some(Ok(())))
            && let (Some(target), Some(document)) = (dom::element("nir-error"), dom::document())
            && let Ok(ok) = document.create_element("span")
        {
            ok.set_class_name("field-ok");
            ok.set_text_content(Some(WELL_FORMED));
            let _ = target.append_child(&ok);
        }
        dom::set_invalid(input, error.is_some());
        dom::toggle_class("nir-field", "field--error", error.is_some());
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
