//! A stand-in for Worldline's Sips 2.0 Paypage, on its own port, speaking the
//! real protocol. It depends on the `sips` codec and on no crate of the app:
//! what it knows of the merchant is what travels in sealed messages.
//!
//! It takes a sealed Paypage POST, shows the card page, decides by the public
//! test cards, answers the merchant server to server (`automaticResponseUrl`,
//! retried) and through the browser (`normalReturnUrl`, «Continuer»), both
//! sealed; a session left unfinished answers 97 after 15 minutes, and a
//! finished one is forgotten a day later. Automatic answers go to one origin
//! alone, the app's: a sealed request (the test keys are public) cannot make
//! the simulator post elsewhere.
//!
//! - [`flow`]: the pages a buyer goes through (card, 3-D Secure, result, receipt);
//! - [`session`]: a payment session and its sealed answers;
//! - [`cards`]: the test cards and the card form's checks;
//! - [`pages`]: the HTML, in French, with its own stylesheet;
//! - [`office`]: Sips Office's `getTransactionData`, what became of a
//!   transaction, and its `cancel` and `refund`, money given back on one,
//!   answered from the sessions;
//! - [`report`]: the bank's daily transaction report of a merchant, from a
//!   journal of what was done with money.

mod cards;
mod flow;
mod office;
mod pages;
mod report;
mod session;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use session::Kiosk;
use sips::Secret;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

pub use session::{FINISHED_KEPT_MS, SESSION_TIMEOUT_MS};

/// A merchant the simulator knows.
#[derive(Clone)]
pub struct Merchant {
    /// The secret key.
    pub secret_key: Secret<String>,
    /// Its version.
    pub key_version: String,
    /// The name shown on the card page.
    pub label: String,
}

/// The time source: Unix milliseconds.
pub type Now = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The simulator's routes, for `merchants` (by merchant id), posting its
/// automatic answers to `answer_origin` alone (`https://payer.example.fr`);
/// call [`spawn_expiry`] alongside.
pub fn router(merchants: HashMap<String, Merchant>, now: Now, answer_origin: &str) -> (Router, KioskHandle) {
    let kiosk = Kiosk::new(merchants, now, answer_origin);
    let handle = KioskHandle { kiosk: kiosk.clone() };
    let router = Router::new()
        .route("/paiement", post(flow::start))
        .route("/paiement/{id}", get(flow::show).post(flow::submit_card))
        .route("/paiement/{id}/3ds", get(flow::show_3ds).post(flow::submit_3ds))
        .route("/paiement/{id}/recu", get(flow::receipt))
        .route(sips::office::GET_TRANSACTION_DATA_PATH, post(office::get_transaction_data))
        .route(sips::cash::CANCEL_PATH, post(office::cancel))
        .route(sips::cash::REFUND_PATH, post(office::refund))
        .route("/rapport", get(report::daily))
        .route("/kiosque.css", get(stylesheet))
        .layer(axum::middleware::from_fn(headers))
        .with_state(kiosk);
    (router, handle)
}

/// Lets the server (and tests) run the simulator's expiry.
#[derive(Clone)]
pub struct KioskHandle {
    kiosk: Kiosk,
}

impl KioskHandle {
    /// Answers 97 for every session unfinished for 15 minutes; returns how many.
    pub fn expire_unfinished(&self) -> usize {
        self.kiosk.expire_unfinished()
    }

    /// Forgets the sessions finished a day ago ([`FINISHED_KEPT_MS`]);
    /// returns how many.
    pub fn forget_finished(&self) -> usize {
        self.kiosk.forget_finished()
    }

    /// How many sessions the simulator holds.
    pub fn sessions_held(&self) -> usize {
        self.kiosk.held()
    }
}

/// Runs the expiry, and forgets finished sessions, every 30 seconds.
pub fn spawn_expiry(handle: KioskHandle) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(30));
        loop {
            every.tick().await;
            let expired = handle.expire_unfinished();
            if expired > 0 {
                tracing::info!(expired, "kiosk sessions timed out (97)");
            }
            let forgotten = handle.forget_finished();
            if forgotten > 0 {
                tracing::info!(forgotten, "finished kiosk sessions forgotten");
            }
        }
    });
}

async fn headers(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action *; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn stylesheet() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], pages::STYLESHEET)
}
