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
pub mod terminal;

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

/// The columns of a table of créances, as the seed names them: (name, is a
/// number).
pub const CREANCE_COLUMNS: [(&str, bool); 4] = [
    ("Références de courrier", false),
    ("Date d'émission du courrier", false),
    ("Montant initial dû", true),
    ("Montant restant dû", true),
];

/// The cells of a créance in a table of créances.
#[component]
pub fn CreanceCells(line: crate::domain::CreanceLine) -> impl IntoView {
    use crate::components::table::Cell;
    use crate::domain::CreanceLine;
    let [reference_column, issued_column, initial_column, restant_column] = CREANCE_COLUMNS.map(|(name, _)| name);
    let CreanceLine { reference, issued_on, initial, restant, .. } = line;
    let (reference, issued, initial, restant) =
        (reference.to_string(), issued_on.to_string(), initial.to_string(), restant.to_string());
    view! {
        <Cell label=reference_column class="mono">{reference}</Cell>
        <Cell label=issued_column>{issued}</Cell>
        <Cell label=initial_column class="num">{initial}</Cell>
        <Cell label=restant_column class="num">{restant}</Cell>
    }
}
