-- Escalating MFA locks: lock_count is how many times wrong codes have locked MFA since the last
-- accepted second factor. Each lock lasts twice as long as the one before (up to
-- Policy.MFALockoutMax); the lock that brings the run to 100 consecutive wrong codes has no
-- end (locked_until stays NULL while lock_count > 0) until the password is changed or reset.
-- A column of its own migration, so hosts installed before it get it on upgrade.

-- +goose Up
ALTER TABLE member_mfa ADD COLUMN lock_count INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE member_mfa DROP COLUMN lock_count;
