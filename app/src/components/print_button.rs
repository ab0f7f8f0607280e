//! «IMPRIMER»: opens the browser's print dialog; the print stylesheet keeps only
//! the message.

use leptos::prelude::*;

/// The print button (needs JavaScript; the page says what to do without it).
#[island]
pub fn PrintButton() -> impl IntoView {
    view! {
        <button
            type="button"
            class="button button--secondary"
            on:click=|_| {
                let _ = window().print();
            }
        >
            "IMPRIMER"
        </button>
    }
}
