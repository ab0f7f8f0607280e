//! The caisse's rules on which avis may be paid online and how much a payment may be.

use super::Euros;
use serde::{Deserialize, Serialize};

/// The smallest online payment, in whole euros («entre 16 € et 50 €»).
pub const MIN_PAYMENT_EUROS: i64 = 16;
/// The largest online payment, in whole euros.
pub const MAX_PAYMENT_EUROS: i64 = 50;

/// The bounds of one online payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentLimits;

impl PaymentLimits {
    /// The smallest amount one payment may be.
    pub fn min() -> Euros {
        Euros::from_euros(MIN_PAYMENT_EUROS)
    }

    /// The largest amount one payment may be.
    pub fn max() -> Euros {
        Euros::from_euros(MAX_PAYMENT_EUROS)
    }

    /// True when `amount` may be paid in one payment.
    pub fn allows(amount: Euros) -> bool {
        (Self::min()..=Self::max()).contains(&amount)
    }
}

/// Which avis are open to online payment (seed: «cas d'usage / d'exclusion»).
///
/// An avis of participations forfaitaires and franchises médicales (PF/FR) is open
/// when, at issue, the person's PF/FR balance lies between the two bounds, both
/// included (100 € and 150 € unless the caisse configures others).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityPolicy {
    /// Smallest balance open to online payment.
    pub min_balance: Euros,
    /// Largest balance open to online payment.
    pub max_balance: Euros,
}

impl Default for EligibilityPolicy {
    fn default() -> Self {
        EligibilityPolicy { min_balance: Euros::from_euros(100), max_balance: Euros::from_euros(150) }
    }
}

impl EligibilityPolicy {
    /// True when an avis issued while the person's PF/FR balance was `balance` is
    /// open to online payment.
    pub fn is_open_online(&self, balance: Euros) -> bool {
        (self.min_balance..=self.max_balance).contains(&balance)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_bounds_are_100_and_150_included() {
        let policy = EligibilityPolicy::default();
        for (cents, open) in
            [(9_999, false), (10_000, true), (12_500, true), (15_000, true), (15_001, false), (18_000, false)]
        {
            assert_eq!(policy.is_open_online(Euros::from_cents(cents)), open, "{cents}");
        }
    }

    #[test]
    fn bounds_are_configurable() {
        let policy = EligibilityPolicy { min_balance: Euros::from_euros(50), max_balance: Euros::from_euros(200) };
        assert!(policy.is_open_online(Euros::from_euros(180)));
        assert!(!policy.is_open_online(Euros::from_euros(40)));
    }

    #[test]
    fn one_payment_is_16_to_50_euros() {
        for (cents, allowed) in [(1_599, false), (1_600, true), (5_000, true), (5_001, false), (0, false)] {
            assert_eq!(PaymentLimits::allows(Euros::from_cents(cents)), allowed, "{cents}");
        }
    }
}
