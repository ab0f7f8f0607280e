//! The 17 boxes of «Référence de l'avis»: one accessible group, a numeric keypad
//! for the digits (self-service terminals have no keyboard), auto-advance,
//! backspace back, and a whole reference pasted into any box spread over all.
//!
//! Without JavaScript the boxes are plain inputs posted in order; a whole
//! reference typed or pasted into the first one works too (the server joins them).

use crate::components::error_summary::error_text;
use crate::domain::reference::{AvisReference, DIGITS, LENGTH, box_characters};
use leptos::html::Input;
use leptos::prelude::*;
use leptos::web_sys::{ClipboardEvent, KeyboardEvent};

fn box_label(index: usize) -> String {
    if index < DIGITS { format!("Chiffre {} sur {DIGITS}", index + 1) } else { "Lettre finale".to_owned() }
}

/// The boxes, pre-filled with `value` (what was typed before), with `error`.
#[island]
pub fn ReferenceBoxes(value: String, error: Option<String>) -> impl IntoView {
    let initial = box_characters(&value);
    let boxes: Vec<NodeRef<Input>> = (0..LENGTH).map(|_| NodeRef::new()).collect();
    let (message, set_message) = signal(error);
    let boxes = StoredValue::new(boxes);

    // Writes `chars` into the boxes from `start`, then focuses the next empty one.
    let spread = move |start: usize, chars: Vec<char>| {
        boxes.with_value(|boxes| {
            for (offset, c) in chars.iter().enumerate() {
                if let Some(input) = boxes.get(start + offset).and_then(NodeRef::get) {
                    input.set_value(&c.to_string());
                }
            }
            let next = (start + chars.len()).min(LENGTH - 1);
            if let Some(input) = boxes.get(next).and_then(NodeRef::get) {
                let _ = input.focus();
            }
        });
    };
    let typed = move || -> String {
        boxes.with_value(|boxes| boxes.iter().filter_map(NodeRef::get).map(|input| input.value()).collect())
    };
    // Once every box is filled, says whether the reference is well formed.
    let check = move || {
        let text = typed();
        if box_characters(&text).len() == LENGTH {
            set_message.set(AvisReference::parse(&text).err().map(|e| e.to_string()));
        }
    };

    let inputs = (0..LENGTH)
        .map(|index| {
            let node_ref = boxes.with_value(|b| b[index]);
            let value = initial.get(index).map(char::to_string).unwrap_or_default();
            let is_letter = index == DIGITS;
            view! {
                <input
                    class="ref-box"
                    class:ref-box--letter=is_letter
                    class:ref-box--group-end=matches!(index, 3 | 7 | 11 | 15)
                    node_ref=node_ref
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
                    aria-invalid=move || if message.get().is_some() { "true" } else { "false" }
                    id=if index == 0 { "reference".to_owned() } else { format!("reference-{index}") }
                    on:input=move |ev| {
                        let chars = box_characters(&event_target_value(&ev));
                        match chars.len() {
                            0 => {}
                            1 => spread(index, chars),
                            _ => spread(if chars.len() >= LENGTH { 0 } else { index }, chars),
                        }
                        check();
                    }
                    on:paste=move |ev: ClipboardEvent| {
                        let text = ev.clipboard_data().and_then(|d| d.get_data("text").ok()).unwrap_or_default();
                        let chars = box_characters(&text);
                        if chars.len() > 1 {
                            ev.prevent_default();
                            spread(if chars.len() >= LENGTH { 0 } else { index }, chars);
                            check();
                        }
                    }
                    on:focus=move |_| {
                        if let Some(input) = boxes.with_value(|b| b[index].get()) {
                            input.select();
                        }
                    }
                    on:keydown=move |ev: KeyboardEvent| {
                        let current = boxes.with_value(|b| b[index].get());
                        let empty = current.as_ref().is_some_and(|i| i.value().is_empty());
                        let go = |to: usize| {
                            if let Some(input) = boxes.with_value(|b| b[to].get()) {
                                let _ = input.focus();
                                input.select();
                            }
                        };
                        match ev.key().as_str() {
                            "Backspace" if empty && index > 0 => {
                                ev.prevent_default();
                                if let Some(previous) = boxes.with_value(|b| b[index - 1].get()) {
                                    previous.set_value("");
                                }
                                go(index - 1);
                            }
                            "ArrowLeft" if index > 0 => go(index - 1),
                            "ArrowRight" if index + 1 < LENGTH => go(index + 1),
                            _ => {}
                        }
                    }
                />
            }
        })
        .collect_view();

    view! {
        <fieldset class="field reference-field" class:field--error=move || message.get().is_some()>
            <legend class="field__label" id="reference-legend">
                "Référence de l'avis * :"
            </legend>
            <p class="field__hint" id="reference-hint">
                "16 chiffres puis 1 lettre, par exemple 6311631200000297F. Vous pouvez coller la référence entière."
            </p>
            <p class="field-error" id="reference-error" aria-live="polite">
                {move || error_text(message.get())}
            </p>
            <div class="ref-boxes">{inputs}</div>
        </fieldset>
    }
}
