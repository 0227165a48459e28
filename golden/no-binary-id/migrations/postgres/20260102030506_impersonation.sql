-- Impersonation: a real session of the impersonated account, tagged with the admin acting
-- and the admin's own session, which comes back when the impersonation ends.

-- +goose Up
-- One row per impersonation session; the row goes with its session (a stop, a timeout, a log
-- out), and with either account.
CREATE TABLE user_impersonations (
    session_id BIGINT PRIMARY KEY REFERENCES user_sessions (id) ON DELETE CASCADE,
    admin_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    admin_session_id BIGINT NOT NULL,
    target_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_at TIMESTAMPTZ NOT NULL,
    last_active_at TIMESTAMPTZ NOT NULL, -- written at most every minute; the idle limit reads it
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX user_impersonations_admin_idx ON user_impersonations (admin_id);

-- +goose Down
DROP TABLE user_impersonations;
