//! The framework's floor (see `Cargo.toml`): one route, hydrated; with
//! feature `resource` a Resource over a server function, with `form` an
//! `ActionForm`; with `lean` as well, both the way the product reads and posts
//! (`lean.rs`: answers in postcard, one resource type, one action type
//! posting the form's fields as they are). Only its WebAssembly and
//! JavaScript are measured (`./scripts/floor`); its server functions answer
//! only in a server build, which the measure does not need.

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use serde::{Deserialize, Serialize};

/// What the page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// The count.
    pub value: u32,
}

/// The page's data.
#[server(prefix = "/api", endpoint = "total")]
pub async fn total() -> Result<Tally, ServerFnError> {
    Ok(Tally { value: 1 })
}

/// The form's action.
#[server(prefix = "/api", endpoint = "ajouter")]
pub async fn add(by: u32) -> Result<Tally, ServerFnError> {
    Ok(Tally { value: by.saturating_add(1) })
}

/// The app: a router with one route.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Router>
            <main>
                <Routes fallback=|| "Page introuvable">
                    <Route path=path!("") view=Home />
                </Routes>
            </main>
        </Router>
    }
}

#[component]
fn Home() -> impl IntoView {
    view! {
        <Title text="Plancher" />
        <h1>"Plancher"</h1>
        {data()}
        {form()}
    }
}

#[cfg(feature = "lean")]
mod lean;
#[cfg(feature = "lean")]
use lean::{data, form};

/// The page's data, read through a Resource (feature `resource`).
#[cfg(all(feature = "resource", not(feature = "lean")))]
fn data() -> impl IntoView {
    let tally = Resource::new(|| (), |_| total());
    view! {
        <Suspense fallback=|| "Chargement…">
            {move || Suspend::new(async move { tally.await.map(|tally| view! { <p>{tally.value}</p> }) })}
        </Suspense>
    }
}

#[cfg(not(any(feature = "resource", feature = "lean")))]
fn data() -> impl IntoView {}

/// A form posting to a server function (feature `form`).
#[cfg(all(feature = "form", not(feature = "lean")))]
fn form() -> impl IntoView {
    let add = ServerAction::<Add>::new();
    view! {
        <ActionForm action=add>
            <label>"Ajouter " <input type="number" name="by" /></label>
            <button>"AJOUTER"</button>
        </ActionForm>
        <p>{move || add.value().get().and_then(Result::ok).map(|tally| tally.value)}</p>
    }
}

#[cfg(not(any(feature = "form", feature = "lean")))]
fn form() -> impl IntoView {}

/// The browser's entry point.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_body(App);
}

/// The document around the app (the server's side).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    use leptos::hydration::{AutoReload, HydrationScripts};
    use leptos_meta::MetaTags;
    view! {
        <!DOCTYPE html>
        <html lang="fr">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}
