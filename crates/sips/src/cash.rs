//! Sips Office's cash management: giving money back on a transaction.
//!
//! Two calls with the same sealed JSON request (`interfaceVersion`
//! `CR_WS_2.x`, `merchantId`, `transactionReference`, `operationAmount` in
//! cents, `currencyCode`, `operationOrigin`, `keyVersion`, `seal`; the seal as
//! in [`crate::office`]):
//! - `POST {office}/rs-services/v2/cashManagement/cancel` while the
//!   transaction is not yet captured (`TO_CAPTURE`): the amount is taken off
//!   what will be captured, the card is never debited of it;
//! - `POST {office}/rs-services/v2/cashManagement/refund` once it is
//!   (`CAPTURED`): the amount is credited back to the card.
//!
//! The answer is a JSON object sealed the same way. Its documented fields, as
//! Worldline's SDKs and integrations read them: `responseCode`,
//! `acquirerResponseCode`, `authorisationId`, `newStatus`, `newAmount`,
//! `operationDateTime`, `errorFieldName`. What could not be confirmed against
//! Worldline's own reference from here, and is therefore this code's
//! assumption: the exact list of the answer's fields (any other is refused,
//! as for the status call), and that `24` is the code for an amount above
//! what is left or a transaction in a status that does not allow the call.

use crate::office::{cents_field, insert_texts, require, seal_into, text_field, verified_answer};
use crate::{Secret, SipsError};
use serde_json::{Map, Value};

/// The path of a refund on the Sips Office server.
pub const REFUND_PATH: &str = "/rs-services/v2/cashManagement/refund";
/// The path of a cancellation (of part or all of what is to be captured).
pub const CANCEL_PATH: &str = "/rs-services/v2/cashManagement/cancel";
/// The interface version sent with the calls.
pub const CASH_MANAGEMENT_INTERFACE_VERSION: &str = "CR_WS_2.27";
/// `operationOrigin`: who asked for the operation.
pub const OPERATION_ORIGIN: &str = "BACK_OFFICE";

/// `responseCode` of an operation done.
pub const DONE: &str = "00";
/// `responseCode` 24: the operation is not allowed (an amount above what is
/// left, or a status that does not allow it).
pub const NOT_ALLOWED: &str = "24";
/// `responseCode` 25: no transaction has this reference.
pub const UNKNOWN_TRANSACTION: &str = "25";

/// The fields of the answer (sorted); see the module's documentation.
pub const ANSWER_FIELDS: [&str; 10] = [
    "acquirerResponseCode",
    "authorisationId",
    "errorFieldName",
    "keyVersion",
    "newAmount",
    "newStatus",
    "operationDateTime",
    "responseCode",
    "seal",
    "sealAlgorithm",
];

/// The two calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Money credited back to the card (a captured transaction).
    Refund,
    /// Money taken off what is still to be captured.
    Cancel,
}

impl Operation {
    /// The call's path on the Sips Office server.
    pub fn path(self) -> &'static str {
        match self {
            Operation::Refund => REFUND_PATH,
            Operation::Cancel => CANCEL_PATH,
        }
    }

    /// The call that gives money back on a transaction in `status` (as
    /// `getTransactionData` says it): a cancellation before the capture, a
    /// refund after; `None` for a status where neither applies.
    pub fn for_status(status: &str) -> Option<Operation> {
        match status {
            "TO_CAPTURE" | "TO_VALIDATE" => Some(Operation::Cancel),
            "CAPTURED" => Some(Operation::Refund),
            _ => None,
        }
    }
}

/// A refund or cancellation request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashRequest {
    /// The merchant.
    pub merchant_id: String,
    /// The transaction the money was taken on.
    pub transaction_reference: String,
    /// The amount given back, in cents.
    pub amount_cents: i64,
    /// ISO 4217.
    pub currency_code: String,
    /// Who asked.
    pub operation_origin: String,
    /// The version of the key the request is sealed with.
    pub key_version: String,
    /// `CR_WS_2.x`.
    pub interface_version: String,
}

impl CashRequest {
    /// A request to give back `amount_cents` euro cents on `transaction_reference`.
    pub fn new(merchant_id: &str, transaction_reference: &str, amount_cents: i64, key_version: &str) -> Self {
        CashRequest {
            merchant_id: merchant_id.to_owned(),
            transaction_reference: transaction_reference.to_owned(),
            amount_cents,
            currency_code: crate::CURRENCY_EURO.to_owned(),
            operation_origin: OPERATION_ORIGIN.to_owned(),
            key_version: key_version.to_owned(),
            interface_version: CASH_MANAGEMENT_INTERFACE_VERSION.to_owned(),
        }
    }

    /// The JSON body, sealed with `secret`.
    pub fn to_sealed_json(&self, secret: &Secret<String>) -> Value {
        let mut fields = Map::new();
        fields.insert("currencyCode".into(), Value::String(self.currency_code.clone()));
        fields.insert("interfaceVersion".into(), Value::String(self.interface_version.clone()));
        fields.insert("merchantId".into(), Value::String(self.merchant_id.clone()));
        fields.insert("operationAmount".into(), Value::from(self.amount_cents));
        fields.insert("operationOrigin".into(), Value::String(self.operation_origin.clone()));
        fields.insert("transactionReference".into(), Value::String(self.transaction_reference.clone()));
        seal_into(fields, secret, &self.key_version)
    }

    /// Reads a request's fields (the seal is checked by the caller, who knows
    /// the merchant's key). The amount must be a whole number of cents above 0.
    pub fn from_json(fields: &Map<String, Value>) -> Result<Self, SipsError> {
        let amount_cents = match fields.get("operationAmount") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) if s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
            _ => None,
        }
        .filter(|cents| *cents > 0)
        .ok_or(SipsError::Malformed("operationAmount"))?;
        Ok(CashRequest {
            merchant_id: require(fields, "merchantId")?,
            transaction_reference: require(fields, "transactionReference")?,
            amount_cents,
            currency_code: require(fields, "currencyCode")?,
            operation_origin: text_field(fields, "operationOrigin").unwrap_or_default(),
            key_version: require(fields, "keyVersion")?,
            interface_version: require(fields, "interfaceVersion")?,
        })
    }
}

/// What the bank's answer says of the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CashVerdict {
    /// Done: the money goes back (`00`).
    Done,
    /// Not allowed: more than is left, or a status that does not allow it
    /// (`24`). Nothing was done.
    NotAllowed,
    /// No such transaction at the bank (`25`). Nothing was done.
    UnknownTransaction,
    /// The bank did not do it and says the request itself is wrong (merchant,
    /// format, seal…). Nothing was done; sending it again changes nothing.
    Rejected,
    /// The bank could not answer now (`90`, `97`, `99`): whether it was done
    /// is not known, the status call says.
    Unavailable,
}

/// The answer to a refund or a cancellation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CashAnswer {
    /// `00` done, others: see [`CashVerdict`].
    pub response_code: String,
    /// The acquirer's code.
    pub acquirer_response_code: Option<String>,
    /// The authorisation number of the operation, when there is one.
    pub authorisation_id: Option<String>,
    /// The transaction's status after the operation.
    pub new_status: Option<String>,
    /// What is left on the transaction after the operation, in cents.
    pub new_amount_cents: Option<i64>,
    /// When the operation was done (ISO 8601).
    pub operation_date_time: Option<String>,
    /// The refused field of a malformed request.
    pub error_field_name: Option<String>,
}

impl CashAnswer {
    /// What the answer says.
    pub fn verdict(&self) -> CashVerdict {
        match self.response_code.as_str() {
            DONE => CashVerdict::Done,
            NOT_ALLOWED => CashVerdict::NotAllowed,
            UNKNOWN_TRANSACTION => CashVerdict::UnknownTransaction,
            "90" | "97" | "99" => CashVerdict::Unavailable,
            _ => CashVerdict::Rejected,
        }
    }

    /// The JSON answer, sealed with `secret` (key version `key_version`).
    pub fn to_sealed_json(&self, secret: &Secret<String>, key_version: &str) -> Value {
        let mut fields = Map::new();
        fields.insert("responseCode".into(), Value::String(self.response_code.clone()));
        insert_texts(
            &mut fields,
            [
                ("acquirerResponseCode", &self.acquirer_response_code),
                ("authorisationId", &self.authorisation_id),
                ("newStatus", &self.new_status),
                ("operationDateTime", &self.operation_date_time),
                ("errorFieldName", &self.error_field_name),
            ],
        );
        if let Some(amount) = self.new_amount_cents {
            fields.insert("newAmount".into(), Value::from(amount));
        }
        seal_into(fields, secret, key_version)
    }

    /// Reads an answer whose seal is checked with `secret` first: a missing or
    /// wrong seal is [`SipsError::BadSeal`], a field the interface does not
    /// document [`SipsError::Undocumented`].
    pub fn from_sealed_json(value: &Value, secret: &Secret<String>) -> Result<Self, SipsError> {
        let fields = verified_answer(value, secret, &ANSWER_FIELDS)?;
        let new_amount_cents = cents_field(fields, "newAmount")?;
        let text = |name| text_field(fields, name);
        Ok(CashAnswer {
            response_code: require(fields, "responseCode")?,
            acquirer_response_code: text("acquirerResponseCode"),
            authorisation_id: text("authorisationId"),
            new_status: text("newStatus"),
            new_amount_cents,
            operation_date_time: text("operationDateTime"),
            error_field_name: text("errorFieldName"),
        })
    }
}
