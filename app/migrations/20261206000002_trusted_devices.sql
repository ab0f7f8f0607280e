-- Browsers where an account signed in (OWASP's "device cookie"), by the hash
-- of the token their cookie holds: a sign-in from one of them, to its account,
-- is counted under the device alone, so failures from elsewhere never keep
-- the person out there. Forgotten after a year without a sign-in.
CREATE TABLE trusted_devices (
    token_hash TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT NOT NULL
);
CREATE INDEX trusted_devices_by_use ON trusted_devices (used_at);
CREATE INDEX trusted_devices_by_account ON trusted_devices (account, used_at);
