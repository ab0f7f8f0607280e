//! «Participations forfaitaires et franchises».

use crate::api::overview::OverviewView;
use crate::components::layout::{InsuredLayout, PaymentsLayout, PaymentsPage, Section};
use crate::components::table::{CREANCE_COLUMNS, Cell, CreanceCells, DataTable, Row};
use crate::pages::{PageData, page_data, with_data};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

/// Its data, created with its route while the page's code loads (`app.rs`).
pub fn overview_data() -> PageData<OverviewView> {
    page_data(|| crate::api::overview::OverviewPage {})
}

/// The person's créances with their payments.
#[component]
pub fn OverviewPage(data: PageData<OverviewView>) -> impl IntoView {
    view! {
        <Title text="Participations forfaitaires et franchises – Mon compte ameli" />
        {with_data(data, |view| view! { <Overview view /> })}
    }
}

#[component]
fn Overview(view: OverviewView) -> impl IntoView {
    let OverviewView { header, creances, total_restant } = view;
    view! {
        <InsuredLayout header current=Section::Payments>
            <PaymentsLayout current=PaymentsPage::Overview>
                <h1>"Participations forfaitaires et franchises"</h1>
                <p class="card">"Total restant dû : " <strong>{total_restant.to_string()}</strong></p>
                <DataTable
                    caption="Mes participations forfaitaires et franchises".to_owned()
                    columns=CREANCE_COLUMNS.into_iter().chain([("Paiements", false)]).collect()
                >
                            {creances
                                .into_iter()
                                .map(|c| {
                                    view! {
                                        <Row>
                                            <CreanceCells line=c.line />
                                            <Cell label="Paiements">
                                                {if c.payments.is_empty() {
                                                    Either::Left(view! { <span class="muted">"Aucun"</span> })
                                                } else {
                                                    Either::Right(view! {
                                                        <ul class="plain-list">
                                                            {c.payments
                                                                .into_iter()
                                                                .map(|p| view! {
                                                                    <li>
                                                                        {p.date} " : " {p.amount.to_string()} " (" {p.status} ")"
                                                                        <span class="visually-hidden">{format!(", transaction {}", p.transaction_reference)}</span>
                                                                    </li>
                                                                })
                                                                .collect_view()}
                                                        </ul>
                                                    })
                                                }}
                                            </Cell>
                                        </Row>
                                    }
                                })
                                .collect_view()}
                </DataTable>
            </PaymentsLayout>
        </InsuredLayout>
    }
}
