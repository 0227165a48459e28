package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
)

// Check states. The matrix prints them as [ok], [--] and [!!]; --json spells them out.
const (
	StateOK      = "ok"
	StateUnused  = "unused"  // not used by this host, or not checked
	StateProblem = "problem" // wrong; the advice says what to do
)

// StateMark is how the matrix shows a state.
func StateMark(state string) string {
	switch state {
	case StateOK:
		return "[ok]"
	case StateUnused:
		return "[--]"
	}
	return "[!!]"
}

// Finding is one cell of doctor's matrix: a check of one area (the install, a variable, a
// feature), its state, what was found and, for a problem, one line of advice.
type Finding struct {
	Area   string `json:"area"`
	Check  string `json:"check"`
	State  string `json:"state"`
	Detail string `json:"detail"`
	Advice string `json:"advice,omitempty"`
}

// Findings collects a doctor run.
type Findings []Finding

// Add records one finding.
func (out *Findings) Add(area, check, state, detail, advice string) {
	*out = append(*out, Finding{Area: area, Check: check, State: state, Detail: detail, Advice: advice})
}

// Problems counts the findings in StateProblem.
func (out Findings) Problems() int {
	n := 0
	for _, f := range out {
		if f.State == StateProblem {
			n++
		}
	}
	return n
}

// DoctorInstall checks the install in h against what this release (version, templates) would
// write for the options its manifest records: the manifest and its version, the files the
// owner edited (informational) or lost, the migrations of both dialects, the wiring into the
// host's main and the modules in go.mod. It returns the plan (nil when there is no manifest or
// the plan cannot be built) so the caller can build its packages.
func DoctorInstall(h *Host, version string, templates fs.FS) (Findings, *Plan) {
	var out Findings
	const area = "install"
	m := h.Manifest
	if m == nil {
		out.Add(area, "manifest", StateProblem, "no "+ManifestPath+" in the host",
			"install with `sigra-install <Context> <Schema> <table>`, or restore "+ManifestPath+" from version control")
		return out, nil
	}
	install := fmt.Sprintf("`%s %s %s`", m.Options.Context, m.Options.Schema, m.Options.Table)
	switch cmp := compareVersions(m.Version, version); {
	case cmp == 0:
		out.Add(area, "manifest", StateOK, fmt.Sprintf("%s written by sigra-install %s for %s (features: %s)", ManifestPath, m.Version, install, strings.Join(m.Features, ", ")), "")
	case cmp < 0:
		out.Add(area, "manifest", StateProblem, fmt.Sprintf("%s was written by sigra-install %s; this is %s", ManifestPath, m.Version, version),
			"run `sigra-install upgrade` to bring the host to "+version)
	default:
		out.Add(area, "manifest", StateProblem, fmt.Sprintf("%s was written by sigra-install %s, newer than this one (%s)", ManifestPath, m.Version, version),
			"run the doctor of sigra-install "+m.Version+" or later")
	}

	paths := make([]string, 0, len(m.Files))
	for p := range m.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var missing, edited, conflicted []string
	for _, p := range paths {
		data, ok := h.ReadFile(p)
		switch {
		case !ok:
			missing = append(missing, p)
		case fileHash(data) != m.Files[p].SHA256:
			edited = append(edited, p)
			if HasConflictMarkers(data) {
				conflicted = append(conflicted, p)
			}
		}
	}
	if len(missing) > 0 {
		out.Add(area, "files", StateProblem, fmt.Sprintf("%d of %d generated file(s) missing: %s", len(missing), len(paths), listSome(missing)),
			fmt.Sprintf("restore them from version control, or run `sigra-install %s %s %s --force` to write them again", m.Options.Context, m.Options.Schema, m.Options.Table))
	} else {
		out.Add(area, "files", StateOK, fmt.Sprintf("all %d generated file(s) present", len(paths)), "")
	}
	if len(conflicted) > 0 {
		out.Add(area, "edited", StateProblem, fmt.Sprintf("conflict markers left in %s", listSome(conflicted)),
			"resolve the <<<<<<< / >>>>>>> blocks, then run `sigra-install upgrade` again")
	} else if len(edited) > 0 {
		out.Add(area, "edited", StateOK, fmt.Sprintf("%d file(s) edited by you (fine; upgrade merges them): %s", len(edited), listSome(edited)), "")
	} else {
		out.Add(area, "edited", StateOK, "no generated file edited", "")
	}
	doctorMigrations(&out, h)

	p, err := BuildFrom(m.InstallOptions(time.Now()), h, templates)
	if err != nil {
		advice := "fix what the message names, then run doctor again"
		if gl := (*GoLineError)(nil); errors.As(err, &gl) {
			advice = fmt.Sprintf("run `go mod edit -go=%s`", gl.Need)
		}
		out.Add(area, "go.mod", StateProblem, err.Error(), advice)
		return out, nil
	}
	doctorWiring(&out, h, p)
	doctorModules(&out, h, p)
	return out, p
}

// doctorMigrations checks that every migration exists in both dialects with the same version:
// goose applies one folder, and the other dialect's database must reach the same schema.
func doctorMigrations(out *Findings, h *Host) {
	byDialect := map[string]map[string]string{"sqlite": {}, "postgres": {}} // name -> version
	for key, p := range h.Migrations {
		dialect, name, _ := strings.Cut(key, "/")
		version, _, _ := strings.Cut(path.Base(p), "_")
		if byDialect[dialect] != nil {
			byDialect[dialect][name] = version
		}
	}
	var problems []string
	names := map[string]bool{}
	for _, d := range byDialect {
		for n := range d {
			names[n] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		sv, inSQLite := byDialect["sqlite"][n]
		pv, inPostgres := byDialect["postgres"][n]
		switch {
		case !inSQLite:
			problems = append(problems, n+" only in migrations/postgres")
		case !inPostgres:
			problems = append(problems, n+" only in migrations/sqlite")
		case sv != pv:
			problems = append(problems, fmt.Sprintf("%s has version %s in sqlite and %s in postgres", n, sv, pv))
		}
	}
	if len(problems) > 0 {
		out.Add("install", "migrations", StateProblem, strings.Join(problems, "; "),
			"give every migration the same file name (version and name) in migrations/sqlite and migrations/postgres")
		return
	}
	out.Add("install", "migrations", StateOK, fmt.Sprintf("%d migration(s), the same versions in sqlite and postgres", len(sorted)), "")
}

// doctorWiring checks that the app is wired: the generated cmd/server, or the marker-guarded
// block in the host's own main.
func doctorWiring(out *Findings, h *Host, p *Plan) {
	if len(p.Injections) == 0 {
		if _, ok := h.ReadFile("cmd/server/main.go"); ok {
			out.Add("install", "wiring", StateOK, "cmd/server/main.go (generated) serves the app", "")
		} else {
			out.Add("install", "wiring", StateProblem, "no main package serves the app: cmd/server/main.go is missing",
				"restore cmd/server/main.go, or run sigra-install again to write it")
		}
		return
	}
	for _, inj := range p.Injections {
		if inj.Already {
			out.Add("install", "wiring", StateOK, fmt.Sprintf("%s holds the %s block", inj.Path, inj.Marker), "")
			continue
		}
		out.Add("install", "wiring", StateProblem, fmt.Sprintf("the %s block is missing from the host's main (%s)", inj.Marker, inj.Path),
			fmt.Sprintf("run `sigra-install %s %s %s` to inject it, or add the lines it prints by hand", p.Model.Options.Context, p.Model.Options.Schema, p.Model.Options.Table))
	}
}

// doctorModules checks that go.mod requires every module the generated code imports at or
// above the version this release pins (a lower one may lack what the code calls, or a fix).
func doctorModules(out *Findings, h *Host, p *Plan) {
	mf, err := modfile.ParseLax("go.mod", h.GoMod, nil)
	if err != nil {
		out.Add("install", "go.mod", StateProblem, "go.mod does not parse: "+err.Error(), "fix go.mod")
		return
	}
	have := map[string]string{}
	for _, r := range mf.Require {
		have[r.Mod.Path] = r.Mod.Version
	}
	var problems []string
	for _, req := range p.Requires {
		v, ok := have[req.Path]
		switch {
		case !ok:
			problems = append(problems, req.Path+" is not required")
		case semver.Compare(v, req.Version) < 0:
			problems = append(problems, fmt.Sprintf("%s %s is below %s", req.Path, v, req.Version))
		}
	}
	if len(problems) > 0 {
		out.Add("install", "go.mod", StateProblem, strings.Join(dedupe(problems), "; "),
			"run `go get` with the versions named (e.g. go get "+firstWord(problems[0])+"@"+pinned[firstWord(problems[0])]+"), then go mod tidy")
		return
	}
	out.Add("install", "go.mod", StateOK, fmt.Sprintf("the %d module(s) the generated code needs, at or above their pins", len(dedupe(modulePaths(p)))), "")
}

// GeneratedPackages are the directories of the generated non-test Go files, for go build.
func GeneratedPackages(p *Plan) []string {
	dirs := map[string]bool{}
	for _, f := range p.Files {
		if strings.HasSuffix(f.Path, ".go") && !strings.HasSuffix(f.Path, "_test.go") {
			dirs[path.Dir(f.Path)] = true
		}
	}
	out := make([]string, 0, len(dirs))
	for d := range dirs {
		out = append(out, "./"+d)
	}
	sort.Strings(out)
	return out
}

// compareVersions compares two release versions ("0.1.0"); one that is not a release sorts
// before every release.
func compareVersions(a, b string) int {
	return semver.Compare("v"+a, "v"+b)
}

func listSome(paths []string) string {
	const most = 5
	if len(paths) <= most {
		return strings.Join(paths, ", ")
	}
	return strings.Join(paths[:most], ", ") + fmt.Sprintf(" and %d more", len(paths)-most)
}

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func modulePaths(p *Plan) []string {
	var out []string
	for _, r := range p.Requires {
		out = append(out, r.Path)
	}
	return out
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return w
}
