//! The agents' sign-in: «Identifiant», «Mot de passe».

use crate::api::agent::sign_in::{AgentSignIn, agent_sign_in_page};
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::layout::{Footer, PlainHeader};
use crate::pages::with_data;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

/// The sign-in page of the back office.
#[component]
pub fn AgentSignInPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| agent_sign_in_page());
    view! {
        <Title text="Connexion – Espace agents" />
        <a class="skip-link" href="#contenu">"Aller au contenu"</a>
        <PlainHeader />
        {with_data(data, |form| view! { <AgentSignInForm form /> })}
        <Footer />
    }
}

#[component]
fn AgentSignInForm(form: crate::api::FormState) -> impl IntoView {
    let action = ServerAction::<AgentSignIn>::new();
    let errors: Vec<(String, String)> =
        ["login", "password"].into_iter().filter_map(|f| form.error(f).map(|m| (f.to_owned(), m))).collect();
    view! {
        <main id="contenu" class="page page--narrow" tabindex="-1">
            <h1>"Espace agents"</h1>
            <ErrorSummary errors />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <p class="required-note">"Tous les champs sont obligatoires."</p>
                <TextField name="login" label="Identifiant" autocomplete="username" value=form.value("login") error=form.error("login") />
                <TextField name="password" label="Mot de passe" kind="password" autocomplete="current-password" error=form.error("password") />
                <button type="submit" class="button">"Se connecter"</button>
            </ActionForm>
        </main>
    }
}
