//! «Rapprochement bancaire»: the page's data (the reports imported, the
//! discrepancies the agent sees) and the call that closes a discrepancy. The
//! upload of a report is a server route (`AGENT_BANK_REPORT_UPLOAD`: a file
//! is posted as `multipart/form-data`), whose outcome comes back here as the
//! flash [`FORM`].

use super::AgentHeader;
use crate::api::{AppError, FormState};
use crate::domain::Euros;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The flash of the upload form (its outcome, or why nothing was imported).
#[cfg(feature = "ssr")]
pub const FORM: &str = "agent-rapprochement";

/// The flash of the closing forms.
#[cfg(feature = "ssr")]
const CLOSE_FORM: &str = "agent-ecart";

/// The page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconciliationView {
    /// Header.
    pub header: AgentHeader,
    /// The day the upload form proposes (yesterday in Paris), `YYYY-MM-DD`.
    pub yesterday: String,
    /// The last reports imported, the newest day first.
    pub reports: Vec<ReportItem>,
    /// Open discrepancies, the newest day first.
    pub open: Vec<DiscrepancyItem>,
    /// The latest resolved ones.
    pub resolved: Vec<DiscrepancyItem>,
    /// What the last upload did (`resultat`) or why it imported nothing.
    pub upload: FormState,
    /// What the last closing without JavaScript brought back (`ecart`: which).
    pub closing: FormState,
}

/// A report imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportItem {
    /// «07/12/2026».
    pub day: String,
    /// Its operations.
    pub operations: i64,
    /// Transactions both sides agree on.
    pub matched: i64,
    /// Discrepancies it found.
    pub found: i64,
    /// «08/12/2026 à 09:00, par Agent …» (or «par la commande»).
    pub imported: String,
}

/// A discrepancy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscrepancyItem {
    /// Its id (the closing form's).
    pub id: String,
    /// «07/12/2026».
    pub day: String,
    /// What does not agree, in French.
    pub kind: String,
    /// The transaction.
    pub transaction_reference: String,
    /// Its page, when the transaction is one of the service's.
    pub payment_page: Option<String>,
    /// The authorisation.
    pub authorisation_id: String,
    /// «Débit» (money taken) or «Crédit» (given back).
    pub direction: String,
    /// What the bank says.
    pub bank: Euros,
    /// What the service recorded.
    pub recorded: Euros,
    /// How it was resolved, in French (resolved ones).
    pub resolution: Option<String>,
    /// Money taken on one of the caisse's transactions, not recorded: it may
    /// be recorded as a payment from the bank's line.
    pub recordable: bool,
}

#[cfg(feature = "ssr")]
impl DiscrepancyItem {
    fn of(d: crate::ssr::agents::reconciliation::resolve::Discrepancy) -> DiscrepancyItem {
        use crate::ssr::agents::reconciliation::Resolution;
        use crate::ssr::infra::time::date_time_fr;
        let resolution = match (d.resolution, d.resolved_at) {
            (None, _) => None,
            (Some(Resolution::Recorded), at) => Some(format!(
                "Enregistré comme paiement d'après le relevé{}{}.",
                d.resolved_by.as_ref().map(|who| format!(" par {who}")).unwrap_or_default(),
                at.map(|at| format!(", le {}", date_time_fr(at))).unwrap_or_default()
            )),
            (Some(Resolution::Matched), at) => Some(format!(
                "Rapproché par un relevé importé ensuite{}.",
                at.map(|at| format!(", le {}", date_time_fr(at))).unwrap_or_default()
            )),
            (Some(Resolution::Closed), at) => Some(format!(
                "Clos{}{} : {}",
                d.resolved_by.map(|who| format!(" par {who}")).unwrap_or_default(),
                at.map(|at| format!(", le {}", date_time_fr(at))).unwrap_or_default(),
                d.comment.unwrap_or_default()
            )),
        };
        let payment_page = crate::domain::TransactionReference::parse(&d.transaction_reference)
            .ok()
            .filter(|_| d.known)
            .map(|reference| crate::routes::agent_payment(&reference));
        let recordable = d.known
            && d.kind == crate::ssr::agents::reconciliation::Kind::NotRecorded
            && d.direction == sips::report::Direction::Debit.as_str();
        DiscrepancyItem {
            recordable,
            id: d.id,
            day: french_day(&d.day),
            kind: d.kind.label().to_owned(),
            transaction_reference: d.transaction_reference,
            payment_page,
            authorisation_id: d.authorisation_id,
            direction: if d.direction == "CREDIT" { "Crédit" } else { "Débit" }.to_owned(),
            bank: Euros::from_cents(d.bank_cents),
            recorded: Euros::from_cents(d.recorded_cents),
            resolution,
        }
    }
}

/// `YYYY-MM-DD` as «07/12/2026».
#[cfg(feature = "ssr")]
fn french_day(iso: &str) -> String {
    crate::domain::IssueDate::parse_iso(iso).map_or_else(|_| iso.to_owned(), |day| day.to_string())
}

/// The reports imported and the discrepancies the agent sees.
#[server(prefix = "/api", endpoint = "agent-page-rapprochement", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn agent_reconciliation_page() -> Result<ReconciliationView, AppError> {
    use crate::ssr::infra::context::state;
    let state = state()?;
    let (agent, session) = crate::ssr::agents::require_agent(&state).await?;
    reconciliation_view(&state, &agent, &session).await
}

/// The page as `agent` sees it: its data, and what closing a discrepancy
/// answers the app.
#[cfg(feature = "ssr")]
async fn reconciliation_view(
    state: &crate::ssr::AppState,
    agent: &crate::ssr::agents::Agent,
    session: &crate::ssr::infra::session::Session,
) -> Result<ReconciliationView, AppError> {
    use crate::ssr::agents::reconciliation::resolve;
    use crate::ssr::infra::context::{take_flash, unexpected};
    use crate::ssr::infra::time::{date_time_fr, paris_date};
    let reports = resolve::reports(&state.store, 30).await.map_err(unexpected)?;
    let discrepancies = resolve::discrepancies(&state.store, &agent.caisse_code).await.map_err(unexpected)?;
    let upload = take_flash(state, Some(session), FORM).await?.map(FormState::from).unwrap_or_default();
    let closing = take_flash(state, Some(session), CLOSE_FORM).await?.map(FormState::from).unwrap_or_default();
    let reports = reports
        .into_iter()
        .map(|r| ReportItem {
            day: french_day(&r.day),
            operations: r.operations,
            matched: r.matched,
            found: r.found,
            imported: format!(
                "{}, par {}",
                date_time_fr(r.imported_at),
                r.imported_by.unwrap_or_else(|| "la commande".to_owned())
            ),
        })
        .collect();
    let (open, resolved): (Vec<_>, Vec<_>) =
        discrepancies.into_iter().map(DiscrepancyItem::of).partition(|d| d.resolution.is_none());
    let yesterday = paris_date(state.clock.now_ms() - 24 * 3600 * 1000).to_iso();
    Ok(ReconciliationView {
        header: super::header_of(agent),
        yesterday,
        reports,
        open,
        resolved: resolved.into_iter().take(50).collect(),
        upload,
        closing,
    })
}

/// Resolves the discrepancy `ecart`: `suite` «clore» closes it with
/// `commentaire` (what the agent found); «enregistrer» records the money the
/// bank took as a payment of its transaction. Answers the page as it now is,
/// which the app shows as it comes.
#[server(prefix = "/api", endpoint = "agent-ecart", output = crate::codec::Postcard)]
pub async fn agent_resolve_discrepancy(
    ecart: String,
    suite: String,
    commentaire: Option<String>,
) -> Result<ReconciliationView, AppError> {
    use crate::ssr::agents::reconciliation::record::{self, RecordError};
    use crate::ssr::agents::reconciliation::resolve::{self, COMMENT_MAX, CloseError};
    use crate::ssr::infra::context::{changed_page, fail, refuse_form, state, unexpected};
    use crate::ssr::infra::session::Flash;
    let state = state()?;
    let (agent, session) = crate::ssr::agents::require_agent(&state).await?;
    let commentaire = commentaire.unwrap_or_default();
    if ecart.is_empty() || ecart.len() > 64 || commentaire.len() > 4 * COMMENT_MAX {
        return Err(fail(AppError::BadRequest));
    }
    let page = crate::routes::AGENT_RECONCILIATION;
    let now = state.clock.now_ms();
    let message = match suite.as_str() {
        "clore" => match resolve::close(&state.store, &agent, &ecart, &commentaire, now).await {
            Ok(()) => None,
            Err(CloseError::Comment) => Some(format!(
                "Écrivez ce que vous avez constaté ({COMMENT_MAX} caractères au plus) : le commentaire reste au journal."
            )),
            Err(CloseError::Resolved) => Some("Cet écart a déjà été résolu.".to_owned()),
            Err(CloseError::NotFound) => Some("Cet écart n'est pas un écart de votre caisse.".to_owned()),
            Err(CloseError::Unexpected(error)) => return Err(unexpected(error)),
        },
        "enregistrer" => match record::record(&state.store, &agent, &ecart, now).await {
            Ok(_) => None,
            Err(RecordError::NotFound) => Some("Cet écart n'est pas un écart à examiner de votre caisse.".to_owned()),
            Err(RecordError::NotRecordable) => Some(
                "Cet écart ne peut pas être enregistré comme paiement : la transaction n'est pas de votre caisse, \
                 ou un paiement de cette autorisation est déjà enregistré. Closez-le avec un commentaire."
                    .to_owned(),
            ),
            Err(RecordError::Unexpected(error)) => return Err(unexpected(error)),
        },
        _ => return Err(fail(AppError::BadRequest)),
    };
    if let Some(message) = message {
        // Keyed by the discrepancy: the page has one form per discrepancy.
        let flash = Flash::new(CLOSE_FORM)
            .value("ecart", ecart.as_str())
            .value("commentaire", commentaire.trim())
            .error(&format!("commentaire-{ecart}"), message);
        return Err(refuse_form(&state, Some(&session), flash, page).await);
    }
    changed_page(page, reconciliation_view(&state, &agent, &session)).await
}
