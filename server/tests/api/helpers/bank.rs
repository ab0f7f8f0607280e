//! The bank's side of the protocol, for tests: sealed answers with the
//! simulation key.

use sips::{Encoding, PaymentResponse, SealedForm, Secret};

pub const SECRET: &str = "002001000000001_KEY1";

pub fn response(transaction_reference: &str, amount_cents: i64, code: &str) -> PaymentResponse {
    PaymentResponse {
        response_code: code.to_owned(),
        acquirer_response_code: Some(code.to_owned()),
        authorisation_id: (code == "00").then(|| "761208".to_owned()),
        amount_cents,
        currency_code: Some("978".to_owned()),
        transaction_date_time: Some("2026-11-27T10:00:00+01:00".to_owned()),
        transaction_reference: transaction_reference.to_owned(),
        masked_pan: Some("4100##########00".to_owned()),
        payment_mean_brand: Some("VISA".to_owned()),
        holder_authent_status: Some("ATTEMPT".to_owned()),
        key_version: Some("1".to_owned()),
        merchant_id: Some("002001000000001".to_owned()),
        other: Vec::new(),
    }
}

/// The form fields of a sealed answer.
pub fn sealed(response: &PaymentResponse, secret: &str) -> Vec<(String, String)> {
    SealedForm::seal_response(response, &Secret::new(secret.to_owned()), "HP_2.20", Encoding::Plain)
        .expect("seals")
        .fields()
}
