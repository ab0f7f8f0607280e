//! «Mes paiements»: the person's payments and where each stands.

use super::{AppError, HeaderView};
use crate::domain::{Euros, TransactionReference};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One payment attempt as the person's pages list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRow {
    /// «11/09/2017».
    pub date: String,
    /// «PCLCB172540000004».
    pub transaction_reference: TransactionReference,
    /// Amount.
    pub amount: Euros,
    /// «en cours de traitement», «pris en compte», «échoué» or «en attente de la banque».
    pub status: String,
}

#[cfg(feature = "ssr")]
impl From<crate::ssr::payments::AttemptSummary> for PaymentRow {
    fn from(attempt: crate::ssr::payments::AttemptSummary) -> Self {
        use crate::ssr::lifecycle::{AttemptStatus, PaymentStatus};
        let status = match (attempt.status, attempt.payment_status) {
            (AttemptStatus::Accepted, Some(PaymentStatus::Applied)) => "pris en compte",
            (AttemptStatus::Accepted, _) => "en cours de traitement",
            (AttemptStatus::Pending, _) => "en attente de la banque",
            _ => "échoué",
        };
        PaymentRow {
            date: crate::ssr::infra::time::date_fr(attempt.created_at),
            transaction_reference: attempt.transaction_reference,
            amount: attempt.amount,
            status: status.to_owned(),
        }
    }
}

/// «Mes paiements».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentsView {
    /// The header.
    pub header: HeaderView,
    /// Every payment attempt, newest first.
    pub payments: Vec<PaymentRow>,
}

/// The person's payments.
#[server(prefix = "/api", endpoint = "page-mes-paiements")]
pub async fn payments_page() -> Result<PaymentsView, AppError> {
    use crate::ssr::infra::context::{require_person, state, unexpected};
    let state = state()?;
    let (person_id, _) = require_person(&state).await?;
    let attempts = crate::ssr::payments::attempts_of(&state.store, &person_id, state.clock.now_ms(), 200)
        .await
        .map_err(unexpected)?;
    Ok(PaymentsView {
        header: super::header_for(&state, &person_id).await?,
        payments: attempts.into_iter().map(PaymentRow::from).collect(),
    })
}

/// The header alone, for pages with no data of their own («Mes démarches»).
#[server(prefix = "/api", endpoint = "page-entete")]
pub async fn header_page() -> Result<HeaderView, AppError> {
    use crate::ssr::infra::context::{require_person, state};
    let state = state()?;
    let (person_id, _) = require_person(&state).await?;
    super::header_for(&state, &person_id).await
}
