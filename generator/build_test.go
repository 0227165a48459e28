package generator_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sigra-go/sigra-install/internal/cli"
)

// Tiers 5 and 6 generate real hosts, with a real `go mod tidy`, and build, vet, test and run
// them. They are skipped with -short, except under CI, where every tier runs (see skipTier).

var (
	hostsMu  sync.Mutex
	hosts    = map[string]*hostOnce{} // key -> the host generated for it
	hostRoot string
)

// hostOnce is one generated host; its own lock lets different hosts be generated at once.
type hostOnce struct {
	once sync.Once
	dir  string
	out  string // what the install printed
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if hostRoot != "" {
		os.RemoveAll(hostRoot)
	}
	os.Exit(code)
}

// skipTier skips a test whose tier cannot run here (-short, or a missing PostgreSQL or browser).
// Under CI it fails instead: CI runs every tier, and a skip there would hide one.
func skipTier(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		t.Fatalf("%s; CI is set, and under CI every tier must run", msg)
	}
	t.Skip(msg)
}

// generatedHost generates combo c into a copy of the fresh host fixture once per test binary,
// running the CLI exactly as a user would (including go mod tidy), and returns its directory.
func generatedHost(t *testing.T, c combo) string {
	t.Helper()
	return generatedHostFrom(t, c.name, "fresh", c.args)
}

// generatedHostFrom is generatedHost for any fixture under testdata/host; key names the result
// (and its directory), so tests asking for the same key share one host.
func generatedHostFrom(t *testing.T, key, fixture string, args []string) string {
	t.Helper()
	hostsMu.Lock()
	if hostRoot == "" {
		root, err := os.MkdirTemp("", "sigra-hosts-")
		if err != nil {
			hostsMu.Unlock()
			t.Fatal(err)
		}
		hostRoot = root
	}
	h, ok := hosts[key]
	if !ok {
		h = &hostOnce{dir: filepath.Join(hostRoot, key)}
		hosts[key] = h
	}
	hostsMu.Unlock()

	h.once.Do(func() {
		if h.err = os.CopyFS(h.dir, os.DirFS(filepath.Join("..", "testdata", "host", fixture))); h.err != nil {
			return
		}
		var out, errOut bytes.Buffer
		if code := cli.Main(append(append([]string{}, args...), "--dir", h.dir), &out, &errOut); code != 0 {
			h.err = fmt.Errorf("sigra-install %v exited %d:\n%s\n%s", args, code, out.String(), errOut.String())
			return
		}
		if !strings.Contains(out.String(), "* running go mod tidy") {
			h.err = fmt.Errorf("sigra-install %v did not run go mod tidy:\n%s", args, out.String())
		}
		h.out = out.String()
	})
	require.NoError(t, h.err)
	return h.dir
}

// goCmd runs the go command in dir with a hermetic environment and returns its output.
func goCmd(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	out, err := runGo(dir, env, args...)
	require.NoError(t, err, "go %s in %s:\n%s", strings.Join(args, " "), dir, out)
	return out
}

// runGo runs the go command in dir with hermeticEnv plus env and returns its combined output.
func runGo(dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(hermeticEnv(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// hermeticEnv is the environment for go commands on generated hosts: no workspace from a parent
// directory, no toolchain switch, and no DATABASE_URL leaking in from the caller. -trimpath
// keeps the directory out of the build cache keys, so the dependencies are compiled once for
// every host (each lives in its own temp dir) and an unchanged package is not vetted twice.
func hermeticEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "DATABASE_URL=") || strings.HasPrefix(kv, "GOFLAGS=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS="+hostGoFlags)
}

// hostGoFlags are the GOFLAGS of every go command on a generated host.
const hostGoFlags = "-buildvcs=false -trimpath"

// postgresURL is the PostgreSQL server tiers 5 and 6 also run against; CI always sets it.
func postgresURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("SIGRA_TEST_POSTGRES_URL")
	if url == "" {
		skipTier(t, "SIGRA_TEST_POSTGRES_URL not set; .ci/run starts a PostgreSQL cluster and sets it")
	}
	return url
}

// buildSlots bounds how many hosts TestBuild builds at once: every go command is parallel
// itself, so more than a few at a time only adds memory pressure.
var buildSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)/4))

// parallelBuild marks t parallel and holds one of the buildSlots until it ends.
func parallelBuild(t *testing.T) {
	t.Parallel()
	buildSlots <- struct{}{}
	t.Cleanup(func() { <-buildSlots })
}

// staticcheckVersion is the staticcheck release run on the generated code (SPEC §2: generated
// code passes gofmt, go vet and staticcheck).
const staticcheckVersion = "v0.8.2"

// runStaticcheck reports whether TestBuild runs staticcheck: always under CI, and locally when
// SIGRA_STATICCHECK=1 (it adds about 20 s per combination).
func runStaticcheck() bool {
	return os.Getenv("CI") != "" || os.Getenv("SIGRA_STATICCHECK") == "1"
}

func TestBuild(t *testing.T) {
	if testing.Short() {
		skipTier(t, "tier 5 builds generated hosts; skipped with -short")
	}
	for _, c := range combos {
		if !c.build {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			parallelBuild(t)
			dir := generatedHost(t, c)

			gofmt := exec.Command("gofmt", "-l", ".")
			gofmt.Dir = dir
			out, err := gofmt.CombinedOutput()
			require.NoError(t, err, "%s", out)
			require.Empty(t, strings.TrimSpace(string(out)), "generated files are not gofmt-clean")

			goCmd(t, dir, nil, "vet", "./...")

			// The modernc libc pairing: the resolved libc must be the one sqlite names.
			libc := strings.TrimSpace(goCmd(t, dir, nil, "list", "-m", "-f", "{{.Version}}", "modernc.org/libc"))
			require.Equal(t, "v1.80.1", libc, "modernc.org/libc drifted from the version modernc.org/sqlite v1.62.0 names")

			t.Run("staticcheck", func(t *testing.T) {
				if !runStaticcheck() {
					t.Skip("staticcheck runs under CI, or with SIGRA_STATICCHECK=1")
				}
				goCmd(t, dir, nil, "run", "honnef.co/go/tools/cmd/staticcheck@"+staticcheckVersion, "./...")
			})
			t.Run("sqlite", func(t *testing.T) {
				goCmd(t, dir, nil, "test", "-count=1", "-vet=off", "./...")
			})
			t.Run("postgres", func(t *testing.T) {
				url := freshPostgresDatabase(t, postgresURL(t))
				goCmd(t, dir, []string{"DATABASE_URL=" + url}, "test", "-count=1", "-vet=off", "./...")
			})
		})
	}
	// A host with its own main package gets the wiring injected into it instead of a
	// cmd/server: mounted on its ServeMux, which it then serves through the front. The edited
	// main must compile, vet clean and serve; its own page sees the user.
	t.Run("host-with-main", func(t *testing.T) {
		parallelBuild(t)
		args := []string{"Accounts", "User", "users"}
		dir := generatedHostFrom(t, "host-with-main", "withmain", args)
		main := requireFileHolds(t, dir, "main.go",
			"\tmux := http.NewServeMux()\n\t// sigra:begin accounts\n",
			"\taccountsWeb.Mount(mux)\n\taccountsWeb.MountDevMailbox(mux)\n",
			"\t// sigra:end accounts\n\tmux.HandleFunc(\"GET /hello\", hello)\n",
			"log.Fatal(http.Serve(ln, accountsFront(mux)))",
			"\tgo accountsService.RunMaintenance(context.Background(), time.Hour)\n",
			"\"example.com/app/internal/accountsweb\"")
		require.NoDirExists(t, filepath.Join(dir, "cmd", "server"), "a host with its own main gets no cmd/server")
		goCmd(t, dir, nil, "vet", "./...")
		bin := filepath.Join(t.TempDir(), "app")
		goCmd(t, dir, nil, "build", "-o", bin, ".")
		driveHostServer(t, bin)
		requireRerunUnchanged(t, dir, args, "main.go", main)
	})
	// A host that builds its routes in a helper (routes() returns the mux to main) gets the
	// wiring there, and the service must outlive the helper: the built host serves a POST
	// (registration), a log-in, and its own route, which sees the user through the front
	// routes() now returns.
	t.Run("host-routes-helper", func(t *testing.T) {
		parallelBuild(t)
		args := []string{"Accounts", "User", "users"}
		dir := generatedHostFrom(t, "host-routes-helper", "routeshelper", args)
		main := requireFileHolds(t, dir, "main.go",
			"func routes() http.Handler {\n\tmux := http.NewServeMux()\n\t// sigra:begin accounts\n",
			"\treturn accountsFront(mux)\n")
		require.NotContains(t, main, "defer accountsService.Close()", "a deferred Close in routes() closes the database before the first request")
		goCmd(t, dir, nil, "vet", "./...")
		bin := filepath.Join(t.TempDir(), "app")
		goCmd(t, dir, nil, "build", "-o", bin, ".")
		driveHostServer(t, bin)
		requireRerunUnchanged(t, dir, args, "main.go", main)
	})
	// Hosts whose router is not a ServeMux to mount on: each gets the account routes in the
	// way its router takes them, and its own pages see the logged-in user.
	t.Run("host-handler", func(t *testing.T) {
		// An http.Server serving a handler of the host's own: the handler is wrapped.
		driveRouterHost(t, "host-handler", "handler",
			"\t// sigra:end accounts\n\tsrv := &http.Server{Handler: accountsFront(app{})}\n")
	})
	t.Run("host-chi", func(t *testing.T) {
		// chi: one more middleware, after the host's (chi panics on a Use after a route).
		driveRouterHost(t, "host-chi", "chi",
			"\tr.Use(middleware.Recoverer)\n\t// sigra:begin accounts\n",
			"\tr.Use(accountsFront)\n\t// sigra:end accounts\n\tr.Get(\"/hello\", hello)\n",
			"log.Fatal(http.Serve(ln, r))")
	})
	t.Run("host-gorilla", func(t *testing.T) {
		// gorilla/mux: a route matching the account paths, first, and the middleware.
		driveRouterHost(t, "host-gorilla", "gorilla",
			"\tr := mux.NewRouter()\n\t// sigra:begin accounts\n",
			"\t}).Handler(accountsRoutes)\n\tr.Use(accountsFront)\n\t// sigra:end accounts\n\tr.HandleFunc(\"/hello\", hello)",
			"log.Fatal(http.Serve(ln, r))")
	})
}

// driveRouterHost installs into the fixture host, checks main.go holds each of wants, vets and
// builds it, drives the built server (driveHostServer) and re-runs the install, which must
// change nothing.
func driveRouterHost(t *testing.T, key, fixture string, wants ...string) {
	t.Helper()
	parallelBuild(t)
	args := []string{"Accounts", "User", "users"}
	dir := generatedHostFrom(t, key, fixture, args)
	main := requireFileHolds(t, dir, "main.go", wants...)
	goCmd(t, dir, nil, "vet", "./...")
	bin := filepath.Join(t.TempDir(), "app")
	goCmd(t, dir, nil, "build", "-o", bin, ".")
	driveHostServer(t, bin)
	requireRerunUnchanged(t, dir, args, "main.go", main)
}
