package generator

import (
	"bytes"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
)

// Host is what the generator knows about the target module, read from an fs.FS rooted at the
// module's directory (os.DirFS in the CLI, fstest.MapFS or txtar in tests).
type Host struct {
	FS        fs.FS
	GoMod     []byte
	Module    string
	GoVersion string

	// MainDirs are the directories holding a hand-written package main (slash paths, "." for
	// the root). A cmd/server written by an earlier run of sigra-install does not count.
	MainDirs []string

	// Vendored is true when the host keeps its dependencies in vendor/ (go mod vendor).
	Vendored bool

	// Migrations maps "dialect/name.sql" (the file name without its version prefix) to the
	// path of a migration already in the host, so a re-run reuses it instead of adding another.
	Migrations map[string]string

	// Manifest is the install record of earlier runs (sigra-install.json); nil when there is none.
	Manifest *Manifest
}

// HostError is a problem with the host module that stops generation before anything is written.
type HostError struct{ Msg string }

func (e *HostError) Error() string { return e.Msg }

// LoadHost reads go.mod, finds main packages and existing migrations.
func LoadHost(fsys fs.FS) (*Host, error) {
	gomod, err := fs.ReadFile(fsys, "go.mod")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &HostError{"no go.mod here: run `go mod init <module path>` first, or pass --dir to the module root"}
	}
	if err != nil {
		return nil, fmt.Errorf("read go.mod: %w", err)
	}
	mf, err := modfile.ParseLax("go.mod", gomod, nil)
	if err != nil {
		return nil, &HostError{fmt.Sprintf("go.mod does not parse: %v", err)}
	}
	if mf.Module == nil || mf.Module.Mod.Path == "" {
		return nil, &HostError{"go.mod has no module line: run `go mod init <module path>`"}
	}
	h := &Host{FS: fsys, GoMod: gomod, Module: mf.Module.Mod.Path, Migrations: map[string]string{}}
	if mf.Go != nil {
		h.GoVersion = mf.Go.Version
	}
	if _, err := fs.Stat(fsys, "vendor/modules.txt"); err == nil {
		h.Vendored = true
	}
	if err := h.scan(); err != nil {
		return nil, err
	}
	data, err := fs.ReadFile(fsys, ManifestPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("read %s: %w", ManifestPath, err)
	default:
		if h.Manifest, err = ParseManifest(data); err != nil {
			return nil, &HostError{fmt.Sprintf("%s is not a valid install manifest (%v): restore it from version control, or delete it to have every differing file treated as yours", ManifestPath, err)}
		}
	}
	return h, nil
}

func (h *Host) scan() error {
	mains := map[string]bool{}
	err := fs.WalkDir(h.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor" || name == "node_modules") {
				return fs.SkipDir
			}
			if p != "." {
				if _, err := fs.Stat(h.FS, path.Join(p, "go.mod")); err == nil {
					return fs.SkipDir // a nested module is not part of this one
				}
			}
			return nil
		}
		dir := path.Dir(p)
		if (dir == "migrations/sqlite" || dir == "migrations/postgres") && strings.HasSuffix(name, ".sql") {
			if i := strings.IndexByte(name, '_'); i > 0 {
				h.Migrations[path.Base(dir)+"/"+name[i+1:]] = p
			}
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		src, err := fs.ReadFile(h.FS, p)
		if err != nil {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, src, parser.PackageClauseOnly)
		if err != nil || f.Name.Name != "main" {
			return nil
		}
		if dir == "cmd/server" && bytes.HasPrefix(src, []byte(Provenance)) {
			return nil // ours (main.go and its helpers), from an earlier run
		}
		mains[dir] = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("scan host: %w", err)
	}
	for d := range mains {
		h.MainDirs = append(h.MainDirs, d)
	}
	sort.Strings(h.MainDirs)
	return nil
}

// latestMigration is the newest goose timestamp version among the host's migrations, in any
// dialect; ok is false when there is none (or they use sequential versions).
func (h *Host) latestMigration() (latest time.Time, ok bool) {
	for _, p := range h.Migrations {
		version, _, _ := strings.Cut(path.Base(p), "_")
		t, err := time.Parse(migrationTimeLayout, version)
		if err == nil && len(version) == len(migrationTimeLayout) && (!ok || t.After(latest)) {
			latest, ok = t, true
		}
	}
	return latest, ok
}

// ReadFile reads a host file; a missing file gives (nil, false).
func (h *Host) ReadFile(p string) ([]byte, bool) {
	b, err := fs.ReadFile(h.FS, p)
	if err != nil {
		return nil, false
	}
	return b, true
}
