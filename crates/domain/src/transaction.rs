//! The reference of one payment attempt, as the bank and the caisse see it:
//! «PCLCB» + the year (2 digits) + the day of the year (3) + a sequence of the
//! day (7), e.g. `PCLCB172540000004` for the 4th attempt of 11/09/2017.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The fixed prefix.
pub const PREFIX: &str = "PCLCB";
/// Total number of characters.
pub const LENGTH: usize = 17;
/// The largest sequence number of a day.
pub const MAX_SEQUENCE: u32 = 9_999_999;

/// Why a text is not a transaction reference, or a reference cannot be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransactionReferenceError {
    /// Not «PCLCB» followed by 12 digits.
    #[error("La référence de transaction doit comporter PCLCB puis 12 chiffres.")]
    Format,
    /// The day's sequence is used up, or the day is not one of the year.
    #[error("Aucune référence de transaction ne peut plus être attribuée ce jour.")]
    OutOfRange,
}

/// A well-formed transaction reference, upper case, without spaces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TransactionReference(String);

impl TransactionReference {
    /// Parses a reference as typed or received: spaces and letter case do not
    /// matter.
    pub fn parse(input: &str) -> Result<Self, TransactionReferenceError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
        let well_formed = compact.len() == LENGTH
            && compact.starts_with(PREFIX)
            && compact.bytes().skip(PREFIX.len()).all(|b| b.is_ascii_digit());
        if well_formed { Ok(TransactionReference(compact)) } else { Err(TransactionReferenceError::Format) }
    }

    /// The `sequence`-th reference (from 1) of day `day_of_year` (1 to 366) of
    /// `year`.
    pub fn new(year: i32, day_of_year: u16, sequence: u32) -> Result<Self, TransactionReferenceError> {
        if !(1..=366).contains(&day_of_year) || !(1..=MAX_SEQUENCE).contains(&sequence) {
            return Err(TransactionReferenceError::OutOfRange);
        }
        Ok(TransactionReference(format!("{PREFIX}{:02}{day_of_year:03}{sequence:07}", year.rem_euclid(100))))
    }

    /// The reference as stored, sent and displayed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TransactionReference {
    type Error = TransactionReferenceError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        TransactionReference::parse(&value)
    }
}

impl From<TransactionReference> for String {
    fn from(value: TransactionReference) -> Self {
        value.0
    }
}

impl fmt::Display for TransactionReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_seed_reference_is_the_4th_of_11_september_2017() {
        let made = TransactionReference::new(2017, 254, 4).expect("in range");
        assert_eq!(made.as_str(), "PCLCB172540000004");
        assert_eq!(made.to_string(), "PCLCB172540000004");
        assert_eq!(TransactionReference::parse("pclcb 17254 0000004"), Ok(made));
    }

    #[test]
    fn refuses_what_is_not_a_reference() {
        for input in [
            "",
            "PCLCB17254000000",
            "PCLCB1725400000044",
            "PCLCA172540000004",
            "PCLCB17254000000X",
            "3811907400001234F",
        ] {
            assert_eq!(TransactionReference::parse(input), Err(TransactionReferenceError::Format), "{input:?}");
        }
    }

    #[test]
    fn a_day_has_at_most_9_999_999_references() {
        assert!(TransactionReference::new(2026, 331, MAX_SEQUENCE).is_ok());
        assert_eq!(TransactionReference::new(2026, 331, MAX_SEQUENCE + 1), Err(TransactionReferenceError::OutOfRange));
        assert_eq!(TransactionReference::new(2026, 331, 0), Err(TransactionReferenceError::OutOfRange));
        assert_eq!(TransactionReference::new(2026, 0, 1), Err(TransactionReferenceError::OutOfRange));
        assert_eq!(TransactionReference::new(2026, 367, 1), Err(TransactionReferenceError::OutOfRange));
        assert_eq!(TransactionReference::new(2000, 1, 1).map(String::from), Ok("PCLCB000010000001".to_owned()));
    }

    #[test]
    fn crosses_the_wire_as_its_text_and_refuses_a_bad_one() {
        let reference = TransactionReference::parse("PCLCB172540000004").expect("valid");
        let json = serde_json::to_string(&reference).expect("serialises");
        assert_eq!(json, "\"PCLCB172540000004\"");
        assert_eq!(serde_json::from_str::<TransactionReference>(&json).expect("parses"), reference);
        assert!(serde_json::from_str::<TransactionReference>("\"PCLCB1\"").is_err());
    }

    proptest! {
        #[test]
        fn every_made_reference_parses_back(year in 2000i32..2100, day in 1u16..=366, sequence in 1u32..=MAX_SEQUENCE) {
            let made = TransactionReference::new(year, day, sequence).expect("in range");
            prop_assert_eq!(TransactionReference::parse(made.as_str()), Ok(made.clone()));
            prop_assert_eq!(made.as_str().len(), LENGTH);
        }
    }
}
