package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The admin area at scale (issue 14): 100 000 accounts and 1 000 000 audit rows seeded, then
// the users search and the audit explorer timed over HTTP (p95 ≤ 50 ms each), and the CSV
// export of every audit row read to the end while the server's peak RSS is watched (growth
// ≤ 64 MiB). Once on SQLite and, with -postgres, once on PostgreSQL.

const (
	adminSeedUsers     = 100_000
	adminSeedAudit     = 1_000_000
	adminPageTargetMS  = 50
	adminCSVGrowthKB   = 64 * 1024
	adminPageSamples   = 40
	adminSeedProgram   = "cmd/benchadminseed"
	adminSeedTimeLimit = 10 * time.Minute
)

// adminSeedSource is a program written into the generated host (which has its drivers and
// its context package): it opens the database through the context, so the migrations run,
// seeds the rows with one set-based INSERT per table, makes one admin with MFA on, and
// prints a session token of that admin.
const adminSeedSource = `package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"MODULE/internal/accounts"
)

func main() {
	ctx := context.Background()
	cfg, err := accounts.ConfigFromEnv()
	check(err)
	svc, err := accounts.Open(ctx, cfg)
	check(err)
	defer svc.Close()
	db := svc.DB()
	postgres := strings.HasPrefix(cfg.DatabaseURL, "postgres")
	users, audit := sqliteSeed, sqliteAuditSeed
	if postgres {
		users, audit = postgresSeed, postgresAuditSeed
	}
	_, err = db.ExecContext(ctx, users)
	check(err)
	_, err = db.ExecContext(ctx, audit)
	check(err)
	u, err := svc.Register(ctx, "bench-admin@example.com", "violet-harbor-lantern-42", accounts.Meta{})
	check(err)
	now := svc.Now()
	_, err = db.ExecContext(ctx, "UPDATE users SET confirmed_at = $1 WHERE id = $2", now, u.ID)
	check(err)
	_, err = db.ExecContext(ctx, "INSERT INTO user_admin_grants (user_id, granted_at) VALUES ($1, $2)", u.ID, now)
	check(err)
	_, err = db.ExecContext(ctx, "INSERT INTO user_mfa (user_id, enabled_at, updated_at) VALUES ($1, $2, $2)", u.ID, now)
	check(err)
	_, err = db.ExecContext(ctx, "ANALYZE") // fresh statistics, as a long-lived database has
	check(err)
	raw, _, err := svc.CreateSession(ctx, u, false, accounts.Meta{})
	check(err)
	fmt.Println("TOKEN", raw)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

const sqliteSeed = ` + "`" + `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < USERS)
INSERT INTO users (id, email, confirmed_at, created_at, updated_at, locked_until)
SELECT printf('00000000-0000-7000-8000-%012d', i), printf('seed%06d@example.com', i),
	CASE WHEN i % 3 > 0 THEN '2025-06-01 00:00:00+00:00' END,
	strftime('%Y-%m-%d %H:%M:%S+00:00', '2025-01-01', '+' || (i * 3) || ' minutes'),
	'2025-06-01 00:00:00+00:00',
	CASE WHEN i % 997 = 0 THEN '2099-01-01 00:00:00+00:00' END
FROM n` + "`" + `

const sqliteAuditSeed = ` + "`" + `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < AUDIT)
INSERT INTO audit_events (id, occurred_at, action, actor_id, target_id, ip, user_agent, outcome, metadata)
SELECT printf('00000000-0000-7000-9000-%012d', i),
	strftime('%Y-%m-%d %H:%M:%S+00:00', '2025-01-01', '+' || (i * 20) || ' seconds'),
	CASE i % 5 WHEN 0 THEN 'user.log_in' WHEN 1 THEN 'user.log_out' WHEN 2 THEN 'user.register' WHEN 3 THEN 'mfa.verify' ELSE 'admin.user.unlock' END,
	printf('00000000-0000-7000-8000-%012d', 1 + i % USERS), printf('00000000-0000-7000-8000-%012d', 1 + (i * 7) % USERS),
	'192.0.2.' || (i % 250), 'Mozilla/5.0 (bench)', CASE WHEN i % 11 = 0 THEN 'failure' ELSE 'success' END, '{}'
FROM n` + "`" + `

const postgresSeed = ` + "`" + `INSERT INTO users (id, email, confirmed_at, created_at, updated_at, locked_until)
SELECT ('00000000-0000-7000-8000-' || lpad(i::text, 12, '0'))::uuid, 'seed' || lpad(i::text, 6, '0') || '@example.com',
	CASE WHEN i % 3 > 0 THEN timestamptz '2025-06-01' END,
	timestamptz '2025-01-01' + i * interval '3 minutes', timestamptz '2025-06-01',
	CASE WHEN i % 997 = 0 THEN timestamptz '2099-01-01' END
FROM generate_series(1, USERS) AS i` + "`" + `

const postgresAuditSeed = ` + "`" + `INSERT INTO audit_events (id, occurred_at, action, actor_id, target_id, ip, user_agent, outcome, metadata)
SELECT ('00000000-0000-7000-9000-' || lpad(i::text, 12, '0'))::uuid, timestamptz '2025-01-01' + i * interval '20 seconds',
	(ARRAY['user.log_in', 'user.log_out', 'user.register', 'mfa.verify', 'admin.user.unlock'])[1 + i % 5],
	('00000000-0000-7000-8000-' || lpad((1 + i % USERS)::text, 12, '0'))::uuid,
	('00000000-0000-7000-8000-' || lpad((1 + (i * 7) % USERS)::text, 12, '0'))::uuid,
	'192.0.2.' || (i % 250), 'Mozilla/5.0 (bench)', CASE WHEN i % 11 = 0 THEN 'failure' ELSE 'success' END, '{}'
FROM generate_series(1, AUDIT) AS i` + "`" + `
`

// adminBench runs the admin figures on SQLite and, when the harness has PostgreSQL, on it.
func adminBench(ctx context.Context, e *env, rep *report, host *appHost) {
	rep.begin("admin", fmt.Sprintf("14. Admin area with %d accounts and %d audit rows", adminSeedUsers, adminSeedAudit))
	if err := writeAdminSeed(host); err != nil {
		rep.missing("admin seed", "", err)
		return
	}
	dbDir, err := e.dir("admin-sqlite-")
	if err != nil {
		rep.missing("admin on SQLite", "", err)
		return
	}
	adminSuite(ctx, e, rep, host, "SQLite", "sqlite:"+filepath.Join(dbDir, "app.db"))
	if e.opts.postgres != "" && ctx.Err() == nil {
		dbURL, drop, err := freshDatabase(ctx, e, e.opts.postgres)
		if err != nil {
			rep.missing("admin on PostgreSQL", "", err)
			return
		}
		adminSuite(ctx, e, rep, host, "PostgreSQL", dbURL)
		drop()
	}
	rep.note("indexes: audit_events (occurred_at, id), (actor_id, occurred_at, id), (target_id, occurred_at, id), users (created_at), users (locked_until), from the admin migration; users by id (the primary key) and email (unique). The email substring search (q): on SQLite the trigram FTS5 index users_email_search (admin migration 62, kept in step by triggers); on PostgreSQL a scan, as no B-tree answers LIKE '%%q%%'")
}

// writeAdminSeed writes the seeding program into the host, with the host's module path.
func writeAdminSeed(host *appHost) error {
	mod, err := os.ReadFile(filepath.Join(host.dir, "go.mod"))
	if err != nil {
		return err
	}
	module, _, _ := strings.Cut(strings.TrimPrefix(strings.SplitN(string(mod), "\n", 2)[0], "module "), " ")
	src := strings.NewReplacer("MODULE", module, "USERS", fmt.Sprint(adminSeedUsers), "AUDIT", fmt.Sprint(adminSeedAudit)).Replace(adminSeedSource)
	dir := filepath.Join(host.dir, adminSeedProgram)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644)
}

// adminSuite seeds one database, starts the server on it and takes the figures.
func adminSuite(ctx context.Context, e *env, rep *report, host *appHost, label, databaseURL string) {
	started := time.Now()
	seed := run(ctx, adminSeedTimeLimit, host.dir, e.goEnv("DATABASE_URL="+databaseURL, "APP_ENV=dev"), "go", "run", "./"+adminSeedProgram)
	if seed.err != nil {
		rep.missing(label+": seed", "", fmt.Errorf("%v\n%s", seed.err, seed.tail(10)))
		return
	}
	var token string
	for _, line := range strings.Split(string(seed.out), "\n") {
		if t, ok := strings.CutPrefix(line, "TOKEN "); ok {
			token = strings.TrimSpace(t)
		}
	}
	if token == "" {
		rep.missing(label+": seed", "", fmt.Errorf("no session token printed:\n%s", seed.tail(10)))
		return
	}
	rep.note("%s: seeded in %s (go run included)", label, time.Since(started).Round(time.Second))

	s, err := startServer(ctx, e, host.server, databaseURL)
	if err != nil {
		rep.missing(label+": admin server", "", err)
		return
	}
	defer s.stop()
	c := newClient(1)
	defer c.CloseIdleConnections()
	cookie := "_app_session=" + token
	if code, err := getStatus(ctx, c, s.base, "/admin", cookie); code != http.StatusOK {
		rep.missing(label+": admin pages", "", fmt.Errorf("GET /admin answered %d %v", code, errOrEmpty(err)))
		return
	}
	target := fmt.Sprintf("≤ %d ms", adminPageTargetMS)
	for _, group := range []struct {
		name  string
		paths []string
	}{
		{"users search p95", []string{
			"/admin/users", "/admin/users?q=seed0421", "/admin/users?q=nobody-matches", "/admin/users?status=locked",
			"/admin/users?status=unconfirmed&sort=email", "/admin/users?sort=oldest&after=00000000-0000-7000-8000-000000050000",
		}},
		{"audit page p95", []string{
			"/admin/audit", "/admin/audit?after=00000000-0000-7000-9000-000000500000", "/admin/audit?actor=seed004242@example.com",
			"/admin/audit?target=seed000777@example.com", "/admin/audit?action=user.log_in&outcome=failure",
		}},
	} {
		var times []time.Duration
		for _, p := range group.paths {
			for range adminPageSamples {
				t0 := time.Now()
				code, err := getStatus(ctx, c, s.base, p, cookie)
				if code != http.StatusOK {
					rep.missing(label+": "+group.name, target, fmt.Errorf("GET %s answered %d %v", p, code, errOrEmpty(err)))
					return
				}
				times = append(times, time.Since(t0))
			}
		}
		slices.Sort(times)
		p95 := times[len(times)*95/100]
		rep.target(fmt.Sprintf("%s: %s (%d paths × %d)", label, group.name, len(group.paths), adminPageSamples), ms(p95), target,
			p95 <= adminPageTargetMS*time.Millisecond)
	}

	// The CSV export of every row: read to the end, the server's peak RSS compared with its
	// RSS before.
	if err := s.resetHWM(); err != nil {
		rep.note("%s: cannot reset the server's peak RSS (%v); the growth below is against its lifetime peak", label, err)
	}
	before, err := s.rssKB()
	if err != nil {
		rep.missing(label+": CSV export RSS growth", "≤ 64 MiB", err)
		return
	}
	t0 := time.Now()
	rows, bytes, err := readCSV(ctx, c, s.base+"/admin/audit.csv", cookie)
	if err != nil {
		rep.missing(label+": CSV export RSS growth", "≤ 64 MiB", err)
		return
	}
	peak, err := s.hwmKB()
	if err != nil {
		rep.missing(label+": CSV export RSS growth", "≤ 64 MiB", err)
		return
	}
	rep.note("%s: CSV export of %d rows, %.0f MiB, in %s", label, rows, float64(bytes)/(1<<20), time.Since(t0).Round(time.Millisecond))
	rep.target(label+": CSV export peak RSS growth", mib(peak-before), "≤ 64 MiB", peak-before <= adminCSVGrowthKB && rows >= adminSeedAudit)
}

// readCSV reads the export to the end and counts its lines (a header and one per row: the
// seeded fields have no line breaks).
func readCSV(ctx context.Context, c *http.Client, url, cookie string) (rows int, n int64, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Cookie", cookie)
	long := *c
	long.Timeout = 10 * time.Minute
	res, err := long.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("GET /admin/audit.csv answered %d", res.StatusCode)
	}
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		n += int64(len(sc.Bytes()) + 2)
		rows++
	}
	if err := sc.Err(); err != nil && err != io.EOF {
		return 0, n, err
	}
	return rows - 1, n, nil
}
