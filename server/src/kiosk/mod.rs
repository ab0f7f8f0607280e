//! The embedded bank-kiosk simulator: a stand-in for Worldline's Sips 2.0
//! Paypage, on its own port, speaking the real protocol (it shares only the
//! protocol codec with the app).
//!
//! It takes a sealed Paypage POST, shows the card page, decides by the public
//! test cards, answers the merchant server to server (`automaticResponseUrl`,
//! retried) and through the browser (`normalReturnUrl`, «Continuer»), both
//! sealed; a session left unfinished answers 97 after 15 minutes.

mod cards;
mod pages;

use app::ssr::Secret;
use app::ssr::sips::{self, DataFields, PaymentRequest, PaymentResponse, SealedForm};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use base64::Engine as _;
use cards::{CardForm, Decision};
use rand::Rng;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A session left unfinished this long answers 97.
pub const SESSION_TIMEOUT_MS: i64 = 15 * 60 * 1000;

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

#[derive(Clone)]
struct Kiosk {
    merchants: Arc<HashMap<String, Merchant>>,
    sessions: Arc<Mutex<HashMap<String, Session>>>,
    http: reqwest::Client,
    now: Now,
}

#[derive(Clone)]
struct Session {
    request: PaymentRequest,
    interface_version: String,
    merchant_label: String,
    created_at: i64,
    stage: Stage,
}

#[derive(Clone)]
enum Stage {
    /// Waiting for the card.
    Card,
    /// Waiting for the 3-D Secure confirmation of this card.
    ThreeDs { digits: String },
    /// Answered.
    Done { response: Box<PaymentResponse> },
}

/// The simulator's routes; call [`spawn_expiry`] alongside.
pub fn router(merchants: HashMap<String, Merchant>, now: Now) -> (Router, KioskHandle) {
    let kiosk = Kiosk {
        merchants: Arc::new(merchants),
        sessions: Arc::new(Mutex::new(HashMap::new())),
        http: reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_default(),
        now,
    };
    let handle = KioskHandle { kiosk: kiosk.clone() };
    let router = Router::new()
        .route("/paiement", post(start))
        .route("/paiement/{id}", get(show).post(submit_card))
        .route("/paiement/{id}/3ds", get(show_3ds).post(submit_3ds))
        .route("/paiement/{id}/recu", get(receipt))
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
        let now = (self.kiosk.now)();
        let stale: Vec<String> = self
            .kiosk
            .sessions
            .lock()
            .map(|s| {
                s.iter()
                    .filter(|(_, session)| {
                        !matches!(session.stage, Stage::Done { .. }) && now - session.created_at >= SESSION_TIMEOUT_MS
                    })
                    .map(|(id, _)| id.clone())
                    .collect()
            })
            .unwrap_or_default();
        for id in &stale {
            self.kiosk.finish(id, "97", None);
        }
        stale.len()
    }
}

/// Runs the expiry every 30 seconds.
pub fn spawn_expiry(handle: KioskHandle) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(30));
        loop {
            every.tick().await;
            let expired = handle.expire_unfinished();
            if expired > 0 {
                tracing::info!(expired, "kiosk sessions timed out (97)");
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

/// The Paypage POST fields.
#[derive(serde::Deserialize)]
struct PaypagePost {
    #[serde(rename = "Data", default)]
    data: String,
    #[serde(rename = "InterfaceVersion", default)]
    interface_version: String,
    #[serde(rename = "Seal", default)]
    seal: String,
    #[serde(rename = "SealAlgorithm", default)]
    seal_algorithm: String,
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Html(pages::error(message))).into_response()
}

async fn start(State(kiosk): State<Kiosk>, Form(post): Form<PaypagePost>) -> Response {
    if !post.seal_algorithm.is_empty() && post.seal_algorithm != sips::SEAL_ALGORITHM {
        return refuse(StatusCode::BAD_REQUEST, "Algorithme de scellement non pris en charge.");
    }
    let Ok(fields) = DataFields::parse(&post.data) else {
        return refuse(StatusCode::BAD_REQUEST, "La demande de paiement est mal formée.");
    };
    let Ok(request) = PaymentRequest::from_fields(&fields) else {
        return refuse(StatusCode::BAD_REQUEST, "La demande de paiement est incomplète.");
    };
    let Some(merchant) = kiosk.merchants.get(&request.merchant_id) else {
        return refuse(StatusCode::FORBIDDEN, "Commerçant inconnu.");
    };
    let sealed = SealedForm {
        data: post.data.clone(),
        seal: post.seal,
        interface_version: String::new(),
        encode: String::new(),
    };
    if request.key_version != merchant.key_version || sealed.open(&merchant.secret_key).is_err() {
        tracing::warn!("kiosk: payment request with a bad seal refused");
        return refuse(StatusCode::FORBIDDEN, "Le sceau de la demande de paiement est incorrect.");
    }
    if request.amount_cents <= 0 {
        return refuse(StatusCode::BAD_REQUEST, "Le montant de la demande de paiement est incorrect.");
    }
    let id = uuid::Uuid::new_v4().simple().to_string();
    let session = Session {
        request,
        interface_version: post.interface_version,
        merchant_label: merchant.label.clone(),
        created_at: (kiosk.now)(),
        stage: Stage::Card,
    };
    if let Ok(mut sessions) = kiosk.sessions.lock() {
        sessions.insert(id.clone(), session);
    }
    Redirect::to(&format!("/paiement/{id}")).into_response()
}

impl Kiosk {
    fn session(&self, id: &str) -> Option<Session> {
        self.sessions.lock().ok().and_then(|s| s.get(id).cloned())
    }

    fn set_stage(&self, id: &str, stage: Stage) {
        if let Ok(mut sessions) = self.sessions.lock()
            && let Some(session) = sessions.get_mut(id)
        {
            session.stage = stage;
        }
    }

    /// Answers the session with `code`, once (a second call returns the first
    /// answer), and sends the automatic response.
    fn finish(&self, id: &str, code: &str, card: Option<(&str, &str)>) -> Option<PaymentResponse> {
        let (response, merchant, session) = {
            let mut sessions = self.sessions.lock().ok()?;
            let session = sessions.get_mut(id)?;
            if let Stage::Done { response } = &session.stage {
                return Some((**response).clone());
            }
            let merchant = self.merchants.get(&session.request.merchant_id)?.clone();
            let accepted = code == "00";
            let (masked_pan, brand, authent) = match card {
                Some((digits, authent)) => {
                    (Some(cards::mask(digits)), Some(cards::brand(digits).to_owned()), Some(authent.to_owned()))
                }
                None => (None, None, None),
            };
            let response = PaymentResponse {
                response_code: code.to_owned(),
                acquirer_response_code: Some(if accepted { "00" } else { code }.to_owned()),
                authorisation_id: accepted.then(|| format!("{:06}", rand::thread_rng().gen_range(0..1_000_000))),
                amount_cents: session.request.amount_cents,
                transaction_date_time: Some(pages::iso_date_time((self.now)())),
                transaction_reference: session.request.transaction_reference.clone(),
                masked_pan,
                payment_mean_brand: brand,
                holder_authent_status: authent,
                key_version: Some(merchant.key_version.clone()),
                merchant_id: Some(session.request.merchant_id.clone()),
            };
            session.stage = Stage::Done { response: Box::new(response.clone()) };
            (response, merchant, session.clone())
        };
        let data = response.to_data().ok()?;
        let seal = sips::seal(&merchant.secret_key, &data);
        let fields = vec![
            ("Data".to_owned(), data),
            ("Encode".to_owned(), String::new()),
            ("InterfaceVersion".to_owned(), session.interface_version.clone()),
            ("Seal".to_owned(), seal),
        ];
        let url = session.request.automatic_response_url.clone();
        let http = self.http.clone();
        tokio::spawn(async move { deliver(http, url, fields).await });
        Some(response)
    }
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

/// The sealed normal return, for the «Continuer» form: base64 `Data`.
fn normal_return(kiosk: &Kiosk, session: &Session, response: &PaymentResponse) -> Option<pages::ReturnForm> {
    let merchant = kiosk.merchants.get(&session.request.merchant_id)?;
    let data = base64::engine::general_purpose::STANDARD.encode(response.to_data().ok()?);
    Some(pages::ReturnForm {
        url: session.request.normal_return_url.clone(),
        seal: sips::seal(&merchant.secret_key, &data),
        data,
        interface_version: session.interface_version.clone(),
    })
}

fn today(now: i64) -> (i32, u32) {
    let (year, month) = pages::year_month(now);
    (year, month)
}

fn unknown_session() -> Response {
    refuse(StatusCode::NOT_FOUND, "Cette session de paiement n'existe pas ou a expiré.")
}

async fn show(State(kiosk): State<Kiosk>, Path(id): Path<String>) -> Response {
    let Some(session) = kiosk.session(&id) else { return unknown_session() };
    match &session.stage {
        Stage::Card => Html(pages::card_form(
            &id,
            &session.summary(),
            &CardForm::default(),
            &Default::default(),
            today((kiosk.now)()),
        ))
        .into_response(),
        Stage::ThreeDs { .. } => Redirect::to(&format!("/paiement/{id}/3ds")).into_response(),
        Stage::Done { response } => match normal_return(&kiosk, &session, response) {
            Some(form) => Html(pages::result(&id, &session.summary(), response, &form)).into_response(),
            None => unknown_session(),
        },
    }
}

#[derive(serde::Deserialize)]
struct CardPost {
    #[serde(default)]
    action: String,
    #[serde(flatten)]
    card: CardForm,
}

async fn submit_card(State(kiosk): State<Kiosk>, Path(id): Path<String>, Form(post): Form<CardPost>) -> Response {
    let Some(session) = kiosk.session(&id) else { return unknown_session() };
    if !matches!(session.stage, Stage::Card) {
        return Redirect::to(&format!("/paiement/{id}")).into_response();
    }
    if post.action == "annuler" {
        kiosk.finish(&id, "17", None);
        return Redirect::to(&format!("/paiement/{id}")).into_response();
    }
    match cards::decide(&post.card, today((kiosk.now)())) {
        Err(errors) => {
            let page = pages::card_form(&id, &session.summary(), &post.card, &errors, today((kiosk.now)()));
            (StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response()
        }
        Ok(decision) => {
            let digits = cards::digits(&post.card.card_number);
            match decision {
                Decision::AcceptAfter3ds => {
                    kiosk.set_stage(&id, Stage::ThreeDs { digits });
                    return Redirect::to(&format!("/paiement/{id}/3ds")).into_response();
                }
                Decision::Accept => kiosk.finish(&id, "00", Some((&digits, "ATTEMPT"))),
                Decision::Refuse => kiosk.finish(&id, "05", Some((&digits, "ATTEMPT"))),
                Decision::ExpiredCard => kiosk.finish(&id, "54", Some((&digits, "ATTEMPT"))),
            };
            Redirect::to(&format!("/paiement/{id}")).into_response()
        }
    }
}

async fn show_3ds(State(kiosk): State<Kiosk>, Path(id): Path<String>) -> Response {
    let Some(session) = kiosk.session(&id) else { return unknown_session() };
    match session.stage {
        Stage::ThreeDs { .. } => Html(pages::three_ds(&id, &session.summary())).into_response(),
        _ => Redirect::to(&format!("/paiement/{id}")).into_response(),
    }
}

#[derive(serde::Deserialize)]
struct ThreeDsPost {
    #[serde(default)]
    action: String,
}

async fn submit_3ds(State(kiosk): State<Kiosk>, Path(id): Path<String>, Form(post): Form<ThreeDsPost>) -> Response {
    let Some(session) = kiosk.session(&id) else { return unknown_session() };
    if let Stage::ThreeDs { digits } = &session.stage {
        if post.action == "valider" {
            kiosk.finish(&id, "00", Some((digits, "SUCCESS")));
        } else {
            kiosk.finish(&id, "17", Some((digits, "CANCEL")));
        }
    }
    Redirect::to(&format!("/paiement/{id}")).into_response()
}

async fn receipt(State(kiosk): State<Kiosk>, Path(id): Path<String>) -> Response {
    let Some(session) = kiosk.session(&id) else { return unknown_session() };
    match &session.stage {
        Stage::Done { response } if response.response_code == "00" => {
            Html(pages::receipt(&id, &session.summary(), response)).into_response()
        }
        _ => Redirect::to(&format!("/paiement/{id}")).into_response(),
    }
}

impl Session {
    fn summary(&self) -> pages::Summary {
        pages::Summary {
            merchant_label: self.merchant_label.clone(),
            merchant_id: self.request.merchant_id.clone(),
            amount_cents: self.request.amount_cents,
            transaction_reference: self.request.transaction_reference.clone(),
        }
    }
}
