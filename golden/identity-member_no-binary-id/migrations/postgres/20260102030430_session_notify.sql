-- Session changes announced to every server instance on this database. A change that ends or
-- alters a session, or alters the account row a session lookup returns, notifies the channel
-- member_sessions_changes when its transaction commits; every Service on the database listens
-- there and drops what it cached of that session or account (session_notify.go), so another
-- instance refuses a revoked session within milliseconds rather than within
-- Policy.SessionCacheTTL. The payload is 's' and the session's token hash in hex, or 'a' and the
-- account id, then a space and the table's schema (listeners ignore other schemas' tables, as
-- when two apps or two test runs share a database). A new last_active_at alone announces
-- nothing: it is written at most every Policy.LastActiveInterval, and no instance needs
-- another's copy of it to be current. Nor does a change to the password lockout's columns
-- alone (every password attempt counts itself in failed_login_attempts and a right one clears
-- it): a session lookup reads none of them.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION member_sessions_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('member_sessions_changes', 's' || encode(OLD.token_hash, 'hex') || ' ' || TG_TABLE_SCHEMA);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER member_sessions_announce_delete AFTER DELETE ON member_sessions
    FOR EACH ROW EXECUTE FUNCTION member_sessions_announce_change();
CREATE TRIGGER member_sessions_announce_update AFTER UPDATE ON member_sessions
    FOR EACH ROW WHEN ((to_jsonb(OLD) - 'last_active_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_active_at'))
    EXECUTE FUNCTION member_sessions_announce_change();

-- +goose StatementBegin
CREATE FUNCTION members_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('member_sessions_changes', 'a' || OLD.id::text || ' ' || TG_TABLE_SCHEMA);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER members_announce_delete AFTER DELETE ON members
    FOR EACH ROW EXECUTE FUNCTION members_announce_change();
CREATE TRIGGER members_announce_update AFTER UPDATE ON members
    FOR EACH ROW WHEN ((to_jsonb(OLD) - 'failed_login_attempts' - 'lock_count' - 'locked_until')
        IS DISTINCT FROM (to_jsonb(NEW) - 'failed_login_attempts' - 'lock_count' - 'locked_until'))
    EXECUTE FUNCTION members_announce_change();

-- +goose Down
DROP TRIGGER members_announce_update ON members;
DROP TRIGGER members_announce_delete ON members;
DROP FUNCTION members_announce_change();
DROP TRIGGER member_sessions_announce_update ON member_sessions;
DROP TRIGGER member_sessions_announce_delete ON member_sessions;
DROP FUNCTION member_sessions_announce_change();
