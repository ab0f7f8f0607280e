//! Sends the Paypage POST form to the bank kiosk as soon as the page is live;
//! without JavaScript the person presses the visible button.

use leptos::html::Form;
use leptos::prelude::*;

/// Wraps the kiosk form; `children` are its hidden fields and button.
#[island]
pub fn AutoSubmitForm(action: String, children: Children) -> impl IntoView {
    let form = NodeRef::<Form>::new();
    Effect::new(move |_| {
        if let Some(form) = form.get() {
            form.submit().ok();
        }
    });
    view! {
        <form node_ref=form method="post" action=action class="kiosk-form">
            {children()}
        </form>
    }
}
