//! Sips Office's calls as the simulator answers them from its sessions:
//! `getTransactionData`, what became of a transaction whose answer the
//! merchant did not get; `cashManagement/cancel` and `cashManagement/refund`,
//! money given back on an accepted one ([`Kiosk::give_back`]).
//!
//! The status call:
//! - no session for the reference, or the buyer is still on the card page
//!   (no card submitted, so no transaction yet at the bank): `25`;
//! - a card waiting for its 3-D Secure confirmation: `00`, `PENDING`;
//! - answered: `00` and `TO_CAPTURE` (accepted, the day it was; captured at
//!   the end of the day in Paris, `CAPTURED` from the next), `CANCELLED` (all
//!   of it cancelled before the capture), `ABORTED` (the buyer cancelled),
//!   `EXPIRED` (timed out) or `REFUSED`, with the authorisation, the amount
//!   (`originAmount`), what is left of it (`currentAmount`) and the masked
//!   card.
//!
//! The simulator keeps a finished transaction a day
//! ([`crate::FINISHED_KEPT_MS`]): after that every call about it answers
//! `25`, where the bank would still know it.
//!
//! A request that is not JSON, names a merchant the simulator does not know or
//! carries a wrong seal gets Sips' codes `30`, `03` and `34`, unsealed.

use crate::session::{Kiosk, Stage};
use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use sips::cash::{CashRequest, Operation};
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
    let session = kiosk.session_for(&request.merchant_id, &request.transaction_reference);
    let standing = session.as_ref().and_then(|s| s.standing((kiosk.now)()));
    let answer = match session.map(|s| s.stage) {
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
                "00" => standing.map_or("TO_CAPTURE", |standing| standing.status),
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
                current_amount_cents: Some(standing.map_or(response.amount_cents, |standing| standing.left_cents)),
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

pub(crate) async fn cancel(State(kiosk): State<Kiosk>, body: axum::body::Bytes) -> Json<Value> {
    give_back(&kiosk, Operation::Cancel, &body)
}

pub(crate) async fn refund(State(kiosk): State<Kiosk>, body: axum::body::Bytes) -> Json<Value> {
    give_back(&kiosk, Operation::Refund, &body)
}

/// A cancellation or a refund: malformed `30`, unknown merchant `03`, wrong
/// key or seal `34` (unsealed, as the status call), else the sealed answer of
/// [`Kiosk::give_back`].
fn give_back(kiosk: &Kiosk, operation: Operation, body: &[u8]) -> Json<Value> {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
        return Json(json!({ "responseCode": "30" }));
    };
    let request = match CashRequest::from_json(&fields) {
        Ok(request) if request.currency_code == sips::CURRENCY_EURO => request,
        _ => return Json(json!({ "responseCode": "30" })),
    };
    let Some(merchant) = kiosk.merchants.get(&request.merchant_id).cloned() else {
        return Json(json!({ "responseCode": "03" }));
    };
    if request.key_version != merchant.key_version || !verify_json_seal(&merchant.secret_key, &fields) {
        return Json(json!({ "responseCode": "34" }));
    }
    let answer = kiosk.give_back(&request.merchant_id, &request.transaction_reference, operation, request.amount_cents);
    tracing::info!(?operation, code = %answer.response_code, "kiosk: money given back asked");
    Json(answer.to_sealed_json(&merchant.secret_key, &merchant.key_version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Merchant;
    use crate::session::{CardUsed, Session};
    use sips::Secret;
    use sips::cash::{CashAnswer, CashVerdict};
    use sips::office::Verdict;
    use std::collections::HashMap;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};

    const MERCHANT: &str = sips::simulation::MERCHANT_ID;
    /// 2026-12-07 10:00 in Paris; the next day's 01:00 is 15 hours later.
    const ACCEPTED_AT: i64 = 1_796_634_000_000;
    const NEXT_DAY: i64 = ACCEPTED_AT + 15 * 3_600_000;

    fn key() -> Secret<String> {
        Secret::new(sips::simulation::SECRET_KEY.to_owned())
    }

    /// A simulator whose clock is `clock`, holding `reference`: 20 €, answered
    /// `code` (`00` accepted) at the clock's time, or else still on the card
    /// page.
    fn kiosk_with(clock: &Arc<AtomicI64>, reference: &str, code: Option<&str>) -> Kiosk {
        let merchants = HashMap::from([(
            MERCHANT.to_owned(),
            Merchant { secret_key: key(), key_version: "1".into(), label: "CPAM".into() },
        )]);
        let now = Arc::clone(clock);
        let kiosk = Kiosk::new(merchants, Arc::new(move || now.load(Ordering::SeqCst)), "http://127.0.0.1:3000");
        let session = Session::for_test(reference);
        let id = kiosk.open(session).expect("opened");
        if let Some(code) = code {
            let card = CardUsed { digits: "4100000000000000".into(), expiry: "203012".into() };
            kiosk.finish(&id, code, Some((&card, "SUCCESS"))).expect("answered");
        }
        kiosk
    }

    async fn call(kiosk: &Kiosk, operation: Operation, body: Value) -> Value {
        let body = axum::body::Bytes::from(body.to_string());
        let Json(answer) = match operation {
            Operation::Cancel => cancel(State(kiosk.clone()), body).await,
            Operation::Refund => refund(State(kiosk.clone()), body).await,
        };
        answer
    }

    async fn give_back(kiosk: &Kiosk, operation: Operation, reference: &str, cents: i64) -> CashAnswer {
        let body = CashRequest::new(MERCHANT, reference, cents, "1").to_sealed_json(&key());
        CashAnswer::from_sealed_json(&call(kiosk, operation, body).await, &key()).expect("a sealed answer")
    }

    async fn status(kiosk: &Kiosk, reference: &str) -> TransactionData {
        let request = TransactionDataRequest::new(MERCHANT, reference, "1");
        let body = axum::body::Bytes::from(request.to_sealed_json(&key()).to_string());
        let Json(answer) = get_transaction_data(State(kiosk.clone()), body).await;
        TransactionData::answer_to(&answer, &key(), &request).expect("a sealed answer")
    }

    #[tokio::test]
    async fn the_day_of_the_payment_money_is_cancelled_not_refunded_and_never_more_than_is_left() {
        let clock = Arc::new(AtomicI64::new(ACCEPTED_AT + 60_000));
        let kiosk = kiosk_with(&clock, "PCLCB263410000001", Some("00"));
        let refund = give_back(&kiosk, Operation::Refund, "PCLCB263410000001", 500).await;
        assert_eq!(refund.verdict(), CashVerdict::NotAllowed, "not captured yet: a refund is refused");

        let part = give_back(&kiosk, Operation::Cancel, "PCLCB263410000001", 500).await;
        assert_eq!(part.verdict(), CashVerdict::Done);
        assert_eq!((part.new_status.as_deref(), part.new_amount_cents), (Some("TO_CAPTURE"), Some(1500)));
        let too_much = give_back(&kiosk, Operation::Cancel, "PCLCB263410000001", 1501).await;
        assert_eq!(too_much.verdict(), CashVerdict::NotAllowed, "more than is left");
        let known = status(&kiosk, "PCLCB263410000001").await;
        assert_eq!((known.transaction_status.as_deref(), known.amount_cents), (Some("TO_CAPTURE"), Some(2000)));
        assert_eq!(known.current_amount_cents, Some(1500), "the refused call took nothing");

        let rest = give_back(&kiosk, Operation::Cancel, "PCLCB263410000001", 1500).await;
        assert_eq!((rest.new_status.as_deref(), rest.new_amount_cents), (Some("CANCELLED"), Some(0)));
        let known = status(&kiosk, "PCLCB263410000001").await;
        assert_eq!(known.transaction_status.as_deref(), Some("CANCELLED"));
        assert_eq!(known.verdict(), Verdict::EndedWithoutPayment);
        clock.store(NEXT_DAY, Ordering::SeqCst);
        assert_eq!(status(&kiosk, "PCLCB263410000001").await.transaction_status.as_deref(), Some("CANCELLED"));
    }

    #[tokio::test]
    async fn from_the_next_day_the_transaction_is_captured_and_refunded_up_to_what_is_left() {
        let clock = Arc::new(AtomicI64::new(ACCEPTED_AT));
        let kiosk = kiosk_with(&clock, "PCLCB263410000002", Some("00"));
        clock.store(NEXT_DAY, Ordering::SeqCst);
        assert_eq!(status(&kiosk, "PCLCB263410000002").await.transaction_status.as_deref(), Some("CAPTURED"));
        let cancel = give_back(&kiosk, Operation::Cancel, "PCLCB263410000002", 500).await;
        assert_eq!(cancel.verdict(), CashVerdict::NotAllowed, "captured: a cancellation is refused");
        let first = give_back(&kiosk, Operation::Refund, "PCLCB263410000002", 1200).await;
        assert_eq!((first.verdict(), first.new_amount_cents), (CashVerdict::Done, Some(800)));
        assert_eq!(first.new_status.as_deref(), Some("CAPTURED"));
        assert!(first.operation_date_time.as_deref().is_some_and(|at| at.starts_with("2026-12-08T01:00:00")));
        let over = give_back(&kiosk, Operation::Refund, "PCLCB263410000002", 801).await;
        assert_eq!(over.verdict(), CashVerdict::NotAllowed);
        let last = give_back(&kiosk, Operation::Refund, "PCLCB263410000002", 800).await;
        assert_eq!((last.verdict(), last.new_amount_cents), (CashVerdict::Done, Some(0)));
        let known = status(&kiosk, "PCLCB263410000002").await;
        assert_eq!((known.amount_cents, known.current_amount_cents), (Some(2000), Some(0)));
        assert_eq!(
            give_back(&kiosk, Operation::Refund, "PCLCB263410000002", 1).await.verdict(),
            CashVerdict::NotAllowed
        );
    }

    #[tokio::test]
    async fn no_money_goes_back_on_a_transaction_unknown_refused_or_still_on_the_card_page() {
        let clock = Arc::new(AtomicI64::new(ACCEPTED_AT));
        let on_card_page = kiosk_with(&clock, "PCLCB263410000003", None);
        let answer = give_back(&on_card_page, Operation::Cancel, "PCLCB263410000003", 100).await;
        assert_eq!(answer.verdict(), CashVerdict::UnknownTransaction);
        assert_eq!(
            give_back(&on_card_page, Operation::Cancel, "PCLCB263419999999", 100).await.verdict(),
            CashVerdict::UnknownTransaction
        );
        let refused = kiosk_with(&clock, "PCLCB263410000004", Some("05"));
        assert_eq!(
            give_back(&refused, Operation::Cancel, "PCLCB263410000004", 100).await.verdict(),
            CashVerdict::NotAllowed
        );
        clock.store(NEXT_DAY, Ordering::SeqCst);
        assert_eq!(
            give_back(&refused, Operation::Refund, "PCLCB263410000004", 100).await.verdict(),
            CashVerdict::NotAllowed
        );
    }

    #[tokio::test]
    async fn a_request_malformed_for_another_merchant_or_with_a_wrong_seal_gives_nothing_back() {
        let clock = Arc::new(AtomicI64::new(ACCEPTED_AT));
        let kiosk = kiosk_with(&clock, "PCLCB263410000005", Some("00"));
        let code = |answer: Value| answer["responseCode"].as_str().unwrap_or_default().to_owned();
        assert_eq!(code(call(&kiosk, Operation::Cancel, json!(["not", "an", "object"])).await), "30");
        let sealed = CashRequest::new(MERCHANT, "PCLCB263410000005", 500, "1").to_sealed_json(&key());
        let mut no_amount = sealed.clone();
        no_amount.as_object_mut().expect("an object").remove("operationAmount");
        assert_eq!(code(call(&kiosk, Operation::Cancel, no_amount).await), "30");
        let mut dollars = sealed.clone();
        dollars["currencyCode"] = json!("840");
        assert_eq!(code(call(&kiosk, Operation::Cancel, dollars).await), "30");
        let other = CashRequest::new("002001000000002", "PCLCB263410000005", 500, "1")
            .to_sealed_json(&Secret::new("002001000000002_KEY1".to_owned()));
        assert_eq!(code(call(&kiosk, Operation::Cancel, other).await), "03");
        let mut forged = sealed.clone();
        forged["operationAmount"] = json!(2000);
        assert_eq!(code(call(&kiosk, Operation::Cancel, forged).await), "34");
        let mut other_version = sealed.clone();
        other_version["keyVersion"] = json!("2");
        assert_eq!(code(call(&kiosk, Operation::Cancel, other_version).await), "34");
        let known = status(&kiosk, "PCLCB263410000005").await;
        assert_eq!(known.current_amount_cents, Some(2000), "nothing was given back");
        assert_eq!(code(call(&kiosk, Operation::Cancel, sealed).await), "00");
    }
}
