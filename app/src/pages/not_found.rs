//! The page for addresses that lead nowhere (404).

use crate::components::layout::{Footer, PlainHeader};
use leptos::prelude::*;
use leptos_meta::Title;

/// «Page introuvable».
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page introuvable – Mon compte ameli" />
        <PlainHeader />
        <main id="contenu" class="page">
            <h1>"Page introuvable"</h1>
            <p>"L'adresse demandée n'existe pas."</p>
            <p>
                <a href=crate::routes::HOME>"Retour à l'accueil"</a>
            </p>
        </main>
        <Footer />
    }
}
