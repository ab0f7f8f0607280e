//! The payment request as the browser posts it to the kiosk.

use serde::{Deserialize, Serialize};

/// The sealed Paypage POST form that takes the browser to the kiosk: its
/// action and hidden fields (`Data`, `InterfaceVersion`, `Seal`,
/// `SealAlgorithm`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaypageForm {
    /// The kiosk's URL (the form's action).
    pub url: String,
    /// `Data`.
    pub data: String,
    /// `InterfaceVersion`.
    pub interface_version: String,
    /// `Seal`.
    pub seal: String,
    /// `SealAlgorithm`.
    pub seal_algorithm: String,
}
