//! Payments received, one payment in full, trop-perçus, journal.

use super::{AgentLayout, AgentSection, PaymentItems};
use crate::api::agent::payments::{
    JournalView, PaymentDetailData, PaymentDetailView, PaymentsView, TropPercusView, agent_journal_page,
    agent_payment_page, agent_payments_page, agent_trop_percus_page,
};
use crate::pages::with_data;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const STATUSES: [(&str, &str); 7] = [
    ("tous", "Tous"),
    ("en-attente", "En attente de la banque"),
    ("en-cours", "En cours de traitement"),
    ("pris-en-compte", "Pris en compte"),
    ("refuse", "Refusé"),
    ("annule", "Annulé"),
    ("expire", "Expiré"),
];

/// «Paiements reçus», with filters, pagination and the CSV export.
#[component]
pub fn AgentPaymentsPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || query.with(|q| (q.get("du"), q.get("au"), q.get("statut"), q.get("page"))),
        |(du, au, statut, page)| agent_payments_page(du, au, statut, page),
    );
    view! {
        <Title text="Paiements reçus – Espace agents" />
        {with_data(data, |view| view! { <Payments view /> })}
    }
}

#[component]
fn Payments(view: PaymentsView) -> impl IntoView {
    let PaymentsView { header, from, to, status, page, payments, has_next } = view;
    let filters = format!("du={from}&au={to}&statut={status}");
    let export = format!("{}?du={from}&au={to}", routes::AGENT_EXPORT_CSV);
    let previous = (page > 1).then(|| format!("{}?{filters}&page={}", routes::AGENT_HOME, page - 1));
    let next = has_next.then(|| format!("{}?{filters}&page={}", routes::AGENT_HOME, page + 1));
    view! {
        <AgentLayout header current=AgentSection::Payments>
            <h1>"Paiements reçus"</h1>
            <form method="get" action=routes::AGENT_HOME class="form filters">
                <div class="field">
                    <label class="field__label" for="du">"Du"</label>
                    <input class="input" type="date" id="du" name="du" value=from />
                </div>
                <div class="field">
                    <label class="field__label" for="au">"Au"</label>
                    <input class="input" type="date" id="au" name="au" value=to />
                </div>
                <div class="field">
                    <label class="field__label" for="statut">"État"</label>
                    <select class="input" id="statut" name="statut">
                        {STATUSES
                            .iter()
                            .map(|(value, label)| view! { <option value=*value selected=*value == status>{*label}</option> })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">"Filtrer"</button>
            </form>
            <p>
                <a class="button button--secondary" href=export download>
                    "Exporter en CSV (paiements acceptés)"
                </a>
            </p>
            <PaymentItems payments caption="Paiements reçus" />
            <nav class="pagination" aria-label="Pages">
                {previous.map(|href| view! { <a href=href>"Page précédente"</a> })}
                <span>{format!("Page {page}")}</span>
                {next.map(|href| view! { <a href=href>"Page suivante"</a> })}
            </nav>
        </AgentLayout>
    }
}

/// One payment in full.
#[component]
pub fn AgentPaymentPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(move || params.with(|p| p.get("transaction").unwrap_or_default()), agent_payment_page);
    view! {
        <Title text="Paiement – Espace agents" />
        {with_data(data, |view| view! { <PaymentDetail view /> })}
    }
}

#[component]
fn PaymentDetail(view: PaymentDetailView) -> impl IntoView {
    let PaymentDetailView { header, payment } = view;
    view! {
        <AgentLayout header current=AgentSection::Payments>
            {match payment {
                None => view! { <h1>"Paiement introuvable"</h1> }.into_any(),
                Some(payment) => view! { <PaymentData payment /> }.into_any(),
            }}
        </AgentLayout>
    }
}

fn pairs_table(caption: &'static str, rows: Vec<(String, String)>) -> impl IntoView {
    view! {
        <table class="table">
            <caption class="table-caption">{caption}</caption>
            <tbody>
                {rows.into_iter().map(|(k, v)| view! { <tr><th scope="row">{k}</th><td>{v}</td></tr> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn PaymentData(payment: PaymentDetailData) -> impl IntoView {
    let PaymentDetailData { item, answer, planned, applied, answers, trail } = payment;
    let summary = vec![
        ("Référence de la transaction".to_owned(), item.transaction_reference.to_string()),
        ("Date".to_owned(), item.date.clone()),
        ("Assuré".to_owned(), format!("{} ({})", item.person, item.nir)),
        ("Montant".to_owned(), item.amount.to_string()),
        ("État".to_owned(), item.status.clone()),
        ("Trop-perçu".to_owned(), item.excess.to_string()),
    ];
    let money = |rows: Vec<(String, crate::domain::Euros)>| {
        rows.into_iter().map(|(r, a)| (r, a.to_string())).collect::<Vec<_>>()
    };
    view! {
        <h1>"Paiement " <span class="mono">{item.transaction_reference.to_string()}</span></h1>
        <section class="card">{pairs_table("Paiement", summary)}</section>
        <section class="card">{pairs_table("Réponse de la banque (Sips)", answer)}</section>
        <section class="card">{pairs_table("Répartition prévue", money(planned))}</section>
        <section class="card">{pairs_table("Répartition appliquée", money(applied))}</section>
        <section class="card">
            <div class="table-scroll">
                <table class="table">
                    <caption class="table-caption">"Réponses reçues du kiosque"</caption>
                    <thead><tr><th scope="col">"Reçue le"</th><th scope="col">"Canal"</th><th scope="col">"Code"</th><th scope="col">"Suite donnée"</th></tr></thead>
                    <tbody>
                        {answers.into_iter().map(|(at, channel, code, outcome)| view! {
                            <tr><td>{at}</td><td>{channel}</td><td>{code}</td><td>{outcome}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        <section class="card">
            <div class="table-scroll">
                <table class="table">
                    <caption class="table-caption">"Historique"</caption>
                    <thead><tr><th scope="col">"Date"</th><th scope="col">"Par"</th><th scope="col">"Changement"</th></tr></thead>
                    <tbody>
                        {trail.into_iter().map(|(at, who, what)| view! {
                            <tr><td>{at}</td><td>{who}</td><td class="mono small">{what}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The caisse's trop-perçus.
#[component]
pub fn AgentTropPercusPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| agent_trop_percus_page());
    view! {
        <Title text="Trop-perçus – Espace agents" />
        {with_data(data, |view: TropPercusView| view! {
            <AgentLayout header=view.header current=AgentSection::TropPercus>
                <h1>"Trop-perçus"</h1>
                <p>"Paiements acceptés dont une part dépassait le restant dû des créances : à rembourser ou à affecter."</p>
                <PaymentItems payments=view.payments caption="Trop-perçus" />
            </AgentLayout>
        })}
    }
}

/// The caisse's journal of changes.
#[component]
pub fn AgentJournalPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| agent_journal_page());
    view! {
        <Title text="Journal – Espace agents" />
        {with_data(data, |view: JournalView| view! {
            <AgentLayout header=view.header current=AgentSection::Journal>
                <h1>"Journal des changements"</h1>
                <div class="table-scroll">
                    <table class="table">
                        <caption class="visually-hidden">"Journal des changements"</caption>
                        <thead><tr><th scope="col">"Date"</th><th scope="col">"Par"</th><th scope="col">"Action"</th><th scope="col">"Objet"</th></tr></thead>
                        <tbody>
                            {view.entries.into_iter().map(|(at, who, action, what)| view! {
                                <tr><td>{at}</td><td>{who}</td><td>{action}</td><td class="mono small">{what}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </AgentLayout>
        })}
    }
}
