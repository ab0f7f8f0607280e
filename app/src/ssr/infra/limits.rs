//! Limits on the calls that cost more than a page: «Abandonner» (a call to
//! the bank's Sips Office of up to 10 seconds), an agent's approval of a
//! refund and its «Relancer la banque» (the same, twice), «PAYER» (a transaction that
//! locks the person's lines and writes an attempt), «Rester connecté», and
//! the payments' poll. Each is counted per person (or session) in windows of a
//! minute, and the bank's call overall too, so that nobody — a stuck key, a
//! script, a page left open — can make the service call the bank without end
//! or hold its connections. Beyond a limit the call is answered 429 with
//! `Retry-After` and a French message, and nothing is done (a form without
//! JavaScript goes back to its page with the message next to its field).
//! «PAYER» has no overall limit: at a busy hour every person's first payment
//! must go through, and what one person can start is bounded twice, by this
//! limit and by their lines (a line is held by one attempt at a time).
//!
//! The counters live in each instance's memory: behind a load balancer of n
//! instances a person may reach n times their limit, which still bounds what
//! one person costs. Sign-in has its own throttle, in the database
//! (`sign_in::throttle`).

use std::collections::HashMap;
use std::sync::Mutex;

/// The length of a window.
pub const WINDOW_MS: i64 = 60 * 1000;

/// Beyond this many subjects the counters of ended windows are dropped.
const KEPT_SUBJECTS: usize = 50_000;

/// A limited call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Call {
    /// «Abandonner ce paiement»: the bank is asked (per person, and overall).
    Abandon,
    /// «PAYER» (per person).
    StartPayment,
    /// «Rester connecté» (per session).
    KeepSession,
    /// The payments' poll (per session).
    PaymentStates,
    /// An agent's approval of a refund or «Relancer la banque»: the bank's
    /// Sips Office is asked (per agent, and overall).
    Refund,
    /// A bank report imported by an agent: a file of up to 24 Mo read,
    /// matched and written in one transaction (per agent, and overall).
    BankReport,
}

impl Call {
    /// How many calls one subject may make in a window.
    pub const fn per_subject(self) -> u32 {
        match self {
            Call::Abandon => 10,
            // A person pays once or twice, after a refusal or two: twenty
            // leaves room for mistakes and none for a loop.
            Call::StartPayment => 20,
            Call::KeepSession => 6,
            // A page asks after 2, 4, 8… seconds: under ten a minute, and a
            // few pages open at once stay within.
            Call::PaymentStates => 60,
            // An agent works through a queue: one refund every three seconds
            // is more than a person decides, and no loop.
            Call::Refund => 20,
            // A day's report, once or twice: ten is room for mistakes.
            Call::BankReport => 10,
        }
    }

    /// How many calls everybody together may make in a window, if limited.
    pub const fn overall(self) -> Option<u32> {
        match self {
            // Two a second: the bank's Sips Office is not ours to load.
            Call::Abandon => Some(120),
            // One a second for all the caisses' agents together.
            Call::Refund => Some(60),
            // The imports write under the database's writer lock.
            Call::BankReport => Some(20),
            Call::StartPayment | Call::KeepSession | Call::PaymentStates => None,
        }
    }
}

/// A call refused: the whole seconds until it may be made again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

#[derive(Debug, Clone, Copy)]
struct Window {
    started_ms: i64,
    count: u32,
}

impl Window {
    /// The window at `now_ms` (a new one once this one has ended).
    fn at(self, now_ms: i64) -> Window {
        if now_ms - self.started_ms >= WINDOW_MS || now_ms < self.started_ms {
            Window { started_ms: now_ms, count: 0 }
        } else {
            self
        }
    }

    fn retry_after(self, now_ms: i64) -> RetryAfter {
        let left_ms = (self.started_ms + WINDOW_MS - now_ms).max(1);
        RetryAfter(u64::try_from((left_ms + 999) / 1000).unwrap_or(1))
    }
}

/// The counters.
#[derive(Debug, Default)]
pub struct Limits {
    windows: Mutex<HashMap<(Call, Option<String>), Window>>,
}

impl Limits {
    /// Counts a `call` of `subject` at `now_ms`, or refuses it (counting
    /// nothing) when the subject or everybody has reached the limit.
    pub fn take(&self, call: Call, subject: &str, now_ms: i64) -> Result<(), RetryAfter> {
        let mut windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > KEPT_SUBJECTS {
            windows.retain(|_, window| now_ms - window.started_ms < WINDOW_MS);
        }
        let fresh = Window { started_ms: now_ms, count: 0 };
        let mine = windows.get(&(call, Some(subject.to_owned()))).map_or(fresh, |w| w.at(now_ms));
        if mine.count >= call.per_subject() {
            return Err(mine.retry_after(now_ms));
        }
        let all = match call.overall() {
            Some(limit) => {
                let all = windows.get(&(call, None)).map_or(fresh, |w| w.at(now_ms));
                if all.count >= limit {
                    return Err(all.retry_after(now_ms));
                }
                Some(all)
            }
            None => None,
        };
        windows.insert((call, Some(subject.to_owned())), Window { count: mine.count + 1, ..mine });
        if let Some(all) = all {
            windows.insert((call, None), Window { count: all.count + 1, ..all });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_gets_its_limit_in_a_minute_then_waits_for_the_next_window() {
        let limits = Limits::default();
        for _ in 0..10 {
            assert_eq!(limits.take(Call::Abandon, "p1", 1_000), Ok(()));
        }
        assert_eq!(limits.take(Call::Abandon, "p1", 1_000), Err(RetryAfter(60)));
        assert_eq!(limits.take(Call::Abandon, "p1", 60_500), Err(RetryAfter(1)), "rounded up");
        assert_eq!(limits.take(Call::Abandon, "p2", 1_000), Ok(()), "another person");
        assert_eq!(limits.take(Call::KeepSession, "p1", 1_000), Ok(()), "another call");
        assert_eq!(limits.take(Call::Abandon, "p1", 61_000), Ok(()), "a new window");
    }

    #[test]
    fn the_banks_call_is_limited_overall_and_a_refusal_counts_nothing() {
        let limits = Limits::default();
        for person in 0..120 {
            assert_eq!(limits.take(Call::Abandon, &format!("p{person}"), 0), Ok(()));
        }
        assert_eq!(limits.take(Call::Abandon, "another", 30_000), Err(RetryAfter(30)));
        assert_eq!(limits.take(Call::Abandon, "another", 60_000), Ok(()), "its own count untouched by the refusal");
        for session in 0..200 {
            assert_eq!(limits.take(Call::PaymentStates, &format!("s{session}"), 0), Ok(()), "no overall limit");
        }
    }

    #[test]
    fn the_counters_of_ended_windows_are_dropped_beyond_the_kept_subjects() {
        let limits = Limits::default();
        for subject in 0..=KEPT_SUBJECTS {
            limits.take(Call::KeepSession, &subject.to_string(), 0).expect("allowed");
        }
        limits.take(Call::KeepSession, "late", WINDOW_MS).expect("allowed");
        assert_eq!(limits.windows.lock().expect("lock").len(), 1, "only the live window kept");
    }

    #[test]
    fn up_to_the_kept_subjects_nothing_is_dropped_and_beyond_only_ended_windows_are() {
        let limits = Limits::default();
        let count = || limits.windows.lock().expect("lock").len();
        for subject in 1..KEPT_SUBJECTS {
            limits.take(Call::KeepSession, &subject.to_string(), 0).expect("allowed");
        }
        limits.take(Call::KeepSession, "live", WINDOW_MS / 2).expect("allowed");
        assert_eq!(count(), KEPT_SUBJECTS);
        // As many as are kept: the ended windows stay.
        limits.take(Call::KeepSession, "late", WINDOW_MS).expect("allowed");
        assert_eq!(count(), KEPT_SUBJECTS + 1, "nothing dropped at the limit");
        // One more: the ended ones go, the windows still running stay.
        limits.take(Call::KeepSession, "later", WINDOW_MS + 1).expect("allowed");
        assert_eq!(count(), 3, "live, late and later kept");
        for _ in 1..Call::KeepSession.per_subject() {
            limits.take(Call::KeepSession, "live", WINDOW_MS + 1).expect("allowed");
        }
        assert!(limits.take(Call::KeepSession, "live", WINDOW_MS + 1).is_err(), "its count kept");
    }
}
