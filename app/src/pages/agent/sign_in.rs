//! The agents' sign-in: «Identifiant», «Mot de passe».

use crate::api::agent::sign_in::AgentSignIn;
use crate::api::terminal::is_terminal;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::form::{FormAction, ServerForm, SubmitButton, refusal};
use crate::components::layout::{Footer, PlainHeader, SkipLink};
use crate::pages::{page_data, with_data};
use leptos::prelude::*;
use leptos_meta::Title;

/// The sign-in page of the back office.
#[component]
pub fn AgentSignInPage() -> impl IntoView {
    let data = page_data(|| crate::api::agent::sign_in::AgentSignInPage {});
    view! {
        <Title text="Connexion – Espace agents" />
        <SkipLink />
        <PlainHeader />
        {with_data(data, |form| view! { <AgentSignInForm form /> })}
        <Footer />
    }
}

#[component]
fn AgentSignInForm(form: crate::api::FormState) -> impl IntoView {
    let action = FormAction::<AgentSignIn>::new();
    let refused = refusal(action, form.errors.clone());
    let field = move |name: &'static str| Signal::derive(move || refused.with(|r| r.field(name)));
    view! {
        <main id="contenu" class="page page--narrow" tabindex="-1">
            <h1>"Espace agents"</h1>
            <ErrorSummary
                errors=Signal::derive(move || refused.with(|r| r.summary(&["login", "password"])))
                refused=action.version()
            />
            <ServerForm action class="form">
                <p class="required-note">"Tous les champs sont obligatoires."</p>
                <TextField name="login" label="Identifiant" autocomplete=if is_terminal() { "off" } else { "username" } value=form.value("login") error=field("login") />
                <TextField name="password" label="Mot de passe" kind="password" autocomplete=if is_terminal() { "off" } else { "current-password" } error=field("password") />
                <SubmitButton label="Se connecter" pending=action.pending() />
            </ServerForm>
        </main>
    }
}
