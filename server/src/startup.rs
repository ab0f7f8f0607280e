//! Building and running the application.

use crate::config::{self, Settings};
use crate::http_policy;
use anyhow::Context;
use app::ssr::{AppSettings, AppState, Clock, KioskSettings, Secret, Store, demo};
use app::{App, shell};
use axum::Router;
use axum::extract::FromRef;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use std::net::SocketAddr;
use std::sync::Arc;
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
        if settings.demo_data && demo::load_if_empty(&store, &settings.eligibility, clock.now_ms()).await? {
            tracing::info!("demonstration data loaded");
        }

        let kiosk = match &settings.real_kiosk {
            Some(real) => KioskSettings {
                paypage_url: real.paypage_url.clone(),
                merchant_id: real.merchant_id.clone(),
                key_version: real.key_version.clone(),
                secret_key: real.secret_key.clone(),
                interface_version: settings.interface_version.clone(),
            },
            None => KioskSettings {
                paypage_url: format!("http://{}/paiement", settings.kiosk_addr),
                merchant_id: config::SIMULATION_MERCHANT_ID.to_owned(),
                key_version: config::SIMULATION_KEY_VERSION.to_owned(),
                secret_key: Secret::new(config::SIMULATION_SECRET_KEY.to_owned()),
                interface_version: settings.interface_version.clone(),
            },
        };
        let state = AppState {
            store,
            clock,
            settings: Arc::new(AppSettings {
                public_url,
                kiosk,
                eligibility: settings.eligibility,
                session_idle_timeout_ms: settings.session_idle_minutes * 60 * 1000,
            }),
        };
        let leptos = LeptosOptions::builder()
            .output_name("payer-creance")
            .site_root(settings.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(address)
            .build();
        let router = router(ServerState { leptos, app: state.clone() });
        tracing::info!(%address, public_url = %state.settings.public_url, "listening");
        Ok(Application { listener, router, state })
    }

    /// The port the app listens on.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    /// The app state (tests reach the database and the clock through it).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown_signal())
            .await
            .context("serving")
    }
}

fn router(state: ServerState) -> Router {
    let routes = generate_route_list(App);
    let app_state = state.app.clone();
    let context = move || provide_context(app_state.clone());
    let leptos = state.leptos.clone();
    Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), move || shell(leptos.clone()))
        .fallback(file_and_error_handler_with_context::<ServerState, _>(context, shell))
        .layer(axum::middleware::from_fn_with_state(state.app.clone(), http_policy::enforce))
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
