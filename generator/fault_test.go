package generator_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// pgCtl is Debian's PostgreSQL 15 server binary directory, which .ci/postgres.sh uses.
const pgCtl = "/usr/lib/postgresql/15/bin/pg_ctl"

// TestFaults runs the generated server through the faults SPEC §3 and §4 promise to survive:
// the database going away and coming back, SIGTERM with a request in flight, and an
// oversized form body.
func TestFaults(t *testing.T) {
	if testing.Short() {
		skipTier(t, "tier 6 builds and runs the generated server; skipped with -short")
	}
	dir := generatedHost(t, combos[0])
	bin := filepath.Join(t.TempDir(), "server")
	goCmd(t, dir, nil, "build", "-o", bin, "./cmd/server")

	t.Run("postgres-down", func(t *testing.T) { testPostgresDown(t, bin) })
	t.Run("sigterm-in-flight", func(t *testing.T) { testSigtermInFlight(t, bin) })
	t.Run("oversized-body", func(t *testing.T) { testOversizedBody(t, bin) })
}

// testPostgresDown stops PostgreSQL under a running server: health check, pages and a log-in
// answer 503 pages that give nothing away, and everything works again once PostgreSQL is back,
// without restarting the server.
func testPostgresDown(t *testing.T, bin string) {
	if _, err := os.Stat(pgCtl); err != nil {
		skipTier(t, "PostgreSQL 15 is not installed (%s): %v", pgCtl, err)
	}
	pg := startPostgresCluster(t)
	srv := startProc(t, bin, t.TempDir(), "DATABASE_URL="+pg.url)

	email, password := "fault-pg@example.com", "correct horse battery staple"
	member := newBrowser(t, srv.base)
	reg := member.register(url.Values{"email": {email}, "password": {password}})
	require.Equal(t, http.StatusOK, reg.status, reg.body) // "check your email"; registering does not log in
	first := member.post("/users/log-in", url.Values{"email": {email}, "password": {password}})
	require.Equal(t, http.StatusSeeOther, first.status, first.body)
	guest := newBrowser(t, srv.base)
	logIn := func() page {
		return guest.post("/users/log-in", url.Values{"email": {email}, "password": {password}})
	}

	pg.stop(t)

	health := guest.get("/healthz")
	require.Equal(t, http.StatusServiceUnavailable, health.status, health.body)
	for name, p := range map[string]page{
		"GET /users/log-in with a session cookie": member.get("/users/log-in"),
		"GET / with a session cookie":             member.get("/"),
		"POST /users/log-in":                      logIn(),
	} {
		require.Equal(t, http.StatusServiceUnavailable, p.status, "%s while PostgreSQL is down:\n%s", name, p.body)
		require.NotEmpty(t, p.header.Get("Retry-After"), "%s: 503 without Retry-After", name)
		require.Contains(t, p.header.Get("Content-Type"), "text/html", name)
		require.Contains(t, p.body, "try again", "%s: not the error page", name)
		requireNoInternals(t, name, p.body)
	}
	require.True(t, srv.running(), "the server exited while PostgreSQL was down:\n%s", srv.logs.String())

	pg.start(t)

	waitFor(t, 30*time.Second, "GET /healthz to answer 200 after PostgreSQL restarted", func() bool {
		return guest.get("/healthz").status == http.StatusOK
	})
	home := member.get("/")
	require.Equal(t, http.StatusOK, home.status, home.body)
	require.Contains(t, home.body, email, "the session cookie works again")
	logInPage := member.get("/users/log-in")
	require.Equal(t, http.StatusSeeOther, logInPage.status, "a logged-in browser is sent home from the log-in page")
	in := logIn()
	require.Equal(t, http.StatusSeeOther, in.status, in.body)
	require.Equal(t, "/", in.location)
	require.Equal(t, http.StatusOK, guest.get("/users/settings").status)
}

// requireNoInternals fails when an error page shows SQL, driver messages or a stack trace.
func requireNoInternals(t *testing.T, name, body string) {
	t.Helper()
	lower := strings.ToLower(body)
	for _, leak := range []string{"sql", "select ", "insert ", "pgx", "pgconn", "postgres", "dial tcp", "connection refused",
		"goroutine ", "panic", ".go:", "runtime error", "user_sessions"} {
		require.NotContains(t, lower, leak, "%s: the error page shows internals:\n%s", name, body)
	}
}

// testSigtermInFlight sends SIGTERM while a log-in request is half sent: the server stops
// accepting connections, finishes that request (its password hash, session insert and
// answer all happen after the signal) and exits 0 within its shutdown deadline.
func testSigtermInFlight(t *testing.T, bin string) {
	work := t.TempDir()
	srv := startProc(t, bin, work, "DATABASE_URL=sqlite:"+filepath.Join(work, "app.db"))
	email, password := "fault-term@example.com", "correct horse battery staple"
	b := newBrowser(t, srv.base)
	require.Equal(t, http.StatusOK, b.register(url.Values{"email": {email}, "password": {password}}).status)

	host := strings.TrimPrefix(srv.base, "http://")
	conn, err := net.DialTimeout("tcp", host, 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	body := url.Values{"email": {email}, "password": {password}}.Encode()
	_, err = fmt.Fprintf(conn, "POST /users/log-in HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Sec-Fetch-Site: same-origin\r\nContent-Length: %d\r\n\r\n%s", host, len(body), body[:len(body)/2])
	require.NoError(t, err)
	// The server has the headers, so the connection counts as active, not idle.
	time.Sleep(300 * time.Millisecond)

	signalled := time.Now()
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGTERM))
	waitFor(t, 10*time.Second, "the listener to close after SIGTERM", func() bool {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			return true
		}
		c.Close()
		return false
	})
	require.True(t, srv.running(), "the server exited with a request in flight:\n%s", srv.logs.String())

	_, err = io.WriteString(conn, body[len(body)/2:])
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(15*time.Second)))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err, "the in-flight request got no answer:\n%s", srv.logs.String())
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "the in-flight log-in did not complete")
	require.Equal(t, "/", resp.Header.Get("Location"))
	require.NotEmpty(t, resp.Cookies(), "the in-flight log-in set no session cookie")

	select {
	case <-srv.done:
	case <-time.After(15 * time.Second):
		t.Fatalf("the server did not exit within 15 s of SIGTERM:\n%s", srv.logs.String())
	}
	require.NoError(t, srv.exitErr, "exit status after SIGTERM:\n%s", srv.logs.String())
	t.Logf("exited 0 %s after SIGTERM", time.Since(signalled).Round(time.Millisecond))
}

// testOversizedBody posts 10 MB form bodies, several at once: each gets 413 quickly, and the
// server's peak RSS grows by far less than the bodies would take if they were read.
func testOversizedBody(t *testing.T, bin string) {
	work := t.TempDir()
	srv := startProc(t, bin, work, "DATABASE_URL=sqlite:"+filepath.Join(work, "app.db"))
	b := newBrowser(t, srv.base)
	require.Equal(t, http.StatusOK, b.get("/users/log-in").status)
	before := srv.statusKB(t, "VmHWM")

	const bodySize, parallel = 10 << 20, 5
	type answer struct {
		status  int
		elapsed time.Duration
		err     error
	}
	answers := make([]answer, parallel)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answers[i].status, answers[i].elapsed, answers[i].err = postOversized(srv.base, bodySize)
		}()
	}
	wg.Wait()
	after := srv.statusKB(t, "VmHWM")

	for i, a := range answers {
		require.NoError(t, a.err, "request %d", i)
		require.Equal(t, http.StatusRequestEntityTooLarge, a.status, "request %d", i)
		require.Less(t, a.elapsed, 5*time.Second, "request %d took %s to be refused", i, a.elapsed)
	}
	grewKB := after - before
	t.Logf("VmHWM %d KiB -> %d KiB (+%d KiB) for %d concurrent %d MiB bodies", before, after, grewKB, parallel, bodySize>>20)
	require.Less(t, grewKB, int64(bodySize>>10), "peak RSS grew by %d KiB for %d bodies of %d MiB", grewKB, parallel, bodySize>>20)
	require.Equal(t, http.StatusOK, b.get("/healthz").status, "the server is not healthy after the oversized bodies")
}

// postOversized sends a form body of size bytes over its own connection and reads the answer.
// The server may answer and close before the body is sent; the answer is what counts.
func postOversized(base string, size int) (int, time.Duration, error) {
	body := io.MultiReader(strings.NewReader("email=a%40example.com&password="), io.LimitReader(repeatByte('x'), int64(size)))
	req, err := http.NewRequest(http.MethodPost, base+"/users/log-in", body)
	if err != nil {
		return 0, 0, err
	}
	req.ContentLength = int64(len("email=a%40example.com&password=") + size)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, time.Since(start), err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, time.Since(start), nil
}

// repeatByte is an endless reader of one byte value.
type repeatByte byte

func (r repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// proc is a started generated server with what most tests need not see: the process, for
// signals and /proc, and its exit status.
type proc struct {
	*server
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited
	exitErr error         // the exit status; read it after done is closed
}

// startProc runs bin in dir with ADDR=127.0.0.1:0 (loopback is the trusted proxy, so each test
// browser's X-Forwarded-For is its client address), waits for its "listening on" line, and stops
// it (SIGTERM, then kill) at the end of the test unless the test already made it exit.
func startProc(t *testing.T, bin, dir string, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append(hermeticEnv(), append([]string{"ADDR=127.0.0.1:0", "APP_ENV=dev", "BASE_URL=http://localhost:4000", "TRUSTED_PROXIES=127.0.0.1/32"}, env...)...)
	logs := &syncBuffer{}
	cmd.Stderr = logs
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	p := &proc{server: &server{logs: logs}, cmd: cmd, done: make(chan struct{})}
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
		p.exitErr = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		if p.running() {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(15 * time.Second):
				cmd.Process.Kill()
				<-p.done
			}
		}
		if t.Failed() {
			t.Logf("server output:\n%s", logs.String())
		}
	})
	select {
	case p.base = <-found:
		return p
	case <-p.done:
		t.Fatalf("server exited before listening: %v\n%s", p.exitErr, logs.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("server did not print its listening line in 60 s:\n%s", logs.String())
	}
	return nil
}

func (p *proc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// statusKB reads one "Name: N kB" line of /proc/PID/status.
func (p *proc) statusKB(t *testing.T, name string) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	require.NoError(t, err)
	for line := range strings.SplitSeq(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, name+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			require.NoError(t, err, line)
			return kb
		}
	}
	t.Fatalf("no %s in /proc/%d/status", name, p.cmd.Process.Pid)
	return 0
}

// pgCluster is a throwaway PostgreSQL cluster of .ci/postgres.sh, for one test.
type pgCluster struct {
	script, dir, port, url string
}

// startPostgresCluster starts a cluster on a free loopback port in a fresh directory and
// stops and removes it at the end of the test. The directory is not under t.TempDir(): as
// root the script runs PostgreSQL as the postgres user, who must be able to reach it.
func startPostgresCluster(t *testing.T) *pgCluster {
	t.Helper()
	script, err := filepath.Abs(filepath.Join("..", ".ci", "postgres.sh"))
	require.NoError(t, err)
	dir, err := os.MkdirTemp("", "sigra-fault-pg-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	pg := &pgCluster{script: script, dir: dir, port: strconv.Itoa(freePort(t))}
	t.Cleanup(func() {
		exec.Command(pg.script, "stop", pg.dir).Run()
		os.RemoveAll(pg.dir)
	})
	pg.start(t)
	return pg
}

func (pg *pgCluster) start(t *testing.T) {
	t.Helper()
	out, err := pg.run("start", pg.dir, pg.port)
	require.NoError(t, err, "postgres.sh start:\n%s", out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	pg.url = strings.TrimSpace(lines[len(lines)-1])
	require.True(t, strings.HasPrefix(pg.url, "postgres://"), "postgres.sh start printed %q", out)
}

func (pg *pgCluster) stop(t *testing.T) {
	t.Helper()
	out, err := pg.run("stop", pg.dir)
	require.NoError(t, err, "postgres.sh stop:\n%s", out)
}

func (pg *pgCluster) run(args ...string) (string, error) {
	cmd := exec.Command(pg.script, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.String(), err
}

// waitFor polls cond every 100 ms until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
