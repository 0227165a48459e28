-- Multi-factor authentication: one TOTP secret per user, single-use backup codes, and
-- the MFA-pending flag on sessions (a password login waiting for its second factor).

-- +goose Up
-- One row per user who ever started enrolling. Disabling MFA clears the secret but keeps
-- the row, so trust_epoch keeps counting and a trust cookie issued before can never match again.
CREATE TABLE user_mfa (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    totp_secret BLOB,                -- AES-256-GCM ciphertext (nonce || sealed); never the plain secret
    pending_since TIMESTAMP,         -- set while a new secret waits to be confirmed with a code
    enabled_at TIMESTAMP,            -- NULL: MFA is off
    last_step INTEGER NOT NULL DEFAULT 0,       -- newest TOTP time step accepted (replay guard)
    failed_attempts INTEGER NOT NULL DEFAULT 0, -- consecutive failures across all logins
    locked_until TIMESTAMP,
    trust_epoch INTEGER NOT NULL DEFAULT 0,     -- bumped to revoke every trusted browser
    updated_at TIMESTAMP NOT NULL
);

-- Backup codes are stored as an HMAC-SHA256 under a key derived from SECRET_KEY_BASE.
CREATE TABLE user_backup_codes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    PRIMARY KEY (user_id, code_hash)
);

ALTER TABLE user_sessions ADD COLUMN mfa_pending BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE user_sessions ADD COLUMN mfa_attempts INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE user_sessions DROP COLUMN mfa_attempts;
ALTER TABLE user_sessions DROP COLUMN mfa_pending;
DROP TABLE user_backup_codes;
DROP TABLE user_mfa;
