//! Server functions: thin — parse the arguments, call a service, map the error.
//! Their argument names are the `name`s of the form fields that post to them.

pub mod auth;
mod error;
pub mod home;

pub use error::AppError;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A form's entered values and field errors, as a page shows them after a post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormState {
    /// The values as entered, by field name.
    pub values: BTreeMap<String, String>,
    /// The field errors, by field name.
    pub errors: BTreeMap<String, String>,
}

impl FormState {
    /// The entered value of `field` (empty when none).
    pub fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }

    /// The error of `field`, if any.
    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.get(field).cloned()
    }
}

#[cfg(feature = "ssr")]
impl From<crate::ssr::session::Flash> for FormState {
    fn from(flash: crate::ssr::session::Flash) -> Self {
        FormState { values: flash.values, errors: flash.errors }
    }
}

/// What the header of the insured person's pages shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderView {
    /// «Prénom NOM».
    pub full_name: String,
}
