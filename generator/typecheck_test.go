package generator_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"

	"github.com/sigra-go/sigra-install/generator"
	"github.com/sigra-go/sigra-install/templates"
)

// The fast tier type-checks the generated code: a template that renders and gofmts but does not
// compile (a renamed field, a missing import, a wrong type in a test) fails `go test -short`.

// typecheckBundles are the bundles the fast tier type-checks: SPEC §6 names the default and the
// minimal one.
var typecheckBundles = []struct {
	name string
	opts func(o *generator.Options)
}{
	{"default", func(*generator.Options) {}},
	{"minimal", func(o *generator.Options) { o.Orgs, o.Admin, o.Passkeys = false, false, false }},
}

func TestGeneratedCodeTypeChecks(t *testing.T) {
	t.Parallel()
	for _, b := range typecheckBundles {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			o := typecheckOptions()
			b.opts(&o)
			p, err := generator.Build(o, freshHost(t))
			require.NoError(t, err)
			out, err := vetPlan(t, p)
			require.NoError(t, err, "go vet on the generated %s bundle:\n%s", b.name, out)
		})
	}
}

// TestTypecheckCatchesATypeError proves the check above can fail: a type error appended to one
// template of a package and to one test template of another must both be reported.
func TestTypecheckCatchesATypeError(t *testing.T) {
	tests, err := fs.Glob(templates.FS, "core/internal/__auth__/*_test.go.tmpl")
	require.NoError(t, err)
	require.NotEmpty(t, tests, "no test template in core/internal/__auth__ to break")
	broken := []string{"server/cmd/server/main.go.tmpl", tests[0]}

	overlay := fstest.MapFS{}
	require.NoError(t, fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(templates.FS, p)
		overlay[p] = &fstest.MapFile{Data: data}
		return err
	}))
	for _, p := range broken {
		overlay[p].Data = append(overlay[p].Data, "\nvar _ int = \"not an int\"\n"...)
	}

	p, err := generator.BuildWith(typecheckOptions(), freshHost(t), overlay)
	require.NoError(t, err, "the broken templates still render and gofmt; only the type check can catch them")
	out, err := vetPlan(t, p)
	require.Error(t, err, "go vet passed on code with type errors:\n%s", out)
	for _, tmpl := range broken {
		target := p.Model.TargetPath(tmpl[strings.Index(tmpl, "/")+1:])
		require.Contains(t, out, target, "the type error in %s was not reported", target)
	}
	require.Contains(t, out, "cannot use \"not an int\"")
}

// typecheckOptions are the default options with the golden clock: the same migration versions on
// every run keep the embedded migrations, and so the vet results, in the build cache.
func typecheckOptions() generator.Options {
	o := generator.DefaultOptions("Accounts", "User", "users")
	now, err := time.Parse(time.RFC3339, goldenNow)
	if err != nil {
		panic(err)
	}
	o.Now = now
	return o
}

// freshHost loads testdata/host/fresh, the empty module every golden is generated into.
func freshHost(t *testing.T) *generator.Host {
	t.Helper()
	h, err := generator.LoadHost(os.DirFS(filepath.Join("..", "testdata", "host", "fresh")))
	require.NoError(t, err)
	return h
}

// vetPlan writes the plan's files into a temp module and runs `go vet ./...` there, which
// type-checks every package and its tests. The module requires the pinned superset
// (testdata/deps) with its go.sum, so no go mod tidy is needed: the go command runs offline
// from the module cache, and only when the cache lacks a module does it retry with the proxy.
func vetPlan(t *testing.T, p *generator.Plan) (string, error) {
	t.Helper()
	require.Empty(t, p.Injections, "the type check writes a fresh host, which has no main to inject into")
	dir := t.TempDir()
	for _, f := range p.Files {
		writeFile(t, dir, f.Path, f.Data)
	}

	deps := filepath.Join("..", "testdata", "deps")
	data, err := os.ReadFile(filepath.Join(deps, "go.mod"))
	require.NoError(t, err)
	mf, err := modfile.Parse("go.mod", data, nil)
	require.NoError(t, err)
	// The generated imports name the host's module, so the temp module takes its path.
	require.NoError(t, mf.AddModuleStmt(p.Model.Module))
	gomod, err := mf.Format()
	require.NoError(t, err)
	writeFile(t, dir, "go.mod", gomod)
	sum, err := os.ReadFile(filepath.Join(deps, "go.sum"))
	require.NoError(t, err)
	writeFile(t, dir, "go.sum", sum)

	flags := "GOFLAGS=-mod=mod " + hostGoFlags // the same build flags as TestBuild: one build cache
	start := time.Now()
	out, err := runGo(dir, []string{flags, "GOPROXY=off"}, "vet", "./...")
	if err != nil && strings.Contains(out, "GOPROXY=off") {
		t.Logf("the module cache lacks a pinned module; retrying with the proxy:\n%s", out)
		out, err = runGo(dir, []string{flags}, "vet", "./...")
	}
	t.Logf("go vet on %d generated files: %s", len(p.Files), time.Since(start).Round(time.Millisecond))
	return out, err
}
