-- Multi-factor authentication: one TOTP secret per member, single-use backup codes, and
-- the MFA-pending flag on sessions (a password login waiting for its second factor).

-- +goose Up
-- One row per member who ever started enrolling. Disabling MFA clears the secret but keeps
-- the row, so trust_epoch keeps counting and a trust cookie issued before can never match again.
CREATE TABLE member_mfa (
    member_id BIGINT PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    totp_secret BYTEA,               -- AES-256-GCM ciphertext (nonce || sealed); never the plain secret
    pending_since TIMESTAMPTZ,       -- set while a new secret waits to be confirmed with a code
    enabled_at TIMESTAMPTZ,          -- NULL: MFA is off
    last_step BIGINT NOT NULL DEFAULT 0,        -- newest TOTP time step accepted (replay guard)
    failed_attempts INTEGER NOT NULL DEFAULT 0, -- consecutive failures across all logins
    locked_until TIMESTAMPTZ,
    trust_epoch BIGINT NOT NULL DEFAULT 0,      -- bumped to revoke every trusted browser
    updated_at TIMESTAMPTZ NOT NULL
);

-- Backup codes are stored as an HMAC-SHA256 under a key derived from SECRET_KEY_BASE.
CREATE TABLE member_backup_codes (
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    code_hash BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    PRIMARY KEY (member_id, code_hash)
);

ALTER TABLE member_sessions ADD COLUMN mfa_pending BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE member_sessions ADD COLUMN mfa_attempts INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE member_sessions DROP COLUMN mfa_attempts;
ALTER TABLE member_sessions DROP COLUMN mfa_pending;
DROP TABLE member_backup_codes;
DROP TABLE member_mfa;
