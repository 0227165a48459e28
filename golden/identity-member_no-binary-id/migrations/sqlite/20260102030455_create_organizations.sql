-- Organizations: the organizations themselves, who belongs to each and with which role, the
-- invitations sent to join one, and the old slugs that still lead to one for a while. The
-- active organization of a browser is a column of its session, and the audit log names the
-- organization an action belongs to.

-- +goose Up
-- An organization is soft deleted (deleted_at), so its audit trail keeps pointing at a row; its
-- slug is unique among the live ones only, and free again once it is deleted. personal marks
-- the one every member gets when their address is first confirmed.
CREATE TABLE organizations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    personal BOOLEAN NOT NULL DEFAULT FALSE,
    created_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE UNIQUE INDEX organizations_live_slug_idx ON organizations (slug) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX organizations_personal_idx ON organizations (created_by) WHERE personal AND deleted_at IS NULL;

-- One row per member: the role, when they joined, and when they last chose the organization
-- (a new login starts in the one chosen last).
CREATE TABLE organization_memberships (
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_selected_at TIMESTAMP,
    PRIMARY KEY (organization_id, member_id)
);
CREATE INDEX organization_memberships_member_id_idx ON organization_memberships (member_id);

-- An invitation is found by the SHA-256 of the token in its link; the token itself is only in
-- the email. At most one of accepted_at, revoked_at and declined_at is ever set.
CREATE TABLE organization_invitations (
    id INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email TEXT NOT NULL COLLATE NOCASE,
    role TEXT NOT NULL,
    inviter_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    revoked_at TIMESTAMP,
    declined_at TIMESTAMP
);
CREATE INDEX organization_invitations_organization_id_idx ON organization_invitations (organization_id, email);
CREATE INDEX organization_invitations_expires_at_idx ON organization_invitations (expires_at);

-- An old slug leads to its organization until expires_at (7 days after the change), so links
-- people saved keep working while they learn the new one.
CREATE TABLE organization_slug_aliases (
    slug TEXT PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL
);

-- The organization a browser works in. No foreign key: organizations are never deleted as
-- rows (see deleted_at), the app clears the column when a membership or an organization ends,
-- and SQLite cannot drop a column that a foreign key names.
ALTER TABLE member_sessions ADD COLUMN active_organization_id INTEGER;

-- The organization an audited action belongs to, if any. No foreign key, as for the other
-- audit columns: the trail outlives what it mentions.
ALTER TABLE audit_events ADD COLUMN organization_id INTEGER;
CREATE INDEX audit_events_organization_id_idx ON audit_events (organization_id);

-- +goose Down
DROP INDEX audit_events_organization_id_idx;
ALTER TABLE audit_events DROP COLUMN organization_id;
ALTER TABLE member_sessions DROP COLUMN active_organization_id;
DROP TABLE organization_slug_aliases;
DROP TABLE organization_invitations;
DROP TABLE organization_memberships;
DROP TABLE organizations;
