//! The «Numéro de sécurité sociale» (NIR) an insured person signs in with.
//!
//! 13 characters, optionally followed by the 2-digit key; spaces allowed. The key is
//! 97 − (NIR mod 97), where the Corsican department codes 2A and 2B count as 19 and
//! 18.
//!
//! The parts are checked as the Assurance Maladie's own validator
//! (`assurance-maladie-digital/nir-validation`, `NirValidator::check`) checks
//! them: the sex is 1 or 2, the month 01 to 12, the department two digits or
//! 2A/2B, the commune and the rank three digits each, the key 00 to 97.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a text is not a NIR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NirError {
    /// Neither 13 nor 15 characters of the right kind.
    #[error("Le numéro de sécurité sociale doit comporter 13 chiffres, ou 15 avec la clé.")]
    Format,
    /// The right length, but a part that no NIR has (sex, month, department).
    #[error(
        "Ce numéro de sécurité sociale n'existe pas : vérifiez le premier chiffre (1 ou 2) et le mois de naissance."
    )]
    Parts,
    /// 15 characters whose last two are not the key of the first 13.
    #[error("La clé de votre numéro de sécurité sociale est incorrecte : vérifiez les 2 derniers chiffres.")]
    Key,
}

/// A well-formed NIR, stored as its 13 characters (without the key).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nir(String);

impl Nir {
    /// Parses a typed NIR (13 characters, or 15 with the key; spaces ignored;
    /// `2a`/`2b` accepted in either case).
    pub fn parse(input: &str) -> Result<Self, NirError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect();
        if !compact.is_ascii() || !(compact.len() == 13 || compact.len() == 15) {
            return Err(NirError::Format);
        }
        let (body, key) = compact.split_at(13);
        let number = numeric_value(body).ok_or(NirError::Format)?;
        if !has_valid_parts(body) {
            return Err(NirError::Parts);
        }
        if !key.is_empty() {
            let key: u64 = match key.bytes().all(|b| b.is_ascii_digit()) {
                true => key.parse().map_err(|_| NirError::Format)?,
                false => return Err(NirError::Format),
            };
            if key != 97 - number % 97 {
                return Err(NirError::Key);
            }
        }
        Ok(Nir(body.to_owned()))
    }

    /// The 13 characters, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 2-digit key.
    pub fn key(&self) -> u8 {
        let number = numeric_value(&self.0).unwrap_or_default();
        u8::try_from(97 - number % 97).unwrap_or_default()
    }

    /// The NIR with its key, grouped as printed on a carte Vitale:
    /// «1 83 02 01 053 123 92».
    pub fn display_grouped(&self) -> String {
        let s = &self.0;
        format!("{} {} {} {} {} {} {:02}", &s[0..1], &s[1..3], &s[3..5], &s[5..7], &s[7..10], &s[10..13], self.key())
    }
}

/// The sex (1 or 2) and the month (01 to 12); the department is two digits or
/// 2A/2B, the rest digits, which [`numeric_value`] has checked already.
fn has_valid_parts(body: &str) -> bool {
    let bytes = body.as_bytes();
    let month = &body[3..5];
    matches!(bytes[0], b'1' | b'2')
        && matches!(month.parse::<u8>(), Ok(1..=12))
        && month.bytes().all(|b| b.is_ascii_digit())
}

/// The number the key is computed from: the 13 characters, with 2A → 19 and
/// 2B → 18 in the department position; `None` if any other character is not a digit.
fn numeric_value(body: &str) -> Option<u64> {
    let department = &body[5..7];
    let digits = match department {
        "2A" => format!("{}19{}", &body[..5], &body[7..]),
        "2B" => format!("{}18{}", &body[..5], &body[7..]),
        _ => body.to_owned(),
    };
    if digits.bytes().all(|b| b.is_ascii_digit()) { digits.parse().ok() } else { None }
}

impl TryFrom<String> for Nir {
    type Error = NirError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Nir::parse(&value)
    }
}

impl From<Nir> for String {
    fn from(value: Nir) -> Self {
        value.0
    }
}

impl fmt::Display for Nir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_demo_persons_with_and_without_key() {
        for (input, body, key) in [
            ("1830201053123 92", "1830201053123", 92),
            ("183020105312392", "1830201053123", 92),
            ("1 83 02 01 053 123", "1830201053123", 92),
            ("2901063113045 20", "2901063113045", 20),
            ("1750538185012 49", "1750538185012", 49),
            ("2680975056088 97", "2680975056088", 97),
        ] {
            let nir = Nir::parse(input).expect(input);
            assert_eq!(nir.as_str(), body);
            assert_eq!(nir.key(), key);
            assert_eq!(nir.to_string(), body);
            assert_eq!(String::from(nir), body);
        }
    }

    #[test]
    fn corsica_counts_as_19_and_18() {
        // Keys computed with Python: 97 - 1850519123456 % 97 == 33 (2A → 19),
        // 97 - 1850518123456 % 97 == 60 (2B → 18).
        let nir = Nir::parse("185052A123456 33").expect("2A with key");
        assert_eq!(nir.key(), 33);
        assert_eq!(nir.as_str(), "185052A123456");
        assert_eq!(Nir::parse("185052a12345633").map(|n| n.key()), Ok(33));
        assert_eq!(Nir::parse("185052B123456 60").map(|n| n.key()), Ok(60));
        assert_eq!(Nir::parse("185052B123456 33"), Err(NirError::Key));
    }

    #[test]
    fn refuses_bad_formats_and_keys() {
        for (input, error) in [
            ("", NirError::Format),
            ("183020105312", NirError::Format),
            ("18302010531239", NirError::Format),
            ("1830201053123922", NirError::Format),
            ("18302010531A3", NirError::Format),
            ("1830201053123 9A", NirError::Format),
            ("1830A01053123", NirError::Format),
            ("183A201053123", NirError::Format),
            ("18302A1053123", NirError::Format),
            ("1830201A53123", NirError::Format),
            ("1830201053123 93", NirError::Key),
            ("1830201053123 00", NirError::Key),
            ("١٨٣٠٢٠١٠٥٣١٢٣", NirError::Format),
        ] {
            assert_eq!(Nir::parse(input), Err(error), "{input:?}");
        }
    }

    #[test]
    fn refuses_the_parts_no_nir_has_as_the_cnam_validator_does() {
        // The Assurance Maladie validator's own refusal: sex 8 with a right key.
        assert_eq!(Nir::parse("8 84 05 88 321 025 23"), Err(NirError::Parts));
        for body in
            ["0830201053123", "3830201053123", "8830201053123", "1830001053123", "1831301053123", "1839901053123"]
        {
            assert_eq!(Nir::parse(body), Err(NirError::Parts), "{body:?}");
            let with_key = format!("{body}{:02}", 97 - body.parse::<u64>().expect("digits") % 97);
            assert_eq!(Nir::parse(&with_key), Err(NirError::Parts), "{with_key:?}");
        }
        // And its accepted examples.
        for input in [
            "2840588321025",
            "255081416802538",
            "2 84 05 88 321 025 32",
            "2 84 05 2A 321 025 52",
            "2 84 05 2B 321 025 79",
        ] {
            assert!(Nir::parse(input).is_ok(), "{input:?}");
        }
        assert_eq!(Nir::parse("2 55 08 14 168 025 00"), Err(NirError::Key));
    }

    #[test]
    fn groups_like_a_carte_vitale() {
        let nir = Nir::parse("1830201053123").expect("valid");
        assert_eq!(nir.display_grouped(), "1 83 02 01 053 123 92");
    }

    proptest! {
        #[test]
        fn a_computed_key_is_always_accepted(body in "[12][0-9]{2}(0[1-9]|1[0-2])([0-9]{2}|2A|2B)[0-9]{6}") {
            let nir = Nir::parse(&body).expect("13 digits");
            let with_key = format!("{body}{:02}", nir.key());
            prop_assert_eq!(Nir::parse(&with_key), Ok(nir));
        }

        #[test]
        fn parsing_never_panics(input in "\\PC*") {
            let _ = Nir::parse(&input);
        }

        #[test]
        fn only_sexes_1_and_2_and_months_01_to_12_are_accepted(sex in 0u8..10, month in 0u8..100, rest in "[0-9]{8}") {
            let body = format!("{sex}{:02}{month:02}{rest}", 83);
            let accepted = Nir::parse(&body).is_ok();
            prop_assert_eq!(accepted, matches!(sex, 1 | 2) && (1..=12).contains(&month));
        }
    }
}
