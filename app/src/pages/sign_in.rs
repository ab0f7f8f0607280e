//! Sign-in: «Numéro de sécurité sociale» and «Mot de passe».

use super::{PageData, page_data, with_data};
use crate::api::auth::{SignIn, SignInView};
use crate::api::home::Banner;
use crate::api::terminal::is_terminal;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::form::{FormAction, ServerForm, SubmitButton, refusal};
use crate::components::layout::{Footer, PlainHeader, SkipLink};
use crate::components::nir_field::NirField;
use leptos::prelude::*;
use leptos_meta::Title;

/// Its data, created with its route while the page's code loads (`app.rs`).
pub fn sign_in_data() -> PageData<SignInView> {
    page_data(|| crate::api::auth::SignInPage {})
}

/// The sign-in page.
#[component]
pub fn SignInPage(data: PageData<SignInView>) -> impl IntoView {
    view! {
        <Title text="Connexion – Mon compte ameli" />
        <SkipLink />
        <PlainHeader />
        {with_data(data, |SignInView { form, payment }| view! { <SignInForm form payment /> })}
        <Footer />
    }
}

#[component]
fn SignInForm(form: crate::api::FormState, payment: Option<Banner>) -> impl IntoView {
    let action = FormAction::<SignIn>::new();
    let refused = refusal(action, form.errors.clone());
    let field = move |name: &'static str| Signal::derive(move || refused.with(|r| r.field(name)));
    view! {
        <main id="contenu" class="page page--narrow" tabindex="-1">
            <h1>"Connexion à mon compte"</h1>
            {payment.map(|banner| view! {
                <div class=banner.class() role="status" tabindex="-1" autofocus>
                    <p>{banner.text()}</p>
                    <p>"Pour protéger vos données, vous avez été déconnecté de cette borne."</p>
                </div>
            })}
            <ErrorSummary
                errors=Signal::derive(move || refused.with(|r| r.summary(&["nir", "password"])))
                refused=action.version()
            />
            <ServerForm action class="form">
                <p class="required-note">"* champ obligatoire"</p>
                <NirField value=form.value("nir") error=field("nir") />
                <TextField
                    name="password"
                    label="Mot de passe *"
                    kind="password"
                    autocomplete=if is_terminal() { "off" } else { "current-password" }
                    error=field("password")
                />
                <SubmitButton label="Se connecter" pending=action.pending() />
            </ServerForm>
        </main>
    }
}
