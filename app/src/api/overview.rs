//! «Participations forfaitaires et franchises»: every créance with its initial
//! and remaining due, and the payments applied to it.

use super::{AppError, HeaderView};
use crate::domain::{CreanceLine, Euros};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A payment's share of a créance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRow {
    /// «11/09/2017».
    pub date: String,
    /// The share.
    pub amount: Euros,
    /// «PCLCB…».
    pub transaction_reference: String,
    /// «pris en compte» or «en cours de traitement».
    pub status: String,
}

/// One créance and its payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreanceOverview {
    /// The créance (restant dû up to date).
    pub line: CreanceLine,
    /// Its payments, newest first.
    pub payments: Vec<ShareRow>,
}

/// The page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverviewView {
    /// The header.
    pub header: HeaderView,
    /// Every créance, newest first.
    pub creances: Vec<CreanceOverview>,
    /// What is left to pay on all of them.
    pub total_restant: Euros,
}

/// The person's créances and payments.
#[server(prefix = "/api", endpoint = "page-participations", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn overview_page() -> Result<OverviewView, AppError> {
    use crate::ssr::infra::context::{require_person, state, unexpected};
    use crate::ssr::infra::time;
    use crate::ssr::insured::creances;
    let state = state()?;
    let (person_id, _) = require_person(&state).await?;
    let lines = creances::list_for_person(&state.store, &person_id).await.map_err(unexpected)?;
    let shares = creances::shares_of(&state.store, &person_id).await.map_err(unexpected)?;
    let total_restant = Euros::sum(lines.iter().map(|l| l.restant)).unwrap_or_default();
    let creances = lines
        .into_iter()
        .map(|line| {
            let payments = shares
                .iter()
                .filter(|s| s.reference == line.reference.as_str())
                .map(|s| ShareRow {
                    date: time::date_fr(s.at),
                    amount: s.amount,
                    transaction_reference: s.transaction_reference.clone(),
                    status: if s.applied { "pris en compte" } else { "en cours de traitement" }.to_owned(),
                })
                .collect();
            CreanceOverview { line, payments }
        })
        .collect();
    Ok(OverviewView { header: super::header_for(&state, &person_id).await?, creances, total_restant })
}
