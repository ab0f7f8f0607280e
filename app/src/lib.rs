//! «Payer une créance»: the pages, the interactive islands, the server
//! functions and the services behind them.
//!
//! Compiled twice: with feature `ssr` for the server (every page is rendered
//! there; forms post to server functions and work without JavaScript), and with
//! feature `hydrate` for the browser, where only the `#[island]` components ship
//! as WebAssembly (live checks, reference boxes, totals), calling the very same
//! `domain` code the server trusts.
//!
//! Layers, each using only those after it (checked by `tests/architecture.rs`):
//! [`pages`] (one module per screen) → [`components`] (widgets, islands) →
//! [`api`] (server functions) → [`ssr`] (services, server only) → [`routes`],
//! [`error`] and the `domain` and `sips` crates.

#![recursion_limit = "256"]

pub mod api;
mod app;
pub mod components;
pub mod error;
pub mod pages;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod ssr;

/// The business's types and rules (the `domain` crate), shared with the browser.
pub use ::domain;

pub use app::{App, shell};

/// The browser's entry point: hydrates the islands of the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Readable panics in development builds; release builds abort silently
    // (and stay smaller).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
