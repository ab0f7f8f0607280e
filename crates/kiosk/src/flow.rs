//! The pages a buyer goes through: the merchant's sealed request, the card
//! page, 3-D Secure for some cards, the result with «Continuer», the receipt.

use crate::cards::{self, CardForm, Decision};
use crate::pages;
use crate::session::{CardUsed, GivenBack, Kiosk, NotOpened, Session, Stage};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use sips::{Encoding, PaymentRequest, SealedForm};

/// The Paypage POST fields.
#[derive(serde::Deserialize)]
pub(crate) struct PaypagePost {
    #[serde(rename = "Data", default)]
    data: String,
    #[serde(rename = "InterfaceVersion", default)]
    interface_version: String,
    #[serde(rename = "Seal", default)]
    seal: String,
    #[serde(rename = "SealAlgorithm", default)]
    seal_algorithm: String,
    #[serde(rename = "Encode", default)]
    encode: String,
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Html(pages::error(message))).into_response()
}

fn unknown_session() -> Response {
    refuse(StatusCode::NOT_FOUND, "Cette session de paiement n'existe pas ou a expiré.")
}

fn to_session(id: &str) -> Response {
    Redirect::to(&format!("/paiement/{id}")).into_response()
}

/// `POST /paiement`: the merchant's sealed request, through the browser, as
/// Worldline takes it: `Data` as is or in base64 (`Encode`), sealed on the text
/// as posted; the merchant's fields read, the others (`billingAddress.city`…)
/// ignored; a transaction reference made when the merchant sends none.
pub(crate) async fn start(State(kiosk): State<Kiosk>, Form(post): Form<PaypagePost>) -> Response {
    if !post.seal_algorithm.is_empty() && post.seal_algorithm != sips::SEAL_ALGORITHM {
        return refuse(StatusCode::BAD_REQUEST, "Algorithme de scellement non pris en charge.");
    }
    let sealed = SealedForm { data: post.data, seal: post.seal, encode: post.encode, ..SealedForm::default() };
    // Read before the seal is checked only to know whose key checks it.
    let Ok(fields) = sealed.unverified_fields() else {
        return refuse(StatusCode::BAD_REQUEST, "La demande de paiement est mal formée.");
    };
    let Some(merchant) = fields.get("merchantId").and_then(|id| kiosk.merchants.get(id)) else {
        return refuse(StatusCode::FORBIDDEN, "Commerçant inconnu.");
    };
    if !sips::verify_seal(&merchant.secret_key, &sealed.data, &sealed.seal) {
        tracing::warn!("kiosk: payment request with a bad seal refused");
        return refuse(StatusCode::FORBIDDEN, "Le sceau de la demande de paiement est incorrect.");
    }
    let Ok(mut request) = PaymentRequest::from_fields(&fields) else {
        return refuse(StatusCode::BAD_REQUEST, "La demande de paiement est incomplète.");
    };
    if request.key_version != merchant.key_version {
        return refuse(StatusCode::FORBIDDEN, "La version de clé de la demande de paiement est inconnue.");
    }
    if request.amount_cents <= 0 {
        return refuse(StatusCode::BAD_REQUEST, "Le montant de la demande de paiement est incorrect.");
    }
    let Some(response_encoding) = Encoding::named(&request.response_encoding) else {
        return refuse(StatusCode::BAD_REQUEST, "L'encodage de réponse demandé n'est pas pris en charge.");
    };
    if request.transaction_reference.is_empty() {
        request.transaction_reference = uuid::Uuid::new_v4().simple().to_string();
    }
    let echoed = ["orderId", "returnContext"]
        .iter()
        .filter_map(|key| fields.get(key).map(|value| ((*key).to_owned(), value.to_owned())))
        .collect();
    let session = Session {
        request,
        interface_version: post.interface_version,
        response_encoding,
        echoed,
        merchant_label: merchant.label.clone(),
        created_at: (kiosk.now)(),
        finished_at: None,
        stage: Stage::Card,
        given_back: GivenBack::default(),
    };
    match kiosk.open(session) {
        Ok(id) => to_session(&id),
        Err(NotOpened::Duplicate) => {
            tracing::warn!("kiosk: a transaction reference used twice refused (94)");
            refuse(
                StatusCode::BAD_REQUEST,
                "Transaction refusée (code 94) : cette référence de transaction a déjà été utilisée.",
            )
        }
        Err(NotOpened::Full) => {
            tracing::warn!(held = kiosk.held(), "kiosk: full, a new payment refused");
            refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "Le simulateur de paiement est complet : trop de paiements en cours. Réessayez dans quelques minutes.",
            )
        }
    }
}

fn today(kiosk: &Kiosk) -> (i32, u32) {
    pages::year_month((kiosk.now)())
}

/// `GET /paiement/{id}`: the page of the session's stage.
pub(crate) async fn show(State(kiosk): State<Kiosk>, Path(id): Path<String>) -> Response {
    let Some(session) = kiosk.session(&id) else { return unknown_session() };
    match &session.stage {
        Stage::Card => {
            Html(pages::card_form(&id, &session.summary(), &CardForm::default(), &Default::default(), today(&kiosk)))
                .into_response()
        }
        Stage::ThreeDs { .. } => Redirect::to(&format!("/paiement/{id}/3ds")).into_response(),
        Stage::Done { response } => match kiosk.normal_return(&session, response) {
            Some(form) => {
                Html(pages::result(&id, &session.summary(), response, &session.request.normal_return_url, &form))
                    .into_response()
            }
            None => unknown_session(),
        },
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct CardPost {
    #[serde(default)]
    action: String,
    #[serde(flatten)]
    card: CardForm,
}

/// `POST /paiement/{id}`: «Valider» or «Annuler» on the card page.
pub(crate) async fn submit_card(
    State(kiosk): State<Kiosk>,
    Path(id): Path<String>,
    Form(post): Form<CardPost>,
) -> Response {
    let Some(session) = kiosk.session(&id) else { return unknown_session() };
    if !matches!(session.stage, Stage::Card) {
        return to_session(&id);
    }
    if post.action == "annuler" {
        kiosk.finish(&id, "17", None);
        return to_session(&id);
    }
    match cards::decide(&post.card, today(&kiosk)) {
        Err(errors) => {
            let page = pages::card_form(&id, &session.summary(), &post.card, &errors, today(&kiosk));
            (StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response()
        }
        Ok(decision) => {
            let card = CardUsed {
                digits: cards::digits(&post.card.card_number),
                expiry: format!("{}{:0>2}", post.card.year.trim(), post.card.month.trim()),
            };
            match decision {
                Decision::AcceptAfter3ds => {
                    kiosk.set_stage(&id, Stage::ThreeDs { card });
                    return Redirect::to(&format!("/paiement/{id}/3ds")).into_response();
                }
                Decision::Accept => kiosk.finish(&id, "00", Some((&card, "ATTEMPT"))),
                Decision::Refuse => kiosk.finish(&id, "05", Some((&card, "ATTEMPT"))),
                Decision::ExpiredCard => kiosk.finish(&id, "54", Some((&card, "ATTEMPT"))),
            };
            to_session(&id)
        }
    }
}

/// `GET /paiement/{id}/3ds`.
pub(crate) async fn show_3ds(State(kiosk): State<Kiosk>, Path(id): Path<String>) -> Response {
    let Some(session) = kiosk.session(&id) else { return unknown_session() };
    match session.stage {
        Stage::ThreeDs { .. } => Html(pages::three_ds(&id, &session.summary())).into_response(),
        _ => to_session(&id),
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct ThreeDsPost {
    #[serde(default)]
    action: String,
}

/// `POST /paiement/{id}/3ds`: «Valider» or «Annuler».
pub(crate) async fn submit_3ds(
    State(kiosk): State<Kiosk>,
    Path(id): Path<String>,
    Form(post): Form<ThreeDsPost>,
) -> Response {
    let Some(session) = kiosk.session(&id) else { return unknown_session() };
    if let Stage::ThreeDs { card } = &session.stage {
        if post.action == "valider" {
            kiosk.finish(&id, "00", Some((card, "SUCCESS")));
        } else {
            kiosk.finish(&id, "17", Some((card, "CANCEL")));
        }
    }
    to_session(&id)
}

/// `GET /paiement/{id}/recu`: the printable receipt of an accepted payment.
pub(crate) async fn receipt(State(kiosk): State<Kiosk>, Path(id): Path<String>) -> Response {
    let Some(session) = kiosk.session(&id) else { return unknown_session() };
    match &session.stage {
        Stage::Done { response } if response.response_code == "00" => {
            Html(pages::receipt(&id, &session.summary(), response)).into_response()
        }
        _ => to_session(&id),
    }
}
