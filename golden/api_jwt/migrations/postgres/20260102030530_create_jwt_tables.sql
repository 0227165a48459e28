-- JWT: each account's token epoch (an access token carries the epoch it was issued at and
-- is refused once the epoch has moved on), the refresh tokens (SHA-256 hashes, grouped in
-- families, one per login), and the mfa_tokens waiting for a second factor.

-- +goose Up
CREATE TABLE user_token_epochs (
    user_id UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    epoch BIGINT NOT NULL
);

CREATE TABLE user_refresh_tokens (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id TEXT NOT NULL,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    superseded_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX user_refresh_tokens_family_idx ON user_refresh_tokens (family_id);
CREATE INDEX user_refresh_tokens_user_id_idx ON user_refresh_tokens (user_id);

CREATE TABLE user_jwt_mfa_tokens (
    token_hash BYTEA PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE user_jwt_mfa_tokens;
DROP TABLE user_refresh_tokens;
DROP TABLE user_token_epochs;
