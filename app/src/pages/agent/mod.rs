//! The back office of a caisse's agents. Its pages are lazily loaded routes of
//! their own: none of their code reaches an insured person's browser.

pub mod avis;
pub mod payments;
pub mod reconciliation;
pub mod refunds;
pub mod search;
pub mod sign_in;

use crate::api::agent::sign_in::{AgentSignOut, AgentSignOutEverywhere};
use crate::api::agent::{AgentHeader, PaymentItem};
use crate::api::terminal::is_terminal;
use crate::components::form::{ActionError, FormAction, ServerForm};
use crate::components::layout::{Footer, SkipLink};
use crate::components::session::SessionWarning;
use crate::components::table::{Cell, DataTable, Row};
use crate::routes;
use leptos::either::Either;
use leptos::prelude::*;

/// A section of the back office's menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentSection {
    /// Payments.
    Payments,
    /// Search.
    Search,
    /// Trop-perçus.
    TropPercus,
    /// New avis.
    NewAvis,
    /// Journal.
    Journal,
    /// Bank reconciliation.
    Reconciliation,
}

const MENU: [(AgentSection, &str, &str); 6] = [
    (AgentSection::Payments, "Paiements reçus", routes::AGENT_HOME),
    (AgentSection::Search, "Recherche", routes::AGENT_SEARCH),
    (AgentSection::TropPercus, "Trop-perçus", routes::AGENT_TROP_PERCUS),
    (AgentSection::NewAvis, "Émettre un avis", routes::AGENT_NEW_AVIS),
    (AgentSection::Reconciliation, "Rapprochement bancaire", routes::AGENT_RECONCILIATION),
    (AgentSection::Journal, "Journal", routes::AGENT_JOURNAL),
];

/// A back-office page: header, menu, `children`.
#[component]
pub fn AgentLayout<C: IntoView + 'static>(
    header: AgentHeader,
    current: AgentSection,
    children: TypedChildren<C>,
) -> impl IntoView {
    let children = children.into_inner();
    let sign_out = FormAction::<AgentSignOut>::new();
    let everywhere = FormAction::<AgentSignOutEverywhere>::new();
    view! {
        <SkipLink />
        <SessionWarning sign_in=routes::AGENT_SIGN_IN />
        <header class="site-header site-header--agent">
            <div class="site-header__bar">
                <a class="brand" href=routes::AGENT_HOME>
                    <span class="brand__name">"l'Assurance Maladie"</span>
                    <span class="brand__product">"Espace agents — " {header.caisse}</span>
                </a>
                <div class="site-header__account">
                    <span class="site-header__person">{header.name}</span>
                    <ServerForm action=sign_out class="inline-form" document=is_terminal()>
                        <button type="submit" class="button button--link">"Se déconnecter"</button>
                    </ServerForm>
                    <ServerForm action=everywhere class="inline-form" document=is_terminal()>
                        <button type="submit" class="button button--link">"Se déconnecter de tous les appareils"</button>
                    </ServerForm>
                    <ActionError action=sign_out />
                    <ActionError action=everywhere />
                </div>
            </div>
            <nav class="main-menu" aria-label="Menu de l'espace agents">
                <ul>
                    {MENU
                        .iter()
                        .map(|(section, label, href)| {
                            let here = (*section == current).then_some("page");
                            view! { <li><a href=*href aria-current=here>{*label}</a></li> }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </header>
        <main id="contenu" class="page" tabindex="-1">{children()}</main>
        <Footer />
    }
}

/// A table of payment attempts.
#[component]
pub fn PaymentItems(payments: Vec<PaymentItem>, caption: &'static str) -> impl IntoView {
    if payments.is_empty() {
        return Either::Left(view! { <p>"Aucun paiement."</p> });
    }
    let columns = vec![
        ("Date", false),
        ("Référence de la transaction", false),
        ("Assuré", false),
        ("Montant", true),
        ("État", false),
        ("Trop-perçu", true),
    ];
    Either::Right(view! {
        <DataTable caption=caption.to_owned() columns>
            {payments
                .into_iter()
                .map(|p| {
                    view! {
                        <Row>
                            <Cell label="Date">{p.date}</Cell>
                            <Cell label="Référence de la transaction" class="mono">
                                <a href=routes::agent_payment(&p.transaction_reference)>{p.transaction_reference.to_string()}</a>
                            </Cell>
                            <Cell label="Assuré">{p.person} <span class="muted mono">" " {p.nir}</span></Cell>
                            <Cell label="Montant" class="num">{p.amount.to_string()}</Cell>
                            <Cell label="État">
                                {p.status}
                                {p.to_regularise.map(|reason| view! {
                                    " " <span class="tag tag--warning" title=reason>"À régulariser"</span>
                                })}
                            </Cell>
                            <Cell label="Trop-perçu" class="num">{(!p.excess.is_zero()).then(|| p.excess.to_string())}</Cell>
                        </Row>
                    }
                })
                .collect_view()}
        </DataTable>
    })
}
