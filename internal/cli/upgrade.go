package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigra-go/sigra-install/generator"
)

type upgradeFlags struct {
	dir                string
	dryRun, allowDirty bool
}

func upgradeCommand(status *int) *cobra.Command {
	var f upgradeFlags
	cmd := &cobra.Command{
		Use:   "upgrade [--dir PATH] [--dry-run] [--allow-dirty]",
		Short: "Bring an installed host to this version of sigra-install",
		Long: `upgrade regenerates the install that sigra-install.json records (same names, same
features: a feature this version adds is not switched on) with this version's templates:

  - a file still exactly as sigra-install wrote it is updated;
  - a file you edited is merged three-way: the base is what the recorded version generated
    (kept in .sigra-install/base/ by earlier upgrades, else found in the git history by the
    hash the manifest records), yours is the file, theirs is this version's. A clean merge
    is written; a conflicting one is written with <<<<<<< / >>>>>>> markers, listed, and
    the exit status is 1;
  - migrations are never edited: schema changes arrive as new migrations;
  - sigra-install.json is written last, so an interrupted upgrade can simply be run again.

It refuses a work tree with uncommitted changes (git is how you review and undo an upgrade)
unless --allow-dirty, and a host that a newer sigra-install wrote. The summary has three
parts: updated, merged, needs attention.`,
		Example: `  # see what an upgrade would do, writing nothing
  sigra-install upgrade --dry-run

  # upgrade, then review and commit
  sigra-install upgrade && git diff && go test ./...

  # after resolving the conflict markers it listed, finish it
  sigra-install upgrade`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			*status = runUpgrade(f, cmd.OutOrStdout(), cmd.ErrOrStderr())
			return nil
		},
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	fl.StringVar(&f.dir, "dir", ".", "root of the host module (the directory holding go.mod)")
	fl.BoolVar(&f.dryRun, "dry-run", false, "print the summary and write nothing")
	fl.BoolVar(&f.allowDirty, "allow-dirty", false, "upgrade even when the git work tree has uncommitted changes (or is not in git)")
	return cmd
}

func runUpgrade(f upgradeFlags, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintf(stderr, "sigra-install upgrade: %v\n", err)
		return exitFailure
	}
	dir, err := filepath.Abs(f.dir)
	if err != nil {
		return fail(err)
	}
	host, err := generator.LoadHost(os.DirFS(dir))
	if err != nil {
		return fail(err)
	}
	if host.Manifest == nil {
		return fail(fmt.Errorf("no %s in %s: there is no install to upgrade; install with `sigra-install <Context> <Schema> <table>`", generator.ManifestPath, f.dir))
	}
	if err := generator.CheckUpgradeVersion(host.Manifest.Version, releaseVersion); err != nil {
		return fail(err)
	}
	repo := gitWorkTree(dir)
	if !f.allowDirty {
		if !repo {
			return fail(fmt.Errorf("%s is not in a git work tree: upgrade rewrites generated files, and git is how you review and undo that; commit the host to git first, or pass --allow-dirty", f.dir))
		}
		dirty, err := gitDirty(dir)
		if err != nil {
			return fail(err)
		}
		if len(dirty) > 0 {
			var b strings.Builder
			fmt.Fprintf(&b, "the work tree has %d uncommitted change(s), so nothing was written:\n", len(dirty))
			for i, p := range dirty {
				if i == 10 {
					fmt.Fprintf(&b, "  … and %d more\n", len(dirty)-10)
					break
				}
				fmt.Fprintf(&b, "  %s\n", p)
			}
			b.WriteString("commit or stash them first, so the upgrade's changes stand apart from yours (or pass --allow-dirty)")
			return fail(errors.New(b.String()))
		}
	}
	now, err := clock()
	if err != nil {
		return fail(err)
	}
	plan, err := generator.BuildFrom(host.Manifest.InstallOptions(now), host, releaseTemplates)
	if gl := (*generator.GoLineError)(nil); errors.As(err, &gl) {
		return fail(fmt.Errorf("go.mod's go line is below the go %s that sigra-install %s's code needs, so nothing was written: run `go mod edit -go=%s`, commit, then upgrade", gl.Need, releaseVersion, gl.Need))
	}
	if err != nil {
		return fail(err)
	}
	var history func(path, sum string) ([]byte, bool)
	if repo {
		history = func(path, sum string) ([]byte, bool) { return gitFindBlob(dir, path, sum) }
	}
	u, err := generator.PlanUpgrade(plan, host, generator.UpgradeOptions{Version: releaseVersion, History: history})
	if err != nil {
		return fail(err)
	}
	printUpgrade(stdout, host.Manifest, plan, u)
	blocked := u.Blocked()
	switch {
	case f.dryRun:
		fmt.Fprintln(stdout, "\nDry run: nothing was written.")
	case len(u.Writes) == 0 && !u.Manifest.Writes():
		if !blocked {
			fmt.Fprintf(stdout, "\nNothing to do: the host is already at sigra-install %s.\n", releaseVersion)
		}
	default:
		if err := generator.Apply(u.Writes, dir); err != nil {
			return fail(err)
		}
		if err := generator.Apply([]generator.Action{u.Manifest}, dir); err != nil {
			return fail(fmt.Errorf("the files were written, but %s was not (run upgrade again to finish): %w", generator.ManifestPath, err))
		}
		if !blocked {
			fmt.Fprintf(stdout, "\nUpgraded to sigra-install %s. Review with git diff, then run go mod tidy and go test ./...\n", releaseVersion)
		}
	}
	if blocked {
		fmt.Fprintln(stdout, "\nThe upgrade is not finished: resolve what needs attention above, then run `sigra-install upgrade` again.")
		return exitFailure
	}
	return exitOK
}

// printUpgrade prints the three-part summary.
func printUpgrade(w io.Writer, m *generator.Manifest, plan *generator.Plan, u *generator.Upgrade) {
	o := m.Options
	fmt.Fprintf(w, "Upgrading %s %s %s from sigra-install %s to %s (features: %s)\n", o.Context, o.Schema, o.Table, u.From, u.To, strings.Join(plan.Features, ", "))
	section := func(title string, items []generator.UpgradeItem, mark string) {
		fmt.Fprintf(w, "\n%s (%d):\n", title, len(items))
		if len(items) == 0 {
			fmt.Fprintln(w, "  (none)")
		}
		for _, it := range items {
			line := "  " + mark + it.Path
			if it.Note != "" {
				line += ": " + it.Note
			}
			fmt.Fprintln(w, line)
		}
	}
	section("Updated", u.Updated, "")
	section("Merged with your edits", u.Merged, "")
	section("Needs attention", u.Attention, "! ")
	bases := 0
	for _, a := range u.Writes {
		if strings.HasPrefix(a.Path, generator.BaseDir+"/") {
			bases++
		}
	}
	if bases > 0 {
		fmt.Fprintf(w, "\nKeeping what %s generates for %d file(s) you edited in %s/, the base of the next upgrade's merge: commit it.\n", u.To, bases, generator.BaseDir)
	}
}

// gitWorkTree reports whether dir is inside a git work tree (false when git is not installed).
func gitWorkTree(dir string) bool {
	out, err := gitOutput(dir, "rev-parse", "--is-inside-work-tree")
	return err == nil && strings.TrimSpace(string(out)) == "true"
}

// gitDirty lists the uncommitted changes (modified, staged and untracked files) under dir.
func gitDirty(dir string) ([]string, error) {
	out, err := gitOutput(dir, "status", "--porcelain", "--", ".")
	if err != nil {
		return nil, fmt.Errorf("git status: %w", err)
	}
	var paths []string
	for line := range strings.SplitSeq(strings.TrimRight(string(out), "\n"), "\n") {
		if len(line) > 3 {
			paths = append(paths, line[3:])
		}
	}
	return paths, nil
}

// gitFindBlob looks through every version of path that git has ever recorded (in any branch)
// for the one whose SHA-256 is sum: the file as an earlier sigra-install wrote it, committed
// before the owner edited it.
func gitFindBlob(dir, path, sum string) ([]byte, bool) {
	out, err := gitOutput(dir, "log", "--all", "--no-renames", "--format=", "--raw", "--no-abbrev", "--", path)
	if err != nil {
		return nil, false
	}
	seen := map[string]bool{}
	for line := range strings.SplitSeq(string(out), "\n") {
		// :100644 100644 <old blob> <new blob> M\t<path>
		fields := strings.Fields(line)
		if len(fields) < 4 || !strings.HasPrefix(line, ":") {
			continue
		}
		for _, blob := range fields[2:4] {
			if seen[blob] || strings.Trim(blob, "0") == "" {
				continue
			}
			seen[blob] = true
			data, err := gitOutput(dir, "cat-file", "blob", blob)
			if err != nil {
				continue
			}
			if h := sha256.Sum256(data); hex.EncodeToString(h[:]) == sum {
				return data, true
			}
		}
	}
	return nil, false
}

func gitOutput(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}
