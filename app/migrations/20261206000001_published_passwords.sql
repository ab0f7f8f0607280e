-- Accounts whose password is published (the demonstration's, in the README;
-- the benchmark dataset's, in its source): a public site refuses to start
-- while one exists. Set by whatever creates them, and copied with them.
ALTER TABLE persons ADD COLUMN published_password BIGINT NOT NULL DEFAULT 0 CHECK (published_password IN (0, 1));
ALTER TABLE agents ADD COLUMN published_password BIGINT NOT NULL DEFAULT 0 CHECK (published_password IN (0, 1));
CREATE INDEX persons_with_a_published_password ON persons (published_password) WHERE published_password = 1;
