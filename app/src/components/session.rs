//! A session that is about to end says so (RGAA 13.1, WCAG 2.2.1): two
//! minutes before the server would end it for want of a request, a warning
//! with «Rester connecté», which starts the session's clock again; past the
//! limit, a link to sign in again. Every page a person or an agent signs in
//! for carries it (its clock starts with the page, whose data was a request).
//! The server only writes a session's last request once a minute, so the
//! page counts that minute as gone. A public terminal has its own, shorter
//! countdown instead (`components::terminal`).

use crate::api::auth::KeepSession;
use crate::api::terminal::{Device, device};
use crate::components::form::FormAction;
use leptos::either::Either;
use leptos::prelude::*;

/// How long before the end the warning comes.
pub const WARNING_BEFORE_MS: i64 = 2 * 60 * 1000;
/// What the server may not have counted of the session's time yet.
pub const UNCOUNTED_MS: i64 = 60 * 1000;

/// When, after a request, the warning comes and the session is taken as ended.
pub fn warning_and_end(idle_ms: i64) -> (i64, i64) {
    let end = (idle_ms - UNCOUNTED_MS).max(0);
    ((end - WARNING_BEFORE_MS).max(0), end)
}

/// Where the session stands, as the page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Nothing to say.
    Running,
    /// About to end: the warning.
    Ending,
    /// Ended.
    Ended,
}

impl Stage {
    /// The stage `elapsed` milliseconds after a request, for a limit of `idle_ms`.
    pub fn at(elapsed: i64, idle_ms: i64) -> Stage {
        let (warning, end) = warning_and_end(idle_ms);
        if elapsed >= end {
            Stage::Ended
        } else if elapsed >= warning {
            Stage::Ending
        } else {
            Stage::Running
        }
    }
}

/// The warning, with «Rester connecté»; `sign_in` is where to sign in again.
#[component]
pub fn SessionWarning(sign_in: &'static str) -> impl IntoView {
    let stage = RwSignal::new(Stage::Running);
    let keep = FormAction::<KeepSession>::new();
    let Device { terminal, session_idle_ms } = device();
    #[cfg(feature = "hydrate")]
    if !terminal {
        timing::watch(stage, keep, session_idle_ms);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (terminal, session_idle_ms);
    move || match stage.get() {
        Stage::Running => None,
        Stage::Ending => Some(Either::Left(view! {
            <div class="banner banner--warning session-warning" role="alert">
                <p>"Sans action de votre part, votre session se terminera dans 2 minutes."</p>
                <button type="button" class="button" on:click=move |_| {
                    keep.dispatch(String::new());
                }>
                    "Rester connecté"
                </button>
            </div>
        })),
        Stage::Ended => Some(Either::Right(view! {
            <div class="banner banner--error session-warning" role="alert">
                <p>"Votre session a pris fin faute d'activité. " <a href=sign_in>"Se connecter"</a></p>
            </div>
        })),
    }
}

#[cfg(feature = "hydrate")]
mod timing {
    use super::{Stage, warning_and_end};
    use crate::api::auth::KeepSession;
    use crate::components::form::FormAction;
    use crate::error::AppError;
    use leptos::prelude::*;
    use std::time::Duration;

    /// Runs the two timers from now, and again after each «Rester connecté».
    pub fn watch(stage: RwSignal<Stage>, keep: FormAction<KeepSession>, idle_ms: i64) {
        let (warning, end) = warning_and_end(idle_ms);
        let timers = StoredValue::new_local(Vec::<TimeoutHandle>::new());
        let start = move || {
            timers.update_value(|handles| {
                for handle in handles.drain(..) {
                    handle.clear();
                }
                for after in [warning, end] {
                    let wait = Duration::from_millis(u64::try_from(after).unwrap_or_default());
                    if let Ok(handle) = set_timeout_with_handle(move || stage.set(Stage::at(after, idle_ms)), wait) {
                        handles.push(handle);
                    }
                }
            });
        };
        start();
        // Answered: the session counts from now again, or it had ended. Any
        // other failure (offline, too many presses) leaves the warning and
        // its button, to press again: the session has not ended.
        Effect::watch(
            move || keep.version().get(),
            move |_, _, _| match keep.value().get_untracked() {
                Some(Ok(_)) => {
                    stage.set(Stage::Running);
                    start();
                }
                Some(Err(AppError::NotSignedIn)) | None => stage.set(Stage::Ended),
                Some(Err(_)) => {}
            },
            false,
        );
        on_cleanup(move || {
            timers.update_value(|handles| {
                for handle in handles.drain(..) {
                    handle.clear();
                }
            })
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{Stage, warning_and_end};

    #[test]
    fn the_session_is_ending_from_the_warning_and_ended_at_its_end() {
        let idle = 30 * 60 * 1000;
        assert_eq!(Stage::at(0, idle), Stage::Running);
        assert_eq!(Stage::at(27 * 60 * 1000 - 1, idle), Stage::Running);
        assert_eq!(Stage::at(27 * 60 * 1000, idle), Stage::Ending);
        assert_eq!(Stage::at(29 * 60 * 1000 - 1, idle), Stage::Ending);
        assert_eq!(Stage::at(29 * 60 * 1000, idle), Stage::Ended);
    }

    #[test]
    fn the_warning_comes_two_minutes_before_the_end_which_counts_the_minute_the_server_may_not_have() {
        assert_eq!(warning_and_end(30 * 60 * 1000), (27 * 60 * 1000, 29 * 60 * 1000));
        assert_eq!(warning_and_end(60 * 1000), (0, 0), "a limit shorter than the margins: at once");
    }
}
