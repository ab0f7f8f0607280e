//! A person's file, by NIR, avis reference or transaction reference.

#[cfg(feature = "ssr")]
use super::header_of;
use super::{AgentHeader, PaymentItem};
use crate::api::AppError;
use crate::domain::Euros;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A person's file, found by NIR or avis reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonView {
    /// «PRÉNOM NOM».
    pub name: String,
    /// NIR, grouped.
    pub nir: String,
    /// (reference, issued, initial, restant, open online).
    pub avis: Vec<(String, String, Euros, Euros, bool)>,
    /// Their payments.
    pub payments: Vec<PaymentItem>,
}

/// The search page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchView {
    /// Header.
    pub header: AgentHeader,
    /// What was searched.
    pub query: String,
    /// The person found, if any.
    pub person: Option<PersonView>,
    /// A notice left by another page (a new avis).
    pub notice: Option<String>,
}

/// Searches the caisse by NIR, avis reference or transaction reference (the
/// latter goes straight to the payment).
#[server(prefix = "/api", endpoint = "agent-page-recherche", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn agent_search_page(q: Option<String>) -> Result<SearchView, AppError> {
    use crate::ssr::infra::context::{redirect, state, take_flash, unexpected};
    let state = state()?;
    let (agent, session) = crate::ssr::agents::require_agent(&state).await?;
    let query = q.unwrap_or_default().trim().to_owned();
    if let Ok(transaction) = crate::domain::TransactionReference::parse(&query) {
        redirect(&crate::routes::agent_payment(&transaction));
    }
    let person = if query.is_empty() || query.len() > 40 {
        None
    } else {
        crate::ssr::agents::search::search(&state.store, &agent.caisse_code, &query).await.map_err(unexpected)?
    };
    let notice =
        take_flash(&state, Some(&session), "agent-notice").await?.and_then(|f| f.values.get("notice").cloned());
    Ok(SearchView {
        header: header_of(&agent),
        query,
        person: person.map(|p| PersonView {
            name: p.name,
            nir: p.nir,
            avis: p.avis,
            payments: p.payments.into_iter().map(PaymentItem::from).collect(),
        }),
        notice,
    })
}
