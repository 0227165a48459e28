// Command sigra-install generates a complete authentication system into a Go module.
package main

import (
	"os"
	"runtime/debug"

	"github.com/sigra-go/sigra-install/internal/cli"
)

func main() {
	// A run lasts a fraction of a second and allocates a few tens of MiB (rendering and
	// formatting a few hundred files), so collecting garbage along the way only costs time:
	// the collector waits for a soft limit instead, which a run over a very large host may
	// still reach. GOGC or GOMEMLIMIT in the environment win.
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(512 << 20)
	}
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
