-- Account deletion with a grace period. deletion_scheduled_at is when a requested deletion
-- takes effect (NULL when none is pending); deleted_at marks an account that was soft
-- deleted: its email is a tombstone and it has no password, so it can never log in again.

-- +goose Up
ALTER TABLE members ADD COLUMN deletion_scheduled_at TIMESTAMP;
ALTER TABLE members ADD COLUMN deleted_at TIMESTAMP;
CREATE INDEX members_deletion_scheduled_at_idx ON members (deletion_scheduled_at);

-- +goose Down
DROP INDEX members_deletion_scheduled_at_idx;
ALTER TABLE members DROP COLUMN deleted_at;
ALTER TABLE members DROP COLUMN deletion_scheduled_at;
