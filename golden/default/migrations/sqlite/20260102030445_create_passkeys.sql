-- Passkeys (WebAuthn): registered credentials, the random handle each user is known by
-- to authenticators, and the challenges of ceremonies in progress.

-- +goose Up
-- The handle is 64 random bytes, never the email or the id: authenticators store it and
-- may show it to anyone holding the device.
CREATE TABLE user_passkey_handles (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    handle BLOB NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- credential is the go-webauthn credential record as JSON (public key, flags, transports,
-- authenticator data); sign_count is kept beside it so a login can compare and set it atomically.
CREATE TABLE user_passkeys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id BLOB NOT NULL UNIQUE,
    credential TEXT NOT NULL,
    sign_count INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX user_passkeys_user_id_idx ON user_passkeys (user_id);

-- A challenge is found by the SHA-256 of a token kept in the browser's cookie, used once and
-- deleted on first use or expiry.
CREATE TABLE user_passkey_challenges (
    id TEXT PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',
    session_data TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX user_passkey_challenges_expires_at_idx ON user_passkey_challenges (expires_at);

-- +goose Down
DROP TABLE user_passkey_challenges;
DROP TABLE user_passkeys;
DROP TABLE user_passkey_handles;
