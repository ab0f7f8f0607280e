//! Sign-in: «Numéro de sécurité sociale» and «Mot de passe».

use super::with_data;
use crate::api::auth::{SignIn, sign_in_page};
use crate::components::error_summary::{ErrorSummary, FieldMessage};
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
    let password_error = form.error("password");
    let password_has_error = password_error.is_some();
    let password_invalid = if password_has_error { "true" } else { "false" };
    view! {
        <main id="contenu" class="page page--narrow" tabindex="-1">
            <h1>"Connexion à mon compte"</h1>
            <ErrorSummary errors />
            <ActionForm action attr:class="form" attr:novalidate=true>
                <p class="required-note">"* champ obligatoire"</p>
                <NirField value=form.value("nir") error=form.error("nir") />
                <div class="field" class:field--error=password_has_error>
                    <label class="field__label" for="password">
                        "Mot de passe *"
                    </label>
                    <FieldMessage id="password-error".to_owned() message=password_error />
                    <input
                        class="input"
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        aria-describedby="password-error"
                        aria-invalid=password_invalid
                    />
                </div>
                <button type="submit" class="button">
                    "Se connecter"
                </button>
            </ActionForm>
        </main>
    }
}
