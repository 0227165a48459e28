package generator

import (
	"errors"
	"fmt"
	gover "go/version"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/module"
)

// File is one file the plan writes, with its final bytes.
type File struct {
	Path    string // slash-separated, relative to the host root
	Data    []byte
	Feature string // the feature that contributed it (Feature.Name), recorded in the manifest
}

// Injection is an edit of an existing host file. Exactly one of Data and Manual is set: Data is
// the whole file after the splice; Manual is the help text when no safe anchor was found.
type Injection struct {
	Path    string
	Marker  string // the guard line; its presence means the injection is already there
	Data    []byte
	Manual  string
	Already bool   // the marker was found: nothing to do
	Notice  string // a warning for the next steps (a route of the host's that the wiring shadows)
}

// Plan is everything a run would do to the host, computed without touching it.
type Plan struct {
	Model      *Model
	Features   []string // names of the enabled features, in build order
	Files      []File
	Injections []Injection
	Requires   []module.Version
	GoMod      []byte   // go.mod after adding Requires (equal to the host's when nothing is new)
	GoFloor    string   // the lowest go line the required modules allow (goFloor)
	GoBump     *GoBump  // set when --bump-go raises the host's go line
	Notes      []string // next steps printed after the report
}

// GoBump is the change --bump-go makes to the host's go line.
type GoBump struct {
	From, To string // "" From: the host had no go line
	Vendored bool   // the host has vendor/, which go mod vendor must refresh
}

// GoLineError refuses a host whose go line is below the floor of the modules the generated
// code requires. Its message names --bump-go.
type GoLineError struct{ Have, Need string }

func (e *GoLineError) Error() string {
	have := "go " + e.Have
	if e.Have == "" {
		have = "no go line"
	}
	return fmt.Sprintf("go.mod says %s, but the generated code needs go %s or later (the modules it requires declare it); "+
		"re-run with --bump-go to raise the go line, or run `go mod edit -go=%s` yourself", have, e.Need, e.Need)
}

// Feature is one unit of the generated system. A feature contributes files, requires and
// notes to the plan, and plugs into the generated app only through the seams the core
// declares (internal/<web>/feature.go) or that a feature it requires declares.
type Feature interface {
	Name() string
	Enabled(m *Model, h *Host) bool
	Contribute(b *Builder) error
}

// Requirer is a Feature that builds on others (passkeys answer the MFA challenge through
// MFA's mfaMethod seam). A feature is built after the ones it requires, and a plan that
// enables it without them is refused.
type Requirer interface {
	Requires() []string
}

// Features lists every feature in dependency order: each comes after the ones it requires
// (TestFeaturesInDependencyOrder checks it).
var Features = []Feature{coreFeature{}, mfaFeature{}, passkeysFeature{}, orgsFeature{}, adminFeature{}, bearerFeature{}, apiFeature{}, jwtFeature{}, oauthFeature{}, serverFeature{}, injectFeature{}}

// Builder is what a feature contributes through.
type Builder struct {
	Model *Model
	Host  *Host
	plan  *Plan
	r     *renderer

	feature     Feature     // the feature contributing now
	migrations  []migration // every migration added so far, placed by placeMigrations
	webFeatures []string    // constructors for the registry, in build order (see WebFeature)
}

// Build computes the plan for opts against host. It is pure: it reads host.FS and templates,
// never writes, and gives the same plan for the same inputs.
func Build(opts Options, host *Host) (*Plan, error) {
	return buildWith(opts, host, defaultFS)
}

func buildWith(opts Options, host *Host, tmpl fs.FS) (*Plan, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	m := newModel(opts, host.Module)
	if err := checkHostPackages(m, host); err != nil {
		return nil, err
	}
	p := &Plan{Model: m}
	b := &Builder{Model: m, Host: host, plan: p, r: &renderer{fsys: tmpl, model: m}}
	enabled := map[string]bool{}
	for _, f := range Features {
		if !f.Enabled(m, host) {
			continue
		}
		if r, ok := f.(Requirer); ok {
			for _, dep := range r.Requires() {
				if !enabled[dep] {
					return nil, fmt.Errorf("feature %s needs %s, which is not enabled", f.Name(), dep)
				}
			}
		}
		enabled[f.Name()] = true
		b.feature = f
		p.Features = append(p.Features, f.Name())
		if err := f.Contribute(b); err != nil {
			return nil, fmt.Errorf("feature %s: %w", f.Name(), err)
		}
	}
	b.feature = nil
	if err := b.placeMigrations(); err != nil {
		return nil, err
	}
	registry, err := registryFile(m, b.webFeatures)
	if err != nil {
		return nil, err
	}
	registry.Feature = "core" // always written; its content follows the enabled features
	p.Files = append(p.Files, registry)
	sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Path < p.Files[j].Path })
	for i, f := range p.Files {
		if f.Path == ManifestPath {
			return nil, fmt.Errorf("feature %s writes %s, which is the install manifest's path", f.Feature, f.Path)
		}
		if i > 0 && f.Path == p.Files[i-1].Path {
			return nil, fmt.Errorf("two features write %s (%s and %s)", f.Path, p.Files[i-1].Feature, f.Feature)
		}
	}
	// Last guard against a name collision in the rendered code (see checkRenderedImports).
	if err := checkRenderedImports(m, p.Files); err != nil {
		return nil, err
	}
	p.GoFloor = goFloor(p.Requires)
	gomod := host.GoMod
	if host.GoVersion == "" || gover.Compare("go"+host.GoVersion, "go"+p.GoFloor) < 0 {
		if !opts.BumpGo {
			return nil, &GoLineError{Have: host.GoVersion, Need: p.GoFloor}
		}
		p.GoBump = &GoBump{From: host.GoVersion, To: p.GoFloor, Vendored: host.Vendored}
		if gomod, err = setGoLine(gomod, p.GoFloor); err != nil {
			return nil, err
		}
	}
	if gomod, err = addRequires(gomod, p.Requires); err != nil {
		return nil, err
	}
	p.GoMod = gomod
	return p, nil
}

// AddTree renders every template under templates/<dir>/ into the plan, each file marked with
// the feature contributing it. Migrations (migrations/<dialect>/[NN_]<name>.sql) must carry an
// ordinal in that feature's range; their host paths (a version prefix, or the path of the
// host's existing copy so that a re-run never adds a second one) are set by placeMigrations.
func (b *Builder) AddTree(dir string) error {
	var paths []string
	err := fs.WalkDir(b.r.fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".tmpl") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Rendering (mostly gofmt) is the bulk of a run; the files are independent, so they are
	// rendered in parallel and then added in walk order, which keeps the plan deterministic.
	data := make([][]byte, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				data[i], errs[i] = b.r.render(paths[i])
			}
		})
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	feature := ""
	if b.feature != nil {
		feature = b.feature.Name()
	}
	for i, p := range paths {
		target := b.Model.TargetPath(strings.TrimPrefix(p, dir+"/"))
		if dialect := path.Base(path.Dir(target)); path.Dir(path.Dir(target)) == "migrations" && path.Ext(target) == ".sql" {
			mig, err := b.newMigration(p, dialect, path.Base(target))
			if err != nil {
				return err
			}
			mig.file = len(b.plan.Files)
			b.migrations = append(b.migrations, mig)
			target = "" // placed once every feature has contributed (placeMigrations)
		}
		b.plan.Files = append(b.plan.Files, File{Path: target, Data: data[i], Feature: feature})
	}
	return nil
}

// Require adds modules to go.mod at their pinned versions.
func (b *Builder) Require(paths ...string) {
	for _, p := range paths {
		v, ok := pinned[p]
		if !ok {
			panic("sigra-install: no pinned version for " + p) // a bug in the feature table
		}
		b.plan.Requires = append(b.plan.Requires, module.Version{Path: p, Version: v})
	}
}

// WebFeature registers the constructor (func(*Server) feature, in the web package) that the
// generated feature registry calls for this feature.
func (b *Builder) WebFeature(constructor string) { b.webFeatures = append(b.webFeatures, constructor) }

// Note adds a line to the next steps printed after the report.
func (b *Builder) Note(format string, args ...any) {
	b.plan.Notes = append(b.plan.Notes, fmt.Sprintf(format, args...))
}

// Inject records an injection (see inject.go).
func (b *Builder) Inject(inj Injection) { b.plan.Injections = append(b.plan.Injections, inj) }

// migrationOrdinals is the one table of the migration ordinals each feature owns. A migration
// template's name may start with a two-digit ordinal ("40_create_passkeys.sql"; no prefix means
// 00). The ordinal orders the migrations of one run: a new migration's goose version is the
// run's clock plus that many seconds. Because the ranges are disjoint, two features can never
// give their migrations the same version, and the order of the tables follows the order of the
// features that create them. A feature may declare its range itself (MigrationOwner) instead.
var migrationOrdinals = map[string][2]int{
	"core":     {0, 29},
	"mfa":      {30, 39},
	"passkeys": {40, 49},
	"orgs":     {50, 59},
	"admin":    {60, 69},
	"oauth":    {70, 79},
	"api":      {80, 84},
	"jwt":      {85, 89},
}

// MigrationOwner is implemented by a feature that declares the range of migration ordinals it
// owns itself rather than through the table in plan.go.
type MigrationOwner interface {
	MigrationOrdinals() (lo, hi int)
}

// ordinalRange is the range of migration ordinals f owns; ok is false when it owns none.
func ordinalRange(f Feature) (lo, hi int, ok bool) {
	if o, isOwner := f.(MigrationOwner); isOwner {
		lo, hi = o.MigrationOrdinals()
		return lo, hi, true
	}
	r, ok := migrationOrdinals[f.Name()]
	return r[0], r[1], ok
}

// migration is one migration template in the plan, before it has a host path.
type migration struct {
	file    int    // index into Plan.Files
	tmpl    string // template path, for errors
	dialect string // "sqlite" or "postgres"
	ordinal int
	name    string // file name without ordinal or version: "create_passkeys.sql"
	feature string
}

// newMigration parses a migration template's file name ("40_create_passkeys.sql") and checks
// that its ordinal lies in the range the contributing feature owns.
func (b *Builder) newMigration(tmpl, dialect, file string) (migration, error) {
	m := migration{tmpl: tmpl, dialect: dialect, name: file}
	if len(file) > 3 && file[2] == '_' && isDigit(file[0]) && isDigit(file[1]) {
		m.ordinal, m.name = int(file[0]-'0')*10+int(file[1]-'0'), file[3:]
	}
	if b.feature == nil {
		return m, fmt.Errorf("migration %s is not contributed by a feature", tmpl)
	}
	m.feature = b.feature.Name()
	lo, hi, ok := ordinalRange(b.feature)
	if !ok {
		return m, fmt.Errorf("migration %s: feature %s owns no migration ordinals; give it a range in migrationOrdinals (plan.go)", tmpl, m.feature)
	}
	if m.ordinal < lo || m.ordinal > hi {
		return m, fmt.Errorf("migration %s has ordinal %02d, outside the range %02d-%02d that feature %s owns", tmpl, m.ordinal, lo, hi, m.feature)
	}
	return m, nil
}

// placeMigrations gives every migration its host path once all features have contributed. It
// rejects two migrations of one dialect with the same ordinal or name (they would share a goose
// version or a reuse slot) and a migration that one dialect has and another lacks. A migration
// already in the host (or recorded in its manifest and deleted since) keeps its path; the new
// ones get versions from the run's clock, moved later if needed so that they sort after every
// migration the host has: enabling a feature later only ever appends migrations.
func (b *Builder) placeMigrations() error {
	type key struct {
		ordinal int
		name    string
	}
	byKey := map[string]map[key]migration{}
	byOrdinal := map[string]map[int]migration{}
	byName := map[string]map[string]migration{}
	var dialects []string
	for _, m := range b.migrations {
		if byKey[m.dialect] == nil {
			byKey[m.dialect], byOrdinal[m.dialect], byName[m.dialect] = map[key]migration{}, map[int]migration{}, map[string]migration{}
			dialects = append(dialects, m.dialect)
		}
		if other, dup := byOrdinal[m.dialect][m.ordinal]; dup {
			return fmt.Errorf("migrations %s (feature %s) and %s (feature %s) both have ordinal %02d, so they would get the same goose version", other.tmpl, other.feature, m.tmpl, m.feature, m.ordinal)
		}
		if other, dup := byName[m.dialect][m.name]; dup {
			return fmt.Errorf("migrations %s and %s have the same name %s in %s", other.tmpl, m.tmpl, m.name, m.dialect)
		}
		byKey[m.dialect][key{m.ordinal, m.name}] = m
		byOrdinal[m.dialect][m.ordinal] = m
		byName[m.dialect][m.name] = m
	}
	sort.Strings(dialects)
	for _, m := range b.migrations {
		for _, d := range dialects {
			if _, ok := byKey[d][key{m.ordinal, m.name}]; !ok {
				return fmt.Errorf("migration %s (feature %s) has no %s counterpart %02d_%s: every dialect needs the same migrations with the same ordinals", m.tmpl, m.feature, d, m.ordinal, m.name)
			}
		}
	}

	recorded := b.Host.Manifest.migrations()
	var fresh []int
	minOrdinal := 100
	for i, m := range b.migrations {
		if p, ok := b.Host.Migrations[m.dialect+"/"+m.name]; ok {
			b.plan.Files[m.file].Path = p
			continue
		}
		if p, ok := recorded[m.dialect+"/"+m.name]; ok {
			b.plan.Files[m.file].Path = p // deleted by the owner; Check decides
			continue
		}
		fresh = append(fresh, i)
		minOrdinal = min(minOrdinal, m.ordinal)
	}
	if len(fresh) > 0 {
		base := b.Model.Now.UTC().Truncate(time.Second)
		if latest, ok := b.Host.latestMigration(); ok && !base.Add(time.Duration(minOrdinal)*time.Second).After(latest) {
			base = latest.Add(time.Duration(1-minOrdinal) * time.Second)
		}
		for _, i := range fresh {
			m := b.migrations[i]
			version := base.Add(time.Duration(m.ordinal) * time.Second).Format(migrationTimeLayout)
			b.plan.Files[m.file].Path = "migrations/" + m.dialect + "/" + version + "_" + m.name
		}
	}

	// Reused host files can still clash with each other; goose would refuse them at start.
	seen := map[string]string{}
	for _, m := range b.migrations {
		p := b.plan.Files[m.file].Path
		version, _, _ := strings.Cut(path.Base(p), "_")
		if other, dup := seen[m.dialect+"/"+version]; dup {
			return fmt.Errorf("migrations %s and %s have the same goose version %s", other, p, version)
		}
		seen[m.dialect+"/"+version] = p
	}
	return nil
}

// migrationTimeLayout is the goose timestamp version: UTC yyyymmddhhmmss.
const migrationTimeLayout = "20060102150405"

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
