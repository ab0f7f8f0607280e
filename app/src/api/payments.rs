//! «Mes paiements»: the person's payments and where each stands.

use super::{AppError, HeaderView};
use crate::domain::{Euros, TransactionReference};
#[cfg(feature = "ssr")]
use crate::ssr::infra::ids::PersonId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where a payment stands, as the person's pages say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentState {
    /// No answer from the bank yet.
    AtBank,
    /// Accepted, not yet applied to the créances by the processing run.
    Processing,
    /// Applied to the créances.
    Applied,
    /// Refused, cancelled or expired.
    Failed,
}

impl PaymentState {
    /// It will not change any more.
    pub fn is_final(self) -> bool {
        matches!(self, PaymentState::Applied | PaymentState::Failed)
    }
}

#[cfg(feature = "ssr")]
impl From<&crate::ssr::payments::AttemptSummary> for PaymentState {
    fn from(attempt: &crate::ssr::payments::AttemptSummary) -> Self {
        use crate::ssr::lifecycle::{AttemptStatus, PaymentStatus};
        match (attempt.status, attempt.payment_status) {
            (AttemptStatus::Accepted, Some(PaymentStatus::Applied)) => PaymentState::Applied,
            (AttemptStatus::Accepted, _) => PaymentState::Processing,
            (AttemptStatus::Pending, _) => PaymentState::AtBank,
            _ => PaymentState::Failed,
        }
    }
}

/// One payment attempt as the person's pages list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRow {
    /// «11/09/2017».
    pub date: String,
    /// «PCLCB172540000004».
    pub transaction_reference: TransactionReference,
    /// Amount.
    pub amount: Euros,
    /// Where it stands.
    pub state: PaymentState,
}

#[cfg(feature = "ssr")]
impl From<crate::ssr::payments::AttemptSummary> for PaymentRow {
    fn from(attempt: crate::ssr::payments::AttemptSummary) -> Self {
        PaymentRow {
            date: crate::ssr::infra::time::date_fr(attempt.created_at),
            state: PaymentState::from(&attempt),
            transaction_reference: attempt.transaction_reference,
            amount: attempt.amount,
        }
    }
}

/// A payment's state, as `GET` [`crate::routes::PAYMENT_STATES`] answers it
/// (the pages follow the payments still under way with it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentStateView {
    /// The attempt.
    pub transaction_reference: TransactionReference,
    /// Where it stands.
    pub state: PaymentState,
}

/// The most payments one call asks about.
pub const MAX_FOLLOWED: usize = 20;

/// The states of the person's `attempts` (others', and unknown ones, are left out).
#[cfg(feature = "ssr")]
pub async fn payment_states(
    state: &crate::ssr::AppState,
    person_id: &PersonId,
    attempts: &[TransactionReference],
) -> anyhow::Result<Vec<PaymentStateView>> {
    let now = state.clock.now_ms();
    let mut states = Vec::with_capacity(attempts.len());
    for reference in attempts.iter().take(MAX_FOLLOWED) {
        if let Some(attempt) = crate::ssr::payments::attempt_of(&state.store, person_id, reference, now).await? {
            states.push(PaymentStateView {
                state: PaymentState::from(&attempt),
                transaction_reference: reference.clone(),
            });
        }
    }
    Ok(states)
}

/// A payment waiting for the bank, as the person's pages show it, with
/// «Abandonner ce paiement».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingPayment {
    /// «PCLCB263320000007».
    pub transaction_reference: TransactionReference,
    /// Amount.
    pub amount: Euros,
    /// «28/11/2026 à 10:02».
    pub started: String,
    /// «28/11/2026 à 10:22»: its lines are held until then.
    pub held_until: String,
}

/// What became of an abandon, as the page it leads back to says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AbandonOutcome {
    /// The bank had accepted the payment: it is recorded, nothing abandoned.
    FoundPaid,
    /// Abandoned: the lines are free.
    Cancelled,
    /// The bank is still working on it.
    StillAtBank,
    /// The bank could not be asked.
    BankUnavailable,
    /// An answer came first: accepted.
    AlreadyPaid,
    /// An answer came first: failed, or the attempt ended.
    AlreadyEnded,
}

impl AbandonOutcome {
    /// What the person reads.
    pub fn text(self) -> &'static str {
        match self {
            AbandonOutcome::FoundPaid => {
                "La banque nous indique que ce paiement a été accepté : il est enregistré et n'a pas été abandonné. \
                 Son accusé de réception est dans « Ma messagerie »."
            }
            AbandonOutcome::Cancelled => {
                "Ce paiement a été abandonné : la banque n'a reçu aucun paiement pour lui. Les créances qu'il \
                 réglait peuvent de nouveau être payées."
            }
            AbandonOutcome::StillAtBank => {
                "La banque traite encore ce paiement : il ne peut pas être abandonné pour l'instant. Réessayez dans \
                 quelques minutes."
            }
            AbandonOutcome::BankUnavailable => {
                "La banque n'a pas pu être interrogée : ce paiement n'a pas été abandonné. Réessayez dans quelques \
                 minutes."
            }
            AbandonOutcome::AlreadyPaid => "Ce paiement a déjà été accepté par la banque : il n'y a rien à abandonner.",
            AbandonOutcome::AlreadyEnded => "Ce paiement n'est plus en attente : il n'y a rien à abandonner.",
        }
    }

    /// The banner's modifier class.
    pub fn banner_class(self) -> &'static str {
        match self {
            AbandonOutcome::FoundPaid | AbandonOutcome::Cancelled | AbandonOutcome::AlreadyPaid => {
                "banner banner--success"
            }
            AbandonOutcome::StillAtBank | AbandonOutcome::AlreadyEnded => "banner banner--warning",
            AbandonOutcome::BankUnavailable => "banner banner--error",
        }
    }
}

/// The banner after «Abandonner ce paiement».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbandonNotice {
    /// What became of it.
    pub outcome: AbandonOutcome,
    /// The attempt.
    pub transaction_reference: TransactionReference,
}

/// The payments waiting for the bank and the banner of the last abandon, as
/// Accueil, step 2 and «Mes paiements» show them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSection {
    /// The person's payments waiting for the bank.
    pub pending: Vec<PendingPayment>,
    /// The outcome of the abandon the person comes back from.
    pub notice: Option<AbandonNotice>,
}

/// The flash form an abandon leaves its outcome in.
#[cfg(feature = "ssr")]
const ABANDON_FLASH: &str = "abandon";

/// The person's pending payments, and the banner of their last abandon.
#[cfg(feature = "ssr")]
pub(crate) async fn pending_section(
    state: &crate::ssr::AppState,
    person_id: &PersonId,
    session: &crate::ssr::infra::session::Session,
) -> Result<PendingSection, AppError> {
    use crate::ssr::infra::context::{take_flash, unexpected};
    use crate::ssr::infra::time;
    let pending = crate::ssr::payments::pending_of(&state.store, person_id, state.clock.now_ms())
        .await
        .map_err(unexpected)?
        .into_iter()
        .map(|attempt| PendingPayment {
            transaction_reference: attempt.transaction_reference,
            amount: attempt.amount,
            started: time::date_time_fr(attempt.created_at),
            held_until: time::date_time_fr(attempt.expires_at),
        })
        .collect();
    let notice = take_flash(state, Some(session), ABANDON_FLASH).await?.and_then(|flash| {
        Some(AbandonNotice {
            outcome: serde_json::from_str(flash.values.get("outcome")?).ok()?,
            transaction_reference: TransactionReference::parse(flash.values.get("transaction")?).ok()?,
        })
    });
    Ok(PendingSection { pending, notice })
}

/// Where an abandon leads back to: Accueil, «Mes paiements», or step 2 of a
/// reference; anything else is Accueil.
#[cfg(feature = "ssr")]
fn return_page(retour: &str) -> String {
    use crate::routes;
    if retour == routes::MY_PAYMENTS {
        return retour.to_owned();
    }
    match retour.strip_prefix(routes::PAY).and_then(|rest| rest.strip_prefix('/')) {
        Some(reference) => match crate::domain::AvisReference::parse(reference) {
            Ok(avis) => routes::pay_step_2(&avis),
            Err(_) => routes::HOME.to_owned(),
        },
        None => routes::HOME.to_owned(),
    }
}

/// «Abandonner ce paiement» (confirmed): asks the bank what became of the
/// transaction, then records the payment (accepted) or cancels the attempt
/// and frees its lines (unknown, refused); back to the page it came from
/// (`retour`), which says what happened (the app in the browser stays there
/// and loads its data again).
#[server(prefix = "/api", endpoint = "abandonner-paiement", output = crate::codec::Postcard)]
pub async fn abandon_payment(
    transaction: String,
    #[server(default)] retour: String,
) -> Result<AbandonNotice, AppError> {
    use crate::ssr::infra::context::{
        fail, is_form_post, leave_flash, limit, redirect_form_post, require_person, state, unexpected,
    };
    use crate::ssr::infra::limits::Call;
    use crate::ssr::infra::session::Flash;
    use crate::ssr::lifecycle::AttemptStatus;
    use crate::ssr::payments::{self, Abandon, AbandonError};

    let state = state()?;
    let (person_id, session) = require_person(&state).await?;
    limit(&state, Call::Abandon, person_id.as_str())?;
    let Ok(reference) = TransactionReference::parse(&transaction) else {
        return Err(fail(AppError::BadRequest));
    };
    if retour.len() > 200 {
        return Err(fail(AppError::BadRequest));
    }
    let outcome = match payments::abandon(&state, &person_id, &reference).await {
        Ok(Abandon::FoundPaid) => AbandonOutcome::FoundPaid,
        Ok(Abandon::Cancelled | Abandon::AlreadyAbandoned) => AbandonOutcome::Cancelled,
        Ok(Abandon::StillAtBank) => AbandonOutcome::StillAtBank,
        Ok(Abandon::BankUnavailable) => AbandonOutcome::BankUnavailable,
        Ok(Abandon::NotPending(AttemptStatus::Accepted)) => AbandonOutcome::AlreadyPaid,
        Ok(Abandon::NotPending(_)) => AbandonOutcome::AlreadyEnded,
        // Not one of the person's attempts: nothing is said of it.
        Err(AbandonError::NotFound) => return Err(fail(AppError::BadRequest)),
        Err(AbandonError::Unexpected(error)) => return Err(unexpected(error)),
    };
    let refused = matches!(outcome, AbandonOutcome::StillAtBank | AbandonOutcome::BankUnavailable);
    // A plain form post: the page it goes back to says the outcome from this
    // flash. The app in the browser says it from the answer, in place (a
    // refusal where the form stays), and nothing is kept for it.
    if is_form_post() {
        let outcome_text = serde_json::to_string(&outcome).map_err(|error| unexpected(error.into()))?;
        let flash = Flash::new(ABANDON_FLASH).value("outcome", outcome_text).value("transaction", reference.as_str());
        leave_flash(&state, Some(&session), &flash).await?;
    }
    redirect_form_post(&return_page(&retour));
    match refused {
        true => Err(fail(AppError::Rejected(vec![outcome.text().to_owned()]))),
        false => Ok(AbandonNotice { outcome, transaction_reference: reference }),
    }
}

/// «Mes paiements».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentsView {
    /// The header.
    pub header: HeaderView,
    /// The payments waiting for the bank, and the last abandon's banner.
    pub pending: PendingSection,
    /// Every payment attempt, newest first.
    pub payments: Vec<PaymentRow>,
    /// The money the caisse gives back on them, newest first.
    pub refunds: Vec<RefundRow>,
}

/// Money the caisse gives back on one of the person's payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundRow {
    /// «07/12/2026», when it was asked.
    pub date: String,
    /// The payment's transaction.
    pub transaction_reference: TransactionReference,
    /// How much.
    pub amount: Euros,
    /// «demandé», «envoyé à la banque», «effectué» or «refusé par la banque».
    pub state: String,
}

/// The person's payments.
#[server(prefix = "/api", endpoint = "page-mes-paiements", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn payments_page() -> Result<PaymentsView, AppError> {
    use crate::ssr::infra::context::{require_person, state, unexpected};
    let state = state()?;
    let (person_id, session) = require_person(&state).await?;
    let attempts = crate::ssr::payments::attempts_of(&state.store, &person_id, state.clock.now_ms(), 200)
        .await
        .map_err(unexpected)?;
    let refunds = crate::ssr::payments::refunds_of(&state.store, &person_id).await.map_err(unexpected)?;
    Ok(PaymentsView {
        header: super::header_for(&state, &person_id).await?,
        pending: pending_section(&state, &person_id, &session).await?,
        payments: attempts.into_iter().map(PaymentRow::from).collect(),
        refunds: refunds
            .into_iter()
            .map(|r| RefundRow {
                date: crate::ssr::infra::time::date_fr(r.asked_at),
                transaction_reference: r.transaction_reference,
                amount: r.amount,
                state: r.state.to_owned(),
            })
            .collect(),
    })
}

/// The header alone, for pages with no data of their own («Mes démarches»).
#[server(prefix = "/api", endpoint = "page-entete", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn header_page() -> Result<HeaderView, AppError> {
    use crate::ssr::infra::context::{require_person, state};
    let state = state()?;
    let (person_id, _) = require_person(&state).await?;
    super::header_for(&state, &person_id).await
}
