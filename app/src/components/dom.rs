//! The little the islands need of the browser's DOM: find an element, listen to
//! an event, show a message. The islands enhance the page the server rendered
//! (they read its state from the DOM and change it in place), so they need no
//! reactive bindings and no serialised props.

use leptos::wasm_bindgen::JsCast;
use leptos::wasm_bindgen::closure::Closure;
use leptos::web_sys::{Document, Element, Event, EventTarget, HtmlElement, HtmlInputElement};

/// The page's document.
pub fn document() -> Option<Document> {
    leptos::web_sys::window()?.document()
}

/// The element with this id.
pub fn element(id: &str) -> Option<Element> {
    document()?.get_element_by_id(id)
}

/// The input with this id.
pub fn input(id: &str) -> Option<HtmlInputElement> {
    element(id)?.dyn_into().ok()
}

/// Runs `handler` on every `event` at `target`, for the page's lifetime.
pub fn on<E: JsCast + 'static>(target: &EventTarget, event: &str, handler: impl FnMut(E) + 'static) {
    let mut handler = handler;
    let closure = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        if let Ok(event) = event.dyn_into::<E>() {
            handler(event);
        }
    });
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    closure.forget();
}

/// Replaces the content of the message element `id` with `message`, prefixed
/// «Erreur : » for screen readers (as `error_summary::error_text` renders it on
/// the server), or empties it.
pub fn show_error(id: &str, message: Option<&str>) {
    let Some(target) = element(id) else { return };
    target.set_text_content(None);
    if let (Some(message), Some(document)) = (message, document()) {
        if let Ok(prefix) = document.create_element("span") {
            prefix.set_class_name("visually-hidden");
            prefix.set_text_content(Some("Erreur : "));
            let _ = target.append_child(&prefix);
        }
        let _ = target.append_child(&document.create_text_node(message));
    }
}

/// Sets `aria-invalid` on `element`.
pub fn set_invalid(element: &Element, invalid: bool) {
    let _ = element.set_attribute("aria-invalid", if invalid { "true" } else { "false" });
}

/// Adds or removes `class` on the element `id`.
pub fn toggle_class(id: &str, class: &str, on: bool) {
    if let Some(element) = element(id) {
        let _ = element.class_list().toggle_with_force(class, on);
    }
}

/// Focuses the element `id`.
pub fn focus(id: &str) {
    if let Some(element) = element(id).and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = element.focus();
    }
}
