//! The HTML shell, the app and its routes.
//!
//! The app is rendered whole on the server (every page waits for its data:
//! `SsrMode::Async`, so it reads the same with or without JavaScript), then
//! hydrated in the browser, which from then on routes on its own: a link
//! changes the page in place, and its data comes from the page's server
//! function. Each group of pages' code is its own WebAssembly chunk (lazy
//! functions, built with `cargo leptos build --split`): the browser fetches the chunk of
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
use leptos_router::{ChooseView, SsrMode, path};

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
/// when the browser first shows one of them: the group's pages, and a lazy
/// function rendering any of them.
///
/// A page written `Page(create)` takes its data as a property, created by
/// `create` when its address matches, before the chunk has arrived
/// ([`PageRoute`]), so the page's data and its code load at the same time
/// (the function is in the main module). The back office creates its data
/// in its pages: none of its code or addresses is in the main module a
/// person's browser loads.
macro_rules! lazy_group {
    ($group:ident, $pages:ident { $($page:ident $(($create:path))?),* $(,)? }) => {
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

        impl $pages {
            /// The page's data, for the pages whose route creates it.
            fn data(self) -> Option<PageHandle> {
                match self {
                    $($pages::$page => lazy_group!(@data $($create)?),)*
                    $pages::Nothing => None,
                }
            }
        }
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
    ReferencePage(reference_data),
    SelectionPage(selection_data),
    KioskRedirectPage(kiosk_redirect_data),
});

lazy_group!(account, AccountPages {
    HomePage(home_data),
    MyPaymentsPage(my_payments_data),
    OverviewPage(overview_data),
    MailboxPage(mailbox_data),
    MessagePage(message_data),
    DemarchesPage(demarches_data),
});

lazy_group!(sign_in, SignInPages {
    SignInPage(sign_in_data),
});

lazy_group!(information, InformationPages { StatementPage, SiteMapPage });

lazy_group!(
    back_office,
    AgentPages {
        AgentSignInPage,
        AgentPaymentsPage,
        AgentPaymentPage,
        AgentSearchPage,
        AgentTropPercusPage,
        AgentNewAvisPage,
        AgentJournalPage,
        AgentReconciliationPage,
    }
);

/// A page of the app, by its group.
#[derive(Debug, Clone, Copy)]
enum Page {
    Steps(PaymentPages),
    Account(AccountPages),
    SignIn(SignInPages),
    Information(InformationPages),
    BackOffice(AgentPages),
}

impl Page {
    /// Its data, if its route creates it.
    fn data(self) -> Option<PageHandle> {
        match self {
            Page::Steps(page) => page.data(),
            Page::Account(page) => page.data(),
            Page::SignIn(page) => page.data(),
            Page::Information(page) => page.data(),
            Page::BackOffice(page) => page.data(),
        }
    }

    /// The page, with `data`, once its group's chunk is there.
    async fn view(self, data: Option<PageHandle>) -> AnyView {
        match self {
            Page::Steps(page) => payment_steps(page, data).await,
            Page::Account(page) => account(page, data).await,
            Page::SignIn(page) => sign_in(page, data).await,
            Page::Information(page) => information(page, data).await,
            Page::BackOffice(page) => back_office(page, data).await,
        }
    }

    /// Fetches its group's chunk (a lazy function's first call loads it).
    async fn load(self) {
        match self {
            Page::Steps(_) => drop(payment_steps(PaymentPages::Nothing, None).await),
            Page::Account(_) => drop(account(AccountPages::Nothing, None).await),
            Page::SignIn(_) => drop(sign_in(SignInPages::Nothing, None).await),
            Page::Information(_) => drop(information(InformationPages::Nothing, None).await),
            Page::BackOffice(_) => drop(back_office(AgentPages::Nothing, None).await),
        }
    }
}

/// The view of a page's route: what `Lazy<T>` is for a `LazyRoute` (data
/// created when the address matches, while the chunk is fetched), for every
/// page at once. The router compiles its matching code once for each type
/// of view its routes have: with one `Lazy<T>` type per page, that was
/// 21 copies of it (and of each page's data and view futures) in the main
/// module; with this one type, it is one.
#[derive(Clone)]
struct PageRoute {
    page: Page,
    /// The data created while the chunk loads, until the page takes it.
    data: ArcStoredValue<Option<Option<PageHandle>>>,
}

/// The route view of `page`.
fn page(page: Page) -> PageRoute {
    PageRoute { page, data: ArcStoredValue::new(None) }
}

impl ChooseView for PageRoute {
    async fn choose(self) -> AnyView {
        let data = self.data.write_value().take().unwrap_or_else(|| self.page.data());
        self.page.view(data).await
    }

    async fn preload(&self) {
        *self.data.write_value() = Some(self.page.data());
        self.page.load().await;
    }
}

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
                <Route path=path!("/connexion") view={page(Page::SignIn(SignInPages::SignInPage))} ssr=SsrMode::Async />
                <Route path=path!("/accueil") view={page(Page::Account(AccountPages::HomePage))} ssr=SsrMode::Async />
                <Route path=path!("/mes-paiements") view={page(Page::Account(AccountPages::MyPaymentsPage))} ssr=SsrMode::Async />
                <Route
                    path=path!("/mes-paiements/participations-forfaitaires-et-franchises")
                    view={page(Page::Account(AccountPages::OverviewPage))}
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/mes-paiements/payer-une-creance")
                    view={page(Page::Steps(PaymentPages::ReferencePage))}
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/mes-paiements/payer-une-creance/paiement/:transaction")
                    view={page(Page::Steps(PaymentPages::KioskRedirectPage))}
                    ssr=SsrMode::Async
                />
                <Route
                    path=path!("/mes-paiements/payer-une-creance/:reference")
                    view={page(Page::Steps(PaymentPages::SelectionPage))}
                    ssr=SsrMode::Async
                />
                <Route path=path!("/ma-messagerie") view={page(Page::Account(AccountPages::MailboxPage))} ssr=SsrMode::Async />
                <Route path=path!("/ma-messagerie/:id") view={page(Page::Account(AccountPages::MessagePage))} ssr=SsrMode::Async />
                <Route path=path!("/mes-demarches") view={page(Page::Account(AccountPages::DemarchesPage))} ssr=SsrMode::Async />
                <Route path=path!("/accessibilite") view={page(Page::Information(InformationPages::StatementPage))} ssr=SsrMode::Async />
                <Route path=path!("/plan-du-site") view={page(Page::Information(InformationPages::SiteMapPage))} ssr=SsrMode::Async />
                <Route path=path!("/agent/connexion") view={page(Page::BackOffice(AgentPages::AgentSignInPage))} ssr=SsrMode::Async />
                <Route path=path!("/agent") view={page(Page::BackOffice(AgentPages::AgentPaymentsPage))} ssr=SsrMode::Async />
                <Route
                    path=path!("/agent/paiements/:transaction")
                    view={page(Page::BackOffice(AgentPages::AgentPaymentPage))}
                    ssr=SsrMode::Async
                />
                <Route path=path!("/agent/recherche") view={page(Page::BackOffice(AgentPages::AgentSearchPage))} ssr=SsrMode::Async />
                <Route path=path!("/agent/trop-percus") view={page(Page::BackOffice(AgentPages::AgentTropPercusPage))} ssr=SsrMode::Async />
                <Route path=path!("/agent/avis/nouveau") view={page(Page::BackOffice(AgentPages::AgentNewAvisPage))} ssr=SsrMode::Async />
                <Route path=path!("/agent/journal") view={page(Page::BackOffice(AgentPages::AgentJournalPage))} ssr=SsrMode::Async />
                <Route
                    path=path!("/agent/rapprochement")
                    view={page(Page::BackOffice(AgentPages::AgentReconciliationPage))}
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
