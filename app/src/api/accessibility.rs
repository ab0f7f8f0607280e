//! What the accessibility statement says (RGAA 4.1): the result of the audit
//! whose 106 criteria, one by one, are in `docs/accessibilite.md` (a test
//! checks that the two agree).

/// The audit's date.
pub const AUDIT_DATE: &str = "04/12/2026";
/// Criteria met.
pub const CONFORMING: u32 = 67;
/// Criteria not met.
pub const NOT_CONFORMING: u32 = 0;
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

/// The contents that are not accessible: (criterion, what and why).
pub const NOT_ACCESSIBLE: &[(&str, &str)] = &[];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_criterion_of_the_rgaa_is_counted_once() {
        assert_eq!(CONFORMING + NOT_CONFORMING + NOT_APPLICABLE, 106);
        assert_eq!(NOT_CONFORMING == 0, NOT_ACCESSIBLE.is_empty(), "each criterion not met is explained");
    }

    #[test]
    fn the_audit_document_counts_what_the_statement_says() {
        let document = include_str!("../../../docs/accessibilite.md");
        let results: Vec<&str> = document
            .lines()
            .filter(|line| line.starts_with("| ") && line.split('|').nth(1).is_some_and(|c| c.trim().contains('.')))
            .filter_map(|line| line.split('|').nth(3).map(str::trim))
            .collect();
        assert_eq!(results.len(), 106, "one line per criterion");
        let count = |result: &str| results.iter().filter(|r| **r == result).count() as u32;
        assert_eq!((count("C"), count("NC"), count("NA")), (CONFORMING, NOT_CONFORMING, NOT_APPLICABLE));
    }
}
