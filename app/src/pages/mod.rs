//! One module per screen. Pages are rendered on the server; their data comes
//! from server functions read through resources.

pub mod agent;
pub mod demarches;
pub mod home;
pub mod messages;
pub mod not_found;
pub mod overview;
pub mod pay;
pub mod payments;
pub mod sign_in;

use crate::api::AppError;
use leptos::prelude::*;

/// Renders a page from its data: `render` once the resource has loaded, or
/// [`LoadError`] when it failed. Every page waits for its data on the server
/// (`SsrMode::Async`), so the whole page arrives at once.
pub fn with_data<T, V>(
    data: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(value) => render(value).into_any(),
                    Err(error) => view! { <LoadError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What a page shows when its data could not be loaded. A missing session has
/// already been answered with a redirect to the sign-in page.
#[component]
pub fn LoadError(error: AppError) -> impl IntoView {
    match error {
        AppError::NotSignedIn => view! {
            <main id="contenu" class="page">
                <p>
                    "Votre session a expiré. "
                    <a href=crate::routes::SIGN_IN>"Se connecter"</a>
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

/// The column headers of a table of créances, as the seed names them.
#[component]
pub fn CreanceColumns() -> impl IntoView {
    view! {
        <th scope="col">"Références de courrier"</th>
        <th scope="col">"Date d'émission du courrier"</th>
        <th scope="col" class="num">"Montant initial dû"</th>
        <th scope="col" class="num">"Montant restant dû"</th>
    }
}
