-- Authentication tables: accounts, browser sessions, emailed tokens and the audit log.
-- Times are written by the app in UTC; SQLite has no time zone type.

-- +goose Up
CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE UNIQUE,
    hashed_password TEXT,
    confirmed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE member_sessions (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
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
CREATE INDEX member_sessions_member_id_idx ON member_sessions (member_id);
CREATE INDEX member_sessions_expires_at_idx ON member_sessions (expires_at);

CREATE TABLE member_tokens (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    token_hash BLOB NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    sent_to TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX member_tokens_member_id_idx ON member_tokens (member_id);
CREATE INDEX member_tokens_expires_at_idx ON member_tokens (expires_at);

-- audit_events has no foreign keys on purpose: the trail outlives the accounts it mentions.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    action TEXT NOT NULL,
    actor_id INTEGER,
    target_id INTEGER,
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
