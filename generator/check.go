package generator

import (
	"bytes"
	"fmt"
	"path"
	"sort"
	"strings"
)

// ActionKind is what happens to one path.
type ActionKind string

// The action kinds, as printed in the report.
const (
	ActCreate          ActionKind = "creating"
	ActIdentical       ActionKind = "identical"
	ActConflict        ActionKind = "conflict"
	ActOverwrite       ActionKind = "overwriting"
	ActUpdate          ActionKind = "updating"
	ActInject          ActionKind = "injecting"
	ActAlreadyInjected ActionKind = "already injected"
	ActManual          ActionKind = "manual"
	ActSkip            ActionKind = "skipped" // recorded in the manifest, deleted by the owner
	ActKeep            ActionKind = "keeping" // edited by the owner, and this run has nothing new for it
)

// Action is one step of applying a plan.
type Action struct {
	Kind ActionKind
	Path string
	Data []byte // bytes to write, for the kinds that write; for a conflict, what would be written
	Text string // the help text of a manual step
}

// Writes reports whether the action changes a file.
func (a Action) Writes() bool {
	switch a.Kind {
	case ActCreate, ActOverwrite, ActUpdate, ActInject:
		return true
	}
	return false
}

// CheckOptions are the operation flags that decide how a plan meets the host.
type CheckOptions struct {
	Force   bool   // overwrite conflicting files and restore files the owner deleted
	Version string // the sigra-install version recorded in the manifest
}

// ConflictError lists every file that differs from what the plan would write and that the run
// may not update: edited by the owner, not written by sigra-install, or a migration.
type ConflictError struct {
	Paths []string
	// Migrations are the conflicting paths that are migrations sigra-install wrote and nobody
	// edited: they are never updated silently, since they may have run already.
	Migrations []string
}

func (e *ConflictError) Error() string {
	migration := map[string]bool{}
	for _, p := range e.Migrations {
		migration[p] = true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d file(s) differ from what sigra-install would write:\n", len(e.Paths))
	for _, p := range e.Paths {
		if migration[p] {
			fmt.Fprintf(&b, "  %s (a migration: it may have run already, so it is never updated without --force)\n", p)
		} else {
			fmt.Fprintf(&b, "  %s\n", p)
		}
	}
	fmt.Fprintf(&b, "nothing was written; see the differences with --diff, then keep your version by leaving it (this run stays refused) or take ours with --force (overwrites these %d file(s))", len(e.Paths))
	return b.String()
}

// FeatureRemovedError refuses a run that leaves out features the manifest records as installed
// while some of their files are still in the host: sigra-install never deletes code.
type FeatureRemovedError struct{ Features []RemovedFeature }

// RemovedFeature is one feature a run leaves out and the files of it still in the host.
type RemovedFeature struct {
	Name  string
	Files []string
}

func (e *FeatureRemovedError) Error() string {
	var b strings.Builder
	for i, f := range e.Features {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s records %s as installed, but this run leaves it out. sigra-install never deletes code, so nothing was written.\n", ManifestPath, f.Name)
		fmt.Fprintf(&b, "To remove %s, delete its %d file(s) still here:\n", f.Name, len(f.Files))
		for _, p := range f.Files {
			fmt.Fprintf(&b, "  %s\n", p)
		}
		fmt.Fprintf(&b, "Its tables stay in your database unless you add a migration that drops them.\n")
	}
	b.WriteString("After deleting those files, the same command works.")
	return b.String()
}

// hostWiringFeatures are turned on and off by the host's layout (whether it has its own main
// package), not by an option: leaving them out is not a removal the owner asked for, and their
// files simply stay.
var hostWiringFeatures = map[string]bool{"server": true, "inject": true}

// Check compares the plan with the host and returns the actions in a stable order: files and
// the manifest by path, then go.mod, then injections. With a manifest in the host, a file that
// differs but is still as sigra-install wrote it is updated; one the owner edited is kept when
// this run would write what the last one did, and a conflict when sigra-install has a new
// version of it too; one the owner deleted is skipped. Unless opts.Force is set, any conflict makes it
// return a *ConflictError alongside the actions (which then hold ActConflict entries). A run
// that leaves out an installed feature whose files are still there returns a
// *FeatureRemovedError and no actions.
func Check(p *Plan, h *Host, opts CheckOptions) ([]Action, error) {
	if err := checkSameInstall(p, h); err != nil {
		return nil, err
	}
	if err := checkRemovedFeatures(p, h); err != nil {
		return nil, err
	}
	manifest := NewManifest(p, opts.Version)
	var actions []Action
	conflicts := &ConflictError{}
	for _, f := range p.Files {
		have, exists := h.ReadFile(f.Path)
		rec, recorded := h.Manifest.File(f.Path)
		pristine := exists && recorded && fileHash(have) == rec.SHA256
		switch {
		case !exists && recorded && !opts.Force:
			actions = append(actions, Action{Kind: ActSkip, Path: f.Path})
			manifest.Files[f.Path] = rec // stays recorded, so later runs keep leaving it out
		case !exists:
			actions = append(actions, Action{Kind: ActCreate, Path: f.Path, Data: f.Data})
		case bytes.Equal(have, f.Data):
			actions = append(actions, Action{Kind: ActIdentical, Path: f.Path})
		case recorded && fileHash(f.Data) == rec.SHA256 && !opts.Force:
			// The owner edited the file, and what sigra-install would write is what it wrote
			// last time: there is nothing to merge, so their version stands (this is what
			// turning a feature on does to every core file).
			actions = append(actions, Action{Kind: ActKeep, Path: f.Path})
		case pristine && !isMigration(f.Path):
			actions = append(actions, Action{Kind: ActUpdate, Path: f.Path, Data: f.Data})
		case opts.Force:
			actions = append(actions, Action{Kind: ActOverwrite, Path: f.Path, Data: f.Data})
		default:
			actions = append(actions, Action{Kind: ActConflict, Path: f.Path, Data: f.Data})
			conflicts.Paths = append(conflicts.Paths, f.Path)
			if pristine {
				conflicts.Migrations = append(conflicts.Migrations, f.Path)
			}
		}
	}
	data := manifest.Marshal()
	switch have, exists := h.ReadFile(ManifestPath); {
	case !exists:
		actions = append(actions, Action{Kind: ActCreate, Path: ManifestPath, Data: data})
	case bytes.Equal(have, data):
		actions = append(actions, Action{Kind: ActIdentical, Path: ManifestPath})
	default:
		actions = append(actions, Action{Kind: ActUpdate, Path: ManifestPath, Data: data})
	}
	sort.SliceStable(actions, func(i, j int) bool { return actions[i].Path < actions[j].Path })

	if bytes.Equal(p.GoMod, h.GoMod) {
		actions = append(actions, Action{Kind: ActIdentical, Path: "go.mod"})
	} else {
		actions = append(actions, Action{Kind: ActUpdate, Path: "go.mod", Data: p.GoMod})
	}
	for _, inj := range p.Injections {
		switch {
		case inj.Already:
			actions = append(actions, Action{Kind: ActAlreadyInjected, Path: inj.Path})
		case inj.Manual != "":
			actions = append(actions, Action{Kind: ActManual, Path: inj.Path, Text: inj.Manual})
		default:
			actions = append(actions, Action{Kind: ActInject, Path: inj.Path, Data: inj.Data})
		}
	}
	if len(conflicts.Paths) > 0 {
		return actions, conflicts
	}
	return actions, nil
}

// checkSameInstall refuses a run whose names differ from the install the manifest records. The
// manifest describes one install; a run with other names would take over the shared files
// (cmd/server, migrations/migrations.go) as "pristine" and forget the first install's files.
func checkSameInstall(p *Plan, h *Host) error {
	if h.Manifest == nil {
		return nil
	}
	was, now := h.Manifest.Options, p.Model.Options
	if was.Context == now.Context && was.Schema == now.Schema && was.Table == now.Table {
		return nil
	}
	return &HostError{fmt.Sprintf("%s records the install `%s %s %s`, and this run asks for `%s %s %s`; a module holds one install, so nothing was written. Re-run with `%s %s %s`; to replace that install, delete %s first (every file that differs then counts as yours: a conflict)",
		ManifestPath, was.Context, was.Schema, was.Table, now.Context, now.Schema, now.Table, was.Context, was.Schema, was.Table, ManifestPath)}
}

// checkRemovedFeatures returns a *FeatureRemovedError when the manifest records a feature this
// plan leaves out and files it wrote are still in the host (files another feature now writes
// do not count). Once they are all gone the run may go on; its manifest no longer lists them.
func checkRemovedFeatures(p *Plan, h *Host) error {
	if h.Manifest == nil {
		return nil
	}
	enabled := map[string]bool{}
	for _, name := range p.Features {
		enabled[name] = true
	}
	planned := map[string]bool{}
	for _, f := range p.Files {
		planned[f.Path] = true
	}
	recorded := make([]string, 0, len(h.Manifest.Files))
	for path := range h.Manifest.Files {
		recorded = append(recorded, path)
	}
	sort.Strings(recorded)
	var removed []RemovedFeature
	for _, name := range h.Manifest.Features {
		if enabled[name] || hostWiringFeatures[name] {
			continue
		}
		left := RemovedFeature{Name: name}
		for _, path := range recorded {
			if h.Manifest.Files[path].Feature != name || planned[path] {
				continue
			}
			if _, exists := h.ReadFile(path); exists {
				left.Files = append(left.Files, path)
			}
		}
		if len(left.Files) > 0 {
			removed = append(removed, left)
		}
	}
	if len(removed) > 0 {
		return &FeatureRemovedError{Features: removed}
	}
	return nil
}

// isMigration reports whether p is a migration (migrations/<dialect>/<version>_<name>.sql).
func isMigration(p string) bool {
	return path.Dir(path.Dir(p)) == "migrations" && path.Ext(p) == ".sql"
}

// Changes reports whether any action writes.
func Changes(actions []Action) bool {
	for _, a := range actions {
		if a.Writes() {
			return true
		}
	}
	return false
}

// FormatAction renders one report line: "* creating internal/accounts/user.go" or
// "! manual: ...".
func FormatAction(a Action) string {
	switch a.Kind {
	case ActManual:
		return "! manual: " + a.Text
	case ActConflict:
		return "! conflict " + a.Path
	case ActSkip:
		return "! skipped " + a.Path + " (deleted by you; --force restores it)"
	case ActKeep:
		return "* keeping " + a.Path + " (edited by you; this version of sigra-install has no change for it)"
	}
	return fmt.Sprintf("* %s %s", a.Kind, a.Path)
}
