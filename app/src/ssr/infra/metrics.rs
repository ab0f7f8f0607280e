//! The service's measures, recorded through the `metrics` facade: nothing is
//! kept until the server installs a recorder (`METRICS_ADDR`), which renders
//! them in the Prometheus text format. Names follow Prometheus' conventions
//! (`_total` counters, `_seconds` durations); labels take a few fixed values.

use std::time::Duration;

/// Payment attempts started (sent to the bank's card page).
pub const ATTEMPTS_STARTED: &str = "payment_attempts_started_total";
/// Kiosk answers applied or recognised, by channel and response code.
pub const ANSWERS: &str = "kiosk_answers_total";
/// Kiosk answers refused (seal, key version, merchant, currency, amount,
/// reference, malformed), by reason.
pub const ANSWERS_REFUSED: &str = "kiosk_answers_refused_total";
/// Acceptances after a final state or second authorisations: money to
/// regularise, by reason.
pub const LATE_ACCEPTANCES: &str = "late_acceptances_total";
/// The bank's status calls (an attempt the person abandons), by verdict.
pub const BANK_STATUS_CALLS: &str = "bank_status_calls_total";
/// Processing runs.
pub const PROCESSING_RUNS: &str = "processing_runs_total";
/// How long processing runs take.
pub const PROCESSING_DURATION: &str = "processing_run_duration_seconds";
/// Payments applied by processing runs.
pub const PAYMENTS_APPLIED: &str = "payments_applied_total";
/// Trop-perçu recorded by processing runs, in cents.
pub const TROP_PERCU: &str = "trop_percu_cents_total";
/// Sign-ins refused for a wrong identifier or password, by form.
pub const SIGN_IN_FAILURES: &str = "sign_in_failures_total";
/// Sign-ins refused by the throttle, by form.
pub const SIGN_IN_THROTTLED: &str = "sign_in_throttled_total";
/// Sign-ins refused because the password queue was full, by form.
pub const SIGN_IN_BUSY: &str = "sign_in_busy_total";
/// Refunds moved to a state (`asked`, `rejected`, `done`, `refused`), by state.
pub const REFUNDS: &str = "refunds_total";
/// Money given back by the bank on refunds, in cents.
pub const REFUNDED: &str = "refunded_cents_total";
/// Trop-perçu assigned to another créance by an agent, in cents.
pub const TROP_PERCU_ASSIGNED: &str = "trop_percu_assigned_cents_total";
/// The bank's daily reports imported (a file imported again is not counted).
pub const BANK_REPORTS: &str = "bank_reports_imported_total";
/// Discrepancies found by the bank reconciliation, by kind.
pub const DISCREPANCIES: &str = "discrepancies_found_total";
/// How long a write transaction waited to begin (the SQLite writer lock, a
/// pool connection).
pub const WRITE_WAIT: &str = "db_write_wait_seconds";

/// Describes every measure (their `# HELP` lines).
pub fn describe() {
    use metrics::{describe_counter, describe_histogram};
    describe_counter!(ATTEMPTS_STARTED, "Payment attempts started (sent to the bank's card page).");
    describe_counter!(ANSWERS, "Kiosk answers received and verified, by channel and response code.");
    describe_counter!(ANSWERS_REFUSED, "Kiosk answers refused, by reason.");
    describe_counter!(LATE_ACCEPTANCES, "Acceptances recorded as money to regularise, by reason.");
    describe_counter!(BANK_STATUS_CALLS, "The bank's status calls for an abandoned attempt, by verdict.");
    describe_counter!(PROCESSING_RUNS, "Processing runs completed.");
    describe_histogram!(PROCESSING_DURATION, metrics::Unit::Seconds, "Duration of processing runs.");
    describe_counter!(PAYMENTS_APPLIED, "Payments applied to the créances by processing runs.");
    describe_counter!(TROP_PERCU, "Trop-perçu recorded by processing runs, in cents.");
    describe_counter!(SIGN_IN_FAILURES, "Sign-ins refused for a wrong identifier or password, by form.");
    describe_counter!(SIGN_IN_THROTTLED, "Sign-ins refused by the throttle, by form.");
    describe_counter!(SIGN_IN_BUSY, "Sign-ins refused because the password queue was full, by form.");
    describe_histogram!(WRITE_WAIT, metrics::Unit::Seconds, "Time a write transaction waited to begin.");
    describe_counter!(REFUNDS, "Refunds moved to a state (asked, rejected, done, refused), by state.");
    describe_counter!(REFUNDED, "Money given back by the bank on refunds, in cents.");
    describe_counter!(TROP_PERCU_ASSIGNED, "Trop-perçu assigned to another créance by an agent, in cents.");
    describe_counter!(BANK_REPORTS, "The bank's daily reports imported.");
    describe_counter!(DISCREPANCIES, "Discrepancies found by the bank reconciliation, by kind.");
}

/// A payment attempt was started.
pub fn attempt_started() {
    metrics::counter!(ATTEMPTS_STARTED).increment(1);
}

/// A verified answer: `channel` (`automatic`, `return`) and its response code
/// (two digits, checked by the codec).
pub fn answer(channel: &'static str, response_code: &str) {
    metrics::counter!(ANSWERS, "channel" => channel, "response_code" => response_code.to_owned()).increment(1);
}

/// An answer refused, and why.
pub fn answer_refused(reason: &'static str) {
    metrics::counter!(ANSWERS_REFUSED, "reason" => reason).increment(1);
}

/// A status call to the bank, and what it said (`authorised`, `unknown`,
/// `ended_without_payment`, `undecided`, `unavailable`).
pub fn bank_status(verdict: &'static str) {
    metrics::counter!(BANK_STATUS_CALLS, "verdict" => verdict).increment(1);
}

/// Money received to regularise, and why.
pub fn late_acceptance(reason: &'static str) {
    metrics::counter!(LATE_ACCEPTANCES, "reason" => reason).increment(1);
}

/// A processing run finished.
pub fn processing_run(elapsed: Duration, applied: usize, excess_cents: i64) {
    metrics::counter!(PROCESSING_RUNS).increment(1);
    metrics::histogram!(PROCESSING_DURATION).record(elapsed.as_secs_f64());
    metrics::counter!(PAYMENTS_APPLIED).increment(u64::try_from(applied).unwrap_or(0));
    metrics::counter!(TROP_PERCU).increment(u64::try_from(excess_cents).unwrap_or(0));
}

/// A sign-in refusal on `form` (`/connexion`, `/agent/connexion`).
pub fn sign_in_refused(measure: &'static str, form: &str) {
    metrics::counter!(measure, "form" => form.to_owned()).increment(1);
}

/// A refund moved to `state` (`asked`, `rejected`, `done`, `refused`); once
/// done, `cents` went back.
pub fn refund(state: &'static str, cents: i64) {
    metrics::counter!(REFUNDS, "state" => state).increment(1);
    if state == "done" {
        metrics::counter!(REFUNDED).increment(u64::try_from(cents).unwrap_or(0));
    }
}

/// `cents` of a trop-perçu assigned to another créance.
pub fn trop_percu_assigned(cents: i64) {
    metrics::counter!(TROP_PERCU_ASSIGNED).increment(u64::try_from(cents).unwrap_or(0));
}

/// A bank report imported.
pub fn bank_report_imported() {
    metrics::counter!(BANK_REPORTS).increment(1);
}

/// A discrepancy of `kind` (`not_recorded`, `absent_from_bank`, `amount_differs`) found.
pub fn discrepancy_found(kind: &'static str) {
    metrics::counter!(DISCREPANCIES, "kind" => kind).increment(1);
}

/// A write transaction began after waiting `elapsed`.
pub fn write_wait(elapsed: Duration) {
    metrics::histogram!(WRITE_WAIT).record(elapsed.as_secs_f64());
}
