package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The bearer API of `--api --jwt`: GET /api/v1/me with a personal access token and with a JWT
// access token, each against unauthenticated GET /healthz on the same server. A PAT costs one
// indexed read by hash per request (last_used_at is written at most every 5 minutes); a JWT
// costs an Ed25519 verification and the account's token epoch, read with the account row and
// cached for 100 ms (JWTPolicy.EpochCacheTTL), so under load almost no request reads the
// database.

var apiGenArgs = []string{"Accounts", "User", "users", "--api", "--jwt"}

var (
	confirmLinkRE = regexp.MustCompile(`/users/confirm/([A-Za-z0-9_-]{20,})`)
	newTokenRE    = regexp.MustCompile(`id="new-api-token" type="text" value="([^"]+)"`)
)

// apiBench generates and builds the `--api --jwt` bundle, serves it on SQLite (and on
// PostgreSQL with -postgres), and reports the two throughput ratios.
func apiBench(ctx context.Context, e *env, rep *report) {
	if ctx.Err() != nil {
		return
	}
	rep.begin("bearer API", "5. Bearer-authenticated GET /api/v1/me ÷ GET /healthz (--api --jwt)")
	bin := filepath.Join(e.tmp, "sigra-install")
	host, err := newHost(ctx, e, "api-")
	if err != nil {
		rep.missing("--api --jwt host", "", err)
		return
	}
	if r := run(ctx, 10*time.Minute, host, e.goEnv(), bin, append([]string{"--dir", host}, apiGenArgs...)...); r.err != nil {
		rep.missing("generate --api --jwt", "", r.err)
		rep.raw(r.tail(20))
		return
	}
	server := filepath.Join(host, "server")
	if r := run(ctx, 10*time.Minute, host, e.goEnv(), "go", "build", "-o", server, "./cmd/server"); r.err != nil {
		rep.missing("go build ./cmd/server (--api --jwt)", "", r.err)
		rep.raw(r.tail(20))
		return
	}
	dbDir, err := e.dir("api-sqlite-")
	if err != nil {
		rep.missing("SQLite run", "", err)
		return
	}
	apiSuite(ctx, e, rep, server, "SQLite", "sqlite:"+filepath.Join(dbDir, "app.db"))
	if e.opts.postgres != "" && ctx.Err() == nil {
		dbURL, drop, err := freshDatabase(ctx, e, e.opts.postgres)
		if err != nil {
			rep.missing("PostgreSQL run", "", err)
			return
		}
		apiSuite(ctx, e, rep, server, "PostgreSQL", dbURL)
		drop()
	}
}

// apiSuite measures one server: it makes a confirmed account with a PAT and a JWT, then
// alternates /healthz with each bearer route.
func apiSuite(ctx context.Context, e *env, rep *report, bin, label, databaseURL string) {
	s, err := startServer(ctx, e, bin, databaseURL)
	if err != nil {
		rep.missing(label+" server", "", err)
		return
	}
	defer s.stop()
	c := newClient(e.opts.concurrency)
	defer c.CloseIdleConnections()
	pat, access, err := apiCredentials(ctx, c, s.base)
	if err != nil {
		rep.missing(label+" API credentials", "", err)
		rep.note("server log tail:\n%s", s.logTail(10))
		return
	}
	d, warm, conc := e.opts.duration, time.Second, e.opts.concurrency
	const rounds = 3
	rep.note("%s: %d keep-alive workers, %s warm-up each, %d alternating rounds of %s per route", label, conc, ms(warm), rounds, ms(d/rounds))
	routes := []struct{ name, path, token string }{
		{"GET /healthz (no auth)", "/healthz", ""},
		{"GET /api/v1/me with a PAT", "/api/v1/me", pat},
		{"GET /api/v1/me with a JWT", "/api/v1/me", access},
	}
	results := make([][]loadResult, len(routes))
	for _, r := range routes {
		loadBearer(ctx, c, s.base, r.path, r.token, conc, warm)
	}
	for range rounds {
		for i, r := range routes {
			results[i] = append(results[i], loadBearer(ctx, c, s.base, r.path, r.token, conc, d/rounds))
		}
	}
	merged := make([]loadResult, len(routes))
	for i, r := range routes {
		merged[i] = merge(results[i]...)
		rep.fig(label+": "+r.name, fmt.Sprintf("%.0f req/s  p50 %s  p99 %s  (%s)", merged[i].rps(), ms(merged[i].pct(0.5)), ms(merged[i].pct(0.99)), statusLine(merged[i].statuses)))
	}
	if base := merged[0].rps(); base > 0 {
		// No SPEC target: the figures are for reading, beside the session ratio of section 2+3.
		rep.fig(label+": PAT /api/v1/me ÷ /healthz", fmt.Sprintf("%.2f×", merged[1].rps()/base))
		rep.fig(label+": JWT /api/v1/me ÷ /healthz", fmt.Sprintf("%.2f×", merged[2].rps()/base))
	}
}

// loadBearer drives GET path with the bearer token (none when empty); 200 counts.
func loadBearer(ctx context.Context, c *http.Client, base, path, token string, workers int, d time.Duration) loadResult {
	do := func(ctx context.Context, _ int64) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return statusError, err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			return statusError, err
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	return drive(ctx, workers, d, do, func(code int) bool { return code == http.StatusOK })
}

// apiCredentials registers an account, confirms it through the dev mailbox's link, logs in
// (which opens the sudo window), creates a PAT on the settings page and gets a JWT from the
// token endpoint.
func apiCredentials(ctx context.Context, c *http.Client, base string) (pat, access string, err error) {
	email, password := "bench.api@example.com", randomPassword()
	form := url.Values{"email": {email}, "password": {password}}
	// Registration answers 303 to the "check your email" page (post-redirect-get); 200 is an
	// older app that rendered it in place.
	if r, err := postForm(ctx, c, base, "/users/register", form); err != nil || (r.status != http.StatusOK && r.status != http.StatusSeeOther) {
		return "", "", fmt.Errorf("register: %d %v", r.status, err)
	}
	body, err := getBody(ctx, c, base, "/dev/mailbox/1", "")
	m := confirmLinkRE.FindStringSubmatch(body)
	if err != nil || m == nil {
		return "", "", fmt.Errorf("no confirmation link in /dev/mailbox/1 (%v)", err)
	}
	if r, err := postForm(ctx, c, base, "/users/confirm/"+m[1], url.Values{"password": {password}}); err != nil || r.status != http.StatusSeeOther {
		return "", "", fmt.Errorf("confirm: %d %v", r.status, err)
	}
	login, err := postForm(ctx, c, base, "/users/log-in", form)
	if err != nil || !login.loggedIn() {
		return "", "", fmt.Errorf("log in: %d %v", login.status, err)
	}
	created, err := postFormWithCookie(ctx, c, base, "/users/settings/api-tokens", login.cookie,
		url.Values{"name": {"bench"}, "scopes": {"profile:read"}, "expires_in_days": {"30"}})
	if m = newTokenRE.FindStringSubmatch(created); err != nil || m == nil {
		return "", "", fmt.Errorf("create a PAT: no token on the page (%v)", err)
	}
	pat = html.UnescapeString(m[1])
	data, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/auth/token", bytes.NewReader(data))
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", nextIP())
	resp, err := c.Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	var tokens struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tokens); err != nil || tokens.AccessToken == "" {
		return "", "", fmt.Errorf("token endpoint: %d %v", resp.StatusCode, err)
	}
	return pat, tokens.AccessToken, nil
}

// getBody returns the body of GET path.
func getBody(ctx context.Context, c *http.Client, base, path, cookie string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return "", err
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	return string(data), err
}

// postFormWithCookie posts a form as a logged-in browser and returns the page.
func postFormWithCookie(ctx context.Context, c *http.Client, base, path, cookie string, form url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Cookie", cookie)
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	return string(data), err
}
