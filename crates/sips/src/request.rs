//! The merchant's payment request.

use crate::data::{DataFields, encode_data, parse_amount};
use crate::{CURRENCY_EURO, PaypageForm, SEAL_ALGORITHM, Secret, SipsError, seal};

/// A payment request, as the merchant sends it to the kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRequest {
    /// Amount in cents.
    pub amount_cents: i64,
    /// The merchant.
    pub merchant_id: String,
    /// The secret key's version.
    pub key_version: String,
    /// Where the kiosk sends the browser back.
    pub normal_return_url: String,
    /// Where the kiosk posts its answer server to server.
    pub automatic_response_url: String,
    /// The unique reference of this attempt.
    pub transaction_reference: String,
    /// The merchant's order id.
    pub order_id: String,
    /// How the kiosk encodes its answers' `Data` (`responseEncoding`): `base64`,
    /// `base64url`, or empty for as is.
    pub response_encoding: String,
}

impl PaymentRequest {
    /// The `Data` string.
    pub fn to_data(&self) -> Result<String, SipsError> {
        let amount = self.amount_cents.to_string();
        let mut fields = vec![
            ("amount", amount.as_str()),
            ("currencyCode", CURRENCY_EURO),
            ("merchantId", &self.merchant_id),
            ("keyVersion", &self.key_version),
            ("normalReturnUrl", &self.normal_return_url),
            ("automaticResponseUrl", &self.automatic_response_url),
            ("transactionReference", &self.transaction_reference),
            ("orderChannel", "INTERNET"),
            ("orderId", &self.order_id),
        ];
        if !self.response_encoding.is_empty() {
            fields.push(("responseEncoding", &self.response_encoding));
        }
        encode_data(&fields)
    }

    /// The sealed form the browser posts to the kiosk at `url`.
    pub fn seal(&self, url: &str, secret: &Secret<String>, interface_version: &str) -> Result<PaypageForm, SipsError> {
        let data = self.to_data()?;
        Ok(PaypageForm {
            url: url.to_owned(),
            seal: seal(secret, &data),
            data,
            interface_version: interface_version.to_owned(),
            seal_algorithm: SEAL_ALGORITHM.to_owned(),
        })
    }

    /// Reads a request's fields (the kiosk's side) as Worldline does: a
    /// merchant may leave out `automaticResponseUrl` (no answer server to
    /// server), `transactionReference` (the kiosk makes one), `orderId` and
    /// `responseEncoding` (those are then empty); fields not read here
    /// (`billingAddress.city`, `holderContact.email`…) are ignored.
    pub fn from_fields(fields: &DataFields) -> Result<Self, SipsError> {
        if fields.get("currencyCode") != Some(CURRENCY_EURO) {
            return Err(SipsError::Malformed("currencyCode"));
        }
        Ok(PaymentRequest {
            amount_cents: parse_amount(fields.require("amount")?)?,
            merchant_id: fields.require("merchantId")?.to_owned(),
            key_version: fields.require("keyVersion")?.to_owned(),
            normal_return_url: fields.require("normalReturnUrl")?.to_owned(),
            automatic_response_url: fields.get("automaticResponseUrl").unwrap_or_default().to_owned(),
            transaction_reference: fields.get("transactionReference").unwrap_or_default().to_owned(),
            order_id: fields.get("orderId").unwrap_or_default().to_owned(),
            response_encoding: fields.get("responseEncoding").unwrap_or_default().to_owned(),
        })
    }
}
