-- +goose Up
CREATE TABLE members (id INTEGER PRIMARY KEY);

-- +goose Down
DROP TABLE members;
