-- Authentication tables: accounts, browser sessions, emailed tokens and the audit log.

-- +goose Up
CREATE TABLE members (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The app stores emails trimmed and lower-cased; the check keeps the unique index honest.
    email TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    hashed_password TEXT,
    confirmed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE member_sessions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL UNIQUE,
    remember_me BOOLEAN NOT NULL DEFAULT FALSE,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    token_issued_at TIMESTAMPTZ NOT NULL,
    authenticated_at TIMESTAMPTZ NOT NULL,
    last_active_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX member_sessions_member_id_idx ON member_sessions (member_id);
CREATE INDEX member_sessions_expires_at_idx ON member_sessions (expires_at);

CREATE TABLE member_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    sent_to TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX member_tokens_member_id_idx ON member_tokens (member_id);
CREATE INDEX member_tokens_expires_at_idx ON member_tokens (expires_at);

-- audit_events has no foreign keys on purpose: the trail outlives the accounts it mentions.
CREATE TABLE audit_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at TIMESTAMPTZ NOT NULL,
    action TEXT NOT NULL,
    actor_id BIGINT,
    target_id BIGINT,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_actor_id_idx ON audit_events (actor_id);
CREATE INDEX audit_events_target_id_idx ON audit_events (target_id);
CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE member_tokens;
DROP TABLE member_sessions;
DROP TABLE members;
