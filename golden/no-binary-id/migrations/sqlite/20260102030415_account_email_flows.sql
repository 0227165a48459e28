-- Email flows and throttling: account lockout columns on users and the rate_limits table
-- that the per-IP, per-email and per-account limits share across app instances.

-- +goose Up
-- failed_login_attempts counts consecutive wrong passwords; lock_count how many locks the
-- account has had since its last successful login (each lock lasts twice as long).
ALTER TABLE users ADD COLUMN failed_login_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN lock_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TIMESTAMP;

-- One row per bucket and fixed window; window_start is in Unix seconds. The bucket holds a
-- kind and a hash of the key (an IP or an email), never the address itself.
CREATE TABLE rate_limits (
    bucket TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_limits_expires_at_idx ON rate_limits (expires_at);
CREATE INDEX user_tokens_purpose_idx ON user_tokens (user_id, purpose);

-- +goose Down
DROP INDEX user_tokens_purpose_idx;
DROP TABLE rate_limits;
ALTER TABLE users DROP COLUMN locked_until;
ALTER TABLE users DROP COLUMN lock_count;
ALTER TABLE users DROP COLUMN failed_login_attempts;
