//! The frame of the insured person's pages: skip link, header with the main
//! menu, the page, footer.

use crate::api::HeaderView;
use crate::api::auth::SignOut;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// A section of the main menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// «Accueil».
    Home,
}

const MENU: [(Section, &str, &str); 1] = [(Section::Home, "Accueil", "/accueil")];

/// The brand line, on every page.
#[component]
pub fn Brand() -> impl IntoView {
    view! {
        <a class="brand" href="/accueil">
            <span class="brand__name">"l'Assurance Maladie"</span>
            <span class="brand__product">"Mon compte"</span>
        </a>
    }
}

/// An insured person's page: header and menu (with `current` marked), then `children`.
#[component]
pub fn InsuredLayout(header: HeaderView, current: Section, children: Children) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <a class="skip-link" href="#contenu">"Aller au contenu"</a>
        <header class="site-header">
            <div class="site-header__bar">
                <Brand />
                <div class="site-header__account">
                    <span class="site-header__person">{header.full_name}</span>
                    <ActionForm action=sign_out attr:class="inline-form">
                        <button type="submit" class="button button--link">"Se déconnecter"</button>
                    </ActionForm>
                </div>
            </div>
            <nav class="main-menu" aria-label="Menu principal">
                <ul>
                    {MENU
                        .iter()
                        .map(|(section, label, href)| {
                            let here = (*section == current).then_some("page");
                            view! {
                                <li>
                                    <a href=*href aria-current=here>{*label}</a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </header>
        <main id="contenu" class="page" tabindex="-1">{children()}</main>
        <Footer />
    }
}

/// The footer.
#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Assurance Maladie — 36 46 (service gratuit + prix appel)"</p>
        </footer>
    }
}
