//! Whether a page is for a public terminal (BMS; the rules: `ssr::infra::terminal`).

/// Whether the page being rendered is for a public terminal. Pages are
/// rendered on the server only; in the browser build this is never asked.
pub fn is_terminal() -> bool {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<crate::ssr::AppState>()
            .is_some_and(|state| crate::ssr::infra::context::is_terminal(&state))
    }
    #[cfg(not(feature = "ssr"))]
    false
}
