package cli_test

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sigra-go/sigra-install/internal/cli"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"sigra-install": func() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) },
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
			return nil
		},
	})
}
