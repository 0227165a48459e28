package generator

import (
	"errors"
	"fmt"
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
	Path string // slash-separated, relative to the host root
	Data []byte
}

// Injection is an edit of an existing host file. Exactly one of Data and Manual is set: Data is
// the whole file after the splice; Manual is the help text when no safe anchor was found.
type Injection struct {
	Path    string
	Marker  string // the guard line; its presence means the injection is already there
	Data    []byte
	Manual  string
	Already bool // the marker was found: nothing to do
}

// Plan is everything a run would do to the host, computed without touching it.
type Plan struct {
	Model      *Model
	Files      []File
	Injections []Injection
	Requires   []module.Version
	GoMod      []byte   // go.mod after adding Requires (equal to the host's when nothing is new)
	Notes      []string // next steps printed after the report
}

// Feature is one unit of the generated system. A feature contributes files, requires and
// notes to the plan; features never depend on each other.
type Feature interface {
	Name() string
	Enabled(m *Model, h *Host) bool
	Contribute(b *Builder) error
}

// Features lists every feature in the order they are built.
var Features = []Feature{coreFeature{}, passkeysFeature{}, serverFeature{}, injectFeature{}}

// Builder is what a feature contributes through.
type Builder struct {
	Model *Model
	Host  *Host
	plan  *Plan
	r     *renderer
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
	p := &Plan{Model: m}
	b := &Builder{Model: m, Host: host, plan: p, r: &renderer{fsys: tmpl, model: m}}
	for _, f := range Features {
		if !f.Enabled(m, host) {
			continue
		}
		if err := f.Contribute(b); err != nil {
			return nil, fmt.Errorf("feature %s: %w", f.Name(), err)
		}
	}
	sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Path < p.Files[j].Path })
	for i := 1; i < len(p.Files); i++ {
		if p.Files[i].Path == p.Files[i-1].Path {
			return nil, fmt.Errorf("two features write %s", p.Files[i].Path)
		}
	}
	// Last guard against a name collision in the rendered code (see checkRenderedImports).
	if err := checkRenderedImports(m, p.Files); err != nil {
		return nil, err
	}
	gomod, err := addRequires(host.GoMod, p.Requires)
	if err != nil {
		return nil, err
	}
	p.GoMod = gomod
	return p, nil
}

// AddTree renders every template under templates/<dir>/ into the plan. Migrations
// (migrations/<dialect>/[NN_]<name>.sql) get a version prefix, or the path of the host's
// existing copy so that a re-run never adds a second one.
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
	for i, p := range paths {
		target := b.Model.TargetPath(strings.TrimPrefix(p, dir+"/"))
		if dialect := path.Base(path.Dir(target)); path.Dir(path.Dir(target)) == "migrations" && path.Ext(target) == ".sql" {
			target = b.migrationPath(dialect, path.Base(target))
		}
		b.plan.Files = append(b.plan.Files, File{Path: target, Data: data[i]})
	}
	return nil
}

// migrationPath gives a migration template its host path. A template name may start with a
// two-digit ordinal ("10_add_mfa.sql"): it orders migrations within one run (the version is the
// run's clock plus that many seconds) and is not part of the migration's name. The same name
// gets the same version in every dialect.
func (b *Builder) migrationPath(dialect, file string) string {
	ordinal, name := 0, file
	if len(file) > 3 && file[2] == '_' && isDigit(file[0]) && isDigit(file[1]) {
		ordinal, name = int(file[0]-'0')*10+int(file[1]-'0'), file[3:]
	}
	if existing, ok := b.Host.Migrations[dialect+"/"+name]; ok {
		return existing
	}
	version := b.Model.Now.UTC().Add(time.Duration(ordinal) * time.Second).Format("20060102150405")
	return "migrations/" + dialect + "/" + version + "_" + name
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

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

// Note adds a line to the next steps printed after the report.
func (b *Builder) Note(format string, args ...any) {
	b.plan.Notes = append(b.plan.Notes, fmt.Sprintf(format, args...))
}

// Inject records an injection (see inject.go).
func (b *Builder) Inject(inj Injection) { b.plan.Injections = append(b.plan.Injections, inj) }
