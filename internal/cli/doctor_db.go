package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/sigra-go/sigra-install/generator"
)

// dbTimeout bounds each database step, so an unreachable server fails the check instead of
// hanging the deploy.
const dbTimeout = 5 * time.Second

// checkDatabase connects to DATABASE_URL read only (doctor never migrates nor writes), and
// compares goose's version table with the host's migrations of that dialect the way goose
// status does: a migration is applied when its latest row says so. With MAIL_DELIVERY=queue
// the River tables must be there too.
func checkDatabase(out *generator.Findings, dir string, env lookupEnv, cfg runtimeConfig, host *generator.Host) {
	const area = "database"
	db, dialect, where, err := openReadOnly(dir, cfg.databaseURL)
	if err != nil {
		out.Add(area, "reachable", generator.StateProblem, err.Error(), "check DATABASE_URL, and that the database is up and reachable from here")
		skipDatabase(out, cfg)
		return
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		out.Add(area, "reachable", generator.StateProblem, fmt.Sprintf("cannot connect to %s: %v", where, err), "check DATABASE_URL, and that the database is up and reachable from here")
		skipDatabase(out, cfg)
		return
	}
	out.Add(area, "reachable", generator.StateOK, fmt.Sprintf("%s (%s, read only)", where, dialect), "")

	files, err := migrationVersions(dir, dialect)
	if err != nil {
		out.Add(area, "migrations", generator.StateProblem, err.Error(), "restore migrations/"+dialect+" from version control")
	} else {
		applied, err := appliedVersions(ctx, db, dialect)
		if err != nil {
			out.Add(area, "migrations", generator.StateProblem, "cannot read goose's version table: "+err.Error(), "check that DATABASE_URL's user may read goose_db_version")
		} else {
			var pending []string
			for _, f := range files {
				if !applied[f.version] {
					pending = append(pending, f.name)
				}
			}
			if len(pending) > 0 {
				advice := "start the app once (it applies pending migrations at start)"
				if _, ok := hostFile(host, "cmd/server/main.go"); ok {
					advice = "run `go run ./cmd/server migrate` (or start the app, which migrates at start)"
				}
				out.Add(area, "migrations", generator.StateProblem, fmt.Sprintf("%d of %d migration(s) not applied: %s", len(pending), len(files), strings.Join(pending, ", ")), advice)
			} else {
				out.Add(area, "migrations", generator.StateOK, fmt.Sprintf("all %d migration(s) applied", len(files)), "")
			}
		}
	}

	if !cfg.queue {
		out.Add(area, "queue tables", generator.StateUnused, "not needed (MAIL_DELIVERY is not queue)", "")
		return
	}
	ok, err := tableExists(ctx, db, dialect, "river_job")
	switch {
	case err != nil:
		out.Add(area, "queue tables", generator.StateProblem, "cannot look for river_job: "+err.Error(), "check that DATABASE_URL's user may read the catalog")
	case !ok:
		out.Add(area, "queue tables", generator.StateProblem, "MAIL_DELIVERY=queue, but the database has no River tables (river_job)",
			"start the app once with MAIL_DELIVERY=queue as a user that may create tables (it applies River's migrations), then deploy")
	default:
		out.Add(area, "queue tables", generator.StateOK, "river_job present", "")
	}
}

func skipDatabase(out *generator.Findings, cfg runtimeConfig) {
	out.Add("database", "migrations", generator.StateUnused, "not checked: no connection", "")
	if cfg.queue {
		out.Add("database", "queue tables", generator.StateUnused, "not checked: no connection", "")
	}
}

func hostFile(h *generator.Host, p string) ([]byte, bool) {
	if h == nil {
		return nil, false
	}
	return h.ReadFile(p)
}

// openReadOnly opens DATABASE_URL as the generated app reads it (sqlite:PATH relative to the
// host root, or postgres://), in a mode that cannot write: SQLite's mode=ro, PostgreSQL's
// default_transaction_read_only. A SQLite file that does not exist is reported, not created.
func openReadOnly(dir, databaseURL string) (db *sql.DB, dialect, where string, err error) {
	switch {
	case strings.HasPrefix(databaseURL, "sqlite:"):
		file := strings.TrimPrefix(strings.TrimPrefix(databaseURL, "sqlite:"), "//")
		file, _, _ = strings.Cut(file, "?")
		if file == "" {
			return nil, "", "", errors.New("DATABASE_URL sqlite: has no file path")
		}
		if !filepath.IsAbs(file) {
			file = filepath.Join(dir, file)
		}
		if _, err := os.Stat(file); err != nil {
			return nil, "", "", fmt.Errorf("no SQLite database at %s (DATABASE_URL=%s)", file, databaseURL)
		}
		db, err := sql.Open("sqlite", "file:"+file+"?mode=ro&_pragma=busy_timeout(5000)")
		if err != nil {
			return nil, "", "", fmt.Errorf("open %s: %w", file, err)
		}
		return db, "sqlite", file, nil
	case isPostgresURL(databaseURL):
		pc, err := pgx.ParseConfig(databaseURL)
		if err != nil {
			return nil, "", "", errors.New("DATABASE_URL is not a PostgreSQL URL")
		}
		pc.ConnectTimeout = dbTimeout
		pc.RuntimeParams["default_transaction_read_only"] = "on"
		where := fmt.Sprintf("postgres://%s:%d/%s", pc.Host, pc.Port, pc.Database)
		return stdlib.OpenDB(*pc), "postgres", where, nil
	}
	scheme, _, _ := strings.Cut(databaseURL, ":")
	return nil, "", "", fmt.Errorf("DATABASE_URL scheme %q is not supported (the app wants sqlite:PATH or postgres://)", scheme)
}

type migrationFile struct {
	version int64
	name    string
}

// migrationVersions lists the host's migrations of dialect with their goose versions.
func migrationVersions(dir, dialect string) ([]migrationFile, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "migrations", dialect))
	if err != nil {
		return nil, fmt.Errorf("read migrations/%s: %w", dialect, err)
	}
	var out []migrationFile
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		prefix, _, _ := strings.Cut(e.Name(), "_")
		v, err := strconv.ParseInt(prefix, 10, 64)
		if err != nil {
			continue // goose ignores it too
		}
		out = append(out, migrationFile{v, e.Name()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// appliedVersions reads goose_db_version: a version is applied when its latest row (by id)
// says is_applied. A database without the table has nothing applied.
func appliedVersions(ctx context.Context, db *sql.DB, dialect string) (map[int64]bool, error) {
	applied := map[int64]bool{}
	ok, err := tableExists(ctx, db, dialect, "goose_db_version")
	if err != nil || !ok {
		return applied, err
	}
	rows, err := db.QueryContext(ctx, `SELECT version_id, is_applied FROM goose_db_version ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var v int64
		var is bool
		if err := rows.Scan(&v, &is); err != nil {
			return nil, err
		}
		applied[v] = is
	}
	return applied, rows.Err()
}

func tableExists(ctx context.Context, db *sql.DB, dialect, table string) (bool, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1`
	if dialect == "postgres" {
		q = `SELECT COUNT(*) FROM (SELECT to_regclass($1) AS t) c WHERE t IS NOT NULL`
	}
	var n int
	if err := db.QueryRowContext(ctx, q, table).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}
