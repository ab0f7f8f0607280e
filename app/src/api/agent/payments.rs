//! The payments received, one payment in full, the trop-perçus, the journal.

#[cfg(feature = "ssr")]
use super::header_of;
use super::{AgentHeader, PaymentItem};
use crate::api::AppError;
use crate::domain::Euros;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
    /// The status filters: (value, French label).
    pub statuses: Vec<(String, String)>,
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
#[server(prefix = "/api", endpoint = "agent-page-paiements", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn agent_payments_page(
    du: Option<String>,
    au: Option<String>,
    statut: Option<String>,
    page: Option<String>,
) -> Result<PaymentsView, AppError> {
    use crate::ssr::agents::{self, StatusFilter};
    use crate::ssr::infra::context::{state, unexpected};
    let state = state()?;
    let (agent, _) = crate::ssr::agents::require_agent(&state).await?;
    let (from, to, from_ms, to_ms) =
        crate::ssr::agents::payments::date_range(du.as_deref(), au.as_deref(), state.clock.now_ms());
    let status = StatusFilter::parse(statut.as_deref().unwrap_or("tous"));
    let page = page.and_then(|p| p.parse::<i64>().ok()).filter(|p| (1..=10_000).contains(p)).unwrap_or(1);
    let mut payments = agents::payments::payments(
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
        statuses: StatusFilter::ALL
            .iter()
            .map(|(_, value, label)| ((*value).to_owned(), (*label).to_owned()))
            .collect(),
        page,
        payments: payments.into_iter().map(PaymentItem::from).collect(),
        has_next,
    })
}

/// One payment, in full.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Kiosk answers.
    pub answers: Vec<AnswerView>,
    /// The money received, one payment per authorisation.
    pub receipts: Vec<ReceiptView>,
    /// The money asked or given back on them.
    pub refunds: super::refunds::RefundsView,
    /// Audit trail.
    pub trail: Vec<ChangeView>,
}

/// A kiosk answer, as the payment's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerView {
    /// «07/12/2026 à 10:15».
    pub received: String,
    /// How it came.
    pub channel: String,
    /// The bank's response code.
    pub code: String,
    /// What the service did with it.
    pub outcome: String,
}

/// A change, as the payment's history and the caisse's journal list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeView {
    /// «07/12/2026 à 10:15».
    pub at: String,
    /// Who made it.
    pub who: String,
    /// What changed.
    pub what: String,
    /// Which object (the journal's; empty in a payment's history).
    pub object: String,
}

#[cfg(feature = "ssr")]
impl From<crate::ssr::agents::history::Change> for ChangeView {
    fn from(change: crate::ssr::agents::history::Change) -> Self {
        ChangeView {
            at: crate::ssr::infra::time::date_time_fr(change.at),
            who: change.who,
            what: change.what,
            object: change.object.unwrap_or_default(),
        }
    }
}

/// One payment of the attempt, as the detail page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptView {
    /// The payment's id (for «Marquer comme régularisé»).
    pub id: String,
    /// The authorisation number.
    pub authorisation_id: String,
    /// «11/09/2017 à 15:54».
    pub accepted: String,
    /// «En cours de traitement» or «Pris en compte».
    pub status: String,
    /// Why the caisse must look into it, if it must.
    pub regularisation: Option<String>,
    /// When an agent did.
    pub regularised: Option<String>,
}

/// The caisse's payment `transaction`.
#[server(prefix = "/api", endpoint = "agent-page-paiement", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn agent_payment_page(transaction: String) -> Result<PaymentDetailView, AppError> {
    use crate::ssr::infra::context::{not_found, state};
    let state = state()?;
    let (agent, session) = crate::ssr::agents::require_agent(&state).await?;
    let transaction = crate::domain::TransactionReference::parse(&transaction).ok();
    let view = match &transaction {
        Some(transaction) => payment_view(&state, &agent, &session, transaction).await?,
        None => PaymentDetailView { header: header_of(&agent), payment: None },
    };
    if view.payment.is_none() {
        not_found();
    }
    Ok(view)
}

/// The payment `transaction` as `agent` sees it (`payment` is `None` when it
/// is not the caisse's): the page's data, and what its actions answer the app
/// once they have changed it.
#[cfg(feature = "ssr")]
pub(crate) async fn payment_view(
    state: &crate::ssr::AppState,
    agent: &crate::ssr::agents::Agent,
    session: &crate::ssr::infra::session::Session,
    transaction: &crate::domain::TransactionReference,
) -> Result<PaymentDetailView, AppError> {
    use crate::ssr::infra::context::unexpected;
    use crate::ssr::infra::time::date_time_fr;
    let posted = super::refunds::posted_form(state, session).await?;
    let detail = crate::ssr::agents::payments::payment(&state.store, &agent.caisse_code, transaction)
        .await
        .map_err(unexpected)?;
    // The trop-perçus left on its payments, and the person's créances they may go to.
    let excess = match &detail {
        Some(d) => {
            use crate::ssr::agents::excess;
            let ids: Vec<String> = d.receipts.iter().map(|r| r.id.clone()).collect();
            let left = excess::left_on(&state.store, agent, &ids).await.map_err(unexpected)?;
            let creances = match left.first() {
                Some((payment, _)) => {
                    excess::open_creances_of(&state.store, agent, payment).await.map_err(unexpected)?
                }
                None => Vec::new(),
            };
            (left, creances)
        }
        None => (Vec::new(), Vec::new()),
    };
    Ok(PaymentDetailView {
        header: header_of(agent),
        payment: detail.map(|d| PaymentDetailData {
            refunds: super::refunds::RefundsView::of(agent, &d.receipts, &d.refunds, excess.0, excess.1, posted),
            item: d.line.into(),
            answer: d.answer,
            planned: d.planned,
            applied: d.applied,
            receipts: d
                .receipts
                .into_iter()
                .map(|r| ReceiptView {
                    id: r.id,
                    authorisation_id: r.authorisation_id,
                    accepted: date_time_fr(r.accepted_at),
                    status: r.status,
                    regularisation: r
                        .regularisation
                        .map(|r| crate::ssr::agents::history::regularisation_label(r).to_owned()),
                    regularised: r.regularised_at.map(date_time_fr),
                })
                .collect(),
            answers: d
                .answers
                .into_iter()
                .map(|a| AnswerView {
                    received: date_time_fr(a.at),
                    channel: a.channel,
                    code: a.code,
                    outcome: a.outcome,
                })
                .collect(),
            trail: d.trail.into_iter().map(ChangeView::from).collect(),
        }),
    })
}

/// «Marquer comme régularisé»: an agent of the caisse records that they looked
/// into the payment `payment` of the attempt `transaction`; answers the
/// payment as it now is ([`changed_page`](crate::ssr::infra::context::changed_page)).
#[server(prefix = "/api", endpoint = "agent-regulariser", output = crate::codec::Postcard)]
pub async fn mark_regularised(payment: String, transaction: String) -> Result<PaymentDetailView, AppError> {
    use crate::ssr::infra::context::{changed_page, fail, redirect_form_post, state, unexpected};
    let state = state()?;
    let (agent, session) = crate::ssr::agents::require_agent(&state).await?;
    let Ok(transaction) = crate::domain::TransactionReference::parse(&transaction) else {
        return Err(fail(AppError::BadRequest));
    };
    if payment.len() > 64 {
        return Err(fail(AppError::BadRequest));
    }
    let done = crate::ssr::agents::payments::mark_regularised(&state.store, &agent, &payment, state.clock.now_ms())
        .await
        .map_err(unexpected)?;
    let page = crate::routes::agent_payment(&transaction);
    if !done {
        redirect_form_post(&page);
        return Err(fail(AppError::Rejected(vec!["Ce paiement n'est pas à régulariser.".to_owned()])));
    }
    changed_page(&page, payment_view(&state, &agent, &session, &transaction)).await
}

/// The caisse's trop-perçus still to give back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TropPercusView {
    /// Header.
    pub header: AgentHeader,
    /// Payments with an excess still to give back.
    pub payments: Vec<TropPercuItem>,
}

/// A payment with a trop-perçu still to give back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TropPercuItem {
    /// The payment as the lists show it.
    pub item: PaymentItem,
    /// The payment's id (the refund form's choice).
    pub payment_id: String,
    /// What of its trop-perçu is still to give back.
    pub left: Euros,
}

/// The caisse's trop-perçus.
#[server(prefix = "/api", endpoint = "agent-page-trop-percus", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn agent_trop_percus_page() -> Result<TropPercusView, AppError> {
    use crate::ssr::infra::context::{state, unexpected};
    let state = state()?;
    let (agent, _) = crate::ssr::agents::require_agent(&state).await?;
    let payments =
        crate::ssr::agents::payments::trop_percus(&state.store, &agent.caisse_code).await.map_err(unexpected)?;
    let payments = payments
        .into_iter()
        .map(|t| TropPercuItem { item: t.line.into(), payment_id: t.payment_id, left: t.left })
        .collect();
    Ok(TropPercusView { header: header_of(&agent), payments })
}

/// The caisse's journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalView {
    /// Header.
    pub header: AgentHeader,
    /// The newest first.
    pub entries: Vec<ChangeView>,
}

/// The caisse's last 200 audit entries.
#[server(prefix = "/api", endpoint = "agent-page-journal", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn agent_journal_page() -> Result<JournalView, AppError> {
    use crate::ssr::infra::context::{state, unexpected};
    let state = state()?;
    let (agent, _) = crate::ssr::agents::require_agent(&state).await?;
    let entries = crate::ssr::agents::journal(&state.store, &agent.caisse_code, 200).await.map_err(unexpected)?;
    Ok(JournalView { header: header_of(&agent), entries: entries.into_iter().map(ChangeView::from).collect() })
}
