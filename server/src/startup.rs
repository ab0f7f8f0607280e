//! Building and running the application.

use crate::assets::{self, Assets};
use crate::config::{Bank, Settings};
use crate::state::ServerState;
use crate::{
    access_log, answers, bank_reports, documents, health, housekeeping, http_policy, metrics, payment_states, terminal,
};
use anyhow::Context;
use app::ssr::infra::security::origin_of;
use app::ssr::{AppSettings, AppState, Clock, Secret, Store, demo};
use app::{App, routes, shell};
use axum::Router;
use axum::routing::{get, post};
use kiosk::{KioskHandle, Merchant};
use leptos::nonce::Nonce;
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use sips::simulation;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::net::TcpListener;

/// A built application, bound to its port, ready to serve.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    kiosk: Option<EmbeddedKiosk>,
    processing_interval: Duration,
    metrics: Option<TcpListener>,
    draining: Arc<AtomicBool>,
    shutdown_grace: Duration,
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
        if public {
            let published = demo::published_accounts(&store).await?;
            anyhow::ensure!(
                published.is_empty(),
                "PUBLIC_URL is https:// and the database holds accounts whose password is published (the \
                 demonstration's, the benchmark dataset's): {}. Remove them before opening the site",
                published.join(", ")
            );
        }
        if public && settings.allow_test_kiosk {
            tracing::warn!("ALLOW_TEST_KIOSK=true on a public site: payments go to a test bank and take no money");
        }
        if settings.demo_data && demo::load_if_empty(&store, &settings.eligibility, clock.now_ms()).await? {
            tracing::info!("demonstration data loaded");
        }

        let (kiosk, embedded) = match &settings.bank {
            Bank::Real(real) => (real.clone(), None),
            Bank::Simulated(simulated) => {
                let listener = TcpListener::bind(settings.kiosk_addr)
                    .await
                    .with_context(|| format!("binding the kiosk simulator on {}", settings.kiosk_addr))?;
                let kiosk_address = listener.local_addr()?;
                let kiosk_clock = clock.clone();
                let answer_origin = settings.kiosk_answer_origin.as_deref().unwrap_or(origin_of(&public_url));
                let (router, handle) = simulator(std::sync::Arc::new(move || kiosk_clock.now_ms()), answer_origin);
                tracing::info!(address = %kiosk_address, "kiosk simulator listening");
                (simulated.at(kiosk_address), Some(EmbeddedKiosk { listener, router, handle }))
            }
        };
        let state = AppState {
            store,
            clock,
            settings: Arc::new(AppSettings {
                public_url,
                kiosk,
                eligibility: settings.eligibility,
                session_idle: settings.session_idle,
                trusted_proxies: settings.trusted_proxies.clone(),
                terminal_mode: settings.terminal_mode,
                terminal_key: settings.terminal_key.clone(),
            }),
            limits: Default::default(),
            password_shares: Default::default(),
        };
        let leptos = LeptosOptions::builder()
            .output_name(assets::OUTPUT_NAME)
            .site_root(settings.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(address)
            .hash_files(Assets::get().versioned)
            .build();
        let draining = Arc::new(AtomicBool::new(false));
        let mut router = router(ServerState { leptos, app: state.clone(), draining: draining.clone() });
        if settings.bench_baseline {
            router = router.merge(crate::baseline::router(state.clone()));
        }
        let metrics = match settings.metrics_addr {
            Some(metrics_addr) => {
                metrics::install()?;
                let listener = TcpListener::bind(metrics_addr)
                    .await
                    .with_context(|| format!("binding the metrics address {metrics_addr}"))?;
                tracing::info!(address = %listener.local_addr()?, "metrics served at /metrics");
                Some(listener)
            }
            None => None,
        };
        tracing::info!(%address, public_url = %state.settings.public_url, "listening");
        Ok(Application {
            listener,
            router,
            state,
            kiosk: embedded,
            processing_interval: settings.processing_interval,
            metrics,
            draining,
            shutdown_grace: settings.shutdown_grace,
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

    /// The metrics port, when `METRICS_ADDR` is set.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().and_then(|l| l.local_addr().ok()).map(|a| a.port())
    }

    /// The embedded kiosk simulator's port and handle, when it runs.
    pub fn kiosk(&self) -> Option<(u16, KioskHandle)> {
        self.kiosk.as_ref().map(|k| (k.listener.local_addr().map(|a| a.port()).unwrap_or_default(), k.handle.clone()))
    }

    /// Serves (and runs the periodic chores) until Ctrl-C or SIGTERM; then
    /// answers 503 to readiness checks while still serving for
    /// `SHUTDOWN_GRACE_SECONDS` (the load balancer takes the instance out),
    /// stops accepting connections, finishes the requests in flight and the
    /// processing run's current batch, and returns.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let chores = housekeeping::spawn(self.state.clone(), self.processing_interval, stopping);
        if let Some(listener) = self.metrics {
            let router = metrics::router(self.state.clone());
            tokio::spawn(async move {
                if let Err(error) = axum::serve(listener, router).await {
                    tracing::error!(%error, "the metrics endpoint stopped");
                }
            });
        }
        if let Some(kiosk) = self.kiosk {
            kiosk::spawn_expiry(kiosk.handle);
            tokio::spawn(async move {
                if let Err(error) = axum::serve(kiosk.listener, kiosk.router).await {
                    tracing::error!(%error, "the kiosk simulator stopped");
                }
            });
        }
        let draining = self.draining;
        let grace = self.shutdown_grace;
        axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                draining.store(true, Ordering::SeqCst);
                if !grace.is_zero() {
                    tracing::info!(grace_seconds = grace.as_secs(), "shutting down: not ready, still serving");
                    tokio::time::sleep(grace).await;
                }
                tracing::info!("shutting down: no new connections; finishing the requests in flight");
                let _ = stop.send(true);
            })
            .await
            .context("serving")?;
        // The processing run finishes its current batch (and the chores their run).
        if tokio::time::timeout(SHUTDOWN_LIMIT, chores).await.is_err() {
            tracing::warn!("the processing run did not finish its batch in time; it resumes at the next start");
        }
        tracing::info!("stopped");
        Ok(())
    }
}

/// The bank-kiosk simulator with every public test merchant, as Worldline's
/// simulation platform takes them (its sample kits use another): embedded
/// when no real kiosk is configured, or alone (`server kiosk`) as the test
/// bank of a cluster. Its automatic answers go to `answer_origin` alone.
pub fn simulator(now: kiosk::Now, answer_origin: &str) -> (Router, KioskHandle) {
    let merchants = simulation::PUBLIC_TEST_MERCHANTS.map(|(id, key)| {
        let label = match id == simulation::MERCHANT_ID {
            true => "Assurance Maladie (SIMULATION)".to_owned(),
            false => format!("Commerçant de test {id} (SIMULATION)"),
        };
        let merchant = Merchant {
            secret_key: Secret::new(key.to_owned()),
            key_version: simulation::KEY_VERSION.to_owned(),
            label,
        };
        (id.to_owned(), merchant)
    });
    kiosk::router(HashMap::from(merchants), now, answer_origin)
}

/// How long a stopping process waits for the processing run's current batch.
const SHUTDOWN_LIMIT: Duration = Duration::from_secs(30);

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
        // Read in place, not copied out: a copy of the request's parts (every
        // header) on every request, server functions included.
        if let Some(nonce) = with_context::<http::request::Parts, _>(|p| p.extensions.get::<Nonce>().cloned()).flatten()
        {
            provide_context(nonce);
        }
    };
    let leptos = state.leptos.clone();
    Router::new()
        .route(routes::KIOSK_RETURN, post(answers::normal_return))
        .route(routes::PAYMENT_RESULT, get(answers::after_return))
        .route(routes::KIOSK_AUTOMATIC_RESPONSE, post(answers::automatic_response))
        .route(routes::MESSAGE_PDF_PATTERN, get(documents::message_pdf))
        .route(routes::TERMINAL, get(terminal::page).post(terminal::submit))
        .route(routes::AGENT_EXPORT_CSV, get(documents::payments_csv))
        .route(
            routes::AGENT_BANK_REPORT_UPLOAD,
            post(bank_reports::upload).layer(axum::extract::DefaultBodyLimit::max(bank_reports::LARGEST_UPLOAD)),
        )
        .route(routes::PAYMENT_STATES, get(payment_states::states))
        .leptos_routes_with_context(&state, routes, context.clone(), move || shell(leptos.clone()))
        .fallback(file_and_error_handler_with_context::<ServerState, _>(context, shell))
        .layer(axum::middleware::from_fn_with_state(state.app.clone(), http_policy::enforce))
        // Pages and server-function answers compressed for the browsers that
        // accept it (files under /pkg are sent precompressed).
        .layer(tower_http::compression::CompressionLayer::new())
        // Health checks: outside the page and cross-site policy.
        .route(health::LIVENESS, get(health::live))
        .route(health::READINESS, get(health::ready))
        // Every request, health checks included, logged and measured.
        .layer(axum::middleware::from_fn_with_state(state.app.clone(), access_log::log_requests))
        .with_state(state)
}

/// Ctrl-C or SIGTERM.
pub(crate) async fn shutdown_signal() {
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
