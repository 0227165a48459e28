package cli_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sigra-go/sigra-install/internal/cli"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"sigra-install": func() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) },
		// doctor and upgrade scripts: an earlier release, and goose applying migrations.
		"sigra-install-old": func() { os.Exit(sigraInstallOld()) },
		"goose-up":          func() { os.Exit(gooseUp()) },
	})
}

// TestScript runs the CLI scenarios in testdata/script: bad arguments, conflicts, --force,
// --dry-run, re-runs and injection into an existing main. Each script runs in a fresh $WORK
// with the clock pinned; scripts pass --no-tidy so they never touch the network.
func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           "../../testdata/script",
		UpdateScripts: os.Getenv("SIGRA_UPDATE_SCRIPTS") == "1",
		Setup: func(env *testscript.Env) error {
			env.Setenv("SIGRA_INSTALL_NOW", "2026-01-02T03:04:05Z")
			// Scripts that build the generated host (after [short] skip) run the real go
			// command: give it this machine's caches and module proxy, no workspace and no
			// toolchain switch.
			for name, value := range goEnv {
				env.Setenv(name, value)
			}
			env.Setenv("GOWORK", "off")
			env.Setenv("GOTOOLCHAIN", "local")
			env.Setenv("GOFLAGS", "-buildvcs=false")
			return nil
		},
	})
}

// goEnv holds the go command's settings of this machine that a script's go commands need,
// read once: testscript starts every script with an empty HOME.
var goEnv = func() map[string]string {
	names := []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "GOSUMDB", "GONOSUMDB", "GOPRIVATE"}
	out, err := exec.Command("go", append([]string{"env"}, names...)...).Output()
	env := map[string]string{}
	if err != nil {
		return env
	}
	for i, value := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if i < len(names) && value != "" {
			env[names[i]] = value
		}
	}
	return env
}()
