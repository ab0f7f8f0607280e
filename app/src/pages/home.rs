//! «Accueil»: banners, identity, créances.

use super::LoadError;
use crate::api::home::{HomeView, home_page};
use crate::components::layout::{InsuredLayout, Section};
use leptos::prelude::*;
use leptos_meta::Title;

/// The insured person's home page.
#[component]
pub fn HomePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| home_page());
    view! {
        <Title text="Accueil – Mon compte ameli" />
        <Suspense>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(home) => view! { <Home home /> }.into_any(),
                    Err(error) => view! { <LoadError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Home(home: HomeView) -> impl IntoView {
    let HomeView { header, full_name, born, last_sign_in, caisse_name, creances } = home;
    view! {
        <InsuredLayout header current=Section::Home>
            <h1 class="visually-hidden">"Accueil"</h1>
            <div class="home-grid">
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
                            <div class="table-scroll">
                                <table class="table">
                                    <caption class="visually-hidden">"Mes créances"</caption>
                                    <thead>
                                        <tr>
                                            <th scope="col">"Références de courrier"</th>
                                            <th scope="col">"Date d'émission du courrier"</th>
                                            <th scope="col" class="num">"Montant initial dû"</th>
                                            <th scope="col" class="num">"Montant restant dû"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {creances
                                            .into_iter()
                                            .map(|line| {
                                                view! {
                                                    <tr>
                                                        <td class="mono">{line.reference.to_string()}</td>
                                                        <td>{line.issued_on.to_string()}</td>
                                                        <td class="num">{line.initial.to_string()}</td>
                                                        <td class="num">{line.restant.to_string()}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                            .into_any()
                    }}
                </section>
            </div>
        </InsuredLayout>
    }
}
