//! «Accueil», the insured person's home page.

use super::payments::{PaymentRow, PaymentState, PaymentStateView, PendingSection};
use super::{AppError, HeaderView};
use crate::domain::CreanceLine;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The banner after the bank kiosk, from the server's record of the attempt
/// (on «Accueil» it follows the payment's state in place).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Banner {
    /// Accepted, not yet applied to the créances.
    Thanks,
    /// Applied to the créances by the processing run.
    Applied,
    /// Refused, cancelled or expired.
    Failed,
    /// No answer from the bank yet.
    Waiting,
}

impl From<PaymentState> for Banner {
    fn from(state: PaymentState) -> Self {
        match state {
            PaymentState::AtBank => Banner::Waiting,
            PaymentState::Processing => Banner::Thanks,
            PaymentState::Applied => Banner::Applied,
            PaymentState::Failed => Banner::Failed,
        }
    }
}

/// What «Accueil» shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeView {
    /// The header.
    pub header: HeaderView,
    /// The attempt the person comes back from, if any, for the banner
    /// ([`Banner`] of its state).
    pub banner: Option<PaymentStateView>,
    /// The payments waiting for the bank, and the last abandon's banner.
    pub pending: PendingSection,
    /// «MES DERNIERS PAIEMENTS»: the last three.
    pub recent_payments: Vec<PaymentRow>,
    /// «PIERRE BELAGE».
    pub full_name: String,
    /// «Né le 25/02/1983» / «Née le 31/10/1990».
    pub born: String,
    /// «Dernière connexion le 11/09/2017 à 15:54»: the sign-in before this one.
    pub last_sign_in: Option<String>,
    /// «Caisse gestionnaire».
    pub caisse_name: String,
    /// Every créance, newest first.
    pub creances: Vec<CreanceLine>,
}

/// The home page's data, for the signed-in person; `paiement` is the attempt
/// the person comes back from (the banner is read from the server's record of
/// it, and only if it is theirs).
#[server(prefix = "/api", endpoint = "page-accueil", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn home_page(paiement: Option<String>) -> Result<HomeView, AppError> {
    use crate::ssr::infra::context::{require_person, state, unexpected};
    use crate::ssr::infra::time;
    use crate::ssr::insured::{creances, persons};
    use crate::ssr::payments;

    let state = state()?;
    let (person_id, session) = require_person(&state).await?;
    let now = state.clock.now_ms();
    let identity = persons::identity(&state.store, &person_id).await.map_err(unexpected)?;
    let creances = creances::list_for_person(&state.store, &person_id).await.map_err(unexpected)?;
    let banner = match paiement.and_then(|p| crate::domain::TransactionReference::parse(&p).ok()) {
        Some(reference) => payments::attempt_of(&state.store, &person_id, &reference, now)
            .await
            .map_err(unexpected)?
            .map(|attempt| PaymentStateView { state: PaymentState::from(&attempt), transaction_reference: reference }),
        None => None,
    };
    let recent = payments::attempts_of(&state.store, &person_id, now, 3).await.map_err(unexpected)?;
    let born = if identity.female { "Née le" } else { "Né le" };
    Ok(HomeView {
        header: super::header_of(&identity),
        banner,
        pending: super::payments::pending_section(&state, &person_id, &session).await?,
        recent_payments: recent.into_iter().map(PaymentRow::from).collect(),
        full_name: format!("{} {}", identity.first_name, identity.last_name).to_uppercase(),
        born: format!("{born} {}", identity.birth_date),
        last_sign_in: session.previous_sign_in_at.map(|at| format!("Dernière connexion le {}", time::date_time_fr(at))),
        caisse_name: identity.caisse_name,
        creances,
    })
}
