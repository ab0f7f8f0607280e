//! Which créances a payment covers, and how the amount is shared among them.
//!
//! The browser runs [`validate_payment`] on every keystroke and click to show live
//! totals, messages and the allocation preview; the server runs it again, on the
//! lines it reads from the database, before it creates a payment attempt.

use super::{AvisReference, Euros, IssueDate, PaymentLimits};
use serde::{Deserialize, Serialize};

/// One créance as the selection step shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreanceLine {
    /// The avis reference.
    pub reference: AvisReference,
    /// «Date d'émission du courrier».
    pub issued_on: IssueDate,
    /// «Montant initial dû».
    pub initial: Euros,
    /// «Montant restant dû».
    pub restant: Euros,
    /// A payment attempt younger than 20 minutes holds this line.
    pub payment_in_progress: bool,
}

impl CreanceLine {
    /// True when the line may be ticked: something is due and no payment holds it.
    pub fn is_selectable(&self) -> bool {
        !self.restant.is_zero() && !self.payment_in_progress
    }
}

/// The share of a payment that goes to one créance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    /// The créance.
    pub reference: AvisReference,
    /// What the payment settles of it.
    pub amount: Euros,
}

/// Why a payment cannot be made as asked. Each message is shown next to its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PaymentError {
    /// No line ticked.
    #[error("Sélectionnez au moins une référence de courrier.")]
    NoLine,
    /// A ticked reference is not one of the person's créances.
    #[error("Cette référence de courrier est inconnue.")]
    UnknownLine,
    /// The same reference ticked twice.
    #[error("Chaque référence de courrier ne peut être sélectionnée qu'une fois.")]
    DuplicateLine,
    /// A ticked créance has nothing left to pay.
    #[error("Cette créance est déjà entièrement réglée.")]
    NothingDue,
    /// A ticked créance is held by a payment in progress.
    #[error("Un paiement est déjà en cours pour cette créance.")]
    PaymentInProgress,
    /// The amount field does not hold an amount.
    #[error("Saisissez un montant en euros, par exemple 20,50.")]
    AmountFormat,
    /// The amount is below 16 € or above 50 €.
    #[error("Le montant du paiement doit être compris entre 16 € et 50 €.")]
    AmountOutOfRange,
    /// The amount is more than the selected lines' restant dû.
    #[error("Le montant du paiement ne peut pas dépasser le solde total à payer.")]
    AmountOverTotal,
}

/// What is wrong with a payment request, field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentErrors {
    /// About the ticked lines.
    pub selection: Option<PaymentError>,
    /// About the amount.
    pub amount: Option<PaymentError>,
}

/// A payment request that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidPayment {
    /// The amount to pay.
    pub amount: Euros,
    /// How it settles the selected lines, oldest first; lines it does not reach
    /// are left out.
    pub allocations: Vec<Allocation>,
}

/// The lines a person ticked, looked up among their créances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection<'a> {
    /// The ticked lines, in the order of `lines`.
    pub lines: Vec<&'a CreanceLine>,
    /// Their restant dû, summed: «Solde total à payer».
    pub total: Euros,
}

/// Looks the ticked references up among `lines`.
pub fn select<'a>(lines: &'a [CreanceLine], ticked: &[String]) -> Result<Selection<'a>, PaymentError> {
    let mut chosen: Vec<&CreanceLine> = Vec::with_capacity(ticked.len());
    for raw in ticked {
        let reference = AvisReference::parse(raw).map_err(|_| PaymentError::UnknownLine)?;
        // A few lines at most: a linear search (no hashing, which the browser
        // build would have to seed from the system's random source).
        if chosen.iter().any(|l| l.reference == reference) {
            return Err(PaymentError::DuplicateLine);
        }
        let line = lines.iter().find(|l| l.reference == reference).ok_or(PaymentError::UnknownLine)?;
        if line.restant.is_zero() {
            return Err(PaymentError::NothingDue);
        }
        if line.payment_in_progress {
            return Err(PaymentError::PaymentInProgress);
        }
        chosen.push(line);
    }
    let total = Euros::sum(chosen.iter().map(|l| l.restant)).ok_or(PaymentError::AmountOverTotal)?;
    chosen.sort_by_key(|l| lines.iter().position(|m| m.reference == l.reference));
    Ok(Selection { lines: chosen, total })
}

/// Checks a payment request: at least one line, each one the person's, payable
/// and ticked once; an amount of 16 € to 50 € that does not exceed the selected
/// lines' restant dû. Returns the amount and its allocation, or every field's error.
pub fn validate_payment(
    lines: &[CreanceLine],
    ticked: &[String],
    amount_input: &str,
) -> Result<ValidPayment, PaymentErrors> {
    let mut errors = PaymentErrors::default();
    let selection = match ticked.is_empty() {
        true => Err(PaymentError::NoLine),
        false => select(lines, ticked),
    };
    let amount = Euros::parse_fr(amount_input).map_err(|_| PaymentError::AmountFormat).and_then(|amount| {
        if PaymentLimits::allows(amount) { Ok(amount) } else { Err(PaymentError::AmountOutOfRange) }
    });
    match (&selection, &amount) {
        (Ok(selection), Ok(amount)) if *amount > selection.total => {
            errors.amount = Some(PaymentError::AmountOverTotal);
        }
        (Ok(selection), Ok(amount)) => {
            return Ok(ValidPayment { amount: *amount, allocations: allocate(*amount, &selection.lines) });
        }
        _ => {}
    }
    errors.selection = selection.err();
    errors.amount = errors.amount.or(amount.err());
    Err(errors)
}

/// Shares `amount` among `lines`, oldest first (date d'émission, then reference),
/// never more than a line's restant dû. Lines the amount does not reach are left
/// out; an amount beyond the lines' total is not allocated past them.
pub fn allocate(amount: Euros, lines: &[&CreanceLine]) -> Vec<Allocation> {
    let mut ordered: Vec<&CreanceLine> = lines.to_vec();
    ordered.sort_by(|a, b| a.issued_on.cmp(&b.issued_on).then_with(|| a.reference.cmp(&b.reference)));
    let mut left = amount;
    let mut allocations = Vec::new();
    for line in ordered {
        if left.is_zero() {
            break;
        }
        let share = left.min(line.restant);
        if !share.is_zero() {
            allocations.push(Allocation { reference: line.reference.clone(), amount: share });
            left = left.saturating_sub(share);
        }
    }
    allocations
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(reference: &str, issued: &str, restant_cents: i64) -> CreanceLine {
        CreanceLine {
            reference: AvisReference::parse(reference).expect("valid reference"),
            issued_on: IssueDate::parse_iso(issued).expect("valid date"),
            initial: Euros::from_euros(50),
            restant: Euros::from_cents(restant_cents),
            payment_in_progress: false,
        }
    }

    /// Pierre BELAGE's créances in the demo data.
    fn pierre() -> Vec<CreanceLine> {
        vec![
            line("3811907400001234F", "2019-03-15", 8_709),
            line("3811701200010075F", "2016-05-12", 1_250),
            line("3811702400012980F", "2015-09-12", 660),
            line("3811708600076602F", "2014-02-20", 2_890),
            line("3811708600079999F", "2020-02-20", 1_036),
        ]
    }

    fn refs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn pays_the_oldest_lines_first() {
        let lines = pierre();
        let ticked = refs(&["3811907400001234F", "3811702400012980F", "3811708600076602F"]);
        let payment = validate_payment(&lines, &ticked, "40").expect("valid");
        assert_eq!(payment.amount, Euros::from_euros(40));
        let shares: Vec<(&str, i64)> =
            payment.allocations.iter().map(|a| (a.reference.as_str(), a.amount.cents())).collect();
        assert_eq!(shares, vec![("3811708600076602F", 2_890), ("3811702400012980F", 660), ("3811907400001234F", 450)]);
    }

    #[test]
    fn field_errors_are_reported_together() {
        let lines = pierre();
        type Case<'a> = (Vec<String>, &'a str, Option<PaymentError>, Option<PaymentError>);
        let cases: Vec<Case> = vec![
            (vec![], "20", Some(PaymentError::NoLine), None),
            (vec![], "abc", Some(PaymentError::NoLine), Some(PaymentError::AmountFormat)),
            (refs(&["3811907400001234F"]), "", None, Some(PaymentError::AmountFormat)),
            (refs(&["3811907400001234F"]), "15,99", None, Some(PaymentError::AmountOutOfRange)),
            (refs(&["3811907400001234F"]), "50,01", None, Some(PaymentError::AmountOutOfRange)),
            (refs(&["3811907400001234F"]), "-1", None, Some(PaymentError::AmountFormat)),
            (refs(&["3811907400001234F"]), "0", None, Some(PaymentError::AmountOutOfRange)),
            (refs(&["3811907400001234F"]), "1e9", None, Some(PaymentError::AmountFormat)),
            (refs(&["3811907400001234F"]), "20,505", None, Some(PaymentError::AmountFormat)),
            (refs(&["3811701200010075F"]), "16", None, Some(PaymentError::AmountOverTotal)),
            (refs(&["3811701200010075F", "3811702400012980F"]), "19,11", None, Some(PaymentError::AmountOverTotal)),
            (refs(&["9999999999999999F"]), "20", Some(PaymentError::UnknownLine), None),
            (refs(&["not a reference"]), "20", Some(PaymentError::UnknownLine), None),
            (refs(&["3811907400001234F", "3811907400001234f"]), "20", Some(PaymentError::DuplicateLine), None),
        ];
        for (ticked, amount, selection, amount_error) in cases {
            let errors = validate_payment(&lines, &ticked, amount).expect_err("invalid");
            assert_eq!((errors.selection, errors.amount), (selection, amount_error), "{ticked:?} {amount:?}");
        }
    }

    #[test]
    fn exactly_the_total_is_allowed() {
        let lines = pierre();
        let ticked = refs(&["3811701200010075F", "3811702400012980F"]);
        let payment = validate_payment(&lines, &ticked, "19,10").expect("valid");
        assert_eq!(Euros::sum(payment.allocations.iter().map(|a| a.amount)), Some(Euros::from_cents(1_910)));
    }

    #[test]
    fn paid_and_held_lines_cannot_be_ticked() {
        // (Below.) And the lines ticked come back in the list's order, whatever the ticking order.
        let lines = pierre();
        let selection =
            select(&lines, &refs(&["3811708600076602F", "3811907400001234F", "3811702400012980F"])).expect("valid");
        let order: Vec<&str> = selection.lines.iter().map(|l| l.reference.as_str()).collect();
        assert_eq!(order, ["3811907400001234F", "3811702400012980F", "3811708600076602F"]);

        let mut lines = pierre();
        lines[0].restant = Euros::ZERO;
        lines[1].payment_in_progress = true;
        assert!(!lines[0].is_selectable());
        assert!(!lines[1].is_selectable());
        assert!(lines[2].is_selectable());
        let paid = validate_payment(&lines, &refs(&["3811907400001234F"]), "20").expect_err("paid");
        assert_eq!(paid.selection, Some(PaymentError::NothingDue));
        let held = validate_payment(&lines, &refs(&["3811701200010075F"]), "20").expect_err("held");
        assert_eq!(held.selection, Some(PaymentError::PaymentInProgress));
    }

    #[test]
    fn messages_are_the_specified_french_texts() {
        assert_eq!(PaymentError::NoLine.to_string(), "Sélectionnez au moins une référence de courrier.");
        assert_eq!(
            PaymentError::AmountOutOfRange.to_string(),
            "Le montant du paiement doit être compris entre 16 € et 50 €."
        );
        assert_eq!(
            PaymentError::AmountOverTotal.to_string(),
            "Le montant du paiement ne peut pas dépasser le solde total à payer."
        );
        assert_eq!(PaymentError::AmountFormat.to_string(), "Saisissez un montant en euros, par exemple 20,50.");
        assert_eq!(PaymentError::PaymentInProgress.to_string(), "Un paiement est déjà en cours pour cette créance.");
    }

    fn arbitrary_lines() -> impl Strategy<Value = Vec<CreanceLine>> {
        prop::collection::vec((0u16..3000, 1u8..=12, 1u8..=28, 0i64..20_000), 1..8).prop_map(|raw| {
            raw.into_iter()
                .enumerate()
                .map(|(i, (days, month, day, restant))| CreanceLine {
                    reference: AvisReference::parse(&format!("{:016}F", 1_000 + i)).expect("valid"),
                    issued_on: IssueDate::new(2000 + days % 30, month, day).expect("valid"),
                    initial: Euros::from_cents(restant + 100),
                    restant: Euros::from_cents(restant),
                    payment_in_progress: false,
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn allocation_sums_to_the_amount_and_never_exceeds_a_line(lines in arbitrary_lines(), amount_cents in 0i64..100_000) {
            let all: Vec<&CreanceLine> = lines.iter().collect();
            let total = Euros::sum(lines.iter().map(|l| l.restant)).expect("small");
            let amount = Euros::from_cents(amount_cents);
            let allocations = allocate(amount, &all);
            let allocated = Euros::sum(allocations.iter().map(|a| a.amount)).expect("small");
            prop_assert_eq!(allocated, amount.min(total));
            for allocation in &allocations {
                let line = lines.iter().find(|l| l.reference == allocation.reference).expect("allocated to a line");
                prop_assert!(allocation.amount <= line.restant);
                prop_assert!(!allocation.amount.is_zero());
            }
            // Oldest first: a line is reached only when every older one is settled.
            let mut previous: Option<&CreanceLine> = None;
            for allocation in &allocations {
                let line = lines.iter().find(|l| l.reference == allocation.reference).expect("allocated to a line");
                if let Some(prev) = previous {
                    prop_assert!(prev.issued_on <= line.issued_on);
                }
                previous = Some(line);
            }
        }

        #[test]
        fn validation_never_panics(lines in arbitrary_lines(), ticked in prop::collection::vec("\\PC{0,20}", 0..4), amount in "\\PC{0,12}") {
            let _ = validate_payment(&lines, &ticked, &amount);
        }

        #[test]
        fn a_valid_payment_respects_every_rule(lines in arbitrary_lines(), pick in prop::collection::vec(any::<bool>(), 8), amount_cents in 1_500i64..5_200) {
            let ticked: Vec<String> = lines.iter().zip(pick).filter(|(_, p)| *p).map(|(l, _)| l.reference.to_string()).collect();
            if let Ok(payment) = validate_payment(&lines, &ticked, &Euros::from_cents(amount_cents).to_input_string()) {
                prop_assert!(PaymentLimits::allows(payment.amount));
                prop_assert_eq!(Euros::sum(payment.allocations.iter().map(|a| a.amount)), Some(payment.amount));
            }
        }
    }
}
