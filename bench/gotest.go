package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// sessionBench runs the generated code's Go benchmarks and prints those about sessions.
func sessionBench(ctx context.Context, e *env, rep *report, host *appHost) {
	rep.begin("session", "2b. Session lookup and the home page (Go benchmarks in the generated host)")
	var pkgs []string
	for _, p := range []string{"internal/userauth", "internal/accounts", "internal/accountsweb"} {
		if st, err := os.Stat(filepath.Join(host.dir, p)); err == nil && st.IsDir() {
			pkgs = append(pkgs, "./"+p+"/")
		}
	}
	if len(pkgs) == 0 {
		rep.note("no session-lookup benchmark in the generated code (no internal/userauth or internal/accounts)")
		return
	}
	// BenchmarkHomePage (the web package) serves GET / through the whole handler logged out
	// and in: its allocations are those of an authenticated request.
	args := append([]string{"test", "-run", "^$", "-bench", "(?i)session|HomePage", "-benchmem"}, pkgs...)
	rep.note("go %s", strings.Join(args, " "))
	r := run(ctx, 10*time.Minute, host.dir, e.goEnv(), "go", args...)
	var lines []string
	for _, l := range strings.Split(string(r.out), "\n") {
		if low := strings.ToLower(l); strings.HasPrefix(l, "Benchmark") && (strings.Contains(low, "session") || strings.Contains(low, "homepage")) {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		rep.note("no session-lookup benchmark in the generated code")
	} else {
		rep.raw(strings.Join(lines, "\n"))
	}
	if r.err != nil {
		rep.note("the benchmark run failed: %v\n%s", r.err, r.tail(15))
	}
}

var okFailLine = regexp.MustCompile(`^(ok|FAIL|---)\s`)

// suiteTime times `go test -count=1 ./...` in dir and prints the failing packages, if any.
func suiteTime(ctx context.Context, e *env, rep *report, name, dir string, limit time.Duration, target time.Duration, vars []string) {
	r := run(ctx, limit, dir, vars, "go", "test", "-count=1", "-timeout", limit.String(), "./...")
	okN, failN := 0, 0
	var fails []string
	for _, l := range strings.Split(string(r.out), "\n") {
		if !okFailLine.MatchString(l) {
			continue
		}
		switch {
		case strings.HasPrefix(l, "ok"):
			okN++
		case strings.HasPrefix(l, "FAIL\t"), strings.HasPrefix(l, "FAIL "):
			failN++
			fails = append(fails, l)
		}
	}
	outcome := "pass"
	if r.err != nil {
		outcome = "FAIL"
	}
	value := ms(r.elapsed) + " (" + outcome + ")"
	switch {
	case target > 0 && r.err != nil:
		rep.add(figure{name: name, value: value, target: fmt.Sprintf("≤ %.0f min", target.Minutes()), verdict: "reported: the suite failed, so the time is not the full figure"})
	case target > 0:
		rep.reported(name, value, fmt.Sprintf("≤ %.0f min", target.Minutes()), r.elapsed <= target)
	default:
		rep.fig(name, value)
	}
	rep.note("%d packages ok, %d failed", okN, failN)
	if r.err != nil {
		if len(fails) > 0 {
			rep.raw(strings.Join(fails, "\n"))
		}
		rep.note("tail of the output:\n%s", r.tail(12))
	}
}
