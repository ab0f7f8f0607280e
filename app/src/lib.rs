//! «Payer une créance»: the pages, the app in the browser, the server
//! functions and the services behind them.
//!
//! Compiled twice: with feature `ssr` for the server (every page is rendered
//! there whole; forms post to server functions and work without JavaScript),
//! and with feature `hydrate` for the browser, which hydrates the page, then
//! routes on its own and calls the server functions itself (live checks,
//! reference boxes, totals with the very same `domain` code the server
//! trusts). Each page's code is a WebAssembly chunk of its own, loaded when
//! the browser first shows it (`app`).
//!
//! Layers, each using only those after it (checked by `tests/architecture.rs`):
//! the app and its routes → [`pages`] (one module per screen) →
//! [`components`] (widgets) → [`api`] (server functions) → [`ssr`] (services,
//! server only) → [`routes`], [`error`] (with [`codec`], how answers cross the
//! wire) and the `domain` and `sips` crates.

#![recursion_limit = "256"]

pub mod api;
mod app;
pub mod codec;
pub mod components;
pub mod error;
pub mod pages;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod ssr;

/// The business's types and rules (the `domain` crate), shared with the browser.
pub use ::domain;

pub use app::{App, shell};

/// The browser's entry point: hydrates the page (once its chunk is there),
/// then says the app is live ([`components::navigation::Live`]).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Readable panics in development builds; release builds abort silently
    // (and stay smaller).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let live = components::navigation::Live::new();
    wasm_bindgen_futures::spawn_local(async move {
        let app = leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), move || {
            leptos::prelude::provide_context(live);
            App()
        })
        .await;
        app.forget();
        live.hydrated();
    });
}

/// Room in the WebAssembly's constant data for the split tool, which no code
/// reads and no file carries.
///
/// `cargo leptos build --split` (its `wasm_split_cli_support` 0.2.3) lays the
/// constant data segment out again, module by module, each part aligned; if
/// the new layout is longer than the linker's by a single byte, it warns
/// nowhere visible and puts the whole segment (about 80 KB, 26 KB in brotli:
/// every page group's strings and tables) into the main module, which every
/// person's first load fetches. Which builds overflow depends on alignment
/// padding, not on what changed: a section of the back office's payment page
/// overflowed it by 152 bytes (docs/PERFORMANCE.md, «The split tool's data
/// segment»). This symbol is kept by the linker (`#[used]`) in that segment
/// but reached by no function, so the tool places it in no module: its bytes
/// count in the linker's layout and not in the tool's, which leaves 4 KB of
/// room for the padding. It is never emitted.
#[cfg(feature = "hydrate")]
#[used]
static SPLIT_DATA_SLACK: [u8; 4096] = [0xA5; 4096];
