-- The bank's daily transaction reports imported (`ssr::agents::reconciliation`):
-- one row per distinct file (its SHA-256), so importing the same file again
-- changes nothing.
CREATE TABLE bank_reports (
    id TEXT PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    merchant_id TEXT NOT NULL,
    -- The Paris day it reports, YYYY-MM-DD.
    day TEXT NOT NULL,
    operations BIGINT NOT NULL,
    matched BIGINT NOT NULL,
    -- NULL: imported by the `server reconcile` command.
    imported_by TEXT REFERENCES agents (id),
    imported_at BIGINT NOT NULL
);
CREATE INDEX bank_reports_by_day ON bank_reports (merchant_id, day, imported_at);

-- What a day's report and what the service recorded that day do not agree
-- on, per transaction, authorisation and direction (DEBIT: money taken from
-- the card; CREDIT: money given back to it).
-- kind: not_recorded (the bank's, not ours), absent_from_bank (ours, not the
--       bank's), amount_differs.
-- resolution: NULL while open; closed (an agent, with a comment); matched (a
--       later report of the same day agrees).
CREATE TABLE discrepancies (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES bank_reports (id),
    merchant_id TEXT NOT NULL,
    day TEXT NOT NULL,
    -- The caisse of the transaction; NULL when the service has no attempt
    -- with that reference.
    caisse_code TEXT REFERENCES caisses (code),
    kind TEXT NOT NULL,
    transaction_reference TEXT NOT NULL,
    authorisation_id TEXT NOT NULL,
    direction TEXT NOT NULL,
    -- What each side says, in cents (0 on the side that has nothing).
    bank_cents BIGINT NOT NULL,
    recorded_cents BIGINT NOT NULL,
    found_at BIGINT NOT NULL,
    resolution TEXT,
    comment TEXT,
    resolved_by TEXT REFERENCES agents (id),
    resolved_at BIGINT
);
CREATE INDEX discrepancies_by_day ON discrepancies (merchant_id, day);
CREATE INDEX discrepancies_by_caisse ON discrepancies (caisse_code, resolution, day);
