//! The kiosk's payment response and what its code means.

use crate::SipsError;
use crate::data::{DataFields, encode_data, parse_amount};

/// The kiosk's verdict, from `responseCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 00: authorised.
    Accepted,
    /// 17: the buyer cancelled.
    Cancelled,
    /// 97: the session timed out.
    Expired,
    /// Anything else (05 refused, 54 expired card, 34 fraud suspected…).
    Refused,
}

impl Outcome {
    /// The verdict a response code stands for.
    pub fn from_response_code(code: &str) -> Outcome {
        match code {
            "00" => Outcome::Accepted,
            "17" => Outcome::Cancelled,
            "97" => Outcome::Expired,
            _ => Outcome::Refused,
        }
    }
}

/// A payment response, as the kiosk sends it back.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PaymentResponse {
    /// `00` accepted, `05` refused, `17` cancelled, `54` expired card, `97` timeout…
    pub response_code: String,
    /// The acquirer's own code.
    pub acquirer_response_code: Option<String>,
    /// The authorisation number.
    pub authorisation_id: Option<String>,
    /// Amount in cents.
    pub amount_cents: i64,
    /// The currency, in ISO 4217 (`978`, euros).
    pub currency_code: Option<String>,
    /// When the transaction happened (ISO 8601).
    pub transaction_date_time: Option<String>,
    /// The attempt's reference.
    pub transaction_reference: String,
    /// The card number, masked (`4100##########00`).
    pub masked_pan: Option<String>,
    /// `VISA`, `MASTERCARD`, `CB`…
    pub payment_mean_brand: Option<String>,
    /// The 3-D Secure status.
    pub holder_authent_status: Option<String>,
    /// The secret key's version used for the seal.
    pub key_version: Option<String>,
    /// The merchant.
    pub merchant_id: Option<String>,
    /// Fields this codec does not interpret, sent after the others (the
    /// kiosk's `captureDay`, `paymentMeanType`, the request's `orderId`
    /// echoed…); empty when read.
    pub other: Vec<(String, String)>,
}

impl PaymentResponse {
    /// The verdict.
    pub fn outcome(&self) -> Outcome {
        Outcome::from_response_code(&self.response_code)
    }

    /// Reads a response's fields.
    pub fn from_fields(fields: &DataFields) -> Result<Self, SipsError> {
        let code = fields.require("responseCode")?;
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SipsError::Malformed("responseCode"));
        }
        let optional = |key: &str| fields.get(key).map(str::to_owned);
        let masked_pan = optional("maskedPan");
        if masked_pan.as_deref().is_some_and(|pan| pan.bytes().filter(u8::is_ascii_digit).count() > 10) {
            return Err(SipsError::Malformed("maskedPan"));
        }
        Ok(PaymentResponse {
            response_code: code.to_owned(),
            acquirer_response_code: optional("acquirerResponseCode"),
            authorisation_id: optional("authorisationId"),
            amount_cents: parse_amount(fields.require("amount")?)?,
            currency_code: optional("currencyCode"),
            transaction_date_time: optional("transactionDateTime"),
            transaction_reference: fields.require("transactionReference")?.to_owned(),
            masked_pan,
            payment_mean_brand: optional("paymentMeanBrand"),
            holder_authent_status: optional("holderAuthentStatus"),
            key_version: optional("keyVersion"),
            merchant_id: optional("merchantId"),
            other: Vec::new(),
        })
    }

    /// The `Data` string (the kiosk's side).
    pub fn to_data(&self) -> Result<String, SipsError> {
        let amount = self.amount_cents.to_string();
        let mut pairs: Vec<(&str, &str)> = vec![("responseCode", &self.response_code)];
        let optional =
            [("acquirerResponseCode", &self.acquirer_response_code), ("authorisationId", &self.authorisation_id)];
        pairs.extend(optional.iter().filter_map(|(k, v)| v.as_deref().map(|v| (*k, v))));
        pairs.push(("amount", &amount));
        if let Some(currency) = &self.currency_code {
            pairs.push(("currencyCode", currency));
        }
        if let Some(at) = &self.transaction_date_time {
            pairs.push(("transactionDateTime", at));
        }
        pairs.push(("transactionReference", &self.transaction_reference));
        let rest = [
            ("maskedPan", &self.masked_pan),
            ("paymentMeanBrand", &self.payment_mean_brand),
            ("holderAuthentStatus", &self.holder_authent_status),
            ("keyVersion", &self.key_version),
            ("merchantId", &self.merchant_id),
        ];
        pairs.extend(rest.iter().filter_map(|(k, v)| v.as_deref().map(|v| (*k, v))));
        pairs.extend(self.other.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        encode_data(&pairs)
    }
}
