//! Building and running the application.

use crate::assets::{self, Assets};
use crate::config::Settings;
use crate::{answers, documents, housekeeping, http_policy};
use anyhow::Context;
use app::ssr::{AppSettings, AppState, Clock, KioskSettings, Secret, Store, demo};
use app::{App, routes, shell};
use axum::Router;
use axum::extract::FromRef;
use axum::routing::{get, post};
use kiosk::{KioskHandle, Merchant};
use leptos::nonce::Nonce;
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use sips::simulation;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::net::TcpListener;

/// The router's state: Leptos' options and the app's.
#[derive(Clone)]
pub struct ServerState {
    /// Leptos' options (site root, output name).
    pub leptos: LeptosOptions,
    /// The app state.
    pub app: AppState,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos.clone()
    }
}

impl FromRef<ServerState> for AppState {
    fn from_ref(state: &ServerState) -> Self {
        state.app.clone()
    }
}

/// A built application, bound to its port, ready to serve.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    kiosk: Option<EmbeddedKiosk>,
    processing_interval: Duration,
}

/// The embedded kiosk simulator, when no real kiosk is configured.
struct EmbeddedKiosk {
    listener: TcpListener,
    router: Router,
    handle: KioskHandle,
}

impl Application {
    /// Binds the listeners, opens and migrates the database, loads the demo data
    /// into an empty one, and builds the routes.
    pub async fn build(settings: Settings, clock: Clock) -> anyhow::Result<Application> {
        let listener =
            TcpListener::bind(settings.site_addr).await.with_context(|| format!("binding {}", settings.site_addr))?;
        let address = listener.local_addr()?;
        let public_url = settings.public_url.clone().unwrap_or_else(|| format!("http://{address}"));

        let store = Store::connect(&settings.database_url, settings.database_max_connections).await?;
        store.migrate().await?;
        let public = public_url.starts_with("https://");
        if public && settings.demo_data_asked {
            tracing::warn!(
                "DEMO_DATA=true on a public site: the demonstration accounts, whose passwords are published, sign in"
            );
        } else if public {
            let present = demo::accounts_present(&store).await?;
            anyhow::ensure!(
                present.is_empty(),
                "PUBLIC_URL is https:// and the database holds demonstration accounts, whose passwords are published \
                 ({}): remove them, or set DEMO_DATA=true for a training site",
                present.join(", ")
            );
        }
        if public && settings.allow_test_kiosk {
            tracing::warn!("ALLOW_TEST_KIOSK=true on a public site: payments go to a test bank and take no money");
        }
        if settings.demo_data && demo::load_if_empty(&store, &settings.eligibility, clock.now_ms()).await? {
            tracing::info!("demonstration data loaded");
        }

        let (kiosk, embedded) = match &settings.real_kiosk {
            Some(real) => (
                KioskSettings {
                    paypage_url: real.paypage_url.clone(),
                    merchant_id: real.merchant_id.clone(),
                    key_version: real.key_version.clone(),
                    secret_key: real.secret_key.clone(),
                    interface_version: settings.interface_version.clone(),
                },
                None,
            ),
            None => {
                let listener = TcpListener::bind(settings.kiosk_addr)
                    .await
                    .with_context(|| format!("binding the kiosk simulator on {}", settings.kiosk_addr))?;
                let kiosk_address = listener.local_addr()?;
                let secret_key = Secret::new(simulation::SECRET_KEY.to_owned());
                let merchant = Merchant {
                    secret_key: secret_key.clone(),
                    key_version: simulation::KEY_VERSION.to_owned(),
                    label: "Assurance Maladie (SIMULATION)".to_owned(),
                };
                let kiosk_clock = clock.clone();
                let (router, handle) = kiosk::router(
                    HashMap::from([(simulation::MERCHANT_ID.to_owned(), merchant)]),
                    std::sync::Arc::new(move || kiosk_clock.now_ms()),
                );
                tracing::info!(address = %kiosk_address, "kiosk simulator listening");
                (
                    KioskSettings {
                        paypage_url: format!("http://{kiosk_address}/paiement"),
                        merchant_id: simulation::MERCHANT_ID.to_owned(),
                        key_version: simulation::KEY_VERSION.to_owned(),
                        secret_key,
                        interface_version: settings.interface_version.clone(),
                    },
                    Some(EmbeddedKiosk { listener, router, handle }),
                )
            }
        };
        let state = AppState {
            store,
            clock,
            settings: Arc::new(AppSettings {
                public_url,
                kiosk,
                eligibility: settings.eligibility,
                session_idle_timeout_ms: settings.session_idle_minutes * 60 * 1000,
                trusted_proxies: settings.trusted_proxies.clone(),
            }),
        };
        let leptos = LeptosOptions::builder()
            .output_name(assets::OUTPUT_NAME)
            .site_root(settings.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(address)
            .hash_files(Assets::get().versioned)
            .build();
        let mut router = router(ServerState { leptos, app: state.clone() });
        if settings.bench_baseline {
            router = router.merge(crate::baseline::router(state.clone()));
        }
        tracing::info!(%address, public_url = %state.settings.public_url, "listening");
        Ok(Application {
            listener,
            router,
            state,
            kiosk: embedded,
            processing_interval: Duration::from_secs(settings.processing_interval_seconds),
        })
    }

    /// The port the app listens on.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    /// The app state (tests reach the database and the clock through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The embedded kiosk simulator's port and handle, when it runs.
    pub fn kiosk(&self) -> Option<(u16, KioskHandle)> {
        self.kiosk.as_ref().map(|k| (k.listener.local_addr().map(|a| a.port()).unwrap_or_default(), k.handle.clone()))
    }

    /// Serves (and runs the periodic chores) until Ctrl-C or SIGTERM.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        housekeeping::spawn(self.state.clone(), self.processing_interval);
        if let Some(kiosk) = self.kiosk {
            kiosk::spawn_expiry(kiosk.handle);
            tokio::spawn(async move {
                if let Err(error) = axum::serve(kiosk.listener, kiosk.router).await {
                    tracing::error!(%error, "the kiosk simulator stopped");
                }
            });
        }
        axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("serving")
    }
}

/// The app's routes, listed once per process.
///
/// Listing them renders the app with resource loading suppressed by a
/// process-wide flag (`leptos_server::SuppressResourceLoad`): a resource of a
/// page being rendered by another server of the same process that is first
/// polled in that window waits forever, and so does its page. Seen in the
/// integration suite, where many servers start while others serve (reproduced
/// by `render::building_other_applications_never_stalls_a_page_being_rendered`).
/// Listed once, before the first server serves, the window never meets a render.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

fn router(state: ServerState) -> Router {
    let routes = routes();
    let app_state = state.app.clone();
    let context = move || {
        provide_context(app_state.clone());
        // The nonce the HTTP policy chose for this page and sends in its
        // Content-Security-Policy: the renderer puts it on its inline scripts.
        if let Some(nonce) = use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<Nonce>().cloned()) {
            provide_context(nonce);
        }
    };
    let leptos = state.leptos.clone();
    Router::new()
        .route(routes::KIOSK_RETURN, post(answers::normal_return))
        .route(routes::KIOSK_AUTOMATIC_RESPONSE, post(answers::automatic_response))
        .route(routes::MESSAGE_PDF_PATTERN, get(documents::message_pdf))
        .route(routes::AGENT_EXPORT_CSV, get(documents::payments_csv))
        .leptos_routes_with_context(&state, routes, context.clone(), move || shell(leptos.clone()))
        .fallback(file_and_error_handler_with_context::<ServerState, _>(context, shell))
        .layer(axum::middleware::from_fn_with_state(state.app.clone(), http_policy::enforce))
        // Pages and server-function answers compressed for the browsers that
        // accept it (files under /pkg are sent precompressed).
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
