//! «Mes paiements».

use crate::api::payments::{PaymentRow, PaymentsView, payments_page};
use crate::components::layout::{InsuredLayout, PaymentsLayout, PaymentsPage, Section};
use crate::components::pending::PendingPayments;
use crate::components::table::{Cell, DataTable, Row};
use crate::pages::with_data;
use leptos::prelude::*;
use leptos_meta::Title;

/// The person's payments, with the side menu of «Mes paiements».
#[component]
pub fn MyPaymentsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| payments_page());
    view! {
        <Title text="Mes paiements – Mon compte ameli" />
        {with_data(data, |view| view! { <MyPayments view /> })}
    }
}

#[component]
fn MyPayments(view: PaymentsView) -> impl IntoView {
    let PaymentsView { header, pending, payments } = view;
    view! {
        <InsuredLayout header current=Section::Payments>
            <PaymentsLayout current=PaymentsPage::List>
                <h1>"Mes paiements"</h1>
                <PendingPayments section=pending retour=crate::routes::MY_PAYMENTS.to_owned() />
                <PaymentTable payments caption="Mes paiements en ligne" />
            </PaymentsLayout>
        </InsuredLayout>
    }
}

/// A table of payments, or «Aucun nouveau paiement».
#[component]
pub fn PaymentTable(payments: Vec<PaymentRow>, caption: &'static str) -> impl IntoView {
    if payments.is_empty() {
        return view! { <p>"Aucun nouveau paiement"</p> }.into_any();
    }
    let columns = vec![("Date", false), ("Référence de la transaction", false), ("Montant", true), ("État", false)];
    view! {
        <DataTable caption=caption.to_owned() columns>
            {payments
                .into_iter()
                .map(|p| {
                    view! {
                        <Row>
                            <Cell label="Date">{p.date}</Cell>
                            <Cell label="Référence de la transaction" class="mono">{p.transaction_reference.to_string()}</Cell>
                            <Cell label="Montant" class="num">{p.amount.to_string()}</Cell>
                            <Cell label="État">{p.status}</Cell>
                        </Row>
                    }
                })
                .collect_view()}
        </DataTable>
    }
    .into_any()
}
