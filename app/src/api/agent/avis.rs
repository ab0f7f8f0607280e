//! Issuing an avis de sommes à payer.

use super::AgentHeader;
#[cfg(feature = "ssr")]
use super::header_of;
use crate::api::{AppError, FormState};
use crate::domain::Euros;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The form to issue an avis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAvisView {
    /// Header.
    pub header: AgentHeader,
    /// Entered values and errors.
    pub form: FormState,
    /// Today (ISO), the default date.
    pub today: String,
    /// The policy's bounds, for the hint.
    pub bounds: (Euros, Euros),
}

/// The «Émettre un avis» page.
#[server(prefix = "/api", endpoint = "agent-page-nouvel-avis", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn agent_new_avis_page() -> Result<NewAvisView, AppError> {
    use crate::ssr::infra::context::{state, take_flash};
    let state = state()?;
    let (agent, session) = crate::ssr::agents::require_agent(&state).await?;
    let form = take_flash(&state, Some(&session), "agent-avis").await?.map(FormState::from).unwrap_or_default();
    let (_, today, _, _) = crate::ssr::agents::payments::date_range(None, None, state.clock.now_ms());
    let policy = state.settings.eligibility;
    Ok(NewAvisView { header: header_of(&agent), form, today, bounds: (policy.min_balance, policy.max_balance) })
}

/// An avis issued: its reference and what the search page says of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvisIssued {
    /// The avis' reference (the search the page goes to).
    pub reference: String,
    /// «Avis … émis pour … : ouvert au paiement en ligne».
    pub notice: String,
}

/// Issues an avis de sommes à payer to a person of the agent's caisse. A
/// plain form post then goes to the search for it, which says so (a flash);
/// the app in the browser does both itself from the answer
/// (`pages::agent::avis`), and nothing is kept for it.
#[server(prefix = "/api", endpoint = "agent-emettre-avis", output = crate::codec::Postcard)]
pub async fn issue_avis(nir: String, date: String, montant: String) -> Result<AvisIssued, AppError> {
    use crate::domain::{IssueDate, Nir};
    use crate::ssr::agents::avis::{self, IssueError};
    use crate::ssr::infra::context::{is_form_post, leave_flash, redirect, refuse_form, state, unexpected};
    use crate::ssr::infra::session::Flash;
    let state = state()?;
    let (agent, session) = crate::ssr::agents::require_agent(&state).await?;
    let flash =
        Flash::new("agent-avis").value("nir", nir.trim()).value("date", date.trim()).value("montant", montant.trim());
    let parsed_nir = Nir::parse(&nir).map_err(|e| e.to_string());
    let parsed_date =
        IssueDate::parse_iso(date.trim()).map_err(|_| "Choisissez une date d'émission valide.".to_owned());
    let parsed_amount = Euros::parse_fr(&montant).map_err(|e| e.to_string()).and_then(|a| {
        if a.is_zero() || a > Euros::from_euros(100_000) {
            Err("Le montant doit être compris entre 0,01 € et 100 000 €.".to_owned())
        } else {
            Ok(a)
        }
    });
    let (nir, date, amount) = match (parsed_nir, parsed_date, parsed_amount) {
        (Ok(nir), Ok(date), Ok(amount)) => (nir, date, amount),
        (nir, date, amount) => {
            let flash = flash.errors([("nir", nir.err()), ("date", date.err()), ("montant", amount.err())]);
            return Err(refuse_form(&state, Some(&session), flash, crate::routes::AGENT_NEW_AVIS).await);
        }
    };
    match avis::issue_avis(&state.store, &agent, &nir, date, amount, &state.settings.eligibility, state.clock.now_ms())
        .await
    {
        Ok(issued) => {
            let notice = format!(
                "Avis {} émis pour {} (solde {}) : {}.",
                issued.reference,
                amount,
                issued.balance,
                if issued.open_online { "ouvert au paiement en ligne" } else { "non ouvert au paiement en ligne" }
            );
            if is_form_post() {
                leave_flash(&state, Some(&session), &Flash::new("agent-notice").value("notice", &notice)).await?;
                redirect(&crate::routes::agent_search(issued.reference.as_str()));
            }
            Ok(AvisIssued { reference: issued.reference.to_string(), notice })
        }
        Err(IssueError::UnknownPerson) => {
            let flash = flash.error("nir", IssueError::UnknownPerson.to_string());
            Err(refuse_form(&state, Some(&session), flash, crate::routes::AGENT_NEW_AVIS).await)
        }
        Err(IssueError::Unexpected(error)) => Err(unexpected(error)),
    }
}
