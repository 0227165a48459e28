package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/sigra-go/sigra-install/generator"
)

// genCommand is `sigra-install gen FEATURE`: add a feature to a host that sigra-install has
// already installed into, with the names and options its manifest records. The run is an
// install run with that one change, so its report, conflict rules, manifest update,
// idempotence and --dry-run are the same.
func genCommand(status *int) *cobra.Command {
	gen := &cobra.Command{
		Use:   "gen FEATURE",
		Short: "Add a feature to a host installed by sigra-install",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("gen needs a feature (available: oauth); example: sigra-install gen oauth --providers google,github")}
		},
	}
	var f flags
	var providers string
	oauth := &cobra.Command{
		Use:   "oauth --providers LIST",
		Short: "Add sign-in with Google, GitHub or any OpenID Connect provider",
		Long: `gen oauth adds sign-in with providers to an installed host: the identities tables,
the /auth/{provider} flow and callback, the link confirmation and the "Sign-in providers"
settings page, with a button per provider on the log-in and registration pages.

It reads the names and options of the install from sigra-install.json and runs that
install again with the providers added (providers already installed stay), so the report,
the conflict rules and --dry-run are those of an install, and a second run changes nothing.`,
		Example: `  sigra-install gen oauth --providers google,github,oidc
  sigra-install gen oauth --providers github --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if providers == "" {
				return usageError{errors.New("--providers is required (google, github, oidc; comma-separated)")}
			}
			add, err := generator.ParseOAuthProviders(providers)
			if err != nil {
				return usageError{fmt.Errorf("--providers: %w", err)}
			}
			opts, err := installedOptions(f.dir)
			if err != nil {
				return err
			}
			want := map[string]bool{}
			for _, p := range add {
				want[p] = true
			}
			opts.OAuth = generator.MergeOAuthProviders(opts.OAuth, want)
			opts.BumpGo, opts.Main = f.bumpGo, f.main
			now, err := clock()
			if err != nil {
				return usageError{err}
			}
			opts.Now = now
			if err := opts.Validate(); err != nil {
				return err
			}
			*status = run(opts, f, cmd.OutOrStdout(), cmd.ErrOrStderr())
			return nil
		},
	}
	fl := oauth.Flags()
	fl.SortFlags = false
	fl.StringVar(&providers, "providers", "", "sign-in providers to add, comma-separated: google, github, oidc")
	fl.StringVar(&f.dir, "dir", ".", "root of the host module (the directory holding go.mod and sigra-install.json)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print what would be done and write nothing")
	fl.BoolVar(&f.force, "force", false, "overwrite files that differ from the generated ones")
	fl.BoolVar(&f.diff, "diff", false, "print a unified diff for every file the run would change, and write nothing")
	fl.StringVar(&f.main, "main", "", "the main package to wire (a directory such as cmd/web), when the host has several")
	fl.BoolVar(&f.bumpGo, "bump-go", false, "raise go.mod's go line to what the generated code needs, when it is lower")
	fl.BoolVar(&f.noTidy, "no-tidy", false, "do not run go mod tidy afterwards")
	gen.AddCommand(oauth)
	return gen
}

// installedOptions returns the options of the install recorded in dir's manifest.
func installedOptions(dir string) (generator.Options, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return generator.Options{}, err
	}
	host, err := generator.LoadHost(os.DirFS(abs))
	if err != nil {
		return generator.Options{}, err
	}
	if host.Manifest == nil {
		return generator.Options{}, fmt.Errorf("%s has no %s: gen adds a feature to a host sigra-install installed into; "+
			"install first (for example: sigra-install Accounts User users --oauth google)", dir, generator.ManifestPath)
	}
	m := host.Manifest.Options
	opts := generator.DefaultOptions(m.Context, m.Schema, m.Table)
	opts.BinaryID, opts.Orgs, opts.Admin, opts.Passkeys, opts.API, opts.JWT = m.BinaryID, m.Orgs, m.Admin, m.Passkeys, m.API, m.JWT
	if m.OAuth != "" {
		if opts.OAuth, err = generator.ParseOAuthProviders(m.OAuth); err != nil {
			return generator.Options{}, fmt.Errorf("%s: %w", generator.ManifestPath, err)
		}
	}
	return opts, nil
}
