//! The router's state, which its handlers take: Leptos' options, the app's
//! state, and whether the process is shutting down. Apart from the start-up
//! that builds it, so that the handlers (readiness) do not depend on it.

use app::ssr::AppState;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// The router's state: Leptos' options and the app's.
#[derive(Clone)]
pub struct ServerState {
    /// Leptos' options (site root, output name).
    pub leptos: LeptosOptions,
    /// The app state.
    pub app: AppState,
    /// Set once the process is shutting down (readiness then answers 503).
    pub draining: Arc<AtomicBool>,
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
