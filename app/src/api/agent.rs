//! The back office: server functions for the agents of a caisse. Every one
//! requires an agent's session and sees only the agent's caisse.

use super::{AppError, FormState};
use crate::domain::Euros;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The back office's header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentHeader {
    /// The agent's name.
    pub name: String,
    /// Their caisse.
    pub caisse: String,
}

#[cfg(feature = "ssr")]
fn header_of(agent: &crate::ssr::agents::Agent) -> AgentHeader {
    AgentHeader { name: agent.name.clone(), caisse: agent.caisse_name.clone() }
}

/// A payment attempt in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentItem {
    /// «PCLCB…».
    pub transaction_reference: String,
    /// «11/09/2017 à 15:54».
    pub date: String,
    /// Amount.
    pub amount: Euros,
    /// French status.
    pub status: String,
    /// «PRÉNOM NOM».
    pub person: String,
    /// NIR.
    pub nir: String,
    /// Trop-perçu.
    pub excess: Euros,
}

#[cfg(feature = "ssr")]
impl From<crate::ssr::agents::PaymentLine> for PaymentItem {
    fn from(line: crate::ssr::agents::PaymentLine) -> Self {
        PaymentItem {
            transaction_reference: line.transaction_reference,
            date: crate::ssr::time::date_time_fr(line.created_at),
            amount: line.amount,
            status: line.status,
            person: line.person,
            nir: line.nir,
            excess: line.excess,
        }
    }
}

/// The agents' sign-in page: what was typed before and the errors.
#[server(prefix = "/api", endpoint = "agent-page-connexion")]
pub async fn agent_sign_in_page() -> Result<FormState, AppError> {
    use crate::ssr::context::{current_session, state, take_flash};
    let state = state()?;
    let session = current_session(&state).await?;
    Ok(take_flash(&state, session.as_ref(), "agent-connexion").await?.map(FormState::from).unwrap_or_default())
}

/// Signs an agent in with their identifier and password.
#[server(prefix = "/api", endpoint = "agent-connexion")]
pub async fn agent_sign_in(login: String, password: String) -> Result<(), AppError> {
    use crate::ssr::agents;
    use crate::ssr::context::{current_session, leave_flash, redirect, state};
    use crate::ssr::session::{Flash, Owner};
    use crate::ssr::sign_in::{Account, Form, open_session};
    let state = state()?;
    let previous = current_session(&state).await?;
    let login = login.trim().to_owned();
    let mut flash = Flash::new("agent-connexion").value("login", &login);
    if login.is_empty() {
        flash = flash.error("login", "Saisissez votre identifiant.");
    }
    if password.is_empty() {
        flash = flash.error("password", super::auth::PASSWORD_MISSING);
    }
    if login.len() > 100 || password.len() > 200 {
        flash = flash.error("password", "Identifiant ou mot de passe incorrect.");
    }
    if !flash.errors.is_empty() {
        leave_flash(&state, previous.as_ref(), &flash).await?;
        redirect("/agent/connexion");
        return Ok(());
    }
    let throttled_as = format!("agent:{login}");
    let form =
        Form { page: "/agent/connexion", account: &throttled_as, refused: "Identifiant ou mot de passe incorrect." };
    let account = Account {
        lookup: agents::credentials(&state.store, &login),
        owner: Owner::Agent,
        record_sign_in: async |id: String, now: i64| agents::record_sign_in(&state.store, &id, now).await,
    };
    if open_session(&state, previous.as_ref(), flash, form, password, account).await? {
        redirect("/agent");
    }
    Ok(())
}

/// Ends the agent's session.
#[server(prefix = "/api", endpoint = "agent-deconnexion")]
pub async fn agent_sign_out() -> Result<(), AppError> {
    crate::ssr::sign_in::end_session("/agent/connexion").await
}

/// The payments page: filters as typed, and one page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentsView {
    /// Header.
    pub header: AgentHeader,
    /// «Du» (ISO date).
    pub from: String,
    /// «Au» (ISO date, included).
    pub to: String,
    /// Status filter value.
    pub status: String,
    /// Page number, from 1.
    pub page: i64,
    /// The page's payments.
    pub payments: Vec<PaymentItem>,
    /// Whether a next page exists.
    pub has_next: bool,
}

/// Payments per page.
pub const PAGE_SIZE: i64 = 50;

/// The caisse's payments, filtered by dates (Paris, `to` included) and status.
#[server(prefix = "/api", endpoint = "agent-page-paiements")]
pub async fn agent_payments_page(
    du: Option<String>,
    au: Option<String>,
    statut: Option<String>,
    page: Option<String>,
) -> Result<PaymentsView, AppError> {
    use crate::ssr::agents::{self, StatusFilter};
    use crate::ssr::context::{require_agent, state, unexpected};
    let state = state()?;
    let (agent, _) = require_agent(&state).await?;
    let (from, to, from_ms, to_ms) = date_range(du.as_deref(), au.as_deref(), state.clock.now_ms());
    let status = StatusFilter::parse(statut.as_deref().unwrap_or("tous"));
    let page = page.and_then(|p| p.parse::<i64>().ok()).filter(|p| (1..=10_000).contains(p)).unwrap_or(1);
    let mut payments = agents::payments(
        &state.store,
        &agent.caisse_code,
        from_ms,
        to_ms,
        status,
        PAGE_SIZE + 1,
        (page - 1) * PAGE_SIZE,
    )
    .await
    .map_err(unexpected)?;
    let has_next = payments.len() > usize::try_from(PAGE_SIZE).unwrap_or(50);
    payments.truncate(usize::try_from(PAGE_SIZE).unwrap_or(50));
    Ok(PaymentsView {
        header: header_of(&agent),
        from,
        to,
        status: status.value().to_owned(),
        page,
        payments: payments.into_iter().map(PaymentItem::from).collect(),
        has_next,
    })
}

/// Reads `du`/`au` (ISO dates; defaults: the last 30 days to today) into ISO
/// strings and the Paris-time bounds `[from 00:00, to + 1 day 00:00)`.
#[cfg(feature = "ssr")]
pub fn date_range(du: Option<&str>, au: Option<&str>, now: i64) -> (String, String, i64, i64) {
    use crate::domain::IssueDate;
    use crate::ssr::time::{end_of_day, paris_date, start_of_day};
    let to = au.and_then(|d| IssueDate::parse_iso(d).ok()).unwrap_or_else(|| paris_date(now));
    let from = du.and_then(|d| IssueDate::parse_iso(d).ok()).unwrap_or_else(|| paris_date(now - 30 * 24 * 3600 * 1000));
    (from.to_iso(), to.to_iso(), start_of_day(from), end_of_day(to))
}

/// One payment, in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentDetailView {
    /// Header.
    pub header: AgentHeader,
    /// The payment, when it is the caisse's.
    pub payment: Option<PaymentDetailData>,
}

/// What the detail page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentDetailData {
    /// The list line.
    pub item: PaymentItem,
    /// Sips answer fields (masked PAN only).
    pub answer: Vec<(String, String)>,
    /// Planned shares.
    pub planned: Vec<(String, Euros)>,
    /// Applied shares.
    pub applied: Vec<(String, Euros)>,
    /// Kiosk answers: (date, channel, code, outcome).
    pub answers: Vec<(String, String, String, String)>,
    /// Audit trail: (date, who, what).
    pub trail: Vec<(String, String, String)>,
}

/// The caisse's payment `transaction`.
#[server(prefix = "/api", endpoint = "agent-page-paiement")]
pub async fn agent_payment_page(transaction: String) -> Result<PaymentDetailView, AppError> {
    use crate::ssr::context::{not_found, require_agent, state, unexpected};
    use crate::ssr::time::date_time_fr;
    let state = state()?;
    let (agent, _) = require_agent(&state).await?;
    let detail =
        crate::ssr::agents::payment(&state.store, &agent.caisse_code, &transaction).await.map_err(unexpected)?;
    if detail.is_none() {
        not_found();
    }
    Ok(PaymentDetailView {
        header: header_of(&agent),
        payment: detail.map(|d| PaymentDetailData {
            item: d.line.into(),
            answer: d.answer,
            planned: d.planned,
            applied: d.applied,
            answers: d
                .answers
                .into_iter()
                .map(|(at, channel, code, outcome)| (date_time_fr(at), channel, code, outcome))
                .collect(),
            trail: d.trail.into_iter().map(|(at, who, what)| (date_time_fr(at), who, what)).collect(),
        }),
    })
}

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
#[server(prefix = "/api", endpoint = "agent-page-recherche")]
pub async fn agent_search_page(q: Option<String>) -> Result<SearchView, AppError> {
    use crate::ssr::context::{redirect, require_agent, state, take_flash, unexpected};
    let state = state()?;
    let (agent, session) = require_agent(&state).await?;
    let query = q.unwrap_or_default().trim().to_owned();
    let compact: String = query.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    if compact.starts_with("PCLCB") && compact.len() == 17 {
        redirect(&format!("/agent/paiements/{compact}"));
    }
    let person = if query.is_empty() || query.len() > 40 {
        None
    } else {
        crate::ssr::agents::search(&state.store, &agent.caisse_code, &query).await.map_err(unexpected)?
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

/// The caisse's trop-perçus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TropPercusView {
    /// Header.
    pub header: AgentHeader,
    /// Payments with an excess.
    pub payments: Vec<PaymentItem>,
}

/// The caisse's trop-perçus.
#[server(prefix = "/api", endpoint = "agent-page-trop-percus")]
pub async fn agent_trop_percus_page() -> Result<TropPercusView, AppError> {
    use crate::ssr::context::{require_agent, state, unexpected};
    let state = state()?;
    let (agent, _) = require_agent(&state).await?;
    let payments = crate::ssr::agents::trop_percus(&state.store, &agent.caisse_code).await.map_err(unexpected)?;
    Ok(TropPercusView { header: header_of(&agent), payments: payments.into_iter().map(PaymentItem::from).collect() })
}

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
#[server(prefix = "/api", endpoint = "agent-page-nouvel-avis")]
pub async fn agent_new_avis_page() -> Result<NewAvisView, AppError> {
    use crate::ssr::context::{require_agent, state, take_flash};
    let state = state()?;
    let (agent, session) = require_agent(&state).await?;
    let form = take_flash(&state, Some(&session), "agent-avis").await?.map(FormState::from).unwrap_or_default();
    let (_, today, _, _) = date_range(None, None, state.clock.now_ms());
    let policy = state.settings.eligibility;
    Ok(NewAvisView { header: header_of(&agent), form, today, bounds: (policy.min_balance, policy.max_balance) })
}

/// Issues an avis de sommes à payer to a person of the agent's caisse.
#[server(prefix = "/api", endpoint = "agent-emettre-avis")]
pub async fn issue_avis(nir: String, date: String, montant: String) -> Result<(), AppError> {
    use crate::domain::{IssueDate, Nir};
    use crate::ssr::agents::{self, IssueError};
    use crate::ssr::context::{fail, leave_flash, redirect, require_agent, state, unexpected};
    use crate::ssr::session::Flash;
    let state = state()?;
    let (agent, session) = require_agent(&state).await?;
    let mut flash =
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
            for (field, result) in [("nir", nir.err()), ("date", date.err()), ("montant", amount.err())] {
                if let Some(message) = result {
                    flash = flash.error(field, message);
                }
            }
            let messages = flash.errors.values().cloned().collect();
            leave_flash(&state, Some(&session), &flash).await?;
            redirect("/agent/avis/nouveau");
            return Err(fail(AppError::Rejected(messages)));
        }
    };
    match agents::issue_avis(
        &state.store,
        &agent,
        &nir,
        date,
        amount,
        &state.settings.eligibility,
        state.clock.now_ms(),
    )
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
            leave_flash(&state, Some(&session), &Flash::new("agent-notice").value("notice", notice)).await?;
            redirect(&format!("/agent/recherche?q={}", issued.reference));
            Ok(())
        }
        Err(IssueError::UnknownPerson) => {
            let message = IssueError::UnknownPerson.to_string();
            leave_flash(&state, Some(&session), &flash.error("nir", message.clone())).await?;
            redirect("/agent/avis/nouveau");
            Err(fail(AppError::Rejected(vec![message])))
        }
        Err(IssueError::Unexpected(error)) => Err(unexpected(error)),
    }
}

/// The caisse's journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalView {
    /// Header.
    pub header: AgentHeader,
    /// (date, who, action, what).
    pub entries: Vec<(String, String, String, String)>,
}

/// The caisse's last 200 audit entries.
#[server(prefix = "/api", endpoint = "agent-page-journal")]
pub async fn agent_journal_page() -> Result<JournalView, AppError> {
    use crate::ssr::context::{require_agent, state, unexpected};
    let state = state()?;
    let (agent, _) = require_agent(&state).await?;
    let entries = crate::ssr::agents::journal(&state.store, &agent.caisse_code, 200).await.map_err(unexpected)?;
    Ok(JournalView {
        header: header_of(&agent),
        entries: entries
            .into_iter()
            .map(|(at, who, action, what)| (crate::ssr::time::date_time_fr(at), who, action, what))
            .collect(),
    })
}
