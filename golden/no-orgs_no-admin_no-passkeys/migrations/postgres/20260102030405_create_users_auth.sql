-- +goose Up
CREATE TABLE users (id BIGINT PRIMARY KEY);

-- +goose Down
DROP TABLE users;
