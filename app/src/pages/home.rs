//! «Accueil»: banner, «MES DERNIERS PAIEMENTS», «MES DÉMARCHES EN 2 CLICS»,
//! identity, créances.

use crate::api::auth::SignOutEverywhere;
use crate::api::home::{Banner, HomeView};
use crate::api::payments::AbandonPayment;
use crate::api::terminal::is_terminal;
use crate::components::form::{ActionError, FormAction, ServerForm, SubmitButton};
use crate::components::layout::{InsuredLayout, Section};
use crate::components::pending::PendingPayments;
use crate::components::table::{CREANCE_COLUMNS, CreanceCells, DataTable, Row};
use crate::pages::payments::PaymentTable;
use crate::pages::{PageData, page_data, with_data};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The insured person's home page. Its data is loaded again after an abandon
/// (a failed one leaves it as it is, saying why).
#[component]
pub fn HomePage(data: PageData<HomeView>) -> impl IntoView {
    let abandon = FormAction::<AbandonPayment>::new();
    data.reload_after(abandon);
    view! {
        <Title text="Accueil – Mon compte ameli" />
        {with_data(data, move |home| view! { <Home home abandon /> })}
    }
}

/// Its data, created with its route while the page's code loads (`app.rs`).
pub fn home_data() -> PageData<HomeView> {
    let query = use_query_map();
    page_data(move || crate::api::home::HomePage { paiement: query.with(|q| q.get("paiement")) })
}

#[component]
fn Home(home: HomeView, abandon: FormAction<AbandonPayment>) -> impl IntoView {
    let HomeView { header, banner, pending, recent_payments, full_name, born, last_sign_in, caisse_name, creances } =
        home;
    // A sign-in the person does not recognise: every browser signed out.
    let everywhere = FormAction::<SignOutEverywhere>::new();
    // The banner follows the payment's state with its row of the table.
    let banner = banner.map(|view| (view.transaction_reference, RwSignal::new(view.state)));
    let also = banner.clone();
    let banner = banner.map(|(_, state)| {
        let banner = move || Banner::from(state.get());
        view! {
            <div class=move || banner().class() role="status" tabindex="-1" autofocus>
                <p>{move || banner().text()}</p>
            </div>
        }
    });
    view! {
        <InsuredLayout header current=Section::Home>
            <h1 class="visually-hidden">"Accueil"</h1>
            {banner}
            <PendingPayments section=pending retour=crate::routes::HOME.to_owned() action=abandon />
            <div class="home-grid">
                <section class="card" aria-labelledby="payments-title">
                    <h2 id="payments-title" class="card__title">"MES DERNIERS PAIEMENTS"</h2>
                    <PaymentTable payments=recent_payments caption="Mes derniers paiements" also />
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
                    <ServerForm action=everywhere class="inline-form" document=is_terminal()>
                        <SubmitButton
                            label="Se déconnecter de tous les appareils"
                            class="button--secondary"
                            pending=everywhere.pending()
                        />
                    </ServerForm>
                    <ActionError action=everywhere />
                </section>
                <section class="card" aria-labelledby="creances-title">
                    <h2 id="creances-title" class="card__title">"MES CRÉANCES"</h2>
                    {if creances.is_empty() {
                        Either::Left(view! { <p>"Aucune créance."</p> })
                    } else {
                        Either::Right(view! {
                            <DataTable caption="Mes créances".to_owned() columns=CREANCE_COLUMNS.to_vec()>
                                {creances.into_iter().map(|line| view! { <Row><CreanceCells line /></Row> }).collect_view()}
                            </DataTable>
                        })
                    }}
                </section>
            </div>
        </InsuredLayout>
    }
}
