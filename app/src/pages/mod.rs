//! One module per screen. Pages are rendered on the server; their data comes
//! from server functions read through resources.

pub mod home;
pub mod not_found;
pub mod sign_in;

use crate::api::AppError;
use leptos::prelude::*;

/// What a page shows when its data could not be loaded. A missing session has
/// already been answered with a redirect to the sign-in page.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    match error {
        AppError::NotSignedIn => view! {
            <main id="contenu" class="page">
                <p>
                    "Votre session a expiré. "
                    <a href="/connexion">"Se connecter"</a>
                </p>
            </main>
        }
        .into_any(),
        other => view! {
            <main id="contenu" class="page">
                <div class="banner banner--error" role="alert">
                    <p>{other.to_string()}</p>
                </div>
            </main>
        }
        .into_any(),
    }
}
