// Package cli is the command line of sigra-install: flag parsing, the report printer and the
// steps that run outside the pure generator (writing, go mod tidy).
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigra-go/sigra-install/generator"
)

// Version is the sigra-install release.
const Version = "0.1.0"

// Exit statuses.
const (
	exitOK       = 0
	exitFailure  = 1 // conflicts, host problems, failed writes
	exitBadUsage = 2 // bad arguments or flags
)

// usageError marks errors that come from how the command was called.
type usageError struct{ error }

type flags struct {
	noBinaryID, binaryID        bool
	noOrgs, noAdmin, noPasskeys bool
	api, jwt                    bool
	dir                         string
	dryRun, force, noTidy, yes  bool
	diff, bumpGo                bool
	main                        string
	oauth                       string // --oauth LIST
}

// Main runs the CLI with args (without the program name) and returns the exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	var f flags
	var status int
	cmd := &cobra.Command{
		Use:   "sigra-install [flags] <Context> <Schema> <table>",
		Short: "Generate a complete authentication system into a Go module",
		Long: `sigra-install writes a complete authentication system into the Go module in --dir:
the context package (users, passwords, tokens, sessions, audit log), the auth middleware,
HTTP handlers with pages, and SQL migrations for SQLite and PostgreSQL. The code is yours
to read and edit afterwards; nothing is imported from sigra-install at run time.

Context and Schema are Go names (Accounts, User); table is the SQL table (users).
Names that would clash with the generated code (a package it imports, such as http or
otp, or a name it already declares, such as Session) are refused with the reason.

MFA (TOTP, backup codes, trust-this-browser) is always generated, and passkeys,
organizations and the admin area unless --no-passkeys, --no-orgs and --no-admin. --api adds
personal access tokens and --jwt JWT access tokens with rotating refresh tokens, each on its
own or both, for a bearer-token API.`,
		Example: `  # generate into the current module and serve it on SQLite
  sigra-install Accounts User users
  go run ./cmd/server

  # int64 keys instead of UUIDs, and no passkeys
  sigra-install Accounts User users --no-binary-id --no-passkeys

  # see what would be written, without writing anything
  sigra-install Identity Member members --dir ./myapp --dry-run

  # before a deploy: check the install and the production configuration
  sigra-install doctor --env-file .env.production

  # bring an installed host to this version, merging your edits
  sigra-install upgrade --dry-run && sigra-install upgrade`,
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 3 {
				return usageError{fmt.Errorf("expected 3 arguments <Context> <Schema> <table>, got %d (example: sigra-install Accounts User users)", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := f.options(args)
			if err != nil {
				return usageError{err}
			}
			now, err := clock()
			if err != nil {
				return usageError{err}
			}
			opts.Now = now
			if err := opts.Validate(); err != nil {
				return usageError{err}
			}
			status = run(opts, f, cmd.OutOrStdout(), cmd.ErrOrStderr())
			return nil
		},
	}
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	cmd.SetVersionTemplate("sigra-install {{.Version}}\n")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })

	fl := cmd.Flags()
	fl.SortFlags = false
	fl.BoolVar(&f.binaryID, "binary-id", true, "use UUID primary keys; --binary-id=false is the same as --no-binary-id")
	fl.BoolVar(&f.noBinaryID, "no-binary-id", false, "use int64 identity primary keys instead of UUIDs")
	fl.BoolVar(&f.noOrgs, "no-orgs", false, "leave out organizations (members, roles, invitations)")
	fl.BoolVar(&f.noAdmin, "no-admin", false, "leave out the admin area (users, bans, audit explorer, impersonation)")
	fl.BoolVar(&f.noPasskeys, "no-passkeys", false, "leave out passkeys (WebAuthn)")
	fl.BoolVar(&f.api, "api", false, "personal access tokens for a bearer-token API (GET /api/v1/me, /users/settings/api-tokens)")
	fl.BoolVar(&f.jwt, "jwt", false, "JWT access tokens with rotating refresh tokens (POST /api/v1/auth/token, /.well-known/jwks.json)")
	fl.StringVar(&f.oauth, "oauth", "", "sign-in providers to offer, comma-separated: google, github, oidc (add them later with `gen oauth`)")
	fl.StringVar(&f.dir, "dir", ".", "root of the host module (the directory holding go.mod)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print what would be done and write nothing")
	fl.BoolVar(&f.force, "force", false, "overwrite files that differ from the generated ones")
	fl.BoolVar(&f.diff, "diff", false, "print a unified diff for every file the run would change, and write nothing")
	fl.StringVar(&f.main, "main", "", "the main package to wire (a directory such as cmd/web), when the host has several")
	fl.BoolVar(&f.bumpGo, "bump-go", false, "raise go.mod's go line to what the generated code needs, when it is lower")
	fl.BoolVar(&f.noTidy, "no-tidy", false, "do not run go mod tidy afterwards")
	fl.BoolVar(&f.yes, "yes", false, "non-interactive (sigra-install never prompts; accepted for scripts)")
	cmd.MarkFlagsMutuallyExclusive("binary-id", "no-binary-id")
	cmd.AddCommand(genCommand(&status))
	cmd.CompletionOptions.DisableDefaultCmd = true

	// sigra-install doctor and sigra-install upgrade (doctor.go, upgrade.go).
	cmd.AddCommand(doctorCommand(&status), upgradeCommand(&status))

	if err := cmd.Execute(); err != nil {
		fmt.Fprintf(stderr, "sigra-install: %v\n", err)
		var ue usageError
		if errors.As(err, &ue) || isCobraUsage(err) {
			fmt.Fprintln(stderr, "Run 'sigra-install --help' for usage.")
			return exitBadUsage
		}
		return exitFailure
	}
	return status
}

// options turns the positional arguments and feature flags into generator options. UUID keys
// are the default; either --no-binary-id or --binary-id=false asks for int64 keys (cobra
// refuses the two flags together).
func (f flags) options(args []string) (generator.Options, error) {
	opts := generator.DefaultOptions(args[0], args[1], args[2])
	opts.BinaryID = f.binaryID && !f.noBinaryID
	opts.Orgs, opts.Admin, opts.Passkeys = !f.noOrgs, !f.noAdmin, !f.noPasskeys
	opts.API, opts.JWT = f.api, f.jwt
	opts.BumpGo = f.bumpGo
	opts.Main = f.main
	if f.oauth != "" {
		providers, err := generator.ParseOAuthProviders(f.oauth)
		if err != nil {
			return opts, fmt.Errorf("--oauth: %w", err)
		}
		opts.OAuth = providers
	}
	return opts, nil
}

// isCobraUsage recognises cobra's own usage errors (unknown command, flag groups).
func isCobraUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown") || strings.Contains(msg, "if any flags in the group")
}

func run(opts generator.Options, f flags, stdout, stderr io.Writer) int {
	dir, err := filepath.Abs(f.dir)
	if err != nil {
		fmt.Fprintf(stderr, "sigra-install: %v\n", err)
		return exitFailure
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		fmt.Fprintf(stderr, "sigra-install: --dir %s is not a directory\n", f.dir)
		return exitFailure
	}
	host, err := generator.LoadHost(os.DirFS(dir))
	if err != nil {
		fmt.Fprintf(stderr, "sigra-install: %v\n", err)
		return exitFailure
	}
	plan, err := generator.BuildFrom(opts, host, releaseTemplates)
	if err != nil {
		fmt.Fprintf(stderr, "sigra-install: %v\n", err)
		// A name that only the rendered code shows to collide is still a bad argument.
		if ae := (*generator.ArgError)(nil); errors.As(err, &ae) {
			fmt.Fprintln(stderr, "Run 'sigra-install --help' for usage.")
			return exitBadUsage
		}
		return exitFailure
	}
	actions, checkErr := generator.Check(plan, host, generator.CheckOptions{Force: f.force, Version: releaseVersion})
	Report(stdout, plan, actions)
	if f.diff {
		Diffs(stdout, host, actions)
	}
	if checkErr != nil {
		fmt.Fprintf(stderr, "sigra-install: %v\n", checkErr)
		return exitFailure
	}
	if f.diff {
		fmt.Fprintln(stdout, "\n--diff: nothing was written.")
		return exitOK
	}
	if f.dryRun {
		fmt.Fprintln(stdout, "\nDry run: nothing was written.")
		return exitOK
	}
	switch {
	case generator.Changes(actions):
		if err := generator.Apply(actions, dir); err != nil {
			fmt.Fprintf(stderr, "sigra-install: %v\n", err)
			return exitFailure
		}
	case !f.noTidy && (host.Vendored && vendorStale(dir) || tidyPending(dir)):
		// Everything is written, but an earlier run stopped at go mod tidy or go mod vendor:
		// resume there.
		fmt.Fprintln(stdout, "* resuming: the files are in place, but go.mod, go.sum or vendor/ are not up to date yet (an earlier run's go mod tidy or go mod vendor failed)")
	case len(manualSteps(actions)) > 0:
		fmt.Fprintln(stdout, "\nNothing to write, but the wiring is still yours to do: see the ! manual step above.")
		return exitOK
	default:
		fmt.Fprintln(stdout, "\nNothing to do: the host is already up to date.")
		return exitOK
	}
	if !f.noTidy {
		fmt.Fprintln(stdout, "* running go mod tidy (downloads modules on a cold cache; this can take a minute)")
		if out, err := tidy(dir); err != nil {
			fmt.Fprintf(stderr, "sigra-install: files were written, but go mod tidy failed: %v\n%s\n", err, out)
			written, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
			if hint := generator.TidyConflict(out, host.GoMod, written, host.Module); hint != "" {
				fmt.Fprintln(stderr, hint)
			} else {
				fmt.Fprintln(stderr, "Fix the problem, then run sigra-install again: it resumes with go mod tidy.")
			}
			return exitFailure
		}
	}
	if code := hostModules(dir, host, f.noTidy, stdout, stderr); code != exitOK {
		return code
	}
	NextSteps(stdout, plan, actions, f.noTidy && host.Vendored, f.noTidy)
	return exitOK
}

// hostModules reports each module of the host's whose version the install moved (the
// generated code pins a newer one, or tidy raised it), and, for a host that vendors its
// modules, runs go mod vendor after tidy: vendor/ is derived from go.mod and go.sum, which the
// install just changed, and a vendored host does not build until vendor/ matches them again.
// With --no-tidy both are left to the owner (NextSteps says so).
func hostModules(dir string, host *generator.Host, noTidy bool, stdout, stderr io.Writer) int {
	after, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		fmt.Fprintf(stderr, "sigra-install: %v\n", err)
		return exitFailure
	}
	changes, err := generator.ModuleChanges(host.GoMod, after)
	if err != nil {
		fmt.Fprintf(stderr, "sigra-install: %v\n", err)
		return exitFailure
	}
	for _, c := range changes {
		fmt.Fprintf(stdout, "* %s (your module; the generated code needs it)\n", c)
	}
	if !host.Vendored || noTidy {
		return exitOK
	}
	fmt.Fprintln(stdout, "* running go mod vendor (vendor/ must match the changed go.mod)")
	c := exec.Command("go", "mod", "vendor")
	c.Dir = dir
	if out, err := c.CombinedOutput(); err != nil {
		fmt.Fprintf(stderr, "sigra-install: files were written and tidied, but go mod vendor failed: %v\n%s\nFix the problem and run `go mod vendor` yourself.\n", err, out)
		return exitFailure
	}
	return exitOK
}

// clock is the time that stamps new migrations. SIGRA_INSTALL_NOW (RFC 3339) pins it, for
// reproducible output in tests and scripted installs.
func clock() (time.Time, error) {
	v := os.Getenv("SIGRA_INSTALL_NOW")
	if v == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("SIGRA_INSTALL_NOW=%q is not an RFC 3339 time (example: 2026-01-02T15:04:05Z)", v)
	}
	return t, nil
}

// tidyPending reports whether go.mod and go.sum would change under go mod tidy (-diff changes
// nothing): the mark of a run that wrote its files and then stopped at a failed tidy. Any
// failure counts as pending, so the tidy that follows reports it.
func tidyPending(dir string) bool {
	c := exec.Command("go", "mod", "tidy", "-diff")
	c.Dir = dir
	return c.Run() != nil
}

// vendorStale reports whether vendor/modules.txt lacks a module go.mod requires.
func vendorStale(dir string) bool {
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return true
	}
	modules, err := os.ReadFile(filepath.Join(dir, "vendor", "modules.txt"))
	return err != nil || generator.VendorStale(gomod, modules)
}

func tidy(dir string) ([]byte, error) {
	c := exec.Command("go", "mod", "tidy")
	c.Dir = dir
	return c.CombinedOutput()
}

// Report prints one line per action.
func Report(w io.Writer, plan *generator.Plan, actions []generator.Action) {
	for _, a := range actions {
		fmt.Fprintln(w, generator.FormatAction(a))
	}
	if b := plan.GoBump; b != nil {
		from := "no go line"
		if b.From != "" {
			from = "go " + b.From
		}
		fmt.Fprintf(w, "* raising the go line in go.mod: %s -> go %s (--bump-go). What that changes:\n", from, b.To)
		fmt.Fprintf(w, "    - the module's language version is Go %s: go vet runs that release's checks, and newer language features become available\n", b.To)
		fmt.Fprintf(w, "    - everyone building it needs Go %s or later: update Dockerfile base images and CI images\n", b.To)
		if b.Vendored {
			fmt.Fprintln(w, "    - vendor/ must match go.mod again: `go mod vendor` runs after `go mod tidy` (with --no-tidy, run both)")
		} else {
			fmt.Fprintln(w, "    - a vendor/ directory, if you add one, follows the new go line (go mod vendor)")
		}
	}
}

// Diffs prints a unified diff (the host's file as ---, the generated one as +++) for every
// existing file the actions would change or refuse to change. The manifest is left out: it is
// sigra-install's own record.
func Diffs(w io.Writer, host *generator.Host, actions []generator.Action) {
	for _, a := range actions {
		switch a.Kind {
		case generator.ActConflict, generator.ActUpdate, generator.ActOverwrite, generator.ActInject:
			if a.Path == generator.ManifestPath {
				continue
			}
			if have, ok := host.ReadFile(a.Path); ok {
				fmt.Fprint(w, generator.UnifiedDiff(a.Path, have, a.Data))
			}
		}
	}
}

// NextSteps prints how to run the result. vendor says go mod vendor is still the owner's to
// run (a vendored host installed with --no-tidy).
func NextSteps(w io.Writer, plan *generator.Plan, actions []generator.Action, vendor, noTidy bool) {
	fmt.Fprintln(w, "\nNext steps:")
	for _, a := range manualSteps(actions) {
		fmt.Fprintf(w, "  wire the routes into %s by hand: the lines are in the ! manual step above\n", a.Path)
	}
	if noTidy {
		fmt.Fprintln(w, "  go mod tidy                 # fetch the modules the generated code needs")
		if vendor {
			fmt.Fprintln(w, "  go mod vendor               # vendor/ must match the changed go.mod")
		}
	}
	for _, n := range plan.Notes {
		fmt.Fprintln(w, "  "+n)
	}
	fmt.Fprintln(w, "  go test ./...               # the generated code's own tests")
	fmt.Fprintln(w, "Configure with environment variables: ADDR, BASE_URL, DATABASE_URL, SECRET_KEY_BASE,")
	fmt.Fprintln(w, "SMTP_URL, MAIL_FROM, MAIL_DELIVERY, APP_ENV, TRUSTED_PROXIES.")
	fmt.Fprintln(w, "Before going to production, read https://github.com/sigra-go/sigra-install#production-checklist")
}

// manualSteps are the actions left to the owner: wiring sigra-install could not inject.
func manualSteps(actions []generator.Action) []generator.Action {
	var out []generator.Action
	for _, a := range actions {
		if a.Kind == generator.ActManual {
			out = append(out, a)
		}
	}
	return out
}
