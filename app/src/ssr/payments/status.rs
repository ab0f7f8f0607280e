//! Where an attempt stands, where it may go, and which way an answer came.

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

impl AttemptStatus {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::Pending => "pending",
            AttemptStatus::Accepted => "accepted",
            AttemptStatus::Refused => "refused",
            AttemptStatus::Cancelled => "cancelled",
            AttemptStatus::Expired => "expired",
        }
    }

    /// From storage.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        Ok(match text {
            "pending" => AttemptStatus::Pending,
            "accepted" => AttemptStatus::Accepted,
            "refused" => AttemptStatus::Refused,
            "cancelled" => AttemptStatus::Cancelled,
            "expired" => AttemptStatus::Expired,
            other => anyhow::bail!("unknown attempt status {other:?}"),
        })
    }

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

/// Which way a kiosk answer came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Server to server (`automaticResponseUrl`): authoritative.
    Automatic,
    /// Through the browser (`normalReturnUrl`).
    Return,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Automatic => "automatic",
            Channel::Return => "return",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AttemptStatus::{self, *};

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
        for status in all {
            assert_eq!(AttemptStatus::parse(status.as_str()).expect("round trip"), status);
        }
    }
}
