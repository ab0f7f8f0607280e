//! Money given back on a payment: the «Remboursements» section of a payment's
//! page, and the one call its forms post to (ask, approve, reject, send
//! again). The rules are the service's (`ssr::agents::refunds`): two agents
//! of the caisse, never more than is left, never twice. The same call
//! assigns a trop-perçu to another créance of the person (`ssr::agents::excess`).

// One call for the section's forms, each posting the fields it has: more
// arguments than clippy's default, in the server function and its client.
#![allow(clippy::too_many_arguments)]

use crate::api::{AppError, FormState};
use crate::domain::Euros;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The flash of the section's forms (what a post without JavaScript brings
/// back to the page).
#[cfg(feature = "ssr")]
const FORM: &str = "agent-remboursement";

/// The «Remboursements» section of a payment's page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundsView {
    /// The refunds asked on the attempt's payments, oldest first.
    pub lines: Vec<RefundView>,
    /// The payments money may still be asked back on: (payment id, what the
    /// choice says, with what is left).
    pub refundable: Vec<(String, String)>,
    /// The reasons: (value, French label).
    pub reasons: Vec<(String, String)>,
    /// The payments with a trop-perçu left to assign: (payment id, what the
    /// choice says).
    pub excess: Vec<(String, String)>,
    /// The person's créances it may be assigned to: (avis reference, what the
    /// choice says, with what it owes).
    pub creances: Vec<(String, String)>,
    /// What the last post without JavaScript brought back.
    pub form: FormState,
}

/// One refund, as the section lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundView {
    /// The refund's id.
    pub id: String,
    /// «07/12/2026 à 10:00, par Agent CPAM de l'Isère».
    pub asked: String,
    /// The authorisation of the payment it gives back on.
    pub authorisation_id: String,
    /// How much.
    pub amount: Euros,
    /// Why, in French.
    pub reason: String,
    /// Where it stands, in French.
    pub state: String,
    /// The agent who sees it may approve or reject it (another agent asked).
    pub decide: bool,
    /// The bank's word on it is not known: it may be sent again.
    pub resend: bool,
    /// The agent who sees it asked it: another agent must decide.
    pub own: bool,
}

#[cfg(feature = "ssr")]
impl RefundsView {
    /// The section as `agent` sees it, for the attempt's `receipts` and
    /// `refunds`, the trop-perçus left on them (`excess`) and the person's
    /// open `creances`, with what a post without JavaScript brought back.
    pub(crate) fn of(
        agent: &crate::ssr::agents::Agent,
        receipts: &[crate::ssr::agents::payments::Receipt],
        refunds: &[crate::ssr::agents::refunds::RefundLine],
        excess: Vec<(String, Euros)>,
        creances: Vec<(String, Euros)>,
        form: FormState,
    ) -> RefundsView {
        use crate::ssr::agents::refunds::{Reason, RefundState, left_on};
        use crate::ssr::infra::time::date_time_fr;
        let authorisation = |payment: &str| {
            receipts.iter().find(|r| r.id == payment).map(|r| r.authorisation_id.clone()).unwrap_or_default()
        };
        let lines = refunds
            .iter()
            .map(|line| {
                let state = match (line.state, &line.bank_response_code) {
                    (RefundState::Refused, Some(code)) => format!("{} (code {code})", line.state.label()),
                    (state, _) => state.label().to_owned(),
                };
                let own = line.asked_by.0 == agent.id;
                RefundView {
                    id: line.id.clone(),
                    asked: format!("{}, par {}", date_time_fr(line.asked_at), line.asked_by.1),
                    authorisation_id: authorisation(&line.payment_id),
                    amount: line.amount,
                    reason: line.reason.label().to_owned(),
                    state,
                    decide: line.state == RefundState::Asked && !own,
                    resend: line.state == RefundState::Sending,
                    own: line.state == RefundState::Asked && own,
                }
            })
            .collect();
        let refundable = receipts
            .iter()
            .filter_map(|receipt| {
                let on_it: Vec<_> = refunds.iter().filter(|r| r.payment_id == receipt.id).cloned().collect();
                let left = left_on(receipt.amount, &on_it);
                (!left.is_zero()).then(|| {
                    let label = format!(
                        "Autorisation {} : {} reçus, {left} remboursables",
                        receipt.authorisation_id, receipt.amount
                    );
                    (receipt.id.clone(), label)
                })
            })
            .collect();
        let reasons = Reason::ALL.iter().map(|r| (r.value().to_owned(), r.label().to_owned())).collect();
        let excess = excess
            .into_iter()
            .map(|(payment, left)| {
                let label = format!("Autorisation {} : {left} de trop-perçu", authorisation(&payment));
                (payment, label)
            })
            .collect();
        let creances =
            creances.into_iter().map(|(avis, owed)| (avis.clone(), format!("{avis} : {owed} restant dû"))).collect();
        RefundsView { lines, refundable, reasons, excess, creances, form }
    }
}

/// What a post of the section's forms without JavaScript brought back, if any.
#[cfg(feature = "ssr")]
pub(crate) async fn posted_form(
    state: &crate::ssr::AppState,
    session: &crate::ssr::infra::session::Session,
) -> Result<FormState, AppError> {
    let flash = crate::ssr::infra::context::take_flash(state, Some(session), FORM).await?;
    Ok(flash.map(FormState::from).unwrap_or_default())
}

/// The section's forms: `etape` says which. «demander» asks for `montant` back
/// on the payment `paiement` for `motif`; «approuver» and «rejeter» decide on
/// the refund `remboursement` (another agent's), «relancer» sends it to the
/// bank again once its word is not known; «affecter» assigns
/// `montant_affecte` of the payment `trop_percu`'s trop-perçu to the person's
/// `creance`. Answers the payment `transaction` as it now is
/// ([`changed_page`](crate::ssr::infra::context::changed_page)).
#[server(prefix = "/api", endpoint = "agent-remboursement", output = crate::codec::Postcard)]
pub async fn agent_refund(
    transaction: String,
    etape: String,
    paiement: Option<String>,
    remboursement: Option<String>,
    montant: Option<String>,
    motif: Option<String>,
    trop_percu: Option<String>,
    creance: Option<String>,
    montant_affecte: Option<String>,
) -> Result<super::payments::PaymentDetailView, AppError> {
    use crate::ssr::agents::excess::{self, AssignError};
    use crate::ssr::agents::refunds::{self, Reason, RefundError, Sent};
    use crate::ssr::infra::context::{changed_page, fail, limit, refuse_form, state, unexpected};
    use crate::ssr::infra::limits::Call;
    use crate::ssr::infra::session::Flash;
    let state = state()?;
    let (agent, session) = crate::ssr::agents::require_agent(&state).await?;
    let Ok(reference) = crate::domain::TransactionReference::parse(&transaction) else {
        return Err(fail(AppError::BadRequest));
    };
    let page = crate::routes::agent_payment(&reference);
    let too_long = |value: &Option<String>| value.as_ref().is_some_and(|v| v.len() > 64);
    if [&paiement, &remboursement, &montant, &motif, &trop_percu, &creance, &montant_affecte].into_iter().any(too_long)
    {
        return Err(fail(AppError::BadRequest));
    }
    let refusal = match etape.as_str() {
        "demander" => {
            let (paiement, montant, motif) =
                (paiement.unwrap_or_default(), montant.unwrap_or_default(), motif.unwrap_or_default());
            let flash = Flash::new(FORM)
                .value("paiement", paiement.trim())
                .value("montant", montant.trim())
                .value("motif", motif.trim());
            let amount = Euros::parse_fr(&montant).map_err(|e| e.to_string());
            let reason = Reason::parse(motif.trim()).ok_or("Choisissez le motif du remboursement.");
            let payment = Some(paiement.trim()).filter(|p| !p.is_empty()).ok_or("Choisissez le paiement à rembourser.");
            match (payment, amount, reason) {
                (Ok(payment), Ok(amount), Ok(reason)) => {
                    match refunds::ask(&state.store, &agent, payment, amount, reason, state.clock.now_ms()).await {
                        Ok(_) => None,
                        Err(RefundError::TooMuch { left }) if left.is_zero() && reason == Reason::TropPercu => {
                            Some(flash.error("motif", "Ce paiement n'a pas de trop-perçu à rembourser."))
                        }
                        Err(RefundError::TooMuch { left }) if left.is_zero() => {
                            Some(flash.error("montant", "Il ne reste rien à rembourser sur ce paiement."))
                        }
                        Err(RefundError::TooMuch { left }) if reason == Reason::TropPercu => Some(flash.error(
                            "montant",
                            format!("Un trop-perçu se rembourse dans la limite de {left}, ce qui en reste sur ce paiement."),
                        )),
                        Err(RefundError::TooMuch { left }) => Some(flash.error(
                            "montant",
                            format!("Le montant doit être compris entre 0,01 € et {left}, ce qui reste à rembourser sur ce paiement."),
                        )),
                        Err(RefundError::NotFound) => {
                            Some(flash.error("paiement", "Ce paiement n'est pas un paiement de votre caisse."))
                        }
                        Err(other) => return Err(unexpected(other.into())),
                    }
                }
                (payment, amount, reason) => Some(flash.errors([
                    ("paiement", payment.err().map(str::to_owned)),
                    ("montant", amount.err()),
                    ("motif", reason.err().map(str::to_owned)),
                ])),
            }
        }
        "affecter" => {
            let (payment, avis, montant) =
                (trop_percu.unwrap_or_default(), creance.unwrap_or_default(), montant_affecte.unwrap_or_default());
            let flash = Flash::new(FORM)
                .value("trop_percu", payment.trim())
                .value("creance", avis.trim())
                .value("montant_affecte", montant.trim());
            let amount = Euros::parse_fr(&montant).map_err(|e| e.to_string());
            let payment = Some(payment.trim()).filter(|p| !p.is_empty()).ok_or("Choisissez le trop-perçu à affecter.");
            let avis =
                Some(avis.trim()).filter(|a| !a.is_empty()).ok_or("Choisissez la créance à laquelle l'affecter.");
            match (payment, avis, amount) {
                (Ok(payment), Ok(avis), Ok(amount)) => {
                    match excess::assign(&state.store, &agent, payment, avis, amount, state.clock.now_ms()).await {
                        Ok(()) => None,
                        Err(AssignError::TooMuch { most }) if most.is_zero() => {
                            Some(flash.error(
                                "montant_affecte",
                                "Il ne reste rien de ce trop-perçu à affecter à cette créance.",
                            ))
                        }
                        Err(AssignError::TooMuch { most }) => Some(flash.error(
                            "montant_affecte",
                            format!(
                                "Le montant doit être compris entre 0,01 € et {most} : ce qui reste du trop-perçu, \
                                 dans la limite de ce que doit la créance."
                            ),
                        )),
                        Err(AssignError::NotTheirs) => {
                            Some(flash.error("creance", "Choisissez une créance de l'assuré qui reste à payer."))
                        }
                        Err(AssignError::NotFound) => {
                            Some(flash.error("trop_percu", "Ce paiement n'est pas un paiement de votre caisse."))
                        }
                        Err(AssignError::Unexpected(error)) => return Err(unexpected(error)),
                    }
                }
                (payment, avis, amount) => Some(flash.errors([
                    ("trop_percu", payment.err().map(str::to_owned)),
                    ("creance", avis.err().map(str::to_owned)),
                    ("montant_affecte", amount.err()),
                ])),
            }
        }
        "approuver" | "rejeter" | "relancer" => {
            let Some(refund) = remboursement.filter(|r| !r.is_empty()) else {
                return Err(fail(AppError::BadRequest));
            };
            if etape != "rejeter" {
                limit(&state, Call::Refund, agent.id.as_str())?;
            }
            let done = match etape.as_str() {
                "relancer" => refunds::send(&state, &agent, &refund).await.map(|sent| sent != Sent::InFlight),
                decision => refunds::decide(&state, &agent, &refund, decision == "approuver").await.map(|_| true),
            };
            let message = match done {
                Ok(true) => None,
                Ok(false) => {
                    Some("Ce remboursement est en cours d'envoi à la banque : réessayez dans une minute.".to_owned())
                }
                Err(RefundError::OwnRefund) => Some(
                    "Vous avez demandé ce remboursement : un autre agent de la caisse doit l'approuver.".to_owned(),
                ),
                Err(RefundError::NotNow(now)) => Some(format!("Ce remboursement a déjà été traité : {}.", now.label())),
                Err(RefundError::OtherUnconfirmed) => Some(
                    "Un autre remboursement de cette transaction attend la réponse de la banque : relancez-le d'abord."
                        .to_owned(),
                ),
                Err(RefundError::NotFound) => {
                    Some("Ce remboursement n'est pas un remboursement de votre caisse.".to_owned())
                }
                Err(RefundError::TooMuch { .. }) => Some("Il ne reste rien à rembourser sur ce paiement.".to_owned()),
                Err(RefundError::Unexpected(error)) => return Err(unexpected(error)),
            };
            message.map(|message| Flash::new(FORM).error("remboursements", message))
        }
        _ => return Err(fail(AppError::BadRequest)),
    };
    if let Some(flash) = refusal {
        return Err(refuse_form(&state, Some(&session), flash, &page).await);
    }
    changed_page(&page, super::payments::payment_view(&state, &agent, &session, &reference)).await
}
