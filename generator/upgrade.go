package generator

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"time"

	"golang.org/x/mod/semver"
)

// BaseDir holds, for every generated file the owner has edited, a copy of what sigra-install
// generated there when it last wrote the file: the base of the next upgrade's three-way merge.
// Its name starts with a dot, so the go command, go vet and sigra-install's own host scan all
// leave it alone; the host commits it with the manifest.
const BaseDir = ".sigra-install/base"

// Templates is the template tree this sigra-install renders.
func Templates() fs.FS { return defaultFS }

// BuildFrom is Build with another template tree: tests use it to install with the templates
// of an earlier release.
func BuildFrom(opts Options, host *Host, templates fs.FS) (*Plan, error) {
	return buildWith(opts, host, templates)
}

// InstallOptions are the options of the install the manifest records, stamped with now for
// any migration this version adds. Only what the manifest records is switched on: a feature
// that a later release adds, and that an older manifest therefore does not name, stays off.
func (m *Manifest) InstallOptions(now time.Time) Options {
	o := m.Options
	return Options{
		Context: o.Context, Schema: o.Schema, Table: o.Table,
		BinaryID: o.BinaryID, Orgs: o.Orgs, Admin: o.Admin, Passkeys: o.Passkeys, API: o.API, JWT: o.JWT,
		Now: now,
	}
}

// UpgradeOptions configure PlanUpgrade.
type UpgradeOptions struct {
	Version string // this sigra-install's version, recorded in the new manifest
	// History finds what an earlier release generated at path: bytes whose SHA-256 is sum, as
	// the manifest records it. The CLI looks in the host's git history; nil finds nothing.
	History func(path, sum string) ([]byte, bool)
}

// UpgradeItem is one line of the upgrade summary.
type UpgradeItem struct {
	Path string
	Note string // why it is listed, or ""
	// Blocking marks an item the owner must act on before the upgrade counts as done: a
	// conflict written with markers, or a file that could not be merged at all.
	Blocking bool
}

// Upgrade is what bringing a host to this version does: the writes, in two steps (the files,
// then the manifest, so that an interrupted upgrade leaves the old manifest and can be run
// again), and the three-part summary.
type Upgrade struct {
	From, To  string
	Writes    []Action // files, base copies, go.mod and injections
	Manifest  Action   // the new sigra-install.json, written after Writes
	Updated   []UpgradeItem
	Merged    []UpgradeItem
	Attention []UpgradeItem
}

// Blocked reports whether some item needs the owner before the upgrade is complete.
func (u *Upgrade) Blocked() bool {
	for _, it := range u.Attention {
		if it.Blocking {
			return true
		}
	}
	return false
}

// DowngradeError refuses to upgrade a host that a newer sigra-install wrote.
type DowngradeError struct{ Installed, This string }

func (e *DowngradeError) Error() string {
	return fmt.Sprintf("%s records sigra-install %s, newer than this one (%s): a downgrade would undo that release's fixes, so nothing was written; install sigra-install %s or later", ManifestPath, e.Installed, e.This, e.Installed)
}

// CheckUpgradeVersion refuses a manifest written by a newer release, or by a version that is
// not a release at all.
func CheckUpgradeVersion(installed, this string) error {
	iv, tv := "v"+installed, "v"+this
	if !semver.IsValid(iv) {
		return &HostError{fmt.Sprintf("%s records version %q, which is not a sigra-install release; restore it from version control", ManifestPath, installed)}
	}
	if semver.IsValid(tv) && semver.Compare(iv, tv) > 0 {
		return &DowngradeError{Installed: installed, This: this}
	}
	return nil
}

// PlanUpgrade compares p, the plan of this version for the options h's manifest records, with
// the host, file by file:
//   - a file this version adds is created; one still exactly as sigra-install wrote it is
//     updated;
//   - one the owner edited is merged three-way: base, what the earlier release generated there
//     (its copy in BaseDir, or the host's git history, found by the SHA-256 the manifest
//     records); ours, the host's file; theirs, this version's. A clean merge is written; a
//     conflicting one is written with markers and listed as blocking. Without a base every
//     difference is a conflict (Merge2), so nothing the owner wrote is dropped;
//   - a migration in the host is never edited (it may have run): schema changes arrive as new
//     migrations, which placeMigrations versions after every migration the host has;
//   - a file with conflict markers from an earlier upgrade is left alone until they are gone.
//
// It writes nothing.
func PlanUpgrade(p *Plan, h *Host, opts UpgradeOptions) (*Upgrade, error) {
	if h.Manifest == nil {
		return nil, &HostError{fmt.Sprintf("no %s here: this module has no sigra-install install to upgrade (run `sigra-install <Context> <Schema> <table>` to install)", ManifestPath)}
	}
	if err := CheckUpgradeVersion(h.Manifest.Version, opts.Version); err != nil {
		return nil, err
	}
	if err := checkSameInstall(p, h); err != nil {
		return nil, err
	}
	labels := MergeLabels{Ours: "yours", Theirs: "sigra-install " + opts.Version}
	u := &Upgrade{From: h.Manifest.Version, To: opts.Version}
	manifest := NewManifest(p, opts.Version)
	write := func(kind ActionKind, p string, data []byte) {
		u.Writes = append(u.Writes, Action{Kind: kind, Path: p, Data: data})
	}
	// keepBase stores what this version generated for a file the owner edited, so the next
	// upgrade has its base even though those bytes never reach the file itself.
	keepBase := func(file string, data []byte) {
		p := path.Join(BaseDir, file)
		switch have, ok := h.ReadFile(p); {
		case !ok:
			write(ActCreate, p, data)
		case !bytes.Equal(have, data):
			write(ActUpdate, p, data)
		}
	}
	planned := map[string]bool{}
	for _, f := range p.Files {
		planned[f.Path] = true
		have, exists := h.ReadFile(f.Path)
		rec, recorded := h.Manifest.File(f.Path)
		switch {
		case !exists && recorded:
			manifest.Files[f.Path] = rec
			u.Attention = append(u.Attention, UpgradeItem{Path: f.Path, Note: "deleted by you: not restored (sigra-install " + opts.Version + " --force restores it)"})
		case !exists:
			write(ActCreate, f.Path, f.Data)
			note := "new in " + opts.Version
			if isMigration(f.Path) {
				note = "new migration: it runs when the app starts"
			}
			u.Updated = append(u.Updated, UpgradeItem{Path: f.Path, Note: note})
		case bytes.Equal(have, f.Data):
			if recorded && rec.SHA256 != manifest.Files[f.Path].SHA256 {
				u.Updated = append(u.Updated, UpgradeItem{Path: f.Path, Note: "already as " + opts.Version + " writes it"})
			}
		case isMigration(f.Path):
			if recorded {
				manifest.Files[f.Path] = rec
			}
			u.Attention = append(u.Attention, UpgradeItem{Path: f.Path, Note: "differs from what " + opts.Version + " generates, but a migration may have run, so it is never edited: left as is"})
		case !recorded:
			delete(manifest.Files, f.Path)
			u.Attention = append(u.Attention, UpgradeItem{Path: f.Path, Blocking: true,
				Note: "not written by sigra-install, and " + opts.Version + " generates a file here: move yours aside and run upgrade again"})
		case HasConflictMarkers(have):
			manifest.Files[f.Path] = rec
			u.Attention = append(u.Attention, UpgradeItem{Path: f.Path, Blocking: true,
				Note: "still has conflict markers (<<<<<<<): resolve them, then run upgrade again"})
		case fileHash(have) == rec.SHA256:
			write(ActUpdate, f.Path, f.Data)
			u.Updated = append(u.Updated, UpgradeItem{Path: f.Path})
		case fileHash(f.Data) == rec.SHA256:
			keepBase(f.Path, f.Data) // edited by the owner; this version has nothing new for it
		default:
			base, ok := findBase(h, f.Path, rec.SHA256, opts.History)
			var merged []byte
			var conflicts int
			if ok {
				merged, conflicts = Merge3(base, have, f.Data, labels)
			} else {
				merged, conflicts = Merge2(have, f.Data, labels)
			}
			if !bytes.Equal(merged, have) { // an interrupted upgrade's merge, run again
				write(ActUpdate, f.Path, merged)
			}
			keepBase(f.Path, f.Data)
			switch {
			case conflicts == 0:
				u.Merged = append(u.Merged, UpgradeItem{Path: f.Path})
			case ok:
				u.Attention = append(u.Attention, UpgradeItem{Path: f.Path, Blocking: true,
					Note: fmt.Sprintf("conflict: %d place(s) where your edit and %s changed the same lines, marked with <<<<<<< yours / >>>>>>> sigra-install %s; resolve them, then run upgrade again", conflicts, opts.Version, opts.Version)})
			default:
				u.Attention = append(u.Attention, UpgradeItem{Path: f.Path, Blocking: true,
					Note: fmt.Sprintf("conflict: what %s generated here is neither in %s nor in git history, so each of the %d difference(s) is marked; resolve them, then run upgrade again", h.Manifest.Version, BaseDir, conflicts)})
			}
		}
	}
	var gone []string
	for p := range h.Manifest.Files {
		if !planned[p] {
			gone = append(gone, p)
		}
	}
	sort.Strings(gone)
	for _, p := range gone {
		if _, exists := h.ReadFile(p); exists {
			u.Attention = append(u.Attention, UpgradeItem{Path: p, Note: opts.Version + " no longer generates it: left in place; delete it once nothing uses it"})
		}
	}

	if !bytes.Equal(p.GoMod, h.GoMod) {
		write(ActUpdate, "go.mod", p.GoMod)
		u.Updated = append(u.Updated, UpgradeItem{Path: "go.mod", Note: "modules at the versions " + opts.Version + " pins; run go mod tidy"})
	}
	for _, inj := range p.Injections {
		switch {
		case inj.Already:
		case inj.Manual != "":
			u.Attention = append(u.Attention, UpgradeItem{Path: inj.Path, Note: "wire by hand: " + inj.Manual})
		default:
			write(ActInject, inj.Path, inj.Data)
			u.Updated = append(u.Updated, UpgradeItem{Path: inj.Path, Note: "wiring injected"})
		}
	}
	data := manifest.Marshal()
	if have, ok := h.ReadFile(ManifestPath); !ok || !bytes.Equal(have, data) {
		u.Manifest = Action{Kind: ActUpdate, Path: ManifestPath, Data: data}
	} else {
		u.Manifest = Action{Kind: ActIdentical, Path: ManifestPath}
	}
	return u, nil
}

// findBase finds the bytes an earlier release generated at file, identified by their SHA-256:
// first the copy an earlier upgrade kept in BaseDir, then the host's history. Whatever is found
// must hash to sum, so a stale copy or a wrong revision is never taken for the base.
func findBase(h *Host, file, sum string, history func(path, sum string) ([]byte, bool)) ([]byte, bool) {
	if data, ok := h.ReadFile(path.Join(BaseDir, file)); ok && fileHash(data) == sum {
		return data, true
	}
	if history != nil {
		if data, ok := history(file, sum); ok && fileHash(data) == sum {
			return data, true
		}
	}
	return nil, false
}
