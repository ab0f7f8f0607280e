//! One module per screen. Each page's data comes from its server function,
//! read through a resource: on the server for the first page (sent whole), in
//! the browser after a navigation.

pub mod agent;
mod data;
pub mod demarches;
pub mod home;
pub mod messages;
pub mod not_found;
pub mod overview;
pub mod pay;
pub mod payments;
pub mod sign_in;
pub mod statement;

use crate::api::AppError;
use crate::components::navigation::PageArrived;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

pub use data::{AnsweredPage, PageData, PageHandle, answered_page_data, page_data};

/// Renders a page from its data: `render` once the resource has loaded, or
/// [`LoadError`] when it failed; then [`PageArrived`]. On the server every
/// page waits for its data (`SsrMode::Async`), so the whole page arrives at
/// once; in the browser, a page whose data is loaded again (after an action)
/// keeps showing until the new data is there.
pub fn with_data<T, V>(data: PageData<T>, render: impl Fn(T) -> V + Copy + Send + Sync + 'static) -> impl IntoView
where
    T: serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    let data = data.handle.resource;
    view! {
        <Transition>
            {move || Suspend::new(async move {
                // An answer this page cannot read (the server updated since the page was loaded).
                let answer = data.await.and_then(|bytes| crate::codec::decode(&bytes).map_err(|_| AppError::Unavailable));
                match answer {
                    Ok(value) => Either::Left(view! { {render(value)} <PageArrived /> }),
                    Err(error) => Either::Right(view! { <LoadError error /> <PageArrived /> }),
                }
            })}
        </Transition>
    }
}

/// What a page shows when its data could not be loaded. A missing session has
/// already been answered with a redirect to the sign-in page.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    match error {
        AppError::NotSignedIn => Either::Left(view! {
            <main id="contenu" class="page">
                <h1>"Session expirée"</h1>
                <p>
                    "Votre session a expiré. "
                    <a href=crate::routes::SIGN_IN>"Se connecter"</a>
                </p>
            </main>
        }),
        other => {
            let offline = other == AppError::Offline;
            // Again, as a new document: the server's page, or offline the worker's.
            let again = use_location().pathname.get_untracked();
            Either::Right(view! {
                <main id="contenu" class="page">
                    <h1>{if offline { "Pas de connexion à internet" } else { "Une erreur est survenue" }}</h1>
                    <div class="banner banner--error" role="alert">
                        <p>{other.to_string()}</p>
                    </div>
                    <p>
                        <a href=again rel="external">"Réessayer"</a>
                    </p>
                </main>
            })
        }
    }
}
