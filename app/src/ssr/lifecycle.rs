//! A payment's life, in the closed sets of values every service shares: where
//! an attempt stands and where it may go (the transition table), where an
//! accepted payment stands, which way an answer came, how an attempt was
//! settled, what became of an answer, where a refund stands. Each is stored as TEXT, bound and read as
//! itself ([`text_column!`](crate::text_column)). A leaf: it uses nothing of
//! the services.

use crate::ssr::infra::audit::Action;
use crate::text_column;
use sips::Outcome;

/// Where an attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptStatus {
    /// Sent to the kiosk, no answer yet.
    Pending,
    /// Authorised by the bank.
    Accepted,
    /// Refused by the bank (any code but 00, 17, 97).
    Refused,
    /// Cancelled by the person on the kiosk (17).
    Cancelled,
    /// No answer in time (97, or our own 20-minute limit).
    Expired,
}

text_column!(AttemptStatus {
    Pending => "pending",
    Accepted => "accepted",
    Refused => "refused",
    Cancelled => "cancelled",
    Expired => "expired",
});

impl AttemptStatus {
    /// The status a kiosk verdict leads to.
    pub fn from_outcome(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Accepted => AttemptStatus::Accepted,
            Outcome::Refused => AttemptStatus::Refused,
            Outcome::Cancelled => AttemptStatus::Cancelled,
            Outcome::Expired => AttemptStatus::Expired,
        }
    }

    /// What the audit trail says of an attempt coming to this status (to
    /// «en attente»: created).
    pub fn action(self) -> Action {
        match self {
            AttemptStatus::Pending => Action::Created,
            AttemptStatus::Accepted => Action::Accepted,
            AttemptStatus::Refused => Action::Refused,
            AttemptStatus::Cancelled => Action::Cancelled,
            AttemptStatus::Expired => Action::Expired,
        }
    }

    /// The transition table. An answer settles a pending attempt; an
    /// acceptance still comes through after any other end (the bank took the
    /// money: it is recorded, never lost).
    pub fn can_become(self, next: AttemptStatus) -> bool {
        use AttemptStatus::*;
        matches!(
            (self, next),
            (Pending, Accepted | Refused | Cancelled | Expired) | (Refused | Cancelled | Expired, Accepted)
        )
    }
}

/// Why a payment needs the caisse's attention («à régulariser»).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regularisation {
    /// Accepted after the bank had refused the attempt.
    AfterRefused,
    /// Accepted after the person had cancelled on the bank's page.
    AfterCancelled,
    /// Accepted after the attempt had expired.
    AfterExpired,
    /// A second authorisation, with another number, for the same transaction.
    SecondAuthorisation,
    /// Taken by the bank, no answer of it received: recorded by an agent from
    /// the bank's daily report (the reconciliation).
    FromBankReport,
}

text_column!(Regularisation {
    AfterRefused => "after_refused",
    AfterCancelled => "after_cancelled",
    AfterExpired => "after_expired",
    SecondAuthorisation => "second_authorisation",
    FromBankReport => "from_bank_report",
});

/// What one kiosk answer does to an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The attempt takes the answer's status; an acceptance records a payment,
    /// flagged when it comes after another end.
    Settles {
        /// Why the caisse must look into the payment, if it must.
        regularisation: Option<Regularisation>,
    },
    /// An accepted attempt accepted again under another authorisation number:
    /// a second payment, to regularise.
    SecondPayment,
    /// The attempt already stands where the answer puts it.
    Duplicate,
    /// The answer contradicts an end it cannot undo (a refusal after an
    /// acceptance).
    Ignored,
}

impl Effect {
    /// The effect of an answer bringing `answer` to an attempt in `current`;
    /// `same_authorisation` when both name the same authorisation number.
    pub fn of(current: AttemptStatus, answer: AttemptStatus, same_authorisation: bool) -> Effect {
        use AttemptStatus::*;
        match (current, answer) {
            (Accepted, Accepted) if same_authorisation => Effect::Duplicate,
            (Accepted, Accepted) => Effect::SecondPayment,
            (current, answer) if current.can_become(answer) => {
                let regularisation = match (current, answer) {
                    (Refused, Accepted) => Some(Regularisation::AfterRefused),
                    (Cancelled, Accepted) => Some(Regularisation::AfterCancelled),
                    (Expired, Accepted) => Some(Regularisation::AfterExpired),
                    _ => None,
                };
                Effect::Settles { regularisation }
            }
            (current, answer) if current == answer => Effect::Duplicate,
            _ => Effect::Ignored,
        }
    }
}

/// Where an accepted payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentStatus {
    /// «En cours de traitement»: accepted by the bank, not applied yet.
    Received,
    /// «Pris en compte»: applied to the créances by the processing run.
    Applied,
}

text_column!(PaymentStatus {
    Received => "received",
    Applied => "applied",
});

impl PaymentStatus {
    /// What the audit trail says of a payment coming to this status.
    pub fn action(self) -> Action {
        match self {
            PaymentStatus::Received => Action::Received,
            PaymentStatus::Applied => Action::Applied,
        }
    }
}

/// Which way a kiosk answer came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Server to server (`automaticResponseUrl`): authoritative.
    Automatic,
    /// Through the browser (`normalReturnUrl`).
    Return,
    /// Our own question to the bank (Sips Office `getTransactionData`), when
    /// the person abandons an attempt the bank had in fact authorised.
    Status,
}

text_column!(Channel {
    Automatic => "automatic",
    Return => "return",
    Status => "status",
});

/// How an attempt left `pending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// A kiosk answer, by this channel.
    Answer(Channel),
    /// Our own limit: no answer within 20 minutes.
    Expiry,
    /// The person abandoned it, the bank having no payment for it.
    Abandoned,
}

text_column!(Settlement {
    Answer(Channel::Automatic) => "automatic",
    Answer(Channel::Return) => "return",
    Answer(Channel::Status) => "status",
    Expiry => "expiry",
    Abandoned => "abandoned",
});

/// The `reason` in the audit row of an attempt the person abandoned.
pub const ABANDONED_REASON: &str = "abandoned";

/// What became of one kiosk answer (the answers log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerOutcome {
    /// It moved the attempt to its new status.
    Applied,
    /// The attempt already had the status it brings.
    Duplicate,
    /// It contradicts the attempt's final status.
    Ignored,
    /// It brought money to record that the caisse must look into.
    ToRegularise,
    /// No attempt has its transaction reference.
    UnknownReference,
    /// Its amount is not the attempt's.
    AmountMismatch,
}

text_column!(AnswerOutcome {
    Applied => "applied",
    Duplicate => "duplicate",
    Ignored => "ignored",
    ToRegularise => "to_regularise",
    UnknownReference => "unknown_reference",
    AmountMismatch => "amount_mismatch",
});

/// Where a refund stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundState {
    /// Waiting for a second agent.
    Asked,
    /// The second agent said no.
    Rejected,
    /// Approved; the bank's word not known yet.
    Sending,
    /// The bank gave the money back.
    Done,
    /// The bank did not.
    Refused,
}

impl RefundState {
    /// Every state.
    pub const ALL: [RefundState; 5] =
        [RefundState::Asked, RefundState::Rejected, RefundState::Sending, RefundState::Done, RefundState::Refused];

    /// The stored value.
    pub fn value(self) -> &'static str {
        match self {
            RefundState::Asked => "asked",
            RefundState::Rejected => "rejected",
            RefundState::Sending => "sending",
            RefundState::Done => "done",
            RefundState::Refused => "refused",
        }
    }

    /// The state a stored value names.
    pub fn parse(value: &str) -> Option<RefundState> {
        RefundState::ALL.into_iter().find(|state| state.value() == value)
    }

    /// Whether the refund's amount counts against what is left on the payment
    /// (asked, being sent or given back: see `agents::refunds::ask`).
    pub fn holds_money(self) -> bool {
        matches!(self, RefundState::Asked | RefundState::Sending | RefundState::Done)
    }

    /// The states that hold money, as an SQL list of their stored values
    /// (`'asked', 'sending', 'done'`), for `state IN (…)`.
    pub fn holding_money_sql() -> String {
        let held: Vec<String> =
            RefundState::ALL.into_iter().filter(|s| s.holds_money()).map(|s| format!("'{}'", s.value())).collect();
        held.join(", ")
    }

    /// In French, as the back office shows it.
    pub fn label(self) -> &'static str {
        match self {
            RefundState::Asked => "demandé, à approuver par un autre agent",
            RefundState::Rejected => "rejeté",
            RefundState::Sending => "envoyé à la banque, sa réponse n'est pas connue",
            RefundState::Done => "effectué",
            RefundState::Refused => "refusé par la banque",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AttemptStatus::{self, *};
    use super::{AnswerOutcome, Channel, PaymentStatus, Settlement};

    #[test]
    fn the_transition_table() {
        let all = [Pending, Accepted, Refused, Cancelled, Expired];
        let allowed: Vec<(AttemptStatus, AttemptStatus)> =
            all.iter().flat_map(|a| all.iter().map(move |b| (*a, *b))).filter(|(a, b)| a.can_become(*b)).collect();
        assert_eq!(
            allowed,
            vec![
                (Pending, Accepted),
                (Pending, Refused),
                (Pending, Cancelled),
                (Pending, Expired),
                (Refused, Accepted),
                (Cancelled, Accepted),
                (Expired, Accepted)
            ]
        );
    }

    #[test]
    fn every_acceptance_is_money_received_and_the_late_ones_are_flagged() {
        use super::{Effect, Regularisation};
        assert_eq!(Effect::of(Pending, Accepted, false), Effect::Settles { regularisation: None });
        assert_eq!(Effect::of(Pending, Refused, false), Effect::Settles { regularisation: None });
        assert_eq!(
            Effect::of(Refused, Accepted, false),
            Effect::Settles { regularisation: Some(Regularisation::AfterRefused) }
        );
        assert_eq!(
            Effect::of(Cancelled, Accepted, false),
            Effect::Settles { regularisation: Some(Regularisation::AfterCancelled) }
        );
        assert_eq!(
            Effect::of(Expired, Accepted, false),
            Effect::Settles { regularisation: Some(Regularisation::AfterExpired) }
        );
        assert_eq!(Effect::of(Accepted, Accepted, true), Effect::Duplicate);
        assert_eq!(Effect::of(Accepted, Accepted, false), Effect::SecondPayment);
        assert_eq!(Effect::of(Refused, Refused, false), Effect::Duplicate);
        assert_eq!(Effect::of(Accepted, Refused, false), Effect::Ignored);
        assert_eq!(Effect::of(Refused, Cancelled, false), Effect::Ignored);
        assert_eq!(Effect::of(Expired, Refused, false), Effect::Ignored);
    }

    #[test]
    fn every_stored_value_reads_back_and_nothing_else_does() {
        for status in AttemptStatus::ALL {
            assert_eq!(AttemptStatus::parse(status.as_str()).expect("round trip"), status);
        }
        for status in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::parse(status.as_str()).expect("round trip"), status);
        }
        for channel in Channel::ALL {
            assert_eq!(Channel::parse(channel.as_str()).expect("round trip"), channel);
        }
        for settlement in Settlement::ALL {
            assert_eq!(Settlement::parse(settlement.as_str()).expect("round trip"), settlement);
        }
        for outcome in AnswerOutcome::ALL {
            assert_eq!(AnswerOutcome::parse(outcome.as_str()).expect("round trip"), outcome);
        }
        for reason in super::Regularisation::ALL {
            assert_eq!(super::Regularisation::parse(reason.as_str()).expect("round trip"), reason);
        }
        assert!(AttemptStatus::parse("Pending").is_err());
        assert!(PaymentStatus::parse("").is_err());
        assert!(Settlement::parse("bank").is_err());
    }
}
