-- Authentication tables: accounts, browser sessions, emailed tokens and the audit log.
-- Times are written by the app in UTC; SQLite has no time zone type.

-- +goose Up
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE UNIQUE,
    hashed_password TEXT,
    confirmed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE user_sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL UNIQUE,
    remember_me BOOLEAN NOT NULL DEFAULT FALSE,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    token_issued_at TIMESTAMP NOT NULL,
    authenticated_at TIMESTAMP NOT NULL,
    last_active_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX user_sessions_user_id_idx ON user_sessions (user_id);
CREATE INDEX user_sessions_expires_at_idx ON user_sessions (expires_at);

CREATE TABLE user_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    sent_to TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX user_tokens_user_id_idx ON user_tokens (user_id);
CREATE INDEX user_tokens_expires_at_idx ON user_tokens (expires_at);

-- audit_events has no foreign keys on purpose: the trail outlives the accounts it mentions.
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    action TEXT NOT NULL,
    actor_id TEXT,
    target_id TEXT,
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
DROP TABLE user_tokens;
DROP TABLE user_sessions;
DROP TABLE users;
