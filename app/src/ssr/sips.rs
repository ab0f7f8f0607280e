//! Worldline Sips 2.0 "Paypage POST": the codec shared by the app and the
//! embedded kiosk simulator.
//!
//! A request or response is a `Data` string of `key=value` pairs joined by `|`,
//! sealed with `Seal` = lowercase hex HMAC-SHA-256(secret key, Data). The kiosk may
//! send its response `Data` base64-encoded (`Encode=base64` or `base64url`); the
//! seal is then computed on the encoded text, as received.

use super::Secret;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::BTreeMap;

/// The seal algorithm sent with requests.
pub const SEAL_ALGORITHM: &str = "HMAC-SHA-256";
/// Euros, in ISO 4217.
pub const CURRENCY_EURO: &str = "978";

/// Why a message cannot be read or trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SipsError {
    /// The seal does not match the data.
    #[error("seal does not match")]
    BadSeal,
    /// The message is not well formed; says which part.
    #[error("malformed message: {0}")]
    Malformed(&'static str),
}

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &Secret<String>) -> HmacSha256 {
    // HMAC accepts keys of any length: this cannot fail.
    HmacSha256::new_from_slice(secret.expose().as_bytes()).unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
}

/// The seal of `data`: lowercase hex HMAC-SHA-256.
pub fn seal(secret: &Secret<String>, data: &str) -> String {
    let mut mac = mac(secret);
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// True when `seal` is the seal of `data`, compared in constant time.
pub fn verify_seal(secret: &Secret<String>, data: &str, seal: &str) -> bool {
    let Ok(expected) = hex::decode(seal.trim()) else { return false };
    let mut mac = mac(secret);
    mac.update(data.as_bytes());
    mac.verify_slice(&expected).is_ok()
}

/// The `key=value` pairs of a `Data` string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DataFields(BTreeMap<String, String>);

impl DataFields {
    /// Parses `key=value|key=value`. Keys must be unique and non-empty.
    pub fn parse(data: &str) -> Result<Self, SipsError> {
        let mut fields = BTreeMap::new();
        for pair in data.split('|').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').ok_or(SipsError::Malformed("a field without '='"))?;
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(SipsError::Malformed("a field name"));
            }
            if fields.insert(key.to_owned(), value.to_owned()).is_some() {
                return Err(SipsError::Malformed("a repeated field"));
            }
        }
        Ok(DataFields(fields))
    }

    /// The value of `key`, if present and not empty.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// The value of `key`, which must be present.
    pub fn require(&self, key: &'static str) -> Result<&str, SipsError> {
        self.get(key).ok_or(SipsError::Malformed(key))
    }
}

/// Joins pairs into a `Data` string, refusing separators inside a value.
pub fn encode_data(fields: &[(&str, &str)]) -> Result<String, SipsError> {
    let mut out = String::new();
    for (key, value) in fields {
        if value.contains('|') {
            return Err(SipsError::Malformed("a value containing '|'"));
        }
        if !out.is_empty() {
            out.push('|');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(value);
    }
    Ok(out)
}

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
}

impl PaymentRequest {
    /// The `Data` string.
    pub fn to_data(&self) -> Result<String, SipsError> {
        encode_data(&[
            ("amount", &self.amount_cents.to_string()),
            ("currencyCode", CURRENCY_EURO),
            ("merchantId", &self.merchant_id),
            ("keyVersion", &self.key_version),
            ("normalReturnUrl", &self.normal_return_url),
            ("automaticResponseUrl", &self.automatic_response_url),
            ("transactionReference", &self.transaction_reference),
            ("orderChannel", "INTERNET"),
            ("orderId", &self.order_id),
        ])
    }

    /// Reads a request's fields (the kiosk's side).
    pub fn from_fields(fields: &DataFields) -> Result<Self, SipsError> {
        if fields.get("currencyCode") != Some(CURRENCY_EURO) {
            return Err(SipsError::Malformed("currencyCode"));
        }
        Ok(PaymentRequest {
            amount_cents: parse_amount(fields.require("amount")?)?,
            merchant_id: fields.require("merchantId")?.to_owned(),
            key_version: fields.require("keyVersion")?.to_owned(),
            normal_return_url: fields.require("normalReturnUrl")?.to_owned(),
            automatic_response_url: fields.require("automaticResponseUrl")?.to_owned(),
            transaction_reference: fields.require("transactionReference")?.to_owned(),
            order_id: fields.get("orderId").unwrap_or_default().to_owned(),
        })
    }
}

fn parse_amount(text: &str) -> Result<i64, SipsError> {
    if text.is_empty() || text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SipsError::Malformed("amount"));
    }
    text.parse().map_err(|_| SipsError::Malformed("amount"))
}

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
            transaction_date_time: optional("transactionDateTime"),
            transaction_reference: fields.require("transactionReference")?.to_owned(),
            masked_pan,
            payment_mean_brand: optional("paymentMeanBrand"),
            holder_authent_status: optional("holderAuthentStatus"),
            key_version: optional("keyVersion"),
            merchant_id: optional("merchantId"),
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
        encode_data(&pairs)
    }
}

/// A sealed message as posted in a form: `Data`, `Seal`, `InterfaceVersion` and,
/// for responses, `Encode`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct SealedForm {
    /// The data, possibly base64-encoded.
    #[serde(rename = "Data", default)]
    pub data: String,
    /// The seal of `data` as posted.
    #[serde(rename = "Seal", default)]
    pub seal: String,
    /// The interface version.
    #[serde(rename = "InterfaceVersion", default)]
    pub interface_version: String,
    /// `""`, `base64` or `base64url`.
    #[serde(rename = "Encode", default)]
    pub encode: String,
}

impl SealedForm {
    /// Checks the seal, then decodes and parses the fields.
    pub fn open(&self, secret: &Secret<String>) -> Result<DataFields, SipsError> {
        if self.data.is_empty() {
            return Err(SipsError::Malformed("Data"));
        }
        if !verify_seal(secret, &self.data, &self.seal) {
            return Err(SipsError::BadSeal);
        }
        let text = match self.encode.as_str() {
            "" => self.data.clone(),
            "base64" => decode(STANDARD.decode(self.data.trim()))?,
            "base64url" => decode(URL_SAFE.decode(self.data.trim()))?,
            _ => return Err(SipsError::Malformed("Encode")),
        };
        DataFields::parse(&text)
    }
}

fn decode(bytes: Result<Vec<u8>, base64::DecodeError>) -> Result<String, SipsError> {
    let bytes = bytes.map_err(|_| SipsError::Malformed("base64 Data"))?;
    String::from_utf8(bytes).map_err(|_| SipsError::Malformed("UTF-8 Data"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Secret<String> {
        Secret::new("002001000000001_KEY1".to_owned())
    }

    fn request() -> PaymentRequest {
        PaymentRequest {
            amount_cents: 2000,
            merchant_id: "002001000000001".into(),
            key_version: "1".into(),
            normal_return_url: "http://127.0.0.1:3000/paiement/retour".into(),
            automatic_response_url: "http://127.0.0.1:3000/paiement/reponse-automatique".into(),
            transaction_reference: "PCLCB172540000004".into(),
            order_id: "PCLCB172540000004".into(),
        }
    }

    fn response() -> PaymentResponse {
        PaymentResponse {
            response_code: "00".into(),
            acquirer_response_code: Some("00".into()),
            authorisation_id: Some("761208".into()),
            amount_cents: 2000,
            transaction_date_time: Some("2017-09-11T15:54:00+02:00".into()),
            transaction_reference: "PCLCB172540000004".into(),
            masked_pan: Some("4100##########00".into()),
            payment_mean_brand: Some("VISA".into()),
            holder_authent_status: Some("NOT_PARTICIPATING".into()),
            key_version: Some("1".into()),
            merchant_id: Some("002001000000001".into()),
        }
    }

    // The expected seals below were computed outside this code base, with
    //   printf '%s' "$DATA" | openssl dgst -sha256 -hmac 002001000000001_KEY1
    // and checked again with Python's hmac.new(key, data, hashlib.sha256).hexdigest().
    const REQUEST_SEAL: &str = "5d85beddc7b6dc7058326d78d35b6242bebcfa706a80b203d0b1f8cfba4cec98";
    const RESPONSE_SEAL: &str = "dd7d1b61ec5d4af9ff8069cfb157549ab6f78ec40c5d480606177bbf6312b16b";
    // base64 of the response Data (Python's base64.b64encode), and the seal of that text.
    const RESPONSE_BASE64: &str = "cmVzcG9uc2VDb2RlPTAwfGFjcXVpcmVyUmVzcG9uc2VDb2RlPTAwfGF1dGhvcmlzYXRpb25JZD03NjEyMDh8YW1vdW50PTIwMDB8dHJhbnNhY3Rpb25EYXRlVGltZT0yMDE3LTA5LTExVDE1OjU0OjAwKzAyOjAwfHRyYW5zYWN0aW9uUmVmZXJlbmNlPVBDTENCMTcyNTQwMDAwMDA0fG1hc2tlZFBhbj00MTAwIyMjIyMjIyMjIzAwfHBheW1lbnRNZWFuQnJhbmQ9VklTQXxob2xkZXJBdXRoZW50U3RhdHVzPU5PVF9QQVJUSUNJUEFUSU5HfGtleVZlcnNpb249MXxtZXJjaGFudElkPTAwMjAwMTAwMDAwMDAwMQ==";
    const RESPONSE_BASE64_SEAL: &str = "f4187b80fabce721f25d22eed0d4aee61ba820d147914d7d2fbcfc9445b84d76";

    #[test]
    fn request_data_and_seal_match_independent_vectors() {
        let data = request().to_data().expect("encodes");
        assert_eq!(
            data,
            "amount=2000|currencyCode=978|merchantId=002001000000001|keyVersion=1|\
             normalReturnUrl=http://127.0.0.1:3000/paiement/retour|\
             automaticResponseUrl=http://127.0.0.1:3000/paiement/reponse-automatique|\
             transactionReference=PCLCB172540000004|orderChannel=INTERNET|orderId=PCLCB172540000004"
        );
        assert_eq!(seal(&key(), &data), REQUEST_SEAL);
    }

    #[test]
    fn response_seal_matches_independent_vector() {
        let data = response().to_data().expect("encodes");
        assert_eq!(seal(&key(), &data), RESPONSE_SEAL);
        assert!(verify_seal(&key(), &data, RESPONSE_SEAL));
        assert!(verify_seal(&key(), &data, &RESPONSE_SEAL.to_uppercase()));
    }

    #[test]
    fn request_round_trip() {
        let data = request().to_data().expect("encodes");
        let back = PaymentRequest::from_fields(&DataFields::parse(&data).expect("parses")).expect("reads");
        assert_eq!(back, request());
    }

    #[test]
    fn response_round_trip_through_a_sealed_form() {
        let data = response().to_data().expect("encodes");
        let form =
            SealedForm { seal: seal(&key(), &data), data, interface_version: "HP_2.0".into(), encode: String::new() };
        let fields = form.open(&key()).expect("opens");
        assert_eq!(PaymentResponse::from_fields(&fields).expect("reads"), response());
    }

    #[test]
    fn opens_a_base64_response_sealed_on_its_encoded_text() {
        let form = SealedForm {
            data: RESPONSE_BASE64.into(),
            seal: RESPONSE_BASE64_SEAL.into(),
            interface_version: "HP_2.0".into(),
            encode: "base64".into(),
        };
        let fields = form.open(&key()).expect("opens");
        assert_eq!(PaymentResponse::from_fields(&fields).expect("reads"), response());
    }

    #[test]
    fn refuses_forged_or_tampered_messages() {
        let data = response().to_data().expect("encodes");
        let good = seal(&key(), &data);
        for (data, seal, encode) in [
            (data.replace("amount=2000", "amount=200"), good.clone(), ""),
            (data.clone(), "0".repeat(64), ""),
            (data.clone(), "not hex".into(), ""),
            (data.clone(), String::new(), ""),
            (data.clone(), good[..62].to_owned(), ""),
        ] {
            let form = SealedForm { data, seal, interface_version: "HP_2.0".into(), encode: encode.into() };
            assert_eq!(form.open(&key()), Err(SipsError::BadSeal));
        }
        let other_key = Secret::new("another key".to_owned());
        let form = SealedForm { data, seal: good, interface_version: String::new(), encode: String::new() };
        assert_eq!(form.open(&other_key), Err(SipsError::BadSeal));
    }

    #[test]
    fn refuses_malformed_data() {
        for data in ["amount", "=1", "amount=1|amount=2", "a-b=1", "amount=1|x"] {
            assert!(matches!(DataFields::parse(data), Err(SipsError::Malformed(_))), "{data:?}");
        }
        let fields = DataFields::parse("responseCode=0A|amount=1|transactionReference=X").expect("parses");
        assert!(PaymentResponse::from_fields(&fields).is_err());
        let fields = DataFields::parse("responseCode=00|amount=-1|transactionReference=X").expect("parses");
        assert!(PaymentResponse::from_fields(&fields).is_err());
        let fields = DataFields::parse("responseCode=00|amount=1|transactionReference=X|maskedPan=4100000000000000")
            .expect("parses");
        assert_eq!(PaymentResponse::from_fields(&fields), Err(SipsError::Malformed("maskedPan")));
        assert!(encode_data(&[("orderId", "a|b")]).is_err());
    }

    #[test]
    fn response_codes() {
        assert_eq!(Outcome::from_response_code("00"), Outcome::Accepted);
        assert_eq!(Outcome::from_response_code("05"), Outcome::Refused);
        assert_eq!(Outcome::from_response_code("17"), Outcome::Cancelled);
        assert_eq!(Outcome::from_response_code("54"), Outcome::Refused);
        assert_eq!(Outcome::from_response_code("97"), Outcome::Expired);
    }
}
