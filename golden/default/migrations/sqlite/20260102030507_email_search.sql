-- Admin area: the users search by email substring. No B-tree answers LIKE '%q%', so a search
-- that matches few addresses read the whole table; a trigram full-text index of the
-- addresses answers it from the index. The index holds no copy of the addresses
-- (content=users) and the triggers below keep it in step with every insert, change of
-- address and delete.

-- +goose Up
CREATE VIRTUAL TABLE users_email_search USING fts5(email, content='users', content_rowid='rowid', tokenize='trigram');
INSERT INTO users_email_search (users_email_search) VALUES ('rebuild');

-- +goose StatementBegin
CREATE TRIGGER users_email_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_email_search (rowid, email) VALUES (new.rowid, new.email);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_email_search_update AFTER UPDATE OF email ON users BEGIN
    INSERT INTO users_email_search (users_email_search, rowid, email) VALUES ('delete', old.rowid, old.email);
    INSERT INTO users_email_search (rowid, email) VALUES (new.rowid, new.email);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER users_email_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_email_search (users_email_search, rowid, email) VALUES ('delete', old.rowid, old.email);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER users_email_search_delete;
DROP TRIGGER users_email_search_update;
DROP TRIGGER users_email_search_insert;
DROP TABLE users_email_search;
