package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

// The generated app's password cost (SPEC §4).
const (
	argonMemoryKiB = 19456
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
)

// hashTime is the median time of one argon2id hash with the SPEC parameters, in this process.
func hashTime(n int) time.Duration {
	salt := make([]byte, 16)
	rand.Read(salt)
	pw := []byte("correct horse battery staple")
	argon2.IDKey(pw, salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen) // warm-up
	times := make([]time.Duration, n)
	for i := range times {
		t0 := time.Now()
		argon2.IDKey(pw, salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
		times[i] = time.Since(t0)
	}
	runtime.GC()
	return median(times)
}

// account is a registered user and the cookie header of its session.
type account struct {
	email, password, cookie string
}

// Each auth POST carries its own X-Forwarded-For address (10.0.0.0/8, one per request), so the
// per-IP throttle sees many clients, as it would behind a proxy in production.
var ipSeq atomic.Uint32

func nextIP() string {
	n := ipSeq.Add(1)
	return fmt.Sprintf("10.%d.%d.%d", byte(n>>16), byte(n>>8), byte(n))
}

// formResult is the answer to a form POST.
type formResult struct {
	status   int
	cookie   string // "name=value; name2=value2" of the cookies it set
	location string
}

// loggedIn says whether the answer is a successful log-in: a redirect that sets a cookie and
// does not lead back to the log-in page.
func (r formResult) loggedIn() bool {
	return r.status >= 300 && r.status < 400 && r.cookie != "" && !strings.Contains(r.location, "/users/log-in")
}

func postForm(ctx context.Context, c *http.Client, base, path string, form url.Values) (formResult, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, strings.NewReader(form.Encode()))
	if err != nil {
		return formResult{status: statusError}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("X-Forwarded-For", nextIP())
	resp, err := c.Do(req)
	if err != nil {
		return formResult{status: statusError}, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	jar := cookieSet{}
	jar.apply(resp.Cookies())
	return formResult{status: resp.StatusCode, cookie: jar.header(), location: resp.Header.Get("Location")}, nil
}

// cookieSet is the little a browser's cookie jar does for one origin: set, replace, delete.
type cookieSet map[string]string

func parseCookieHeader(h string) cookieSet {
	cs := cookieSet{}
	for _, part := range strings.Split(h, "; ") {
		if name, value, ok := strings.Cut(part, "="); ok {
			cs[name] = value
		}
	}
	return cs
}

func (cs cookieSet) apply(cks []*http.Cookie) {
	for _, ck := range cks {
		if ck.Value == "" || ck.MaxAge < 0 {
			delete(cs, ck.Name)
		} else {
			cs[ck.Name] = ck.Value
		}
	}
}

func (cs cookieSet) header() string {
	names := make([]string, 0, len(cs))
	for n := range cs {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + cs[n]
	}
	return strings.Join(parts, "; ")
}

// settle follows the redirect after a log-in once, as a browser would, and returns the
// cookies left afterwards: a one-shot flash cookie is consumed there, so the load runs send
// only the session cookie, like a browser on its next pages.
func settle(ctx context.Context, c *http.Client, base, location, cookie string) (string, error) {
	if !strings.HasPrefix(location, "/") || strings.HasPrefix(location, "//") {
		location = "/"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+location, nil)
	if err != nil {
		return cookie, err
	}
	req.Header.Set("Cookie", cookie)
	resp, err := c.Do(req)
	if err != nil {
		return cookie, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	jar := parseCookieHeader(cookie)
	jar.apply(resp.Cookies())
	return jar.header(), nil
}

func getStatus(ctx context.Context, c *http.Client, base, path, cookie string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		return statusError, err
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := c.Do(req)
	if err != nil {
		return statusError, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	return resp.StatusCode, nil
}

func randomPassword() string {
	return "bench " + rand.Text()[:20] // 26 characters, not in any blocklist
}

// registerAccounts registers n users, `workers` at a time, retrying answers that ask to retry
// (503 busy hashing, 429 throttled). A registration that answers a redirect with a session
// cookie counts; any other success is followed by a password log-in with the new credentials.
func registerAccounts(ctx context.Context, c *http.Client, base string, n, workers int) ([]account, map[int]int64, error) {
	run := rand.Text()[:6]
	var (
		mu       sync.Mutex
		accts    []account
		statuses = map[int]int64{}
		firstErr error
		wg       sync.WaitGroup
		next     atomic.Int64
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) || ctx.Err() != nil {
					return
				}
				a := account{email: fmt.Sprintf("bench%d.%s@example.com", i, strings.ToLower(run)), password: randomPassword()}
				form := url.Values{"email": {a.email}, "password": {a.password}}
				var r formResult
				var err error
				for try := 0; try < 10; try++ {
					r, err = postForm(ctx, c, base, "/users/register", form)
					if r.status != http.StatusServiceUnavailable && r.status != http.StatusTooManyRequests {
						break
					}
					time.Sleep(300 * time.Millisecond)
				}
				if err == nil && !r.loggedIn() && r.status >= 200 && r.status < 400 {
					// Registered without a session (the generated app answers "check your email"
					// and logs nobody in): log in with the password, as an unconfirmed user may.
					r, err = postForm(ctx, c, base, "/users/log-in", url.Values{"email": {a.email}, "password": {a.password}})
				}
				mu.Lock()
				statuses[r.status]++
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				if r.loggedIn() {
					a.cookie, err = settle(ctx, c, base, r.location, r.cookie)
					mu.Lock()
					if err != nil && firstErr == nil {
						firstErr = err
					}
					accts = append(accts, a)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if len(accts) == 0 {
		if firstErr == nil {
			firstErr = fmt.Errorf("no registration answered a redirect with a session cookie (statuses %s)", statusLine(statuses))
		}
		return nil, statuses, firstErr
	}
	return accts, statuses, nil
}

// loginRun is the successful-login throughput run.
type loginRun struct {
	loadResult
	redirectNoSession int64
	cpu               cpuUse // during the recorded part, not the warm-up
}

// loginThroughput posts valid logins from `workers` goroutines for d (after a 1 s warm-up).
func loginThroughput(ctx context.Context, s *server, c *http.Client, accts []account, workers int, d time.Duration) loginRun {
	var noSession atomic.Int64
	op := func(ctx context.Context, i int64) (int, error) {
		a := accts[int(i)%len(accts)]
		r, err := postForm(ctx, c, s.base, "/users/log-in", url.Values{"email": {a.email}, "password": {a.password}})
		if err == nil && r.status >= 300 && r.status < 400 && !r.loggedIn() {
			noSession.Add(1)
			return -r.status, nil // a redirect that did not log in: counted apart
		}
		return r.status, err
	}
	drive(ctx, workers, time.Second, op, nil)
	noSession.Store(0)
	var run loginRun
	run.cpu.during(s, func() {
		run.loadResult = drive(ctx, workers, d, op, func(code int) bool { return code >= 300 && code < 400 })
	})
	run.redirectNoSession = noSession.Load()
	return run
}

// burstResult is what 500 simultaneous login attempts did to the server.
type burstResult struct {
	n                     int
	elapsed               time.Duration
	byKind                map[string]map[int]int64
	all                   map[int]int64
	baseKB, peakKB, hwmKB int64
	hwmReset              bool
	aliveAfter            bool
	healthAfter           int
	firstErr              error
}

// burst releases n goroutines at once (a barrier), each posting one log-in on its own
// connection: half valid, a quarter wrong passwords (spread so no account reaches the lockout
// threshold), a quarter unknown emails. The server's RSS is sampled every 10 ms meanwhile.
func burst(ctx context.Context, s *server, accts []account, n int) burstResult {
	c := newClient(n)
	defer c.CloseIdleConnections()
	res := burstResult{n: n, byKind: map[string]map[int]int64{}, all: map[int]int64{}}
	kinds := []string{"valid", "valid", "wrong password", "unknown email"}

	res.hwmReset = s.resetHWM() == nil
	res.baseKB, _ = s.rssKB()
	stopSampling := make(chan struct{})
	sampled := make(chan int64)
	go func() {
		peak := res.baseKB
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if kb, err := s.rssKB(); err == nil {
				peak = max(peak, kb)
			}
			select {
			case <-stopSampling:
				sampled <- peak
				return
			case <-t.C:
			}
		}
	}()

	var (
		mu      sync.Mutex
		parked  sync.WaitGroup
		done    sync.WaitGroup
		release = make(chan struct{})
	)
	for i := range n {
		kind := kinds[i%len(kinds)]
		a := accts[(i/len(kinds))%len(accts)]
		form := url.Values{"email": {a.email}, "password": {a.password}}
		switch kind {
		case "wrong password":
			form.Set("password", randomPassword())
		case "unknown email":
			form.Set("email", fmt.Sprintf("nobody%d.%s@example.com", i, strings.ToLower(rand.Text()[:6])))
		}
		parked.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			parked.Done()
			<-release
			r, err := postForm(ctx, c, s.base, "/users/log-in", form)
			mu.Lock()
			defer mu.Unlock()
			if res.byKind[kind] == nil {
				res.byKind[kind] = map[int]int64{}
			}
			res.byKind[kind][r.status]++
			res.all[r.status]++
			if err != nil && res.firstErr == nil {
				res.firstErr = err
			}
		}()
	}
	parked.Wait()
	t0 := time.Now()
	close(release)
	done.Wait()
	res.elapsed = time.Since(t0)
	time.Sleep(100 * time.Millisecond)
	close(stopSampling)
	res.peakKB = <-sampled
	res.hwmKB, _ = s.hwmKB()
	res.aliveAfter = s.alive()
	if res.aliveAfter {
		res.healthAfter, _ = getStatus(ctx, newClient(1), s.base, "/healthz", "")
	}
	return res
}

// allowedBurstStatus: under overload only 2xx, 3xx, 503 and 429 may come back (SPEC §7).
func allowedBurstStatus(code int) bool {
	return (code >= 200 && code < 400) || code == http.StatusServiceUnavailable || code == http.StatusTooManyRequests
}

// badCredentialsStatus is the status wrong credentials are expected to get: what a failed
// log-in answers on an idle server, when that is a 4xx (the guide asks for the form
// re-rendered with a 4xx, 422 in the generated app), else 0 (no such answer is allowed).
func badCredentialsStatus(idle int) int {
	if idle >= 400 && idle < 500 && idle != http.StatusTooManyRequests {
		return idle
	}
	return 0
}

// countOutside counts the answers whose status allowed rejects.
func countOutside(counts map[int]int64, allowed func(int) bool) int64 {
	var n int64
	for code, k := range counts {
		if !allowed(code) {
			n += k
		}
	}
	return n
}

// merged adds status counts together.
func merged(counts ...map[int]int64) map[int]int64 {
	out := map[int]int64{}
	for _, c := range counts {
		for code, n := range c {
			out[code] += n
		}
	}
	return out
}

func total(counts map[int]int64) int64 {
	var n int64
	for _, k := range counts {
		n += k
	}
	return n
}
