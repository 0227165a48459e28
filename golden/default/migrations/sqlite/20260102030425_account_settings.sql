-- Account deletion with a grace period. deletion_scheduled_at is when a requested deletion
-- takes effect (NULL when none is pending); deleted_at marks an account that was soft
-- deleted: its email is a tombstone and it has no password, so it can never log in again.

-- +goose Up
ALTER TABLE users ADD COLUMN deletion_scheduled_at TIMESTAMP;
ALTER TABLE users ADD COLUMN deleted_at TIMESTAMP;
CREATE INDEX users_deletion_scheduled_at_idx ON users (deletion_scheduled_at);

-- +goose Down
DROP INDEX users_deletion_scheduled_at_idx;
ALTER TABLE users DROP COLUMN deleted_at;
ALTER TABLE users DROP COLUMN deletion_scheduled_at;
