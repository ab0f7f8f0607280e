//! The sealed Paypage POST form of a pending attempt.

use crate::domain::{Euros, TransactionReference};
use crate::routes;
use crate::ssr::infra::ids::PersonId;
use crate::ssr::lifecycle::AttemptStatus;
use crate::ssr::{AppState, KioskSettings};
use anyhow::Context;
use sips::{PaymentRequest, PaypageForm};
use sqlx::Row;

/// A pending attempt's kiosk form, and the amount the page announces.
#[derive(Debug, Clone)]
pub struct PendingPaypage {
    /// The sealed form.
    pub form: PaypageForm,
    /// The amount it asks the bank for.
    pub amount: Euros,
}

/// The sealed Paypage POST form of the person's pending attempt, or `None` when
/// there is no such attempt (another person's, unknown, or already answered).
pub async fn paypage_form(
    state: &AppState,
    person_id: &PersonId,
    transaction_reference: &TransactionReference,
) -> anyhow::Result<Option<PendingPaypage>> {
    let row = sqlx::query(
        "SELECT amount_cents, status, expires_at FROM payment_attempts \
         WHERE transaction_reference = $1 AND person_id = $2",
    )
    .bind(transaction_reference.as_str())
    .bind(person_id)
    .fetch_optional(state.store.pool())
    .await
    .context("reading an attempt")?;
    let Some(row) = row else { return Ok(None) };
    let status: AttemptStatus = row.try_get("status")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    if status != AttemptStatus::Pending || expires_at <= state.clock.now_ms() {
        return Ok(None);
    }
    let amount_cents: i64 = row.try_get("amount_cents")?;
    let form =
        build_paypage_form(&state.settings.kiosk, &state.settings.public_url, transaction_reference, amount_cents)?;
    Ok(Some(PendingPaypage { form, amount: Euros::from_cents(amount_cents) }))
}

fn build_paypage_form(
    kiosk: &KioskSettings,
    public_url: &str,
    transaction_reference: &TransactionReference,
    amount_cents: i64,
) -> anyhow::Result<PaypageForm> {
    let request = PaymentRequest {
        amount_cents,
        merchant_id: kiosk.merchant_id.clone(),
        key_version: kiosk.key_version.clone(),
        normal_return_url: format!("{public_url}{}", routes::KIOSK_RETURN),
        automatic_response_url: format!("{public_url}{}", routes::KIOSK_AUTOMATIC_RESPONSE),
        transaction_reference: transaction_reference.to_string(),
        order_id: transaction_reference.to_string(),
        // Answers in base64: their text reaches us as the kiosk wrote it,
        // whatever characters it holds.
        response_encoding: "base64".to_owned(),
    };
    request
        .seal(&kiosk.paypage_url, &kiosk.secret_key, &kiosk.interface_version)
        .context("encoding the payment request")
}
