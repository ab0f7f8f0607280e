-- The whole schema of the service. This file runs unchanged on SQLite and on
-- PostgreSQL: only types and syntax both engines share are used.
--   * money is integer cents (BIGINT), never a float;
--   * instants are Unix milliseconds, UTC (BIGINT); calendar dates are ISO text;
--   * flags are BIGINT 0/1; identifiers are UUID text made by the application.

CREATE TABLE caisses (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

-- Insured persons. `nir` holds the 13 characters without the key.
CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    nir TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    caisse_code TEXT NOT NULL REFERENCES caisses (code),
    last_sign_in_at BIGINT,
    created_at BIGINT NOT NULL
);

-- «Avis de sommes à payer» (créances). `online_payable` is decided at issue by the
-- eligibility policy from `balance_at_issue_cents`; `closed_at` is set when the
-- caisse closes the avis to online payment.
CREATE TABLE avis (
    reference TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    caisse_code TEXT NOT NULL REFERENCES caisses (code),
    kind TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    initial_cents BIGINT NOT NULL CHECK (initial_cents > 0),
    restant_cents BIGINT NOT NULL CHECK (restant_cents >= 0 AND restant_cents <= initial_cents),
    balance_at_issue_cents BIGINT NOT NULL,
    online_payable BIGINT NOT NULL CHECK (online_payable IN (0, 1)),
    closed_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX avis_by_person ON avis (person_id, issued_on);
CREATE INDEX avis_by_caisse ON avis (caisse_code, issued_on);

-- One attempt = one transaction reference sent to the bank kiosk.
-- status: pending → accepted | refused | cancelled | expired (terminal).
CREATE TABLE payment_attempts (
    id TEXT PRIMARY KEY,
    transaction_reference TEXT NOT NULL UNIQUE,
    person_id TEXT NOT NULL REFERENCES persons (id),
    caisse_code TEXT NOT NULL REFERENCES caisses (code),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    answered_at BIGINT,
    answer_channel TEXT,
    response_code TEXT,
    acquirer_response_code TEXT,
    authorisation_id TEXT,
    masked_pan TEXT,
    payment_mean_brand TEXT,
    holder_authent_status TEXT,
    transaction_date_time TEXT
);
CREATE INDEX attempts_by_person ON payment_attempts (person_id, created_at);
CREATE INDEX attempts_by_status ON payment_attempts (status, expires_at);
CREATE INDEX attempts_by_caisse ON payment_attempts (caisse_code, created_at);

-- The créances an attempt pays, with the share the allocation preview planned.
CREATE TABLE attempt_lines (
    attempt_id TEXT NOT NULL REFERENCES payment_attempts (id),
    avis_reference TEXT NOT NULL REFERENCES avis (reference),
    planned_cents BIGINT NOT NULL CHECK (planned_cents > 0),
    PRIMARY KEY (attempt_id, avis_reference)
);
CREATE INDEX attempt_lines_by_avis ON attempt_lines (avis_reference);

-- A créance is held by at most one attempt at a time (the primary key is the
-- lock): a hold lasts until the attempt ends or `held_until` passes.
CREATE TABLE line_holds (
    avis_reference TEXT PRIMARY KEY REFERENCES avis (reference),
    attempt_id TEXT NOT NULL REFERENCES payment_attempts (id),
    held_until BIGINT NOT NULL
);
CREATE INDEX line_holds_by_attempt ON line_holds (attempt_id);

-- Accepted attempts. status: received («en cours de traitement») → applied
-- («pris en compte») by the processing run. `excess_cents` is the trop-perçu.
CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    attempt_id TEXT NOT NULL UNIQUE REFERENCES payment_attempts (id),
    person_id TEXT NOT NULL REFERENCES persons (id),
    caisse_code TEXT NOT NULL REFERENCES caisses (code),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    accepted_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    applied_at BIGINT,
    excess_cents BIGINT NOT NULL DEFAULT 0 CHECK (excess_cents >= 0)
);
CREATE INDEX payments_by_status ON payments (status, accepted_at);
CREATE INDEX payments_by_person ON payments (person_id, accepted_at);
CREATE INDEX payments_by_caisse ON payments (caisse_code, accepted_at);

-- What the processing run applied of a payment to each créance.
CREATE TABLE allocations (
    payment_id TEXT NOT NULL REFERENCES payments (id),
    avis_reference TEXT NOT NULL REFERENCES avis (reference),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    PRIMARY KEY (payment_id, avis_reference)
);
CREATE INDEX allocations_by_avis ON allocations (avis_reference);

-- Every answer the kiosk sent, applied or not, for reconciliation.
CREATE TABLE kiosk_answers (
    id TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL,
    channel TEXT NOT NULL,
    transaction_reference TEXT,
    response_code TEXT,
    outcome TEXT NOT NULL
);
CREATE INDEX kiosk_answers_by_reference ON kiosk_answers (transaction_reference, received_at);

-- «Ma messagerie». One acknowledgement per accepted payment (unique payment_id).
CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    payment_id TEXT UNIQUE REFERENCES payments (id),
    sender TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    delete_after BIGINT NOT NULL,
    read_at BIGINT,
    deleted_at BIGINT
);
CREATE INDEX messages_by_person ON messages (person_id, sent_at);

-- Back-office agents of a caisse.
CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    caisse_code TEXT NOT NULL REFERENCES caisses (code),
    last_sign_in_at BIGINT,
    created_at BIGINT NOT NULL
);

-- Server-side sessions. The cookie holds a random token; only its SHA-256 is
-- stored. A session belongs to a person, an agent, or nobody yet (it then only
-- carries a flash: a form's entered values and errors across a redirect).
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    person_id TEXT REFERENCES persons (id),
    agent_id TEXT REFERENCES agents (id),
    previous_sign_in_at BIGINT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    flash TEXT
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Failed sign-ins, by NIR or agent login and by address, for throttling.
CREATE TABLE sign_in_failures (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_by_subject ON sign_in_failures (subject, at);

-- Every state change: who, when, what.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    caisse_code TEXT,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_by_entity ON audit_log (entity_kind, entity_id, at);
CREATE INDEX audit_by_caisse ON audit_log (caisse_code, at);

-- Named counters (daily transaction-reference sequences).
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
