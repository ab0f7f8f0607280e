//! Search by NIR, avis reference or transaction reference.

use super::{AgentLayout, AgentSection, PaymentItems};
use crate::api::agent::search::SearchView;
use crate::components::navigation::{Notice, take_notice};
use crate::components::table::CREANCE_COLUMNS;
use crate::components::table::{Cell, DataTable, Row};
use crate::pages::{page_data, with_data};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// «Recherche».
#[component]
pub fn AgentSearchPage() -> impl IntoView {
    let query = use_query_map();
    let data = page_data(move || crate::api::agent::search::AgentSearchPage { q: query.with(|q| q.get("q")) });
    view! {
        <Title text="Recherche – Espace agents" />
        {with_data(data, |view| view! { <Search view /> })}
    }
}

#[component]
fn Search(view: SearchView) -> impl IntoView {
    let SearchView { header, query, person, notice } = view;
    // Said by the server after a plain form post, by the app after its own call.
    let notice = notice.or_else(|| match take_notice() {
        Some(Notice::AvisIssued(text)) => Some(text),
        _ => None,
    });
    let searched = !query.is_empty();
    view! {
        <AgentLayout header current=AgentSection::Search>
            <h1>"Recherche"</h1>
            {notice.map(|n| view! { <div class="banner banner--success" role="status"><p>{n}</p></div> })}
            <Form method="GET" action=crate::routes::AGENT_SEARCH attr:class="form filters" attr:role="search">
                <div class="field">
                    <label class="field__label" for="q">"NIR, référence d'avis ou référence de transaction"</label>
                    <input class="input" id="q" name="q" type="search" value=query />
                </div>
                <button type="submit" class="button">"Rechercher"</button>
            </Form>
            {match person {
                Some(person) => EitherOf3::A(view! {
                    <section class="card" aria-labelledby="person-title">
                        <h2 id="person-title">{person.name} " — " <span class="mono">{person.nir}</span></h2>
                        <DataTable
                            caption="Avis de sommes à payer".to_owned()
                            visible_caption=true
                            columns=CREANCE_COLUMNS.into_iter().chain([("Paiement en ligne", false)]).collect()
                        >
                            {person
                                .avis
                                .into_iter()
                                .map(|(reference, issued, initial, restant, open)| {
                                    let [r, i, a, b] = CREANCE_COLUMNS.map(|(name, _)| name);
                                    view! {
                                        <Row>
                                            <Cell label=r class="mono">{reference}</Cell>
                                            <Cell label=i>{issued}</Cell>
                                            <Cell label=a class="num">{initial.to_string()}</Cell>
                                            <Cell label=b class="num">{restant.to_string()}</Cell>
                                            <Cell label="Paiement en ligne">{if open { "ouvert" } else { "non ouvert" }}</Cell>
                                        </Row>
                                    }
                                })
                                .collect_view()}
                        </DataTable>
                        <h3>"Paiements"</h3>
                        <PaymentItems payments=person.payments caption="Paiements de l'assuré" />
                    </section>
                }),
                None if searched => EitherOf3::B(view! { <p role="status">"Aucun résultat dans votre caisse."</p> }),
                None => EitherOf3::C(()),
            }}
        </AgentLayout>
    }
}
