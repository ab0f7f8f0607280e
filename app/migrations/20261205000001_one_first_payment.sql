-- One first payment per attempt, keyed on the attempt alone: the bank's
-- authorisation number may be missing from an answer, so the key that keeps an
-- acceptance from being recorded twice cannot rest on it. Only a second
-- authorisation (two different numbers for one transaction, flagged
-- «à régulariser») is a further payment of the same attempt; those stay
-- unique per (attempt, authorisation number).
CREATE UNIQUE INDEX payments_one_first_per_attempt ON payments (attempt_id)
    WHERE regularisation IS NULL OR regularisation <> 'second_authorisation';
