//! The HTML shell and the routes.

use crate::pages::agent::avis::AgentNewAvisPage;
use crate::pages::agent::payments::{AgentJournalPage, AgentPaymentPage, AgentPaymentsPage, AgentTropPercusPage};
use crate::pages::agent::search::AgentSearchPage;
use crate::pages::agent::sign_in::AgentSignInPage;
use crate::pages::demarches::DemarchesPage;
use crate::pages::messages::{MailboxPage, MessagePage};
use crate::pages::overview::OverviewPage;
use crate::pages::pay::{kiosk_redirect::KioskRedirectPage, reference::ReferencePage, selection::SelectionPage};
use crate::pages::payments::MyPaymentsPage;
use crate::pages::terminal::{IdleCountdown, is_terminal};
use crate::pages::{home::HomePage, not_found::NotFound, sign_in::SignInPage};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, provide_meta_context};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let terminal = is_terminal();
    view! {
        <!DOCTYPE html>
        <html lang="fr">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <HashedStylesheet options=options.clone() />
                <link rel="icon" href="/favicon.ico" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                <meta name="theme-color" content="#0c419a" />
                // The service worker keeps static files and answers the offline page (public/sw.js).
                <script nonce=leptos::nonce::use_nonce()>
                    "if('serviceWorker'in navigator)navigator.serviceWorker.register('/sw.js')"
                </script>
                {page_has_islands().then(|| view! { <HydrationScripts options islands=true /> })}
                <MetaTags />
            </head>
            <body class=terminal.then_some("borne")>
                <App />
                {terminal.then(|| view! { <IdleCountdown /> })}
            </body>
        </html>
    }
}

/// Whether the requested page has islands: the sign-in page (the NIR check)
/// and steps 1 and 2 of «Payer une créance». The other pages load no
/// WebAssembly at all.
fn page_has_islands() -> bool {
    #[cfg(feature = "ssr")]
    {
        let Some(parts) = use_context::<http::request::Parts>() else { return true };
        routes::has_islands(parts.uri.path())
    }
    #[cfg(not(feature = "ssr"))]
    true
}

/// The routes. Every page waits for its data on the server and is sent whole
/// (`SsrMode::Async`), so it reads the same with or without JavaScript.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/") view=|| view! { <Redirect path=routes::HOME /> } />
                <Route path=path!("/connexion") view=SignInPage ssr=SsrMode::Async />
                <Route path=path!("/accueil") view=HomePage ssr=SsrMode::Async />
                <Route path=path!("/mes-paiements") view=MyPaymentsPage ssr=SsrMode::Async />
                <Route
                    path=path!("/mes-paiements/participations-forfaitaires-et-franchises")
                    view=OverviewPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/mes-paiements/payer-une-creance") view=ReferencePage ssr=SsrMode::Async />
                <Route
                    path=path!("/mes-paiements/payer-une-creance/paiement/:transaction")
                    view=KioskRedirectPage
                    ssr=SsrMode::Async
                />
                <Route path=path!("/mes-paiements/payer-une-creance/:reference") view=SelectionPage ssr=SsrMode::Async />
                <Route path=path!("/ma-messagerie") view=MailboxPage ssr=SsrMode::Async />
                <Route path=path!("/ma-messagerie/:id") view=MessagePage ssr=SsrMode::Async />
                <Route path=path!("/mes-demarches") view=DemarchesPage ssr=SsrMode::Async />
                <Route path=path!("/agent/connexion") view=AgentSignInPage ssr=SsrMode::Async />
                <Route path=path!("/agent") view=AgentPaymentsPage ssr=SsrMode::Async />
                <Route path=path!("/agent/paiements/:transaction") view=AgentPaymentPage ssr=SsrMode::Async />
                <Route path=path!("/agent/recherche") view=AgentSearchPage ssr=SsrMode::Async />
                <Route path=path!("/agent/trop-percus") view=AgentTropPercusPage ssr=SsrMode::Async />
                <Route path=path!("/agent/avis/nouveau") view=AgentNewAvisPage ssr=SsrMode::Async />
                <Route path=path!("/agent/journal") view=AgentJournalPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use crate::routes::PAGE_PATTERNS;

    #[test]
    fn the_router_serves_exactly_the_pages_of_the_routes_module() {
        let mut served: Vec<String> = leptos_axum::generate_route_list(super::App)
            .iter()
            .map(|r| r.path().replace('{', ":").replace('}', ""))
            .collect();
        served.sort();
        served.dedup();
        let mut listed: Vec<String> = PAGE_PATTERNS.iter().map(|p| (*p).to_owned()).collect();
        listed.sort();
        assert_eq!(served, listed);
    }
}
