-- JWT: each account's token epoch (an access token carries the epoch it was issued at and
-- is refused once the epoch has moved on), the refresh tokens (SHA-256 hashes, grouped in
-- families, one per login), and the mfa_tokens waiting for a second factor.

-- +goose Up
CREATE TABLE user_token_epochs (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL
);

CREATE TABLE user_refresh_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    superseded_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX user_refresh_tokens_family_idx ON user_refresh_tokens (family_id);
CREATE INDEX user_refresh_tokens_user_id_idx ON user_refresh_tokens (user_id);

CREATE TABLE user_jwt_mfa_tokens (
    token_hash BLOB PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE user_jwt_mfa_tokens;
DROP TABLE user_refresh_tokens;
DROP TABLE user_token_epochs;
