//! A payment session, from the merchant's request to the kiosk's sealed
//! answers: server to server (retried until the merchant takes it) and
//! through the browser.

mod store;

use crate::cards;
use crate::pages;
use crate::report::{Journal, Kind, Operation as Recorded};
use crate::{Merchant, Now};
use rand::Rng;
use sips::cash::{self, CashAnswer, Operation};
use sips::{Encoding, PaymentRequest, PaymentResponse, SealedForm};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
pub(crate) use store::NotOpened;
use store::Sessions;

/// A session left unfinished this long answers 97.
pub const SESSION_TIMEOUT_MS: i64 = 15 * 60 * 1000;
/// A finished session is kept this long (its receipt, Sips Office's status
/// call), then forgotten; its transaction reference stays used.
pub const FINISHED_KEPT_MS: i64 = 24 * 60 * 60 * 1000;
/// Sessions held at most, open or finished within the day: beyond, a new
/// payment is refused, saying the simulator is full.
pub const MAX_SESSIONS: usize = 20_000;
/// Used transaction references remembered at most: beyond, the oldest are
/// forgotten (a merchant that reuses one that old is no longer refused).
pub const MAX_REFERENCES: usize = 1_000_000;
/// How long opening a connection to the merchant may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// The simulator's state: its merchants and their sessions.
#[derive(Clone)]
pub(crate) struct Kiosk {
    pub(crate) merchants: Arc<HashMap<String, Merchant>>,
    sessions: Arc<Mutex<Sessions>>,
    http: reqwest::Client,
    pub(crate) now: Now,
    /// The only origin automatic answers are posted to (the app's).
    answer_origin: Arc<str>,
    /// What was done with money, for the daily reports.
    pub(crate) journal: Journal,
}

/// One payment, from the request to the answer.
#[derive(Clone)]
pub(crate) struct Session {
    pub(crate) request: PaymentRequest,
    pub(crate) interface_version: String,
    /// How both answers encode their `Data` (the request's `responseEncoding`).
    pub(crate) response_encoding: Encoding,
    /// The request's `orderId` and `returnContext`, sent back in the answers.
    pub(crate) echoed: Vec<(String, String)>,
    pub(crate) merchant_label: String,
    pub(crate) created_at: i64,
    /// When the answer was given.
    pub(crate) finished_at: Option<i64>,
    pub(crate) stage: Stage,
    pub(crate) given_back: GivenBack,
}

/// What was given back on an accepted transaction, in cents: taken off before
/// the capture (cancelled) or credited to the card after it (refunded).
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(crate) struct GivenBack {
    pub(crate) cancelled: i64,
    pub(crate) refunded: i64,
}

/// Where an accepted transaction stands at the bank at `now`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Standing {
    /// `TO_CAPTURE` the day it was accepted, `CAPTURED` from the next day in
    /// Paris (`captureDay` 0: captured at the end of its day), `CANCELLED`
    /// when all of it was cancelled before the capture.
    pub(crate) status: &'static str,
    /// What is left on the transaction, in cents.
    pub(crate) left_cents: i64,
}

impl Session {
    /// Where the transaction stands at `now`; `None` unless it was accepted.
    pub(crate) fn standing(&self, now: i64) -> Option<Standing> {
        let Stage::Done { response } = &self.stage else { return None };
        if response.response_code != "00" {
            return None;
        }
        let left_cents = response.amount_cents - self.given_back.cancelled - self.given_back.refunded;
        let captured = self.finished_at.is_some_and(|at| pages::paris_day(at) < pages::paris_day(now));
        let status = if self.given_back.cancelled >= response.amount_cents {
            "CANCELLED"
        } else if captured {
            "CAPTURED"
        } else {
            "TO_CAPTURE"
        };
        Some(Standing { status, left_cents })
    }
}

#[derive(Clone)]
pub(crate) enum Stage {
    /// Waiting for the card.
    Card,
    /// Waiting for the 3-D Secure confirmation of this card.
    ThreeDs { card: CardUsed },
    /// Answered.
    Done { response: Box<PaymentResponse> },
}

/// The card a payment was made with (never kept beyond the session, never
/// logged; the answers carry it masked).
#[derive(Clone)]
pub(crate) struct CardUsed {
    /// Its digits.
    pub(crate) digits: String,
    /// Its expiry, `YYYYMM`.
    pub(crate) expiry: String,
}

impl Session {
    /// What every page of the session shows.
    pub(crate) fn summary(&self) -> pages::Summary {
        pages::Summary {
            merchant_label: self.merchant_label.clone(),
            merchant_id: self.request.merchant_id.clone(),
            amount_cents: self.request.amount_cents,
            transaction_reference: self.request.transaction_reference.clone(),
        }
    }
}

impl Kiosk {
    pub(crate) fn new(merchants: HashMap<String, Merchant>, now: Now, answer_origin: &str) -> Kiosk {
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Kiosk {
            merchants: Arc::new(merchants),
            sessions: Arc::new(Mutex::new(Sessions::default())),
            http,
            now,
            answer_origin: Arc::from(origin_of(answer_origin).as_deref().unwrap_or(answer_origin)),
            journal: Journal::default(),
        }
    }

    /// Forgets the sessions finished [`FINISHED_KEPT_MS`] ago; returns how many.
    pub(crate) fn forget_finished(&self) -> usize {
        let now = (self.now)();
        let Ok(mut sessions) = self.sessions.lock() else { return 0 };
        let before = sessions.by_id.len();
        sessions.by_id.retain(|_, session| session.finished_at.is_none_or(|at| now - at < FINISHED_KEPT_MS));
        before - sessions.by_id.len()
    }

    /// How many sessions are held, finished or not.
    pub(crate) fn held(&self) -> usize {
        self.sessions.lock().map(|s| s.by_id.len()).unwrap_or_default()
    }

    /// Opens a session; returns its id, or why not: the merchant already used
    /// this transaction reference (Sips refuses a duplicate with 94), or the
    /// simulator is full.
    pub(crate) fn open(&self, session: Session) -> Result<String, NotOpened> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let mut sessions = self.sessions.lock().map_err(|_| NotOpened::Full)?;
        sessions.open(id.clone(), session)?;
        Ok(id)
    }

    pub(crate) fn session(&self, id: &str) -> Option<Session> {
        self.sessions.lock().ok().and_then(|s| s.by_id.get(id).cloned())
    }

    /// The session a merchant opened for `transaction_reference`, if any.
    pub(crate) fn session_for(&self, merchant_id: &str, transaction_reference: &str) -> Option<Session> {
        let sessions = self.sessions.lock().ok()?;
        sessions
            .by_id
            .values()
            .find(|s| s.request.merchant_id == merchant_id && s.request.transaction_reference == transaction_reference)
            .cloned()
    }

    /// A refund or a cancellation of `cents` on the merchant's transaction, as
    /// the bank answers it: `25` when no card was submitted for it, `24` when
    /// it was not accepted, is still being authenticated, is in a status the
    /// operation does not apply to (a refund before the capture, a
    /// cancellation after) or has less than `cents` left; else `00`, and the
    /// amount is given back.
    pub(crate) fn give_back(&self, merchant_id: &str, reference: &str, operation: Operation, cents: i64) -> CashAnswer {
        let now = (self.now)();
        let refused = |code: &str| CashAnswer { response_code: code.to_owned(), ..CashAnswer::default() };
        let Ok(mut sessions) = self.sessions.lock() else { return refused("99") };
        let Some(session) = sessions
            .by_id
            .values_mut()
            .find(|s| s.request.merchant_id == merchant_id && s.request.transaction_reference == reference)
        else {
            return refused(cash::UNKNOWN_TRANSACTION);
        };
        if matches!(session.stage, Stage::Card) {
            return refused(cash::UNKNOWN_TRANSACTION);
        }
        let Some(standing) = session.standing(now) else { return refused(cash::NOT_ALLOWED) };
        if Operation::for_status(standing.status) != Some(operation) || cents > standing.left_cents {
            return refused(cash::NOT_ALLOWED);
        }
        let kind = match operation {
            Operation::Cancel => {
                session.given_back.cancelled += cents;
                Kind::Cancelled
            }
            Operation::Refund => {
                session.given_back.refunded += cents;
                Kind::Refunded
            }
        };
        if let Stage::Done { response } = &session.stage {
            self.journal.record(Recorded {
                at: now,
                kind,
                merchant_id: merchant_id.to_owned(),
                transaction_reference: reference.to_owned(),
                authorisation_id: response.authorisation_id.clone().unwrap_or_default(),
                cents,
            });
        }
        let after = session.standing(now).unwrap_or(standing);
        CashAnswer {
            response_code: cash::DONE.to_owned(),
            acquirer_response_code: Some("00".to_owned()),
            new_status: Some(after.status.to_owned()),
            new_amount_cents: Some(after.left_cents),
            operation_date_time: Some(pages::iso_date_time(now)),
            ..CashAnswer::default()
        }
    }

    pub(crate) fn set_stage(&self, id: &str, stage: Stage) {
        if let Ok(mut sessions) = self.sessions.lock()
            && let Some(session) = sessions.by_id.get_mut(id)
        {
            session.stage = stage;
        }
    }

    /// Answers 97 for every session unfinished for 15 minutes; returns how many.
    pub(crate) fn expire_unfinished(&self) -> usize {
        let now = (self.now)();
        let stale: Vec<String> = self
            .sessions
            .lock()
            .map(|s| {
                s.by_id
                    .iter()
                    .filter(|(_, session)| {
                        !matches!(session.stage, Stage::Done { .. }) && now - session.created_at >= SESSION_TIMEOUT_MS
                    })
                    .map(|(id, _)| id.clone())
                    .collect()
            })
            .unwrap_or_default();
        for id in &stale {
            self.finish(id, "97", None);
        }
        stale.len()
    }

    /// Answers the session with `code`, once (a second call returns the first
    /// answer), and sends the automatic response when the merchant gave a URL
    /// for it. The answer carries the fields Worldline's does; no acquirer
    /// code when no acquirer was asked (cancelled, timed out).
    pub(crate) fn finish(&self, id: &str, code: &str, card: Option<(&CardUsed, &str)>) -> Option<PaymentResponse> {
        let (response, merchant, session) = {
            let mut sessions = self.sessions.lock().ok()?;
            let session = sessions.by_id.get_mut(id)?;
            if let Stage::Done { response } = &session.stage {
                return Some((**response).clone());
            }
            let merchant = self.merchants.get(&session.request.merchant_id)?.clone();
            let accepted = code == "00";
            let (masked_pan, brand, authent) = match card {
                Some((card, authent)) => (
                    Some(cards::mask(&card.digits)),
                    Some(cards::brand(&card.digits).to_owned()),
                    Some(authent.to_owned()),
                ),
                None => (None, None, None),
            };
            let acquirer_asked = !matches!(code, "17" | "97");
            let mut other: Vec<(String, String)> = vec![
                ("captureDay".into(), "0".into()),
                ("captureMode".into(), "AUTHOR_CAPTURE".into()),
                ("orderChannel".into(), "INTERNET".into()),
            ];
            if let Some((card, authent)) = card {
                other.push(("paymentMeanType".into(), "CARD".into()));
                other.push(("panExpiryDate".into(), card.expiry.clone()));
                let guaranteed = if accepted && authent == "SUCCESS" { "Y" } else { "N" };
                other.push(("guaranteeIndicator".into(), guaranteed.into()));
            }
            other.extend(session.echoed.iter().cloned());
            let response = PaymentResponse {
                response_code: code.to_owned(),
                acquirer_response_code: acquirer_asked.then(|| if accepted { "00" } else { code }.to_owned()),
                authorisation_id: accepted.then(|| format!("{:06}", rand::thread_rng().gen_range(0..1_000_000))),
                amount_cents: session.request.amount_cents,
                currency_code: Some(sips::CURRENCY_EURO.to_owned()),
                transaction_date_time: Some(pages::iso_date_time((self.now)())),
                transaction_reference: session.request.transaction_reference.clone(),
                masked_pan,
                payment_mean_brand: brand,
                holder_authent_status: authent,
                key_version: Some(merchant.key_version.clone()),
                merchant_id: Some(session.request.merchant_id.clone()),
                other,
            };
            session.stage = Stage::Done { response: Box::new(response.clone()) };
            session.finished_at = Some((self.now)());
            if accepted {
                self.journal.record(Recorded {
                    at: (self.now)(),
                    kind: Kind::Accepted,
                    merchant_id: session.request.merchant_id.clone(),
                    transaction_reference: session.request.transaction_reference.clone(),
                    authorisation_id: response.authorisation_id.clone().unwrap_or_default(),
                    cents: response.amount_cents,
                });
            }
            (response, merchant, session.clone())
        };
        let url = session.request.automatic_response_url.clone();
        match origin_of(&url) {
            Some(origin) if *origin == *self.answer_origin => {
                let encoding = session.response_encoding;
                let sealed =
                    SealedForm::seal_response(&response, &merchant.secret_key, &session.interface_version, encoding)
                        .ok()?;
                let http = self.http.clone();
                tokio::spawn(async move { deliver(http, url, sealed.fields()).await });
            }
            _ if url.is_empty() => {}
            origin => tracing::warn!(?origin, "kiosk: no automatic response outside the app's origin"),
        }
        Some(response)
    }

    /// The sealed normal return, for the «Continuer» form, encoded as the
    /// request asked.
    pub(crate) fn normal_return(&self, session: &Session, response: &PaymentResponse) -> Option<SealedForm> {
        let merchant = self.merchants.get(&session.request.merchant_id)?;
        let encoding = session.response_encoding;
        SealedForm::seal_response(response, &merchant.secret_key, &session.interface_version, encoding).ok()
    }
}

/// The origin (`scheme://host[:port]`) of `url`, the port left out when it is
/// the scheme's own.
fn origin_of(url: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).ok()?;
    url.has_host().then(|| url.origin().ascii_serialization())
}

/// Posts the automatic response, retrying a few times when the merchant does
/// not answer 2xx.
async fn deliver(http: reqwest::Client, url: String, fields: Vec<(String, String)>) {
    let mut wait = Duration::from_millis(500);
    for attempt in 1..=6 {
        match http.post(&url).form(&fields).send().await {
            Ok(response) if response.status().is_success() => return,
            Ok(response) if response.status().is_client_error() => {
                tracing::warn!(status = %response.status(), "kiosk: automatic response refused by the merchant");
                return;
            }
            Ok(response) => tracing::warn!(attempt, status = %response.status(), "kiosk: automatic response failed"),
            Err(error) => tracing::warn!(attempt, error = %error, "kiosk: automatic response not delivered"),
        }
        tokio::time::sleep(wait).await;
        wait *= 2;
    }
}

#[cfg(test)]
mod tests;
