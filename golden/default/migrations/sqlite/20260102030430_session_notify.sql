-- Session changes announced to every server instance: PostgreSQL's triggers (the postgres
-- migration of the same version). A SQLite database belongs to one server process, whose own
-- writes reach its session cache directly, so here there is nothing to announce; the migration
-- keeps the two dialects' versions in step.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
