-- Sign-in throttling counts tries, not failures after the fact: one row per
-- account or address, whose count is raised and read in the same statement
-- (INSERT … ON CONFLICT DO UPDATE … RETURNING), so that simultaneous tries
-- cannot all pass the check before any is counted. A successful sign-in gives
-- its try back. The window starts at the first try and lasts 15 minutes.
CREATE TABLE sign_in_throttle (
    subject TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    tries BIGINT NOT NULL
);
CREATE INDEX sign_in_throttle_by_window ON sign_in_throttle (window_start);

DROP TABLE sign_in_failures;
