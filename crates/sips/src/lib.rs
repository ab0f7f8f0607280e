//! Worldline Sips 2.0 "Paypage POST", the protocol between the merchant (the
//! app) and the bank's payment page (Worldline, or the embedded simulator).
//!
//! A request or response is a `Data` string of `key=value` pairs joined by `|`,
//! sealed with `Seal` = lowercase hex HMAC-SHA-256(secret key, Data). The merchant
//! posts the request through the browser ([`PaypageForm`]); the kiosk answers
//! twice, server to server and through the browser ([`SealedForm`]), and may send
//! its `Data` base64-encoded (`Encode=base64` or `base64url`); the seal is then
//! computed on the encoded text, as received.
//!
//! This crate depends on no crate of the app: the simulator speaks the protocol
//! through it alone, and so does the app. Without its `codec` feature (the
//! browser build) only [`PaypageForm`] remains.

mod form;

#[cfg(feature = "codec")]
pub mod cash;
#[cfg(feature = "codec")]
mod data;
#[cfg(feature = "codec")]
pub mod office;
#[cfg(feature = "codec")]
pub mod report;
#[cfg(feature = "codec")]
mod request;
#[cfg(feature = "codec")]
mod response;
#[cfg(feature = "codec")]
mod seal;
#[cfg(feature = "codec")]
mod sealed;
#[cfg(feature = "codec")]
mod secret;

pub use form::PaypageForm;

#[cfg(feature = "codec")]
pub use data::{DataFields, encode_data};
#[cfg(feature = "codec")]
pub use request::PaymentRequest;
#[cfg(feature = "codec")]
pub use response::{Outcome, PaymentResponse};
#[cfg(feature = "codec")]
pub use seal::{seal, verify_seal};
#[cfg(feature = "codec")]
pub use sealed::{Encoding, SealedForm};
#[cfg(feature = "codec")]
pub use secret::Secret;

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
    /// The message speaks of another merchant or transaction than the one
    /// asked about; says which field.
    #[error("answer to another question: {0}")]
    NotAsked(&'static str),
    /// The message carries a field its interface does not document.
    #[error("undocumented field: {0}")]
    Undocumented(String),
}

/// Worldline's public simulation merchant and key, as its documentation and
/// sample kits publish them: for the simulator and tests, never production.
pub mod simulation {
    /// The merchant id.
    pub const MERCHANT_ID: &str = "002001000000001";
    /// The secret key.
    pub const SECRET_KEY: &str = "002001000000001_KEY1";
    /// Its version.
    pub const KEY_VERSION: &str = "1";
    /// Every public test merchant and its key (version 1): ours, and the one
    /// of Worldline's Paypage POST sample kit.
    pub const PUBLIC_TEST_MERCHANTS: [(&str, &str); 2] =
        [(MERCHANT_ID, SECRET_KEY), ("002001000000002", "002001000000002_KEY1")];
}

#[cfg(all(test, feature = "codec"))]
mod tests;
