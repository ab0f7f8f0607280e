//! Server functions: thin — parse the arguments, call a service, map the error.
//! Their argument names are the `name`s of the form fields that post to them.

pub mod accessibility;
pub mod agent;
pub mod auth;
pub mod home;
pub mod messages;
pub mod overview;
pub mod pay;
pub mod payments;
pub mod terminal;

pub use crate::error::{AppError, FieldErrors};

#[cfg(feature = "ssr")]
use crate::ssr::infra::ids::PersonId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A form's entered values and field errors, as a page shows them after a post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormState {
    /// The values as entered, by field name.
    pub values: BTreeMap<String, String>,
    /// The field errors.
    pub errors: FieldErrors,
}

impl FormState {
    /// The entered value of `field` (empty when none).
    pub fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }

    /// The error of `field`, if any.
    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.get(field)
    }
}

#[cfg(feature = "ssr")]
impl From<crate::ssr::infra::session::Flash> for FormState {
    fn from(flash: crate::ssr::infra::session::Flash) -> Self {
        FormState { values: flash.values, errors: flash.errors.into() }
    }
}

/// What the header of the insured person's pages shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderView {
    /// «Prénom NOM».
    pub full_name: String,
    /// Unread messages in «Ma messagerie».
    pub unread_messages: i64,
}

/// The header of the signed-in person's pages.
#[cfg(feature = "ssr")]
pub async fn header_for(state: &crate::ssr::AppState, person_id: &PersonId) -> Result<HeaderView, AppError> {
    use crate::ssr::infra::context::unexpected;
    let identity = crate::ssr::insured::persons::identity(&state.store, person_id).await.map_err(unexpected)?;
    Ok(header_of(&identity))
}

/// The header, for a page that has read the person's identity already.
#[cfg(feature = "ssr")]
pub fn header_of(identity: &crate::ssr::insured::persons::Identity) -> HeaderView {
    HeaderView {
        full_name: format!("{} {}", identity.first_name, identity.last_name),
        unread_messages: identity.unread_messages,
    }
}
