package generator

import (
	"bytes"
	"fmt"
	gover "go/version"

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
