package cli

import (
	"bufio"
	"context"
	"encoding/json"
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

type doctorFlags struct {
	dir, envFile       string
	json               bool
	noBuild, checkSMTP bool
	buildTimeout       time.Duration
}

func doctorCommand(status *int) *cobra.Command {
	var f doctorFlags
	cmd := &cobra.Command{
		Use:   "doctor [--dir PATH] [--json] [--env-file F] [--no-build] [--check-smtp]",
		Short: "Check that a host's install is wired and its configuration is ready (a pre-deploy gate)",
		Long: `doctor checks the install in --dir and the configuration it would run with, and prints
a matrix: [ok] fine, [--] not used (or not checked), [!!] wrong, with one line of advice
for each problem (in --json, "state" is ok, unused or problem). Exit status 0 when
nothing is wrong, 1 when something is, 2 on bad usage, so it can gate a deploy in CI.

The install: sigra-install.json and its version, the generated files (missing ones, and
the ones you edited, for information), migrations in both dialects with the same versions,
the wiring in the host's main, go.mod's modules at or above their pins, and go build of
the generated packages (--no-build skips it).

The configuration, read from the environment and --env-file (KEY=VALUE lines; the file
wins over the environment): APP_ENV, and in production a strong SECRET_KEY_BASE, an
https BASE_URL and SMTP_URL; well-formed TRUSTED_PROXIES, MAIL_FROM and MAIL_DELIVERY;
the variables of installed features (OAuth providers, JWT keys). The database in
DATABASE_URL must be reachable with every migration applied (read only: doctor never
migrates), and with MAIL_DELIVERY=queue hold the queue's tables. --check-smtp connects to
SMTP_URL's server and says EHLO (no mail is sent).`,
		Example: `  # before a deploy, with the production variables
  sigra-install doctor --env-file .env.production --check-smtp

  # in CI, for a machine
  sigra-install doctor --json --no-build > doctor.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			*status = runDoctor(f, cmd.OutOrStdout(), cmd.ErrOrStderr())
			return nil
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.StringVar(&f.dir, "dir", ".", "root of the host module (the directory holding go.mod)")
	fl.BoolVar(&f.json, "json", false, "print the result as one JSON document")
	fl.StringVar(&f.envFile, "env-file", "", "read variables from this file too (KEY=VALUE lines; it wins over the environment)")
	fl.BoolVar(&f.noBuild, "no-build", false, "skip go build of the generated packages")
	fl.BoolVar(&f.checkSMTP, "check-smtp", false, "connect to SMTP_URL's server and say EHLO")
	fl.DurationVar(&f.buildTimeout, "build-timeout", 2*time.Minute, "how long go build may take")
	return cmd
}

// doctorReport is the --json document.
type doctorReport struct {
	OK       bool               `json:"ok"`
	Dir      string             `json:"dir"`
	Version  string             `json:"version"`
	Problems int                `json:"problems"`
	Findings generator.Findings `json:"findings"`
}

func runDoctor(f doctorFlags, stdout, stderr io.Writer) int {
	dir, err := filepath.Abs(f.dir)
	if err != nil {
		fmt.Fprintf(stderr, "sigra-install doctor: %v\n", err)
		return exitBadUsage
	}
	env, err := doctorEnv(f.envFile)
	if err != nil {
		fmt.Fprintf(stderr, "sigra-install doctor: %v\n", err)
		return exitBadUsage
	}
	var findings generator.Findings
	host, err := generator.LoadHost(os.DirFS(dir))
	var plan *generator.Plan
	if err != nil {
		findings.Add("install", "host", generator.StateProblem, err.Error(), "run doctor in the host module's root, or pass --dir")
	} else {
		var install generator.Findings
		install, plan = generator.DoctorInstall(host, releaseVersion, releaseTemplates)
		findings = append(findings, install...)
	}
	switch {
	case f.noBuild:
		findings.Add("install", "build", generator.StateUnused, "not built (--no-build)", "")
	case plan == nil:
		findings.Add("install", "build", generator.StateUnused, "not built: the install could not be read", "")
	default:
		doctorBuild(&findings, dir, generator.GeneratedPackages(plan), f.buildTimeout)
	}
	var features, providers []string
	if host != nil && host.Manifest != nil {
		features, providers = host.Manifest.Features, recordedProviders(host)
	}
	cfg := checkConfig(&findings, env, features, providers)
	checkDatabase(&findings, dir, env, cfg, host)
	checkSMTP(&findings, env, f.checkSMTP)

	report := doctorReport{OK: findings.Problems() == 0, Dir: dir, Version: releaseVersion, Problems: findings.Problems(), Findings: findings}
	if f.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(report); err != nil {
			fmt.Fprintf(stderr, "sigra-install doctor: %v\n", err)
			return exitFailure
		}
	} else {
		printDoctor(stdout, report)
	}
	if !report.OK {
		return exitFailure
	}
	return exitOK
}

// printDoctor prints the matrix: one block per area, one line per check, the advice under
// each problem.
func printDoctor(w io.Writer, r doctorReport) {
	fmt.Fprintf(w, "sigra-install %s doctor: %s\n", r.Version, r.Dir)
	width := 0
	for _, f := range r.Findings {
		width = max(width, len(f.Check))
	}
	area := ""
	for _, f := range r.Findings {
		if f.Area != area {
			area = f.Area
			fmt.Fprintf(w, "\n%s\n", area)
		}
		fmt.Fprintf(w, "  %s %-*s  %s\n", generator.StateMark(f.State), width, f.Check, f.Detail)
		if f.Advice != "" {
			fmt.Fprintf(w, "       %-*s  -> %s\n", width, "", f.Advice)
		}
	}
	if r.Problems == 0 {
		fmt.Fprintln(w, "\nNo problems found.")
	} else {
		fmt.Fprintf(w, "\n%d problem(s) found.\n", r.Problems)
	}
}

// doctorBuild runs go build on the generated packages, bounded by timeout: it proves the
// generated code still compiles against the host's go.mod and the owner's edits.
func doctorBuild(out *generator.Findings, dir string, pkgs []string, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-o", os.DevNull}, pkgs...)...)
	cmd.Dir = dir
	output, err := cmd.CombinedOutput()
	switch {
	case ctx.Err() != nil:
		out.Add("install", "build", generator.StateProblem, fmt.Sprintf("go build of the generated packages did not finish within %s", timeout),
			"build once by hand (go build ./...) to fill the caches, raise --build-timeout, or skip it with --no-build")
	case err != nil:
		out.Add("install", "build", generator.StateProblem, "go build of the generated packages failed: "+firstLines(string(output), 3),
			"run `go build ./...` and fix what it reports (after `go mod tidy` when modules are missing)")
	default:
		out.Add("install", "build", generator.StateOK, fmt.Sprintf("go build of %d generated package(s)", len(pkgs)), "")
	}
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, " | ")
}

// recordedProviders reads the OAuth providers the manifest records ("options": {"oauth":
// "google,github"}, written by the OAuth feature and gen oauth). It reads the file itself so
// that it does not depend on how the manifest type spells the field.
func recordedProviders(h *generator.Host) []string {
	data, ok := h.ReadFile(generator.ManifestPath)
	if !ok {
		return nil
	}
	var m struct {
		Options struct {
			OAuth string `json:"oauth"`
		} `json:"options"`
	}
	if json.Unmarshal(data, &m) != nil || m.Options.OAuth == "" {
		return nil
	}
	var out []string
	for name := range strings.SplitSeq(m.Options.OAuth, ",") {
		if name = strings.TrimSpace(name); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// lookupEnv reads a variable the way the generated ConfigFromLookup does: trimmed, and unset
// when empty.
type lookupEnv func(name string) (string, bool)

// doctorEnv is the environment overlaid with the env file's KEY=VALUE lines.
func doctorEnv(file string) (lookupEnv, error) {
	vars := map[string]string{}
	if file != "" {
		fh, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("--env-file: %w", err)
		}
		defer fh.Close()
		sc := bufio.NewScanner(fh)
		for n := 1; sc.Scan(); n++ {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			line = strings.TrimPrefix(line, "export ")
			name, value, ok := strings.Cut(line, "=")
			name = strings.TrimSpace(name)
			if !ok || name == "" || strings.ContainsAny(name, " \t") {
				return nil, fmt.Errorf("--env-file %s:%d: want KEY=VALUE", file, n)
			}
			value = strings.TrimSpace(value)
			if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
				value = value[1 : len(value)-1]
			}
			vars[name] = value
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("--env-file: %w", err)
		}
	}
	return func(name string) (string, bool) {
		v, ok := vars[name]
		if !ok {
			v, ok = os.LookupEnv(name)
		}
		v = strings.TrimSpace(v)
		return v, ok && v != ""
	}, nil
}
