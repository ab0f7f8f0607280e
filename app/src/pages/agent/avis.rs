//! «Émettre un avis de sommes à payer».

use super::{AgentLayout, AgentSection};
use crate::api::agent::avis::{AvisIssued, IssueAvis, NewAvisView};
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::form::{FormAction, ServerForm, SubmitButton, refusal};
use crate::components::navigation::{Notice, go_after};
use crate::pages::{page_data, with_data};
use leptos::prelude::*;
use leptos_meta::Title;

/// The form.
#[component]
pub fn AgentNewAvisPage() -> impl IntoView {
    let data = page_data(|| crate::api::agent::avis::AgentNewAvisPage {});
    view! {
        <Title text="Émettre un avis – Espace agents" />
        {with_data(data, |view| view! { <NewAvis view /> })}
    }
}

#[component]
fn NewAvis(view: NewAvisView) -> impl IntoView {
    let NewAvisView { header, form, today, bounds } = view;
    let action = FormAction::<IssueAvis>::new();
    // Issued: to the search for it, which says so.
    go_after(action, |issued| {
        issued.map(|AvisIssued { reference, notice }| {
            (crate::routes::agent_search(&reference), Notice::AvisIssued(notice))
        })
    });
    let refused = refusal(action, form.errors.clone());
    let field = move |name: &'static str| Signal::derive(move || refused.with(|r| r.field(name)));
    let date = if form.value("date").is_empty() { today } else { form.value("date") };
    view! {
        <AgentLayout header current=AgentSection::NewAvis>
            <h1>"Émettre un avis de sommes à payer"</h1>
            <p>
                "Participations forfaitaires et franchises. L'avis est ouvert au paiement en ligne si le solde de l'assuré, "
                "avec cet avis, est compris entre " {bounds.0.to_string()} " et " {bounds.1.to_string()} "."
            </p>
            <ErrorSummary
                errors=Signal::derive(move || refused.with(|r| r.summary(&["nir", "date", "montant"])))
                refused=action.version()
            />
            <ServerForm action class="form">
                <p class="required-note">"Tous les champs sont obligatoires."</p>
                <TextField name="nir" label="Numéro de sécurité sociale de l'assuré" hint="13 chiffres, ou 15 avec la clé." value=form.value("nir") error=field("nir") />
                <TextField name="date" label="Date d'émission" kind="date" value=date error=field("date") />
                <TextField name="montant" label="Montant (€)" hint="Par exemple 42,50" value=form.value("montant") error=field("montant") />
                <SubmitButton label="Émettre l'avis" pending=action.pending() />
            </ServerForm>
        </AgentLayout>
    }
}
