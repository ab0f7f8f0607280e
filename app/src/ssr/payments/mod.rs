//! Payment attempts: a state machine, every transition written in one database
//! transaction with its audit row, every kiosk answer applied exactly once.
//!
//! ```text
//!             ┌──────────► accepted ◄────────┐
//!   pending ──┼──────────► refused           │ (late authorisation: the bank
//!             ├──────────► cancelled ────────┤  took the money after we gave
//!             └──────────► expired ──────────┘  up waiting; it is recorded)
//!
//! `cancelled` is the kiosk's 17, or the person's abandon once the bank had
//! no payment for the transaction.
//! ```
//!
//! Exactly once: the transition is a conditional `UPDATE … WHERE status = <the
//! status read>`; a second answer finds the new status and is recorded as a
//! duplicate. The acknowledgement message and the payment row have unique keys on
//! the attempt.
//!
//! - [`start`]: a new attempt, its lines held, its transaction reference;
//! - [`paypage`]: the sealed form that takes the browser to the kiosk;
//! - [`answer`]: a kiosk answer verified and applied;
//! - [`expiry`]: attempts the kiosk never answered;
//! - [`abandon`]: an attempt the person gives up on, once the bank is asked;
//! - [`office`]: Sips Office's status, cancel and refund calls;
//! - [`read`]: attempts as the person's pages show them.

pub mod abandon;
pub mod answer;
pub mod expiry;
pub mod office;
pub mod paypage;
pub mod read;
mod release;
pub mod start;

pub use abandon::{Abandon, AbandonError, abandon};
pub use answer::{AnswerError, Applied, apply_answer};
pub use expiry::expire_stale;
pub use paypage::paypage_form;
pub use read::{
    AttemptSummary, RefundSummary, attempt_of, attempts_of, pending_of, refunds_of, transaction_reference_of,
};
pub use start::{StartError, StartedAttempt, start};

/// A pending attempt gives up after this long (the kiosk itself answers 97 after
/// 15 minutes).
pub const ATTEMPT_LIFETIME: std::time::Duration = std::time::Duration::from_secs(20 * 60);
