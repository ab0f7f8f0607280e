//! Sips Office's diagnostic call, `getTransactionData`, as the simulator
//! answers it from its sessions: a merchant asks what became of a transaction
//! whose answer it did not get.
//!
//! - no session for the reference, or the buyer is still on the card page
//!   (no card submitted, so no transaction yet at the bank): `25`;
//! - a card waiting for its 3-D Secure confirmation: `00`, `PENDING`;
//! - answered: `00` and `TO_CAPTURE` (accepted; captured at the end of the
//!   day), `ABORTED` (the buyer cancelled), `EXPIRED` (timed out) or
//!   `REFUSED`, with the authorisation, the amount and the masked card.
//!
//! A request that is not JSON, names a merchant the simulator does not know or
//! carries a wrong seal gets Sips' codes `30`, `03` and `34`, unsealed.

use crate::session::{Kiosk, Stage};
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use sips::office::{FOUND, TransactionData, TransactionDataRequest, UNKNOWN_TRANSACTION, verify_json_seal};

pub(crate) async fn get_transaction_data(State(kiosk): State<Kiosk>, body: axum::body::Bytes) -> Json<Value> {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(&body) else {
        return Json(json!({ "responseCode": "30" }));
    };
    let Ok(request) = TransactionDataRequest::from_json(&fields) else {
        return Json(json!({ "responseCode": "30" }));
    };
    let Some(merchant) = kiosk.merchants.get(&request.merchant_id).cloned() else {
        return Json(json!({ "responseCode": "03" }));
    };
    if request.key_version != merchant.key_version || !verify_json_seal(&merchant.secret_key, &fields) {
        return Json(json!({ "responseCode": "34" }));
    }
    let answer = match kiosk.session_for(&request.merchant_id, &request.transaction_reference).map(|s| s.stage) {
        None | Some(Stage::Card) => TransactionData {
            response_code: UNKNOWN_TRANSACTION.to_owned(),
            merchant_id: Some(request.merchant_id.clone()),
            transaction_reference: Some(request.transaction_reference.clone()),
            ..TransactionData::default()
        },
        Some(Stage::ThreeDs { .. }) => TransactionData {
            response_code: FOUND.to_owned(),
            transaction_status: Some("PENDING".to_owned()),
            merchant_id: Some(request.merchant_id.clone()),
            transaction_reference: Some(request.transaction_reference.clone()),
            ..TransactionData::default()
        },
        Some(Stage::Done { response }) => {
            let status = match response.response_code.as_str() {
                "00" => "TO_CAPTURE",
                "17" => "ABORTED",
                "97" => "EXPIRED",
                _ => "REFUSED",
            };
            TransactionData {
                response_code: FOUND.to_owned(),
                transaction_status: Some(status.to_owned()),
                merchant_id: response.merchant_id.clone(),
                transaction_reference: Some(response.transaction_reference.clone()),
                amount_cents: Some(response.amount_cents),
                currency_code: response.currency_code.clone(),
                authorisation_id: response.authorisation_id.clone(),
                acquirer_response_code: response.acquirer_response_code.clone(),
                masked_pan: response.masked_pan.clone(),
                payment_mean_brand: response.payment_mean_brand.clone(),
                holder_authent_status: response.holder_authent_status.clone(),
                transaction_date_time: response.transaction_date_time.clone(),
            }
        }
    };
    Json(answer.to_sealed_json(&merchant.secret_key, &merchant.key_version))
}
