// Command bench measures sigra-install and the app it generates on this machine and prints
// each figure beside its SPEC §7 target. It asserts nothing: the figures are for reading.
//
//	go run ./bench [-postgres URL] [-duration 5s] [-skip-tests]
//
// Every server it starts listens on 127.0.0.1 and is stopped at exit; every request and step
// has a time limit; the temp directory is removed at exit.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

type options struct {
	postgres    string
	duration    time.Duration
	skipTests   bool
	coldCache   bool
	concurrency int
	runs        int
	timeout     time.Duration
	keep        bool
	only        map[string]bool // -only: the sections to run; nil runs every one
}

// sections are the names -only accepts, in report order.
var sections = []string{"generator", "get", "login", "session", "admin", "api", "tests"}

// wants reports whether section name was asked for.
func (o options) wants(name string) bool { return o.only == nil || o.only[name] }

func main() {
	var o options
	flag.StringVar(&o.postgres, "postgres", "", "PostgreSQL admin URL on 127.0.0.1 (a fresh database is created per run and dropped after); empty = SQLite only")
	flag.DurationVar(&o.duration, "duration", 5*time.Second, "recorded duration of each load run")
	flag.BoolVar(&o.skipTests, "skip-tests", false, "do not time the sigra-install repository's own `go test ./...` (minutes)")
	flag.BoolVar(&o.coldCache, "cold-cache", false, "run every go command with an empty build cache of its own (SPEC's test-suite target is cold)")
	flag.IntVar(&o.concurrency, "c", 16, "keep-alive workers for the GET load")
	flag.IntVar(&o.runs, "runs", 7, "timed generator runs (median and min are printed)")
	flag.DurationVar(&o.timeout, "timeout", 60*time.Minute, "limit for the whole harness")
	flag.BoolVar(&o.keep, "keep", false, "keep the temp directory (hosts, server logs) for inspection")
	only := flag.String("only", "", "comma-separated sections to run ("+strings.Join(sections, ", ")+"); empty runs all. get is the GET / ratio, login the password log-ins and the burst")
	flag.Parse()
	if *only != "" {
		o.only = map[string]bool{}
		for _, name := range strings.Split(*only, ",") {
			if !slices.Contains(sections, name) {
				fmt.Fprintf(os.Stderr, "bench: -only: no section %q (sections: %s)\n", name, strings.Join(sections, ", "))
				os.Exit(2)
			}
			o.only[name] = true
		}
	}
	if flag.NArg() > 0 || o.duration <= 0 || o.duration > 10*time.Minute || o.concurrency < 1 || o.concurrency > 1024 || o.runs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if o.postgres != "" {
		if _, err := loopbackURL(o.postgres); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		}
	}
	os.Exit(runAll(o))
}

func runAll(o options) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()

	e, err := newEnv(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	defer e.close()

	rep := newReport(os.Stdout)
	rep.header()
	if o.coldCache {
		rep.note("cold build cache: every go command uses an empty GOCACHE under the temp directory")
	}

	if err := benchGenerator(ctx, e, rep); err != nil {
		rep.summary()
		return 1
	}
	server := o.wants("get") || o.wants("login") || o.wants("session") || o.wants("admin") || o.wants("tests")
	var host *appHost // nil when no section needs it, or it could not be built
	if server {
		host, _ = prepareHost(ctx, e, rep) // a failure is in the report
	}

	var hashT time.Duration
	if o.wants("login") {
		rep.begin("argon2id", "3a. argon2id (m=19456 KiB, t=2, p=1, 32-byte key), in this process")
		hashT = hashTime(7)
		rep.fig("one hash, median of 7", ms(hashT))
		rep.fig("bound = cores ÷ hash time", fmt.Sprintf("%.1f logins/s (%d cores)", float64(runtime.NumCPU())/hashT.Seconds(), runtime.NumCPU()))
	}

	if host != nil {
		if o.wants("get") || o.wants("login") {
			rep.begin("SQLite", "2+3. Generated server on SQLite")
			dbDir, err := e.dir("sqlite-")
			if err == nil {
				serverSuite(ctx, e, rep, host, "SQLite", "sqlite:"+filepath.Join(dbDir, "app.db"), hashT)
			} else {
				rep.missing("SQLite run", "", err)
			}
			if o.postgres != "" && ctx.Err() == nil {
				rep.begin("PostgreSQL", "2+3. Generated server on PostgreSQL")
				dbURL, drop, err := freshDatabase(ctx, e, o.postgres)
				if err != nil {
					rep.missing("auth/unauth GET / throughput", fmt.Sprintf("≥ %.2g×", ratioTarget), err)
				} else {
					serverSuite(ctx, e, rep, host, "PostgreSQL", dbURL, hashT)
					drop()
				}
			}
		}
		if ctx.Err() == nil && o.wants("session") {
			sessionBench(ctx, e, rep, host)
		}
		if ctx.Err() == nil && o.wants("admin") {
			adminBench(ctx, e, rep, host)
		}
	}

	if o.wants("api") {
		apiBench(ctx, e, rep) // section 5, bench/api.go
	}
	if !o.wants("tests") {
		rep.background("at the end")
		rep.summary()
		return 0
	}

	rep.begin("tests", "4. Test-suite time (reported, not gated)")
	if host != nil && ctx.Err() == nil {
		suiteTime(ctx, e, rep, "generated host: go test ./...", host.dir, 15*time.Minute, 0, e.goEnv())
	}
	if o.skipTests {
		rep.note("sigra-install's own go test ./... skipped (-skip-tests)")
	} else if ctx.Err() == nil {
		vars := e.goEnv()
		if os.Getenv("SIGRA_TEST_POSTGRES_URL") == "" && o.postgres != "" {
			vars = append(vars, "SIGRA_TEST_POSTGRES_URL="+o.postgres)
		}
		cache := "warm build cache"
		if o.coldCache {
			cache = "cold build cache"
		}
		rep.note("sigra-install: go test -count=1 ./... (all tiers, %s; SPEC's target assumes a cold cache)", cache)
		limit := 40 * time.Minute
		if dl, ok := ctx.Deadline(); ok {
			limit = min(limit, time.Until(dl)-time.Minute)
		}
		suiteTime(ctx, e, rep, "sigra-install: go test ./...", e.root, limit, 10*time.Minute, vars)
	}
	if ctx.Err() != nil {
		rep.note("stopped early: %v", ctx.Err())
	}
	rep.background("at the end")
	rep.summary()
	return 0
}
