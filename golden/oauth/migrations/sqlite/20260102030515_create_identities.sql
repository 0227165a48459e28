-- Sign-in providers (OAuth / OpenID Connect): the provider accounts linked to each
-- user, and the authorization flows and link confirmations in progress.

-- +goose Up
-- An identity is one provider account (provider, subject) linked to one user. The
-- subject is the provider's stable id, never the email, which can change or be reused.
-- access_token is only kept when OAuthPolicy.StoreProviderTokens asks for it, sealed with
-- AES-256-GCM under a key derived from SECRET_KEY_BASE.
CREATE TABLE user_identities (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    access_token BLOB,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    UNIQUE (provider, subject)
);
CREATE INDEX user_identities_user_id_idx ON user_identities (user_id);

-- A flow is found by the SHA-256 of a random token: the state of an authorization request
-- (purpose 'state', with the PKCE verifier and the nonce), or a link waiting for the owner of
-- the existing account to prove it (purpose 'link', with what the provider said). Each is
-- used once and deleted on first use or expiry.
CREATE TABLE user_oauth_flows (
    id TEXT PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    provider TEXT NOT NULL,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    verifier TEXT NOT NULL DEFAULT '',
    nonce TEXT NOT NULL DEFAULT '',
    return_to TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    access_token BLOB,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX user_oauth_flows_expires_at_idx ON user_oauth_flows (expires_at);

-- +goose Down
DROP TABLE user_oauth_flows;
DROP TABLE user_identities;
