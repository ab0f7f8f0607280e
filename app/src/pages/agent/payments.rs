//! Payments received, one payment in full, trop-perçus, journal.

use super::refunds::Refunds;
use super::{AgentLayout, AgentSection, PaymentItems};
use crate::api::agent::payments::{
    AnswerView, ChangeView, JournalView, MarkRegularised, PaymentDetailData, PaymentDetailView, PaymentsView,
    TropPercuItem, TropPercusView,
};
use crate::api::agent::refunds::AgentRefund;
use crate::components::form::{ActionError, FormAction, ServerForm, SubmitButton};
use crate::components::table::{Cell, DataTable, Row};
use crate::pages::{answered_page_data, page_data, with_data};
use crate::routes;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

/// «Paiements reçus», with filters, pagination and the CSV export.
#[component]
pub fn AgentPaymentsPage() -> impl IntoView {
    let query = use_query_map();
    let data = page_data(move || {
        query.with(|q| crate::api::agent::payments::AgentPaymentsPage {
            du: q.get("du"),
            au: q.get("au"),
            statut: q.get("statut"),
            page: q.get("page"),
        })
    });
    view! {
        <Title text="Paiements reçus – Espace agents" />
        {with_data(data, |view| view! { <Payments view /> })}
    }
}

#[component]
fn Payments(view: PaymentsView) -> impl IntoView {
    let PaymentsView { header, from, to, status, statuses, page, payments, has_next } = view;
    let filters = format!("du={from}&au={to}&statut={status}");
    let export = format!("{}?du={from}&au={to}", routes::AGENT_EXPORT_CSV);
    let previous = (page > 1).then(|| format!("{}?{filters}&page={}", routes::AGENT_HOME, page - 1));
    let next = has_next.then(|| format!("{}?{filters}&page={}", routes::AGENT_HOME, page + 1));
    view! {
        <AgentLayout header current=AgentSection::Payments>
            <h1>"Paiements reçus"</h1>
            <Form method="GET" action=routes::AGENT_HOME attr:class="form filters">
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
                        {statuses
                            .into_iter()
                            .map(|(value, label)| {
                                let selected = value == status;
                                view! { <option value=value selected=selected>{label}</option> }
                            })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">"Filtrer"</button>
            </Form>
            <p>
                <a class="button button--secondary" href=export download rel="external">
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

/// One payment in full. Marking a payment of it as regularised, or asking,
/// deciding or sending again a refund, answers the payment as it now is,
/// shown as it comes (a failure leaves it as it is, saying why next to the
/// form).
#[component]
pub fn AgentPaymentPage() -> impl IntoView {
    let params = use_params_map();
    let regularise = FormAction::<MarkRegularised>::new();
    let refund = FormAction::<AgentRefund>::new();
    let page = answered_page_data(move || crate::api::agent::payments::AgentPaymentPage {
        transaction: params.with(|p| p.get("transaction").unwrap_or_default()),
    });
    page.shown_after(regularise);
    page.shown_after(refund);
    let data = page.data;
    view! {
        <Title text="Paiement – Espace agents" />
        {with_data(data, move |view| view! { <PaymentDetail view regularise refund /> })}
    }
}

#[component]
fn PaymentDetail(
    view: PaymentDetailView,
    regularise: FormAction<MarkRegularised>,
    refund: FormAction<AgentRefund>,
) -> impl IntoView {
    let PaymentDetailView { header, payment } = view;
    view! {
        <AgentLayout header current=AgentSection::Payments>
            {match payment {
                None => Either::Left(view! { <h1>"Paiement introuvable"</h1> }),
                Some(payment) => Either::Right(view! { <PaymentData payment regularise refund /> }),
            }}
        </AgentLayout>
    }
}

/// A table of (name, value) pairs; on narrow screens each name stands above
/// its value. Without rows, a titled «Aucune.» (a table must have rows).
fn pairs_table(caption: &'static str, rows: Vec<(String, String)>) -> AnyView {
    if rows.is_empty() {
        return view! {
            <p class="table-caption">{caption}</p>
            <p>"Aucune."</p>
        }
        .into_any();
    }
    view! {
        <table class="table table--pairs" role="table">
            <caption class="table-caption">{caption}</caption>
            <tbody role="rowgroup">
                {rows
                    .into_iter()
                    .map(|(k, v)| view! { <tr role="row"><th scope="row" role="rowheader">{k}</th><td role="cell">{v}</td></tr> })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn PaymentData(
    payment: PaymentDetailData,
    regularise: FormAction<MarkRegularised>,
    refund: FormAction<AgentRefund>,
) -> impl IntoView {
    let PaymentDetailData { item, answer, planned, applied, answers, receipts, refunds, trail } = payment;
    let transaction = item.transaction_reference.to_string();
    let transaction_for_refunds = transaction.clone();
    let to_regularise: Vec<String> =
        receipts.iter().filter(|r| r.regularised.is_none()).filter_map(|r| r.regularisation.clone()).collect();
    let summary = vec![
        ("Référence de la transaction".to_owned(), item.transaction_reference.to_string()),
        ("Date".to_owned(), item.date.clone()),
        ("Assuré".to_owned(), format!("{} ({})", item.person, item.nir)),
        ("Montant".to_owned(), item.amount.to_string()),
        ("État".to_owned(), item.status.clone()),
        ("Trop-perçu".to_owned(), item.excess.to_string()),
    ];
    let receipts_view = if receipts.is_empty() {
        Either::Left(view! {
            <p class="table-caption">"Argent reçu"</p>
            <p>"Aucun : la banque n'a accepté aucun paiement pour cette transaction."</p>
        })
    } else {
        Either::Right(view! {
                <DataTable
                    caption="Argent reçu (une ligne par autorisation de la banque)".to_owned()
                    visible_caption=true
                    columns=vec![("Autorisation", false), ("Acceptée le", false), ("État", false), ("À régulariser", false)]
                >
                    {receipts
                        .into_iter()
                        .map(|r| {
                            let flag = match (r.regularisation, r.regularised) {
                                (None, _) => EitherOf3::A(view! { "Non" }),
                                (Some(reason), Some(at)) => EitherOf3::B(view! { {reason} " — régularisé le " {at} }),
                                (Some(reason), None) => {
                                    let (payment, transaction) = (r.id.clone(), transaction.clone());
                                    EitherOf3::C(view! {
                                        <strong>{reason}</strong>
                                        <ServerForm action=regularise class="inline-form">
                                            <input type="hidden" name="payment" value=payment />
                                            <input type="hidden" name="transaction" value=transaction />
                                            <SubmitButton
                                                label="Marquer comme régularisé"
                                                class="button--secondary"
                                                pending=regularise.pending()
                                            />
                                            <ActionError action=regularise />
                                        </ServerForm>
                                    })
                                }
                            };
                            view! {
                                <Row>
                                    <Cell label="Autorisation" class="mono">{r.authorisation_id}</Cell>
                                    <Cell label="Acceptée le">{r.accepted}</Cell>
                                    <Cell label="État">{r.status}</Cell>
                                    <Cell label="À régulariser">{flag}</Cell>
                                </Row>
                            }
                        })
                        .collect_view()}
                </DataTable>
        })
    };
    let money = |rows: Vec<(String, crate::domain::Euros)>| {
        rows.into_iter().map(|(r, a)| (r, a.to_string())).collect::<Vec<_>>()
    };
    view! {
        <h1>"Paiement " <span class="mono">{item.transaction_reference.to_string()}</span></h1>
        {(!to_regularise.is_empty()).then(|| view! {
            <div class="banner banner--warning" role="status">
                <p>"À régulariser : " {to_regularise.join(" ; ")} "."</p>
            </div>
        })}
        <section class="card">{pairs_table("Paiement", summary)}</section>
        <section class="card">{receipts_view}</section>
        <section class="card">
            <Refunds view=refunds transaction=transaction_for_refunds action=refund />
        </section>
        <section class="card">{pairs_table("Réponse de la banque (Sips)", answer)}</section>
        <section class="card">{pairs_table("Répartition prévue", money(planned))}</section>
        <section class="card">{pairs_table("Répartition appliquée", money(applied))}</section>
        <section class="card">
            <DataTable
                caption="Réponses reçues du kiosque".to_owned()
                visible_caption=true
                columns=vec![("Reçue le", false), ("Canal", false), ("Code", false), ("Suite donnée", false)]
            >
                {answers
                    .into_iter()
                    .map(|AnswerView { received, channel, code, outcome }| view! {
                        <Row>
                            <Cell label="Reçue le">{received}</Cell>
                            <Cell label="Canal">{channel}</Cell>
                            <Cell label="Code">{code}</Cell>
                            <Cell label="Suite donnée">{outcome}</Cell>
                        </Row>
                    })
                    .collect_view()}
            </DataTable>
        </section>
        <section class="card">
            <DataTable
                caption="Historique".to_owned()
                visible_caption=true
                columns=vec![("Date", false), ("Par", false), ("Changement", false)]
            >
                {trail
                    .into_iter()
                    .map(|ChangeView { at, who, what, .. }| view! {
                        <Row>
                            <Cell label="Date">{at}</Cell>
                            <Cell label="Par">{who}</Cell>
                            <Cell label="Changement">{what}</Cell>
                        </Row>
                    })
                    .collect_view()}
            </DataTable>
        </section>
    }
}

/// The caisse's trop-perçus still to give back: the work queue, each with
/// «Rembourser» (its payment's refund form, filled in).
#[component]
pub fn AgentTropPercusPage() -> impl IntoView {
    let data = page_data(|| crate::api::agent::payments::AgentTropPercusPage {});
    view! {
        <Title text="Trop-perçus – Espace agents" />
        {with_data(data, |view: TropPercusView| view! {
            <AgentLayout header=view.header current=AgentSection::TropPercus>
                <h1>"Trop-perçus"</h1>
                <p>
                    "Paiements acceptés dont une part dépassait le restant dû des créances, et que personne n'a encore "
                    "demandé à rembourser. Un remboursement demandé doit être approuvé par un autre agent de la caisse."
                </p>
                <TropPercus payments=view.payments />
            </AgentLayout>
        })}
    }
}

#[component]
fn TropPercus(payments: Vec<TropPercuItem>) -> impl IntoView {
    if payments.is_empty() {
        return Either::Left(view! { <p>"Aucun trop-perçu à rembourser."</p> });
    }
    let columns = vec![
        ("Date", false),
        ("Référence de la transaction", false),
        ("Assuré", false),
        ("Montant", true),
        ("Trop-perçu à rembourser", true),
        ("Suite", false),
    ];
    Either::Right(view! {
        <DataTable caption="Trop-perçus à rembourser".to_owned() columns>
            {payments
                .into_iter()
                .map(|TropPercuItem { item, payment_id, left }| {
                    let refund = routes::agent_refund_of_excess(&item.transaction_reference, &payment_id, left);
                    let assign = routes::agent_assign_excess(&item.transaction_reference, &payment_id);
                    view! {
                        <Row>
                            <Cell label="Date">{item.date}</Cell>
                            <Cell label="Référence de la transaction" class="mono">
                                <a href=routes::agent_payment(&item.transaction_reference)>{item.transaction_reference.to_string()}</a>
                            </Cell>
                            <Cell label="Assuré">{item.person} <span class="muted mono">" " {item.nir}</span></Cell>
                            <Cell label="Montant" class="num">{item.amount.to_string()}</Cell>
                            <Cell label="Trop-perçu à rembourser" class="num">{left.to_string()}</Cell>
                            <Cell label="Suite">
                                <a class="button button--secondary" href=refund>"Rembourser"</a>
                                " "
                                <a class="button button--secondary" href=assign>"Affecter"</a>
                            </Cell>
                        </Row>
                    }
                })
                .collect_view()}
        </DataTable>
    })
}

/// The caisse's journal of changes.
#[component]
pub fn AgentJournalPage() -> impl IntoView {
    let data = page_data(|| crate::api::agent::payments::AgentJournalPage {});
    view! {
        <Title text="Journal – Espace agents" />
        {with_data(data, |view: JournalView| view! {
            <AgentLayout header=view.header current=AgentSection::Journal>
                <h1>"Journal des changements"</h1>
                <DataTable
                    caption="Journal des changements".to_owned()
                    columns=vec![("Date", false), ("Par", false), ("Changement", false), ("Objet", false)]
                >
                    {view
                        .entries
                        .into_iter()
                        .map(|ChangeView { at, who, what, object }| view! {
                            <Row>
                                <Cell label="Date">{at}</Cell>
                                <Cell label="Par">{who}</Cell>
                                <Cell label="Changement">{what}</Cell>
                                <Cell label="Objet" class="mono small">{object}</Cell>
                            </Row>
                        })
                        .collect_view()}
                </DataTable>
            </AgentLayout>
        })}
    }
}
