//! The audit trail and the kiosk's answers in words, as an agent reads them:
//! who did what, in French, with the amounts and the references.

use super::refunds::Reason;
use crate::domain::Euros;
use crate::ssr::infra::audit::{Action, ActorKind, Entity};
use crate::ssr::lifecycle::{ABANDONED_REASON, AnswerOutcome, AttemptStatus, Channel, Regularisation, Settlement};
use serde_json::Value;

/// A kiosk answer, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerEntry {
    /// When it was received.
    pub at: i64,
    /// How it came («Réponse automatique»…).
    pub channel: String,
    /// The bank's response code.
    pub code: String,
    /// What the service did with it.
    pub outcome: String,
}

/// A change of the audit trail, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// When.
    pub at: i64,
    /// Who made it.
    pub who: String,
    /// What changed.
    pub what: String,
    /// Which object, in the caisse's journal (the payment's own trail needs none).
    pub object: Option<String>,
}

/// Who made a change, in words.
pub fn actor_label(kind: ActorKind) -> &'static str {
    match kind {
        ActorKind::Person => "Assuré",
        ActorKind::Agent => "Agent",
        ActorKind::Kiosk => "Banque (réponse scellée)",
        ActorKind::Operator => "Exploitation",
        ActorKind::System => "Service",
    }
}

/// «Réponse automatique», «Retour navigateur»: which way an answer came.
pub fn channel_label(channel: &str) -> String {
    match Channel::parse(channel) {
        Ok(Channel::Automatic) => "Réponse automatique".to_owned(),
        Ok(Channel::Return) => "Retour navigateur".to_owned(),
        Ok(Channel::Status) => "Interrogation de la banque".to_owned(),
        Err(_) => channel.to_owned(),
    }
}

/// How an attempt left «en attente»: an answer and its channel, or our limit.
pub fn settlement_label(settlement: &str) -> String {
    match Settlement::parse(settlement) {
        Ok(Settlement::Answer(channel)) => channel_label(channel.as_str()),
        Ok(Settlement::Expiry) => "Expiration (aucune réponse en 20 minutes)".to_owned(),
        Ok(Settlement::Abandoned) => "Abandon par l'assuré (banque interrogée)".to_owned(),
        Err(_) => settlement.to_owned(),
    }
}

/// What was done with one kiosk answer.
pub fn outcome_label(outcome: &str) -> String {
    match AnswerOutcome::parse(outcome) {
        Ok(AnswerOutcome::Applied) => "Appliquée",
        Ok(AnswerOutcome::Duplicate) => "Doublon ignoré",
        Ok(AnswerOutcome::Ignored) => "Ignorée : contredit l'état de la transaction",
        Ok(AnswerOutcome::ToRegularise) => "Enregistrée : paiement à régulariser",
        Ok(AnswerOutcome::UnknownReference) => "Refusée : référence inconnue",
        Ok(AnswerOutcome::AmountMismatch) => "Refusée : montant différent",
        Err(_) => outcome,
    }
    .to_owned()
}

/// Why a payment is «à régulariser», in words.
pub fn regularisation_label(reason: Regularisation) -> &'static str {
    match reason {
        Regularisation::AfterRefused => "accepté par la banque après un refus",
        Regularisation::AfterCancelled => "accepté par la banque après une annulation",
        Regularisation::AfterExpired => "accepté par la banque après expiration",
        Regularisation::SecondAuthorisation => "seconde autorisation pour la même transaction",
        Regularisation::FromBankReport => "pris par la banque, enregistré d'après son relevé",
    }
}

fn amount(detail: &Value, key: &str) -> Option<Euros> {
    detail.get(key).and_then(Value::as_i64).map(Euros::from_cents)
}

fn text<'a>(detail: &'a Value, key: &str) -> Option<&'a str> {
    detail.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// «3811907400001234F : 12,50 €, 3811701200010075F : 7,50 €» from a list of shares.
fn shares(detail: &Value, key: &str, amount_key: &str) -> String {
    detail
        .get(key)
        .and_then(Value::as_array)
        .map(|shares| {
            shares
                .iter()
                .filter_map(|s| Some(format!("{} : {}", text(s, "reference")?, amount(s, amount_key)?)))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// One audit row in words: `entity` and `action` say what changed,
/// `detail` (the row's JSON) gives the amounts and codes.
pub fn describe(entity: Entity, action: Action, detail: &Value) -> String {
    match (entity, action) {
        (Entity::Attempt, Action::Created) => {
            let lines = shares(detail, "lines", "planned_cents");
            match amount(detail, "amount_cents") {
                Some(total) => format!("Paiement de {total} demandé, à répartir ainsi : {lines}."),
                None => "Paiement demandé.".to_owned(),
            }
        }
        (Entity::Attempt, _) if text(detail, "reason") == Some(ABANDONED_REASON) => {
            let bank = match (text(detail, "bank_response_code"), text(detail, "bank_status")) {
                (_, Some(status)) => format!("indiquait la transaction terminée sans paiement ({status})"),
                (Some(code), None) => format!("ne connaissait pas la transaction (code {code})"),
                (None, None) => "n'avait pas de paiement pour cette transaction".to_owned(),
            };
            format!("Paiement abandonné par l'assuré : la banque, interrogée, {bank}.")
        }
        (Entity::Attempt, Action::Accepted | Action::Refused | Action::Cancelled | Action::Expired) => {
            let verdict = match action {
                Action::Accepted => "paiement accepté",
                Action::Refused => "paiement refusé",
                Action::Cancelled => "paiement annulé par l'assuré",
                _ => "délai de paiement dépassé",
            };
            // Only our own limit settles an attempt without an answer's channel.
            let Some(channel) = text(detail, "channel") else {
                return "Tentative expirée : aucune réponse de la banque en 20 minutes.".to_owned();
            };
            let mut facts = Vec::new();
            if let Some(code) = text(detail, "response_code") {
                facts.push(format!("code {code}"));
            }
            if let Some(authorisation) = text(detail, "authorisation_id") {
                facts.push(format!("autorisation {authorisation}"));
            }
            facts.push(channel_label(channel).to_lowercase());
            let late =
                if text(detail, "from") == Some(AttemptStatus::Expired.as_str()) { ", après expiration" } else { "" };
            format!("Banque : {verdict}{late} ({}).", facts.join(", "))
        }
        (Entity::Payment, Action::Received) => {
            let mut words = match amount(detail, "amount_cents") {
                Some(total) => format!("Paiement reçu : {total}, en cours de traitement."),
                None => "Paiement reçu, en cours de traitement.".to_owned(),
            };
            if let Some(reason) = text(detail, "regularisation").and_then(|r| Regularisation::parse(r).ok()) {
                words.push_str(&format!(" À régulariser : {}.", regularisation_label(reason)));
            }
            words
        }
        (Entity::Payment, Action::Applied) => {
            let mut words = match amount(detail, "amount_cents") {
                Some(total) => format!(
                    "Pris en compte : {total} réparti(s) ainsi : {}.",
                    shares(detail, "allocations", "amount_cents")
                ),
                None => "Pris en compte.".to_owned(),
            };
            if let Some(excess) = amount(detail, "excess_cents").filter(|e| !e.is_zero()) {
                words.push_str(&format!(" Trop-perçu : {excess}."));
            }
            words
        }
        (Entity::Payment, Action::Regularised) => "Régularisation faite par l'agent.".to_owned(),
        (Entity::Payment, Action::ExcessAssigned) => format!(
            "Trop-perçu affecté à la créance {} : {}.",
            text(detail, "reference").unwrap_or_default(),
            amount(detail, "amount_cents").map(|a| a.to_string()).unwrap_or_default()
        ),
        (
            Entity::Payment,
            Action::RefundAsked
            | Action::RefundApproved
            | Action::RefundRejected
            | Action::RefundDone
            | Action::RefundRefused,
        ) => refund(action, detail),
        (Entity::Message, Action::Deleted) => {
            "Message supprimé par l'assuré (l'accusé de réception reste enregistré).".to_owned()
        }
        (Entity::Message, Action::Purged) => "Message effacé au terme de sa conservation (6 mois).".to_owned(),
        (Entity::Avis, Action::Issued) => {
            let open = detail.get("open_online").and_then(Value::as_bool).unwrap_or(false);
            format!(
                "Avis émis : {}, solde de l'assuré {} — {} au paiement en ligne.",
                amount(detail, "amount_cents").map(|a| a.to_string()).unwrap_or_default(),
                amount(detail, "balance_cents").map(|a| a.to_string()).unwrap_or_default(),
                if open { "ouvert" } else { "non ouvert" }
            )
        }
        (Entity::Person, Action::DemoLoaded) => "Données de démonstration chargées.".to_owned(),
        (Entity::Session, Action::EndedEverywhere) => {
            let sessions = detail.get("sessions").and_then(Value::as_u64).unwrap_or(0);
            format!("Déconnexion de tous les appareils ({sessions} session(s) fermée(s)).")
        }
        (Entity::Discrepancy, Action::Closed) => match text(detail, "comment") {
            Some(comment) => format!("Écart du rapprochement clos par l'agent : « {comment} »."),
            None => "Écart du rapprochement clos par l'agent.".to_owned(),
        },
        (Entity::Discrepancy, Action::Recorded) => {
            "Écart du rapprochement résolu : paiement enregistré d'après le relevé de la banque.".to_owned()
        }
        (Entity::BankReport, Action::Imported) => format!(
            "Relevé de la banque du {} importé : {} opération(s), {} rapprochée(s).",
            text(detail, "day").unwrap_or_default(),
            detail.get("operations").and_then(Value::as_u64).unwrap_or(0),
            detail.get("matched").and_then(Value::as_u64).unwrap_or(0)
        ),
        // A pair no service writes.
        _ => format!("{} : {}", entity.as_str(), action.as_str()),
    }
}

/// A refund's step on a payment, in words.
fn refund(action: Action, detail: &Value) -> String {
    let total = amount(detail, "amount_cents").map(|a| a.to_string()).unwrap_or_default();
    match action {
        Action::RefundAsked => {
            let reason = text(detail, "reason").and_then(Reason::parse).map_or("", Reason::label);
            format!("Remboursement de {total} demandé (motif : {reason}).")
        }
        Action::RefundApproved => format!("Remboursement de {total} approuvé par un second agent, envoyé à la banque."),
        Action::RefundRejected => format!("Remboursement de {total} rejeté par un second agent."),
        Action::RefundDone => {
            let mut words = match text(detail, "operation") {
                Some("cancel") => format!("Remboursement de {total} fait par la banque (annulé avant la remise)."),
                Some(_) => format!("Remboursement de {total} fait par la banque (recrédité sur la carte)."),
                None => format!("Remboursement de {total} trouvé fait à la banque (sa réponse s'était perdue)."),
            };
            if let Some(excess) = amount(detail, "from_excess_cents").filter(|e| !e.is_zero()) {
                words.push_str(&format!(" Pris sur le trop-perçu : {excess}."));
            }
            let put_back = shares(detail, "put_back", "amount_cents");
            if !put_back.is_empty() {
                words.push_str(&format!(" Remis à payer : {put_back}."));
            }
            words
        }
        _ => {
            let code = text(detail, "bank_response_code").unwrap_or_default();
            format!("Remboursement de {total} refusé par la banque ({code}).")
        }
    }
}

/// «Transaction PCLCB…», «Avis 3811…F»: what a journal row is about.
pub fn object_label(entity: Entity, entity_id: &str) -> String {
    let kind = match entity {
        Entity::Attempt => "Transaction",
        Entity::Payment => "Paiement",
        Entity::Message => "Message",
        Entity::Avis => "Avis",
        Entity::Person => "Assuré",
        Entity::Session => "Sessions de l'assuré",
        Entity::Discrepancy => "Écart",
        Entity::BankReport => "Relevé",
    };
    format!("{kind} {entity_id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_payment_reads_in_words_and_amounts() {
        let created = json!({"status": "pending", "amount_cents": 2000, "lines": [
            {"reference": "3811907400001234F", "planned_cents": 1250}, {"reference": "3811701200010075F", "planned_cents": 750}]});
        assert_eq!(
            describe(Entity::Attempt, Action::Created, &created),
            "Paiement de 20,00\u{a0}€ demandé, à répartir ainsi : 3811907400001234F : 12,50\u{a0}€, 3811701200010075F : 7,50\u{a0}€."
        );
        let accepted =
            json!({"from": "pending", "channel": "automatic", "response_code": "00", "authorisation_id": "761208"});
        assert_eq!(
            describe(Entity::Attempt, Action::Accepted, &accepted),
            "Banque : paiement accepté (code 00, autorisation 761208, réponse automatique)."
        );
        let late = json!({"from": "expired", "channel": "return", "response_code": "00", "authorisation_id": "1"});
        assert_eq!(
            describe(Entity::Attempt, Action::Accepted, &late),
            "Banque : paiement accepté, après expiration (code 00, autorisation 1, retour navigateur)."
        );
        assert_eq!(
            describe(
                Entity::Attempt,
                Action::Expired,
                &json!({"from": "pending", "reason": "no answer within 20 minutes"})
            ),
            "Tentative expirée : aucune réponse de la banque en 20 minutes."
        );
        let unknown =
            json!({"from": "pending", "reason": "abandoned", "bank_response_code": "25", "bank_status": null});
        assert_eq!(
            describe(Entity::Attempt, Action::Cancelled, &unknown),
            "Paiement abandonné par l'assuré : la banque, interrogée, ne connaissait pas la transaction (code 25)."
        );
        let refused =
            json!({"from": "pending", "reason": "abandoned", "bank_response_code": "00", "bank_status": "REFUSED"});
        assert_eq!(
            describe(Entity::Attempt, Action::Cancelled, &refused),
            "Paiement abandonné par l'assuré : la banque, interrogée, indiquait la transaction terminée sans paiement (REFUSED)."
        );
        let found =
            json!({"from": "pending", "channel": "status", "response_code": "00", "authorisation_id": "761208"});
        assert_eq!(
            describe(Entity::Attempt, Action::Accepted, &found),
            "Banque : paiement accepté (code 00, autorisation 761208, interrogation de la banque)."
        );
        assert_eq!(
            describe(Entity::Payment, Action::Received, &json!({"amount_cents": 2000})),
            "Paiement reçu : 20,00\u{a0}€, en cours de traitement."
        );
        let applied = json!({"amount_cents": 2000, "excess_cents": 150, "allocations": [{"reference": "3811907400001234F", "amount_cents": 1850}]});
        assert_eq!(
            describe(Entity::Payment, Action::Applied, &applied),
            "Pris en compte : 20,00\u{a0}€ réparti(s) ainsi : 3811907400001234F : 18,50\u{a0}€. Trop-perçu : 1,50\u{a0}€."
        );
    }

    #[test]
    fn the_reconciliation_reads_in_words() {
        assert_eq!(
            describe(Entity::Discrepancy, Action::Closed, &json!({"comment": "remboursé par chèque"})),
            "Écart du rapprochement clos par l'agent : « remboursé par chèque »."
        );
        assert_eq!(
            describe(Entity::Discrepancy, Action::Recorded, &json!({"payment": "p1"})),
            "Écart du rapprochement résolu : paiement enregistré d'après le relevé de la banque."
        );
        let imported = json!({"day": "2026-12-06", "operations": 12, "matched": 11, "found": 1});
        assert_eq!(
            describe(Entity::BankReport, Action::Imported, &imported),
            "Relevé de la banque du 2026-12-06 importé : 12 opération(s), 11 rapprochée(s)."
        );
        // A pair no service writes says what it is, as kept.
        assert_eq!(describe(Entity::Message, Action::Applied, &json!({})), "message : applied");
    }

    #[test]
    fn channels_and_outcomes_have_french_names() {
        assert_eq!(channel_label("automatic"), "Réponse automatique");
        assert_eq!(channel_label("return"), "Retour navigateur");
        assert_eq!(settlement_label("expiry"), "Expiration (aucune réponse en 20 minutes)");
        assert_eq!(settlement_label("status"), "Interrogation de la banque");
        assert_eq!(settlement_label("abandoned"), "Abandon par l'assuré (banque interrogée)");
        assert_eq!(outcome_label("applied"), "Appliquée");
        assert_eq!(outcome_label("duplicate"), "Doublon ignoré");
        assert_eq!(object_label(Entity::Attempt, "PCLCB172540000004"), "Transaction PCLCB172540000004");
        assert_eq!(object_label(Entity::Discrepancy, "e1"), "Écart e1");
    }
}
