//! The frame of the insured person's pages: skip link, header with the main
//! menu, the page, footer.

use crate::api::HeaderView;
use crate::api::auth::SignOut;
use crate::api::terminal::is_terminal;
use crate::components::form::{ActionError, FormAction, ServerForm};
use crate::components::session::SessionWarning;
use crate::routes;
use leptos::prelude::*;

/// A section of the main menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// «Accueil».
    Home,
    /// «Mes paiements».
    Payments,
    /// «Ma messagerie».
    Messages,
    /// «Mes démarches».
    Demarches,
}

const MENU: [(Section, &str, &str); 4] = [
    (Section::Home, "Accueil", routes::HOME),
    (Section::Payments, "Mes paiements", routes::MY_PAYMENTS),
    (Section::Messages, "Ma messagerie", routes::MAILBOX),
    (Section::Demarches, "Mes démarches", routes::DEMARCHES),
];

/// The brand line, on every page.
#[component]
pub fn Brand() -> impl IntoView {
    view! {
        <a class="brand" href=routes::HOME>
            <span class="brand__name">"l'Assurance Maladie"</span>
            <span class="brand__product">"Mon compte"</span>
        </a>
    }
}

/// The header of pages seen before signing in (or away from the account).
#[component]
pub fn PlainHeader() -> impl IntoView {
    view! {
        <header class="site-header">
            <div class="site-header__bar">
                <Brand />
            </div>
        </header>
    }
}

/// An insured person's page: header and menu (with `current` marked), then `children`.
#[component]
pub fn InsuredLayout<C: IntoView + 'static>(
    header: HeaderView,
    current: Section,
    children: TypedChildren<C>,
) -> impl IntoView {
    // Only this is built once per page: the header is the same code for all.
    let children = children.into_inner();
    view! {
        <InsuredHeader header current />
        <main id="contenu" class="page" tabindex="-1">{children()}</main>
        <Footer />
    }
}

/// The skip link, the session's warning and the header of an insured person's page.
#[component]
fn InsuredHeader(header: HeaderView, current: Section) -> impl IntoView {
    let sign_out = FormAction::<SignOut>::new();
    let unread_messages = header.unread_messages;
    view! {
        <SkipLink />
        <SessionWarning sign_in=routes::SIGN_IN />
        <header class="site-header">
            <div class="site-header__bar">
                <Brand />
                <div class="site-header__account">
                    <span class="site-header__person">{header.full_name}</span>
                    <ServerForm action=sign_out class="inline-form" document=is_terminal()>
                        <button type="submit" class="button button--link">"Se déconnecter"</button>
                    </ServerForm>
                    <ActionError action=sign_out />
                </div>
            </div>
            <nav class="main-menu" aria-label="Menu principal">
                <ul>
                    {MENU
                        .iter()
                        .map(|(section, label, href)| {
                            let here = (*section == current).then_some("page");
                            let unread = (*section == Section::Messages && unread_messages > 0)
                                .then_some(unread_messages);
                            view! {
                                <li>
                                    <a href=*href aria-current=here>
                                        {*label}
                                        {unread.map(|n| view! {
                                            <span class="badge">{n}</span>
                                            <span class="visually-hidden">{if n == 1 { " message non lu" } else { " messages non lus" }}</span>
                                        })}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
        </header>
    }
}

/// «Aller au contenu»: the browser's own jump (not the router's), which also
/// moves the focus.
#[component]
pub fn SkipLink() -> impl IntoView {
    view! { <a class="skip-link" href="#contenu" rel="external">"Aller au contenu"</a> }
}

/// «Mes paiements»'s side menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentsPage {
    /// The list of payments.
    List,
    /// «Participations forfaitaires et franchises».
    Overview,
    /// «Payer une créance».
    Pay,
}

/// «Mes paiements» with its side menu around `children`.
#[component]
pub fn PaymentsLayout<C: IntoView + 'static>(current: PaymentsPage, children: TypedChildren<C>) -> impl IntoView {
    let children = children.into_inner();
    let here = |page: PaymentsPage| (page == current).then_some("page");
    view! {
        <div class="with-side-menu">
            <nav class="side-menu" aria-labelledby="side-menu-title">
                // Not a heading: it would come before the page's own h1.
                <p class="side-menu__title" id="side-menu-title">"MES PAIEMENTS"</p>
                <ul>
                    <li>
                        <a href=routes::MY_PAYMENTS aria-current=here(PaymentsPage::List)>"Mes paiements"</a>
                    </li>
                    <li>
                        <a href=routes::OVERVIEW aria-current=here(PaymentsPage::Overview)>
                            "Participations forfaitaires et franchises"
                        </a>
                    </li>
                    <li>
                        <a href=routes::PAY aria-current=here(PaymentsPage::Pay)>"Payer une créance"</a>
                    </li>
                </ul>
            </nav>
            <div class="side-menu-content">{children()}</div>
        </div>
    }
}

/// The footer.
#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <ul class="site-footer__links">
                <li><a href=routes::SITE_MAP>"Plan du site"</a></li>
                <li><a href=routes::ACCESSIBILITY>{format!("Accessibilité : {}", crate::api::accessibility::STATUS)}</a></li>
            </ul>
            <p>"Assurance Maladie — 36 46 (service gratuit + prix appel)"</p>
        </footer>
    }
}
