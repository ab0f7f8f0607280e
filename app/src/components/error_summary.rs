//! The error summary at the top of a form (RGAA / GOV.UK pattern): a titled list
//! of links to the fields in error, focused when the page loads.

use leptos::prelude::*;

/// One error: the id of the field it is about, and the message.
pub type FieldError = (String, String);

/// Lists `errors` with links to their fields; renders nothing when empty.
#[component]
pub fn ErrorSummary(errors: Vec<FieldError>) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        view! {
            <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus>
                <h2 id="error-summary-title" class="error-summary__title">
                    {if errors.len() == 1 { "Il y a un problème".to_owned() } else { format!("Il y a {} problèmes", errors.len()) }}
                </h2>
                <ul class="error-summary__list">
                    {errors
                        .into_iter()
                        .map(|(field, message)| {
                            view! {
                                <li>
                                    <a href=format!("#{field}")>{message}</a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
    })
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
pub fn FieldMessage(id: String, message: Option<String>) -> impl IntoView {
    view! { <p class="field-error" id=id>{error_text(message)}</p> }
}
