//! The 17 boxes of «Référence de l'avis»: one accessible group, a numeric keypad
//! for the digits (self-service terminals have no keyboard), auto-advance,
//! backspace back, and a whole reference pasted into any box spread over all.
//!
//! Without JavaScript the boxes are plain inputs posted in order; a whole
//! reference typed or pasted into the first one works too (the server joins
//! them). In the browser the component moves between the boxes, spreads what
//! is pasted, and once every box is filled says whether the reference is well
//! formed (`AvisReference::parse`, as the server). The boxes are left to the
//! person (not bound to signals): what they type before the page is live
//! stays.

use crate::components::error_summary::error_text;
use crate::domain::reference::{DIGITS, LENGTH, box_characters};
use leptos::html::Input;
use leptos::prelude::*;

fn box_label(index: usize) -> String {
    if index < DIGITS { format!("Chiffre {} sur {DIGITS}", index + 1) } else { "Lettre finale".to_owned() }
}

/// The id of box `index` (the first is the group's target, `reference`).
fn box_id(index: usize) -> String {
    if index == 0 { "reference".to_owned() } else { format!("reference-{index}") }
}

/// Where `count` characters typed or pasted into box `index` go: from the
/// first box for a whole reference, else from that box on; and the box that
/// has the focus after.
pub fn placement(index: usize, count: usize) -> (usize, usize) {
    let start = if count >= LENGTH { 0 } else { index };
    (start, (start + count).min(LENGTH - 1))
}

/// The browser's verdict once every box is filled (`None` before): the
/// reference's error, if any.
pub fn verdict(boxes: &[String]) -> Option<Option<String>> {
    let typed: String = boxes.concat();
    (box_characters(&typed).len() == LENGTH)
        .then(|| crate::domain::AvisReference::parse(&typed).err().map(|error| error.to_string()))
}

/// The boxes, pre-filled with `value` (what was typed before), with the
/// server's `error`.
#[component]
pub fn ReferenceBoxes(
    /// What was typed before a post without JavaScript.
    value: String,
    /// The server's message.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let initial = box_characters(&value);
    let boxes: [NodeRef<Input>; LENGTH] = std::array::from_fn(|_| NodeRef::new());
    // The browser's verdict since the boxes were last all filled.
    let live = RwSignal::new(None::<Option<String>>);
    Effect::watch(move || error.get(), move |_, _, _| live.set(None), false);
    let message = move || live.get().unwrap_or_else(|| error.get());
    let invalid = move || if message().is_some() { "true" } else { "false" };

    let value_of = move |index: usize| boxes[index].get_untracked().map(|input| input.value()).unwrap_or_default();
    let focus = move |index: usize| {
        if let Some(input) = boxes.get(index).and_then(|b| b.get_untracked()) {
            let _ = input.focus();
            input.select();
        }
    };
    // Writes `chars` from their place on, focuses the next box, and checks.
    let spread = move |index: usize, chars: &[char]| {
        let (start, next) = placement(index, chars.len());
        for (offset, c) in chars.iter().enumerate() {
            if let Some(input) = boxes.get(start + offset).and_then(|b| b.get_untracked()) {
                input.set_value(&c.to_string());
            }
        }
        focus(next);
        let typed: Vec<String> = (0..LENGTH).map(value_of).collect();
        if let Some(verdict) = verdict(&typed) {
            live.set(Some(verdict));
        }
    };

    let inputs = (0..LENGTH)
        .map(|index| {
            let value = initial.get(index).map(char::to_string).unwrap_or_default();
            let is_letter = index == DIGITS;
            view! {
                <input
                    node_ref=boxes[index]
                    class="ref-box"
                    class:ref-box--letter=is_letter
                    class:ref-box--group-end=matches!(index, 3 | 7 | 11 | 15)
                    name="reference[]"
                    type="text"
                    value=value
                    inputmode=if is_letter { "text" } else { "numeric" }
                    pattern=if is_letter { "[A-Za-z]" } else { "[0-9]" }
                    autocapitalize="characters"
                    autocomplete="off"
                    spellcheck="false"
                    aria-label=box_label(index)
                    aria-describedby="reference-hint reference-error"
                    aria-invalid=invalid
                    id=box_id(index)
                    on:input=move |_| {
                        let chars = box_characters(&value_of(index));
                        if !chars.is_empty() {
                            spread(index, &chars);
                        }
                    }
                    on:paste=move |event| {
                        let text = event.clipboard_data().and_then(|data| data.get_data("text").ok()).unwrap_or_default();
                        let chars = box_characters(&text);
                        if chars.len() > 1 {
                            event.prevent_default();
                            spread(index, &chars);
                        }
                    }
                    on:focus=move |_| {
                        if let Some(input) = boxes[index].get_untracked() {
                            input.select();
                        }
                    }
                    on:keydown=move |event| match event.key().as_str() {
                        "Backspace" if index > 0 && value_of(index).is_empty() => {
                            event.prevent_default();
                            if let Some(previous) = boxes[index - 1].get_untracked() {
                                previous.set_value("");
                            }
                            focus(index - 1);
                        }
                        "ArrowLeft" if index > 0 => focus(index - 1),
                        "ArrowRight" if index + 1 < LENGTH => focus(index + 1),
                        _ => {}
                    }
                />
            }
        })
        .collect_view();
    view! {
        <fieldset class="field reference-field" class:field--error=move || message().is_some()>
            <legend class="field__label" id="reference-legend">
                "Référence de l'avis * :"
            </legend>
            <p class="field__hint" id="reference-hint">
                "16 chiffres puis 1 lettre, par exemple 6311631200000297F. Vous pouvez coller la référence entière."
            </p>
            <p class="field-error" id="reference-error" aria-live="polite">
                {move || error_text(message())}
            </p>
            <div class="ref-boxes">{inputs}</div>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::{LENGTH, placement, verdict};

    #[test]
    fn a_character_goes_to_its_box_and_the_focus_to_the_next() {
        assert_eq!(placement(0, 1), (0, 1));
        assert_eq!(placement(5, 1), (5, 6));
        // The last box keeps the focus.
        assert_eq!(placement(16, 1), (16, 16));
    }

    #[test]
    fn a_pasted_part_spreads_from_its_box_and_a_whole_reference_from_the_first() {
        assert_eq!(placement(3, 4), (3, 7));
        assert_eq!(placement(10, 10), (10, 16));
        assert_eq!(placement(9, LENGTH), (0, 16));
        assert_eq!(placement(9, LENGTH + 3), (0, 16));
    }

    #[test]
    fn the_verdict_waits_for_every_box_then_says_what_the_server_would() {
        let boxes = |text: &str| text.chars().map(String::from).collect::<Vec<_>>();
        assert_eq!(verdict(&boxes("381190740000")), None);
        assert_eq!(verdict(&boxes("3811907400001234F")), Some(None));
        assert_eq!(
            verdict(&boxes("38119074000012345")),
            Some(Some("La référence doit comporter 16 chiffres et 1 lettre.".to_owned()))
        );
    }
}
