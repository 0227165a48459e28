-- Admin area: platform admin grants, bans, and the indexes behind the users search and the
-- audit explorer.

-- +goose Up
-- A platform admin is a row here and nothing else: no column of users, no role, no
-- configuration implies it. Granted and revoked with `admin grant|revoke` (cmd/server).
CREATE TABLE user_admin_grants (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    granted_at TIMESTAMP NOT NULL
);

-- A banned account cannot log in by any way until banned_until (NULL: until unbanned).
CREATE TABLE user_bans (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    banned_until TIMESTAMP,
    banned_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    banned_at TIMESTAMP NOT NULL
);

-- The audit explorer pages newest first by (occurred_at, id), with or without an actor or
-- target filter; the users list pages by email when sorted by it.
CREATE INDEX audit_events_occurred_id_idx ON audit_events (occurred_at, id);
CREATE INDEX audit_events_actor_occurred_idx ON audit_events (actor_id, occurred_at, id);
CREATE INDEX audit_events_target_occurred_idx ON audit_events (target_id, occurred_at, id);
CREATE INDEX users_created_at_idx ON users (created_at);
-- The locked filter and count.
CREATE INDEX users_locked_until_idx ON users (locked_until);

-- +goose Down
DROP INDEX users_locked_until_idx;
DROP INDEX users_created_at_idx;
DROP INDEX audit_events_target_occurred_idx;
DROP INDEX audit_events_actor_occurred_idx;
DROP INDEX audit_events_occurred_id_idx;
DROP TABLE user_bans;
DROP TABLE user_admin_grants;
