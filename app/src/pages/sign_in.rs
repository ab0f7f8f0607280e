//! Sign-in: «Numéro de sécurité sociale» and «Mot de passe».

use super::with_data;
use crate::api::auth::{SignIn, sign_in_page};
use crate::api::terminal::is_terminal;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::layout::{Footer, PlainHeader};
use crate::components::nir_field::NirField;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

/// The sign-in page.
#[component]
pub fn SignInPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| sign_in_page());
    view! {
        <Title text="Connexion – Mon compte ameli" />
        <a class="skip-link" href="#contenu">"Aller au contenu"</a>
        <PlainHeader />
        {with_data(data, |form| view! { <SignInForm form /> })}
        <Footer />
    }
}

#[component]
fn SignInForm(form: crate::api::FormState) -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let errors: Vec<(String, String)> =
        ["nir", "password"].into_iter().filter_map(|field| form.error(field).map(|m| (field.to_owned(), m))).collect();
    view! {
        <main id="contenu" class="page page--narrow" tabindex="-1">
            <h1>"Connexion à mon compte"</h1>
            <ErrorSummary errors />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <p class="required-note">"* champ obligatoire"</p>
                <NirField value=form.value("nir") error=form.error("nir") />
                <TextField
                    name="password"
                    label="Mot de passe *"
                    kind="password"
                    autocomplete=if is_terminal() { "off" } else { "current-password" }
                    error=form.error("password")
                />
                <button type="submit" class="button">
                    "Se connecter"
                </button>
            </ActionForm>
        </main>
    }
}
