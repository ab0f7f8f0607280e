//! The simulator's card rules: the public test cards, Luhn, expiry, CVV.

/// What the bank decides for a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Authorised without 3-D Secure.
    Accept,
    /// Authorised after the 3-D Secure page.
    AcceptAfter3ds,
    /// Refused by the issuer (05).
    Refuse,
    /// Expired card (54).
    ExpiredCard,
}

/// The card fields as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CardForm {
    /// «Numéro de carte».
    #[serde(default)]
    pub card_number: String,
    /// «Mois».
    #[serde(default)]
    pub month: String,
    /// «Année».
    #[serde(default)]
    pub year: String,
    /// «Cryptogramme visuel».
    #[serde(default)]
    pub cvv: String,
}

/// Field errors, in French.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardErrors {
    /// About the number.
    pub number: Option<&'static str>,
    /// About the expiry date.
    pub expiry: Option<&'static str>,
    /// About the CVV.
    pub cvv: Option<&'static str>,
}

impl CardErrors {
    /// True when nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.number.is_none() && self.expiry.is_none() && self.cvv.is_none()
    }
}

/// The digits of a typed card number (spaces dropped).
pub fn digits(number: &str) -> String {
    number.chars().filter(|c| !c.is_whitespace()).collect()
}

fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else { return false };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

/// The public test cards, recognised before any other rule.
fn test_card(digits: &str) -> Option<Decision> {
    match digits {
        "4100000000000000" => Some(Decision::Accept),
        "5100000000000000" => Some(Decision::AcceptAfter3ds),
        "4000000000000002" => Some(Decision::Refuse),
        "4000000000000069" => Some(Decision::ExpiredCard),
        _ => None,
    }
}

/// Checks the fields (`today` = (year, month)) and decides; field errors when
/// the form is not complete and valid.
pub fn decide(form: &CardForm, today: (i32, u32)) -> Result<Decision, CardErrors> {
    let number = digits(&form.card_number);
    let mut errors = CardErrors::default();
    let decision = test_card(&number).or_else(|| {
        let well_formed = (13..=19).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit());
        (well_formed && luhn(&number)).then_some(Decision::Accept)
    });
    if decision.is_none() {
        errors.number = Some("Le numéro de carte n'est pas valide.");
    }
    let month: Option<u32> = form.month.trim().parse().ok().filter(|m| (1..=12).contains(m));
    let year: Option<i32> = form.year.trim().parse().ok();
    match (month, year) {
        (Some(month), Some(year)) if (year, month) >= today => {}
        (Some(_), Some(_)) => errors.expiry = Some("La date d'expiration est dépassée."),
        _ => errors.expiry = Some("Choisissez le mois et l'année d'expiration."),
    }
    let cvv = form.cvv.trim();
    if cvv.len() != 3 || !cvv.bytes().all(|b| b.is_ascii_digit()) {
        errors.cvv = Some("Le cryptogramme visuel doit comporter 3 chiffres.");
    }
    match decision {
        Some(decision) if errors.is_empty() => Ok(decision),
        _ => Err(errors),
    }
}

/// «4100##########00»: the first four and last two digits.
pub fn mask(digits: &str) -> String {
    let n = digits.len();
    if n < 6 {
        return "#".repeat(n);
    }
    format!("{}{}{}", &digits[..4], "#".repeat(n - 6), &digits[n - 2..])
}

/// The card's brand, from its first digit.
pub fn brand(digits: &str) -> &'static str {
    match digits.as_bytes().first() {
        Some(b'4') => "VISA",
        Some(b'5' | b'2') => "MASTERCARD",
        _ => "CB",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(number: &str, month: &str, year: &str, cvv: &str) -> CardForm {
        CardForm { card_number: number.into(), month: month.into(), year: year.into(), cvv: cvv.into() }
    }

    const TODAY: (i32, u32) = (2026, 11);

    #[test]
    fn the_public_test_cards() {
        for (number, decision) in [
            ("4100 0000 0000 0000", Decision::Accept),
            ("5100 0000 0000 0000", Decision::AcceptAfter3ds),
            ("4000 0000 0000 0002", Decision::Refuse),
            ("4000 0000 0000 0069", Decision::ExpiredCard),
            ("4111 1111 1111 1111", Decision::Accept),
        ] {
            assert_eq!(decide(&form(number, "12", "2028", "123"), TODAY), Ok(decision), "{number}");
        }
    }

    #[test]
    fn field_errors() {
        let errors = decide(&form("4111 1111 1111 1112", "10", "2026", "12"), TODAY).expect_err("invalid");
        assert_eq!(errors.number, Some("Le numéro de carte n'est pas valide."));
        assert_eq!(errors.expiry, Some("La date d'expiration est dépassée."));
        assert_eq!(errors.cvv, Some("Le cryptogramme visuel doit comporter 3 chiffres."));
        assert!(decide(&form("4111111111111111", "11", "2026", "123"), TODAY).is_ok(), "this month is still valid");
        assert!(decide(&form("4111111111111111", "", "", "123"), TODAY).is_err());
        assert!(decide(&form("4111111111111111", "12", "2028", "12a"), TODAY).is_err());
    }

    #[test]
    fn masks_and_brands() {
        assert_eq!(mask("4100000000000000"), "4100##########00");
        assert_eq!(brand("5100000000000000"), "MASTERCARD");
    }
}
