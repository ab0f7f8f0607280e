-- Money given back on a payment through the bank: one agent asks, a second
-- agent of the same caisse approves (or rejects), then the bank is asked to
-- cancel (before the capture) or refund (after it).
--
-- state: asked → rejected (the second agent said no)
--              → sending (approved; the bank asked, its word not known yet)
--                → done (the bank gave the money back)
--                → refused (the bank did not: its code in bank_response_code)
-- A refund in `sending` is sent again only after the bank's status call says
-- it was not done, so the same money never goes back twice.
CREATE TABLE refunds (
    id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL REFERENCES payments (id),
    caisse_code TEXT NOT NULL REFERENCES caisses (code),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    -- trop_percu, double_paiement, erreur_caisse
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    asked_by TEXT NOT NULL REFERENCES agents (id),
    asked_at BIGINT NOT NULL,
    decided_by TEXT REFERENCES agents (id),
    decided_at BIGINT,
    -- cancel or refund: the bank's call the money went back through.
    operation TEXT,
    bank_response_code TEXT,
    done_at BIGINT,
    -- While a call to the bank is under way (another does not start).
    claimed_at BIGINT
);
CREATE INDEX refunds_by_payment ON refunds (payment_id, asked_at);
CREATE INDEX refunds_by_caisse ON refunds (caisse_code, state, asked_at);
