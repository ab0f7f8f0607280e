//! A public terminal's idle countdown (the rules: `ssr::infra::terminal`).
//!
//! Shown once the app is live: two minutes without a touch, a key or a
//! scroll, then the screen is cleared, the session ended on the server and
//! the terminal back on an empty sign-in page (a new document: nothing of the
//! person stays in the browser's memory); 30 seconds before, it says so, to
//! screen readers too. Without JavaScript the server's shorter session (3
//! minutes) still ends it.

use leptos::prelude::*;

/// Without input for this long, the person is signed out.
pub const IDLE_LIMIT_MS: i64 = 120_000;
/// The warning comes this long before.
pub const WARNING_MS: i64 = 30_000;
/// The warning's text.
pub const WARNING: &str = "Vous allez être déconnecté dans 30 secondes : touchez l'écran pour continuer.";

/// «1:59»: the time left, rounded up to the second.
pub fn minutes_seconds(left_ms: i64) -> String {
    let seconds = (left_ms.max(0) + 999) / 1000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// The countdown.
#[component]
pub fn IdleCountdown() -> impl IntoView {
    let left_ms = RwSignal::new(IDLE_LIMIT_MS);
    let live = crate::components::navigation::is_live();
    #[cfg(feature = "hydrate")]
    idle::watch(left_ms);
    view! {
        <div class="idle" id="idle" hidden=move || !live.get()>
            <p class="idle__text">
                "Sans action de votre part, déconnexion automatique dans "
                <strong id="idle-left" role="timer">{move || minutes_seconds(left_ms.get())}</strong>
            </p>
            <p class="idle__warning" id="idle-warning" role="status">
                {move || (left_ms.get() <= WARNING_MS).then_some(WARNING)}
            </p>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod idle {
    use super::IDLE_LIMIT_MS;
    use crate::routes;
    use leptos::prelude::*;
    use std::time::Duration;

    fn now_ms() -> i64 {
        js_sys::Date::now() as i64
    }

    /// Counts down from the last input; at zero, signs out.
    pub fn watch(left_ms: RwSignal<i64>) {
        let last_input = StoredValue::new(now_ms());
        let reset = move || {
            last_input.set_value(now_ms());
            left_ms.set(IDLE_LIMIT_MS);
        };
        // The listeners live as long as the app. One untyped listener for
        // every kind of input: the browser's code holds it once, not once
        // per event type.
        for input in ["pointerdown", "keydown", "input", "wheel", "touchstart"] {
            std::mem::forget(window_event_listener_untyped(input, move |_| reset()));
        }
        let ended = StoredValue::new(false);
        let tick = move || {
            let left = IDLE_LIMIT_MS - (now_ms() - last_input.get_value());
            left_ms.set(left);
            if left <= 0 && !ended.get_value() {
                ended.set_value(true);
                sign_out();
            }
        };
        let _ = set_interval_with_handle(tick, Duration::from_secs(1));
    }

    /// Clears the screen, ends the session (a person's or an agent's) and
    /// loads the empty sign-in page.
    fn sign_out() {
        let window = window();
        if let Some(body) = document().body() {
            let _ = body.class_list().add_1("idle-ended");
        }
        let page = match window.location().pathname() {
            Ok(path) if path.starts_with(routes::AGENT_HOME) => routes::AGENT_SIGN_IN,
            _ => routes::SIGN_IN,
        };
        leptos::task::spawn_local(async move {
            // Either way the page is left: the server's short terminal session ends it too.
            // The app's one way to call the server (no function's own client in the browser).
            let path = <crate::api::auth::SignOut as server_fn::ServerFn>::PATH;
            let form = "application/x-www-form-urlencoded";
            let _ = crate::components::call::call(path, form, Default::default()).await;
            let _ = window.location().replace(page);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::minutes_seconds;

    #[test]
    fn the_time_left_reads_in_minutes_and_seconds_rounded_up() {
        assert_eq!(minutes_seconds(120_000), "2:00");
        assert_eq!(minutes_seconds(119_001), "2:00");
        assert_eq!(minutes_seconds(119_000), "1:59");
        assert_eq!(minutes_seconds(30_000), "0:30");
        assert_eq!(minutes_seconds(1), "0:01");
        assert_eq!(minutes_seconds(0), "0:00");
        assert_eq!(minutes_seconds(-5), "0:00");
    }
}
