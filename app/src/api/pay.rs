//! «Payer une créance»: step 1 (the reference), step 2 (lines and amount), step 3
//! (the sealed form that takes the browser to the bank kiosk).

use super::payments::PendingSection;
use super::{AppError, FieldErrors, FormState, HeaderView};
use crate::domain::{AvisReference, CreanceLine, Euros, TransactionReference};
#[cfg(feature = "ssr")]
use crate::routes;
#[cfg(feature = "ssr")]
use crate::ssr::infra::ids::PersonId;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// «Cette référence de courrier est inconnue.»
pub const UNKNOWN_REFERENCE: &str = "Cette référence de courrier est inconnue.";
/// «Cette référence de courrier n'est pas ouverte au paiement en ligne.»
pub const NOT_OPEN: &str = "Cette référence de courrier n'est pas ouverte au paiement en ligne.";
/// Shown on step 2 when the entered créance's restant dû is below 16 €.
pub const BELOW_MINIMUM: &str = "Le montant restant dû pour cette référence de courrier est inférieur au montant \
     minimum de paiement en ligne : merci d'utiliser un autre moyen de paiement.";

/// Step 1's data: the header, and what was typed before with its error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceView {
    /// The header.
    pub header: HeaderView,
    /// The reference typed before and its error, after a failed search.
    pub form: FormState,
}

/// Step 1's data. After a search refused without JavaScript, what was
/// typed and why (the flash); else, for a `reference` in the address (a
/// step 2 that could not be shown, [`routes::pay_refused`]), that reference
/// and why it cannot be paid, looked up again.
#[server(prefix = "/api", endpoint = "page-payer-reference", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn reference_page(reference: Option<String>) -> Result<ReferenceView, AppError> {
    use crate::ssr::infra::context::{require_person, state, take_flash};
    let state = state()?;
    let (person_id, session) = require_person(&state).await?;
    let form = match take_flash(&state, Some(&session), "reference").await? {
        Some(flash) => FormState::from(flash),
        None => match reference.filter(|typed| !typed.is_empty() && typed.len() <= 40) {
            Some(typed) => FormState::from(refusal_of(&state, &person_id, &typed).await?),
            None => FormState::default(),
        },
    };
    Ok(ReferenceView { header: super::header_for(&state, &person_id).await?, form })
}

/// The reference `typed`, with why step 2 cannot show it (none if it can).
#[cfg(feature = "ssr")]
async fn refusal_of(
    state: &crate::ssr::AppState,
    person_id: &PersonId,
    typed: &str,
) -> Result<crate::ssr::infra::session::Flash, AppError> {
    use crate::ssr::infra::context::unexpected;
    use crate::ssr::insured::creances;
    let flash = crate::ssr::infra::session::Flash::new("reference").value("reference", typed);
    let avis = match AvisReference::parse(typed) {
        Ok(avis) => avis,
        Err(error) => return Ok(flash.error("reference", error.to_string())),
    };
    let lookup =
        creances::step_2_lines(&state.store, person_id, &avis, state.clock.now_ms()).await.map_err(unexpected)?;
    Ok(match lookup.err().as_ref().and_then(refusal) {
        Some(message) => flash.error("reference", message),
        None => flash,
    })
}

/// Why a reference cannot be paid, as step 1 says it (none when it can).
#[cfg(feature = "ssr")]
fn refusal(lookup: &crate::ssr::insured::creances::Lookup) -> Option<&'static str> {
    use crate::ssr::insured::creances::Lookup;
    match lookup {
        Lookup::Open => None,
        Lookup::NotOpen => Some(NOT_OPEN),
        Lookup::Unknown => Some(UNKNOWN_REFERENCE),
    }
}

/// «RECHERCHER»: looks the reference up among the person's avis and goes to
/// step 2; or refuses, saying why next to the boxes. `reference` holds the
/// boxes' characters in order (or the whole reference in the first box).
#[server(prefix = "/api", endpoint = "rechercher-reference", output = crate::codec::Postcard)]
pub async fn find_reference(#[server(default)] reference: Vec<String>) -> Result<(), AppError> {
    use crate::ssr::infra::context::{
        fail, not_signed_in, redirect, refuse_form, require_person, session_key, state, unexpected,
    };
    use crate::ssr::infra::session::{Flash, Owner, Session};
    use crate::ssr::insured::creances;

    let state = state()?;
    let oversized = reference.len() > 40 || reference.iter().any(|r| r.len() > 40);
    let typed: String = reference.concat();
    let flash = Flash::new("reference").value("reference", typed.trim());
    let parsed = AvisReference::parse(&typed);
    let (session, message) = match (oversized, parsed) {
        // The session and the avis in one statement.
        (false, Ok(avis)) => {
            let found = match session_key(&state)? {
                Some(key) => creances::lookup_in_session(&state.store, &key, &avis).await.map_err(unexpected)?,
                None => None,
            };
            let Some((session @ Session { owner: Owner::Person(_), .. }, lookup)) = found else {
                return Err(not_signed_in(routes::SIGN_IN));
            };
            match refusal(&lookup) {
                None => {
                    redirect(&routes::pay_step_2(&avis));
                    return Ok(());
                }
                Some(message) => (session, message.to_owned()),
            }
        }
        (oversized, parsed) => {
            let (_, session) = require_person(&state).await?;
            if oversized {
                return Err(fail(AppError::BadRequest));
            }
            (session, parsed.err().map(|error| error.to_string()).unwrap_or_default())
        }
    };
    Err(refuse_form(&state, Some(&session), flash.error("reference", message), routes::PAY).await)
}

/// Step 2's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectionView {
    /// The header.
    pub header: HeaderView,
    /// The reference entered on step 1.
    pub reference: AvisReference,
    /// «Caisse gestionnaire».
    pub caisse_name: String,
    /// «Montant initial dû» of the entered créance.
    pub initial: Euros,
    /// «Montant restant dû» of the entered créance.
    pub restant: Euros,
    /// The lines the person may pay (the entered one first, then oldest first).
    pub lines: Vec<CreanceLine>,
    /// The lines ticked (the entered one at first, else what was ticked before).
    pub selected: Vec<String>,
    /// The amount typed before.
    pub amount: String,
    /// The errors of the last «PAYER» posted without JavaScript, by field
    /// (`selected`, `amount`).
    pub errors: FieldErrors,
    /// The payments waiting for the bank (they hold lines), and the last
    /// abandon's banner.
    pub pending: PendingSection,
}

impl SelectionView {
    /// True when the entered créance's restant dû is below the online minimum.
    pub fn below_minimum(&self) -> bool {
        !self.restant.is_zero() && self.restant < crate::domain::PaymentLimits::min()
    }
}

/// Step 2's data for `reference`, which must be one of the person's avis open
/// to online payment; otherwise back to step 1, which says why from its
/// address ([`routes::pay_refused`]): nothing is left in the session.
#[server(prefix = "/api", endpoint = "page-payer-selection", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn selection_page(reference: String) -> Result<SelectionView, AppError> {
    use crate::ssr::infra::context::{fail, redirect, require_person, state, take_flash, unexpected};
    use crate::ssr::insured::creances;

    let state = state()?;
    let (person_id, session) = require_person(&state).await?;
    let entered = match AvisReference::parse(&reference) {
        Ok(avis) => avis,
        Err(error) => {
            redirect(&routes::pay_refused(&reference));
            return Err(fail(AppError::Rejected(vec![error.to_string()])));
        }
    };
    let lines = match creances::step_2_lines(&state.store, &person_id, &entered, state.clock.now_ms())
        .await
        .map_err(unexpected)?
    {
        Ok(lines) => lines,
        Err(other) => {
            let message = refusal(&other).unwrap_or(UNKNOWN_REFERENCE);
            redirect(&routes::pay_refused(entered.as_str()));
            return Err(fail(AppError::Rejected(vec![message.to_owned()])));
        }
    };
    let entered_line = lines[0].clone();
    let flash = take_flash(&state, Some(&session), "selection").await?;
    let (selected, amount, errors) = match flash {
        Some(flash) if flash.values.get("reference").map(String::as_str) == Some(entered.as_str()) => {
            let selected =
                flash.values.get("selected").map(|s| s.split(',').map(str::to_owned).collect()).unwrap_or_default();
            let amount = flash.values.get("amount").cloned().unwrap_or_default();
            (selected, amount, FieldErrors::from(flash.errors))
        }
        _ => {
            let selected = if entered_line.is_selectable() { vec![entered.to_string()] } else { Vec::new() };
            (selected, String::new(), FieldErrors::default())
        }
    };
    let caisse_name = creances::caisse_name_of(&state.store, &entered).await.map_err(unexpected)?;
    Ok(SelectionView {
        header: super::header_for(&state, &person_id).await?,
        reference: entered,
        caisse_name,
        initial: entered_line.initial,
        restant: entered_line.restant,
        lines,
        selected: selected.into_iter().filter(|s: &String| !s.is_empty()).collect(),
        amount,
        errors,
        pending: super::payments::pending_section(&state, &person_id, &session).await?,
    })
}

/// «PAYER»: re-checks everything on the server and creates the payment attempt,
/// then sends the browser to the page that posts it to the bank kiosk; or
/// refuses, saying why next to the lines and the amount.
#[server(prefix = "/api", endpoint = "payer", output = crate::codec::Postcard)]
pub async fn start_payment(
    reference: String,
    #[server(default)] selected: Vec<String>,
    amount: String,
) -> Result<(), AppError> {
    use crate::ssr::infra::context::{fail, limit_form, redirect, refuse_form, require_person, state, unexpected};
    use crate::ssr::infra::limits::Call;
    use crate::ssr::infra::session::Flash;
    use crate::ssr::payments::{self, StartError};

    let state = state()?;
    let (person_id, session) = require_person(&state).await?;
    let Ok(entered) = AvisReference::parse(&reference) else {
        redirect(routes::PAY);
        return Err(fail(AppError::BadRequest));
    };
    if selected.len() > 100 || amount.len() > 64 {
        return Err(fail(AppError::BadRequest));
    }
    // What was typed, kept for the page shown again.
    let typed = || {
        Flash::new("selection")
            .value("reference", entered.as_str())
            .value("selected", selected.join(","))
            .value("amount", amount.trim())
    };
    let step_2 = routes::pay_step_2(&entered);
    limit_form(&state, Call::StartPayment, person_id.as_str(), (Some(&session), typed(), "amount", &step_2)).await?;
    match payments::start(&state, &person_id, &selected, &amount).await {
        Ok(started) => {
            redirect(&routes::pay_kiosk_redirect(&started.transaction_reference));
            Ok(())
        }
        Err(StartError::Invalid(errors)) => {
            let mut flash = typed();
            if let Some(error) = &errors.selection {
                flash = flash.error("selected", error.to_string());
            }
            if let Some(error) = &errors.amount {
                flash = flash.error("amount", error.to_string());
            }
            Err(refuse_form(&state, Some(&session), flash, &step_2).await)
        }
        Err(StartError::Unexpected(error)) => Err(unexpected(error)),
    }
}

/// The page that takes the browser to the bank kiosk: the sealed Paypage POST
/// form, and what the page says about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskRedirectView {
    /// The sealed form.
    pub form: sips::PaypageForm,
    /// The amount.
    pub amount: Euros,
    /// The attempt.
    pub transaction_reference: TransactionReference,
}

/// The kiosk form of the person's pending attempt `transaction`; `None` when it
/// is not (or no longer) waiting for the kiosk.
#[server(prefix = "/api", endpoint = "page-payer-redirection", input = crate::codec::Postcard, output = crate::codec::Postcard)]
pub async fn kiosk_redirect_page(transaction: String) -> Result<Option<KioskRedirectView>, AppError> {
    use crate::ssr::infra::context::{require_person, state, unexpected};
    let state = state()?;
    let (person_id, _) = require_person(&state).await?;
    // Not a transaction reference: no such attempt.
    let Ok(transaction) = TransactionReference::parse(&transaction) else { return Ok(None) };
    let pending = crate::ssr::payments::paypage_form(&state, &person_id, &transaction).await.map_err(unexpected)?;
    Ok(pending.map(|p| KioskRedirectView { form: p.form, amount: p.amount, transaction_reference: transaction }))
}
