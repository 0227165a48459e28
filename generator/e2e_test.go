package generator_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
)

// TestE2E builds the generated server, starts it on a loopback port and drives the account flow
// over real HTTP, on SQLite and on PostgreSQL.
func TestE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("tier 6 builds and runs the generated server; skipped with -short")
	}
	for _, c := range combos {
		if c.name != "default" && c.name != "identity-member_no-binary-id" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			dir := generatedHost(t, c)
			bin := filepath.Join(t.TempDir(), "server")
			goCmd(t, dir, nil, "build", "-o", bin, "./cmd/server")

			t.Run("sqlite", func(t *testing.T) {
				work := t.TempDir()
				srv := startServer(t, bin, work, "DATABASE_URL=sqlite:"+filepath.Join(work, "app.db"))
				driveAccountFlow(t, srv)
			})
			t.Run("postgres", func(t *testing.T) {
				dbURL := freshPostgresDatabase(t, postgresURL(t))
				// Queued mail on PostgreSQL: River's migrations, start and graceful stop run in the
				// real server.
				srv := startServer(t, bin, t.TempDir(), "DATABASE_URL="+dbURL, "MAIL_DELIVERY=queue")
				driveAccountFlow(t, srv)
			})
		})
	}
}

// server is a running generated server.
type server struct {
	base string
	logs *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer runs bin in dir with ADDR=127.0.0.1:0, waits for its "listening on" line and
// stops it (SIGTERM, then kill) when the test ends.
func startServer(t *testing.T, bin, dir string, env ...string) *server {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append(hermeticEnv(), append([]string{"ADDR=127.0.0.1:0", "APP_ENV=dev", "BASE_URL=http://localhost:4000"}, env...)...)
	logs := &syncBuffer{}
	cmd.Stderr = logs
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			logs.Write([]byte(line + "\n"))
			if rest, ok := strings.CutPrefix(line, "listening on "); ok {
				found <- strings.TrimSpace(rest)
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("server output:\n%s", logs.String())
		}
	})
	select {
	case base := <-found:
		return &server{base: base, logs: logs}
	case err := <-exited:
		t.Fatalf("server exited before listening: %v\n%s", err, logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not print its listening line in 60 s:\n%s", logs.String())
	}
	return nil
}

// freshPostgresDatabase creates a database for one test on the server at baseURL and drops it
// afterwards.
func freshPostgresDatabase(t *testing.T, baseURL string) string {
	t.Helper()
	admin, err := sql.Open("pgx", baseURL)
	require.NoError(t, err)
	t.Cleanup(func() { admin.Close() })
	suffix := make([]byte, 6)
	rand.Read(suffix)
	name := "sigra_e2e_" + hex.EncodeToString(suffix)
	_, err = admin.Exec("CREATE DATABASE " + name)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(baseURL)
	require.NoError(t, err)
	u.Path = "/" + name
	return u.String()
}

// browser is an HTTP client with its own cookie jar that does not follow redirects, so every
// redirect is asserted.
type browser struct {
	t      *testing.T
	base   string
	client *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, base: base, client: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type page struct {
	status   int
	location string
	body     string
	header   http.Header
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	resp, err := b.client.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return page{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(body), header: resp.Header}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	require.NoError(b.t, err)
	return b.do(req)
}

// post submits a form the way a browser on the same origin does.
func (b *browser) post(path string, form url.Values, header ...string) page {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	require.NoError(b.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return b.do(req)
}

func driveAccountFlow(t *testing.T, srv *server) {
	b := newBrowser(t, srv.base)
	email := "e2e-" + hex.EncodeToString([]byte(t.Name()))[:8] + "@example.com"
	password := "correct horse battery staple"

	health := b.get("/healthz")
	require.Equal(t, http.StatusOK, health.status, health.body)

	home := b.get("/")
	require.Equal(t, http.StatusOK, home.status)
	require.Contains(t, home.body, `href="/users/log-in"`)
	require.NotContains(t, home.body, email)
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		require.NotEmpty(t, home.header.Get(h), "missing %s on /", h)
	}

	// Register: logged in straight away, redirected home, which shows the account.
	form := b.get("/users/register")
	require.Equal(t, http.StatusOK, form.status)
	require.Contains(t, form.body, `name="email"`)
	require.Contains(t, form.body, `name="password"`)
	reg := b.post("/users/register", url.Values{"email": {email}, "password": {password}})
	require.Equal(t, http.StatusSeeOther, reg.status, reg.body)
	require.Equal(t, "/", reg.location)
	require.Contains(t, b.get("/").body, email)

	// A cross-site form post is refused and changes nothing.
	evil := b.post("/users/log-out", nil, "Sec-Fetch-Site", "cross-site")
	require.Equal(t, http.StatusForbidden, evil.status)
	require.Contains(t, b.get("/").body, email, "a cross-site log-out must not log out")

	// Log out: the protected page now sends us to the log-in page with return_to.
	out := b.post("/users/log-out", nil)
	require.Equal(t, http.StatusSeeOther, out.status)
	settings := b.get("/users/settings")
	require.Equal(t, http.StatusSeeOther, settings.status)
	loc, err := url.Parse(settings.location)
	require.NoError(t, err)
	require.Equal(t, "/users/log-in", loc.Path)
	require.Equal(t, "/users/settings", loc.Query().Get("return_to"))

	// A wrong password gets the generic message and the form back, not a session.
	bad := b.post("/users/log-in", url.Values{"email": {email}, "password": {"not the password!"}})
	require.GreaterOrEqual(t, bad.status, 400)
	require.Less(t, bad.status, 500)
	require.Contains(t, bad.body, "Invalid email or password")
	require.Contains(t, bad.body, `name="password"`)
	unknown := b.post("/users/log-in", url.Values{"email": {"nobody-" + email}, "password": {"not the password!"}})
	require.Equal(t, bad.status, unknown.status)
	require.Equal(t, strings.ReplaceAll(bad.body, email, "EMAIL"), strings.ReplaceAll(unknown.body, "nobody-"+email, "EMAIL"),
		"unknown email and wrong password must look the same")

	// Log in with return_to: back to the protected page, which shows the account.
	in := b.post("/users/log-in", url.Values{"email": {email}, "password": {password}, "return_to": {"/users/settings"}})
	require.Equal(t, http.StatusSeeOther, in.status, in.body)
	require.Equal(t, "/users/settings", in.location)
	prot := b.get("/users/settings")
	require.Equal(t, http.StatusOK, prot.status)
	require.Contains(t, prot.body, email)
	require.Contains(t, prot.header.Get("Cache-Control"), "no-store")

	// An open-redirect payload in return_to is ignored.
	b2 := newBrowser(t, srv.base)
	in2 := b2.post("/users/log-in", url.Values{"email": {email}, "password": {password}, "return_to": {"//evil.example/x"}})
	require.Equal(t, http.StatusSeeOther, in2.status)
	require.Equal(t, "/", in2.location)

	// Log out again: the protected page is closed.
	require.Equal(t, http.StatusSeeOther, b.post("/users/log-out", nil).status)
	require.Equal(t, http.StatusSeeOther, b.get("/users/settings").status)
	// The second browser's session is its own and still works.
	require.Equal(t, http.StatusOK, b2.get("/users/settings").status)
}
