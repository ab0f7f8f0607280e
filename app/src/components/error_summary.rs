//! The error summary at the top of a form (RGAA / GOV.UK pattern): a titled list
//! of links to the fields in error, focused when it appears.

use leptos::either::Either;
use leptos::prelude::*;

/// One error: the id of the field it is about (empty for the whole form), and
/// the message.
pub type FieldError = (String, String);

/// Lists `errors` with links to their fields; renders nothing when empty.
/// Without JavaScript it comes with the page and takes the focus then
/// (`autofocus`); after a call from the browser it takes it when `refused`
/// (the call's count) changes.
#[component]
pub fn ErrorSummary(
    /// The errors.
    #[prop(into)]
    errors: Signal<Vec<FieldError>>,
    /// Changes at each answer to a call from the browser.
    #[prop(optional, into)]
    refused: Option<Signal<usize>>,
) -> impl IntoView {
    let summary = NodeRef::<leptos::html::Div>::new();
    #[cfg(feature = "hydrate")]
    if let Some(refused) = refused {
        Effect::watch(
            move || refused.get(),
            move |_, _, _| {
                // Once the summary is drawn: a focus move.
                request_animation_frame(move || {
                    if let Some(element) = summary.get_untracked() {
                        let _ = element.focus();
                    }
                });
            },
            false,
        );
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = refused;
    move || {
        let errors = errors.get();
        (!errors.is_empty()).then(|| {
            let title = if errors.len() == 1 { "Il y a un problème".to_owned() } else { format!("Il y a {} problèmes", errors.len()) };
            view! {
                <div
                    class="error-summary"
                    role="alert"
                    aria-labelledby="error-summary-title"
                    tabindex="-1"
                    autofocus
                    node_ref=summary
                >
                    <h2 id="error-summary-title" class="error-summary__title">{title}</h2>
                    <ul class="error-summary__list">
                        {errors
                            .into_iter()
                            .map(|(field, message)| {
                                if field.is_empty() {
                                    Either::Left(view! { <li>{message}</li> })
                                } else {
                                    // The browser's own jump to the field (not the router's).
                                    Either::Right(view! { <li><a href=format!("#{field}") rel="external">{message}</a></li> })
                                }
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// A field's error text, prefixed for screen readers («Erreur : …»).
pub fn error_text(message: Option<String>) -> Option<impl IntoView> {
    message.map(|m| {
        view! {
            <span class="visually-hidden">"Erreur : "</span>
            {m}
        }
    })
}

/// The message under a field, announced with the field (`aria-describedby`).
#[component]
pub fn FieldMessage(id: String, #[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! { <p class="field-error" id=id>{move || error_text(message.get())}</p> }
}
