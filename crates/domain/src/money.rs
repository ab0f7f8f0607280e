//! Amounts in euros: exact decimals with two places, never `f64`.
//!
//! The database stores integer cents; the browser and the server parse the
//! French input forms («20», «20,5», «20,50», «20.50») with the same function and
//! display amounts the French way («1 234,50 €», U+202F between thousands, U+00A0
//! before the sign).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Narrow no-break space, the French thousands separator.
pub const THOUSANDS_SEPARATOR: char = '\u{202F}';
/// No-break space, between an amount and its currency sign.
pub const NBSP: char = '\u{00A0}';

/// The largest amount the product handles, one billion euros: anything larger is a
/// typing error, and integer cents stay far from overflowing.
const MAX_EUROS: i64 = 1_000_000_000;

/// Why a text is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not a non-negative number of euros with at most two decimals.
    #[error("Saisissez un montant en euros, par exemple 20,50.")]
    Format,
}

/// A sum of money in euros, an exact decimal with two places.
///
/// Invariant: scale 2, absolute value at most one billion euros. It crosses the
/// wire as integer cents, like the database stores it (and so the browser build
/// needs no decimal text parsing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Euros(Decimal);

impl Euros {
    /// Zero euros.
    pub const ZERO: Euros = Euros(Decimal::from_parts(0, 0, 0, false, 2));

    /// An amount from a number of cents (as stored in the database).
    pub fn from_cents(cents: i64) -> Self {
        Euros(Decimal::new(cents, 2))
    }

    /// A whole number of euros.
    pub fn from_euros(euros: i64) -> Self {
        Euros::from_cents(euros * 100)
    }

    /// The amount as integer cents, for the database and the kiosk protocol.
    pub fn cents(self) -> i64 {
        i64::try_from(self.0.mantissa()).unwrap_or(i64::MAX)
    }

    /// The amount as an exact decimal with two places.
    pub fn to_decimal(self) -> Decimal {
        self.0
    }

    /// Parses what a person types in an amount field: «20», «20,5», «20,50»,
    /// «20.50», «1 234,50», optionally followed by «€». Negative numbers, more than
    /// two decimals, exponents and anything else are refused.
    pub fn parse_fr(input: &str) -> Result<Self, MoneyError> {
        let compact: String = input
            .trim()
            .trim_end_matches('€')
            .chars()
            .filter(|c| !matches!(*c, ' ' | NBSP | THOUSANDS_SEPARATOR | '\t'))
            .collect();
        let (whole, fraction) = match compact.find([',', '.']) {
            Some(at) => (&compact[..at], &compact[at + 1..]),
            None => (compact.as_str(), ""),
        };
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let has_separator = whole.len() < compact.len();
        // (An empty whole part fails to parse below.)
        if whole.len() > 12
            || !digits_only(whole)
            || !digits_only(fraction)
            || fraction.len() > 2
            || (has_separator && fraction.is_empty())
        {
            return Err(MoneyError::Format);
        }
        let whole: i64 = whole.parse().map_err(|_| MoneyError::Format)?;
        let fraction: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().map_err(|_| MoneyError::Format)? * 10,
            _ => fraction.parse().map_err(|_| MoneyError::Format)?,
        };
        if whole > MAX_EUROS {
            return Err(MoneyError::Format);
        }
        Euros::try_from(Decimal::new(whole * 100 + fraction, 2))
    }

    /// The sum, or `None` past the product's limit.
    pub fn checked_add(self, other: Euros) -> Option<Euros> {
        self.0.checked_add(other.0).and_then(|d| Euros::try_from(d).ok())
    }

    /// The difference, or `None` past the product's limit.
    pub fn checked_sub(self, other: Euros) -> Option<Euros> {
        self.0.checked_sub(other.0).and_then(|d| Euros::try_from(d).ok())
    }

    /// The difference, never below zero.
    pub fn saturating_sub(self, other: Euros) -> Euros {
        self.checked_sub(other).filter(|d| *d >= Euros::ZERO).unwrap_or(Euros::ZERO)
    }

    /// The smaller of two amounts.
    pub fn min(self, other: Euros) -> Euros {
        if self <= other { self } else { other }
    }

    /// True for zero euros.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// The amount without the currency sign, for an input's value: «20,50».
    pub fn to_input_string(self) -> String {
        let cents = self.cents();
        let sign = if cents < 0 { "-" } else { "" };
        format!("{sign}{},{:02}", cents.unsigned_abs() / 100, cents.unsigned_abs() % 100)
    }

    /// Sums amounts; `None` past the product's limit.
    pub fn sum<I: IntoIterator<Item = Euros>>(amounts: I) -> Option<Euros> {
        amounts.into_iter().try_fold(Euros::ZERO, Euros::checked_add)
    }
}

/// Exact decimals with at most two places and within the product's limit.
impl TryFrom<Decimal> for Euros {
    type Error = MoneyError;

    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        let mut scaled = value;
        scaled.rescale(2);
        if scaled != value || scaled.abs() > Decimal::from(MAX_EUROS) {
            return Err(MoneyError::Format);
        }
        Ok(Euros(scaled))
    }
}

/// Integer cents within the product's limit.
impl TryFrom<i64> for Euros {
    type Error = MoneyError;

    fn try_from(cents: i64) -> Result<Self, Self::Error> {
        if cents.unsigned_abs() > MAX_EUROS.unsigned_abs() * 100 {
            return Err(MoneyError::Format);
        }
        Ok(Euros::from_cents(cents))
    }
}

impl From<Euros> for i64 {
    fn from(value: Euros) -> Self {
        value.cents()
    }
}

impl From<Euros> for Decimal {
    fn from(value: Euros) -> Self {
        value.0
    }
}

/// «1 234,50 €»: U+202F between thousands, a comma, U+00A0 before the sign.
impl fmt::Display for Euros {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cents = self.cents();
        let sign = if cents < 0 { "-" } else { "" };
        let cents = cents.unsigned_abs();
        let whole = (cents / 100).to_string();
        let mut grouped = String::with_capacity(whole.len() * 2);
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(THOUSANDS_SEPARATOR);
            }
            grouped.push(digit);
        }
        write!(f, "{sign}{grouped},{:02}{NBSP}€", cents % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_french_forms() {
        for (input, cents) in [
            ("20", 2000),
            ("20,5", 2050),
            ("20,50", 2050),
            ("20.50", 2050),
            (" 20,50 ", 2050),
            ("20,50 €", 2050),
            ("20,50€", 2050),
            ("1 234,50", 123_450),
            ("1\u{202F}234,50", 123_450),
            ("1\u{A0}234", 123_400),
            ("0", 0),
            ("016", 1600),
            ("16,00", 1600),
        ] {
            assert_eq!(Euros::parse_fr(input), Ok(Euros::from_cents(cents)), "input {input:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for input in [
            "",
            " ",
            "€",
            "abc",
            "20,",
            ",50",
            "20,505",
            "20.5.0",
            "20,5,0",
            "-1",
            "+1",
            "1e9",
            "1E2",
            "0x10",
            "20 €50",
            "NaN",
            "inf",
            "٢٠",
            "１６",
            "9999999999999",
            "1.234,50",
            "20;50",
            "20'50",
        ] {
            assert_eq!(Euros::parse_fr(input), Err(MoneyError::Format), "input {input:?}");
        }
    }

    #[test]
    fn the_refusal_speaks_french() {
        assert_eq!(MoneyError::Format.to_string(), "Saisissez un montant en euros, par exemple 20,50.");
    }

    #[test]
    fn the_limits_are_inclusive_everywhere() {
        let max = Euros::from_euros(MAX_EUROS);
        assert_eq!(Euros::parse_fr("1000000000"), Ok(max));
        assert_eq!(Euros::parse_fr("1000000001"), Err(MoneyError::Format));
        // 1 to 12 digits before the comma, leading zeros included.
        assert_eq!(Euros::parse_fr("000000000016"), Ok(Euros::from_euros(16)));
        assert_eq!(Euros::parse_fr("0000000000016"), Err(MoneyError::Format));
        assert_eq!(Euros::try_from(Decimal::from(MAX_EUROS)), Ok(max));
        assert_eq!(Euros::try_from(Decimal::new(MAX_EUROS * 100 + 1, 2)), Err(MoneyError::Format));
        assert_eq!(Euros::try_from(MAX_EUROS * 100), Ok(max));
        assert_eq!(Euros::try_from(-MAX_EUROS * 100), Ok(Euros::from_cents(-MAX_EUROS * 100)));
        assert_eq!(Euros::try_from(MAX_EUROS * 100 + 1), Err(MoneyError::Format));
    }

    #[test]
    fn an_input_shows_the_amount_without_the_sign_of_euros() {
        for (cents, shown) in [(0, "0,00"), (5, "0,05"), (2050, "20,50"), (-150, "-1,50")] {
            assert_eq!(Euros::from_cents(cents).to_input_string(), shown);
        }
    }

    #[test]
    fn displays_the_french_way() {
        for (cents, shown) in [
            (0, "0,00\u{A0}€"),
            (5, "0,05\u{A0}€"),
            (2000, "20,00\u{A0}€"),
            (8709, "87,09\u{A0}€"),
            (123_450, "1\u{202F}234,50\u{A0}€"),
            (123_456_789, "1\u{202F}234\u{202F}567,89\u{A0}€"),
            (12_345, "123,45\u{A0}€"),
            (12_345_678, "123\u{202F}456,78\u{A0}€"),
            (-1250, "-12,50\u{A0}€"),
        ] {
            assert_eq!(Euros::from_cents(cents).to_string(), shown);
        }
    }

    #[test]
    fn converts_from_exact_decimals_only() {
        assert_eq!(Decimal::from(Euros::from_cents(2050)), Decimal::new(2050, 2));
        assert_eq!(Euros::try_from(Decimal::new(2050, 2)), Ok(Euros::from_cents(2050)));
        assert_eq!(Euros::try_from(Decimal::new(205, 1)), Ok(Euros::from_cents(2050)));
        assert_eq!(Euros::try_from(Decimal::new(20505, 3)), Err(MoneyError::Format));
        assert_eq!(Euros::try_from(Decimal::new(2_000_000_000, 0)), Err(MoneyError::Format));
        assert_eq!(Euros::from_cents(2050).to_decimal(), Decimal::new(2050, 2));
        assert_eq!(Euros::from_cents(2050).cents(), 2050);
    }

    #[test]
    fn crosses_the_wire_as_cents() {
        let json = serde_json::to_string(&Euros::from_cents(2050)).expect("serialises");
        assert_eq!(json, "2050");
        let back: Euros = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, Euros::from_cents(2050));
        assert!(serde_json::from_str::<Euros>("100000000001").is_err());
        assert!(serde_json::from_str::<Euros>("\"20.50\"").is_err());
    }

    #[test]
    fn input_string_parses_back() {
        assert_eq!(Euros::from_cents(2005).to_input_string(), "20,05");
        assert_eq!(Euros::parse_fr("20,05"), Ok(Euros::from_cents(2005)));
    }

    proptest! {
        #[test]
        fn display_parses_back(cents in 0i64..=MAX_EUROS * 100) {
            let amount = Euros::from_cents(cents);
            prop_assert_eq!(Euros::parse_fr(&amount.to_string()), Ok(amount));
            prop_assert_eq!(Euros::parse_fr(&amount.to_input_string()), Ok(amount));
        }

        #[test]
        fn parsing_never_panics(input in "\\PC*") {
            let _ = Euros::parse_fr(&input);
        }

        #[test]
        fn parsing_numeric_looking_text_never_panics(input in "[0-9 ,.€\u{A0}\u{202F}-]{0,30}") {
            if let Ok(amount) = Euros::parse_fr(&input) {
                prop_assert!(amount.cents() >= 0);
            }
        }

        #[test]
        fn cents_round_trip(cents in -MAX_EUROS * 100..=MAX_EUROS * 100) {
            prop_assert_eq!(Euros::from_cents(cents).cents(), cents);
        }
    }
}
