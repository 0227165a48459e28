// Command migrate is a command-line tool of the host's, a cobra root: it serves nothing, so
// the wiring must not go here.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the app's data migrations",
		RunE: func(cmd *cobra.Command, args []string) error {
			dryRun, _ := cmd.Flags().GetBool("dry-run")
			fmt.Println("migrate, dry run:", dryRun)
			return nil
		},
	}
	root.Flags().Bool("dry-run", false, "print what would change")
	if err := root.Execute(); err != nil {
		os.Exit(1)
	}
}
