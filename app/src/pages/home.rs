//! «Accueil»: banner, «MES DERNIERS PAIEMENTS», «MES DÉMARCHES EN 2 CLICS»,
//! identity, créances.

use crate::api::home::{Banner, HomeView, home_page};
use crate::components::layout::{InsuredLayout, Section};
use crate::components::pending::PendingPayments;
use crate::components::table::{DataTable, Row};
use crate::pages::payments::PaymentTable;
use crate::pages::{CREANCE_COLUMNS, CreanceCells, with_data};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The insured person's home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(move || query.with(|q| q.get("paiement")), home_page);
    view! {
        <Title text="Accueil – Mon compte ameli" />
        {with_data(data, |home| view! { <Home home /> })}
    }
}

#[component]
fn Home(home: HomeView) -> impl IntoView {
    let HomeView { header, banner, pending, recent_payments, full_name, born, last_sign_in, caisse_name, creances } =
        home;
    let banner = banner.map(|banner| {
        let class = match banner {
            Banner::Thanks => "banner banner--success",
            Banner::Failed => "banner banner--error",
            Banner::Waiting => "banner",
        };
        view! {
            <div class=class role="status" tabindex="-1" autofocus>
                <p>{banner.text()}</p>
            </div>
        }
    });
    view! {
        <InsuredLayout header current=Section::Home>
            <h1 class="visually-hidden">"Accueil"</h1>
            {banner}
            <PendingPayments section=pending retour=crate::routes::HOME.to_owned() />
            <div class="home-grid">
                <section class="card" aria-labelledby="payments-title">
                    <h2 id="payments-title" class="card__title">"MES DERNIERS PAIEMENTS"</h2>
                    <PaymentTable payments=recent_payments caption="Mes derniers paiements" />
                </section>
                <section class="card" aria-labelledby="demarches-title">
                    <h2 id="demarches-title" class="card__title">"MES DÉMARCHES EN 2 CLICS"</h2>
                    <ul class="link-list">
                        <li><a href=crate::routes::PAY>"Payer une créance"</a></li>
                    </ul>
                </section>
                <section class="card identity" aria-labelledby="identity-title">
                    <h2 id="identity-title" class="identity__name">{full_name}</h2>
                    <p>{born}</p>
                    {last_sign_in.map(|line| view! { <p class="identity__last">{line}</p> })}
                    <p>"Caisse : " {caisse_name}</p>
                </section>
                <section class="card" aria-labelledby="creances-title">
                    <h2 id="creances-title" class="card__title">"MES CRÉANCES"</h2>
                    {if creances.is_empty() {
                        view! { <p>"Aucune créance."</p> }.into_any()
                    } else {
                        view! {
                            <DataTable caption="Mes créances".to_owned() columns=CREANCE_COLUMNS.to_vec()>
                                {creances.into_iter().map(|line| view! { <Row><CreanceCells line /></Row> }).collect_view()}
                            </DataTable>
                        }
                            .into_any()
                    }}
                </section>
            </div>
        </InsuredLayout>
    }
}
