-- +goose Up
CREATE TABLE members (id BIGINT PRIMARY KEY);

-- +goose Down
DROP TABLE members;
