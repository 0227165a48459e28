package generator

import (
	"bytes"
	"fmt"
	gover "go/version"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// addRequires returns go.mod with each module required at least at its pinned version. A host
// that already requires a newer version keeps it. The result equals the input byte for byte when
// nothing changes, so a re-run reports go.mod as identical.
func addRequires(gomod []byte, reqs []module.Version) ([]byte, error) {
	f, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		return nil, fmt.Errorf("parse go.mod: %w", err)
	}
	changed := false
	for _, r := range reqs {
		current := ""
		for _, have := range f.Require {
			if have.Mod.Path == r.Path {
				current = have.Mod.Version
			}
		}
		if current != "" && semver.Compare(current, r.Version) >= 0 {
			continue
		}
		if err := f.AddRequire(r.Path, r.Version); err != nil {
			return nil, fmt.Errorf("require %s: %w", r.Path, err)
		}
		changed = true
	}
	if !changed {
		return gomod, nil
	}
	f.SortBlocks()
	f.Cleanup()
	out, err := f.Format()
	if err != nil {
		return nil, fmt.Errorf("format go.mod: %w", err)
	}
	if !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, '\n')
	}
	return out, nil
}

// setGoLine returns go.mod with its go directive set to v (added when missing), formatted by
// modfile; a toolchain line older than v is dropped, as `go mod edit -go` does.
func setGoLine(gomod []byte, v string) ([]byte, error) {
	f, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		return nil, fmt.Errorf("parse go.mod: %w", err)
	}
	if err := f.AddGoStmt(v); err != nil {
		return nil, fmt.Errorf("set the go line: %w", err)
	}
	if f.Toolchain != nil && gover.Compare(f.Toolchain.Name, "go"+v) < 0 {
		f.DropToolchainStmt()
	}
	f.Cleanup()
	out, err := f.Format()
	if err != nil {
		return nil, fmt.Errorf("format go.mod: %w", err)
	}
	return out, nil
}

// ModuleChange is a module the host required whose version the install moved: the generated
// code pins a newer one, or go mod tidy raised it for a module the generated code needs.
type ModuleChange struct{ Path, From, To string }

func (c ModuleChange) String() string {
	verb := "upgrading"
	if semver.Compare(c.To, c.From) < 0 {
		verb = "downgrading"
	}
	return fmt.Sprintf("%s %s %s -> %s", verb, c.Path, c.From, c.To)
}

// ModuleChanges lists, in go.mod order, the modules required by before (the host's go.mod as
// it was) at another version in after (go.mod once written and tidied). A module the host did
// not require is the generated code's own and is not listed.
func ModuleChanges(before, after []byte) ([]ModuleChange, error) {
	was, err := modfile.ParseLax("go.mod", before, nil)
	if err != nil {
		return nil, fmt.Errorf("parse the host's go.mod: %w", err)
	}
	now, err := modfile.ParseLax("go.mod", after, nil)
	if err != nil {
		return nil, fmt.Errorf("parse go.mod: %w", err)
	}
	versions := map[string]string{}
	for _, r := range now.Require {
		versions[r.Mod.Path] = r.Mod.Version
	}
	var changes []ModuleChange
	for _, r := range was.Require {
		if v, ok := versions[r.Mod.Path]; ok && v != r.Mod.Version {
			changes = append(changes, ModuleChange{Path: r.Mod.Path, From: r.Mod.Version, To: v})
		}
	}
	return changes, nil
}

// TidyConflict explains a failed go mod tidy whose cause is an import that the versions the
// install requires no longer provide: out is tidy's output, before the host's go.mod as it
// was, after go.mod as the install wrote it. The go command prints the import chain
// ("example.com/app imports\n\texample.com/oldsign imports\n\tgolang.org/x/crypto/openpgp: module
// golang.org/x/crypto@latest found (v0.59.0), but does not contain package …"); the last
// importer is the package to blame, and the host module holding it (or the host's own code)
// is named with what to do. It returns "" for any other failure.
func TidyConflict(out, before, after []byte, hostModule string) string {
	was, err := modfile.ParseLax("go.mod", before, nil)
	if err != nil {
		return ""
	}
	now, err := modfile.ParseLax("go.mod", after, nil)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n")
	for i, l := range lines {
		missing, reason, ok := strings.Cut(strings.TrimSpace(l), ": ")
		if !ok || i == 0 || !strings.HasSuffix(lines[i-1], " imports") || !strings.Contains(reason, "does not contain package") && !strings.Contains(reason, "cannot find module providing package") {
			continue
		}
		importer := strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(lines[i-1], "go: ")), " imports")
		provider := moduleOf(now.Require, missing)
		if provider == nil {
			return ""
		}
		had := ""
		if r := moduleOf(was.Require, missing); r != nil && r.Mod.Version != provider.Mod.Version {
			had = fmt.Sprintf("; your go.mod had %s", r.Mod.Version)
		}
		gone := fmt.Sprintf("%s, which %s %s (the version the generated code needs%s) no longer has", missing, provider.Mod.Path, provider.Mod.Version, had)
		if importer == hostModule || strings.HasPrefix(importer, hostModule+"/") {
			return fmt.Sprintf("your package %s imports %s: move it off that package, then run sigra-install again (it resumes with go mod tidy).", importer, gone)
		}
		culprit := moduleOf(was.Require, importer)
		if culprit == nil {
			return fmt.Sprintf("%s imports %s: upgrade or replace the module that provides %s, then run sigra-install again (it resumes with go mod tidy).", importer, gone, importer)
		}
		return fmt.Sprintf("%s %s, a module of yours, imports %s. Upgrade it (`go get %s@latest`) or replace it, then run sigra-install again (it resumes with go mod tidy).", culprit.Mod.Path, culprit.Mod.Version, gone, culprit.Mod.Path)
	}
	return ""
}

// moduleOf is the require among reqs whose module path is the longest prefix of pkg.
func moduleOf(reqs []*modfile.Require, pkg string) *modfile.Require {
	var best *modfile.Require
	for _, r := range reqs {
		if (pkg == r.Mod.Path || strings.HasPrefix(pkg, r.Mod.Path+"/")) && (best == nil || len(r.Mod.Path) > len(best.Mod.Path)) {
			best = r
		}
	}
	return best
}

// VendorStale reports whether vendor/modules.txt (modulesTxt) lacks a module go.mod requires at
// the version it requires: the go command then refuses to build with -mod=vendor, as after an
// install whose go mod vendor did not run or failed.
func VendorStale(gomod, modulesTxt []byte) bool {
	f, err := modfile.ParseLax("go.mod", gomod, nil)
	if err != nil {
		return true
	}
	vendored := map[string]bool{}
	for _, l := range strings.Split(string(modulesTxt), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), "# "); ok {
			vendored[rest] = true
		}
	}
	for _, r := range f.Require {
		if !vendored[r.Mod.Path+" "+r.Mod.Version] {
			return true
		}
	}
	return false
}
