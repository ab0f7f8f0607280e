//! The reference of an «avis de sommes à payer»: 16 digits and 1 letter.
//!
//! Observed structure: caisse code (3 digits), year (2), day of the year (3),
//! sequence (8), letter. Only «16 digits + 1 letter» is enforced; the structure is
//! used for display hints, never to refuse a reference.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Number of digits before the letter.
pub const DIGITS: usize = 16;
/// Total number of characters (and of input boxes on the reference page).
pub const LENGTH: usize = DIGITS + 1;

/// Why a text is not an avis reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// Not 16 digits followed by one letter.
    #[error("La référence doit comporter 16 chiffres et 1 lettre.")]
    Format,
}

/// A well-formed avis reference, upper case, without spaces: `3811907400001234F`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AvisReference(String);

impl AvisReference {
    /// Parses a typed or pasted reference: spaces (ordinary, no-break, narrow) and
    /// letter case do not matter.
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
        let bytes = compact.as_bytes();
        let well_formed = bytes.len() == LENGTH
            && bytes[..DIGITS].iter().all(u8::is_ascii_digit)
            && bytes[DIGITS].is_ascii_uppercase();
        if well_formed { Ok(AvisReference(compact)) } else { Err(ReferenceError::Format) }
    }

    /// The reference as stored and displayed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code of the caisse that issued the avis, when the reference follows the
    /// observed structure (a hint only).
    pub fn caisse_code_hint(&self) -> &str {
        &self.0[..3]
    }
}

impl TryFrom<String> for AvisReference {
    type Error = ReferenceError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        AvisReference::parse(&value)
    }
}

impl From<AvisReference> for String {
    fn from(value: AvisReference) -> Self {
        value.0
    }
}

impl fmt::Display for AvisReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Splits whatever was typed or pasted into the characters of the reference boxes:
/// spaces dropped, upper-cased, at most [`LENGTH`] characters. Used by the boxes to
/// spread a pasted reference over all of them.
pub fn box_characters(input: &str) -> Vec<char> {
    input.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).take(LENGTH).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_sixteen_digits_and_a_letter() {
        for (input, canonical) in [
            ("6311631200000297F", "6311631200000297F"),
            ("6311631200000297f", "6311631200000297F"),
            ("  6311 6312 0000 0297 F ", "6311631200000297F"),
            ("6311\u{A0}6312\u{202F}00000297F", "6311631200000297F"),
            ("3811907400001234Z", "3811907400001234Z"),
        ] {
            let parsed = AvisReference::parse(input).expect(input);
            assert_eq!(parsed.as_str(), canonical);
            assert_eq!(parsed.to_string(), canonical);
            assert_eq!(String::from(parsed), canonical);
        }
    }

    #[test]
    fn refuses_everything_else() {
        for input in [
            "",
            "6311631200000297",
            "6311631200000297FF",
            "631163120000029F",
            "63116312000002977F",
            "6311631200000297-",
            "6311631200000297É",
            "F6311631200000297",
            "631163120000029AF",
            "６311631200000297F",
            "6311631200000297F1",
        ] {
            assert_eq!(AvisReference::parse(input), Err(ReferenceError::Format), "{input:?}");
        }
    }

    #[test]
    fn the_refusal_speaks_french() {
        assert_eq!(ReferenceError::Format.to_string(), "La référence doit comporter 16 chiffres et 1 lettre.");
    }

    #[test]
    fn hints_at_the_caisse() {
        let reference = AvisReference::parse("6311631200000297F").expect("valid");
        assert_eq!(reference.caisse_code_hint(), "631");
    }

    #[test]
    fn spreads_a_pasted_reference_over_the_boxes() {
        assert_eq!(box_characters("6311 6312 0000 0297 f").iter().collect::<String>(), "6311631200000297F");
        assert_eq!(box_characters("63116312000002970000F").len(), LENGTH);
    }

    proptest! {
        #[test]
        fn parse_is_idempotent(digits in "[0-9]{16}", letter in "[a-zA-Z]", spaces in " {0,3}") {
            let input = format!("{spaces}{digits}{spaces}{letter}");
            let parsed = AvisReference::parse(&input).expect("well formed");
            prop_assert_eq!(AvisReference::parse(parsed.as_str()), Ok(parsed.clone()));
            prop_assert_eq!(parsed.as_str().len(), LENGTH);
        }

        #[test]
        fn parsing_never_panics(input in "\\PC*") {
            let _ = AvisReference::parse(&input);
            let _ = box_characters(&input);
        }
    }
}
