package generator_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/require"
)

// TestE2E builds the generated server, starts it on a loopback port and drives the account flow
// over real HTTP, on SQLite and on PostgreSQL.
func TestE2E(t *testing.T) {
	if testing.Short() {
		skipTier(t, "tier 6 builds and runs the generated server; skipped with -short")
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
				driveSettingsFlow(t, srv)
				driveMFAFlow(t, srv, sqliteFiles(filepath.Join(work, "app.db")))
			})
			t.Run("postgres", func(t *testing.T) {
				dbURL := freshPostgresDatabase(t, postgresURL(t))
				// Queued mail on PostgreSQL: River's migrations, start and graceful stop run in the
				// real server.
				srv := startServer(t, bin, t.TempDir(), "DATABASE_URL="+dbURL, "MAIL_DELIVERY=queue")
				driveAccountFlow(t, srv)
				driveSettingsFlow(t, srv)
				driveMFAFlow(t, srv, postgresColumn(dbURL, c.mfaTable()))
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
	return startProc(t, bin, dir, env...).server
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
	ip     string // the client address this browser claims through the trusted loopback proxy
}

// browserIPs numbers browsers, so each has its own address and its own per-IP rate limit.
var browserIPs atomic.Int32

func newBrowser(t *testing.T, base string) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	n := browserIPs.Add(1)
	return &browser{t: t, base: base, ip: fmt.Sprintf("198.51.%d.%d", 100+n/250, 1+n%250), client: &http.Client{
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
	req.Header.Set("X-Forwarded-For", b.ip)
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

// register posts the registration form as a browser does and follows its answer, a redirect
// to the check-email page (so a reload does not post the form again), which it returns. The
// redirect must set no cookie: registering does not log in. A refusal (422) is returned as it is.
func (b *browser) register(form url.Values) page {
	b.t.Helper()
	res := b.post("/users/register", form)
	if res.status != http.StatusSeeOther {
		return res
	}
	require.True(b.t, strings.HasPrefix(res.location, "/users/register/check-email?"), "registration redirected to %q", res.location)
	require.Empty(b.t, res.header.Values("Set-Cookie"), "registering set a cookie")
	return b.get(res.location)
}

// mailboxRow matches one message in the dev mailbox list (newest first).
var mailboxRow = regexp.MustCompile(`<tr data-to="([^"]*)" data-kind="([^"]*)">[\s\S]*?href="/dev/mailbox/(\d+)"`)

// mailbox reads the dev mailbox of the server (APP_ENV=dev) and returns the page of the
// newest email of kind to an address, with its text. With MAIL_DELIVERY=queue the mail is
// sent by a worker after the request, so it waits for it a little.
func mailbox(t *testing.T, b *browser, to, kind string) string {
	t.Helper()
	// Queued mail (MAIL_DELIVERY=queue, the PostgreSQL runs) is sent by the worker after the
	// request: a job inserted in the request's transaction is picked up at the queue's next
	// poll, up to a second later. Inline mail is there at once.
	deadline := time.Now().Add(mailboxWait)
	for {
		list := b.get("/dev/mailbox")
		require.Equal(t, http.StatusOK, list.status, list.body)
		for _, row := range mailboxRow.FindAllStringSubmatch(list.body, -1) {
			if html.UnescapeString(row[1]) == to && row[2] == kind {
				msg := b.get("/dev/mailbox/" + row[3])
				require.Equal(t, http.StatusOK, msg.status, msg.body)
				return html.UnescapeString(msg.body)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s email to %s in the dev mailbox after %s:\n%s", kind, to, mailboxWait, list.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// mailboxWait bounds how long mailbox waits for a queued mail: a few of River's 1 s polls.
const mailboxWait = 5 * time.Second

var mailLink = regexp.MustCompile(`http://localhost:4000(/users/[A-Za-z0-9_/-]+)`)

// mailedPath returns the path of the link in the newest email of kind to an address.
func mailedPath(t *testing.T, b *browser, to, kind string) string {
	t.Helper()
	m := mailLink.FindStringSubmatch(mailbox(t, b, to, kind))
	require.NotNil(t, m, "no link in the %s email", kind)
	return m[1]
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

	// Register: a "check your email" page, not a session.
	form := b.get("/users/register")
	require.Equal(t, http.StatusOK, form.status)
	require.Contains(t, form.body, `name="email"`)
	require.Contains(t, form.body, `name="password"`)
	reg := b.register(url.Values{"email": {email}, "password": {password}})
	require.Equal(t, http.StatusOK, reg.status, reg.body)
	require.Contains(t, reg.body, "Check your email")
	require.Empty(t, reg.header.Values("Set-Cookie"))
	require.Equal(t, http.StatusSeeOther, b.get("/users/settings").status, "registering must not log in")

	// The same address again gets the very same page; its holder is mailed instead.
	again := newBrowser(t, srv.base).register(url.Values{"email": {email}, "password": {"another long password"}})
	require.Equal(t, reg.status, again.status)
	require.Equal(t, reg.body, again.body, "a taken email must look like a new one")
	require.Contains(t, mailbox(t, b, email, "registration_attempt"), "/users/log-in")

	// Confirm with the emailed link: the GET shows a button, only the POST confirms. This
	// browser is not logged in to the account, so the page asks for its password, and the
	// link alone confirms nothing.
	confirm := mailedPath(t, b, email, "confirm_email")
	for range 2 {
		p := b.get(confirm)
		require.Equal(t, http.StatusOK, p.status, p.body)
		require.Equal(t, "no-referrer", p.header.Get("Referrer-Policy"))
		require.Contains(t, p.body, `name="password"`)
	}
	require.Equal(t, http.StatusUnprocessableEntity, b.post(confirm, url.Values{}).status, "the link alone confirms nothing")
	done := b.post(confirm, url.Values{"password": {password}})
	require.Equal(t, http.StatusSeeOther, done.status, done.body)
	require.Equal(t, "/users/log-in?email="+url.QueryEscape(email), done.location)
	require.Equal(t, http.StatusNotFound, b.post(confirm, url.Values{}).status, "a confirmation link works once")

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

	// Log in with return_to: back to the protected page, which shows the confirmed account.
	settings := b.get("/users/settings")
	require.Equal(t, http.StatusSeeOther, settings.status)
	loc, err := url.Parse(settings.location)
	require.NoError(t, err)
	require.Equal(t, "/users/log-in", loc.Path)
	require.Equal(t, "/users/settings", loc.Query().Get("return_to"))
	in := b.post("/users/log-in", url.Values{"email": {email}, "password": {password}, "return_to": {"/users/settings"}})
	require.Equal(t, http.StatusSeeOther, in.status, in.body)
	require.Equal(t, "/users/settings", in.location)
	prot := b.get("/users/settings")
	require.Equal(t, http.StatusOK, prot.status)
	require.Contains(t, prot.body, email)
	require.Contains(t, prot.body, "<dd>Yes</dd>", "the email should be confirmed")
	require.NotContains(t, prot.body, "Please confirm your email address")
	require.Contains(t, prot.header.Get("Cache-Control"), "no-store")

	// A cross-site form post is refused and changes nothing.
	evil := b.post("/users/log-out", nil, "Sec-Fetch-Site", "cross-site")
	require.Equal(t, http.StatusForbidden, evil.status)
	require.Contains(t, b.get("/").body, email, "a cross-site log-out must not log out")

	// An open-redirect payload in return_to is ignored.
	b2 := newBrowser(t, srv.base)
	in2 := b2.post("/users/log-in", url.Values{"email": {email}, "password": {password}, "return_to": {"//evil.example/x"}})
	require.Equal(t, http.StatusSeeOther, in2.status)
	require.Equal(t, "/", in2.location)

	// Log out: the protected page is closed; the second browser's session is its own.
	require.Equal(t, http.StatusSeeOther, b.post("/users/log-out", nil).status)
	require.Equal(t, http.StatusSeeOther, b.get("/users/settings").status)
	require.Equal(t, http.StatusOK, b2.get("/users/settings").status)

	// Password reset from a third browser: every session ends, the new password works.
	b3 := newBrowser(t, srv.base)
	asked := b3.post("/users/reset-password", url.Values{"email": {email}})
	require.Equal(t, http.StatusSeeOther, asked.status, asked.body)
	require.Equal(t, asked.status, b3.post("/users/reset-password", url.Values{"email": {"nobody-" + email}}).status)
	reset := mailedPath(t, b3, email, "reset_password")
	for range 3 {
		p := b3.get(reset)
		require.Equal(t, http.StatusOK, p.status, p.body)
		require.Equal(t, "no-referrer", p.header.Get("Referrer-Policy"))
	}
	newPassword := "a completely new passphrase"
	changed := b3.post(reset, url.Values{"password": {newPassword}, "password_confirmation": {newPassword}})
	require.Equal(t, http.StatusSeeOther, changed.status, changed.body)
	require.Equal(t, "/users/log-in", changed.location)
	require.Equal(t, http.StatusSeeOther, b2.get("/users/settings").status, "a reset must log out every session")
	require.Contains(t, mailbox(t, b3, email, "password_reset"), "logged out")
	require.Equal(t, bad.status, b3.post("/users/log-in", url.Values{"email": {email}, "password": {password}}).status)
	require.Equal(t, http.StatusSeeOther, b3.post("/users/log-in", url.Values{"email": {email}, "password": {newPassword}}).status)
	require.NotContains(t, srv.logs.String(), strings.TrimPrefix(reset, "/users/reset-password/"), "a token reached the logs")

	// Magic link: the GET shows a button, the POST logs in, once.
	b4 := newBrowser(t, srv.base)
	require.Equal(t, http.StatusSeeOther, b4.post("/users/log-in/magic-link", url.Values{"email": {email}}).status)
	magic := mailedPath(t, b4, email, "magic_link")
	require.Equal(t, http.StatusOK, b4.get(magic).status)
	used := b4.post(magic, url.Values{})
	require.Equal(t, http.StatusSeeOther, used.status, used.body)
	require.Contains(t, b4.get("/").body, email)
	require.Equal(t, http.StatusNotFound, newBrowser(t, srv.base).post(magic, url.Values{}).status)

	// The guest auth forms allow 20 POSTs a minute from one IP, then answer 429.
	limited := false
	flood := newBrowser(t, srv.base)
	for range 45 {
		p := flood.post("/users/log-in", url.Values{"email": {"nobody-" + email}, "password": {"not the password!"}})
		if p.status == http.StatusTooManyRequests {
			require.NotEmpty(t, p.header.Get("Retry-After"))
			limited = true
			break
		}
		require.Equal(t, bad.status, p.status)
	}
	require.True(t, limited, "no 429 after 45 log-in POSTs from one IP")
}
