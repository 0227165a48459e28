package cli

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/sigra-go/sigra-install/generator"
)

// TestOpenReadOnlySQLite: doctor's connection cannot write, and a database file that is not
// there is reported rather than created.
func TestOpenReadOnlySQLite(t *testing.T) {
	dir := t.TempDir()
	rw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "app.db")+"?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rw.Exec(`CREATE TABLE users (id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	rw.Close()

	db, dialect, _, err := openReadOnly(dir, "sqlite:app.db")
	if err != nil || dialect != "sqlite" {
		t.Fatalf("openReadOnly = %q, %v", dialect, err)
	}
	defer db.Close()
	if ok, err := tableExists(t.Context(), db, dialect, "users"); err != nil || !ok {
		t.Fatalf("tableExists(users) = %v, %v", ok, err)
	}
	for _, stmt := range []string{`CREATE TABLE goose_db_version (id INTEGER)`, `INSERT INTO users (id) VALUES (1)`} {
		if _, err := db.Exec(stmt); err == nil || !strings.Contains(err.Error(), "readonly") {
			t.Errorf("%s through doctor's connection: %v, want a read-only error", stmt, err)
		}
	}

	if _, _, _, err := openReadOnly(dir, "sqlite:missing.db"); err == nil || !strings.Contains(err.Error(), "no SQLite database at") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); !os.IsNotExist(err) {
		t.Errorf("doctor created missing.db: %v", err)
	}
}

// TestCheckDatabasePostgres runs the database checks against a real PostgreSQL (the cluster
// .ci/run starts; SIGRA_TEST_POSTGRES_URL): goose applies the first of two migrations into a
// fresh schema, doctor finds the second pending, refuses to write through its connection, and
// is satisfied once goose has applied both. MAIL_DELIVERY=queue needs River's table.
func TestCheckDatabasePostgres(t *testing.T) {
	base := os.Getenv("SIGRA_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("SIGRA_TEST_POSTGRES_URL not set; .ci/run starts a PostgreSQL cluster and sets it")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	suffix := make([]byte, 6)
	rand.Read(suffix)
	schema := "doctor_" + hex.EncodeToString(suffix)
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	url := base + "&search_path=" + schema
	if !strings.Contains(base, "?") {
		url = base + "?search_path=" + schema
	}

	dir := t.TempDir()
	migrations := filepath.Join(dir, "migrations", "postgres")
	if err := os.MkdirAll(migrations, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]string{
		"20260102030405_create_users.sql": "-- +goose Up\nCREATE TABLE users (id bigint PRIMARY KEY);\n-- +goose Down\nDROP TABLE users;\n",
		"20260102030415_add_email.sql":    "-- +goose Up\nALTER TABLE users ADD COLUMN email text;\n-- +goose Down\nALTER TABLE users DROP COLUMN email;\n",
	} {
		if err := os.WriteFile(filepath.Join(migrations, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rw, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, rw, os.DirFS(migrations))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.UpTo(ctx, 20260102030405); err != nil {
		t.Fatal(err)
	}

	check := func(queue bool) generator.Findings {
		var out generator.Findings
		checkDatabase(&out, dir, nil, runtimeConfig{databaseURL: url, queue: queue}, nil)
		return out
	}
	state := func(fs generator.Findings, name string) generator.Finding {
		for _, f := range fs {
			if f.Check == name {
				return f
			}
		}
		t.Fatalf("no %s finding in %+v", name, fs)
		return generator.Finding{}
	}
	got := check(false)
	if f := state(got, "reachable"); f.State != generator.StateOK {
		t.Fatalf("reachable: %+v", f)
	}
	if f := state(got, "migrations"); f.State != generator.StateProblem || !strings.Contains(f.Detail, "1 of 2 migration(s) not applied: 20260102030415_add_email.sql") {
		t.Errorf("migrations with one pending: %+v", f)
	}

	db, _, _, err := openReadOnly(dir, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `ALTER TABLE users ADD COLUMN email text`); err == nil || !strings.Contains(err.Error(), "read-only transaction") {
		t.Errorf("a write through doctor's connection: %v, want a read-only refusal", err)
	}

	if _, err := provider.Up(ctx); err != nil {
		t.Fatal(err)
	}
	got = check(true)
	if f := state(got, "migrations"); f.State != generator.StateOK || f.Detail != "all 2 migration(s) applied" {
		t.Errorf("migrations, all applied: %+v", f)
	}
	if f := state(got, "queue tables"); f.State != generator.StateProblem {
		t.Errorf("queue tables without river_job: %+v", f)
	}
	if _, err := rw.ExecContext(ctx, `CREATE TABLE river_job (id bigint)`); err != nil {
		t.Fatal(err)
	}
	if f := state(check(true), "queue tables"); f.State != generator.StateOK {
		t.Errorf("queue tables with river_job: %+v", f)
	}
}
