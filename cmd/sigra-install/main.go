// Command sigra-install generates a complete authentication system into a Go module.
package main

import (
	"os"

	"github.com/sigra-go/sigra-install/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
