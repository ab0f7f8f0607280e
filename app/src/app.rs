//! The HTML shell, the app and its routes.
//!
//! The app is rendered whole on the server (every page waits for its data:
//! `SsrMode::Async`, so it reads the same with or without JavaScript), then
//! hydrated in the browser, which from then on routes on its own: a link
//! changes the page in place, and its data comes from the page's server
//! function. Each page's code is its own WebAssembly chunk (`Lazy` routes,
//! built with `cargo leptos build --split`): the browser fetches the chunk of
//! the page it is on, and the others when it first goes there.

use crate::api::terminal::provide_device;
use crate::components::navigation::{Hydrated, NavigationStatus, provide_navigation};
use crate::components::terminal::IdleCountdown;
use crate::pages::agent::avis::AgentNewAvisPage;
use crate::pages::agent::payments::{AgentJournalPage, AgentPaymentPage, AgentPaymentsPage, AgentTropPercusPage};
use crate::pages::agent::reconciliation::AgentReconciliationPage;
use crate::pages::agent::search::AgentSearchPage;
use crate::pages::agent::sign_in::AgentSignInPage;
use crate::pages::demarches::{DemarchesPage, demarches_data};
use crate::pages::home::{HomePage, home_data};
use crate::pages::messages::{MailboxPage, MessagePage, mailbox_data, message_data};
use crate::pages::overview::{OverviewPage, overview_data};
use crate::pages::pay::kiosk_redirect::{KioskRedirectPage, kiosk_redirect_data};
use crate::pages::pay::reference::{ReferencePage, reference_data};
use crate::pages::pay::selection::{SelectionPage, selection_data};
use crate::pages::payments::{MyPaymentsPage, my_payments_data};
use crate::pages::sign_in::{SignInPage, sign_in_data};
use crate::pages::statement::{SiteMapPage, StatementPage};
use crate::pages::{PageData, PageHandle, not_found::NotFound};
use crate::routes;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, provide_meta_context};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

/// The document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
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
                // The service worker keeps static files and answers the offline page
                // (public/sw.js). A page whose code could not be fetched stops the
                // app (its WebAssembly traps): the page is then loaded as a new
                // document, which the server (or the worker, offline) answers.
                <script nonce=leptos::nonce::use_nonce()>
                    "if('serviceWorker'in navigator)navigator.serviceWorker.register('/sw.js');\
                     addEventListener('error',function(e){if(e.error instanceof WebAssembly.RuntimeError\
                     &&document.body.hasAttribute('data-hydrated'))location.reload()})"
                </script>
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class=crate::api::terminal::is_terminal().then_some("borne")>
                <App />
            </body>
        </html>
    }
}

/// Declares a group of pages whose code is one WebAssembly chunk, fetched
/// when the browser first shows one of them: a lazy function rendering any
/// page of the group, and for each page the lazy route that calls it.
///
/// A page written `Page(create)` takes its data as a property, created by
/// `create` in the route's `data()`: the router calls it when the address
/// matches, before the chunk has arrived, so the page's data and its code
/// load at the same time (the function is in the main module). The back
/// office creates its data in its pages: none of its code or addresses is
/// in the main module a person's browser loads.
macro_rules! lazy_group {
    ($group:ident, $pages:ident { $($route:ident => $page:ident $(($create:path))?),* $(,)? }) => {
        #[doc = concat!("The pages of the `", stringify!($group), "` chunk.")]
        #[derive(Debug, Clone, Copy)]
        enum $pages {
            $($page,)*
            /// No page: the chunk loaded, nothing rendered.
            Nothing,
        }

        #[doc = concat!("Renders a page of the `", stringify!($group), "` chunk, with its data if its route created it.")]
        #[leptos::lazy]
        fn $group(page: $pages, data: Option<PageHandle>) -> AnyView {
            match page {
                $($pages::$page => lazy_group!(@view $page, data $(, $create)?),)*
                $pages::Nothing => ().into_any(),
            }
        }

        $(
            #[doc = concat!("The route of [`", stringify!($page), "`], in the `", stringify!($group), "` chunk.")]
            struct $route(Option<PageHandle>);

            impl leptos_router::LazyRoute for $route {
                fn data() -> Self {
                    $route(lazy_group!(@data $($create)?))
                }

                async fn view(this: Self) -> AnyView {
                    $group($pages::$page, this.0).await
                }

                // The chunk is fetched while the page's data loads: a lazy
                // function's first call loads its chunk.
                async fn preload() {
                    $group($pages::Nothing, None).await;
                }
            }
        )*
    };
    (@data) => { None };
    (@data $create:path) => { Some($create().handle()) };
    (@view $page:ident, $data:ident) => {{
        let _ = $data;
        Hydrated(view! { <$page /> }).into_any()
    }};
    (@view $page:ident, $data:ident, $create:path) => {{
        let data = PageData::typed($data, $create);
        Hydrated(view! { <$page data /> }).into_any()
    }};
}

lazy_group!(payment_steps, PaymentPages {
    ReferenceRoute => ReferencePage(reference_data),
    SelectionRoute => SelectionPage(selection_data),
    KioskRedirectRoute => KioskRedirectPage(kiosk_redirect_data),
});

lazy_group!(account, AccountPages {
    HomeRoute => HomePage(home_data),
    MyPaymentsRoute => MyPaymentsPage(my_payments_data),
    OverviewRoute => OverviewPage(overview_data),
    MailboxRoute => MailboxPage(mailbox_data),
    MessageRoute => MessagePage(message_data),
    DemarchesRoute => DemarchesPage(demarches_data),
});

lazy_group!(sign_in, SignInPages {
    SignInRoute => SignInPage(sign_in_data),
});

lazy_group!(information, InformationPages {
    StatementRoute => StatementPage,
    SiteMapRoute => SiteMapPage,
});

lazy_group!(back_office, AgentPages {
    AgentSignInRoute => AgentSignInPage,
    AgentPaymentsRoute => AgentPaymentsPage,
    AgentPaymentRoute => AgentPaymentPage,
    AgentSearchRoute => AgentSearchPage,
    AgentTropPercusRoute => AgentTropPercusPage,
    AgentNewAvisRoute => AgentNewAvisPage,
    AgentJournalRoute => AgentJournalPage,
    AgentReconciliationRoute => AgentReconciliationPage,
});

/// The app: the router, the announcement of each new page, and on a public
/// terminal the idle countdown.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let device = provide_device();
    let routing = provide_navigation();
    view! {
        <Router set_is_routing=routing>
            <NavigationStatus />
            <Routes fallback=|| Hydrated(view! { <NotFound /> })>
                <Route path=path!("/") view=|| view! { <Redirect path=routes::HOME /> } />
                <Route path=path!("/connexion") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/accueil") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/mes-paiements") view={Lazy::<MyPaymentsRoute>::new()} ssr=SsrMode::Async />
                <Route
                    path=path!("/mes-paiements/participations-forfaitaires-et-franchises")
                    view={Lazy::<OverviewRoute>::new()}
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/mes-paiements/payer-une-creance")
                    view={Lazy::<ReferenceRoute>::new()}
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/mes-paiements/payer-une-creance/paiement/:transaction")
                    view={Lazy::<KioskRedirectRoute>::new()}
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/mes-paiements/payer-une-creance/:reference")
                    view={Lazy::<SelectionRoute>::new()}
                    ssr=SsrMode::Async
                />
                <Route path=path!("/ma-messagerie") view={Lazy::<MailboxRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/ma-messagerie/:id") view={Lazy::<MessageRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/mes-demarches") view={Lazy::<DemarchesRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/accessibilite") view={Lazy::<StatementRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/plan-du-site") view={Lazy::<SiteMapRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/agent/connexion") view={Lazy::<AgentSignInRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/agent") view={Lazy::<AgentPaymentsRoute>::new()} ssr=SsrMode::Async />
                <Route
                    path=path!("/agent/paiements/:transaction")
                    view={Lazy::<AgentPaymentRoute>::new()}
                    ssr=SsrMode::Async
                />
                <Route path=path!("/agent/recherche") view={Lazy::<AgentSearchRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/agent/trop-percus") view={Lazy::<AgentTropPercusRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/agent/avis/nouveau") view={Lazy::<AgentNewAvisRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/agent/journal") view={Lazy::<AgentJournalRoute>::new()} ssr=SsrMode::Async />
                <Route
                    path=path!("/agent/rapprochement")
                    view={Lazy::<AgentReconciliationRoute>::new()}
                    ssr=SsrMode::Async
                />
            </Routes>
        </Router>
        {device.terminal.then(|| view! { <IdleCountdown /> })}
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
