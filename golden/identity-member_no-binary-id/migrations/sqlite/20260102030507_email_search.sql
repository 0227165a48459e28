-- Admin area: the users search by email substring. No B-tree answers LIKE '%q%', so a search
-- that matches few addresses read the whole table; a trigram full-text index of the
-- addresses answers it from the index. The index holds no copy of the addresses
-- (content=members) and the triggers below keep it in step with every insert, change of
-- address and delete.

-- +goose Up
CREATE VIRTUAL TABLE members_email_search USING fts5(email, content='members', content_rowid='rowid', tokenize='trigram');
INSERT INTO members_email_search (members_email_search) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER members_email_search_insert AFTER INSERT ON members BEGIN
    INSERT INTO members_email_search (rowid, email) VALUES (new.rowid, new.email);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER members_email_search_update AFTER UPDATE OF email ON members BEGIN
    INSERT INTO members_email_search (members_email_search, rowid, email) VALUES ('delete', old.rowid, old.email);
    INSERT INTO members_email_search (rowid, email) VALUES (new.rowid, new.email);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER members_email_search_delete AFTER DELETE ON members BEGIN
    INSERT INTO members_email_search (members_email_search, rowid, email) VALUES ('delete', old.rowid, old.email);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER members_email_search_delete;
DROP TRIGGER members_email_search_update;
DROP TRIGGER members_email_search_insert;
DROP TABLE members_email_search;
