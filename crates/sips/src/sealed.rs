//! A sealed answer as the kiosk posts it (`Data`, `Encode`, `InterfaceVersion`,
//! `Seal`): built in one place for every sender, opened in one place.

use crate::data::DataFields;
use crate::{PaymentResponse, Secret, SipsError, seal, verify_seal};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};

/// How the kiosk encodes an answer's `Data` (its `Encode` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// As is (`Encode` empty).
    Plain,
    /// `base64`.
    Base64,
    /// `base64url`.
    Base64Url,
}

impl Encoding {
    /// The encoding named `name` (an `Encode` or `responseEncoding` value).
    pub fn named(name: &str) -> Option<Encoding> {
        match name {
            "" => Some(Encoding::Plain),
            "base64" => Some(Encoding::Base64),
            "base64url" => Some(Encoding::Base64Url),
            _ => None,
        }
    }

    /// The `Encode` field's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Plain => "",
            Encoding::Base64 => "base64",
            Encoding::Base64Url => "base64url",
        }
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
    /// Seals `response` with `secret`, its `Data` encoded as `encoding`: the
    /// answer the kiosk posts (the one function every sender uses).
    pub fn seal_response(
        response: &PaymentResponse,
        secret: &Secret<String>,
        interface_version: &str,
        encoding: Encoding,
    ) -> Result<SealedForm, SipsError> {
        let text = response.to_data()?;
        let data = match encoding {
            Encoding::Plain => text,
            Encoding::Base64 => STANDARD.encode(text),
            Encoding::Base64Url => URL_SAFE.encode(text),
        };
        Ok(SealedForm {
            seal: seal(secret, &data),
            data,
            interface_version: interface_version.to_owned(),
            encode: encoding.as_str().to_owned(),
        })
    }

    /// The form's fields, as posted.
    pub fn fields(&self) -> Vec<(String, String)> {
        vec![
            ("Data".to_owned(), self.data.clone()),
            ("Encode".to_owned(), self.encode.clone()),
            ("InterfaceVersion".to_owned(), self.interface_version.clone()),
            ("Seal".to_owned(), self.seal.clone()),
        ]
    }

    /// Checks the seal, then decodes and parses the fields.
    pub fn open(&self, secret: &Secret<String>) -> Result<DataFields, SipsError> {
        if self.data.is_empty() {
            return Err(SipsError::Malformed("Data"));
        }
        if !verify_seal(secret, &self.data, &self.seal) {
            return Err(SipsError::BadSeal);
        }
        self.unverified_fields()
    }

    /// Decodes and parses the fields WITHOUT checking the seal: only for a
    /// kiosk to learn which merchant, hence which key, the message claims;
    /// nothing read here may be trusted before [`SealedForm::open`].
    pub fn unverified_fields(&self) -> Result<DataFields, SipsError> {
        let text = match Encoding::named(&self.encode) {
            Some(Encoding::Plain) => self.data.clone(),
            Some(Encoding::Base64) => decode(STANDARD.decode(self.data.trim()))?,
            Some(Encoding::Base64Url) => decode(URL_SAFE.decode(self.data.trim()))?,
            None => return Err(SipsError::Malformed("Encode")),
        };
        DataFields::parse(&text)
    }
}

fn decode(bytes: Result<Vec<u8>, base64::DecodeError>) -> Result<String, SipsError> {
    let bytes = bytes.map_err(|_| SipsError::Malformed("base64 Data"))?;
    String::from_utf8(bytes).map_err(|_| SipsError::Malformed("UTF-8 Data"))
}
