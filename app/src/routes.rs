//! The app's addresses, in one place: pages link and redirect with these, and
//! a test checks them against the router's own list (`app::tests`) and the
//! server's routes (`server::startup`).

use crate::domain::{AvisReference, Euros, TransactionReference};

/// «Connexion à mon compte».
pub const SIGN_IN: &str = "/connexion";
/// «Accueil».
pub const HOME: &str = "/accueil";
/// «Mes paiements».
pub const MY_PAYMENTS: &str = "/mes-paiements";
/// «Participations forfaitaires et franchises».
pub const OVERVIEW: &str = "/mes-paiements/participations-forfaitaires-et-franchises";
/// «Payer une créance», step 1.
pub const PAY: &str = "/mes-paiements/payer-une-creance";
/// «Ma messagerie».
pub const MAILBOX: &str = "/ma-messagerie";
/// «Mes démarches».
pub const DEMARCHES: &str = "/mes-demarches";

/// «Déclaration d'accessibilité».
pub const ACCESSIBILITY: &str = "/accessibilite";
/// «Plan du site».
pub const SITE_MAP: &str = "/plan-du-site";

/// The agents' sign-in page.
pub const AGENT_SIGN_IN: &str = "/agent/connexion";
/// The back office's home: the payments received.
pub const AGENT_HOME: &str = "/agent";
/// The back office's search.
pub const AGENT_SEARCH: &str = "/agent/recherche";
/// The trop-perçus.
pub const AGENT_TROP_PERCUS: &str = "/agent/trop-percus";
/// Issuing an avis.
pub const AGENT_NEW_AVIS: &str = "/agent/avis/nouveau";
/// The caisse's journal.
pub const AGENT_JOURNAL: &str = "/agent/journal";
/// «Rapprochement bancaire»: the bank's daily reports and their discrepancies.
pub const AGENT_RECONCILIATION: &str = "/agent/rapprochement";
/// Where «Rapprochement bancaire» uploads a bank report (a server route).
pub const AGENT_BANK_REPORT_UPLOAD: &str = "/agent/rapprochement/releve";
/// The reconciliation export (a server route).
pub const AGENT_EXPORT_CSV: &str = "/agent/export.csv";

/// Where the kiosk sends the browser back (a server route).
pub const KIOSK_RETURN: &str = "/paiement/retour";
/// Where the return goes on: «Accueil», or on a public terminal the end of the
/// session (a server route).
pub const PAYMENT_RESULT: &str = "/paiement/resultat";
/// A public terminal's start page: switches its browser to terminal mode.
pub const TERMINAL: &str = "/borne";
/// Where the kiosk posts its answer server to server (a server route).
pub const KIOSK_AUTOMATIC_RESPONSE: &str = "/paiement/reponse-automatique";

/// The states of payments, in the answers' encoding (`codec`) (`?paiements=PCLCB…,PCLCB…`; a server route).
pub const PAYMENT_STATES: &str = "/api/etat-des-paiements";

/// The states of `attempts`.
pub fn payment_states(attempts: &[TransactionReference]) -> String {
    let list: Vec<&str> = attempts.iter().map(TransactionReference::as_str).collect();
    format!("{PAYMENT_STATES}?paiements={}", list.join(","))
}

/// The page patterns of the router, as `leptos_router` lists them.
pub const PAGE_PATTERNS: [&str; 21] = [
    "/",
    SIGN_IN,
    HOME,
    MY_PAYMENTS,
    OVERVIEW,
    PAY,
    "/mes-paiements/payer-une-creance/paiement/:transaction",
    "/mes-paiements/payer-une-creance/:reference",
    MAILBOX,
    "/ma-messagerie/:id",
    DEMARCHES,
    ACCESSIBILITY,
    SITE_MAP,
    AGENT_SIGN_IN,
    AGENT_HOME,
    "/agent/paiements/:transaction",
    AGENT_SEARCH,
    AGENT_TROP_PERCUS,
    AGENT_NEW_AVIS,
    AGENT_JOURNAL,
    AGENT_RECONCILIATION,
];

/// «Accueil» after the kiosk, with the banner of `transaction`.
pub fn home_after_payment(transaction: &TransactionReference) -> String {
    format!("{HOME}?paiement={transaction}")
}

/// Where the return from the kiosk for `transaction` goes on.
pub fn payment_result(transaction: &TransactionReference) -> String {
    format!("{PAYMENT_RESULT}?paiement={transaction}")
}

/// Step 2 for `reference`.
pub fn pay_step_2(reference: &AvisReference) -> String {
    format!("{PAY}/{reference}")
}

/// Step 1 again, for a step 2 that cannot be shown: the reference in its
/// address (`typed`, as the step-2 address had it), whose lookup step 1 then
/// says why ([`crate::api::pay::reference_page`]). Only its letters and
/// digits are kept: a reference has no others.
pub fn pay_refused(typed: &str) -> String {
    let kept: String = typed.chars().filter(char::is_ascii_alphanumeric).take(40).collect();
    format!("{PAY}?reference={kept}")
}

/// The page that sends the browser to the kiosk for `transaction`.
pub fn pay_kiosk_redirect(transaction: &TransactionReference) -> String {
    format!("{PAY}/paiement/{transaction}")
}

/// A message of «Ma messagerie».
pub fn message(id: &str) -> String {
    format!("{MAILBOX}/{id}")
}

/// A message, asking to confirm its deletion.
pub fn message_delete(id: &str) -> String {
    format!("{MAILBOX}/{id}?supprimer")
}

/// A message's PDF (a server route).
pub fn message_pdf(id: &str) -> String {
    format!("{MAILBOX}/{id}/pdf")
}

/// The pattern of the message's PDF route, for the server's router.
pub const MESSAGE_PDF_PATTERN: &str = "/ma-messagerie/{id}/pdf";

/// One payment in the back office.
pub fn agent_payment(transaction: &TransactionReference) -> String {
    format!("{AGENT_HOME}/paiements/{transaction}")
}

/// A payment's page with its refund form filled in to give back `excess` of the
/// payment `payment`, a trop-perçu (the trop-perçus' «Rembourser»).
pub fn agent_refund_of_excess(transaction: &TransactionReference, payment: &str, excess: Euros) -> String {
    format!(
        "{AGENT_HOME}/paiements/{transaction}?paiement={payment}&montant={}&motif=trop_percu#remboursements",
        excess.to_input_string()
    )
}

/// A payment's page with its form «Affecter un trop-perçu» on the payment
/// `payment` (the trop-perçus' «Affecter»).
pub fn agent_assign_excess(transaction: &TransactionReference, payment: &str) -> String {
    format!("{AGENT_HOME}/paiements/{transaction}?trop_percu={payment}#affecter")
}

/// The back office's search for `query`.
pub fn agent_search(query: &str) -> String {
    format!("{AGENT_SEARCH}?q={query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_addresses_built_from_values() {
        let reference = AvisReference::parse("3811907400001234F").expect("valid");
        let transaction = TransactionReference::parse("PCLCB172540000004").expect("valid");
        assert_eq!(pay_step_2(&reference), "/mes-paiements/payer-une-creance/3811907400001234F");
        assert_eq!(pay_kiosk_redirect(&transaction), "/mes-paiements/payer-une-creance/paiement/PCLCB172540000004");
        assert_eq!(home_after_payment(&transaction), "/accueil?paiement=PCLCB172540000004");
        assert_eq!(payment_result(&transaction), "/paiement/resultat?paiement=PCLCB172540000004");
        assert_eq!(agent_payment(&transaction), "/agent/paiements/PCLCB172540000004");
        assert_eq!(message_pdf("42"), "/ma-messagerie/42/pdf");
        assert_eq!(message_pdf("42"), MESSAGE_PDF_PATTERN.replace("{id}", "42"));
        let other = TransactionReference::parse("PCLCB172540000005").expect("valid");
        assert_eq!(
            payment_states(&[transaction, other]),
            "/api/etat-des-paiements?paiements=PCLCB172540000004,PCLCB172540000005"
        );
    }
}
