-- Personal access tokens for the API. Only the SHA-256 of a token is stored; token_hint is
-- its prefix and last 4 characters (checksum characters, which reveal nothing of the secret),
-- so the owner can tell tokens apart. Revoked tokens are kept, marked, for the audit trail.

-- +goose Up
CREATE TABLE user_api_tokens (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash BYTEA NOT NULL UNIQUE,
    token_hint TEXT NOT NULL,
    scopes TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    last_used_ip TEXT NOT NULL DEFAULT '',
    revoked_at TIMESTAMPTZ
);
CREATE INDEX user_api_tokens_user_id_idx ON user_api_tokens (user_id);

-- +goose Down
DROP TABLE user_api_tokens;
