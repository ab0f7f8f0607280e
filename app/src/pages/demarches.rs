//! «Mes démarches» → «Effectuer une démarche».

use crate::components::layout::{InsuredLayout, Section};
use crate::pages::{page_data, with_data};
use leptos::prelude::*;
use leptos_meta::Title;

/// The démarches the person can do online.
#[component]
pub fn DemarchesPage() -> impl IntoView {
    let data = page_data(|| crate::api::payments::HeaderPage {}, || 0);
    view! {
        <Title text="Mes démarches – Mon compte ameli" />
        {with_data(data, |header| view! {
            <InsuredLayout header current=Section::Demarches>
                <h1>"Mes démarches"</h1>
                <section class="card" aria-labelledby="effectuer-title">
                    <h2 id="effectuer-title">"Effectuer une démarche"</h2>
                    <ul class="link-list">
                        <li><a href=crate::routes::PAY>"Payer une créance"</a></li>
                    </ul>
                </section>
            </InsuredLayout>
        })}
    }
}
