//! Sips Office's diagnostic service, `getTransactionData`: what the bank knows
//! of a transaction, asked server to server when no answer came.
//!
//! `POST {office}/rs-services/v2/diagnostic/getTransactionData`, a JSON object
//! (`interfaceVersion` `DR_WS_2.x`, `merchantId`, `transactionReference`,
//! `keyVersion`, `seal`); the answer is a JSON object sealed the same way. The
//! seal of a JSON message ([`json_seal`]) is the lowercase hex HMAC-SHA-256 of
//! the values of its fields concatenated in the alphabetical order of their
//! names (a nested object likewise, a list in its order), `keyVersion`,
//! `sealAlgorithm` and `seal` left out: Worldline's JSON interfaces and their
//! sample kits compute it so.

use crate::{PaymentResponse, Secret, SipsError};
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

/// The path of the call on the Sips Office server.
pub const GET_TRANSACTION_DATA_PATH: &str = "/rs-services/v2/diagnostic/getTransactionData";
/// The interface version sent with the call.
pub const DIAGNOSTIC_INTERFACE_VERSION: &str = "DR_WS_2.27";
/// `responseCode` of a transaction found.
pub const FOUND: &str = "00";
/// `responseCode` 25: no transaction has this reference.
pub const UNKNOWN_TRANSACTION: &str = "25";

/// Fields never part of a JSON seal.
const UNSEALED: [&str; 3] = ["keyVersion", "sealAlgorithm", "seal"];

/// The fields Worldline documents for the `getTransactionData` answer (sorted):
/// any other top-level field is refused, so a key renamed on the way, which the
/// seal (over values alone) may not notice, does not pass.
pub const ANSWER_FIELDS: [&str; 50] = [
    "acquirerNativeResponseCode",
    "acquirerResponseCode",
    "acquirerResponseIdentifier",
    "acquirerResponseMessage",
    "authentExemptionReasonList",
    "authorisationId",
    "authorisationTypeLabel",
    "avsAddressResponseCode",
    "avsPostcodeResponseCode",
    "captureDay",
    "captureLimitDate",
    "captureMode",
    "cardCSCResultCode",
    "cardData",
    "complementaryCode",
    "complementaryInfo",
    "currencyCode",
    "currentAmount",
    "customerIpAddress",
    "errorFieldName",
    "fraudData",
    "guaranteeIndicator",
    "holderAuthentMethod",
    "holderAuthentProgram",
    "holderAuthentRelegation",
    "holderAuthentStatus",
    "keyVersion",
    "maskedPan",
    "merchantId",
    "orderChannel",
    "orderId",
    "originAmount",
    "panExpiryDate",
    "paymentMeanBrand",
    "paymentMeanBrandSelectionStatus",
    "paymentMeanType",
    "paymentPattern",
    "responseCode",
    "returnContext",
    "s10TransactionReference",
    "scoreColor",
    "scoreInfo",
    "scoreProfile",
    "scoreValue",
    "seal",
    "sealAlgorithm",
    "statementReference",
    "transactionDateTime",
    "transactionReference",
    "transactionStatus",
];

/// Statuses of a transaction whose authorisation was given: the money is taken
/// (at once or at the capture).
const AUTHORISED: [&str; 3] = ["TO_CAPTURE", "CAPTURED", "TO_VALIDATE"];
/// Statuses of a transaction that ended without taking money.
const ENDED_WITHOUT_PAYMENT: [&str; 5] = ["REFUSED", "CANCELLED", "ABORTED", "EXPIRED", "CAPTURE_REFUSED"];

/// The seal of a JSON message: see the module's documentation.
pub fn json_seal(secret: &Secret<String>, fields: &Map<String, Value>) -> String {
    let mut text = String::new();
    sealed_text(fields, &mut text, true);
    let mut mac = <Hmac<Sha256>>::new_from_slice(secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(text.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// True when `fields` carry a `seal` that is theirs, compared in constant time.
pub fn verify_json_seal(secret: &Secret<String>, fields: &Map<String, Value>) -> bool {
    let Some(Value::String(seal)) = fields.get("seal") else { return false };
    let Ok(expected) = hex::decode(seal.trim()) else { return false };
    let mut text = String::new();
    sealed_text(fields, &mut text, true);
    let mut mac = <Hmac<Sha256>>::new_from_slice(secret.expose().as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(text.as_bytes());
    mac.verify_slice(&expected).is_ok()
}

/// The values in the alphabetical (byte) order of their names, whatever order
/// the map keeps; at the top level, the unsealed fields left out.
fn sealed_text(fields: &Map<String, Value>, text: &mut String, top: bool) {
    let mut names: Vec<&String> = fields.keys().filter(|name| !(top && UNSEALED.contains(&name.as_str()))).collect();
    names.sort();
    for name in names {
        value_text(&fields[name.as_str()], text);
    }
}

fn value_text(value: &Value, text: &mut String) {
    match value {
        Value::String(s) => text.push_str(s),
        Value::Number(n) => text.push_str(&n.to_string()),
        Value::Bool(true) => text.push('1'),
        Value::Bool(false) | Value::Null => {}
        Value::Array(items) => items.iter().for_each(|item| value_text(item, text)),
        Value::Object(fields) => sealed_text(fields, text, false),
    }
}

pub(crate) fn text_field(fields: &Map<String, Value>, name: &str) -> Option<String> {
    match fields.get(name)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) fn require(fields: &Map<String, Value>, name: &'static str) -> Result<String, SipsError> {
    text_field(fields, name).ok_or(SipsError::Malformed(name))
}

/// The fields of a sealed answer: a JSON object whose seal `secret` verifies
/// and whose every field is in `documented` (sorted).
pub(crate) fn verified_answer<'a>(
    value: &'a Value,
    secret: &Secret<String>,
    documented: &[&str],
) -> Result<&'a Map<String, Value>, SipsError> {
    let Value::Object(fields) = value else { return Err(SipsError::Malformed("not a JSON object")) };
    if !verify_json_seal(secret, fields) {
        return Err(SipsError::BadSeal);
    }
    if let Some(name) = fields.keys().find(|name| documented.binary_search(&name.as_str()).is_err()) {
        return Err(SipsError::Undocumented(name.clone()));
    }
    Ok(fields)
}

/// An amount in cents, if the field is there.
pub(crate) fn cents_field(fields: &Map<String, Value>, name: &'static str) -> Result<Option<i64>, SipsError> {
    match text_field(fields, name) {
        Some(text) => text.parse().map(Some).map_err(|_| SipsError::Malformed(name)),
        None => Ok(None),
    }
}

/// Adds the texts that are there.
pub(crate) fn insert_texts<const N: usize>(fields: &mut Map<String, Value>, texts: [(&str, &Option<String>); N]) {
    for (name, value) in texts {
        if let Some(value) = value {
            fields.insert(name.into(), Value::String(value.clone()));
        }
    }
}

/// Seals `fields` and adds the key version and the seal.
pub(crate) fn seal_into(mut fields: Map<String, Value>, secret: &Secret<String>, key_version: &str) -> Value {
    let seal = json_seal(secret, &fields);
    fields.insert("keyVersion".into(), Value::String(key_version.to_owned()));
    fields.insert("seal".into(), Value::String(seal));
    Value::Object(fields)
}

/// A `getTransactionData` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionDataRequest {
    /// The merchant.
    pub merchant_id: String,
    /// The transaction asked about.
    pub transaction_reference: String,
    /// The version of the key the request is sealed with.
    pub key_version: String,
    /// `DR_WS_2.x`.
    pub interface_version: String,
}

impl TransactionDataRequest {
    /// A request for `transaction_reference`, at the current interface version.
    pub fn new(merchant_id: &str, transaction_reference: &str, key_version: &str) -> Self {
        TransactionDataRequest {
            merchant_id: merchant_id.to_owned(),
            transaction_reference: transaction_reference.to_owned(),
            key_version: key_version.to_owned(),
            interface_version: DIAGNOSTIC_INTERFACE_VERSION.to_owned(),
        }
    }

    /// The JSON body, sealed with `secret`.
    pub fn to_sealed_json(&self, secret: &Secret<String>) -> Value {
        let mut fields = Map::new();
        fields.insert("interfaceVersion".into(), Value::String(self.interface_version.clone()));
        fields.insert("merchantId".into(), Value::String(self.merchant_id.clone()));
        fields.insert("transactionReference".into(), Value::String(self.transaction_reference.clone()));
        seal_into(fields, secret, &self.key_version)
    }

    /// Reads a request's fields (the seal is checked by the caller, who knows
    /// the merchant's key).
    pub fn from_json(fields: &Map<String, Value>) -> Result<Self, SipsError> {
        Ok(TransactionDataRequest {
            merchant_id: require(fields, "merchantId")?,
            transaction_reference: require(fields, "transactionReference")?,
            key_version: require(fields, "keyVersion")?,
            interface_version: require(fields, "interfaceVersion")?,
        })
    }
}

/// What the bank's answer says of the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The bank has no transaction with this reference (25): no card was
    /// submitted for it.
    Unknown,
    /// Authorised: the money is taken.
    Authorised,
    /// Ended without taking money (refused, cancelled, expired).
    EndedWithoutPayment,
    /// Still under way at the bank (authentication, authorisation, review),
    /// or a status this code does not know: nothing can be concluded yet.
    Undecided,
    /// The bank could not answer (any other response code).
    Unavailable,
}

/// The answer to `getTransactionData`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransactionData {
    /// `00` found, `25` unknown, others: the call failed.
    pub response_code: String,
    /// `TO_CAPTURE`, `CAPTURED`, `REFUSED`…, when found.
    pub transaction_status: Option<String>,
    /// The merchant.
    pub merchant_id: Option<String>,
    /// The transaction.
    pub transaction_reference: Option<String>,
    /// The amount authorised, in cents (`originAmount`).
    pub amount_cents: Option<i64>,
    /// What is left of it after cancellations and refunds, in cents
    /// (`currentAmount`).
    pub current_amount_cents: Option<i64>,
    /// ISO 4217.
    pub currency_code: Option<String>,
    /// The authorisation number.
    pub authorisation_id: Option<String>,
    /// The acquirer's code.
    pub acquirer_response_code: Option<String>,
    /// The card, masked.
    pub masked_pan: Option<String>,
    /// `VISA`, `MASTERCARD`, `CB`…
    pub payment_mean_brand: Option<String>,
    /// The 3-D Secure status.
    pub holder_authent_status: Option<String>,
    /// When the transaction happened (ISO 8601).
    pub transaction_date_time: Option<String>,
}

impl TransactionData {
    /// What the answer says.
    pub fn verdict(&self) -> Verdict {
        match self.response_code.as_str() {
            UNKNOWN_TRANSACTION => Verdict::Unknown,
            FOUND => match self.transaction_status.as_deref() {
                Some(status) if AUTHORISED.contains(&status) => Verdict::Authorised,
                Some(status) if ENDED_WITHOUT_PAYMENT.contains(&status) => Verdict::EndedWithoutPayment,
                _ => Verdict::Undecided,
            },
            _ => Verdict::Unavailable,
        }
    }

    /// The JSON answer, sealed with `secret` (key version `key_version`).
    pub fn to_sealed_json(&self, secret: &Secret<String>, key_version: &str) -> Value {
        let mut fields = Map::new();
        fields.insert("responseCode".into(), Value::String(self.response_code.clone()));
        insert_texts(
            &mut fields,
            [
                ("transactionStatus", &self.transaction_status),
                ("merchantId", &self.merchant_id),
                ("transactionReference", &self.transaction_reference),
                ("currencyCode", &self.currency_code),
                ("authorisationId", &self.authorisation_id),
                ("acquirerResponseCode", &self.acquirer_response_code),
                ("maskedPan", &self.masked_pan),
                ("paymentMeanBrand", &self.payment_mean_brand),
                ("holderAuthentStatus", &self.holder_authent_status),
                ("transactionDateTime", &self.transaction_date_time),
            ],
        );
        if let Some(amount) = self.amount_cents {
            fields.insert("originAmount".into(), Value::from(amount));
        }
        if let Some(amount) = self.current_amount_cents {
            fields.insert("currentAmount".into(), Value::from(amount));
        }
        seal_into(fields, secret, key_version)
    }

    /// Reads an answer whose seal is checked with `secret` first: a missing or
    /// wrong seal is [`SipsError::BadSeal`].
    pub fn from_sealed_json(value: &Value, secret: &Secret<String>) -> Result<Self, SipsError> {
        let fields = verified_answer(value, secret, &ANSWER_FIELDS)?;
        let current_amount_cents = cents_field(fields, "currentAmount")?;
        let amount_cents = cents_field(fields, "originAmount")?.or(current_amount_cents);
        let text = |name| text_field(fields, name);
        Ok(TransactionData {
            response_code: require(fields, "responseCode")?,
            transaction_status: text("transactionStatus"),
            merchant_id: text("merchantId"),
            transaction_reference: text("transactionReference"),
            amount_cents,
            current_amount_cents,
            currency_code: text("currencyCode"),
            authorisation_id: text("authorisationId"),
            acquirer_response_code: text("acquirerResponseCode"),
            masked_pan: text("maskedPan"),
            payment_mean_brand: text("paymentMeanBrand"),
            holder_authent_status: text("holderAuthentStatus"),
            transaction_date_time: text("transactionDateTime"),
        })
    }

    /// Reads the answer to `request` (see [`TransactionData::from_sealed_json`]):
    /// it must name the merchant and the transaction asked about. A missing
    /// name is [`SipsError::Malformed`], another one [`SipsError::NotAsked`].
    pub fn answer_to(
        value: &Value,
        secret: &Secret<String>,
        request: &TransactionDataRequest,
    ) -> Result<Self, SipsError> {
        let answer = Self::from_sealed_json(value, secret)?;
        let named = [
            ("merchantId", &answer.merchant_id, &request.merchant_id),
            ("transactionReference", &answer.transaction_reference, &request.transaction_reference),
        ];
        for (name, said, asked) in named {
            match said {
                None => return Err(SipsError::Malformed(name)),
                Some(said) if said != asked => return Err(SipsError::NotAsked(name)),
                Some(_) => {}
            }
        }
        Ok(answer)
    }

    /// An authorised transaction as the payment response the kiosk would have
    /// sent (code `00`), for `transaction_reference`; `None` unless
    /// [`Verdict::Authorised`] with an amount.
    pub fn as_payment_response(&self, transaction_reference: &str, key_version: &str) -> Option<PaymentResponse> {
        if self.verdict() != Verdict::Authorised {
            return None;
        }
        Some(PaymentResponse {
            response_code: FOUND.to_owned(),
            acquirer_response_code: self.acquirer_response_code.clone(),
            authorisation_id: self.authorisation_id.clone(),
            amount_cents: self.amount_cents?,
            currency_code: self.currency_code.clone(),
            transaction_date_time: self.transaction_date_time.clone(),
            transaction_reference: transaction_reference.to_owned(),
            masked_pan: self.masked_pan.clone(),
            payment_mean_brand: self.payment_mean_brand.clone(),
            holder_authent_status: self.holder_authent_status.clone(),
            key_version: Some(key_version.to_owned()),
            merchant_id: self.merchant_id.clone(),
            other: Vec::new(),
        })
    }
}
