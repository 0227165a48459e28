package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// The default bundle: what the README's example generates.
var genArgs = []string{"Accounts", "User", "users"}

// buildGenerator builds the CLI once, so the timings below are the binary's own process
// time and not `go run`'s compile-and-link.
func buildGenerator(ctx context.Context, e *env) (string, error) {
	bin := filepath.Join(e.tmp, "sigra-install")
	r := run(ctx, 5*time.Minute, e.root, e.goEnv(), "go", "build", "-o", bin, "./cmd/sigra-install")
	if r.err != nil {
		return "", fmt.Errorf("%w\n%s", r.err, r.tail(20))
	}
	return bin, nil
}

// newHost makes an empty host module the way a user would: `go mod init`.
func newHost(ctx context.Context, e *env, prefix string) (string, error) {
	dir, err := e.dir(prefix)
	if err != nil {
		return "", err
	}
	r := run(ctx, time.Minute, dir, e.goEnv(), "go", "mod", "init", "example.com/benchhost")
	if r.err != nil {
		return "", fmt.Errorf("%w\n%s", r.err, r.tail(5))
	}
	return dir, nil
}

// timeGenerate runs the generator binary n times (after one untimed run that warms the page
// cache), each into a fresh host, and returns the whole-process wall times.
func timeGenerate(ctx context.Context, e *env, bin string, n int, flags ...string) ([]time.Duration, error) {
	var times []time.Duration
	for i := -1; i < n; i++ {
		host, err := newHost(ctx, e, "gen-")
		if err != nil {
			return nil, err
		}
		args := append(append([]string{"--dir", host}, flags...), genArgs...)
		r := run(ctx, 2*time.Minute, host, e.goEnv(), bin, args...)
		if r.err != nil {
			return nil, fmt.Errorf("%w\n%s", r.err, r.tail(20))
		}
		if i >= 0 {
			times = append(times, r.elapsed)
		}
	}
	return times, nil
}

const genTarget = 150 * time.Millisecond

func benchGenerator(ctx context.Context, e *env, rep *report) error {
	rep.begin("generator", "1. Generator (default bundle: Accounts User users)")
	bin, err := buildGenerator(ctx, e)
	if err != nil {
		rep.missing("generate --no-tidy, median", "≤ 150 ms", err)
		return err
	}
	if !e.opts.wants("generator") {
		rep.note("generator timings skipped (-only); the binary is built for the sections that need it")
		return nil
	}
	n := e.opts.runs
	rep.note("binary built once with go build; %d timed runs each (after 1 untimed warm-up), every run into a fresh `go mod init` host", n)

	times, err := timeGenerate(ctx, e, bin, n, "--no-tidy")
	if err != nil {
		rep.missing("generate --no-tidy, median", "≤ 150 ms", err)
	} else {
		med := median(times)
		rep.target("generate --no-tidy, median (whole process)", ms(med), "≤ 150 ms", med <= genTarget)
		rep.fig("generate --no-tidy, min / max", ms(minDur(times))+" / "+ms(maxDur(times)))
	}

	times, err = timeGenerate(ctx, e, bin, n, "--dry-run")
	if err != nil {
		rep.missing("generate --dry-run, median", "", err)
	} else {
		rep.fig("generate --dry-run, median (whole process)", ms(median(times)))
		rep.fig("generate --dry-run, min / max", ms(minDur(times))+" / "+ms(maxDur(times)))
	}
	return nil
}

// appHost is a generated host with its server built.
type appHost struct {
	dir, server string
}

// prepareHost generates the default bundle with `go mod tidy` (timed once: this is module
// work, network or module-cache bound, so it is not part of the 150 ms target) and builds
// cmd/server.
func prepareHost(ctx context.Context, e *env, rep *report) (*appHost, error) {
	bin := filepath.Join(e.tmp, "sigra-install")
	host, err := newHost(ctx, e, "app-")
	if err != nil {
		return nil, err
	}
	r := run(ctx, 10*time.Minute, host, e.goEnv(), bin, append([]string{"--dir", host}, genArgs...)...)
	if r.err != nil {
		rep.missing("generate with go mod tidy (once)", "", r.err)
		rep.raw(r.tail(20))
		return nil, r.err
	}
	rep.fig("generate with go mod tidy (once, whole process)", ms(r.elapsed))

	server := filepath.Join(host, "server")
	r = run(ctx, 10*time.Minute, host, e.goEnv(), "go", "build", "-o", server, "./cmd/server")
	if r.err != nil {
		rep.missing("go build ./cmd/server", "", r.err)
		rep.raw(r.tail(20))
		return nil, r.err
	}
	rep.fig("go build ./cmd/server (once)", ms(r.elapsed))
	return &appHost{dir: host, server: server}, nil
}
