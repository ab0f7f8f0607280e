//! «Mes démarches» → «Effectuer une démarche».

use crate::api::HeaderView;
use crate::components::layout::{InsuredLayout, Section};
use crate::pages::{PageData, page_data, with_data};
use leptos::prelude::*;
use leptos_meta::Title;

/// Its data, created with its route while the page's code loads (`app.rs`).
pub fn demarches_data() -> PageData<HeaderView> {
    page_data(|| crate::api::payments::HeaderPage {})
}

/// The démarches the person can do online.
#[component]
pub fn DemarchesPage(data: PageData<HeaderView>) -> impl IntoView {
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
