-- What a refund given back did to the person's account
-- (`ssr::agents::refunds::put_back`): the part taken off the payment's
-- trop-perçu, and what it put back on each créance's restant dû (the
-- payment's allocation reversed, the newest créance first).
ALTER TABLE refunds ADD COLUMN from_excess_cents BIGINT NOT NULL DEFAULT 0;
CREATE TABLE refund_reversals (
    refund_id TEXT NOT NULL REFERENCES refunds (id),
    avis_reference TEXT NOT NULL REFERENCES avis (reference),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    PRIMARY KEY (refund_id, avis_reference)
);
CREATE INDEX refund_reversals_by_avis ON refund_reversals (avis_reference);
