//! «Mes paiements».

use crate::api::payments::{PaymentRow, PaymentsView, payments_page};
use crate::components::layout::{InsuredLayout, PaymentsLayout, PaymentsPage, Section};
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
    let PaymentsView { header, payments } = view;
    view! {
        <InsuredLayout header current=Section::Payments>
            <PaymentsLayout current=PaymentsPage::List>
                <h1>"Mes paiements"</h1>
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
    view! {
        <div class="table-scroll">
            <table class="table">
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Date"</th>
                        <th scope="col">"Référence de la transaction"</th>
                        <th scope="col" class="num">"Montant"</th>
                        <th scope="col">"État"</th>
                    </tr>
                </thead>
                <tbody>
                    {payments
                        .into_iter()
                        .map(|p| {
                            view! {
                                <tr>
                                    <td>{p.date}</td>
                                    <td class="mono">{p.transaction_reference.to_string()}</td>
                                    <td class="num">{p.amount.to_string()}</td>
                                    <td>{p.status}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
