//! The bank's daily transaction report ([`sips::report`]), as the simulator
//! writes it from a journal of what it did: each acceptance, cancellation and
//! refund, kept apart from the sessions (which are forgotten a day after
//! their answer), the last [`MAX_KEPT`] of them.
//!
//! The report of a merchant's day in Paris holds, for each transaction
//! accepted that day, a `DEBIT` of what the capture took (its amount less
//! what was cancelled before the capture; nothing when all of it was), and
//! for each refund made that day a `CREDIT`. Its status is the
//! transaction's at the bank: `CAPTURED` once the day is over, `TO_CAPTURE`
//! while it is not.
//!
//! `GET /rapport?merchantId=…&date=2026-12-07&seal=…`, the seal the
//! merchant's HMAC-SHA-256 of `merchantId|date`: the report is the
//! merchant's alone (a wrong seal is 403, a merchant the simulator does not
//! know 404, a malformed date 400).

use crate::pages;
use crate::session::Kiosk;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sips::report::{Direction, ReportLine};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// Operations the journal keeps, the oldest forgotten first (a warning says so).
pub(crate) const MAX_KEPT: usize = sips::report::MAX_LINES;

/// What the simulator did with money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A card payment accepted.
    Accepted,
    /// Part of one cancelled before the capture.
    Cancelled,
    /// Part of one refunded after the capture.
    Refunded,
}

/// One operation.
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    pub(crate) at: i64,
    pub(crate) kind: Kind,
    pub(crate) merchant_id: String,
    pub(crate) transaction_reference: String,
    pub(crate) authorisation_id: String,
    pub(crate) cents: i64,
}

/// The journal, shared by the sessions' handlers.
#[derive(Clone, Default)]
pub(crate) struct Journal(Arc<Mutex<VecDeque<Operation>>>);

impl Journal {
    /// Records `operation`, forgetting the oldest beyond [`MAX_KEPT`].
    pub(crate) fn record(&self, operation: Operation) {
        let Ok(mut kept) = self.0.lock() else { return };
        if kept.len() >= MAX_KEPT {
            kept.pop_front();
            tracing::warn!(kept = MAX_KEPT, "the simulator's journal is full: its oldest operation is forgotten");
        }
        kept.push_back(operation);
    }

    /// The report of `merchant_id`'s `day` (in Paris), as of `now`.
    pub(crate) fn report(&self, merchant_id: &str, day: jiff::civil::Date, now: i64) -> Vec<ReportLine> {
        let Ok(kept) = self.0.lock() else { return Vec::new() };
        let status = if day < pages::paris_day(now) { "CAPTURED" } else { "TO_CAPTURE" };
        let mine = || kept.iter().filter(|o| o.merchant_id == merchant_id);
        let line = |operation: &Operation, direction: Direction, cents: i64| ReportLine {
            at: pages::iso_date_time(operation.at),
            merchant_id: operation.merchant_id.clone(),
            transaction_reference: operation.transaction_reference.clone(),
            direction,
            amount_cents: cents,
            currency_code: sips::CURRENCY_EURO.to_owned(),
            authorisation_id: operation.authorisation_id.clone(),
            status: status.to_owned(),
        };
        mine()
            .filter(|o| pages::paris_day(o.at) == day)
            .filter_map(|o| match o.kind {
                Kind::Accepted => {
                    let cancelled: i64 = mine()
                        .filter(|c| c.kind == Kind::Cancelled && c.transaction_reference == o.transaction_reference)
                        .map(|c| c.cents)
                        .sum();
                    let captured = o.cents - cancelled;
                    (captured > 0).then(|| line(o, Direction::Debit, captured))
                }
                Kind::Refunded => Some(line(o, Direction::Credit, o.cents)),
                Kind::Cancelled => None,
            })
            .collect()
    }
}

#[derive(Deserialize)]
pub(crate) struct Asked {
    #[serde(rename = "merchantId")]
    merchant_id: String,
    date: String,
    seal: String,
}

/// `GET /rapport`: the report of a merchant's day, as a CSV file.
pub(crate) async fn daily(State(kiosk): State<Kiosk>, Query(asked): Query<Asked>) -> Response {
    let Some(merchant) = kiosk.merchants.get(&asked.merchant_id) else {
        return (StatusCode::NOT_FOUND, "unknown merchant\n").into_response();
    };
    if !sips::verify_seal(&merchant.secret_key, &format!("{}|{}", asked.merchant_id, asked.date), &asked.seal) {
        return (StatusCode::FORBIDDEN, "wrong seal\n").into_response();
    }
    let Ok(day) = asked.date.parse::<jiff::civil::Date>() else {
        return (StatusCode::BAD_REQUEST, "date: YYYY-MM-DD\n").into_response();
    };
    let lines = kiosk.journal.report(&asked.merchant_id, day, (kiosk.now)());
    let name = format!("attachment; filename=\"rapport-{}-{day}.csv\"", asked.merchant_id);
    (
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)],
        sips::report::write(&lines),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY_MS: i64 = 24 * 3600 * 1000;

    fn operation(at: i64, kind: Kind, reference: &str, cents: i64) -> Operation {
        Operation {
            at,
            kind,
            merchant_id: "211000021310001".to_owned(),
            transaction_reference: reference.to_owned(),
            authorisation_id: "123456".to_owned(),
            cents,
        }
    }

    #[test]
    fn a_day_reports_what_the_capture_took_and_the_refunds_made_that_day() {
        // 2026-12-07 at noon in Paris, then the next day.
        let noon = 1_796_641_200_000;
        let journal = Journal::default();
        journal.record(operation(noon, Kind::Accepted, "PCLCB1", 2000));
        journal.record(operation(noon + 60_000, Kind::Cancelled, "PCLCB1", 500));
        journal.record(operation(noon + 120_000, Kind::Accepted, "PCLCB2", 1000));
        journal.record(operation(noon + 180_000, Kind::Cancelled, "PCLCB2", 1000));
        journal.record(operation(noon + DAY_MS, Kind::Refunded, "PCLCB1", 300));
        journal.record(Operation { merchant_id: "999".to_owned(), ..operation(noon, Kind::Accepted, "PCLCB9", 700) });
        let day = pages::paris_day(noon);
        assert_eq!(day.to_string(), "2026-12-07");

        let today = journal.report("211000021310001", day, noon + 3_600_000);
        assert_eq!(today.len(), 1, "PCLCB2 cancelled whole, another merchant's apart: {today:?}");
        assert_eq!(
            (today[0].direction, today[0].amount_cents, today[0].status.as_str()),
            (Direction::Debit, 1500, "TO_CAPTURE")
        );
        assert_eq!(today[0].at, "2026-12-07T12:00:00+01:00");
        let captured = journal.report("211000021310001", day, noon + DAY_MS);
        assert_eq!(captured[0].status, "CAPTURED");
        let next = journal.report("211000021310001", pages::paris_day(noon + DAY_MS), noon + 2 * DAY_MS);
        assert_eq!(
            next.iter().map(|l| (l.direction, l.amount_cents)).collect::<Vec<_>>(),
            vec![(Direction::Credit, 300)]
        );
    }

    #[test]
    fn the_journal_keeps_its_last_operations_only() {
        let journal = Journal::default();
        for i in 0..=MAX_KEPT {
            journal.record(operation(i64::try_from(i).expect("small"), Kind::Accepted, "PCLCB1", 100));
        }
        let kept = journal.0.lock().expect("journal");
        assert_eq!(kept.len(), MAX_KEPT);
        assert_eq!(kept.front().map(|o| o.at), Some(1), "the first forgotten");
    }
}
