//! What the accessibility statement says (RGAA 4.1): the result of the audit
//! whose 106 criteria, one by one, each with its proof, are in
//! `docs/accessibilite.md` (a test checks that the two agree, and that no
//! criterion whose screen-reader test was not made is counted as met).

/// The audit's date.
pub const AUDIT_DATE: &str = "06/12/2026";
/// Criteria met.
pub const CONFORMING: u32 = 64;
/// Criteria not met (or not shown to be met).
pub const NOT_CONFORMING: u32 = 3;
/// Criteria with nothing to apply to (no video, no frame, no CAPTCHA…).
pub const NOT_APPLICABLE: u32 = 39;

/// The rate of conformity: the criteria met among those that apply, in percent
/// (rounded down).
pub const fn rate() -> u32 {
    match (CONFORMING * 100).checked_div(CONFORMING + NOT_CONFORMING) {
        Some(rate) => rate,
        None => 100,
    }
}

/// The state of conformity, as the RGAA names it: totally conformant at
/// 100 %, partially from 50 %, not conformant below.
pub const STATUS: &str = match rate() {
    100 => "totalement conforme",
    50..=99 => "partiellement conforme",
    _ => "non conforme",
};

/// The contents that are not accessible: «Critère n : what and why», one
/// per criterion not met.
pub const NOT_ACCESSIBLE: &[&str] = &[
    "Critère 7.1 : la compatibilité des composants scriptés (cases de la référence, confirmation d'abandon, \
     avertissement de session) avec les lecteurs d'écran n'a pas été vérifiée avec un lecteur d'écran.",
    "Critère 7.5 : la restitution des messages de statut (totaux, vérifications en cours de saisie, bandeaux) par \
     les lecteurs d'écran n'a pas été vérifiée avec un lecteur d'écran.",
    "Critère 12.1 : l'espace agents n'a qu'un système de navigation, son menu : le plan du site ne liste pas ses \
     pages.",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_criterion_of_the_rgaa_is_counted_once_and_the_state_follows_the_rgaas_rule() {
        assert_eq!(CONFORMING + NOT_CONFORMING + NOT_APPLICABLE, 106);
        assert_eq!(NOT_ACCESSIBLE.len() as u32, NOT_CONFORMING, "each criterion not met is explained");
        // 64 of 67: 95 %, partially.
        assert_eq!((rate(), STATUS), (CONFORMING * 100 / (CONFORMING + NOT_CONFORMING), "partiellement conforme"));
    }

    /// The criteria of the audit document: (criterion, result, proof).
    fn criteria() -> Vec<(String, String, String)> {
        include_str!("../../../docs/accessibilite.md")
            .lines()
            .filter(|line| line.starts_with("| ") && line.split('|').nth(1).is_some_and(|c| c.trim().contains('.')))
            .map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let cell = |i: usize| cells.get(i).copied().unwrap_or_default().to_owned();
                (cell(1), cell(3), cell(5))
            })
            .collect()
    }

    #[test]
    fn the_audit_document_counts_what_the_statement_says() {
        let results = criteria();
        assert_eq!(results.len(), 106, "one line per criterion");
        let count = |result: &str| results.iter().filter(|(_, r, _)| r == result).count() as u32;
        assert_eq!((count("C"), count("NC"), count("NA")), (CONFORMING, NOT_CONFORMING, NOT_APPLICABLE));
        let not_met: Vec<&str> = results.iter().filter(|(_, r, _)| r == "NC").map(|(c, _, _)| c.as_str()).collect();
        let listed: Vec<&str> =
            NOT_ACCESSIBLE.iter().filter_map(|line| line.strip_prefix("Critère ")?.split(" : ").next()).collect();
        assert_eq!(not_met, listed, "the statement lists each");
    }

    #[test]
    fn each_criterion_names_its_proof_and_none_waiting_for_a_screen_reader_counts_as_met() {
        for (criterion, result, proof) in criteria() {
            assert!(!proof.is_empty(), "{criterion}: no proof");
            let known = ["axe `", "test « ", "tests ", "à la main : ", "script `", "TA : non faite"];
            assert!(known.iter().any(|kind| proof.contains(kind)), "{criterion}: a proof of no known kind: {proof}");
            if proof.contains("TA : non faite") {
                assert_ne!(result, "C", "{criterion} waits for a screen reader: not met until it is made");
            }
        }
    }
}
