//! Whether a page is for a public terminal (BMS; the rules: `ssr::infra::terminal`).
//!
//! The server decides it from the request (the site's setting or the
//! terminal's cookie) and hands it to the browser with the first page
//! ([`provide_device`]), so that both render the same page.

use leptos::prelude::*;

/// The device the app runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    /// A public terminal: larger targets, no autofill, an idle countdown,
    /// acknowledgements printed rather than downloaded.
    pub terminal: bool,
    /// A session ends after this long without a request (shorter on a terminal).
    pub session_idle_ms: i64,
}

/// Provides the [`Device`] of this page: decided on the server, read back
/// from the page in the browser.
pub fn provide_device() -> Device {
    let terminal = SharedValue::new_str(request_is_terminal).into_inner();
    let session_idle_ms = SharedValue::new_str(request_session_idle_ms).into_inner();
    let device = Device { terminal, session_idle_ms };
    provide_context(device);
    device
}

/// A session's limit without a request when none is known (the settings' default).
pub const DEFAULT_SESSION_IDLE_MS: i64 = 30 * 60 * 1000;

/// The device of this page.
pub fn device() -> Device {
    use_context::<Device>().unwrap_or(Device { terminal: false, session_idle_ms: DEFAULT_SESSION_IDLE_MS })
}

/// How long this request's session may stay without a request.
fn request_session_idle_ms() -> i64 {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::ssr::AppState>().map_or(DEFAULT_SESSION_IDLE_MS, |state| {
            crate::ssr::infra::clock::millis(crate::ssr::infra::context::session_idle(&state))
        })
    }
    #[cfg(not(feature = "ssr"))]
    DEFAULT_SESSION_IDLE_MS
}

/// Whether the page being rendered is for a public terminal.
pub fn is_terminal() -> bool {
    use_context::<Device>().map_or_else(request_is_terminal, |device| device.terminal)
}

/// Whether the request being answered comes from a public terminal (the
/// browser never asks: it reads the [`Device`] the server gave it).
fn request_is_terminal() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::ssr::AppState>().is_some_and(|state| crate::ssr::infra::context::is_terminal(&state))
    }
    #[cfg(not(feature = "ssr"))]
    false
}
