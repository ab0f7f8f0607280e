//! Payments still under way follow their state in place: the page asks the
//! server where they stand (`GET` [`crate::routes::PAYMENT_STATES`], through
//! `gloo-net`), 2 seconds after it is shown, then less and less often (the
//! wait doubles, up to a minute), never while the page is hidden, and not at
//! all once each has reached its final state («pris en compte», «échoué») or
//! the session has ended (401). The questions do not keep the session alive.

use crate::api::home::Banner;
use crate::api::payments::PaymentState;
use crate::domain::TransactionReference;
use leptos::prelude::*;

// What the person reads of a payment's state, here beside the screens that
// say it (the api carries the state, not its words).

impl PaymentState {
    /// What the person reads.
    pub fn label(self) -> &'static str {
        match self {
            PaymentState::AtBank => "en attente de la banque",
            PaymentState::Processing => "en cours de traitement",
            PaymentState::Applied => "pris en compte",
            PaymentState::Failed => "échoué",
        }
    }
}

impl Banner {
    /// The banner's text.
    pub fn text(self) -> &'static str {
        match self {
            Banner::Thanks => "Nous vous remercions pour votre paiement, nous le traitons dans les plus brefs délais.",
            Banner::Applied => "Nous vous remercions pour votre paiement : il a été pris en compte.",
            Banner::Failed => "Votre transaction de paiement a échoué.",
            Banner::Waiting => {
                "Votre paiement est en attente de la réponse de la banque. Revenez sur cette page dans quelques minutes."
            }
        }
    }

    /// The banner's classes.
    pub fn class(self) -> &'static str {
        match self {
            Banner::Thanks | Banner::Applied => "banner banner--success",
            Banner::Failed => "banner banner--error",
            Banner::Waiting => "banner",
        }
    }
}

/// The first wait.
pub const FIRST_WAIT_MS: i32 = 2_000;
/// The longest wait between two questions.
pub const LONGEST_WAIT_MS: i32 = 60_000;

/// The wait after `wait`: twice as long, at most [`LONGEST_WAIT_MS`].
pub fn next_wait(wait: i32) -> i32 {
    wait.saturating_mul(2).min(LONGEST_WAIT_MS)
}

/// Follows `payments` (each with the signal its row shows) until each is
/// final or the page goes.
pub fn follow(payments: Vec<(TransactionReference, RwSignal<PaymentState>)>) {
    let under_way = payments.iter().any(|(_, state)| !state.get_untracked().is_final());
    #[cfg(feature = "hydrate")]
    if under_way {
        following::start(payments);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (under_way, payments);
}

#[cfg(feature = "hydrate")]
mod following {
    use super::{FIRST_WAIT_MS, next_wait};
    use crate::api::payments::{PaymentState, PaymentStateView};
    use crate::domain::TransactionReference;
    use crate::routes;
    use leptos::prelude::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Resolves after `ms` milliseconds.
    async fn sleep(ms: i32) {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }

    /// What a question got.
    enum Answer {
        /// The states.
        States(Vec<PaymentStateView>),
        /// Nothing this time (offline, busy): the next question will tell.
        Nothing,
        /// The session has ended: asking again is pointless.
        SignedOut,
    }

    async fn ask(payments: &[TransactionReference]) -> Answer {
        let Ok(response) = gloo_net::http::Request::get(&routes::payment_states(payments)).send().await else {
            return Answer::Nothing;
        };
        match response.status() {
            401 => Answer::SignedOut,
            _ if response.ok() => match response.binary().await {
                Ok(bytes) => crate::codec::decode(&bytes).map_or(Answer::Nothing, Answer::States),
                Err(_) => Answer::Nothing,
            },
            _ => Answer::Nothing,
        }
    }

    pub fn start(payments: Vec<(TransactionReference, RwSignal<PaymentState>)>) {
        // The page is gone: the loop stops, and touches nothing of it.
        let gone = Arc::new(AtomicBool::new(false));
        {
            let gone = gone.clone();
            on_cleanup(move || gone.store(true, Ordering::Relaxed));
        }
        leptos::task::spawn_local(async move {
            let mut wait = FIRST_WAIT_MS;
            loop {
                sleep(wait).await;
                // While the page is hidden, it asks nothing.
                while document().hidden() && !gone.load(Ordering::Relaxed) {
                    sleep(1_000).await;
                }
                if gone.load(Ordering::Relaxed) {
                    return;
                }
                let open: Vec<TransactionReference> = payments
                    .iter()
                    .filter(|(_, state)| state.try_get_untracked().is_some_and(|s| !s.is_final()))
                    .map(|(reference, _)| reference.clone())
                    .collect();
                if open.is_empty() {
                    return;
                }
                match ask(&open).await {
                    Answer::States(answers) => {
                        for answer in answers {
                            if let Some((_, state)) = payments.iter().find(|(r, _)| *r == answer.transaction_reference)
                            {
                                state.try_set(answer.state);
                            }
                        }
                    }
                    Answer::Nothing => {}
                    Answer::SignedOut => return,
                }
                wait = next_wait(wait);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{FIRST_WAIT_MS, LONGEST_WAIT_MS, next_wait};

    #[test]
    fn the_wait_doubles_from_two_seconds_up_to_a_minute() {
        let mut waits = vec![FIRST_WAIT_MS];
        for _ in 0..7 {
            waits.push(next_wait(*waits.last().expect("a wait")));
        }
        assert_eq!(waits, vec![2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
        assert_eq!(next_wait(i32::MAX), LONGEST_WAIT_MS);
    }
}
