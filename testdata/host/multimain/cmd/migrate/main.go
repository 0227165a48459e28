// Command migrate is a command-line tool of the host's: it serves nothing, so the wiring
// must not go here.
package main

import (
	"flag"
	"fmt"
)

func main() {
	dryRun := flag.Bool("dry-run", false, "print what would change")
	flag.Parse()
	fmt.Println("migrate, dry run:", *dryRun)
}
