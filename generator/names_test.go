package generator

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestGeneratedCodeCompilesForEdgeNames type-checks, with go vet, the code generated for
// accepted names that sit next to rejected ones, in a module whose go.mod and go.sum are
// testdata/deps's (so no `go mod tidy` and no moving pins). It also asks the go command for
// the real name of every package the templates import, which the name checks otherwise
// assume from the import path. Slow (it compiles the dependencies on a cold cache): skipped
// with -short.
func TestGeneratedCodeCompilesForEdgeNames(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles generated code; skipped with -short")
	}
	deps := readDeps(t)
	for _, c := range []struct {
		args  [3]string
		int64 bool
	}{
		// Package webweb; schema variable svc beside the tests' svc := ... locals.
		{[3]string{"Web", "Svc", "svcs"}, false},
		// Package db beside the locals named db; a struct field named string.
		{[3]string{"Db", "String", "strings"}, false},
		// A context named like a Go concept, with int64 keys.
		{[3]string{"Auth", "Person", "people"}, true},
	} {
		t.Run(strings.Join(c.args[:], "_"), func(t *testing.T) {
			o := DefaultOptions(c.args[0], c.args[1], c.args[2])
			o.BinaryID = !c.int64
			o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			plan, err := Build(o, hostWith(t, nil))
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			for _, f := range plan.Files {
				writeFile(t, filepath.Join(dir, filepath.FromSlash(f.Path)), f.Data)
			}
			writeFile(t, filepath.Join(dir, "go.mod"), deps.gomod)
			writeFile(t, filepath.Join(dir, "go.sum"), deps.gosum)
			if out, err := goIn(dir, "vet", "./..."); err != nil {
				t.Fatalf("go vet on %v:\n%s", c.args, out)
			}
		})
	}

	t.Run("import names", func(t *testing.T) {
		idx, err := templateIndex()
		if err != nil {
			t.Fatal(err)
		}
		assumed := map[string]string{} // import path -> name the checks assume
		for _, f := range idx.files {
			for _, imp := range f.imports {
				if !strings.Contains(imp.path, placeholderMark) {
					assumed[imp.path] = importPathName(imp.path)
				}
			}
		}
		paths := slices.Sorted(maps.Keys(assumed))
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "go.mod"), deps.gomod)
		writeFile(t, filepath.Join(dir, "go.sum"), deps.gosum)
		out, err := goIn(dir, append([]string{"list", "-f", "{{.ImportPath}} {{.Name}}"}, paths...)...)
		if err != nil {
			t.Fatalf("go list:\n%s", out)
		}
		var checked []string
		for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
			p, name, ok := strings.Cut(line, " ")
			if !ok {
				t.Fatalf("go list printed %q", line)
			}
			if want := assumed[p]; want != name {
				t.Errorf("package %s is named %s; the name checks assume %s (teach importPathName)", p, name, want)
			}
			checked = append(checked, p)
		}
		slices.Sort(checked)
		if strings.Join(checked, " ") != strings.Join(paths, " ") {
			t.Errorf("go list answered for %v, want %v", checked, paths)
		}
	})
}

type depsFiles struct{ gomod, gosum []byte }

// readDeps returns testdata/deps's go.mod, with the host's module path, and its go.sum.
func readDeps(t *testing.T) depsFiles {
	t.Helper()
	gomod, err := os.ReadFile(filepath.Join("..", "testdata", "deps", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	gosum, err := os.ReadFile(filepath.Join("..", "testdata", "deps", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	renamed := strings.Replace(string(gomod), "module sigra.test/deps", "module example.com/app", 1)
	if renamed == string(gomod) {
		t.Fatal("testdata/deps/go.mod has no `module sigra.test/deps` line")
	}
	return depsFiles{[]byte(renamed), gosum}
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// goIn runs the go command in dir with the local toolchain, no workspace, and the module's
// go.mod allowed to gain the indirect requirements it lacks (go.sum stays as given).
func goIn(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOFLAGS=") && !strings.HasPrefix(kv, "DATABASE_URL=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	return string(out), err
}
