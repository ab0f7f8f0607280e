//! A payment's life, in the closed sets of values every service shares: where
//! an attempt stands and where it may go (the transition table), where an
//! accepted payment stands, which way an answer came, how an attempt was
//! settled, what became of an answer. Each is stored as TEXT, bound and read as
//! itself ([`text_column!`](crate::text_column)). A leaf: it uses nothing of
//! the services.

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

    /// The transition table.
    pub fn can_become(self, next: AttemptStatus) -> bool {
        use AttemptStatus::*;
        matches!((self, next), (Pending, Accepted | Refused | Cancelled | Expired) | (Expired, Accepted))
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

/// Which way a kiosk answer came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Server to server (`automaticResponseUrl`): authoritative.
    Automatic,
    /// Through the browser (`normalReturnUrl`).
    Return,
}

text_column!(Channel {
    Automatic => "automatic",
    Return => "return",
});

/// How an attempt left `pending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settlement {
    /// A kiosk answer, by this channel.
    Answer(Channel),
    /// Our own limit: no answer within 20 minutes.
    Expiry,
}

text_column!(Settlement {
    Answer(Channel::Automatic) => "automatic",
    Answer(Channel::Return) => "return",
    Expiry => "expiry",
});

/// What became of one kiosk answer (the answers log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerOutcome {
    /// It moved the attempt to its new status.
    Applied,
    /// The attempt already had the status it brings.
    Duplicate,
    /// It contradicts the attempt's final status.
    Ignored,
    /// No attempt has its transaction reference.
    UnknownReference,
    /// Its amount is not the attempt's.
    AmountMismatch,
}

text_column!(AnswerOutcome {
    Applied => "applied",
    Duplicate => "duplicate",
    Ignored => "ignored",
    UnknownReference => "unknown_reference",
    AmountMismatch => "amount_mismatch",
});

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
                (Expired, Accepted)
            ]
        );
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
        assert!(AttemptStatus::parse("Pending").is_err());
        assert!(PaymentStatus::parse("").is_err());
        assert!(Settlement::parse("bank").is_err());
    }
}
