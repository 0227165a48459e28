package generator_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sigra-go/sigra-install/internal/cli"
)

// Tiers 5 and 6 generate real hosts, with a real `go mod tidy`, and build, vet, test and run
// them. They are skipped with -short.

var (
	hostsMu  sync.Mutex
	hosts    = map[string]string{} // combo name -> generated host dir
	hostRoot string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if hostRoot != "" {
		os.RemoveAll(hostRoot)
	}
	os.Exit(code)
}

// generatedHost generates combo c into a fresh module once per test binary, running the CLI
// exactly as a user would (including go mod tidy), and returns its directory.
func generatedHost(t *testing.T, c combo) string {
	t.Helper()
	hostsMu.Lock()
	defer hostsMu.Unlock()
	if dir, ok := hosts[c.name]; ok {
		return dir
	}
	if hostRoot == "" {
		root, err := os.MkdirTemp("", "sigra-hosts-")
		require.NoError(t, err)
		hostRoot = root
	}
	dir := filepath.Join(hostRoot, c.name)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	goCmd(t, dir, nil, "mod", "init", "example.com/app")
	var out, errOut bytes.Buffer
	code := cli.Main(append(append([]string{}, c.args...), "--dir", dir), &out, &errOut)
	require.Equal(t, 0, code, "sigra-install failed:\n%s\n%s", out.String(), errOut.String())
	require.Contains(t, out.String(), "* running go mod tidy")
	hosts[c.name] = dir
	return dir
}

// goCmd runs the go command in dir with a hermetic environment and returns its output.
func goCmd(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(hermeticEnv(), env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go %s in %s:\n%s", strings.Join(args, " "), dir, out)
	return string(out)
}

// hermeticEnv is the environment for go commands on generated hosts: no workspace from a parent
// directory, no toolchain switch, and no DATABASE_URL leaking in from the caller.
func hermeticEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "DATABASE_URL=") || strings.HasPrefix(kv, "GOFLAGS=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false")
}

// postgresURL is the PostgreSQL server tiers 5 and 6 also run against; CI always sets it.
func postgresURL(t *testing.T) string {
	url := os.Getenv("SIGRA_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("SIGRA_TEST_POSTGRES_URL not set; .ci/run starts a PostgreSQL cluster and sets it")
	}
	return url
}

func TestBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("tier 5 builds generated hosts; skipped with -short")
	}
	for _, c := range combos {
		if !c.build {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
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

			t.Run("sqlite", func(t *testing.T) {
				goCmd(t, dir, nil, "test", "-count=1", "-vet=off", "./...")
			})
			t.Run("postgres", func(t *testing.T) {
				url := postgresURL(t)
				goCmd(t, dir, []string{"DATABASE_URL=" + url}, "test", "-count=1", "-vet=off", "./...")
			})
		})
	}
}
