//! The 17 boxes of «Référence de l'avis»: one accessible group, a numeric keypad
//! for the digits (self-service terminals have no keyboard), auto-advance,
//! backspace back, and a whole reference pasted into any box spread over all.
//!
//! Without JavaScript the boxes are plain inputs posted in order; a whole
//! reference typed or pasted into the first one works too (the server joins them).
//! The server renders the boxes with what was typed before and its error; the
//! island only adds the keyboard and paste behaviour and the live check.

use crate::components::error_summary::error_text;
use crate::domain::reference::{DIGITS, LENGTH, box_characters};
use leptos::prelude::*;

fn box_label(index: usize) -> String {
    if index < DIGITS { format!("Chiffre {} sur {DIGITS}", index + 1) } else { "Lettre finale".to_owned() }
}

/// The id of box `index` (the first is the group's target, `reference`).
fn box_id(index: usize) -> String {
    if index == 0 { "reference".to_owned() } else { format!("reference-{index}") }
}

/// The boxes, pre-filled with `value` (what was typed before), with `error`.
#[component]
pub fn ReferenceBoxes(value: String, error: Option<String>) -> impl IntoView {
    let initial = box_characters(&value);
    let has_error = error.is_some();
    let invalid = if has_error { "true" } else { "false" };
    let inputs = (0..LENGTH)
        .map(|index| {
            let value = initial.get(index).map(char::to_string).unwrap_or_default();
            let is_letter = index == DIGITS;
            view! {
                <input
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
                />
            }
        })
        .collect_view();
    view! {
        <ReferenceBoxesLive>
            <fieldset class="field reference-field" class:field--error=has_error id="reference-field">
                <legend class="field__label" id="reference-legend">
                    "Référence de l'avis * :"
                </legend>
                <p class="field__hint" id="reference-hint">
                    "16 chiffres puis 1 lettre, par exemple 6311631200000297F. Vous pouvez coller la référence entière."
                </p>
                <p class="field-error" id="reference-error" aria-live="polite">
                    {error_text(error)}
                </p>
                <div class="ref-boxes">{inputs}</div>
            </fieldset>
        </ReferenceBoxesLive>
    }
}

/// Moves between the boxes as a person types, spreads a pasted reference, and
/// says once every box is filled whether the reference is well formed.
#[island]
pub fn ReferenceBoxesLive(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    live::wire();
    children()
}

#[cfg(feature = "hydrate")]
mod live {
    use super::{LENGTH, box_characters, box_id};
    use crate::components::dom;
    use crate::domain::AvisReference;
    use leptos::web_sys::{ClipboardEvent, Event, FocusEvent, HtmlInputElement, KeyboardEvent};
    use std::rc::Rc;

    /// The boxes, in order.
    struct Boxes(Vec<HtmlInputElement>);

    impl Boxes {
        fn get(&self, index: usize) -> Option<&HtmlInputElement> {
            self.0.get(index)
        }

        /// Writes `chars` into the boxes from `start`, then focuses the next one.
        fn spread(&self, start: usize, chars: &[char]) {
            for (offset, c) in chars.iter().enumerate() {
                if let Some(input) = self.get(start + offset) {
                    input.set_value(&c.to_string());
                }
            }
            self.go((start + chars.len()).min(LENGTH - 1));
        }

        fn go(&self, index: usize) {
            if let Some(input) = self.get(index) {
                let _ = input.focus();
                input.select();
            }
        }

        /// Once every box is filled, says whether the reference is well formed.
        fn check(&self) {
            let typed: String = self.0.iter().map(HtmlInputElement::value).collect();
            if box_characters(&typed).len() != LENGTH {
                return;
            }
            let error = AvisReference::parse(&typed).err().map(|e| e.to_string());
            dom::show_error("reference-error", error.as_deref());
            for input in &self.0 {
                dom::set_invalid(input, error.is_some());
            }
            dom::toggle_class("reference-field", "field--error", error.is_some());
        }
    }

    pub fn wire() {
        let boxes: Vec<HtmlInputElement> = (0..LENGTH).filter_map(|index| dom::input(&box_id(index))).collect();
        if boxes.len() != LENGTH {
            return;
        }
        let boxes = Rc::new(Boxes(boxes));
        for (index, input) in boxes.0.iter().enumerate() {
            let at = boxes.clone();
            dom::on(input, "input", move |_: Event| {
                let Some(input) = at.get(index) else { return };
                let chars = box_characters(&input.value());
                match chars.len() {
                    0 => {}
                    1 => at.spread(index, &chars),
                    n => at.spread(if n >= LENGTH { 0 } else { index }, &chars),
                }
                at.check();
            });
            let at = boxes.clone();
            dom::on(input, "paste", move |event: ClipboardEvent| {
                let text = event.clipboard_data().and_then(|d| d.get_data("text").ok()).unwrap_or_default();
                let chars = box_characters(&text);
                if chars.len() > 1 {
                    event.prevent_default();
                    at.spread(if chars.len() >= LENGTH { 0 } else { index }, &chars);
                    at.check();
                }
            });
            let at = boxes.clone();
            dom::on(input, "focus", move |_: FocusEvent| {
                if let Some(input) = at.get(index) {
                    input.select();
                }
            });
            let at = boxes.clone();
            dom::on(input, "keydown", move |event: KeyboardEvent| {
                let empty = at.get(index).is_some_and(|i| i.value().is_empty());
                match event.key().as_str() {
                    "Backspace" if empty && index > 0 => {
                        event.prevent_default();
                        if let Some(previous) = at.get(index - 1) {
                            previous.set_value("");
                        }
                        at.go(index - 1);
                    }
                    "ArrowLeft" if index > 0 => at.go(index - 1),
                    "ArrowRight" if index + 1 < LENGTH => at.go(index + 1),
                    _ => {}
                }
            });
        }
    }
}
