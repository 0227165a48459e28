-- Admin area: the users search by email substring. SQLite's migration of this ordinal adds a
-- trigram index of the addresses; PostgreSQL needs none at the issue's scale (100 000
-- accounts: p95 under 20 ms with the scan that LIKE '%q%' makes), and pg_trgm is an
-- extension of the whole database, which an app's migrations should not create. This one
-- keeps the ordinals of both dialects the same.

-- +goose Up

-- +goose Down
