-- Every accepted authorisation is money received: a payment. An attempt may
-- then have more than one (a late acceptance after it was refused, cancelled or
-- expired; a second authorisation for the same transaction), so a payment is
-- unique per (attempt, authorisation number) instead of per attempt, and a
-- payment the caisse must look into carries why («à régulariser»).
--
-- SQLite cannot drop a UNIQUE constraint, so `payments` is rebuilt, and with it
-- the two tables that refer to it (`allocations`, `messages`): new tables,
-- rows copied, old tables dropped children first, new tables renamed. Every
-- statement here is one both engines run (foreign keys follow the renames on
-- both; on SQLite, 3.26 or later, which sqlx bundles).

CREATE TABLE payments_v2 (
    id TEXT PRIMARY KEY,
    attempt_id TEXT NOT NULL REFERENCES payment_attempts (id),
    -- The bank's authorisation number ('' when the answer had none).
    authorisation_id TEXT NOT NULL DEFAULT '',
    person_id TEXT NOT NULL REFERENCES persons (id),
    caisse_code TEXT NOT NULL REFERENCES caisses (code),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    accepted_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    applied_at BIGINT,
    excess_cents BIGINT NOT NULL DEFAULT 0 CHECK (excess_cents >= 0),
    -- Why the caisse must look into it (NULL: nothing to look into):
    -- after_refused, after_cancelled, after_expired, second_authorisation.
    regularisation TEXT,
    -- When and by which agent it was looked into.
    regularised_at BIGINT,
    regularised_by TEXT REFERENCES agents (id),
    UNIQUE (attempt_id, authorisation_id)
);
INSERT INTO payments_v2 (id, attempt_id, authorisation_id, person_id, caisse_code, amount_cents, accepted_at, status,
                         applied_at, excess_cents, regularisation, regularised_at, regularised_by)
SELECT p.id, p.attempt_id, COALESCE(t.authorisation_id, ''), p.person_id, p.caisse_code, p.amount_cents,
       p.accepted_at, p.status, p.applied_at, p.excess_cents, NULL, NULL, NULL
FROM payments p JOIN payment_attempts t ON t.id = p.attempt_id;

CREATE TABLE allocations_v2 (
    payment_id TEXT NOT NULL REFERENCES payments_v2 (id),
    avis_reference TEXT NOT NULL REFERENCES avis (reference),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    PRIMARY KEY (payment_id, avis_reference)
);
INSERT INTO allocations_v2 (payment_id, avis_reference, amount_cents)
SELECT payment_id, avis_reference, amount_cents FROM allocations;

CREATE TABLE messages_v2 (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    payment_id TEXT UNIQUE REFERENCES payments_v2 (id),
    sender TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    delete_after BIGINT NOT NULL,
    read_at BIGINT,
    deleted_at BIGINT
);
INSERT INTO messages_v2 (id, person_id, payment_id, sender, subject, body, sent_at, delete_after, read_at, deleted_at)
SELECT id, person_id, payment_id, sender, subject, body, sent_at, delete_after, read_at, deleted_at FROM messages;

DROP TABLE allocations;
DROP TABLE messages;
DROP TABLE payments;
ALTER TABLE payments_v2 RENAME TO payments;
ALTER TABLE allocations_v2 RENAME TO allocations;
ALTER TABLE messages_v2 RENAME TO messages;

CREATE INDEX payments_by_status ON payments (status, accepted_at);
CREATE INDEX payments_by_person ON payments (person_id, accepted_at);
CREATE INDEX payments_by_caisse ON payments (caisse_code, accepted_at);
CREATE INDEX payments_by_attempt ON payments (attempt_id);
CREATE INDEX payments_to_regularise ON payments (caisse_code, regularisation, regularised_at);
CREATE INDEX allocations_by_avis ON allocations (avis_reference);
CREATE INDEX messages_by_person ON messages (person_id, sent_at);

-- Which authorisation each answer carried, for reconciliation.
ALTER TABLE kiosk_answers ADD COLUMN authorisation_id TEXT;
