-- Passkeys (WebAuthn): registered credentials, the random handle each member is known by
-- to authenticators, and the challenges of ceremonies in progress.

-- +goose Up
-- The handle is 64 random bytes, never the email or the id: authenticators store it and
-- may show it to anyone holding the device.
CREATE TABLE member_passkey_handles (
    member_id BIGINT PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    handle BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

-- credential is the go-webauthn credential record as JSON (public key, flags, transports,
-- authenticator data); sign_count is kept beside it so a login can compare and set it atomically.
CREATE TABLE member_passkeys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    credential_id BYTEA NOT NULL UNIQUE,
    credential TEXT NOT NULL,
    sign_count BIGINT NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ
);
CREATE INDEX member_passkeys_member_id_idx ON member_passkeys (member_id);

-- A challenge is found by the SHA-256 of a token kept in the browser's cookie, used once and
-- deleted on first use or expiry.
CREATE TABLE member_passkey_challenges (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash BYTEA NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    member_id BIGINT REFERENCES members (id) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',
    session_data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX member_passkey_challenges_expires_at_idx ON member_passkey_challenges (expires_at);

-- +goose Down
DROP TABLE member_passkey_challenges;
DROP TABLE member_passkeys;
DROP TABLE member_passkey_handles;
