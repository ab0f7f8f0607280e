//! «Mes paiements».

use crate::api::payments::{AbandonPayment, PaymentRow, PaymentState, PaymentsView};
use crate::components::form::FormAction;
use crate::components::layout::{InsuredLayout, PaymentsLayout, PaymentsPage, Section};
use crate::components::payment_states::follow;
use crate::components::pending::PendingPayments;
use crate::components::table::{Cell, DataTable, Row};
use crate::domain::TransactionReference;
use crate::pages::{PageData, page_data, with_data};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

/// The person's payments, with the side menu of «Mes paiements». Its data is
/// loaded again after an abandon (a failed one leaves it as it is, saying why).
#[component]
pub fn MyPaymentsPage(data: PageData<PaymentsView>) -> impl IntoView {
    let abandon = FormAction::<AbandonPayment>::new();
    data.reload_after(abandon);
    view! {
        <Title text="Mes paiements – Mon compte ameli" />
        {with_data(data, move |view| view! { <MyPayments view abandon /> })}
    }
}

/// Its data, created with its route while the page's code loads (`app.rs`).
pub fn my_payments_data() -> PageData<PaymentsView> {
    page_data(|| crate::api::payments::PaymentsPage {})
}

#[component]
fn MyPayments(view: PaymentsView, abandon: FormAction<AbandonPayment>) -> impl IntoView {
    let PaymentsView { header, pending, payments, refunds } = view;
    let refunds = if refunds.is_empty() {
        Either::Left(())
    } else {
        Either::Right(view! {
            <DataTable
                caption="Mes remboursements".to_owned()
                visible_caption=true
                columns=vec![("Demandé le", false), ("Référence de la transaction", false), ("Montant", true), ("État", false)]
            >
                {refunds
                    .into_iter()
                    .map(|r| view! {
                        <Row>
                            <Cell label="Demandé le">{r.date}</Cell>
                            <Cell label="Référence de la transaction" class="mono">{r.transaction_reference.to_string()}</Cell>
                            <Cell label="Montant" class="num">{r.amount.to_string()}</Cell>
                            <Cell label="État">{r.state}</Cell>
                        </Row>
                    })
                    .collect_view()}
            </DataTable>
        })
    };
    view! {
        <InsuredLayout header current=Section::Payments>
            <PaymentsLayout current=PaymentsPage::List>
                <h1>"Mes paiements"</h1>
                <PendingPayments section=pending retour=crate::routes::MY_PAYMENTS.to_owned() action=abandon />
                <PaymentTable payments caption="Mes paiements en ligne" />
                {refunds}
            </PaymentsLayout>
        </InsuredLayout>
    }
}

/// A table of payments, or «Aucun nouveau paiement». The state of a payment
/// still under way follows in place (`components::payment_states`), and so
/// does `also`, a payment the page shows elsewhere too (Accueil's banner): its
/// row, if it has one, shares its signal, and one question asks for both.
#[component]
pub fn PaymentTable(
    payments: Vec<PaymentRow>,
    caption: &'static str,
    #[prop(optional_no_strip)] also: Option<(TransactionReference, RwSignal<PaymentState>)>,
) -> impl IntoView {
    let rows: Vec<(PaymentRow, RwSignal<PaymentState>)> = payments
        .into_iter()
        .map(|p| {
            let state = match &also {
                Some((reference, state)) if *reference == p.transaction_reference => *state,
                _ => RwSignal::new(p.state),
            };
            (p, state)
        })
        .collect();
    let mut followed: Vec<_> = rows.iter().map(|(p, state)| (p.transaction_reference.clone(), *state)).collect();
    if let Some((reference, state)) = also
        && !followed.iter().any(|(r, _)| *r == reference)
    {
        followed.push((reference, state));
    }
    follow(followed);
    if rows.is_empty() {
        return Either::Left(view! { <p>"Aucun nouveau paiement"</p> });
    }
    let columns = vec![("Date", false), ("Référence de la transaction", false), ("Montant", true), ("État", false)];
    Either::Right(view! {
        <DataTable caption=caption.to_owned() columns>
            {rows
                .into_iter()
                .map(|(p, state)| {
                    view! {
                        <Row>
                            <Cell label="Date">{p.date}</Cell>
                            <Cell label="Référence de la transaction" class="mono">{p.transaction_reference.to_string()}</Cell>
                            <Cell label="Montant" class="num">{p.amount.to_string()}</Cell>
                            <Cell label="État">{move || state.get().label()}</Cell>
                        </Row>
                    }
                })
                .collect_view()}
        </DataTable>
    })
}
